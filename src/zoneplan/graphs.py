"""Small graph helpers shared by zoning, supervision areas, the geometry and the people
tables: one union-find, connected components, reach, breadth-first hops and trees.

Graphs are plain adjacency containers, ``nbrs[u]`` an iterable of ``u``'s neighbours (a
list of lists indexed by node, or a dict of sets).  Every helper visits neighbours in the
container's own order, so what it returns (and in which order) is a pure function of the
input -- the callers' plans and messages depend on it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["UnionFind", "components", "reach", "bfs_hops", "bfs_tree"]

Nbrs = Sequence[Iterable[Any]] | Mapping[Any, Iterable[Any]]


class UnionFind:
    """Disjoint sets over hashable items, with path halving.

    Items are added on first sight (or up front, ``UnionFind(range(n))``) and remembered in
    that order; :meth:`groups` lists the sets in the order of their first item.
    :meth:`union` makes ``b``'s root the root of the merged set.
    """

    def __init__(self, items: Iterable[Hashable] = ()) -> None:
        self.parent: dict[Hashable, Hashable] = {x: x for x in items}

    def __contains__(self, x: Hashable) -> bool:
        return x in self.parent

    def __len__(self) -> int:
        return len(self.parent)

    def find(self, x: Hashable) -> Hashable:
        """The root of ``x``'s set (``x`` is added as a set of its own when new)."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: Hashable, b: Hashable) -> bool:
        """Join the sets of ``a`` and ``b``; True when they were apart (``b`` is seen first)."""
        rb = self.find(b)
        ra = self.find(a)
        if ra == rb:
            return False
        self.parent[ra] = rb
        return True

    def groups(self) -> list[list[Hashable]]:
        """The sets, each in the order its items were added, in the order of their first item."""
        out: dict[Hashable, list[Hashable]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


def _adjacent(nbrs: Nbrs) -> Callable[[Any], Iterable[Any]]:
    """``u -> u's neighbours``; a dict may leave out nodes without neighbours (and a
    defaultdict is not grown by asking)."""
    if isinstance(nbrs, Mapping):
        get = nbrs.get
        return lambda u: get(u, ())
    return nbrs.__getitem__


def components(nodes: Iterable[Any], nbrs: Nbrs) -> list[list[Any]]:
    """Connected components of the graph ``nbrs`` induced on ``nodes`` (neighbours outside
    ``nodes`` are not followed): each sorted, in the order of their first node."""
    nodes = list(nodes)
    inside = set(nodes)
    adj = _adjacent(nbrs)
    seen: set = set()
    comps = []
    for s in nodes:
        if s in seen:
            continue
        stack, comp = [s], []
        seen.add(s)
        while stack:
            u = stack.pop()
            comp.append(u)
            for v in adj(u):
                if v in inside and v not in seen:
                    seen.add(v)
                    stack.append(v)
        comps.append(sorted(comp))
    return comps


def reach(start: Any, nbrs: Nbrs, inside: set | frozenset | None = None) -> set:
    """Every node reachable from ``start``, moving only through nodes of ``inside`` when
    given (``start`` itself is always reached)."""
    adj = _adjacent(nbrs)
    seen, todo = {start}, [start]
    while todo:
        u = todo.pop()
        for w in adj(u):
            if w not in seen and (inside is None or w in inside):
                seen.add(w)
                todo.append(w)
    return seen


def bfs_hops(nbrs: Nbrs, source: Any, cutoff: int | None = None) -> dict[Any, int]:
    """Hops from ``source`` to every node it reaches within ``cutoff`` hops (all when None),
    in breadth-first order.  A dict ``nbrs`` may leave out nodes without neighbours."""
    adj = _adjacent(nbrs)
    dist = {source: 0}
    q = deque([source])
    while q:
        u = q.popleft()
        if cutoff is not None and dist[u] >= cutoff:
            continue
        for v in adj(u):
            if v not in dist:
                dist[v] = dist[u] + 1
                q.append(v)
    return dist


def bfs_tree(root: Any, nbrs: Nbrs, keep: Callable[[Any], bool] | None = None) -> tuple[list[Any], dict[Any, Any]]:
    """A breadth-first tree from ``root`` through the nodes ``keep`` accepts (all when None):
    the nodes in visiting order, and each node's parent (``-1`` for the root)."""
    adj = _adjacent(nbrs)
    parent: dict[Any, Any] = {root: -1}
    order = [root]
    for u in order:
        for w in adj(u):
            if w not in parent and (keep is None or keep(w)):
                parent[w] = u
                order.append(w)
    return order, parent
