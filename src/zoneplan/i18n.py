"""Language of messages, reports and workbooks: Chinese (``zh``) or English (``en``).

**Which language.**  ``--lang zh|en`` on every command; else ``ZONEPLAN_LANG``; else the
input's own language when it is Chinese (a workbook with Chinese sheet names or a table with
Chinese headers: :func:`input_lang`); else the system locale (``LC_ALL`` / ``LC_MESSAGES`` /
``LANG``, and on Windows the user's locale) -- Chinese when it names Chinese (``zh_CN``,
``Chinese (Simplified)_China``...), English otherwise.

**One message catalog.**  Every word a person reads is an English message id in the code,
translated through the gettext catalog of the package (GNU gettext's ``.po``/``.mo`` format,
kept with Babel):

* ``src/zoneplan/locale/zh/LC_MESSAGES/zoneplan.po`` -- the Chinese text of every message,
  the file translators edit;
* ``zoneplan.mo`` beside it -- the compiled catalog the program reads, shipped as package
  data (``pybabel compile -d src/zoneplan/locale -D zoneplan``; a test fails when it is older
  than the ``.po``);
* ``babel.cfg`` at the top of the repository -- what ``pybabel extract`` reads (Python with
  the keywords below, the Jinja2 templates with ``_``); a test fails when a message of the
  code has no Chinese text in the catalog.

In the code a message is marked where it is written and translated where it is shown:

* ``N_("...")`` marks a message kept in a table (returns it unchanged);
* ``NC_("context", "...")`` the same, for a word whose Chinese depends on where it stands
  (gettext's ``msgctxt``: "Level" is 层级 for a person and 目标 for an objective);
* ``tr(msg, lang, **fields)`` gives the message in ``lang`` with its ``{fields}`` filled in;
  ``trn(singular, plural, n, lang, **fields)`` picks the plural form first.

English is the source language: ``tr(msg, "en")`` is the message id itself.
"""

from __future__ import annotations

import functools
import gettext
import locale
import os
import re
from importlib import resources
from pathlib import Path
from typing import Literal, Mapping

__all__ = ["Lang", "LANGS", "default_lang", "resolve_lang", "explicit_lang", "input_lang", "lang_for",
           "pick", "tr", "trn", "N_", "NC_", "Msg", "catalog"]

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")
DOMAIN = "zoneplan"


class Msg(str):
    """A message id with a gettext context (``msgctxt``); reads as its English text."""

    context: str

    def __new__(cls, context: str, msgid: str) -> "Msg":
        obj = super().__new__(cls, msgid)
        obj.context = context
        return obj


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalog; returns it unchanged (translate with :func:`tr`)."""
    return msgid


def NC_(context: str, msgid: str) -> Msg:
    """Mark ``msgid`` with a context: the same English word translated by where it stands."""
    return Msg(context, msgid)


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: the identity)."""
    if lang == "en":
        return gettext.NullTranslations()
    localedir = resources.files("zoneplan") / "locale"
    path = Path(str(localedir)) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with open(path, "rb") as fh:
        return gettext.GNUTranslations(fh)


def _translate(msg: str, lang: str) -> str:
    if lang == "en" or not msg:
        return str(msg)
    cat = catalog(lang)
    context = getattr(msg, "context", None)
    return cat.pgettext(context, str(msg)) if context else cat.gettext(str(msg))


def tr(msg: str, lang: str, /, **fields: object) -> str:
    """``msg`` in ``lang`` (the English id when the catalog has no text), ``{fields}`` filled in."""
    text = _translate(msg, lang)
    return text.format(**fields) if fields else text


def trn(singular: str, plural: str, n: int, lang: str, /, **fields: object) -> str:
    """The singular or plural message for ``n`` in ``lang``, with ``fields`` filled in (and ``{n}``,
    unless ``fields`` gives it another value)."""
    text = str(singular if n == 1 else plural) if lang == "en" else catalog(lang).ngettext(singular, plural, n)
    return text.format(**{"n": n, **fields})


