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
from ..i18n import pick
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
    ("townships", "township_id"): ({"zh": "乡镇（街道）编号，全表唯一；其他表用它指代乡镇",
                                    "en": "township id, unique; other sheets refer to townships by it"}, "T01"),
    ("townships", "name"): ({"zh": "乡镇（街道）名称", "en": "township name"}, "城关街道"),
    ("townships", "county"): ({"zh": "所属县（市、区）；协作区不跨县", "en": "county; zones never cross counties"}, "恒平县"),
    ("townships", "lat"): ({"zh": "政府驻地纬度（WGS84，度）", "en": "latitude of the seat (WGS84 degrees)"}, "37.732"),
    ("townships", "lon"): ({"zh": "政府驻地经度（WGS84，度）", "en": "longitude of the seat (WGS84 degrees)"}, "117.218"),
    ("townships", "villages"): ({"zh": "村（社区）个数", "en": "number of villages and communities"}, "24"),
    ("townships", "zone"): ({"zh": "现所属协作区编号；同一协作区的乡镇填相同编号，未划分可空",
                             "en": "current collaboration zone id (same id = same zone); may be empty"}, "Z01"),
    ("adjacency", "a"): ({"zh": "相邻两乡镇之一（乡镇编号）", "en": "one of two neighbouring townships (id)"}, "T01"),
    ("adjacency", "b"): ({"zh": "相邻两乡镇之二（乡镇编号）", "en": "the other township (id)"}, "T02"),
    ("travel", "from"): ({"zh": "出发乡镇编号", "en": "township id travelled from"}, "T01"),
    ("travel", "to"): ({"zh": "到达乡镇编号", "en": "township id travelled to"}, "T02"),
    ("travel", "minutes"): ({"zh": "车程（分钟），两个方向相同，每对填一次即可",
                             "en": "road minutes, the same both ways; one row per pair is enough"}, "25"),
    ("investigators", "investigator_id"): ({"zh": "人员编号，全表唯一", "en": "person id, unique"}, "I001"),
    ("investigators", "name"): ({"zh": "姓名", "en": "name"}, "张桂英"),
    ("investigators", "township_id"): ({"zh": "工作所在乡镇编号（县级人员填县城所在乡镇）",
                                        "en": "township id where posted (county staff: the county seat)"}, "T01"),
    ("investigators", "level"): ({"zh": "县级（纪检监察室、派驻组）或乡镇级", "en": "county or township level"}, "乡镇级"),
    ("investigators", "home_township"): ({"zh": "籍贯（家乡）乡镇编号，用于回避", "en": "home township id (recusal)"}, "T02"),
    ("investigators", "home_village"): ({"zh": "籍贯（家乡）村，用于回避", "en": "home village (recusal)"}, "T02V10"),
    ("investigators", "skills"): ({"zh": "专长，多个用分号隔开", "en": "skills, separated by ;"}, "财务;法律"),
    ("investigators", "can_lead"): ({"zh": "能否担任办案组组长", "en": "can lead a team"}, "是"),
    ("investigators", "max_cases"): ({"zh": "同时承办案件数上限（含在办）", "en": "most cases at a time (cases on hand count)"}, "2"),
    ("investigators", "available"): ({"zh": "目前能否参与办案（休假、培训等填否）",
                                      "en": "available now (leave, training: no)"}, "是"),
    ("investigators", "current_cases"): ({"zh": "在办案件数，占用承办上限", "en": "cases on hand; they use up the limit"}, "0"),
    ("investigators", "current_workload"): ({"zh": "在办案件的工作量，计入工作量均衡",
                                             "en": "workload on hand; counts in the balance"}, "0"),
    ("cases", "case_id"): ({"zh": "问题线索编号，全表唯一", "en": "case id, unique"}, "K01"),
    ("cases", "township_id"): ({"zh": "线索所在乡镇编号", "en": "township id of the case"}, "T03"),
    ("cases", "village"): ({"zh": "线索所在村，用于籍贯回避", "en": "village of the case (home rule)"}, "T03V21"),
    ("cases", "subject_id"): ({"zh": "被调查人编号（与“关系”表一致），用于亲属回避",
                               "en": "subject id as in the relations sheet (kin rule)"}, "S01"),
    ("cases", "team_size"): ({"zh": "办案组人数", "en": "team size"}, "3"),
    ("cases", "required_skills"): ({"zh": "需要的专长，多个用分号隔开", "en": "skills needed, separated by ;"}, "财务"),
    ("cases", "needs_lead"): ({"zh": "是否需要组长", "en": "needs a lead"}, "是"),
    ("cases", "escalated"): ({"zh": "是否提级直查（由县级人员任组长）", "en": "escalated: a county-level lead"}, "否"),
    ("cases", "priority"): ({"zh": "优先级，数字越大越重要，人手不足时先配", "en": "priority: higher is staffed first"}, "2"),
    ("cases", "workload"): ({"zh": "工作量（相对值，1 为一般案件）", "en": "workload (1 = an ordinary case)"}, "1.5"),
    ("investigators", "can_review"): ({"zh": "能否担任审核人（乡案县审）；空着时县级人员可以、乡镇级人员不可以",
                                       "en": "may review cases; empty: county-level yes, township-level no"}, "是"),
    ("leaders", "leader_id"): ({"zh": "牵头领导编号，全表唯一", "en": "leader id, unique"}, "L01"),
    ("leaders", "name"): ({"zh": "姓名", "en": "name"}, "周建国"),
    ("leaders", "county"): ({"zh": "所属县（市、区），与乡镇表一致", "en": "county, as in the townships sheet"}, "恒平县"),
    ("leaders", "title"): ({"zh": "职务", "en": "title"}, "县纪委副书记"),
    ("leaders", "home_township"): ({"zh": "籍贯乡镇，尽量不牵头籍贯所在的协作区",
                                    "en": "home township: kept off the zone holding it where possible"}, "T05"),
    ("offices", "office_id"): ({"zh": "纪检监察室编号，全表唯一", "en": "office id, unique"}, "O1"),
    ("offices", "name"): ({"zh": "纪检监察室名称", "en": "office name"}, "第一纪检监察室"),
    ("offices", "county"): ({"zh": "所属县（市、区），与乡镇表一致", "en": "county, as in the townships sheet"}, "恒平县"),
    ("offices", "home_townships"): ({"zh": "室内人员的籍贯乡镇，多个用分号隔开；尽量不联系其所在的协作区",
                                     "en": "members' home townships, separated by ;: kept off those zones where possible"},
                                    "T03;T11"),
    ("villages", "village_id"): ({"zh": "村（社区）编号，全表唯一", "en": "village id, unique"}, "T03V01"),
    ("villages", "township_id"): ({"zh": "所属乡镇编号", "en": "township id"}, "T03"),
    ("villages", "name"): ({"zh": "村（社区）名称", "en": "village name"}, "孙家洼村"),
    ("villages", "lat"): ({"zh": "村委会驻地纬度（WGS84，度）", "en": "latitude of the village office"}, "37.78"),
    ("villages", "lon"): ({"zh": "村委会驻地经度（WGS84，度）", "en": "longitude of the village office"}, "117.09"),
    ("villages", "households"): ({"zh": "户数，监督片区按户数均衡", "en": "households: supervision areas are balanced by them"},
                                 "420"),
    ("villages", "population"): ({"zh": "人口；未填户数时按人口均衡", "en": "population: used when households are not given"},
                                 "1500"),
    ("villages", "liaison"): ({"zh": "是否有村级监督联络员（多由村务监督委员会主任担任）",
                               "en": "has a village supervision liaison"}, "是"),
    ("villages", "liaison_name"): ({"zh": "联络员姓名；填了姓名即视为有联络员", "en": "liaison's name (marks a liaison)"},
                                   "孙丽"),
    ("village_adjacency", "a"): ({"zh": "相邻两村之一（村编号）", "en": "one of two neighbouring villages (id)"}, "T03V01"),
    ("village_adjacency", "b"): ({"zh": "相邻两村之二（村编号）", "en": "the other village (id)"}, "T03V02"),
    ("relations", "a"): ({"zh": "一方（人员编号、被调查人编号或其他人）", "en": "one person (investigator, subject or other)"}, "S01"),
    ("relations", "b"): ({"zh": "另一方", "en": "the other person"}, "P001"),
    ("relations", "relation"): ({"zh": "关系（夫妻、兄弟、同学……）", "en": "relation (spouse, sibling, classmate...)"}, "夫妻"),
    ("conflicts", "investigator_id"): ({"zh": "申报回避的人员编号", "en": "person id declaring a recusal"}, "I024"),
    ("conflicts", "case_id"): ({"zh": "需回避的线索编号", "en": "case id"}, "K12"),
    ("conflicts", "reason"): ({"zh": "回避原因", "en": "reason"}, "曾在该村驻村工作"),
}

