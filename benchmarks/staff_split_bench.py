"""``staff --scheduler`` benchmark: one staffing run, locally and split by county on a cluster.

``python benchmarks/staff_split_bench.py [--scale province] [--repeats 3] [--workers 2]``

Times ``zoneplan.staff`` in this process and ``staff_on_cluster`` on a running local cluster
(cluster start not included), checks that every level's value and bound agree, and counts
the assignments that differ (co-optimal plans).  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="province")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    import zoneplan
    from zoneplan.sweep.cluster import dask_client, staff_on_cluster
    from zoneplan.synth import generate, write

    tmp = Path(tempfile.mkdtemp(prefix="staff-split-"))
    write(generate(args.scale, seed=0), tmp / "data")
    tables = zoneplan.load(tmp / "data")
    rules, opts = zoneplan.RuleOptions(), zoneplan.SolveOptions()
    local_t, dist_t = [], []
    with dask_client(args.workers) as client:
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            local = zoneplan.staff(tables, rules, opts)
            local_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            dist = staff_on_cluster(client, tables, rules, opts)
            dist_t.append(time.perf_counter() - t0)
    same_levels = (local.objective == dist.objective and local.bound == dist.bound and local.status == dist.status)
    a = local.assignments.merge(dist.assignments, how="outer", indicator=True)
    out = {"scale": args.scale, "workers": args.workers, "local_seconds": local_t, "cluster_seconds": dist_t,
           "local_median": statistics.median(local_t), "cluster_median": statistics.median(dist_t),
           "objective": local.objective, "same_levels_and_bounds": same_levels,
           "assignment_rows_only_local": int((a["_merge"] == "left_only").sum()),
           "assignment_rows": int(len(local.assignments)), "checker_ok": zoneplan.check(tables, dist.assignments).ok}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
