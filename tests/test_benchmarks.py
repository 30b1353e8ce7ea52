"""Smoke tests of the benchmark baselines (greedy, HiGHS MIP) and the runner's helpers.

The tutorial instance (``data/examples/tutorial``) has the documented lexicographic optimum
staffed 5, max_workload 3.0, travel 55 (zoneplan's answer); the HiGHS MIP of the same model
must reach it, and the greedy plan can staff no more.  On a generated "county" instance
every plan must pass the independent checker and the MIP must match zoneplan level by level.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import zoneplan
from zoneplan import synth

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmarks package lives next to src/, not inside it
    sys.path.insert(0, str(ROOT))

from benchmarks.greedy import greedy_staff, greedy_zoning  # noqa: E402
from benchmarks.mip import mip_staff  # noqa: E402
from benchmarks.plot import loglog_slope  # noqa: E402
from benchmarks.run import markdown  # noqa: E402

# highspy is not imported here: it cannot share a process with OR-Tools (see benchmarks.mip),
# so the MIP runs in a child process; only check that it is installed
pytestmark = pytest.mark.skipif(importlib.util.find_spec("highspy") is None, reason="highspy not installed")

TUTORIAL_OPTIMUM = {"staffed": 5.0, "max_workload": 3.0, "travel": 55}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    synth.write(synth.generate("county", seed=0), folder)
    return zoneplan.load(folder)


def _checked(tables, plan):
    report = zoneplan.check(tables, plan)
    assert report.ok, report.to_frame().head(10).to_string()
    return report.objective


def test_tutorial_mip_optimum_equals_zoneplan(tutorial):
    res = mip_staff(tutorial, time_limit=10)
    assert res.status == "OPTIMAL"
    assert {lv.name: lv.value for lv in res.levels} == TUTORIAL_OPTIMUM
    assert all(lv.proven and lv.gap == 0 for lv in res.levels)
    assert _checked(tutorial, res.assignments) == TUTORIAL_OPTIMUM
    assert res.lp_bound >= TUTORIAL_OPTIMUM["staffed"] - 1e-6


def test_tutorial_greedy_is_valid_and_no_better(tutorial):
    res = greedy_staff(tutorial)
    obj = _checked(tutorial, res.assignments)
    assert obj["staffed"] <= TUTORIAL_OPTIMUM["staffed"]


def test_county_plans_pass_checker_and_mip_matches_zoneplan(county):
    zp = zoneplan.staff(county, options=zoneplan.SolveOptions(workers=1, time_limit=20))
    mip = mip_staff(county, time_limit=10)
    greedy = greedy_staff(county)
    assert zp.status == "OPTIMAL" and mip.status == "OPTIMAL"
    assert {lv.name: lv.value for lv in mip.levels} == pytest.approx(zp.objective)
    assert _checked(county, mip.assignments) == pytest.approx(zp.objective)
    g = _checked(county, greedy.assignments)
    assert g["staffed"] <= zp.objective["staffed"]
    assert greedy.stats["eligible_pairs"] == zp.stats["eligible_pairs"] == mip.stats["eligible_pairs"]


def test_county_whole_mip_matches_per_part(county):
    whole = mip_staff(county, time_limit=10, whole=True, lp_bound=False)
    per_part = mip_staff(county, time_limit=10, lp_bound=False)
    assert whole.stats["parts"] == 1
    assert [lv.value for lv in whole.levels] == [lv.value for lv in per_part.levels]


def test_greedy_zoning_is_valid(county):
    zoning = pytest.importorskip("zoneplan.zoning")
    from zoneplan.zoning.metrics import check_zoning

    from benchmarks.run import _zoning_input

    inp = _zoning_input(county)
    zones = greedy_zoning(inp)
    assert check_zoning(inp, zones, zoning.ZoningOptions()) == []


def test_report_helpers():
    assert loglog_slope([1, 10, 100], [2, 20, 200]) == pytest.approx(1.0)
    row = {"kind": "staffing", "scale": "county", "solver": "greedy", "status": "HEURISTIC", "repeats": 1,
           "staffed": 3.0, "wall_median": 0.1, "wall_min": 0.1, "wall_max": 0.1, "check_violations": 0}
    assert "| county | greedy | HEURISTIC | 3 |" in markdown([row])


def test_whole_run_benchmark_measures_a_real_command():
    """benchmarks/wholerun.py runs the command as a planner would and reports wall time, the
    peak memory of the process tree and what was written (no timing is asserted)."""
    from benchmarks.wholerun import run_once

    from conftest import EXAMPLES

    row = run_once(EXAMPLES / "tutorial", ["--lang", "en"])
    assert row["exit"] == 0 and row["status"] == "OPTIMAL"
    assert row["files"] >= 8 and row["wall_s"] > 0 and row["peak_tree_mib"] > 20
