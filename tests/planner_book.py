"""Workbooks typed the way a county planner types them, and the mistakes planners make.

:func:`base_book` is a small county written cleanly (ASCII ids, Chinese names).  A *book* is
a dict of :class:`Sheet` objects; the mistake functions change a book in place the way Excel
habits do (names instead of ids, header variants, merged cells, 、 in lists ...), and
:func:`write_xlsx` / :func:`write_csv_folder` save it.  Tests load the result and compare it
with the clean book's tables: every run must either mean exactly the same or be refused.
"""

from __future__ import annotations

import copy
import csv
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

ENGLISH_HEADERS = {
    "townships": ["township_id", "name", "county", "lat", "lon", "villages", "zone"],
    "investigators": ["investigator_id", "name", "township_id", "level", "home_township", "home_village", "skills",
                      "can_lead", "max_cases", "available"],
    "cases": ["case_id", "township_id", "village", "subject_id", "team_size", "required_skills", "needs_lead",
              "escalated", "priority", "workload"],
    "relations": ["a", "b", "relation"],
    "conflicts": ["investigator_id", "case_id", "reason"],
}
CHINESE_HEADERS = {
    "townships": ["乡镇编号", "乡镇名称", "所属县区", "纬度", "经度", "村社区数", "协作区"],
    "investigators": ["人员编号", "姓名", "工作乡镇", "层级", "籍贯乡镇", "籍贯村", "专长", "可任组长", "承办上限", "可用"],
    "cases": ["线索编号", "所在乡镇", "所在村", "被调查人", "组人数", "所需专长", "需要组长", "提级直查", "优先级", "工作量"],
    "relations": ["人员1", "人员2", "关系"],
    "conflicts": ["人员", "线索编号", "回避原因"],
}
SHEET_NAMES = {"townships": "乡镇", "investigators": "干部花名册", "cases": "问题线索", "relations": "关系",
               "conflicts": "回避"}


@dataclass
class Sheet:
    """A sheet as a planner sees it: optional title rows, a header, rows, merged ranges (A1 style)."""

    table: str
    name: str
    header: list[str]
    rows: list[list[object]]
    title: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    header2: list[str] | None = None  # a second header row (two-row headers)

    def col(self, field_name: str) -> int:
        return ENGLISH_HEADERS[self.table].index(field_name)

    def first_data_line(self) -> int:
        return len(self.title) + (2 if self.header2 else 1) + 1


TOWNSHIPS = [
    ["T01", "城关镇", "青山县", 36.50, 117.00, 12, "Z1"],
    ["T02", "柳河镇", "青山县", 36.55, 117.05, 9, "Z1"],
    ["T03", "石桥乡", "青山县", 36.60, 117.00, 7, "Z1"],
    ["T04", "东湖街道", "青山县", 36.50, 117.12, 5, "Z2"],
    ["T05", "白沙镇", "青山县", 36.56, 117.16, 8, "Z2"],
    ["T06", "新华乡", "青山县", 36.62, 117.12, 6, "Z2"],
]
INVESTIGATORS = [
    ["K01", "张建国", "T01", "county", "", "", "法律", "true", 3, "true"],
    ["K02", "李红", "T01", "county", "T05", "", "财务", "false", 2, "true"],
    ["G01", "王伟", "T01", "township", "T02", "柳河村", "", "true", 2, "true"],
    ["G02", "赵敏", "T01", "township", "T01", "城东村", "审计", "false", 2, "true"],
    ["G03", "马超", "T02", "township", "T02", "", "", "true", 2, "true"],
    ["G04", "孙丽", "T02", "township", "T03", "石桥村", "财务", "false", 2, "true"],
    ["G05", "周强", "T03", "township", "", "", "财务;审计", "true", 2, "true"],
    ["G06", "吴芳", "T03", "township", "T04", "", "", "false", 2, "true"],
    ["G07", "郑涛", "T04", "township", "T04", "湖滨社区", "法律", "true", 2, "true"],
    ["G08", "陈静", "T04", "township", "T06", "", "", "false", 2, "true"],
    ["G09", "刘洋", "T05", "township", "", "", "财务;审计", "true", 2, "true"],
    ["G10", "杨帆", "T05", "township", "T05", "", "", "false", 2, "false"],
    ["G11", "黄磊", "T06", "township", "", "", "法律", "true", 2, "true"],
    ["G12", "林娜", "T06", "township", "T01", "", "", "false", 2, "true"],
]
CASES = [
    ["X01", "T01", "城东村", "刘某某(会计)", 2, "", "true", "false", 2, 1.5],
    ["X02", "T02", "柳河村", "钱某", 2, "", "true", "false", 1, 1.0],
    ["X03", "T03", "石桥村", "孙某某", 3, "财务", "true", "false", 1, 2.0],
    ["X04", "T04", "湖滨社区", "吴某", 2, "", "true", "true", 2, 1.0],
    ["X05", "T05", "白沙村", "马某", 1, "", "false", "false", 1, 0.5],
    ["X06", "T06", "新华村", "G12", 2, "审计", "true", "false", 1, 1.0],
]
RELATIONS = [
    ["刘某某(会计)", "G03", "夫妻"],
    ["钱某", "钱某某", "父子"],
    ["钱某某", "G05", "同学"],
    ["吴某", "G08", "姻亲"],
    ["孙某某", "G09", "战友"],
]
CONFLICTS = [["G11", "X06", "曾与被调查人共事"]]


