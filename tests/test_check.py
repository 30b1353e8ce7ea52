"""Tests for the independent plan checker (:mod:`zoneplan.check`).

Every test starts from one small hand-checkable instance (five townships, six
investigators, three cases) and a valid plan, then breaks one rule.

Townships (all lat 30.0 unless said): T1 (120.00), T2 (120.10), T3 (120.20) of county K,
zone Z1; T4 (lat 30.10, lon 120.00) of county K, zone Z2; T5 (lat 31.0, lon 121.0) of
county M, zone Z3.  Travel table: T1->T2 20.4, T3->T1 30.5, T2->T3 12.0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from zoneplan.check import RULES, CheckReport, Violation, check, travel_minutes
from zoneplan.data.contract import TABLES
from zoneplan.data.tables import Tables
from zoneplan.geo import estimated_minutes
from zoneplan.options import RuleOptions


# ----------------------------------------------------------------------- helpers


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A normalised DataFrame for ``table``: contract columns, defaults, contract types."""
    spec = TABLES[table]
    data = {}
    for col in spec.columns:
        values = [r.get(col.name, col.default) for r in rows]
        if col.kind == "list":
            data[col.name] = pd.Series([tuple(sorted(v)) for v in values], dtype=object)
        elif col.kind == "bool":
            data[col.name] = np.asarray(values, dtype=bool)
        elif col.kind == "int":
            data[col.name] = np.asarray(values, dtype=np.int64)
        elif col.kind == "float":
            data[col.name] = np.asarray(values, dtype=np.float64)
        else:
            data[col.name] = pd.Series([str(v) for v in values], dtype=str)
    return pd.DataFrame(data, columns=[c.name for c in spec.columns])


TOWNSHIPS = [
    dict(township_id="T1", county="K", zone="Z1", lat=30.0, lon=120.0),
    dict(township_id="T2", county="K", zone="Z1", lat=30.0, lon=120.1),
    dict(township_id="T3", county="K", zone="Z1", lat=30.0, lon=120.2),
    dict(township_id="T4", county="K", zone="Z2", lat=30.1, lon=120.0),
    dict(township_id="T5", county="M", zone="Z3", lat=31.0, lon=121.0),
]
TRAVEL = [
    {"from": "T1", "to": "T2", "minutes": 20.4},
    {"from": "T3", "to": "T1", "minutes": 30.5},
    {"from": "T2", "to": "T3", "minutes": 12.0},
]
INVESTIGATORS = [
    dict(investigator_id="I1", township_id="T2", skills=("audit",), can_lead=True, current_workload=0.5),
    dict(investigator_id="I2", township_id="T3", skills=("law",), current_workload=1.0),
    dict(investigator_id="I3", township_id="T1", level="county", skills=("audit", "law"), can_lead=True,
         current_workload=2.0),
    dict(investigator_id="I4", township_id="T1", skills=("law",), current_workload=5.0),
    dict(investigator_id="I5", township_id="T4", skills=("law",)),
    dict(investigator_id="I6", township_id="T5", level="county", can_lead=True),
]
CASES = [
    dict(case_id="C1", township_id="T1", village="V1", subject_id="S1", team_size=2,
         required_skills=("audit", "law"), needs_lead=True, priority=3, workload=2.0),
    dict(case_id="C2", township_id="T1", village="V2", team_size=2, escalated=True, priority=2, workload=1.5),
    dict(case_id="C3", township_id="T2", team_size=2, needs_lead=False, priority=5, workload=1.0),
]
VALID = [
    ("C1", "I1", "lead", 20.4),
    ("C1", "I2", "member", 30.5),
    ("C2", "I3", "lead", 0.0),
    ("C2", "I2", "member", 30.5),
]


def make_tables(townships=None, investigators=None, cases=None, relations=(), conflicts=(),
                travel=TRAVEL, edit_inv=None, edit_case=None) -> Tables:
    """The base instance; ``edit_inv``/``edit_case`` map an id to field overrides."""
    invs = [dict(r, **(edit_inv or {}).get(r["investigator_id"], {})) for r in (investigators or INVESTIGATORS)]
    css = [dict(r, **(edit_case or {}).get(r["case_id"], {})) for r in (cases or CASES)]
    return Tables(
        townships=frame("townships", townships or TOWNSHIPS),
        investigators=frame("investigators", invs),
        cases=frame("cases", css),
        relations=frame("relations", [dict(a=a, b=b, relation=r) for a, b, r in relations]),
        conflicts=frame("conflicts", [dict(investigator_id=i, case_id=c, reason=r) for i, c, r in conflicts]),
        travel=frame("travel", list(travel)) if travel is not None else None,
    )


