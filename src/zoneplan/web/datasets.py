"""A workspace's input data: a checked copy of what the planner uploaded (or what the
command line named), loaded with :func:`zoneplan.load` before it becomes the current data.

A refused upload — too big, malformed, or with problems in the data — keeps nothing: its
folder is removed, and only the audit line (with the file's sha256) remains.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from .db import now_iso
from .uploads import UploadRefused, store_upload

__all__ = ["add_dataset_from_path", "accept_upload", "data_summary", "problem_lines", "UploadResult"]


def data_summary(tables) -> dict[str, Any]:
    """Counts a planner checks at a glance."""
    tw, inv = tables.townships, tables.investigators
    zoned = tw.loc[tw["zone"] != "", "zone"]
    return {
        "counties": sorted(c for c in set(tw["county"]) if c),
        "townships": int(len(tw)), "zones": int(zoned.nunique()),
        "investigators": int(len(inv)), "county_level": int((inv["level"] == "county").sum()),
        "available": int(inv["available"].sum()) if len(inv) else 0,
        "cases": int(len(tables.cases)), "relations": int(len(tables.relations)),
        "conflicts": int(len(tables.conflicts)),
        "adjacency": tables.adjacency is not None, "travel": tables.travel is not None,
        "boundaries": tables.boundaries is not None,
        "quality": [{"kind": i.kind, "text": i.render("zh")} for i in tables.quality.items],
        "sources": [{"table": n, "file": Path(s.path).name, "sha256": s.sha256} for n, s in sorted(tables.sources.items())],
    }


def problem_lines(exc, folder: Path, original: str) -> list[str]:
    """An InputError's lines in Chinese, with the desk's folder names replaced by the planner's file."""
    lines = exc.render("zh")
    out = []
    for line in lines:
        line = line.replace(str(folder) + "/", "").replace(str(folder), original)
        out.append(line)
    return out


def _new_dataset_dir(desk, sid: str) -> tuple[str, Path]:
    did = secrets.token_hex(8)
    folder = desk.space_dir(sid) / "datasets" / did
    folder.mkdir(parents=True)
    return did, folder


def _register(desk, sid: str, did: str, target: Path, original: str, sha: str, account: str | None, tables) -> None:
    desk.db.run("INSERT INTO datasets(id, space, original_name, sha256, path, created, account, summary) "
                "VALUES (?,?,?,?,?,?,?,?)", did, sid, original, sha, str(target), now_iso(), account,
                json.dumps(data_summary(tables), ensure_ascii=False))
    desk.db.run("UPDATE spaces SET dataset = ? WHERE id = ?", did, sid)


class UploadResult:
    """What an upload came to: ``ok`` with the dataset id, or the problems to show."""

    def __init__(self, ok: bool, sha256: str, problems: list[str] | None = None, dataset: str | None = None,
                 refused: str | None = None):
        self.ok, self.sha256, self.problems, self.dataset, self.refused = ok, sha256, problems or [], dataset, refused


def accept_upload(desk, sid: str, data: bytes, original: str, account: str | None) -> UploadResult:
    """Check, store and load an upload; it becomes the workspace's current data when it loads."""
    import zoneplan
    from ..errors import InputError

    sha = hashlib.sha256(data).hexdigest()
    did, folder = _new_dataset_dir(desk, sid)
    try:
        target = store_upload(data, original, folder, desk.config.limits)
        tables = zoneplan.load(target)
    except UploadRefused as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return UploadResult(False, sha, refused=str(exc))
    except InputError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return UploadResult(False, sha, problems=problem_lines(exc, folder, original))
    except Exception as exc:  # an unreadable file the loader did not word (corrupt workbook...)
        shutil.rmtree(folder, ignore_errors=True)
        return UploadResult(False, sha, refused=f"无法读取「{original}」：文件已损坏或格式不对（{type(exc).__name__}）。"
                                                "请在 Excel/WPS 中打开确认后另存为 .xlsx 再上传。")
    _register(desk, sid, did, target, original, sha, account, tables)
    return UploadResult(True, sha, dataset=did)


def _tree_hash(path: Path) -> str:
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        h.update(f.name.encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def add_dataset_from_path(desk, path: Path, name: str | None) -> str:
    """The workspace for data named on the command line (created on first use); a copy of
    the data becomes its current dataset unless it already is.  Returns the workspace id."""
    import zoneplan

    path = Path(path)
    tables = zoneplan.load(path)
    counties = sorted(c for c in set(tables.townships["county"]) if c)
    title = name or ("、".join(counties) if 0 < len(counties) <= 2 else path.stem if path.is_file() else path.name)
    kind = "prefecture" if len(counties) > 1 else "county"
    row = desk.db.one("SELECT * FROM spaces WHERE name = ?", title)
    if row is None:
        sid = secrets.token_hex(6)
        desk.db.run("INSERT INTO spaces(id, name, kind, parent, created) VALUES (?,?,?,?,?)", sid, title, kind, None,
                    now_iso())
    else:
        sid = row["id"]
    sha = _tree_hash(path)
    cur = desk.db.one("SELECT d.sha256 FROM spaces s JOIN datasets d ON d.id = s.dataset WHERE s.id = ?", sid)
    if cur is not None and cur["sha256"] == sha:
        return sid
    did, folder = _new_dataset_dir(desk, sid)
    if path.is_file():
        target = folder / path.name
        shutil.copy2(path, target)
    else:
        for f in path.iterdir():
            if f.is_file():
                shutil.copy2(f, folder / f.name)
        target = folder
    _register(desk, sid, did, target, path.name, sha, "命令行", zoneplan.load(target))
    desk.db.audit("data_seed", account="命令行", space=sid, file=path.name, sha256=sha)
    return sid
