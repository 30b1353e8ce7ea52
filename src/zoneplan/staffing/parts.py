"""Decomposition: independent parts of a staffing instance, and a part's plan.

Cases joined by no eligible investigator (e.g. in different counties or zones) cannot
compete for anybody, so every sum level is the sum of the parts' levels and the max level
the max of theirs.  :func:`decompose` finds the parts (connected components of the
case-investigator graph of eligible pairs) and gives each its own local, dense indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .instance import StaffingInstance

__all__ = ["Part", "PartPlan", "assign_leads", "decompose", "kin_pair_rows", "township_pair_groups",
           "side_rules_ok"]


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Part:
    """One independent part on local indices (cases ``0..n_cases-1`` of the part, ...).

    ``cases``, ``invs`` and ``pairs`` map local indices to the instance's; local pairs keep
    the instance order (by case, then investigator).  The remaining arrays are the
    instance's, restricted to the part; ``kin`` holds the part's ``team.kin`` pairs as
    local investigator indices (rows ``a < b``), ``inv_group`` the ``team.township``
    code per local investigator (-1 exempt) and ``per_township`` its limit (0: none).
    ``pair_prev``, ``pair_keep_lead``, ``case_prev_lead`` and ``pair_locked`` describe
    the previous plan and the locks (all False without them); ``pair_tie`` the tie-break
    weight of each pair (:func:`~zoneplan.staffing.canonical.tie_weights`).
    """

    index: int
    cases: np.ndarray
    invs: np.ndarray
    pairs: np.ndarray
    pair_case: np.ndarray
    pair_inv: np.ndarray
    pair_cost: np.ndarray
    pair_lead: np.ndarray
    pair_work: np.ndarray
    case_ptr: np.ndarray
    team_size: np.ndarray
    needs_lead: np.ndarray
    priority: np.ndarray
    workload: np.ndarray
    capacity: np.ndarray
    current_load: np.ndarray
    req_case: np.ndarray
    req_ptr: np.ndarray
    req_pairs: np.ndarray
    kin: np.ndarray
    inv_group: np.ndarray
    per_township: int
    pair_prev: np.ndarray
    pair_keep_lead: np.ndarray
    case_prev_lead: np.ndarray
    pair_locked: np.ndarray
    pair_tie: np.ndarray | None = None

    @property
    def replanning(self) -> bool:
        """Whether a previous plan or locks shape this part."""
        return bool(self.pair_prev.any() or self.case_prev_lead.any() or self.pair_locked.any())

    @property
    def team_rules(self) -> bool:
        """Whether a team rule (``team.kin``, ``team.township``) applies here."""
        return len(self.kin) > 0 or self.per_township > 0

    @property
    def n_cases(self) -> int:
        return len(self.cases)

    @property
    def n_invs(self) -> int:
        return len(self.invs)

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    def restrict(self, keep: np.ndarray) -> "Part":
        """The same part with only the pairs ``keep`` (bool per pair); cases and people stay."""
        idx = np.flatnonzero(keep)
        remap = np.full(self.n_pairs, -1, dtype=np.int64)
        remap[idx] = np.arange(len(idx))
        owner = np.repeat(np.arange(len(self.req_case)), np.diff(self.req_ptr))
        rp = remap[self.req_pairs]
        inside = rp >= 0
        return Part(
            index=self.index, cases=self.cases, invs=self.invs, pairs=_ro(self.pairs[idx]),
            pair_case=_ro(self.pair_case[idx]), pair_inv=_ro(self.pair_inv[idx]), pair_cost=_ro(self.pair_cost[idx]),
            pair_lead=_ro(self.pair_lead[idx]), pair_work=_ro(self.pair_work[idx]),
            case_ptr=_ro(np.searchsorted(self.pair_case[idx], np.arange(self.n_cases + 1)).astype(np.int64)),
            team_size=self.team_size, needs_lead=self.needs_lead, priority=self.priority, workload=self.workload,
            capacity=self.capacity, current_load=self.current_load, req_case=self.req_case,
            req_ptr=_ro(np.searchsorted(owner[inside], np.arange(len(self.req_case) + 1)).astype(np.int64)),
            req_pairs=_ro(rp[inside]), kin=self.kin, inv_group=self.inv_group, per_township=self.per_township,
            pair_prev=_ro(self.pair_prev[idx]), pair_keep_lead=_ro(self.pair_keep_lead[idx]),
            case_prev_lead=self.case_prev_lead, pair_locked=_ro(self.pair_locked[idx]),
            pair_tie=None if self.pair_tie is None else _ro(self.pair_tie[idx]))

    def empty_plan(self) -> "PartPlan":
        """Nobody assigned: always valid."""
        return PartPlan(np.zeros(self.n_cases, dtype=bool), np.zeros(self.n_pairs, dtype=bool),
                        np.zeros(self.n_pairs, dtype=bool))


@dataclass(frozen=True, eq=False)
class PartPlan:
    """A plan of one part: staffed per case, member per pair, lead per pair (bool arrays)."""

    staffed: np.ndarray
    member: np.ndarray
    lead: np.ndarray

    def loads(self, part: Part) -> np.ndarray:
        """Workload (hundredths) per investigator of the part: current plus assigned."""
        return part.current_load + np.bincount(part.pair_inv[self.member], weights=part.pair_work[self.member],
                                               minlength=part.n_invs).astype(np.int64)

    def max_load(self, part: Part) -> int:
        return int(self.loads(part).max(initial=0))


def assign_leads(part: Part, member: np.ndarray) -> np.ndarray:
    """The lead of every team that needs one: the previous plan's lead when they are on the
    team and may still lead it (so a kept team keeps its lead), else its first member
    (lowest investigator index) who may lead that case."""
    can = member & part.pair_lead & part.needs_lead[part.pair_case]
    idx = np.flatnonzero(can)
    lead = np.zeros(part.n_pairs, dtype=bool)
    if len(idx):
        idx = idx[np.lexsort((idx, ~part.pair_keep_lead[idx], part.pair_case[idx]))]
        first = np.r_[True, part.pair_case[idx][1:] != part.pair_case[idx][:-1]]
        lead[idx[first]] = True
    return lead


def _components(inst: StaffingInstance, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Component label per case and per investigator (over the kept pairs)."""
    n_c, n_i = inst.n_cases, inst.n_invs
    pc, pi = inst.pair_case[keep], inst.pair_inv[keep] + n_c
    g = coo_matrix((np.ones(len(pc), dtype=np.int8), (pc, pi)), shape=(n_c + n_i, n_c + n_i))
    _, label = connected_components(g, directed=False)
    return label[:n_c], label[n_c:]


