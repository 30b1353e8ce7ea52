"""Sweep command: many zonings x staffing x drop-outs on a Dask cluster, one table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from ..i18n import N_, NC_, tr
from .present import written_line
from .common import (EXIT_NOT_OPTIMAL, AllowOwn, CrossCounty, DetTime, Lang, MaxHops, MaxTravel, Order, Strict,
                     TimeLimit, Verbose, Weights, _guard, _Progress, _rules, _setup_logging, _solve_opts, app, require_cluster)

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

Scheduler = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786) "
                                                   "to run on instead of a local cluster.")

_TEXT = {
    "head": [N_("rank"), N_("scenario"), NC_("cli.sweep", "zones"), NC_("cli.sweep", "staffed"), N_("weighted"),
             N_("max load"), NC_("cli.sweep", "travel"), N_("lost mean"), N_("lost worst"), N_("changes mean"),
             N_("same zoning as")],
    "best_head": [NC_("cli.sweep", "county"), N_("best scenario"), NC_("cli.sweep", "zones"),
                  NC_("cli.sweep", "staffed"), N_("max load"), NC_("cli.sweep", "travel"), N_("runner-up")],
    "best": N_("best scenario per county (the same ranking):"),
    "ranking": N_("ranked by: most cases staffed (priority-weighted), then fewest lost to drop-outs, then the "
                  "smallest largest workload, then the least travel, then the zoning's objective"),
    "start": N_("{n} scenario(s) on a local Dask cluster"),
    "start_at": N_("{n} scenario(s) on the Dask cluster at {at}"),
    "interrupted": N_("interrupted: the sweep was stopped and nothing was written"),
    "infeasible": N_("scenario {s}: {status}"),
    "why": N_("{s}: {why}"),
}


def _quiet_dask(verbose: bool) -> None:
    """Dask's own log lines (cluster start, worker lost...) only with ``-v``; errors always."""
    import logging

    import distributed  # noqa: F401  (its import sets its loggers' levels: set ours after it)

    logging.getLogger("distributed").setLevel(logging.INFO if verbose else logging.ERROR)


def _title(tables, data_dir: Path, lang: str) -> str:
    """The county's name when there is one county, else the counties' count."""
    counties = sorted(set(tables.townships["county"]) - {""})
    return counties[0] if len(counties) == 1 else tr(N_("{n} counties"), lang, n=len(counties))


def _fmt(v, digits: int = 0) -> str:
    if v is None or pd.isna(v):
        return "–"
    return f"{float(v):.{digits}f}" if digits else f"{int(round(float(v)))}"


