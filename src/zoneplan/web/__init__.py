"""The planner's web desk: ``zoneplan serve``.

A Starlette application with Jinja2 pages, a little htmx and a Leaflet map, every script,
style and font served from this package (no CDN, no build step).  Solves run in worker
processes (:mod:`~zoneplan.web.jobs`) through zoneplan's public functions; the desk itself
holds no modelling logic.  Security: loopback-only unless ``--host``; accounts (Argon2id),
server-side sessions, CSRF on every state-changing request, login rate limiting, county
scoping of every route, an append-only audit log, bounded uploads (:mod:`~zoneplan.web.uploads`).

Typical use::

    zoneplan serve                                   # the example county, local single-user desk
    zoneplan serve 青山县.xlsx --port 8080
    zoneplan serve --create-admin admin --state /srv/zoneplan     # then: --host 0.0.0.0 behind TLS
"""

from __future__ import annotations

__all__ = ["create_app", "DeskConfig"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "DeskConfig":
        from .config import DeskConfig

        return DeskConfig
    raise AttributeError(f"module 'zoneplan.web' has no attribute {name!r}")
