"""Load on the web desk: simultaneous planners on 127.0.0.1, every plan checked against the CLI.

Usage::

    python -m benchmarks.web_load                      # 10 users on the example county, 3 on a prefecture
    python -m benchmarks.web_load --county-users 10 --prefecture-users 3 --out benchmarks/results/web_load.json

A desk is prepared in a scratch folder (two workspaces: the example county and a generated
prefecture, ``python -m zoneplan.synth prefecture DIR --seed 0``; one account per user),
``zoneplan serve`` is started on 127.0.0.1 (never another address), and every user, in its
own thread, does what a planner does: log in, open the workspace, the data page and the
staffing form, start a staffing job, poll its progress, open the plan, download
``assignments.csv`` and ``plan.xlsx``, open the zoning map and its data.  Every plan must be
byte-identical to ``zoneplan staff DATA --out`` for the same data; no request may fail.
Request counts and time are bounded (one round per user, a job waits at most
``--job-timeout`` seconds); the run stops by itself.

Reported: per-page request times (p50, p95, max over all users), time from submitting a job
to its plan (queueing included: the desk runs ``--jobs`` solves at once), failures.
``tests/test_web_load.py`` runs the same round without looking at the clock.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["prepare", "run_load", "LoadResult", "main"]

PASSWORD = "load-test-password"


@dataclass
class LoadResult:
    timings: list[tuple[str, float, int]] = field(default_factory=list)  # (page, seconds, status)
    jobs: list[tuple[str, float]] = field(default_factory=list)  # (workspace, submit -> done seconds)
    failures: list[str] = field(default_factory=list)
    plans_equal: list[bool] = field(default_factory=list)

    def summary(self) -> dict:
        import numpy as np

        pages: dict[str, list[float]] = {}
        for page, secs, _ in self.timings:
            pages.setdefault(page, []).append(secs)
        allt = np.array([t for _, t, _ in self.timings]) if self.timings else np.zeros(1)

        def stats(v):
            v = np.asarray(v)
            return {"n": int(v.size), "p50_ms": round(float(np.percentile(v, 50)) * 1000, 1),
                    "p95_ms": round(float(np.percentile(v, 95)) * 1000, 1), "max_ms": round(float(v.max()) * 1000, 1)}

        jobs: dict[str, list[float]] = {}
        for ws, secs in self.jobs:
            jobs.setdefault(ws, []).append(secs)
        return {"requests": len(self.timings), "failures": self.failures, "plans": len(self.plans_equal),
                "plans_equal_to_cli": int(sum(self.plans_equal)), "all_requests": stats(allt),
                "pages": {p: stats(v) for p, v in sorted(pages.items())},
                "jobs_submit_to_plan_s": {ws: {"n": len(v), "median": round(float(np.median(v)), 2),
                                               "max": round(float(np.max(v)), 2)} for ws, v in jobs.items()}}


def prepare(root: Path, county: Path, prefecture: Path, county_users: int, prefecture_users: int) -> dict:
    """A desk state with the two workspaces and one account per user; returns the plan."""
    from zoneplan.web.app import Desk
    from zoneplan.web.auth import create_account
    from zoneplan.web.config import DeskConfig

    cfg = DeskConfig(state=root / "state", db_path=root / "state" / "desk.sqlite", accounts=True)
    desk = Desk(cfg)
    c = desk.seed(county, "示例县")
    p = desk.seed(prefecture, "示例市")
    users = []
    for k in range(county_users):
        create_account(desk.db, f"county{k}", PASSWORD, space=c)
        users.append((f"county{k}", c, "county"))
    for k in range(prefecture_users):
        create_account(desk.db, f"pref{k}", PASSWORD, space=p)
        users.append((f"pref{k}", p, "prefecture"))
    return {"state": root / "state", "users": users}


def cli_plan(data: Path, out: Path) -> bytes:
    """``assignments.csv`` of ``zoneplan staff DATA --out OUT`` (the reference)."""
    r = subprocess.run([sys.executable, "-c", "import zoneplan_cli; zoneplan_cli.main()", "staff", str(data), "--out",
                        str(out)], capture_output=True, text=True, timeout=600)
    if r.returncode not in (0, 3):
        raise RuntimeError(r.stderr[-2000:])
    return (out / "assignments.csv").read_bytes()


def _user(base: str, username: str, sid: str, kind: str, expected: dict[str, bytes], res: LoadResult,
          lock: threading.Lock, job_timeout: float) -> None:
    import httpx

    def timed(page: str, method: str, url: str, **kw):
        t0 = time.perf_counter()
        r = client.request(method, url, **kw)
        dt = time.perf_counter() - t0
        with lock:
            res.timings.append((page, dt, r.status_code))
            if r.status_code >= 400:
                res.failures.append(f"{username} {method} {url}: {r.status_code}")
        return r

    with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as client:
        r = timed("login form", "GET", "/login")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', r.text).group(1)
        r = timed("login", "POST", "/login", data={"csrf": csrf, "username": username, "password": PASSWORD})
        if r.status_code != 303:
            with lock:
                res.failures.append(f"{username}: login {r.status_code}")
            return
        r = timed("overview", "GET", f"/s/{sid}")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', r.text).group(1)
        timed("data", "GET", f"/s/{sid}/data")
        timed("staff form", "GET", f"/s/{sid}/staff")
        t0 = time.perf_counter()
        r = timed("staff start", "POST", f"/s/{sid}/staff", data={"csrf": csrf})
        job = r.headers.get("location", "")
        if not job:
            return
        end = time.monotonic() + job_timeout
        status = ""
        while time.monotonic() < end:
            s = timed("job progress", "GET", job + "/status").text
            m = re.search(r'data-status="(\w+)"', s)
            status = m.group(1) if m else ""
            if status in ("done", "failed", "cancelled"):
                break
            time.sleep(0.5)
        with lock:
            res.jobs.append((kind, time.perf_counter() - t0))
        if status != "done":
            with lock:
                res.failures.append(f"{username}: job {status or 'timed out'}")
            return
        timed("plan page", "GET", job)
        got = timed("assignments.csv", "GET", job + "/files/assignments.csv").content
        timed("plan.xlsx", "GET", job + "/files/plan.xlsx")
        with lock:
            res.plans_equal.append(got == expected[kind])
            if got != expected[kind]:
                res.failures.append(f"{username}: the plan differs from the CLI's")
        z = timed("zoning map page", "GET", f"/s/{sid}/zoning").text
        m = re.search(r'data-map="([^"]+)"', z)
        if m:
            timed("zoning map data", "GET", m.group(1))


def run_load(county: Path, prefecture: Path, county_users: int = 10, prefecture_users: int = 3, jobs: int = 2,
             workdir: Path | None = None, job_timeout: float = 600) -> LoadResult:
    """Prepare a desk, serve it on 127.0.0.1, run every user at once; returns what happened."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from webdesk import server  # the same server helper as the tests

    warnings.filterwarnings("ignore")
    root = Path(workdir or tempfile.mkdtemp(prefix="zp-load-"))
    expected = {"county": cli_plan(county, root / "cli-county"),
                "prefecture": cli_plan(prefecture, root / "cli-prefecture") if prefecture_users else b""}
    setup = prepare(root, county, prefecture, county_users, prefecture_users)
    res = LoadResult()
    lock = threading.Lock()
    with server(setup["state"], "--jobs", str(jobs)) as base:
        threads = [threading.Thread(target=_user, args=(base, u, sid, kind, expected, res, lock, job_timeout))
                   for u, sid, kind in setup["users"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=job_timeout + 120)
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--county-users", type=int, default=10)
    ap.add_argument("--prefecture-users", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="solves at once (the desk's --jobs)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/web_load.json"))
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="zp-load-"))
    county = Path(__file__).resolve().parents[1] / "data" / "examples" / "county"
    pref = root / "prefecture"
    subprocess.run([sys.executable, "-m", "zoneplan.synth", "prefecture", str(pref), "--seed", "0"], check=True,
                   capture_output=True)
    t0 = time.perf_counter()
    res = run_load(county, pref, args.county_users, args.prefecture_users, args.jobs, root / "run")
    summary = {"county_users": args.county_users, "prefecture_users": args.prefecture_users, "jobs": args.jobs,
               "wall_s": round(time.perf_counter() - t0, 1), **res.summary()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
