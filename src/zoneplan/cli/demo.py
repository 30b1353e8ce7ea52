"""The demo on the example data shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Optional

import typer

from ..errors import Refusal
from ..i18n import N_, NC_, tr
from .common import Lang, Seed, TimeLimit, Workers, _guard, app
from .present import CLAUSE_SEP, LIST_SEP, STATUS_WORDS, text_table

__all__ = ["EXAMPLES", "examples_dir", "plan_table"]

#: The examples shipped with the package (``src/zoneplan/examples``).
EXAMPLES = ("county", "tutorial")

_TEXT = {
    "unstaffed_line": N_("{case} {town}: {why}"),
    "intro": N_("Example {county}: {townships} townships in {zones} zones, {investigators} investigators "
                "({county_level} county-level), {cases} cases"),
    "status": N_("Plan: {status}; {staffed} of {cases} cases staffed; {secs:.2f} s"),
    "staffed": N_("priority-weighted cases staffed {v:g} (at most {b:g})"),
    "max_workload": N_("largest workload {v:g} (at least {b:g})"),
    "travel": N_("travel {v:g} min in all (at least {b:g})"),
    "headers": [NC_("cli.demo", "case"), NC_("cli.demo", "township"), NC_("cli.demo", "village"), N_("team (lead first)"), N_("travel (min, whole team)")],
    "lead": N_("{name} (lead)"),
    "unstaffed": N_("Not staffed ({n}):"),
    "none_unstaffed": N_("Not staffed: none."),
    "check": N_("independent check: {n} violations"),
    "written": N_("plan written to {out}/"),
}


def examples_dir() -> Path:
    """The example data shipped inside the package (``zoneplan/examples``).

    Read through :mod:`importlib.resources`, so it works from any install (editable or not)
    and any working folder.

    Raises
    ------
    FileNotFoundError
        When the package was installed without its data files, or from a zip archive.
    """
    res = resources.files("zoneplan").joinpath("examples")
    path = Path(str(res))
    if not isinstance(res, Path) or not (path / "county" / "townships.csv").is_file():
        raise FileNotFoundError(f"the example data are missing from the installed package (looked in {path})")
    return path


def plan_table(tables, result, lang: str) -> str:
    """The plan as a planner reads it: case, township name, village, team (lead first), travel."""
    from ..i18n import pick

    names = dict(zip(tables.investigators["investigator_id"], tables.investigators["name"]))
    towns = dict(zip(tables.townships["township_id"], tables.townships["name"]))
    a = result.assignments
    rows = []
    for case in tables.cases.itertuples(index=False):
        team = a[a["case_id"] == case.case_id]
        if not len(team):
            continue
        team = team.assign(first=(team["role"] != "lead")).sort_values(["first", "investigator_id"], kind="stable")
        people = [pick(_TEXT["lead"], lang, name=names.get(i) or i) if r == "lead" else (names.get(i) or i)
                  for i, r in zip(team["investigator_id"], team["role"])]
        rows.append([case.case_id, towns.get(case.township_id) or case.township_id, case.village,
                     pick(LIST_SEP, lang).join(people), f"{team['travel_minutes'].sum():.1f}"])
    return text_table([tr(h, lang) for h in _TEXT["headers"]], rows, right=[4])


@app.command()
@_guard
def demo(
    example: str = typer.Option("county", "--example", help="Which example: county or tutorial."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the plan files here."),
    lang: Optional[str] = Lang,
    seed: int = Seed, workers: int = Workers, time_limit: float = TimeLimit,
) -> None:
    """Staff the example county shipped with zoneplan, check the plan and print it as a table."""
    from .. import check as do_check, load, staff as do_staff
    from ..i18n import pick, resolve_lang
    from ..io.plan import write_plan
    from ..options import SolveOptions

    lang = resolve_lang(lang)
    if example not in EXAMPLES:
        raise Refusal(N_("unknown example {got!r}; choose {choices}"), got=example, choices=" / ".join(EXAMPLES))
    tables = load(examples_dir() / example)
    result = do_staff(tables, None, SolveOptions(seed=seed, workers=workers, time_limit=time_limit))
    tw, inv = tables.townships, tables.investigators
    county = pick(LIST_SEP, lang).join(sorted(set(tw["county"]) - {""})) or example
    typer.echo(pick(_TEXT["intro"], lang, county=county, townships=len(tw),
                    zones=tw.loc[tw["zone"] != "", "zone"].nunique(), investigators=len(inv),
                    county_level=int((inv["level"] == "county").sum()), cases=len(tables.cases)))
    typer.echo(pick(_TEXT["status"], lang, status=pick(STATUS_WORDS.get(result.status, {"en": result.status}), lang),
                    staffed=result.staffed_cases, cases=len(tables.cases), secs=result.wall_time))
    typer.echo("  " + pick(CLAUSE_SEP, lang).join(
        pick(_TEXT[lv.name], lang, v=lv.value, b=lv.bound) for lv in result.levels.values()))
    typer.echo("")
    typer.echo(plan_table(tables, result, lang))
    typer.echo("")
    if len(result.unstaffed):
        towns = dict(zip(tw["township_id"], tw["name"]))
        where = dict(zip(tables.cases["case_id"], tables.cases["township_id"]))
        typer.echo(pick(_TEXT["unstaffed"], lang, n=len(result.unstaffed)))
        from ..io.wording import reason_text

        people = dict(zip(tables.investigators["investigator_id"], tables.investigators["name"]))
        for cid, why in result.unstaffed[["case_id", "reason"]].itertuples(index=False):
            typer.echo("  " + pick(_TEXT["unstaffed_line"], lang, case=cid, town=towns.get(where[cid]) or where[cid],
                                   why=reason_text(why, lang, people, names_only=True) if lang != "en" else why))
    else:
        typer.echo(pick(_TEXT["none_unstaffed"], lang))
    rep = do_check(tables, result.assignments)
    typer.echo(pick(_TEXT["check"], lang, n=len(rep.violations)))
    if out is not None:
        write_plan(result, tables, out, lang=lang)
        typer.echo(pick(_TEXT["written"], lang, out=out))
