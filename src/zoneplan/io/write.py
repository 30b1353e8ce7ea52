"""Atomic, deterministic output: a failed run leaves no partial files.

Files are written into a temporary sibling folder first; only when every file is complete
are they moved into place (the folder is renamed when it did not exist, else each file is
replaced with ``os.replace``).  CSVs are UTF-8 with ``\\n`` line ends, rows sorted, floats
with fixed decimals, so the same plan gives byte-identical files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

__all__ = ["write_outputs", "write_file", "frame_to_csv_bytes", "json_bytes"]


def frame_to_csv_bytes(df: pd.DataFrame, float_format: str = "%.2f") -> bytes:
    """CSV bytes, UTF-8, ``\\n`` line ends, fixed float format."""
    return df.to_csv(index=False, lineterminator="\n", float_format=float_format).encode("utf-8")


def json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


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
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
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
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
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
