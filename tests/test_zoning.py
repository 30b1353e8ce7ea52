"""Tests of the zoning core on tiny instances whose optimum is worked out by hand.

Unless a test says otherwise, road minutes are the distance between made-up positions
(``minutes(i, j) = |p_i - p_j|`` on a line, or Euclidean on a plane), villages are zero, and
the pool-strength term is switched off (``solve`` below sets ``pool=0``), so the objective is
the compactness term: total minutes from each zone's hub to its members.  The pool term has
its own tests at the end (``test_pool_*``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from zoneplan.zoning import ZoningInput, ZoningOptions, ZoningWeights
from zoneplan.zoning import solve_zoning as _solve_zoning
from zoneplan.zoning.candidates import connected_subsets
from zoneplan.zoning.checks import size_counts
from zoneplan.zoning.draw import draw_map
from zoneplan.zoning.metrics import check_zoning, current_zones, zone_metrics, zoning_objective


def make(xy, edges, county=None, villages=None, current_zone=None, ids=None, **kw) -> ZoningInput:
    """Input with Euclidean 'minutes' between plane positions ``xy`` (or line positions)."""
    pts = np.array([(p, 0.0) if np.isscalar(p) else p for p in xy], dtype=float)
    n = len(pts)
    ids = ids or [chr(ord("a") + i) for i in range(n)]

    def minutes(i, j):
        return np.hypot(*(pts[i] - pts[j]).T)

    return ZoningInput(
        township_ids=ids, names=[t.upper() for t in ids], county=county or ["K"] * n,
        lat=pts[:, 1], lon=pts[:, 0], villages=np.zeros(n) if villages is None else villages,
        edges=edges, minutes=minutes, current_zone=current_zone, **kw)


def solve_zoning(inp, opt=None, pool=0.0):
    """The solver with the pool term at ``pool`` (0 here: these instances are about compactness)."""
    opt = opt or ZoningOptions()
    return _solve_zoning(inp, opt.model_copy(update={"weights": opt.weights.model_copy(update={"pool": pool})}))


NO_POOL = ZoningOptions(weights=ZoningWeights(pool=0))


def groups(res) -> set[frozenset[str]]:
    z = res.zones[res.zones.zone != ""]
    return {frozenset(g.township_id) for _, g in z.groupby("zone")}


def path(n):
    return [(i, i + 1) for i in range(n - 1)]


# a path a-b-c-d-e at positions 0, 10, 40, 45, 55 (gaps 10, 30, 5, 10)
P5 = [0, 10, 40, 45, 55]


def test_path_of_five_is_split_two_plus_three_at_the_long_gap():
    """Only 2+3 or 3+2 cover 5 on a path.  {a,b} costs 10; {c,d,e} has hub d: 5+10 = 15;
    total 25.  The other split {a,b,c} (hub b: 10+30) + {d,e} (10) costs 50."""
    inp = make(P5, path(5))
    res = solve_zoning(inp)
    assert res.status == "OPTIMAL"
    assert res.objective == pytest.approx(25.0)
    assert res.bound == pytest.approx(25.0) and res.gap == 0.0
    assert groups(res) == {frozenset("ab"), frozenset("cde")}
    hubs = dict(zip(res.zones.township_id, res.zones.hub))
    assert hubs["e"] == "d" and hubs["a"] == "a"  # {a,b}: tie 10 = 10, smaller id wins
    # named after their hubs A and D (names in Latin letters: "A Zone"), listed west to east
    assert list(res.zones.zone) == ["A Zone", "A Zone", "D Zone", "D Zone", "D Zone"]
    assert check_zoning(inp, res.zones) == []
    assert zoning_objective(inp, res.zones, NO_POOL) == pytest.approx(res.objective)


def test_four_cycle_is_two_pairs_along_short_sides():
    """Rectangle a(0,0) b(10,0) c(10,20) d(0,20), cycle a-b-c-d-a: pairs {a,b},{c,d} cost
    10+10 = 20; pairs {b,c},{a,d} cost 40; 3+1 is not allowed."""
    inp = make([(0, 0), (10, 0), (10, 20), (0, 20)], [(0, 1), (1, 2), (2, 3), (0, 3)])
    res = solve_zoning(inp)
    assert res.status == "OPTIMAL" and res.objective == pytest.approx(20.0)
    assert groups(res) == {frozenset("ab"), frozenset("cd")}


def test_village_balance_breaks_a_compactness_tie():
    """Square of side 10: both pairings cost 20 minutes.  Villages a=b=10, c=d=0: county mean
    5/township, so a pair should hold 10.  {a,b},{c,d} is off by 10+10; {a,d},{b,c} by 0."""
    inp = make([(0, 0), (10, 0), (10, 10), (0, 10)], [(0, 1), (1, 2), (2, 3), (0, 3)],
               villages=np.array([10, 10, 0, 0]))
    res = solve_zoning(inp)
    assert groups(res) == {frozenset("ad"), frozenset("bc")}
    assert res.objective == pytest.approx(20.0)
    heavy = solve_zoning(inp, ZoningOptions(together=[("a", "b")]))
    assert heavy.objective == pytest.approx(20.0 + 20.0)  # weight 1 per village of imbalance


def test_star_of_four_with_max_three_is_infeasible_and_names_centre_and_leaves():
    """Centre c with leaves x, y, z: every leaf must share c's zone, 4 > max_size 3."""
    inp = make([(0, 0), (1, 0), (0, 1), (-1, 0)], [(0, 1), (0, 2), (0, 3)], ids=["c", "x", "y", "z"])
    res = solve_zoning(inp)
    assert res.status == "INFEASIBLE" and res.objective is None
    text = " ".join(res.explanations)
    assert "C (c)" in text and all(f"{t.upper()} ({t})" in text for t in "xyz")
    assert (res.zones.zone == "").all()
    assert solve_zoning(inp, ZoningOptions(max_size=4)).status == "OPTIMAL"


