"""The benchmark runner: ``python -m benchmarks [options]``.

For each scale the instance is generated with :func:`zoneplan.synth.generate` (deterministic)
and cached as CSV under ``benchmarks/instances/<scale>-<seed>/``.  Each solver then runs
``repeats`` times, every run in a fresh ``python -m benchmarks.run worker`` process so that
peak memory (``VmHWM`` of that process, and of the HiGHS child for ``highs``) belongs to
one solver.  Every staffing plan goes through :func:`zoneplan.check` in the runner; every
zoning through :func:`zoneplan.zoning.metrics.check_zoning`.

Solvers
-------
``zoneplan``       :func:`zoneplan.staff`, lexicographic, ``workers=2`` (``--workers``)
``zoneplan-1w``    the same with one worker
``zoneplan-tlS``   the same with ``time_limit=S`` seconds (anytime quality), e.g. ``zoneplan-tl2``
``greedy``         :func:`benchmarks.greedy.greedy_staff`
``highs``          :func:`benchmarks.mip.mip_staff`, one MIP per independent part
``highs-whole``    the same model as one MIP over the whole instance
``zoning``         :func:`zoneplan.zoning.solve_zoning` (only when the module exists)
``zoning-greedy``  :func:`benchmarks.greedy.greedy_zoning`

A solver name may carry its own repeat count: ``highs-whole:1``.

Wall times exclude interpreter start, imports and reading the CSV files (reported as
``load_s``); they include eligibility, model building, solving and, for zoneplan, its own
explanation and self-check steps (``timings`` splits them).

``python -m benchmarks.run profile --scale province`` profiles one zoneplan solve (cProfile,
per-stage wall times).

Outputs in ``--out``: ``results.csv``, ``results.json``, ``results.md`` (the markdown table
also printed to stdout) and ``scaling.png``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from .mip import _peak_rss_mib  # no highspy import at module level: safe beside OR-Tools

__all__ = ["SCALES", "GROWTH", "SOLVERS", "ensure_instance", "run_benchmarks", "markdown", "main"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

#: Named scales: ``zoneplan.synth`` names, or custom parameter dicts.
SCALES: dict[str, Any] = {
    "county": "county",
    "prefecture": "prefecture",
    "province": "province",
    "stress": "stress",
    # about 36,000 townships in 2,000 counties, 140,000 investigators, 26,000 cases
    "national": "national",
    # one part of ~300,000 eligible pairs: every case weighs 1.0 (a conflict-of-interest data set)
    "dense": "dense",
    # the same with workloads between 0.5 and 3.0 (a harder max-workload level)
    "dense-varied": {"base": "dense", "workload": [0.5, 3.0]},
}
#: Intermediate sizes for the growth series (between prefecture and stress).
GROWTH: dict[str, Any] = {
    "g450": {"base": "province", "counties": 34, "townships": 450, "cases": 325},
    "g900": {"base": "province", "counties": 68, "townships": 900, "cases": 650},
    "g1950": {"base": "province", "cases": 1950},
}
STAFFING = ("zoneplan", "zoneplan-1w", "greedy", "highs", "highs-whole")
ZONING = ("zoning", "zoning-greedy")
SOLVERS = STAFFING + ZONING


# --------------------------------------------------------------------------- instances


def _spec(scale: str) -> Any:
    if scale in SCALES:
        return SCALES[scale]
    if scale in GROWTH:
        return GROWTH[scale]
    raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join([*SCALES, *GROWTH])}")


def ensure_instance(scale: str, seed: int, root: Path = HERE / "instances") -> Path:
    """The cached instance folder of ``scale`` and ``seed``, generated when missing or stale."""
    from zoneplan import synth

    spec = _spec(scale)
    folder = root / f"{scale}-{seed}"
    meta_path = folder / "meta.json"
    meta = {"scale": scale, "spec": spec, "seed": seed}
    if meta_path.exists():
        try:
            if json.loads(meta_path.read_text(encoding="utf-8")) == meta:
                return folder
        except json.JSONDecodeError:
            pass
    t = time.perf_counter()
    synth.write(synth.generate(spec, seed=seed), folder)
    meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    log.info("generated %s in %.2fs", folder, time.perf_counter() - t)
    return folder


def _zoning_input(tables):
    """A :class:`~zoneplan.zoning.ZoningInput` from loaded tables (adjacency, zones, counts)."""
    import numpy as np

    from zoneplan.zoning import ZoningInput

    tw, inv = tables.townships, tables.investigators
    ids = tw["township_id"].tolist()
    pos = {t: i for i, t in enumerate(ids)}
    edges = None
    if tables.adjacency is not None:
        edges = [(pos[a], pos[b]) for a, b in zip(tables.adjacency["a"], tables.adjacency["b"])]
    cases = tables.cases["township_id"].value_counts().reindex(ids).fillna(0).to_numpy(dtype=float)
    local = inv[inv["level"] == "township"]
    staff = local["township_id"].value_counts().reindex(ids).fillna(0).to_numpy(dtype=float)
    leads = local.loc[local["can_lead"], "township_id"].value_counts().reindex(ids).fillna(0).to_numpy(dtype=float)
    return ZoningInput.from_coordinates(
        ids, tw["name"].tolist(), tw["county"].tolist(), tw["lat"].to_numpy(dtype=float),
        tw["lon"].to_numpy(dtype=float), tw["villages"].to_numpy(dtype=float), edges,
        current_zone=tw["zone"].tolist(), staff=staff, leads=leads, cases=np.asarray(cases))


def zoning_available() -> bool:
    """Whether ``zoneplan.zoning.solve_zoning`` can be imported."""
    try:
        from zoneplan.zoning import solve_zoning  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- worker


def _levels(levels) -> list[dict[str, Any]]:
    items = levels.values() if hasattr(levels, "values") else levels
    return [{"name": lv.name, "value": float(lv.value), "bound": None if lv.bound is None else float(lv.bound),
             "gap": None if lv.gap is None else float(lv.gap), "proven": bool(lv.proven)} for lv in items]


def _worker(argv: list[str]) -> int:
    """One solver run on one instance; writes the plan (CSV) and a JSON report."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run worker")
    ap.add_argument("--solver", required=True)
    ap.add_argument("--instance", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--highs-time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    import zoneplan

    import_rss = _peak_rss_mib()
    t = time.perf_counter()
    tables = zoneplan.load(a.instance)
    load_s = time.perf_counter() - t
    out: dict[str, Any] = {"solver": a.solver, "load_s": load_s, "import_rss_mib": import_rss}
    plan = None
    if a.solver.startswith("zoneplan"):
        limit = _time_limit(a.solver) or a.time_limit
        opts = zoneplan.SolveOptions(workers=1 if a.solver.endswith("1w") else a.workers,
                                     time_limit=limit, seed=a.seed)
        res = zoneplan.staff(tables, options=opts)
        plan = res.assignments[["case_id", "investigator_id", "role", "travel_minutes"]]
        out.update(status=res.status, levels=_levels(res.levels), wall_time=res.wall_time,
                   timings=dict(res.timings), stats=dict(res.stats))
    elif a.solver == "greedy":
        from benchmarks.greedy import greedy_staff

        res = greedy_staff(tables)
        plan = res.assignments
        out.update(status="HEURISTIC", levels=[], wall_time=res.wall_time, timings=res.timings,
                   stats=dict(res.stats))
    elif a.solver.startswith("highs"):
        from benchmarks.mip import mip_staff

        res = mip_staff(tables, time_limit=a.highs_time_limit, whole=a.solver == "highs-whole", seed=a.seed,
                        lp_bound="auto")
        plan = res.assignments
        out.update(status=res.status, levels=_levels(res.levels), wall_time=res.wall_time, timings=res.timings,
                   stats=dict(res.stats), lp_bound=res.lp_bound, child_rss_mib=res.peak_rss_mib)
    else:
        from zoneplan.zoning import ZoningOptions, solve_zoning
        from zoneplan.zoning.metrics import check_zoning, zoning_objective

        inp = _zoning_input(tables)
        opts = ZoningOptions(time_limit=a.time_limit, seed=a.seed)
        if a.solver == "zoning":
            res = solve_zoning(inp, opts)
            zones = res.zones[["township_id", "zone"]]
            out.update(status=res.status, objective=res.objective, bound=res.bound, gap=res.gap,
                       wall_time=res.wall_time, workers=opts.workers)
        else:
            from benchmarks.greedy import greedy_zoning

            t = time.perf_counter()
            zones = greedy_zoning(inp, opts.min_size, opts.max_size)
            wall = time.perf_counter() - t
            out.update(status="HEURISTIC", objective=None, bound=None, gap=None, wall_time=wall)
        # the zoning checker and objective are cheap and need the input: run them here
        violations = check_zoning(inp, zones, opts)
        out.update(violations=len(violations), violation_examples=violations[:5],
                   check_objective=zoning_objective(inp, zones, opts), zones=int(zones["zone"].replace("", None).nunique()),
                   stats={"townships": inp.n, "counties": len(inp.counties()), "adjacency_pairs": len(inp.edges)})
        zones.to_csv(a.plan, index=False)
    if plan is not None:
        plan.to_csv(a.plan, index=False)
    out["peak_rss_mib"] = max(_peak_rss_mib(), out.get("child_rss_mib", 0.0))
    Path(a.report).write_text(json.dumps(out, default=float), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------- runner


def _run_one(solver: str, instance: Path, work: Path, tag: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one solver once in a fresh process; the worker's report plus the elapsed time."""
    plan, report = work / f"{tag}.plan.csv", work / f"{tag}.json"
    cmd = [sys.executable, "-m", "benchmarks.run", "worker", "--solver", solver, "--instance", str(instance),
           "--plan", str(plan), "--report", str(report), "--time-limit", str(args.time_limit),
           "--highs-time-limit", str(args.highs_time_limit), "--workers", str(args.workers),
           "--seed", str(args.seed)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60 + 4 * max(args.time_limit, 3 * args.highs_time_limit))
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        return {"solver": solver, "status": "ERROR", "error": proc.stderr[-3000:], "elapsed_s": elapsed}
    out = json.loads(report.read_text(encoding="utf-8"))
    out["elapsed_s"] = elapsed
    out["plan_path"] = str(plan)
    return out


def _check_plan(tables, path: str) -> tuple[int, dict[str, float], dict[str, int]]:
    """Violations, objective and violation counts per rule of a plan CSV, by :func:`zoneplan.check`."""
    import pandas as pd

    import zoneplan

    plan = pd.read_csv(path, dtype={"case_id": str, "investigator_id": str, "role": str},
                       keep_default_na=False, na_values={"travel_minutes": [""]})
    plan = plan.astype({"case_id": object, "investigator_id": object, "role": object})
    rep = zoneplan.check(tables, plan, zoneplan.RuleOptions())
    return len(rep.violations), dict(rep.objective), rep.counts()


def _median(xs: list[float]) -> float:
    return float(statistics.median(xs)) if xs else math.nan


def _summarise(scale: str, series: str, solver: str, runs: list[dict[str, Any]], checks: list[tuple]) -> dict[str, Any]:
    """One result row: the first run's quality figures, median/min/max of the timings."""
    ok = [r for r in runs if r.get("status") != "ERROR"]
    row: dict[str, Any] = {"series": series, "scale": scale, "solver": solver,
                           "kind": "zoning" if solver in ZONING else "staffing", "repeats": len(runs),
                           "errors": len(runs) - len(ok)}
    if not ok:
        row["status"] = "ERROR"
        row["error"] = runs[0].get("error", "")
        return row
    first = ok[0]
    walls = [float(r["wall_time"]) for r in ok]
    row.update(status=first["status"], wall_median=_median(walls), wall_min=min(walls), wall_max=max(walls),
               wall_all=walls, load_s=_median([r["load_s"] for r in ok]),
               elapsed_median=_median([r["elapsed_s"] for r in ok]),
               peak_rss_mib=max(r["peak_rss_mib"] for r in ok), import_rss_mib=first["import_rss_mib"])
    stats = first.get("stats", {})
    for k in ("townships", "investigators", "cases", "eligible_pairs", "parts", "largest_part_pairs", "variables",
              "dense_parts", "solves", "rows", "counties", "adjacency_pairs"):
        if k in stats:
            row[k] = stats[k]
    timings = [r.get("timings", {}) for r in ok]
    for k in sorted({k for t in timings for k in t}):
        row[f"t_{k}"] = _median([t[k] for t in timings if k in t])
    if row["kind"] == "staffing":
        viol = [c[0] for c in checks]
        row["check_violations"] = max(viol) if viol else math.nan
        row["check_counts"] = checks[0][2] if checks else {}
        obj = checks[0][1] if checks else {}
        for name in ("staffed", "max_workload", "travel"):
            row[name] = obj.get(name, math.nan)
        row["objective_stable"] = all(c[1] == obj for c in checks)
        for lv in first.get("levels", []):
            row[f"{lv['name']}_bound"] = lv["bound"]
            row[f"{lv['name']}_gap"] = lv["gap"]
            row[f"{lv['name']}_proven"] = lv["proven"]
            # the solver's own value must equal the checker's recomputation
            if not math.isclose(lv["value"], obj.get(lv["name"], math.nan), abs_tol=1e-6):
                row.setdefault("objective_mismatch", []).append(
                    f"{lv['name']}: solver {lv['value']} vs checker {obj.get(lv['name'])}")
        if "lp_bound" in first:
            row["staffed_lp_bound"] = first["lp_bound"]
    else:
        for k in ("objective", "bound", "gap", "check_objective", "zones", "workers"):
            row[k] = first.get(k)
        row["check_violations"] = max(r["violations"] for r in ok)
        row["violation_examples"] = first.get("violation_examples", [])
        row["objective_stable"] = all(r.get("check_objective") == first.get("check_objective") for r in ok)
    return row


def _time_limit(solver: str) -> float | None:
    """The time limit of a ``zoneplan-tlS`` solver name, else None."""
    m = re.fullmatch(r"zoneplan-tl(\d+(?:\.\d+)?)", solver)
    return float(m.group(1)) if m else None


def _parse_solvers(text: str, repeats: int) -> list[tuple[str, int]]:
    out = []
    for item in [s.strip() for s in text.split(",") if s.strip()]:
        name, _, n = item.partition(":")
        if name not in SOLVERS and _time_limit(name) is None:
            raise ValueError(f"unknown solver {name!r}; expected one of {', '.join(SOLVERS)}")
        out.append((name, int(n) if n else repeats))
    return out


def run_benchmarks(args: argparse.Namespace, echo=print) -> list[dict[str, Any]]:
    """Run every (scale, solver) pair of ``args``; returns the result rows."""
    import zoneplan

    out = Path(args.out)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    zoning = zoning_available()
    plan: list[tuple[str, str, list[tuple[str, int]]]] = []
    for s in args.scales:
        plan.append((s, "main", _parse_solvers(args.solvers, args.repeats)))
    if args.growth:
        for s in GROWTH:
            plan.append((s, "growth", _parse_solvers(args.growth_solvers, 1)))
    rows: list[dict[str, Any]] = []
    for scale, series, solvers in plan:
        if not zoning:
            skipped = [s for s, _ in solvers if s in ZONING]
            if skipped:
                echo(f"# zoneplan.zoning.solve_zoning not importable: skipping {', '.join(skipped)}")
            solvers = [(s, n) for s, n in solvers if s not in ZONING]
        folder = ensure_instance(scale, args.seed)
        tables = zoneplan.load(folder)
        for solver, n in solvers:
            runs, checks = [], []
            for k in range(n):
                r = _run_one(solver, folder, work, f"{scale}-{solver}-{k}", args)
                runs.append(r)
                if (solver in STAFFING or _time_limit(solver)) and r.get("status") != "ERROR":
                    checks.append(_check_plan(tables, r["plan_path"]))
            row = _summarise(scale, series, solver, runs, checks)
            rows.append(row)
            echo(f"# {scale:10s} {solver:13s} {row.get('status', '?'):9s} wall {row.get('wall_median', math.nan):8.3f}s"
                 f"  violations {row.get('check_violations')}")
    return rows


# --------------------------------------------------------------------------- output


def _fmt(x: Any, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}" if not x.is_integer() or digits == 0 else f"{int(x)}"
    return str(x)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The result rows as markdown tables (staffing, then zoning)."""
    lines = []
    staff = [r for r in rows if r["kind"] == "staffing"]
    if staff:
        lines += ["| scale | solver | status | staffed (bound) | max workload (bound) | travel min (bound) | "
                  "LP bound L1 | wall s median [min-max] | prepare / solve / finish s | peak MiB | pairs | parts | "
                  "viol |",
                  "|" + "---|" * 13]
        for r in staff:
            def lv(name: str, d: int = 0) -> str:
                v, b = r.get(name), r.get(f"{name}_bound")
                if b is None or (isinstance(b, float) and math.isnan(b)):
                    return _fmt(v, d)
                return f"{_fmt(v, d)} ({_fmt(b, d)})"
            prep = sum(r.get(f"t_{k}") or 0.0 for k in ("prepare", "eligibility", "decompose", "build"))
            solve = sum(r.get(f"t_{k}") or 0.0 for k in ("greedy", "solve"))
            finish = sum(r.get(f"t_{k}") or 0.0 for k in ("explain", "check"))
            split = f"{_fmt(prep, 2)} / {_fmt(solve, 2)} / {_fmt(finish, 2)}"
            wall = (f"{_fmt(r.get('wall_median'), 2)} [{_fmt(r.get('wall_min'), 2)}-{_fmt(r.get('wall_max'), 2)}]"
                    f" n={r['repeats']}")
            lines.append(f"| {r['scale']} | {r['solver']} | {r.get('status')} | {lv('staffed')} | "
                         f"{lv('max_workload', 2)} | {lv('travel')} | {_fmt(r.get('staffed_lp_bound'), 1)} | {wall} | "
                         f"{split} | {_fmt(r.get('peak_rss_mib'), 0)} | {_fmt(r.get('eligible_pairs'))} | "
                         f"{_fmt(r.get('parts'))} | {_fmt(r.get('check_violations'))} |")
    zon = [r for r in rows if r["kind"] == "zoning"]
    if zon:
        lines += ["", "| scale | solver | status | objective (checker) | bound | gap | wall s median [min-max] | "
                      "peak MiB | townships | zones | viol |", "|" + "---|" * 11]
        for r in zon:
            wall = (f"{_fmt(r.get('wall_median'), 3)} [{_fmt(r.get('wall_min'), 3)}-{_fmt(r.get('wall_max'), 3)}]"
                    f" n={r['repeats']}")
            gap = "-" if r.get("gap") is None else f"{100 * r['gap']:.2f}%"
            lines.append(f"| {r['scale']} | {r['solver']} | {r.get('status')} | {_fmt(r.get('check_objective'), 1)} | "
                         f"{_fmt(r.get('bound'), 1)} | {gap} | {wall} | {_fmt(r.get('peak_rss_mib'), 0)} | "
                         f"{_fmt(r.get('townships'))} | {_fmt(r.get('zones'))} | {_fmt(r.get('check_violations'))} |")
    return "\n".join(lines)


def _write(rows: list[dict[str, Any]], out: Path, meta: dict[str, Any]) -> None:
    import pandas as pd

    (out / "results.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1, default=str),
                                      encoding="utf-8")
    flat = [{k: (";".join(f"{x:.4f}" for x in v) if k == "wall_all" else
                 json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in r.items()} for r in rows]
    pd.DataFrame(flat).to_csv(out / "results.csv", index=False)
    (out / "results.md").write_text(markdown(rows) + "\n", encoding="utf-8")


def _profile(argv: list[str]) -> int:
    """``python -m benchmarks.run profile --scale province``: where zoneplan spends its time.

    Prints the wall time of each stage (from ``staff``'s progress callback and
    ``result.timings``) and the top functions of a cProfile run by cumulative and by own time.
    """
    import cProfile
    import io
    import pstats

    ap = argparse.ArgumentParser(prog="python -m benchmarks.run profile")
    ap.add_argument("--scale", default="province")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)
    import zoneplan

    tables = zoneplan.load(ensure_instance(a.scale, a.seed))
    marks: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, [time.perf_counter(), 0.0])[1] = time.perf_counter()

    opts = zoneplan.SolveOptions(workers=a.workers, time_limit=120)
    prof = cProfile.Profile()
    prof.enable()
    res = prof.runcall(zoneplan.staff, tables, options=opts, progress=progress)
    prof.disable()
    print(f"{a.scale}: {res!r}")
    print("timings: " + ", ".join(f"{k} {v:.3f}s" for k, v in res.timings.items()))
    for stage, (t0, t1) in marks.items():
        print(f"stage {stage}: {t1 - t0:.3f}s")
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(a.top)
        print(buf.getvalue())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the benchmarks, write and print the results."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "worker":
        return _worker(argv[1:])
    if argv and argv[0] == "profile":
        return _profile(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description="zoneplan benchmarks (see benchmarks/run.py)")
    ap.add_argument("--scales", default="county,prefecture,province,stress",
                    help=f"comma-separated, from {', '.join([*SCALES, *GROWTH])}")
    ap.add_argument("--solvers", default="zoneplan,greedy,highs,zoning,zoning-greedy",
                    help=f"comma-separated, from {', '.join(SOLVERS)}; NAME:N sets that solver's repeats")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="output folder (default benchmarks/runs/<stamp>)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="zoneplan and zoning: seconds per solve")
    ap.add_argument("--highs-time-limit", type=float, default=60.0, help="HiGHS: seconds per level, all parts")
    ap.add_argument("--workers", type=int, default=2, help="zoneplan CP-SAT workers")
    ap.add_argument("--growth", action="store_true", help="add the growth series (intermediate sizes, 1 repeat)")
    ap.add_argument("--growth-solvers", default="zoneplan,greedy,highs,zoning,zoning-greedy")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args(argv)
    args.scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    for s in args.scales:
        _spec(s)
    _parse_solvers(args.solvers, args.repeats)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else HERE / "runs" / stamp
    out.mkdir(parents=True, exist_ok=True)
    args.out = str(out)
    t = time.perf_counter()
    rows = run_benchmarks(args)
    meta = {"argv": argv, "started": stamp, "total_s": time.perf_counter() - t, "cpus": os.cpu_count(),
            "python": sys.version.split()[0], "zoning": zoning_available()}
    _write(rows, out, meta)
    if not args.no_plot:
        from benchmarks.plot import plot

        plot(rows, out / "scaling.png")
    print(markdown(rows))
    print(f"\n# {len(rows)} rows in {meta['total_s']:.0f}s -> {out}")
    bad = [r for r in rows if r.get("check_violations") or r.get("status") == "ERROR" or r.get("objective_mismatch")]
    for r in bad:
        print(f"# PROBLEM {r['scale']} {r['solver']}: status {r.get('status')}, violations "
              f"{r.get('check_violations')}, {r.get('check_counts') or r.get('violation_examples') or ''} "
              f"{r.get('objective_mismatch') or ''} {r.get('error', '')}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
