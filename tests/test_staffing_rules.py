"""One hand-checkable instance per hard rule.

Layout (one county K, explicit road minutes): townships A, B, C, D.
A-B 10 min, A-C 50, B-C 40, A-D 80, B-D 75, C-D 60.  The case X is in A (village A-v1,
subject S1), team of 1, no lead needed.  Investigator ``near`` is posted in B (10 min) and
``far`` in C (50 min); without conflicts ``near`` is chosen (travel 10).  Each test gives
``near`` one conflict: then ``far`` must be chosen (travel 50), and with ``far`` gone the
case is unstaffed with a reason naming the rule.
"""

from __future__ import annotations

import pytest

import zoneplan
from zoneplan import RuleOptions

from conftest import make_tables

TRAVEL = [("A", "B", 10), ("A", "C", 50), ("B", "C", 40), ("A", "D", 80), ("B", "D", 75), ("C", "D", 60)]


def towns(zones=("", "", "", ""), counties=("K", "K", "K", "K")):
    coords = [(37.0, 117.0), (37.02, 117.0), (37.1, 117.0), (37.2, 117.0)]
    return [dict(township_id=t, name=f"{t} Town", county=c, lat=la, lon=lo, villages=3, zone=z)
            for t, (la, lo), z, c in zip("ABCD", coords, zones, counties)]


def person(pid, township, **kw):
    row = dict(investigator_id=pid, name=pid, township_id=township, level="township", home_township=township,
               home_village="", skills="", can_lead="true", max_cases=2, available="true")
    row.update(kw)
    return row


CASE = dict(case_id="X", township_id="A", village="A-v1", subject_id="S1", team_size=1, required_skills="",
            needs_lead="false", escalated="false", priority=1, workload=1.0)


def solve(investigators, cases=(CASE,), rules=None, **kw):
    t = make_tables(kw.pop("townships", towns()), list(investigators), list(cases), travel=TRAVEL, **kw)
    return t, zoneplan.staff(t, rules)


def chosen(result, case="X"):
    a = result.assignments
    return sorted(a.loc[a["case_id"] == case, "investigator_id"])


def test_baseline_takes_the_nearest():
    """No conflict: ``near`` (10 min) beats ``far`` (50 min)."""
    _, r = solve([person("near", "B"), person("far", "C")])
    assert r.status == "OPTIMAL"
    assert chosen(r) == ["near"]
    assert r.objective["travel"] == 10


# each variant: (rule word in the reason, how ``near`` is conflicted, extra table kwargs)
VARIANTS = {
    "cross-check": ("posted locally", dict(township_id="A", home_township="B"), {}),
    "home-township": ("from the case's township or village", dict(home_township="A"), {}),
    "home-village": ("from the case's township or village", dict(home_village="A-v1"), {}),
    "kin": ("kin of the subject", {}, dict(relations=[("S1", "P9", "兄弟"), ("P9", "near", "夫妻")])),
    "declared": ("declared a conflict", {}, dict(conflicts=[("near", "X", "former classmate")])),
    "unavailable": ("unavailable", dict(available="false"), {}),
    "no-capacity": ("no capacity left", dict(max_cases=1, current_cases=1), {}),
}


@pytest.mark.parametrize("rule", sorted(VARIANTS))
def test_conflicted_cheapest_is_never_chosen(rule):
    """``near`` would save 40 minutes but is conflicted: ``far`` is chosen, travel 50."""
    _, kw, extra = VARIANTS[rule]
    kw = dict(kw)
    near = person("near", kw.pop("township_id", "B"), **kw)
    t, r = solve([near, person("far", "C")], **extra)
    assert chosen(r) == ["far"]
    assert r.objective["travel"] == 50
    assert zoneplan.check(t, r.assignments).ok


@pytest.mark.parametrize("rule", sorted(VARIANTS))
def test_only_conflicted_left_means_unstaffed_with_reason(rule):
    """With ``far`` gone the case cannot be staffed at all, and the reason counts the rule."""
    word, kw, extra = VARIANTS[rule]
    kw = dict(kw)
    near = person("near", kw.pop("township_id", "B"), **kw)
    _, r = solve([near], **extra)
    assert len(r.assignments) == 0
    reason = r.unstaffed.set_index("case_id").loc["X", "reason"]
    assert reason.startswith("cannot be staffed at all: needs 1, only 0 eligible")
    assert word in reason


def test_kin_at_three_hops_is_allowed():
    """max_hops=2: a 3-hop relative is not excluded (the chain S1-P8-P9-near)."""
    rel = [("S1", "P8", "父子"), ("P8", "P9", "兄弟"), ("P9", "near", "夫妻")]
    _, r = solve([person("near", "B"), person("far", "C")], relations=rel)
    assert chosen(r) == ["near"]
    _, r3 = solve([person("near", "B"), person("far", "C")], relations=rel, rules=RuleOptions(max_hops=3))
    assert chosen(r3) == ["far"]


def test_kin_path_is_named():
    t = make_tables(towns(), [person("near", "B")], [CASE], travel=TRAVEL,
                    relations=[("S1", "P9", "兄弟"), ("P9", "near", "夫妻")])
    el = zoneplan.build_eligibility(t)
    reasons = dict(el.explain_pair("near", "X"))
    assert reasons["kin"] == "near -[夫妻]- P9 -[兄弟]- S1 (2 hops)"


