"""Command-line interface: parse, load, solve, write.  No modelling logic here.

Exit codes (also in the README):

====  =====================================================================
0     success: plan proven optimal / check clean / input valid
1     ``check``: the plan breaks at least one rule (violations listed)
2     bad input or usage: nothing was written (problems listed, no traceback)
3     ``staff``/``zone``: a valid plan was written but not proven optimal
      (time limit), or the zoning is infeasible (explanations printed)
4     internal error (e.g. the checker rejected a plan zoneplan made)
====  =====================================================================
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from pathlib import Path
from typing import Callable, Optional

import pandas as pd
import typer
from pydantic import ValidationError

from .errors import InputError, InternalError

__all__ = ["app", "main", "EXIT_OK", "EXIT_VIOLATIONS", "EXIT_INPUT", "EXIT_NOT_OPTIMAL", "EXIT_INTERNAL"]

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_NOT_OPTIMAL, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Plan collaboration zones and conflict-free investigation teams.")
log = logging.getLogger("zoneplan")


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _guard(fn: Callable) -> Callable:
    """Turn known failures into messages and exit codes; never a traceback for bad input."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            _err(f"error: {len(exc.problems) + exc.more} problem(s) in the input; nothing was written.")
            for p in exc.problems:
                _err(f"  {p}")
            if exc.more:
                _err(f"  ... and {exc.more} more")
            raise typer.Exit(EXIT_INPUT)
        except ValidationError as exc:
            _err("error: invalid option(s); nothing was written.")
            for e in exc.errors():
                loc = ".".join(str(x) for x in e.get("loc", ()))
                _err(f"  {loc}: {e.get('msg')}")
            raise typer.Exit(EXIT_INPUT)
        except (ValueError, FileNotFoundError, NotADirectoryError) as exc:
            _err(f"error: {exc}; nothing was written.")
            raise typer.Exit(EXIT_INPUT)
        except InternalError as exc:
            _err(f"internal error (please report it): {exc}")
            raise typer.Exit(EXIT_INTERNAL)
        except typer.Exit:
            raise
        except BrokenPipeError:  # output piped into e.g. `head`: the work is done, stay quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(EXIT_OK)
        except Exception as exc:  # pragma: no cover - last resort, keeps the promise of no traceback
            if os.environ.get("ZONEPLAN_DEBUG"):
                raise
            _err(f"internal error (please report it; set ZONEPLAN_DEBUG=1 for details): "
                 f"{type(exc).__name__}: {exc}")
            raise typer.Exit(EXIT_INTERNAL)

    return wrapper


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


