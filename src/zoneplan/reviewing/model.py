"""The CP-SAT review model of one county.  Building only: no solving, no I/O.

Variables: ``x[p]`` -- eligible pair ``p`` (reviewer, case) is chosen; ``y[k]`` -- case ``k``
is reviewed.  Constraints: a reviewed case has exactly ``reviewers_per_case`` reviewers and
an unreviewed one none (``sum_p x[p] = R y[k]``); nobody takes more than ``max_reviews``;
``z`` is at least every reviewer's number of reviews.  Objective terms (combined
lexicographically by :mod:`zoneplan.lex_model`): ``reviewed`` = priority-weighted
reviewed cases (max), ``max_reviews`` = ``z`` (min), ``travel`` = road minutes of every
review, rounded per pair (min).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ..lex_model import Level

__all__ = ["ReviewPart", "ReviewModel", "build_review_model"]


@dataclass(frozen=True)
class ReviewPart:
    """One county's cases (local ``0..m-1``) and their eligible pairs (local reviewers ``0..r-1``)."""

    county: str
    cases: np.ndarray  # indices into ReviewInstance.cases
    reviewers: np.ndarray  # investigator rows
    pair_rev: np.ndarray  # local reviewer per pair
    pair_case: np.ndarray  # local case per pair
    pair_cost: np.ndarray  # rounded minutes per pair
    priority: np.ndarray  # per local case
    pairs: np.ndarray  # the pairs' indices in the instance


@dataclass
class ReviewModel:
    """The model and its variables; ``levels`` in lexicographic order."""

    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    y: list[cp_model.IntVar]
    levels: list[Level]

    def extract(self, solver: cp_model.CpSolver) -> np.ndarray:
        """Chosen pairs (bool per pair) of the solver's solution."""
        return np.array([solver.boolean_value(v) for v in self.x], dtype=bool)


def build_review_model(part: ReviewPart, reviewers_per_case: int, max_reviews: int) -> ReviewModel:
    """Build the review model of one county (see the module docstring)."""
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{p}") for p in range(len(part.pair_rev))]
    y = [m.new_bool_var(f"y{k}") for k in range(len(part.cases))]
    by_case: list[list[int]] = [[] for _ in range(len(part.cases))]
    by_rev: list[list[int]] = [[] for _ in range(len(part.reviewers))]
    for p, (r, k) in enumerate(zip(part.pair_rev.tolist(), part.pair_case.tolist())):
        by_case[k].append(p)
        by_rev[r].append(p)
    for k, ps in enumerate(by_case):
        m.add(cp_model.LinearExpr.sum([x[p] for p in ps]) == reviewers_per_case * y[k])
    z = m.new_int_var(0, max(0, max_reviews), "max_reviews")
    for ps in by_rev:
        load = cp_model.LinearExpr.sum([x[p] for p in ps])
        m.add(load <= max_reviews)
        m.add(z >= load)
    reviewed = cp_model.LinearExpr.weighted_sum(y, [int(v) for v in part.priority])
    travel = cp_model.LinearExpr.weighted_sum(x, [int(v) for v in part.pair_cost])
    levels = [Level("reviewed", "max", reviewed), Level("max_reviews", "min", z), Level("travel", "min", travel)]
    return ReviewModel(m, x, y, levels)
