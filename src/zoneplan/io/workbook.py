"""``plan.xlsx``: the staffing plan as a workbook to hand over, one sheet per audience.

Sheets: a summary first (status, what "staffed" means, counts, the solve options, input file
hashes), then teams (the leadership and the team leads), unstaffed cases with the reason and
the people it names (the planner), workload (the commission's office), and the recusal list
回避清单 (the audit: every conflict of interest near a case, with rule and detail).  Sheet
and column names follow ``lang``.  The CSVs stay the machine format; this file is for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
from openpyxl.utils import get_column_letter

from ..i18n import N_, NC_, pick
from .planview import PlanView
from .sheetwriter import Sheet, book_bytes
from .wording import yes_no
from .xlsx import display_width, wrap_height

__all__ = ["plan_workbook", "index_workbook", "county_note", "SHEETS"]

#: Sheet names per language, in workbook order.
SHEETS = {
    "summary": N_("Summary"),
    "teams": N_("Teams"),
    "unstaffed": NC_("io.workbook", "Unstaffed"),
    "workload": N_("Workload"),
    "recusals": N_("Recusals"),
    "quality": N_("Data quality"),
    "changes": N_("Changes"),
    "counties": NC_("io.workbook", "Counties"),
}


@dataclass(frozen=True)
class _Col:
    key: str
    en: str
    zh: str
    kind: str = "text"  # text | int | num2 | bool | long (wrapped, wide)


_TEAMS = (
    _Col("case_id", "Case", "线索编号"), _Col("zone", "Zone", "协作区"),
    _Col("township", "Township", "所在乡镇"), _Col("village", "Village", "所在村"),
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("level", "Level", "层级"), _Col("posted", "Posted in", "工作乡镇"),
    _Col("role", "Role", "角色"), _Col("travel_minutes", "Travel (min)", "车程（分钟）", "num2"),
)
_UNSTAFFED = (
    _Col("case_id", "Case", "线索编号"), _Col("zone", "Zone", "协作区"),
    _Col("township", "Township", "所在乡镇"), _Col("village", "Village", "所在村"),
    _Col("priority", "Priority", "优先级", "int"), _Col("team_size", "Team size", "组人数", "int"),
    _Col("kind", "Kind", "类别"), _Col("reason", "Reason", "原因", "long"),
    _Col("people", "People named", "涉及人员", "long"),
)
_WORKLOAD = (
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("level", "Level", "层级"), _Col("posted", "Posted in", "工作乡镇"), _Col("zone", "Zone", "协作区"),
    _Col("available", "Available", "在岗", "bool"),
    _Col("current_cases", "Cases on hand", "在办案件数", "int"),
    _Col("new_cases", "New cases", "新分配案件数", "int"), _Col("max_cases", "Case limit", "承办上限", "int"),
    _Col("spare", "Spare", "尚可承办", "int"),
    _Col("current_workload", "Workload on hand", "在办工作量", "num2"),
    _Col("workload", "Workload after plan", "配置后工作量", "num2"),
    _Col("cases", "New case ids", "新分配案件"),
)
_RECUSALS = (
    _Col("case_id", "Case", "线索编号"), _Col("township", "Township", "所在乡镇"),
    _Col("village", "Village", "所在村"), _Col("subject_id", "Subject", "被调查人"),
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("posted", "Posted in", "工作乡镇"), _Col("rule_label", "Rule", "回避事由"),
    _Col("detail", "Detail", "具体情况", "long"), _Col("rule", "Rule id", "规则代码"),
)

_QUALITY = (
    _Col("kind", "Kind", "类别"), _Col("rule", "Rule", "规则"), _Col("table", "Table", "表"),
    _Col("what", "What", "情况", "long"), _Col("count", "Count", "人数/件数", "int"),
    _Col("who", "Who", "涉及人员或线索", "long"),
)

_CHANGES = (
    _Col("case_id", "Case", "线索编号"), _Col("township", "Township", "所在乡镇"),
    _Col("investigator_id", "Person id", "人员编号"), _Col("name", "Name", "姓名"),
    _Col("change", "Change", "变动"), _Col("role_before", "Role before", "原角色"),
    _Col("role_after", "Role after", "现角色"), _Col("reason", "Reason", "原因"),
    _Col("detail", "Detail", "说明", "long"),
)

_COUNTIES = (
    _Col("county", "County", "县区"), _Col("townships", "Townships", "乡镇数", "int"),
    _Col("investigators", "Investigators", "人员数", "int"), _Col("cases", "Cases", "线索数", "int"),
    _Col("staffed", "Staffed", "已配齐", "int"), _Col("unstaffed", "Unstaffed", "未配置", "int"),
    _Col("points", "Priority points", "配置得分", "int"), _Col("people", "People on teams", "参与人员", "int"),
    _Col("max_workload", "Largest workload", "最大工作量", "num2"),
    _Col("travel", "Travel (min)", "总车程（分钟）", "num2"),
    _Col("workbook", "Workbook", "工作簿"), _Col("report", "Report", "报告"),
)

SUMMARY_WIDTHS = (36.0, 76.0)
_EMPTY = {
    "unstaffed": N_("Every case is staffed."),
    "recusals": N_("No conflict of interest near any case."),
    "teams": N_("No case is staffed."),
    "changes": N_("Every team is as in the previous plan."),
    "workload": N_("No investigators."),
    "quality": N_("Every rule has the data it needs for everybody."),
}

_T = {
    "title": N_("Staffing plan"),
    "result": N_("Result"),
    "status_v": N_("{words} ({status})"),
    "level_v": N_("{value} (best bound {bound}; {proven})"),
    "proven_yes": N_("proven optimal"),
    "proven_no": N_("not proven"),
    "input_v": N_("{table} ({file}, {rows} rows)"),
    "status": NC_("io.workbook", "Status"),
    "scope": N_("Scope"),
    "scope_v": N_("{counties}: {townships} townships, {investigators} investigators, {cases} cases"),
    "staffed_cases": N_("Cases staffed"),
    "staffed_cases_v": NC_("io.workbook", "{n} of {total}"),
    "staffed": N_("Staffed (priority-weighted)"),
    "staffed_v": N_("{points} of {total} points"),
    "staffed_note": N_("Each case with a full team counts its priority: a priority-2 case counts 2. The "
                       "plan first maximises this score, so important cases are staffed first."),
    "unstaffed": N_("Cases not staffed"),
    "unstaffed_v": N_("{n} (reasons in sheet {sheet})"),
    "people": NC_("io.workbook", "People on teams"),
    "people_v": NC_("people", "{n} of {total}"),
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
    "note_recusals": N_("every conflict of interest near a case (rule and detail, e.g. the kin path); for "
                        "the audit"),
    "note_changes": N_("a re-plan: each membership added, removed or whose role changed versus the previous "
                       "plan, and why; for publishing the change"),
    "note_quality": N_("whom a rule cannot protect for want of data, and how the input was read; for the "
                       "planner and the audit"),
    "note_counties": N_("one line per county, with its own workbook and report (folder counties/)"),
    "county_books": N_("County workbooks"),
    "county_books_v": N_("{n} counties: one workbook and one report each, in counties/ (sheet {sheet})"),
    "index_of": N_("This county's plan is part of a run over {n} counties; the whole run and its data "
                   "quality are in ../plan.xlsx."),
    "part_of": N_("Part of"),
    "csv_note": N_("The CSV files beside this workbook hold the same plan for programs (ids only)."),
}


def _t(key: str, lang: str, **kw: object) -> str:
    return pick(_T[key], lang, **kw)


def _column_values(values: list[Any], kind: str, lang: str) -> list[Any]:
    """A column's cell values: yes/no words, whole numbers, floats (None for NaN), text."""
    if kind == "bool":
        yes, no = yes_no(True, lang), yes_no(False, lang)
        return [yes if v else no for v in values]
    if kind == "int":
        return [int(v) for v in values]
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
            out.append(70.0 if c.key in ("reason", "detail", "what") else 36.0)
            continue
        if c.kind == "num2":
            texts = [f"{v:.2f}" for v in vals if v is not None]
        else:
            texts = [v if isinstance(v, str) else str(v) for v in vals]
        uniq = set(texts)
        widest = max((display_width(v) for v in uniq), default=0)
        out.append(float(min(high, max(low, max(widest, display_width(h)) + 2))))
    return out