def plan(rows=VALID) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["case_id", "investigator_id", "role", "travel_minutes"])


def replace(rows, case, old, new, role=None, minutes=float("nan")):
    """``rows`` with investigator ``old`` on ``case`` replaced by ``new``."""
    out = []
    for c, i, r, m in rows:
        if c == case and i == old:
            out.append((c, new, role or r, minutes))
        else:
            out.append((c, i, r, m))
    return out


def found(report: CheckReport) -> set[tuple[str, str, str]]:
    return {(v.rule, v.case_id, v.investigator_id) for v in report.violations}


def only(report: CheckReport, rule: str) -> list[Violation]:
    assert {v.rule for v in report.violations} == {rule}, report.to_frame()
    return report.violations


# ----------------------------------------------------------------------- valid plan


def test_valid_plan_and_objective():
    """The valid plan breaks no rule.

    staffed = priority C1 + C2 = 3 + 2 = 5 (C3 has no team);
    workloads: I1 0.5 + 2.0 = 2.5; I2 1.0 + 2.0 + 1.5 = 4.5; I3 2.0 + 1.5 = 3.5;
    idle I4 5.0; I5 0; I6 0 -> max_workload = 5.0 (an idle investigator counts);
    travel: I1 T2->T1 20.4 (table T1->T2, reversed) -> 20; I2 T3->T1 30.5 -> 31 (half up);
    I3 T1->T1 0 -> 0; I2 again 31 -> 20 + 31 + 0 + 31 = 82.
    """
    report = check(make_tables(), plan())
    assert report.ok, report.to_frame()
    assert report.objective == {"staffed": 5.0, "max_workload": 5.0, "travel": 82}
    assert isinstance(report.objective["travel"], int)
    assert report.staffed_cases == ["C1", "C2"]
    assert report.unstaffed_cases == ["C3"]
    assert report.to_frame().empty
    assert list(report.to_frame().columns) == ["rule", "case_id", "investigator_id", "detail"]


def test_empty_plan():
    report = check(make_tables(), plan([]))
    assert report.ok
    assert report.objective == {"staffed": 0.0, "max_workload": 5.0, "travel": 0}
    assert report.unstaffed_cases == ["C1", "C2", "C3"]


def test_no_investigators_max_workload_zero():
    t = make_tables()
    t = Tables(townships=t.townships, investigators=t.investigators.iloc[:0], cases=t.cases,
               relations=t.relations, conflicts=t.conflicts, travel=t.travel)
    assert check(t, plan([])).objective["max_workload"] == 0.0


def test_inputs_not_modified():
    t = make_tables()
    p = plan()
    before_p, before_inv = p.copy(), t.investigators.copy()
    check(t, p)
    pd.testing.assert_frame_equal(p, before_p)
    pd.testing.assert_frame_equal(t.investigators, before_inv)


def test_rule_ids_are_declared():
    report = check(make_tables(), plan(VALID + [("C9", "I1", "boss", 1.0)]))
    assert {v.rule for v in report.violations} <= set(RULES)


# ----------------------------------------------------------------------- travel


def test_travel_table_both_directions_same_township_and_estimate():
    t = make_tables()
    got = travel_minutes(t, ["T1", "T2", "T1", "T3", "T1", "T1"], ["T2", "T1", "T3", "T1", "T1", "T4"])
    # 0.1 degree of latitude = 6371.0088 * pi / 180 * 0.1 = 11.1195 km; x 1.3 / 40 x 60 = 21.683
    expected_est = 6371.0088 * math.pi / 180 * 0.1 * 1.3 / 40 * 60
    assert got[:5].tolist() == [20.4, 20.4, 30.5, 30.5, 0.0]
    assert got[5] == pytest.approx(expected_est, rel=1e-9)
    assert got[5] == pytest.approx(21.683, abs=1e-3)


def test_travel_forward_entry_wins_and_no_table():
    t = make_tables(travel=TRAVEL + [{"from": "T2", "to": "T1", "minutes": 25.0}])
    assert travel_minutes(t, ["T2", "T1"], ["T1", "T2"]).tolist() == [25.0, 20.4]
    t = make_tables(travel=None)
    got = travel_minutes(t, ["T1", "T2"], ["T2", "T2"])
    assert got[0] == pytest.approx(float(estimated_minutes(30.0, 120.0, 30.0, 120.1)))
    assert got[1] == 0.0


def test_travel_unknown_township_is_nan():
    got = travel_minutes(make_tables(), ["T1", "T9"], ["T9", "T9"])
    assert np.isnan(got[0]) and got[1] == 0.0


