"""乡案县审: reviewers for staffed cases, worked by hand, and the independent review checker.

County Q: townships A (the seat), B, C, D; road minutes A-B 10, A-C 20, A-D 30, B-C 15,
B-D 25, C-D 12.  County-level staff K1, K2, K3 are posted at A; township staff b1 (B),
c1 (C) and d1 (D, marked ``can_review``).  Relations: K2 -[夫妻]- S1 (K2 is the spouse of
X1's subject), S2 -[兄弟]- P1 -[同学]- K2 and S2 -[父子]- K3 (K2 is 2 hops and K3 1 hop
from X2's subject).  Plan: X1 (in B) is worked by c1 + K1; X2 (in C) by b1 + K1.

* X1: K1 is on the team, K2 is kin of the subject; K3 and d1 (township staff marked
  can_review, posted in D) are eligible.  K3 at A is 10 minutes away, d1 25: K3 reviews.
* X2: K1 on the team, K2 and K3 kin of the subject; d1 is eligible (12 minutes) and reviews.
  With d1 not a reviewer (can_review false), X2's three county reviewers are all
  conflicted: "1 on the team, 2 kin of the subject".
"""

from __future__ import annotations

import pandas as pd
import pytest

import zoneplan
from zoneplan import ReviewOptions, RuleOptions, check_reviews, review

from conftest import make_tables

TRAVEL = [("A", "B", 10), ("A", "C", 20), ("A", "D", 30), ("B", "C", 15), ("B", "D", 25), ("C", "D", 12)]
TOWNS = [dict(township_id=t, name=f"{t}镇", county="Q", lat=37.0 + k / 10, lon=117.0, villages=3, zone="")
         for k, t in enumerate("ABCD")]


def person(pid, township, level="township", **kw):
    row = dict(investigator_id=pid, name=f"{pid}姓名", township_id=township, level=level, home_township="",
               home_village="", skills="", can_lead="true", max_cases=3, available="true", can_review="")
    row.update(kw)
    return row


def case(cid, township, subject, priority=1):
    return dict(case_id=cid, township_id=township, village=f"{township}-v1", subject_id=subject, team_size=2,
                required_skills="", needs_lead="true", escalated="false", priority=priority, workload=1.0)


RELATIONS = [("K2", "S1", "夫妻"), ("S2", "P1", "兄弟"), ("P1", "K2", "同学"), ("S2", "K3", "父子")]
PLAN = pd.DataFrame({"case_id": ["X1", "X1", "X2", "X2"], "investigator_id": ["K1", "c1", "K1", "b1"],
                     "role": ["lead", "member", "lead", "member"]})


def tables(d1_reviews="true", extra_people=(), conflicts=None, cases=None):
    people = [person("K1", "A", "county"), person("K2", "A", "county"), person("K3", "A", "county"),
              person("b1", "B"), person("c1", "C"), person("d1", "D", can_review=d1_reviews), *extra_people]
    return make_tables(TOWNS, people, cases or [case("X1", "B", "S1"), case("X2", "C", "S2")],
                       relations=RELATIONS, travel=TRAVEL, conflicts=conflicts)


def reviewers(result, cid):
    r = result.reviews
    return sorted(r.loc[r["case_id"] == cid, "reviewer_id"])


def test_team_member_and_kin_are_never_chosen():
    t = tables()
    res = review(t, PLAN)
    assert res.status == "OPTIMAL"
    assert reviewers(res, "X1") == ["K3"] and reviewers(res, "X2") == ["d1"]
    assert res.objective == {"reviewed": 2.0, "max_reviews": 1.0, "travel": 10 + 12}
    assert res.bound == res.objective and all(g == 0 for g in res.gap.values())
    assert len(res.unreviewed) == 0
    rows = res.reviews.set_index("case_id")
    assert rows.at["X1", "reviewer_name"] == "K3姓名" and rows.at["X2", "travel_minutes"] == 12.0
    assert check_reviews(t, PLAN, res.reviews).ok


