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


def main() -> None:
    """Install the quiet handlers, then load and run the command line."""
    signal.signal(signal.SIGINT, _quit)
    signal.signal(signal.SIGTERM, _quit)
    from zoneplan.cli import main as run

    run()


if __name__ == "__main__":  # pragma: no cover
    main()