@app.command()
@_guard
def sweep(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for sweep.csv, sweep_best.csv, sweep.json, sweep.png."),
    sizes: str = typer.Option("2-3", "--sizes", help="Zone size ranges MIN-MAX, comma-separated (e.g. 2-3,3-4,3-5)."),
    targets: Optional[str] = typer.Option(None, "--targets", help="Zone counts per county to try, comma-separated "
                                                                  "('free' = not fixed), e.g. free,5,6."),
    whatif_dir: Optional[Path] = typer.Option(None, "--whatif-dir", help="Folder of what-if files: each one is "
                                                                         "tried on top of every size and count."),
    scenario_file: Optional[Path] = typer.Option(None, "--scenarios", help="Scenario file (CSV: scenario, min_size, "
                                                 "max_size, target_zones, whatif) instead of the flags above."),
    no_current: bool = typer.Option(False, "--no-current", help="Leave out the current zoning (townships.csv zone)."),
    dropouts: int = typer.Option(0, "--dropouts", min=0, help="Per draw, this many people of each county's teams "
                                                              "drop out and the plan is made again (the same "
                                                              "draw seeds for every scenario)."),
    draws: int = typer.Option(5, "--draws", min=1, help="Drop-out draws per scenario (with --dropouts)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the zoning and staffing solves and of the drop-out draws."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Worker processes of the local Dask "
                                                                         "cluster (default: the machine's cores)."),
    scheduler: Optional[str] = Scheduler,
    no_roster: bool = typer.Option(False, "--no-roster", help="Zoning balances villages only, not staff and cases."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, time_limit: float = TimeLimit, deterministic_time: Optional[float] = DetTime,
    order: str = Order, weights: Optional[str] = Weights, verbose: bool = Verbose, lang: Optional[str] = Lang,
    strict: bool = Strict,
) -> None:
    """Zone and staff many scenarios (sizes x zone counts x what-ifs), with drop-outs, on a Dask cluster.

    Each scenario is zoned exactly as ``zoneplan zone`` and staffed as ``zoneplan staff --zones``
    (one CP-SAT worker per scenario), so the tables are the same on any number of workers.
    """
    from .. import load
    from ..i18n import pick, lang_for
    from ..io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from ..io.wording import zoning_text
    from ..sweep.cluster import dask_client, run_sweep
    from ..sweep.plot import tradeoff_png
    from ..sweep.run import Payload, check_scenarios, zoning_table_for
    from ..sweep.scenarios import (parse_sizes, parse_targets, read_scenario_file, scenario_title, scenarios_from_flags,
                                   whatif_files)
    from ..sweep.tables import best_per_county, best_zoning, county_table, sweep_table
    from .present import STATUS_WORDS, text_table

    require_cluster("zoneplan sweep")
    _setup_logging(verbose)
    _quiet_dask(verbose)
    lang = lang_for(lang, data_dir)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, False)
    opts = _solve_opts(time_limit, deterministic_time, 1, seed, order, weights)
    tables = load(data_dir, require=("townships",), strict=strict)
    if scenario_file is not None:
        scenarios = read_scenario_file(scenario_file, tables, current=not no_current)
    else:
        wf = whatif_files(whatif_dir) if whatif_dir is not None else []
        scenarios = scenarios_from_flags(tables, parse_sizes(sizes), parse_targets(targets), wf, current=not no_current)
    payload = Payload(tables, rules, opts, zoning_time_limit=time_limit, seed=seed, with_roster=not no_roster,
                      dropouts=dropouts, draws=draws if dropouts else 0, dropout_seed=seed)
    check_scenarios(payload, scenarios)
    typer.echo(pick(_TEXT["start_at"], lang, n=len(scenarios), at=scheduler) if scheduler
               else pick(_TEXT["start"], lang, n=len(scenarios)), err=True)
    try:
        with _Progress(True) as progress, dask_client(workers, scheduler) as client:
            results = run_sweep(client, payload, scenarios, progress)
    except KeyboardInterrupt:
        typer.echo(pick(_TEXT["interrupted"], lang), err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    table = sweep_table(results)
    counties = county_table(results)
    best = best_per_county(results, counties)
    tw = tables.townships
    best_zones = zoning_table_for(payload, best_zoning(results, best, list(tw["township_id"]),
                                                       dict(zip(tw["township_id"], tw["county"]))))
    doc = {
        "data": str(data_dir), "inputs": {n: {"file": s.path, "sha256": s.sha256} for n, s in sorted(tables.sources.items())},
        "options": {"rules": rules.model_dump(), "solve": opts.model_dump(mode="json"), "seed": seed,
                    "dropouts": dropouts, "draws": payload.draws, "with_roster": not no_roster},
        "scenarios": [s.model_dump(mode="json") for s in scenarios],
        "rows": table.astype(object).where(table.notna(), None).to_dict(orient="records"),
        "best": best.astype(object).where(best.notna(), None).to_dict(orient="records"),
        "results": [{k: r[k] for k in ("scenario", "counties", "draws", "explanations", "zones")} for r in results],
        "timing": {"scenario_seconds": {r["scenario"]: round(r["wall_time"], 4) for r in results},
                   "scenario_cpu_seconds": {r["scenario"]: round(r["cpu_time"], 4) for r in results}},
    }
    files = {"sweep.csv": frame_to_csv_bytes(table), "sweep_counties.csv": frame_to_csv_bytes(counties),
             "sweep_best.csv": frame_to_csv_bytes(best), "best_zones.csv": frame_to_csv_bytes(best_zones),
             "sweep.json": json_bytes(doc), "sweep.png": tradeoff_png(table, title=_title(tables, data_dir, lang), lang=lang)}
    write_outputs(out, files)
    def title(name: str) -> str:
        r = by_name.get(name)
        return name if r is None else scenario_title(name, r.min_size, r.max_size, r.target_zones, r.whatif, lang)

    by_name = {r.scenario: r for r in table.itertuples(index=False)}
    ranked = sorted(table.itertuples(index=False), key=lambda r: 10 ** 6 if pd.isna(r.rank) else int(r.rank))
    rows = [[_fmt(r.rank), title(r.scenario), _fmt(r.zones), _fmt(r.cases_staffed), _fmt(r.weighted_staffed),
             _fmt(r.max_workload, 2), _fmt(r.travel), _fmt(getattr(r, "lost_mean", None), 2),
             _fmt(getattr(r, "lost_worst", None)), _fmt(getattr(r, "changes_mean", None), 2),
             title(r.same_zoning_as) if r.same_zoning_as else ""] for r in ranked]
    typer.echo(text_table([tr(h, lang) for h in _TEXT["head"]], rows, right=[0, 2, 3, 4, 5, 6, 7, 8, 9]))
    typer.echo(pick(_TEXT["ranking"], lang))
    for r in table.itertuples(index=False):
        if r.zoning_status not in ("OPTIMAL", "CURRENT"):
            words = STATUS_WORDS.get(r.zoning_status)
            typer.echo(pick(_TEXT["infeasible"], lang, s=title(r.scenario),
                            status=pick(words, lang) if words else r.zoning_status))
    for res in results:
        for e in res["explanations"]:
            typer.echo("  " + pick(_TEXT["why"], lang, s=title(res["scenario"]), why=zoning_text(e, lang)))
    typer.echo(pick(_TEXT["best"], lang))
    brows = [[b.county, title(b.scenario), _fmt(b.zones), _fmt(b.cases_staffed), _fmt(b.max_workload, 2),
              _fmt(b.travel), title(b.runner_up) if b.runner_up else ""] for b in best.itertuples(index=False)]
    typer.echo(text_table([tr(h, lang) for h in _TEXT["best_head"]], brows, right=[2, 3, 4, 5]))
    typer.echo(written_line(out, ["sweep.csv", "sweep_counties.csv", "sweep_best.csv", "best_zones.csv", "sweep.json",
                                  "sweep.png"], lang))
    proven = table["zoning_status"].isin(["OPTIMAL", "CURRENT"]) & (
        table["staff_status"].fillna("OPTIMAL") == "OPTIMAL" if "staff_status" in table.columns else True)
    if not bool(proven.all()):
        raise typer.Exit(EXIT_NOT_OPTIMAL)
