"""Candidate zones: every connected set of townships of an allowed size, with its cost.

A county of 10-30 townships with planar adjacency has a few hundred connected sets of 2-3
townships, so listing them all and choosing a partition (set partitioning) is exact and
fast.  This module does the listing and the scoring; it builds no model.

Cost of a zone (in weighted minutes; see :class:`~zoneplan.zoning.data.ZoningWeights`)::

    compactness * hub_minutes
    + villages * |V - k * mean_V| + cases * |C - k * mean_C| + staff * |S - k * mean_S|
    + pool * sum over members t of max(0, pool_need - (S - s_t) / mean_S)

The last term is pool strength: ``S - s_t`` is the staff of the zone's other townships, who
may work township ``t``'s cases under the cross-check rule (each township counts 1 when no
roster is given).

``hub_minutes`` is the total road minutes from the hub to the zone's other townships; the
hub (驻地乡镇) is the member with the least such total, ties broken by smallest
township id.  Means are per non-excluded township of the county.  The integer cost is
``rint(COST_SCALE * cost)`` (see :data:`~zoneplan.zoning.data.COST_SCALE`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from zoneplan.zoning.data import COST_SCALE, ZoningInput, ZoningOptions, ZoningWeights

__all__ = ["CandidateSet", "CountyData", "TooManyCandidates", "connected_subsets", "county_candidates",
           "diagnostic_candidates", "county_data", "score_zones", "pool_shortfall"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CountyData:
    """One county in local indices ``0..k-1``, ordered by township id.

    ``idx[l]`` is the global index of local township ``l``; ``nbrs[l]`` its local
    neighbours; ``minutes`` the local road-minute matrix; ``means`` the per-township means
    of the balance quantities over the county's non-excluded townships (None when the
    quantity is not given).
    """

    name: str
    idx: np.ndarray
    nbrs: tuple[frozenset[int], ...]
    minutes: np.ndarray
    villages: np.ndarray
    cases: np.ndarray | None
    staff: np.ndarray | None
    means: dict[str, float | None]

    def local(self) -> dict[int, int]:
        """Map global index -> local index."""
        return {int(g): i for i, g in enumerate(self.idx)}


def county_data(inp: ZoningInput, county: str, excluded: set[int]) -> CountyData:
    """Gather one county's townships, neighbours, minutes and balance means."""
    members = sorted(inp.members(county), key=lambda i: inp.township_ids[i])
    idx = np.asarray(members, dtype=np.int64)
    loc = {g: l for l, g in enumerate(members)}
    nb: list[set[int]] = [set() for _ in members]
    for a, b in inp.county_edges(county):
        nb[loc[a]].add(loc[b])
        nb[loc[b]].add(loc[a])
    active = np.array([g not in excluded for g in members], dtype=bool)

    def mean(arr: np.ndarray | None) -> float | None:
        if arr is None:
            return None
        vals = arr[idx][active]
        return float(vals.mean()) if len(vals) else 0.0

    return CountyData(
        name=county,
        idx=idx,
        nbrs=tuple(frozenset(s) for s in nb),
        minutes=inp.minutes_matrix(idx),
        villages=inp.villages[idx],
        cases=None if inp.cases is None else inp.cases[idx],
        staff=None if inp.staff is None else inp.staff[idx],
        means={"villages": mean(inp.villages), "cases": mean(inp.cases), "staff": mean(inp.staff)},
    )


def connected_subsets(
    nbrs: Sequence[frozenset[int] | set[int]], min_size: int, max_size: int, allowed: Sequence[bool] | None = None
) -> Iterator[tuple[int, ...]]:
    """Yield every connected vertex set of size ``min_size..max_size`` exactly once.

    Uses the extension-set scheme of Wernicke's ESU: a set is grown only from its
    smallest vertex ``v`` and only by vertices ``> v`` that are *exclusive* neighbours of
    the vertex just added (not already in or next to the set), so each connected set is
    reached by exactly one path.  Sets are yielded as sorted tuples.

    Examples
    --------
    >>> sorted(connected_subsets([{1}, {0, 2}, {1}], 2, 3))
    [(0, 1), (0, 1, 2), (1, 2)]
    """
    n = len(nbrs)
    ok = [True] * n if allowed is None else [bool(a) for a in allowed]
    adj = [sorted(u for u in nbrs[v] if ok[u]) for v in range(n)]

    def extend(sub: list[int], ext: list[int], v: int, closed: set[int]) -> Iterator[tuple[int, ...]]:
        if len(sub) >= min_size:
            yield tuple(sorted(sub))
        if len(sub) == max_size:
            return
        ext = list(ext)
        while ext:
            w = ext.pop()
            new = [u for u in adj[w] if u > v and u not in closed]
            sub.append(w)
            yield from extend(sub, ext + new, v, closed | set(new))
            sub.pop()

    for v in range(n):
        if not ok[v]:
            continue
        first = [u for u in adj[v] if u > v]
        yield from extend([v], first, v, {v, *adj[v]})


