"""The command line: exit codes, atomic output, determinism, the tutorial optimum."""

from __future__ import annotations

import json
import shutil

import pandas as pd
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app

from conftest import EXAMPLES

runner = CliRunner()
TUT = str(EXAMPLES / "tutorial")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_tutorial_optimum_worked_by_hand(tutorial):
    """README: staffed 2+2+1 = 5, max workload K1 1.0+2.0 = 3.0, travel 0+0+25+15+15 = 55."""
    r = zoneplan.staff(tutorial)
    assert r.status == "OPTIMAL"
    assert r.objective == {"staffed": 5.0, "max_workload": 3.0, "travel": 55.0}
    assert r.bound == r.objective
    reasons = dict(zip(r.unstaffed["case_id"], r.unstaffed["reason"]))
    assert set(reasons) == {"X3", "X5"}
    assert reasons["X3"].startswith("lost to higher-priority cases under capacity")
    assert reasons["X5"] == "cannot be staffed at all: skill engineering not in the eligible pool"


def test_staff_then_check(tmp_path):
    out = tmp_path / "plan"
    res = run("staff", TUT, "--out", out)
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["assignments.csv", "map_assignments.png", "map_zones.png",
                                                     "plan.html", "plan.xlsx", "report.json", "unstaffed.csv",
                                                     "workload.csv"]
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "OPTIMAL" and report["objective"]["travel"] == 55
    assert report["inputs"]["cases"]["sha256"]
    res = run("check", TUT, out)
    assert res.exit_code == 0 and "0 violations" in res.output


def test_check_reports_violations_by_rule(tmp_path):
    plan = tmp_path / "hand"
    plan.mkdir()
    pd.DataFrame([("X1", "a1", "lead", ""), ("X1", "K1", "member", "")],
                 columns=["case_id", "investigator_id", "role", "travel_minutes"]).to_csv(plan / "assignments.csv", index=False)
    res = run("check", TUT, plan, "--out", tmp_path / "v")
    assert res.exit_code == 1
    assert "cross-check" in res.output and "home" in res.output
    v = pd.read_csv(tmp_path / "v" / "violations.csv")
    assert {"cross-check", "home"} <= set(v["rule"])


