"""The ``zoneplan`` command's entry point: quiet interrupts from the very first moment.

It lives outside the :mod:`zoneplan` package so that it runs before the package's (heavy)
imports: a Ctrl-C or SIGTERM while pandas and OR-Tools load ends the process with exit
code 130 and one line, never a traceback.  Once the command runs, interrupts stop the
solve cleanly instead (see :mod:`zoneplan.cli.common`).
"""

import os
import signal
import sys


def _quit(signum, frame):  # pragma: no cover - exercised by the interrupt tests in subprocesses
    sys.stderr.write("interrupted; nothing was written\n")
    sys.stderr.flush()
    os._exit(130)


def _fault_at_start() -> None:
    """``ZONEPLAN_FAULT=start:SIGNAL``: the signal arrives before the package is imported
    (the interrupt tests; see :func:`zoneplan.runner.fault_point`, not importable yet)."""
    for item in os.environ.get("ZONEPLAN_FAULT", "").split(","):
        point, _, action = item.strip().partition(":")
        if point == "start":
            os.kill(os.getpid(), getattr(signal, "SIG" + (action or "INT").upper()))


def main() -> None:
    """Install the quiet handlers, then load and run the command line."""
    signal.signal(signal.SIGINT, _quit)
    signal.signal(signal.SIGTERM, _quit)
    _fault_at_start()
    from zoneplan.cli import main as run

    run()


if __name__ == "__main__":  # pragma: no cover
    main()
