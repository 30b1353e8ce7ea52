"""Every documented way of writing a number or naming a township, read through the public
loader, as a table: value typed -> value read (or refused).

The forms are those the README ("How a planner's spreadsheet is read": Cells, Numbers,
Names for ids) and the docstrings of ``zoneplan.data.cells`` and ``zoneplan.data.resolve``
promise.  Going through :func:`zoneplan.tables_from_frames` keeps the tables valid whatever
the loader's inner modules become.
"""

from __future__ import annotations

import pandas as pd
import pytest

import zoneplan
from zoneplan import InputError

TOWNSHIPS = pd.DataFrame([
    ("QS01", "柳河镇", "青山县"), ("QS02", "城关镇", "青山县"), ("BS01", "城关镇", "白水县"),
    ("QS04", "东风街道办事处", "青山县"), ("007", "七里乡", "青山县"), ("QS05", "红星民族乡", "青山县"),
    ("QS06", "巴音苏木", "青山县"), ("QS07", "解放路街道", "青山县"), ("BS02", "新华镇", "白水县"),
], columns=["township_id", "name", "county"]).assign(lat=[37.0 + 0.01 * k for k in range(9)], lon=117.0)


def _load(inv: dict | None = None, case: dict | None = None, travel: list | None = None, relations=None):
    i = {"investigator_id": "I01", "name": "王伟", "township_id": "QS02", **(inv or {})}
    c = {"case_id": "K01", "township_id": "QS01", "subject_id": "S1", **(case or {})}
    others = [{"investigator_id": "I02", "name": "马超", "township_id": "QS02"}]
    return zoneplan.tables_from_frames(
        townships=TOWNSHIPS, investigators=pd.DataFrame([i] + others), cases=pd.DataFrame([c]),
        travel=pd.DataFrame(travel, columns=["from", "to", "minutes"]) if travel else None,
        relations=pd.DataFrame(relations, columns=["a", "b", "relation"]) if relations else None)


# ----------------------------------------------------------------------- numbers

#: (column, typed, read): digits, full width, units the column allows, thousands comma,
#: Chinese whole numbers (README: 两, 三, 十二, 二十, 一百零五, 贰).
NUMBERS = [
    ("team_size", "3", 3), ("team_size", "３", 3), ("team_size", " 3 ", 3),
    ("team_size", "3人", 3), ("team_size", "3 人", 3), ("team_size", "3名", 3), ("team_size", "3位", 3),
    ("team_size", "3个", 3), ("team_size", "两", 2), ("team_size", "两人", 2), ("team_size", "三", 3),
    ("team_size", "十", 10), ("team_size", "十二", 12), ("team_size", "十二人", 12), ("team_size", "二十", 20),
    ("team_size", "二十三", 23), ("team_size", "一百零五", 105), ("team_size", "贰", 2), ("team_size", "贰人", 2),
    ("team_size", "叁", 3), ("team_size", "拾贰", 12),
    ("max_cases", "2件", 2), ("max_cases", "2个", 2), ("max_cases", "2起", 2), ("max_cases", "2宗", 2),
    ("max_cases", "2条", 2), ("max_cases", "十二件", 12), ("max_cases", "1,200", 1200),
    ("current_cases", "两件", 2), ("current_cases", "0", 0),
    ("workload", "１.５", 1.5), ("workload", "2.25", 2.25), ("current_workload", "0.5", 0.5),
]

#: Refused: a word before the number, a range, a fraction of words, two digits without a
#: place word, a unit of another column, letters.
REFUSED_NUMBERS = [
    ("team_size", "约2"), ("team_size", "2-3"), ("team_size", "两到三人"), ("team_size", "两个半"),
    ("team_size", "二三"), ("team_size", "3件"), ("team_size", "三五人"), ("team_size", "x"),
    ("max_cases", "2人"), ("max_cases", "约两件"),
]


@pytest.mark.parametrize("column,typed,read", NUMBERS)
def test_documented_numbers_are_read(column, typed, read):
    on_case = column in ("team_size", "workload")
    t = _load(case={column: typed}) if on_case else _load(inv={column: typed})
    got = (t.cases if on_case else t.investigators).iloc[0][column]
    assert got == pytest.approx(read), (typed, got)


@pytest.mark.parametrize("column,typed", REFUSED_NUMBERS)
def test_other_numbers_are_refused(column, typed):
    with pytest.raises(InputError):
        _load(case={column: typed}) if column == "team_size" else _load(inv={column: typed})


#: Road minutes: 分钟/分/min, and hours (x60) as 小时/h.
MINUTES = [("45", 45.0), ("45分钟", 45.0), ("45分", 45.0), ("45min", 45.0), ("45 min", 45.0),
           ("1.5小时", 90.0), ("1.5h", 90.0), ("２小时", 120.0), ("１.５", 1.5), ("1,200", 1200.0),
           ("四十五分钟", 45.0), ("两小时", 120.0)]


@pytest.mark.parametrize("typed,read", MINUTES)
def test_documented_minutes_are_read(typed, read):
    t = _load(travel=[("QS01", "QS02", typed)])
    assert t.travel["minutes"].iat[0] == pytest.approx(read)


@pytest.mark.parametrize("typed", ["约45分钟", "30-45", "一个半小时", "45秒"])
def test_other_minutes_are_refused(typed):
    with pytest.raises(InputError):
        _load(travel=[("QS01", "QS02", typed)])