# ----------------------------------------------------------------------- pair rules


def test_cross_check_and_allow_own_township():
    rows = replace(VALID, "C1", "I2", "I4")  # I4 is township staff posted in T1, the case's township
    (v,) = only(check(make_tables(), plan(rows)), "cross-check")
    assert (v.case_id, v.investigator_id) == ("C1", "I4")
    assert "T1" in v.detail
    assert check(make_tables(), plan(rows), RuleOptions(allow_own_township=True)).ok


def test_cross_check_exempts_county_staff():
    # I3 is county-level and posted in T1; C2 is in T1: valid plan already covers it
    assert check(make_tables(), plan()).ok


def test_home_township():
    report = check(make_tables(edit_inv={"I2": {"home_township": "T1"}}), plan())
    assert found(report) == {("home", "C1", "I2"), ("home", "C2", "I2")}


def test_home_village_as_written():
    report = check(make_tables(edit_inv={"I1": {"home_village": "V1"}}), plan())
    (v,) = only(report, "home")
    assert (v.case_id, v.investigator_id) == ("C1", "I1")
    assert "V1" in v.detail
    # empty case village never matches an empty home village; "v1" is another village
    assert check(make_tables(edit_inv={"I1": {"home_village": "v1"}}), plan()).ok


def test_kin_path_at_two_hops():
    rel = [("I1", "P9", "夫妻"), ("P9", "S1", "兄弟")]
    (v,) = only(check(make_tables(relations=rel), plan()), "kin")
    assert (v.case_id, v.investigator_id) == ("C1", "I1")
    assert v.detail == "I1 -[夫妻]- P9 -[兄弟]- S1 (2 hops)"


def test_kin_not_at_three_hops_with_max_hops_two():
    rel = [("I1", "P8", "同学"), ("P9", "P8", "同事"), ("S1", "P9", "兄弟")]  # direction does not matter
    assert check(make_tables(relations=rel), plan(), RuleOptions(max_hops=2)).ok
    (v,) = only(check(make_tables(relations=rel), plan(), RuleOptions(max_hops=3)), "kin")
    assert v.detail == "I1 -[同学]- P8 -[同事]- P9 -[兄弟]- S1 (3 hops)"


def test_kin_subject_is_the_investigator():
    report = check(make_tables(edit_case={"C1": {"subject_id": "I2"}}), plan(), RuleOptions(max_hops=0))
    (v,) = only(report, "kin")
    assert (v.case_id, v.investigator_id) == ("C1", "I2")
    assert "0 hops" in v.detail


def test_kin_ignores_cases_without_subject():
    rel = [("I3", "P1", "夫妻")]  # C2 has no subject
    assert check(make_tables(relations=rel), plan()).ok


def test_declared_quotes_reason():
    (v,) = only(check(make_tables(conflicts=[("I2", "C1", "曾在该村任职")]), plan()), "declared")
    assert (v.case_id, v.investigator_id) == ("C1", "I2")
    assert "曾在该村任职" in v.detail


def test_pool_zones_vs_max_travel():
    rows = replace(VALID, "C1", "I2", "I5")  # I5 is posted in T4, zone Z2; C1 is in T1, zone Z1
    (v,) = only(check(make_tables(), plan(rows)), "pool")
    assert (v.case_id, v.investigator_id) == ("C1", "I5")
    assert "Z2" in v.detail and "Z1" in v.detail
    # without zones: T4 -> T1 is an estimated 21.7 minutes, same county
    assert check(make_tables(), plan(rows), RuleOptions(use_zones=False)).ok
    report = check(make_tables(), plan(rows), RuleOptions(use_zones=False, max_travel=21))
    assert found(report) == {("pool", "C1", "I5"), ("pool", "C2", "I2")}  # 21.7 and 30.5 minutes
    (v,) = [v for v in report.violations if v.investigator_id == "I5"]
    assert "21.7 road minutes from T4 to T1 > max_travel 21.0" in v.detail


def test_pool_case_township_without_zone_uses_travel():
    towns = [dict(t, zone="") if t["township_id"] == "T1" else t for t in TOWNSHIPS]
    rows = replace(VALID, "C1", "I2", "I5")
    assert check(make_tables(townships=towns), plan(rows)).ok
    report = check(make_tables(townships=towns), plan(rows), RuleOptions(max_travel=10))
    # C1 (T1, no zone) by travel: I1 20.4 and I5 21.7 minutes > 10; C2 (T1) too: I2 30.5
    assert found(report) == {("pool", "C1", "I1"), ("pool", "C1", "I5"), ("pool", "C2", "I2")}


