"""A good start for the supervision-area model, and the answer where the model is too large.

:func:`grow` grows ``k`` areas from spread-out seeds (liaison villages first), the lightest
area taking its next neighbour.  :func:`improve` then alternates two local searches while
they improve the levels in their order (areas without a liaison, largest area, smallest
area, split neighbours):

* *recombination* (as in ReCom redistricting): two neighbouring areas are merged and split
  again along the best edge of random spanning trees of the merged villages -- both parts
  are connected by construction;
* *moves*: a boundary village moves to a neighbouring area when its own area stays connected.

Both are deterministic (a seeded generator draws the trees).
"""

from __future__ import annotations

import numpy as np

from ..graphs import UnionFind, bfs_hops, bfs_tree, reach
from .data import ZoneVillages

__all__ = ["grow", "improve", "recombine", "canonical", "levels_of"]


def _nbrs(zv: ZoneVillages) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(zv.n)]
    for i, j in zv.edges:
        out[i].append(j)
        out[j].append(i)
    return [sorted(x) for x in out]


def canonical(area: np.ndarray, k: int) -> np.ndarray:
    """Areas renumbered in order of their lowest village (the model's labelling)."""
    order = sorted(range(k), key=lambda a: int(np.flatnonzero(area == a).min()))
    return np.array([order.index(int(a)) for a in area], dtype=np.int64)


def levels_of(zv: ZoneVillages, area: np.ndarray) -> tuple[int, int, int, int]:
    """``(no_liaison, largest, -smallest, cut)`` of a partition (lower is better, in this order)."""
    sizes = np.bincount(area, weights=zv.weight, minlength=zv.k)
    has = np.bincount(area[zv.liaison], minlength=zv.k) > 0 if zv.liaison.any() else np.ones(zv.k, dtype=bool)
    cut = sum(1 for i, j in zv.edges if area[i] != area[j])
    return int((~has).sum()), int(sizes.max()), -int(sizes.min()), cut


def grow(zv: ZoneVillages) -> np.ndarray | None:
    """Grow ``k`` connected areas (None when the neighbours do not reach every village)."""
    n, k = zv.n, zv.k
    nbrs = _nbrs(zv)
    dist = np.full(n, np.inf)
    seeds: list[int] = []
    for _ in range(k):
        cand = [v for v in range(n) if v not in seeds]
        pref = [v for v in cand if zv.liaison[v]] or cand
        s = max(pref, key=lambda v: (dist[v], -v))
        seeds.append(s)
        d = np.full(n, np.inf)
        for w, hops in bfs_hops(nbrs, s).items():
            d[w] = hops
        dist = np.minimum(dist, d)
    area = np.full(n, -1, dtype=np.int64)
    load = np.zeros(k)
    for a, s in enumerate(seeds):
        area[s] = a
        load[a] += zv.weight[s]
    left = n - k
    while left:
        for a in np.argsort(load, kind="stable"):
            front = [w for v in np.flatnonzero(area == a) for w in nbrs[v] if area[w] < 0]
            if front:
                w = min(front)
                area[w] = a
                load[a] += zv.weight[w]
                left -= 1
                break
        else:
            return None
    return canonical(area, k)


def _connected_without(members: set[int], v: int, nbrs: list[list[int]]) -> bool:
    rest = members - {v}
    if not rest:
        return False
    return len(reach(next(iter(rest)), nbrs, rest)) == len(rest)


def _split_by_tree(nodes: list[int], nbrs: list[list[int]], w: np.ndarray, rng: np.random.Generator
                   ) -> list[tuple[int, set[int]]]:
    """Cuts of a random spanning tree of ``nodes``: (weight of one side, that side) per tree edge."""
    inside = set(nodes)
    edges = [(u, v) for u in nodes for v in nbrs[u] if v in inside and u < v]
    order = rng.permutation(len(edges))
    uf = UnionFind(nodes)
    tree: dict[int, list[int]] = {u: [] for u in nodes}
    for e in order.tolist():
        u, v = edges[e]
        if uf.union(u, v):
            tree[u].append(v)
            tree[v].append(u)
    seq, up = bfs_tree(nodes[0], tree)
    if len(seq) != len(nodes):
        return []
    sub = {u: int(w[u]) for u in seq}
    below: dict[int, list[int]] = {u: [] for u in seq}
    for u in reversed(seq[1:]):
        sub[up[u]] += sub[u]
        below[up[u]].append(u)
    out = []
    for u in seq[1:]:
        out.append((sub[u], reach(u, below)))  # u and everything below it
    return out