class _Progress:
    """A progress bar on stderr while solving (only when stderr is a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._task = None
        self._stage = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._bar.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        log.info("%s: %d/%d parts", stage, done, total)
        if self._bar is None:
            return
        if stage != self._stage:
            self._stage = stage
            self._task = self._bar.add_task(stage, total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _rules(max_hops: int, max_travel: float, allow_own_township: bool, cross_county: bool, no_zones: bool):
    from .options import RuleOptions

    return RuleOptions(max_hops=max_hops, max_travel=max_travel, allow_own_township=allow_own_township,
                       cross_county=cross_county, use_zones=not no_zones)


def _solve_opts(time_limit: float, det_time: Optional[float], workers: int, seed: int, order: str,
                weights: Optional[str]):
    from .options import SolveOptions

    kw: dict = dict(time_limit=time_limit, deterministic_time=det_time, workers=workers, seed=seed,
                    order=tuple(s.strip() for s in order.split(",") if s.strip()))
    if weights:
        w = {}
        for part in weights.split(","):
            if "=" not in part:
                raise ValueError(f"--weights expects name=value pairs separated by commas, got {part!r}")
            k, v = part.split("=", 1)
            try:
                w[k.strip()] = float(v)
            except ValueError:
                raise ValueError(f"--weights: {v!r} is not a number") from None
        kw.update(mode="weighted", weights=w)
    return SolveOptions(**kw)


# shared option declarations
MaxHops = typer.Option(2, "--max-hops", help="Kin rule: exclude anyone within this many hops of the subject.")
MaxTravel = typer.Option(90.0, "--max-travel", help="Pool without zones: max road minutes posted -> case.")
AllowOwn = typer.Option(False, "--allow-own-township", help="Switch the cross-check rule off (not advised).")
CrossCounty = typer.Option(False, "--cross-county", help="Let the travel pool reach other counties' township staff.")
NoZones = typer.Option(False, "--no-zones", help="Ignore the zone column; use the travel pool.")
TimeLimit = typer.Option(60.0, "--time-limit", help="Wall-clock seconds for the whole solve.")
DetTime = typer.Option(None, "--deterministic-time", help="CP-SAT deterministic time limit per sub-solve (repeatable).")
Workers = typer.Option(2, "--workers", help="Parallel threads (parts are solved side by side).")
Seed = typer.Option(0, "--seed", help="Random seed (the same seed and inputs give the same plan).")
Order = typer.Option("staffed,max_workload,travel", "--order", help="Lexicographic order of objective levels.")
Weights = typer.Option(None, "--weights", help="Weighted mode instead, e.g. staffed=1000000,max_workload=60,travel=1.")
Verbose = typer.Option(False, "--verbose", "-v", help="Log progress to stderr.")


@app.command()
@_guard
def staff(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the plan files."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones, time_limit: float = TimeLimit,
    deterministic_time: Optional[float] = DetTime, workers: int = Workers, seed: int = Seed,
    order: str = Order, weights: Optional[str] = Weights, verbose: bool = Verbose,
) -> None:
    """Staff the cases of DATA_DIR and write assignments, unstaffed, workload and report."""
    from . import load, staff as do_staff
    from .io.plan import write_plan

    _setup_logging(verbose)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
    opts = _solve_opts(time_limit, deterministic_time, workers, seed, order, weights)
    tables = load(data_dir)
    with _Progress(True) as progress:
        result = do_staff(tables, rules, opts, progress=progress)
    write_plan(result, tables, out)
    _print_summary(result)
    typer.echo(f"plan written to {out}/ (assignments.csv, unstaffed.csv, workload.csv, report.json)")
    if result.status != "OPTIMAL":
        raise typer.Exit(EXIT_NOT_OPTIMAL)


def _print_summary(result) -> None:
    typer.echo(f"status {result.status}: {result.staffed_cases} case(s) staffed, "
               f"{len(result.unstaffed)} unstaffed, {result.wall_time:.2f}s")
    for lv in result.levels:
        typer.echo(f"  {lv.name:<13} {lv.value:>12g}   bound {lv.bound:>12g}   gap {lv.gap:.2%}")


@app.command()
@_guard
def check(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs the plan was made for."),
    plan_dir: Path = typer.Argument(..., help="Plan folder (assignments.csv), e.g. hand-made."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    out: Optional[Path] = typer.Option(None, "--out", help="Write violations.csv here."),
) -> None:
    """Re-check a plan against every rule, independently of the solver (exit 1 on violations)."""
    from . import check as do_check, load
    from .io.plan import read_assignments
    from .io.write import frame_to_csv_bytes, write_outputs

    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
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
    from . import build_eligibility, load
    from .io.write import frame_to_csv_bytes, write_outputs
    from .staffing.explain import precheck

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
    el = build_eligibility(t, rules)
    pre = precheck(el)
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

    from .zoning import draw_map

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
    from . import load
    from .io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from .planning import read_whatifs, zoning_input
    from .zoning import ZoningOptions, solve_zoning

    _setup_logging(verbose)
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
    if result.feasible:
        zones = result.zones[["township_id", "zone", "hub"]]
        files["zones.csv"] = frame_to_csv_bytes(zones)
        files["map.png"] = _map_png(inp, result.zones, f"{data_dir.name}: proposed zones")
    write_outputs(out, files)
    typer.echo(f"status {result.status}: objective {result.objective}, bound {result.bound}, "
               f"gap {result.gap if result.gap is None else f'{result.gap:.2%}'}, {result.wall_time:.2f}s")
    for e in result.explanations:
        typer.echo(f"  {e}")
    if result.feasible:
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
    from . import load
    from .io.write import frame_to_csv_bytes, json_bytes, write_outputs
    from .options import RuleOptions, SolveOptions
    from .planning import compare_zonings, current_zoning, read_zoning, zoning_input

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


def examples_dir() -> Path:
    """The embedded example data (data/examples next to the source tree)."""
    here = Path(__file__).resolve()
    for base in (*here.parents, Path.cwd()):
        cand = base / "data" / "examples"
        if (cand / "county" / "townships.csv").exists():
            return cand
    raise FileNotFoundError("example data not found (expected data/examples/county in the source checkout)")


@app.command()
@_guard
def demo(
    example: str = typer.Option("county", "--example", help="Which example: county or tutorial."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the plan files here."),
    seed: int = Seed, workers: int = Workers, time_limit: float = TimeLimit,
) -> None:
    """Staff the embedded example county, check the plan and print it as a table."""
    from . import check as do_check, load, staff as do_staff
    from .io.plan import write_plan
    from .options import SolveOptions

    data = examples_dir() / example
    if not data.exists():
        raise ValueError(f"unknown example {example!r}; choose county or tutorial")
    tables = load(data)
    result = do_staff(tables, None, SolveOptions(seed=seed, workers=workers, time_limit=time_limit))
    typer.echo(f"example {example}: {len(tables.townships)} townships, {len(tables.investigators)} investigators, "
               f"{len(tables.cases)} cases")
    _print_summary(result)
    plan = result.assignments.copy()
    names = dict(zip(tables.investigators["investigator_id"], tables.investigators["name"]))
    plan.insert(2, "name", plan["investigator_id"].map(names))
    with pd.option_context("display.max_rows", 500, "display.width", 160):
        typer.echo(plan.to_string(index=False))
        if len(result.unstaffed):
            typer.echo("unstaffed:")
            for cid, why in result.unstaffed[["case_id", "reason"]].itertuples(index=False):
                typer.echo(f"  {cid}: {why}")
    rep = do_check(tables, result.assignments)
    typer.echo(f"independent check: {len(rep.violations)} violations")
    if out is not None:
        write_plan(result, tables, out)
        typer.echo(f"plan written to {out}/")


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
