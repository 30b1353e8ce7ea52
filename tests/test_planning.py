"""Zoning from the loaded tables: CLI zone / compare, what-if files, staffing effect."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app
from zoneplan.compare import apply_zoning, compare_zonings
from zoneplan.io.side import read_whatifs
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
    assert list(zones.columns) == ["township_id", "zone", "hub"]
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
    assert res.exit_code == 2 and "w.csv, line 2, column kind" in res.output


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


def test_compare_cli(tmp_path):
    z = tmp_path / "z"
    assert runner.invoke(app, ["zone", COUNTY, "--out", str(z)]).exit_code == 0
    res = runner.invoke(app, ["compare", COUNTY, str(z), "--out", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert "cases_staffed" in res.output and "current" in res.output
    c = pd.read_csv(tmp_path / "c" / "compare.csv")
    assert list(c["zoning"]) == ["current", "z"]


def test_apply_zoning_does_not_change_input():
    t = zoneplan.load(COUNTY)
    before = t.townships.copy()
    t2 = apply_zoning(t, pd.DataFrame({"township_id": ["T01"], "zone": ["X"]}))
    pd.testing.assert_frame_equal(t.townships, before)
    assert (t2.townships["zone"] == "X").sum() == 1
