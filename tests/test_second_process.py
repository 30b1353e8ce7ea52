"""The second process of a run (:mod:`zoneplan.io.secondprocess`, running
:mod:`zoneplan.io.sideworker`) draws a one-report plan's
maps: started before the solve (:func:`zoneplan.io.plan.early_second_process`), it has
matplotlib loaded when the plan is ready and draws while the run builds the workbook.  It
only saves time: the files are the same byte for byte, a map it does not answer is drawn
by the run itself, and whatever happens the command ends it.  (The county files it builds
for a split plan are tested in ``test_outputs_by_county.py``.)"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import zoneplan
import zoneplan.io.plan as plan_mod
import zoneplan.io.planmaps as planmaps
from zoneplan.cli import app
from zoneplan.io.plan import early_second_process, iter_plan_files, plan_files
from zoneplan.io.secondprocess import SecondProcess

from conftest import EXAMPLES

COUNTY = EXAMPLES / "county"


@pytest.fixture(scope="module")
def county_plan():
    t = zoneplan.load(COUNTY)
    return t, zoneplan.staff(t)


@pytest.fixture(autouse=True)
def any_size(monkeypatch):
    """The example county is far below the size that starts a second process by itself."""
    monkeypatch.setattr(plan_mod, "EARLY_PAIRS", 0)


def _record(monkeypatch):
    started, answers = [], []
    real_start, real_receive = SecondProcess.start, SecondProcess.receive

    def start(*a, **k):
        started.append(real_start(*a, **k))
        return started[-1]

    def receive(self):
        answers.append(real_receive(self))
        return answers[-1]

    monkeypatch.setattr(SecondProcess, "start", staticmethod(start))
    monkeypatch.setattr(SecondProcess, "receive", receive)
    return started, answers


def test_maps_drawn_by_the_second_process_are_the_same_files(county_plan, monkeypatch):
    t, r = county_plan
    here = plan_files(r, t, "zh", workers=1)
    assert {"map_zones.png", "map_assignments.png"} <= set(here)
    started, answers = _record(monkeypatch)
    side = early_second_process(t, workers=2)
    assert side is not None and started == [side]
    try:
        assert side.ready(wait=True)  # here the plan was ready first: wait for its start-up
        there = dict(iter_plan_files(r, t, "zh", workers=2, side=side))
        assert len(answers) == 1 and set(answers[0]) == {"map_zones.png", "map_assignments.png"}
        assert there == here
        assert side.proc.poll() is None  # the caller's process: the caller ends it
    finally:
        side.stop()
    assert side.proc.poll() is not None
    side.stop()  # a second stop does nothing


def test_maps_the_second_process_does_not_answer_are_drawn_here(county_plan, monkeypatch):
    t, r = county_plan
    here = plan_files(r, t, "zh", workers=1)
    monkeypatch.setattr(SecondProcess, "receive", lambda self: None)
    side = early_second_process(t, workers=2)
    try:
        assert side.ready(wait=True)
        assert plan_files(r, t, "zh", workers=2, side=side) == here
    finally:
        side.stop()
    side = early_second_process(t, workers=2)
    side.proc.kill()  # gone before the plan is ready
    side.proc.wait()
    try:
        monkeypatch.undo()
        assert plan_files(r, t, "zh", workers=2, side=side) == here
    finally:
        side.stop()


def test_a_second_process_still_starting_is_not_asked(county_plan, monkeypatch):
    """A small run's plan is ready before the second process has loaded Python and
    matplotlib: the maps are drawn here at once, and the process is not handed the job."""
    t, r = county_plan
    here = plan_files(r, t, "zh", workers=1)
    sent = []
    monkeypatch.setattr(SecondProcess, "ready", lambda self, wait=False: False)
    monkeypatch.setattr(SecondProcess, "send", lambda self, kind, args: sent.append(kind))
    side = early_second_process(t, workers=2)
    try:
        assert plan_files(r, t, "zh", workers=2, side=side) == here
    finally:
        side.stop()
    assert sent == []


def test_the_second_process_is_started_only_where_maps_are_drawn(county_plan, monkeypatch):
    t, _ = county_plan
    started, _ = _record(monkeypatch)
    monkeypatch.setattr(plan_mod, "EARLY_PAIRS", len(t.investigators) * len(t.cases) + 1)
    assert early_second_process(t, workers=2) is None  # a small run: solved before it would be ready
    monkeypatch.setattr(plan_mod, "EARLY_PAIRS", 0)
    assert early_second_process(t, workers=1) is None  # one core: nothing to overlap
    assert early_second_process(t, layout="county", workers=2) is None  # split, one county: no second process
    monkeypatch.setattr(planmaps, "MAP_TOWNSHIP_LIMIT", len(t.townships) - 1)
    assert early_second_process(t, workers=2) is None  # too many townships for maps
    assert started == []
    monkeypatch.setattr(planmaps, "MAP_TOWNSHIP_LIMIT", len(t.townships))
    side = early_second_process(t, workers=2)
    assert side is not None and started == [side]
    side.stop()


@pytest.mark.parametrize("fault", ["during-solve:INT", "before-write:TERM", "while-writing-temp:INT", None])
def test_the_staff_command_ends_the_second_process(tmp_path, monkeypatch, fault):
    """Interrupted during the solve, before or while writing, or done: no second process
    is left running."""
    started, _ = _record(monkeypatch)
    monkeypatch.setattr(plan_mod, "write_workers", lambda: 2)
    if fault:
        monkeypatch.setenv("ZONEPLAN_FAULT", fault)
    res = CliRunner().invoke(app, ["staff", str(COUNTY), "--out", str(tmp_path / "plan")])
    assert res.exit_code == (130 if fault else 0), res.output
    assert len(started) == 1 and started[0].proc.poll() is not None