def base_book() -> dict[str, Sheet]:
    """The clean county: English headers, ids everywhere, ``;`` lists, true/false."""
    data = {"townships": TOWNSHIPS, "investigators": INVESTIGATORS, "cases": CASES, "relations": RELATIONS,
            "conflicts": CONFLICTS}
    return {t: Sheet(t, t, list(ENGLISH_HEADERS[t]), copy.deepcopy(rows)) for t, rows in data.items()}


def chinese_book() -> dict[str, Sheet]:
    """The same county with Chinese sheet names, headers, 是/否 and 县级/乡镇级, as a planner types it."""
    book = base_book()
    yes = {"true": "是", "false": "否"}
    lvl = {"county": "县级", "township": "乡镇级"}
    for t, sh in book.items():
        sh.name = SHEET_NAMES[t]
        sh.header = list(CHINESE_HEADERS[t])
    inv = book["investigators"]
    for r in inv.rows:
        r[inv.col("level")] = lvl[r[inv.col("level")]]
        r[inv.col("can_lead")] = yes[r[inv.col("can_lead")]]
        r[inv.col("available")] = yes[r[inv.col("available")]]
    cs = book["cases"]
    for r in cs.rows:
        r[cs.col("needs_lead")] = yes[r[cs.col("needs_lead")]]
        r[cs.col("escalated")] = yes[r[cs.col("escalated")]]
    return book


# --------------------------------------------------------------------------- writers


def write_xlsx(book: dict[str, Sheet], path: Path, extra_sheets: dict[str, list[list[object]]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in book.values():
        ws = wb.create_sheet(sh.name)
        for t in sh.title:
            ws.append([t])
        ws.append(sh.header)
        if sh.header2 is not None:
            ws.append(sh.header2)
        for r in sh.rows:
            ws.append(r)
        for m in sh.merges:
            ws.merge_cells(m)
    for name, rows in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def write_csv_folder(book: dict[str, Sheet], folder: Path, encoding: str = "utf-8", names: str = "english") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sh in book.values():
        fname = (sh.table if names == "english" else sh.name) + ".csv"
        with open(folder / fname, "w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            for t in sh.title:
                w.writerow([t])
            w.writerow(sh.header)
            if sh.header2 is not None:
                w.writerow(sh.header2)
            for r in sh.rows:
                w.writerow(["" if v is None else v for v in r])
    return folder


# --------------------------------------------------------------------------- lookups used by mistakes


def township_name(book, tid):
    tw = book["townships"]
    return next(r[1] for r in tw.rows if r[0] == tid)


def person_name(book, iid):
    inv = book["investigators"]
    return next(r[1] for r in inv.rows if r[0] == iid)
