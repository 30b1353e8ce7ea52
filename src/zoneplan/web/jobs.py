"""Jobs: solves run in worker processes, never in the web process.

A job is a row of the ``jobs`` table (queued -> running -> done | failed | cancelled); its
files live in its own folder.  :class:`JobManager` (one per web process) starts at most
``slots`` job processes at a time from a fork server that has zoneplan imported already,
reaps them, and ends a cancelled job's process when the solve has not stopped by itself
within :data:`CANCEL_GRACE` seconds.  Because the state is in the database, a page reload
finds its job again, and a job started by one planner never waits on another's page.
Jobs found running when the desk starts (the server was stopped under them) are marked
failed; queued ones run.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from .db import Db

__all__ = ["JobManager", "CANCEL_GRACE", "DONE_STATES"]

logger = logging.getLogger(__name__)

CANCEL_GRACE = 5.0
DONE_STATES = ("done", "failed", "cancelled")


def _target(db_path: str, job_id: str) -> None:  # pragma: no cover - runs in the job process
    from .worker import run_job

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    run_job(db_path, job_id)


class JobManager:
    """Start, watch and cancel job processes."""

    def __init__(self, db: Db, jobs_dir: Path, slots: int = 2):
        self.db = db
        self.jobs_dir = Path(jobs_dir)
        self.slots = max(1, int(slots))
        self.procs: dict[str, Any] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["zoneplan.web._preload"])

    def start(self) -> None:
        for r in self.db.all("SELECT id FROM jobs WHERE status = 'running'"):
            self.db.run("UPDATE jobs SET status = 'failed', message = ?, finished = ? WHERE id = ?",
                        "服务重启，任务中断，请重新运行。", time.time(), r["id"])
        self._thread = threading.Thread(target=self._loop, name="zoneplan-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for jid, p in list(self.procs.items()):
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
            self.db.run("UPDATE jobs SET status = 'failed', message = ?, finished = ? WHERE id = ? "
                        "AND status = 'running'", "服务停止，任务中断，请重新运行。", time.time(), jid)

    def submit(self, space: str, kind: str, spec: dict[str, Any], account: str | None) -> str:
        """Queue a job; returns its id (its folder is ``jobs_dir/<id>``)."""
        jid = secrets.token_hex(12)
        spec = {**spec, "dir": str(self.jobs_dir / jid)}
        self.db.run("INSERT INTO jobs(id, space, kind, spec, status, created, account) VALUES (?,?,?,?,?,?,?)",
                    jid, space, kind, json.dumps(spec, ensure_ascii=False), "queued", time.time(), account)
        self._wake.set()
        return jid

    def cancel(self, jid: str) -> None:
        """Ask a job to stop (a queued job is cancelled at once)."""
        self.db.run("UPDATE jobs SET status = 'cancelled', message = ?, finished = ? WHERE id = ? "
                    "AND status = 'queued'", "已取消：未运行，已发布的方案保持不变。", time.time(), jid)
        self.db.run("UPDATE jobs SET cancel = 1, cancel_at = ? WHERE id = ? AND status = 'running'",
                    time.time(), jid)
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:  # pragma: no cover - keep the manager alive
                logger.exception("job manager")
            self._wake.wait(0.2)
            self._wake.clear()

    def _tick(self) -> None:
        now = time.time()
        for jid, p in list(self.procs.items()):
            if p.is_alive():
                r = self.db.one("SELECT cancel, cancel_at FROM jobs WHERE id = ?", jid)
                if r is not None and r["cancel"] and now - (r["cancel_at"] or now) > CANCEL_GRACE:
                    p.terminate()
                continue
            p.join(timeout=1)
            del self.procs[jid]
            r = self.db.one("SELECT status, cancel FROM jobs WHERE id = ?", jid)
            if r is not None and r["status"] == "running":  # the process ended without a word
                if r["cancel"]:
                    self.db.run("UPDATE jobs SET status = 'cancelled', message = ?, finished = ? WHERE id = ?",
                                "已取消：未生成方案，已发布的方案保持不变。", now, jid)
                else:
                    self.db.run("UPDATE jobs SET status = 'failed', message = ?, finished = ? WHERE id = ?",
                                f"工作进程意外退出（代码 {p.exitcode}）。", now, jid)
        while len(self.procs) < self.slots:
            r = self.db.one("SELECT id FROM jobs WHERE status = 'queued' ORDER BY created LIMIT 1")
            if r is None:
                break
            jid = r["id"]
            if not self.db.run("UPDATE jobs SET status = 'running', started = ? WHERE id = ? AND status = 'queued'",
                               time.time(), jid):
                continue
            p = self._ctx.Process(target=_target, args=(str(self.db.path), jid), name=f"zoneplan-job-{jid[:6]}",
                                  daemon=True)
            p.start()
            self.db.run("UPDATE jobs SET pid = ? WHERE id = ?", p.pid, jid)
            self.procs[jid] = p