def test_a_case_whose_only_reviewers_are_conflicted_is_explained():
    t = tables(d1_reviews="false")
    res = review(t, PLAN)
    assert reviewers(res, "X1") == ["K3"] and reviewers(res, "X2") == []
    why = res.unreviewed.set_index("case_id")
    assert why.at["X2", "kind"] == "infeasible"
    assert why.at["X2", "reason"] == ("cannot be reviewed at all: needs 1 reviewer; 0 eligible of 3 reviewers of "
                                      "county 'Q': 1 on the team, 2 kin of the subject")
    assert "1 人是办案组成员，2 人与被调查人有亲属等关系" in why.at["X2", "reason_zh"]
    assert res.objective["reviewed"] == 1.0
    assert check_reviews(t, PLAN, res.reviews).ok


def test_can_review_defaults_by_level_and_can_be_set():
    t = tables()
    may = dict(zip(t.investigators["investigator_id"], t.investigators["can_review"]))
    assert may == {"K1": True, "K2": True, "K3": True, "b1": False, "c1": False, "d1": True}
    t2 = tables(extra_people=[person("K4", "A", "county", can_review="否")])
    assert not t2.investigators.set_index("investigator_id").at["K4", "can_review"]


def test_capacity_leaves_the_lower_priority_case_and_names_who_is_full():
    """X1 (priority 1) and X3 (priority 2), both in B; only K3 may review either (K2 is kin of
    S1 and X3's subject is S1 too; d1 is no reviewer).  With max_reviews 1, K3 takes X3."""
    plan = pd.DataFrame({"case_id": ["X1", "X1", "X3", "X3"], "investigator_id": ["K1", "c1", "K1", "c1"],
                         "role": ["lead", "member", "lead", "member"]})
    t = tables(d1_reviews="false", cases=[case("X1", "B", "S1"), case("X3", "B", "S1", priority=2)])
    res = review(t, plan, ReviewOptions(max_reviews=1))
    assert reviewers(res, "X3") == ["K3"] and reviewers(res, "X1") == []
    why = res.unreviewed.set_index("case_id")
    assert why.at["X1", "kind"] == "capacity"
    assert "K3 (X3)" in why.at["X1", "reason"] and "max_reviews 1" in why.at["X1", "reason"]
    assert res.objective["reviewed"] == 2.0
    both = review(t, plan)  # the default capacity of 3: K3 reviews both
    assert both.objective == {"reviewed": 3.0, "max_reviews": 2.0, "travel": 20}


def test_reviews_are_balanced_before_travel_is_saved():
    """Four cases in D, staffed by b1 + c1; reviewers K1 (A, 30 min from D) and d2 (a township
    reviewer posted in C, 12 min).  Travel alone would give d2 three cases (capacity 3); the
    balance level gives each two: max_reviews 2, travel 2 x 30 + 2 x 12 = 84."""
    people = [person("d2", "C", can_review="true")]
    cs = [case(f"Y{k}", "D", "") for k in range(4)]
    plan = pd.DataFrame({"case_id": [c["case_id"] for c in cs for _ in (0, 1)],
                         "investigator_id": ["b1", "c1"] * 4, "role": ["lead", "member"] * 4})
    t = make_tables(TOWNS, [person("K1", "A", "county"), person("b1", "B"), person("c1", "C"), *people], cs,
                    travel=TRAVEL)
    res = review(t, plan)
    assert res.objective == {"reviewed": 4.0, "max_reviews": 2.0, "travel": 84}
    assert sorted(res.load["reviews"]) == [2, 2]
    two = review(t, plan, ReviewOptions(reviewers_per_case=2))
    assert two.objective["max_reviews"] == 3.0 and two.objective["reviewed"] == 3.0  # 6 review slots for 4 cases
    assert check_reviews(t, plan, two.reviews, ReviewOptions(reviewers_per_case=2)).ok


