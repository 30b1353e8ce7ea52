"""The staffing result: status, objective levels, the plan frames, explanations, timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..results import LevelResult, Levels, LevelsView, Status

__all__ = ["StaffingResult", "LevelResult", "Levels", "Status"]


@dataclass
class StaffingResult(LevelsView):
    """What :func:`zoneplan.staff` returns.  Never raised; read ``status``.

    Attributes
    ----------
    status : Status
        ``OPTIMAL`` (every level proven), or ``FEASIBLE`` (a valid plan, some level not
        proven within the time limit, or the solve was cancelled: see ``stopped``).
    levels : Levels
        Objective levels by name (value, bound, gap, proven), in the order optimised.
    assignments, unstaffed, workload : DataFrame
        The plan (``case_id, investigator_id, role, travel_minutes``); every case not
        staffed with ``reason`` and ``kind`` (``infeasible`` | ``capacity`` | ``objective`` |
        ``undecided``); every investigator's new ``cases`` and total ``workload``.
    stopped : str or None
        ``"time limit"`` or ``"cancelled"`` when the search was cut short, else None.
    changes : DataFrame or None
        Re-planning only (``previous=``): every membership of either plan, ``case_id,
        investigator_id, change`` (kept | added | removed | role), ``role_before,
        role_after, reason, detail`` (:func:`~zoneplan.staffing.previous.change_frame`);
        ``change_summary`` counts them (kept, added, removed, lead_changes, changes).

    The plan is always valid: it was re-checked by :func:`zoneplan.staffing.check.check`.
    """

    status: Status
    levels: Levels
    assignments: pd.DataFrame
    unstaffed: pd.DataFrame
    workload: pd.DataFrame
    wall_time: float
    timings: dict[str, float]
    seed: int
    options: dict[str, Any]
    stats: dict[str, Any]
    check_violations: int = 0
    warnings: list[str] = field(default_factory=list)
    stopped: str | None = None
    changes: pd.DataFrame | None = None
    change_summary: dict[str, int] | None = None
    draw: Any = None  # a drawn plan's audit (zoneplan.staffing.drawplan.DrawReport)
    #: The solve's conflict engine (:class:`~zoneplan.staffing.eligibility.Eligibility`), kept
    #: so the plan writer reads its recusals instead of running the engine a second time
    #: (about 2 s on a national run); not pickled (results cross process boundaries in sweeps).
    eligibility: Any = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["eligibility"] = None
        return state

    @property
    def staffed_cases(self) -> int:
        return int(self.assignments["case_id"].nunique()) if len(self.assignments) else 0

    def to_dict(self, include_timing: bool = True) -> dict[str, Any]:
        """The content of report.json.  Timing fields are the only ones that vary run to run."""
        lv = self.levels.to_dict()
        out: dict[str, Any] = {
            "status": str(self.status),
            "levels": lv,
            "objective": {n: d["value"] for n, d in lv.items()},
            "bound": {n: d["bound"] for n, d in lv.items()},
            "gap": {n: d["gap"] for n, d in lv.items()},
            "proven": {n: d["proven"] for n, d in lv.items()},
            "level_order": list(self.levels),
            "staffed_cases": self.staffed_cases,
            "unstaffed_cases": int(len(self.unstaffed)),
            "stopped": self.stopped,
            "seed": self.seed,
            "options": self.options,
            "stats": self.stats,
            "check_violations": self.check_violations,
            "warnings": list(self.warnings),
        }
        if self.change_summary is not None:
            out["changes"] = dict(self.change_summary)
        if self.draw is not None:
            out["draw"] = self.draw.to_dict()
        if include_timing:
            out["timing"] = {"wall_time": round(self.wall_time, 4), **{k: round(v, 4) for k, v in self.timings.items()}}
        return out

    def report(self, include_timing: bool = True) -> dict[str, Any]:
        """Alias of :meth:`to_dict` (the content of report.json)."""
        return self.to_dict(include_timing)

    def __repr__(self) -> str:
        obj = ", ".join(f"{n}={lv.value:g}" for n, lv in self.levels.items())
        return (f"StaffingResult(status={self.status}, {obj}, cases_staffed={self.staffed_cases}, "
                f"cases_unstaffed={len(self.unstaffed)}, wall_time={self.wall_time:.2f}s)")