#: The three ways of writing Chinese numbers (digits 0-9, ten, hundred): everyday, the
#: financial (大写) characters in simplified and in traditional script.
ALPHABETS = [("零一二三四五六七八九", "十", "百"), ("零壹贰叁肆伍陆柒捌玖", "拾", "佰"), ("〇壹貳參肆伍陸柒捌玖", "拾", "佰")]


def written(n: int, digits: str, ten: str, hundred: str) -> str:
    """``n`` (0-999) as it is written: 十 for 10-19 alone, 一百一十, 一百零五, 二百二十."""
    if n == 0:
        return digits[0]
    h, r = divmod(n, 100)
    t, o = divmod(r, 10)
    out = digits[h] + hundred if h else ""
    if t:
        out += ("" if t == 1 and not h else digits[t]) + ten
    elif h and o:
        out += digits[0]
    return out + (digits[o] if o else "")


def short_forms(n: int) -> list[str]:
    """The everyday forms of ``n`` beside :func:`written` (everyday characters): 一十二 for
    十二, 一百十 for 一百一十, 一百二 for 一百二十."""
    text = written(n, *ALPHABETS[0])
    out = []
    if 10 <= n % 100 < 20:
        out.append(text.replace("十", "一十") if n < 100 else text.replace("一十", "十"))
    if n >= 100 and n % 10 == 0 and n % 100:
        out.append(text[:-1])
    return out


def test_every_number_to_999_in_every_script_is_read():
    """Each of 0-999, written the standard way in each script, reads as itself; so does each
    with 两 for a leading 2 and the everyday short forms (一十二, 一百十, 一百二 = 120)."""
    from zoneplan.data.cells import chinese_int

    for n in range(1000):
        for alphabet in ALPHABETS:
            text = written(n, *alphabet)
            assert chinese_int(text) == n, (text, chinese_int(text))
        text = written(n, *ALPHABETS[0])
        if text.startswith("二") and len(text) > 1:
            assert chinese_int("两" + text[1:]) == n, text
        for other in short_forms(n):
            assert chinese_int(other) == n, other
    assert chinese_int("两") == 2 and chinese_int("两百") == 200 and chinese_int("百") == 100


def test_chinese_number_words_out_of_order_are_no_number():
    """Every text of up to three number characters that is no way of writing a number --
    digits in a row (二三), places repeated or out of order (十十, 十百, 百十百), a leading 零
    (零五) -- is None: refused, never read as a guess."""
    import itertools

    from zoneplan.data.cells import chinese_int

    digits, ten, hundred = ALPHABETS[0]
    ways = {t: n for n in range(1000) for t in [written(n, digits, ten, hundred), *short_forms(n)]}
    ways["百"] = 100
    chars = digits + ten + hundred
    for k in (1, 2, 3):
        for combo in itertools.product(chars, repeat=k):
            text = "".join(combo)
            assert chinese_int(text) == ways.get(text), text


# --------------------------------------------------------------------- townships

#: Resolution steps of a township reference (README "Names for ids", resolve.py):
#: (1) id or name as written; (2) ignoring case and spaces, a county before the name, an
#: id whose leading zeros Excel dropped; (3) the name without its ending (镇, 乡, 街道,
#: 街道办事处, 民族乡, 苏木).
TOWNSHIP_REFS = [
    ("QS01", "QS01"), ("柳河镇", "QS01"), ("007", "007"), ("七里乡", "007"),
    ("qs01", "QS01"), ("Qs01", "QS01"), ("QS 01", "QS01"), ("柳河 镇", "QS01"), ("7", "007"),
    ("青山县城关镇", "QS02"), ("白水县城关镇", "BS01"), ("白水县新华镇", "BS02"),
    ("柳河", "QS01"), ("七里", "007"), ("东风", "QS04"), ("红星", "QS05"), ("巴音", "QS06"), ("解放路", "QS07"),
    ("新华", "BS02"),
]

#: Refused: another ending than the township's (柳河乡 is not 柳河镇), a name two counties
#: share (written without the county), and names that match nothing.
REFUSED_TOWNSHIPS = ["柳河乡", "柳河街道", "新华乡", "城关镇", "城关", "柳树镇", "QS99", "七里镇"]


@pytest.mark.parametrize("typed,ident", TOWNSHIP_REFS)
def test_township_references_resolve_step_by_step(typed, ident):
    t = _load(inv={"township_id": typed}, case={"township_id": typed})
    assert t.investigators["township_id"].iat[0] == ident
    assert t.cases["township_id"].iat[0] == ident


@pytest.mark.parametrize("typed", REFUSED_TOWNSHIPS)
def test_other_township_references_are_refused(typed):
    with pytest.raises(InputError):
        _load(inv={"township_id": typed})
    with pytest.raises(InputError):
        _load(case={"township_id": typed})


def test_a_shared_name_is_refused_with_the_candidates():
    with pytest.raises(InputError) as err:
        _load(inv={"township_id": "城关镇"})
    text = str(err.value)
    assert "QS02" in text and "BS01" in text


# ------------------------------------------------------------------------ people

def test_people_in_relations_are_the_investigators_they_name():
    """A relation end that names an investigator (id, name, name with spaces, another dot, a
    remark in brackets) is that investigator; a remark that says another person keeps them
    apart; a name with a title refers to the investigator too (the README's name key)."""
    for typed in ("I01", "王伟", "王 伟", "王伟（纪委）", "王·伟"):
        t = _load(relations=[(typed, "S1", "夫妻")])
        assert set(t.relations[["a", "b"]].iloc[0]) == {"I01", "S1"}, typed
    t = _load(relations=[("马超（另一人）", "S1", "同事")])
    assert "I02" not in set(t.relations[["a", "b"]].iloc[0])
