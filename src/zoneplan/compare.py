"""Zonings compared side by side, and what a zoning does to staffing.

A zoning changes the staffing pool rule (township staff work inside their zone), so its
effect is measured by re-running the staffing solver on the tables carrying that zoning
(:func:`apply_zoning`, the same step as ``zoneplan staff --zones``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .data.tables import Tables
from .options import RuleOptions, SolveOptions
from .zoning.adapter import zoning_input

__all__ = ["apply_zoning", "tables_under_zoning", "compare_zonings", "comparison", "Comparison", "verdict", "BETTER",
           "ZONE_COLUMNS"]

#: Which way is better for the measures :func:`verdict` weighs (others are descriptive).
#: Balance is the coefficient of variation between zones (lower is more even).
BETTER: dict[str, str] = {
    "cases_staffed": "higher", "priority_staffed": "higher", "max_workload": "lower",
    "team_travel_mean": "lower", "blocked_by_conflicts": "lower", "lost_to_capacity": "lower",
    "hub_minutes_total": "lower", "max_pair_minutes_max": "lower",
    "villages_cv": "lower", "cases_cv": "lower", "staff_cv": "lower", "pool_mean": "higher",
}

#: Columns of the per-zone table (:attr:`Comparison.zones`, ``compare_zones.csv``).
ZONE_COLUMNS = ["zoning", "zone", "county", "size", "townships", "township_names", "hub", "hub_name", "villages",
                "staff", "cases", "cases_staffed", "max_pair_minutes", "hub_total_minutes"]


def apply_zoning(tables: Tables, zones: pd.DataFrame) -> Tables:
    """A copy of ``tables`` whose townships carry ``zones`` (townships not listed: no zone)."""
    tw = tables.townships.copy()
    z = dict(zip(zones["township_id"], zones["zone"]))
    tw["zone"] = np.array([z.get(t, "") for t in tw["township_id"]], dtype=object)
    return dataclasses.replace(tables, townships=tw)


def tables_under_zoning(tables: Tables, path: str | Path) -> Tables:
    """``tables`` with the zoning read from ``path`` (a folder holding zones.csv, or the file).

    What ``zoneplan staff --zones`` staffs under: :func:`~zoneplan.io.side.read_zoning` then
    :func:`apply_zoning`, the same steps :func:`comparison` takes.  The zoning file joins
    ``tables.sources`` (as ``zones``) so the plan's report names it with its hash.

    Raises
    ------
    InputError
        When the zoning cannot be read (see :func:`~zoneplan.io.side.read_zoning`).
    """
    from .data.tables import Source
    from .io.side import read_zoning

    zoned = apply_zoning(tables, read_zoning(path, tables))
    f = Path(path) / "zones.csv" if Path(path).is_dir() else Path(path)
    source = Source(str(f), hashlib.sha256(f.read_bytes()).hexdigest())
    return dataclasses.replace(zoned, sources={**tables.sources, "zones": source})


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What :func:`comparison` returns.

    Attributes
    ----------
    summary
        One row per zoning: zone measures and, when staffed, the staffing plan's figures
        (the machine-stable ``compare.csv``).
    zones
        One row per zone of each zoning (columns :data:`ZONE_COLUMNS`), in listing order
        (:mod:`zoneplan.zoning.naming`); ``cases_staffed`` counts the zone's cases staffed under that zoning
        (blank without staffing).
    plans
        The staffing result under each zoning (empty without staffing).
    """

    summary: pd.DataFrame
    zones: pd.DataFrame
    plans: dict[str, Any]


