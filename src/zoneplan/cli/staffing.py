"""Staffing commands: staff, check, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from .common import (EXIT_NOT_OPTIMAL, EXIT_VIOLATIONS, AllowOwn, CrossCounty, DetTime, MaxHops, MaxPerTownship,
                     MaxTravel, NoZones, Order, Seed, TeamKinHops, TimeLimit, Verbose, Weights, Workers, _guard,
                     _Progress, _rules, _setup_logging, _solve_opts, app)
from .replan import History, Lock, LocksFile, Forbid, Previous, keep_history, replan_args

@app.command()
@_guard
def staff(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the plan files."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones, time_limit: float = TimeLimit,
    deterministic_time: Optional[float] = DetTime, workers: int = Workers, seed: int = Seed,
    order: str = Order, weights: Optional[str] = Weights, verbose: bool = Verbose,
    team_kin_hops: int = TeamKinHops, max_per_township: Optional[int] = MaxPerTownship,
    previous: Optional[Path] = Previous, lock: Optional[list[str]] = Lock, forbid: Optional[list[str]] = Forbid,
    locks_file: Optional[Path] = LocksFile, history: Optional[Path] = History,
) -> None:
    """Staff the cases of DATA_DIR and write assignments, unstaffed, workload and report."""
    from .. import load, staff as do_staff
    from ..io.plan import write_plan
    from ..io.write import check_output_dir

    _setup_logging(verbose)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops, max_per_township)
    opts = _solve_opts(time_limit, deterministic_time, workers, seed, order, weights)
    check_output_dir(out)  # an unusable --out is found before any work: exit 2
    tables = load(data_dir)
    extra = replan_args(previous, lock, forbid, locks_file)
    with _Progress(True) as progress:
        result = do_staff(tables, rules, opts, progress=progress, **extra)
    write_plan(result, tables, out)
    _print_summary(result)
    typer.echo(f"plan written to {out}/ (assignments.csv, unstaffed.csv, workload.csv, report.json"
               f"{', changes.csv' if result.changes is not None else ''})")
    if history is not None:
        keep_history(history, out, tables, result)
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


def _print_summary(result) -> None:
    typer.echo(f"status {result.status}: {result.staffed_cases} case(s) staffed, "
               f"{len(result.unstaffed)} unstaffed, {result.wall_time:.2f}s")
    if result.change_summary is not None:
        s = result.change_summary
        typer.echo(f"versus the previous plan: {s['kept']} membership(s) kept, {s['added']} added, "
                   f"{s['removed']} removed, {s['lead_changes']} lead change(s)")
    for lv in result.levels.values():
        bound = "-" if lv.bound is None else f"{lv.bound:g}"
        gap = "-" if lv.gap is None else f"{lv.gap:.2%}"
        typer.echo(f"  {lv.name:<13} {lv.value:>12g}   bound {bound:>12}   gap {gap}")


@app.command()
@_guard
def check(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="Plan folder (assignments.csv), e.g. hand-made."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    out: Optional[Path] = typer.Option(None, "--out", help="Write violations.csv here."),
    team_kin_hops: int = TeamKinHops, max_per_township: Optional[int] = MaxPerTownship,
) -> None:
    """Re-check a plan against every rule, independently of the solver (exit 1 on violations)."""
    from .. import check as do_check, load
    from ..io.plan import read_assignments
    from ..io.write import frame_to_csv_bytes, write_outputs

    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops, max_per_township)
    tables = load(data_dir)
    plan = read_assignments(plan_dir)
    report = do_check(tables, plan, rules)
    frame = report.to_frame()
    if out is not None:
        write_outputs(out, {"violations.csv": frame_to_csv_bytes(frame)})
    obj = report.objective
    typer.echo(f"{len(report.staffed_cases)} case(s) staffed; objective: staffed {obj['staffed']:g}, "
               f"max_workload {obj['max_workload']:g}, travel {obj['travel']:g}")
    if report.ok:
        typer.echo("0 violations")
        return
    typer.echo(f"{len(frame)} violation(s):")
    typer.echo(frame.to_string(index=False, max_colwidth=90))
    raise typer.Exit(EXIT_VIOLATIONS)


@app.command()
@_guard
def validate(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    out: Optional[Path] = typer.Option(None, "--out", help="Write pools.csv (per-case pool summary) here."),
) -> None:
    """Check the input and summarise it: counts, per-case eligible pool, cases that cannot be staffed."""
    from .. import load
    from ..io.write import frame_to_csv_bytes, write_outputs
    from ..staffing import build_instance
    from ..staffing.explain import precheck

    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
    t = load(data_dir)
    typer.echo(f"input OK: {len(t.townships)} townships in {t.townships['county'].nunique()} county(ies), "
               f"{(t.townships['zone'] != '').sum()} with a zone ({t.townships.loc[t.townships['zone'] != '', 'zone'].nunique()} zones); "
               f"{len(t.investigators)} investigators ({(t.investigators['level'] == 'county').sum()} county-level); "
               f"{len(t.cases)} cases; {len(t.relations)} relations; {len(t.conflicts)} declared conflicts; "
               f"adjacency {'given' if t.adjacency is not None else 'derived from coordinates'}; "
               f"travel {'given' if t.travel is not None else 'estimated from coordinates'}")
    for w in t.warnings:
        typer.echo(f"warning: {w}")
    inst = build_instance(t, rules)
    el = inst.eligibility
    pre = precheck(inst)
    counts = el.exclusion_counts()
    counts["team_size"] = t.cases["team_size"].to_numpy()
    counts["staffable_alone"] = ["no" if c in pre else "maybe" for c in range(len(counts))]
    counts["reason"] = [pre.get(c, "") for c in range(len(counts))]
    show = counts[["case_id", "team_size", "pool", "eligible", "cross-check", "home", "kin", "declared",
                   "team.available", "team.capacity"]]
    typer.echo(f"{el.n_pairs} eligible (investigator, case) pairs out of {int(el.pool_size.sum())} in the pools")
    with pd.option_context("display.max_rows", 60, "display.width", 160):
        typer.echo(show.to_string(index=False))
    if out is not None:
        write_outputs(out, {"pools.csv": frame_to_csv_bytes(counts)})
    if pre:
        typer.echo(f"{len(pre)} case(s) cannot be staffed before solving:")
        for c, why in sorted(pre.items()):
            typer.echo(f"  {el.case_ids[c]}: {why}")