def test_declared_recusal_and_home_exclude_a_reviewer():
    t = tables(conflicts=[("K3", "X1", "曾在该村驻村工作")])
    res = review(t, PLAN)
    assert reviewers(res, "X1") == ["d1"]  # K3 declared; d1 is left
    t2 = make_tables(TOWNS, [person("K1", "A", "county"), person("K2", "A", "county"),
                             person("K3", "A", "county", home_township="B"), person("b1", "B"), person("c1", "C"),
                             person("d1", "D", can_review="true")],
                     [case("X1", "B", "S1"), case("X2", "C", "S2")], relations=RELATIONS, travel=TRAVEL)
    assert reviewers(review(t2, PLAN), "X1") == ["d1"]  # K3 comes from B


def test_same_input_same_reviews():
    t = zoneplan.load(zoneplan_example())
    plan = zoneplan.staff(t).assignments
    a, b = review(t, plan), review(t, plan)
    pd.testing.assert_frame_equal(a.reviews, b.reviews)
    assert a.report(include_timing=False) == b.report(include_timing=False)
    assert a.status == "OPTIMAL" and a.reviewed_cases == 20
    assert check_reviews(t, plan, a.reviews).ok


def zoneplan_example():
    from conftest import EXAMPLES

    return EXAMPLES / "county"


# ------------------------------------------------------------------ the checker, one broken rule at a time

GOOD = pd.DataFrame({"case_id": ["X1", "X2"], "reviewer_id": ["K3", "d1"], "travel_minutes": [10.0, 12.0]})


def rules_of(t, reviews, options=None, rules=None, plan=PLAN):
    return sorted({v.rule for v in check_reviews(t, plan, reviews, options, rules).violations})


@pytest.mark.parametrize("case_id, reviewer, rule", [
    ("X1", "K1", "review.team"),      # K1 is on X1's team
    ("X1", "K2", "kin"),              # spouse of the subject
    ("X2", "K2", "kin"),              # 2 hops
    ("X1", "b1", "review.pool"),      # township staff, can_review blank: not a reviewer
])
def test_checker_flags_one_broken_rule(case_id, reviewer, rule):
    t = tables()
    bad = GOOD.copy()
    bad.loc[bad["case_id"] == case_id, "reviewer_id"] = reviewer
    bad["travel_minutes"] = float("nan")
    got = rules_of(t, bad)
    assert rule in got
    assert rules_of(t, GOOD) == []


def test_checker_flags_the_other_rules():
    t = tables(conflicts=[("K3", "X1", "本人申请回避")],
               extra_people=[person("e1", "C", can_review="true", available="false"),
                             person("f1", "B", can_review="true", home_village="C-v1")])
    r = lambda rows: rules_of(t, pd.DataFrame(rows, columns=["case_id", "reviewer_id"]))  # noqa: E731
    assert r([("X1", "K3"), ("X2", "d1")]) == ["declared"]
    assert r([("X1", "f1"), ("X2", "e1")]) == ["cross-check", "review.available"]  # f1 in B reviews X1 in B
    assert "home" in r([("X1", "d1"), ("X2", "f1")])                              # f1 comes from village C-v1
    assert r([("X1", "d1"), ("X1", "d1"), ("X2", "Z9")]) == ["plan.duplicate", "plan.unknown"]
    assert r([("X1", "d1")]) == []  # X2 unreviewed is no violation
    assert r([("X1", "d1"), ("X2", "d1")]) == []
    assert rules_of(t, pd.DataFrame({"case_id": ["X1", "X2"], "reviewer_id": ["d1", "d1"]}),
                    ReviewOptions(max_reviews=1)) == ["review.capacity"]
    assert rules_of(t, pd.DataFrame({"case_id": ["X1"], "reviewer_id": ["d1"]}),
                    ReviewOptions(reviewers_per_case=2)) == ["review.count"]
    assert rules_of(t, pd.DataFrame({"case_id": ["X1"], "reviewer_id": ["d1"], "travel_minutes": [5.0]})) == \
        ["plan.travel"]
    assert rules_of(t, pd.DataFrame({"case_id": ["X1"], "reviewer_id": ["d1"]}),
                    plan=PLAN[PLAN["case_id"] == "X2"]) == ["review.case"]
    assert rules_of(t, pd.DataFrame({"case": ["X1"]})) == ["plan.format"]
    other = make_tables(TOWNS + [dict(township_id="E", name="E镇", county="R", lat=38.0, lon=118.0, villages=1,
                                      zone="")],
                        [person("K1", "A", "county"), person("R1", "E", "county"), person("c1", "C")],
                        [case("X1", "B", "")])
    assert rules_of(other, pd.DataFrame({"case_id": ["X1"], "reviewer_id": ["R1"]})) == ["review.pool"]