def recombine(zv: ZoneVillages, area: np.ndarray, rng: np.random.Generator, trees: int = 24) -> np.ndarray:
    """One pass of merge-and-split over neighbouring pairs of areas, heaviest pairs first."""
    k = zv.k
    area = area.copy()
    nbrs = _nbrs(zv)
    w = zv.weight.astype(np.int64)
    marked = bool(zv.liaison.any())
    best = levels_of(zv, area)
    pairs = sorted({(min(int(area[i]), int(area[j])), max(int(area[i]), int(area[j])))
                    for i, j in zv.edges if area[i] != area[j]})
    sizes = np.bincount(area, weights=w, minlength=k)
    pairs.sort(key=lambda ab: (-max(sizes[ab[0]], sizes[ab[1]]), ab))
    for a, b in pairs:
        nodes = sorted(np.flatnonzero((area == a) | (area == b)).tolist())
        total = int(w[nodes].sum())
        cands = []
        for _ in range(trees):
            for s, side in _split_by_tree(nodes, nbrs, w, rng):
                cands.append((max(s, total - s), len(cands), side))
        cands.sort(key=lambda c: c[:2])
        for _, _, side in cands[:8]:
            trial = area.copy()
            for u in nodes:
                trial[u] = a if u in side else b
            if marked and not (zv.liaison[list(side)].any() and zv.liaison[[u for u in nodes if u not in side]].any()):
                continue
            key = levels_of(zv, trial)
            if key < best:
                area, best = trial, key
                break
    return area


def improve(zv: ZoneVillages, area: np.ndarray, seed: int = 0, rounds: int = 60) -> np.ndarray:
    """Recombine neighbouring areas and move boundary villages while the levels improve."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, zv.n, zv.k]))
    best = levels_of(zv, area)
    stale = 0
    for _ in range(rounds):
        area = _moves(zv, recombine(zv, area, rng))
        key = levels_of(zv, area)
        if key < best:
            best, stale = key, 0
        else:
            stale += 1
            if stale >= 3:
                break
    return canonical(area, zv.k)


def _moves(zv: ZoneVillages, area: np.ndarray, max_moves: int = 20000) -> np.ndarray:
    """Move boundary villages while the levels improve (lexicographically); areas stay connected."""
    k = zv.k
    area = area.copy()
    nbrs = _nbrs(zv)
    w = zv.weight.astype(np.int64)
    members = [set(np.flatnonzero(area == a).tolist()) for a in range(k)]
    sizes = np.array([int(w[list(m)].sum()) for m in members], dtype=np.int64)
    lia = np.array([int(zv.liaison[list(m)].sum()) for m in members], dtype=np.int64)
    marked = bool(zv.liaison.any())
    cut = sum(1 for i, j in zv.edges if area[i] != area[j])

    def key(sz: np.ndarray, li: np.ndarray, c: int) -> tuple[int, int, int, int]:
        return (int((li == 0).sum()) if marked else 0, int(sz.max()), -int(sz.min()), c)

    best = key(sizes, lia, cut)
    moves = 0
    while moves < max_moves:
        moved = False
        order = sorted(range(zv.n), key=lambda v: (-sizes[area[v]], v))  # from the heaviest areas first
        for v in order:
            a = int(area[v])
            targets = sorted({int(area[u]) for u in nbrs[v]} - {a}, key=lambda b: (sizes[b], b))
            for b in targets:
                sz = sizes.copy()
                sz[a] -= w[v]
                sz[b] += w[v]
                li = lia.copy()
                li[a] -= int(zv.liaison[v])
                li[b] += int(zv.liaison[v])
                dc = sum(int(area[u] != b) - int(area[u] != a) for u in nbrs[v])
                cand = key(sz, li, cut + dc)
                if cand < best and _connected_without(members[a], v, nbrs):
                    members[a].discard(v)
                    members[b].add(v)
                    area[v], sizes, lia, cut, best = b, sz, li, cut + dc, cand
                    moves += 1
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    return canonical(area, k)
