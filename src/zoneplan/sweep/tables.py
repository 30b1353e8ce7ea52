"""The sweep's tables: one row per scenario, per scenario and county, and the best per county.

Rows are in scenario order (as given), counties by name; every figure comes from the
scenario results of :func:`zoneplan.sweep.run.run_scenario`, so the tables do not depend on
where or in which order the scenarios ran.

**One ranking** (:func:`ranking_key`) orders scenarios everywhere -- the ``rank`` of
``sweep.csv``, the numbers on the trade-off plot, the best of each county: most
priority-weighted cases staffed, then fewest cases lost to drop-outs (mean over the draws,
when drawn), then the smallest largest workload, then the least travel, then the lowest
zoning objective, then the order the scenarios were given in.  Scenarios whose zonings are
the same township for township (two size ranges can give one zoning) are flagged:
``same_zoning_as`` names the first of them.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["sweep_table", "county_table", "best_per_county", "non_dominated", "best_zoning", "ranking_key",
           "FIRST_COLUMNS", "COUNTY_COLUMNS", "BEST_COLUMNS", "ZONED"]

#: The columns sweep.csv starts with; the zoning measures of ``compare`` follow.
FIRST_COLUMNS = ["scenario", "min_size", "max_size", "target_zones", "whatif", "zones", "cases_staffed",
                 "weighted_staffed", "max_workload", "travel", "lost_mean", "lost_worst", "changes_mean",
                 "changes_worst", "non_dominated", "rank", "same_zoning_as",
                 "zoning_status", "zoning_objective", "staff_status", "cases_total", "team_travel_mean",
                 "team_travel_max", "blocked_by_conflicts", "lost_to_capacity", "dropouts", "draws"]

COUNTY_COLUMNS = ["county", "scenario", "zoning_status", "zoning_objective", "zones", "cases", "cases_staffed",
                  "weighted_staffed", "max_workload", "travel", "lost_mean", "lost_worst"]

BEST_COLUMNS = ["county", "scenario", "min_size", "max_size", "target_zones", "whatif", "zones", "cases",
                "cases_staffed", "weighted_staffed", "max_workload", "travel", "lost_mean", "lost_worst",
                "zoning_objective", "runner_up", "scenarios_compared"]

#: Zoning statuses that give a zoning to staff under.
ZONED = ("OPTIMAL", "FEASIBLE", "CURRENT")

_WHOLE = ("min_size", "max_size", "target_zones", "zones", "cases_staffed", "cases_total", "cases", "rank",
          "blocked_by_conflicts", "lost_to_capacity", "dropouts", "draws", "lost_worst", "changes_worst", "zoned", "unzoned",
          "disconnected_zones", "cross_county_zones")


def _whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    for c in _WHOLE:
        if c in df.columns:
            df[c] = pd.array([None if v is None or pd.isna(v) else int(round(float(v))) for v in df[c]], dtype="Int64")
    return df


def non_dominated(staffed: Sequence[float | None], travel: Sequence[float | None]) -> list[bool]:
    """Which points no other point beats: at least as many staffed and at most as much travel,
    better in one.  Points without figures are never non-dominated.

    Examples
    --------
    >>> non_dominated([10, 10, 9, 11], [100, 90, 80, 200])
    [False, True, True, True]
    """
    pts = [(s, t) for s, t in zip(staffed, travel)]
    ok = [s is not None and t is not None and not (pd.isna(s) or pd.isna(t)) for s, t in pts]
    out = []
    for k, (s, t) in enumerate(pts):
        if not ok[k]:
            out.append(False)
            continue
        out.append(not any(ok[j] and s2 >= s and t2 <= t and (s2 > s or t2 < t)
                           for j, (s2, t2) in enumerate(pts) if j != k))
    return out


def _num(v: Any, sign: int = 1) -> float:
    return sign * float(v) if v is not None and not pd.isna(v) else np.inf


def ranking_key(row: Any, position: int) -> tuple:
    """The one ranking of scenarios (smaller is better): most priority-weighted cases staffed,
    fewest lost to drop-outs (mean), smallest largest workload, least travel, lowest zoning
    objective, then ``position`` (the order given).  ``row``: a mapping or a named tuple."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    return (_num(get("weighted_staffed"), -1), _num(get("lost_mean")), _num(get("max_workload")),
            _num(get("travel")), _num(get("zoning_objective")), position)


