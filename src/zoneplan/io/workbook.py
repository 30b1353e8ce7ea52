"""``plan.xlsx``: the staffing plan as a workbook to hand over, in two layers.

**The part for people** (first sheets): the summary (the status in words, what "staffed"
means, the counts, the objective as a sentence), the teams (the leadership and the team
leads), a re-plan's changes, the unstaffed cases with the reason (the planner), the
workload (the commission's office), the recusal list 回避清单 (every conflict of interest
near a case, with what the relation is), and the data quality.  People and places are
named, never numbered; travel is in whole minutes.

**The audit appendix** (last sheets, names starting with 审计 / ``Audit``): the solve (status
code, each objective level with its value, best bound, gap and whether it is proven, the
options and the seed, the input files with their SHA-256), the people by id, and the
recusals with ids and rule codes.  Sheet and column names follow ``lang``.  The CSVs stay
the machine format; this file is for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from ..i18n import N_, NC_, tr
from .planview import PlanView
from .sheetwriter import Sheet, book_bytes
from .wording import LEVEL_NAMES, coded, list_sep, order_words, rule_label, table_label, yes_no
from .xlsx import display_width, wrap_height

__all__ = ["plan_workbook", "index_workbook", "county_note", "SHEETS", "AUDIT_SHEETS", "objective_sentence",
           "whole_minutes"]

#: Sheet names per language, in workbook order (the audit sheets last).
SHEETS = {
    "summary": N_("Summary"),
    "teams": N_("Teams"),
    "changes": N_("Changes"),
    "unstaffed": NC_("io.workbook", "Unstaffed"),
    "workload": N_("Workload"),
    "recusals": N_("Recusals"),
    "quality": N_("Data quality"),
    "counties": NC_("io.workbook", "Counties"),
    "audit_solve": N_("Audit - solve and inputs"),
    "audit_people": N_("Audit - people by id"),
    "audit_recusals": N_("Audit - recusals by id"),
}
#: The sheets of the audit appendix.
AUDIT_SHEETS = ("audit_solve", "audit_people", "audit_recusals")


@dataclass(frozen=True)
class _Col:
    key: str
    label: str  # a catalog message
    kind: str = "text"  # text | int | num2 | bool | long (wrapped, wide)


_TEAMS = (
    _Col("case_id", NC_("column", "Case")), _Col("zone", NC_("column", "Zone")),
    _Col("township", NC_("column", "Township")), _Col("village", NC_("column", "Village")),
    _Col("name", NC_("column", "Name")), _Col("level", NC_("column", "Level")),
    _Col("posted", NC_("column", "Posted in")), _Col("role", NC_("column", "Role")),
    _Col("minutes", NC_("column", "Travel (min)"), "int"),
)
# column headers: the context "column" keeps them apart from the same English words elsewhere
_UNSTAFFED = (
    _Col("case_id", NC_("column", "Case")), _Col("zone", NC_("column", "Zone")),
    _Col("township", NC_("column", "Township")), _Col("village", NC_("column", "Village")),
    _Col("priority", NC_("column", "Priority"), "int"), _Col("team_size", NC_("column", "Team size"), "int"),
    _Col("kind", NC_("column", "Kind")), _Col("reason", NC_("column", "Reason"), "long"),
    _Col("people", NC_("column", "People named"), "long"),
)
_WORKLOAD = (
    _Col("name", NC_("column", "Name")), _Col("level", NC_("column", "Level")),
    _Col("posted", NC_("column", "Posted in")), _Col("zone", NC_("column", "Zone")),
    _Col("available", NC_("column", "Available"), "bool"),
    _Col("current_cases", NC_("column", "Cases on hand"), "int"),
    _Col("new_cases", NC_("column", "New cases"), "int"), _Col("max_cases", NC_("column", "Case limit"), "int"),
    _Col("spare", NC_("column", "Spare"), "int"),
    _Col("current_workload", NC_("column", "Workload on hand"), "num2"),
    _Col("workload", NC_("column", "Workload after plan"), "num2"),
    _Col("cases", NC_("column", "New cases (ids)")),
)
_RECUSALS = (
    _Col("case_id", NC_("column", "Case")), _Col("township", NC_("column", "Township")),
    _Col("village", NC_("column", "Village")), _Col("subject_id", NC_("column", "Subject")),
    _Col("name", NC_("column", "Name")), _Col("posted", NC_("column", "Posted in")),
    _Col("rule_label", NC_("recusal column", "Rule")), _Col("detail", NC_("column", "Detail"), "long"),
)
_QUALITY = (
    _Col("kind", NC_("column", "Kind")), _Col("rule", NC_("column", "Rule")), _Col("table", NC_("column", "Table")),
    _Col("what", NC_("column", "What"), "long"), _Col("count", NC_("column", "Count"), "int"),
    _Col("who", NC_("column", "Who"), "long"),
)
_CHANGES = (
    _Col("case_id", NC_("column", "Case")), _Col("township", NC_("column", "Township")),
    _Col("name", NC_("column", "Name")),
    _Col("change", NC_("column", "Change")), _Col("role_before", NC_("column", "Role before")),
    _Col("role_after", NC_("column", "Role after")), _Col("reason", NC_("column", "Reason")),
    _Col("detail", NC_("column", "Detail"), "long"),
)
_COUNTIES = (
    _Col("county", NC_("column", "County")), _Col("townships", NC_("column", "Townships"), "int"),
    _Col("investigators", NC_("column", "Investigators"), "int"), _Col("cases", NC_("column", "Cases"), "int"),
    _Col("staffed", NC_("column", "Staffed"), "int"), _Col("unstaffed", NC_("column", "Unstaffed"), "int"),
    _Col("points", NC_("column", "Priority points"), "int"), _Col("people", NC_("column", "People on teams"), "int"),
    _Col("max_workload", NC_("column", "Largest workload"), "num2"),
    _Col("travel", NC_("column", "Travel (min)"), "int"),
    _Col("workbook", NC_("column", "Workbook")), _Col("report", NC_("column", "Report")),
)
_AUDIT_PEOPLE = (
    _Col("investigator_id", NC_("column", "Person id")), _Col("name", NC_("column", "Name")),
    _Col("posted", NC_("column", "Posted in")), _Col("level", NC_("column", "Level")),
    _Col("zone", NC_("column", "Zone")), _Col("cases", NC_("column", "New cases (ids)")),
)
_AUDIT_RECUSALS = (
    _Col("case_id", NC_("column", "Case")), _Col("investigator_id", NC_("column", "Person id")),
    _Col("name", NC_("column", "Name")), _Col("rule_code", NC_("column", "Rule id")),
    _Col("detail_ids", NC_("column", "Detail with ids"), "long"),
)

SUMMARY_WIDTHS = (36.0, 76.0)
_EMPTY = {
    "unstaffed": N_("Every case is staffed."),
    "recusals": N_("No conflict of interest near any case."),
    "audit_recusals": N_("No conflict of interest near any case."),
    "teams": N_("No case is staffed."),
    "changes": N_("Every team is as in the previous plan."),
    "workload": N_("No investigators."),
    "audit_people": N_("No investigators."),
    "quality": N_("Every rule has the data it needs for everybody."),
    "counties": N_("No counties."),
}

_T = {
    "title": N_("Staffing plan"),
    "result": N_("Result"),
    "level_v": N_("{value} (best bound {bound}; {proven})"),
    "level_gap_v": N_("{value} (best bound {bound}, gap {gap}; {proven})"),
    "proven_yes": N_("proven optimal"),
    "proven_no": N_("not proven"),
    "input_v": N_("{table} ({file}, {rows} rows)"),
    "status": N_("Status"),
    "status_code": N_("Status code"),
    "scope": N_("Scope"),
    "scope_v": N_("{counties}: {townships} townships, {investigators} investigators, {cases} cases"),
    "staffed_cases": N_("Cases staffed"),
    "staffed_cases_v": NC_("io.workbook", "{n} of {total}"),
    "staffed": N_("Staffed (priority-weighted)"),
    "staffed_v": N_("{points} of {total} points"),
    "staffed_note": N_("Each case with a full team counts its priority: a priority-2 case counts 2. The plan "
                       "first maximises this score, so important cases are staffed first."),
    "unstaffed": N_("Cases not staffed"),
    "unstaffed_v": N_("{n} (reasons in sheet {sheet})"),
    "people": NC_("io.workbook", "People on teams"),
    "people_v": NC_("people", "{n} of {total}"),
    "objective": N_("What the plan optimises"),
    "levels": N_("Objective levels (in order)"),
    "options": N_("Options"),
    "mode": N_("Objective"),
    "mode_lex": N_("lexicographic: {order}"),
    "mode_w": N_("weighted: {weights}"),
    "max_hops": N_("Kin rule: hops from the subject"),
    "max_travel": N_("Pool without zones: max road minutes"),
    "allow_own_township": N_("Own township allowed (cross-check off)"),
    "cross_county": N_("Pool may cross counties"),
    "team_kin_hops": N_("Team rule: no kin within hops (0: off)"),
    "max_per_township": N_("Team rule: members from one township at most"),
    "use_zones": N_("Pool by collaboration zone"),
    "time_limit": N_("Time limit (s)"),
    "deterministic_time": N_("Deterministic time per sub-solve"),
    "workers": N_("Threads"), "seed": N_("Random seed"),
    "inputs": N_("Input files (SHA-256)"),
    "sheets": N_("Sheets"),
    "made_by": N_("Made by"),
    "note_teams": N_("one row per team member; for the leadership and the team leads"),
    "note_unstaffed": N_("cases without a team, why, and the people concerned; for the planner"),
    "note_workload": N_("cases on hand, new, limit and spare per person; for the office"),
    "note_recusals": N_("every conflict of interest near a case (rule and detail, e.g. the kin path); for the "
                        "audit"),
    "note_changes": N_("a re-plan: each membership added, removed or whose role changed versus the previous "
                       "plan, and why; for publishing the change"),
    "note_quality": N_("whom a rule cannot protect for want of data, and how the input was read; for the planner "
                       "and the audit"),
    "note_counties": N_("one line per county, with its own workbook and report (folder counties/)"),
    "note_audit_solve": N_("audit appendix: the solve's status code, each objective level with its best bound, "
                           "the options and the seed, the input files' fingerprints"),
    "note_audit_people": N_("audit appendix: every person's id beside the name"),
    "note_audit_recusals": N_("audit appendix: every recusal with the ids and the rule's code"),
    "county_books": N_("County workbooks"),
    "county_books_v": N_("{n} counties: one workbook and one report each, in counties/ (sheet {sheet})"),
    "index_of": N_("This county's plan is part of a run over {n} counties; the whole run and its data quality "
                   "are in ../plan.xlsx."),
    "part_of": N_("Part of"),
    "csv_note": N_("The CSV files beside this workbook hold the same plan for programs (ids only)."),
    "audit_title": N_("Audit appendix: the solve and the inputs"),
    "levels_run": N_("These are the levels of the whole run ({n} counties)."),
}


def _t(key: str, lang: str, **kw: object) -> str:
    return tr(_T[key], lang, **kw)


def whole_minutes(x: float) -> int:
    """Road minutes for people: whole minutes, rounded half up (as the travel level counts them)."""
    return int(np.floor(float(x) + 0.5)) if x == x else 0


# --------------------------------------------------------------------------- the objective as a sentence

_LEVEL_PHRASE = {
    "staffed": N_("makes the priority score of the staffed cases as high as possible ({value} of {total} points)"),
    "max_workload": N_("keeps the largest workload of one person as small as possible ({value})"),
    "travel": N_("keeps the team members' total travel as short as possible ({value} minutes)"),
    "changes": N_("changes as few memberships of the published plan as possible ({value})"),
}
_ORDER_WORDS = (N_("The plan first {a}."), N_("The plan first {a}; then {b}."),
                N_("The plan first {a}; then {b}; last {c}."), N_("The plan first {a}; then {b}; then {c}; last {d}."))
_WEIGHTED = N_("The plan minimises one weighted sum: {terms}.")
_WEIGHTED_TERM = N_("{level} × {weight:g}")


def objective_sentence(summary: dict[str, Any], lang: str) -> str:
    """What the plan optimised, in one sentence with the values reached (whole minutes)."""
    levels = {lv["level"]: lv for lv in summary["levels"]}
    if summary.get("mode") == "weighted":
        terms = [tr(_WEIGHTED_TERM, lang, level=tr(LEVEL_NAMES.get(k, k), lang), weight=float(w))
                 for k, w in summary.get("weights", {}).items()]
        return tr(_WEIGHTED, lang, terms=list_sep(lang).join(terms))
    phrases = []
    for name in summary.get("order", []):
        if name not in _LEVEL_PHRASE:
            continue
        v = levels.get(name, {}).get("value")
        if name == "staffed":
            value = str(summary.get("staffed_points", "" if v is None else int(v)))
        elif name == "max_workload":
            value = "-" if v is None else f"{float(v):.2f}"
        else:
            value = "-" if v is None else str(whole_minutes(float(v)))
        phrases.append(tr(_LEVEL_PHRASE[name], lang, value=value, total=summary.get("priority_total", "")))
    if not phrases:
        return ""
    phrases = phrases[:4]
    return tr(_ORDER_WORDS[len(phrases) - 1], lang, **dict(zip("abcd", phrases)))


# --------------------------------------------------------------------------- sheets

def _column_values(values: list[Any], kind: str, lang: str) -> list[Any]:
    """A column's cell values: yes/no words, whole numbers, floats (None for NaN), text."""
    if kind == "bool":
        yes, no = yes_no(True, lang), yes_no(False, lang)
        return [yes if v else no for v in values]
    if kind == "int":
        return [None if v is None or (isinstance(v, float) and v != v) else int(v) for v in values]
    if kind == "num2":
        return [None if v is None or v != v else float(v) for v in values]
    return ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]


