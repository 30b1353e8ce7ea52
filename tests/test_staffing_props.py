"""Property tests on random small instances, against a brute-force oracle.

* every plan the solver emits passes the independent checker;
* on tiny instances every objective order, and the weighted objective, reach the optimum
  of a brute-force enumeration whose notion of a valid team is the checker's own -- under
  random rule options (zones or none, travel radius, cross-county pools, own township,
  kin hops) and over two counties (several independent parts);
* the dense-part strategy (LP column generation + exact cores) reaches the same optima;
* proven levels have ``bound == value``; an OPTIMAL result has every level proven.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import zoneplan
from zoneplan import RuleOptions, SolveOptions
from zoneplan.check import travel_minutes

from conftest import make_tables

TOWNS = ["A", "B", "C", "D"]
COUNTY = {"A": "K1", "B": "K1", "C": "K1", "D": "K2"}
ORDERS = list(itertools.permutations(("staffed", "max_workload", "travel")))


def _towns(zones) -> list[dict]:
    """Townships A, B, C (county K1) and D (K2) with ``zones``."""
    return [dict(township_id=t, name=t, county=COUNTY[t], lat=37 + k * 0.1, lon=117.0, villages=2, zone=z)
            for k, (t, z) in enumerate(zip(TOWNS, zones))]


@st.composite
def instances(draw, max_inv=5, max_cases=3, minutes=st.integers(1, 60)):
    travel = [(a, b, draw(minutes)) for a, b in itertools.combinations(TOWNS, 2)]
    zones = draw(st.sampled_from([("", "", "", ""), ("Z1", "Z1", "Z2", "Z3"), ("Z1", "Z1", "Z1", "none"),
                                  ("none", "none", "none", "Z4")]))  # "none": no zone (a blank among filled lines is refused)
    towns = _towns(zones)
    n_inv = draw(st.integers(2, max_inv))
    invs = []
    for k in range(n_inv):
        invs.append(dict(
            investigator_id=f"I{k}", name=f"I{k}", township_id=draw(st.sampled_from(TOWNS)),
            level=draw(st.sampled_from(["township", "township", "county"])),
            home_township=draw(st.sampled_from(TOWNS + [""])), home_village=draw(st.sampled_from(["", "v1", "v2"])),
            skills=draw(st.sampled_from(["", "f", "l", "f;l"])), can_lead=draw(st.booleans()),
            max_cases=draw(st.integers(0, 2)), available=draw(st.booleans() | st.just(True)),
            current_workload=draw(st.sampled_from([0.0, 0.0, 0.5, 1.5])),
        ))
    n_case = draw(st.integers(1, max_cases))
    cases = []
    for k in range(n_case):
        cases.append(dict(
            case_id=f"X{k}", township_id=draw(st.sampled_from(TOWNS)), village=draw(st.sampled_from(["v1", "v2", "v3"])),
            subject_id=f"S{k}", team_size=draw(st.integers(1, 2)), required_skills=draw(st.sampled_from(["", "", "f", "l"])),
            needs_lead=draw(st.booleans()), escalated=draw(st.sampled_from([False, False, True])),
            priority=draw(st.integers(1, 3)), workload=draw(st.sampled_from([0.5, 1.0, 2.0])),
        ))
    people = [f"I{k}" for k in range(n_inv)] + [f"S{k}" for k in range(n_case)] + ["P0", "P1"]
    rel = draw(st.lists(st.tuples(st.sampled_from(people), st.sampled_from(people)), max_size=4))
    rel = [(a, b, "kin") for a, b in rel if a != b]
    conf = draw(st.lists(st.tuples(st.sampled_from([i["investigator_id"] for i in invs]),
                                   st.sampled_from([c["case_id"] for c in cases])), max_size=2))
    conf = [(a, b, "declared") for a, b in conf]
    return make_tables(towns, invs, cases, relations=rel or None, conflicts=conf or None, travel=travel)


@st.composite
def rule_options(draw):
    return RuleOptions(max_hops=draw(st.sampled_from([1, 2])), max_travel=draw(st.sampled_from([30.0, 90.0])),
                       allow_own_township=draw(st.sampled_from([False, False, True])),
                       cross_county=draw(st.booleans()), use_zones=draw(st.booleans()))


PAIR_RULES = {"cross-check", "home", "kin", "declared", "pool", "team.available"}


def _allowed_pairs(tables, rules) -> set[tuple[str, str]]:
    """(case, investigator) pairs that break no pair rule: one checker call over every pair."""
    rows, violations = _every_pair_checked(tables, rules)
    return set(rows) - {(v.case_id, v.investigator_id) for v in violations if v.rule in PAIR_RULES}


def _every_pair_checked(tables, rules) -> tuple[list[tuple[str, str]], list]:
    """Every (case, investigator) pair, and the checker's violations of a plan holding them all."""
    rows = [(c, i) for c in tables.cases["case_id"] for i in tables.investigators["investigator_id"]]
    plan = pd.DataFrame(rows, columns=["case_id", "investigator_id"]).assign(role="member")
    return rows, zoneplan.check(tables, plan, rules).violations


