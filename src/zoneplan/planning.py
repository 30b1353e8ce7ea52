"""Planners' what-ifs: zoning from the loaded tables, and zonings compared side by side.

This module joins the two halves of zoneplan at the edges: it turns validated
:class:`~zoneplan.data.tables.Tables` into a :class:`~zoneplan.zoning.ZoningInput`, reads
zonings (``zones.csv``) and what-if files, and measures what a zoning does to staffing by
re-running the staffing solver under that zoning's pool rule.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .data.load import read_side_table
from .data.tables import Tables
from .errors import InputError, Problem
from .geo import gabriel_adjacency
from .options import RuleOptions, SolveOptions
from .travel import TravelTable

__all__ = ["zoning_input", "read_zoning", "read_whatifs", "apply_zoning", "current_zoning", "compare_zonings"]

log = logging.getLogger(__name__)

WHATIF_KINDS = ("together", "apart", "keep", "exclude")


def zoning_input(tables: Tables, with_roster: bool = True):
    """The zoning problem of the loaded tables.

    Adjacency is ``adjacency.csv`` when given, else the Gabriel graph per county (see
    :mod:`zoneplan.geo`).  Road minutes come from ``travel.csv`` or the estimate.  With
    ``with_roster`` the staff, leads (can_lead) and cases per township enter the balance.
    """
    from .zoning import ZoningInput

    tw = tables.townships
    ids = tw["township_id"].to_numpy(dtype=object)
    index = pd.Index(ids)
    if tables.adjacency is not None:
        a = index.get_indexer(tables.adjacency["a"].to_numpy(dtype=object))
        b = index.get_indexer(tables.adjacency["b"].to_numpy(dtype=object))
        edges = sorted({(int(min(x, y)), int(max(x, y))) for x, y in zip(a, b)})
    else:
        edges = gabriel_adjacency(tw["lat"], tw["lon"], tw["county"])
    travel = TravelTable(tw, tables.travel)
    n = len(ids)
    kw: dict[str, Any] = {}
    if with_roster:
        inv = tables.investigators
        posted = index.get_indexer(inv["township_id"].to_numpy(dtype=object))
        township_level = (inv["level"] == "township").to_numpy()
        kw["staff"] = np.bincount(posted[township_level], minlength=n).astype(float)
        leads = township_level & inv["can_lead"].to_numpy(dtype=bool)
        kw["leads"] = np.bincount(posted[leads], minlength=n).astype(float)
        if len(tables.cases):
            where = index.get_indexer(tables.cases["township_id"].to_numpy(dtype=object))
            kw["cases"] = np.bincount(where, minlength=n).astype(float)
    return ZoningInput(
        township_ids=list(ids), names=list(tw["name"].to_numpy(dtype=object)),
        county=list(tw["county"].to_numpy(dtype=object)), lat=tw["lat"].to_numpy(dtype=float),
        lon=tw["lon"].to_numpy(dtype=float), villages=tw["villages"].to_numpy(dtype=float), edges=edges,
        minutes=travel.minutes, current_zone=list(tw["zone"].to_numpy(dtype=object)), **kw,
    )


def current_zoning(tables: Tables) -> pd.DataFrame:
    """The zoning in townships.csv's ``zone`` column as ``township_id, zone``."""
    return pd.DataFrame({"township_id": tables.townships["township_id"].to_numpy(dtype=object),
                         "zone": tables.townships["zone"].to_numpy(dtype=object)})


def read_zoning(path: str | Path, tables: Tables) -> pd.DataFrame:
    """Read a zoning (a folder holding ``zones.csv`` or the file): ``township_id, zone``.

    Raises
    ------
    InputError
        Unknown or duplicate townships, missing columns.
    """
    df, name = read_side_table(path, "zones.csv", "a zoning folder holding zones.csv, or a zones.csv file")
    problems = []
    for col in ("township_id", "zone"):
        if col not in df.columns:
            problems.append(Problem(name, 1, col, None, f"a {col} column"))
    if problems:
        raise InputError(problems)
    df = df[["township_id", "zone"]]
    df = df[(df["township_id"] != "") | (df["zone"] != "")].reset_index(drop=True)
    known = set(tables.townships["township_id"])
    seen: dict[str, int] = {}
    for k, t in enumerate(df["township_id"].tolist()):
        line = k + 2
        if t not in known:
            problems.append(Problem(name, line, "township_id", t, "a township_id of townships.csv"))
        elif t in seen:
            problems.append(Problem(name, line, "township_id", t, f"each township once; already on line {seen[t]}"))
        else:
            seen[t] = line
    if problems:
        raise InputError(problems[:50], max(0, len(problems) - 50))
    return df


def read_whatifs(path: str | Path) -> dict[str, Any]:
    """Read a what-if file: CSV ``kind,a,b`` with kind together|apart (a, b) or keep|exclude (a).

    ``keep`` takes a zone id (or ``all``); ``exclude`` a township id.  Returns keyword
    arguments for :class:`zoneplan.zoning.ZoningOptions`.
    """
    df, name = read_side_table(path, None, "an existing what-if CSV file")
    df.columns = [c.lower() for c in df.columns]
    if "kind" not in df.columns or "a" not in df.columns:
        raise InputError([Problem(name, 1, "kind", None, "columns kind,a,b")])
    if "b" not in df.columns:
        df["b"] = ""
    out: dict[str, Any] = {"together": [], "apart": [], "keep": [], "exclude": []}
    problems = []
    for k, (kind, a, b) in enumerate(df[["kind", "a", "b"]].astype(str).itertuples(index=False)):
        kind, a, b = kind.strip().lower(), a.strip(), b.strip()
        line = k + 2
        if not (kind or a or b):
            continue
        if kind not in WHATIF_KINDS:
            problems.append(Problem(name, line, "kind", kind, "together, apart, keep or exclude"))
        elif kind in ("together", "apart") and (not a or not b):
            problems.append(Problem(name, line, "b", b, f"two townships for {kind}"))
        elif not a:
            problems.append(Problem(name, line, "a", a, "a value"))
        elif kind in ("together", "apart"):
            out[kind].append((a, b))
        else:
            out[kind].append(a)
    if problems:
        raise InputError(problems)
    if "all" in [x.lower() for x in out["keep"]]:
        out["keep"] = True
    return out


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
