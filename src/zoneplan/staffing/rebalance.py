"""Lower the largest load of a plan by moving single team members (a local search).

Used on dense parts before the max level's search: with finely varied workloads the LP
bound is far below the greedy plan, and an exact search needs a good plan to start from.
A move replaces one member ``i`` of a case's team by another eligible person ``j`` of the
same case, when ``i`` carries the largest load and ``j``'s load after the move stays
below ``i``'s: the staffed cases do not change, only who works them.  A move is taken
only when the team keeps its lead (a member who may lead the case, when it needs one),
every required skill, and ``j`` has a case slot left; the final plan is checked against
every row of the part's model (:func:`~zoneplan.staffing.model.rows`) before it is used.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from .model import assign_leads, rows
from .parts import Part, PartPlan

__all__ = ["rebalance", "plan_is_valid"]

log = logging.getLogger(__name__)


def plan_is_valid(part: Part, plan: PartPlan) -> bool:
    """Whether ``plan`` meets every row of the part's model (with ``max_load`` at its value)."""
    values = np.r_[plan.member.astype(np.int64), plan.staffed.astype(np.int64), plan.max_load(part)]
    for idx, coef, lo, hi in rows(part):
        a = int(np.dot(values[np.asarray(idx, dtype=np.int64)], np.asarray(coef, dtype=np.int64)))
        if not lo <= a <= hi:
            return False
    return True


def rebalance(part: Part, plan: PartPlan, deadline: float, max_moves: int = 100_000) -> PartPlan:
    """A plan with the same staffed cases and a largest load no higher (often lower).

    Returns ``plan`` itself when no move helps or the result fails :func:`plan_is_valid`.
    """
    t0 = time.perf_counter()
    load = plan.loads(part).astype(np.int64)
    room = part.capacity.astype(np.int64) - np.bincount(part.pair_inv[plan.member], minlength=part.n_invs)
    member = plan.member.copy()
    pair_case, pair_inv, work = part.pair_case, part.pair_inv, part.pair_work
    ptr = part.case_ptr
    # requirements per case: the set of pairs that cover each one
    req_of_case: dict[int, list[set[int]]] = {}
    for r, c in enumerate(part.req_case.tolist()):
        req_of_case.setdefault(c, []).append(set(part.req_pairs[part.req_ptr[r]:part.req_ptr[r + 1]].tolist()))
    team: dict[int, set[int]] = {}
    for p in np.flatnonzero(member).tolist():
        team.setdefault(int(pair_case[p]), set()).add(p)
    cases_of: dict[int, list[int]] = {}
    for p in np.flatnonzero(member).tolist():
        cases_of.setdefault(int(pair_inv[p]), []).append(p)

    def fine(c: int, pairs: set[int]) -> bool:
        if part.needs_lead[c] and not any(part.pair_lead[p] for p in pairs):
            return False
        return all(pairs & cover for cover in req_of_case.get(c, ()))

    pair_of: dict[tuple[int, int], int] | None = None

    def _move(p: int, q: int) -> None:
        """Pair ``p`` leaves its case's team, pair ``q`` (same case) joins it."""
        c, i, j = int(pair_case[p]), int(pair_inv[p]), int(pair_inv[q])
        member[p], member[q] = False, True
        team[c] = (team[c] - {p}) | {q}
        cases_of[i].remove(p)
        cases_of.setdefault(j, []).append(q)
        load[i] -= int(work[p])
        load[j] += int(work[q])
        room[i] += 1
        room[j] -= 1

    def _swap(top: int) -> tuple[int, int, int, int] | None:
        """``top`` hands case c (pair p) to j (pair q) and takes j's case d (pair r -> t):
        both keep their number of cases, and both end below ``top``'s load now."""
        nonlocal pair_of
        if pair_of is None:
            pair_of = {(int(c), int(i)): k for k, (c, i) in enumerate(zip(pair_case.tolist(), pair_inv.tolist()))}
        for p in list(cases_of.get(top, [])):
            c, wc = int(pair_case[p]), int(work[p])
            in_c = {int(pair_inv[x]) for x in team[c]}
            cand = np.arange(ptr[c], ptr[c + 1])
            for q in cand[np.argsort(load[pair_inv[cand]], kind="stable")].tolist():
                j = int(pair_inv[q])
                if j in in_c or load[j] + wc >= load[top] + 0:
                    continue
                for r in cases_of.get(j, []):
                    d, wd = int(pair_case[r]), int(work[r])
                    if wd >= wc or load[j] - wd + wc >= load[top]:
                        continue
                    t = pair_of.get((d, top))
                    if t is None or any(int(pair_inv[x]) == top for x in team[d]):
                        continue
                    if fine(c, (team[c] - {p}) | {q}) and fine(d, (team[d] - {r}) | {t}):
                        return p, q, r, t
        return None

    moves = 0
    while moves < max_moves and time.perf_counter() < deadline:
        top = int(np.argmax(load))  # the first of the most loaded (lowest index)
        best = None  # (new load of j, pair out, pair in)
        for p in cases_of.get(top, []):
            c = int(pair_case[p])
            w = int(work[p])
            members = {int(pair_inv[q]) for q in team[c]}
            cand = np.arange(ptr[c], ptr[c + 1])
            j = pair_inv[cand]
            ok = (room[j] > 0) & (load[j] + work[cand] < load[top])
            for q in cand[ok][np.argsort(load[j[ok]] + work[cand[ok]], kind="stable")].tolist():
                if int(pair_inv[q]) in members:
                    continue
                if fine(c, (team[c] - {p}) | {q}):
                    if best is None or load[pair_inv[q]] + w < best[0]:
                        best = (int(load[pair_inv[q]] + w), p, q)
                    break
        if best is not None:
            _, p, q = best
            _move(p, q)
            moves += 1
            continue
        swap = _swap(top)  # no single move: trade a case with someone who has no slot left
        if swap is None:
            break
        p, q, r, t = swap
        _move(p, q)
        _move(r, t)
        moves += 1
    if moves == 0:
        return plan
    new = PartPlan(plan.staffed.copy(), member, assign_leads(part, member))
    if not plan_is_valid(part, new) or new.max_load(part) > plan.max_load(part):
        log.warning("rebalance of part %d produced an invalid plan; kept the original", part.index)
        return plan
    log.debug("rebalance part %d: max load %d -> %d in %d moves, %.2fs", part.index, plan.max_load(part),
              new.max_load(part), moves, time.perf_counter() - t0)
    return new
