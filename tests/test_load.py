"""Loaders: encodings, workbooks, header aliases, and one test per kind of bad input."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import zoneplan
from zoneplan import InputError

from conftest import EXAMPLES


@pytest.fixture
def tut(tmp_path):
    d = tmp_path / "tut"
    shutil.copytree(EXAMPLES / "tutorial", d)
    return d


def _same(a, b):
    for name in ("townships", "investigators", "cases", "relations", "conflicts", "travel", "adjacency"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_gb18030_with_chinese_headers_and_bom_utf8(tut, tutorial):
    tw = (tut / "townships.csv").read_text(encoding="utf-8")
    tw = tw.replace("township_id,name,county,lat,lon,villages,zone", "乡镇编号,乡镇名称,县,纬度,经度,村数,协作区")
    (tut / "townships.csv").write_bytes(tw.encode("gb18030"))
    inv = (tut / "investigators.csv").read_text(encoding="utf-8").replace("true", "是").replace("false", "否")
    (tut / "investigators.csv").write_bytes(inv.encode("utf-8-sig"))
    _same(zoneplan.load(tut), tutorial)


def test_xlsx_workbook(tmp_path, tutorial):
    book = tmp_path / "county.xlsx"
    with pd.ExcelWriter(book) as xw:
        for name in ("townships", "travel", "investigators", "cases", "relations", "conflicts", "adjacency"):
            pd.read_csv(EXAMPLES / "tutorial" / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(
                xw, sheet_name=name, index=False)
    _same(zoneplan.load(book), tutorial)
    folder = tmp_path / "wb"
    folder.mkdir()
    shutil.copy(book, folder / "data.xlsx")
    _same(zoneplan.load(folder), tutorial)


def test_frames_are_validated_like_files_and_not_changed(tutorial):
    tw = pd.read_csv(EXAMPLES / "tutorial" / "townships.csv")
    before = tw.copy()
    inv = pd.read_csv(EXAMPLES / "tutorial" / "investigators.csv")
    cs = pd.read_csv(EXAMPLES / "tutorial" / "cases.csv")
    t = zoneplan.tables_from_frames(tw, inv, cs)
    assert list(t.investigators["investigator_id"]) == list(tutorial.investigators["investigator_id"])
    pd.testing.assert_frame_equal(tw, before)


def _problems(folder):
    with pytest.raises(InputError) as info:
        zoneplan.load(folder)
    return [(p.file, p.line, p.column) for p in info.value.problems], str(info.value)


def _edit(folder, name, old, new):
    p = folder / f"{name}.csv"
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD = [
    # (file, old text, new text, expected (file, line, column), words in message)
    ("townships", "A,Anle Town,Demo County,37.00", "B,Anle Town,Demo County,37.00", ("townships.csv", 3, "township_id"), "unique id; already used on line 2"),
    ("townships", "37.10,117.10,2,Z2", "97.10,117.10,2,Z2", ("townships.csv", 5, "lat"), "<= 90"),
    ("townships", "37.00,117.00,2,Z1", "37.00,east,2,Z1", ("townships.csv", 2, "lon"), "a number"),
    ("townships", "117.10,2,Z1", "117.10,-2,Z1", ("townships.csv", 3, "villages"), ">= 0"),
    ("townships", "Dongtai Street,Demo County", "Dongtai Street,Other County", ("townships.csv", 4, "zone"), "spans counties"),
    ("investigators", "K2,Kang Li,A,county", "K2,Kang Li,A,province", ("investigators.csv", 3, "level"), "a level: county"),
    ("investigators", "K2,Kang Li,A,", "K2,Kang Li,Q,", ("investigators.csv", 3, "township_id"), "known township"),
    ("investigators", "law,true,2,true", "law,maybe,2,true", ("investigators.csv", 2, "can_lead"), "true/false"),
    ("investigators", "law,true,2,true", "law,true,-1,true", ("investigators.csv", 2, "max_cases"), ">= 0"),
    ("investigators", "law,true,2,true", "law,true,1.5,true", ("investigators.csv", 2, "max_cases"), "whole number"),
    ("cases", "X1,A,A1,S1,2", "X1,,A1,S1,2", ("cases.csv", 2, "township_id"), "required"),
    ("cases", "X1,A,A1,S1,2", "X1,A,A1,S1,0", ("cases.csv", 2, "team_size"), ">= 1"),
    ("cases", "true,false,2,1.0", "true,false,2,0", ("cases.csv", 2, "workload"), "> 0"),
    ("relations", "S1,P1,兄弟", "S1,S1,兄弟", ("relations.csv", 2, "b"), "no self-loops"),
    ("conflicts", "c1,X4,", "c9,X4,", ("conflicts.csv", 2, "investigator_id"), "known investigator"),
    ("conflicts", "c1,X4,", "c1,X9,", ("conflicts.csv", 2, "case_id"), "known case id"),
    ("adjacency", "A,B", "A,A", ("adjacency.csv", 2, "b"), "no self-loops"),
    ("travel", "A,B,20", "A,B,20\nB,A,21", ("travel.csv", 3, "minutes"), "symmetric"),
    ("travel", "A,B,20", "A,B,-5", ("travel.csv", 2, "minutes"), ">= 0"),
    ("cases", "true,false,2,1.0", "true,false,1e19,1.0", ("cases.csv", 2, "priority"), "<= 1000000"),
]


@pytest.mark.parametrize("name,old,new,where,words", BAD, ids=[f"{b[0]}-{b[3][2]}-{k}" for k, b in enumerate(BAD)])
def test_bad_input_is_located(tut, name, old, new, where, words):
    _edit(tut, name, old, new)
    found, msg = _problems(tut)
    assert where in found, msg
    assert words in msg


def test_every_problem_is_reported_at_once(tut):
    _edit(tut, "townships", "37.10,117.10,2,Z2", "97.10,117.10,2,Z2")
    _edit(tut, "investigators", "K2,Kang Li,A,county", "K2,Kang Li,A,province")
    _edit(tut, "cases", "X1,A,A1,S1,2", "X1,A,A1,S1,zero")
    found, _ = _problems(tut)
    assert {("townships.csv", 5, "lat"), ("investigators.csv", 3, "level"), ("cases.csv", 2, "team_size")} <= set(found)


def test_missing_table_and_missing_column(tut):
    (tut / "cases.csv").unlink()
    found, msg = _problems(tut)
    assert ("cases.csv", None, None) in found
    shutil.copy(EXAMPLES / "tutorial" / "cases.csv", tut / "cases.csv")
    _edit(tut, "investigators", "investigator_id,name,township_id", "person,name,township_id")
    found, msg = _problems(tut)
    assert ("investigators.csv", 1, "investigator_id") in found


def test_line_numbers_count_blank_lines(tut):
    _edit(tut, "cases", "X2,C", "\nX2,Q")
    found, _ = _problems(tut)
    assert ("cases.csv", 4, "township_id") in found


def test_undecodable_and_ragged_files(tut):
    (tut / "cases.csv").write_bytes(b"\xff\xfe\x00\x81\x00")
    found, msg = _problems(tut)
    assert found[0][0] == "cases.csv" and "UTF-8" in msg
    (tut / "cases.csv").write_text('case_id,township_id\nX1,A,extra,"unclosed\n', encoding="utf-8")
    found, msg = _problems(tut)
    assert found[0][0] == "cases.csv"


def test_missing_folder():
    with pytest.raises(InputError):
        zoneplan.load("/nonexistent/zoneplan/folder")


def test_records_api_uses_the_same_contract():
    """Typed records (pydantic, generated from the contract) give the same Tables as files."""
    import pydantic

    from zoneplan.data.models import Case, Investigator, Township, Travel, tables_from_records

    t = tables_from_records(
        townships=[Township(township_id="A", lat=37.0, lon=117.0, county="K"),
                   dict(township_id="B", lat=37.05, lon=117.0, county="K")],
        investigators=[Investigator(investigator_id="I1", township_id="B", can_lead=True, skills=("law",))],
        cases=[Case(case_id="X1", township_id="A", team_size=1)],
        travel=[Travel(**{"from": "A", "to": "B", "minutes": 12})],
    )
    r = zoneplan.staff(t)
    assert r.objective["travel"] == 12 and r.assignments["role"].tolist() == ["lead"]
    with pytest.raises(pydantic.ValidationError):
        Investigator(investigator_id="I2", township_id="B", level="province")
    with pytest.raises(pydantic.ValidationError):
        Case(case_id="X2", township_id="A", team_size=0)
    with pytest.raises(InputError):  # table-level rule: unknown township
        tables_from_records(townships=[Township(township_id="A", lat=37.0, lon=117.0)],
                            investigators=[Investigator(investigator_id="I1", township_id="Q")],
                            cases=[Case(case_id="X1", township_id="A")])
