"""A province or national run writes, for people, one workbook and one report per county plus
an index; the machine files stay whole.  Tried on a generated prefecture (11 counties) with
``--reports county`` (the layout ``auto`` picks above 500 townships)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan.io.secondprocess import SecondProcess
from zoneplan.io.wording import rule_label
from zoneplan.cli import app
from zoneplan.io.plan import county_file_names, split_by_county
from zoneplan.io.sheetwriter import Sheet, book_bytes, column_text
from zoneplan.synth import generate, write


@pytest.fixture(scope="module")
def prefecture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pref")
    write(generate("prefecture", seed=0), folder)
    return folder


@pytest.fixture(scope="module")
def split_run(prefecture, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "plan"
    res = CliRunner().invoke(app, ["staff", str(prefecture), "--out", str(out), "--reports", "county",
                                   "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "counties/ 文件夹中为各县区的工作簿和报告" in res.output
    return out


def _frame(book, sheet):
    rows = list(book[sheet].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_a_workbook_and_a_report_per_county_and_an_index(prefecture, split_run):
    t = zoneplan.load(prefecture)
    counties = sorted(set(t.townships["county"]))
    names = county_file_names(counties)
    files = sorted(p.name for p in (split_run / "counties").iterdir())
    assert files == sorted([f"{names[c]}.xlsx" for c in counties] + [f"{names[c]}.html" for c in counties])
    report = json.loads((split_run / "report.json").read_text())
    assert report["outputs"]["layout"] == "county"
    assert report["outputs"]["counties"][counties[0]]["workbook"] == f"counties/{names[counties[0]]}.xlsx"
    index = openpyxl.load_workbook(split_run / "plan.xlsx")
    assert index.sheetnames == ["概要", "各县区", "未配置案件", "数据质量", "审计：求解与输入"]
    lines = _frame(index, "各县区")
    assert lines["县区"].tolist() == counties
    html = (split_run / "plan.html").read_text(encoding="utf-8")
    for c in counties:
        assert f'href="counties/{names[c]}.html"' in html and f'href="counties/{names[c]}.xlsx"' in html


def test_each_county_book_holds_exactly_its_own_teams_people_and_recusals(prefecture, split_run):
    t = zoneplan.load(prefecture)
    plan = pd.read_csv(split_run / "assignments.csv", dtype={"case_id": str, "investigator_id": str})
    county_of_town = dict(zip(t.townships["township_id"], t.townships["county"]))
    case_county = dict(zip(t.cases["case_id"], t.cases["township_id"].map(county_of_town)))
    inv_county = dict(zip(t.investigators["investigator_id"], t.investigators["township_id"].map(county_of_town)))
    names = county_file_names(sorted(set(t.townships["county"])))
    el = zoneplan.build_eligibility(t)
    near = el.excluded[el.excluded["rule"].isin(["cross-check", "home", "kin", "declared"])]
    seen_pairs, seen_people = 0, 0
    for county, name in names.items():
        book = openpyxl.load_workbook(split_run / "counties" / f"{name}.xlsx")
        assert "数据质量" not in book.sheetnames  # once, in the index
        teams = _frame(book, "办案组").dropna(subset=["姓名"])
        mine = plan[plan["case_id"].map(case_county) == county]
        people = _frame(book, "审计：人员编号")  # ids: the audit appendix (the people's sheets name people)
        assert set(people["人员编号"]) == {i for i, c in inv_county.items() if c == county}
        assert len(_frame(book, "工作量")) == len(people)
        pairs = [(c, i) for i, cs in zip(people["人员编号"], people["新分配案件"].fillna("")) for c in cs.split("、") if c]
        # cases of other counties held by this county's people show in their own county's teams
        assert sorted(p for p in pairs if case_county[p[0]] == county) == \
            sorted(p for p in zip(mine["case_id"], mine["investigator_id"]) if inv_county[p[1]] == county)
        assert sorted(teams["线索编号"]) == sorted(mine["case_id"])
        rec = _frame(book, "审计：回避依据").dropna(subset=["人员编号"])
        expect = near[near["case_id"].map(case_county) == county]
        assert set(zip(rec["线索编号"], rec["人员编号"], rec["规则代码"])) == \
            set(zip(expect["case_id"], expect["investigator_id"], expect["rule"].map(lambda r: rule_label(r, "zh"))))
        seen_pairs += len(teams)
        seen_people += len(people)
        page = (split_run / "counties" / f"{name}.html").read_text(encoding="utf-8")
        assert len(re.findall(r'<article class="card', page)) == sum(case_county[c] == county for c in t.cases["case_id"])
    assert seen_pairs == len(plan) and seen_people == len(t.investigators)


def test_the_layout_follows_the_size_and_an_earlier_split_does_not_linger(prefecture, split_run, tmp_path):
    t = zoneplan.load(prefecture)
    assert not split_by_county(t)  # 134 townships: one workbook
    out = tmp_path / "plan"
    import shutil

    shutil.copytree(split_run, out)
    (out / "mine.txt").write_text("keep me")
    res = CliRunner().invoke(app, ["staff", str(prefecture), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert not (out / "counties").exists() and (out / "mine.txt").exists()
    book = openpyxl.load_workbook(out / "plan.xlsx")
    assert "回避清单" in book.sheetnames or "Recusals" in book.sheetnames


def test_county_file_names_are_safe_and_distinct():
    names = county_file_names(["甲县", "a/b", "A/B", "", "c:d*"])
    assert names["A/B"] == "A_B" and names["a/b"] == "a_b-2" and names[""] == "county"
    assert names["c:d*"] == "c_d_" and len(set(n.lower() for n in names.values())) == 5


def test_the_sheet_writer_escapes_and_reads_back():
    ws = Sheet("表<1>", widths=(10, 10, 10), freeze_header=True, autofilter="A1:C3", print_titles=True)
    ws.table(["a", "b", "c"], [["<x>&y", "bad\x01char"], [1.5, None], [True, False]], ["text", "num2", "bool"],
             shaded=[False, True], heights=[None, 32])
    book = openpyxl.load_workbook(io.BytesIO(book_bytes([ws])))
    s = book["表<1>"]
    assert [c.value for c in s[2]] == ["<x>&y", 1.5, "True"]
    assert s["A3"].value == "badchar" and s["B3"].value is None
    assert s.freeze_panes == "A2" and s.auto_filter.ref == "A1:C3" and s.row_dimensions[3].height == 32
    assert s["B2"].number_format == "0.00" and s["A3"].fill.fgColor.rgb.endswith("EEF3F8")
    assert column_text(["a&b", None, float("nan")]) == ["a&amp;b", "", ""]


@pytest.mark.parametrize("lang, batch, workers", [("zh", 200, 1), ("en", 3, 1), ("zh", 2, 2)])
def test_the_one_pass_county_files_equal_each_countys_own_view(prefecture, lang, batch, workers, monkeypatch):
    """The split run builds every county's files in one pass over the plan (a batch of counties
    at a time, every other batch in a second process with ``workers=2``); each equals, byte for
    byte, the workbook and report of that county's own view (county_views)."""
    import zoneplan.io.bycounty as bycounty
    from zoneplan.io.bycounty import county_files

    monkeypatch.setattr(bycounty, "_BATCH", batch)
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 2)
    from zoneplan.io.planview import county_views, plan_view
    from zoneplan.io.report import render_plan_html
    from zoneplan.io.workbook import county_note, plan_workbook

    t = zoneplan.load(prefecture)
    r = zoneplan.staff(t)
    view = plan_view(r, t, lang=lang)
    names = county_file_names(sorted(set(t.townships["county"])))
    note = county_note(lang, len(names))
    own = {c: v for c, v in county_views(view)}
    seen = 0
    for county, name, book, html, line in county_files(view, names, note, workers):
        sub = own[county]
        assert book == plan_workbook(sub, with_quality=False, extra=[note]), county
        assert html.decode("utf-8") == render_plan_html(sub, {}), county
        assert line["cases"] == len(sub.cases) and line["workbook"] == f"counties/{name}.xlsx"
        seen += 1
    assert seen == len(names) == len(own)


