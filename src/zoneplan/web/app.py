"""The desk's web application (Starlette + Jinja2; htmx and Leaflet served from the package).

Every page is rendered on the server from zoneplan's own results, with autoescaping on, so a
name such as ``<script>`` or ``{{ }}`` is text everywhere.  Requests pass one ASGI
middleware (:class:`DeskMiddleware`): the Host check on loopback (against DNS rebinding),
the body limit, the session cookie and the security headers (a strict Content Security
Policy: scripts, styles and fonts from the desk only).  Every state-changing route is
declared with :func:`action`, which refuses it without the session's CSRF token; every
workspace route looks its workspace up through :meth:`Desk.space`, which answers 404 for a
workspace the account may not open, and every job, dataset, zoning and file is looked up
by its id *and* its workspace.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from . import auth
from .config import DeskConfig
from .db import Db, init_db, now_iso
from .jobs import DONE_STATES, JobManager

__all__ = ["create_app", "Desk", "action", "page"]

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "zp_session"

#: Files of a plan a planner may download (name -> media type); nothing else is ever served.
PLAN_DOWNLOADS = {
    "plan.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "plan.html": "text/html; charset=utf-8",
    "plan.pdf": "application/pdf",
    "map_zones.png": "image/png",
    "map_assignments.png": "image/png",
    "assignments.csv": "text/csv; charset=utf-8",
    "unstaffed.csv": "text/csv; charset=utf-8",
    "workload.csv": "text/csv; charset=utf-8",
    "changes.csv": "text/csv; charset=utf-8",
    "report.json": "application/json",
}
DOWNLOAD_WORDS = {"plan.xlsx": "办案组方案.xlsx", "plan.html": "办案组方案（打印版）.html",
                  "map_zones.png": "协作区地图.png", "map_assignments.png": "人员调配图.png",
                  "assignments.csv": "assignments.csv", "unstaffed.csv": "unstaffed.csv",
                  "workload.csv": "workload.csv", "changes.csv": "changes.csv", "report.json": "report.json",
                  "plan.pdf": "办案组方案（打印版）.pdf"}

CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'")
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox allow-modals"

STAGE_WORDS = {"load": "读取数据", "write": "写出方案文件", "zone": "求解协作区划分", "compare": "逐个方案配置办案组并比较"}


# --------------------------------------------------------------------------------------------
# the desk: database, jobs, caches


class Desk:
    """What the routes share: settings, database, job manager, templates, caches."""

    def __init__(self, config: DeskConfig):
        self.config = config
        init_db(config.db_path)
        self.db = Db(config.db_path)
        self.state = Path(config.state)
        (self.state / "spaces").mkdir(parents=True, exist_ok=True)
        (self.state / "jobs").mkdir(parents=True, exist_ok=True)
        self.jobs = JobManager(self.db, self.state / "jobs", slots=config.slots)
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                                 undefined=jinja2.ChainableUndefined)
        self.templates = Jinja2Templates(env=env)
        env.globals["stage_words"] = STAGE_WORDS
        env.filters["stage"] = stage_text
        env.filters["num"] = _num
        env.filters["when"] = _when
        env.filters["minutes"] = lambda v: "" if v is None else f"{float(v):.0f}"
        self._lock = threading.RLock()  # the caches are shared by the request threads
        self._tables: OrderedDict[str, Any] = OrderedDict()
        self._maps: OrderedDict[str, Any] = OrderedDict()
        self._el: OrderedDict[str, Any] = OrderedDict()
        if not config.accounts and self.db.one("SELECT 1 FROM accounts LIMIT 1"):
            self.config = dataclasses.replace(config, accounts=True)  # accounts exist: used on loopback too

    # -- scoping -----------------------------------------------------------------------------

    def spaces_for(self, account: auth.Account | None) -> list[Any]:
        """The workspaces an account may open (all of them in the local single-user desk)."""
        if not self.config.accounts:
            return self.db.all("SELECT * FROM spaces ORDER BY kind DESC, name")
        if account is None or not account.space:
            return []
        return self.db.all("SELECT * FROM spaces WHERE id = ? OR parent = ? ORDER BY kind DESC, name",
                           account.space, account.space)

    def space(self, request: Request, sid: str):
        """The workspace ``sid`` if the account may open it, else 404 (the same for unknown ones)."""
        account = request.state.account
        row = self.db.one("SELECT * FROM spaces WHERE id = ?", sid)
        if row is None:
            raise HTTPException(404)
        if self.config.accounts:
            if account is None or not account.space or not (row["id"] == account.space
                                                                  or row["parent"] == account.space):
                raise HTTPException(404)
        return row

    def space_dir(self, sid: str) -> Path:
        d = self.state / "spaces" / sid
        d.mkdir(parents=True, exist_ok=True)
        return d

    # -- data --------------------------------------------------------------------------------

    def dataset(self, space) -> Any:
        if not space["dataset"]:
            return None
        return self.db.one("SELECT * FROM datasets WHERE id = ? AND space = ?", space["dataset"], space["id"])

    def tables(self, ds) -> Any:
        """The loaded tables of a dataset (a small LRU cache)."""
        key = ds["id"]
        with self._lock:
            if key in self._tables:
                self._tables.move_to_end(key)
                return self._tables[key]
            import zoneplan

            t = zoneplan.load(ds["path"])
            self._tables[key] = t
            while len(self._tables) > 8:
                self._tables.popitem(last=False)
            return t

    def map_data(self, ds) -> dict[str, Any]:
        key = ds["id"]
        with self._lock:
            if key not in self._maps:
                from .zoningview import map_data

                self._maps[key] = map_data(self.tables(ds))
                while len(self._maps) > 8:
                    self._maps.popitem(last=False)
            return self._maps[key]

    def eligibility(self, job, tables, rules) -> Any:
        with self._lock:
            if job["id"] not in self._el:
                from .. import build_eligibility

                self._el[job["id"]] = build_eligibility(tables, rules)
                while len(self._el) > 8:
                    self._el.popitem(last=False)
            return self._el[job["id"]]

    def job(self, space, jid: str):
        row = self.db.one("SELECT * FROM jobs WHERE id = ? AND space = ?", jid, space["id"])
        if row is None:
            raise HTTPException(404)
        return row

    def zoning(self, space, zid: str):
        row = self.db.one("SELECT * FROM zonings WHERE id = ? AND space = ?", zid, space["id"])
        if row is None:
            raise HTTPException(404)
        return row

    def published(self, space):
        return self.db.one("SELECT * FROM published WHERE space = ? ORDER BY id DESC LIMIT 1", space["id"])

    def audit(self, request: Request, action: str, space: str | None = None, **detail: Any) -> None:
        acc = request.state.account
        who = acc.username if acc is not None else ("本机用户" if not self.config.accounts else None)
        self.db.audit(action, account=who, space=space, ip=client_ip(request), **detail)

    # -- seeding -------------------------------------------------------------------------------

    def seed(self, path: Path, name: str | None) -> str:
        """Make sure a workspace holds the data at ``path`` (a CLI argument); returns its id."""
        from .datasets import add_dataset_from_path

        return add_dataset_from_path(self, path, name)


def stage_text(stage: str) -> str:
    """A solve stage (``progress(stage, ...)``) in Chinese: ``levels staffed, travel`` -> 逐级优化：…"""
    if stage in STAGE_WORDS:
        return STAGE_WORDS[stage]
    from ..i18n import pick
    from ..io.wording import LEVEL_NAMES

    head, _, rest = stage.partition(" ")
    if head not in ("level", "levels"):
        return stage
    cap = " under the workload cap"
    note = "（不超过最大工作量）" if rest.endswith(cap) else ""
    names = [n.strip() for n in rest.removesuffix(cap).split(",") if n.strip()]
    words = [pick(LEVEL_NAMES[n], "zh") if n in LEVEL_NAMES else n for n in names]
    return "逐级优化：" + "、".join(words) + note


def _num(v: Any, digits: int = 2) -> str:
    if v is None or v == "":
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f == int(f):
        return f"{int(f):,}"
    return f"{f:,.{digits}f}"


def _when(iso: str | None) -> str:
    """An ISO UTC time as the server's local time, to the minute."""
    if not iso:
        return ""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(iso)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


