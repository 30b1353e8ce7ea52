"""Re-planning commands and options: ``staff --previous/--lock/--forbid/--history``,
``diff`` and ``history``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ..i18n import N_, NC_, pick, lang_for, resolve_lang, tr
from ..io.wording import CHANGE_WORDS
from .common import MaxHops, MaxPerTownship, MaxTravel, AllowOwn, CrossCounty, NoZones, TeamKinHops, _guard, _rules, app

__all__ = ["replan_args", "keep_history", "Previous", "Lock", "Forbid", "LocksFile", "History"]

Previous = typer.Option(None, "--previous", help="Re-plan from this plan (a plan folder or its assignments.csv, or "
                        "a history entry DIR@latest): keep as much of it as the rules allow.")
Lock = typer.Option(None, "--lock", help="CASE (the whole previous team stays) or CASE:PERSON; repeat or separate "
                    "by commas.")
Forbid = typer.Option(None, "--forbid", help="CASE:PERSON never to use; repeat or separate by commas.")
LocksFile = typer.Option(None, "--locks", help="CSV kind,case_id,investigator_id with kind lock|forbid.")
History = typer.Option(None, "--history", help="Keep a dated copy of the plan, with input hashes, in this folder.")
Lang = typer.Option(None, "--lang", help="zh or en (default: ZONEPLAN_LANG or the system locale).")

TEXT = {
    "teams": N_("{n} team(s) changed"),
    "people": N_("{n} investigator(s) left or joined a team"),
    "none": N_("the two plans are the same"),
    "summary": N_("memberships: {kept} kept, {added} added, {removed} removed, {role_changes} role change(s)"),
    "written": N_("written to {out}/ (diff.csv, teams.csv, people.csv)"),
    "no_data": N_("(no --data: reasons are not computed, only the moves)"),
    "history": N_("{n} plan(s) in {dir}"),
    "kept_in": N_("plan kept in the history: {path}"),
}

HEAD = {
    "case_id": NC_("cli.replan", "case"), "status": NC_("cli.replan", "status"),
    "before": N_("before"), "after": N_("after"),
    "added": N_("added"), "removed": N_("removed"),
    "investigator_id": N_("investigator"), "left": N_("left"),
    "joined": N_("joined"), "reason": NC_("cli.replan", "reason"),
    "entry": N_("entry"), "created_utc": N_("created (UTC)"),
    "staffed": NC_("cli.replan", "staffed"), "changes": N_("changes"),
    "input_hash": N_("inputs"),
}

WORDS = {
    **CHANGE_WORDS,
    "changed": N_("changed"), "new": N_("new case"), "dropped": N_("not staffed again"),
    "OPTIMAL": N_("optimal"), "FEASIBLE": N_("feasible"),
}


def _word(v: Any, lang: str) -> Any:
    return tr(WORDS[v], lang) if lang == "zh" and isinstance(v, str) and v in WORDS else v


def _show(frame, lang: str) -> str:
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = [_word(v, lang) for v in shown[col]]
    shown.columns = [pick(HEAD[c], lang) if c in HEAD else c for c in shown.columns]
    return shown.to_string(index=False, max_colwidth=60)


def replan_args(previous: Optional[Path], lock: Optional[list[str]], forbid: Optional[list[str]],
                locks_file: Optional[Path], tables=None) -> dict[str, Any]:
    """Keyword arguments of :func:`zoneplan.staff` for the re-planning options."""
    from ..io.history import resolve_plan
    from ..io.locks import read_locks

    locks, forbids = list(lock or []), list(forbid or [])
    if locks_file is not None:
        more_l, more_f = read_locks(locks_file)
        locks += more_l
        forbids += more_f
    out: dict[str, Any] = {"locks": locks, "forbid": forbids}
    if previous is not None:
        from ..io.plan import read_previous

        out["previous"] = read_previous(resolve_plan(previous), tables)
    return out


def keep_history(history: Path, out: Path, tables, result, lang: str = "en") -> Path:
    """Copy the plan written to ``out`` into the history and say where (in ``lang``)."""
    from ..io.history import save_entry

    path = save_entry(history, out, tables, result)
    typer.echo(pick(TEXT["kept_in"], lang, path=path))
    return path


@app.command()
@_guard
def diff(
    plan_a: str = typer.Argument(..., help="Plan before: folder, assignments.csv, or history entry DIR@-1."),
    plan_b: str = typer.Argument(..., help="Plan after: folder, assignments.csv, or history entry DIR@latest."),
    data: Optional[Path] = typer.Option(None, "--data", help="The input folder: say why people left."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write diff.csv, teams.csv and people.csv here."),
    lang: Optional[str] = Lang,
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones,
    team_kin_hops: int = TeamKinHops, max_per_township: Optional[int] = MaxPerTownship,
) -> None:
    """Which teams changed from plan A to plan B, who moved where, who left and why."""
    from .. import load
    from ..diff import diff_plans
    from ..io.history import resolve_plan
    from ..io.write import check_output_dir, frame_to_csv_bytes, write_outputs

    lg = lang_for(lang, data)
    if out is not None:
        check_output_dir(out)
    tables = load(data) if data is not None else None
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones, team_kin_hops, max_per_township)
    d = diff_plans(resolve_plan(plan_a), resolve_plan(plan_b), tables, rules)
    s = d.summary()
    if not s["teams_changed"]:
        typer.echo(pick(TEXT["none"], lg))
    else:
        typer.echo(pick(TEXT["teams"], lg, n=s["teams_changed"]))
        typer.echo(_show(d.teams, lg))
        typer.echo("")
        typer.echo(pick(TEXT["people"], lg, n=s["people_moved"]))
        typer.echo(_show(d.people, lg))
    typer.echo(pick(TEXT["summary"], lg, **s))
    if tables is None:
        typer.echo(pick(TEXT["no_data"], lg))
    if out is not None:
        write_outputs(out, {"diff.csv": frame_to_csv_bytes(d.changed), "teams.csv": frame_to_csv_bytes(d.teams),
                            "people.csv": frame_to_csv_bytes(d.people)})
        typer.echo(pick(TEXT["written"], lg, out=out))


@app.command()
@_guard
def history(
    history_dir: Path = typer.Argument(..., help="A folder written by staff --history."),
    lang: Optional[str] = Lang,
) -> None:
    """List the plans kept in a history folder, oldest first (diff them as DIR@-1 DIR@latest)."""
    import pandas as pd

    from ..io.history import list_entries

    lg = resolve_lang(lang)
    entries = list_entries(history_dir)
    typer.echo(pick(TEXT["history"], lg, n=len(entries), dir=history_dir))
    if not entries:
        return
    rows = []
    for k, e in enumerate(entries):
        ch = e.get("changes") or {}
        rows.append({"": f"@-{len(entries) - 1 - k}" if k < len(entries) - 1 else "@latest", "entry": e["entry"],
                     "created_utc": e["created_utc"], "status": e["status"], "staffed": e["staffed_cases"],
                     "changes": ch.get("changes", "") if ch else "", "input_hash": e["input_hash"]})
    typer.echo(_show(pd.DataFrame(rows), lg))