def test_checker_objective_matches_the_solver():
    t = tables()
    res = review(t, PLAN)
    rep = check_reviews(t, PLAN, res.reviews)
    assert rep.objective == {"reviewed": 2.0, "max_reviews": 1.0, "travel": 22}
    assert rep.staffed_cases == ["X1", "X2"]
    assert RuleOptions().max_hops == 2 and rules_of(t, GOOD, rules=RuleOptions(max_hops=0)) == []


# ------------------------------------------------------------------ command line

def test_review_cli_writes_the_files_and_check_review_agrees(tmp_path):
    from typer.testing import CliRunner

    from conftest import EXAMPLES
    from zoneplan.cli import app

    run = CliRunner().invoke
    county = str(EXAMPLES / "county")
    assert run(app, ["staff", county, "--out", str(tmp_path / "p")]).exit_code == 0
    res = run(app, ["review", county, str(tmp_path / "p"), "--out", str(tmp_path / "r"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "20 件已组队线索全部安排了审核人" in res.output
    r = tmp_path / "r"
    assert sorted(p.name for p in r.iterdir()) == ["report.json", "review.xlsx", "review_load.csv", "reviews.csv",
                                                   "summary.txt", "unreviewed.csv"]
    head = (r / "reviews.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head == "case_id,reviewer_id,reviewer_name,level,reviewer_township,case_township,travel_minutes"
    ok = run(app, ["check-review", county, str(tmp_path / "p"), str(r)])
    assert ok.exit_code == 0 and "0 violations" in ok.output
    # a hand-made review by a team member, in Chinese headers and by name: exit 1 naming the rule
    plan = pd.read_csv(tmp_path / "p" / "assignments.csv", dtype=str)
    lead = plan.loc[(plan["case_id"] == "K05") & (plan["role"] == "lead"), "investigator_id"].iloc[0]
    name = zoneplan.load(county).investigators.set_index("investigator_id").at[lead, "name"]
    (tmp_path / "hand.csv").write_text(f"线索编号,审核人\nK05,{name}\n", encoding="utf-8")
    bad = run(app, ["check-review", county, str(tmp_path / "p"), str(tmp_path / "hand.csv")])
    assert bad.exit_code == 1 and "review.team" in bad.output
    # bad input: exit 2, nothing written
    missing = run(app, ["review", county, str(tmp_path / "nothing"), "--out", str(tmp_path / "r2")])
    assert missing.exit_code == 2 and not (tmp_path / "r2").exists()


def test_review_and_leadership_results_follow_the_result_convention():
    """Status as a typed value, levels as a mapping of value/bound/gap/proven, to_dict():
    the same convention as staffing and zoning, so a caller reads every result one way."""
    from conftest import EXAMPLES
    from zoneplan import Levels, Status, assign_leadership

    t = zoneplan.load(EXAMPLES / "county")
    plan = zoneplan.staff(t)
    for res, first in ((review(t, plan.assignments), "reviewed"), (assign_leadership(t), "leader.conflicts")):
        assert isinstance(res.status, Status) and res.status == "OPTIMAL"
        assert isinstance(res.levels, Levels) and next(iter(res.levels)) == first
        lv = res.levels[first]
        assert lv.proven and lv.bound == lv.value and lv.gap == 0
        d = res.to_dict()
        assert d["status"] == "OPTIMAL" and d["level_order"][0] == first and d["objective"][first] == lv.value
