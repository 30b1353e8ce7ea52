"""Property tests: random planar instances against an independent brute force.

Townships are random points (one or two counties) with Gabriel adjacency and estimated
road minutes.  The brute force enumerates every set partition of the townships, keeps those
whose blocks are connected, inside one county and of allowed size, and prices them with its
own cost function; the solver's optimum must match it exactly (same 0.1-minute rounding
per zone), and INFEASIBLE must mean the brute force found nothing.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoneplan.geo import estimated_minutes
from zoneplan.zoning import ZoningInput, ZoningOptions, solve_zoning
from zoneplan.zoning.candidates import connected_subsets
from zoneplan.zoning.metrics import check_zoning

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw):
    n = draw(st.integers(4, 9))
    seed = draw(st.integers(0, 2**31 - 1))
    two = draw(st.booleans()) and n >= 6
    rng = np.random.default_rng(seed)
    lat = 27 + rng.random(n) * 0.5
    lon = 108 + rng.random(n) * 0.5
    county = ["A" if (not two or i < n // 2) else "B" for i in range(n)]
    villages = rng.integers(0, 30, n)
    inp = ZoningInput.from_coordinates([f"t{i}" for i in range(n)], None, county, lat, lon, villages)
    sizes = draw(st.sampled_from([(1, 2), (2, 3), (2, 3), (2, 4), (3, 3), (4, 4)]))
    return inp, ZoningOptions(min_size=sizes[0], max_size=sizes[1])


def partitions(items):
    """All set partitions of ``items`` (Bell(9) = 21,147 for 9 items)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        yield [[first]] + part
        for k in range(len(part)):
            yield part[:k] + [[first] + part[k]] + part[k + 1:]


def connected(block, edges):
    seen, todo, s = {block[0]}, [block[0]], set(block)
    while todo:
        u = todo.pop()
        for a, b in edges:
            for x, y in ((a, b), (b, a)):
                if x == u and y in s and y not in seen:
                    seen.add(y)
                    todo.append(y)
    return len(seen) == len(s)


def block_cost(inp, block):
    """Hub minutes (least total to the others) + |villages - size x county mean| + the pool
    term (no roster: each township counts 1, so a member's pool is the other members; 30 per
    township short of 2), in 0.1 units."""
    lat, lon = np.asarray(inp.lat), np.asarray(inp.lon)
    tot = [sum(float(estimated_minutes(lat[h], lon[h], lat[j], lon[j])) for j in block) for h in block]
    county = inp.county[block[0]]
    pool = [i for i in range(inp.n) if inp.county[i] == county]
    mean = sum(inp.villages[i] for i in pool) / len(pool)
    dev = abs(sum(inp.villages[i] for i in block) - len(block) * mean)
    short = 30.0 * len(block) * max(0, 2 - (len(block) - 1))
    return int(np.rint((min(tot) + dev + short) * 10))


def brute_force(inp, opt):
    best = None
    for part in partitions(list(range(inp.n))):
        if all(opt.min_size <= len(b) <= opt.max_size and len({inp.county[i] for i in b}) == 1
               and connected(b, inp.edges) for b in part):
            cost = sum(block_cost(inp, b) for b in part)
            best = cost if best is None else min(best, cost)
    return None if best is None else best / 10


@SETTINGS
@given(instances())
def test_optimum_matches_brute_force_and_rules_hold(case):
    inp, opt = case
    res = solve_zoning(inp, opt)
    expected = brute_force(inp, opt)
    if expected is None:
        assert res.status == "INFEASIBLE" and res.explanations
        return
    assert res.status == "OPTIMAL"
    assert res.objective == expected
    assert check_zoning(inp, res.zones, opt) == []
    zoned = res.zones[res.zones.zone != ""]
    for _, g in zoned.groupby("zone"):
        assert g.county.nunique() == 1
        assert opt.min_size <= len(g) <= opt.max_size


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 9), st.integers(0, 2**31 - 1), st.integers(1, 4), st.integers(0, 3))
def test_connected_subsets_match_brute_force(n, seed, lo, extra):
    rng = np.random.default_rng(seed)
    edges = [(a, b) for a, b in combinations(range(n), 2) if rng.random() < 0.35]
    nbrs = [set() for _ in range(n)]
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    hi = lo + extra
    got = list(connected_subsets(nbrs, lo, hi))
    want = {c for k in range(lo, hi + 1) for c in combinations(range(n), k) if connected(list(c), edges)}
    assert len(got) == len(set(got)) and set(got) == want
