"""Exceptions.  Only bad input raises; an unsolvable plan is a status, never an error."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "InputError", "InternalError", "Refusal", "column_letter", "sort_problems"]


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    index += 1
    out = ""
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as a spreadsheet shows it.

    ``file`` is the file, or ``book.xlsx[sheet]``; ``line`` the line as Excel/WPS numbers it
    (``None`` for whole-file problems); ``column`` the header *as typed* (the contract's name
    when there is no header); ``field`` the contract's column name; ``letter`` the Excel
    column letter.  ``expected`` and ``hint`` are English; ``expected_zh`` and ``hint_zh``
    Chinese (empty: the English text is used).
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"  # "error", "warning" or "note"
    letter: str | None = None
    field: str | None = None
    hint: str = ""
    expected_zh: str = ""
    hint_zh: str = ""

    def render(self, lang: str = "en") -> str:
        """One line in ``lang`` ("zh" or "en"): where, what was found, what was expected, a hint."""
        zh = lang == "zh"
        where = self.file
        if self.line is not None:
            where += f"，第 {self.line} 行" if zh else f", line {self.line}"
        if zh and (self.column or self.letter):
            where += "，" + (f"{self.letter} 列" if self.letter else "列") + (f"「{self.column}」" if self.column else "")
        elif self.column or self.letter:
            where += ", column " + " ".join(x for x in (self.letter, f'"{self.column}"' if self.column else None) if x)
        if zh:
            got = "" if self.value is None else f"：填写的是“{self.value}”"
            text = f"{where}{got}；应为{self.expected_zh or self.expected}"
            hint = self.hint_zh or self.hint
            return f"{text}。{hint}" if hint else text
        got = "" if self.value is None else f": got {self.value!r}"
        text = f"{where}{got}; expected {self.expected}"
        return f"{text}. {self.hint[:1].upper()}{self.hint[1:]}" if self.hint else text

    def __str__(self) -> str:
        return self.render("en")


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by file (sheet), line and column, as a planner reads them."""
    return sorted(problems, key=lambda p: (p.file, -1 if p.line is None else p.line,
                                           len(p.letter or ""), p.letter or "", p.column or ""))


class InputError(ValueError):
    """The input breaks the contract.  ``problems`` lists every problem found (capped)."""

    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = list(problems)
        self.more = more
        lines = [str(p) for p in self.problems]
        if more:
            lines.append(f"... and {more} more problem(s)")
        super().__init__(f"{len(self.problems) + more} input problem(s):\n  " + "\n  ".join(lines))

    def render(self, lang: str = "en") -> list[str]:
        """The problems as lines in ``lang``, the count of further ones last."""
        out = [p.render(lang) for p in self.problems]
        if self.more:
            out.append(f"……另有 {self.more} 处问题" if lang == "zh" else f"... and {self.more} more")
        return out


class InternalError(RuntimeError):
    """zoneplan produced a plan its own checker rejects: a bug, never the user's fault."""


class Refusal(ValueError):
    """A command or option refused before any work, said from the message catalog.

    ``message`` is a catalog message (:mod:`zoneplan.i18n`) with ``{fields}``; ``str()`` is the
    English text, :meth:`render` the text in a language.  A ``ValueError``, so callers that
    catch bad input keep working.

    Examples
    --------
    >>> str(Refusal("--lang expects zh or en, got {got!r}", got="fr"))
    "--lang expects zh or en, got 'fr'"
    """

    def __init__(self, message: str, **fields: object):
        self.message = message
        self.fields = fields
        super().__init__(str(message).format(**fields))

    def render(self, lang: str = "en") -> str:
        from .i18n import tr

        return tr(self.message, lang, **self.fields)
