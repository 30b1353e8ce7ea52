"""The living plan's commands: review (乡案县审), check-review, lead (1+1+N), areas (监督片区)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..i18n import N_, NC_, tr
from .present import status_line, status_word, written_line
from .common import (EXIT_NOT_OPTIMAL, AllowOwn, DetTime, Lang, MaxHops, Seed, Strict, TimeLimit, report_violations,
                     Verbose, Workers, _guard, _lang_of, _setup_logging, app)

Reviewers = typer.Option(1, "--reviewers", help="Reviewers per case (default 1: one county-level reviewer who did "
                                                 "not investigate the case).")
MaxReviews = typer.Option(3, "--max-reviews", help="Most reviews one person takes in this plan (default 3; "
                                                    "reviews do not use up max_cases).")


def _review_options(reviewers: int, max_reviews: int, time_limit: float, deterministic_time: Optional[float],
                    seed: int):
    from ..reviewing import ReviewOptions

    return ReviewOptions(reviewers_per_case=reviewers, max_reviews=max_reviews, time_limit=time_limit,
                         deterministic_time=deterministic_time, seed=seed)


@app.command()
@_guard
def review(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    plan_dir: Path = typer.Argument(..., help="The staffing plan: a plan folder (assignments.csv) or the file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for reviews.csv, unreviewed.csv, review_load.csv, "
                                                      "report.json, summary.txt, review.xlsx."),
    reviewers: int = Reviewers, max_reviews: int = MaxReviews, max_hops: int = MaxHops,
    allow_own_township: bool = AllowOwn, time_limit: float = TimeLimit,
    deterministic_time: Optional[float] = DetTime, seed: int = Seed, verbose: bool = Verbose,
    lang: Optional[str] = Lang, strict: bool = Strict,
) -> None:
    """乡案县审: assign county-level reviewers to every staffed case of PLAN_DIR."""
    from .. import load
    from ..i18n import lang_for
    from ..io.plan import read_assignments
    from ..io.review import review_files
    from ..io.write import write_outputs
    from ..options import RuleOptions
    from ..reviewing import review as do_review

    _setup_logging(verbose)
    lang = lang_for(lang, data_dir)
    opts = _review_options(reviewers, max_reviews, time_limit, deterministic_time, seed)
    rules = RuleOptions(max_hops=max_hops, allow_own_township=allow_own_township)
    tables = load(data_dir, strict=strict)
    plan = read_assignments(plan_dir, tables)
    result = do_review(tables, plan, opts, rules)
    files = review_files(result, tables, plan, lang)
    write_outputs(out, files)
    typer.echo(files["summary.txt"].decode("utf-8").rstrip())
    typer.echo(status_line(result.status, result.levels.values(), result.wall_time, lang, bounds=True))
    typer.echo(written_line(out, ["reviews.csv", "unreviewed.csv", "review_load.csv", "report.json", "summary.txt",
                                  "review.xlsx"], lang))
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


@app.command("check-review")
@_guard
def check_review(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="The staffing plan (assignments.csv) the reviews are for."),
    review_dir: Path = typer.Argument(..., help="The review plan: a folder (reviews.csv) or the file, e.g. hand-made."),
    reviewers: int = Reviewers, max_reviews: int = MaxReviews, max_hops: int = MaxHops,
    allow_own_township: bool = AllowOwn,
    out: Optional[Path] = typer.Option(None, "--out", help="Write violations.csv here."),
    strict: bool = Strict, lang: Optional[str] = Lang,
) -> None:
    """Re-check a review plan against every review rule, independently of the solver (exit 1 on violations)."""
    from .. import load
    from ..io.plan import read_assignments
    from ..io.review import read_reviews
    from ..options import RuleOptions
    from ..reviewing import ReviewOptions, check_reviews

    lang = _lang_of({"lang": lang, "data_dir": data_dir})
    tables = load(data_dir, strict=strict)
    plan = read_assignments(plan_dir, tables)
    reviews = read_reviews(review_dir, tables)
    report = check_reviews(tables, plan, reviews, ReviewOptions(reviewers_per_case=reviewers, max_reviews=max_reviews),
                           RuleOptions(max_hops=max_hops, allow_own_township=allow_own_township))
    report_violations(report, out, "reviewed", ("reviewed", "max_reviews", "travel"), lang)


_LEAD_TEXT = {
    "headers": [N_("zone"), NC_("cli.living", "townships"), NC_("lead table", "villages"), N_("leader"), N_("office")],
    "title": N_("1+1+N: {n} zones, each with one leader and one office of its county"),
    "conflict": N_(" (from the zone)"),
}


def _lead_text(res, lang: str) -> str:
    from ..i18n import pick
    from .present import LIST_SEP, text_table

    rows = []
    for r in res.zones.itertuples(index=False):
        mark = pick(_LEAD_TEXT["conflict"], lang)
        rows.append([r.zone, pick(LIST_SEP, lang).join(r.township_names.split(";")), r.villages,
                     (r.leader_name + (mark if r.leader_conflict is True else "")) if r.leader else "-",
                     (r.office_name + (mark if r.office_conflict is True else "")) if r.office else "-"])
    return pick(_LEAD_TEXT["title"], lang, n=len(rows)) + "\n" + text_table([tr(h, lang) for h in _LEAD_TEXT["headers"]], rows,
                                                                          right=[2])


@app.command()
@_guard
def lead(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs with leaders.csv (牵头领导) and/or offices.csv "
                                              "(纪检监察室)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for zones.csv (with leader and office), "
                                                      "leadership.csv, report.json, map.png."),
    zones: Optional[Path] = typer.Option(None, "--zones", help="The zoning to lead (a folder with zones.csv, or "
                                                                "the file); default: the zone column of townships."),
    time_limit: float = TimeLimit, seed: int = Seed, verbose: bool = Verbose, lang: Optional[str] = Lang,
    strict: bool = Strict,
) -> None:
    """1+1+N: give every zone one county leader and one county office, balanced, none from the zone's townships."""
    from .. import load
    from ..i18n import pick, lang_for
    from ..io.side import read_zoning, with_leadership, zoning_table
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..leadership import LeadershipOptions, assign_leadership
    from ..maps import zoning_map_files
    from ..zoning.adapter import current_zoning, zoning_input

    _setup_logging(verbose)
    lang = lang_for(lang, data_dir)
    tables = load(data_dir, require=("townships",), strict=strict)
    zoning = read_zoning(zones, tables) if zones is not None else current_zoning(tables)
    res = assign_leadership(tables, zoning, LeadershipOptions(time_limit=time_limit, seed=seed))
    inp = zoning_input(tables)
    table = with_leadership(zoning_table(inp, zoning), res.zones)
    report = {**res.report(), "inputs": {n: {"file": s.path, "sha256": s.sha256} for n, s in
                                         sorted(tables.sources.items())}}
    files = {"zones.csv": frame_to_csv_bytes(table), "leadership.csv": frame_to_csv_bytes(res.zones),
             "report.json": json_bytes(report)}
    files.update(zoning_map_files(inp, table, stem="map", subtitle="1+1+N", lang=lang, boundaries=tables.boundaries))
    write_outputs(out, files)
    typer.echo(_lead_text(res, lang))
    for e in (res.explanations_zh if lang == "zh" else res.explanations):
        typer.echo(f"  {e}")
    typer.echo(status_line(res.status, res.levels.values(), res.wall_time, lang))
    typer.echo(written_line(out, ["zones.csv", "leadership.csv", "report.json", *sorted(f for f in files
                                                                                      if f.endswith(".png"))], lang))
    if res.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


