"""Cell text as planners type it in Excel/WPS: one documented reading of every value.

Every cell is read as text and cleaned the same way (:func:`clean`): Unicode NFKC
(full-width digits, letters, brackets and spaces become their plain forms: ``３`` -> ``3``,
``１.５`` -> ``1.5``, ``（`` -> ``(``), zero-width characters removed, runs of spaces
collapsed, the ends stripped.  Values are then parsed by column kind:

* **lists** split on ``;`` ``；`` ``,`` ``，`` ``、`` ``/`` ``|`` ``+`` ``&`` and line breaks, and on
  spaces when the cell holds Chinese text (``财务 审计``); items are compared case-insensitively;
  an item with another punctuation mark or symbol in it (``财务.审计``) is refused;
* **yes/no** accept the words and marks in :data:`TRUE_WORDS` / :data:`FALSE_WORDS`
  (``是``/``否``, ``√``/``×``, ``有``/``无``, ``true``/``false``, ``1``/``0`` ...), and for
  ``available`` also roster states (``在岗`` / ``请假``, ``休假``, ``病假``, ``借调`` ...);
* **numbers** accept full-width digits, a thousands comma (``1,200``), a unit the column
  allows written after the number (``2人``, ``3件``, ``45分钟``; ``1.5小时`` is 90 minutes in
  a minutes column) and Chinese number words for whole numbers (``两``, ``十二``, ``贰``);
  anything else (``约2``, ``2-3``, ``两个半``) is refused;
* **levels** accept ``county``/``township`` and their Chinese words (:data:`LEVEL_WORDS`).

Excel error values (``#N/A``, ``#REF!`` ...) are refused wherever they appear.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "clean", "clean_array", "key", "has_cjk", "split_list", "parse_bool", "parse_level", "parse_number",
    "TRUE_WORDS", "FALSE_WORDS", "AVAILABLE_TRUE", "AVAILABLE_FALSE", "LEVEL_WORDS", "EXCEL_ERRORS",
    "LIST_SEPARATORS", "NO_VALUE_WORDS", "chinese_int", "list_item_ok",
]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

#: Yes-words (compared after :func:`key`).  Documented in the README.
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "对", "真", "√", "✓", "✔", "☑", "有", "能",
                        "可", "可以", "需要", "要"})
#: No-words.
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "不", "不是", "假", "×", "✗", "✘", "☒", "无",
                         "没有", "不能", "不可", "不可以", "不需要", "不要"})
#: Extra words of the ``available`` column (a roster's state column).
AVAILABLE_TRUE = frozenset({"在岗", "在职", "正常"})
AVAILABLE_FALSE = frozenset({"不在岗", "请假", "休假", "病假", "产假", "事假", "借调", "离岗", "外出", "培训", "停职",
                             "退休", "离职", "调离"})
#: Level words -> level.  ``区`` is a county-level district; offices and dispatched groups
#: (纪检监察室, 派驻组) are county-level staff.
LEVEL_WORDS = {
    "county": "county", "县": "county", "县级": "county", "县区": "county", "区级": "county", "县纪委": "county",
    "县纪委监委": "county", "县监委": "county", "县委": "county", "纪检监察室": "county", "派驻组": "county",
    "派驻纪检监察组": "county", "县级纪委": "county",
    "township": "township", "乡": "township", "镇": "township", "乡镇": "township", "乡镇级": "township",
    "乡级": "township", "镇级": "township", "街道": "township", "乡镇纪委": "township", "街道纪工委": "township",
    "街道纪委": "township", "镇纪委": "township", "乡纪委": "township",
}
#: Excel's error values: a failed formula (e.g. a VLOOKUP that found nothing).
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#N/A!", "#NA"})
#: Separators of list cells (after NFKC, so full-width ／ ｜ ＋ ＆ are these too); spaces also
#: separate items of a cell in Chinese.  An item holding any other punctuation mark or symbol
#: (``财务.审计``, ``财务-审计``) is refused by the loader, never read as one item by accident.
LIST_SEPARATORS = ";；,，、/|+&\n"
_LIST_SPLIT = re.compile(r"[;；,，、/|+&\n\r]+")
#: Words that say "none" explicitly in an optional column (e.g. a township in no zone).
NO_VALUE_WORDS = frozenset({"无", "-", "—", "——", "/", "none", "n/a", "空"})

#: Chinese number characters as the plain ones: the financial (大写) digits and units in
#: simplified and traditional script, 〇 and 两.
_CN_PLAIN = str.maketrans("〇两壹贰貳叁參肆伍陆陸柒捌玖拾佰", "零二一二二三三四五六六七八九十百")
_CN_DIGITS = "零一二三四五六七八九"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def clean(value: object) -> str:
    """A cell as clean text: NFKC, no zero-width characters, single spaces, stripped."""
    if value is None:
        return ""
    s = value if isinstance(value, str) else str(value)
    if s.isascii():
        if s.isprintable() and "  " not in s and s == s.strip():
            return s
        return _SPACES.sub(" ", s).strip()
    s = unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", s).strip()


def clean_array(values: np.ndarray) -> np.ndarray:
    """:func:`clean` over an object array, computed once per distinct value."""
    if len(values) == 0:
        return values.astype(object)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    if _all_plain(uniques):  # what clean() returns as it is, checked on all values at once
        cleaned = np.empty(len(uniques), dtype=object)
        cleaned[:] = list(uniques)
        return cleaned[codes]
    # plain ASCII text already clean (:func:`clean` would return it as it is) is kept without a call
    cleaned = np.array([v if type(v) is str and v.isascii() and v.isprintable() and "  " not in v and v == v.strip()
                        else clean(v) for v in uniques], dtype=object)
    return cleaned[codes]


_NOT_PLAIN = re.compile(r"[^\x20-\x7e\x1f]|  |(?:^|\x1f) | (?:\x1f|$)")


def _all_plain(values) -> bool:
    """Every value is text in printable ASCII, without runs of spaces or spaces at its ends
    (:func:`clean` keeps such a value as it is): the values joined by U+001F, checked once."""
    try:
        joined = "\x1f".join(values)
    except TypeError:  # a value that is not text
        return False
    return (joined.isascii() and joined.count("\x1f") == len(values) - 1  # no U+001F inside a value
            and _NOT_PLAIN.search(joined) is None)


def key(value: str) -> str:
    """The matching form of a cleaned value: no spaces at all, case-folded (``王 伟`` == ``王伟``)."""
    return value.replace(" ", "").casefold()


def has_cjk(value: str) -> bool:
    return bool(_CJK.search(value))


def split_list(value: str) -> tuple[str, ...]:
    """Items of a list cell, case-folded, sorted, without duplicates or blanks."""
    parts = _LIST_SPLIT.split(value)
    if has_cjk(value):
        parts = [q for p in parts for q in p.split(" ")]
    return tuple(sorted({p.strip().casefold() for p in parts} - {""}))


def list_item_ok(item: str) -> bool:
    """An item of a list cell holds no punctuation mark or symbol (an unknown separator)."""
    return not any(unicodedata.category(ch)[0] in "PS" for ch in item)


def parse_bool(value: str, extra_true: frozenset[str] = frozenset(),
               extra_false: frozenset[str] = frozenset()) -> bool | None:
    """True/False for a yes/no word or mark; ``None`` when it is neither."""
    k = key(value)
    if k in TRUE_WORDS or k in extra_true:
        return True
    if k in FALSE_WORDS or k in extra_false:
        return False
    return None


def parse_level(value: str) -> str | None:
    """``county``/``township`` for a level word; ``None`` when unknown."""
    return LEVEL_WORDS.get(key(value))


def chinese_int(text: str) -> int | None:
    """A whole number from 0 to 999 written in Chinese number words (``两`` 2, ``十二`` 12,
    ``一百零五`` 105, ``贰拾`` 20, colloquial ``一百二`` 120), or None.

    A text is read only if it is how some number is written (:func:`_cn_forms`): digits in
    a row without a place word (``二三``), places out of order or repeated (``十百``,
    ``十十``) are no number, never a guess."""
    return _cn_forms().get(text.translate(_CN_PLAIN))


@functools.lru_cache(maxsize=1)
def _cn_forms() -> dict[str, int]:
    """Every way a number from 0 to 999 is written with the plain characters -> the number:
    ``十二`` and ``一十二``; ``一百一十`` and ``一百十``; ``一百零五``; ``一百二`` for 120."""
    d = _CN_DIGITS
    forms: dict[str, int] = {"零": 0, "百": 100}
    for n in range(1, 1000):
        h, r = divmod(n, 100)
        t, o = divmod(r, 10)
        one = d[o] if o else ""
        if r == 0:
            tail = [""]
        elif r < 10:
            tail = ["零" + one] if h else [one]
        else:
            tens = ["十", "一十"] if t == 1 else [d[t] + "十"]
            tail = [x + one for x in tens]
            if h and o == 0:
                tail.append(d[t])  # 一百二: 120
        for x in tail:
            forms[(d[h] + "百" if h else "") + x] = n
    return forms


def parse_number(value: str, units: dict[str, float]) -> float | None:
    """A number, possibly with one of ``units`` after it (unit -> factor); ``None`` if not one."""
    s = value.replace(" ", "")
    if _NUMBER.match(s):
        return float(s)
    if _THOUSANDS.match(s):
        return float(s.replace(",", ""))
    for unit in sorted(units, key=len, reverse=True):
        if s.casefold().endswith(unit.casefold()) and len(s) > len(unit):
            head = s[: len(s) - len(unit)]
            if _NUMBER.match(head):
                return float(head) * units[unit]
            n = chinese_int(head)
            if n is not None:
                return float(n) * units[unit]
            return None
    n = chinese_int(s)
    return None if n is None else float(n)