def _table_sheet(key: str, frame: pd.DataFrame, cols: Sequence[_Col], lang: str,
                 band_by: str | None = None) -> Sheet:
    headers = [c.zh if lang == "zh" else c.en for c in cols]
    data = [_column_values(frame[c.key].tolist(), c.kind, lang) for c in cols]
    widths = _widths(cols, headers, data)
    n = len(frame)
    ws = Sheet(pick(SHEETS[key], lang), widths=widths, freeze_header=True, print_titles=True, landscape=True,
               autofilter=f"A1:{get_column_letter(len(cols))}{n + 1}" if n else None)
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
    ws.table(headers, data, [c.kind for c in cols], shaded=shaded, heights=heights)
    if not n:
        ws.add_row([(pick(_EMPTY[key], lang), "note")])
    return ws


def _summary_sheet(view: PlanView, extra: Sequence[tuple[str, str]] = (), tail: list[str] | None = None) -> Sheet:
    """Two columns, label and value, in sections; printable on one portrait page.
    ``extra``: (label, value) lines added to the result section (e.g. where the county
    workbooks are).  ``tail``: the rows after the result section, already built (the same
    for every county of a split run)."""
    lang, s = view.lang, view.summary
    ws = Sheet(pick(SHEETS["summary"], lang), widths=SUMMARY_WIDTHS, landscape=False)
    ws.add_row([(_t("title", lang), "title")], height=30)

    def section(title: str) -> None:
        ws.add_row([])
        ws.add_row([(title, "section"), ("", "section")], height=20)

    def kv(label: str, value: object) -> None:
        ws.add_row([(label, "label"), (value, "value")], height=wrap_height([(value, SUMMARY_WIDTHS[1])]))

    counties = ("、" if lang == "zh" else ", ").join(s["counties"][:20]) or "-"
    if len(s["counties"]) > 20:
        counties += (f" 等 {len(s['counties'])} 个县区" if lang == "zh" else f" and {len(s['counties']) - 20} more")
    section(_t("result", lang))
    kv(_t("status", lang), _t("status_v", lang, words=s["status_words"], status=s["status"]))
    kv(_t("scope", lang), _t("scope_v", lang, counties=counties, townships=s["townships"],
                              investigators=s["investigators"], cases=s["cases"]))
    kv(_t("staffed_cases", lang), _t("staffed_cases_v", lang, n=s["cases_staffed"], total=s["cases"]))
    kv(_t("staffed", lang), _t("staffed_v", lang, points=s["staffed_points"], total=s["priority_total"]))
    kv("", _t("staffed_note", lang))
    kv(_t("unstaffed", lang), _t("unstaffed_v", lang, n=s["cases_unstaffed"], sheet=pick(SHEETS["unstaffed"], lang)))
    kv(_t("people", lang), _t("people_v", lang, n=s["people_used"], total=s["investigators"]))
    for label, value in extra:
        kv(label, value)
    if tail is not None:
        ws.chunks.extend(tail)
        ws.rows += len(tail)
        return ws
    section(_t("levels", lang))
    for lv in s["levels"]:
        kv(lv["label"], _t("level_v", lang, value=f"{lv['value']:g}", bound="-" if lv["bound"] is None else f"{lv['bound']:g}",
                          proven=_t("proven_yes" if lv["proven"] else "proven_no", lang)))
    section(_t("options", lang))
    if s["mode"] == "weighted":
        kv(_t("mode", lang), _t("mode_w", lang, weights=", ".join(f"{k}={v:g}" for k, v in s["weights"].items())))
    else:
        kv(_t("mode", lang), _t("mode_lex", lang, order=" > ".join(s["order"])))
    for k, v in s["rules"].items():
        label = _t(k, lang) if k in _T else k
        kv(label, yes_no(v, lang) if isinstance(v, bool) else "-" if v is None else f"{v:g}")
    for k, v in s["solve"].items():
        kv(_t(k, lang), "-" if v is None else f"{v:g}")
    section(_t("inputs", lang))
    for inp in s["inputs"]:
        kv(_t("input_v", lang, table=inp["table"], file=inp["file"], rows=inp["rows"]), inp["sha256"])
    section(_t("sheets", lang))
    for key in s.get("sheet_keys", ("teams", "changes", "unstaffed", "workload", "recusals", "quality")):
        if key == "changes" and view.changes is None:
            continue
        kv(pick(SHEETS[key], lang), _t(f"note_{key}", lang))
    kv("", _t("csv_note", lang))
    kv(_t("made_by", lang), f"zoneplan {s['version']}")
    return ws


