"""The second process that builds a split plan's county files (:func:`zoneplan.io.bycounty.county_files`).

Started as ``python -c "...; from zoneplan.io.countyworker import main; main()" SRC`` (SRC: the
folder this process's zoneplan was imported from) -- a fresh interpreter, never a fork of the
planner with its solver threads, and never a re-run of the caller's script (as
:mod:`multiprocessing`'s spawn would do with a script that has no ``__main__`` guard).  It
reads batches (the view cut to some counties, pickled) on standard input and answers each
with its files (pickled) on standard output, until its input closes.  It ignores Ctrl-C: the
planner stops it.  Anything that goes wrong here is answered with ``None``, and the planner
builds that batch itself (the same code: the error, if any, is reported there).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "wb")  # the answers' channel; anything printed goes to stderr
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    try:
        from .bycounty import _county_files
    except BaseException:  # pragma: no cover - a broken installation: the planner builds every batch
        _county_files = None
    while True:
        try:
            job = pickle.load(inp)
        except (EOFError, OSError, pickle.UnpicklingError):
            return
        try:
            answer = None if _county_files is None else list(_county_files(*job))
        except BaseException:  # noqa: BLE001 - the planner repeats the batch and reports
            answer = None
        try:
            pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
        except OSError:  # the planner has gone
            return


if __name__ == "__main__":
    main()