def _widths(cols: Sequence[_Col], headers: Sequence[str], data: Sequence[list[Any]],
            low: int = 6, high: int = 60) -> list[float]:
    """Each column as wide as its widest cell (CJK counted double), within ``low``..``high``;
    wrapped (``long``) columns a fixed readable width."""
    out = []
    for c, h, vals in zip(cols, headers, data):
        if c.kind == "long":
            out.append(long_width(c.key))
            continue
        if c.kind == "num2":
            texts = [f"{v:.2f}" for v in vals if v is not None]
        else:
            texts = [v if isinstance(v, str) else str(v) for v in vals]
        uniq = set(texts)
        widest = max((display_width(v) for v in uniq), default=0)
        out.append(float(min(high, max(low, max(widest, display_width(h)) + 2))))
    return out


def long_width(key: str) -> float:
    """Width of a wrapped column."""
    return 70.0 if key in ("reason", "detail", "what", "detail_ids") else 36.0


def table_frame(key: str, view: PlanView) -> pd.DataFrame:
    """The frame a table sheet shows (the view's, with the people's names standing in for
    missing ones and whole minutes)."""
    if key == "teams":
        f = view.teams
        return f.assign(name=_names(f), minutes=[whole_minutes(x) for x in f["travel_minutes"].tolist()])
    if key in ("workload", "audit_people"):
        return view.workload.assign(name=_names(view.workload))
    if key == "recusals":
        return view.recusals.assign(name=_names(view.recusals))
    if key == "audit_recusals":  # the rule's code (its words in Chinese: codes are English)
        codes = {r: coded(rule_label(r, view.lang), r, view.lang) if view.lang != "en" else r
                 for r in set(view.recusals["rule"].tolist())}
        return view.recusals.assign(name=_names(view.recusals), rule_code=view.recusals["rule"].map(codes))
    if key == "changes":
        return view.changes.assign(name=_names(view.changes))
    return getattr(view, key)


