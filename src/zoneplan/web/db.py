"""The desk's embedded database (SQLite): workspaces, accounts, sessions, datasets, zonings,
jobs, published plans and the append-only audit log.

One file (``--db``, default ``<state>/desk.sqlite``) in WAL mode, so the web process and the
job processes read and write it side by side.  Every connection is opened with
:func:`connect`; nothing is kept open across processes.

The audit log is append-only from the application: triggers abort any ``UPDATE`` or
``DELETE`` on it, and each line carries the sha256 of the line before it, so a line removed
or changed behind the application's back breaks the chain (:func:`verify_audit`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["connect", "init_db", "audit", "verify_audit", "now_iso", "Db"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS spaces(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT,
    dataset TEXT, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts(
    id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, display TEXT NOT NULL, pw_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0, space TEXT, active INTEGER NOT NULL DEFAULT 1, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
    token_hash TEXT PRIMARY KEY, account INTEGER, csrf TEXT NOT NULL, created REAL NOT NULL, seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures(key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS datasets(
    id TEXT PRIMARY KEY, space TEXT NOT NULL, original_name TEXT NOT NULL, sha256 TEXT NOT NULL,
    path TEXT NOT NULL, created TEXT NOT NULL, account TEXT, summary TEXT);
CREATE TABLE IF NOT EXISTS zonings(
    id TEXT PRIMARY KEY, space TEXT NOT NULL, dataset TEXT, name TEXT NOT NULL, source TEXT NOT NULL,
    path TEXT NOT NULL, created TEXT NOT NULL, account TEXT);
CREATE TABLE IF NOT EXISTS jobs(
    id TEXT PRIMARY KEY, space TEXT NOT NULL, kind TEXT NOT NULL, spec TEXT NOT NULL, status TEXT NOT NULL,
    progress TEXT, message TEXT, created REAL NOT NULL, started REAL, finished REAL, account TEXT,
    cancel INTEGER NOT NULL DEFAULT 0, cancel_at REAL, pid INTEGER, result TEXT);
CREATE INDEX IF NOT EXISTS jobs_space ON jobs(space, created);
CREATE TABLE IF NOT EXISTS published(
    id INTEGER PRIMARY KEY, space TEXT NOT NULL, job TEXT NOT NULL, entry TEXT NOT NULL, path TEXT NOT NULL,
    at TEXT NOT NULL, account TEXT);
CREATE TABLE IF NOT EXISTS audit(
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, account TEXT, space TEXT, action TEXT NOT NULL,
    detail TEXT NOT NULL, ip TEXT, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_space ON audit(space, id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

_AUDIT_LOCK = threading.Lock()


def now_iso() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection to the desk database (rows as :class:`sqlite3.Row`, autocommit, WAL)."""
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA busy_timeout=30000")
    con.execute("PRAGMA foreign_keys=ON")
    return con


def init_db(path: str | Path) -> None:
    """Create the tables (idempotent) and switch the file to WAL mode."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(SCHEMA)
    finally:
        con.close()


def _line_hash(prev: str, at: str, account: str | None, space: str | None, action: str, detail: str,
               ip: str | None) -> str:
    text = json.dumps([prev, at, account, space, action, detail, ip], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit(con: sqlite3.Connection, action: str, *, account: str | None = None, space: str | None = None,
          ip: str | None = None, **detail: Any) -> None:
    """Append one line to the audit log (who, which workspace, what, the details as JSON)."""
    body = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    at = now_iso()
    with _AUDIT_LOCK:
        for attempt in range(50):
            try:
                con.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:  # another process holds the write lock
                time.sleep(0.05 * (attempt + 1))
        else:  # pragma: no cover - the database is stuck
            raise RuntimeError("audit: the database stayed locked")
        try:
            row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            prev = row["hash"] if row else "0" * 64
            con.execute("INSERT INTO audit(at, account, space, action, detail, ip, prev, hash) VALUES (?,?,?,?,?,?,?,?)",
                        (at, account, space, action, body, ip, prev, _line_hash(prev, at, account, space, action, body, ip)))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def verify_audit(con: sqlite3.Connection) -> tuple[bool, int]:
    """``(ok, lines)``: whether every line's hash follows from the line before it."""
    prev = "0" * 64
    n = 0
    for r in con.execute("SELECT * FROM audit ORDER BY id"):
        n += 1
        if r["prev"] != prev or r["hash"] != _line_hash(prev, r["at"], r["account"], r["space"], r["action"],
                                                        r["detail"], r["ip"]):
            return False, n
        prev = r["hash"]
    return True, n


class Db:
    """A per-thread connection pool over one database file (the web process's handle)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()

    def con(self) -> sqlite3.Connection:
        c = getattr(self._local, "con", None)
        if c is None:
            c = connect(self.path)
            self._local.con = c
        return c

    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self.con().execute(sql, args).fetchone()

    def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.con().execute(sql, args).fetchall()

    def run(self, sql: str, *args: Any) -> int:
        cur = self.con().execute(sql, args)
        return cur.rowcount

    def audit(self, action: str, **kw: Any) -> None:
        audit(self.con(), action, **kw)
