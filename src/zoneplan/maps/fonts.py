"""A Simplified-Chinese font for the maps, found on the machine or shipped with zoneplan.

Order of search (the first font that has the glyphs of ``乡镇街道协作区`` wins):

1. ``ZONEPLAN_FONT``: a font file path or an installed family name, when set;
2. a Simplified-Chinese font matplotlib knows (:data:`SC_FAMILIES`: Noto Sans CJK SC,
   Source Han Sans SC, Microsoft YaHei, PingFang SC, WenQuanYi, SimHei...);
3. the same fonts found by file name in the usual font folders of Linux, Windows and macOS
   (matplotlib's font cache may predate a font installed later);
4. ZonePlan Sans SC, shipped inside the package (``maps/fonts/``): an 11 MB subset of Noto
   Sans CJK SC 2.004 (SIL Open Font License 1.1; licence and provenance in
   ``maps/fonts/OFL.txt``) holding the Han characters of GB 18030 in the Basic Multilingual
   Plane (GBK and Extension A), so a bare server without Chinese fonts still draws names; a
   rarer character falls back to the id.

Why this order: an office machine (Windows: Microsoft YaHei, SimHei; macOS: PingFang;
Linux: Debian/Ubuntu ``fonts-noto-cjk``) already has a complete, maintained Chinese font,
installed and patched by its own IT; the shipped subset is only the floor, under the
font's own licence and with no package from outside the project.

Japanese, Korean and Traditional-Chinese faces are never chosen: their glyph forms differ
from the ones a mainland reader expects.  The maps draw every text with the chosen family,
then ZonePlan Sans SC, then DejaVu Sans (matplotlib's per-glyph fallback), inside a
``rc_context`` -- matplotlib's global settings are left alone.  A name that none of them
can draw is replaced by its id (see :func:`renderable`), so no glyph is ever missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["FontChoice", "SC_FAMILIES", "PROBE", "cjk_font", "font_families", "font_context",
           "renderable", "display_name", "bundled_font_path"]

logger = logging.getLogger(__name__)

#: Simplified-Chinese families, most preferred first.
SC_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Sarasa Gothic SC", "SimHei", "Heiti SC", "STHeiti", "Droid Sans Fallback",
)

#: File names of those fonts as installed by Linux packages, Windows and macOS.
_SC_FILES: tuple[str, ...] = (
    "notosanscjksc-regular.otf", "notosanscjk-regular.ttc", "notosanssc-regular.otf", "notosanssc-regular.ttf",
    "sourcehansanssc-regular.otf", "sourcehansanscn-regular.otf", "sourcehansans-regular.ttc",
    "msyh.ttc", "msyh.ttf", "pingfang.ttc", "hiragino sans gb.ttc", "hiragino sans gb w3.ttc",
    "wqy-microhei.ttc", "wqy-zenhei.ttc", "simhei.ttf", "stheiti light.ttc", "stheiti medium.ttc",
    "droidsansfallbackfull.ttf", "droidsansfallback.ttf",
)

#: Characters every candidate must have (township, street, zone).
PROBE = "乡镇街道协作区"

#: Latin fallback that ships with matplotlib.
LATIN = "DejaVu Sans"


@dataclass(frozen=True)
class FontChoice:
    """The font the maps use: family name, file, face index and where it came from."""

    family: str
    path: str
    index: int
    source: str  # "ZONEPLAN_FONT", "system" or "bundled"


def _font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs = [windir / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs = [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                Path("/Library/Fonts"), home / "Library/Fonts"]
    return [d for d in dirs if d.is_dir()]


def _covers(path: str, index: int, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path, face_index=index) if index else FT2Font(path)
    except (OSError, RuntimeError, TypeError, ValueError):
        return False
    return all(ch.isspace() or font.get_char_index(ord(ch)) != 0 for ch in text)


def _known(family: str):
    """matplotlib's upright entry for ``family``, regular weight preferred (or None)."""
    from matplotlib import font_manager

    entries = [e for e in font_manager.fontManager.ttflist if e.name == family and e.style == "normal"]
    regular = [e for e in entries if e.weight in (400, "normal", "regular", "book")]
    return (regular or entries or [None])[0]


def _entry_choice(entry, source: str) -> FontChoice | None:
    index = int(getattr(entry, "index", 0) or 0)
    if _covers(entry.fname, index, PROBE):
        return FontChoice(entry.name, entry.fname, index, source)
    return None