def test_a_batch_the_second_process_does_not_answer_is_built_here(prefecture, monkeypatch):
    """The second process only saves time: a batch it does not answer (it died, it failed) is
    built by the planner itself, and the files are the same; the process is ended whether the
    files were all taken or the reader stopped half-way."""
    import zoneplan.io.bycounty as bycounty
    from zoneplan.io.planview import plan_view
    from zoneplan.io.workbook import county_note

    monkeypatch.setattr(bycounty, "_BATCH", 2)
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 2)
    t = zoneplan.load(prefecture)
    view = plan_view(zoneplan.staff(t), t, lang="zh")
    names = county_file_names(sorted(set(t.townships["county"])))
    note = county_note("zh", len(names))
    assert len(names) >= 5  # three batches or more: the second process answers batch 1 (and 3)
    alone = list(bycounty.county_files(view, names, note, 1))
    started = []
    real_start = SecondProcess.start

    def start():
        side = real_start()
        started.append(side)
        return side

    real_receive = SecondProcess.receive
    answers = []

    def receive(self):
        answers.append(real_receive(self))
        return answers[-1]

    monkeypatch.setattr(SecondProcess, "start", staticmethod(start))
    monkeypatch.setattr(SecondProcess, "receive", receive)
    assert list(bycounty.county_files(view, names, note, 2)) == alone
    assert answers and all(a is not None for a in answers)  # the second process built its batches
    odd = [alone[i][0] for i in range(len(alone)) if (i // 2) % 2 == 1]  # batches of 2: 1, 3, ...
    assert [c for a in answers for c, *_ in a] == odd
    assert started[-1].proc.poll() is not None  # ended after the last batch
    monkeypatch.setattr(SecondProcess, "receive", lambda self: None)  # it never answers
    assert list(bycounty.county_files(view, names, note, 2)) == alone
    gen = bycounty.county_files(view, names, note, 2)
    next(gen)
    gen.close()  # the reader stops after the first county
    assert started[-1].proc.poll() is not None


def test_every_cell_of_the_streaming_workbook_has_its_reference():
    """SpreadsheetML lets a cell leave out its reference (``r="B3"``), and Excel copes; several
    readers other offices use do not, so every cell carries it, numbered as it stands."""
    import re
    import zipfile

    ws = Sheet("t")
    ws.table(["a", "b", "c"], [["x", "y", "z"], [1, None, 3], [0.5, 1.25, None]], ["text", "int", "num2"],
             shaded=[False, True, False])
    xml = zipfile.ZipFile(io.BytesIO(book_bytes([ws]))).read("xl/worksheets/sheet1.xml").decode()
    refs = re.findall(r'<c( r="([A-Z]+)(\d+)")?', xml)
    assert refs and all(r[0] for r in refs)
    assert [(col, int(row)) for _, col, row in refs] == [(c, r) for r in range(1, 5) for c in "ABC"]


def test_the_second_process_started_early_ends_when_the_plan_view_fails(prefecture, monkeypatch):
    """The second process starts before the plan view (its start-up overlaps it); a failure
    there, or a reader that stops, still ends it."""
    import zoneplan.io.bycounty as bycounty
    import zoneplan.io.planview as planview
    from zoneplan.io.plan import iter_plan_files

    monkeypatch.setattr(bycounty, "_BATCH", 1)
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 2)
    t = zoneplan.load(prefecture)
    r = zoneplan.staff(t)
    started = []
    real_start = SecondProcess.start

    def start():
        started.append(real_start())
        return started[-1]

    monkeypatch.setattr(SecondProcess, "start", staticmethod(start))
    files = iter_plan_files(r, t, "zh", layout="county", workers=2)
    names = [n for n, _ in files]  # the whole plan, through the early-started process
    assert len(started) == 1 and started[0].proc.poll() is not None
    assert sum(n.startswith("counties/") for n in names) == 2 * len(set(t.townships["county"]))

    def broken(*a, **k):
        raise RuntimeError("plan view failed")

    monkeypatch.setattr(planview, "plan_view", broken)
    with pytest.raises(RuntimeError, match="plan view failed"):
        list(iter_plan_files(r, t, "zh", layout="county", workers=2))
    assert len(started) == 2 and started[1].proc.poll() is not None


def test_the_second_process_words_the_recusal_list_and_the_files_are_the_same(prefecture, monkeypatch):
    """A split plan's second process words the recusal list while the run builds the rest of
    the plan view (its first answer: the three wordings of each distinct detail); every file
    is the same as one process writes, and the same again when it never answers."""
    import zoneplan.io.bycounty as bycounty
    from zoneplan.io.plan import plan_files

    monkeypatch.setattr(bycounty, "_BATCH", 2)
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 2)
    t = zoneplan.load(prefecture)
    r = zoneplan.staff(t)
    alone = plan_files(r, t, "zh", layout="county", workers=1)
    answers = []
    real_receive = SecondProcess.receive

    def receive(self):
        answers.append(real_receive(self))
        return answers[-1]

    monkeypatch.setattr(SecondProcess, "receive", receive)
    assert plan_files(r, t, "zh", layout="county", workers=2) == alone
    first = answers[0]
    assert isinstance(first, tuple) and len(first) == 3 and len(first[0]) == len(first[1]) == len(first[2]) > 0
    assert any("回避" in x or "亲属" in x or "籍贯" in x for x in first[0])  # worded in Chinese
    assert all(a is not None for a in answers)  # and the county batches after it
    monkeypatch.setattr(SecondProcess, "receive", lambda self: None)  # it never answers
    assert plan_files(r, t, "zh", layout="county", workers=2) == alone


