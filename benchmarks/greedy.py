"""Greedy baselines: staffing case by case (what a careful planner would do by hand), and
zoning by pairing neighbouring townships (:func:`greedy_zoning`).

Staffing (:func:`greedy_staff`): cases are taken by priority (highest first, then ``case_id``).  For each case the team is
built from the case's eligible pairs (zoneplan's eligibility engine, so the pool and every
conflict rule are the same as the solver's) among people with capacity left:

1. the lead, when the case needs one: an eligible lead (county-level when escalated, as the
   eligibility engine marks it), preferring one who covers a required skill;
2. one member per still-uncovered required skill, rarest skill first;
3. the remaining seats.

Within each step the candidate covering most uncovered skills wins, then the nearest
(rounded road minutes), then the least loaded (current + assigned workload), then the
smallest investigator id.  A case whose team cannot be completed gets nobody (all or
nothing) and leaves no trace on capacities or loads.  The plan it returns is meant to go
through :func:`zoneplan.check` like any other.

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

from zoneplan import RuleOptions, Tables, build_eligibility

__all__ = ["GreedyResult", "greedy_staff", "greedy_zoning"]


@dataclass
class GreedyResult:
    """The greedy plan and how long it took.

    Attributes
    ----------
    assignments : DataFrame
        ``case_id, investigator_id, role, travel_minutes`` (the plan format of the checker).
    timings : dict
        Seconds spent in ``eligibility`` and in the ``greedy`` pass.
    stats : dict
        ``eligible_pairs``, ``cases``, ``staffed_cases``.
    """

    tables: Tables
    assignments: pd.DataFrame
    wall_time: float
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)


def _pick(cands: list[int], uncovered: set[str], skills_of, sort_key) -> int:
    """The candidate covering most uncovered skills, ties broken by ``sort_key``."""
    return min(cands, key=lambda p: (-len(uncovered & skills_of(p)), sort_key(p)))


def greedy_staff(tables: Tables, rules: RuleOptions | None = None) -> GreedyResult:
    """Staff cases greedily in priority order; see the module docstring for the rules.

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
    t0 = time.perf_counter()
    rules = rules or RuleOptions()
    el = build_eligibility(tables, rules)
    t1 = time.perf_counter()
    inv, cs = tables.investigators, tables.cases
    inv_ids = el.inv_ids
    inv_skills = [frozenset(s) for s in inv["skills"].tolist()]
    load = inv["current_workload"].to_numpy(dtype=float).copy()
    room = el.capacity.astype(np.int64).copy()
    team = cs["team_size"].to_numpy(dtype=np.int64)
    needs_lead = cs["needs_lead"].to_numpy(dtype=bool) | cs["escalated"].to_numpy(dtype=bool)
    required = [tuple(s) for s in cs["required_skills"].tolist()]
    workload = cs["workload"].to_numpy(dtype=float)
    cost = el.pair_cost
    starts = np.searchsorted(el.pair_case, np.arange(len(cs) + 1))
    order = sorted(range(len(cs)), key=lambda c: (-int(cs["priority"].iat[c]), str(el.case_ids[c])))

    rows_p: list[int] = []
    rows_lead: list[bool] = []

    def skills_of(p: int) -> frozenset[str]:
        return inv_skills[el.pair_inv[p]]

    def sort_key(p: int) -> tuple[int, float, str]:
        i = el.pair_inv[p]
        return int(cost[p]), round(float(load[i]), 6), str(inv_ids[i])

    for c in order:
        k = int(team[c])
        cands = [p for p in range(starts[c], starts[c + 1]) if room[el.pair_inv[p]] > 0]
        if len(cands) < k:
            continue
        uncovered = set(required[c])
        chosen: list[int] = []
        lead_p = -1
        if needs_lead[c]:
            leads = [p for p in cands if el.pair_lead[p]]
            if not leads:
                continue
            lead_p = _pick(leads, uncovered, skills_of, sort_key)
            chosen.append(lead_p)
            uncovered -= skills_of(lead_p)
        rest = [p for p in cands if p != lead_p]
        ok = True
        while uncovered:
            rare = min(sorted(uncovered), key=lambda s: sum(s in skills_of(p) for p in rest))
            have = [p for p in rest if rare in skills_of(p)]
            if not have or len(chosen) >= k:
                ok = False
                break
            p = _pick(have, uncovered, skills_of, sort_key)
            chosen.append(p)
            rest.remove(p)
            uncovered -= skills_of(p)
        if not ok:
            continue
        rest.sort(key=sort_key)
        chosen += rest[: k - len(chosen)]
        if len(chosen) < k:
            continue
        for p in chosen:
            i = el.pair_inv[p]
            room[i] -= 1
            load[i] += workload[c]
            rows_p.append(p)
            rows_lead.append(p == lead_p)

    pairs = np.asarray(rows_p, dtype=np.int64)
    plan = pd.DataFrame({
        "case_id": el.case_ids[el.pair_case[pairs]].astype(object),
        "investigator_id": inv_ids[el.pair_inv[pairs]].astype(object),
        "role": np.where(np.asarray(rows_lead, dtype=bool), "lead", "member").astype(object),
        "travel_minutes": np.round(el.pair_minutes[pairs].astype(float), 1),
    })
    plan = plan.sort_values(["case_id", "investigator_id"], kind="stable").reset_index(drop=True)
    t2 = time.perf_counter()
    return GreedyResult(
        tables=tables, assignments=plan, wall_time=t2 - t0,
        timings={"eligibility": t1 - t0, "greedy": t2 - t1},
        stats={"eligible_pairs": int(el.n_pairs), "cases": int(len(cs)),
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
