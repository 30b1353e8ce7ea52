"""Objective levels: what each level measures, in model units, on a part's plan.

Two kinds compose every objective:

* a :class:`SumLevel` is a sum over the parts of a linear function of the plan -- a
  coefficient per staffed case, per member pair and per lead pair, plus a constant.
  ``staffed`` (priority per staffed case, maximised) and ``travel`` (whole road minutes per
  member, minimised) are sum levels;
* a :class:`MaxLevel` is the largest of a per-investigator quantity over everybody,
  minimised: ``max_workload`` (current workload plus the workload of the assigned cases,
  in hundredths).

The solver only talks to levels through these classes: the CP-SAT term
(:mod:`~zoneplan.staffing.model`), the LP relaxation (:mod:`~zoneplan.staffing.lp`),
the value of a plan and a cheap bound.  Adding a sum level is a small, local change: a
subclass of :class:`SumLevel` whose :meth:`~SumLevel.coefficients` says what a staffed
case, a member and a lead are worth, and an entry in :data:`LEVELS`; :class:`ChangesLevel`
(changes versus a previous plan) is one, and so is :class:`TieBreakLevel`, the hidden
last level that makes the plan canonical (:mod:`~zoneplan.staffing.canonical`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .instance import WORKLOAD_SCALE
from .parts import Part, PartPlan, assign_leads

__all__ = ["Level", "SumLevel", "MaxLevel", "Coefficients", "LEVELS", "level"]


@dataclass(frozen=True)
class Coefficients:
    """A linear function of a part's plan: per case (staffed), per pair (member), per pair
    (lead), and a constant.  ``None`` stands for all zeros."""

    case: np.ndarray | None = None
    member: np.ndarray | None = None
    lead: np.ndarray | None = None
    constant: int = 0

    def value(self, plan: PartPlan) -> int:
        v = self.constant
        if self.case is not None:
            v += int(self.case[plan.staffed].sum())
        if self.member is not None:
            v += int(self.member[plan.member].sum())
        if self.lead is not None:
            v += int(self.lead[plan.lead].sum())
        return v

    def span(self, part: Part) -> int:
        """An upper bound of ``max - min`` of the function over all plans of the part."""
        s = 0
        for arr in (self.case, self.member, self.lead):
            if arr is not None:
                s += int(np.abs(arr).sum())
        if self.member is not None and self.case is None:
            # members come in teams: at most the team's dearest members per case
            s = min(s, _team_span(part, np.abs(self.member)) + (int(np.abs(self.lead).sum()) if self.lead is not None else 0))
        return s


def _team_span(part: Part, weight: np.ndarray) -> int:
    """Largest possible sum of ``weight`` over members: per case its team_size largest."""
    order = np.lexsort((-weight, part.pair_case))
    rank = np.arange(part.n_pairs) - part.case_ptr[part.pair_case[order]]
    top = rank < part.team_size[part.pair_case[order]]
    return int(weight[order][top].sum())


@dataclass(frozen=True)
class Level:
    """An objective level: its name, sense (+1 maximise, -1 minimise) and unit.

    ``scale`` is the number of model units per user unit (workload: 100 hundredths)."""

    name: str
    sense: int
    scale: int = 1

    def to_user(self, v: float) -> float:
        return float(v) / self.scale if self.scale != 1 else float(v)

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is strictly better than ``b``."""
        return a > b if self.sense > 0 else a < b


@dataclass(frozen=True)
class SumLevel(Level):
    """A level that is a sum over parts of a linear function of the plan."""

    def coefficients(self, part: Part) -> Coefficients:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self, part: Part, plan: PartPlan) -> int:
        return self.coefficients(part).value(plan)

    def ideal(self, part: Part, plan: PartPlan, earlier: tuple[str, ...]) -> tuple[int, PartPlan | None] | None:
        """A cheap bound on the part's optimum that holds when ``plan`` is optimal for the
        ``earlier`` levels (fixed before this one), and perhaps a plan reaching it (to be
        checked against the kept levels); None when there is none.  A plan that reaches
        the bound is proven optimal without a search."""
        return None


