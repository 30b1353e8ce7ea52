"""Greedy baselines: staffing case by case (what a careful planner would do by hand), and
zoning by pairing neighbouring townships (:func:`greedy_zoning`).

Staffing (:func:`greedy_staff`) is zoneplan's own greedy start
(:func:`zoneplan.staffing.greedy.greedy_plan`, run on every independent part): cases by
priority, each given the nearest team that meets its rules from the people with capacity
left (the better of a "nearest" and a "sparing" variant, see that module).  Every solve of
zoneplan starts from this plan, so zoneplan at any time limit is at least as good.  The
plan it returns is meant to go through :func:`zoneplan.check` like any other.

Examples
--------
>>> import zoneplan
>>> res = greedy_staff(zoneplan.load("data/examples/tutorial"))  # doctest: +SKIP
>>> zoneplan.check(res.tables, res.assignments).ok  # doctest: +SKIP
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zoneplan import RuleOptions, Tables

__all__ = ["GreedyResult", "greedy_staff", "greedy_zoning"]


@dataclass
class GreedyResult:
    """The greedy plan and how long it took.

    Attributes
    ----------
    assignments : DataFrame
        ``case_id, investigator_id, role, travel_minutes`` (the plan format of the checker).
    timings : dict
        Seconds spent in ``eligibility`` (the prepared instance) and in the ``greedy`` pass.
    stats : dict
        ``eligible_pairs``, ``cases``, ``staffed_cases``.
    """

    tables: Tables
    assignments: pd.DataFrame
    wall_time: float
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)


def greedy_staff(tables: Tables, rules: RuleOptions | None = None) -> GreedyResult:
    """Staff cases greedily, part by part, with zoneplan's greedy start.

    Parameters
    ----------
    tables : Tables
        Validated input.
    rules : RuleOptions, optional
        Hard rules in force (zoneplan's defaults when omitted).

    Returns
    -------
    GreedyResult
        Always; cases that could not be completed are simply absent from the plan.
    """
    from zoneplan.staffing import build_instance, decompose
    from zoneplan.staffing.assemble import assignments_frame, chosen_pairs
    from zoneplan.staffing.explain import precheck
    from zoneplan.staffing.greedy import greedy_plan

    t0 = time.perf_counter()
    inst = build_instance(tables, rules or RuleOptions())
    t1 = time.perf_counter()
    drop = np.zeros(inst.n_cases, dtype=bool)
    drop[list(precheck(inst))] = True
    parts = decompose(inst, drop)
    pairs, leads = chosen_pairs(parts, [greedy_plan(p) for p in parts])
    plan = assignments_frame(inst, pairs, leads)
    t2 = time.perf_counter()
    return GreedyResult(
        tables=tables, assignments=plan, wall_time=t2 - t0,
        timings={"eligibility": t1 - t0, "greedy": t2 - t1},
        stats={"eligible_pairs": int(inst.n_pairs), "cases": int(inst.n_cases),
               "staffed_cases": int(plan["case_id"].nunique()) if len(plan) else 0},
    )


def greedy_zoning(inp, min_size: int = 2, max_size: int = 3) -> pd.DataFrame:
    """Pair neighbouring townships greedily, county by county: the zoning baseline.

    In each county the free township with the fewest free neighbours (ties: smallest id)
    is paired with its nearest free neighbour (road minutes).  A township left with no free
    neighbour joins the nearest neighbouring zone that still has room; if every
    neighbouring zone is full, one member adjacent to it is taken out of a full zone whose
    other members stay connected, and the two form a new zone.  A township that still has
    no zone is left unzoned (the zoning checker then reports it).

    Parameters
    ----------
    inp : zoneplan.zoning.ZoningInput
        The townships (only ids, counties, adjacency and road minutes are used).
    min_size, max_size : int
        Zone sizes; the pairing makes zones of ``min_size`` (2) and grows them to at most
        ``max_size``.

    Returns
    -------
    DataFrame
        ``township_id, zone`` with zone ids ``<county>-G01``...
    """
    nbrs: dict[int, set[int]] = {i: set() for i in range(inp.n)}
    for a, b in inp.edges:
        nbrs[a].add(b)
        nbrs[b].add(a)

    def minutes(a: int, b: int) -> float:
        return float(inp.minutes(np.array([a]), np.array([b]))[0])

    def connected(members: list[int]) -> bool:
        seen, todo = {members[0]}, [members[0]]
        while todo:
            u = todo.pop()
            for v in nbrs[u] & set(members):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return len(seen) == len(members)

    zone_of = [-1] * inp.n
    zones: list[list[int]] = []
    ids = inp.township_ids
    for county in inp.counties():
        towns = [i for i in range(inp.n) if inp.county[i] == county]
        free = set(towns)
        alone: list[int] = []
        while free:
            u = min(free, key=lambda t: (len(nbrs[t] & free), ids[t]))
            free.discard(u)
            cand = sorted(nbrs[u] & free, key=lambda t: (minutes(u, t), ids[t]))
            if cand and min_size <= 2 <= max_size:
                v = cand[0]
                free.discard(v)
                zone_of[u] = zone_of[v] = len(zones)
                zones.append([u, v])
            else:
                alone.append(u)
        for u in alone:
            near = sorted({zone_of[t] for t in nbrs[u] if zone_of[t] >= 0},
                          key=lambda z: (min(minutes(u, t) for t in zones[z] if t in nbrs[u]), z))
            roomy = [z for z in near if len(zones[z]) < max_size]
            if roomy:
                zones[roomy[0]].append(u)
                zone_of[u] = roomy[0]
                continue
            for z in near:  # split a full zone: take a neighbour of u out of it
                for t in sorted(zones[z], key=lambda t: minutes(u, t)):
                    rest = [s for s in zones[z] if s != t]
                    if t in nbrs[u] and len(rest) >= min_size and connected(rest):
                        zones[z] = rest
                        zone_of[u] = zone_of[t] = len(zones)
                        zones.append([t, u])
                        break
                if zone_of[u] >= 0:
                    break
    names = [""] * inp.n
    per_county: dict[str, int] = {}
    for members in zones:
        c = inp.county[members[0]]
        per_county[c] = per_county.get(c, 0) + 1
        for t in members:
            names[t] = f"{c}-G{per_county[c]:02d}"
    return pd.DataFrame({"township_id": list(ids), "zone": names})
