"""Regressions found in review: each test names the behaviour it protects."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

import zoneplan
from zoneplan import SolveOptions
from zoneplan.io.write import write_outputs
from zoneplan.synth import generate

from conftest import make_tables

TOWNS = [dict(township_id=t, name=t, county="K", lat=37 + 0.01 * k, lon=117, villages=1, zone="")
         for k, t in enumerate("ABC")]


def test_travel_with_two_decimals_passes_the_checker():
    """12.25 minutes used to be written as 12.2 and rejected by the checker (exit 4)."""
    t = make_tables(TOWNS, [dict(investigator_id="i1", township_id="B")],
                    [dict(case_id="X", township_id="A", team_size=1, needs_lead="false")],
                    travel=[("A", "B", 12.25), ("A", "C", 20), ("B", "C", 10)])
    r = zoneplan.staff(t)
    assert r.assignments["travel_minutes"].tolist() == [12.25]
    assert r.objective["travel"] == 12  # floor(12.25 + 0.5)


def _busy_outsider():
    inv = [dict(investigator_id="a", township_id="B", max_cases=2), dict(investigator_id="b", township_id="C", max_cases=2),
           dict(investigator_id="busy", township_id="B", max_cases=0, current_workload=5.0)]
    cs = [dict(case_id=f"X{k}", township_id="A", team_size=1, needs_lead="false") for k in (1, 2)]
    return make_tables(TOWNS, inv, cs, travel=[("A", "B", 10), ("A", "C", 20), ("B", "C", 10)])


def test_weighted_mode_counts_workload_of_people_outside_every_part():
    """busy (5.0 on hand, no capacity) sets the max; then both cases go to a: travel 20."""
    t = _busy_outsider()
    r = zoneplan.staff(t, options=SolveOptions(mode="weighted"))
    assert r.status == "OPTIMAL"
    assert r.objective["max_workload"] == 5.0 and r.objective["travel"] == 20
    lex = zoneplan.staff(t)
    assert lex.objective == {"staffed": 2.0, "max_workload": 5.0, "travel": 20.0}


def test_weighted_small_weights_are_not_rounded_away():
    """max_workload weight 0.4 per unit, travel 0.01 per minute: splitting (max 1, travel 30:
    -0.4 - 0.3 = -0.7) beats doubling up (max 2, travel 20: -0.8 - 0.2 = -1.0)."""
    inv = [dict(investigator_id="a", township_id="B", max_cases=2), dict(investigator_id="b", township_id="C", max_cases=2)]
    cs = [dict(case_id=f"X{k}", township_id="A", team_size=1, needs_lead="false") for k in (1, 2)]
    t = make_tables(TOWNS, inv, cs, travel=[("A", "B", 10), ("A", "C", 20), ("B", "C", 10)])
    w = {"staffed": 1.0, "max_workload": 0.4, "travel": 0.01}
    r = zoneplan.staff(t, options=SolveOptions(mode="weighted", weights=w))
    assert r.objective["max_workload"] == 1.0 and r.objective["travel"] == 30
    assert r.levels["weighted"].value == pytest.approx(2 - 0.4 - 0.3)


def test_weighted_plan_does_not_depend_on_workers():
    t = zoneplan.tables_from_frames(**{k: v for k, v in generate("county", seed=3).items()})
    plans = [zoneplan.staff(t, options=SolveOptions(mode="weighted", workers=w)).assignments for w in (1, 2)]
    pd.testing.assert_frame_equal(plans[0], plans[1])


def test_workload_precision_is_shared_by_solver_and_checker():
    """0.129 is kept as 0.13 at load: the engine and the checker report the same max."""
    t = make_tables(TOWNS, [dict(investigator_id="i1", township_id="B")],
                    [dict(case_id="X", township_id="A", team_size=1, needs_lead="false", workload=0.129)],
                    travel=[("A", "B", 10), ("A", "C", 20), ("B", "C", 10)])
    r = zoneplan.staff(t)
    assert r.objective["max_workload"] == zoneplan.check(t, r.assignments).objective["max_workload"] == 0.13


def test_bounds_stay_valid_under_tiny_time_limits():
    """Cut short, the first level's bound must still bound the proven optimum."""
    t = zoneplan.tables_from_frames(**generate("prefecture", seed=0))
    ref = zoneplan.staff(t)
    assert ref.status == "OPTIMAL"
    for dt in (0.002, 0.01):
        for order in (("staffed", "max_workload", "travel"), ("staffed", "travel", "max_workload")):
            r = zoneplan.staff(t, options=SolveOptions(deterministic_time=dt, order=order))
            assert zoneplan.check(t, r.assignments).ok
            first = r.levels["staffed"]
            assert first.value <= ref.objective["staffed"] <= first.bound
            if first.proven and order[1] == "max_workload":
                assert r.levels["max_workload"].bound <= ref.objective["max_workload"] + 1e-9


def test_output_folder_readable_and_swapped_whole(tmp_path):
    out = tmp_path / "plan"
    write_outputs(out, {"a.csv": b"1\n"})
    mode = stat.S_IMODE(os.stat(out).st_mode)
    assert mode & 0o055 == 0o055 & ~_umask()
    (out / "notes.txt").write_text("mine")
    write_outputs(out, {"a.csv": b"2\n", "b.csv": b"3\n"})
    assert (out / "a.csv").read_bytes() == b"2\n" and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
