"""Ctrl-C, SIGTERM, kill -9 and the output folder, injected at named points of a run.

No test here sleeps and hopes: ``ZONEPLAN_FAULT=point:SIGNAL`` (see
:func:`zoneplan.runner.fault_point`) sends the signal exactly at a named point, and each
test asserts the outcome for every point: the exit code, the message (it says what is on
disk), ``--out`` holding the whole old plan or the whole new one (never a mix, never
missing), and no temporary folder left behind (only ``kill -9`` may leave one, and the next
write removes it).  How *fast* an interrupt ends a run is measured in ``benchmarks/``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import zoneplan
import zoneplan.io.write as write
from zoneplan.cli import app
from zoneplan.cli.common import INTERRUPTED
from zoneplan.io.write import remove_stale, write_outputs
from zoneplan.runner import FAULT_POINTS

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

TUT = EXAMPLES / "tutorial"
#: Points before the new plan is in place, and after it.
BEFORE = ("after-load", "during-solve", "before-write", "while-writing-temp", "before-swap")
AFTER = ("after-swap",)
PLAN_FILES = {"assignments.csv", "unstaffed.csv", "workload.csv", "report.json", "plan.xlsx", "plan.html"}


def _old_plan(out: Path) -> None:
    """A previous plan in ``out`` (recognisable), with a file of the planner's own."""
    out.mkdir(parents=True)
    (out / "assignments.csv").write_text("case_id,investigator_id,role,travel_minutes\nOLD,OLD,lead,0.00\n")
    (out / "mine.txt").write_text("keep me")


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".plan."))


def _is_old(out: Path) -> bool:
    return sorted(p.name for p in out.iterdir()) == ["assignments.csv", "mine.txt"] and \
        "OLD" in (out / "assignments.csv").read_text()


def _is_new(out: Path) -> bool:
    names = {p.name for p in out.iterdir()}
    if not PLAN_FILES | {"mine.txt"} <= names or "OLD" in (out / "assignments.csv").read_text():
        return False
    report = json.loads((out / "report.json").read_text())
    t = zoneplan.load(TUT)
    from zoneplan.io.plan import read_assignments

    return report["status"] == "OPTIMAL" and zoneplan.check(t, read_assignments(out, t)).ok


def _cli(tmp_path: Path, fault: str, monkeypatch) -> tuple[int, str, Path]:
    out = tmp_path / "plan"
    _old_plan(out)
    monkeypatch.setenv("ZONEPLAN_FAULT", fault)
    res = CliRunner().invoke(app, ["staff", str(TUT), "--out", str(out)])
    monkeypatch.delenv("ZONEPLAN_FAULT")
    return res.exit_code, res.output, out


def test_the_points_are_named_in_run_order():
    assert FAULT_POINTS[:7] == ("start",) + BEFORE + AFTER


@pytest.mark.parametrize("sig", ["INT", "TERM"])
@pytest.mark.parametrize("point", BEFORE)
def test_interrupt_before_the_swap_writes_nothing(tmp_path, monkeypatch, point, sig):
    code, output, out = _cli(tmp_path, f"{point}:{sig}", monkeypatch)
    assert code == 130, output
    assert INTERRUPTED in output and "Traceback" not in output
    assert _is_old(out)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_interrupt_after_the_swap_says_the_plan_was_written(tmp_path, monkeypatch, sig):
    """F1: the new plan is in place; the message says so, and the old plan is removed."""
    code, output, out = _cli(tmp_path, f"after-swap:{sig}", monkeypatch)
    assert code == 130, output
    assert f"interrupted after writing {out}/ in full; nothing else was written" in output
    assert INTERRUPTED not in output
    assert _is_new(out)
    assert _leftovers(tmp_path) == []


def test_without_the_atomic_exchange_an_interrupt_between_the_renames_waits(tmp_path, monkeypatch):
    """The fall-back (two renames) holds SIGINT back between them: the plan goes in whole."""
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    code, output, out = _cli(tmp_path, "between-renames:INT", monkeypatch)
    assert code == 130 and "in full" in output, output
    assert _is_new(out)
    assert _leftovers(tmp_path) == []


