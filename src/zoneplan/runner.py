"""Running solves: one deadline for the whole run, cancelling from another thread, and a
thread pool whose results never depend on the number of threads.

* :class:`Cancel` is the handle a caller keeps to stop a running solve from any thread (a
  GUI button, a signal handler): :meth:`Cancel.cancel` stops every CP-SAT search in flight
  (``StopSearch``) and every later step returns at once with the best plan so far.
* :class:`Budget` is the wall-clock deadline of a whole run plus the cancel handle; every
  step asks it how much time is left.
* :func:`parallel_map` runs independent jobs on a thread pool and returns their results in
  job order.  CP-SAT releases the GIL while it searches, so parts really run side by side.
  The calling thread only waits, so a Ctrl-C reaches Python within milliseconds.
* :func:`cpsat_parameters` sets the parameters every CP-SAT call of zoneplan shares.  CP-SAT
  must not install its own SIGINT handler (``catch_sigint_signal``): with several solves
  on threads its handlers race each other and Python's (``std::bad_function_call``).
* :func:`process_elapsed` is the time since the process started (interpreter start-up
  included), so a command's time limit can cover everything the command does.
* :func:`fault_point` marks a named point of a run where a test may inject a signal
  (``ZONEPLAN_FAULT``); the interrupt tests use it instead of sleeping and hoping.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator, TypeVar

from ortools.sat.python import cp_model

__all__ = ["Cancel", "Budget", "parallel_map", "run_off_main", "cpsat_parameters", "Cancelled", "process_elapsed",
           "fault_point", "FAULT_POINTS"]

T = TypeVar("T")
R = TypeVar("R")


class Cancelled(Exception):
    """Raised inside a run when its :class:`Cancel` handle was used; never leaves ``staff``."""


class Cancel:
    """A handle to stop a running solve from another thread.

    Examples
    --------
    >>> cancel = Cancel()
    >>> # threading.Timer(5, cancel.cancel).start(); zoneplan.staff(tables, cancel=cancel)
    >>> cancel.cancelled
    False
    """

    def __init__(self, deadline: float | None = None) -> None:
        #: ``time.perf_counter()`` value by which every run using this handle must stop
        #: searching (None: only the run's own time limit); a command sets it so that its
        #: whole run, writing included, stays within ``--time-limit``.
        self.deadline = deadline
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._stoppers: dict[int, Callable[[], Any]] = {}
        self._next = 0

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Stop the run: every search in flight stops, the next steps are skipped.

        Safe to call from any thread, several times, and from a signal handler.
        """
        self._event.set()
        with self._lock:
            stoppers = list(self._stoppers.values())
        for stop in stoppers:
            try:
                stop()
            except Exception:  # pragma: no cover - a solver that already finished
                pass

    @contextmanager
    def stopping(self, stop: Callable[[], Any]) -> Iterator[None]:
        """Register ``stop`` (e.g. ``solver.stop_search``) while a search runs."""
        with self._lock:
            key = self._next
            self._next += 1
            self._stoppers[key] = stop
        try:
            if self.cancelled:
                stop()
            yield
        finally:
            with self._lock:
                self._stoppers.pop(key, None)