def _options_for_case(tables, case, allowed) -> list[tuple[tuple[str, ...], str | None]]:
    """Every (team, lead) for one case: allowed pairs, size, skills, lead rules (the rule
    text, written here independently of the solver)."""
    inv = tables.investigators.set_index("investigator_id")
    ids = [i for i in inv.index if (case["case_id"], i) in allowed]
    size = int(case["team_size"])
    lead_needed = bool(case["needs_lead"]) or bool(case["escalated"])
    out = []
    for team in itertools.combinations(ids, size):
        have = set().union(*(set(inv.loc[i, "skills"]) for i in team))
        if not set(case["required_skills"]) <= have:
            continue
        for lead in (team if lead_needed else (None,)):
            if lead is not None and not (inv.loc[lead, "can_lead"]
                                         and (not case["escalated"] or inv.loc[lead, "level"] == "county")):
                continue
            out.append((team, lead))
    return out


def all_plans(tables, rules) -> list[tuple[float, float, float]]:
    """(staffed, max_workload, travel) of every valid plan (the checker judges validity)."""
    inv = tables.investigators.set_index("investigator_id")
    cases = tables.cases.to_dict("records")
    allowed = _allowed_pairs(tables, rules)
    opts = [[None] + _options_for_case(tables, c, allowed) for c in cases]
    # whole road minutes per member, rounded half up, as the checker counts them
    towns = dict(zip(inv.index, inv["township_id"]))
    where = dict(zip(tables.cases["case_id"], tables.cases["township_id"]))
    pairs = sorted(allowed)
    mins = travel_minutes(tables, [towns[i] for _, i in pairs], [where[c] for c, _ in pairs]) \
        if pairs else []
    minutes = {p: int(math.floor(m + 0.5)) for p, m in zip(pairs, mins)}
    out = []
    for combo in itertools.product(*opts):
        used: dict[str, int] = {}
        load = dict(zip(inv.index, inv["current_workload"]))
        staffed = 0.0
        rows = []
        for c, pick in zip(cases, combo):
            if pick is None:
                continue
            team, lead = pick
            staffed += c["priority"]
            for i in team:
                used[i] = used.get(i, 0) + 1
                load[i] += c["workload"]
                rows.append((c["case_id"], i, "lead" if i == lead else "member"))
        if any(used[i] + inv.loc[i, "current_cases"] > inv.loc[i, "max_cases"] for i in used):
            continue
        travel = sum(minutes[(c, i)] for c, i, _ in rows)
        out.append((staffed, round(max(load.values()), 6), float(travel)))
    return out


def best(plans, order) -> tuple[float, ...]:
    """The lexicographic optimum of ``order`` (staffed maximised, the others minimised)."""
    idx = {"staffed": 0, "max_workload": 1, "travel": 2}
    sign = {"staffed": 1, "max_workload": -1, "travel": -1}
    return max(tuple(sign[n] * p[idx[n]] for n in order) for p in plans)


def got(r, order) -> tuple[float, ...]:
    sign = {"staffed": 1, "max_workload": -1, "travel": -1}
    return tuple(sign[n] * round(r.objective[n], 6) for n in order)


def _consistent(r) -> None:
    """OPTIMAL implies every level proven; proven implies bound == value."""
    for lv in r.levels.values():
        if lv.proven:
            assert lv.bound is not None and math.isclose(lv.bound, lv.value, abs_tol=1e-9), lv
    if r.status == "OPTIMAL":
        assert all(lv.proven for lv in r.levels.values() if lv.bound is not None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=6, max_cases=4), rule_options())
def test_every_plan_passes_the_checker(tables, rules):
    r = zoneplan.staff(tables, rules)
    assert r.status == "OPTIMAL"
    rep = zoneplan.check(tables, r.assignments, rules)
    assert rep.ok, rep.to_frame()
    assert rep.objective["staffed"] == r.objective["staffed"]
    assert rep.objective["travel"] == r.objective["travel"]
    assert math.isclose(rep.objective["max_workload"], r.objective["max_workload"], abs_tol=1e-6)
    # every case is either fully staffed or explained
    assert set(r.unstaffed["case_id"]) | set(r.assignments["case_id"]) == set(tables.cases["case_id"])
    assert all(len(str(x)) > 0 for x in r.unstaffed["reason"])
    _consistent(r)


#: Rules the conflict engine and the checker both name, pair by pair.
CONFLICT_RULES = {"cross-check", "home", "kin", "declared", "pool"}


