"""Plan history: every published plan kept, dated, with the inputs it was made from.

``staff --history DIR`` copies the plan just written into
``DIR/<UTC time>-<input hash>/`` (e.g. ``DIR/20261104T083012Z-3fa9c2d1/``) with a
``manifest.json``: the time (UTC, ISO 8601), the sha256 of every input file and a short
hash of them all, the options, the zoneplan version, status and objective figures (and the
change counts of a re-plan).  Entries are never changed afterwards.

An entry is named on the command line as its folder, or as ``DIR@latest`` (the newest),
``DIR@-1`` (the one before it, ``@-2`` the one before that...), ``DIR@first``, or
``DIR@<name prefix>``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .write import json_bytes, write_outputs

__all__ = ["save_entry", "list_entries", "resolve_plan", "MANIFEST", "PLAN_FILES"]

MANIFEST = "manifest.json"

#: Files of a plan folder copied into a history entry (those present).
PLAN_FILES = ("assignments.csv", "unstaffed.csv", "workload.csv", "report.json", "changes.csv")


def _input_hash(inputs: dict[str, dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for name in sorted(inputs):
        h.update(f"{name}:{inputs[name]['sha256']}\n".encode())
    return h.hexdigest()[:8]


def save_entry(history_dir: str | Path, plan_dir: str | Path, tables, result, now: datetime | None = None) -> Path:
    """Copy the plan in ``plan_dir`` into a new entry of ``history_dir``; returns its folder.

    The entry is written atomically (:func:`~zoneplan.io.write.write_outputs`); a name
    already taken (two runs in one second) gets ``-2``, ``-3``...
    """
    from .. import __version__

    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    inputs = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
              for name, s in sorted(tables.sources.items())}
    short = _input_hash(inputs)
    base = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{short}"
    root = Path(history_dir)
    name, k = base, 1
    while (root / name).exists():
        k += 1
        name = f"{base}-{k}"
    files = {f: (Path(plan_dir) / f).read_bytes() for f in PLAN_FILES if (Path(plan_dir) / f).is_file()}
    manifest = {
        "entry": name, "created_utc": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "created": now.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "zoneplan_version": __version__, "input_hash": short, "inputs": inputs,
        "status": str(result.status), "levels": result.levels.to_dict(),
        "staffed_cases": result.staffed_cases, "unstaffed_cases": int(len(result.unstaffed)),
        "changes": result.change_summary, "options": result.options,
    }
    files[MANIFEST] = json_bytes(manifest)
    write_outputs(root / name, files)
    return root / name


def list_entries(history_dir: str | Path) -> list[dict[str, Any]]:
    """The entries of ``history_dir``, oldest first: each manifest plus its ``path``.

    Raises
    ------
    FileNotFoundError
        ``history_dir`` is not a folder.
    """
    root = Path(history_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no plan history at {root} (a folder written by staff --history)")
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file()):
        m = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
        m["path"] = str(d)
        out.append(m)
    return sorted(out, key=lambda m: (m.get("created", m.get("created_utc", "")), m["entry"]))


def resolve_plan(ref: str | Path) -> Path:
    """A plan folder or file for ``ref``: a path, or ``DIR@latest`` / ``DIR@-k`` /
    ``DIR@first`` / ``DIR@<entry name prefix>`` for a history entry.

    Raises
    ------
    FileNotFoundError
        No such history or entry (the message lists what there is).
    """
    text = str(ref)
    if "@" not in text or Path(text).exists():
        return Path(text)
    root, _, sel = text.rpartition("@")
    entries = list_entries(root)
    if not entries:
        raise FileNotFoundError(f"the plan history {root} holds no entries")
    names = [e["entry"] for e in entries]
    if sel == "latest":
        return Path(entries[-1]["path"])
    if sel == "first":
        return Path(entries[0]["path"])
    if sel.startswith("-") and sel[1:].isdigit():
        k = int(sel[1:])
        if k >= len(entries):
            raise FileNotFoundError(f"{text}: the history {root} holds {len(entries)} entries; "
                                    f"@-{len(entries) - 1} is the oldest")
        return Path(entries[-1 - k]["path"])
    hits = [e for e in entries if e["entry"].startswith(sel)]
    if len(hits) == 1:
        return Path(hits[0]["path"])
    raise FileNotFoundError(f"{text}: {'no' if not hits else 'more than one'} entry of {root} starts with {sel!r}; "
                            f"entries: {', '.join(names[-5:])}")
