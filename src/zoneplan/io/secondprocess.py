"""The second process of a run, seen from the run: start it, hand it jobs, take the answers,
end it.  It builds a split plan's county files (:func:`zoneplan.io.bycounty.county_files`),
words its recusal list (:func:`zoneplan.io.planview.word_details`) and draws a plan's maps
(:func:`zoneplan.io.planmaps.draw_maps`) while the run does the rest;
what it runs is :mod:`zoneplan.io.sideworker`.

It is started as ``python -c "...; from zoneplan.io.sideworker import main; main()" SRC
[WARM...]`` (SRC: the folder this process's zoneplan was imported from) -- a fresh
interpreter, never a fork of the planner with its solver threads, and never a re-run of the
caller's script (as :mod:`multiprocessing`'s spawn would do with a script that has no
``__main__`` guard).  A job it does not answer (``None``) is done by the run itself.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from typing import Any

__all__ = ["SecondProcess", "READY"]

#: What the process sends first, once its start-up is over.
READY = "ready"

_START = ("import sys; p = sys.argv[1]; p in sys.path or sys.path.insert(0, p); "
          "from zoneplan.io.sideworker import main; main()")


class SecondProcess:
    """The second process and its two pipes; a job is written by a thread, so the planner goes
    on with its own work while the other reads."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.writer: threading.Thread | None = None
        self._ready = False  # its "ready" (sent when its start-up is over) was read

    @classmethod
    def start(cls, warm: tuple[str, ...] = ("county",)) -> "SecondProcess | None":
        # the same zoneplan as this process, also when it was put on sys.path by hand; the folder
        # goes first only when a fresh interpreter lacks it (never ahead of the standard library
        # when it is site-packages)
        src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        try:
            proc = subprocess.Popen([sys.executable, "-c", _START, src, *warm], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)
        except OSError:  # pragma: no cover
            return None
        return cls(proc)

    def send(self, kind: str, args: tuple) -> bool:
        """Hand over a job; its answer comes with :meth:`receive` (jobs are answered in order)."""
        data = pickle.dumps((kind, args), protocol=pickle.HIGHEST_PROTOCOL)

        def write() -> None:
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass

        if self.writer is not None:
            self.writer.join()
        self.writer = threading.Thread(target=write, daemon=True)
        self.writer.start()
        return True

    def ready(self, wait: bool = False) -> bool:
        """Whether its start-up is over (the imports its jobs need are done), without waiting
        unless ``wait``: a job handed to a process still starting may be answered later than
        the run would do it itself (a small run solves in less time than Python and
        matplotlib take to load)."""
        if self._ready:
            return True
        if not wait:
            try:
                import select

                if not select.select([self.proc.stdout], [], [], 0)[0]:
                    return False
            except (OSError, ValueError):  # pragma: no cover - no select on pipes here
                return False
        try:
            self._ready = pickle.load(self.proc.stdout) == READY
        except (EOFError, OSError, pickle.UnpicklingError):
            return False
        return self._ready

    def receive(self) -> Any:
        """The next job's answer; None when the job failed or the process is gone."""
        if not self.ready(wait=True):
            return None
        try:
            return pickle.load(self.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            return None

    def stop(self) -> None:
        """End the process (at once, whatever it is doing); calling it again does nothing."""
        try:
            self.proc.kill()
        except OSError:  # pragma: no cover
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:  # pragma: no cover
                pass
        self.proc.wait()
        if self.writer is not None:
            self.writer.join(timeout=1.0)
