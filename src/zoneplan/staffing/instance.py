"""The prepared staffing instance: every array the solver needs, built once.

:func:`build_instance` runs the eligibility engine on the validated tables and packs what
model building, the greedy start, the bounds, the explanations and the result assembly
read into one frozen :class:`StaffingInstance` of dense numpy arrays (read-only).  Ids
appear only in ``case_ids`` / ``inv_ids``; everything else is an index.

Scaling policy (explicit, shared with the checker): road minutes enter objectives as whole
minutes per member, rounded half up (:func:`zoneplan.travel.round_minutes`); workload in
integer hundredths (:data:`WORKLOAD_SCALE`), each value rounded half up
(:func:`scale_workload`) -- the loader keeps workloads to two decimals, so the solver and
the checker compute the same numbers.  Priorities are integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..data.tables import Tables
from ..options import RuleOptions
from .canonical import tie_weights
from .eligibility import RULES, Eligibility, build_eligibility
from .team import team_kin_pairs, township_groups

__all__ = ["WORKLOAD_SCALE", "StaffingInstance", "build_instance", "scale_workload", "unscale_workload"]

#: Workload enters the model in hundredths of a workload unit.
WORKLOAD_SCALE = 100


def scale_workload(x) -> np.ndarray:
    """Workload in integer hundredths, rounded half up."""
    return np.floor(np.asarray(x, dtype=float) * WORKLOAD_SCALE + 0.5).astype(np.int64)


def unscale_workload(v: float) -> float:
    """Hundredths back to workload units (two decimals)."""
    return round(float(v) / WORKLOAD_SCALE, 2)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class StaffingInstance:
    """Cases, investigators and eligible pairs as dense, read-only arrays.

    Cases are indexed ``0..n_cases-1`` and investigators ``0..n_invs-1`` in the order of
    the tables; eligible pairs ``0..n_pairs-1`` are sorted by case, then investigator, so
    the pairs of case ``c`` are ``case_ptr[c]:case_ptr[c + 1]``.

    Attributes
    ----------
    team_size, priority, workload : int arrays (per case)
        Members needed, priority, workload in hundredths.
    needs_lead, escalated : bool arrays (per case)
        A lead is needed (``needs_lead`` or ``escalated``); the lead must be county-level.
    capacity, current_load : int arrays (per investigator)
        Cases still allowed (``max_cases - current_cases``, at least 0); workload on hand
        in hundredths.
    pair_case, pair_inv, pair_cost, pair_minutes, pair_lead : arrays (per pair)
        The eligible pair, its whole road minutes (objective), its exact minutes (plan),
        and whether its investigator may lead that case.
    req_case, req_skill, req_ptr, req_pairs
        Skill requirements: requirement ``r`` (case ``req_case[r]`` needs skill
        ``req_skill[r]``) is covered by the pairs ``req_pairs[req_ptr[r]:req_ptr[r + 1]]``.
    pool_size, excluded : int arrays
        Pool size per case, and per case the pool pairs each rule in
        :data:`~zoneplan.staffing.eligibility.RULES` excludes (a pair may count twice).
    floor : int
        The largest ``current_load`` of anybody (a lower bound of the max workload).
    eligibility : Eligibility
        The conflict engine's full answer, kept for :meth:`Eligibility.explain_pair`.
    kin_a, kin_b : int arrays
        Team rule ``team.kin``: investigator pairs (``kin_a < kin_b``) who may not share a
        team (within ``team_kin_hops`` of each other); empty when the rule is off.
    inv_group, per_township : int array, int
        Team rule ``team.township``: per investigator the posted township's code (-1 for
        county-level staff, who are exempt) and the limit per team (0: no limit).
    pair_prev, pair_keep_lead, case_prev_lead, pair_locked : bool arrays or None
        Re-planning (:mod:`~zoneplan.staffing.previous`): the pair was a membership of the
        previous plan; it led that case and may still lead it; the case had a lead; the pair
        is locked (must be in the plan).  None without a previous plan / locks.
    pair_tie : int array (per pair)
        The tie-break weight of the pair, from its two ids alone
        (:func:`~zoneplan.staffing.canonical.tie_weights`).
    """

    rules: RuleOptions
    case_ids: np.ndarray
    inv_ids: np.ndarray
    team_size: np.ndarray
    needs_lead: np.ndarray
    escalated: np.ndarray
    priority: np.ndarray
    workload: np.ndarray
    capacity: np.ndarray
    current_load: np.ndarray
    current_cases: np.ndarray
    pair_case: np.ndarray
    pair_inv: np.ndarray
    pair_cost: np.ndarray
    pair_minutes: np.ndarray
    pair_lead: np.ndarray
    case_ptr: np.ndarray
    req_case: np.ndarray
    req_skill: np.ndarray
    req_ptr: np.ndarray
    req_pairs: np.ndarray
    pool_size: np.ndarray
    excluded: np.ndarray
    floor: int
    eligibility: Eligibility
    kin_a: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kin_b: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    inv_group: np.ndarray | None = None
    per_township: int = 0
    pair_prev: np.ndarray | None = None
    pair_keep_lead: np.ndarray | None = None
    case_prev_lead: np.ndarray | None = None
    pair_locked: np.ndarray | None = None
    pair_tie: np.ndarray | None = None

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_invs(self) -> int:
        return len(self.inv_ids)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_inv)

    def case_pairs(self, c: int) -> slice:
        """The pair range of case ``c``."""
        return slice(int(self.case_ptr[c]), int(self.case_ptr[c + 1]))

    def pair_index(self, cases: np.ndarray, invs: np.ndarray) -> np.ndarray:
        """Pair index of each (case, investigator); -1 where the pair is not eligible."""
        cases = np.asarray(cases, dtype=np.int64)
        invs = np.asarray(invs, dtype=np.int64)
        n = max(1, self.n_invs)
        key = self.pair_case * n + self.pair_inv
        want = cases * n + invs
        pos = np.clip(np.searchsorted(key, want), 0, max(0, len(key) - 1))
        hit = (len(key) > 0) & (key[pos] == want) if len(key) else np.zeros(len(want), dtype=bool)
        return np.where(hit, pos, -1)


def _requirements(el: Eligibility, tables: Tables, case_ptr: np.ndarray):
    """Skill requirements (case, skill) and, for each, the eligible pairs covering it."""
    req = tables.cases["required_skills"].to_numpy(dtype=object)
    counts = np.fromiter((len(r) for r in req), dtype=np.int64, count=len(req))
    req_case = np.repeat(np.arange(len(req), dtype=np.int64), counts)
    req_skill = np.array([s for r in req for s in r], dtype=object)
    vocab = {s: k for k, s in enumerate(sorted(set(req_skill.tolist())))}
    if not vocab:
        return req_case, req_skill, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # one bit per skill that some case asks for, packed into 64-bit words per investigator
    words = (len(vocab) + 63) // 64
    bits = np.zeros((len(el.inv_ids), words), dtype=np.uint64)
    for i, sk in enumerate(tables.investigators["skills"].to_numpy(dtype=object).tolist()):
        for s in sk:
            k = vocab.get(s)
            if k is not None:
                bits[i, k // 64] |= np.uint64(1) << np.uint64(k % 64)
    skill_no = np.array([vocab[s] for s in req_skill.tolist()], dtype=np.int64)
    # every (requirement, pair of its case) candidate, then keep those whose member has the skill
    lens = case_ptr[req_case + 1] - case_ptr[req_case]
    owner = np.repeat(np.arange(len(req_case), dtype=np.int64), lens)
    starts = np.repeat(case_ptr[req_case] - np.cumsum(np.r_[0, lens[:-1]]), lens)
    pairs = np.arange(len(owner), dtype=np.int64) + starts
    k = skill_no[owner]
    word = bits[el.pair_inv[pairs], k // 64]
    has = ((word >> (k % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
    pairs, owner = pairs[has], owner[has]
    ptr = np.searchsorted(owner, np.arange(len(req_case) + 1))
    return req_case, req_skill, ptr.astype(np.int64), pairs


def build_instance(tables: Tables, rules: RuleOptions | None = None,
                   eligibility: Eligibility | None = None) -> StaffingInstance:
    """Prepare the instance: eligibility, scaled numbers, pair ranges, skill coverage.

    Parameters
    ----------
    tables : Tables
        Validated input.
    rules : RuleOptions, optional
        The hard rules in force (defaults when omitted).
    eligibility : Eligibility, optional
        A precomputed answer of :func:`build_eligibility` for the same tables and rules.

    Returns
    -------
    StaffingInstance
        Frozen; its arrays are read-only.
    """
    rules = rules or RuleOptions()
    el = eligibility if eligibility is not None else build_eligibility(tables, rules)
    cs, inv = tables.cases, tables.investigators
    n_case = len(el.case_ids)
    case_ptr = np.searchsorted(el.pair_case, np.arange(n_case + 1)).astype(np.int64)
    req_case, req_skill, req_ptr, req_pairs = _requirements(el, tables, case_ptr)
    counts = el.exclusion_counts()
    escalated = cs["escalated"].to_numpy(dtype=bool)
    current = scale_workload(inv["current_workload"].to_numpy(dtype=float))
    kin_a, kin_b = team_kin_pairs(tables, rules.team_kin_hops)
    return StaffingInstance(
        rules=rules,
        case_ids=_frozen(el.case_ids), inv_ids=_frozen(el.inv_ids),
        team_size=_frozen(cs["team_size"].to_numpy(dtype=np.int64)),
        needs_lead=_frozen(cs["needs_lead"].to_numpy(dtype=bool) | escalated),
        escalated=_frozen(escalated),
        priority=_frozen(cs["priority"].to_numpy(dtype=np.int64)),
        workload=_frozen(scale_workload(cs["workload"].to_numpy(dtype=float))),
        capacity=_frozen(el.capacity.astype(np.int64)),
        current_load=_frozen(current),
        current_cases=_frozen(inv["current_cases"].to_numpy(dtype=np.int64)),
        pair_case=_frozen(el.pair_case.astype(np.int64)), pair_inv=_frozen(el.pair_inv.astype(np.int64)),
        pair_cost=_frozen(el.pair_cost.astype(np.int64)), pair_minutes=_frozen(el.pair_minutes.astype(float)),
        pair_lead=_frozen(el.pair_lead.astype(bool)), case_ptr=_frozen(case_ptr),
        req_case=_frozen(req_case), req_skill=_frozen(req_skill), req_ptr=_frozen(req_ptr),
        req_pairs=_frozen(req_pairs),
        pool_size=_frozen(el.pool_size.astype(np.int64)),
        excluded=_frozen(counts[list(RULES)].to_numpy(dtype=np.int64).reshape(n_case, len(RULES))),
        floor=int(current.max(initial=0)),
        eligibility=el,
        kin_a=_frozen(kin_a), kin_b=_frozen(kin_b), inv_group=_frozen(township_groups(tables)),
        per_township=int(rules.max_per_township or 0),
        pair_tie=_frozen(tie_weights(el.case_ids, el.inv_ids, el.pair_case, el.pair_inv)),
    )