def test_pool_cross_county():
    invs = INVESTIGATORS + [dict(investigator_id="I7", township_id="T5", skills=("law",))]
    rows = replace(VALID, "C1", "I2", "I7")
    loose = RuleOptions(use_zones=False, max_travel=1000)
    (v,) = only(check(make_tables(investigators=invs), plan(rows), loose), "pool")
    assert "cross_county" in v.detail
    assert check(make_tables(investigators=invs), plan(rows), loose.model_copy(update={"cross_county": True})).ok


def test_pool_county_staff_stay_in_county():
    rows = replace(VALID, "C2", "I3", "I6")  # I6 is county staff of county M
    opts = RuleOptions(cross_county=True, use_zones=False, max_travel=1000)
    (v,) = only(check(make_tables(), plan(rows), opts), "pool")
    assert (v.case_id, v.investigator_id) == ("C2", "I6")


def test_available():
    (v,) = only(check(make_tables(edit_inv={"I1": {"available": False}}), plan()), "team.available")
    assert (v.case_id, v.investigator_id) == ("C1", "I1")


# ----------------------------------------------------------------------- team rules


def test_team_size_too_few_and_too_many():
    rows = [r for r in VALID if r[:2] != ("C2", "I2")]
    (v,) = only(check(make_tables(), plan(rows)), "team.size")
    assert (v.case_id, v.investigator_id) == ("C2", "")
    report = check(make_tables(), plan(rows))
    assert report.objective["staffed"] == 3.0 and report.unstaffed_cases == ["C2", "C3"]

    rows = VALID + [("C1", "I5", "member", float("nan"))]
    report = check(make_tables(), plan(rows), RuleOptions(use_zones=False))
    (v,) = only(report, "team.size")
    assert v.case_id == "C1" and "3 members" in v.detail
    assert report.objective["staffed"] == 2.0


def test_team_skills():
    report = check(make_tables(edit_case={"C1": {"required_skills": ("audit", "finance", "law")}}), plan())
    (v,) = only(report, "team.skills")
    assert v.case_id == "C1" and v.detail.endswith("finance")


def test_team_lead_missing_and_cannot_lead():
    rows = replace(VALID, "C1", "I1", "I1", role="member", minutes=20.4)
    (v,) = only(check(make_tables(), plan(rows)), "team.lead")
    assert (v.case_id, v.investigator_id) == ("C1", "")
    rows = replace(rows, "C1", "I2", "I2", role="lead", minutes=30.5)
    (v,) = only(check(make_tables(), plan(rows)), "team.lead")
    assert (v.case_id, v.investigator_id) == ("C1", "I2") and "can_lead" in v.detail


def test_team_lead_two_leads_and_lead_not_wanted():
    rows = replace(VALID, "C1", "I2", "I2", role="lead", minutes=30.5)
    report = check(make_tables(edit_inv={"I2": {"can_lead": True}}), plan(rows))
    assert found(report) == {("team.lead", "C1", "")}
    report = check(make_tables(edit_case={"C1": {"needs_lead": False}}), plan())
    assert found(report) == {("team.lead", "C1", "I1")}


def test_team_escalated():
    rows = [("C1", "I1", "lead", 20.4), ("C1", "I2", "member", 30.5),
            ("C2", "I1", "lead", 20.4), ("C2", "I2", "member", 30.5)]
    (v,) = only(check(make_tables(), plan(rows)), "team.escalated")
    assert (v.case_id, v.investigator_id) == ("C2", "I1")


def test_escalated_needs_lead_even_without_needs_lead():
    rows = replace(VALID, "C2", "I3", "I3", role="member", minutes=0.0)
    report = check(make_tables(edit_case={"C2": {"needs_lead": False}}), plan(rows))
    assert found(report) == {("team.lead", "C2", "")}


def test_team_capacity():
    (v,) = only(check(make_tables(edit_inv={"I2": {"current_cases": 1}}), plan()), "team.capacity")
    assert (v.case_id, v.investigator_id) == ("", "I2")
    assert "2 planned cases (C1, C2) + 1 current = 3 > max_cases 2" == v.detail


# ----------------------------------------------------------------------- plan format


def test_plan_unknown():
    rows = VALID + [("C9", "I1", "member", 1.0), ("C3", "I99", "member", 1.0)]
    report = check(make_tables(), plan(rows))
    assert found(report) == {("plan.unknown", "C9", "I1"), ("plan.unknown", "C3", "I99")}
    assert report.objective["travel"] == 82  # unknown rows take no part


