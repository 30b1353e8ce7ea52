"""What a draw costs: quality against the optimum for a range of caps.

``python -m benchmarks.draw_tradeoff [--caps 1.0,0.8,0.6,0.5,0.4,0.3] [--seeds 0-4] [--scale county]``

For the example county (``data/examples/county``) and the generated instances of
``--scale`` with ``--seeds`` (cached by :func:`benchmarks.run.ensure_instance`), runs
``zoneplan.staff(tables, draw=DrawOptions(cap=Q, seed=--draw-seed))`` for every cap, each
in a fresh process (``--workers`` solver workers), and records from ``result.draw.quality``:
expected travel / optimum travel, realised travel / optimum travel, the workload bound /
the optimum's largest workload, the expected largest workload / the optimum's, the number
of raised caps, the pairs above the cap (raised, each with its reason), the largest
probability short of 1 (the most exposed pair the rules do not force), the plans in the
support (over all parts), the parts, whether everything was proven, the wall time of the ``staff`` call and the process's peak memory (``VmHWM``).
Cap 1.0 caps nothing: the draw must give the optimum (ratios 1, one plan per part).

Per cap, the example county's row and the worst and the median over the generated seeds.
Outputs: ``--out`` (JSON, every run and the summaries) and a markdown table (printed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "data" / "examples" / "county"

#: Ratios where larger is worse (the worst over seeds is the max); counts reported as max too.
KEYS = ("expected_travel", "realised_travel", "workload_bound", "expected_max_workload", "raised", "plans", "wall",
        "peak_mib", "max_probability_below_1", "over_cap")


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for bit in text.split(","):
        a, _, b = bit.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(folder: str, cap: float, draw_seed: int, workers: int) -> dict[str, Any]:
    """One draw in this process (the ``--one`` worker): the row of :func:`main`'s table."""
    import zoneplan

    tables = zoneplan.load(folder)
    opts = zoneplan.SolveOptions(workers=workers)
    t = time.perf_counter()
    try:
        res = zoneplan.staff(tables, options=opts, draw=zoneplan.DrawOptions(cap=cap, seed=draw_seed))
    except Exception as e:  # a DrawError or a crash: recorded, the batch goes on
        return {"status": "ERROR", "error": f"{type(e).__name__}: {e}"[:500], "wall": time.perf_counter() - t,
                "peak_mib": _peak_mib()}
    wall = time.perf_counter() - t
    d = res.draw
    q = d.quality
    r = q["ratio"]
    over = d.pairs[(d.pairs["probability"] > d.pairs["cap"] + 1e-9)]
    unnoted = d.pairs[(d.pairs["probability"] > cap + 1e-9) & (d.pairs["note"] == "")]
    return {
        "status": str(res.status), "proven": bool(d.proven), "optimum_proven": bool(q["optimum_proven"]),
        "optimum": q["optimum"], "expected": q["expected"], "realised": q["realised"],
        "workload_bound_value": q["workload_bound"],
        "expected_travel": r["expected_travel"], "realised_travel": r["realised_travel"],
        "workload_bound": r["workload_bound"], "expected_max_workload": r["expected_max_workload"],
        "realised_max_workload": r["realised_max_workload"],
        "raised": len(d.raised), "raised_pairs": [f"{x['investigator_id']}/{x['case_id']}" for x in d.raised][:20],
        "parts": len(d.parts), "plans": int(sum(len(p["plans"]) for p in d.parts)),
        "max_probability_unraised": float(d.pairs.loc[d.pairs["note"] == "", "probability"].max())
        if len(d.pairs) else 0.0,
        # the largest probability short of 1 (a pair the rules do not force): the exposure a cap is about
        "max_probability_below_1": float(d.pairs.loc[d.pairs["probability"] < 1 - 1e-12, "probability"].max())
        if (d.pairs["probability"] < 1 - 1e-12).any() else 0.0,
        "over_cap": int((d.pairs["probability"] > cap + 1e-9).sum()), "eligible_pairs": int(len(d.pairs)),
        "over_own_cap": int(len(over)), "over_cap_without_note": int(len(unnoted)),
        "iterations": int(d.iterations), "draw_seconds": float(res.timings.get("draw", 0.0)),
        "wall": wall, "peak_mib": _peak_mib(), "check_violations": int(res.check_violations),
    }


def _spawn(folder: Path, cap: float, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.draw_tradeoff", "--one", str(folder), "--one-cap", repr(cap),
           "--draw-seed", str(args.draw_seed), "--workers", str(args.workers)]
    env = dict(os.environ)
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=args.timeout,
                           check=False)
    except subprocess.TimeoutExpired:  # a run over --timeout is a result too: it did not finish
        return {"status": "ERROR", "error": f"not finished within {args.timeout:g} s", "wall": time.perf_counter() - t}
    if p.returncode != 0:
        return {"status": "ERROR", "error": (p.stderr or p.stdout)[-500:], "wall": time.perf_counter() - t}
    return json.loads(p.stdout.strip().splitlines()[-1])


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r.get("status") != "ERROR"]
    out: dict[str, Any] = {"instances": len(rows), "errors": len(rows) - len(ok),
                           "proven": sum(1 for r in ok if r["proven"])}
    for k in KEYS:
        xs = [r[k] for r in ok if r.get(k) is not None]
        out[f"{k}_worst"] = max(xs) if xs else None
        out[f"{k}_median"] = statistics.median(xs) if xs else None
    out["over_cap_without_note"] = sum(r.get("over_cap_without_note", 0) for r in ok)
    out["worst_travel_instance"] = max(ok, key=lambda r: r["expected_travel"] or 0)["instance"] if ok else None
    return out


