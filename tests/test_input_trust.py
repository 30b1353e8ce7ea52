"""Input trust: every planner's habit is understood exactly, or the run is refused precisely.

Each mistake of the catalog below is applied to a clean county workbook.  A mistake that can
be understood must give *exactly* the clean tables (and so the clean plan); one that cannot
must be refused with the sheet, the line as Excel shows it and the column as typed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import zoneplan
from zoneplan import InputError
from zoneplan.cli import app
from zoneplan.data.identity import person_key

from planner_book import (base_book, chinese_book, person_name, township_name, write_csv_folder,
                          write_xlsx)

FRAMES = ("townships", "investigators", "cases", "relations", "conflicts")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = write_csv_folder(base_book(), tmp_path_factory.mktemp("clean") / "county")
    return zoneplan.load(folder)


PERSON_COLUMNS = {"cases": ("subject_id",), "relations": ("a", "b")}


def same_tables(a, b):
    """The same tables; people outside the roster compared by identity (their shown spelling
    is the one typed most plainly, which a habit may change)."""
    for name in FRAMES:
        fa, fb = getattr(a, name).copy(), getattr(b, name).copy()
        for c in PERSON_COLUMNS.get(name, ()):
            fa[c] = fa[c].map(person_key)
            fb[c] = fb[c].map(person_key)
        pd.testing.assert_frame_equal(fa, fb, check_dtype=False, obj=name)


def refused(path, **kw) -> list:
    with pytest.raises(InputError) as info:
        zoneplan.load(path, **kw)
    return info.value.problems


def where(problems) -> set:
    return {(p.file, p.line, p.column) for p in problems}


# --------------------------------------------------------------------------- understood exactly


def m_spouse_by_name(book):
    """刘某某(会计),马超,夫妻 instead of …,G03,…: 马超 must stay off his wife's case X01."""
    rel = book["relations"]
    rel.rows[0][1] = person_name(book, "G03")


def m_header_variants(book):
    """籍贯（村）, 是否组长, 是否可用, 组人数（人）: aliases after normalisation."""
    inv = book["investigators"]
    inv.header[inv.col("home_village")] = "籍贯（村）"
    inv.header[inv.col("can_lead")] = "是否组长"
    inv.header[inv.col("available")] = "是否在岗"
    cs = book["cases"]
    cs.header[cs.col("team_size")] = "组人数（人）"
    cs.header[cs.col("escalated")] = "是否提级"


def m_list_separators(book):
    """财务、审计 / 财务，审计 / 财务,审计 / 财务 审计 instead of 财务;审计."""
    inv = book["investigators"]
    seps = ["、", "，", ",", " "]
    k = 0
    for r in inv.rows:
        v = r[inv.col("skills")]
        if ";" in v:
            r[inv.col("skills")] = v.replace(";", seps[k % len(seps)])
            k += 1


def m_township_names_everywhere(book):
    """Posted, home and case townships typed as names (柳河镇), some without 镇/乡 (柳河)."""
    inv, cs = book["investigators"], book["cases"]
    for r in inv.rows:
        r[inv.col("township_id")] = township_name(book, r[inv.col("township_id")])
        if r[inv.col("home_township")]:
            name = township_name(book, r[inv.col("home_township")])
            r[inv.col("home_township")] = name[:-2] if name.endswith("街道") else name[:-1]
    for r in cs.rows:
        r[cs.col("township_id")] = township_name(book, r[cs.col("township_id")])


def m_people_names_in_conflicts_and_subjects(book):
    """Recusals by person name; a subject who is an investigator typed by name (林娜)."""
    conf = book["conflicts"]
    conf.rows[0][0] = person_name(book, conf.rows[0][0])
    cs = book["cases"]
    for r in cs.rows:
        if r[cs.col("subject_id")] == "G12":
            r[cs.col("subject_id")] = person_name(book, "G12")


def m_fullwidth_and_spaces(book):
    """Full-width digits (１.５), full-width spaces, ids in lower case, names padded with spaces."""
    cs = book["cases"]
    for r in cs.rows:
        r[cs.col("workload")] = str(r[cs.col("workload")]).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
        r[cs.col("village")] = "\u3000" + r[cs.col("village")] + " "
    conf = book["conflicts"]
    conf.rows[0][1] = conf.rows[0][1].lower()
    rel = book["relations"]
    rel.rows[3][1] = " " + rel.rows[3][1].lower() + "\u3000"
    rel.rows[0][0] = "刘某某（会计）"  # full-width brackets: the same person as in cases