def test_allow_own_township_switch():
    """With the cross-check rule off, the staff of A (0 minutes) may take A's case."""
    own = person("own", "A", home_township="B")
    _, r = solve([own, person("far", "C")])
    assert chosen(r) == ["far"]
    _, r2 = solve([own, person("far", "C")], rules=RuleOptions(allow_own_township=True))
    assert chosen(r2) == ["own"]
    assert r2.objective["travel"] == 0


def test_county_level_staff_are_exempt_from_cross_check():
    """A county-level investigator posted at the seat A may work a case in A (0 minutes)."""
    seat = person("seat", "A", level="county", home_township="D")
    _, r = solve([seat, person("far", "C")])
    assert chosen(r) == ["seat"]


def test_pool_travel_radius():
    """Without zones the pool reaches 90 minutes: D is 80 min away (in), with 70 it is out."""
    case_d = dict(CASE, case_id="X", township_id="A")
    _, r = solve([person("d", "D")], cases=[case_d])
    assert chosen(r) == ["d"]
    _, r2 = solve([person("d", "D")], cases=[case_d], rules=RuleOptions(max_travel=70))
    assert chosen(r2) == []
    assert "nobody is in its pool" in r2.unstaffed["reason"].iat[0]


def test_pool_zone_beats_travel():
    """With zones, only the case zone's township staff: B (10 min) is in another zone."""
    t, r = solve([person("near", "B"), person("far", "C")], townships=towns(zones=("Z1", "Z2", "Z1", "Z2")))
    assert chosen(r) == ["far"]
    assert dict(zoneplan.build_eligibility(t).explain_pair("near", "X"))["pool"].startswith("posted in zone Z2")


def test_pool_never_crosses_county():
    """B is 10 minutes away but in county L: excluded; county-level staff of L too."""
    counties = ("K", "L", "K", "K")
    kl = person("kl", "B", level="county", home_township="D")
    _, r = solve([person("near", "B"), kl, person("far", "C")], townships=towns(counties=counties))
    assert chosen(r) == ["far"]
    # --cross-county lets township staff of L in (county-level staff of L never)
    t, r = solve([person("near", "B"), kl], townships=towns(counties=counties), rules=RuleOptions(cross_county=True))
    assert chosen(r) == ["near"]
    t, r = solve([kl], townships=towns(counties=counties), rules=RuleOptions(cross_county=True))
    assert chosen(r) == []


def test_escalated_needs_a_county_lead():
    """Escalated case, team 2: the township lead is not enough; the county lead leads."""
    case = dict(CASE, team_size=2, needs_lead="true", escalated="true")
    county = person("cty", "D", level="county", home_township="D")
    _, r = solve([person("near", "B"), county, person("far", "C", can_lead="false")], cases=[case])
    a = r.assignments.set_index("investigator_id")
    assert a.loc["cty", "role"] == "lead"
    _, r2 = solve([person("near", "B"), person("far", "C")], cases=[case])
    assert r2.unstaffed["reason"].iat[0] == (
        "cannot be staffed at all: no eligible county-level lead for an escalated case")


def test_skill_must_be_covered():
    """finance is required: only ``far`` has it, so ``far`` goes although ``near`` is closer."""
    case = dict(CASE, required_skills="finance")
    _, r = solve([person("near", "B"), person("far", "C", skills="finance;law")], cases=[case])
    assert chosen(r) == ["far"]
    _, r2 = solve([person("near", "B")], cases=[case])
    assert "skill finance not in the eligible pool" in r2.unstaffed["reason"].iat[0]


def test_no_half_teams():
    """Team of 3 with 2 eligible: nobody is assigned at all."""
    case = dict(CASE, team_size=3)
    _, r = solve([person("near", "B"), person("far", "C")], cases=[case])
    assert len(r.assignments) == 0
    assert "needs 3, only 2 eligible" in r.unstaffed["reason"].iat[0]


def test_joint_skill_and_lead_infeasibility_is_explained():
    """Team of 2 needs finance and law and a lead; the only lead has neither and the two
    specialists cannot both join with him: the one-case test finds it infeasible."""
    case = dict(CASE, team_size=2, needs_lead="true", required_skills="finance;law")
    people = [person("lead", "B", can_lead="true"), person("f", "C", skills="finance", can_lead="false"),
              person("l", "C", skills="law", can_lead="false")]
    _, r = solve(people, cases=[case])
    assert len(r.assignments) == 0
    assert r.unstaffed["reason"].iat[0] == ("cannot be staffed at all: no team of 2 from its 3 eligible people "
                                            "has a lead and skill finance and skill law together")


def test_capacity_loss_names_the_competitor():
    """One person, max 1 case, two cases: priority 3 wins, priority 1 is lost to it."""
    c1 = dict(CASE, case_id="X", priority=1)
    c2 = dict(CASE, case_id="Y", priority=3)
    _, r = solve([person("near", "B", max_cases=1)], cases=[c1, c2])
    assert chosen(r, "Y") == ["near"]
    reason = r.unstaffed.set_index("case_id").loc["X", "reason"]
    assert reason.startswith("lost to higher-priority cases under capacity")
    assert "Y (priority 3)" in reason
