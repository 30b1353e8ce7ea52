"""Zoning commands: zone, compare."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from .common import (EXIT_NOT_OPTIMAL, MaxHops, MaxTravel,
                     Seed, TimeLimit, Verbose, Workers, _guard, _setup_logging, app)

def _pairs(values: list[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        parts = [x.strip() for x in v.split(",")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"{flag} expects two township ids separated by a comma, got {v!r}")
        out.append((parts[0], parts[1]))
    return out


def _map_png(inp, zones: pd.DataFrame, title: str) -> bytes:
    """The zoning map as PNG bytes, so it joins the other outputs in one atomic write."""
    import tempfile

    from ..zoning import draw_map

    with tempfile.TemporaryDirectory() as td:
        return draw_map(inp, zones, Path(td) / "map.png", title=title).read_bytes()


@app.command()
@_guard
def zone(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (townships; adjacency/travel/roster optional)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for zones.csv, report.json, map.png."),
    min_size: int = typer.Option(2, "--min-size", help="Fewest townships per zone."),
    max_size: int = typer.Option(3, "--max-size", help="Most townships per zone."),
    target_zones: Optional[int] = typer.Option(None, "--target-zones", help="Exact number of zones per county."),
    together: list[str] = typer.Option([], "--together", help="A,B: these two share a zone (repeatable)."),
    apart: list[str] = typer.Option([], "--apart", help="A,B: these two are in different zones (repeatable)."),
    keep: list[str] = typer.Option([], "--keep", help="Keep this existing zone id as it is ('all' for every one)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Leave this township out of every zone (repeatable)."),
    whatif: Optional[Path] = typer.Option(None, "--whatif", help="CSV kind,a,b with together/apart/keep/exclude rows."),
    no_roster: bool = typer.Option(False, "--no-roster", help="Balance villages only, not staff and cases."),
    time_limit: float = TimeLimit, seed: int = Seed, verbose: bool = Verbose,
) -> None:
    """Propose a zoning: connected zones of MIN..MAX neighbouring townships inside each county."""
    from .. import load
    from ..io.write import check_output_dir, frame_to_csv_bytes, json_bytes, write_outputs
    from ..io.side import read_whatifs
    from ..zoning.adapter import zoning_input
    from ..zoning import ZoningOptions, solve_zoning

    _setup_logging(verbose)
    check_output_dir(out)  # an unusable --out is found before any work: exit 2
    tables = load(data_dir)
    kw: dict = {"together": _pairs(together, "--together"), "apart": _pairs(apart, "--apart"),
                "keep": True if [k for k in keep if k.lower() == "all"] else list(keep), "exclude": list(exclude)}
    if whatif is not None:
        extra = read_whatifs(whatif)
        kw["together"] += extra["together"]
        kw["apart"] += extra["apart"]
        kw["exclude"] += extra["exclude"]
        kw["keep"] = True if (kw["keep"] is True or extra["keep"] is True) else kw["keep"] + extra["keep"]
    opts = ZoningOptions(min_size=min_size, max_size=max_size, target_zones=target_zones, time_limit=time_limit,
                         seed=seed, **kw)
    inp = zoning_input(tables, with_roster=not no_roster)
    result = solve_zoning(inp, opts)
    files = {"report.json": json_bytes({**result.to_dict(), "inputs": {
        n: {"file": s.path, "sha256": s.sha256} for n, s in sorted(tables.sources.items())}})}
    if result.any_zoning:  # counties solved in time keep their zones when others did not make it
        zones = result.zones[["township_id", "zone", "hub"]]
        files["zones.csv"] = frame_to_csv_bytes(zones)
        files["map.png"] = _map_png(inp, result.zones, f"{data_dir.name}: proposed zones")
    write_outputs(out, files)
    typer.echo(f"status {result.status}: objective {result.objective}, bound {result.bound}, "
               f"gap {result.gap if result.gap is None else f'{result.gap:.2%}'}, {result.wall_time:.2f}s")
    for e in result.explanations:
        typer.echo(f"  {e}")
    pc = result.per_county
    unsolved = pc[pc["status"] != "OPTIMAL"]
    if len(unsolved) and len(pc) > 1:
        typer.echo(f"{len(pc) - len(unsolved)} of {len(pc)} counties proven optimal; the others: "
                   + ", ".join(f"{c} {st}" for c, st in zip(unsolved["county"], unsolved["status"])))
    if result.any_zoning:
        summary = result.zones[result.zones["zone"] != ""].groupby("zone")["township_id"].apply(";".join)
        typer.echo(f"{len(summary)} zones:")
        hubs = dict(zip(result.zones["zone"], result.zones["hub"]))
        for z, members in summary.items():
            typer.echo(f"  {z}: {members} (hub {hubs[z]})")
        typer.echo(f"written to {out}/ (zones.csv, report.json, map.png)")
    else:
        typer.echo(f"no zoning written; report in {out}/report.json")
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


@app.command()
@_guard
def compare(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs."),
    zonings: list[Path] = typer.Argument(..., help="Zoning folders (zones.csv) or files to compare."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write compare.csv, compare.json and maps here."),
    no_current: bool = typer.Option(False, "--no-current", help="Leave out the current zoning (townships.csv zone)."),
    no_staffing: bool = typer.Option(False, "--no-staffing", help="Zone measures only; skip the staffing effect."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, time_limit: float = TimeLimit,
    workers: int = Workers, seed: int = Seed,
) -> None:
    """Compare the current zoning with proposals side by side, including the staffing effect."""
    from .. import load
    from ..io.write import check_output_dir, frame_to_csv_bytes, json_bytes, write_outputs
    from ..options import RuleOptions, SolveOptions
    from ..compare import compare_zonings
    from ..io.side import read_zoning
    from ..zoning.adapter import current_zoning, zoning_input

    if out is not None:
        check_output_dir(out)
    tables = load(data_dir)
    named: dict[str, pd.DataFrame] = {}
    if not no_current and (tables.townships["zone"] != "").any():
        named["current"] = current_zoning(tables)
    for z in zonings:
        name = z.name if z.is_dir() else z.stem
        while name in named:
            name += "'"
        named[name] = read_zoning(z, tables)
    if not named:
        raise ValueError("nothing to compare: give zoning folders, or townships with a zone column")
    table = compare_zonings(tables, named, staffing=not no_staffing,
                            rules=RuleOptions(max_hops=max_hops, max_travel=max_travel),
                            options=SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    with pd.option_context("display.width", 200, "display.max_columns", 60):
        typer.echo(table.set_index("zoning").T.to_string())
    if out is not None:
        files = {"compare.csv": frame_to_csv_bytes(table),
                 "compare.json": json_bytes(table.to_dict(orient="records"))}
        inp = zoning_input(tables)
        for name, zones in named.items():
            files[f"map_{name}.png"] = _map_png(inp, zones, f"{data_dir.name}: {name}")
        write_outputs(out, files)
        typer.echo(f"written to {out}/")


