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
Every choice keeps the team rules (``team.kin``, ``team.township``).

Re-planning (a previous plan or locks): locked cases go first, and each team starts from
its locked pairs; the *keeping* variants also start each team from its previous members
still eligible and with room (the previous lead first), then complete it as above.  So a
drop-out's teams lose one member and gain one, and every other team stays as it was.  The
best plan by (staffed, fewest changes, max workload, travel) among the variants that keep
the locks is returned; :func:`greedy_plan` may return one that misses a lock when the
greedy pass cannot complete a locked team (the caller then asks CP-SAT for a start).

Every part's solve starts from this plan (as a CP-SAT hint, and as the fall-back when the
time runs out), so any time limit gives a plan at least as good as the greedy one.  The
benchmarks' greedy baseline is this function.
"""

from __future__ import annotations

import numpy as np

from .levels import LEVELS
from .model import assign_leads
from .parts import Part, PartPlan, kin_pair_rows

__all__ = ["greedy_plan", "plan_key"]


def plan_key(part: Part, plan: PartPlan) -> tuple[int, int, int]:
    """Lexicographic quality of a plan (larger is better): staffed, -max load, -travel."""
    return (int(part.priority[plan.staffed].sum()), -plan.max_load(part), -int(part.pair_cost[plan.member].sum()))


def greedy_plan(part: Part, keep: bool = True) -> PartPlan:
    """A valid plan of ``part``; the best of the variants of the module docstring
    (``keep=False``: without the keeping variants, locked teams still first)."""
    prepared = _prepare(part)
    if not part.replanning or (not keep and not part.pair_locked.any()):
        plans = [_greedy(part, prepared, sparing) for sparing in (False, True)]
        best = max(plans, key=lambda s: plan_key(part, s))
        return PartPlan(best.staffed, best.member, assign_leads(part, best.member))
    changes = LEVELS["changes"]
    plans = [_greedy(part, prepared, sparing, k) for k in ((True, False) if keep else (False,))
             for sparing in (False, True)]
    plans = [PartPlan(s.staffed, s.member, assign_leads(part, s.member)) for s in plans]
    locked = part.pair_locked

    def key(s: PartPlan):
        k = plan_key(part, s)
        return (bool(s.member[locked].all()), k[0], -changes.value(part, s), k[1], k[2])

    return max(plans, key=key)


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
            part.pair_inv.tolist(), part.pair_lead.tolist(), _fits(part))


def _fits(part: Part):
    """``fits(p, chosen)``: whether pair ``p`` may join the pairs ``chosen`` of its case
    under the team rules; None when no team rule applies."""
    if not part.team_rules:
        return None
    ps, qs = kin_pair_rows(part)
    kin: dict[int, set[int]] = {}
    for p, q in zip(ps.tolist(), qs.tolist()):
        kin.setdefault(p, set()).add(q)
        kin.setdefault(q, set()).add(p)
    group = part.inv_group[part.pair_inv].tolist()
    limit = part.per_township

    def fits(p: int, chosen: list[int]) -> bool:
        mates = kin.get(p)
        if mates and any(q in mates for q in chosen):
            return False
        if limit and group[p] >= 0 and sum(1 for q in chosen if group[q] == group[p]) >= limit:
            return False
        return True

    return fits


def _greedy(part: Part, prepared, sparing: bool, keep: bool = False) -> PartPlan:
    order, ptr, mask, need, pinv, plead, fits = prepared
    room = part.capacity.tolist()
    work = part.workload.tolist()
    team_size = part.team_size.tolist()
    needs_lead = part.needs_lead.tolist()
    load = part.current_load.copy()
    staffed = np.zeros(part.n_cases, dtype=bool)
    member = np.zeros(part.n_pairs, dtype=bool)
    lead = np.zeros(part.n_pairs, dtype=bool)
    locked = part.pair_locked.tolist()
    prev = part.pair_prev.tolist()
    first_lead = part.pair_keep_lead.tolist()
    has_lock = np.bincount(part.pair_case[part.pair_locked], minlength=part.n_cases) > 0
    for c in np.lexsort((np.arange(part.n_cases), -part.priority, ~has_lock)).tolist():
        k = team_size[c]
        cand = [p for p in order[ptr[c]:ptr[c + 1]] if room[pinv[p]] > 0]
        if len(cand) < k:
            continue
        team = None
        if has_lock[c] or keep:
            starts = [[p for p in cand if locked[p]]]
            if keep:
                kept = sorted((p for p in cand if prev[p] and not locked[p]), key=lambda p: not first_lead[p])
                starts.insert(0, starts[0] + kept)
            for forced in starts:
                chosen: list[int] = []
                for p in forced:
                    if len(chosen) < k and (fits is None or fits(p, chosen)):
                        chosen.append(p)
                team = _team(cand, k, needs_lead[c], need[c], mask, plead, sparing, chosen, fits)
                if team is not None:
                    break
        else:
            team = _team(cand, k, needs_lead[c], need[c], mask, plead, sparing, [], fits)
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
          sparing: bool, forced: list[int] | None = None, fits=None) -> tuple[list[int], int] | None:
    """(chosen pairs, lead pair or -1) from candidates in preference order, or None.

    ``forced`` pairs start the team; ``fits(p, chosen)`` says whether ``p`` may join."""
    forced = forced or []

    def ok(p: int, chosen: list[int]) -> bool:
        return fits is None or fits(p, chosen)

    if not sparing:
        first = list(forced)
        for p in cand:
            if len(first) >= k:
                break
            if p not in first and ok(p, first):
                first.append(p)
        covered = 0
        for p in first:
            covered |= mask[p]
        if len(first) == k and covered & need == need and (not needs_lead or any(plead[p] for p in first)):
            boss = next((p for p in first if plead[p]), -1) if needs_lead else -1
            return first, boss
    chosen: list[int] = list(forced)
    uncovered = need
    for p in chosen:
        uncovered &= ~mask[p]
    boss = -1
    if needs_lead:
        boss = next((p for p in chosen if plead[p]), -1)
        if boss < 0:
            leads = [p for p in cand if plead[p] and p not in chosen and ok(p, chosen)]
            if not leads or len(chosen) >= k:
                return None
            boss = max(leads, key=lambda p: bin(mask[p] & uncovered).count("1"))  # first of the best: nearest
            chosen.append(boss)
            uncovered &= ~mask[boss]
    while uncovered:
        if len(chosen) >= k:
            return None
        free = [p for p in cand if p not in chosen and ok(p, chosen)]
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
    for p in rest:
        if len(chosen) >= k:
            break
        if ok(p, chosen):
            chosen.append(p)
    if len(chosen) != k:
        return None
    return chosen, boss
