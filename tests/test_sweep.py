"""Scenario sweeps on Dask: the same figures as zone + staff --zones one by one, reproducible
drop-outs, no scenario lost with a worker, the same tables on any number of workers, and
staff --scheduler with the plan's objective of a local run."""

from __future__ import annotations

import json
import os
import signal

import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app
from zoneplan.sweep.cluster import dask_client, run_serial, run_sweep, staff_on_cluster
from zoneplan.sweep.run import Payload, draw_dropouts, draw_seed, replan_after_dropouts, run_scenario
from zoneplan.sweep.scenarios import Scenario, parse_sizes, parse_targets, scenarios_from_flags
from zoneplan.sweep.tables import non_dominated

from conftest import EXAMPLES

COUNTY = EXAMPLES / "county"
runner = CliRunner()


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def client():
    """A local cluster of two worker processes, shared by the tests of this file."""
    with dask_client(2) as c:
        yield c


@pytest.fixture(scope="module")
def county():
    return zoneplan.load(COUNTY)


def _same(a: dict, b: dict) -> bool:
    drop = lambda r: {k: v for k, v in r.items() if k not in ("wall_time", "cpu_time")}  # noqa: E731
    return drop(a) == drop(b)


def test_sweep_equals_zone_and_staff_one_by_one(client, tmp_path):
    """Each scenario's zoning is the one `zone` draws, its plan the one `staff --zones` makes, its
    measures those of `compare`; run through the CLI on the cluster at --scheduler."""
    addr = client.scheduler.address
    r = cli("sweep", COUNTY, "--out", tmp_path / "W", "--sizes", "2-3,3-4", "--targets", "free,5",
            "--scheduler", addr, "--lang", "en")
    assert r.exit_code == 3, r.output  # 16 townships make no 5 zones of 2..3: written, with that status
    table = pd.read_csv(tmp_path / "W" / "sweep.csv", dtype={"whatif": str}, keep_default_na=False)
    assert table["scenario"].tolist() == ["current", "2-3", "2-3 n=5", "3-4", "3-4 n=5"]
    assert table["zoning_status"].tolist() == ["CURRENT", "OPTIMAL", "INFEASIBLE", "OPTIMAL", "OPTIMAL"]
    doc = json.loads((tmp_path / "W" / "sweep.json").read_text(encoding="utf-8"))
    zones_of = {res["scenario"]: res["zones"] for res in doc["results"]}
    folders = {}
    for row in table.itertuples(index=False):
        if row.scenario == "current":
            continue
        z = tmp_path / f"Z{row.scenario.replace(' ', '_')}"
        args = ["zone", COUNTY, "--out", z, "--min-size", row.min_size, "--max-size", row.max_size]
        if row.target_zones != "":
            args += ["--target-zones", row.target_zones]
        if row.zoning_status == "INFEASIBLE":
            assert cli(*args).exit_code == 3 and row.cases_staffed == ""
            continue
        assert cli(*args).exit_code == 0
        zones = pd.read_csv(z / "zones.csv", dtype=str, keep_default_na=False)
        assert dict(zip(zones["township_id"], zones["zone"])) == zones_of[row.scenario]
        folders[row.scenario] = z
    # the measures of `compare` (its code path, without drawing its maps)
    from zoneplan.compare import compare_zonings
    from zoneplan.io.side import read_zoning
    from zoneplan.zoning.adapter import current_zoning

    tables = zoneplan.load(COUNTY)
    named = {"current": current_zoning(tables), **{s: read_zoning(z, tables) for s, z in folders.items()}}
    comp = compare_zonings(tables, named).set_index("zoning")
    for row in table[table["zoning_status"] != "INFEASIBLE"].itertuples(index=False):
        c = comp.loc[row.scenario]
        for col in ("zones", "hub_minutes_total", "villages_cv", "cases_cv", "staff_cv", "team_travel_mean",
                    "blocked_by_conflicts", "lost_to_capacity", "max_pair_minutes_max", "cases_staffed", "max_workload"):
            assert float(getattr(row, col)) == pytest.approx(float(c[col]), abs=0.005), col
        assert float(row.weighted_staffed) == float(c["priority_staffed"])
    for scenario in ("3-4 n=5",):  # the plan's travel level, as staff --zones reports it
        row = table.set_index("scenario").loc[scenario]
        p = tmp_path / "P"
        assert cli("staff", COUNTY, "--out", p, "--zones", folders[scenario]).exit_code == 0
        rep = json.loads((p / "report.json").read_text(encoding="utf-8"))
        assert [float(row.weighted_staffed), float(row.max_workload), float(row.travel)] == [
            rep["objective"]["staffed"], rep["objective"]["max_workload"], rep["objective"]["travel"]]
    best = pd.read_csv(tmp_path / "W" / "sweep_best.csv")
    assert best["county"].tolist() == ["恒平县"]
    # the best: most staffed, then smallest max workload, then least travel (all staff 33, load 2.95 here)
    zoned = table[table["zoning_status"] != "INFEASIBLE"]
    assert best["scenario"].iat[0] == zoned.sort_values("travel", kind="stable")["scenario"].iat[0]
    assert (tmp_path / "W" / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dropout_draw_is_reproducible_by_its_seed(county):
    payload = Payload(county, dropouts=2, draws=2, dropout_seed=7)
    sc = Scenario(name="2-3")
    res = run_scenario(payload, sc)
    again = run_scenario(payload, sc)
    assert _same(res, again)
    teams = {"恒平县": []}
    plan = zoneplan.staff(__import__("zoneplan.compare", fromlist=["x"]).apply_zoning(
        county, pd.DataFrame({"township_id": list(res["zones"]), "zone": list(res["zones"].values())})),
        options=zoneplan.SolveOptions(workers=1))
    teams["恒平县"] = sorted(set(plan.assignments["investigator_id"]))
    for d in res["draws"]:
        assert d["seed"] == draw_seed(7, d["draw"])
        dropped = draw_dropouts(teams, 2, d["seed"])
        assert dropped == d["dropped"] and len(dropped) == 2 and set(dropped) <= set(teams["恒平县"])
        zoned = __import__("zoneplan.compare", fromlist=["x"]).apply_zoning(
            county, pd.DataFrame({"township_id": list(res["zones"]), "zone": list(res["zones"].values())}))
        after = replan_after_dropouts(payload, zoned, plan, dropped)
        assert sorted(set(plan.assignments["case_id"]) - set(after.assignments["case_id"])) == d["lost"]
        # the re-plan keeps the plan: each dropped person's memberships removed, about as many added
        gone = int(plan.assignments["investigator_id"].isin(dropped).sum())
        assert after.change_summary["removed"] >= gone and d["changes"] == after.change_summary["changes"]
        # the fewest changes that keep every case staffed (proven), and few: a dropped lead may
        # pull a lead from another team (removed, added and a lead change on both teams)
        assert after.levels["changes"].proven
        assert d["changes"] <= 4 * gone + 2 * len(d["lost"]) + 2, d
    assert draw_dropouts(teams, 2, 1) != draw_dropouts(teams, 2, 2) or draw_dropouts(teams, 2, 3) != draw_dropouts(
        teams, 2, 1)
    assert res["row"]["lost_worst"] == max(len(d["lost"]) for d in res["draws"])


def test_killed_worker_loses_no_scenario(client, county):
    """SIGKILL a worker process while it runs a scenario: Dask reschedules it, nothing is lost."""
    payload = Payload(county, dropouts=2, draws=1)
    scenarios = scenarios_from_flags(county, parse_sizes("2-3,3-4,3-5"), [None])
    killed: list[int] = []

    def progress(stage, done, total):
        if done == 1 and not killed:
            busy = [w for w, keys in client.processing().items() if keys]
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    results = run_sweep(client, payload, scenarios, progress)
    assert killed
    assert [r["scenario"] for r in results] == [s.name for s in scenarios]
    serial = run_serial(payload, scenarios)
    assert all(_same(a, b) for a, b in zip(results, serial))


def test_same_tables_on_one_and_two_workers(client, county, tmp_path):
    payload = Payload(county, dropouts=1, draws=1)
    scenarios = scenarios_from_flags(county, parse_sizes("2-3,3-4"))
    two = run_sweep(client, payload, scenarios)
    with dask_client(1) as one_client:
        one = run_sweep(one_client, payload, scenarios)
    assert all(_same(a, b) for a, b in zip(one, two))


def test_staff_on_cluster_matches_a_local_run(client, county, tmp_path):
    """Split by county on the cluster: the same plan on the example county (one county, files
    byte-identical), and on a generated prefecture (11 counties, of which the workload-capped
    ones are re-staffed) the same status, objective and bound on every level, checker-clean."""
    r = cli("staff", COUNTY, "--out", tmp_path / "D", "--scheduler", client.scheduler.address)
    assert r.exit_code == 0, r.output
    local = zoneplan.staff(county)
    for f in ("assignments", "workload"):
        written = pd.read_csv(tmp_path / "D" / f"{f}.csv", dtype={"investigator_id": str, "case_id": str})
        pd.testing.assert_frame_equal(written, getattr(local, f), check_dtype=False, obj=f)
    rd = json.loads((tmp_path / "D" / "report.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in rd.items() if k not in ("timing", "inputs", "data_quality", "outputs")} == {
        k: v for k, v in json.loads(json.dumps(local.report(False))).items()}

    from zoneplan.synth import generate, write

    write(generate("prefecture", seed=0), tmp_path / "pref")
    tables = zoneplan.load(tmp_path / "pref")
    local = zoneplan.staff(tables)
    dist = staff_on_cluster(client, tables, zoneplan.RuleOptions(), zoneplan.SolveOptions())
    assert dist.status == local.status == "OPTIMAL"
    assert dist.objective == local.objective and dist.bound == local.bound
    assert dist.staffed_cases == local.staffed_cases
    assert sorted(dist.unstaffed["case_id"]) == sorted(local.unstaffed["case_id"])
    key = ["case_id", "investigator_id", "role"]
    assert dist.assignments[key].sort_values(key).reset_index(drop=True).equals(
        local.assignments[key].sort_values(key).reset_index(drop=True))  # team for team
    solves = ("solves",)  # how many searches ran is an execution count: a split run searches per group
    assert {k: v for k, v in dist.stats.items() if k not in solves} == \
        {k: v for k, v in local.stats.items() if k not in solves}
    assert zoneplan.check(tables, dist.assignments).ok
    # per-county figures of a sweep add up to the plan's levels (the travel level's own rounding)
    res = run_scenario(Payload(tables), Scenario(name="current", current=True))
    per = res["counties"].values()
    assert len(res["counties"]) == 11
    assert sum(c["travel"] for c in per) == res["row"]["travel"] == local.objective["travel"]
    assert sum(c["weighted_staffed"] for c in per) == res["row"]["weighted_staffed"]
    assert max(c["max_workload"] for c in per) == res["row"]["max_workload"]


def test_staff_scheduler_refuses_cross_county(client):
    r = cli("staff", COUNTY, "--out", "unused", "--scheduler", client.scheduler.address, "--cross-county")
    assert r.exit_code == 2 and "--cross-county" in r.output


def test_interrupt_exits_130_and_writes_nothing(tmp_path, monkeypatch):
    import zoneplan.sweep.cluster as cl

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(cl, "run_sweep", interrupted)
    monkeypatch.setattr(cl, "dask_client", lambda *a, **k: __import__("contextlib").nullcontext(None))
    r = cli("sweep", COUNTY, "--out", tmp_path / "W", "--lang", "en")
    assert r.exit_code == 130
    assert not (tmp_path / "W").exists()


def test_bad_whatif_is_refused_before_solving(tmp_path):
    d = tmp_path / "wi"
    d.mkdir()
    (d / "east.csv").write_text("kind,a,b\ntogether,T01,T99\n", encoding="utf-8")
    r = cli("sweep", COUNTY, "--out", tmp_path / "W", "--whatif-dir", d, "--lang", "en")
    assert r.exit_code == 2 and "T99" in r.output and not (tmp_path / "W").exists()


def test_flags_and_dominance():
    assert parse_sizes("2-3,3-4,4") == [(2, 3), (3, 4), (4, 4)]
    assert parse_targets("free,5") == [None, 5]
    with pytest.raises(ValueError):
        parse_sizes("3-2")
    with pytest.raises(ValueError):
        parse_targets("five")
    # (staffed, travel): b beats a; c and b trade off; d has no figures
    assert non_dominated([10, 10, 9, None], [100, 90, 80, 1]) == [False, True, True, False]


def test_scenario_file(county, tmp_path):
    (tmp_path / "east.csv").write_text("kind,a,b\n在一起,城关街道,东城街道\nexclude,T16,\n", encoding="utf-8")
    f = tmp_path / "scenarios.csv"
    f.write_text("scenario,min_size,max_size,target_zones,whatif\n"
                 "leling,4,4,,\n,2,3,6,east.csv\n", encoding="utf-8")
    from zoneplan.sweep.scenarios import read_scenario_file

    sc = read_scenario_file(f, county)
    assert [s.name for s in sc] == ["current", "leling", "2-3 n=6 east"]
    assert sc[2].together == (("T01", "T02"),) and sc[2].exclude == ("T16",) and sc[2].target_zones == 6
    f.write_text("min_size,max_size\n2,3\n3,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3, column max_size"):
        read_scenario_file(f, county)


def test_trade_off_labels_of_close_scenarios_do_not_overlap():
    """Two scenarios a few minutes apart on the same staffed level: each label finds its own spot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from zoneplan.sweep.plot import _place_labels

    fig = Figure(figsize=(9, 6.2), dpi=120)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.74))
    ax.scatter([10997, 11067, 12806], [155, 155, 158])
    _place_labels(fig, ax, [(False, 10997, 155, "3-4 (40)"), (True, 11067, 155, "2-4 (44)"),
                            (True, 12806, 158, "current (50)")])
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [a.get_window_extent(renderer) for a in ax.texts]
    assert [a.get_text() for a in ax.texts] == ["3-4 (40)", "2-4 (44)", "current (50)"]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(3) for j in range(i + 1, 3))
