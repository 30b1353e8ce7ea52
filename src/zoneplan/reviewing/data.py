"""The review problem prepared once: which staffed cases, who may review which, and why not.

Reviewers of a case (乡案县审): the people of the case's county who may review -- column
``can_review`` of the roster, which defaults to county-level staff -- minus everyone the
rules exclude, in this order (a person is counted under the first rule that excludes them
in explanations, though every rule is listed in ``excluded``):

``review.team``
    on the case's team in the plan (review is done by people other than the investigators);
``review.available``
    marked unavailable;
``cross-check``, ``home``, ``kin``, ``declared``
    the staffing conflict rules, with the same meaning (a township-level reviewer posted in
    the case's township; home township or village; within ``max_hops`` of the subject;
    a declared recusal).  They are computed by the staffing eligibility engine's conflict
    function; the review checker recomputes them independently.

Reviews do not use up ``max_cases``: they have their own capacity (``max_reviews``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_
from ..data.tables import Tables
from ..options import RuleOptions
from ..travel import TravelTable, round_minutes

__all__ = ["ReviewInstance", "prepare", "EXCLUSION_ORDER", "EXCLUSION_WORDS"]

#: Rules that exclude a reviewer, in the order explanations count them.
EXCLUSION_ORDER = ("review.team", "review.available", "cross-check", "home", "kin", "declared")
#: How each exclusion is counted in explanations.
EXCLUSION_WORDS = {
    "review.team": N_("on the team"),
    "review.available": N_("unavailable"),
    "cross-check": N_("posted in the case's township"),
    "home": N_("from the case's township or village"),
    "kin": N_("kin of the subject"),
    "declared": N_("declared a conflict"),
}


@dataclass(frozen=True)
class ReviewInstance:
    """Dense review data; indices are rows of ``tables.cases`` / ``tables.investigators``.

    Attributes
    ----------
    cases
        The staffed cases to review (rows of the plan that name a known case), in table order.
    county
        County of each case in ``cases``.
    pool
        Per case in ``cases``: the reviewers of its county (before conflicts), as row indices.
    pair_inv, pair_case, pair_minutes, pair_cost
        Eligible (reviewer, case) pairs, sorted by case then reviewer; ``pair_case`` indexes
        ``cases``; minutes posted township -> case township and their rounded integer.
    excluded
        One row per excluded pool pair and rule: ``reviewer_id, case_id, rule, detail``.
    reviewers
        Every person who may review in a county with a case to review (for the load table).
    team
        Case row -> the plan's team (investigator row indices).
    """

    tables: Tables
    cases: np.ndarray
    county: np.ndarray
    pool: tuple[np.ndarray, ...]
    pair_inv: np.ndarray
    pair_case: np.ndarray
    pair_minutes: np.ndarray
    pair_cost: np.ndarray
    excluded: pd.DataFrame
    reviewers: np.ndarray
    team: dict[int, tuple[int, ...]]

    @property
    def case_ids(self) -> np.ndarray:
        return self.tables.cases["case_id"].to_numpy(dtype=object)[self.cases]

    def eligible(self, k: int) -> np.ndarray:
        """Eligible reviewers (investigator rows) of the ``k``-th case to review."""
        return self.pair_inv[self.pair_case == k]


def prepare(tables: Tables, assignments: pd.DataFrame, rules: RuleOptions | None = None) -> ReviewInstance:
    """Prepare the review problem of the plan ``assignments`` (``case_id, investigator_id``).

    Rows naming an unknown case or person are ignored (the staffing checker reports them).
    """
    from ..staffing.eligibility import _conflicts_for_pairs

    rules = rules or RuleOptions()
    t = tables
    inv, cs, tw = t.investigators, t.cases, t.townships
    inv_index = pd.Index(inv["investigator_id"].to_numpy(dtype=object))
    case_index = pd.Index(cs["case_id"].to_numpy(dtype=object))
    ci = case_index.get_indexer(assignments["case_id"].astype(str).to_numpy(dtype=object))
    ii = inv_index.get_indexer(assignments["investigator_id"].astype(str).to_numpy(dtype=object))
    team: dict[int, set[int]] = {}
    for c, i in zip(ci.tolist(), ii.tolist()):
        if c >= 0:
            team.setdefault(c, set())
            if i >= 0:
                team[c].add(i)
    cases = np.array(sorted(team), dtype=np.int64)
    tidx = pd.Index(tw["township_id"].to_numpy(dtype=object))
    tcounty = tw["county"].to_numpy(dtype=object)
    inv_t = tidx.get_indexer(inv["township_id"].to_numpy(dtype=object))
    case_t = tidx.get_indexer(cs["township_id"].to_numpy(dtype=object))
    inv_county = tcounty[inv_t] if len(inv) else np.zeros(0, dtype=object)
    county = tcounty[case_t[cases]] if len(cases) else np.zeros(0, dtype=object)
    may = inv["can_review"].to_numpy(dtype=bool)
    by_county: dict[str, np.ndarray] = {}
    for c in sorted(set(county.tolist())):
        by_county[c] = np.flatnonzero(may & (inv_county == c))
    pool = tuple(by_county[c] for c in county)
    pi = np.concatenate([p for p in pool] + [np.zeros(0, dtype=np.int64)]).astype(np.int64)
    pk = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(pool)]
                        + [np.zeros(0, dtype=np.int64)])
    pc = cases[pk] if len(pk) else np.zeros(0, dtype=np.int64)
    rows = []
    for k, c in enumerate(cases.tolist()):
        for i in sorted(team[c]):
            if len(pool[k]) and i in set(pool[k].tolist()):
                rows.append((i, c, "review.team", "on the case's team in the plan"))
    for i, c, rule, detail in _conflicts_for_pairs(t, rules, pi, pc):
        if rule == "team.capacity":
            continue  # investigating capacity; reviews have their own
        rows.append((i, c, "review.available" if rule == "team.available" else rule, detail))
    inv_ids = inv["investigator_id"].to_numpy(dtype=object)
    case_ids = cs["case_id"].to_numpy(dtype=object)
    if rows:
        ex = pd.DataFrame(rows, columns=["i", "c", "rule", "detail"])
        bad = set(zip(ex["i"].tolist(), ex["c"].tolist()))
        excluded = pd.DataFrame({"reviewer_id": inv_ids[ex["i"].to_numpy()], "case_id": case_ids[ex["c"].to_numpy()],
                                 "rule": ex["rule"].to_numpy(dtype=object), "detail": ex["detail"].to_numpy(dtype=object)})
        excluded = excluded.sort_values(["case_id", "reviewer_id", "rule"], kind="stable").reset_index(drop=True)
    else:
        bad = set()
        excluded = pd.DataFrame(columns=["reviewer_id", "case_id", "rule", "detail"])
    keep = np.array([(i, c) not in bad for i, c in zip(pi.tolist(), pc.tolist())], dtype=bool)
    ei, ek = pi[keep] if len(pi) else pi, pk[keep] if len(pk) else pk
    order = np.lexsort((ei, ek))
    ei, ek = ei[order], ek[order]
    travel = TravelTable(tw, t.travel)
    minutes = travel.minutes(inv_t[ei], case_t[cases[ek]]) if len(ei) else np.zeros(0)
    reviewers = np.unique(np.concatenate([p for p in pool] + [np.zeros(0, dtype=np.int64)])).astype(np.int64)
    return ReviewInstance(
        tables=t, cases=cases, county=county, pool=pool, pair_inv=ei, pair_case=ek,
        pair_minutes=np.floor(np.asarray(minutes, dtype=float) * 100 + 0.5) / 100,
        pair_cost=round_minutes(minutes), excluded=excluded, reviewers=reviewers,
        team={c: tuple(sorted(v)) for c, v in team.items()},
    )
