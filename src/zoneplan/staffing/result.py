"""The staffing result: status, objective per level, bound, gap, time, plan and explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["StaffingResult", "LevelResult"]


@dataclass(frozen=True)
class LevelResult:
    """One objective level: value found, best proven bound, relative gap."""

    name: str
    sense: str  # "max" or "min"
    value: float
    bound: float
    proven: bool

    @property
    def gap(self) -> float:
        return abs(self.bound - self.value) / max(1.0, abs(self.value))


@dataclass
class StaffingResult:
    """What :func:`zoneplan.staff` returns.  Never raised; read ``status``.

    ``status`` is ``OPTIMAL`` (every level proven), ``FEASIBLE`` (a valid plan, some level not
    proven within the limits) or ``MODEL_INVALID`` (an internal error).  The plan is always
    valid: it was re-checked by :func:`zoneplan.check.check`.
    """

    status: str
    levels: list[LevelResult]
    assignments: pd.DataFrame  # case_id, investigator_id, role, travel_minutes
    unstaffed: pd.DataFrame  # case_id, reason (+ kind in memory: infeasible|capacity|objective)
    workload: pd.DataFrame  # investigator_id, cases, workload
    wall_time: float
    timings: dict[str, float]
    seed: int
    options: dict[str, Any]
    stats: dict[str, Any]
    check_violations: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def objective(self) -> dict[str, float]:
        return {lv.name: lv.value for lv in self.levels}

    @property
    def bound(self) -> dict[str, float]:
        return {lv.name: lv.bound for lv in self.levels}

    @property
    def gap(self) -> dict[str, float]:
        return {lv.name: lv.gap for lv in self.levels}

    @property
    def staffed_cases(self) -> int:
        return int(self.assignments["case_id"].nunique()) if len(self.assignments) else 0

    def report(self, include_timing: bool = True) -> dict[str, Any]:
        """The content of report.json.  Timing fields are the only ones that vary run to run."""
        out: dict[str, Any] = {
            "status": self.status,
            "objective": {lv.name: lv.value for lv in self.levels},
            "bound": {lv.name: lv.bound for lv in self.levels},
            "gap": {lv.name: round(lv.gap, 9) for lv in self.levels},
            "proven": {lv.name: lv.proven for lv in self.levels},
            "level_order": [lv.name for lv in self.levels],
            "staffed_cases": self.staffed_cases,
            "unstaffed_cases": int(len(self.unstaffed)),
            "seed": self.seed,
            "options": self.options,
            "stats": self.stats,
            "check_violations": self.check_violations,
            "warnings": self.warnings,
        }
        if include_timing:
            out["timing"] = {"wall_time": round(self.wall_time, 4), **{k: round(v, 4) for k, v in self.timings.items()}}
        return out

    def __repr__(self) -> str:
        obj = ", ".join(f"{lv.name}={lv.value:g}" for lv in self.levels)
        return (f"StaffingResult(status={self.status}, {obj}, cases_staffed={self.staffed_cases}, "
                f"cases_unstaffed={len(self.unstaffed)}, wall_time={self.wall_time:.2f}s)")
