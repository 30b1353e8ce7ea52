"""Sweep benchmark: serial versus a local Dask cluster, and what a larger cluster would give.

``python benchmarks/sweep_bench.py [--repeats 3] [--out benchmarks/results/sweep.json]``

On a generated prefecture (``zoneplan.synth prefecture``, seed 0: 11 counties, 134
townships, 591 investigators, 100 cases) it builds 51 scenarios: the current zoning, then 5
size ranges x (no what-if + 9 generated what-if files), each with 2 drop-out draws of one
person per county.  It measures

* serial: every scenario in this process, one after another (``run_serial``);
* cluster: a LocalCluster of ``--workers`` processes (default 2): start, shipping the input
  once per worker (scatter, broadcast), the sweep itself (submit + as_completed), shutdown;
* the per-scenario time on the workers, the bytes shipped per worker and per result, and the
  scheduler's overhead per task (``--noop`` tasks that do nothing, submitted the same way);

checks that the cluster's results equal the serial ones, and projects the sweep time to
larger clusters from these measurements.  Not part of the test suite (minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _whatifs(folder: Path, tables, k: int = 9, seed: int = 0) -> list[Path]:
    """``k`` what-if files of the kinds planners write: together, apart, exclude."""
    rng = np.random.default_rng(seed)
    adj = tables.adjacency
    towns = tables.townships["township_id"].tolist()
    out = []
    for j in range(k):
        kind = ("together", "apart", "exclude")[j % 3]
        if kind == "exclude":
            rows = [("exclude", towns[int(rng.integers(len(towns)))], "")]
        else:
            picks = rng.choice(len(adj), size=2, replace=False)
            rows = [(kind, adj["a"].iat[int(p)], adj["b"].iat[int(p)]) for p in picks]
        f = folder / f"w{j + 1}_{kind}.csv"
        pd.DataFrame(rows, columns=["kind", "a", "b"]).to_csv(f, index=False)
        out.append(f)
    return out


def _noop(x):
    return x


def _strip(results):
    return [{k: v for k, v in r.items() if k not in ("wall_time", "cpu_time")} for r in results]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--noop", type=int, default=500, help="no-op tasks to measure the scheduler's overhead")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sweep.json"))
    args = ap.parse_args(argv)

    import zoneplan
    from zoneplan.sweep.cluster import dask_client, run_serial, run_sweep
    from zoneplan.sweep.run import Payload
    from zoneplan.sweep.scenarios import parse_sizes, scenarios_from_flags
    from zoneplan.synth import generate, write

    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    write(generate("prefecture", seed=0), tmp / "pref")
    tables = zoneplan.load(tmp / "pref")
    (tmp / "wi").mkdir()
    wf = _whatifs(tmp / "wi", tables)
    scenarios = scenarios_from_flags(tables, parse_sizes("2-3,2-4,3-4,3-5,2-5"), [None], wf)
    payload = Payload(tables, dropouts=1, draws=2)
    n = len(scenarios)
    shipped = len(pickle.dumps(payload, protocol=5))
    print(f"{n} scenarios; payload {shipped / 1e3:.0f} kB per worker", flush=True)

    from zoneplan.sweep.cluster import _shared

    serial, serial_res, load = [], None, {"serial": [], "cluster": []}
    cl = {"start": [], "ship": [], "sweep": [], "close": [], "total": [], "noop_per_task": [], "worker_busy": [],
          "worker_cpu": []}
    same = True
    for rep in range(args.repeats):  # serial and cluster runs interleaved: they meet the same load
        load["serial"].append(os.getloadavg()[0])
        t0 = time.perf_counter()
        res = run_serial(payload, scenarios)
        serial.append(time.perf_counter() - t0)
        serial_res = serial_res or res
        print(f"serial #{rep + 1}: {serial[-1]:.1f}s (load {load['serial'][-1]:.1f})", flush=True)

        load["cluster"].append(os.getloadavg()[0])
        t0 = time.perf_counter()
        ctx = dask_client(args.workers)
        client = ctx.__enter__()
        t1 = time.perf_counter()
        pf = _shared(client, payload, f"bench{rep}")  # what run_sweep does first
        t2 = time.perf_counter()
        client.cancel([pf])
        t3 = time.perf_counter()
        res = run_sweep(client, payload, scenarios)  # ships again, as the CLI does: part of the sweep time
        t4 = time.perf_counter()
        same = same and _strip(res) == _strip(serial_res)
        cl["worker_busy"].append(sum(r["wall_time"] for r in res))
        cl["worker_cpu"].append(sum(r["cpu_time"] for r in res))
        futs = client.map(_noop, range(args.noop), pure=False)
        t5 = time.perf_counter()
        client.gather(futs)
        cl["noop_per_task"].append((time.perf_counter() - t5) / args.noop)
        t6 = time.perf_counter()
        ctx.__exit__(None, None, None)
        t7 = time.perf_counter()
        cl["start"].append(t1 - t0)
        cl["ship"].append(t2 - t1)
        cl["sweep"].append(t4 - t3)
        cl["close"].append(t7 - t6)
        cl["total"].append((t1 - t0) + (t4 - t3) + (t7 - t6))
        print(f"cluster #{rep + 1}: start {t1 - t0:.1f}s, input to all workers {t2 - t1:.2f}s, sweep {t4 - t3:.1f}s, "
              f"close {t7 - t6:.1f}s; no-op task {cl['noop_per_task'][-1] * 1e3:.2f} ms; same as serial: {same} "
              f"(load {load['cluster'][-1]:.1f})", flush=True)
    per_scenario = [r["wall_time"] for r in serial_res]
    per_scenario_cpu = [r["cpu_time"] for r in serial_res]
    result_bytes = [len(pickle.dumps(r, protocol=5)) for r in serial_res]

    med = statistics.median
    t_task = med(per_scenario)
    o_task = med(cl["noop_per_task"])
    work = sum(per_scenario_cpu)  # CPU seconds: the work a dedicated core does, whatever else runs
    # projection (cluster already running): T(P) = ship to P workers (the client sends the input
    # to each, measured for 2) + the work shared by P (never less than the longest scenario) +
    # the scheduler's per-task overhead, which one scheduler pays task after task
    proj = {}
    for p in (2, 4, 8, 16, 32, 64, 128):
        for count, label in ((n, f"{n} scenarios"), (1000, "1000 scenarios")):
            w = work * count / n
            proj.setdefault(label, {})[p] = round(med(cl["ship"]) * p / args.workers + max(w / p, max(per_scenario))
                                                  + count * o_task, 2)
    out = {
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "scenarios": n, "workers": args.workers, "repeats": args.repeats,
        "payload_bytes_per_worker": shipped, "result_bytes_median": int(med(result_bytes)),
        "serial_seconds": serial, "per_scenario_seconds": {"median": t_task, "min": min(per_scenario),
                                                           "max": max(per_scenario), "sum": sum(per_scenario)},
        "per_scenario_cpu_seconds": {"median": med(per_scenario_cpu), "sum": sum(per_scenario_cpu)},
        "load_average_at_start": load,
        "cluster_seconds": cl, "same_results_as_serial": same,
        "speedup_sweep": med(serial) / med(cl["sweep"]),
        "speedup_total": med(serial) / med(cl["total"]),
        "projection_seconds": proj,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k not in ("projection_seconds",)}, indent=1))
    print("projection (s):", json.dumps(proj, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
