"""An independent estimate of a draw's marginals: many seeds, empirical frequencies.

``python -m benchmarks.draw_marginals [--data data/examples/county] [--cap 0.5] [--seeds 300]``

Runs ``zoneplan.staff(tables, draw=DrawOptions(cap=..., seed=k))`` for ``k = 1 .. --seeds``
(tables loaded once, each call a full draw: optimum, distribution, sample, check), and
compares every eligible pair's empirical frequency of being drawn with the probability the
draw reports (``draw.pairs``).  Reports the largest absolute deviation, the largest
binomial z (``|f - p| / sqrt(p (1 - p) / n)``, pairs with ``0 < p < 1``), pairs with
``p`` in {0, 1} that were not always / never drawn (must be none), every pair whose
frequency exceeds ``cap + 3 sigma`` (``sigma = sqrt(cap (1 - cap) / n)``) and whether it is
a raised pair, whether the reported distribution was the same for every seed (it must be:
the seed only chooses within it), and a chi-square of the plans drawn per part.

Writes ``--out`` (JSON) and prints a markdown summary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.draw_marginals", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(HERE.parent / "data" / "examples" / "county"))
    ap.add_argument("--cap", type=float, default=0.5)
    ap.add_argument("--seeds", type=int, default=300, help="seeds 1..N")
    ap.add_argument("--budget", type=float, default=None, help="stop after this many seconds (fewer seeds)")
    ap.add_argument("--out", default=str(HERE / "results" / f"{time.strftime('%Y-%m-%d')}-draw-marginals.json"))
    args = ap.parse_args(argv)

    import zoneplan

    tables = zoneplan.load(args.data)
    t0 = time.perf_counter()
    counts: Counter = Counter()
    plan_counts: dict[int, Counter] = {}
    reference = None  # (pair -> probability_exact) of the first seed
    same_distribution = True
    prob: dict[tuple[str, str], float] = {}
    raised: set[tuple[str, str]] = set()
    plan_weights: dict[int, list[float]] = {}
    walls = []
    n = 0
    for seed in range(1, args.seeds + 1):
        t = time.perf_counter()
        res = zoneplan.staff(tables, draw=zoneplan.DrawOptions(cap=args.cap, seed=seed))
        walls.append(time.perf_counter() - t)
        d = res.draw
        pairs = d.pairs
        exact = dict(zip(zip(pairs["case_id"], pairs["investigator_id"]), pairs["probability_exact"]))
        if reference is None:
            reference = exact
            prob = dict(zip(zip(pairs["case_id"], pairs["investigator_id"]), pairs["probability"].astype(float)))
            raised = {(r["case_id"], r["investigator_id"]) for r in d.raised}
            plan_weights = {p["part"]: [q["probability"] for q in p["plans"]] for p in d.parts}
        elif exact != reference:
            same_distribution = False
        for key in zip(res.assignments["case_id"], res.assignments["investigator_id"]):
            counts[key] += 1
        for p in d.parts:
            plan_counts.setdefault(p["part"], Counter())[p["drawn"]] += 1
        n += 1
        if seed % 25 == 0:
            print(f"# {seed} draws, {time.perf_counter() - t0:.0f}s", flush=True)
        if args.budget and time.perf_counter() - t0 > args.budget:
            break
    rows = []
    for key, p in prob.items():
        f = counts.get(key, 0) / n
        sd = math.sqrt(p * (1 - p) / n) if 0 < p < 1 else 0.0
        rows.append({"case_id": key[0], "investigator_id": key[1], "p": p, "f": f, "dev": abs(f - p),
                     "z": abs(f - p) / sd if sd else None, "raised": key in raised})
    unknown = [k for k in counts if k not in prob]
    degenerate = [r for r in rows if r["p"] in (0.0, 1.0) and r["f"] != r["p"]]
    sig = math.sqrt(args.cap * (1 - args.cap) / n)
    over = [r for r in rows if r["f"] > args.cap + 3 * sig]
    zs = [r["z"] for r in rows if r["z"] is not None]
    chi = {}
    for part, ws in plan_weights.items():
        c = plan_counts.get(part, Counter())
        stat = sum((c.get(j + 1, 0) - n * w) ** 2 / (n * w) for j, w in enumerate(ws) if w > 0)
        chi[part] = {"plans": len(ws), "chi2": stat, "df": len(ws) - 1,
                     "plans_drawn": len(c), "min_expected_count": min(n * w for w in ws)}
    out = {
        "data": _rel(args.data), "cap": args.cap, "draws": n, "seconds": time.perf_counter() - t0,
        "wall_per_draw_median": sorted(walls)[len(walls) // 2], "peak_rss_mib": resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024,
        "same_distribution_every_seed": same_distribution, "pairs": len(rows),
        "pairs_0_lt_p_lt_1": len(zs), "max_abs_deviation": max(r["dev"] for r in rows),
        "max_abs_deviation_pair": max(rows, key=lambda r: r["dev"]),
        "max_z": max(zs) if zs else None, "max_z_pair": max((r for r in rows if r["z"] is not None),
                                                            key=lambda r: r["z"]) if zs else None,
        "z_over_3": sum(1 for z in zs if z > 3), "z_over_4": sum(1 for z in zs if z > 4),
        # with k pairs, max |z| of k (dependent) normals: ~ sqrt(2 ln(2k)) if they were independent
        "z_bound_bonferroni_5pct": math.sqrt(2) * _erfinv(1 - 0.05 / max(1, len(zs))),
        "drawn_pair_not_eligible": [list(k) for k in unknown], "degenerate_mismatch": degenerate,
        "sigma_at_cap": sig, "over_cap_3sigma": over, "over_cap_3sigma_not_raised": [r for r in over if not r["raised"]],
        "raised": sorted(list(k) for k in raised), "plan_chi2": chi,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"summary": {k: v for k, v in out.items()}, "rows": rows}, indent=1,
                                         default=str), encoding="utf-8")
    print(f"| draws | pairs (0<p<1) | max abs dev | max z | z>3 | Bonferroni 5% z | over cap+3σ (not raised) | "
          f"same distribution | s / draw |\n|---|---|---|---|---|---|---|---|---|\n"
          f"| {n} | {len(rows)} ({len(zs)}) | {out['max_abs_deviation']:.4f} | {out['max_z'] or 0:.2f} | "
          f"{out['z_over_3']} | {out['z_bound_bonferroni_5pct']:.2f} | {len(over)} ({len(out['over_cap_3sigma_not_raised'])}) | "
          f"{same_distribution} | {out['wall_per_draw_median']:.2f} |")
    for part, c in chi.items():
        print(f"# part {part}: {c['plans']} plans, {c['plans_drawn']} drawn, chi2 {c['chi2']:.1f} on {c['df']} df, "
              f"smallest expected count {c['min_expected_count']:.2f}")
    print(f"# -> {args.out}")
    bad = degenerate or unknown or out["over_cap_3sigma_not_raised"] or not same_distribution
    return 1 if bad else 0


def _rel(path: str) -> str:
    """``path`` relative to the repository when inside it (results carry no machine's paths)."""
    rel = os.path.relpath(os.path.abspath(path), HERE.parent)
    return path if rel.startswith("..") else rel


def _erfinv(y: float) -> float:
    """Inverse error function by bisection on math.erf (enough for a bound)."""
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if math.erf(mid) < y:
            lo = mid
        else:
            hi = mid
    return lo


if __name__ == "__main__":
    raise SystemExit(main())
