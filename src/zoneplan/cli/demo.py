"""The demo on the embedded example data."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from .common import (Lang, Seed, TimeLimit, Workers, _guard, app)

from .staffing import _print_summary

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
    seed: int = Seed, workers: int = Workers, time_limit: float = TimeLimit, lang: Optional[str] = Lang,
) -> None:
    """Staff the embedded example county, check the plan and print it as a table."""
    from .. import check as do_check, load, staff as do_staff
    from ..io.plan import write_plan
    from ..options import SolveOptions

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
        write_plan(result, tables, out, lang=lang)
        typer.echo(f"plan written to {out}/")


