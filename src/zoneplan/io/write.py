"""Atomic, deterministic output: a failed or interrupted run leaves no partial files.

Files are written into a temporary sibling folder first (``.plan.tmp-<pid>-...``).  When
every file is complete and on disk, the new folder takes the place of ``--out`` in **one
atomic step**: on Linux the two folders are exchanged with ``renameat2(RENAME_EXCHANGE)``
(both names exist at every instant: a reader, a crash or ``kill -9`` sees either the whole
old plan or the whole new one), then the previous plan, now in the temporary folder, is
removed.  Where the exchange is not available (macOS, Windows, a file system that refuses
it), the old folder is moved aside and the new one renamed in: two steps, so a process
killed outright between them leaves ``--out`` missing until the next write next to it puts
the previous plan back (:func:`remove_stale`).  A first write (no ``--out`` yet) is one
rename everywhere.

Interrupts (SIGINT, SIGTERM) never leave a half-done state: the swap and the clean-up run
with both signals held back (they are delivered right after), so an interrupt arrives
either before the swap (nothing written, the temporary folder removed) or after it (the
new plan in place, the old one removed); :func:`written` tells the command which, so its
message says what is on disk.  Only ``kill -9`` can leave a temporary folder behind; the
next write next to the same folder removes those whose process is gone.

CSVs are UTF-8 with ``\\n`` line ends, rows sorted, floats with fixed decimals, so the same
plan gives byte-identical files.  :func:`check_output_dir` finds an unusable ``--out``
before any solving starts.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pandas as pd

from ..errors import Refusal
from ..i18n import N_
from ..runner import fault_point

__all__ = ["write_outputs", "write_file", "frame_to_csv_bytes", "json_bytes", "check_output_dir", "OutputDirError",
           "remove_stale", "written", "discard_pending", "held_signals", "EXCHANGE"]

#: Output folders this process has written in full (the commands' interrupt message reads it).
_WRITTEN: list[Path] = []
#: Temporary folders of this process not yet removed.
_PENDING: set[Path] = set()


def written() -> list[Path]:
    """The output folders this process has put in place, complete, in order."""
    return list(_WRITTEN)


def discard_pending() -> None:
    """Remove every temporary folder this process still holds (an interrupt's last step)."""
    with held_signals():
        for tmp in sorted(_PENDING):
            shutil.rmtree(tmp, ignore_errors=True)
        _PENDING.clear()


@contextmanager
def held_signals() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block has run, then reach the handlers in force.

    Only in the main thread (elsewhere Python cannot change handlers, and none run there).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []

    def hold(signum, frame):  # pragma: no cover - runs only when a signal arrives in the block
        got.append(signum)

    sigs = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    prev = {}
    for s in sigs:
        h = signal.getsignal(s)
        if h is not None:  # a handler set outside Python: leave it alone
            prev[s] = signal.signal(s, hold)
    try:
        yield
    finally:
        for s, h in prev.items():
            signal.signal(s, h)
        for s in dict.fromkeys(got):
            signal.raise_signal(s)


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


def _libc_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2  # glibc >= 2.28, musl >= 1.2.?
    except (OSError, AttributeError):  # pragma: no cover - old C library
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _libc_renameat2()
#: Whether this platform offers the atomic exchange (a file system may still refuse it).
EXCHANGE = _RENAMEAT2 is not None
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the two existing paths ``a`` and ``b`` in one atomic step; False where the
    platform or the file system cannot (then nothing happened)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _sync(folder: Path, names: list[str]) -> None:
    """Put the written files on disk before they take the place of the old ones.

    Linux: one ``syncfs`` of the file system (a plan of thousands of files pays one sync,
    not one per file); elsewhere ``fsync`` per file."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if sys.platform.startswith("linux"):
            try:
                if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                    return
            except (OSError, AttributeError):  # pragma: no cover
                pass
        for name in names:  # pragma: no cover - not Linux
            with open(folder / name, "rb") as fh:
                os.fsync(fh.fileno())
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _safe_name(name: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"output file name {name!r} must be a relative path inside the folder")
    return "/".join(parts)


def write_outputs(out_dir: str | Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
                  owned: Iterable[str] = ()) -> list[Path]:
    """Write ``files`` into ``out_dir`` all at once, or not at all.

    Parameters
    ----------
    out_dir : path
        The output folder; created with its parents when missing.
    files : mapping or iterable of (name, bytes)
        The files; a name may hold ``/`` (a sub-folder).  An iterable is consumed while
        writing, so a large output need not be held in memory at once.
    owned : iterable of str
        Top-level names this writer manages: an old file or folder of one of these names
        that the new set lacks is *not* carried over (e.g. the per-county folder of an
        earlier run).  Every other file the old folder held is carried over.

    The new folder is complete and on disk before it takes the place of the old one in one
    step (see the module doc), so readers see either the old or the new set.
    """
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    remove_stale(out)
    tag = f".{out.name}.%s-{os.getpid()}-"
    mode = _umask_mode()
    with held_signals():
        tmp = Path(tempfile.mkdtemp(prefix=tag % "tmp", dir=parent))
        _PENDING.add(tmp)
    old = None
    names: list[str] = []
    try:
        os.chmod(tmp, mode)
        items = files.items() if isinstance(files, Mapping) else files
        for name, data in items:
            name = _safe_name(name)
            target = tmp / name
            if "/" in name:
                target.parent.mkdir(mode=mode, parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
            os.chmod(target, mode & 0o666)
            names.append(name)
            if len(names) == 1:
                fault_point("while-writing-temp")
        new_tops = {n.split("/", 1)[0] for n in names}
        skip = new_tops | set(owned)
        if out.exists():
            for item in out.iterdir():  # keep what else the folder held
                if item.name not in skip:
                    target = tmp / item.name
                    if item.is_dir() and not item.is_symlink():
                        shutil.copytree(item, target, symlinks=True)
                    else:
                        shutil.copy2(item, target, follow_symlinks=False)
        _sync(tmp, names)
        fault_point("before-swap")
        with held_signals():
            if out.exists() and _exchange(tmp, out):
                _WRITTEN.append(out)  # tmp now holds the previous plan
                fault_point("after-swap")
                shutil.rmtree(tmp, ignore_errors=True)
                _PENDING.discard(tmp)
            elif out.exists():  # no atomic exchange here: two renames
                old = Path(tempfile.mkdtemp(prefix=tag % "old", dir=parent))
                os.replace(out, old / out.name)
                fault_point("between-renames")
                os.replace(tmp, out)
                _PENDING.discard(tmp)
                _WRITTEN.append(out)
                fault_point("after-swap")
                shutil.rmtree(old, ignore_errors=True)
                old = None
            else:
                os.replace(tmp, out)
                _PENDING.discard(tmp)
                _WRITTEN.append(out)
                fault_point("after-swap")
            _fsync_dir(parent)
    except BaseException:
        with held_signals():
            if tmp in _PENDING:
                shutil.rmtree(tmp, ignore_errors=True)
                _PENDING.discard(tmp)
            if old is not None:
                if not out.exists() and (old / out.name).exists():
                    os.replace(old / out.name, out)  # put the previous plan back
                shutil.rmtree(old, ignore_errors=True)
        raise
    return [out / n for n in names]


def write_file(path: str | Path, data: bytes) -> Path:
    """Write one file atomically: a complete temporary sibling replaces ``path``, or nothing does."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise Refusal(N_("{path} is a folder; give a file name"), path=path)
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
