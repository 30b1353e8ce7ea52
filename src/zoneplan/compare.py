"""Zonings compared side by side, and what a zoning does to staffing.

A zoning changes the staffing pool rule (township staff work inside their zone), so its
effect is measured by re-running the staffing solver on the tables carrying that zoning.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .data.tables import Tables
from .options import RuleOptions, SolveOptions
from .zoning.adapter import zoning_input

__all__ = ["apply_zoning", "compare_zonings"]


def apply_zoning(tables: Tables, zones: pd.DataFrame) -> Tables:
    """A copy of ``tables`` whose townships carry ``zones`` (townships not listed: no zone)."""
    tw = tables.townships.copy()
    z = dict(zip(zones["township_id"], zones["zone"]))
    tw["zone"] = np.array([z.get(t, "") for t in tw["township_id"]], dtype=object)
    return dataclasses.replace(tables, townships=tw)


def compare_zonings(tables: Tables, zonings: Mapping[str, pd.DataFrame], staffing: bool = True,
                    rules: RuleOptions | None = None, options: SolveOptions | None = None) -> pd.DataFrame:
    """One row per zoning: zone measures and, with ``staffing``, the staffing plan under it.

    Staffing columns: cases staffed, priority-weighted staffed, mean and max team travel
    (sum of members' minutes per staffed case), max workload, cases blocked by conflicts
    (cannot be staffed at all), cases lost under capacity, and the solve status.
    """
    from .staffing import staff
    from .zoning import zone_metrics

    inp = zoning_input(tables)
    rows = []
    for name, zones in zonings.items():
        summary, _ = zone_metrics(inp, zones[["township_id", "zone"]])
        row: dict[str, Any] = {"zoning": name}
        row.update({k: (";".join(f"{s}:{c}" for s, c in sorted(v.items())) if isinstance(v, dict) else v)
                    for k, v in summary.items()})
        if staffing and len(tables.cases):
            r = staff(apply_zoning(tables, zones), rules, options)
            a = r.assignments
            team = a.groupby("case_id")["travel_minutes"].sum() if len(a) else pd.Series(dtype=float)
            kinds = r.unstaffed["kind"] if len(r.unstaffed) else pd.Series(dtype=object)
            row.update({
                "staff_status": r.status,
                "cases_staffed": r.staffed_cases,
                "cases_total": int(len(tables.cases)),
                "priority_staffed": r.objective.get("staffed"),
                "team_travel_mean": round(float(team.mean()), 1) if len(team) else 0.0,
                "team_travel_max": round(float(team.max()), 1) if len(team) else 0.0,
                "max_workload": r.objective.get("max_workload"),
                "blocked_by_conflicts": int((kinds == "infeasible").sum()),
                "lost_to_capacity": int((kinds == "capacity").sum()),
            })
        rows.append(row)
    return pd.DataFrame(rows)