def comparison(tables: Tables, zonings: Mapping[str, pd.DataFrame], staffing: bool = True,
               rules: RuleOptions | None = None, options: SolveOptions | None = None) -> Comparison:
    """Each zoning's measures, its zones, and with ``staffing`` the staffing plan under it.

    Staffing columns of the summary: cases staffed, priority-weighted staffed, mean and max
    team travel (sum of members' minutes per staffed case), max workload, cases blocked by
    conflicts (cannot be staffed at all), cases lost under capacity, and the solve status.
    Staffing runs only when the tables hold cases.
    """
    from .staffing import staff
    from .zoning import zone_metrics
    from .zoning.naming import input_zone_rank

    inp = zoning_input(tables)
    names = dict(zip(inp.township_ids, inp.names))
    case_town = tables.cases["township_id"].to_numpy(dtype=object)
    rows, zone_rows, plans = [], [], {}
    for name, zones in zonings.items():
        summary, per_zone = zone_metrics(inp, zones[["township_id", "zone"]])
        row: dict[str, Any] = {"zoning": name}
        row.update({k: (";".join(f"{s}:{c}" for s, c in sorted(v.items())) if isinstance(v, dict) else v)
                    for k, v in summary.items()})
        staffed_cases: set[str] | None = None
        if staffing and len(tables.cases):
            r = staff(apply_zoning(tables, zones), rules, options)
            plans[name] = r
            a = r.assignments
            staffed_cases = set(a["case_id"]) if len(a) else set()
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
        rank = input_zone_rank(inp, zones)
        order = sorted(range(len(per_zone)), key=lambda k: (rank.get(per_zone["zone"].iat[k], len(rank)),
                                                            per_zone["townships"].iat[k]))
        for z in per_zone.iloc[order].itertuples(index=False):
            members = z.townships.split(";")
            in_zone = np.isin(case_town, members)
            zone_rows.append({
                "zoning": name, "zone": z.zone, "county": z.county, "size": z.size, "townships": z.townships,
                "township_names": ";".join(names[t] or t for t in members), "hub": z.hub,
                "hub_name": names[z.hub] or z.hub, "villages": z.villages, "staff": z.staff,
                "cases": float(in_zone.sum()) if len(tables.cases) else np.nan,
                "cases_staffed": np.nan if staffed_cases is None else
                float(sum(c in staffed_cases for c in tables.cases["case_id"].to_numpy(dtype=object)[in_zone])),
                "max_pair_minutes": z.max_pair_minutes, "hub_total_minutes": z.hub_total_minutes,
            })
    per_zone_all = pd.DataFrame(zone_rows, columns=ZONE_COLUMNS)
    for c in ("size", "villages", "staff", "cases", "cases_staffed"):  # counts: whole numbers, blank when unknown
        per_zone_all[c] = pd.array([None if pd.isna(v) else round(float(v)) for v in per_zone_all[c]], dtype="Int64")
    return Comparison(pd.DataFrame(rows), per_zone_all, plans)


def compare_zonings(tables: Tables, zonings: Mapping[str, pd.DataFrame], staffing: bool = True,
                    rules: RuleOptions | None = None, options: SolveOptions | None = None) -> pd.DataFrame:
    """One row per zoning: zone measures and, with ``staffing``, the staffing plan under it.

    The summary of :func:`comparison` (see there for the columns).
    """
    return comparison(tables, zonings, staffing, rules, options).summary


def verdict(summary: pd.DataFrame, decimals: int = 2) -> list[tuple[str, list[str]]]:
    """Which zoning is better on which measure of :data:`BETTER`.

    Values are compared after rounding to ``decimals``.  Returns ``(measure, winners)`` pairs
    in the order of :data:`BETTER`, for the measures present; ``winners`` is empty when every
    zoning has the same value.

    Examples
    --------
    >>> s = pd.DataFrame({"zoning": ["a", "b"], "villages_cv": [0.27, 0.15], "max_workload": [3.0, 3.0]})
    >>> verdict(s)
    [('max_workload', []), ('villages_cv', ['b'])]
    """
    out = []
    for key, better in BETTER.items():
        if key not in summary.columns:
            continue
        vals = pd.to_numeric(summary[key], errors="coerce").round(decimals)
        if vals.isna().any():
            continue
        best = vals.max() if better == "higher" else vals.min()
        winners = summary.loc[vals == best, "zoning"].astype(str).tolist()
        out.append((key, [] if len(winners) == len(summary) else winners))
    return out