def test_triangle_plus_isolated_town_names_the_isolated_town():
    inp = make([(0, 0), (1, 0), (0, 1), (9, 9)], [(0, 1), (1, 2), (0, 2)])
    res = solve_zoning(inp)
    assert res.status == "INFEASIBLE"
    assert any("D (d) has no neighbour" in m for m in res.explanations)
    ok = solve_zoning(inp, ZoningOptions(exclude=["d"]))
    assert ok.status == "OPTIMAL" and groups(ok) == {frozenset("abc")}
    assert ok.zones.set_index("township_id").zone["d"] == ""


def test_component_that_sizes_cannot_cover_is_named():
    """Two separate paths of 5 with zones of exactly 4: 5 is no multiple of 4."""
    inp = make(list(range(5)), path(5))
    res = solve_zoning(inp, ZoningOptions(min_size=4, max_size=4))
    assert res.status == "INFEASIBLE"
    assert "has 5 townships" in res.explanations[0]


def test_together_is_honoured():
    inp = make(P5, path(5))
    opt = ZoningOptions(together=[("b", "c")])
    res = solve_zoning(inp, opt)
    assert res.status == "OPTIMAL" and res.objective == pytest.approx(50.0)  # {a,b,c} + {d,e}
    assert check_zoning(inp, res.zones, opt) == []


def test_apart_is_honoured_and_named_when_impossible():
    """Path of 6 at 0,10,40,45,55,56: the free optimum {a,b},{c,d},{e,f} costs 10+5+1 = 16.
    apart(c,d) needs a cut between c and d, leaving {a,b,c},{d,e,f}: 40 + 11 = 51."""
    inp = make([0, 10, 40, 45, 55, 56], path(6))
    free = solve_zoning(inp)
    assert free.objective == pytest.approx(16.0)
    opt = ZoningOptions(apart=[("c", "d")])
    res = solve_zoning(inp, opt)
    assert res.status == "OPTIMAL" and res.objective == pytest.approx(51.0)
    assert check_zoning(inp, res.zones, opt) == []
    bad = solve_zoning(make(P5, path(5)), ZoningOptions(apart=[("a", "b")]))  # a's only neighbour is b
    assert bad.status == "INFEASIBLE"
    assert "apart A (a) / B (b)" in bad.explanations[0]


def test_keep_and_exclude_are_honoured():
    """Keeping the current zone {b,c} leaves a alone -> infeasible; keeping {d,e} (the current
    zone K-old) forces {a,b,c} for the rest and keeps the id."""
    cur = ["", "", "", "K-old", "K-old"]
    inp = make(P5, path(5), current_zone=cur)
    opt = ZoningOptions(keep=["K-old"])
    res = solve_zoning(inp, opt)
    assert res.status == "OPTIMAL" and res.objective == pytest.approx(50.0)
    assert set(res.zones.zone) == {"K-old", "B Zone"}
    assert check_zoning(inp, res.zones, opt) == []
    cur2 = ["", "Z", "Z", "", ""]
    res2 = solve_zoning(make(P5, path(5), current_zone=cur2), ZoningOptions(keep=True))
    assert res2.status == "INFEASIBLE" and "A (a) has no neighbour left" in res2.explanations[0]
    ex = ZoningOptions(exclude=["c"])
    res3 = solve_zoning(inp, ex)
    assert groups(res3) == {frozenset("ab"), frozenset("de")} and check_zoning(inp, res3.zones, ex) == []