def decompose(inst: StaffingInstance, drop: np.ndarray | None = None, single: bool = False) -> list[Part]:
    """Split the instance into independent parts (one part if ``single``).

    Parameters
    ----------
    inst : StaffingInstance
        The prepared instance.
    drop : bool array, optional
        Cases to leave out (e.g. those that cannot be staffed at all).
    single : bool
        Keep every case with an eligible pair in one part (weighted mode).

    Returns
    -------
    list of Part
        Ordered by their smallest case index; cases without pairs belong to no part.
    """
    keep = np.ones(inst.n_pairs, dtype=bool) if drop is None else ~np.asarray(drop, dtype=bool)[inst.pair_case]
    if not keep.any():
        return []
    case_label, _ = _components(inst, keep) if not single else (np.zeros(inst.n_cases, dtype=np.int64), None)
    pairs_all = np.flatnonzero(keep)
    lab = case_label[inst.pair_case[pairs_all]]
    order = np.argsort(lab, kind="stable")  # pairs stay sorted by case, investigator inside a part
    pairs_all, lab = pairs_all[order], lab[order]
    bounds = np.flatnonzero(np.diff(lab)) + 1
    groups = np.split(pairs_all, bounds)
    # owner of every skill requirement's covering pair, to slice them per part
    req_owner = np.repeat(np.arange(len(inst.req_case)), np.diff(inst.req_ptr))
    req_of_case_ptr = np.searchsorted(inst.req_case, np.arange(inst.n_cases + 1))
    parts = [_part(inst, g, req_owner, req_of_case_ptr) for g in groups]
    parts.sort(key=lambda p: int(p.cases[0]))
    return [Part(**{**p.__dict__, "index": k}) for k, p in enumerate(parts)]


