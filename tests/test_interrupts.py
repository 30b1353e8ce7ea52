"""Ctrl-C, SIGTERM and the output folder, tried on the real command line (subprocesses).

An interrupt at any moment -- while Python loads, while CP-SAT or the LP searches -- ends
the run within about a second with exit code 130, one line ("interrupted; nothing was
written"), no traceback, and ``--out`` exactly as it was.  An output folder that cannot be
written is refused before any solving, with exit code 2.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zoneplan import synth
from zoneplan.cli import app
from zoneplan.io.write import remove_stale, write_outputs

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    """The dense family (one part of ~300,000 pairs): its solve takes several seconds."""
    folder = tmp_path_factory.mktemp("dense")
    synth.write(synth.generate("dense", seed=1), folder)
    return folder


def _run(args, after: float, sig=signal.SIGINT, tmp_path: Path = None):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    cmd = [sys.executable, "-c", "from zoneplan_cli import main; main()", *map(str, args), "--out", str(out)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    sent = time.perf_counter()
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    return p.returncode, time.perf_counter() - sent, err, out


@pytest.mark.parametrize("after, sig", [(0.05, signal.SIGINT), (2.5, signal.SIGINT), (2.5, signal.SIGTERM)])
def test_interrupt_writes_nothing_and_exits_130(dense, tmp_path, after, sig):
    code, took, err, out = _run(["staff", dense, "--time-limit", "60"], after, sig, tmp_path)
    assert code == 130, err
    assert "interrupted; nothing was written" in err and "Traceback" not in err
    assert "bad_function_call" not in err
    assert took < 1.5
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.")] == []


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
