"""Team conflicts: ``team.kin`` (no two members kin within H hops) and ``team.township``
(at most N township-level members of a team from one township), in the model, the greedy
start, the dense strategy, the explanations and the independent checker.

Instance (county K, road minutes A-B 10, A-C 50, A-D 80): case X in A, team of 2, no
lead needed.  b1, b2 posted in B; c1 in C; d1 in D.  Without team rules X = b1 + b2
(travel 20).  b1 and b2 are spouses: with ``team_kin_hops=1`` the best team is one of
them + c1 (travel 60); the same with ``max_per_township=1`` (both posted in B).
"""

from __future__ import annotations

import pandas as pd
import pytest

import zoneplan
from zoneplan import RuleOptions
from zoneplan.staffing.previous import LockError

from conftest import make_tables
from test_replan import TRAVEL, person, towns

CASE = dict(case_id="X", township_id="A", village="", subject_id="", team_size=2, required_skills="",
            needs_lead="false", escalated="false", priority=1, workload=1.0)
PEOPLE = [person("b1", "B"), person("b2", "B"), person("c1", "C"), person("d1", "D")]


def tables(people=PEOPLE, relations=(("b1", "b2", "夫妻"),)):
    return make_tables(towns(), list(people), [CASE], travel=TRAVEL, relations=list(relations))


def team(r):
    return sorted(r.assignments["investigator_id"])


def plan(*members):
    return pd.DataFrame({"case_id": "X", "investigator_id": list(members), "role": "member"})


def test_without_team_rules_the_spouses_work_together():
    r = zoneplan.staff(tables())
    assert team(r) == ["b1", "b2"] and r.objective["travel"] == 20


def test_team_kin_pair_never_together_and_checker_catches_it():
    t = tables()
    rules = RuleOptions(team_kin_hops=1)
    r = zoneplan.staff(t, rules)
    assert r.status == "OPTIMAL"
    assert set(team(r)) & {"b1", "b2"} != {"b1", "b2"} and "c1" in team(r)
    assert r.objective["travel"] == 60
    bad = zoneplan.check(t, plan("b1", "b2"), rules)
    assert [v.rule for v in bad.violations] == ["team.kin"]
    assert "b1 -[夫妻]- b2 (1 hop)" in bad.violations[0].detail
    assert zoneplan.check(t, plan("b1", "b2")).ok  # the rule is off by default


def test_team_kin_counts_hops():
    """b1 -[同学]- P -[兄弟]- b2: two hops apart; one hop allows them, two forbid."""
    t = tables(relations=[("b1", "P", "同学"), ("P", "b2", "兄弟")])
    assert team(zoneplan.staff(t, RuleOptions(team_kin_hops=1))) == ["b1", "b2"]
    r = zoneplan.staff(t, RuleOptions(team_kin_hops=2))
    assert team(r) != ["b1", "b2"]
    assert [v.rule for v in zoneplan.check(t, plan("b1", "b2"), RuleOptions(team_kin_hops=2)).violations] == \
        ["team.kin"]


def test_max_per_township_respected_and_checked():
    t = tables(relations=())
    rules = RuleOptions(max_per_township=1)
    r = zoneplan.staff(t, rules)
    assert r.objective["travel"] == 60 and "c1" in team(r)
    bad = zoneplan.check(t, plan("b1", "b2"), rules)
    assert [v.rule for v in bad.violations] == ["team.township"]
    assert "2 members posted in B" in bad.violations[0].detail


def test_county_level_staff_are_exempt_from_max_per_township():
    people = [person("k1", "A", level="county", home_township="D"), person("k2", "A", level="county", home_township="D"),
              person("c1", "C")]
    t = tables(people, relations=())
    r = zoneplan.staff(t, RuleOptions(max_per_township=1))
    assert team(r) == ["k1", "k2"]