def _names(frame: pd.DataFrame) -> list[str]:
    return [n or i for n, i in zip(frame["name"].tolist(), frame["investigator_id"].tolist())]


COLUMNS = {"teams": _TEAMS, "changes": _CHANGES, "unstaffed": _UNSTAFFED, "workload": _WORKLOAD,
           "recusals": _RECUSALS, "quality": _QUALITY, "counties": _COUNTIES, "audit_people": _AUDIT_PEOPLE,
           "audit_recusals": _AUDIT_RECUSALS}
BANDS = {"teams": "case_id", "changes": "case_id", "recusals": "case_id", "audit_recusals": "case_id"}


def headers(key: str, lang: str) -> list[str]:
    return [tr(c.label, lang) for c in COLUMNS[key]]


def _table_sheet(key: str, frame: pd.DataFrame, lang: str) -> Sheet:
    cols = COLUMNS[key]
    heads = headers(key, lang)
    data = [_column_values(frame[c.key].tolist(), c.kind, lang) for c in cols]
    widths = _widths(cols, heads, data)
    n = len(frame)
    ws = Sheet(tr(SHEETS[key], lang), widths=widths, freeze_header=True, print_titles=True, landscape=True,
               autofilter=f"A1:{get_column_letter(len(cols))}{n + 1}" if n else None)
    band_by = BANDS.get(key)
    if band_by is not None:
        shaded, last, shade = [], object(), True
        for band in frame[band_by].tolist():
            if band != last:
                last, shade = band, not shade
            shaded.append(shade)
    else:
        shaded = None
    long = [(k, w) for k, (c, w) in enumerate(zip(cols, widths)) if c.kind == "long"]
    heights = None
    if long and n:
        heights = [wrap_height((data[k][r], w) for k, w in long) for r in range(n)]
    ws.table(heads, data, [c.kind for c in cols], shaded=shaded, heights=heights)
    if not n:
        empty_note(ws, key, lang, len(cols))
    return ws


