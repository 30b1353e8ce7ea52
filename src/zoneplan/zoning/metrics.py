"""Measure and check a zoning, independently of the model code.

:func:`check_zoning` is the specification: it recomputes every rule (county, size,
connectivity, what-ifs, cover) from the zone table alone.  :func:`zoning_objective`
recomputes the objective with plain loops, zone by zone, so tests can compare it with the
solver's.  :func:`zone_metrics` gives the numbers a planner compares between zonings.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd

from zoneplan.graphs import reach
from zoneplan.zoning.data import COST_SCALE, ZoningInput, ZoningOptions

__all__ = ["check_zoning", "current_zones", "zone_members", "zone_metrics", "zoning_objective"]

logger = logging.getLogger(__name__)

_PER_ZONE = ["zone", "county", "size", "townships", "hub", "villages", "max_pair_minutes", "mean_pair_minutes",
             "hub_total_minutes", "hub_max_minutes", "cases", "staff", "leads", "connected", "one_county"]


def current_zones(inp: ZoningInput) -> pd.DataFrame:
    """The existing zoning (``current_zone``) as a zone table ``township_id, zone``.

    Raises
    ------
    ValueError
        When the input has no ``current_zone``.
    """
    if inp.current_zone is None:
        raise ValueError("the input has no current zones")
    return pd.DataFrame({"township_id": inp.township_ids, "zone": inp.current_zone})


def zone_members(inp: ZoningInput, zones_df: pd.DataFrame) -> dict[str, list[int]]:
    """Zone id -> township indices (sorted by township id); ``""`` rows are unzoned.

    Raises
    ------
    ValueError
        When the table lacks ``township_id``/``zone`` or names unknown townships.
    """
    missing = {"township_id", "zone"} - set(zones_df.columns)
    if missing:
        raise ValueError(f"zone table lacks column(s) {sorted(missing)}")
    out: dict[str, list[int]] = defaultdict(list)
    for tid, z in zip(zones_df["township_id"].astype(str), zones_df["zone"].fillna("").astype(str)):
        if not inp.has(tid):
            raise ValueError(f"zone table names unknown township {tid!r}")
        if z:
            out[z].append(inp.index(tid))
    return {z: sorted(m, key=lambda i: inp.township_ids[i]) for z, m in sorted(out.items())}


def _connected(inp: ZoningInput, mem: list[int], nbrs: dict[int, set[int]]) -> bool:
    ms = set(mem)
    return len(reach(mem[0], nbrs, ms)) == len(ms)


def _nbrs(inp: ZoningInput) -> dict[int, set[int]]:
    nb: dict[int, set[int]] = defaultdict(set)
    for a, b in inp.edges:
        nb[a].add(b)
        nb[b].add(a)
    return nb


def _hub(inp: ZoningInput, mem: list[int]) -> tuple[int, float, float]:
    """Hub (least total minutes to the others, ties by id), its total and max minutes."""
    d = inp.minutes_matrix(mem)
    tot = d.sum(axis=1)
    best = min(range(len(mem)), key=lambda k: (round(float(tot[k]), 9), inp.township_ids[mem[k]]))
    return mem[best], float(tot[best]), float(d[best].max()) if len(mem) > 1 else 0.0


def check_zoning(inp: ZoningInput, zones_df: pd.DataFrame, options: ZoningOptions | None = None) -> list[str]:
    """Rule violations of a zoning (empty list when it follows every rule).

    Checks: each zone inside one county, size within ``min_size..max_size``, connected in
    the adjacency; excluded townships unzoned and every other township zoned; together,
    apart, keep and target zone counts honoured.
    """
    opt = options or ZoningOptions()
    out: list[str] = []
    zm = zone_members(inp, zones_df)
    nb = _nbrs(inp)
    zone_of = {i: z for z, mem in zm.items() for i in mem}
    if len(zone_of) != sum(len(m) for m in zm.values()) or len(zones_df) != len(set(zones_df["township_id"])):
        out.append("a township appears more than once in the zone table")
    for z, mem in zm.items():
        cs = {inp.county[i] for i in mem}
        if len(cs) > 1:
            out.append(f"zone {z} spans counties {sorted(cs)}")
        if not opt.min_size <= len(mem) <= opt.max_size:
            out.append(f"zone {z} has {len(mem)} townships, outside {opt.min_size}..{opt.max_size}")
        if not _connected(inp, mem, nb):
            out.append(f"zone {z} is not connected")
    excluded = set(opt.exclude)
    for i, tid in enumerate(inp.township_ids):
        if tid in excluded and i in zone_of:
            out.append(f"excluded township {tid} is in zone {zone_of[i]}")
        if tid not in excluded and i not in zone_of:
            out.append(f"township {tid} is in no zone")
    for a, b in opt.together:
        za, zb = zone_of.get(inp.index(a)), zone_of.get(inp.index(b))
        if za is None or za != zb:
            out.append(f"together pair {a}, {b} is split ({za}, {zb})")
    for a, b in opt.apart:
        za = zone_of.get(inp.index(a))
        if za is not None and za == zone_of.get(inp.index(b)):
            out.append(f"apart pair {a}, {b} share zone {za}")
    if opt.keep:
        if inp.current_zone is None:
            out.append("keep asked but no current zones")
        else:
            cur = zone_members(inp, current_zones(inp))
            for z in (sorted(cur) if opt.keep is True else opt.keep):
                if zm.get(z) != cur.get(z):
                    out.append(f"kept zone {z} changed")
    per_county = Counter(inp.county[mem[0]] for mem in zm.values())
    for c in inp.counties():
        t = opt.target_for(c)
        if t is not None and per_county.get(c, 0) != t:
            out.append(f"county {c} has {per_county.get(c, 0)} zones, target {t}")
    return out


def zoning_objective(inp: ZoningInput, zones_df: pd.DataFrame, options: ZoningOptions | None = None) -> float:
    """Objective of a zoning recomputed zone by zone (weighted minutes, same rounding).

    Each zone's cost is rounded to ``1/COST_SCALE`` as in the solver, then summed.
    """
    opt = options or ZoningOptions()
    w = opt.weights
    excluded = {inp.index(t) for t in opt.exclude}
    total = 0
    for mem in zone_members(inp, zones_df).values():
        c = inp.county[mem[0]]
        pool = [i for i in inp.members(c) if i not in excluded]
        _, hub_total, _ = _hub(inp, mem)
        cost = w.compactness * hub_total
        for arr, wt in ((inp.villages, w.villages), (inp.cases, w.cases), (inp.staff, w.staff)):
            if arr is not None and wt:
                mean = sum(float(arr[i]) for i in pool) / len(pool)
                cost += wt * abs(sum(float(arr[i]) for i in mem) - len(mem) * mean)
        if w.pool:  # pool strength: each member's pool is the staff of the zone's other members
            staff = [1.0] * inp.n if inp.staff is None else [float(v) for v in inp.staff]
            mean = sum(staff[i] for i in pool) / len(pool)
            if inp.staff is None or mean <= 0:
                staff, mean = [1.0] * inp.n, 1.0
            for t in mem:
                others = sum(staff[u] for u in mem if u != t)
                cost += w.pool * max(0.0, w.pool_need - others / mean)
        total += int(np.rint(cost * COST_SCALE))
    return total / COST_SCALE


def _cv(x: np.ndarray) -> float:
    return float(x.std() / x.mean()) if len(x) and x.mean() > 0 else 0.0


def zone_metrics(inp: ZoningInput, zones_df: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame]:
    """Summary and per-zone measures of a zoning, for comparing zonings.

    Intra-zone travel is measured two ways: the largest road minutes between any two
    townships of a zone (``max_pair_minutes``), and travel from the zone's hub (least total
    minutes to the others, ties by township id) to its members (``hub_total_minutes``,
    ``hub_max_minutes``).  A ``hub`` column in ``zones_df`` is ignored; hubs are recomputed.

    Returns
    -------
    summary : dict
        ``zones, zoned, unzoned, size_histogram, max_pair_minutes_max,
        max_pair_minutes_mean, hub_minutes_total, hub_minutes_max, villages_min,
        villages_max, villages_cv`` and, when given, the same three for ``staff``,
        ``leads`` and ``cases``, plus ``disconnected_zones`` and ``cross_county_zones``; with
        staff, ``pool_min`` and ``pool_mean``: the township staff of the zone's *other*
        townships (who may work a township's cases under the cross-check rule), smallest and
        mean over the zoned townships.
    per_zone : DataFrame
        One row per zone with the columns listed in ``_PER_ZONE``.
    """
    zm = zone_members(inp, zones_df)
    nb = _nbrs(inp)
    rows = []
    for z, mem in zm.items():
        d = inp.minutes_matrix(mem)
        hub, hub_tot, hub_max = _hub(inp, mem)
        pairs = d[np.triu_indices(len(mem), 1)]
        row = {
            "zone": z, "county": inp.county[mem[0]], "size": len(mem),
            "townships": ";".join(inp.township_ids[i] for i in mem), "hub": inp.township_ids[hub],
            "villages": float(inp.villages[mem].sum()),
            "max_pair_minutes": float(pairs.max()) if len(pairs) else 0.0,
            "mean_pair_minutes": float(pairs.mean()) if len(pairs) else 0.0,
            "hub_total_minutes": hub_tot, "hub_max_minutes": hub_max,
            "cases": np.nan if inp.cases is None else float(inp.cases[mem].sum()),
            "staff": np.nan if inp.staff is None else float(inp.staff[mem].sum()),
            "leads": np.nan if inp.leads is None else float(inp.leads[mem].sum()),
            "connected": _connected(inp, mem, nb),
            "one_county": len({inp.county[i] for i in mem}) == 1,
        }
        rows.append(row)
    per_zone = pd.DataFrame(rows, columns=_PER_ZONE)
    zoned = sum(len(m) for m in zm.values())
    summary: dict[str, Any] = {
        "zones": len(zm),
        "zoned": zoned,
        "unzoned": inp.n - zoned,
        "size_histogram": {int(k): int(v) for k, v in sorted(Counter(per_zone["size"]).items())},
        "max_pair_minutes_max": float(per_zone["max_pair_minutes"].max()) if len(zm) else 0.0,
        "max_pair_minutes_mean": float(per_zone["max_pair_minutes"].mean()) if len(zm) else 0.0,
        "hub_minutes_total": float(per_zone["hub_total_minutes"].sum()),
        "hub_minutes_max": float(per_zone["hub_max_minutes"].max()) if len(zm) else 0.0,
        "disconnected_zones": int((~per_zone["connected"].astype(bool)).sum()),
        "cross_county_zones": int((~per_zone["one_county"].astype(bool)).sum()),
    }
    for key, arr in (("villages", inp.villages), ("cases", inp.cases), ("staff", inp.staff), ("leads", inp.leads)):
        if arr is None:
            continue
        vals = per_zone[key].to_numpy(dtype=float)
        summary[f"{key}_min"] = float(vals.min()) if len(vals) else 0.0
        summary[f"{key}_max"] = float(vals.max()) if len(vals) else 0.0
        summary[f"{key}_cv"] = _cv(vals)
    if inp.staff is not None:  # pool strength: each zoned township's pool is the staff of its zone's other townships
        pools = [float(inp.staff[mem].sum() - inp.staff[t]) for mem in zm.values() for t in mem]
        summary["pool_min"] = min(pools) if pools else 0.0
        summary["pool_mean"] = float(np.mean(pools)) if pools else 0.0
    return summary, per_zone