def _one_case(zones=("", "", "", ""), minutes=30, relations=()):
    """Case X0 in township A (county K1); I0 posted in D (county K2), I1 in B (county K1);
    every road ``minutes`` long."""
    towns = _towns(zones)
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id=t, level="township", home_township="",
                 home_village="", skills="", can_lead=True, max_cases=2, available=True, current_workload=0.0)
            for k, t in enumerate(["D", "B"])]
    cases = [dict(case_id="X0", township_id="A", village="v1", subject_id="S0", team_size=1, required_skills="",
                  needs_lead=False, escalated=False, priority=1, workload=1.0)]
    travel = [(a, b, minutes) for a, b in itertools.combinations(TOWNS, 2)]
    return make_tables(towns, invs, cases, relations=list(relations) or None, travel=travel)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=6, max_cases=4, minutes=st.sampled_from([10, 29, 30, 31, 89, 90, 91])), rule_options())
@example(_one_case(relations=[("I0", "S0", "夫妻")]), RuleOptions(cross_county=False, use_zones=False))  # kin outside the pool
@example(_one_case(minutes=30), RuleOptions(max_travel=30.0, use_zones=False))  # I1 exactly at the pool's edge
@example(_one_case(zones=("Z1", "Z2", "Z1", "Z3"), minutes=10), RuleOptions(use_zones=False))  # zones not in use
def test_explain_pair_agrees_with_the_engine_and_the_checker(tables, rules):
    """``explain_pair`` (what ``zoneplan explain`` and a re-plan's review say of one pair,
    computed on demand also for pairs outside the pool) names a reason exactly when the
    conflict engine left the pair out, and the same conflict and pool rules as the
    independent checker -- travel times on the pool's edge (30 and 90 minutes) included."""
    el = zoneplan.build_eligibility(tables, rules)
    eligible = set(zip(el.inv_ids[el.pair_inv], el.case_ids[el.pair_case]))
    rows, violations = _every_pair_checked(tables, rules)
    checker: dict[tuple[str, str], set[str]] = {}
    for v in violations:
        if v.rule in CONFLICT_RULES:
            checker.setdefault((v.case_id, v.investigator_id), set()).add(v.rule)
    for c, i in rows:
        reasons = el.explain_pair(i, c)
        assert ((i, c) in eligible) == (not reasons), (i, c, reasons)
        assert {r for r, _ in reasons if r in CONFLICT_RULES} == checker.get((c, i), set()), (i, c, reasons)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=4, max_cases=3), rule_options())
def test_every_order_equals_brute_force(tables, rules):
    plans = all_plans(tables, rules)
    for order in ORDERS:
        r = zoneplan.staff(tables, rules, SolveOptions(order=order))
        assert got(r, order) == best(plans, order), order
        assert r.status == "OPTIMAL"
        _consistent(r)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=4, max_cases=3), rule_options(),
       st.sampled_from([{"staffed": 1000.0, "max_workload": 60.0, "travel": 1.0},
                        {"staffed": 1.0, "max_workload": 5.0, "travel": 1.0},
                        {"staffed": 30.0, "max_workload": 0.5, "travel": 0.25}]))
def test_weighted_equals_brute_force(tables, rules, weights):
    plans = all_plans(tables, rules)
    # exactly as the model scales them: staffed and travel to 0.0001, max_workload to 0.01
    value = max(round(weights["staffed"] * s - weights["max_workload"] * m - weights["travel"] * t, 6)
                for s, m, t in plans)
    r = zoneplan.staff(tables, rules, SolveOptions(mode="weighted", weights=weights))
    assert r.status == "OPTIMAL"
    assert r.levels["weighted"].value == pytest.approx(value, abs=1e-6)
    assert r.levels["weighted"].bound == pytest.approx(value, abs=1e-6)
    o = r.objective
    assert weights["staffed"] * o["staffed"] - weights["max_workload"] * o["max_workload"] \
        - weights["travel"] * o["travel"] == pytest.approx(value, abs=1e-6)
    for name in ("staffed", "max_workload", "travel"):  # reported, not optimised one by one
        assert r.levels[name].bound is None and not r.levels[name].proven


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=4, max_cases=3), rule_options(), st.sampled_from(ORDERS[:2] + ORDERS[4:5]))
def test_dense_strategy_equals_brute_force(tables, rules, order):
    """Every part treated as dense (LP column generation, HiGHS cores, CP-SAT core search)."""
    import zoneplan.staffing.solve as solve

    plans = all_plans(tables, rules)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(solve, "DENSE_PAIRS", 0)
        r = zoneplan.staff(tables, rules, SolveOptions(order=order))
    assert r.stats["dense_parts"] == r.stats["parts"]
    assert got(r, order) == best(plans, order), order
    assert r.status == "OPTIMAL"
    assert zoneplan.check(tables, r.assignments, rules).ok
    _consistent(r)
