"""plan.xlsx: a sheet per reader, names beside ids, reasons, the recusal list; byte-stable."""

from __future__ import annotations

import io
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.i18n import tr
from zoneplan.io.wording import rule_label
from zoneplan.cli import app
from zoneplan.io.plan import plan_files
from zoneplan.io.planview import plan_view
from zoneplan.io.workbook import SHEETS, plan_workbook
from zoneplan.io.xlsx import FIXED_TIME, display_width

from conftest import EXAMPLES

TUT = EXAMPLES / "tutorial"


@pytest.fixture(scope="module")
def solved():
    t = zoneplan.load(TUT)
    return t, zoneplan.staff(t)


def sheet_frame(book: openpyxl.Workbook, name: str) -> pd.DataFrame:
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def book_of(result, tables, lang) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(plan_workbook(plan_view(result, tables, lang=lang))))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_in_order_summary_first(solved, lang):
    book = book_of(solved[1], solved[0], lang)
    # the part for people first, the audit appendix last
    assert book.sheetnames == [tr(SHEETS[k], lang) for k in ("summary", "teams", "unstaffed", "workload", "recusals",
                                                           "quality", "audit_solve", "audit_people",
                                                           "audit_recusals")]
    if lang == "zh":
        assert book.sheetnames == ["概要", "办案组", "未配置案件", "工作量", "回避清单", "数据质量", "审计：求解与输入",
                                   "审计：人员编号", "审计：回避依据"]


