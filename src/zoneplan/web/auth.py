"""Accounts, sessions, CSRF tokens and login rate limiting.

* Passwords are hashed with Argon2id (``argon2-cffi``'s defaults, RFC 9106 low-memory
  profile); a hash made with older parameters is re-hashed at the next login.
* A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie (``Secure``
  and ``__Host-`` prefixed unless the desk runs on the loopback address without TLS); the
  database keeps only its sha256, so a copy of the database opens no session.  Each
  session has its own CSRF token; logging in starts a new session (no fixation).
* Login attempts are limited per account name and per client address
  (:data:`MAX_FAILS_USER` / :data:`MAX_FAILS_IP` failures in :data:`WINDOW` seconds).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .db import Db, now_iso

__all__ = ["Account", "hash_password", "create_account", "authenticate", "LoginRefused", "new_session",
           "get_session", "end_session", "check_csrf", "MIN_PASSWORD", "SESSION_IDLE", "SESSION_MAX"]

MIN_PASSWORD = 10
WINDOW = 15 * 60
MAX_FAILS_USER = 5
MAX_FAILS_IP = 20
SESSION_IDLE = 8 * 3600
SESSION_MAX = 24 * 3600

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("zoneplan-dummy-password")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display: str
    is_admin: bool
    space: str | None


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符")
    return _hasher.hash(password)


def create_account(db: Db, username: str, password: str, *, display: str = "", is_admin: bool = False,
                   space: str | None = None) -> int:
    """Create an account; returns its id.

    Raises
    ------
    ValueError
        Empty or taken user name, short password.
    """
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("用户名不能为空，且不超过 64 个字符")
    if db.one("SELECT 1 FROM accounts WHERE username = ?", username):
        raise ValueError(f"用户名「{username}」已存在")
    h = hash_password(password)
    cur = db.con().execute("INSERT INTO accounts(username, display, pw_hash, is_admin, space, created) "
                           "VALUES (?,?,?,?,?,?)", (username, display.strip() or username, h, int(is_admin),
                                                     space, now_iso()))
    return int(cur.lastrowid)


def account_of(row) -> Account:
    return Account(int(row["id"]), row["username"], row["display"], bool(row["is_admin"]), row["space"])


class LoginRefused(Exception):
    """Too many failed logins: ``wait`` seconds before the next try."""

    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(f"too many failed logins; wait {wait} s")


def _fails(db: Db, key: str, since: float) -> tuple[int, float]:
    r = db.one("SELECT COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE key = ? AND at > ?", key, since)
    return int(r["n"]), float(r["first"] or 0)


def authenticate(db: Db, username: str, password: str, ip: str) -> Account | None:
    """The account for these credentials, or None.

    Raises
    ------
    LoginRefused
        The name or the address failed too often lately (checked before the password).
    """
    now = time.time()
    since = now - WINDOW
    db.run("DELETE FROM login_failures WHERE at < ?", since)
    for key, limit in ((f"user:{username.strip().lower()}", MAX_FAILS_USER), (f"ip:{ip}", MAX_FAILS_IP)):
        n, first = _fails(db, key, since)
        if n >= limit:
            raise LoginRefused(max(1, int(first + WINDOW - now)))
    row = db.one("SELECT * FROM accounts WHERE username = ? AND active = 1", username.strip())
    ok = False
    try:
        ok = _hasher.verify(row["pw_hash"] if row else _DUMMY, password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        db.run("INSERT INTO login_failures(key, at) VALUES (?, ?), (?, ?)",
               f"user:{username.strip().lower()}", now, f"ip:{ip}", now)
        return None
    db.run("DELETE FROM login_failures WHERE key = ?", f"user:{username.strip().lower()}")
    if _hasher.check_needs_rehash(row["pw_hash"]):
        db.run("UPDATE accounts SET pw_hash = ? WHERE id = ?", _hasher.hash(password), row["id"])
    return account_of(row)


def new_session(db: Db, account: int | None) -> tuple[str, str]:
    """A new session (token, csrf); only the token's sha256 is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = time.time()
    db.run("INSERT INTO sessions(token_hash, account, csrf, created, seen) VALUES (?,?,?,?,?)",
           _sha(token), account, csrf, now, now)
    if secrets.randbelow(50) == 0:  # now and then: forget old sessions
        db.run("DELETE FROM sessions WHERE seen < ? OR created < ?", now - SESSION_IDLE, now - SESSION_MAX)
    return token, csrf


def get_session(db: Db, token: str | None):
    """The live session row of ``token`` (touching it), or None."""
    if not token or len(token) > 100:
        return None
    now = time.time()
    row = db.one("SELECT * FROM sessions WHERE token_hash = ?", _sha(token))
    if row is None or row["seen"] < now - SESSION_IDLE or row["created"] < now - SESSION_MAX:
        return None
    if now - row["seen"] > 60:
        db.run("UPDATE sessions SET seen = ? WHERE token_hash = ?", now, row["token_hash"])
    return row


def end_session(db: Db, token: str | None) -> None:
    if token:
        db.run("DELETE FROM sessions WHERE token_hash = ?", _sha(token))


def check_csrf(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
