"""Atomic, deterministic output: a failed or interrupted run leaves no partial files.

Files are written into a temporary sibling folder first; only when every file is complete
are they moved into place (the folder is renamed when it did not exist, else the old
folder is moved aside and the new one renamed in).  CSVs are UTF-8 with ``\\n`` line
ends, rows sorted, floats with fixed decimals, so the same plan gives byte-identical files.

The temporary folders carry the writing process's id (``.plan.tmp-<pid>-...``).  A run that
was killed outright (``kill -9``) leaves them behind; the next write next to the same
folder removes those whose process is gone, and puts a plan that was moved aside but
never replaced back in place.  :func:`check_output_dir` finds an unusable ``--out`` before
any solving starts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

__all__ = ["write_outputs", "write_file", "frame_to_csv_bytes", "json_bytes", "check_output_dir", "OutputDirError",
           "remove_stale"]


class OutputDirError(ValueError):
    """The output folder cannot be written (exit code 2, nothing solved)."""


def frame_to_csv_bytes(df: pd.DataFrame, float_format: str = "%.2f") -> bytes:
    """CSV bytes, UTF-8, ``\\n`` line ends, fixed float format."""
    return df.to_csv(index=False, lineterminator="\n", float_format=float_format).encode("utf-8")


def json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def check_output_dir(out_dir: str | Path) -> Path:
    """Make sure ``out_dir`` can be written before any work is done.

    ``out_dir`` may exist (a folder: its other files are kept) or not (it is created,
    with any missing parents).  The nearest existing folder on the way must be writable.

    Raises
    ------
    OutputDirError
        A file is in the way, or a folder on the way cannot be written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"cannot write the output folder {out}: a file of that name is in the way")
    probe = out.parent if str(out.parent) else Path(".")
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputDirError(f"cannot write the output folder {out}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputDirError(f"cannot write the output folder {out}: no permission to write in {probe}")
    if out.is_dir() and not os.access(out, os.R_OK | os.X_OK):
        raise OutputDirError(f"cannot write the output folder {out}: no permission to read it "
                             "(its other files are carried over)")
    return out


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(out_dir: str | Path) -> list[Path]:
    """Remove temporary folders left next to ``out_dir`` by killed runs; returns them.

    A previous plan that a killed run had moved aside (``.name.old-<pid>-...``) but not yet
    replaced is put back first when ``out_dir`` is missing.
    """
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return []
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(tmp|old)-(\d+)-")
    removed = []
    for item in sorted(parent.iterdir()):
        m = pattern.match(item.name)
        if not m or int(m.group(2)) == os.getpid() or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old" and not out.exists() and (item / out.name).is_dir():
            os.replace(item / out.name, out)
        shutil.rmtree(item, ignore_errors=True)
        removed.append(item)
    return removed


def write_outputs(out_dir: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out_dir`` all at once, or not at all.

    The new folder is complete before it takes the place of the old one (other files the
    old folder held are carried over), so readers see either the old or the new set.
    """
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    remove_stale(out)
    tag = f".{out.name}.%s-{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(prefix=tag % "tmp", dir=parent))
    old = None
    try:
        os.chmod(tmp, _umask_mode())
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp / name, _umask_mode() & 0o666)
        if out.exists():
            for item in out.iterdir():  # keep what else the folder held
                if item.name not in files:
                    target = tmp / item.name
                    if item.is_dir() and not item.is_symlink():
                        shutil.copytree(item, target, symlinks=True)
                    else:
                        shutil.copy2(item, target, follow_symlinks=False)
            old = Path(tempfile.mkdtemp(prefix=tag % "old", dir=parent))
            os.replace(out, old / out.name)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists() and (old / out.name).exists():
            os.replace(old / out.name, out)  # put the previous plan back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [out / n for n in files]


def write_file(path: str | Path, data: bytes) -> Path:
    """Write one file atomically: a complete temporary sibling replaces ``path``, or nothing does."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a file name")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _umask_mode() & 0o666)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
