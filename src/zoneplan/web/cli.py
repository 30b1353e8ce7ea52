"""``zoneplan serve``: the web desk from the command line (registered on the CLI app)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from ..i18n import N_, default_lang, tr
from ..io.wording import ERROR

__all__ = ["register", "serve", "build_config"]


def build_config(data: Optional[Path], host: str, port: int, state: Optional[Path], db: Optional[Path], jobs: int,
                 max_upload_mb: int, max_rows: int, name: Optional[str], allowed_hosts: list[str],
                 secure_cookies: Optional[bool], tls: bool = False, time_limit: float = 60.0,
                 behind_proxy: bool = False):
    """The :class:`~zoneplan.web.config.DeskConfig` for these options (and the example county by default)."""
    from .config import DeskConfig, default_state_dir, is_loopback
    from .uploads import Limits

    state = Path(state) if state is not None else default_state_dir()
    local = is_loopback(host) and not behind_proxy  # a proxy brings the network to a loopback desk
    if data is None and local:
        from ..cli.demo import examples_dir

        data = examples_dir() / "county"
        name = name or None
    return DeskConfig(
        state=state, db_path=Path(db) if db is not None else state / "desk.sqlite", host=host, port=port,
        accounts=not local, secure_cookies=(not local or tls) if secure_cookies is None else secure_cookies,
        slots=max(1, jobs), limits=Limits(max_bytes=max_upload_mb * 1024 * 1024, max_rows=max_rows),
        allowed_hosts=tuple(h.lower() for h in allowed_hosts), seed_data=data, seed_name=name, time_limit=time_limit)


def serve(
    data: Optional[Path] = typer.Argument(None, help="Data to open (a folder of CSVs or a workbook); default: the "
                                          "example county, on the local desk."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Anything but loopback requires "
                             "accounts (create the first admin with --create-admin)."),
    port: int = typer.Option(8000, "--port", help="Port."),
    state: Optional[Path] = typer.Option(None, "--state", help="Folder for the desk's data (uploads, plans, jobs); "
                                         "default $ZONEPLAN_STATE or ~/.local/share/zoneplan/desk."),
    db: Optional[Path] = typer.Option(None, "--db", help="The SQLite database (accounts, jobs, audit log); "
                                      "default STATE/desk.sqlite."),
    name: Optional[str] = typer.Option(None, "--name", help="Workspace name for DATA (default: its county)."),
    jobs: int = typer.Option(2, "--jobs", help="Solves running at once (worker processes)."),
    max_upload_mb: int = typer.Option(20, "--max-upload-mb", help="Largest upload accepted."),
    max_rows: int = typer.Option(200_000, "--max-rows", help="Most lines in one sheet or CSV of an upload."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Default time limit of a solve (seconds)."),
    allowed_host: list[str] = typer.Option([], "--allowed-host", help="Host names the desk answers to (repeatable; "
                                           "default: loopback names on loopback, any name otherwise)."),
    certfile: Optional[Path] = typer.Option(None, "--certfile", help="TLS certificate (else: TLS at the reverse proxy)."),
    keyfile: Optional[Path] = typer.Option(None, "--keyfile", help="TLS key."),
    proxy: list[str] = typer.Option([], "--proxy", help="Address of the reverse proxy whose X-Forwarded-* headers "
                                    "are trusted (repeatable)."),
    create_admin: Optional[str] = typer.Option(None, "--create-admin", help="Create an admin account of this name "
                                               "(asks for the password), then exit."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="With --create-admin: read the password "
                                        "from standard input."),
    open_browser: bool = typer.Option(False, "--open", help="Open the desk in the browser."),
) -> None:
    """Start the planner's web desk: upload a workbook, staff, read and publish the plan, zone on the map."""
    from ..cli.common import EXIT_INPUT

    try:
        import argon2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        typer.echo(tr(_WORDS["extra"], default_lang(), name=exc.name), err=True)
        raise typer.Exit(EXIT_INPUT)
    cfg = build_config(data, host, port, state, db, jobs, max_upload_mb, max_rows, name, allowed_host,
                       None, tls=certfile is not None, time_limit=time_limit, behind_proxy=bool(proxy))
    if create_admin is not None:
        from . import auth
        from .db import Db, init_db

        init_db(cfg.db_path)
        if password_stdin:
            pw = sys.stdin.readline().rstrip("\n")
        else:
            pw = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
        d = Db(cfg.db_path)
        try:
            auth.create_account(d, create_admin, pw, is_admin=True)
        except ValueError as exc:
            typer.echo(tr(ERROR, default_lang(), msg=exc), err=True)
            raise typer.Exit(EXIT_INPUT)
        d.audit("account_create", account="命令行", username=create_admin, is_admin=True)
        typer.echo(tr(_WORDS["admin"], default_lang(), name=create_admin, db=cfg.db_path))
        return
    if cfg.accounts:
        from .db import Db, init_db

        init_db(cfg.db_path)
        if Db(cfg.db_path).one("SELECT 1 FROM accounts WHERE is_admin = 1 AND active = 1") is None:
            typer.echo(tr(_WORDS["accounts"], default_lang(), state=cfg.state), err=True)
            raise typer.Exit(EXIT_INPUT)
    run(cfg, certfile=certfile, keyfile=keyfile, proxies=proxy, open_browser=open_browser)


_WORDS = {
    "extra": N_('error: the web desk needs its extra packages ({name} is missing): pip install "zoneplan[web]"'),
    "admin": N_("admin account {name} created ({db})."),
    "accounts": N_("error: listening on another address than 127.0.0.1 (or behind a proxy) requires accounts; create "
                   "the first admin first:  zoneplan serve --create-admin NAME --state {state}"),
    "single": N_("single-user mode on this machine (no login)"),
    "accounts_mode": N_("accounts mode (login required)"),
    "started": N_("zoneplan web desk: {url}  {mode}; data in {state}; Ctrl-C stops it."),
}


def run(cfg, certfile=None, keyfile=None, proxies=(), open_browser=False) -> None:
    """Serve ``cfg`` with uvicorn until interrupted."""
    import logging

    import uvicorn

    from .app import create_app

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("zoneplan.web").setLevel(logging.INFO)
    app = create_app(cfg)
    scheme = "https" if certfile else "http"
    url = f"{scheme}://{'127.0.0.1' if cfg.host in ('127.0.0.1', '0.0.0.0') else cfg.host}:{cfg.port}/"
    lang = default_lang()
    mode = tr(_WORDS["single" if not app.state.desk.config.accounts else "accounts_mode"], lang)
    typer.echo(tr(_WORDS["started"], lang, url=url, mode=mode, state=cfg.state))
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    uvicorn.run(app, host=cfg.host, port=cfg.port, log_level="warning", access_log=False,
                ssl_certfile=str(certfile) if certfile else None, ssl_keyfile=str(keyfile) if keyfile else None,
                proxy_headers=bool(proxies), forwarded_allow_ips=list(proxies) or None, timeout_graceful_shutdown=5)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the CLI (``zoneplan.cli``)."""
    from ..cli.common import _guard

    app.command("serve")(_guard(serve))
