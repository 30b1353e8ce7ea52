"""``plan.xlsx``: the staffing plan as a workbook to hand over, one sheet per audience.

Sheets: a summary first (status, what "staffed" means, counts, the solve options, input file
hashes), then teams (the leadership and the team leads), unstaffed cases with the reason and
the people it names (the planner), workload (the commission's office), and the recusal list
回避清单 (the audit: every conflict of interest near a case, with rule and detail).  Sheet
and column names follow ``lang``.  The CSVs stay the machine format; this file is for people.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import pick
from .planview import PlanView
from .wording import yes_no
from .xlsx import HEADER_FILL, HEADER_FONT, fit_columns, print_setup, style_header, workbook_bytes, wrap_height

__all__ = ["plan_workbook", "SHEETS"]

#: Sheet names per language, in workbook order.
SHEETS = {
    "summary": {"en": "Summary", "zh": "概要"},
    "teams": {"en": "Teams", "zh": "办案组"},
    "unstaffed": {"en": "Unstaffed", "zh": "未配置案件"},
    "workload": {"en": "Workload", "zh": "工作量"},
    "recusals": {"en": "Recusals", "zh": "回避清单"},
    "quality": {"en": "Data quality", "zh": "数据质量"},
    "changes": {"en": "Changes", "zh": "方案变动"},
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

_FORMATS = {"int": "0", "num2": "0.00"}
SUMMARY_WIDTHS = (36.0, 76.0)
_BAND = PatternFill("solid", fgColor="EEF3F8")
_EMPTY = {
    "unstaffed": {"en": "Every case is staffed.", "zh": "所有案件均已配置。"},
    "recusals": {"en": "No conflict of interest near any case.", "zh": "各案件附近均无需回避人员。"},
    "teams": {"en": "No case is staffed.", "zh": "没有配置任何案件。"},
    "changes": {"en": "Every team is as in the previous plan.", "zh": "各办案组与原方案相同。"},
    "workload": {"en": "No investigators.", "zh": "没有人员。"},
    "quality": {"en": "Every rule has the data it needs for everybody.", "zh": "各项规则所需数据齐全。"},
}

_T = {
    "title": {"en": "Staffing plan", "zh": "协作区办案组配置方案"},
    "result": {"en": "Result", "zh": "配置结果"},
    "status_v": {"en": "{words} ({status})", "zh": "{words}（{status}）"},
    "level_v": {"en": "{value} (best bound {bound}; {proven})", "zh": "{value}（最优界 {bound}，{proven}）"},
    "proven_yes": {"en": "proven optimal", "zh": "已证明最优"},
    "proven_no": {"en": "not proven", "zh": "未证明最优"},
    "input_v": {"en": "{table} ({file}, {rows} rows)", "zh": "{table}（{file}，{rows} 行）"},
    "status": {"en": "Status", "zh": "求解状态"},
    "scope": {"en": "Scope", "zh": "范围"},
    "scope_v": {"en": "{counties}: {townships} townships, {investigators} investigators, {cases} cases",
                "zh": "{counties}：{townships} 个乡镇（街道），{investigators} 名人员，{cases} 件线索"},
    "staffed_cases": {"en": "Cases staffed", "zh": "已配齐的案件"},
    "staffed_cases_v": {"en": "{n} of {total}", "zh": "{n} 件（共 {total} 件）"},
    "staffed": {"en": "Staffed (priority-weighted)", "zh": "配置得分（按优先级加权）"},
    "staffed_v": {"en": "{points} of {total} points", "zh": "{points} 分（满分 {total} 分）"},
    "staffed_note": {"en": "Each case with a full team counts its priority: a priority-2 case counts 2. "
                           "The plan first maximises this score, so important cases are staffed first.",
                     "zh": "每件配齐的案件按其优先级计分（优先级 2 的案件计 2 分）。方案首先使该得分最大，"
                           "即先保证重要案件配齐。"},
    "unstaffed": {"en": "Cases not staffed", "zh": "未配置的案件"},
    "unstaffed_v": {"en": "{n} (reasons in sheet {sheet})", "zh": "{n} 件（原因见“{sheet}”表）"},
    "people": {"en": "People on teams", "zh": "参与办案人员"},
    "people_v": {"en": "{n} of {total}", "zh": "{n} 人（共 {total} 人）"},
    "levels": {"en": "Objective levels (in order)", "zh": "优化目标（按先后顺序）"},
    "options": {"en": "Options", "zh": "参数"},
    "mode": {"en": "Objective", "zh": "目标方式"},
    "mode_lex": {"en": "lexicographic: {order}", "zh": "按先后顺序：{order}"},
    "mode_w": {"en": "weighted: {weights}", "zh": "加权：{weights}"},
    "max_hops": {"en": "Kin rule: hops from the subject", "zh": "亲属回避：与被调查人相隔层数"},
    "max_travel": {"en": "Pool without zones: max road minutes", "zh": "无协作区时的车程范围（分钟）"},
    "allow_own_township": {"en": "Own township allowed (cross-check off)", "zh": "允许办理本乡镇案件（关闭交叉互查）"},
    "cross_county": {"en": "Pool may cross counties", "zh": "允许跨县调配"},
    "team_kin_hops": {"en": "Team rule: no kin within hops (0: off)", "zh": "组内亲属回避：相隔层数（0 为不启用）"},
    "max_per_township": {"en": "Team rule: members from one township at most", "zh": "同一乡镇组员上限"},
    "use_zones": {"en": "Pool by collaboration zone", "zh": "按协作区调配"},
    "time_limit": {"en": "Time limit (s)", "zh": "时限（秒）"},
    "deterministic_time": {"en": "Deterministic time per sub-solve", "zh": "每个子问题的确定性时限"},
    "workers": {"en": "Threads", "zh": "线程数"}, "seed": {"en": "Random seed", "zh": "随机种子"},
    "inputs": {"en": "Input files (SHA-256)", "zh": "输入文件（SHA-256 校验值）"},
    "sheets": {"en": "Sheets", "zh": "各表用途"},
    "made_by": {"en": "Made by", "zh": "生成工具"},
    "note_teams": {"en": "one row per team member; for the leadership and the team leads",
                   "zh": "每名组员一行；供领导审定、组长联络"},
    "note_unstaffed": {"en": "cases without a team, why, and the people concerned; for the planner",
                       "zh": "未能配置的案件、原因及涉及人员；供方案制定人调整"},
    "note_workload": {"en": "cases on hand, new, limit and spare per person; for the office",
                      "zh": "每人在办、新分配、上限与余量；供纪检监察室调度"},
    "note_recusals": {"en": "every conflict of interest near a case (rule and detail, e.g. the kin path); "
                            "for the audit", "zh": "每件案件附近需回避的人员及事由（如亲属关系链）；供审查备案"},
    "note_changes": {"en": "a re-plan: each membership added, removed or whose role changed versus the previous "
                           "plan, and why; for publishing the change", "zh": "重新编排时：相对原方案新增、移出或角色变更的组员及原因；供发布变更"},
    "note_quality": {"en": "whom a rule cannot protect for want of data, and how the input was read; for the "
                           "planner and the audit", "zh": "因数据缺失而某项规则无法保护的人员，以及输入的读取方式；供方案制定人与审查备案"},
    "csv_note": {"en": "The CSV files beside this workbook hold the same plan for programs (ids only).",
                 "zh": "同一文件夹中的 CSV 文件是供程序读取的同一方案（仅含编号）。"},
}


def _t(key: str, lang: str, **kw: object) -> str:
    return pick(_T[key], lang, **kw)


def _cell_value(v: Any, kind: str, lang: str) -> Any:
    if kind == "bool":
        return yes_no(bool(v), lang)
    if kind == "int":
        return int(v)
    if kind == "num2":
        return None if pd.isna(v) else float(v)
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _cell_styles(wb: Workbook, cols: Sequence[_Col]) -> list[tuple[Any, Any]]:
    """Per column, the cell style (plain, shaded) built once on a scratch cell and then copied:
    setting style objects cell by cell costs openpyxl a hash per cell (25 s for 200k cells)."""
    scratch = wb.create_sheet("_styles")
    out = []
    for k, c in enumerate(cols, start=1):
        pair = []
        for shaded in (False, True):
            cell = scratch.cell(row=1 + shaded, column=k)
            cell.alignment = Alignment(wrap_text=c.kind == "long", vertical="top",
                                       horizontal={"bool": "center", "text": "left", "long": "left"}.get(c.kind),
                                       indent=1 if c.kind in ("text", "long") else 0)
            if c.kind in _FORMATS:
                cell.number_format = _FORMATS[c.kind]
            if shaded:
                cell.fill = _BAND
            pair.append(cell._style)
        out.append(tuple(pair))
    wb.remove(scratch)
    return out


def _table_sheet(wb: Workbook, key: str, frame: pd.DataFrame, cols: Sequence[_Col], lang: str,
                 band_by: str | None = None) -> Worksheet:
    ws = wb.create_sheet(pick(SHEETS[key], lang))
    headers = [c.zh if lang == "zh" else c.en for c in cols]
    ws.append(headers)
    style_header(ws)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws)
    texts: list[list[Any]] = [[h] for h in headers]
    styles = _cell_styles(wb, cols)
    data = [frame[c.key].tolist() for c in cols]
    bands = frame[band_by].tolist() if band_by is not None else [None] * len(frame)
    last, shade = object(), True
    for r, band in enumerate(bands, start=2):
        if band_by is not None and band != last:
            last, shade = band, not shade
        for k, c in enumerate(cols, start=1):
            v = _cell_value(data[k - 1][r - 2], c.kind, lang)
            cell = ws.cell(row=r, column=k, value=v)
            cell._style = copy(styles[k - 1][band_by is not None and shade])
            texts[k - 1].append(f"{v:.2f}" if c.kind == "num2" and v is not None else v)
    n = len(frame)
    if n:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
    else:
        ws.cell(row=2, column=1, value=pick(_EMPTY[key], lang)).font = Font(italic=True, color="595959")
    fit_columns(ws, ((k, vals) for k, (c, vals) in enumerate(zip(cols, texts), start=1) if c.kind != "long"))
    long = [(k, 70.0 if c.key in ("reason", "detail", "what") else 36.0) for k, c in enumerate(cols, start=1)
            if c.kind == "long"]
    for k, width in long:  # wrapped: wide enough to read, not as wide as the longest text
        ws.column_dimensions[get_column_letter(k)].width = width
    for r in range(2, n + 2):
        height = wrap_height((texts[k - 1][r - 1], width) for k, width in long)
        if height is not None:
            ws.row_dimensions[r].height = height
    return ws


def _summary_sheet(wb: Workbook, view: PlanView) -> None:
    """Two columns, label and value, in sections; printable on one portrait page."""
    lang, s = view.lang, view.summary
    ws = wb.active
    ws.title = pick(SHEETS["summary"], lang)
    print_setup(ws, landscape=False)
    ws.append([_t("title", lang)])
    ws["A1"].font = Font(bold=True, size=16, color="1F4E79")
    ws.row_dimensions[1].height = 30

    def section(title: str) -> None:
        ws.append([])
        ws.append([title, ""])
        for cell in ws[ws.max_row]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        ws.row_dimensions[ws.max_row].height = 20

    def kv(label: str, value: object) -> None:
        ws.append([label, value])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(vertical="top")
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        height = wrap_height([(value, SUMMARY_WIDTHS[1])])
        if height is not None:
            ws.row_dimensions[ws.max_row].height = height

    counties = ("、" if lang == "zh" else ", ").join(s["counties"]) or "-"
    section(_t("result", lang))
    kv(_t("status", lang), _t("status_v", lang, words=s["status_words"], status=s["status"]))
    kv(_t("scope", lang), _t("scope_v", lang, counties=counties, townships=s["townships"],
                              investigators=s["investigators"], cases=s["cases"]))
    kv(_t("staffed_cases", lang), _t("staffed_cases_v", lang, n=s["cases_staffed"], total=s["cases"]))
    kv(_t("staffed", lang), _t("staffed_v", lang, points=s["staffed_points"], total=s["priority_total"]))
    kv("", _t("staffed_note", lang))
    kv(_t("unstaffed", lang), _t("unstaffed_v", lang, n=s["cases_unstaffed"], sheet=pick(SHEETS["unstaffed"], lang)))
    kv(_t("people", lang), _t("people_v", lang, n=s["people_used"], total=s["investigators"]))
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
    for key in ("teams", "changes", "unstaffed", "workload", "recusals", "quality"):
        if key == "changes" and view.changes is None:
            continue
        kv(pick(SHEETS[key], lang), _t(f"note_{key}", lang))
    kv("", _t("csv_note", lang))
    kv(_t("made_by", lang), f"zoneplan {s['version']}")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = SUMMARY_WIDTHS


def plan_workbook(view: PlanView, extra=None) -> bytes:
    """``plan.xlsx`` as bytes (byte-stable: the same view gives the same bytes); ``extra(wb)``
    may add sheets (a draw's audit, :func:`zoneplan.io.drawbook.draw_sheets`)."""
    wb = Workbook()
    _summary_sheet(wb, view)
    _table_sheet(wb, "teams", view.teams, _TEAMS, view.lang, band_by="case_id")
    if view.changes is not None:  # a re-plan: what changed versus the published plan
        _table_sheet(wb, "changes", view.changes, _CHANGES, view.lang, band_by="case_id")
    _table_sheet(wb, "unstaffed", view.unstaffed, _UNSTAFFED, view.lang)
    _table_sheet(wb, "workload", view.workload, _WORKLOAD, view.lang)
    _table_sheet(wb, "recusals", view.recusals, _RECUSALS, view.lang, band_by="case_id")
    _table_sheet(wb, "quality", view.quality, _QUALITY, view.lang)
    if extra is not None:
        extra(wb)
    return workbook_bytes(wb)
