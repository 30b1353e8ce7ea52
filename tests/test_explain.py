"""zoneplan explain DATA PERSON CASE: every rule with its detail, team facts; names or ids; exit codes."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from zoneplan.cli import app

from conftest import EXAMPLES

TUT = str(EXAMPLES / "tutorial")
runner = CliRunner()


def run(*args):
    res = runner.invoke(app, ["explain", *[str(a) for a in args]])
    return res.exit_code, res.output


def rule_line(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if line.strip()[2:].startswith(label))


def test_kin_exclusion_names_the_path():
    code, out = run(TUT, "b1", "X1", "--lang", "en")
    assert code == 0
    assert "Verdict: b1 Bai Yun may NOT work on X1: 1 rule(s) exclude the pair." in out
    assert rule_line(out, "kin").startswith("  ✗ kin")
    assert "Bai Yun (b1) and P1: 同学; P1 and the subject S1: 兄弟 (2 hops apart)" in rule_line(out, "kin")
    # the other rules pass, each with its fact
    assert rule_line(out, "cross-check") == "  ✓ cross-check            posted in Baishui Town (B); the case is in Anle Town (A)"
    assert "posted in the case's zone Z1" in rule_line(out, "pool")


def test_eligible_pair_by_name_with_team_facts():
    code, out = run(TUT, "Kang Li", "X2", "--lang", "en")
    assert code == 0
    assert "Verdict: K2 Kang Li MAY work on X2: no rule excludes the pair." in out
    assert "county-level staff are exempt" in out
    assert "lead: cannot lead (can_lead is no)" in out  # X2 is escalated and K2 cannot lead
    assert "1 of 1 case places free (0 on hand)" in out
    assert "travel: 25 road minutes from Anle Town (A) to Chenji Town (C)" in out


def test_escalated_case_needs_a_county_lead():
    code, out = run(TUT, "a1", "X3", "--lang", "en")  # README: K1, K2 and a1 are X3's only eligible three
    assert code == 0 and "MAY work on X3" in out
    code, out = run(TUT, "b1", "X2", "--lang", "en")  # b1 can lead, but is township-level; and outside Z2
    assert "can lead, but not here: an escalated case needs a county-level lead" in out
    assert "✗ pool (nearby staff)" in out and "posted in zone Z1; the case's township is in zone Z2" in out


def test_several_rules_at_once_and_declared_recusal():
    code, out = run(TUT, "b2", "X3", "--lang", "en")  # b2 is posted in B, X3 is in B
    assert "✗ cross-check" in out and "EXCLUDED: posted in the case's township Baishui Town (B)" in out
    code, out = run(TUT, "c1", "X4", "--lang", "en")
    assert "✗ declared recusal" in out and "declared recusal: former colleague of the subject" in out


def test_chinese_output():
    code, out = run(TUT, "b1", "x1", "--lang", "zh")  # case ids are matched regardless of case
    assert code == 0
    assert "结论：b1 Bai Yun 不能参与线索 X1：1 条规则排除。" in out
    assert "✗ 亲属关系回避  排除：Bai Yun（b1）与P1是同学；P1与被调查人S1是兄弟（相隔 2 层关系）" in out


def test_unknown_person_or_case_exit_2_with_did_you_mean():
    code, out = run(TUT, "b3", "X1", "--lang", "en")
    assert code == 2 and "no person 'b3' in investigators; did you mean: " in out
    assert "b1 (Bai Yun)" in out and "b2 (Bo Tao)" in out
    code, out = run(TUT, "Bai Yu", "X1", "--lang", "en")
    assert code == 2 and "did you mean: b1 (Bai Yun)" in out
    code, out = run(TUT, "b1", "X9", "--lang", "en")
    assert code == 2 and "no case 'X9' in cases; did you mean:" in out and "X1" in out
    assert "Traceback" not in out


def test_a_name_shared_by_two_people_is_refused(tmp_path):
    data = tmp_path / "d"
    shutil.copytree(TUT, data)
    inv = data / "investigators.csv"
    inv.write_text(inv.read_text().replace("c2,Chu Jing", "c2,Cao Min"))
    code, out = run(data, "Cao Min", "X1", "--lang", "en")
    assert code == 2
    assert "2 people are named 'Cao Min': c1 (Cao Min, Chenji Town); c2 (Cao Min, Chenji Town); give the id" in out
    code, out = run(data, "c2", "X1", "--lang", "en")
    assert code == 0