# --------------------------------------------------------------------------------------------
# middleware: host check, body limit, session, security headers


class DeskMiddleware:
    """Pure ASGI middleware around every HTTP request."""

    def __init__(self, app, desk: Desk):
        self.app = app
        self.desk = desk

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cfg = self.desk.config
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
        allowed = set(cfg.allowed_hosts)
        if (cfg.local and not allowed and host not in ("127.0.0.1", "localhost", "::1")) or \
                (allowed and host not in allowed):
            return await _plain(send, 400, "Host not allowed")
        path = scope.get("path", "")
        method = scope["method"]
        limit = cfg.limits.max_bytes + 256 * 1024
        try:
            length = int(headers.get("content-length", "0") or 0)
        except ValueError:
            return await _plain(send, 400, "bad Content-Length")
        if length > limit:
            return await _too_large(send, cfg)
        if method not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            if headers.get("sec-fetch-site") == "cross-site" or (origin and origin != "null" and
                                                               origin.split("://", 1)[-1].rstrip("/").lower()
                                                               != headers.get("host", "").lower()):
                return await _plain(send, 403, "cross-site request refused")
        received = 0

        async def limited_receive():
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:  # no Content-Length (chunked): refused while it arrives
                    raise HTTPException(413, _too_large_text(cfg))
            return msg

        set_cookie: list[str] = []
        scope.setdefault("state", {})
        if not path.startswith("/static/"):
            token = _cookie(headers.get("cookie", ""), _cookie_name(cfg))
            row = await run_in_threadpool(auth.get_session, self.desk.db, token)
            if row is None:
                token, csrf = await run_in_threadpool(auth.new_session, self.desk.db, None)
                row = {"account": None, "csrf": csrf}
                set_cookie.append(_cookie_header(cfg, token))
            account = None
            if row["account"] is not None:
                arow = await run_in_threadpool(self.desk.db.one, "SELECT * FROM accounts WHERE id = ? AND active = 1",
                                               row["account"])
                account = auth.account_of(arow) if arow is not None else None
            scope["state"]["session"] = {"token": token, "csrf": row["csrf"], "account": row["account"]}
            scope["state"]["account"] = account
            scope["state"]["set_cookie"] = set_cookie

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                hdrs = list(message.get("headers", []))
                names = {k.lower() for k, _ in hdrs}
                for k, v in _security_headers(path):
                    if k.encode() not in names:
                        hdrs.append((k.encode(), v.encode()))
                for c in scope["state"].get("set_cookie", []):
                    hdrs.append((b"set-cookie", c.encode("latin-1")))
                message = {**message, "headers": hdrs}
            await send(message)

        await self.app(scope, limited_receive, send_wrapped)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _too_large_text(cfg: DeskConfig) -> str:
    return (f"上传的内容超过上限 {cfg.limits.max_bytes // 1024 // 1024} MB，已拒绝，未保存任何内容。"
            "请只上传本县（市、区）的数据。")