def empty_note(ws: Sheet, key: str, lang: str, ncols: int) -> None:
    """An empty table says so on a line of its own, across the table (not in its first column)."""
    ws.add_row([(tr(_EMPTY[key], lang), "note")] + [("", "note")] * (ncols - 1))
    ws.merge(f"A{ws.rows}:{get_column_letter(ncols)}{ws.rows}")


def _summary_sheet(view: PlanView, extra: Sequence[tuple[str, str]] = ()) -> Sheet:
    """The people's summary: two columns, label and value, in sections; one portrait page.
    ``extra``: (label, value) lines added to the result section (e.g. where the county
    workbooks are)."""
    lang, s = view.lang, view.summary
    ws = Sheet(tr(SHEETS["summary"], lang), widths=SUMMARY_WIDTHS, landscape=False)
    ws.add_row([(_t("title", lang), "title")], height=30)

    def section(title: str) -> None:
        ws.add_row([])
        ws.add_row([(title, "section"), ("", "section")], height=20)

    def kv(label: str, value: object) -> None:
        ws.add_row([(label, "label"), (value, "value")], height=wrap_height([(value, SUMMARY_WIDTHS[1])]))

    sep = list_sep(lang)
    counties = sep.join(s["counties"][:20]) or "-"
    if len(s["counties"]) > 20:
        counties = tr(_MORE_COUNTIES, lang, counties=counties, n=len(s["counties"]))
    section(_t("result", lang))
    kv(_t("status", lang), s["status_short"])
    kv(_t("scope", lang), _t("scope_v", lang, counties=counties, townships=s["townships"],
                              investigators=s["investigators"], cases=s["cases"]))
    kv(_t("staffed_cases", lang), _t("staffed_cases_v", lang, n=s["cases_staffed"], total=s["cases"]))
    kv(_t("staffed", lang), _t("staffed_v", lang, points=s["staffed_points"], total=s["priority_total"]))
    kv("", _t("staffed_note", lang))
    kv(_t("unstaffed", lang), _t("unstaffed_v", lang, n=s["cases_unstaffed"], sheet=tr(SHEETS["unstaffed"], lang)))
    kv(_t("people", lang), _t("people_v", lang, n=s["people_used"], total=s["investigators"]))
    for label, value in extra:
        kv(label, value)
    section(_t("objective", lang))
    kv("", objective_sentence(s, lang))
    if s.get("run_counties"):
        kv("", _t("levels_run", lang, n=s["run_counties"]))
    section(_t("sheets", lang))
    keys = s.get("sheet_keys", ("teams", "changes", "unstaffed", "workload", "recusals", "quality"))
    for key in (*keys, *s.get("audit_keys", AUDIT_SHEETS)):
        if key == "changes" and view.changes is None:
            continue
        kv(tr(SHEETS[key], lang), _t(f"note_{key}", lang))
    kv("", _t("csv_note", lang))
    return ws


