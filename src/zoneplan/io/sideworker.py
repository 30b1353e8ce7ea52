"""What the run's second process runs (started by :class:`zoneplan.io.secondprocess.SecondProcess`).

WARM (its arguments after the package folder) names the jobs it will get (``county``,
which stands for ``wording`` too, the recusal list's; ``maps``): it imports what they need at
once, so a process started before the solve has matplotlib loaded and the map font read when
the plan is ready.  Then it sends :data:`~zoneplan.io.secondprocess.READY`, reads jobs
``(kind, args)`` (pickled) on standard input and answers each with its result (pickled) on
standard output, until its input closes.  It ignores Ctrl-C: the run stops it.  Anything
that goes wrong here is answered with ``None``, and the run does that job itself (the same
code: the error, if any, is reported there).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any

from .secondprocess import READY

__all__ = ["main"]


def _county(*args: Any) -> list:
    from .bycounty import _county_files

    return list(_county_files(*args))


def _maps(*args: Any) -> dict:
    from .planmaps import draw_maps

    return draw_maps(*args)


def _wording(*args: Any) -> tuple:
    from .planview import word_details

    return word_details(*args)


def _warm_county() -> None:
    from . import bycounty  # noqa: F401 - pandas, the templates, the sheet writer


def _warm_maps() -> None:
    """Import matplotlib and the map modules, and read the map font by drawing one line with it
    (the output of later maps does not depend on this)."""
    import io

    from matplotlib.figure import Figure

    from . import planmaps  # noqa: F401
    from ..maps import fonts

    with fonts.font_context():
        fig = Figure(figsize=(1, 1))
        fig.text(0.1, 0.5, fonts.PROBE + "0123")
        fig.savefig(io.BytesIO(), format="png")


_JOBS = {"county": (_county, _warm_county), "wording": (_wording, _warm_county), "maps": (_maps, _warm_maps)}


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "wb")  # the answers' channel; anything printed goes to stderr
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    for kind in sys.argv[2:]:
        try:
            _JOBS[kind][1]()
        except BaseException:  # noqa: BLE001 - a broken installation: the planner does every job
            pass
    try:
        pickle.dump(READY, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
    except OSError:  # the planner has gone
        return
    while True:
        try:
            kind, args = pickle.load(inp)
        except (EOFError, OSError, pickle.UnpicklingError, TypeError, ValueError):
            return
        try:
            answer = _JOBS[kind][0](*args)
        except BaseException:  # noqa: BLE001 - the planner repeats the job and reports
            answer = None
        try:
            pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
        except OSError:  # the planner has gone
            return


if __name__ == "__main__":
    main()