async def _too_large(send, cfg: DeskConfig) -> None:
    text = _too_large_text(cfg)
    body = (f"<!doctype html><meta charset=utf-8><title>文件过大</title><p>{text}</p>"
            "<p><a href=\"javascript:history.back()\">返回</a></p>").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _security_headers(path: str) -> list[tuple[str, str]]:
    out = [("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"), ("x-frame-options", "DENY"),
           ("cross-origin-opener-policy", "same-origin"), ("permissions-policy", "camera=(), microphone=(), geolocation=()")]
    if not path.startswith("/static/"):
        out.append(("cache-control", "no-store"))
    out.append(("content-security-policy", REPORT_CSP if path.endswith("/plan.html") else CSP))
    return out


def _cookie_name(cfg: DeskConfig) -> str:
    return f"__Host-{COOKIE}" if cfg.secure_cookies else COOKIE


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


def _cookie_header(cfg: DeskConfig, token: str, clear: bool = False) -> str:
    parts = [f"{_cookie_name(cfg)}={'' if clear else token}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if cfg.secure_cookies:
        parts.append("Secure")
    if clear:
        parts.append("Max-Age=0")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# route helpers

Handler = Callable[..., Awaitable[Response]]


def _login_redirect(request: Request) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login", status_code=303)


def page(fn: Handler) -> Handler:
    """A GET page: requires a logged-in account when the desk has accounts."""

    async def endpoint(request: Request) -> Response:
        desk: Desk = request.app.state.desk
        if desk.config.accounts and request.state.account is None:
            return _login_redirect(request)
        return await fn(request, desk)

    endpoint.__name__ = fn.__name__
    return endpoint


def action(fn: Handler | None = None, *, login: bool = True, json_body: bool = False):
    """A state-changing route: the session's CSRF token must come with it (form field
    ``csrf`` or header ``X-CSRF-Token``), else 403; the form (or JSON body) is passed on."""

    def wrap(fn: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            desk: Desk = request.app.state.desk
            session = request.state.session
            given = request.headers.get("x-csrf-token")
            body: Any = None
            if json_body:
                if not auth.check_csrf(session["csrf"], given):
                    raise HTTPException(403, "缺少或错误的安全令牌（CSRF），请刷新页面后重试。")
                raw = await request.body()
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise HTTPException(400, "请求内容不是有效的 JSON。") from None
            else:
                ctype = request.headers.get("content-type", "")
                if not (ctype.startswith("application/x-www-form-urlencoded") or ctype.startswith("multipart/form-data")):
                    if not auth.check_csrf(session["csrf"], given):
                        raise HTTPException(403, "缺少或错误的安全令牌（CSRF），请刷新页面后重试。")
                    body = {}
                else:
                    body = await request.form(max_files=1, max_fields=2000, max_part_size=1024 * 1024)
                    if not auth.check_csrf(session["csrf"], given or body.get("csrf")):
                        raise HTTPException(403, "缺少或错误的安全令牌（CSRF），请刷新页面后重试。")
            if login and desk.config.accounts and request.state.account is None:
                return _login_redirect(request)
            return await fn(request, desk, body)

        endpoint.__name__ = fn.__name__
        return endpoint

    return wrap(fn) if fn is not None else wrap


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    desk: Desk = request.app.state.desk
    acc = request.state.account
    base = {"csrf": request.state.session["csrf"], "account": acc, "accounts_mode": desk.config.accounts,
            "is_admin": (acc is not None and acc.is_admin) or not desk.config.accounts,
            "version": _version(), "tab": ctx.pop("tab", "")}
    return desk.templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status_code)


def _version() -> str:
    from .. import __version__

    return __version__


def download(data: bytes, filename: str, media_type: str, inline: bool = False) -> Response:
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    disp = "inline" if inline else "attachment"
    return Response(data, media_type=media_type, headers={
        "content-disposition": f"{disp}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})


def job_view(job) -> dict[str, Any]:
    """A job row as the templates read it."""
    d = dict(job)
    d["spec"] = json.loads(job["spec"])
    d["result"] = json.loads(job["result"]) if job["result"] else {}
    d["progress"] = json.loads(job["progress"]) if job["progress"] else None
    d["done"] = job["status"] in DONE_STATES
    d["created_text"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(job["created"]))
    d["elapsed"] = ((job["finished"] or time.time()) - (job["started"] or job["created"])) if job["started"] else 0
    return d


def chromium() -> str | None:
    """The system's Chromium, for plan.pdf (None when not installed)."""
    import shutil

    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def render_pdf(plan_dir: Path, timeout: float = 120) -> Path | None:
    """``plan.pdf`` next to ``plan.html`` (which holds no script and loads nothing), printed by headless Chromium;
    made once and kept.  None when no browser is installed or printing fails."""
    import os
    import subprocess
    import tempfile

    pdf = plan_dir / "plan.pdf"
    if pdf.is_file():
        return pdf
    exe = chromium()
    if exe is None or not (plan_dir / "plan.html").is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="zp-pdf-") as tmp:
        out = Path(tmp) / "plan.pdf"
        cmd = [exe, "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic",
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}",
               (plan_dir / "plan.html").resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses its sandbox as root
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
            return None
        os.replace(out, pdf)
    return pdf


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# --------------------------------------------------------------------------------------------
# the application


def create_app(config: DeskConfig) -> Starlette:
    """The desk as an ASGI application (jobs start with the application's lifespan)."""
    from .routes import routes

    desk = Desk(config)
    if config.seed_data is not None:
        desk.seed(Path(config.seed_data), config.seed_name)

    @asynccontextmanager
    async def lifespan(app):
        desk.jobs.start()
        try:
            yield
        finally:
            desk.jobs.stop()

    async def http_error(request: Request, exc: HTTPException):
        words = {400: "请求有误", 401: "需要登录", 403: "拒绝访问", 404: "未找到", 405: "不支持的操作",
                 413: "文件过大", 429: "尝试过于频繁"}
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail and exc.status_code != 404 else ""
        if exc.status_code == 404:
            detail = "没有这个页面，或者您的账号无权查看。"
        if request.headers.get("hx-request") or request.headers.get("x-csrf-token"):
            return Response(detail or words.get(exc.status_code, ""), status_code=exc.status_code,
                            media_type="text/plain; charset=utf-8")
        if "session" not in request.scope.get("state", {}):
            return Response(detail, status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code, code=exc.status_code,
                      title=words.get(exc.status_code, "出错了"), detail=detail)

    app = Starlette(routes=[*routes(), Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static")],
                    lifespan=lifespan, exception_handlers={HTTPException: http_error})
    app.state.desk = desk
    wrapped = DeskMiddleware(app, desk)
    wrapped.state = app.state  # type: ignore[attr-defined]
    wrapped.routes = app.routes  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


__all__ += ["client_ip", "render", "download", "job_view", "read_json", "PLAN_DOWNLOADS", "DOWNLOAD_WORDS", "now_iso"]