@dataclass(frozen=True)
class StaffedLevel(SumLevel):
    """Priority-weighted number of staffed cases (maximised)."""

    def coefficients(self, part: Part) -> Coefficients:
        return Coefficients(case=part.priority)

    def ideal(self, part: Part, plan: PartPlan, earlier: tuple[str, ...]) -> tuple[int, PartPlan | None] | None:
        return int(part.priority.sum()), None  # every case of the part staffed


@dataclass(frozen=True)
class TravelLevel(SumLevel):
    """Total whole road minutes, posted township to case township, per member (minimised)."""

    def coefficients(self, part: Part) -> Coefficients:
        return Coefficients(member=part.pair_cost)

    def ideal(self, part: Part, plan: PartPlan, earlier: tuple[str, ...]) -> tuple[int, PartPlan | None] | None:
        """When ``staffed`` came earlier and every case of the part is staffed (so every
        plan of this level staffs them all): the cheapest teams by a min-cost flow that
        leaves out the required skills (:mod:`~zoneplan.staffing.flow`), and those teams
        as a plan when they cover the skills too."""
        if "staffed" not in earlier or not plan.staffed.all():
            return None
        from .flow import cheapest_teams_flow

        found = cheapest_teams_flow(part, part.pair_cost)
        if found is None:
            return int(cheapest_teams(part).sum()), None
        cost, member = found
        covered = np.bincount(np.repeat(np.arange(len(part.req_case)), np.diff(part.req_ptr)),
                              weights=member[part.req_pairs], minlength=len(part.req_case)) > 0
        best = PartPlan(np.ones(part.n_cases, dtype=bool), member, assign_leads(part, member)) \
            if covered.all() else None
        return cost, best


def cheapest_teams(part: Part) -> np.ndarray:
    """Per case, a lower bound of its team's minutes: its ``team_size`` nearest people,
    or its ``team_size - 1`` nearest plus the nearest possible lead when none of the
    ``team_size`` nearest can lead a case that needs one."""
    order = np.lexsort((part.pair_cost, part.pair_case))
    case = part.pair_case[order]
    rank = np.arange(part.n_pairs) - part.case_ptr[case]
    k = part.team_size[case]
    cost = part.pair_cost[order]
    base = np.bincount(case[rank < k], weights=cost[rank < k], minlength=part.n_cases)
    lead_in = np.bincount(case[(rank < k) & part.pair_lead[order]], minlength=part.n_cases) > 0
    short = part.needs_lead & ~lead_in
    if short.any():
        kth = np.zeros(part.n_cases)
        last = rank == k - 1
        kth[case[last]] = cost[last]
        first_lead = np.full(part.n_cases, np.inf)
        lead_rows = part.pair_lead[order]
        np.minimum.at(first_lead, case[lead_rows], cost[lead_rows])
        base = np.where(short, base - kth + first_lead, base)
    return np.where(np.isfinite(base), base, 0).astype(np.int64)


@dataclass(frozen=True)
class MaxLevel(Level):
    """The largest per-investigator quantity over everybody (minimised)."""

    def loads(self, part: Part, plan: PartPlan) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self, part: Part, plan: PartPlan) -> int:
        return int(self.loads(part, plan).max(initial=0))


@dataclass(frozen=True)
class WorkloadLevel(MaxLevel):
    """Current workload plus the workload of the assigned cases, in hundredths."""

    def loads(self, part: Part, plan: PartPlan) -> np.ndarray:
        return plan.loads(part)