def test_the_exchange_is_used_where_the_platform_has_it(tmp_path, monkeypatch):
    """On Linux the swap is one renameat2(RENAME_EXCHANGE); the fall-back is not taken."""
    if not write.EXCHANGE:
        pytest.skip("no renameat2 here: the two-rename fall-back is used (tested above)")
    seen = []
    real = write._exchange
    monkeypatch.setattr(write, "_exchange", lambda a, b: seen.append((a, b)) or real(a, b))
    monkeypatch.setattr(write.os, "replace", None)  # any rename of a folder would fail
    out = tmp_path / "plan"
    _old_plan(out)
    write_outputs(out, {"assignments.csv": b"new\n"})
    assert len(seen) == 1 and (out / "assignments.csv").read_bytes() == b"new\n"
    assert (out / "mine.txt").read_text() == "keep me" and _leftovers(tmp_path) == []


def _subprocess(tmp_path: Path, fault: str, timeout: float = 120) -> subprocess.CompletedProcess:
    out = tmp_path / "plan"
    if not out.exists():
        _old_plan(out)
    env = {**os.environ, "ZONEPLAN_FAULT": fault}
    cmd = [sys.executable, "-c", "from zoneplan_cli import main; main()", "staff", str(TUT), "--out", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("fault", ["start:INT", "start:TERM", "during-solve:TERM", "after-swap:INT"])
def test_the_real_command_line(tmp_path, fault):
    """The console entry point (quiet start-up, hard exit after an interrupt)."""
    p = _subprocess(tmp_path, fault)
    assert p.returncode == 130, p.stderr
    assert "Traceback" not in p.stderr and "bad_function_call" not in p.stderr
    if fault.startswith("after-swap"):
        assert "in full" in p.stderr and _is_new(tmp_path / "plan")
    else:
        assert p.stderr.strip().endswith(INTERRUPTED) and _is_old(tmp_path / "plan")
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("point, whole", [("while-writing-temp", "old"), ("before-swap", "old"),
                                          ("after-swap", "new")])
def test_kill_9_never_leaves_out_missing_or_mixed(tmp_path, point, whole):
    """F2: killed outright at any point, ``--out`` holds the whole old or the whole new plan;
    the temporary folder it may leave is removed by the next write."""
    p = _subprocess(tmp_path, f"{point}:KILL")
    assert p.returncode == -signal.SIGKILL
    out = tmp_path / "plan"
    assert (_is_old if whole == "old" else _is_new)(out)
    assert len(_leftovers(tmp_path)) == 1  # the killed run's temporary folder
    p = _subprocess(tmp_path, "")
    assert p.returncode == 0, p.stderr
    assert _is_new(out) and _leftovers(tmp_path) == []


def test_an_interrupt_during_the_clean_up_still_removes_the_temporary_folder(tmp_path, monkeypatch):
    """F3: a second signal while a failed write cleans up is held back until it is done."""
    out = tmp_path / "plan"
    _old_plan(out)

    def files():
        yield "a.csv", b"1\n"
        raise KeyboardInterrupt  # the first Ctrl-C, while the temporary folder is written

    real = write.shutil.rmtree

    def rmtree(path, *a, **k):
        os.kill(os.getpid(), signal.SIGINT)  # the second one, in the middle of the clean-up
        return real(path, *a, **k)

    monkeypatch.setattr(write.shutil, "rmtree", rmtree)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_outputs(out, files())
    finally:
        signal.signal(signal.SIGINT, previous)
    assert _is_old(out) and _leftovers(tmp_path) == []


def test_time_limit_covers_what_is_already_spent(monkeypatch, tmp_path):
    """Start-up and loading took the whole --time-limit: the run still writes a valid plan
    (the greedy start, status FEASIBLE, exit 3) and says the time limit cut it."""
    import zoneplan.cli.staffing as staffing
    from zoneplan.synth import generate, write as write_instance

    data = tmp_path / "pref"
    write_instance(generate("prefecture", seed=0), data)
    monkeypatch.setattr(staffing, "command_elapsed", lambda: 10.0)
    out = tmp_path / "plan"
    res = CliRunner().invoke(app, ["staff", str(data), "--out", str(out), "--time-limit", "10"])
    assert res.exit_code == 3, res.output
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "FEASIBLE" and report["stopped"] == "time limit"
    assert report["options"]["solve"]["time_limit"] == 10  # the limit as given
    t = zoneplan.load(data)
    from zoneplan.io.plan import read_assignments

    assert zoneplan.check(t, read_assignments(out, t)).ok


def test_the_solve_gets_the_limit_less_start_up_and_writing(monkeypatch, tmp_path):
    """The deadline handed to the solve: process start + limit - the estimated writing time."""
    import zoneplan.cli.staffing as staffing

    seen = {}
    real = zoneplan.staff

    def spy(*args, cancel=None, **kw):
        seen["deadline"], seen["now"] = cancel.deadline, time.perf_counter()
        return real(*args, cancel=cancel, **kw)

    monkeypatch.setattr(zoneplan, "staff", spy)
    monkeypatch.setattr(staffing, "command_elapsed", lambda: 2.0)
    monkeypatch.setattr(staffing, "write_seconds", lambda tables, layout="auto": 3.0)
    res = CliRunner().invoke(app, ["staff", str(TUT), "--out", str(tmp_path / "p"), "--time-limit", "60"])
    assert res.exit_code == 0, res.output
    # 60 - 2 spent - 3 for writing = 55 s from when the limit was set (just before the call)
    assert 54.0 < seen["deadline"] - seen["now"] <= 55.0


def test_library_run_with_no_time_left_returns_a_checked_plan():
    """The library's deadline (a Cancel handle's) is honoured even when already passed."""
    from zoneplan.synth import generate

    t = zoneplan.tables_from_frames(**generate("prefecture", seed=0))
    r = zoneplan.staff(t, cancel=zoneplan.Cancel(deadline=time.perf_counter()))
    assert zoneplan.check(t, r.assignments).ok
    assert r.status == "FEASIBLE" and r.stopped == "time limit"


def test_output_folder_problems_are_found_before_solving(tmp_path):
    runner = CliRunner()
    blocker = tmp_path / "plan"
    blocker.write_text("a file in the way")
    t = time.perf_counter()
    res = runner.invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(blocker)])
    assert res.exit_code == 2 and "a file of that name is in the way" in res.output
    res = runner.invoke(app, ["zone", str(EXAMPLES / "county"), "--out", str(blocker / "sub")])
    assert res.exit_code == 2 and "is a file, not a folder" in res.output
    assert time.perf_counter() - t < 5
    assert blocker.read_text() == "a file in the way"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = CliRunner().invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(ro / "plan")])
        assert res.exit_code == 2 and "no permission to write" in res.output
    finally:
        ro.chmod(0o755)


def test_stale_temporary_folders_of_a_killed_run_are_removed(tmp_path):
    """A run killed with -9 left its temporary folder, and had moved the old plan aside."""
    dead = 2 ** 22 + 12345  # no such process
    tmp = tmp_path / f".plan.tmp-{dead}-abc"
    tmp.mkdir()
    (tmp / "assignments.csv").write_text("half")
    old = tmp_path / f".plan.old-{dead}-xyz"
    (old / "plan").mkdir(parents=True)
    (old / "plan" / "notes.txt").write_text("previous plan")
    removed = remove_stale(tmp_path / "plan")
    assert sorted(p.name for p in removed) == sorted([tmp.name, old.name])
    assert (tmp_path / "plan" / "notes.txt").read_text() == "previous plan"  # put back
    mine = tmp_path / f".plan.tmp-{os.getpid()}-live"  # a live writer's folder stays
    mine.mkdir()
    write_outputs(tmp_path / "plan", {"a.csv": b"1\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["plan", mine.name])
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == ["a.csv", "notes.txt"]