def m_yes_no_marks(book):
    """√/× and 有/无 for booleans, 县纪委/乡镇 for levels, 请假 for unavailable."""
    inv = book["investigators"]
    for r in inv.rows:
        r[inv.col("can_lead")] = {"是": "√", "否": "×"}[r[inv.col("can_lead")]]
        r[inv.col("available")] = {"是": "在岗", "否": "请假"}[r[inv.col("available")]]
        r[inv.col("level")] = {"县级": "县纪委", "乡镇级": "乡镇"}[r[inv.col("level")]]
    cs = book["cases"]
    for r in cs.rows:
        r[cs.col("needs_lead")] = {"是": "有", "否": "无"}[r[cs.col("needs_lead")]]


def m_numbers_with_units_and_words(book):
    """2人, 两, 三人, 3件 — numbers with a unit or in words."""
    words = {1: "一", 2: "两", 3: "三人"}
    cs = book["cases"]
    for k, r in enumerate(cs.rows):
        n = r[cs.col("team_size")]
        r[cs.col("team_size")] = f"{n}人" if k % 2 else words[n]
    inv = book["investigators"]
    for r in inv.rows:
        r[inv.col("max_cases")] = f"{r[inv.col('max_cases')]}件"


def m_title_row(book):
    """A 花名册-style title line (merged across) above the header, and a 制表人 line below."""
    inv = book["investigators"]
    inv.title = ["青山县纪检监察干部花名册（2026年11月）"]
    inv.merges.append("A1:J1")
    inv.rows.append(["制表人：办公室", "", "", "", "", "", "", "", "", ""])


def m_sheet_aliases(book):
    """Sheets named 花名册, 线索清单, 社会关系, 回避情况, and an instructions sheet 说明."""
    book["investigators"].name = "花名册"
    book["cases"].name = "线索清单"
    book["relations"].name = "社会关系"
    book["conflicts"].name = "回避情况"


def m_merged_county(book):
    """The county column merged over every township (xlsx knows the merged range)."""
    tw = book["townships"]
    for r in tw.rows[1:]:
        r[tw.col("county")] = None
    first = tw.first_data_line()
    tw.merges.append(f"C{first}:C{first + len(tw.rows) - 1}")


def m_two_row_header(book):
    """籍贯 merged over two sub-headers 乡镇 / 村."""
    inv = book["investigators"]
    h = list(inv.header)
    h2 = [""] * len(h)
    ht, hv = inv.col("home_township"), inv.col("home_village")
    h[ht], h[hv] = "籍贯", ""
    h2[ht], h2[hv] = "乡镇", "村"
    inv.header, inv.header2 = h, h2
    inv.merges += [f"{chr(65 + ht)}1:{chr(65 + hv)}1"] + [f"{chr(65 + j)}1:{chr(65 + j)}2"
                                                           for j in range(len(h)) if j not in (ht, hv)]


def m_annotated_investigator(book):
    """马超（纪委） in relations: a remark in brackets is set aside, so this is the investigator 马超."""
    book["relations"].rows[0][1] = "马超（纪委）"


def m_subject_bare_and_noted(book):
    """刘某某 in cases but 刘某某(会计) in relations: one person (the remark is set aside)."""
    cs = book["cases"]
    cs.rows[0][cs.col("subject_id")] = "刘某某"


UNDERSTOOD = [m_spouse_by_name, m_annotated_investigator, m_subject_bare_and_noted, m_header_variants, m_list_separators, m_township_names_everywhere,
              m_people_names_in_conflicts_and_subjects, m_fullwidth_and_spaces, m_yes_no_marks,
              m_numbers_with_units_and_words, m_title_row, m_sheet_aliases, m_merged_county, m_two_row_header]


@pytest.mark.parametrize("mistake", UNDERSTOOD, ids=[m.__name__[2:] for m in UNDERSTOOD])
def test_understood_exactly_in_a_workbook(mistake, clean, tmp_path):
    book = chinese_book()
    mistake(book)
    t = zoneplan.load(write_xlsx(book, tmp_path / "青山县.xlsx", extra_sheets={"说明": [["填表说明"]]}))
    same_tables(t, clean)