_AREA_TEXT = {
    "title": N_("Supervision areas (监督片区): {z} zones, {a} areas, {v} villages; balanced by {w}"),
    "weight": {"households": NC_("cli.living", "households"), "population": N_("population"),
               "villages": NC_("cli.living", "villages")},
    "headers": [N_("zone"), NC_("cli.living", "villages"), N_("areas"), N_("largest"), N_("smallest"), N_("bound"), NC_("cli.living", "gap"), NC_("cli.living", "status")],
    "summary_headers": [N_("zone"), N_("area"), NC_("cli.living", "villages"), N_("weight"), N_("liaisons"), NC_("area table", "townships"), N_("liaison names")],
    "village_headers": [N_("Village id"), NC_("cli.living", "Village"), N_("Township id"), NC_("cli.living", "Township"), N_("Zone"), N_("Area"), N_("Households"), N_("Population"), N_("Liaison"), N_("Liaison's name"), N_("Area villages"), N_("Area weight"), N_("Area liaisons")],
}


@app.command()
@_guard
def areas(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs with villages.csv (村社区)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for areas.csv, area_summary.csv, report.json, "
                                                      "areas.xlsx and the map(s)."),
    zones: Optional[Path] = typer.Option(None, "--zones", help="The zoning (a folder with zones.csv, or the file); "
                                                                "default: the zone column of townships."),
    n_areas: Optional[int] = typer.Option(None, "--areas", help="Exactly this many areas per zone (default: about "
                                                                 "one per --villages-per-area villages, 3..5)."),
    min_areas: int = typer.Option(3, "--min-areas", help="Fewest areas per zone."),
    max_areas: int = typer.Option(5, "--max-areas", help="Most areas per zone."),
    villages_per_area: float = typer.Option(10.0, "--villages-per-area", help="About this many villages an area."),
    exact_villages: int = typer.Option(25, "--exact-villages", help="Zones up to this many villages are solved "
                                                                    "exactly by CP-SAT (larger: local search, gap "
                                                                    "reported)."),
    deterministic_time: float = typer.Option(2.0, "--deterministic-time", help="CP-SAT deterministic limit per zone "
                                                                                "and level."),
    time_limit: float = typer.Option(300.0, "--time-limit", help="Wall-clock seconds for the whole run."),
    workers: int = Workers, seed: int = Seed, verbose: bool = Verbose, lang: Optional[str] = Lang,
    strict: bool = Strict,
) -> None:
    """Split each zone's villages into 3-5 contiguous supervision areas (监督片区), balanced by households."""
    from .. import load
    from ..areas import AreaOptions, supervision_areas
    from ..i18n import pick, lang_for
    from ..io.side import read_zoning
    from ..io.tablebook import table_workbook
    from ..io.wording import yes_no
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..maps import areas_map_files
    from ..zoning.adapter import current_zoning
    from .present import text_table

    import pandas as pd

    _setup_logging(verbose)
    lang = lang_for(lang, data_dir)
    opts = AreaOptions(min_areas=min_areas, max_areas=max_areas, villages_per_area=villages_per_area, areas=n_areas,
                       exact_villages=exact_villages, deterministic_time=deterministic_time, time_limit=time_limit,
                       workers=workers, seed=seed)
    tables = load(data_dir, require=("townships",), strict=strict)
    zoning = read_zoning(zones, tables) if zones is not None else current_zoning(tables)
    res = supervision_areas(tables, zoning, opts)
    summary = res.by_area()
    pz = res.per_zone
    def cell(v) -> str:
        return "" if v is None or pd.isna(v) else f"{int(v):,}"

    rows = [[r.zone, r.villages, r.areas, cell(r.largest), cell(r.smallest), cell(r.largest_bound),
             "" if pd.isna(r.gap) else f"{r.gap:.2%}", status_word(r.status, lang)] for r in pz.itertuples(index=False)]
    head = pick(_AREA_TEXT["title"], lang, z=len(pz), a=int(pz["areas"].sum()), v=int(pz["villages"].sum()),
                w=pick(_AREA_TEXT["weight"][res.weight], lang))
    text = head + "\n" + text_table([tr(h, lang) for h in _AREA_TEXT["headers"]], rows, right=[1, 2, 3, 4, 5, 6])
    report = {**res.report(), "inputs": {n: {"file": s.path, "sha256": s.sha256} for n, s in
                                         sorted(tables.sources.items())}}
    sheet_summary = summary.copy()
    sheet_summary.columns = [tr(h, lang) for h in _AREA_TEXT["summary_headers"]]
    sheet_villages = res.areas.assign(liaison=[yes_no(bool(x), lang) for x in res.areas["liaison"]])
    sheet_villages.columns = [tr(h, lang) for h in _AREA_TEXT["village_headers"]]
    book = table_workbook(head, [*(text.splitlines()[1:]), *(res.explanations_zh if lang == "zh" else res.explanations)],
                          [(pick(N_("Areas"), lang), sheet_summary),
                           (pick(N_("Villages"), lang), sheet_villages)], lang)
    files = {"areas.csv": frame_to_csv_bytes(res.areas), "area_summary.csv": frame_to_csv_bytes(summary),
             "report.json": json_bytes(report), "areas.xlsx": book}
    if res.feasible or (res.areas["area"] != "").any():
        files.update(areas_map_files(tables, res.areas, weight=res.weight, lang=lang))
    write_outputs(out, files)
    typer.echo(text)
    for e in (res.explanations_zh if lang == "zh" else res.explanations):
        typer.echo(f"  {e}")
    typer.echo(status_line(res.status, (), res.wall_time, lang))
    typer.echo(written_line(out, sorted(files), lang))
    if res.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)
