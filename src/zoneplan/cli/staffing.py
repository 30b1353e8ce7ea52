"""Staffing commands: staff, check, validate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from ..errors import Refusal
from ..i18n import N_, NC_
from .common import (EXIT_NOT_OPTIMAL, AllowOwn, CrossCounty, DetTime, Lang, MaxHops, MaxPerTownship, MaxTravel,
                     NoZones, Order, Seed, Strict, TeamKinHops, TimeLimit, Verbose, Weights, Workers, _guard,
                     _lang_of, _print_quality, _Progress, _rules, _setup_logging, _solve_opts, app,
                     command_elapsed, report_violations, require_cluster)
from ..io.plan import LAYOUTS, early_second_process, split_by_county, write_seconds
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
        raise Refusal(N_("--zones and --no-zones exclude each other"))
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
    reports: str = typer.Option("auto", "--reports", help="Files for people: 'single' (one plan.xlsx and plan.html), "
                                "'county' (one workbook and report per county, plus an index), or 'auto' (per "
                                "county above 500 townships in several counties)."),
    draw: bool = DrawFlag, cap: Optional[float] = Cap, lead_cap: Optional[float] = LeadCap,
    seed_from: Optional[str] = SeedFrom, strict_cap: bool = StrictCap,
) -> None:
    """Staff the cases of DATA_DIR; write the plan for people (plan.xlsx, plan.html) and programs (CSV, JSON)."""
    from .. import load, staff as do_staff
    from ..i18n import pick, lang_for
    from ..io.plan import write_plan
    from ..io.write import check_output_dir
    from ..runner import Cancel, fault_point

    _setup_logging(verbose)
    lang = lang_for(lang, data_dir)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops,
                   max_per_township)
    drawn = draw_options(draw, cap, lead_cap, seed, seed_from, strict_cap)  # --seed is the draw's seed then
    opts = _solve_opts(time_limit, deterministic_time, workers, seed if drawn is None else 0, order, weights)
    check_output_dir(out)  # an unusable --out is found before any work: exit 2
    if scheduler:
        require_cluster("staff --scheduler")
    if reports not in LAYOUTS:
        raise Refusal(N_("--reports expects one of {choices}, got {got!r}"), choices=" / ".join(LAYOUTS), got=reports)
    tables = _zoned(load(data_dir, strict=strict), zones, no_zones)
    fault_point("after-load")
    _print_quality(tables, lang, notes_in=pick(_SUMMARY["quality_sheet"], lang))
    extra = replan_args(previous, lock, forbid, locks_file, tables)
    if scheduler and (extra.get("previous") is not None or extra["locks"] or extra["forbid"] or drawn):
        raise Refusal(N_("--scheduler cannot be combined with --previous/--lock/--forbid/--locks/--draw: re-plan on "
                         "this machine"))
    # --time-limit covers the whole command: what start-up and loading took, and the
    # estimated time to write the files, come off the solve's share
    cancel = Cancel(deadline=time.perf_counter() + time_limit - command_elapsed() - write_seconds(tables, reports))
    side = None if scheduler else early_second_process(tables, reports)  # starts beside the solve; stopped below
    try:
        with _Progress(True) as progress:
            if scheduler:
                from ..sweep.cluster import dask_client, staff_on_cluster
                from .sweep import _quiet_dask

                _quiet_dask(verbose)
                with dask_client(scheduler=scheduler) as client:
                    result = staff_on_cluster(client, tables, rules, opts, progress=progress)
            else:
                result = do_staff(tables, rules, opts, progress=progress, cancel=cancel, draw=drawn, **extra)
        record_previous(result, previous)
        fault_point("before-write")
        write_plan(result, tables, out, lang=lang, layout=reports, side=side)
    finally:
        if side is not None:
            side.stop()
    _print_summary(result, lang, people=dict(zip(tables.investigators["investigator_id"],
                                                 tables.investigators["name"])))
    print_draw(result, lang)
    if split_by_county(tables, reports):
        typer.echo(pick(_SUMMARY["written_split"], lang, out=out, n=tables.townships["county"].nunique()))
    else:
        typer.echo(pick(_SUMMARY["written"], lang, out=out))
    if result.changes is not None:
        typer.echo(pick(_SUMMARY["changes_file"], lang))
    if history is not None:
        keep_history(history, out, tables, result, lang)
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


_SUMMARY = {
    "head": N_("status {status} ({words}): {staffed} case(s) staffed, {unstaffed} unstaffed, {secs:.2f}s"),
    "head_people": N_("{short}: {staffed} case(s) staffed, {unstaffed} unstaffed, {secs:.2f}s"),
    "bound": N_("bound"), "gap": N_("gap"),
    "quality_sheet": N_("the sheet Data quality of plan.xlsx"),
    "changes": N_("versus the previous plan: {kept} membership(s) kept, {added} added, {removed} removed, "
                  "{lead_changes} lead change(s)"),
    "written_split": N_("plan written to {out}/ (plan.xlsx, plan.html: the index of {n} counties; "
                        "counties/: a workbook and a report per county; assignments.csv, unstaffed.csv, "
                        "workload.csv, report.json)"),
    "changes_file": N_("what changed, membership by membership, with the reason: changes.csv"),
    "unstaffed": N_("not staffed:"),
    "more": N_("  ... and {n} more (unstaffed.csv, plan.xlsx)"),
    "written": N_("plan written to {out}/ (plan.xlsx, plan.html; assignments.csv, unstaffed.csv, "
                  "workload.csv, report.json)"),
}


def _print_summary(result, lang: str = "en", show: int = 10, people: dict[str, str] | None = None) -> None:
    """The run in a few lines, in ``lang``: status, each level, and why cases were not staffed."""
    from ..i18n import pick
    from ..io.wording import LEVEL_NAMES, STATUS_SHORT, STATUS_WORDS, reason_text

    status = str(result.status)
    # English keeps the status code first (scripts read it); other languages say it in words
    head = _SUMMARY["head"] if lang == "en" else _SUMMARY["head_people"]
    typer.echo(pick(head, lang, status=status, words=pick(STATUS_WORDS.get(status, status), lang),
                    short=pick(STATUS_SHORT.get(status, status), lang),
                    staffed=result.staffed_cases, unstaffed=len(result.unstaffed), secs=result.wall_time))
    if result.change_summary is not None:
        typer.echo(pick(_SUMMARY["changes"], lang, **result.change_summary))
    from .present import text_table

    rows = [[pick(LEVEL_NAMES.get(lv.name, lv.name), lang), f"{lv.value:g}", pick(_SUMMARY["bound"], lang),
             "-" if lv.bound is None else f"{lv.bound:g}", pick(_SUMMARY["gap"], lang),
             "-" if lv.gap is None else f"{lv.gap:.2%}"] for lv in result.levels.values()]
    if rows:  # padded by display width: Chinese names take two columns a character
        table = text_table([""] * 6, rows, right=[1, 3, 5]).splitlines()[1:]
        typer.echo("\n".join("  " + line for line in table))
    un = result.unstaffed
    people = people or {}
    if len(un):
        typer.echo(pick(_SUMMARY["unstaffed"], lang))
        for case, reason in un[["case_id", "reason"]].head(show).itertuples(index=False):
            typer.echo(f"  {case}: {reason_text(reason, lang, people, names_only=True)}")
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

    lang = _lang_of({"lang": lang, "data_dir": data_dir})
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops,
                   max_per_township)
    tables = _zoned(load(data_dir, strict=strict), zones, no_zones)
    plan = read_assignments(plan_dir, tables)
    report = do_check(tables, plan, rules)
    report_violations(report, out, "staffed", ("staffed", "max_workload", "travel"), lang)


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
    from ..i18n import pick
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..staffing import build_instance
    from ..staffing.explain import precheck

    lang = _lang_of({"lang": lang, "data_dir": data_dir})
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
    t = _zoned(load(data_dir, strict=strict), zones, no_zones)
    tw, inv = t.townships, t.investigators
    typer.echo(pick(_VALIDATE["ok"], lang, n=len(tw), c=tw["county"].nunique(), zoned=int((tw["zone"] != "").sum()),
                    zones=tw.loc[tw["zone"] != "", "zone"].nunique(), people=len(inv),
                    county_level=int((inv["level"] == "county").sum()), cases=len(t.cases),
                    relations=len(t.relations), declared=len(t.conflicts),
                    adjacency=pick(_VALIDATE["given" if t.adjacency is not None else "derived"], lang),
                    travel=pick(_VALIDATE["given" if t.travel is not None else "estimated"], lang)))
    _print_quality(t, lang, gaps_only=False)
    inst = build_instance(t, rules)
    el = inst.eligibility
    pre = precheck(inst)
    counts = el.exclusion_counts()
    counts["team_size"] = t.cases["team_size"].to_numpy()
    counts["staffable_alone"] = ["no" if c in pre else "maybe" for c in range(len(counts))]
    counts["reason"] = [pre.get(c, "") for c in range(len(counts))]
    cols = ["case_id", "team_size", "pool", "eligible", "cross-check", "home", "kin", "declared", "team.available",
            "team.capacity"]
    show = counts[cols]
    typer.echo(pick(_VALIDATE["pairs"], lang, k=el.n_pairs, n=int(el.pool_size.sum())))
    if lang == "en":
        with pd.option_context("display.max_rows", 60, "display.width", 160):
            typer.echo(show.to_string(index=False))
    else:
        from .present import text_table

        rows = show.head(60).values.tolist()
        typer.echo(text_table([pick(_POOL_COLUMNS[c], lang) for c in cols], rows, right=list(range(1, len(cols)))))
        if len(show) > 60:
            typer.echo(pick(_SUMMARY["more"], lang, n=len(show) - 60))
    if out is not None:
        write_outputs(out, {"pools.csv": frame_to_csv_bytes(counts),
                            "data_quality.json": json_bytes(t.quality.to_dict())})
    if pre:
        from ..io.wording import reason_text

        names = dict(zip(inv["investigator_id"], inv["name"]))
        typer.echo(pick(_VALIDATE["hopeless"], lang, n=len(pre)))
        for c, why in sorted(pre.items()):
            whole = why if why.startswith("cannot be staffed at all") else "cannot be staffed at all: " + why
            typer.echo(f"  {el.case_ids[c]}: {reason_text(whole, lang, names, True)}" if lang != "en"
                       else f"  {el.case_ids[c]}: {why}")


_VALIDATE = {
    "ok": N_("input OK: {n} townships in {c} county(ies), {zoned} with a zone ({zones} zones); {people} investigators "
             "({county_level} county-level); {cases} cases; {relations} relations; {declared} declared conflicts; "
             "adjacency {adjacency}; travel {travel}"),
    "given": N_("given"), "derived": N_("derived from coordinates"), "estimated": N_("estimated from coordinates"),
    "pairs": N_("{k} eligible (investigator, case) pairs out of {n} in the pools"),
    "hopeless": N_("{n} case(s) cannot be staffed before solving:"),
}
_POOL_COLUMNS = {
    "case_id": NC_("column", "Case"), "team_size": NC_("column", "Team size"), "pool": N_("nearby"),
    "eligible": N_("eligible"), "cross-check": N_("posted locally"), "home": N_("from there"),
    "kin": N_("related to the subject"), "declared": N_("declared"), "team.available": N_("unavailable"),
    "team.capacity": N_("full"),
}


