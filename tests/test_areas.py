"""Village supervision areas (监督片区): a hand-worked path, brute force on small zones, the checker.

Hand-worked zone: one township T1 (zone Z) with six villages on a path a-b-c-d-e-f (given
village adjacency), households 300, 100, 100, 100, 100, 300, liaisons at b and e, three areas.
Two liaisons for three areas: at least one area has none (level 1 = 1).  Among the splits
with one area short of a liaison, {a} {b,c,d} {e,f} and {a,b} {c,d,e} {f} give the lowest
largest area, 400 households, and both have 300 as the smallest; a path of three areas has
two split neighbours.  Optimum (1, 400, 300, 2).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from zoneplan import AreaOptions, check_areas, supervision_areas, tables_from_frames
from zoneplan.areas import area_objective
from zoneplan.geo import gabriel_adjacency


def make(villages, zones=None, adjacency=None, towns=("T1",)):
    tw = pd.DataFrame({"township_id": list(towns), "name": [f"{t}镇" for t in towns], "county": "K",
                       "lat": [37.0 + k / 10 for k in range(len(towns))], "lon": 117.0, "villages": 0,
                       "zone": [(zones or {}).get(t, "Z") for t in towns]})
    inv = pd.DataFrame({"investigator_id": ["I1"], "township_id": [towns[0]]})
    cs = pd.DataFrame({"case_id": ["X1"], "township_id": [towns[0]]})
    adj = pd.DataFrame(adjacency, columns=["a", "b"]) if adjacency else None
    return tables_from_frames(tw, inv, cs, villages=pd.DataFrame(villages), village_adjacency=adj)


def village(vid, households, liaison=False, town="T1", lat=37.0, lon=117.0):
    return dict(village_id=vid, township_id=town, name=f"{vid}村", lat=lat, lon=lon, households=households,
                liaison="是" if liaison else "")


PATH = [village(v, h, v in "be", lon=117.0 + k / 100) for k, (v, h) in enumerate(zip("abcdef", (300, 100, 100, 100,
                                                                                                 100, 300)))]
PATH_EDGES = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")]


def parts(res):
    return sorted(tuple(sorted(g["village_id"])) for _, g in res.areas.groupby("area"))


def test_hand_worked_path():
    t = make(PATH, adjacency=PATH_EDGES)
    res = supervision_areas(t, options=AreaOptions(areas=3))
    assert res.status == "OPTIMAL" and res.weight == "households"
    row = res.per_zone.iloc[0]
    assert (row["no_liaison"], row["largest"], row["smallest"], row["cut"]) == (1, 400, 300, 2)
    assert (row["largest_bound"], row["smallest_bound"]) == (400, 300) and row["gap"] == 0
    assert parts(res) in ([("a",), ("b", "c", "d"), ("e", "f")], [("a", "b"), ("c", "d", "e"), ("f",)])
    assert res.areas["area"].str.startswith("Z-P").all()
    zones = pd.DataFrame({"township_id": ["T1"], "zone": ["Z"]})
    assert check_areas(t, zones, res.areas, AreaOptions(areas=3)).ok
    assert area_objective(t, zones, res.areas) == {"Z": {"no_liaison": 1, "largest": 400, "smallest": 300, "cut": 2}}


def test_the_number_of_areas_follows_the_villages():
    from zoneplan.areas import areas_for

    assert [areas_for(n, AreaOptions()) for n in (2, 20, 34, 44, 90)] == [2, 3, 3, 4, 5]
    assert areas_for(40, AreaOptions(areas=3)) == 3 and areas_for(12, AreaOptions(min_areas=4)) == 4


def test_villages_that_fall_apart_are_explained():
    """Given adjacency joins only a-b and e-f: c and d stand alone, four groups for three areas."""
    t = make(PATH, adjacency=[("a", "b"), ("e", "f")])
    res = supervision_areas(t, options=AreaOptions(areas=3))
    assert res.status == "INFEASIBLE" and (res.areas["area"] == "").all()
    assert "4 groups" in res.explanations[0] and "3 areas" in res.explanations[0]


def test_checker_flags_each_broken_rule():
    t = make(PATH, adjacency=PATH_EDGES)
    zones = pd.DataFrame({"township_id": ["T1"], "zone": ["Z"]})
    opt = AreaOptions(areas=3)
    good = pd.DataFrame({"village_id": list("abcdef"), "area": ["P1", "P2", "P2", "P2", "P3", "P3"]})
    assert check_areas(t, zones, good, opt).ok
    apart = good.assign(area=["P1", "P2", "P3", "P2", "P3", "P3"])  # b and d not joined without c
    assert "area.connected" in check_areas(t, zones, apart, opt).counts()
    two = good.assign(area=["P1", "P1", "P1", "P2", "P2", "P2"])
    assert "area.count" in check_areas(t, zones, two, opt).counts()
    hole = good.assign(area=["P1", "P2", "P2", "P2", "P3", ""])
    assert "area.cover" in check_areas(t, zones, hole, opt).counts()
    assert "area.cover" in check_areas(t, zones, pd.concat([good, good.head(1)]), opt).counts()


def test_areas_never_cross_zones():
    """Two townships in two zones, three villages each: each zone gets its own areas (here 3 of one village)."""
    vs = [village(f"{t}v{k}", 100 + k, town=t, lat=37.0 + j / 10, lon=117.0 + k / 100)
          for j, t in enumerate(("T1", "T2")) for k in range(3)]
    t = make(vs, zones={"T1": "Z1", "T2": "Z2"}, towns=("T1", "T2"))
    res = supervision_areas(t)
    assert res.status == "OPTIMAL"
    assert set(res.per_zone["zone"]) == {"Z1", "Z2"} and list(res.per_zone["areas"]) == [3, 3]
    assert (res.areas["area"].str.split("-").str[0] == res.areas["zone"]).all()
    assert any("only 3 villages" in e for e in res.explanations) is False  # 3 = min_areas: no note


def brute(weight, liaison, edges, k):
    """Lexicographic optimum (no_liaison or None, largest, -smallest, cut) over all connected k-partitions."""
    n = len(weight)
    nb = [set() for _ in range(n)]
    for i, j in edges:
        nb[i].add(j)
        nb[j].add(i)
    best = None
    for lab in itertools.product(range(k), repeat=n):
        if lab[0] != 0 or len(set(lab)) != k:
            continue
        ok = True
        for a in range(k):
            mem = [v for v in range(n) if lab[v] == a]
            seen, todo = {mem[0]}, [mem[0]]
            while todo:
                u = todo.pop()
                for w in nb[u]:
                    if lab[w] == a and w not in seen:
                        seen.add(w)
                        todo.append(w)
            ok &= len(seen) == len(mem)
        if not ok:
            continue
        sizes = [sum(weight[v] for v in range(n) if lab[v] == a) for a in range(k)]
        has = [any(liaison[v] for v in range(n) if lab[v] == a) for a in range(k)]
        key = (sum(not h for h in has) if any(liaison) else 0, max(sizes), -min(sizes),
               sum(lab[i] != lab[j] for i, j in edges))
        best = key if best is None else min(best, key)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_small_zones_equal_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(4, 9))
    k = int(rng.integers(2, 4))
    lat = 37 + rng.random(n) * 0.05
    lon = 117 + rng.random(n) * 0.05
    hh = rng.integers(50, 600, n).tolist()
    li = (rng.random(n) < 0.35).tolist()
    ids = [f"v{i}" for i in range(n)]
    vs = [village(ids[i], hh[i], li[i], lat=lat[i], lon=lon[i]) for i in range(n)]
    t = make(vs)
    res = supervision_areas(t, options=AreaOptions(areas=k, min_areas=1))
    assert res.status == "OPTIMAL"
    edges = gabriel_adjacency(lat, lon, ["Z"] * n)
    want = brute(hh, li, edges, k)
    row = res.per_zone.iloc[0]
    got = (0 if pd.isna(row["no_liaison"]) else int(row["no_liaison"]), int(row["largest"]), -int(row["smallest"]),
           int(row["cut"]))
    assert got == want
    assert (int(row["largest_bound"]), int(row["smallest_bound"]), int(row["cut_bound"])) == \
        (want[1], -want[2], want[3])


def test_areas_cli_on_the_example_county(tmp_path):
    """554 villages in 6 zones of 43-111 villages: local-search areas with the gap reported (exit 3)."""
    from typer.testing import CliRunner

    from conftest import EXAMPLES
    from zoneplan.cli import app

    res = CliRunner().invoke(app, ["areas", str(EXAMPLES / "county"), "--out", str(tmp_path / "A"), "--lang", "zh"])
    assert res.exit_code == 3, res.output
    assert "按户数均衡" in res.output and "在时限内未证明最优" in res.output  # the status in words
    a = pd.read_csv(tmp_path / "A" / "areas.csv", dtype={"area": str})
    assert len(a) == 554 and (a["area"].notna()).all()
    per = a.groupby("zone")["area"].nunique()
    assert per.between(3, 5).all()
    rep = __import__("json").loads((tmp_path / "A" / "report.json").read_text(encoding="utf-8"))
    assert all(z["gap"] < 0.05 for z in rep["zones"])  # within 5 % of the bound on the largest area
    assert (tmp_path / "A" / "areas.png").stat().st_size > 50_000
