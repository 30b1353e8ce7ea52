"""Zoning from the loaded tables: CLI zone / compare, what-if files, staffing effect."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app
from zoneplan import RuleOptions
from zoneplan.cli.compare_view import verdict_text
from zoneplan.compare import ZONE_COLUMNS, apply_zoning, compare_zonings, verdict
from zoneplan.errors import InputError
from zoneplan.io.side import LEADERSHIP_ZONE_COLUMNS, ZONING_COLUMNS, read_whatifs, read_zoning
from zoneplan.zoning.adapter import current_zoning, zoning_input
from zoneplan.zoning import check_zoning

from conftest import EXAMPLES

runner = CliRunner()
COUNTY = str(EXAMPLES / "county")


def test_zone_cli_writes_a_valid_zoning_and_map(tmp_path):
    out = tmp_path / "z"
    res = runner.invoke(app, ["zone", COUNTY, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.iterdir()} == {"zones.csv", "report.json", "map.png"}
    zones = pd.read_csv(out / "zones.csv", dtype=str, keep_default_na=False)
    # the example county holds leaders.csv and offices.csv: each zone also gets its 1+1+N leader and office
    assert list(zones.columns) == list(ZONING_COLUMNS) + list(LEADERSHIP_ZONE_COLUMNS)
    t = zoneplan.load(COUNTY)
    inp = zoning_input(t)
    assert check_zoning(inp, zones[["township_id", "zone"]]) == []
    sizes = zones.groupby("zone").size()
    assert sizes.between(2, 3).all()
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_zone_cli_what_ifs_from_flags_and_file(tmp_path):
    t = zoneplan.load(COUNTY)
    wf = tmp_path / "whatif.csv"
    wf.write_text("kind,a,b\napart,T01,T03\nexclude,T16,\n", encoding="utf-8")
    out = tmp_path / "z"
    res = runner.invoke(app, ["zone", COUNTY, "--out", str(out), "--together", "T01,T02", "--whatif", str(wf)])
    assert res.exit_code == 0, res.output
    z = dict(pd.read_csv(out / "zones.csv", dtype=str, keep_default_na=False)[["township_id", "zone"]].values)
    assert z["T01"] == z["T02"] and z["T01"] != z["T03"] and z["T16"] == ""
    assert len(t.townships) == len(z)


def test_zone_cli_infeasible_is_explained(tmp_path):
    """Zones of exactly 17 townships cannot be made from 16: exit 3, explanation, no zones.csv."""
    out = tmp_path / "z"
    res = runner.invoke(app, ["zone", COUNTY, "--out", str(out), "--min-size", "17", "--max-size", "17"])
    assert res.exit_code == 3
    assert not (out / "zones.csv").exists() and (out / "report.json").exists()


def test_bad_whatif_file_is_located(tmp_path):
    wf = tmp_path / "w.csv"
    wf.write_text("kind,a,b\nnear,T01,T02\n", encoding="utf-8")
    res = runner.invoke(app, ["zone", COUNTY, "--out", str(tmp_path / "z"), "--whatif", str(wf)])
    assert res.exit_code == 2 and 'w.csv, line 2, column A "kind"' in res.output


def test_read_whatifs(tmp_path):
    wf = tmp_path / "w.csv"
    wf.write_text("kind,a,b\ntogether,A,B\napart,A,C\nkeep,all,\nexclude,D,\n", encoding="utf-8")
    assert read_whatifs(wf) == {"together": [("A", "B")], "apart": [("A", "C")], "keep": True, "exclude": ["D"]}


def test_compare_shows_staffing_effect(tmp_path):
    """One big zone of all 16 townships pools everyone: never fewer cases staffed than the
    current six zones, and the table carries the staffing columns."""
    t = zoneplan.load(COUNTY)
    one = pd.DataFrame({"township_id": t.townships["township_id"], "zone": "ALL"})
    table = compare_zonings(t, {"current": current_zoning(t), "one": one})
    rows = table.set_index("zoning")
    assert rows.loc["current", "zones"] == 6 and rows.loc["one", "zones"] == 1
    assert rows.loc["one", "priority_staffed"] >= rows.loc["current", "priority_staffed"]
    for col in ("cases_staffed", "team_travel_mean", "team_travel_max", "max_workload", "blocked_by_conflicts"):
        assert col in table.columns


#: compare.csv is for machines: its columns stay as they are, whatever the language.
COMPARE_COLUMNS = (
    "zoning,zones,zoned,unzoned,size_histogram,max_pair_minutes_max,max_pair_minutes_mean,hub_minutes_total,"
    "hub_minutes_max,disconnected_zones,cross_county_zones,villages_min,villages_max,villages_cv,cases_min,cases_max,"
    "cases_cv,staff_min,staff_max,staff_cv,leads_min,leads_max,leads_cv,pool_min,pool_mean,staff_status,cases_staffed,"
    "cases_total,"
    "priority_staffed,team_travel_mean,team_travel_max,max_workload,blocked_by_conflicts,lost_to_capacity")


def test_compare_cli(tmp_path):
    z = tmp_path / "z"
    assert runner.invoke(app, ["zone", COUNTY, "--out", str(z)]).exit_code == 0
    res = runner.invoke(app, ["compare", COUNTY, str(z), "--out", str(tmp_path / "c"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c" / "compare.csv").read_text(encoding="utf-8").splitlines()[0] == COMPARE_COLUMNS
    c = pd.read_csv(tmp_path / "c" / "compare.csv")
    assert list(c["zoning"]) == ["current", "z"]
    per_zone = pd.read_csv(tmp_path / "c" / "compare_zones.csv", dtype={"zone": str})
    assert list(per_zone.columns) == ZONE_COLUMNS
    assert per_zone.groupby("zoning").size().to_dict() == {"current": 6, "z": 6}  # pool term: four triples, two pairs
    assert (per_zone.groupby("zoning")["cases"].sum() == 20).all()
    # the planner's table: zones by name, members by name, hub by name, units, the verdict
    out = res.output
    row = next(line for line in out.splitlines() if line.startswith("城区协作区"))
    assert row.split()[:3] == ["城区协作区", "城关街道、东城街道", "城关街道"]
    assert "区内两乡镇间最长车程（分钟）" in out and "已组队线索（共 20 件）" in out
    assert "更优：" in out and "z（" in out and "村数均衡" in out.split("更优：")[1]
    assert "持平：组队线索数" in out


def test_compare_verdict_names_the_better_zoning_per_measure():
    """Village CV 0.27 (current) vs 0.15 (z): z is better; staffed 20 = 20: the same; workload
    2.5 vs 3.0: current is better."""
    s = pd.DataFrame({"zoning": ["current", "z"], "villages_cv": [0.27, 0.15], "cases_staffed": [20, 20],
                      "max_workload": [2.5, 3.0], "zones": [6, 7]})
    assert verdict(s) == [("cases_staffed", []), ("max_workload", ["current"]), ("villages_cv", ["z"])]
    lines = verdict_text(s, "en")
    assert lines == ["Better: current on largest workload; z on village balance.", "The same on cases staffed."]


def test_compare_passes_the_rule_flags_to_staffing(tmp_path):
    """compare --max-hops 3 --allow-own-township staffs exactly as staff() with those rules."""
    t = zoneplan.load(COUNTY)
    rules = RuleOptions(max_hops=3, allow_own_township=True)
    direct = zoneplan.staff(t, rules)
    default = zoneplan.staff(t)
    assert direct.objective != default.objective  # the flags matter on this data
    res = runner.invoke(app, ["compare", COUNTY, "--out", str(tmp_path / "c"), "--max-hops", "3",
                              "--allow-own-township", "--no-staffing"])
    assert res.exit_code == 0 and "cases_staffed" not in pd.read_csv(tmp_path / "c" / "compare.csv").columns
    res = runner.invoke(app, ["compare", COUNTY, "--out", str(tmp_path / "c"), "--max-hops", "3",
                              "--allow-own-township"])
    assert res.exit_code == 0, res.output
    row = pd.read_csv(tmp_path / "c" / "compare.csv").iloc[0]
    assert row["priority_staffed"] == direct.objective["staffed"]
    assert row["max_workload"] == direct.objective["max_workload"]
    team = direct.assignments.groupby("case_id")["travel_minutes"].sum()
    assert row["team_travel_mean"] == round(float(team.mean()), 1)


def test_apply_zoning_does_not_change_input():
    t = zoneplan.load(COUNTY)
    before = t.townships.copy()
    t2 = apply_zoning(t, pd.DataFrame({"township_id": ["T01"], "zone": ["X"]}))
    pd.testing.assert_frame_equal(t.townships, before)
    assert (t2.townships["zone"] == "X").sum() == 1


# --- zoning from a township map alone ------------------------------------------------------

def _map_only(tmp_path):
    """townships.csv (no zone column) + adjacency.csv of the example county, nothing else."""
    d = tmp_path / "map"
    d.mkdir()
    tw = pd.read_csv(EXAMPLES / "county" / "townships.csv", dtype=str, keep_default_na=False)
    tw.drop(columns=["zone"]).to_csv(d / "townships.csv", index=False)
    (d / "adjacency.csv").write_bytes((EXAMPLES / "county" / "adjacency.csv").read_bytes())
    return d


def test_zone_on_a_township_map_alone(tmp_path):
    """No roster, no cases: zoned on compactness and villages, exactly as the full data with
    --no-roster; zones.csv leaves the staff columns blank."""
    d = _map_only(tmp_path)
    t = zoneplan.load(d, require=("townships",))
    inp = zoning_input(t)
    assert inp.staff is None and inp.leads is None and inp.cases is None
    res = runner.invoke(app, ["zone", str(d), "--out", str(tmp_path / "z")])
    assert res.exit_code == 0, res.output
    full = runner.invoke(app, ["zone", COUNTY, "--out", str(tmp_path / "zf"), "--no-roster"])
    assert full.exit_code == 0
    a = pd.read_csv(tmp_path / "z" / "zones.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "zf" / "zones.csv", dtype=str, keep_default_na=False)
    assert check_zoning(inp, a[["township_id", "zone"]]) == []
    assert (a["staff"] == "").all() and (a["zone_staff"] == "").all()
    # the full folder also holds leaders.csv and offices.csv: its zones.csv adds the 1+1+N columns
    pd.testing.assert_frame_equal(a.drop(columns=["staff", "zone_staff"]),
                                  b.drop(columns=["staff", "zone_staff", *LEADERSHIP_ZONE_COLUMNS]))
    rep = json.loads((tmp_path / "z" / "report.json").read_text())
    assert rep["objective"] == json.loads((tmp_path / "zf" / "report.json").read_text())["objective"]
    # compare works on the map alone too (zone measures; no cases, so no staffing columns)
    c = runner.invoke(app, ["compare", str(d), str(tmp_path / "z"), "--lang", "en"])
    assert c.exit_code == 0, c.output
    assert "cases staffed" not in c.output and "townships in no zone" in c.output


def test_zoning_input_with_roster_counts_staff_and_cases():
    t = zoneplan.load(COUNTY)
    inp = zoning_input(t)
    assert inp.staff.sum() == 48 and inp.cases.sum() == 20  # township-level staff only
    assert zoning_input(t, with_roster=False).staff is None


# --- zones.csv for people, read back as a zoning -------------------------------------------

def test_zones_csv_carries_names_size_villages_staff_and_hub_name(tmp_path):
    out = tmp_path / "z"
    assert runner.invoke(app, ["zone", COUNTY, "--out", str(out)]).exit_code == 0
    z = pd.read_csv(out / "zones.csv", dtype={"zone": str}, keep_default_na=False)
    t = zoneplan.load(COUNTY)
    tw = t.townships.set_index("township_id")
    staff = t.investigators[t.investigators["level"] == "township"].groupby("township_id").size()
    assert (z["name"] == tw.loc[z["township_id"], "name"].to_numpy()).all()
    assert (z["hub_name"] == tw.loc[z["hub"], "name"].to_numpy()).all()
    assert (z["staff"] == staff.loc[z["township_id"]].to_numpy()).all()
    for _, g in z.groupby("zone"):
        assert (g["zone_size"] == len(g)).all()
        assert (g["zone_villages"] == g["villages"].sum()).all() and (g["zone_staff"] == g["staff"].sum()).all()
    hubs = {r["township_id"]: r["hub"] for r in json.loads((out / "report.json").read_text())["zones"]}
    assert dict(zip(z["township_id"], z["hub"])) == hubs  # the solver's hub, by the same rule
    back = read_zoning(out, t)
    assert dict(zip(back["township_id"], back["zone"])) == dict(zip(z["township_id"], z["zone"]))


def test_read_zoning_refuses_a_zone_across_counties(tmp_path):
    t = zoneplan.load(COUNTY)
    tw = t.townships.copy()
    tw.loc[tw["township_id"] == "T16", "county"] = "邻县"
    t2 = dataclasses.replace(t, townships=tw)
    f = tmp_path / "zones.csv"
    f.write_text("township_id,zone\nT08,东南\nT16,东南\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_zoning(f, t2)
    assert 'zones.csv, line 3, column B "zone"' in str(info.value) and "恒平县 (line 2)" in str(info.value)


# --- staffing under a proposed zoning ------------------------------------------------------

def test_staff_with_zones_equals_staffing_on_a_hand_edited_zone_column(tmp_path):
    """`staff --zones Z` and `staff` on a copy whose townships.csv zone column was rewritten
    from Z by hand give byte-identical plans, different from the plan under the current zones."""
    z = tmp_path / "Z"
    assert runner.invoke(app, ["zone", COUNTY, "--out", str(z)]).exit_code == 0
    edited = tmp_path / "edited"
    shutil.copytree(EXAMPLES / "county", edited)
    tw = pd.read_csv(edited / "townships.csv", dtype=str, keep_default_na=False)
    zones = pd.read_csv(z / "zones.csv", dtype=str, keep_default_na=False)
    tw["zone"] = tw["township_id"].map(dict(zip(zones["township_id"], zones["zone"])))
    tw.to_csv(edited / "townships.csv", index=False)
    for args in (["--zones", str(z)], ["--zones", str(z / "zones.csv")]):
        assert runner.invoke(app, ["staff", COUNTY, "--out", str(tmp_path / "pz"), *args]).exit_code == 0
        assert runner.invoke(app, ["staff", str(edited), "--out", str(tmp_path / "pe")]).exit_code == 0
        for name in ("assignments.csv", "unstaffed.csv", "workload.csv"):
            assert (tmp_path / "pz" / name).read_bytes() == (tmp_path / "pe" / name).read_bytes(), name
    assert runner.invoke(app, ["staff", COUNTY, "--out", str(tmp_path / "pc")]).exit_code == 0
    assert (tmp_path / "pc" / "assignments.csv").read_bytes() != (tmp_path / "pz" / "assignments.csv").read_bytes()
    rep = json.loads((tmp_path / "pz" / "report.json").read_text())
    assert rep["inputs"]["zones"]["file"].endswith("zones.csv") and rep["inputs"]["zones"]["sha256"]
    # the check follows the same zoning; without it the plan breaks the pool rule of the current zones
    assert runner.invoke(app, ["check", COUNTY, str(tmp_path / "pz"), "--zones", str(z)]).exit_code == 0
    assert runner.invoke(app, ["check", COUNTY, str(tmp_path / "pz")]).exit_code == 1
    assert runner.invoke(app, ["staff", COUNTY, "--out", str(tmp_path / "x"), "--zones", str(z),
                               "--no-zones"]).exit_code == 2
    # and compare staffs each zoning the same way
    comp = compare_zonings(zoneplan.load(COUNTY), {"z": read_zoning(z, zoneplan.load(COUNTY))})
    assert comp.loc[0, "max_workload"] == rep["objective"]["max_workload"]
    assert comp.loc[0, "priority_staffed"] == rep["objective"]["staffed"]


# --- zone ids keep the planner's names ---------------------------------------------------

def _path4(current):
    """a-b-c-d on a line, 10 minutes apart: the only zoning of 2..3 is {a,b} + {c,d}."""
    from zoneplan.zoning import ZoningInput

    return ZoningInput.from_coordinates(list("abcd"), None, ["K"] * 4, [37.0] * 4, [117.0, 117.1, 117.2, 117.3],
                                        edges=[(0, 1), (1, 2), (2, 3)], current_zone=current)


def test_generated_zone_names_never_reuse_a_planner_zone_name():
    """The planner's zone 第一协作区 is {b,c}; the new zones {a,b} and {c,d} (townships without
    names: ordinals, west to east) must not be called 第一协作区 (that name means another zone),
    so they are 第二协作区 and 第三协作区."""
    from zoneplan.zoning import solve_zoning

    res = solve_zoning(_path4(["", "第一协作区", "第一协作区", ""]))
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z == {"a": "第二协作区", "b": "第二协作区", "c": "第三协作区", "d": "第三协作区"}


def test_new_zones_are_named_after_their_hub_and_the_county_where_that_is_taken():
    """Hubs 鹤溪街道 and 东坑镇: 鹤溪片区 and 东坑片区; when the planner already calls another zone
    鹤溪片区, the new one is 景宁鹤溪片区 (the county's name before it)."""
    from zoneplan.zoning import ZoningInput, solve_zoning
    from zoneplan.zoning.naming import core_name, hub_zone_name

    assert [core_name(n) for n in ("鹤溪街道", "大均乡", "石乡", "景宁畲族自治县", "Baishui Town")] == \
        ["鹤溪", "大均", "石乡", "景宁", "Baishui"]
    assert hub_zone_name("肖营镇") == "肖营片区"

    def inp(current):
        return ZoningInput.from_coordinates(list("abcd"), ["鹤溪街道", "红星街道", "东坑镇", "大均乡"],
                                            ["景宁畲族自治县"] * 4, [37.0] * 4, [117.0, 117.1, 117.2, 117.3],
                                            edges=[(0, 1), (1, 2), (2, 3)], current_zone=current)

    res = solve_zoning(inp(None))  # {a,b} hub a, {c,d} hub c (ties: the smaller id)
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z == {"a": "鹤溪片区", "b": "鹤溪片区", "c": "东坑片区", "d": "东坑片区"}
    # the planner calls {c,d} 鹤溪片区: that zone keeps the planner's name, the other gets the county's before it
    res = solve_zoning(inp(["", "", "鹤溪片区", "鹤溪片区"]))
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z == {"a": "景宁鹤溪片区", "b": "景宁鹤溪片区", "c": "鹤溪片区", "d": "鹤溪片区"}


def test_a_zone_the_planner_already_has_keeps_its_name():
    """Current zones 北片 = {a,b}, 南片 = {c}, 东片 = {d}: the new {a,b} is exactly 北片 and keeps
    that name; {c,d} is new and, its townships having no names, is 第一协作区."""
    from zoneplan.zoning import solve_zoning

    res = solve_zoning(_path4(["北片", "北片", "南片", "东片"]))
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z == {"a": "北片", "b": "北片", "c": "第一协作区", "d": "第一协作区"}