def _add(path: str) -> None:
    from matplotlib import font_manager

    if not any(e.fname == path for e in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


#: The family name of the subset shipped with the package.
BUNDLED_FAMILY = "ZonePlan Sans SC"


def bundled_font_path() -> Path | None:
    """The ZonePlan Sans SC file shipped inside the package (None if the package data is missing)."""
    path = Path(__file__).parent / "fonts" / "ZonePlanSansSC-Regular.otf"
    return path if path.is_file() else None


def _from_env(value: str) -> FontChoice | None:
    if Path(value).is_file():
        from matplotlib.ft2font import FT2Font

        path = str(Path(value).resolve())
        _add(path)
        family = FT2Font(path).family_name
        if _covers(path, 0, PROBE):
            return FontChoice(family, path, 0, "ZONEPLAN_FONT")
        logger.warning("ZONEPLAN_FONT=%s lacks Chinese glyphs (%s); ignored", value, PROBE)
        return None
    entry = _known(value)
    if entry is not None and (choice := _entry_choice(entry, "ZONEPLAN_FONT")) is not None:
        return choice
    logger.warning("ZONEPLAN_FONT=%s is neither a font file nor an installed family with Chinese glyphs; ignored",
                   value)
    return None


def _from_system() -> FontChoice | None:
    for family in SC_FAMILIES:
        entry = _known(family)
        if entry is not None and (choice := _entry_choice(entry, "system")) is not None:
            return choice
    return None


def _scan_folders() -> FontChoice | None:
    wanted = set(_SC_FILES)
    found = False
    for d in _font_dirs():
        try:
            for root, _dirs, files in os.walk(d):
                for f in files:
                    if f.lower() in wanted:
                        _add(os.path.join(root, f))
                        found = True
        except OSError:
            continue
    return _from_system() if found else None


@lru_cache(maxsize=1)
def cjk_font() -> FontChoice | None:
    """The Simplified-Chinese font the maps use (searched once per process; see the module doc).

    Returns None only when no such font exists at all (the dependency is missing too); the
    maps then print township ids instead of Chinese names.
    """
    env = os.environ.get("ZONEPLAN_FONT", "").strip()
    choice = (_from_env(env) if env else None) or _from_system() or _scan_folders()
    if choice is None:
        path = bundled_font_path()
        if path is not None:
            _add(str(path))
            entry = _known(BUNDLED_FAMILY)
            choice = _entry_choice(entry, "bundled") if entry is not None else None
    if choice is None:
        logger.warning("no Chinese font found; map labels show township ids instead of Chinese names")
    else:
        logger.info("map font: %s (%s, %s)", choice.family, choice.path, choice.source)
    return choice


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Families for every map text, in fallback order: the chosen font, ZonePlan Sans SC, DejaVu Sans."""
    fams: list[str] = []
    choice = cjk_font()
    if choice is not None:
        fams.append(choice.family)
        if choice.source != "bundled":
            path = bundled_font_path()
            if path is not None:
                _add(str(path))
                if _known(BUNDLED_FAMILY) is not None and BUNDLED_FAMILY not in fams:
                    fams.append(BUNDLED_FAMILY)
    fams.append(LATIN)
    return tuple(fams)


@lru_cache(maxsize=1)
def _chain() -> tuple:
    """FT2Font objects of :func:`font_families`, to test glyph coverage."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = []
    for fam in font_families():
        entry = _known(fam)
        if entry is None:
            path = font_manager.findfont(font_manager.FontProperties(family=fam), fallback_to_default=True)
            fonts.append(FT2Font(path))
        else:
            idx = int(getattr(entry, "index", 0) or 0)
            fonts.append(FT2Font(entry.fname, face_index=idx) if idx else FT2Font(entry.fname))
    return tuple(fonts)


@lru_cache(maxsize=65536)
def _char_ok(ch: str) -> bool:
    return ch.isspace() or any(f.get_char_index(ord(ch)) != 0 for f in _chain())


def renderable(text: str) -> bool:
    """Whether every character of ``text`` has a glyph in the map fonts."""
    return all(_char_ok(ch) for ch in text)


def display_name(name: object, fallback: str) -> str:
    """``name`` when the map fonts can draw it, else ``fallback`` (the id)."""
    text = "" if name is None else str(name).strip()
    if text and renderable(text):
        return text
    if text:
        logger.info("no map font draws %r; labelled %s instead", text, fallback)
    return fallback


@contextlib.contextmanager
def font_context() -> Iterator[tuple[str, ...]]:
    """Draw inside this context: matplotlib's font family is the map chain, then restored."""
    import matplotlib

    fams = font_families()
    with matplotlib.rc_context({"font.family": list(fams), "axes.unicode_minus": False}):
        yield fams