_TABLE_HELP = {
    "townships": {"zh": "每个乡镇（街道）一行", "en": "one row per township or street"},
    "adjacency": {"zh": "相邻（接壤）的乡镇，每对一行；不填则按位置推算", "en": "neighbouring townships, one pair a row; "
                  "without it, neighbours are derived from the positions"},
    "travel": {"zh": "乡镇间车程；不填则按直线距离估算", "en": "road minutes; without it, estimated from distance"},
    "investigators": {"zh": "纪检监察人员花名册，每人一行", "en": "the roster, one person a row"},
    "cases": {"zh": "待配置的问题线索，每件一行", "en": "the cases to staff, one a row"},
    "relations": {"zh": "人员与被调查人的亲属、同学等关系，每对一行", "en": "kin and acquaintances, one pair a row"},
    "conflicts": {"zh": "本人主动申报的回避", "en": "declared recusals"},
    "leaders": {"zh": "牵头负责协作区的县纪委监委领导班子成员（1+1+N 的第一个 1）",
                "en": "county commission leaders who lead a zone (1+1+N: the first 1)"},
    "offices": {"zh": "联系协作区的县纪委监委纪检监察室（1+1+N 的第二个 1）",
                "en": "county offices that coordinate a zone (1+1+N: the second 1)"},
    "villages": {"zh": "村（社区），每村一行；用于划分监督片区", "en": "villages, one a row: for supervision areas"},
    "village_adjacency": {"zh": "相邻（接壤）的村，每对一行；不填则按位置推算",
                          "en": "neighbouring villages, one pair a row; without it, derived from the positions"},
}