class Budget:
    """The deadline of a whole run (``None``: no limit) and its cancel handle.

    The deadline is the earlier of ``start + seconds`` and the cancel handle's own
    ``deadline`` (set by a command whose time limit also covers loading and writing).
    """

    def __init__(self, seconds: float | None, cancel: Cancel | None = None, start: float | None = None):
        self.start = time.perf_counter() if start is None else start
        self.deadline = None if seconds is None else self.start + seconds
        self.cancel = cancel or Cancel()
        outer = self.cancel.deadline
        if outer is not None:
            self.deadline = outer if self.deadline is None else min(self.deadline, outer)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a limit."""
        return None if self.deadline is None else max(0.0, self.deadline - time.perf_counter())

    @property
    def stopped(self) -> bool:
        """Out of time or cancelled."""
        return self.cancel.cancelled or (self.deadline is not None and time.perf_counter() >= self.deadline)

    def check(self) -> None:
        """Raise :class:`Cancelled` when the run was cancelled."""
        if self.cancel.cancelled:
            raise Cancelled()

    def until(self, fraction_of_rest: float = 1.0, reserve: float = 0.0) -> "Budget":
        """A budget ending earlier: ``reserve`` seconds before this one, at most
        ``fraction_of_rest`` of the time left.  Shares the cancel handle."""
        if self.deadline is None:
            return Budget(None, self.cancel, self.start)
        left = max(0.0, self.deadline - time.perf_counter() - reserve) * fraction_of_rest
        b = Budget(None, self.cancel, self.start)
        b.deadline = time.perf_counter() + left
        return b


def process_elapsed() -> float:
    """Seconds since this process started, interpreter start-up and imports included.

    Linux: from ``/proc`` (the kernel's start time of the process, 10 ms steps); elsewhere
    the time since :mod:`zoneplan.runner` was imported (start-up before it is not seen).
    """
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):  # pragma: no cover - not Linux
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()

#: The named points of a command where :func:`fault_point` may inject a signal, in run order.
#: ``start`` is checked by the console entry point itself (before the package is imported).
FAULT_POINTS = ("start", "after-load", "during-solve", "before-write", "while-writing-temp", "before-swap",
                "after-swap", "between-renames")


def fault_point(name: str) -> None:
    """Fault injection for tests: send this process the signal ``ZONEPLAN_FAULT`` names for
    point ``name``.

    ``ZONEPLAN_FAULT`` holds ``point:SIGNAL`` items separated by commas, e.g.
    ``after-swap:INT`` or ``before-swap:KILL`` (``INT``, ``TERM``, ``KILL``); unset (always, in
    real use), this does nothing.  The signal is sent with ``os.kill`` to the process itself,
    so it arrives exactly there: a Python handler runs before the next line, ``KILL`` ends
    the process on the spot.
    """
    spec = os.environ.get("ZONEPLAN_FAULT")
    if not spec:
        return
    for item in spec.split(","):
        point, _, action = item.strip().partition(":")
        if point == name:
            sig = getattr(signal, "SIG" + (action or "INT").upper(), None)
            if sig is None:
                raise ValueError(f"ZONEPLAN_FAULT: unknown signal {action!r} at point {name!r}")
            sys.stdout.flush()
            sys.stderr.flush()
            os.kill(os.getpid(), sig)


def cpsat_parameters(solver: cp_model.CpSolver, *, seed: int, budget: Budget | None = None,
                     deterministic_time: float | None = None, workers: int = 1) -> None:
    """The parameters every CP-SAT solve of zoneplan shares."""
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = seed
    p.catch_sigint_signal = False
    p.log_search_progress = False
    if budget is not None:
        left = budget.remaining()
        if left is not None:
            p.max_time_in_seconds = max(0.001, left)
    if deterministic_time is not None:
        p.max_deterministic_time = deterministic_time


#: Seconds an interrupted :func:`parallel_map` waits for its threads to stop.
INTERRUPT_WAIT = 1.0


def run_off_main(fn: Callable[[], R], budget: Budget) -> R:
    """``fn()`` on a worker thread while the calling thread waits (so signals get through)."""
    return parallel_map(lambda _: fn(), [0], 1, budget)[0]


def parallel_map(fn: Callable[[T], R], jobs: Sequence[T], workers: int, budget: Budget,
                 weight: Callable[[T], float] | None = None,
                 on_done: Callable[[int, int], None] | None = None) -> list[R]:
    """``[fn(job) for job in jobs]``, run on ``workers`` threads, results in job order.

    Jobs start largest ``weight`` first (so one big job does not end the run alone).  The
    calling thread only waits (and reports ``on_done(done, total)``), so a signal reaches
    Python at once; an exception there (e.g. ``KeyboardInterrupt``) cancels the budget,
    lets the running jobs stop and is raised again.  A job's exception is raised too.
    """
    n = len(jobs)
    if n == 0:
        return []
    order = list(range(n)) if weight is None else sorted(range(n), key=lambda k: (-weight(jobs[k]), k))
    results: list[Any] = [None] * n
    errors: list[BaseException] = []
    lock = threading.Lock()
    queue = iter(order)
    done = [0]

    def work() -> None:
        while True:
            with lock:
                k = None if errors else next(queue, None)
            if k is None:
                return
            try:
                results[k] = fn(jobs[k])
            except BaseException as exc:  # handed to the calling thread
                with lock:
                    errors.append(exc)
                return
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=work, name=f"zoneplan-{t}", daemon=True) for t in range(max(1, min(workers, n)))]
    for th in threads:
        th.start()
    reported = -1
    try:
        while any(th.is_alive() for th in threads):
            for th in threads:
                th.join(timeout=0.05)
            if on_done and done[0] != reported:
                reported = done[0]
                on_done(reported, n)
    except BaseException:
        # stop the searches; wait a moment for them (a solver that cannot be interrupted
        # is left to its time limit on its daemon thread)
        budget.cancel.cancel()
        for th in threads:
            th.join(timeout=INTERRUPT_WAIT / len(threads))
        raise
    if errors:
        raise errors[0]
    if on_done and reported != n:
        on_done(n, n)
    return results
