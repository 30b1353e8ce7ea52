"""Printing for people: plain text tables that line up with Chinese.

A terminal shows a Chinese character two columns wide; :func:`text_table` pads by display
width (``unicodedata.east_asian_width``) so columns of names and townships stay aligned.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from ..i18n import N_


__all__ = ["display_width", "text_table", "STATUS_WORDS", "LIST_SEP", "CLAUSE_SEP"]


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