def pick(texts: str | Mapping[str, str], lang: str, /, **kw: object) -> str:
    """A message in ``lang``: a catalog message id (see :func:`tr`), or an ``{"en": ..., "zh": ...}``
    pair (English when ``lang`` is missing), formatted with ``kw``."""
    if isinstance(texts, str):
        return tr(texts, lang, **kw)
    text = texts.get(lang) or texts["en"]
    return text.format(**kw) if kw else text


# --------------------------------------------------------------------------- which language

def _looks_chinese(name: str | None) -> bool:
    n = (name or "").strip().lower()
    return n.startswith("zh") or n.startswith("chinese")


def explicit_lang() -> Lang | None:
    """``ZONEPLAN_LANG`` when it names a language, else ``None``."""
    env = os.environ.get("ZONEPLAN_LANG", "").strip().lower()
    return env if env in LANGS else None  # type: ignore[return-value]


def default_lang() -> Lang:
    """``ZONEPLAN_LANG``, else the system locale (Chinese -> ``zh``), else ``en``."""
    env = explicit_lang()
    if env is not None:
        return env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var)
        if v:
            return "zh" if _looks_chinese(v) else "en"
    try:  # Windows has no LANG: ask the C library
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return "zh" if _looks_chinese(name) else "en"


def resolve_lang(lang: str | None) -> Lang:
    """``lang`` checked (``zh``/``en``, any case), or the default when ``None``/empty.

    Raises
    ------
    ValueError
        ``lang`` is neither ``zh`` nor ``en``.
    """
    if lang is None or str(lang).strip() == "":
        return default_lang()
    v = str(lang).strip().lower()
    if v in ("zh", "zh-cn", "zh_cn", "cn", "中文"):
        return "zh"
    if v in ("en", "en-us", "en_us", "english"):
        return "en"
    from .errors import Refusal

    raise Refusal(N_("--lang expects zh or en, got {got!r}"), got=lang)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def input_lang(path: str | os.PathLike | None) -> Lang | None:
    """``"zh"`` when the input at ``path`` is written in Chinese -- a workbook whose sheet names
    are Chinese, or a folder of CSV files (or one CSV file) whose header lines are -- else
    ``None`` (English or unknown; nothing is read beyond sheet names and header lines)."""
    if path is None:
        return None
    p = Path(path)
    try:
        if p.is_dir():
            heads = [_first_line(f) for f in sorted(p.iterdir())[:40] if f.suffix.lower() in (".csv", ".txt")]
            books = [f for f in sorted(p.iterdir())[:40] if f.suffix.lower() in (".xlsx", ".xlsm", ".xls")]
            if any(_CJK.search(h) for h in heads):
                return "zh"
            return next((lang for lang in map(_book_lang, books) if lang), None)
        if p.suffix.lower() in (".csv", ".txt"):
            return "zh" if _CJK.search(_first_line(p)) else None
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            return _book_lang(p)
    except (OSError, ValueError):
        return None
    return None


def _first_line(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(enc).splitlines()[0] if head else ""
        except UnicodeDecodeError:
            continue
    return ""


def _book_lang(path: Path) -> Lang | None:
    """Chinese when a sheet name is (read from the workbook's index, not its cells)."""
    if path.suffix.lower() == ".xls":
        try:
            import xlrd

            names = xlrd.open_workbook(str(path), on_demand=True).sheet_names()
        except Exception:  # noqa: BLE001 - unreadable here; the loader says why
            return None
    else:
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                names = re.findall(r'<sheet [^>]*name="([^"]*)"', z.read("xl/workbook.xml").decode("utf-8", "replace"))
        except (zipfile.BadZipFile, KeyError):
            return None
    return "zh" if any(_CJK.search(n) for n in names) else None


def lang_for(lang: str | None, data: str | os.PathLike | None = None) -> Lang:
    """The language of a command: ``--lang`` when given (checked), else ``ZONEPLAN_LANG``, else
    Chinese for Chinese input (:func:`input_lang`), else the system locale.

    Raises
    ------
    ValueError
        ``lang`` is given and is neither ``zh`` nor ``en``.
    """
    if lang is not None and str(lang).strip() != "":
        return resolve_lang(lang)
    env = explicit_lang()
    if env is not None:
        return env
    return input_lang(data) or default_lang()
