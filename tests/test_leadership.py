"""1+1+N leadership: a hand-worked county, brute force on small instances, the checker.

Hand-worked county K: townships T1..T7 (villages 10, 20, 5, 5, 30, 10, 10) in zones
A = {T1, T2}, B = {T3, T4, T5}, C = {T6, T7}.  Leaders L1 (home T1), L2 (home T6).
Offices O1 (members from T3 and T6), O2 (from T1).

* Leaders: L1 may not take A, L2 may not take C (conflicts avoidable).  Two leaders, three
  zones: one takes two.  A must go to L2 and C to L1; B (3 townships, 40 villages) goes to the
  one whose load stays smaller: L1 gets C (2 townships, 20 villages) + B = 5, 60; L2 gets A
  + B = 5, 70.  So B -> L1: max_zones 2, max_townships 5, max_villages 60.
* Offices: O1 conflicts with B and C, O2 with A.  A -> O1, B and C -> O2 (no conflict):
  O2 has 2 zones, 5 townships, 60 villages.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from zoneplan import CheckReport, assign_leadership, check_leadership, tables_from_frames
from zoneplan.leadership import leadership_objective

VILLAGES = [10, 20, 5, 5, 30, 10, 10]
ZONES = {"A": ["T1", "T2"], "B": ["T3", "T4", "T5"], "C": ["T6", "T7"]}


def make(villages, counties, zones, leaders=(), offices=()):
    ids = [f"T{k + 1}" for k in range(len(villages))]
    zone_of = {t: z for z, ts in zones.items() for t in ts}
    tw = pd.DataFrame({"township_id": ids, "name": [f"{t}镇" for t in ids], "county": counties,
                       "lat": [37 + k / 20 for k in range(len(ids))], "lon": [117.0] * len(ids),
                       "villages": villages, "zone": [zone_of.get(t, "") for t in ids]})
    inv = pd.DataFrame({"investigator_id": ["I1"], "township_id": ["T1"]})
    cs = pd.DataFrame({"case_id": ["X1"], "township_id": ["T1"]})
    lead = pd.DataFrame(list(leaders), columns=["leader_id", "name", "county", "home_township"]) if leaders else None
    off = pd.DataFrame(list(offices), columns=["office_id", "name", "county", "home_townships"]) if offices else None
    return tables_from_frames(tw, inv, cs, leaders=lead, offices=off)


def hand():
    return make(VILLAGES, ["K"] * 7, ZONES, leaders=[("L1", "甲", "K", "T1"), ("L2", "乙", "K", "T6")],
                offices=[("O1", "第一纪检监察室", "K", "T3;T6"), ("O2", "第二纪检监察室", "K", "T1")])


def test_hand_worked_county():
    t = hand()
    res = assign_leadership(t)
    assert res.status == "OPTIMAL"
    got = res.zones.set_index("zone")
    assert dict(got["leader"]) == {"A": "L2", "B": "L1", "C": "L1"}
    assert dict(got["office"]) == {"A": "O1", "B": "O2", "C": "O2"}
    assert got.at["A", "leader_name"] == "乙" and got.at["B", "office_name"] == "第二纪检监察室"
    assert res.objective == {"leader.conflicts": 0, "leader.max_zones": 2, "leader.max_townships": 5,
                             "leader.max_villages": 60, "office.conflicts": 0, "office.max_zones": 2,
                             "office.max_townships": 5, "office.max_villages": 60}
    zones = pd.DataFrame({"township_id": t.townships["township_id"], "zone": t.townships["zone"]})
    assert check_leadership(t, zones, res.zones).ok
    assert leadership_objective(t, zones, res.zones) == res.objective


def test_unavoidable_conflict_is_allowed_and_explained():
    """Only L1 (home T1) leads county K: zone A holds T1, so A's conflict cannot be avoided."""
    t = make(VILLAGES, ["K"] * 7, ZONES, leaders=[("L1", "甲", "K", "T1")])
    res = assign_leadership(t)
    assert res.objective["leader.conflicts"] == 1 and "office.conflicts" not in res.objective
    assert res.zones.set_index("zone").at["A", "leader_conflict"]
    assert any("zone A" in e and "unavoidable" in e for e in res.explanations)
    assert res.zones["office"].tolist() == ["", "", ""]


def test_checker_flags_each_broken_rule():
    t = hand()
    zones = pd.DataFrame({"township_id": t.townships["township_id"], "zone": t.townships["zone"]})
    good = assign_leadership(t).zones

    def broken(zone, col, value):
        bad = good.copy()
        bad.loc[bad["zone"] == zone, col] = value
        return check_leadership(t, zones, bad)

    assert "leader.home" in broken("A", "leader", "L1").counts()   # avoidable: L2 is free
    assert "office.home" in broken("C", "office", "O1").counts()
    assert "leader.unknown" in broken("A", "leader", "L9").counts()
    assert "office.unknown" in broken("A", "office", "").counts()
    report = check_leadership(t, zones, good[good["zone"] != "B"])
    assert isinstance(report, CheckReport) and not report.ok
    assert report.messages() == ["zone: zone B has no row in the leadership table"]
    assert report.to_frame().to_dict("records") == [
        {"rule": "zone", "case_id": "", "investigator_id": "", "detail": "zone B has no row in the leadership table"}]