def test_plan_duplicate():
    report = check(make_tables(), plan(VALID + [VALID[0]]))
    (v,) = only(report, "plan.duplicate")
    assert (v.case_id, v.investigator_id) == ("C1", "I1") and "rows 1, 5" in v.detail
    assert report.objective == {"staffed": 5.0, "max_workload": 5.0, "travel": 82}


def test_plan_role():
    rows = replace(VALID, "C1", "I2", "I2", role="boss", minutes=30.5)
    (v,) = only(check(make_tables(), plan(rows)), "plan.role")
    assert (v.case_id, v.investigator_id) == ("C1", "I2") and "'boss'" in v.detail


@pytest.mark.parametrize("missing", ["case_id", "investigator_id", "role"])
def test_plan_format_missing_column(missing):
    p = plan().drop(columns=[missing])
    report = check(make_tables(), p)
    assert ("plan.format", "", "") in found(report)
    assert all(v.rule == "plan.format" for v in report.violations)


def test_plan_without_travel_column_is_fine():
    report = check(make_tables(), plan().drop(columns=["travel_minutes"]))
    assert report.ok and report.objective["travel"] == 82


def test_plan_travel():
    rows = replace(VALID, "C1", "I1", "I1", minutes=25.0)
    (v,) = only(check(make_tables(), plan(rows)), "plan.travel")
    assert (v.case_id, v.investigator_id) == ("C1", "I1") and "20.40" in v.detail
    # NaN is not checked; within 0.05 is accepted
    assert check(make_tables(), plan(replace(VALID, "C1", "I1", "I1"))).ok
    assert check(make_tables(), plan(replace(VALID, "C1", "I1", "I1", minutes=20.44))).ok


def test_plan_travel_not_a_number():
    rows = replace(VALID, "C1", "I1", "I1", minutes="far")
    (v,) = only(check(make_tables(), plan(rows)), "plan.format")
    assert (v.case_id, v.investigator_id) == ("C1", "I1")


def test_to_frame_sorted():
    rows = VALID + [("C9", "I1", "member", 1.0), ("C1", "I1", "lead", 20.4)]
    df = check(make_tables(edit_inv={"I2": {"available": False}}), plan(rows)).to_frame()
    assert df.equals(df.sort_values(["rule", "case_id", "investigator_id", "detail"], ignore_index=True))
    assert set(df["rule"]) == {"plan.unknown", "plan.duplicate", "team.available"}


def _numbered(value: str) -> str:
    """The instance's ids as a roster with number ids has them: I4 -> 104, C1 -> 71, S1 -> 901."""
    return {"I": "10", "C": "7", "S": "90", "P": "80"}[value[0]] + value[1:] if value and value[0] in "ICSP" else value


@pytest.mark.parametrize("as_read", ["text", "int64", "object ints", "float"])
def test_a_plan_with_number_ids_gets_the_same_verdict(as_read):
    """Ids that are numbers (a plan read back with ``pd.read_csv``: int64) name the same
    people and cases as the tables' text ids: every conflict is still found.  I4 is posted
    in C1's township (cross-check), I1 is kin of C1's subject, I2 declared a recusal on C1.
    Float ids (a blank cell in the column) are not guessed at: ``71.0`` is an unknown case,
    never a plan that passes."""
    rel = [(_numbered("I1"), _numbered("P9"), "夫妻"), (_numbered("P9"), _numbered("S1"), "兄弟")]
    invs = [dict(r, investigator_id=_numbered(r["investigator_id"])) for r in INVESTIGATORS]
    cases = [dict(r, case_id=_numbered(r["case_id"]), subject_id=_numbered(r.get("subject_id", ""))) for r in CASES]
    t = make_tables(investigators=invs, cases=cases, relations=rel, conflicts=[("102", "71", "曾在该村任职")])
    rows = [(_numbered(c), _numbered(i), r, m) for c, i, r, m in replace(VALID, "C1", "I2", "I4")]
    rows.append(("71", "102", "member", float("nan")))  # a third member, the declared one
    p = plan(rows)
    if as_read != "text":
        kind = {"int64": "int64", "object ints": object, "float": "float64"}[as_read]
        p = p.assign(case_id=[int(x) for x in p["case_id"]], investigator_id=[int(x) for x in p["investigator_id"]])
        p = p.astype({"case_id": kind, "investigator_id": kind})
    report = check(t, p)
    if as_read == "float":
        assert not report.ok and {v.rule for v in report.violations} == {"plan.unknown"}
        assert "unknown case_id '71.0'" in {v.detail.split(" (")[0] for v in report.violations}
        return
    got = {x for x in found(report) if x[0] in ("cross-check", "kin", "declared")}
    assert got == {("cross-check", "71", "104"), ("kin", "71", "101"), ("declared", "71", "102")}