_MORE_COUNTIES = N_("{counties} and others: {n} counties")


def audit_solve_sheet(view: PlanView) -> Sheet:
    """The audit appendix's first sheet: status code, levels with bounds, options, seed, inputs."""
    lang, s = view.lang, view.summary
    ws = Sheet(tr(SHEETS["audit_solve"], lang), widths=SUMMARY_WIDTHS, landscape=False)
    ws.add_row([(_t("audit_title", lang), "title")], height=30)

    def section(title: str) -> None:
        ws.add_row([])
        ws.add_row([(title, "section"), ("", "section")], height=20)

    def kv(label: str, value: object) -> None:
        ws.add_row([(label, "label"), (value, "value")], height=wrap_height([(value, SUMMARY_WIDTHS[1])]))

    section(_t("result", lang))
    kv(_t("status_code", lang), coded(s["status_words"], s["status"], lang))
    section(_t("levels", lang))
    for lv in s["levels"]:
        gap = lv.get("gap")
        key = "level_v" if gap is None else "level_gap_v"
        kv(coded(lv["label"], lv["level"], lang),
           _t(key, lang, value=f"{lv['value']:g}", bound="-" if lv["bound"] is None else f"{lv['bound']:g}",
              gap="-" if gap is None else f"{gap:.2%}", proven=_t("proven_yes" if lv["proven"] else "proven_no", lang)))
    section(_t("options", lang))
    if s["mode"] == "weighted":
        kv(_t("mode", lang), _t("mode_w", lang, weights=list_sep(lang).join(
            f"{order_words([k], lang)} × {v:g}" for k, v in s["weights"].items())))
    else:
        kv(_t("mode", lang), _t("mode_lex", lang, order=order_words(s["order"], lang)))
    for k, v in s["rules"].items():
        label = _t(k, lang) if k in _T else k
        kv(coded(label, k, lang), yes_no(v, lang) if isinstance(v, bool) else "-" if v is None else f"{v:g}")
    for k, v in s["solve"].items():
        kv(coded(_t(k, lang), k, lang), "-" if v is None else f"{v:g}")
    section(_t("inputs", lang))
    for inp in s["inputs"]:
        kv(_t("input_v", lang, table=table_label(inp["table"], lang), file=inp["file"], rows=inp["rows"]),
           inp["sha256"])
    kv(_t("made_by", lang), f"zoneplan {s['version']}")
    return ws


