"""The greedy start: a valid plan per part in milliseconds.

Cases are taken by priority (highest first, then case order).  Each case gets its team
from the people with capacity left, candidates ordered by road minutes, then workload on
hand, then index:

* ``nearest``: the ``team_size`` nearest people when they include a possible lead and
  every required skill; otherwise built as below;
* ``sparing``: the possible lead covering most required skills (then the nearest), then
  for each still uncovered skill (rarest first) the nearest holder covering most of them,
  then the nearest others, people who cannot lead first -- so scarce leads stay free for
  the cases that need them.

Both variants run and the better plan (staffed, then max workload, then travel) is kept.
A case whose team cannot be completed gets nobody (all or nothing) and leaves no trace.

Every part's solve starts from this plan (as a CP-SAT hint, and as the fall-back when the
time runs out), so any time limit gives a plan at least as good as the greedy one.  The
benchmarks' greedy baseline is this function.
"""

from __future__ import annotations

import numpy as np

from .model import assign_leads
from .parts import Part, PartPlan

__all__ = ["greedy_plan", "plan_key"]


def plan_key(part: Part, plan: PartPlan) -> tuple[int, int, int]:
    """Lexicographic quality of a plan (larger is better): staffed, -max load, -travel."""
    return (int(part.priority[plan.staffed].sum()), -plan.max_load(part), -int(part.pair_cost[plan.member].sum()))


def greedy_plan(part: Part) -> PartPlan:
    """A valid plan of ``part``; the better of the two variants of the module docstring."""
    prepared = _prepare(part)
    plans = [_greedy(part, prepared, sparing) for sparing in (False, True)]
    best = max(plans, key=lambda s: plan_key(part, s))
    return PartPlan(best.staffed, best.member, assign_leads(part, best.member))


def _prepare(part: Part):
    """Per case the pairs in preference order, and per pair the bit mask of the case's
    requirements its member covers."""
    order = np.lexsort((part.pair_inv, part.current_load[part.pair_inv], part.pair_cost, part.pair_case))
    req_of_case = np.searchsorted(part.req_case, np.arange(part.n_cases + 1))
    mask = [0] * part.n_pairs  # Python ints: any number of skills per case
    bit = (np.arange(len(part.req_case)) - req_of_case[part.req_case]).tolist()
    ptr = part.req_ptr.tolist()
    covering = part.req_pairs.tolist()
    for r, b in enumerate(bit):
        for p in covering[ptr[r]:ptr[r + 1]]:
            mask[p] |= 1 << b
    need = [(1 << int(n)) - 1 for n in np.diff(req_of_case)]
    return (order.tolist(), part.case_ptr.tolist(), mask, need,
            part.pair_inv.tolist(), part.pair_lead.tolist())


def _greedy(part: Part, prepared, sparing: bool) -> PartPlan:
    order, ptr, mask, need, pinv, plead = prepared
    room = part.capacity.tolist()
    work = part.workload.tolist()
    team_size = part.team_size.tolist()
    needs_lead = part.needs_lead.tolist()
    load = part.current_load.copy()
    staffed = np.zeros(part.n_cases, dtype=bool)
    member = np.zeros(part.n_pairs, dtype=bool)
    lead = np.zeros(part.n_pairs, dtype=bool)
    for c in np.lexsort((np.arange(part.n_cases), -part.priority)).tolist():
        k = team_size[c]
        cand = [p for p in order[ptr[c]:ptr[c + 1]] if room[pinv[p]] > 0]
        if len(cand) < k:
            continue
        team = _team(cand, k, needs_lead[c], need[c], mask, plead, sparing)
        if team is None:
            continue
        chosen, boss = team
        staffed[c] = True
        member[chosen] = True
        if boss >= 0:
            lead[boss] = True
        for p in chosen:
            room[pinv[p]] -= 1
        load[part.pair_inv[chosen]] += work[c]
    return PartPlan(staffed, member, lead)


def _team(cand: list[int], k: int, needs_lead: bool, need: int, mask: list[int], plead: list[bool],
          sparing: bool) -> tuple[list[int], int] | None:
    """(chosen pairs, lead pair or -1) from candidates in preference order, or None."""
    if not sparing:
        first = cand[:k]
        covered = 0
        for p in first:
            covered |= mask[p]
        if covered & need == need and (not needs_lead or any(plead[p] for p in first)):
            boss = next((p for p in first if plead[p]), -1) if needs_lead else -1
            return first, boss
    chosen: list[int] = []
    uncovered = need
    boss = -1
    if needs_lead:
        leads = [p for p in cand if plead[p]]
        if not leads:
            return None
        boss = max(leads, key=lambda p: bin(mask[p] & uncovered).count("1"))  # first of the best: nearest
        chosen.append(boss)
        uncovered &= ~mask[boss]
    while uncovered:
        if len(chosen) >= k:
            return None
        free = [p for p in cand if p not in chosen]
        bits = [b for b in range(uncovered.bit_length()) if uncovered >> b & 1]
        rare = min(bits, key=lambda b: sum(1 for p in free if mask[p] >> b & 1))
        holders = [p for p in free if mask[p] >> rare & 1]
        if not holders:
            return None
        pick = max(holders, key=lambda p: bin(mask[p] & uncovered).count("1"))
        chosen.append(pick)
        uncovered &= ~mask[pick]
    rest = [p for p in cand if p not in chosen]
    if sparing:
        rest.sort(key=lambda p: plead[p])  # stable: nearest non-leads first
    chosen += rest[: k - len(chosen)]
    if len(chosen) != k:
        return None
    return chosen, boss
