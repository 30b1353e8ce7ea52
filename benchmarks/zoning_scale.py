"""Scale benchmark of the zoning core on a generated province-sized instance.

Generates ``--townships`` townships (default 1,800) in counties of 10-30 townships whose
centres lie on a grid ~130 km apart; township seats are at least 15 km apart inside a disc
sized so neighbours are ~15-40 km apart.  Adjacency is the Gabriel graph per county and
road minutes are the documented estimate (:mod:`zoneplan.geo`).  Prints status, objective,
bound, gap and wall time per configuration.

Usage::

    python benchmarks/zoning_scale.py [--townships 1800] [--seed 0] [--workers 1]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from zoneplan.zoning import ZoningInput, ZoningOptions, solve_zoning
from zoneplan.zoning.metrics import check_zoning


def generate(n_townships: int, seed: int = 0, with_cases: bool = True) -> ZoningInput:
    """A reproducible instance; counties of 10-30 townships until ``n_townships`` is reached."""
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < n_townships:
        sizes.append(int(rng.integers(10, 31)))
    sizes[-1] -= sum(sizes) - n_townships
    if sizes[-1] < 10 and len(sizes) > 1:  # fold a short tail into the previous county
        tail = sizes.pop()
        sizes[-1] += tail
    side = math.ceil(math.sqrt(len(sizes)))
    lat0, lon0 = 27.0, 108.0
    km_lat = 111.2
    km_lon = 111.2 * math.cos(math.radians(lat0))
    ids, county, lat, lon = [], [], [], []
    for c, k in enumerate(sizes):
        cx, cy = (c % side) * 130.0, (c // side) * 130.0
        radius = 11.0 * math.sqrt(k)  # ~ one township per 380 km2
        pts: list[tuple[float, float]] = []
        tries = 0
        while len(pts) < k:
            tries += 1
            r = radius * math.sqrt(rng.random()) * (1.0 + tries / 5000)
            a = rng.random() * 2 * math.pi
            p = (cx + r * math.cos(a), cy + r * math.sin(a))
            if all((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 >= 15.0**2 for q in pts):
                pts.append(p)
        for t, (x, y) in enumerate(pts):
            ids.append(f"C{c:03d}T{t:02d}")
            county.append(f"C{c:03d}")
            lat.append(lat0 + y / km_lat)
            lon.append(lon0 + x / km_lon)
    n = len(ids)
    villages = rng.integers(5, 31, size=n)
    cases = rng.poisson(14, size=n) if with_cases else None
    return ZoningInput.from_coordinates(ids, None, county, lat, lon, villages, cases=cases)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=1800)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    t = time.perf_counter()
    inp = generate(args.townships, args.seed)
    n_c = len(inp.counties())
    print(f"instance: {inp.n} townships, {n_c} counties, {len(inp.edges)} adjacency pairs "
          f"(generated in {time.perf_counter() - t:.2f}s)")
    # a target per county: the zone count of the free optimum minus one where possible
    configs: list[tuple[str, ZoningOptions]] = [
        ("free 2..3", ZoningOptions(workers=args.workers, time_limit=args.time_limit, seed=args.seed)),
    ]
    free = solve_zoning(inp, configs[0][1])
    per = dict(zip(free.per_county["county"], free.per_county["zones"]))
    sizes = {c: sum(1 for x in inp.county if x == c) for c in per}
    target = {c: max(-(-sizes[c] // 3), min(sizes[c] // 2, int(per[c]) - 1)) for c in per}
    configs += [
        ("target 2..3 (free-1)", ZoningOptions(target_zones=target, workers=args.workers,
                                               time_limit=args.time_limit, seed=args.seed)),
        ("target 2..3 (fewest)", ZoningOptions(target_zones={c: -(-sizes[c] // 3) for c in per},
                                               workers=args.workers, time_limit=args.time_limit, seed=args.seed)),
        ("free 3..5", ZoningOptions(min_size=3, max_size=5, workers=args.workers, time_limit=args.time_limit,
                                    seed=args.seed)),
    ]
    print(f"{'configuration':24s} {'status':10s} {'objective':>12s} {'bound':>12s} {'gap':>8s} {'wall s':>7s} "
          f"{'zones':>6s} {'violations':>10s}")
    for name, opt in configs:
        res = solve_zoning(inp, opt)
        viol = check_zoning(inp, res.zones, opt) if res.feasible else []
        n_z = int(res.per_county["zones"].sum())
        obj = f"{res.objective:.1f}" if res.objective is not None else "-"
        bnd = f"{res.bound:.1f}" if res.bound is not None else "-"
        gap = f"{res.gap:.2%}" if res.gap is not None else "-"
        print(f"{name:24s} {res.status:10s} {obj:>12s} {bnd:>12s} {gap:>8s} {res.wall_time:7.2f} {n_z:6d} "
              f"{len(viol):10d}")
        slow = res.per_county.sort_values("time", ascending=False).head(1)
        print(f"{'':24s} slowest county {slow.county.iloc[0]}: {slow.time.iloc[0]:.3f}s, "
              f"{int(slow.candidates.iloc[0])} candidates")


if __name__ == "__main__":
    main()