def plan_workbook(view: PlanView, with_quality: bool = True, extra: Sequence[tuple[str, str]] = (),
                  draw: Sequence[Sheet] = ()) -> bytes:
    """``plan.xlsx`` as bytes (byte-stable: the same view gives the same bytes).

    ``with_quality=False`` leaves the data-quality sheet out (a county's workbook of a
    split plan: the index workbook holds it once for the whole run).  ``draw``: a draw's
    sheets (:func:`zoneplan.io.drawbook.draw_sheets`), placed after the teams."""
    lang = view.lang
    sheets = [_summary_sheet(view, extra), _table_sheet("teams", table_frame("teams", view), lang), *draw]
    if view.changes is not None:  # a re-plan: what changed versus the published plan
        sheets.append(_table_sheet("changes", table_frame("changes", view), lang))
    sheets.append(_table_sheet("unstaffed", view.unstaffed, lang))
    sheets.append(_table_sheet("workload", table_frame("workload", view), lang))
    sheets.append(_table_sheet("recusals", table_frame("recusals", view), lang))
    if with_quality:
        sheets.append(_table_sheet("quality", view.quality, lang))
    sheets += [audit_solve_sheet(view), _table_sheet("audit_people", table_frame("audit_people", view), lang),
               _table_sheet("audit_recusals", table_frame("audit_recusals", view), lang)]
    return book_bytes(sheets)


def index_workbook(view: PlanView, counties: pd.DataFrame) -> bytes:
    """``plan.xlsx`` of a run split by county: the run's summary, one line per county (with
    the file names of its workbook and report), the run's unstaffed cases and data quality,
    then the audit appendix of the run (its solve and inputs)."""
    lang = view.lang
    extra = [(_t("county_books", lang), _t("county_books_v", lang, n=len(counties),
                                           sheet=tr(SHEETS["counties"], lang)))]
    summary = {**view.summary, "sheet_keys": ("counties", "unstaffed", "quality"), "audit_keys": ("audit_solve",)}
    v = PlanView(**{**view.__dict__, "summary": summary})
    sheets = [_summary_sheet(v, extra),
              _table_sheet("counties", counties.assign(travel=[whole_minutes(x) for x in counties["travel"]]), lang),
              _table_sheet("unstaffed", view.unstaffed, lang),
              _table_sheet("quality", view.quality, lang),
              audit_solve_sheet(v)]
    return book_bytes(sheets)


def county_note(lang: str, n: int) -> tuple[str, str]:
    """The summary line of a county workbook that points to the index."""
    return _t("part_of", lang), _t("index_of", lang, n=n)

