"""What every solve returns, staffing and zoning alike: one convention.

* ``status`` is a :class:`Status` (a ``str`` enum, so ``result.status == "OPTIMAL"`` and
  JSON output keep working);
* ``levels`` is a :class:`Levels` mapping, objective level name -> :class:`LevelResult`
  (value, bound, gap, proven), in the order they were optimised;
* the plan itself is a set of pandas frames, and ``to_dict()`` gives the JSON-ready report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Status", "LevelResult", "Levels", "overall_status"]


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