def test_data_quality_sheet_names_whom_a_rule_cannot_protect(tmp_path):
    """The county example: four people without a home township are listed, by id."""
    t = zoneplan.load(EXAMPLES / "county")
    r = zoneplan.staff(t)
    ws = book_of(r, t, "zh")["数据质量"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    home = [row for row in rows if row[1] == "籍贯回避" and "籍贯乡镇" in row[3]]
    assert home and home[0][0] == "缺口" and home[0][4] == 4 and home[0][5] == "I050 林国华、I053 姚晓明、I056 康刚、I059 郑杰"


def test_teams_have_names_places_roles_minutes(solved):
    t, r = solved
    teams = sheet_frame(book_of(r, t, "zh"), "办案组")
    assert list(teams.columns) == ["线索编号", "协作区", "所在乡镇", "所在村（社区）", "姓名", "层级", "工作乡镇",
                                   "角色", "车程（分钟）"]
    x2 = teams[teams["线索编号"] == "X2"]
    # README tutorial: X2 is led by K1 (county, posted in A) with d1 (posted in D), 25 + 15 minutes
    assert x2.values.tolist() == [
        ["X2", "Z2", "Chenji Town", "C1", "Kong Wei", "县级", "Anle Town", "组长", 25],
        ["X2", "Z2", "Chenji Town", "C1", "Du Qiang", "乡镇级", "Dongtai Street", "组员", 15],
    ]
    ids = sheet_frame(book_of(r, t, "zh"), "审计：人员编号").set_index("人员编号")  # ids: the audit appendix
    assert ids.at["K1", "姓名"] == "Kong Wei" and ids.at["d1", "姓名"] == "Du Qiang"
    assert len(teams) == len(r.assignments) == 5


def test_unstaffed_reason_and_the_people_it_names(solved):
    t, r = solved
    zh = sheet_frame(book_of(r, t, "zh"), "未配置案件").set_index("线索编号")
    assert set(zh.index) == {"X3", "X5"}
    assert zh.at["X3", "原因"].startswith("让位于优先级更高的案件")
    assert zh.at["X3", "涉及人员"] == "Kong Wei、Kang Li"  # by name, in a Chinese list
    assert zh.at["X5", "原因"] == "无法配置：可用人员中没有专长“engineering”"
    assert zh.at["X5", "类别"] == "无法配置"
    en = sheet_frame(book_of(r, t, "en"), "Unstaffed").set_index("Case")
    # the CSV's words, people by name
    assert en.at["X3", "Reason"] == r.unstaffed.set_index("case_id").at["X3", "reason"].replace(
        "(K1, K2)", "(Kong Wei, Kang Li)")


def test_workload_current_new_limit_spare(solved):
    t, r = solved
    w = sheet_frame(book_of(r, t, "en"), "Workload").set_index("Name")
    w.index = [{"Kong Wei": "K1", "Kang Li": "K2", "Chu Jing": "c2", "An Ping": "a1"}.get(n, n) for n in w.index]
    # K1 takes X1 and X2 (limit 2); K2 takes X1 (limit 1); c2 takes X4; a1 nothing
    assert w.loc["K1", ["Cases on hand", "New cases", "Case limit", "Spare", "Workload after plan"]].tolist() == \
        [0, 2, 2, 0, 3.0]
    assert w.loc["K2", ["New cases", "Spare"]].tolist() == [1, 0]
    assert w.loc["c2", ["New cases", "Spare", "New cases (ids)"]].tolist() == [1, 1, "X4"]
    assert w.loc["a1", ["New cases", "Spare"]].tolist() == [0, 2]


def test_recusal_list_holds_kin_path_declared_and_no_availability(tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TUT, data)
    # c1 (zone Z2) declares a recusal on X1 (zone Z1): outside the pool, still on the audit list
    with open(data / "conflicts.csv", "a", encoding="utf-8") as fh:
        fh.write("c1,X1,舅舅在该村任职\n")
    inv = data / "investigators.csv"
    inv.write_text(inv.read_text().replace("a1,An Ping,A,township,A,A2,,true,2,true",
                                           "a1,An Ping,A,township,A,A2,,true,2,false"))
    t = zoneplan.load(data)
    r = zoneplan.staff(t)
    book = book_of(r, t, "zh")
    people = sheet_frame(book, "回避清单")
    kin = people[(people["线索编号"] == "X1") & (people["姓名"] == "Bai Yun")]
    # what the relation is (a schoolmate's brother: other), the path in words, names only
    assert kin["回避事由"].tolist() == ["其他关系回避"]
    assert kin["具体情况"].iat[0] == "Bai Yun与P1是同学；P1与被调查人S1是兄弟（相隔 2 层关系）"
    assert kin["被调查人"].iat[0] == "S1" and "人员编号" not in people.columns
    rec = sheet_frame(book, "审计：回避依据")  # the audit appendix: ids, and the rule (its code in English)
    code = {rule_label(r, "zh"): r for r in ("cross-check", "home", "kin", "declared")}
    rec["规则代码"] = rec["规则代码"].map(code)
    assert rec.loc[(rec["线索编号"] == "X1") & (rec["人员编号"] == "b1"), "规则代码"].tolist() == ["kin"]
    assert rec.loc[(rec["线索编号"] == "X1") & (rec["人员编号"] == "b1"), "具体情况（含编号）"].iat[0] == \
        "Bai Yun（b1）与P1是同学；P1与被调查人S1是兄弟（相隔 2 层关系）"
    declared = rec[rec["规则代码"] == "declared"].set_index(["线索编号", "人员编号"])["具体情况（含编号）"]
    assert declared[("X4", "c1")] == "本人申报回避：former colleague of the subject"
    assert declared[("X1", "c1")] == "本人申报回避：舅舅在该村任职"
    # unavailability is no conflict of interest: a1 shows in the workload sheet, not here
    assert set(rec["规则代码"]) == {"cross-check", "home", "kin", "declared"}
    # every conflict pair near a case is listed: the engine's exclusions of those rules, exactly
    el = zoneplan.build_eligibility(t)
    near = el.excluded[el.excluded["rule"].isin(["cross-check", "home", "kin", "declared"])]
    listed = set(zip(rec["线索编号"], rec["人员编号"], rec["规则代码"]))
    assert set(zip(near["case_id"], near["investigator_id"], near["rule"])) | {("X1", "c1", "declared")} == listed


def test_summary_says_what_staffed_means_and_names_the_inputs(solved):
    t, r = solved
    book = book_of(r, t, "zh")
    cells = [str(v) for row in book["概要"].iter_rows(values_only=True) for v in row if v is not None]
    text = "\n".join(cells)
    # the people's summary: the status in words, the objective as a sentence; no codes, hashes or bounds
    assert "已证明最优" in text and "OPTIMAL" not in text and "（最优界" not in text
    assert "5 分（满分 7 分）" in text  # X1 2 + X2 2 + X4 1 of 2+2+1+1+1
    assert "3 件（共 5 件）" in text
    assert "优先级 2 的案件计 2 分" in text
    assert "方案首先使配齐案件的优先级得分最高（5 分，满分 7 分）；其次使个人最大工作量最小（3.00）；最后使组员总车程最短" \
           "（55 分钟）。" in text
    audit = [str(v) for row in book["审计：求解与输入"].iter_rows(values_only=True) for v in row if v is not None]
    for name, src in t.sources.items():
        assert src.sha256 in audit and src.sha256 not in cells
    assert "配置案件（按优先级加权） > 最大个人工作量 > 总车程（分钟）" in "\n".join(audit)
    audit_en = [str(v) for row in book_of(r, t, "en")["Audit - solve and inputs"].iter_rows(values_only=True)
                for v in row if v is not None]
    assert any("OPTIMAL" in c for c in audit_en)  # codes beside their words in English


def test_handed_over_ready_formatting(solved):
    t, r = solved
    book = book_of(r, t, "zh")
    ws = book["办案组"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I6"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws["I2"].number_format == "0" and ws["I2"].data_type == "n"  # whole minutes
    for col in "ABCDEFGHI":  # widths fit the widest cell, Chinese counted double
        widest = max(display_width(c.value) for c in ws[col])
        assert ws.column_dimensions[col].width >= min(widest, 60)
    assert book["未配置案件"]["H2"].alignment.wrap_text


def test_empty_sheets_say_so():
    t = zoneplan.load(EXAMPLES / "county")
    r = zoneplan.staff(t)
    assert len(r.unstaffed) == 0
    book = book_of(r, t, "en")
    assert book["Unstaffed"]["A2"].value == "Every case is staffed."
    assert "A2:I2" in {str(m) for m in book["Unstaffed"].merged_cells.ranges}  # across the table, not in a column


def test_same_inputs_same_bytes(tmp_path):
    runner = CliRunner()
    outs = [tmp_path / "a", tmp_path / "b"]
    for o in outs:
        res = runner.invoke(app, ["staff", str(TUT), "--out", str(o), "--lang", "zh"])
        assert res.exit_code == 0, res.output
    for name in ("plan.xlsx", "plan.html", "assignments.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    book = openpyxl.load_workbook(outs[0] / "plan.xlsx")
    assert book.properties.creator == "zoneplan"
    # no run time inside: fixed document times and fixed zip entry times
    assert book.properties.created == book.properties.modified == FIXED_TIME
    with zipfile.ZipFile(outs[0] / "plan.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {FIXED_TIME.timetuple()[:6]}


def test_csvs_stay_the_machine_format(solved):
    t, r = solved
    files = plan_files(r, t, lang="zh")
    assert files["assignments.csv"].decode("utf-8").splitlines()[:3] == [
        "case_id,investigator_id,role,travel_minutes", "X1,K1,lead,0.00", "X1,K2,member,0.00"]
    assert files["workload.csv"].decode("utf-8").splitlines()[0] == "investigator_id,cases,workload"
    assert files["unstaffed.csv"].decode("utf-8").splitlines()[0] == "case_id,reason"
    assert plan_files(r, t, lang="en")["assignments.csv"] == files["assignments.csv"]


def test_bad_lang_is_refused_before_solving(tmp_path):
    res = CliRunner().invoke(app, ["staff", str(TUT), "--out", str(tmp_path / "p"), "--lang", "fr"])
    assert res.exit_code == 2 and "--lang expects zh or en" in res.output
    assert not (tmp_path / "p").exists()


def test_nothing_staffed_no_names_no_zones():
    """The smallest hopeless input still gives every sheet and a card, ids standing in for names."""
    from conftest import make_tables

    t = make_tables(
        townships=[{"township_id": "A", "lat": 37.0, "lon": 117.0}, {"township_id": "B", "lat": 37.0, "lon": 117.1}],
        investigators=[{"investigator_id": "I1", "township_id": "A"}],
        cases=[{"case_id": "K1", "township_id": "A", "team_size": 2}],
    )
    r = zoneplan.staff(t)
    files = plan_files(r, t, lang="en")
    book = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]))
    assert book["Teams"]["A2"].value == "No case is staffed."
    un = sheet_frame(book, "Unstaffed")
    assert un["Reason"].iat[0].startswith("cannot be staffed at all: needs 2, only 0 eligible")
    rec = sheet_frame(book, "Recusals")
    assert rec[["Case", "Name", "Township", "Posted in", "Rule"]].values.tolist() == \
        [["K1", "I1", "A", "A", "cross-check"]]
    html = files["plan.html"].decode("utf-8")
    assert html.count('<article class="card no" id="case-K1">') == 1


def test_spare_counts_cases_on_hand():
    """I1 (limit 3, 1 on hand) takes K1: spare 3 - 1 - 1 = 1; workload 0.5 on hand + 2.0 = 2.5."""
    from conftest import make_tables

    t = make_tables(
        townships=[{"township_id": "A", "lat": 37.0, "lon": 117.0, "zone": "Z"},
                   {"township_id": "B", "lat": 37.0, "lon": 117.1, "zone": "Z"}],
        investigators=[{"investigator_id": "I1", "name": "甲", "township_id": "B", "max_cases": 3,
                        "current_cases": 1, "current_workload": 0.5, "can_lead": True}],
        cases=[{"case_id": "K1", "township_id": "A", "team_size": 1, "workload": 2.0}],
    )
    r = zoneplan.staff(t)
    w = sheet_frame(book_of(r, t, "zh"), "工作量").set_index("姓名")
    assert w.loc["甲", ["在办案件数", "新分配案件数", "承办上限", "尚可承办", "在办工作量", "配置后工作量"]].tolist() == \
        [1, 1, 3, 1, 0.5, 2.5]


def test_the_writer_reads_the_solves_conflict_engine_not_a_second_run(monkeypatch):
    """staff() hands its conflict engine on the result; the plan view reads its recusals from it
    (the same view as a fresh run of the engine gives), and a pickled result drops it."""
    import pickle

    import zoneplan.io.planview as pv

    t = zoneplan.load(EXAMPLES / "county")
    r = zoneplan.staff(t)
    assert r.eligibility is not None and r.eligibility.rules == zoneplan.RuleOptions()
    fresh = plan_view(r, t, eligibility=zoneplan.build_eligibility(t))

    def no_second_run(*a, **k):
        raise AssertionError("the conflict engine ran a second time")

    monkeypatch.setattr(pv, "build_eligibility", no_second_run)
    kept = plan_view(r, t)
    pd.testing.assert_frame_equal(kept.recusals, fresh.recusals)
    assert len(kept.recusals) > 100
    back = pickle.loads(pickle.dumps(r))
    assert back.eligibility is None and back.assignments.equals(r.assignments)