def test_county_of_the_leader_must_be_the_zones():
    t = make(VILLAGES, ["K"] * 4 + ["M"] * 3, {"A": ["T1", "T2"], "B": ["T3", "T4"], "C": ["T5", "T6", "T7"]},
             leaders=[("L1", "甲", "K", ""), ("L2", "乙", "M", "")])
    res = assign_leadership(t)
    assert dict(zip(res.zones["zone"], res.zones["leader"])) == {"A": "L1", "B": "L1", "C": "L2"}
    zones = pd.DataFrame({"township_id": t.townships["township_id"], "zone": t.townships["zone"]})
    bad = res.zones.copy()
    bad.loc[bad["zone"] == "C", "leader"] = "L1"
    assert "leader.county" in check_leadership(t, zones, bad).counts()


def brute(t, zones, kind):
    """Lexicographic optimum (conflicts summed; per-county loads, largest over counties) by enumeration."""
    agents = t.leaders if kind == "leader" else t.offices
    homes = [({h} if h else set()) if kind == "leader" else set(h)
             for h in (agents["home_township"] if kind == "leader" else agents["home_townships"])]
    county_of = dict(zip(t.townships["township_id"], t.townships["county"]))
    vill = dict(zip(t.townships["township_id"], t.townships["villages"]))
    total = [0, 0, 0, 0]
    for county in sorted(set(county_of.values())):
        zs = [m for m in zones.values() if county_of[m[0]] == county]
        ag = [k for k, c in enumerate(agents["county"]) if c == county]
        if not zs or not ag:
            continue
        best = None
        for choice in itertools.product(ag, repeat=len(zs)):
            conf = sum(bool(homes[a] & set(m)) for a, m in zip(choice, zs))
            load = {a: [0, 0, 0] for a in ag}
            for a, m in zip(choice, zs):
                load[a][0] += 1
                load[a][1] += len(m)
                load[a][2] += sum(vill[x] for x in m)
            key = (conf, *(max(v[k] for v in load.values()) for k in range(3)))
            best = key if best is None else min(best, key)
        total = [total[0] + best[0]] + [max(total[k], best[k]) for k in (1, 2, 3)]
    return total


@pytest.mark.parametrize("seed", range(25))
def test_small_instances_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    two = n >= 6 and rng.random() < 0.5
    counties = ["K" if (not two or k < n // 2) else "M" for k in range(n)]
    villages = rng.integers(1, 40, n).tolist()
    zones = {}
    ids = [f"T{k + 1}" for k in range(n)]
    for c in sorted(set(counties)):
        members = [t for t, cc in zip(ids, counties) if cc == c]
        k = 0
        while k < len(members):
            size = int(rng.integers(1, 4))
            zones[f"{c}{len(zones)}"] = members[k:k + size]
            k += size
    leaders = [(f"L{j}", f"领导{j}", c, str(rng.choice(ids + [""])))
               for c in sorted(set(counties)) for j in range(int(rng.integers(1, 4)))]
    leaders = [(f"L{j}", n_, c, h) for j, (_, n_, c, h) in enumerate(leaders)]
    offices = [(f"O{j}", f"第{j}室", c, ";".join(rng.choice(ids, int(rng.integers(0, 3)), replace=False)))
               for j, c in enumerate(sorted(set(counties)) * 2)]
    t = make(villages, counties, zones, leaders=leaders, offices=offices)
    res = assign_leadership(t)
    assert res.status == "OPTIMAL"
    zdf = pd.DataFrame({"township_id": t.townships["township_id"], "zone": t.townships["zone"]})
    assert check_leadership(t, zdf, res.zones).ok
    obj = leadership_objective(t, zdf, res.zones)
    for kind in ("leader", "office"):
        want = brute(t, zones, kind)
        got = [res.objective[f"{kind}.{k}"] for k in ("conflicts", "max_zones", "max_townships", "max_villages")]
        assert got == want, (kind, got, want)
        assert [obj[f"{kind}.{k}"] for k in ("conflicts", "max_zones", "max_townships", "max_villages")] == want


def test_lead_cli_and_zone_write_the_leader_and_office_columns(tmp_path):
    """The example county has 4 leaders and 4 offices; its 6 current zones get them, balanced
    (at most 2 zones each), none from its own zone; zones.csv reads back as a zoning."""
    from typer.testing import CliRunner

    from conftest import EXAMPLES
    from zoneplan import load
    from zoneplan.cli import app
    from zoneplan.io.side import read_zoning

    run = CliRunner().invoke
    county = EXAMPLES / "county"
    res = run(app, ["lead", str(county), "--out", str(tmp_path / "L"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "牵头领导" in res.output and "牵头领导：来自本协作区的牵头领导或科室 0" in res.output
    z = pd.read_csv(tmp_path / "L" / "zones.csv", dtype=str, keep_default_na=False)
    assert list(z.columns)[-4:] == ["leader", "leader_name", "office", "office_name"]
    assert (z["leader"] != "").all() and (z.groupby("zone")["leader"].nunique() == 1).all()
    per_leader = z.drop_duplicates("zone")["leader"].value_counts()
    assert per_leader.max() == 2
    t = load(county)
    home = dict(zip(t.leaders["leader_id"], t.leaders["home_township"]))
    assert not any(home[r.leader] == r.township_id for r in z.itertuples())
    assert (tmp_path / "L" / "map.png").stat().st_size > 10_000
    assert len(read_zoning(tmp_path / "L", t)) == 16  # the extra columns are known, not refused
    proposed = run(app, ["zone", str(county), "--out", str(tmp_path / "Z")])
    assert proposed.exit_code == 0
    zz = pd.read_csv(tmp_path / "Z" / "zones.csv", dtype=str, keep_default_na=False)
    assert (zz["office_name"] != "").all()