def sweep_table(results: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """sweep.csv: one row per scenario, the main figures first, then the measures of ``compare``."""
    rows = [dict(r["row"]) for r in results]
    nd = non_dominated([r.get("weighted_staffed") for r in rows], [r.get("travel") for r in rows])
    for r, flag in zip(rows, nd):
        r["non_dominated"] = flag
    zoned = [k for k, r in enumerate(rows) if r.get("zoning_status") in ZONED]
    for place, k in enumerate(sorted(zoned, key=lambda k: ranking_key(rows[k], k)), start=1):
        rows[k]["rank"] = place
    first_of: dict[tuple, str] = {}
    for r, res in zip(rows, results):
        zones = res.get("zones") or {}
        if r.get("zoning_status") not in ZONED or not zones:
            r["same_zoning_as"] = ""
            continue
        key = tuple(sorted(zones.items()))
        r["same_zoning_as"] = first_of.get(key, "")
        first_of.setdefault(key, r["scenario"])
    rest: list[str] = []
    for r in rows:
        rest += [k for k in r if k not in FIRST_COLUMNS and k not in rest]
    always = FIRST_COLUMNS[:10] + ["non_dominated", "rank", "same_zoning_as", "zoning_status", "zoning_objective"]
    cols = [c for c in FIRST_COLUMNS if c in always or any(c in r for r in rows)] + rest
    return _whole_numbers(pd.DataFrame(rows, columns=cols))


def county_table(results: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per county and scenario (counties by name, then scenario order)."""
    rows = []
    for r in results:
        for county, f in r["counties"].items():
            lost = f.get("lost")
            rows.append({"county": county, "scenario": r["scenario"], **{k: f.get(k) for k in COUNTY_COLUMNS[2:10]},
                         "lost_mean": round(float(np.mean(lost)), 2) if lost else None,
                         "lost_worst": int(max(lost)) if lost else None})
    df = pd.DataFrame(rows, columns=COUNTY_COLUMNS)
    order = {r["scenario"]: k for k, r in enumerate(results)}
    df["_o"] = df["scenario"].map(order)
    df = df.sort_values(["county", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return _whole_numbers(df)


def best_per_county(results: Sequence[dict[str, Any]], counties: pd.DataFrame) -> pd.DataFrame:
    """The best scenario of each county, by its own figures and the one :func:`ranking_key`.

    Among the scenarios that zone the county: most priority-weighted cases staffed, then
    fewest cases lost to drop-outs (mean, when drawn), then the smallest largest workload,
    then the least travel, then the lowest zoning objective, then scenario order (without
    cases, the zoning objective decides).
    """
    spec = {r["scenario"]: r["row"] for r in results}
    order = {r["scenario"]: k for k, r in enumerate(results)}
    rows = []
    for county, g in counties.groupby("county", sort=True):
        g = g[g["zoning_status"].isin(ZONED)]
        if not len(g):
            continue

        ranked = sorted(g.itertuples(index=False), key=lambda r: ranking_key(r, order[r.scenario]))
        b = ranked[0]
        s = spec[b.scenario]
        rows.append({"county": county, "scenario": b.scenario, "min_size": s.get("min_size"),
                     "max_size": s.get("max_size"), "target_zones": s.get("target_zones"), "whatif": s.get("whatif"),
                     "zones": b.zones, "cases": b.cases, "cases_staffed": b.cases_staffed,
                     "weighted_staffed": b.weighted_staffed, "max_workload": b.max_workload, "travel": b.travel,
                     "lost_mean": b.lost_mean, "lost_worst": b.lost_worst, "zoning_objective": b.zoning_objective,
                     "runner_up": ranked[1].scenario if len(ranked) > 1 else "", "scenarios_compared": len(ranked)})
    return _whole_numbers(pd.DataFrame(rows, columns=BEST_COLUMNS))


def best_zoning(results: Sequence[dict[str, Any]], best: pd.DataFrame, township_ids: Sequence[str],
                county_of: dict[str, str]) -> pd.DataFrame:
    """``township_id, zone``: each county zoned as in its best scenario (no zone where none is best)."""
    by_name = {r["scenario"]: r["zones"] for r in results}
    pick = dict(zip(best["county"], best["scenario"]))
    zones = [by_name[pick[county_of[t]]].get(t, "") if county_of[t] in pick else "" for t in township_ids]
    return pd.DataFrame({"township_id": list(township_ids), "zone": zones})
