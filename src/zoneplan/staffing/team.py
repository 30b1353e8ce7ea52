"""Team rules: who may not share a team, whatever the case.

Two rules, both off by default (:class:`~zoneplan.options.RuleOptions`):

``team.kin`` (``team_kin_hops = H``)
    No two members of one team within ``H`` hops of each other in the relations graph.
    Off by default: the relations graph mixes kin with colleagues and classmates (the
    example county links I050 and I056 as 同事), and the investigators of one commission
    are colleagues by definition, so the rule on by default would forbid ordinary teams
    and change published plans.  The rule the law sets for working side by side
    (公务员法 任职回避: spouses, direct and close collateral kin) is about kin; a county whose
    relations table holds kin (or who wants it) switches it on with ``H = 1``.
``team.township`` (``max_per_township = N``)
    At most ``N`` township-level members of one team posted in the same township, so a
    team is drawn from several commissions (交叉互查).  County-level staff are exempt: they
    are all posted at the county seat and are the county's own pool, not a township's.

The solver models them as rows of :mod:`~zoneplan.staffing.model` (at most one of each kin
pair per case; a sum per case and township), the greedy start keeps them, and the
independent checker re-derives them from the tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.tables import Tables
from .eligibility import _kin_graph as _graph, _path_text, _shortest_paths as _within

__all__ = ["team_kin_pairs", "township_groups", "kin_path", "TEAM_RULES"]

#: Rule ids of the team rules, as the checker and the explanations name them.
TEAM_RULES = ("team.kin", "team.township")


def team_kin_pairs(tables: Tables, hops: int) -> tuple[np.ndarray, np.ndarray]:
    """Investigator index pairs ``(a, b)``, ``a < b``, within ``hops`` of each other.

    A breadth-first search of depth ``hops`` from every investigator in the relations
    graph; empty when ``hops`` is 0."""
    empty = np.zeros(0, dtype=np.int64)
    if hops <= 0 or tables.relations is None or len(tables.relations) == 0:
        return empty, empty
    g = _graph(tables)
    ids = tables.investigators["investigator_id"].tolist()
    pos = {v: k for k, v in enumerate(ids)}
    a, b = [], []
    for i, name in enumerate(ids):
        if name not in g:
            continue
        for node in _within(g, name, hops):
            j = pos.get(node)
            if j is not None and j > i:
                a.append(i)
                b.append(j)
    if not a:
        return empty, empty
    order = np.lexsort((np.asarray(b), np.asarray(a)))
    return np.asarray(a, dtype=np.int64)[order], np.asarray(b, dtype=np.int64)[order]


def kin_path(tables: Tables, a: str, b: str, hops: int) -> str | None:
    """``I012 -[夫妻]- I039 (1 hop)`` when ``a`` and ``b`` are within ``hops``, else None."""
    g = _graph(tables)
    path = _within(g, a, hops).get(b) if a in g else None
    return None if path is None else _path_text(g, path)


def township_groups(tables: Tables) -> np.ndarray:
    """Per investigator the code of the township posted in; -1 for county-level staff."""
    inv = tables.investigators
    code = pd.factorize(inv["township_id"].to_numpy(dtype=object))[0].astype(np.int64)
    return np.where((inv["level"] == "county").to_numpy(), -1, code)
