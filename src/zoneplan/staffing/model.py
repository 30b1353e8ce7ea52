"""CP-SAT model of one part: a pure function of the prepared arrays.  No solving, no I/O.

Variables, in this order (so a solution is read back with array slices): ``member[p]`` per
local pair, ``staffed[c]`` per local case, and ``max_load``.  The lead is a role, not a
decision: a team needs at least one member who may lead its case (county-level when
escalated), and :func:`assign_leads` names one afterwards (the same LP, far fewer
variables than a lead variable per pair).

One small function per constraint family, listed in :data:`CONSTRAINTS`; each returns its
rows.  Adding a family (e.g. no two kin in one team, a limit of members per township,
locked or forbidden pairs) is one function appended there -- plus, for the greedy start
and the checker, the same rule in :mod:`~zoneplan.staffing.greedy` and
:mod:`~zoneplan.staffing.check`.

The model is written as CP-SAT text (one parse in C++), about four times faster than
creating its hundreds of thousands of variables one by one from Python at national scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model_helper as cmh

from .levels import Coefficients, Level, MaxLevel, SumLevel
from .parts import Part, PartPlan, assign_leads, kin_pair_rows, township_pair_groups

__all__ = ["PartModel", "Row", "build_model", "rows", "load_range", "assign_leads", "CONSTRAINTS"]

_UNBOUNDED = 2 ** 60

#: A linear row: variable indices, coefficients, lower and upper bound.
Row = tuple[list[int], list[int], int, int]


class ProtoModel:
    """The model as :meth:`CpSolver.solve` reads it: just its proto.  (A full ``CpModel``
    costs 1.4 ms to create -- it adds camel-case aliases one by one -- which is more than
    solving a national-scale part.)"""

    __slots__ = ("proto",)

    def __init__(self) -> None:
        self.proto = cmh.CpModelProto()


@dataclass
class PartModel:
    """A built model and where its variables are (see the module docstring)."""

    part: Part
    model: ProtoModel
    n_member: int
    n_staffed: int
    max_load: int  # variable index

    def terms(self, coef: Coefficients) -> tuple[list[int], list[int], int]:
        """A linear function of the plan as (variable indices, coefficients, constant)."""
        if coef.lead is not None and np.any(coef.lead):
            raise ValueError("the CP-SAT model has no lead variables; a level counting leads needs them")
        idx: list[int] = []
        val: list[int] = []
        if coef.member is not None:
            nz = np.flatnonzero(coef.member)
            idx += nz.tolist()
            val += coef.member[nz].astype(np.int64).tolist()
        if coef.case is not None:
            nz = np.flatnonzero(coef.case)
            idx += (self.n_member + nz).tolist()
            val += coef.case[nz].astype(np.int64).tolist()
        return idx, val, int(coef.constant)

    def level_terms(self, level: Level) -> tuple[list[int], list[int], int]:
        if isinstance(level, MaxLevel):
            return [self.max_load], [1], 0
        assert isinstance(level, SumLevel)
        return self.terms(level.coefficients(self.part))

    def add_row(self, idx: Iterable[int], coef: Iterable[int], lo: int, hi: int) -> None:
        ct = self.model.proto.constraints.add()
        ct.linear.vars.extend(list(idx))
        ct.linear.coeffs.extend(list(coef))
        ct.linear.domain.extend([int(lo), int(hi)])

    def maximise(self, idx: list[int], coef: list[int], constant: int = 0) -> None:
        """Set the objective: maximise ``sum(coef * var) + constant``."""
        uniq, inv = np.unique(np.asarray(idx, dtype=np.int64), return_inverse=True)
        total = np.zeros(len(uniq), dtype=np.int64)
        np.add.at(total, inv, np.asarray(coef, dtype=np.int64))
        keep = total != 0
        self.model.proto.clear_objective()
        o = self.model.proto.objective
        o.vars.extend(uniq[keep].tolist())
        o.coeffs.extend((-total[keep]).tolist())
        o.offset = float(-constant)
        o.scaling_factor = -1.0

    def hint(self, plan: PartPlan) -> None:
        """Start the search from ``plan`` (a complete hint)."""
        proto = self.model.proto
        proto.clear_solution_hint()
        values = np.r_[plan.member.astype(np.int64), plan.staffed.astype(np.int64), plan.max_load(self.part)]
        low, top = self.load_domain()
        values[-1] = min(max(values[-1], low), top)
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values.tolist())

    def load_domain(self) -> tuple[int, int]:
        """The domain of ``max_load`` (the proto's repeated fields take no negative index)."""
        d = list(self.model.proto.variables[self.max_load].domain)
        return int(d[0]), int(d[len(d) - 1])

    def set_load_domain(self, low: int, high: int) -> None:
        d = self.model.proto.variables[self.max_load].domain
        d.clear()
        d.extend([int(low), int(high)])

    def read(self, solution) -> PartPlan:
        """The plan in a CP-SAT solution vector (``response.solution``), leads named."""
        sol = np.asarray(solution, dtype=np.int64)
        member = sol[:self.n_member].astype(bool)
        staffed = sol[self.n_member:self.n_member + self.n_staffed].astype(bool)
        return PartPlan(staffed, member, assign_leads(self.part, member))


Family = Callable[[Part, "_Vars"], Iterable[Row]]


@dataclass(frozen=True)
class _Vars:
    """Variable indices of a part's model."""

    member: np.ndarray  # per pair
    staffed: np.ndarray  # per case
    max_load: int
    by_case: list[list[int]]
    by_inv: list[list[int]]


def _team_cover(part: Part, v: _Vars) -> Iterable[Row]:
    """Exactly team_size members when staffed, none otherwise (no half teams)."""
    for c, ps in enumerate(v.by_case):
        yield ps + [int(v.staffed[c])], [1] * len(ps) + [-int(part.team_size[c])], 0, 0


def _lead(part: Part, v: _Vars) -> Iterable[Row]:
    """A staffed case that needs a lead has a member who may lead it (county-level when
    escalated: the pair's lead flag says so)."""
    leads = np.flatnonzero(part.pair_lead)
    starts = np.searchsorted(part.pair_case[leads], np.arange(part.n_cases + 1))
    for c in np.flatnonzero(part.needs_lead).tolist():
        ps = leads[starts[c]:starts[c + 1]].tolist()
        yield ps + [int(v.staffed[c])], [1] * len(ps) + [-1], 0, len(ps)


def _skills(part: Part, v: _Vars) -> Iterable[Row]:
    """Every required skill covered by at least one member of a staffed case."""
    for r, c in enumerate(part.req_case.tolist()):
        ps = part.req_pairs[part.req_ptr[r]:part.req_ptr[r + 1]].tolist()
        yield ps + [int(v.staffed[c])], [1] * len(ps) + [-1], 0, len(ps)


def _capacity(part: Part, v: _Vars) -> Iterable[Row]:
    """No one above max_cases (less the cases already on hand)."""
    for i, ps in enumerate(v.by_inv):
        if len(ps) > part.capacity[i]:
            yield ps, [1] * len(ps), 0, int(part.capacity[i])


def _workload(part: Part, v: _Vars) -> Iterable[Row]:
    """max_load is at least everybody's workload (current + assigned, hundredths)."""
    work = part.pair_work.tolist()
    for i, ps in enumerate(v.by_inv):
        if ps:
            yield ps + [v.max_load], [work[p] for p in ps] + [-1], -_UNBOUNDED, -int(part.current_load[i])


def _team_kin(part: Part, v: _Vars) -> Iterable[Row]:
    """Rule ``team.kin``: at most one of two kin (within ``team_kin_hops``) per team."""
    ps, qs = kin_pair_rows(part)
    for p, q in zip(ps.tolist(), qs.tolist()):
        yield [p, q], [1, 1], 0, 1


def _per_township(part: Part, v: _Vars) -> Iterable[Row]:
    """Rule ``team.township``: at most ``per_township`` township-level members of a team
    posted in one township."""
    for grp in township_pair_groups(part):
        yield grp, [1] * len(grp), 0, int(part.per_township)


def _locks(part: Part, v: _Vars) -> Iterable[Row]:
    """Locked pairs are members (re-planning: ``--lock``)."""
    for p in np.flatnonzero(part.pair_locked).tolist():
        yield [p], [1], 1, 1


#: The constraint families, applied in this order by :func:`build_model`.
CONSTRAINTS: list[Family] = [_team_cover, _lead, _skills, _capacity, _workload, _team_kin, _per_township, _locks]


def _text(rows: Iterable[Row]) -> str:
    return "".join(f"constraints{{linear{{vars:[{','.join(map(str, i))}] coeffs:[{','.join(map(str, c))}] "
                   f"domain:[{lo},{hi}]}}}}" for i, c, lo, hi in rows)


def rows(part: Part) -> Iterable[Row]:
    """Every row of the part's model, family by family (variable order as in the module
    docstring).  CP-SAT (:func:`build_model`) and HiGHS (:mod:`~zoneplan.staffing.mip`)
    both read these, so a constraint family is written once for both."""
    n_p, n_c = part.n_pairs, part.n_cases
    member = np.arange(n_p)
    by_case = [a.tolist() for a in np.split(member, part.case_ptr[1:-1])]
    order = np.argsort(part.pair_inv, kind="stable")
    by_inv = [a.tolist() for a in np.split(order, np.searchsorted(part.pair_inv[order], np.arange(1, part.n_invs)))]
    v = _Vars(member, n_p + np.arange(n_c), n_p + n_c, by_case, by_inv)
    for family in CONSTRAINTS:
        yield from family(part, v)


def load_range(part: Part) -> tuple[int, int]:
    """The domain of ``max_load``: from the largest workload on hand to everything at once."""
    base = int(part.current_load.max(initial=0))
    return base, base + int(part.workload.sum())


def build_model(part: Part) -> PartModel:
    """Build the CP-SAT model of one part (no objective yet; see :meth:`PartModel.maximise`)."""
    n_p, n_c = part.n_pairs, part.n_cases
    base, top = load_range(part)
    text = ["variables{domain:[0,1]}" * (n_p + n_c), f"variables{{domain:[{base},{max(base, top)}]}}", _text(rows(part))]
    m = ProtoModel()
    m.proto.parse_text_format("".join(text))
    return PartModel(part, m, n_p, n_c, n_p + n_c)