def test_unstaffed_case_names_the_team_rule():
    """Only b1 and b2 are eligible (c1, d1 unavailable): with the kin rule no team exists."""
    people = PEOPLE[:2] + [person("c1", "C", available="false"), person("d1", "D", available="false")]
    r = zoneplan.staff(tables(people), RuleOptions(team_kin_hops=1))
    assert r.unstaffed["case_id"].tolist() == ["X"]
    assert "team.kin" in r.unstaffed["reason"].iat[0]
    r = zoneplan.staff(tables(people, relations=()), RuleOptions(max_per_township=1))
    assert "team.township" in r.unstaffed["reason"].iat[0]


def test_lock_that_breaks_a_team_rule_is_refused():
    with pytest.raises(LockError, match=r"lock.* break rule team.kin: b1 -\[夫妻\]- b2"):
        zoneplan.staff(tables(), RuleOptions(team_kin_hops=1), previous=plan("b1", "b2"), locks=["X"])
    with pytest.raises(LockError, match="team.township"):
        zoneplan.staff(tables(relations=()), RuleOptions(max_per_township=1), previous=plan("b1", "b2"), locks=["X"])


def test_replan_after_the_rule_is_switched_on():
    """The previous team b1+b2 breaks the new kin rule: one of them stays, c1 joins."""
    r = zoneplan.staff(tables(), RuleOptions(team_kin_hops=1), previous=plan("b1", "b2"))
    assert r.change_summary == {"kept": 1, "added": 1, "removed": 1, "lead_changes": 0, "changes": 2}


def test_dense_strategy_keeps_team_rules_and_changes(monkeypatch):
    """Every part solved by the dense strategy (LP + HiGHS cores) gives the same optima."""
    from zoneplan.staffing import solve as solve_mod

    people = [person(f"b{k}", "B") for k in range(1, 4)] + [person(f"c{k}", "C") for k in range(1, 4)] + \
        [person("d1", "D")]
    cases = [dict(CASE, case_id=f"X{k}") for k in range(1, 5)]
    rel = [("b1", "b2", "夫妻"), ("c1", "c2", "兄弟")]
    t = make_tables(towns(), people, cases, travel=TRAVEL, relations=rel)
    rules = RuleOptions(team_kin_hops=1, max_per_township=1)
    prev = pd.DataFrame([("X1", "b1", "member"), ("X1", "c1", "member"), ("X2", "b2", "member"),
                         ("X2", "c2", "member")], columns=["case_id", "investigator_id", "role"])
    general = zoneplan.staff(t, rules, previous=prev)
    monkeypatch.setattr(solve_mod, "DENSE_PAIRS", 1)
    from zoneplan.staffing import dense as dense_mod

    mips, level_now = [], []
    real_mip, real_sum = dense_mod.solve_mip, dense_mod._dense_sum
    monkeypatch.setattr(dense_mod, "solve_mip", lambda *a, **k: mips.append(level_now[-1:] if a[2] is not None else ["max"]) or real_mip(*a, **k))
    monkeypatch.setattr(dense_mod, "_dense_sum", lambda st, lv, *a, **k: level_now.append(lv.name) or
                        real_sum(st, lv, *a, **k))
    dense = zoneplan.staff(t, rules, previous=prev)
    # the LP bound (with the level's constant, the previous memberships, added back) proves
    # the changes level here: one HiGHS core reaches the LP bound (with the level's constant,
    # the previous memberships, added back), so no second solve is needed to prove it
    assert "changes" in level_now and mips.count(["changes"]) == 1, mips
    assert dense.stats["dense_parts"] >= 1
    assert zoneplan.check(t, dense.assignments, rules).ok
    for name in ("staffed", "changes", "max_workload", "travel"):
        assert dense.objective[name] == general.objective[name], name
    # the changes level is proven from the LP bound, which needs the level's constant back
    lv = dense.levels["changes"]
    assert lv.proven and lv.bound == lv.value == general.levels["changes"].value