def test_spouse_by_name_keeps_him_off_her_case(clean, tmp_path):
    """The headline bug: the plan from the misread workbook put 马超 on his wife's case."""
    book = chinese_book()
    m_spouse_by_name(book)
    t = zoneplan.load(write_xlsx(book, tmp_path / "b.xlsx"))
    el = zoneplan.build_eligibility(t)
    assert ("kin", "G03 -[夫妻]- 刘某某(会计) (1 hop)") in el.explain_pair("G03", "X01")
    plan = zoneplan.staff(t).assignments
    ref = zoneplan.staff(clean).assignments
    pd.testing.assert_frame_equal(plan, ref)
    assert not ((plan["investigator_id"] == "G03") & (plan["case_id"] == "X01")).any()


def test_the_clean_workbook_also_reads_as_csv_in_gbk(clean, tmp_path):
    folder = write_csv_folder(chinese_book(), tmp_path / "gbk", encoding="gb18030", names="chinese")
    same_tables(zoneplan.load(folder), clean)


def test_notes_say_how_the_input_was_read(tmp_path):
    book = chinese_book()
    m_title_row(book)
    m_merged_county(book)
    m_spouse_by_name(book)
    t = zoneplan.load(write_xlsx(book, tmp_path / "b.xlsx", extra_sheets={"说明": [["x"]]}))
    notes = " | ".join(i.render("en") for i in t.quality.notes)
    assert "taken as a title and skipped" in notes
    assert "merged cells filled" in notes and "C2:C7" in notes
    assert "written by name" in notes
    assert "not read" in notes and "说明" in notes
    assert "read as notes below the table" in notes


# --------------------------------------------------------------------------- refused precisely


def r_ambiguous_person(book):
    """Two investigators named 王伟: 王伟 in the relations table could be either."""
    inv = book["investigators"]
    inv.rows[4][inv.col("name")] = "王伟"  # G03 is now also 王伟
    book["relations"].rows[0][1] = "王伟"
    return "关系", 2, "人员2", "G01"


def r_unknown_header_close(book):
    """籍贯村庄 is not a column, but 籍贯村 is missing: did you mean?"""
    inv = book["investigators"]
    inv.header[inv.col("home_village")] = "籍贯村庄"
    return "干部花名册", 1, "籍贯村庄", "home_village"


def r_duplicate_header(book):
    inv = book["investigators"]
    inv.header[inv.col("home_village")] = "籍贯乡镇"
    return "干部花名册", 1, "籍贯乡镇", "one column"


def r_excel_error(book):
    inv = book["investigators"]
    inv.rows[2][inv.col("home_township")] = "#N/A"
    return "干部花名册", 4, "籍贯乡镇", "Excel error"


def r_blank_county_run(book):
    """A blank county on two lines among filled ones (unmerged: no merged range to trust)."""
    tw = book["townships"]
    tw.rows[2][tw.col("county")] = ""
    tw.rows[3][tw.col("county")] = None
    return "乡镇", 4, "所属县区", "lines 4-5"


def r_blank_level(book):
    inv = book["investigators"]
    inv.rows[1][inv.col("level")] = ""
    return "干部花名册", 3, "层级", "fill"


def r_blank_zone(book):
    tw = book["townships"]
    tw.rows[5][tw.col("zone")] = ""
    return "乡镇", 7, "协作区", "无"


def r_unknown_home_township_close(book):
    """柳河真 is a typo of 柳河镇: not treated as a place outside the data."""
    inv = book["investigators"]
    inv.rows[2][inv.col("home_township")] = "柳河真"
    return "干部花名册", 4, "籍贯乡镇", "T02"


def r_unknown_posted_township(book):
    inv = book["investigators"]
    inv.rows[0][inv.col("township_id")] = "县纪委"
    return "干部花名册", 2, "工作乡镇", "a known township"


def r_word_not_a_number(book):
    cs = book["cases"]
    cs.rows[1][cs.col("team_size")] = "两到三人"
    return "问题线索", 3, "组人数", "whole number"


def r_bad_yes_no(book):
    cs = book["cases"]
    cs.rows[3][cs.col("escalated")] = "待定"
    return "问题线索", 5, "提级直查", "yes or no"


def r_date_id(book):
    cs = book["cases"]
    import datetime as dt
    cs.rows[1][cs.col("case_id")] = dt.datetime(2026, 3, 5)
    return "问题线索", 3, "线索编号", "date"


def r_long_number_id(book):
    cs = book["cases"]
    cs.rows[1][cs.col("subject_id")] = 370102198001011234
    return "问题线索", 3, "被调查人", "15 digits"


