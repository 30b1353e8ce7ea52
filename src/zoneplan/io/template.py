"""``zoneplan template FILE.xlsx``: an empty input workbook a planner fills in Excel or WPS.

One sheet per table of the input contract (:mod:`zoneplan.data.contract`), named by the
table's Chinese name, with the Chinese headers the loader accepts; drop-down lists for
是/否 and for the level (县级/乡镇级); number checks with the contract's bounds; id columns
formatted as text (leading zeros survive); and an instructions sheet (说明) first, which
explains every column: required or not, default, meaning, an example.  Once filled, the
workbook loads as it is: ``zoneplan staff 表格.xlsx --out 方案``.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..data.contract import NUMBER_CAP, TABLES, Column, TableSpec
from ..i18n import N_, NC_, pick, tr
from .wording import yes_no
from .xlsx import fit_columns, print_setup, style_header, workbook_bytes, wrap_height

__all__ = ["template_workbook", "INSTRUCTIONS_SHEET", "COLUMN_HELP", "VALIDATED_ROWS"]

#: Name of the instructions sheet (the loader ignores it).
INSTRUCTIONS_SHEET = "说明"
#: Rows (below the header) that carry drop-downs and number checks.
VALIDATED_ROWS = 2000
BOOL_CHOICES = ("是", "否")
LEVEL_CHOICES = {"county": "县级", "township": "乡镇级"}
_OPTIONAL_FILL = PatternFill("solid", fgColor="5B7FA6")

#: Per (table, column): meaning and an example, in both languages.
COLUMN_HELP: dict[tuple[str, str], tuple[dict[str, str], str]] = {
    ("townships", "township_id"): (N_("township id, unique; other sheets refer to townships by it"), "T01"),
    ("townships", "name"): (N_("township name"), "城关街道"),
    ("townships", "county"): (N_("county; zones never cross counties"), "恒平县"),
    ("townships", "lat"): (N_("latitude of the seat (WGS84 degrees)"), "37.732"),
    ("townships", "lon"): (N_("longitude of the seat (WGS84 degrees)"), "117.218"),
    ("townships", "villages"): (N_("number of villages and communities"), "24"),
    ("townships", "zone"): (N_("current collaboration zone id (same id = same zone); may be empty"), "Z01"),
    ("adjacency", "a"): (N_("one of two neighbouring townships (id)"), "T01"),
    ("adjacency", "b"): (N_("the other township (id)"), "T02"),
    ("travel", "from"): (N_("township id travelled from"), "T01"),
    ("travel", "to"): (N_("township id travelled to"), "T02"),
    ("travel", "minutes"): (N_("road minutes, the same both ways; one row per pair is enough"), "25"),
    ("investigators", "investigator_id"): (N_("person id, unique"), "I001"),
    ("investigators", "name"): (N_("name"), "张桂英"),
    ("investigators", "township_id"): (N_("township id where posted (county staff: the county seat)"), "T01"),
    ("investigators", "level"): (N_("county or township level"), "乡镇级"),
    ("investigators", "home_township"): (N_("home township id (recusal)"), "T02"),
    ("investigators", "home_village"): (N_("home village (recusal)"), "T02V10"),
    ("investigators", "skills"): (N_("skills, separated by ;"), "财务;法律"),
    ("investigators", "can_lead"): (N_("can lead a team"), "是"),
    ("investigators", "max_cases"): (N_("most cases at a time (cases on hand count)"), "2"),
    ("investigators", "available"): (N_("available now (leave, training: no)"), "是"),
    ("investigators", "current_cases"): (N_("cases on hand; they use up the limit"), "0"),
    ("investigators", "current_workload"): (N_("workload on hand; counts in the balance"), "0"),
    ("cases", "case_id"): (N_("case id, unique"), "K01"),
    ("cases", "township_id"): (N_("township id of the case"), "T03"),
    ("cases", "village"): (N_("village of the case (home rule)"), "T03V21"),
    ("cases", "subject_id"): (N_("subject id as in the relations sheet (kin rule)"), "S01"),
    ("cases", "team_size"): (NC_("io.template", "team size"), "3"),
    ("cases", "required_skills"): (N_("skills needed, separated by ;"), "财务"),
    ("cases", "needs_lead"): (NC_("io.template", "needs a lead"), "是"),
    ("cases", "escalated"): (N_("escalated: a county-level lead"), "否"),
    ("cases", "priority"): (N_("priority: higher is staffed first"), "2"),
    ("cases", "workload"): (N_("workload (1 = an ordinary case)"), "1.5"),
    ("investigators", "can_review"): (N_("may review cases; empty: county-level yes, township-level no"), "是"),
    ("leaders", "leader_id"): (N_("leader id, unique"), "L01"),
    ("leaders", "name"): (N_("name"), "周建国"),
    ("leaders", "county"): (N_("county, as in the townships sheet"), "恒平县"),
    ("leaders", "title"): (N_("title"), "县纪委副书记"),
    ("leaders", "home_township"): (N_("home township: kept off the zone holding it where possible"), "T05"),
    ("offices", "office_id"): (N_("office id, unique"), "O1"),
    ("offices", "name"): (N_("office name"), "第一纪检监察室"),
    ("offices", "county"): (N_("county, as in the townships sheet"), "恒平县"),
    ("offices", "home_townships"): (N_("members' home townships, separated by ;: kept off those zones where "
                                       "possible"),
                                    "T03;T11"),
    ("villages", "village_id"): (N_("village id, unique"), "T03V01"),
    ("villages", "township_id"): (N_("township id"), "T03"),
    ("villages", "name"): (N_("village name"), "孙家洼村"),
    ("villages", "lat"): (N_("latitude of the village office"), "37.78"),
    ("villages", "lon"): (N_("longitude of the village office"), "117.09"),
    ("villages", "households"): (N_("households: supervision areas are balanced by them"),
                                 "420"),
    ("villages", "population"): (N_("population: used when households are not given"),
                                 "1500"),
    ("villages", "liaison"): (N_("has a village supervision liaison"), "是"),
    ("villages", "liaison_name"): (N_("liaison's name (marks a liaison)"),
                                   "孙丽"),
    ("village_adjacency", "a"): (N_("one of two neighbouring villages (id)"), "T03V01"),
    ("village_adjacency", "b"): (N_("the other village (id)"), "T03V02"),
    ("relations", "a"): (N_("one person (investigator, subject or other)"), "S01"),
    ("relations", "b"): (N_("the other person"), "P001"),
    ("relations", "relation"): (N_("relation (spouse, sibling, classmate...)"), "夫妻"),
    ("conflicts", "investigator_id"): (N_("person id declaring a recusal"), "I024"),
    ("conflicts", "case_id"): (N_("case id"), "K12"),
    ("conflicts", "reason"): (NC_("io.template", "reason"), "曾在该村驻村工作"),
}

_TABLE_HELP = {
    "townships": N_("one row per township or street"),
    "adjacency": N_("neighbouring townships, one pair a row; without it, neighbours are derived from the "
                    "positions"),
    "travel": N_("road minutes; without it, estimated from distance"),
    "investigators": N_("the roster, one person a row"),
    "cases": N_("the cases to staff, one a row"),
    "relations": N_("kin and acquaintances, one pair a row"),
    "conflicts": N_("declared recusals"),
    "leaders": N_("county commission leaders who lead a zone (1+1+N: the first 1)"),
    "offices": N_("county offices that coordinate a zone (1+1+N: the second 1)"),
    "villages": N_("villages, one a row: for supervision areas"),
    "village_adjacency": N_("neighbouring villages, one pair a row; without it, derived from the positions"),
}

_STEPS = [N_("1. Each sheet holds one table; keep the sheet names and the header row; one record per row "
             "from row 2."), N_("2. Dark blue headers are required columns, light blue optional ones (empty cells take the "
             "default below)."), N_("3. Yes/no (是/否) and level (县级/乡镇级) columns have drop-down lists; separate several skills with ;."), N_("4. Sheets marked (optional) may stay empty."), N_("5. Save as .xlsx and run: zoneplan staff this-file.xlsx --out plan-folder")]

_T = {
    "title": N_("zoneplan input workbook: how to fill it in"),
    "sheet": N_("Sheet"), "header": N_("Header"),
    "name": N_("Column"), "required": N_("Required"),
    "default": N_("Default"), "meaning": N_("Meaning"),
    "example": N_("Example"),
    "optional_table": N_(" (optional)"),
    "none": N_("(empty)"), "colon": N_(": "),
    "bool_error": N_("Choose 是 (yes) or 否 (no)"),
    "level_error": N_("Choose 县级 (county) or 乡镇级 (township)"),
    "number_error": N_("Enter {what}"),
    "whole": N_("a whole number"), "decimal": N_("a number"),
    "range": N_(" ({lo} to {hi})"),
}


def _t(key: str, lang: str, **kw: object) -> str:
    return pick(_T[key], lang, **kw)


def _default_text(c: Column, lang: str) -> str:
    if c.required:
        return "-"
    if c.kind == "bool" and c.default is None:
        return tr(N_("by level"), lang)
    if c.kind == "bool":
        return yes_no(bool(c.default), lang)
    if c.kind == "level":
        return LEVEL_CHOICES[c.default] if lang == "zh" else c.default
    if c.default in ("", ()):
        return _t("none", lang)
    return f"{c.default:g}" if isinstance(c.default, float) else str(c.default)


def _sheet_name(spec: TableSpec) -> str:
    return spec.zh or spec.name


def _bounds(c: Column) -> tuple[float | None, float]:
    lo = c.min_value
    if lo is not None and c.strict_min:
        lo = 0.01 if c.kind == "float" else lo + 1  # the contract's "> 0" on two-decimal numbers
    return lo, c.max_value if c.max_value is not None else NUMBER_CAP


def _validation(table: str, c: Column, lang: str) -> DataValidation | None:
    if c.kind == "bool":
        dv = DataValidation(type="list", formula1='"' + ",".join(BOOL_CHOICES) + '"', allow_blank=True)
        dv.error = _t("bool_error", lang)
    elif c.kind == "level":
        dv = DataValidation(type="list", formula1='"' + ",".join(LEVEL_CHOICES.values()) + '"', allow_blank=True)
        dv.error = _t("level_error", lang)
    elif c.kind in ("int", "float"):
        lo, hi = _bounds(c)
        lo = -NUMBER_CAP if lo is None else lo
        dv = DataValidation(type="whole" if c.kind == "int" else "decimal", operator="between",
                            formula1=f"{lo:g}", formula2=f"{hi:g}", allow_blank=True)
        what = _t("whole" if c.kind == "int" else "decimal", lang) + _t("range", lang, lo=f"{lo:g}", hi=f"{hi:g}")
        dv.error = _t("number_error", lang, what=what)
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = c.zh or c.name
    help_text, _ = COLUMN_HELP[(table, c.name)]
    dv.promptTitle = (c.zh or c.name)[:32]
    dv.prompt = pick(help_text, lang)[:250]
    dv.showInputMessage = bool(dv.prompt)
    return dv


def _instructions(wb: Workbook, lang: str) -> None:
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    ws.append([_t("title", lang)])
    ws["A1"].font = Font(bold=True, size=15)
    for line in _STEPS:
        ws.append([tr(line, lang)])
    ws.append([])
    heads = [_t(k, lang) for k in ("sheet", "header", "name", "required", "default", "meaning", "example")]
    ws.append(heads)
    head_row = ws.max_row
    style_header(ws, head_row, height=22)
    rows: list[list[str]] = [heads]
    for tname, spec in TABLES.items():
        sheet = _sheet_name(spec) + (_t("optional_table", lang) if spec.optional else "")
        ws.append([f"{sheet}{_t('colon', lang)}{pick(_TABLE_HELP[tname], lang)}"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="1F4E79")
        for c in spec.columns:
            help_text, example = COLUMN_HELP[(tname, c.name)]
            row = [sheet, c.zh or c.name, c.name, yes_no(c.required, lang), _default_text(c, lang),
                   pick(help_text, lang), example]
            ws.append(row)
            rows.append(row)
            if c.required:
                ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
    fit_columns(ws, ((k, [r[k - 1] for r in rows]) for k in (1, 2, 3, 4, 5, 7)), high=30)
    ws.column_dimensions["F"].width = 56.0
    for row in ws.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 6)
        height = wrap_height([(row[5].value, 56.0)]) if len(row) > 5 else None
        if height is not None:
            ws.row_dimensions[row[0].row].height = height
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    print_setup(ws)


def _table_sheet(wb: Workbook, spec: TableSpec, lang: str) -> None:
    ws = wb.create_sheet(_sheet_name(spec))
    headers = [c.zh or c.name for c in spec.columns]
    ws.append(headers)
    style_header(ws)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws)
    last = VALIDATED_ROWS + 1
    widths = []
    for k, c in enumerate(spec.columns, start=1):
        letter = get_column_letter(k)
        if not c.required:
            ws.cell(row=1, column=k).fill = _OPTIONAL_FILL
        if c.kind in ("str", "list"):
            ws.column_dimensions[letter].number_format = "@"  # ids stay text: 001 keeps its zeros
        dv = _validation(spec.name, c, lang)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
        _, example = COLUMN_HELP[(spec.name, c.name)]
        widths.append((k, [headers[k - 1], example, "示例示例"]))
    fit_columns(ws, widths, low=10, high=30)


def template_workbook(lang: str = "zh") -> bytes:
    """The empty input workbook as bytes (byte-stable).

    Sheets: 说明 (instructions, in ``lang``), then one per table named by the table's
    Chinese name (乡镇, 相邻乡镇, 车程, 干部花名册, 问题线索, 关系, 回避) with the Chinese
    headers of :mod:`zoneplan.data.contract`.
    """
    wb = Workbook()
    _instructions(wb, lang)
    for spec in TABLES.values():
        _table_sheet(wb, spec, lang)
    return workbook_bytes(wb)
