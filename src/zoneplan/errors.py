"""Exceptions.  Only bad input raises; an unsolvable plan is a status, never an error."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_

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
        """One line in ``lang`` ("zh" or "en"): where, what was found, what was expected, a hint
        (the frame of the line from the message catalog, the problem's own words in ``lang``)."""
        from .i18n import tr

        where = self.file
        if self.line is not None:
            where = tr(_LINE, lang, where=where, line=self.line)
        if self.column and self.letter:
            where = tr(_LETTER_COLUMN, lang, where=where, letter=self.letter, column=self.column)
        elif self.letter:
            where = tr(_LETTER, lang, where=where, letter=self.letter)
        elif self.column:
            where = tr(_COLUMN, lang, where=where, column=self.column)
        got = "" if self.value is None else tr(_GOT, lang, value=self.value)
        zh = lang != "en"
        text = tr(_EXPECTED, lang, where=where, got=got, expected=(self.expected_zh or self.expected) if zh
                  else self.expected)
        hint = (self.hint_zh or self.hint) if zh else self.hint
        if not hint:
            return text
        return tr(_HINT, lang, text=text, hint=hint if zh else hint[:1].upper() + hint[1:])

    def __str__(self) -> str:
        return self.render("en")


# The frame of a problem's line: messages of the catalog (zoneplan.i18n).
_LINE = N_("{where}, line {line}")
_LETTER_COLUMN = N_('{where}, column {letter} "{column}"')
_LETTER = N_("{where}, column {letter}")
_COLUMN = N_('{where}, column "{column}"')
_GOT = N_(": got {value!r}")
_EXPECTED = N_("{where}{got}; expected {expected}")
_HINT = N_("{text}. {hint}")
_MORE = N_("... and {n} more")


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
            from .i18n import tr

            out.append(tr(_MORE, lang, n=self.more))
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
