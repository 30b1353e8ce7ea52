"""Printing for people: plain text tables that line up with Chinese.

A terminal shows a Chinese character two columns wide; :func:`text_table` pads by display
width (``unicodedata.east_asian_width``) so columns of names and townships stay aligned.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..i18n import N_, NC_, tr

__all__ = ["display_width", "text_table", "STATUS_WORDS", "LIST_SEP", "CLAUSE_SEP", "status_line", "written_line",
           "level_label", "status_word"]


#: Separators of a list of names ("a, b" / "a、b") and of clauses ("a; b" / "a；b").
LIST_SEP = N_(", ")
CLAUSE_SEP = N_("; ")

#: Solve statuses in plain words.
STATUS_WORDS = {
    "OPTIMAL": N_("optimal (proven)"),
    "FEASIBLE": N_("valid, not proven optimal (time limit)"),
    "INFEASIBLE": N_("no solution"),
    "UNKNOWN": N_("no solution found in time"),
}


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = (),
               gap: int = 2) -> str:
    """A plain text table: columns padded by display width, ``right`` columns right-aligned.

    Examples
    --------
    >>> print(text_table(["乡镇", "n"], [["城关街道", 3], ["x", 12]], right=[1]))
    乡镇       n
    城关街道   3
    x         12
    """
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(display_width(r[c]) for r in cells) for c in range(len(headers))]
    lines = []
    for r in cells:
        parts = []
        for c, v in enumerate(r):
            pad = " " * (widths[c] - display_width(v))
            parts.append(pad + v if c in right else v + pad)
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)


#: Objective levels of every command, in words (``leader.`` / ``office.`` levels of 1+1+N by their part).
LEVEL_LABELS = {
    "staffed": N_("staffed (priority-weighted)"), "max_workload": NC_("io.wording", "largest workload"),
    "travel": N_("total travel (minutes)"), "changes": N_("changes to the previous plan"),
    "weighted": N_("weighted objective"),
    "reviewed": N_("cases reviewed (priority-weighted)"), "max_reviews": N_("most reviews of one person"),
    "conflicts": N_("leaders or offices from their own zone"), "max_zones": N_("most zones of one"),
    "max_townships": N_("most townships of one"), "max_villages": N_("most villages of one"),
    "no_liaison": N_("areas without a liaison"), "largest": N_("largest area"), "smallest": N_("smallest area"),
    "cut": N_("borders cut between areas"), "cost": N_("zoning objective (weighted minutes)"),
}
_PART = {"leader": N_("leaders"), "office": N_("offices")}
_LEVEL_PART = N_("{part}: {level}")


def level_label(name: str, lang: str) -> str:
    """An objective level's name in words (the name itself when it has none)."""
    part, _, rest = name.partition(".")
    if rest and part in _PART and rest in LEVEL_LABELS:
        return tr(_LEVEL_PART, lang, part=tr(_PART[part], lang), level=tr(LEVEL_LABELS[rest], lang))
    return tr(LEVEL_LABELS[name], lang) if name in LEVEL_LABELS else name


def status_word(status: str, lang: str) -> str:
    """A status for people: 已证明最优 / 在时限内未证明最优 ... (the code itself in English)."""
    from ..io.wording import STATUS_SHORT

    s = str(status)
    return s if lang == "en" else tr(STATUS_SHORT[s], lang) if s in STATUS_SHORT else s


_STATUS_LINE = N_("status {status}: {levels}; {secs:.2f}s")
_STATUS_ONLY = N_("status {status}; {secs:.2f}s")
_LEVEL_EN = N_("{name} {value}")
_LEVEL_BOUND = N_("{name} {value} (bound {bound})")
_WRITTEN = N_("written to {out}/ ({files})")
_WRITTEN_BARE = N_("written to {out}/")


def status_line(status: str, levels, secs: float, lang: str, bounds: bool = False) -> str:
    """The solve in one line: status, each level (with its bound), seconds.  English keeps the
    codes (scripts read them); other languages say them in words."""
    parts = []
    for lv in levels:
        name = lv.name if lang == "en" else level_label(lv.name, lang)
        value = f"{lv.value:g}"
        if bounds:
            parts.append(tr(_LEVEL_BOUND, lang, name=name, value=value,
                            bound="-" if lv.bound is None else f"{lv.bound:g}"))
        else:
            parts.append(tr(_LEVEL_EN, lang, name=name, value=value))
    sep = tr(CLAUSE_SEP, lang)
    if not parts:
        return tr(_STATUS_ONLY, lang, status=status_word(status, lang), secs=secs)
    return tr(_STATUS_LINE, lang, status=status_word(status, lang), levels=sep.join(parts), secs=secs)


def written_line(out, files=None, lang: str = "en") -> str:
    """Where the files went: ``written to OUT/ (a.csv, b.json)`` in ``lang``."""
    if not files:
        return tr(_WRITTEN_BARE, lang, out=out)
    return tr(_WRITTEN, lang, out=out, files=tr(LIST_SEP, lang).join(files))