@dataclass(frozen=True)
class ChangesLevel(SumLevel):
    """Changes versus the previous plan (minimised): memberships removed, memberships
    added, and cases whose previous lead no longer leads them.

    Linear in the model's variables: a previous membership still eligible counts
    ``1 - x[p]``, any other pair ``x[p]``; a case that had a lead counts ``staffed[c] -
    x[p_lead]`` where ``p_lead`` is the previous lead's pair when they may still lead it
    (:func:`~zoneplan.staffing.parts.assign_leads` keeps them as lead whenever they are on
    the team), else ``staffed[c]``.  Previous memberships that are no longer eligible pairs
    (closed cases, people gone, new conflicts) are changes whatever the plan; they are
    counted once for the whole run, outside the parts.
    """

    def coefficients(self, part: Part) -> Coefficients:
        member = np.where(part.pair_prev, -1, 1).astype(np.int64) - part.pair_keep_lead.astype(np.int64)
        return Coefficients(case=part.case_prev_lead.astype(np.int64), member=member,
                            constant=int(part.pair_prev.sum()))

    def ideal(self, part: Part, plan: PartPlan, earlier: tuple[str, ...]) -> tuple[int, PartPlan | None] | None:
        """Per case: a staffed case changes at least ``|previous members still eligible -
        team_size|`` memberships, plus its lead when its previous lead cannot lead it any
        more; an unstaffed one loses its previous members.  Staffed cases are known when
        ``staffed`` came earlier and the plan staffs every case, or when the case is locked."""
        q = np.bincount(part.pair_case[part.pair_prev], minlength=part.n_cases)
        keep_lead = np.bincount(part.pair_case[part.pair_keep_lead], minlength=part.n_cases) > 0
        staffed_cost = np.abs(q - part.team_size) + (part.case_prev_lead & ~keep_lead)
        locked = np.bincount(part.pair_case[part.pair_locked], minlength=part.n_cases) > 0
        if "staffed" in earlier and plan.staffed.all():
            return int(staffed_cost.sum()), None
        return int(np.where(locked, staffed_cost, np.minimum(staffed_cost, q)).sum()), None


@dataclass(frozen=True)
class TieBreakLevel(SumLevel):
    """The hidden last level: the tie-break weights of the members, summed (minimised).

    Each pair's weight comes from its case id and investigator id alone
    (:func:`~zoneplan.staffing.canonical.tie_weights`), so among plans equal on every
    objective level the one kept does not depend on the row order of the tables nor on
    people, cases or relations it does not use.  Never reported as an objective level.
    """

    def coefficients(self, part: Part) -> Coefficients:
        w = part.pair_tie if part.pair_tie is not None else np.ones(part.n_pairs, dtype=np.int64)
        return Coefficients(member=w)

    def ideal(self, part: Part, plan: PartPlan, earlier: tuple[str, ...]) -> tuple[int, PartPlan | None] | None:
        """When ``staffed`` and ``travel`` came earlier (and perhaps the workload cap, which
        :meth:`PartState.accepts` checks) and every case of the part is staffed: the
        min-cost flow of :mod:`~zoneplan.staffing.flow` on ``travel * S + weight`` (``S``
        above any plan's weight) gives the least weight of the teams of least travel, a
        bound, and those teams as a plan when they cover the skills too."""
        if not {"staffed", "travel"} <= set(earlier) or not set(earlier) <= {"staffed", "travel", "max_workload"} \
                or not plan.staffed.all():
            return None
        from .flow import cheapest_teams_flow

        tie = self.coefficients(part).member
        scale = 1 + _team_span(part, tie)
        found = cheapest_teams_flow(part, part.pair_cost * scale + tie)
        if found is None:
            return None
        cost, member = found
        travel = int(part.pair_cost[member].sum())
        if travel != int(part.pair_cost[plan.member].sum()):
            return None  # the flow's teams travel less but break a rule it leaves out: no bound here
        covered = np.bincount(np.repeat(np.arange(len(part.req_case)), np.diff(part.req_ptr)),
                              weights=member[part.req_pairs], minlength=len(part.req_case)) > 0
        best = PartPlan(np.ones(part.n_cases, dtype=bool), member, assign_leads(part, member)) \
            if covered.all() else None
        return cost - travel * scale, best


#: The levels by name.  ``SolveOptions.order`` names them (``changes`` only when
#: re-planning from a previous plan).
LEVELS: dict[str, Level] = {
    "staffed": StaffedLevel("staffed", +1),
    "max_workload": WorkloadLevel("max_workload", -1, WORKLOAD_SCALE),
    "travel": TravelLevel("travel", -1),
    "changes": ChangesLevel("changes", -1),
    "tie_break": TieBreakLevel("tie_break", -1),
}


def level(name: str) -> Level:
    """The level called ``name``."""
    return LEVELS[name]