def _part(inst: StaffingInstance, pairs: np.ndarray, req_owner: np.ndarray, req_of_case_ptr: np.ndarray) -> Part:
    gc, lc = np.unique(inst.pair_case[pairs], return_inverse=True)
    gi, li = np.unique(inst.pair_inv[pairs], return_inverse=True)
    case_ptr = np.searchsorted(lc, np.arange(len(gc) + 1))
    # requirements of the part's cases, their covering pairs mapped to local pair indices
    reqs = np.concatenate([np.arange(req_of_case_ptr[c], req_of_case_ptr[c + 1]) for c in gc.tolist()]) \
        if len(inst.req_case) else np.zeros(0, dtype=np.int64)
    reqs = reqs.astype(np.int64)
    if len(reqs):
        lens = inst.req_ptr[reqs + 1] - inst.req_ptr[reqs]
        starts = np.repeat(inst.req_ptr[reqs] - np.cumsum(np.r_[0, lens[:-1]]), lens)
        covering = inst.req_pairs[np.arange(int(lens.sum())) + starts]
        local = np.searchsorted(pairs, covering)
        req_ptr = np.r_[0, np.cumsum(lens)]
        req_case = np.searchsorted(gc, inst.req_case[reqs])
    else:
        local = np.zeros(0, dtype=np.int64)
        req_ptr = np.zeros(1, dtype=np.int64)
        req_case = np.zeros(0, dtype=np.int64)
    in_part = np.isin(inst.kin_a, gi) & np.isin(inst.kin_b, gi)
    kin = np.stack([np.searchsorted(gi, inst.kin_a[in_part]), np.searchsorted(gi, inst.kin_b[in_part])], axis=1) \
        if in_part.any() else np.zeros((0, 2), dtype=np.int64)
    group = inst.inv_group[gi] if inst.inv_group is not None else np.full(len(gi), -1, dtype=np.int64)

    def per_pair(a: np.ndarray | None) -> np.ndarray:
        return _ro(np.zeros(len(pairs), dtype=bool) if a is None else a[pairs])

    return Part(
        kin=_ro(kin.astype(np.int64)), inv_group=_ro(group.astype(np.int64)), per_township=inst.per_township,
        pair_prev=per_pair(inst.pair_prev), pair_keep_lead=per_pair(inst.pair_keep_lead),
        case_prev_lead=_ro(np.zeros(len(gc), dtype=bool) if inst.case_prev_lead is None else inst.case_prev_lead[gc]),
        pair_locked=per_pair(inst.pair_locked),
        pair_tie=_ro(np.ones(len(pairs), dtype=np.int64) if inst.pair_tie is None else inst.pair_tie[pairs]),
        index=0, cases=_ro(gc), invs=_ro(gi), pairs=_ro(pairs), pair_case=_ro(lc.astype(np.int64)),
        pair_inv=_ro(li.astype(np.int64)), pair_cost=_ro(inst.pair_cost[pairs]), pair_lead=_ro(inst.pair_lead[pairs]),
        pair_work=_ro(inst.workload[inst.pair_case[pairs]]), case_ptr=_ro(case_ptr.astype(np.int64)),
        team_size=_ro(inst.team_size[gc]), needs_lead=_ro(inst.needs_lead[gc]), priority=_ro(inst.priority[gc]),
        workload=_ro(inst.workload[gc]), capacity=_ro(inst.capacity[gi]), current_load=_ro(inst.current_load[gi]),
        req_case=_ro(req_case.astype(np.int64)), req_ptr=_ro(req_ptr.astype(np.int64)),
        req_pairs=_ro(local.astype(np.int64)),
    )


def kin_pair_rows(part: Part) -> tuple[np.ndarray, np.ndarray]:
    """Pair indices ``(p, q)``: the same case, members kin within ``team_kin_hops``
    (rule ``team.kin``: at most one of each such couple in a team)."""
    if not len(part.kin):
        z = np.zeros(0, dtype=np.int64)
        return z, z
    n = max(1, part.n_invs)
    key = part.pair_case * n + part.pair_inv  # sorted: pairs go by case, then investigator
    order = np.argsort(part.pair_inv, kind="stable")
    starts = np.searchsorted(part.pair_inv[order], np.arange(part.n_invs + 1))
    p_all, q_all = [], []
    for a, b in part.kin.tolist():
        pa = order[starts[a]:starts[a + 1]]
        if not len(pa):
            continue
        want = part.pair_case[pa] * n + b
        pos = np.clip(np.searchsorted(key, want), 0, len(key) - 1)
        hit = key[pos] == want
        p_all.append(pa[hit])
        q_all.append(pos[hit])
    if not p_all:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    return np.concatenate(p_all).astype(np.int64), np.concatenate(q_all).astype(np.int64)


def township_pair_groups(part: Part) -> list[list[int]]:
    """Per (case, township) with more eligible township-level people than
    ``per_township``, their pair indices (rule ``team.township``)."""
    if part.per_township <= 0:
        return []
    g = part.inv_group[part.pair_inv]
    idx = np.flatnonzero(g >= 0)
    if not len(idx):
        return []
    key = part.pair_case[idx] * (int(part.inv_group.max()) + 1) + g[idx]
    order = np.argsort(key, kind="stable")
    idx, key = idx[order], key[order]
    cuts = np.flatnonzero(np.diff(key)) + 1
    return [grp.tolist() for grp in np.split(idx, cuts) if len(grp) > part.per_township]


def side_rules_ok(part: Part, member: np.ndarray) -> bool:
    """Whether ``member`` keeps the locks and the team rules (the rows the LP relaxation
    and the min-cost flow leave out)."""
    if part.pair_locked.any() and not member[part.pair_locked].all():
        return False
    if not part.team_rules:
        return True
    ps, qs = kin_pair_rows(part)
    if len(ps) and (member[ps] & member[qs]).any():
        return False
    return all(int(member[grp].sum()) <= part.per_township for grp in township_pair_groups(part))
