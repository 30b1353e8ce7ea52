"""Zoning commands: zone, compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from ..i18n import N_, NC_, tr
from ..errors import Refusal
from .present import LIST_SEP, status_word, written_line
from .common import (EXIT_NOT_OPTIMAL, AllowOwn, CrossCounty, DetTime, Lang, MaxHops, MaxTravel, Order,
                     Seed, Strict, TimeLimit, Verbose, Weights, Workers, _guard, _rules, _setup_logging, _solve_opts, app)

def _pairs(values: list[str], flag: str, lk) -> list[tuple[str, str]]:
    """``A,B`` pairs of townships (ids or names; ``,`` ``，`` or ``、`` between) as ids."""
    import re

    from ..data.load import resolve_values

    out = []
    for v in values:
        parts = [x.strip() for x in re.split(r"[,，、]", v)]
        if len(parts) != 2 or not all(parts):
            raise Refusal(N_("{flag} expects two townships (ids or names) separated by a comma, got {got!r}"),
                          flag=flag, got=v)
        a, b = resolve_values(lk, parts, flag, ("township", "乡镇"))
        out.append((a, b))
    return out


_ZONE_TEXT = {
    "status": N_("status {status}: objective {obj}, bound {bnd}, gap {gap}, {secs:.2f}s"),
    "unproven": N_("{k} of {n} counties proven optimal; the others: {others}"),
    "county_maps": N_("map.png and {n} county maps"),
    "none_written": N_("no zoning written; report in {out}/report.json"),
    "count": N_("{n} zones:"),
    "unzoned": N_("in no zone: {names}"),
    "headers": [N_("zone"), NC_("cli.zoning", "townships"), NC_("cli.zoning", "hub"), NC_("cli.zoning", "villages"), NC_("cli.zoning", "staff")],
}


def _zones_text(table: pd.DataFrame, lang: str) -> str:
    """The zones of a zones.csv table as a planner reads them: names, hub, villages, staff.

    Zones in the table's order (the listing order of zones.csv); the staff column only when a
    roster was given.
    """
    from ..i18n import pick
    from .present import LIST_SEP, text_table

    rows = []
    zoned = table[table["zone"] != ""]
    with_staff = bool(zoned["zone_staff"].notna().any())
    for _, g in zoned.groupby("zone", sort=False):
        first = g.iloc[0]
        rows.append([first["zone"], pick(LIST_SEP, lang).join(n or t for n, t in zip(g["name"], g["township_id"])),
                     first["hub_name"] or first["hub"], int(first["zone_villages"])]
                    + ([int(first["zone_staff"])] if with_staff else []))
    headers = [tr(h, lang) for h in _ZONE_TEXT["headers"]][:5 if with_staff else 4]
    text = pick(_ZONE_TEXT["count"], lang, n=len(rows)) + "\n" + text_table(headers, rows, right=[3, 4])
    left = table[table["zone"] == ""]
    if len(left):
        text += "\n" + pick(_ZONE_TEXT["unzoned"], lang, names=pick(LIST_SEP, lang).join(
            n or t for n, t in zip(left["name"], left["township_id"])))
    return text


PROPOSED = N_("proposed zones")
CURRENT = N_("current zoning")


@app.command()
@_guard
def zone(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (townships; adjacency/travel/roster optional)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for zones.csv, report.json, map.png."),
    min_size: int = typer.Option(2, "--min-size", help="Fewest townships per zone."),
    max_size: int = typer.Option(3, "--max-size", help="Most townships per zone."),
    target_zones: Optional[int] = typer.Option(None, "--target-zones", help="Exact number of zones per county."),
    together: list[str] = typer.Option([], "--together", help="A,B: these two townships (ids or names) share a zone "
                                                              "(repeatable)."),
    apart: list[str] = typer.Option([], "--apart", help="A,B: these two are in different zones (repeatable)."),
    keep: list[str] = typer.Option([], "--keep", help="Keep this existing zone id as it is ('all' for every one)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Leave this township (id or name) out of every zone "
                                                            "(repeatable)."),
    whatif: Optional[Path] = typer.Option(None, "--whatif", help="What-if file (CSV or xlsx): kind,a,b rows of "
                                                                 "together/apart/keep/exclude (在一起/分开/保留/排除)."),
    no_roster: bool = typer.Option(False, "--no-roster", help="Balance villages only, not staff and cases."),
    pool_weight: float = typer.Option(30.0, "--pool-weight", help="Weighted minutes per average township's staff "
                                      "missing from a township's pool (the staff of its zone's other townships; "
                                      "need: 2 townships' worth). 0 = the earlier objective, pairs wherever it can."),
    time_limit: float = TimeLimit, seed: int = Seed, verbose: bool = Verbose, lang: Optional[str] = Lang, strict: bool = Strict,
) -> None:
    """Propose a zoning: connected zones of MIN..MAX neighbouring townships inside each county."""
    from .. import load
    from ..data.load import resolve_values, township_lookup
    from ..io.write import check_output_dir, frame_to_csv_bytes, json_bytes, write_outputs
    from ..io.side import read_whatifs, zoning_table
    from ..io.wording import zoning_text
    from ..zoning.adapter import zoning_input
    from ..zoning import ZoningOptions, ZoningWeights, solve_zoning
    from ..i18n import pick, lang_for
    from ..maps import zoning_map_files

    _setup_logging(verbose)
    lang = lang_for(lang, data_dir)
    check_output_dir(out)  # an unusable --out is found before any work: exit 2
    tables = load(data_dir, require=("townships",), strict=strict)  # a township map alone is enough; roster and cases add balance
    towns = township_lookup(tables)
    kw: dict = {"together": _pairs(together, "--together", towns), "apart": _pairs(apart, "--apart", towns),
                "keep": True if [k for k in keep if k.lower() in ("all", "全部")] else list(keep),
                "exclude": resolve_values(towns, list(exclude), "--exclude", ("township", "乡镇"))}
    if whatif is not None:
        extra = read_whatifs(whatif, tables)
        kw["together"] += extra["together"]
        kw["apart"] += extra["apart"]
        kw["exclude"] += extra["exclude"]
        kw["keep"] = True if (kw["keep"] is True or extra["keep"] is True) else kw["keep"] + extra["keep"]
    opts = ZoningOptions(min_size=min_size, max_size=max_size, target_zones=target_zones, time_limit=time_limit,
                         seed=seed, weights=ZoningWeights(pool=pool_weight), **kw)
    inp = zoning_input(tables, with_roster=not no_roster)
    result = solve_zoning(inp, opts)
    files = {"report.json": json_bytes({**result.to_dict(), "inputs": {
        n: {"file": s.path, "sha256": s.sha256} for n, s in sorted(tables.sources.items())}})}
    if result.any_zoning:  # counties solved in time keep their zones when others did not make it
        table = zoning_table(inp, result.zones)
        drawn = result.zones
        if len(tables.leaders) or len(tables.offices):  # 1+1+N: a leader and an office for each proposed zone
            from ..io.side import with_leadership
            from ..leadership import LeadershipOptions, assign_leadership

            lead = assign_leadership(tables, result.zones[["township_id", "zone"]],
                                     LeadershipOptions(time_limit=time_limit, seed=seed))
            table = drawn = with_leadership(table, lead.zones)
            files["report.json"] = json_bytes({**json.loads(files["report.json"]),
                                               "leadership": lead.report(include_timing=False)})
        files["zones.csv"] = frame_to_csv_bytes(table)
        files.update(zoning_map_files(inp, drawn, stem="map", subtitle=pick(PROPOSED, lang), lang=lang,
                                      boundaries=tables.boundaries))
    write_outputs(out, files)
    gap = "-" if result.gap is None else f"{result.gap:.2%}"
    obj, bnd = ("-" if v is None else f"{v:g}" for v in (result.objective, result.bound))
    typer.echo(pick(_ZONE_TEXT["status"], lang, status=status_word(result.status, lang), obj=obj, bnd=bnd, gap=gap,
                    secs=result.wall_time))
    for e in result.explanations:
        typer.echo(f"  {zoning_text(e, lang)}")
    pc = result.per_county
    unsolved = pc[pc["status"] != "OPTIMAL"]
    if len(unsolved) and len(pc) > 1:
        typer.echo(pick(_ZONE_TEXT["unproven"], lang, k=len(pc) - len(unsolved), n=len(pc),
                        others=pick(LIST_SEP, lang).join(f"{c} {status_word(st, lang)}"
                                                          for c, st in zip(unsolved["county"], unsolved["status"]))))
    if result.any_zoning:
        typer.echo(_zones_text(table, lang))
        maps = sorted(f for f in files if f.endswith(".png"))
        shown = maps if len(maps) <= 3 else [pick(_ZONE_TEXT["county_maps"], lang, n=len(maps) - 1)]
        typer.echo(written_line(out, ["zones.csv", "report.json", *shown], lang))
    else:
        typer.echo(pick(_ZONE_TEXT["none_written"], lang, out=out))
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


@app.command()
@_guard
def compare(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs."),
    zonings: Optional[list[Path]] = typer.Argument(None, help="Zoning folders (zones.csv) or files to compare "
                                                   "(none: the current zoning alone)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write compare.csv, compare_zones.csv, compare.json "
                                                           "and maps here."),
    no_current: bool = typer.Option(False, "--no-current", help="Leave out the current zoning (townships.csv zone)."),
    no_staffing: bool = typer.Option(False, "--no-staffing", help="Zone measures only; skip the staffing effect."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, time_limit: float = TimeLimit,
    deterministic_time: Optional[float] = DetTime, workers: int = Workers, seed: int = Seed,
    order: str = Order, weights: Optional[str] = Weights, lang: Optional[str] = Lang, strict: bool = Strict,
) -> None:
    """Compare the current zoning with proposals side by side, including the staffing effect.

    Each zoning is staffed with the same rules and options as ``zoneplan staff --zones``.
    """
    from .. import load
    from ..compare import comparison
    from ..i18n import pick, lang_for
    from ..maps import zone_colors, zoning_map_files
    from ..io.write import check_output_dir, frame_to_csv_bytes, json_bytes, write_outputs
    from ..io.side import read_zoning
    from ..zoning.adapter import current_zoning, zoning_input
    from .compare_view import comparison_text

    lang = lang_for(lang, data_dir)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, False)
    opts = _solve_opts(time_limit, deterministic_time, workers, seed, order, weights)
    if out is not None:
        check_output_dir(out)
    tables = load(data_dir, require=("townships",), strict=strict)
    named: dict[str, pd.DataFrame] = {}
    if not no_current and (tables.townships["zone"] != "").any():
        named["current"] = current_zoning(tables)
    for z in zonings or []:
        name = z.name if z.is_dir() else z.stem
        while name in named:
            name += "'"
        named[name] = read_zoning(z, tables)
    if not named:
        raise Refusal(N_("nothing to compare: give zoning folders, or townships with a zone column"))
    comp = comparison(tables, named, staffing=not no_staffing, rules=rules, options=opts)
    table = comp.summary
    typer.echo(comparison_text(comp, named, dict(zip(tables.townships["township_id"], tables.townships["name"])),
                               lang))
    if out is not None:
        files = {"compare.csv": frame_to_csv_bytes(table),
                 "compare_zones.csv": frame_to_csv_bytes(comp.zones),
                 "compare.json": json_bytes(table.to_dict(orient="records"))}
        inp = zoning_input(tables)
        colors = zone_colors(inp, named)  # the same zone gets the same colour on every map
        for name, zones in named.items():
            label = pick(CURRENT, lang) if name == "current" else name
            files.update(zoning_map_files(inp, zones, stem=f"map_{name}", subtitle=label, colors=colors[name],
                                          lang=lang, boundaries=tables.boundaries))
        write_outputs(out, files)
        typer.echo(written_line(out, None, lang))


