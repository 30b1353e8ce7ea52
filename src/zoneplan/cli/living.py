"""The living plan's commands: review (乡案县审), check-review, lead (1+1+N), areas (监督片区)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (EXIT_NOT_OPTIMAL, EXIT_VIOLATIONS, AllowOwn, DetTime, Lang, MaxHops, Seed, Strict, TimeLimit,
                     Verbose, _guard, _setup_logging, app)

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
    from ..i18n import resolve_lang
    from ..io.plan import read_assignments
    from ..io.review import review_files
    from ..io.write import write_outputs
    from ..options import RuleOptions
    from ..reviewing import review as do_review

    _setup_logging(verbose)
    lang = resolve_lang(lang)
    opts = _review_options(reviewers, max_reviews, time_limit, deterministic_time, seed)
    rules = RuleOptions(max_hops=max_hops, allow_own_township=allow_own_township)
    tables = load(data_dir, strict=strict)
    plan = read_assignments(plan_dir, tables)
    result = do_review(tables, plan, opts, rules)
    files = review_files(result, tables, plan, lang)
    write_outputs(out, files)
    typer.echo(files["summary.txt"].decode("utf-8").rstrip())
    levels = "; ".join(f"{lv.name} {lv.value:g} (bound {lv.bound:g})" for lv in result.levels)
    typer.echo(f"status {result.status}: {levels}; {result.wall_time:.2f}s")
    typer.echo(f"written to {out}/ (reviews.csv, unreviewed.csv, review_load.csv, report.json, summary.txt, "
               f"review.xlsx)")
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
    from ..io.write import frame_to_csv_bytes, write_outputs
    from ..options import RuleOptions
    from ..reviewing import ReviewOptions, check_reviews

    tables = load(data_dir, strict=strict)
    plan = read_assignments(plan_dir, tables)
    reviews = read_reviews(review_dir, tables)
    report = check_reviews(tables, plan, reviews, ReviewOptions(reviewers_per_case=reviewers, max_reviews=max_reviews),
                           RuleOptions(max_hops=max_hops, allow_own_township=allow_own_township))
    frame = report.to_frame()
    if out is not None:
        write_outputs(out, {"violations.csv": frame_to_csv_bytes(frame)})
    obj = report.objective
    typer.echo(f"{len(report.staffed_cases)} case(s) reviewed; objective: reviewed {obj['reviewed']:g}, "
               f"max_reviews {obj['max_reviews']:g}, travel {obj['travel']:g}")
    if report.ok:
        typer.echo("0 violations")
        return
    typer.echo(f"{len(frame)} violation(s):")
    typer.echo(frame.to_string(index=False, max_colwidth=90))
    raise typer.Exit(EXIT_VIOLATIONS)


_LEAD_TEXT = {
    "headers": {"en": ["zone", "townships", "villages", "leader", "office"],
                "zh": ["协作区", "乡镇（街道）", "村（社区）数", "牵头领导", "联系科室"]},
    "title": {"en": "1+1+N: {n} zones, each with one leader and one office of its county",
              "zh": "1+1+N：{n} 个协作区，每区 1 名县纪委监委领导牵头、1 个纪检监察室联系"},
    "conflict": {"en": " (from the zone)", "zh": "（籍贯在本区）"},
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
    return pick(_LEAD_TEXT["title"], lang, n=len(rows)) + "\n" + text_table(_LEAD_TEXT["headers"][lang], rows,
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
    from ..i18n import pick, resolve_lang
    from ..io.side import read_zoning, with_leadership, zoning_table
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..leadership import LeadershipOptions, assign_leadership
    from ..maps import zoning_map_files
    from ..zoning.adapter import current_zoning, zoning_input

    _setup_logging(verbose)
    lang = resolve_lang(lang)
    tables = load(data_dir, require=("townships",), strict=strict)
    zoning = read_zoning(zones, tables) if zones is not None else current_zoning(tables)
    res = assign_leadership(tables, zoning, LeadershipOptions(time_limit=time_limit, seed=seed))
    inp = zoning_input(tables)
    table = with_leadership(zoning_table(inp, zoning), res.zones)
    report = {**res.report(), "inputs": {n: {"file": s.path, "sha256": s.sha256} for n, s in
                                         sorted(tables.sources.items())}}
    files = {"zones.csv": frame_to_csv_bytes(table), "leadership.csv": frame_to_csv_bytes(res.zones),
             "report.json": json_bytes(report)}
    files.update(zoning_map_files(inp, table, stem="map", title=data_dir.name, subtitle="1+1+N", lang=lang,
                                  boundaries=tables.boundaries))
    write_outputs(out, files)
    typer.echo(_lead_text(res, lang))
    for e in (res.explanations_zh if lang == "zh" else res.explanations):
        typer.echo(f"  {e}")
    levels = "; ".join(f"{lv.name} {lv.value:g}" for lv in res.levels)
    typer.echo(f"status {res.status}: {levels}; {res.wall_time:.2f}s")
    typer.echo(f"written to {out}/ (zones.csv, leadership.csv, report.json, {pick({'en': 'maps', 'zh': '地图'}, lang)})")
    if res.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)
