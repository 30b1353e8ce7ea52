"""Command-line interface: parse, load, solve, write.  No modelling logic here.

One module per command group registers its commands on :data:`app`; the shared options,
the error guard and the exit codes live in :mod:`zoneplan.cli.common`.

Exit codes (also in the README):

====  =====================================================================
0     success: plan proven optimal / check clean / input valid
1     ``check``: the plan breaks at least one rule (violations listed)
2     bad input or usage: nothing was written (problems listed, no traceback)
3     ``staff``/``zone``: a valid plan was written but not proven optimal
      (time limit), or the zoning is infeasible (explanations printed)
4     internal error (e.g. the checker rejected a plan zoneplan made)
130   interrupted (Ctrl-C or SIGTERM): nothing was written
====  =====================================================================
"""

from __future__ import annotations

from . import demo, explain, replan, staffing, sweep, template, zoning  # noqa: F401  (register the commands)
from . import living  # noqa: F401  (review, check-review, lead, areas)
from . import draw  # noqa: F401  (replay, seed; staff --draw)
from ..web.cli import register as _register_serve
from .common import EXIT_INPUT, EXIT_INTERNAL, EXIT_NOT_OPTIMAL, EXIT_OK, EXIT_VIOLATIONS, app

_register_serve(app)  # zoneplan serve: the web desk (zoneplan.web)

__all__ = ["app", "main", "EXIT_OK", "EXIT_VIOLATIONS", "EXIT_INPUT", "EXIT_NOT_OPTIMAL", "EXIT_INTERNAL"]


def main() -> None:
    """Console-script entry point (after :func:`zoneplan_cli.main` made start-up quiet).

    Once the command has returned, the process ends at once (:func:`~zoneplan.cli.common.leave`):
    every file is written and closed by then, and Python's own shut-down would only free
    the run's objects one by one (about 0.3 s after the dense benchmark, more after a national
    run) and wait for an abandoned solve asked ahead on a second thread."""
    from .common import HARD_EXIT, leave, raise_on_interrupt

    HARD_EXIT["on"] = True
    raise_on_interrupt()
    try:
        app()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)
