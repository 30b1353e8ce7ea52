"""Running a sweep, or a staffing run split by county, on Dask distributed.

A local cluster of worker processes by default (one thread each), or an existing cluster
given by its scheduler address (``dask scheduler`` / ``dask worker``).  The input goes to the
cluster once, as the argument of one task (:func:`_share`) on which every scenario depends:
each worker fetches its result once (from a peer) and keeps it; unlike scattered data it is
recomputed when every worker holding it dies.  Tasks are submitted with ``retries`` (a task
that raised runs again; a task whose worker dies is rescheduled by Dask on another worker),
results stream back with :func:`distributed.as_completed` and are put back in scenario
order, so the tables never depend on the number of workers or on who finished first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..data.tables import Tables
from ..options import RuleOptions, SolveOptions
from .run import Payload, StaffPayload, county_groups, merge_group_results, run_scenario, staff_group
from .scenarios import Scenario

__all__ = ["dask_client", "run_sweep", "run_serial", "staff_on_cluster", "RETRIES"]

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

#: How often a task that raised is run again before the sweep gives up.
RETRIES = 2


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, timeout: float = 30.0) -> Iterator[Any]:
    """A Dask client: on the cluster at ``scheduler``, else on a new local cluster of processes.

    The local cluster has ``workers`` processes (default: the machine's cores) of one thread
    each, its status pages on a free port (never a fixed one another run may hold), quiet
    logs, and is shut down when the block ends, also on Ctrl-C or an error.

    Raises
    ------
    ValueError
        When the scheduler cannot be reached within ``timeout`` seconds.
    """
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        with client:
            yield client
        return
    n = max(1, int(workers or os.cpu_count() or 1))
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        client.register_plugin(_leave_ctrl_c_plugin())
        yield client


def _leave_ctrl_c() -> None:
    """Take this worker process out of the terminal's process group: Ctrl-C reaches only the client.

    Otherwise the terminal sends SIGINT to the workers too, and a worker inside a CP-SAT solve
    dies of it (CP-SAT handles SIGINT itself) before the client can cancel and close cleanly.
    """
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _leave_ctrl_c_plugin() -> Any:
    """A Dask worker plugin running :func:`_leave_ctrl_c`, also on workers the nanny restarts."""
    from distributed import WorkerPlugin

    class LeaveCtrlC(WorkerPlugin):
        name = "zoneplan-leave-ctrl-c"
        idempotent = True

        def setup(self, worker: Any) -> None:
            _leave_ctrl_c()

    return LeaveCtrlC()


def _gather_in_order(client: Any, futures: Sequence[Any], progress: Progress | None, stage: str) -> list[Any]:
    """Results of ``futures`` in their order, collected as they finish (progress on each)."""
    from distributed import as_completed

    pos = {f.key: k for k, f in enumerate(futures)}
    out: list[Any] = [None] * len(futures)
    if progress:
        progress(stage, 0, len(futures))
    try:
        for done, fut in enumerate(as_completed(futures), 1):
            out[pos[fut.key]] = fut.result()
            if progress:
                progress(stage, done, len(futures))
    except BaseException:
        client.cancel(list(futures))
        raise
    return out


def _share(payload: Any) -> Any:
    """The input, as a task's result: what every scenario task depends on."""
    return payload


def _shared(client: Any, payload: Any, token: str) -> Any:
    """The input on the cluster, once, in a form Dask can recompute after losing it."""
    from distributed import wait

    t0 = time.perf_counter()
    fut = client.submit(_share, payload, key=f"input-{token}", pure=False)
    wait([fut])
    client.replicate([fut])  # to every worker now, rather than with their first scenario
    logger.info("input (%s) on the cluster in %.2fs", type(payload).__name__, time.perf_counter() - t0)
    return fut


def run_sweep(client: Any, payload: Payload, scenarios: Sequence[Scenario], progress: Progress | None = None,
              retries: int = RETRIES) -> list[dict[str, Any]]:
    """Every scenario through :func:`~zoneplan.sweep.run.run_scenario` on the cluster; results in order.

    Raises
    ------
    Exception
        What a scenario raised on its last try (the other scenarios are cancelled).
    """
    token = uuid.uuid4().hex[:8]
    pf = _shared(client, payload, token)
    futures = [client.submit(run_scenario, pf, sc, key=f"scenario-{token}-{k:05d}", retries=retries, pure=False)
               for k, sc in enumerate(scenarios)]
    try:
        return _gather_in_order(client, futures, progress, "scenarios")
    finally:
        client.cancel([pf])


def run_serial(payload: Payload, scenarios: Sequence[Scenario], progress: Progress | None = None) -> list[dict[str, Any]]:
    """The same as :func:`run_sweep`, in this process, one scenario after another (a baseline)."""
    out = []
    for k, sc in enumerate(scenarios):
        out.append(run_scenario(payload, sc))
        if progress:
            progress("scenarios", k + 1, len(scenarios))
    return out


def staff_on_cluster(client: Any, tables: Tables, rules: RuleOptions, options: SolveOptions,
                     progress: Progress | None = None, retries: int = RETRIES, groups: int = 16):
    """``zoneplan.staff`` split by county across the cluster; the same plan as one local run.

    The counties (sorted) are cut into at most ``groups`` runs of about equal cases
    (:func:`~zoneplan.sweep.run.county_groups`, from the data alone).  Groups are independent
    except through the global max-workload level.  Round 1 staffs every group on its own; the
    whole run's max workload is the largest group optimum (at least everybody's current
    workload).  Round 2 re-staffs each group whose optimum lies below it with that floor (see
    :func:`~zoneplan.sweep.run.staff_group`), so every part's travel level has the same cap as
    in a local run.  The merged plan is re-checked whole.

    The plan equals the local run's when both are proven optimal: each part's levels after the
    max level are searched from the part's own plan with a fresh model
    (:func:`~zoneplan.staffing.lex_parts.solve_lexicographic`, step 3), whatever the
    other parts did.

    Raises
    ------
    ValueError
        With ``cross_county`` (parts may then span counties) or the weighted mode (one model).
    """
    if rules.cross_county:
        raise ValueError("--scheduler splits the run by county, but --cross-county lets teams cross counties; "
                         "run without --scheduler")
    if options.mode == "weighted":
        raise ValueError("--scheduler splits the run by county, but --weights solves one model of everything; "
                         "run without --scheduler")
    t0 = time.perf_counter()
    payload = StaffPayload(tables, rules, options.model_copy(update={"workers": 1}))
    token = uuid.uuid4().hex[:8]
    pf = _shared(client, payload, token)
    parts = county_groups(tables, groups)
    try:
        first = [client.submit(staff_group, pf, g, key=f"staff-{token}-1-{k:05d}", retries=retries, pure=False)
                 for k, g in enumerate(parts)]
        r1 = _gather_in_order(client, first, progress, "county groups")
        floor = max([float(tables.investigators["current_workload"].max()) if len(tables.investigators) else 0.0]
                    + [r.objective.get("max_workload", 0.0) for r in r1])
        redo = [k for k, r in enumerate(r1) if r.objective.get("max_workload", 0.0) < floor]
        logger.info("max workload %.2f; %d of %d group(s) re-staffed under it", floor, len(redo), len(parts))
        second = [client.submit(staff_group, pf, parts[k], floor, key=f"staff-{token}-2-{k:05d}", retries=retries,
                                pure=False) for k in redo]
        r2 = _gather_in_order(client, second, progress, "county groups under the workload cap")
    finally:
        client.cancel([pf])
    results = list(r1)
    for k, r in zip(redo, r2):
        results[k] = r
    return merge_group_results(tables, rules, options, results, r1, time.perf_counter() - t0)
