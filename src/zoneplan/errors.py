"""Exceptions.  Only bad input raises; an unsolvable plan is a status, never an error."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "InputError", "InternalError"]


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as a spreadsheet shows it."""

    file: str
    line: int | None  # spreadsheet line (header = 1); None for whole-file problems
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"


class InputError(ValueError):
    """The input tables break the contract.  ``problems`` lists every problem found (capped)."""

    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = list(problems)
        self.more = more
        lines = [str(p) for p in self.problems]
        if more:
            lines.append(f"... and {more} more problem(s)")
        super().__init__(f"{len(self.problems) + more} input problem(s):\n  " + "\n  ".join(lines))


class InternalError(RuntimeError):
    """zoneplan produced a plan its own checker rejects: a bug, never the user's fault."""