def test_bad_input_exit_2_no_traceback_nothing_written(tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TUT, data)
    p = data / "cases.csv"
    p.write_text(p.read_text().replace("X2,C,C1,S2,2", "X2,C,C1,S2,two"))
    out = tmp_path / "plan"
    res = run("staff", data, "--out", out)
    assert res.exit_code == 2
    assert 'cases.csv, line 3, column E "team_size"' in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_failed_run_keeps_previous_plan(tmp_path):
    out = tmp_path / "plan"
    assert run("staff", TUT, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = run("staff", TUT, "--out", out, "--order", "travel,staffed")
    assert res.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plan.tmp")]


def test_same_input_same_plan(tmp_path):
    """Byte-identical plan files; report.json identical apart from its timing block."""
    data = str(EXAMPLES / "county")
    outs = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    assert run("staff", data, "--out", outs[0]).exit_code == 0
    assert run("staff", data, "--out", outs[1]).exit_code == 0
    assert run("staff", data, "--out", outs[2], "--workers", "1").exit_code == 0
    for name in ("assignments.csv", "unstaffed.csv", "workload.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes()
    reps = [json.loads((o / "report.json").read_text()) for o in outs[:2]]
    for r in reps:
        r.pop("timing")
    assert reps[0] == reps[1]


def test_validate_lists_hopeless_cases():
    res = run("validate", TUT)
    assert res.exit_code == 0
    assert "X5: cannot be staffed at all: skill engineering not in the eligible pool" in res.output


def test_demo_runs():
    res = run("demo", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "independent check: 0 violations" in res.output


def test_weighted_mode_and_order():
    t = zoneplan.load(TUT)
    r = zoneplan.staff(t, options=zoneplan.SolveOptions(mode="weighted"))
    assert r.objective["staffed"] == 5 and r.objective["travel"] == 55
    r2 = zoneplan.staff(t, options=zoneplan.SolveOptions(order=("travel", "staffed", "max_workload")))
    # travel first: only X1 (K1 + K2, both posted at A) costs nothing, so only X1 is staffed
    assert r2.objective["travel"] == 0 and r2.objective["staffed"] == 2
    kinds = dict(zip(r2.unstaffed["case_id"], r2.unstaffed["kind"]))
    assert kinds == {"X2": "objective", "X3": "objective", "X4": "objective", "X5": "infeasible"}


def test_cluster_commands_say_how_to_install_dask_when_it_is_missing(tmp_path, monkeypatch):
    """Dask is the ``cluster`` extra: without it, sweep and staff --scheduler refuse with the
    install command (exit 2), before loading anything; other commands never import it."""
    import builtins

    real = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    res = run("sweep", TUT, "--out", tmp_path / "s")
    assert res.exit_code == 2 and "pip install 'zoneplan[cluster]'" in res.output
    res = run("staff", TUT, "--out", tmp_path / "p", "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 2 and "pip install 'zoneplan[cluster]'" in res.output
    res = run("staff", TUT, "--out", tmp_path / "p")
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "s").exists()


def test_declared_dependencies_cover_what_the_package_imports():
    """rich (the progress bar) is declared; Dask only in the cluster extra (which the test
    extra brings); no font package: the font subset ships in the package."""
    import tomllib

    from conftest import ROOT

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = " ".join(meta["dependencies"])
    assert "rich" in deps and "dask" not in deps and "pylopdf" not in deps
    extras = meta["optional-dependencies"]
    assert any("dask[distributed]" in d for d in extras["cluster"])
    assert any(d.startswith("zoneplan[") and "cluster" in d.split("[", 1)[1] for d in extras["test"])
    from zoneplan.maps.fonts import bundled_font_path

    assert bundled_font_path() is not None and (bundled_font_path().parent / "OFL.txt").is_file()


class _Left(Exception):
    """Raised instead of ending the test process (``os._exit`` replaced)."""


def _leaving(monkeypatch):
    import zoneplan.cli.common as common

    def exit_(status: int) -> None:
        raise _Left(status)

    monkeypatch.setattr(common.os, "_exit", exit_)
    return common


def test_leave_keeps_the_exit_code_and_flushes(monkeypatch, capsys):
    """The console command ends with ``os._exit`` (no interpreter shut-down): the status is
    the command's (None -> 0, a code as given, a message -> printed and 1)."""
    common = _leaving(monkeypatch)
    for code, status in [(None, 0), (0, 0), (3, 3), (130, 130), ("bad usage", 1)]:
        try:
            common.leave(code)
        except _Left as left:
            assert left.args == (status,), code
        else:  # pragma: no cover - leave must not return
            raise AssertionError(f"leave({code!r}) returned")
    assert capsys.readouterr().err == "bad usage\n"


def test_console_main_leaves_with_the_commands_code(monkeypatch):
    """``zoneplan.cli.main`` passes the code the command ends with (click raises SystemExit,
    also for 0) to ``leave``; a command that returns leaves with 0."""
    import zoneplan.cli as cli

    common = _leaving(monkeypatch)
    monkeypatch.setattr(common, "raise_on_interrupt", lambda: None)
    monkeypatch.setattr(common, "HARD_EXIT", {"on": False})
    for raised, status in [(SystemExit(3), 3), (SystemExit(None), 0), (None, 0)]:
        def fake_app(raised=raised):
            if raised is not None:
                raise raised
        monkeypatch.setattr(cli, "app", fake_app)
        try:
            cli.main()
        except _Left as left:
            assert left.args == (status,), raised
        else:  # pragma: no cover
            raise AssertionError("main returned")
