"""Property tests on random small instances.

* every plan the solver emits passes the independent checker;
* on tiny instances the lexicographic optimum (staffed, then max workload, then travel)
  equals a brute-force enumeration whose notion of a valid team is the checker's own.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zoneplan

from conftest import make_tables

TOWNS = ["A", "B", "C"]


@st.composite
def instances(draw, max_inv=5, max_cases=3):
    travel = [(a, b, draw(st.integers(1, 60))) for a, b in itertools.combinations(TOWNS, 2)]
    zones = draw(st.sampled_from([("", "", ""), ("Z1", "Z1", "Z2"), ("Z1", "Z1", "Z1")]))
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=2, zone=z)
             for k, (t, z) in enumerate(zip(TOWNS, zones))]
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


def _options_for_case(tables, case) -> list[tuple[tuple[str, ...], str | None]]:
    """Every (team, lead) for one case that the checker accepts on its own."""
    ids = tables.investigators["investigator_id"].tolist()
    size = int(case["team_size"])
    lead_needed = bool(case["needs_lead"]) or bool(case["escalated"])
    out = []
    for team in itertools.combinations(ids, size):
        for lead in (team if lead_needed else (None,)):
            rows = [dict(case_id=case["case_id"], investigator_id=i, role="lead" if i == lead else "member")
                    for i in team]
            rep = zoneplan.check(tables, pd.DataFrame(rows))
            if rep.ok:
                out.append((team, lead))
    return out


def brute_force(tables) -> tuple[float, float, float]:
    """Best (staffed, -max_workload, -travel) over all plans, lexicographically."""
    inv = tables.investigators.set_index("investigator_id")
    cases = tables.cases.to_dict("records")
    opts = [[None] + _options_for_case(tables, c) for c in cases]
    minutes = zoneplan.check(tables, pd.DataFrame(columns=["case_id", "investigator_id", "role"]))  # warm
    del minutes
    best = None
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
        plan = pd.DataFrame(rows, columns=["case_id", "investigator_id", "role"])
        travel = zoneplan.check(tables, plan).objective["travel"] if rows else 0
        key = (staffed, -round(max(load.values()), 6), -travel)
        if best is None or key > best:
            best = key
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=6, max_cases=4))
def test_every_plan_passes_the_checker(tables):
    r = zoneplan.staff(tables)
    assert r.status == "OPTIMAL"
    rep = zoneplan.check(tables, r.assignments)
    assert rep.ok, rep.to_frame()
    assert rep.objective["staffed"] == r.objective["staffed"]
    assert rep.objective["travel"] == r.objective["travel"]
    assert math.isclose(rep.objective["max_workload"], r.objective["max_workload"], abs_tol=1e-6)
    # every case is either fully staffed or explained
    assert set(r.unstaffed["case_id"]) | set(r.assignments["case_id"]) == set(tables.cases["case_id"])
    assert all(len(str(x)) > 0 for x in r.unstaffed["reason"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_inv=4, max_cases=3))
def test_objective_equals_brute_force(tables):
    r = zoneplan.staff(tables)
    got = (r.objective["staffed"], -round(r.objective["max_workload"], 6), -r.objective["travel"])
    assert got == brute_force(tables)