def plan_workbook(view: PlanView, with_quality: bool = True, extra: Sequence[tuple[str, str]] = ()) -> bytes:
    """``plan.xlsx`` as bytes (byte-stable: the same view gives the same bytes).

    ``with_quality=False`` leaves the data-quality sheet out (a county's workbook of a
    split plan: the index workbook holds it once for the whole run)."""
    sheets = [_summary_sheet(view, extra), _table_sheet("teams", view.teams, _TEAMS, view.lang, band_by="case_id")]
    if view.changes is not None:  # a re-plan: what changed versus the published plan
        sheets.append(_table_sheet("changes", view.changes, _CHANGES, view.lang, band_by="case_id"))
    sheets.append(_table_sheet("unstaffed", view.unstaffed, _UNSTAFFED, view.lang))
    sheets.append(_table_sheet("workload", view.workload, _WORKLOAD, view.lang))
    sheets.append(_table_sheet("recusals", view.recusals, _RECUSALS, view.lang, band_by="case_id"))
    if with_quality:
        sheets.append(_table_sheet("quality", view.quality, _QUALITY, view.lang))
    return book_bytes(sheets)


def index_workbook(view: PlanView, counties: pd.DataFrame) -> bytes:
    """``plan.xlsx`` of a run split by county: the run's summary, one line per county (with
    the file names of its workbook and report), the run's unstaffed cases and data quality."""
    lang = view.lang
    extra = [(_t("county_books", lang), _t("county_books_v", lang, n=len(counties),
                                           sheet=pick(SHEETS["counties"], lang)))]
    summary = {**view.summary, "sheet_keys": ("counties", "unstaffed", "quality")}
    sheets = [_summary_sheet(PlanView(**{**view.__dict__, "summary": summary}), extra),
              _table_sheet("counties", counties, _COUNTIES, lang),
              _table_sheet("unstaffed", view.unstaffed, _UNSTAFFED, lang),
              _table_sheet("quality", view.quality, _QUALITY, lang)]
    return book_bytes(sheets)


def county_note(lang: str, n: int) -> tuple[str, str]:
    """The summary line of a county workbook that points to the index."""
    return _t("part_of", lang), _t("index_of", lang, n=n)