def test_a_split_run_started_early_uses_that_second_process(prefecture, monkeypatch):
    """``zoneplan staff`` starts a split run's second process before the solve (its start-up
    runs beside it); the writer then uses that one and starts none of its own; the files are
    those of one process."""
    import zoneplan.io.bycounty as bycounty
    from zoneplan.io.plan import early_second_process, plan_files

    monkeypatch.setattr(bycounty, "_BATCH", 2)
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 2)
    t = zoneplan.load(prefecture)
    r = zoneplan.staff(t)
    alone = plan_files(r, t, "zh", layout="county", workers=1)
    assert early_second_process(t, layout="county", workers=1) is None
    started = []
    real_start = SecondProcess.start

    def start(*a, **k):
        started.append(real_start(*a, **k))
        return started[-1]

    monkeypatch.setattr(SecondProcess, "start", staticmethod(start))
    side = early_second_process(t, layout="county", workers=2)
    assert side is not None and started == [side]
    try:
        assert plan_files(r, t, "zh", layout="county", workers=2, side=side) == alone
        assert started == [side]  # none of its own
        assert side.proc.poll() is not None  # ended after the last batch: it has nothing left to do
    finally:
        side.stop()  # the caller's stop, whatever happened: here it does nothing more
    monkeypatch.setattr(bycounty, "_SIDE_MIN_BATCHES", 10 ** 6)
    assert early_second_process(t, layout="county", workers=2) is None  # too few counties for one
