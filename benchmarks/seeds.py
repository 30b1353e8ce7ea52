"""Batches of seeds per scale: the worst case, not only the median.

``python -m benchmarks.seeds --scales prefecture --seeds 0-29`` solves every generated
instance of each scale with zoneplan (``--repeats`` fresh processes, the *slowest* one
counted: the machine is shared) and with one plain HiGHS MIP of the whole instance
(``highs-whole`` of :mod:`benchmarks.mip`, built from the same tables; ``--highs-repeats``
runs), checks every plan with :func:`zoneplan.check`, and reports
per instance and per scale the worst and the median of: levels proven, objective, bound
and gap, wall time (the whole ``staff`` call: prepare, search, explanations, check), the
search alone (``timings["solve"]``), peak memory (``VmHWM`` of the worker), and whether
HiGHS proved the instance faster than zoneplan (the median of each one's runs: give both
the same number of runs).  ``--case DIR`` adds a folder of tables
(e.g. ``../shared/cases/prefecture-hard``).

Outputs in ``--out``: ``seeds.json`` (every run) and ``seeds.md`` (the tables, also
printed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from .run import HERE, _check_plan, _run_one, ensure_instance

__all__ = ["main"]


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for bit in text.split(","):
        a, _, b = bit.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def _one(folder: Path, args: argparse.Namespace, work: Path, tag: str) -> dict[str, Any]:
    """zoneplan and highs-whole, each run ``repeats`` times, on one instance (worst and all walls)."""
    import zoneplan

    tables = zoneplan.load(folder)
    row: dict[str, Any] = {"instance": tag}
    runs = [_run_one("zoneplan", folder, work, f"{tag}-zp-{k}", args) for k in range(args.repeats)]
    ok = [r for r in runs if r.get("status") != "ERROR"]
    if not ok:
        return {**row, "status": "ERROR", "error": runs[0].get("error", "")}
    worst = max(ok, key=lambda r: r["wall_time"])
    viol, obj, _ = _check_plan(tables, worst["plan_path"])
    levels = {lv["name"]: lv for lv in worst["levels"]}
    row.update(status=worst["status"], violations=viol, objective=obj,
               proven=all(lv["proven"] for lv in levels.values()),
               gap=max((lv["gap"] or 0.0) for lv in levels.values()),
               bound={n: lv["bound"] for n, lv in levels.items()},
               wall=worst["wall_time"], walls=[r["wall_time"] for r in ok],
               solve=max(r["timings"]["solve"] for r in ok), peak_mib=max(r["peak_rss_mib"] for r in ok),
               pairs=worst["stats"]["eligible_pairs"], parts=worst["stats"]["parts"],
               largest_part=worst["stats"]["largest_part_pairs"], canonical=worst["stats"].get("canonical"),
               plans_identical=len({Path(r["plan_path"]).read_text() for r in ok}) == 1)
    if args.highs_repeats:
        hs = [_run_one("highs-whole", folder, work, f"{tag}-hw-{k}", args) for k in range(args.highs_repeats)]
        hs = [h for h in hs if h.get("status") != "ERROR"]
        if hs:
            best = min(hs, key=lambda h: h["wall_time"])
            row.update(highs_status=best["status"], highs_wall=max(h["wall_time"] for h in hs),
                       highs_walls=[h["wall_time"] for h in hs], highs_peak_mib=best["peak_rss_mib"],
                       highs_objective={lv["name"]: lv["value"] for lv in best["levels"]})
            # like for like: the median of each solver's runs (same number of runs each)
            row["highs_faster"] = best["status"] == "OPTIMAL" and \
                statistics.median(row["highs_walls"]) < statistics.median(row["walls"])
            row["same_optimum"] = all(abs(row["highs_objective"][n] - obj[n]) < 1e-6 for n in obj) \
                if best["status"] == "OPTIMAL" and row["proven"] else None
    return row


def _summary(scale: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r.get("status") != "ERROR"]

    def stat(key: str) -> tuple[float, float]:
        xs = [r[key] for r in ok if r.get(key) is not None]
        return (max(xs), statistics.median(xs)) if xs else (float("nan"), float("nan"))

    out = {"scale": scale, "instances": len(rows), "errors": len(rows) - len(ok),
           "proven": sum(1 for r in ok if r["proven"]), "violations": sum(r["violations"] for r in ok),
           "canonical": sum(1 for r in ok if r.get("canonical")),
           "highs_faster": sum(1 for r in ok if r.get("highs_faster")),
           "optimum_differs": sum(1 for r in ok if r.get("same_optimum") is False)}
    for key in ("wall", "solve", "peak_mib", "gap", "highs_wall"):
        out[f"{key}_worst"], out[f"{key}_median"] = stat(key)
    out["worst_instance"] = max(ok, key=lambda r: r["wall"])["instance"] if ok else None
    return out


def _markdown(rows: list[dict[str, Any]], summaries: list[dict[str, Any]]) -> str:
    f = lambda x, d=2: "-" if x is None or x != x else f"{x:.{d}f}"  # noqa: E731
    lines = ["| scale | instances | proven | canonical | violations | wall s worst / median | "
             "solve s worst / median | peak MiB worst | gap worst | HiGHS whole wall s worst / median | "
             "HiGHS faster | worst instance |", "|" + "---|" * 12]
    for s in summaries:
        lines.append(f"| {s['scale']} | {s['instances']} | {s['proven']} | {s['canonical']} | {s['violations']} | "
                     f"{f(s['wall_worst'])} / {f(s['wall_median'])} | {f(s['solve_worst'])} / {f(s['solve_median'])} | "
                     f"{f(s['peak_mib_worst'], 0)} | {f(100 * s['gap_worst'], 3)} % | "
                     f"{f(s['highs_wall_worst'])} / {f(s['highs_wall_median'])} | {s['highs_faster']} | "
                     f"{s['worst_instance']} |")
    lines += ["", "| instance | status | staffed | max workload | travel | gap | wall s (all) | solve s | peak MiB | "
              "pairs | largest part | HiGHS whole wall s | HiGHS faster |", "|" + "---|" * 13]
    for r in rows:
        if r.get("status") == "ERROR":
            lines.append(f"| {r['instance']} | ERROR | {r.get('error', '')[:60]} |")
            continue
        o = r["objective"]
        lines.append(f"| {r['instance']} | {r['status']} | {f(o['staffed'], 0)} | {f(o['max_workload'])} | "
                     f"{f(o['travel'], 0)} | {f(100 * r['gap'], 3)} % | {f(r['wall'])} "
                     f"({', '.join(f(w) for w in r['walls'])}) | {f(r['solve'])} | {f(r['peak_mib'], 0)} | "
                     f"{r['pairs']} | {r['largest_part']} | {f(r.get('highs_wall'))} | {r.get('highs_faster', '-')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.seeds", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="prefecture")
    ap.add_argument("--seeds", default="0-9", help="e.g. 0-29 or 0,3,7")
    ap.add_argument("--case", action="append", default=[], help="a folder of tables to add (repeatable)")
    ap.add_argument("--repeats", type=int, default=3, help="zoneplan runs per instance (slowest counted)")
    ap.add_argument("--highs-repeats", type=int, default=3, help="highs-whole runs per instance")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--highs-time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="solver seed")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    out = Path(args.out) if args.out else HERE / "runs" / f"seeds-{time.strftime('%Y%m%d-%H%M%S')}"
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, Any]]] = {}
    for scale in [s for s in args.scales.split(",") if s]:
        for seed in _seeds(args.seeds):
            r = _one(ensure_instance(scale, seed), args, work, f"{scale}-{seed}")
            rows.setdefault(scale, []).append(r)
            print(f"# {r['instance']}: {r.get('status')} wall {r.get('wall', float('nan')):.2f}s "
                  f"solve {r.get('solve', float('nan')):.2f}s highs {r.get('highs_wall', float('nan')):.2f}s",
                  flush=True)
    for case in args.case:
        folder = Path(case).resolve()
        r = _one(folder, args, work, folder.name)
        rows.setdefault("cases", []).append(r)
        print(f"# {r['instance']}: {r.get('status')} wall {r.get('wall', float('nan')):.2f}s", flush=True)
    summaries = [_summary(s, rs) for s, rs in rows.items()]
    all_rows = [r for rs in rows.values() for r in rs]
    (out / "seeds.json").write_text(json.dumps({"argv": argv or sys.argv[1:], "summaries": summaries,
                                                "rows": all_rows}, indent=1, default=str), encoding="utf-8")
    md = _markdown(all_rows, summaries)
    (out / "seeds.md").write_text(md + "\n", encoding="utf-8")
    print(md)
    return 1 if any(s["violations"] or s["errors"] for s in summaries) else 0


if __name__ == "__main__":
    raise SystemExit(main())