def r_ambiguous_township_name(book):
    """Two townships named 城关镇 (in different counties): 城关镇 alone is refused."""
    tw = book["townships"]
    tw.rows.append(["T07", "城关镇", "白云县", 36.9, 117.3, 4, "Z3"])
    tw.rows.append(["T08", "云中镇", "白云县", 36.95, 117.35, 4, "Z3"])
    inv = book["investigators"]
    inv.rows[0][inv.col("township_id")] = "城关镇"
    return "干部花名册", 2, "工作乡镇", "T07"


def r_id_case_variant_duplicate(book):
    cs = book["cases"]
    cs.rows[1][cs.col("case_id")] = "x01"
    return "问题线索", 3, "线索编号", "case or spaces"


def r_missing_sheet(book):
    del book["cases"]
    return "cases.csv", None, None, "干部花名册"


REFUSED = [r_ambiguous_person, r_unknown_header_close,
           r_duplicate_header, r_excel_error, r_blank_county_run, r_blank_level, r_blank_zone,
           r_unknown_home_township_close, r_unknown_posted_township, r_word_not_a_number, r_bad_yes_no, r_date_id,
           r_long_number_id, r_ambiguous_township_name, r_id_case_variant_duplicate, r_missing_sheet]


@pytest.mark.parametrize("mistake", REFUSED, ids=[m.__name__[2:] for m in REFUSED])
def test_refused_precisely(mistake, tmp_path):
    book = chinese_book()
    sheet, line, column, words = mistake(book)
    problems = refused(write_xlsx(book, tmp_path / "b.xlsx"))
    hits = [p for p in problems if sheet in p.file and p.line == line and p.column == column]
    assert hits, "\n".join(p.render("en") for p in problems)
    text = " ".join(p.render("en") + " " + p.render("zh") for p in hits)
    assert words in text, text


def test_ambiguous_township_with_county_is_understood(clean, tmp_path):
    book = chinese_book()
    r_ambiguous_township_name(book)
    inv = book["investigators"]
    inv.rows[0][inv.col("township_id")] = "青山县城关镇"
    t = zoneplan.load(write_xlsx(book, tmp_path / "b.xlsx"))
    assert t.investigators["township_id"].iat[0] == "T01"


def test_leading_zeros_dropped_by_excel_resolve(tmp_path):
    book = base_book()
    tw = book["townships"]
    for r in tw.rows:
        r[0] = "0" + r[0][1:]  # ids 001..006
    for sh, cols in (("investigators", ["township_id", "home_township"]), ("cases", ["township_id"])):
        s = book[sh]
        for r in s.rows:
            for c in cols:
                if r[s.col(c)]:
                    r[s.col(c)] = str(int(r[s.col(c)][1:]))  # Excel made "002" the number 2
    t = zoneplan.load(write_csv_folder(book, tmp_path / "z"))
    assert set(t.investigators["township_id"]) <= set(t.townships["township_id"])
    assert t.cases["township_id"].tolist()[:2] == ["001", "002"]


# --------------------------------------------------------------------------- CSV files


def test_ragged_csv_line_names_the_comma(tmp_path):
    folder = write_csv_folder(base_book(), tmp_path / "c")
    p = folder / "investigators.csv"
    p.write_text(p.read_text(encoding="utf-8").replace('"财务;审计"', "财务,审计").replace("财务;审计", "财务,审计"),
                 encoding="utf-8")
    problems = refused(folder)
    assert any(p.file == "investigators.csv" and p.line == 8 and "more values than the header" in p.render("en")
               for p in problems), [p.render("en") for p in problems]


def test_zero_byte_required_table_and_header_only_table(tmp_path, clean):
    folder = write_csv_folder(base_book(), tmp_path / "e")
    (folder / "cases.csv").write_bytes(b"")
    problems = refused(folder)
    assert [p.file for p in problems] == ["cases.csv"]
    assert "empty" in problems[0].render("en") and "case_id" in problems[0].render("en")
    (folder / "cases.csv").write_text("case_id,township_id\n", encoding="utf-8")
    (folder / "conflicts.csv").unlink()  # its recusal names a case that is gone
    t = zoneplan.load(folder)
    assert len(t.cases) == 0


