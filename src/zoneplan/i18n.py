"""Language of messages, reports and workbooks: Chinese (``zh``) or English (``en``).

The default follows the machine, as most command-line tools do: ``ZONEPLAN_LANG`` when set,
else the system locale (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``, and on Windows the user's
locale) -- Chinese when it names Chinese (``zh_CN``, ``Chinese (Simplified)_China``...),
English otherwise.  ``--lang zh|en`` on every command overrides both.

Texts are kept beside the code that uses them as ``{"en": ..., "zh": ...}`` pairs; this
module only decides the language and picks the text.
"""

from __future__ import annotations

import locale
import os
from typing import Literal, Mapping

__all__ = ["Lang", "LANGS", "default_lang", "resolve_lang", "pick"]

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")


def _looks_chinese(name: str | None) -> bool:
    n = (name or "").strip().lower()
    return n.startswith("zh") or n.startswith("chinese")


def default_lang() -> Lang:
    """``ZONEPLAN_LANG``, else the system locale (Chinese -> ``zh``), else ``en``."""
    env = os.environ.get("ZONEPLAN_LANG", "").strip().lower()
    if env in LANGS:
        return env  # type: ignore[return-value]
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
    raise ValueError(f"--lang expects zh or en, got {lang!r}")


def pick(texts: Mapping[str, str], lang: str, **kw: object) -> str:
    """The text in ``lang`` (English when missing), formatted with ``kw``."""
    text = texts.get(lang) or texts["en"]
    return text.format(**kw) if kw else text