def test_contradicting_together_and_apart_is_explained():
    inp = make(P5, path(5))
    res = solve_zoning(inp, ZoningOptions(together=[("a", "b")], apart=[("b", "a")]))
    assert res.status == "INFEASIBLE"
    assert "both together and apart" in res.explanations[0]
    chain = solve_zoning(inp, ZoningOptions(together=[("a", "b"), ("b", "c"), ("c", "d")]))
    assert chain.status == "INFEASIBLE" and "4 townships" in chain.explanations[0]


def test_target_zone_count_is_honoured_and_checked_before_solving():
    """Path of 6 at 0..50 step 10: 3 pairs cost 30; 2 triples cost 40."""
    inp = make([0, 10, 20, 30, 40, 50], path(6))
    three = solve_zoning(inp, ZoningOptions(target_zones=3))
    two = solve_zoning(inp, ZoningOptions(target_zones={"K": 2}))
    assert three.objective == pytest.approx(30.0) and len(groups(three)) == 3
    assert two.objective == pytest.approx(40.0) and len(groups(two)) == 2
    four = solve_zoning(inp, ZoningOptions(target_zones=4))
    assert four.status == "INFEASIBLE" and "allow only 2..3 zones" in four.explanations[0]


def test_county_is_never_crossed():
    """Two counties joined by an adjacency pair c-d: the pair is ignored; each county zoned alone."""
    inp = make([0, 1, 2, 3, 4, 5], path(6), county=["A"] * 3 + ["B"] * 3)
    assert (2, 3) not in inp.edges
    res = solve_zoning(inp)
    assert groups(res) == {frozenset("abc"), frozenset("def")}
    assert set(res.zones.zone) == {"B Zone", "E Zone"}
    bad = solve_zoning(inp, ZoningOptions(together=[("c", "d")]))
    assert bad.status == "INFEASIBLE" and "never cross a county" in bad.explanations[0]