def markdown(example: dict[float, dict[str, Any]], summaries: dict[float, dict[str, Any]], n_seeds: int,
             scale: str) -> str:
    f = lambda x, d=3: "-" if x is None else f"{x:.{d}f}"  # noqa: E731
    lines = ["Example county (`data/examples/county`):", "",
             "| cap | E[travel] / opt | realised travel / opt | workload bound / opt max | E[max workload] / opt | "
             "raised caps | pairs over cap | max p < 1 | plans (parts) | proven | wall s | peak MiB |", "|" + "---|" * 12]
    for cap, r in example.items():
        if r.get("status") == "ERROR":
            lines.append(f"| {cap:g} | ERROR: {r.get('error', '')[:80]} |")
            continue
        lines.append(f"| {cap:g} | {f(r['expected_travel'])} | {f(r['realised_travel'])} | {f(r['workload_bound'])} | "
                     f"{f(r['expected_max_workload'])} | {r['raised']} | {r['over_cap']} / {r['eligible_pairs']} | "
                     f"{f(r['max_probability_below_1'])} | {r['plans']} ({r['parts']}) | "
                     f"{'yes' if r['proven'] else 'no'} | {f(r['wall'], 2)} | {f(r['peak_mib'], 0)} |")
    lines += ["", f"Generated `{scale}` instances, {n_seeds} seeds, worst / median over seeds:", "",
              "| cap | E[travel] / opt | realised travel / opt | workload bound / opt max | E[max workload] / opt | "
              "raised caps | pairs over cap | max p < 1 | plans | proven | errors | wall s | peak MiB |",
              "|" + "---|" * 13]
    for cap, s in summaries.items():
        wm = lambda k, d=3: f"{f(s[f'{k}_worst'], d)} / {f(s[f'{k}_median'], d)}"  # noqa: E731
        lines.append(f"| {cap:g} | {wm('expected_travel')} | {wm('realised_travel')} | {wm('workload_bound')} | "
                     f"{wm('expected_max_workload')} | {wm('raised', 0)} | {wm('over_cap', 0)} | "
                     f"{wm('max_probability_below_1')} | {wm('plans', 0)} | "
                     f"{s['proven']}/{s['instances']} | {s['errors']} | {wm('wall', 2)} | {wm('peak_mib', 0)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.draw_tradeoff", description=__doc__.split("\n\n")[0])
    ap.add_argument("--caps", default="1.0,0.8,0.6,0.5,0.4,0.3")
    ap.add_argument("--scale", default="county")
    ap.add_argument("--seeds", default="0-4", help="generated instances, e.g. 0-4 or 0,3,7")
    ap.add_argument("--no-example", action="store_true", help="skip data/examples/county")
    ap.add_argument("--draw-seed", type=int, default=1, help="the draw's seed (only the realised values depend on it)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1800.0, help="per run, seconds")
    ap.add_argument("--out", default=str(HERE / "results" / f"{time.strftime('%Y-%m-%d')}-draw.json"))
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--one-cap", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.one_cap, args.draw_seed, args.workers), default=str))
        return 0

    from .run import ensure_instance

    caps = [float(c) for c in args.caps.split(",") if c]
    t0 = time.perf_counter()
    instances: list[tuple[str, Path]] = [] if args.no_example else [("example-county", EXAMPLE)]
    instances += [(f"{args.scale}-{s}", ensure_instance(args.scale, s)) for s in _seeds(args.seeds)]
    rows: list[dict[str, Any]] = []
    for tag, folder in instances:
        for cap in caps:
            r = {"instance": tag, "cap": cap, **_spawn(folder, cap, args)}
            rows.append(r)
            print(f"# {tag} cap {cap:g}: {r.get('status')} E[travel]/opt {r.get('expected_travel')} "
                  f"bound/opt {r.get('workload_bound')} raised {r.get('raised')} plans {r.get('plans')} "
                  f"wall {r.get('wall', float('nan')):.2f}s {r.get('error', '')[:200]}", flush=True)
    example = {r["cap"]: r for r in rows if r["instance"] == "example-county"}
    gen = [r for r in rows if r["instance"] != "example-county"]
    summaries = {cap: _summary([r for r in gen if r["cap"] == cap]) for cap in caps} if gen else {}
    meta = {"argv": argv if argv is not None else sys.argv[1:], "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "total_s": time.perf_counter() - t0, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "summaries": {str(c): s for c, s in summaries.items()},
                               "rows": rows}, indent=1, default=str), encoding="utf-8")
    md = markdown(example, summaries, len(_seeds(args.seeds)), args.scale)
    print(md)
    print(f"\n# {len(rows)} runs in {meta['total_s']:.0f}s -> {out}")
    bad = [r for r in rows if r.get("status") == "ERROR" or r.get("over_cap_without_note") or r.get("check_violations")]
    for r in bad:
        print(f"# PROBLEM {r['instance']} cap {r['cap']:g}: {r.get('status')} {r.get('error', '')[:300]} "
              f"over cap without note {r.get('over_cap_without_note')}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
