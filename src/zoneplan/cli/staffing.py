"""Staffing commands: staff, check, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from .common import (EXIT_NOT_OPTIMAL, AllowOwn, CrossCounty, DetTime, Lang, MaxHops, MaxPerTownship, MaxTravel,
                     NoZones, Order, Seed, Strict, TeamKinHops, TimeLimit, Verbose, Weights, Workers, _guard,
                     _lang_of, _print_quality, _Progress, _rules, _setup_logging, _solve_opts, app,
                     report_violations)
from .draw import Cap, DrawFlag, LeadCap, SeedFrom, StrictCap, draw_options, print_draw, record_previous
from .replan import History, Lock, LocksFile, Forbid, Previous, keep_history, replan_args

ZonesOpt = typer.Option(None, "--zones", help="Use this zoning's zones as the pools (a folder with zones.csv, "
                                               "or the file) instead of the zone column of townships.csv.")


def _zoned(tables, zones: Optional[Path], no_zones: bool):
    """The tables under ``--zones`` (the same step as compare), or as loaded."""
    if zones is None:
        return tables
    from ..compare import tables_under_zoning

    if no_zones:
        raise ValueError("--zones and --no-zones exclude each other")
    return tables_under_zoning(tables, zones)


@app.command()
@_guard
def staff(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the plan files."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones, time_limit: float = TimeLimit,
    deterministic_time: Optional[float] = DetTime, workers: int = Workers, seed: int = Seed,
    order: str = Order, weights: Optional[str] = Weights, verbose: bool = Verbose, lang: Optional[str] = Lang,
    zones: Optional[Path] = ZonesOpt, strict: bool = Strict,
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Split the run by county across the Dask "
                                            "cluster at this address (e.g. tcp://10.0.0.5:8786)."),
    team_kin_hops: int = TeamKinHops, max_per_township: Optional[int] = MaxPerTownship,
    previous: Optional[Path] = Previous, lock: Optional[list[str]] = Lock, forbid: Optional[list[str]] = Forbid,
    locks_file: Optional[Path] = LocksFile, history: Optional[Path] = History,
    draw: bool = DrawFlag, cap: Optional[float] = Cap, lead_cap: Optional[float] = LeadCap,
    seed_from: Optional[str] = SeedFrom, strict_cap: bool = StrictCap,
) -> None:
    """Staff the cases of DATA_DIR; write the plan for people (plan.xlsx, plan.html) and programs (CSV, JSON)."""
    from .. import load, staff as do_staff
    from ..i18n import pick, resolve_lang
    from ..io.plan import write_plan
    from ..io.write import check_output_dir

    _setup_logging(verbose)
    lang = resolve_lang(lang)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops,
                   max_per_township)
    drawn = draw_options(draw, cap, lead_cap, seed, seed_from, strict_cap)  # --seed is the draw's seed then
    opts = _solve_opts(time_limit, deterministic_time, workers, seed if drawn is None else 0, order, weights)
    check_output_dir(out)  # an unusable --out is found before any work: exit 2
    tables = _zoned(load(data_dir, strict=strict), zones, no_zones)
    _print_quality(tables, lang, gaps_only=False)
    extra = replan_args(previous, lock, forbid, locks_file, tables)
    if scheduler and (extra.get("previous") is not None or extra["locks"] or extra["forbid"] or drawn):
        raise ValueError("--scheduler cannot be combined with --previous/--lock/--forbid/--locks/--draw: "
                         "re-plan on this machine")
    with _Progress(True) as progress:
        if scheduler:
            from ..sweep.cluster import dask_client, staff_on_cluster
            from .sweep import _quiet_dask

            _quiet_dask(verbose)
            with dask_client(scheduler=scheduler) as client:
                result = staff_on_cluster(client, tables, rules, opts, progress=progress)
        else:
            result = do_staff(tables, rules, opts, progress=progress, draw=drawn, **extra)
    record_previous(result, previous)
    write_plan(result, tables, out, lang=lang)
    _print_summary(result, lang)
    print_draw(result, lang)
    typer.echo(pick(_SUMMARY["written"], lang, out=out))
    if result.changes is not None:
        typer.echo(pick(_SUMMARY["changes_file"], lang))
    if history is not None:
        keep_history(history, out, tables, result)
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


_SUMMARY = {
    "head": {"en": "status {status} ({words}): {staffed} case(s) staffed, {unstaffed} unstaffed, {secs:.2f}s",
             "zh": "状态 {status}（{words}）：已配置 {staffed} 件，未配置 {unstaffed} 件，用时 {secs:.2f} 秒"},
    "level": {"en": "  {name:<28} {value:>12}   bound {bound:>12}   gap {gap}",
              "zh": "  {name:<16} {value:>12}   最优界 {bound:>12}   差距 {gap}"},
    "changes": {"en": "versus the previous plan: {kept} membership(s) kept, {added} added, {removed} removed, "
                      "{lead_changes} lead change(s)",
                "zh": "与原方案相比：保留组员 {kept} 人次，新增 {added}，移出 {removed}，组长变更 {lead_changes} 处"},
    "changes_file": {"en": "what changed, membership by membership, with the reason: changes.csv",
                     "zh": "逐人变动及原因见 changes.csv"},
    "unstaffed": {"en": "not staffed:", "zh": "未配置的线索："},
    "more": {"en": "  ... and {n} more (unstaffed.csv, plan.xlsx)", "zh": "  ……另有 {n} 件（见 unstaffed.csv、plan.xlsx）"},
    "written": {"en": "plan written to {out}/ (plan.xlsx, plan.html; assignments.csv, unstaffed.csv, workload.csv, "
                      "report.json)",
                "zh": "方案已写入 {out}/（plan.xlsx、plan.html 供阅读；assignments.csv、unstaffed.csv、workload.csv、"
                      "report.json 供程序读取）"},
}


def _print_summary(result, lang: str = "en", show: int = 10) -> None:
    """The run in a few lines, in ``lang``: status, each level, and why cases were not staffed."""
    from ..i18n import pick
    from ..io.wording import LEVEL_NAMES, STATUS_WORDS, reason_text

    status = str(result.status)
    typer.echo(pick(_SUMMARY["head"], lang, status=status, words=pick(STATUS_WORDS.get(status, {"en": status}), lang),
                    staffed=result.staffed_cases, unstaffed=len(result.unstaffed), secs=result.wall_time))
    if result.change_summary is not None:
        typer.echo(pick(_SUMMARY["changes"], lang, **result.change_summary))
    for lv in result.levels.values():
        typer.echo(pick(_SUMMARY["level"], lang, name=pick(LEVEL_NAMES.get(lv.name, {"en": lv.name}), lang),
                        value=f"{lv.value:g}", bound="-" if lv.bound is None else f"{lv.bound:g}",
                        gap="-" if lv.gap is None else f"{lv.gap:.2%}"))
    un = result.unstaffed
    if len(un):
        typer.echo(pick(_SUMMARY["unstaffed"], lang))
        for case, reason in un[["case_id", "reason"]].head(show).itertuples(index=False):
            typer.echo(f"  {case}: {reason_text(reason, lang)}")
        if len(un) > show:
            typer.echo(pick(_SUMMARY["more"], lang, n=len(un) - show))


@app.command()
@_guard
def check(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="Plan folder (assignments.csv), e.g. hand-made."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    out: Optional[Path] = typer.Option(None, "--out", help="Write violations.csv here."),
    zones: Optional[Path] = ZonesOpt, strict: bool = Strict, lang: Optional[str] = Lang,
    team_kin_hops: int = TeamKinHops, max_per_township: Optional[int] = MaxPerTownship,
) -> None:
    """Re-check a plan against every rule, independently of the solver (exit 1 on violations)."""
    from .. import check as do_check, load
    from ..io.plan import read_assignments

    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops,
                   max_per_township)
    tables = _zoned(load(data_dir, strict=strict), zones, no_zones)
    plan = read_assignments(plan_dir, tables)
    report = do_check(tables, plan, rules)
    report_violations(report, out, "staffed", ("staffed", "max_workload", "travel"))


@app.command()
@_guard
def validate(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    out: Optional[Path] = typer.Option(None, "--out", help="Write pools.csv (per-case pool summary) and "
                                                           "data_quality.json here."),
    zones: Optional[Path] = ZonesOpt, strict: bool = Strict, lang: Optional[str] = Lang,
) -> None:
    """Check the input and summarise it: counts, data quality, per-case eligible pool, hopeless cases."""
    from .. import load
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..staffing import build_instance
    from ..staffing.explain import precheck

    lang = _lang_of({"lang": lang})
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
    t = _zoned(load(data_dir, strict=strict), zones, no_zones)
    typer.echo(f"input OK: {len(t.townships)} townships in {t.townships['county'].nunique()} county(ies), "
               f"{(t.townships['zone'] != '').sum()} with a zone ({t.townships.loc[t.townships['zone'] != '', 'zone'].nunique()} zones); "
               f"{len(t.investigators)} investigators ({(t.investigators['level'] == 'county').sum()} county-level); "
               f"{len(t.cases)} cases; {len(t.relations)} relations; {len(t.conflicts)} declared conflicts; "
               f"adjacency {'given' if t.adjacency is not None else 'derived from coordinates'}; "
               f"travel {'given' if t.travel is not None else 'estimated from coordinates'}")
    _print_quality(t, lang, gaps_only=False)
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
        write_outputs(out, {"pools.csv": frame_to_csv_bytes(counts),
                            "data_quality.json": json_bytes(t.quality.to_dict())})
    if pre:
        typer.echo(f"{len(pre)} case(s) cannot be staffed before solving:")
        for c, why in sorted(pre.items()):
            typer.echo(f"  {el.case_ids[c]}: {why}")