def test_leling_style_zones_of_exactly_four():
    """A 4x4 grid of 16 towns (step 10), zones of exactly 4.  A T shape (hub with three
    neighbours) costs 10+10+10 = 30, less than a 2x2 square (10+10+14.1) or a line (10+10+20);
    four T shapes tile the 4x4 grid, so the optimum is 4 x 30 = 120."""
    xy = [(10 * (k % 4), 10 * (k // 4)) for k in range(16)]
    edges = [(k, k + 1) for k in range(16) if k % 4 < 3] + [(k, k + 4) for k in range(12)]
    inp = make(xy, edges, ids=[f"t{k:02d}" for k in range(16)])
    res = solve_zoning(inp, ZoningOptions(min_size=4, max_size=4))
    assert res.status == "OPTIMAL"
    assert sorted(len(g) for g in groups(res)) == [4, 4, 4, 4]
    assert res.objective == pytest.approx(120.0)


def test_same_input_same_zones():
    rng = np.random.default_rng(7)
    n = 60
    inp = ZoningInput.from_coordinates([f"T{i:02d}" for i in range(n)], None, [f"C{i % 3}" for i in range(n)],
                                       27 + rng.random(n), 108 + rng.random(n), rng.integers(5, 30, n))
    for opt in (ZoningOptions(), ZoningOptions(workers=2)):
        a, b = solve_zoning(inp, opt), solve_zoning(inp, opt)
        assert a.status == "OPTIMAL" and a.zones.equals(b.zones) and a.objective == b.objective
        assert check_zoning(inp, a.zones, opt) == []


def test_bad_input_raises_clear_errors():
    inp = make(P5, path(5))
    with pytest.raises(ValueError, match="'zz'"):
        solve_zoning(inp, ZoningOptions(exclude=["zz"]))
    with pytest.raises(ValueError, match="current_zone"):
        solve_zoning(inp, ZoningOptions(keep=True))
    with pytest.raises(ValueError, match="max_size"):
        ZoningOptions(min_size=3, max_size=2)
    with pytest.raises(ValueError, match="unknown county"):
        solve_zoning(inp, ZoningOptions(target_zones={"X": 1}))
    with pytest.raises(ValueError, match="duplicate"):
        make([0, 1], [(0, 1)], ids=["a", "a"])


def test_connected_subsets_lists_each_connected_set_once():
    """Path a-b-c-d: connected sets of size 2..3 are ab, bc, cd, abc, bcd."""
    got = list(connected_subsets([{1}, {0, 2}, {1, 3}, {2}], 2, 3))
    assert sorted(got) == [(0, 1), (0, 1, 2), (1, 2), (1, 2, 3), (2, 3)]
    assert len(got) == len(set(got))
    assert list(size_counts(7, 2, 3)) == [3]


def test_metrics_result_dict_and_map(tmp_path):
    """Zones {a,b} and {c,d,e} of the 5-path: max pair minutes 10 and 15; hub travel 10 + 15."""
    inp = make(P5, path(5), villages=np.array([1, 2, 3, 4, 5]), staff=np.array([2, 2, 3, 1, 2]),
               current_zone=["Z1", "Z1", "Z1", "Z2", "Z2"])
    res = solve_zoning(inp)
    summary, per_zone = zone_metrics(inp, res.zones)
    assert summary["zones"] == 2 and summary["size_histogram"] == {2: 1, 3: 1}
    assert summary["max_pair_minutes_max"] == pytest.approx(15.0)
    assert summary["hub_minutes_total"] == pytest.approx(25.0)
    assert list(per_zone["villages"]) == [3.0, 12.0] and list(per_zone["staff"]) == [4.0, 6.0]
    cur, _ = zone_metrics(inp, current_zones(inp))
    assert cur["hub_minutes_total"] == pytest.approx(40 + 10)
    json.dumps(res.to_dict())
    out = draw_map(inp, res.zones, tmp_path / "m.png", title="five")
    assert out.stat().st_size > 1000


SPIDER_IDS = ["v", "a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3"]
SPIDER_EDGES = [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5), (5, 6), (0, 7), (7, 8), (8, 9)]


def test_obstacle_no_precheck_sees_is_named_by_the_diagnostic_resolve():
    """Centre v with three legs of 3 (10 towns), pairs only: each leg's end pairs with its
    middle, so all three first towns need v.  No pre-check fires (v has no pendant, 10 is even);
    the re-solve names the group.  With 2..3 sizes but a target of 5 zones (= pairs only) the
    target is the named what-if."""
    inp = make(list(range(10)), SPIDER_EDGES, ids=SPIDER_IDS)
    res = solve_zoning(inp, ZoningOptions(min_size=2, max_size=2))
    assert res.status == "INFEASIBLE" and "cannot be split into connected zones" in res.explanations[0]
    res = solve_zoning(inp, ZoningOptions(target_zones=5, together=[("v", "a1")]))
    assert res.status == "INFEASIBLE"
    assert "target of 5 zones" in res.explanations[0] and "together V (v)" not in res.explanations[0]


def test_pool_term_prefers_triples_on_a_path_of_six():
    """Path of 6 at 0..50 step 10, no roster (each township counts as one average township).
    Three pairs: hub minutes 3 x 10 = 30, and each of the 6 townships has a pool of 1 township,
    1 short of the need of 2: 6 x 30 = 180, total 210.  Two triples: hub minutes 2 x 20 = 40,
    pools of 2, nothing short: 40.  The earlier objective (pool=0) takes the pairs (30 < 40)."""
    inp = make([0, 10, 20, 30, 40, 50], path(6))
    res = solve_zoning(inp, pool=30.0)
    assert res.status == "OPTIMAL" and res.objective == pytest.approx(40.0)
    assert groups(res) == {frozenset("abc"), frozenset("def")}
    pairs = solve_zoning(inp, ZoningOptions(target_zones=3), pool=30.0)
    assert pairs.objective == pytest.approx(210.0)
    assert zoning_objective(inp, pairs.zones) == pytest.approx(210.0)  # the default weights: pool 30
    assert len(groups(solve_zoning(inp, pool=0.0))) == 3
    assert ZoningWeights().pool == 30.0 and ZoningWeights().pool_need == 2.0


def test_pool_term_counts_the_staff_of_the_other_townships():
    """Zone {a,b,c} with township staff 3, 1, 2; county mean 2 per township (a fourth township
    d has 2 and sits in another zone).  Pools in average townships: a: (1+2)/2 = 1.5, half a
    township short of 2 -> 15; b: (3+2)/2 = 2.5, c: (3+1)/2 = 2, none short.  So 15."""
    from zoneplan.zoning.candidates import county_data, pool_shortfall

    inp = make([0, 10, 20, 30], path(4), staff=np.array([3.0, 1.0, 2.0, 2.0]))
    cd = county_data(inp, "K", set())
    got = pool_shortfall(cd, np.array([[0, 1, 2], [2, 3, 3]])[:1], ZoningWeights())
    assert got.tolist() == [15.0]
    assert pool_shortfall(cd, np.array([[2, 3]]), ZoningWeights()).tolist() == [30.0 * (1 + 1)]
    assert pool_shortfall(cd, np.array([[0, 1, 2]]), ZoningWeights(pool=0)).tolist() == [0.0]
