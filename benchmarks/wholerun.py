"""Whole-run benchmarks: the ``zoneplan staff`` command as a planner runs it.

Each run is a fresh process -- interpreter start-up, imports, reading the tables, the solve,
the explanations, the check and writing every file -- timed from outside (wall clock from
``Popen`` to exit) with the peak resident memory of the process and its children (sampled
every 20 ms by ``psutil``, the sum over the process tree; and the kernel's high-water mark
of the largest child).  A batch of runs per instance; the table gives the worst case and
the median, against the targets.  A second measure: how long Ctrl-C takes to end a run in
the middle of its solve (the interrupt tests assert the outcome at named points; the time
is measured here, never in a test).

    python -m benchmarks.wholerun --scales national,stress,dense --runs 3
    python -m benchmarks.wholerun --scales dense --interrupt-after 3 --runs 3

Instances are those of ``python -m benchmarks`` (``zoneplan.synth``, seed 0, cached in
``benchmarks/instances``).  The machine is shared with other work: read the worst case with
that in mind (the load average at the start of each run is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .run import ensure_instance

__all__ = ["run_once", "main", "CASES"]

#: name -> (scale of benchmarks.run, extra arguments of ``zoneplan staff``, target wall s, target MiB)
CASES = {
    "national": ("national", [], 15.0, 1024.0),
    "stress": ("stress", ["--time-limit", "3"], 5.0, None),
    "dense": ("dense", [], 5.0, None),
    "prefecture": ("prefecture", [], None, None),
}


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_once(folder: Path, extra: list[str], interrupt_after: float | None = None) -> dict:
    """One ``zoneplan staff`` process on ``folder``: wall seconds, peak MiB, exit code."""
    import psutil

    out = Path(tempfile.mkdtemp(prefix="zp-wholerun-")) / "plan"
    cmd = [sys.executable, "-c", "from zoneplan_cli import main; main()", "staff", str(folder), "--out", str(out),
           *extra]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    peak = [0]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(p.pid)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(ps))
            done.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    sent = None
    if interrupt_after is not None:
        try:
            p.wait(timeout=interrupt_after)
        except subprocess.TimeoutExpired:
            sent = time.perf_counter()
            p.send_signal(signal.SIGINT)
    _, err = p.communicate()
    ended = time.perf_counter()
    wall = ended - t0
    done.set()
    th.join()
    files = sum(1 for _ in out.rglob("*")) if out.exists() else 0
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    shutil.rmtree(out.parent, ignore_errors=True)
    row = {"exit": p.returncode, "wall_s": round(wall, 3), "peak_tree_mib": round(peak[0] / 2 ** 20, 1),
           "load_at_start": load, "files": files, "status": report.get("status"),
           "solve_wall_s": (report.get("timing") or {}).get("wall_time")}
    if sent is not None:
        row["interrupt_to_exit_s"] = round(ended - sent, 3)
        row["stderr_tail"] = err.strip().splitlines()[-1:] if err else []
    return row


def _summary(name: str, rows: list[dict], target_s: float | None, target_mib: float | None) -> dict:
    walls = [r["wall_s"] for r in rows]
    mibs = [r["peak_tree_mib"] for r in rows]
    s = {"case": name, "runs": len(rows), "wall_median_s": round(statistics.median(walls), 2),
         "wall_worst_s": round(max(walls), 2), "peak_median_mib": round(statistics.median(mibs), 1),
         "peak_worst_mib": round(max(mibs), 1), "exit_codes": sorted({r["exit"] for r in rows}),
         "files": rows[0]["files"], "target_s": target_s, "target_mib": target_mib}
    if "interrupt_to_exit_s" in rows[0]:
        lat = [r["interrupt_to_exit_s"] for r in rows]
        s.update(interrupt_median_s=round(statistics.median(lat), 3), interrupt_worst_s=round(max(lat), 3))
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="national,stress,dense")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--interrupt-after", type=float, default=None,
                    help="send SIGINT this many seconds after start and time how long the run takes to end")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = ap.parse_args(argv)
    summaries, raw = [], {}
    for name in args.scales.split(","):
        scale, extra, target_s, target_mib = CASES[name]
        folder = ensure_instance(scale, 0)
        rows = []
        for k in range(args.runs):
            r = run_once(folder, extra, args.interrupt_after)
            rows.append(r)
            print(name, k + 1, json.dumps(r), flush=True)
        raw[name] = rows
        summaries.append(_summary(name, rows, target_s, target_mib))
    stamp = time.strftime("%Y-%m-%d-%H%M")
    kind = "interrupt" if args.interrupt_after is not None else "wholerun"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{kind}-{stamp}.json").write_text(json.dumps({"summaries": summaries, "runs": raw}, indent=1))
    print("| case | runs | wall median s | wall worst s | target s | peak worst MiB | target MiB | exit | files |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in summaries:
        print(f"| {s['case']} | {s['runs']} | {s['wall_median_s']} | {s['wall_worst_s']} | {s['target_s'] or '-'} | "
              f"{s['peak_worst_mib']} | {s['target_mib'] or '-'} | {s['exit_codes']} | {s['files']} |"
              + (f" interrupt→exit median {s['interrupt_median_s']} s, worst {s['interrupt_worst_s']} s"
                 if "interrupt_median_s" in s else ""))


if __name__ == "__main__":
    main()