_STEPS = {
    "zh": ["1. 每张工作表对应一类数据，表名和第一行表头请勿修改；从第 2 行起每行填一条记录。",
           "2. 深蓝色表头为必填列，浅蓝色为选填列（空着时按下表“默认值”处理）。",
           "3. “是/否”和“层级”列可从下拉列表选择；多个专长用分号（;）隔开。",
           "4. 带“（选填表）”的工作表可以空着不填。",
           "5. 填好后保存为 .xlsx，运行：zoneplan staff 本文件.xlsx --out 方案文件夹"],
    "en": ["1. Each sheet holds one table; keep the sheet names and the header row; one record per row from row 2.",
           "2. Dark blue headers are required columns, light blue optional ones (empty cells take the default below).",
           "3. Yes/no (是/否) and level (县级/乡镇级) columns have drop-down lists; separate several skills with ;.",
           "4. Sheets marked (optional) may stay empty.",
           "5. Save as .xlsx and run: zoneplan staff this-file.xlsx --out plan-folder"]}

_T = {
    "title": {"zh": "zoneplan 输入表格填写说明", "en": "zoneplan input workbook: how to fill it in"},
    "sheet": {"zh": "工作表", "en": "Sheet"}, "header": {"zh": "表头", "en": "Header"},
    "name": {"zh": "英文列名", "en": "Column"}, "required": {"zh": "必填", "en": "Required"},
    "default": {"zh": "默认值", "en": "Default"}, "meaning": {"zh": "说明", "en": "Meaning"},
    "example": {"zh": "示例", "en": "Example"},
    "optional_table": {"zh": "（选填表）", "en": " (optional)"},
    "none": {"zh": "（空）", "en": "(empty)"}, "colon": {"zh": "：", "en": ": "},
    "bool_error": {"zh": "请选择“是”或“否”", "en": "Choose 是 (yes) or 否 (no)"},
    "level_error": {"zh": "请选择“县级”或“乡镇级”", "en": "Choose 县级 (county) or 乡镇级 (township)"},
    "number_error": {"zh": "请填写{what}", "en": "Enter {what}"},
    "whole": {"zh": "整数", "en": "a whole number"}, "decimal": {"zh": "数字", "en": "a number"},
    "range": {"zh": "（{lo} 到 {hi}）", "en": " ({lo} to {hi})"},
}


def _t(key: str, lang: str, **kw: object) -> str:
    return pick(_T[key], lang, **kw)


def _default_text(c: Column, lang: str) -> str:
    if c.required:
        return "-"
    if c.kind == "bool" and c.default is None:
        return {"zh": "按层级", "en": "by level"}[lang] if lang in ("zh", "en") else "by level"
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
    for line in _STEPS.get(lang, _STEPS["en"]):
        ws.append([line])
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