def score_zones(
    cd: CountyData, zones: Sequence[tuple[int, ...]], weights: ZoningWeights
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer cost, hub (local index) and hub minutes of each zone (local index tuples).

    Vectorised per zone size.  Returns ``(cost_int, hub, hub_minutes)``.
    """
    m = len(zones)
    cost = np.zeros(m, dtype=np.int64)
    hub = np.zeros(m, dtype=np.int64)
    hub_min = np.zeros(m, dtype=float)
    if m == 0:
        return cost, hub, hub_min
    sizes = np.fromiter((len(z) for z in zones), dtype=np.int64, count=m)
    for k in np.unique(sizes):
        rows = np.flatnonzero(sizes == k)
        mem = np.array([zones[r] for r in rows], dtype=np.int64).reshape(len(rows), int(k))
        tot = cd.minutes[mem[:, :, None], mem[:, None, :]].sum(axis=2)  # (rows, k)
        best = np.argmin(tot, axis=1)  # first minimum = smallest id (members sorted by id)
        hm = tot[np.arange(len(rows)), best]
        val = weights.compactness * hm
        for key, arr, w in (("villages", cd.villages, weights.villages),
                            ("cases", cd.cases, weights.cases),
                            ("staff", cd.staff, weights.staff)):
            mu = cd.means[key]
            if arr is None or mu is None or w == 0:
                continue
            val = val + w * np.abs(arr[mem].sum(axis=1) - k * mu)
        val = val + pool_shortfall(cd, mem, weights)
        cost[rows] = np.rint(val * COST_SCALE).astype(np.int64)
        hub[rows] = mem[np.arange(len(rows)), best]
        hub_min[rows] = hm
    return cost, hub, hub_min


def pool_shortfall(cd: CountyData, mem: np.ndarray, weights: ZoningWeights) -> np.ndarray:
    """The pool-strength cost of zones given as rows of local member indices ``mem`` (rows, k).

    ``weights.pool x sum_t max(0, pool_need - P_t / m)``, where ``P_t`` is the staff of the
    row's other members and ``m`` the county's mean staff per township; each township counts
    1 (and ``m`` = 1) without a roster or when the county has no township staff.
    """
    if weights.pool == 0 or mem.size == 0:
        return np.zeros(len(mem))
    mean = cd.means.get("staff")
    if cd.staff is None or mean is None or mean <= 0:
        staff, mean = np.ones(len(cd.idx)), 1.0
    else:
        staff = cd.staff
    s = staff[mem]
    others = s.sum(axis=1, keepdims=True) - s
    return weights.pool * np.maximum(0.0, weights.pool_need - others / mean).sum(axis=1)


@dataclass(frozen=True)
class CandidateSet:
    """The candidate zones of one county, in local indices.

    ``cover`` lists the local townships that must be covered exactly once (not
    excluded); ``fixed[c]`` marks kept zones, whose original id is ``kept_id[c]``.
    """

    county: CountyData
    zones: list[tuple[int, ...]]
    cost: np.ndarray
    hub: np.ndarray
    hub_minutes: np.ndarray
    fixed: np.ndarray
    kept_id: list[str]
    cover: list[int]

    def __len__(self) -> int:
        return len(self.zones)


class TooManyCandidates(ValueError):
    """A county has more candidate zones than ``ZoningOptions.max_candidates``."""


def _enumerate(cd: CountyData, opt: ZoningOptions, allowed: Sequence[bool] | None) -> list[tuple[int, ...]]:
    zones: list[tuple[int, ...]] = []
    for z in connected_subsets(cd.nbrs, opt.min_size, opt.max_size, allowed):
        zones.append(z)
        if len(zones) > opt.max_candidates:
            raise TooManyCandidates(
                f"county {cd.name} has more than {opt.max_candidates} connected candidate zones of "
                f"{opt.min_size}..{opt.max_size} townships; lower max_size or raise max_candidates")
    return zones


def county_candidates(
    cd: CountyData,
    opt: ZoningOptions,
    excluded: set[int] | frozenset[int],
    kept: dict[str, tuple[int, ...]],
    together: Sequence[tuple[int, int]],
    apart: Sequence[tuple[int, int]],
) -> CandidateSet:
    """Candidates honouring the what-ifs (all arguments in global indices).

    Excluded townships and townships of kept zones take part in no candidate; each kept
    zone becomes one fixed candidate.  A candidate holding both townships of an apart pair,
    or exactly one of a together pair, is dropped.
    """
    loc = cd.local()
    kept_loc = {z: tuple(sorted(loc[i] for i in mem)) for z, mem in kept.items() if mem and mem[0] in loc}
    gone = {loc[i] for i in excluded if i in loc} | {l for mem in kept_loc.values() for l in mem}
    allowed = [l not in gone for l in range(len(cd.idx))]
    zones = _enumerate(cd, opt, allowed)
    tog = [(loc[a], loc[b]) for a, b in together if a in loc and b in loc]
    apa = [(loc[a], loc[b]) for a, b in apart if a in loc and b in loc]
    if tog or apa:
        def fine(z: tuple[int, ...]) -> bool:
            s = set(z)
            return (all((a in s) == (b in s) for a, b in tog)
                    and not any(a in s and b in s for a, b in apa))
        zones = [z for z in zones if fine(z)]
    kept_ids = ["" for _ in zones] + list(kept_loc)
    zones = zones + list(kept_loc.values())
    fixed = np.array([bool(k) for k in kept_ids], dtype=bool)
    cost, hub, hub_min = score_zones(cd, zones, opt.weights)
    excl_loc = {loc[i] for i in excluded if i in loc}
    cover = [l for l in range(len(cd.idx)) if l not in excl_loc]
    logger.debug("county %s: %d candidate zones", cd.name, len(zones))
    return CandidateSet(cd, zones, cost, hub, hub_min, fixed, kept_ids, cover)


def diagnostic_candidates(cd: CountyData, opt: ZoningOptions) -> CandidateSet:
    """All connected candidates of the county, ignoring every what-if (for diagnosis)."""
    zones = _enumerate(cd, opt, None)
    cost, hub, hub_min = score_zones(cd, zones, opt.weights)
    return CandidateSet(cd, zones, cost, hub, hub_min, np.zeros(len(zones), dtype=bool), [""] * len(zones),
                        list(range(len(cd.idx))))
