"""The desk's settings (from ``zoneplan serve``'s options)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from .uploads import Limits

__all__ = ["DeskConfig", "is_loopback", "default_state_dir"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_state_dir() -> Path:
    """``$ZONEPLAN_STATE``, else ``$XDG_DATA_HOME/zoneplan/desk``, else ``~/.local/share/zoneplan/desk``."""
    if os.environ.get("ZONEPLAN_STATE"):
        return Path(os.environ["ZONEPLAN_STATE"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "zoneplan" / "desk"


@dataclass(frozen=True)
class DeskConfig:
    """Where the desk keeps its data and how it meets the network.

    ``accounts`` is True when logging in is required: always when the desk listens on
    another address than loopback, and whenever the database holds accounts.
    ``secure_cookies`` marks cookies ``Secure`` (with the ``__Host-`` prefix): on unless
    the desk runs on loopback over plain HTTP.
    """

    state: Path
    db_path: Path
    host: str = "127.0.0.1"
    port: int = 8000
    accounts: bool = False
    secure_cookies: bool = False
    slots: int = 2
    limits: Limits = field(default_factory=Limits)
    allowed_hosts: tuple[str, ...] = ()
    seed_data: Path | None = None
    seed_name: str | None = None
    time_limit: float = 60.0

    @property
    def local(self) -> bool:
        return is_loopback(self.host)
