"""zoneplan template: Chinese headers, drop-downs, instructions; once filled it loads as the CSVs do."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.cli import app
from zoneplan.data.contract import TABLES
from zoneplan.io.template import INSTRUCTIONS_SHEET, template_workbook

from conftest import EXAMPLES

TUT = EXAMPLES / "tutorial"
runner = CliRunner()


def fill_like_a_planner(book: openpyxl.Workbook, folder) -> None:
    """Type the CSV rows of ``folder`` into the template as a planner would in Excel: numbers as
    numbers, 是/否 and 县级/乡镇级 from the drop-downs, text elsewhere."""
    for tname, spec in TABLES.items():
        path = folder / spec.file
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        ws = book[spec.zh]
        by_header = {c.zh: c for c in spec.columns}
        headers = [cell.value for cell in ws[1]]
        for r, rec in enumerate(df.to_dict("records"), start=2):
            for k, h in enumerate(headers, start=1):
                c = by_header[h]
                v = rec.get(c.name, "")
                if v == "":
                    continue
                if c.kind == "bool":
                    v = "是" if v.lower() == "true" else "否"
                elif c.kind == "level":
                    v = {"county": "县级", "township": "乡镇级"}[v]
                elif c.kind == "int":
                    v = int(v)
                elif c.kind == "float":
                    v = float(v)
                ws.cell(row=r, column=k, value=v)


def test_sheets_headers_and_instructions():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("zh")))
    assert book.sheetnames == [INSTRUCTIONS_SHEET, "乡镇", "相邻乡镇", "车程", "干部花名册", "问题线索", "关系", "回避",
                               "牵头领导", "纪检监察室", "村社区", "相邻村"]  # the living plan's optional tables last
    for spec in TABLES.values():
        ws = book[spec.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in spec.columns]
        assert ws.max_row == 1 and ws.freeze_panes == "A2"
    rows = list(book[INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    by_header = {(r[0], r[1]): r for r in rows if r[1] is not None and r[0] != "工作表"}
    # every column explained once: required, default, meaning, example
    assert len(by_header) == sum(len(s.columns) for s in TABLES.values())
    assert by_header[("乡镇", "乡镇编号")][2:5] == ("township_id", "是", "-")
    assert by_header[("干部花名册", "承办上限")][3:5] == ("否", "2")
    assert by_header[("干部花名册", "层级")][4] == "乡镇级"
    assert by_header[("问题线索", "需要组长")][4] == "是"
    assert by_header[("车程（选填表）", "车程分钟")][5].startswith("车程（分钟）")


def test_drop_downs_for_yes_no_and_levels_and_number_checks():
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("zh")))
    ws = book["干部花名册"]
    col = {c.value: c.column_letter for c in ws[1]}
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[f"{col['层级']}2:{col['层级']}2001"] == '"县级,乡镇级"'
    for h in ("可任组长", "可用"):
        assert lists[f"{col[h]}2:{col[h]}2001"] == '"是,否"'
    whole = {str(dv.sqref): (dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation
             if dv.type == "whole"}
    assert whole[f"{col['承办上限']}2:{col['承办上限']}2001"] == ("0", "1e+06")
    cases = book["问题线索"]
    dec = {str(dv.sqref): dv.formula1 for dv in cases.data_validations.dataValidation if dv.type == "decimal"}
    assert dec["J2:J2001"] == "0.01"  # workload > 0 at two decimals
    assert book["乡镇"].column_dimensions["A"].number_format == "@"  # ids keep leading zeros


def test_filled_template_loads_and_staffs_as_the_csv_folder(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook("zh")))
    fill_like_a_planner(book, TUT)
    path = tmp_path / "县里填好的.xlsx"
    book.save(path)
    got, want = zoneplan.load(path), zoneplan.load(TUT)
    for name in ("townships", "investigators", "cases", "relations", "conflicts", "adjacency", "travel"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)
    a, b = zoneplan.staff(got), zoneplan.staff(want)
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    pd.testing.assert_frame_equal(a.unstaffed, b.unstaffed)
    assert a.objective == b.objective == {"staffed": 5.0, "max_workload": 3.0, "travel": 55.0}
    res = runner.invoke(app, ["staff", str(path), "--out", str(tmp_path / "plan")])
    assert res.exit_code == 0, res.output


def test_cli_writes_the_template_byte_stable(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        res = runner.invoke(app, ["template", str(tmp_path / name), "--lang", "en"])
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames[1] == "乡镇"  # headers stay Chinese; the instructions follow --lang
    assert book[INSTRUCTIONS_SHEET]["A1"].value == "zoneplan input workbook: how to fill it in"


@pytest.mark.parametrize("name", ["template.csv", "folder"])
def test_cli_refuses_what_is_not_an_xlsx_file(tmp_path, name):
    (tmp_path / "folder.xlsx").mkdir()
    target = tmp_path / ("folder.xlsx" if name == "folder" else name)
    res = runner.invoke(app, ["template", str(target)])
    assert res.exit_code == 2 and "Traceback" not in res.output