def test_errors_do_not_cascade(tmp_path):
    """A townships table without lat: one problem, not one per reference to a township."""
    folder = write_csv_folder(base_book(), tmp_path / "f")
    p = folder / "townships.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("township_id,name,county,lat,", "township_id,name,county,latt,"),
                 encoding="utf-8")
    problems = refused(folder)
    assert len(problems) == 1 and problems[0].file == "townships.csv" and problems[0].line == 1
    assert "Did you mean lat" in problems[0].render("en")


def test_workbook_renamed_csv_and_tab_separated_unicode_text(tmp_path, clean):
    folder = write_csv_folder(base_book(), tmp_path / "g")
    write_xlsx(base_book(), folder / "x.xlsx")
    (folder / "relations.csv").write_bytes((folder / "x.xlsx").read_bytes())
    (folder / "x.xlsx").unlink()
    problems = refused(folder)
    assert problems[0].file == "relations.csv" and "Excel workbook" in problems[0].render("en")
    folder2 = write_csv_folder(base_book(), tmp_path / "h")
    text = (folder2 / "cases.csv").read_text(encoding="utf-8").replace(",", "\t")
    (folder2 / "cases.csv").write_bytes(text.encode("utf-16"))
    same_tables(zoneplan.load(folder2), clean)


# --------------------------------------------------------------------------- data quality, strict, CLI


def test_quality_report_names_whom_rules_cannot_protect(tmp_path):
    t = zoneplan.load(write_csv_folder(base_book(), tmp_path / "q"))
    gaps = {i.what: i.who for i in t.quality.gaps}
    home = next(v for k, v in gaps.items() if k.startswith("home_township blank"))
    assert {w.split()[0] for w in home} == {"K01", "G05", "G09", "G11"}
    # a subject with no relations listed is worth a note, not a gap: nobody is left unprotected
    notes = {i.what: i.who for i in t.quality.notes}
    kin = next(v for k, v in notes.items() if k.startswith("subjects with no relations listed"))
    assert kin == ("X05 (马某)",)
    assert not any("relations" in k for k in gaps)


def test_quality_report_flags_relations_that_link_nobody(tmp_path):
    """钱某某's brother typed as 钱某其 on one line and 钱某某 on another: a piece with no anchor."""
    book = base_book()
    book["relations"].rows.append(["钱某其", "钱小某", "兄弟"])  # linked to nobody we know
    book["relations"].rows.append(["钱某某", "钱大某", "兄弟"])  # a leaf of a subject's family: fine
    t = zoneplan.load(write_csv_folder(book, tmp_path / "q"))
    loose = [i for i in t.quality.gaps if "linked to no investigator" in i.what]
    assert [i.who for i in loose] == [("钱小某", "钱某其")]


def test_strict_turns_gaps_into_errors(tmp_path):
    folder = write_csv_folder(base_book(), tmp_path / "s")
    problems = refused(folder, strict=True)
    assert any("home_township blank" in p.render("en") for p in problems)


def test_cli_messages_in_chinese_and_english(tmp_path):
    book = chinese_book()
    r_bad_yes_no(book)
    path = write_xlsx(book, tmp_path / "b.xlsx")
    runner = CliRunner()
    zh = runner.invoke(app, ["validate", str(path), "--lang", "zh"])
    assert zh.exit_code == 2
    assert "b.xlsx[问题线索]，第 5 行，H 列「提级直查」" in zh.output and "是或否" in zh.output
    en = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert en.exit_code == 2
    assert 'b.xlsx[问题线索], line 5, column H "提级直查": got \'待定\'; expected yes or no' in en.output


# --------------------------------------------------------------------------- side files and flags


def test_zoning_workbook_with_chinese_headers_names_and_merged_zones(clean, tmp_path):
    """A zoning typed in Excel: 乡镇 by name, 协作区 merged over its townships, 无 for none."""
    import openpyxl

    from zoneplan.io.side import read_zoning

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "协作区"
    for row in (["乡镇", "协作区", "备注"], ["城关镇", "城北片", ""], ["柳河", None, ""], ["石桥乡", None, ""],
                ["东湖街道", "城东片", ""], ["白沙镇", None, ""], ["新华乡", "无", "不参加"]):
        ws.append(row)
    ws.merge_cells("B2:B4")
    ws.merge_cells("B5:B6")
    wb.save(tmp_path / "z.xlsx")
    z = read_zoning(tmp_path / "z.xlsx", clean)
    assert z.values.tolist() == [["T01", "城北片"], ["T02", "城北片"], ["T03", "城北片"], ["T04", "城东片"],
                                 ["T05", "城东片"], ["T06", ""]]


