"""What every solve returns, staffing and zoning alike: one convention.

* ``status`` is a :class:`Status` (a ``str`` enum, so ``result.status == "OPTIMAL"`` and
  JSON output keep working);
* ``levels`` is a :class:`Levels` mapping, objective level name -> :class:`LevelResult`
  (value, bound, gap, proven), in the order they were optimised;
* the plan itself is a set of pandas frames, and ``to_dict()`` gives the JSON-ready report.

Every independent checker (staffing, reviews, 1+1+N leadership, supervision areas) returns a
:class:`CheckReport`: one :class:`Violation` per broken rule, ``ok`` when there is none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

__all__ = ["Status", "LevelResult", "Levels", "LevelsView", "overall_status", "Violation", "CheckReport"]


class Status(StrEnum):
    """How a solve ended.

    ``OPTIMAL``: every level proven optimal.  ``FEASIBLE``: a valid plan, some level not
    proven within the limits (or the solve was cancelled).  ``INFEASIBLE``: no plan exists
    (zoning; a staffing plan always exists: staffing nobody is valid).  ``UNKNOWN``: no
    plan found within the limits (zoning).  ``MODEL_INVALID``: an internal error.
    """

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"


def overall_status(statuses: Iterable[str]) -> Status:
    """The worst of several statuses (e.g. per county or per part)."""
    seen = {Status(s) for s in statuses}
    for s in (Status.MODEL_INVALID, Status.INFEASIBLE, Status.UNKNOWN, Status.FEASIBLE):
        if s in seen:
            return s
    return Status.OPTIMAL


@dataclass(frozen=True)
class LevelResult:
    """One objective level: the plan's value, the best proven bound and whether the value
    is proven optimal (then ``bound == value``).  ``bound`` is None for a level that was not
    optimised (e.g. the levels of a weighted objective)."""

    name: str
    sense: str  # "max" or "min"
    value: float
    bound: float | None
    proven: bool

    @property
    def gap(self) -> float | None:
        """``|bound - value| / max(1, |value|)``; None without a bound."""
        if self.bound is None:
            return None
        return abs(self.bound - self.value) / max(1.0, abs(self.value))

    def to_dict(self) -> dict[str, Any]:
        gap = self.gap
        return {"value": _num(self.value), "bound": _num(self.bound), "proven": self.proven,
                "gap": None if gap is None else round(gap, 9), "sense": self.sense}


def _num(v: float | None) -> float | int | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2 ** 53 else float(v)


class Levels(Mapping[str, LevelResult]):
    """Objective levels by name, in the order they were optimised."""

    def __init__(self, levels: Iterable[LevelResult] = ()):
        self._levels = {lv.name: lv for lv in levels}

    def __getitem__(self, name: str) -> LevelResult:
        return self._levels[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._levels)

    def __len__(self) -> int:
        return len(self._levels)

    def __repr__(self) -> str:
        return "Levels(" + ", ".join(f"{n}={lv.value:g}" for n, lv in self._levels.items()) + ")"

    @property
    def proven(self) -> bool:
        """Every level proven optimal."""
        return all(lv.proven for lv in self._levels.values())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {n: lv.to_dict() for n, lv in self._levels.items()}


_VIOLATION_COLUMNS = ["rule", "case_id", "investigator_id", "detail"]


@dataclass(frozen=True)
class Violation:
    """One broken rule: its id, the case and investigator concerned ("" if none), why."""

    rule: str
    case_id: str
    investigator_id: str
    detail: str


@dataclass
class CheckReport:
    """What a checker found: every checker (staffing :func:`zoneplan.staffing.check.check`,
    reviews, 1+1+N leadership, supervision areas) returns one.

    Attributes
    ----------
    violations : list of Violation
        Sorted by rule, case, investigator, detail.
    objective : dict
        The levels recomputed from the plan (reported even when there are violations); for
        staffing ``{"staffed": float, "max_workload": float, "travel": int}``.  Empty when
        the checker recomputes none (leadership and areas have their own objective
        functions).
    staffed_cases, unstaffed_cases : list of str
        Staffing and reviews: cases with a full team, and all other cases, in the order of
        the cases table.  Empty for the other checkers.
    """

    violations: list[Violation] = field(default_factory=list)
    objective: dict[str, float] = field(default_factory=dict)
    staffed_cases: list[str] = field(default_factory=list)
    unstaffed_cases: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the plan breaks no rule."""
        return not self.violations

    def to_frame(self) -> pd.DataFrame:
        """The violations as a DataFrame (``rule, case_id, investigator_id, detail``), sorted."""
        frame = pd.DataFrame(
            [(v.rule, v.case_id, v.investigator_id, v.detail) for v in self.violations],
            columns=_VIOLATION_COLUMNS,
        )
        return frame.sort_values(_VIOLATION_COLUMNS, kind="stable", ignore_index=True)

    def messages(self) -> list[str]:
        """One line per violation, ``"rule: detail"``, in the report's order."""
        return [f"{v.rule}: {v.detail}" for v in self.violations]

    def counts(self) -> dict[str, int]:
        """Number of violations per rule id (only rules that occur)."""
        out: dict[str, int] = {}
        for v in self.violations:
            out[v.rule] = out.get(v.rule, 0) + 1
        return out


class LevelsView:
    """Objective, bound and gap per level of a result that holds ``status`` and ``levels``."""

    status: Status
    levels: Levels

    @property
    def objective(self) -> dict[str, float]:
        return {n: lv.value for n, lv in self.levels.items()}

    @property
    def bound(self) -> dict[str, float | None]:
        return {n: lv.bound for n, lv in self.levels.items()}

    @property
    def gap(self) -> dict[str, float | None]:
        return {n: lv.gap for n, lv in self.levels.items()}

    def to_dict(self, include_timing: bool = True) -> dict[str, Any]:
        """The JSON-ready report (the convention of every zoneplan result)."""
        return self.report(include_timing)  # type: ignore[attr-defined]

    def levels_report(self) -> dict[str, Any]:
        """The levels as report.json gives them: status, objective, bound, gap, proven, order."""
        return {"status": self.status, "objective": self.objective, "bound": self.bound,
                "gap": {k: None if v is None else round(v, 9) for k, v in self.gap.items()},
                "proven": {n: lv.proven for n, lv in self.levels.items()}, "level_order": list(self.levels)}
