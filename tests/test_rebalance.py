"""The single-member moves and swaps that lower a dense part's largest load.

Hand-made part: people A (index 0) and B (1); cases 0, 1, 2 of one member each, workloads
3.0, 1.0 and 0.5 (300, 100, 50 hundredths); every pair eligible.  Pairs by case, then
person: 0=(0,A) 1=(0,B) 2=(1,A) 3=(1,B) 4=(2,A) 5=(2,B).
"""

from __future__ import annotations


import numpy as np

from zoneplan.staffing.parts import Part, PartPlan
from zoneplan.staffing.rebalance import plan_is_valid, rebalance


def part(capacity=(2, 2), lead=(True,) * 6, needs_lead=(False, False, False), req=(), kin=(), locked=()) -> Part:
    """``req``: (case, covering pairs) per required skill."""
    req_case = np.array([c for c, _ in req], dtype=np.int64)
    req_pairs = np.array([p for _, ps in req for p in ps], dtype=np.int64)
    req_ptr = np.r_[0, np.cumsum([len(ps) for _, ps in req])].astype(np.int64)
    work = np.array([300, 100, 50])
    pc = np.repeat(np.arange(3), 2)
    return Part(index=0, cases=np.arange(3), invs=np.arange(2), pairs=np.arange(6), pair_case=pc,
                pair_inv=np.tile(np.arange(2), 3), pair_cost=np.zeros(6, dtype=np.int64),
                pair_lead=np.array(lead), pair_work=work[pc], case_ptr=np.array([0, 2, 4, 6]),
                team_size=np.ones(3, dtype=np.int64), needs_lead=np.array(needs_lead),
                priority=np.ones(3, dtype=np.int64), workload=work, capacity=np.array(capacity),
                current_load=np.zeros(2, dtype=np.int64), req_case=req_case, req_ptr=req_ptr, req_pairs=req_pairs,
                kin=np.array(kin, dtype=np.int64).reshape(-1, 2), inv_group=np.full(2, -1, dtype=np.int64),
                per_township=0, pair_prev=np.zeros(6, dtype=bool), pair_keep_lead=np.zeros(6, dtype=bool),
                case_prev_lead=np.zeros(3, dtype=bool), pair_locked=np.isin(np.arange(6), list(locked)))


def plan(members) -> PartPlan:
    m = np.zeros(6, dtype=bool)
    m[list(members)] = True
    return PartPlan(np.ones(3, dtype=bool), m, np.zeros(6, dtype=bool))


FAR = float("inf")  # no deadline (a module-level clock value would expire while the suite runs)


def test_a_single_move_hands_the_lightest_useful_case_to_the_least_loaded():
    """A holds cases 0 and 1 (4.0), B case 2 (0.5): moving case 1 to B gives A 3.0, B 1.5."""
    pt = part()
    out = rebalance(pt, plan([0, 2, 5]), FAR)
    assert out.max_load(pt) == 300 and plan_is_valid(pt, out)
    assert np.flatnonzero(out.member).tolist() == [0, 3, 5] and out.staffed.all()


def test_no_move_breaks_a_lead_or_a_skill():
    """Only A may lead cases 0 and 1, which need a lead: nothing moves (max stays 4.0).
    With skills instead (only A covers the skill of cases 0 and 1): nothing moves either."""
    lead = (True, False, True, False, True, True)
    pt = part(lead=lead, needs_lead=(True, True, False))
    p0 = plan([0, 2, 5])
    assert rebalance(pt, p0, FAR) is p0
    pt = part(req=[(0, [0]), (1, [2])])
    assert rebalance(pt, p0, FAR) is p0


def test_a_swap_when_the_other_person_has_no_slot_left():
    """B may take one case only and has case 2: A hands case 0 to B and takes case 2
    (A 1.5, B 3.0)."""
    pt = part(capacity=(2, 1))
    out = rebalance(pt, plan([0, 2, 5]), FAR)
    assert out.max_load(pt) == 300 and plan_is_valid(pt, out)
    assert np.flatnonzero(out.member).tolist() == [1, 2, 4]


def test_plan_is_valid_rejects_a_half_team_and_an_overfull_person():
    pt = part(capacity=(1, 2))
    assert not plan_is_valid(pt, plan([0, 2, 5]))  # A holds two cases, capacity 1
    half = PartPlan(np.ones(3, dtype=bool), np.array([True, False, False, False, False, True]), np.zeros(6, dtype=bool))
    assert not plan_is_valid(pt, half)  # case 1 staffed without a member


def test_the_preferred_move_that_would_lose_the_lead_is_passed_over_for_a_valid_one():
    """Case 1 needs a lead and only A may lead it: handing case 1 to B (B 1.5) would be
    preferred but breaks the lead; case 0 goes instead (A 1.0, B 3.5), then B, now the most
    loaded, hands case 2 to A (A 1.5, B 3.0)."""
    pt = part(lead=(True, True, True, False, True, True), needs_lead=(False, True, False))
    out = rebalance(pt, plan([0, 2, 5]), FAR)
    assert out.max_load(pt) == 300 and plan_is_valid(pt, out)
    assert np.flatnonzero(out.member).tolist() == [1, 2, 4]


def test_a_locked_membership_is_never_moved():
    """Case 1 is locked on A (pair 2): the move of the first test (case 1 to B) would break
    the lock, so whatever comes back keeps pair 2 and the model rows."""
    pt = part(locked=(2,))
    out = rebalance(pt, plan([0, 2, 5]), FAR)
    assert out.member[2] and plan_is_valid(pt, out) and out.max_load(pt) <= 400
