"""The CP-SAT model of one zone's supervision areas.  Building only: no solving, no I/O.

Villages ``0..n-1`` (ordered by id), areas ``0..k-1``.  ``x[v][a]``: village ``v`` is in area
``a``; every village in exactly one area.

Contiguity (single-commodity flow per area): area ``a`` has one root ``r[v][a]``, its
lowest-numbered village (so the labelling is canonical: roots increase with ``a``, which
also removes the k! symmetric copies of every solution).  The root may send up to ``n``
units; flow runs only along neighbouring villages of the same area; every other village of
the area keeps one unit.  So every village of an area is reached from its root inside the
area: the area is connected.

Levels (lexicographic, :mod:`zoneplan.lex_model`):

1. ``no_liaison`` (min): areas without a liaison village -- only when the zone has one;
2. ``largest`` (min): the largest area's weight (households);
3. ``smallest`` (max): the smallest area's weight;
4. ``cut`` (min): neighbouring pairs of villages in different areas (compact areas).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ..graphs import bfs_tree
from ..lex_model import Level
from .data import ZoneVillages

__all__ = ["AreaModel", "build_area_model"]


@dataclass
class AreaModel:
    """The model, its variables and its levels (``zv`` is the zone it was built for)."""

    model: cp_model.CpModel
    zv: ZoneVillages
    x: list[list[cp_model.IntVar]]
    r: list[list[cp_model.IntVar]]
    root: list[cp_model.IntVar]
    flow: list[dict[tuple[int, int], cp_model.IntVar]]
    has: list[cp_model.IntVar]
    cut: list[cp_model.IntVar]
    largest: cp_model.IntVar
    smallest: cp_model.IntVar
    levels: list[Level]

    def extract(self, solver: cp_model.CpSolver) -> np.ndarray:
        """The area of each village."""
        return np.array([next(a for a, v in enumerate(row) if solver.boolean_value(v)) for row in self.x],
                        dtype=np.int64)

    def hint(self, area: np.ndarray) -> None:
        """Start the search from a known partition (area per village, areas numbered by their
        lowest village, each connected): every variable gets its value, so the hint is complete."""
        zv, m = self.zv, self.model
        n, k = zv.n, zv.k
        m.clear_hints()
        nbrs: list[list[int]] = [[] for _ in range(n)]
        for i, j in zv.edges:
            nbrs[i].append(j)
            nbrs[j].append(i)
        for a in range(k):
            members = [v for v in range(n) if area[v] == a]
            root = min(members)
            for v in range(n):
                m.add_hint(self.x[v][a], area[v] == a)
                m.add_hint(self.r[v][a], v == root)
            m.add_hint(self.root[a], root)
            order, parent = bfs_tree(root, nbrs, lambda w: area[w] == a)  # the area's tree from its root
            sub = {v: 1 for v in order}
            for v in reversed(order[1:]):
                sub[parent[v]] += sub[v]
            for (u, w), var in self.flow[a].items():
                m.add_hint(var, sub[w] if parent.get(w) == u and area[u] == a else 0)
            if self.has:
                m.add_hint(self.has[a], bool(zv.liaison[members].any()))
        for (i, j), var in zip(zv.edges, self.cut):
            m.add_hint(var, area[i] != area[j])
        sizes = [int(zv.weight[area == a].sum()) for a in range(k)]
        m.add_hint(self.largest, max(sizes))
        m.add_hint(self.smallest, min(sizes))


def build_area_model(zv: ZoneVillages) -> AreaModel:
    """Build the model of one zone (see the module docstring); needs ``1 <= k <= n``."""
    n, k = zv.n, zv.k
    if not 1 <= k <= n:
        raise ValueError(f"zone {zv.zone}: {k} areas for {n} villages")
    m = cp_model.CpModel()
    x = [[m.new_bool_var(f"x{v}_{a}") for a in range(k)] for v in range(n)]
    r = [[m.new_bool_var(f"r{v}_{a}") for a in range(k)] for v in range(n)]
    for v in range(n):
        m.add_exactly_one(x[v])
    root = []
    for a in range(k):
        m.add_exactly_one(r[v][a] for v in range(n))
        idx = m.new_int_var(0, n - 1, f"root{a}")
        m.add(idx == cp_model.LinearExpr.weighted_sum([r[v][a] for v in range(n)], list(range(n))))
        root.append(idx)
        for v in range(n):
            m.add_implication(r[v][a], x[v][a])
            m.add(idx <= v).only_enforce_if(x[v][a])  # the root is the area's lowest village
    for a in range(k - 1):
        m.add(root[a] < root[a + 1])
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for i, j in zv.edges:
        nbrs[i].append(j)
        nbrs[j].append(i)
    flows = []
    for a in range(k):
        flow = {}
        flows.append(flow)
        for i, j in zv.edges:
            for u, w in ((i, j), (j, i)):
                f = m.new_int_var(0, n, f"f{u}_{w}_{a}")
                m.add(f <= n * x[u][a])
                m.add(f <= n * x[w][a])
                flow[u, w] = f
        for v in range(n):
            net = cp_model.LinearExpr.sum([flow[u, v] for u in nbrs[v]]) - \
                cp_model.LinearExpr.sum([flow[v, u] for u in nbrs[v]])
            m.add(net >= x[v][a] - n * r[v][a])
    w = [int(x_) for x_ in zv.weight]
    total = sum(w)
    size = [cp_model.LinearExpr.weighted_sum([x[v][a] for v in range(n)], w) for a in range(k)]
    largest = m.new_int_var(0, total, "largest")
    smallest = m.new_int_var(0, total, "smallest")
    for a in range(k):
        m.add(largest >= size[a])
        m.add(smallest <= size[a])
    levels = []
    has: list[cp_model.IntVar] = []
    liaisons = [v for v in range(n) if zv.liaison[v]]
    if liaisons:
        has = [m.new_bool_var(f"has{a}") for a in range(k)]
        for a in range(k):
            m.add(has[a] <= cp_model.LinearExpr.sum([x[v][a] for v in liaisons]))
        levels.append(Level("no_liaison", "min", k - cp_model.LinearExpr.sum(has)))
    cut = []
    for i, j in zv.edges:
        c = m.new_bool_var(f"cut{i}_{j}")
        for a in range(k):
            m.add(c >= x[i][a] - x[j][a])
        cut.append(c)
    levels += [Level("largest", "min", largest), Level("smallest", "max", smallest),
               Level("cut", "min", cp_model.LinearExpr.sum(cut) if cut else m.new_constant(0))]
    return AreaModel(m, zv, x, r, root, flows, has, cut, largest, smallest, levels)