def test_zoning_csv_blank_between_zones_is_refused(clean, tmp_path):
    from zoneplan.io.side import read_zoning

    f = tmp_path / "zones.csv"
    f.write_text("乡镇编号,协作区\nT01,A\nT02,\nT03,B\nT04,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_zoning(f, clean)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, "协作区")]


def test_whatifs_in_chinese_with_names(clean, tmp_path):
    from zoneplan.io.side import read_whatifs

    f = tmp_path / "w.csv"
    f.write_text("类型,乡镇1,乡镇2\n在一起,城关镇,柳河\n分开,T01,新华乡\n保留,全部,\n排除,白沙镇,\n", encoding="gb18030")
    assert read_whatifs(f, clean) == {"together": [("T01", "T02")], "apart": [("T01", "T06")], "keep": True,
                                      "exclude": ["T05"]}
    f.write_text("类型,乡镇1,乡镇2\n在一起,城关,柳河镇镇\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_whatifs(f, clean)
    assert [(p.line, p.column) for p in info.value.problems] == [(2, "乡镇2")]


def test_hand_made_plan_in_chinese(clean, tmp_path):
    """线索编号, 姓名, 角色 组长/组员: the checker sees the same plan as the id version."""
    from zoneplan.io.plan import read_assignments

    f = tmp_path / "assignments.csv"
    f.write_text("线索编号,姓名,角色\nX01,张建国,组长\nx01,李红,组员\n", encoding="utf-8")
    plan = read_assignments(f, clean)
    assert plan.values.tolist() == [["X01", "K01", "lead"], ["X01", "K02", "member"]]
    assert zoneplan.check(clean, plan).ok
    f.write_text("线索编号,姓名\nX01,张建国\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(tmp_path / "c"), str(f), "--lang", "en"])
    assert res.exit_code == 2


def test_check_cli_refuses_a_plan_without_role_column(tmp_path):
    folder = write_csv_folder(base_book(), tmp_path / "d")
    (tmp_path / "p.csv").write_text("线索编号,人员编号\nX01,K01\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(folder), str(tmp_path / "p.csv"), "--lang", "en"])
    assert res.exit_code == 2 and "p.csv, line 1" in res.output and "role" in res.output


def test_zone_flags_take_township_names(tmp_path):
    folder = write_csv_folder(base_book(), tmp_path / "d")
    res = CliRunner().invoke(app, ["zone", str(folder), "--out", str(tmp_path / "z"), "--together", "城关镇，柳河",
                                   "--exclude", "新华"])
    assert res.exit_code == 0, res.output
    zones = pd.read_csv(tmp_path / "z" / "zones.csv", dtype=str, keep_default_na=False)
    zone_of = dict(zip(zones["township_id"], zones["zone"]))
    assert zone_of["T01"] == zone_of["T02"] != "" and zone_of["T06"] == ""
    res = CliRunner().invoke(app, ["zone", str(folder), "--out", str(tmp_path / "z2"), "--together", "城关镇,白沙乡"])
    assert res.exit_code == 2 and "--together" in res.output and "白沙乡" in res.output


def test_lat_lon_swapped_are_refused_with_a_hint(tmp_path):
    book = base_book()
    tw = book["townships"]
    for r in tw.rows:
        r[3], r[4] = r[4], r[3]
    problems = refused(write_csv_folder(book, tmp_path / "s"))
    assert any("swapped" in p.render("en") for p in problems), [p.render("en") for p in problems]


def test_header_only_adjacency_sheet_means_not_given(tmp_path):
    """A template's 相邻乡镇 sheet left empty: the adjacency fall-back applies, not 'no neighbours'."""
    book = chinese_book()
    t = zoneplan.load(write_xlsx(book, tmp_path / "b.xlsx", extra_sheets={"相邻乡镇": [["乡镇", "相邻乡镇"]]}))
    assert t.adjacency is None
    assert any("read as not given" in i.what for i in t.quality.notes)


def test_old_excel_xls_with_merged_cells_and_a_title(clean):
    """An .xls (Excel 97-2003, as WPS still saves) made by LibreOffice from the Chinese workbook
    with the county merged and a title line: read exactly like the CSV folder."""
    t = zoneplan.load(Path(__file__).parent / "data" / "county_old_excel.xls")
    same_tables(t, clean)
    notes = " | ".join(i.render("en") for i in t.quality.notes)
    assert "merged cells filled with their value: C2:C7" in notes and "taken as a title" in notes
