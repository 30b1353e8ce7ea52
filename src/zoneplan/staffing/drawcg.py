"""Column generation for a draw: a distribution over valid plans of one part whose
pair probabilities stay under caps, as an explicit convex combination of plans.

The master LP (GLOP) chooses weights ``lam[k] >= 0``, ``sum lam = 1``, over plans ``k``
(columns) of a part:

* caps: ``sum_k lam[k] * member_k[p] <= cap`` for every pair ``p`` some column uses
  (rows are added when a column first uses the pair; a pair no column uses has
  probability 0), the same with ``lead_k[p]`` and ``lead_cap`` when leads are capped;
  locked pairs are in every plan and carry no cap row;
* fixed levels: ``sum_k lam[k] * h(k) <= value`` keeps an earlier expected level at its
  optimum (lexicographic objectives in expectation);
* objective: the expected value of the level being optimised.

Phase 1 minimises the breach of the caps and of the fixed levels: the sum of one elastic
variable per cap row (every breached pair is priced at once, so few rounds reach the caps),
or, to name the smallest caps, one elastic ``s`` shared by every cap row (the least uniform
raise; its binding rows are the pairs whose caps must rise); phase 2 starts when the breach
is 0.  New columns come from the pricing
oracle, the part's exact model (:func:`~zoneplan.staffing.model.build_model`: every hard
rule, every case of the part staffed, ``max_load <= W``, explicit lead variables when
leads are capped) solved by CP-SAT on one worker: the reduced cost of a plan.  Every column is therefore a plan that keeps every hard rule, by construction; the
LP only mixes them.  The LP over all plans is the LP over the marginals inside the convex
hull of valid plans -- the bipartite relaxation of Jecmen et al. (2020) would let leads,
skills and team rules be met only on average.

Determinism: GLOP and CP-SAT on one worker with a fixed seed and no time limit; columns
are added in the order found; iteration limits are counts, never seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from fractions import Fraction

import numpy as np
import scipy.sparse as sps
from ortools.linear_solver import pywraplp
from ortools.linear_solver.python import model_builder_helper as mbh
from ortools.sat.python import cp_model

from ..runner import Budget, Cancelled, cpsat_parameters
from .mip import _solve_within
from .model import assign_leads, build_model, load_range, rows
from .parts import Part, PartPlan
from .search import SPARSE_PARAMETERS

__all__ = ["Column", "Caps", "Linear", "Oracle", "CGOutcome", "column_generation", "make_column", "TOL"]

log = logging.getLogger(__name__)

#: Tolerance on reduced costs (relative to the objective's size) and on bounds.
TOL = 1e-7

#: A phase-1 breach below this is taken for zero (phase 2 then holds the caps exactly).
BREACH_TOL = 1e-9

#: CP-SAT parameters of a pricing solve: those of the sparse parts plus one round of cuts and
#: deeper probing, which the load cap needs (measured on the prefecture's largest part under
#: the optimum's load cap, 8 random pricing costs: 161 ms per solve with
#: :data:`~zoneplan.staffing.search.SPARSE_PARAMETERS`, 38 ms with these; 10 -> 6 ms on the
#: example county).
PRICING_PARAMETERS: dict[str, object] = {**SPARSE_PARAMETERS, "cut_level": 1, "cp_model_probing_level": 2}

#: Parts with more eligible pairs than this are priced by HiGHS (:class:`_HighsPricing`),
#: smaller ones by CP-SAT.
HIGHS_PAIRS = 1_500

_HUGE = 2 ** 59

#: Improving plans a pricing solve passes on the way, kept as extra columns when their
#: reduced cost is negative too (fewer rounds of the master).
EXTRA_COLUMNS = 6

#: The largest pricing cost after scaling to CP-SAT's integers (the rounding then moves a
#: plan's reduced cost by far less than :data:`TOL`).
COST_SCALE = 2.0 ** 40


@dataclass(frozen=True, eq=False)
class Column:
    """One valid plan of a part: members and leads (bool per part pair), its largest
    workload (hundredths) and a key that identifies it."""

    member: np.ndarray
    lead: np.ndarray
    load: int
    key: bytes

    def plan(self, part: Part) -> PartPlan:
        return PartPlan(np.ones(part.n_cases, dtype=bool), self.member, self.lead)


def make_column(part: Part, member: np.ndarray, lead: np.ndarray | None = None) -> Column:
    """A column from a member vector (leads named by :func:`assign_leads` unless given)."""
    member = np.asarray(member, dtype=bool).copy()
    lead = assign_leads(part, member) if lead is None else np.asarray(lead, dtype=bool).copy()
    member.setflags(write=False)
    lead.setflags(write=False)
    load = PartPlan(np.ones(part.n_cases, dtype=bool), member, lead).max_load(part)
    key = np.packbits(member).tobytes() + b"|" + np.packbits(lead).tobytes()
    return Column(member, lead, int(load), key)


@dataclass(frozen=True)
class Caps:
    """Probability caps of a part, per pair: ``member[p]`` (1 or more: no cap row, e.g. a
    locked pair) and ``lead[p]`` (None: leads not capped)."""

    member: np.ndarray
    lead: np.ndarray | None = None

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Whether each pair carries a member cap row, a lead cap row."""
        lead = np.zeros(len(self.member), dtype=bool) if self.lead is None else self.lead < 1.0
        return self.member < 1.0, lead


@dataclass(frozen=True)
class Linear:
    """A linear function of a part's plan: ``coef . member + constant`` (every case staffed)."""

    coef: np.ndarray
    constant: float = 0.0

    def value(self, col: Column) -> float:
        return float(self.coef[col.member].sum()) + self.constant


class Oracle:
    """The part's exact model with a linear objective: the plan of least reduced cost.

    The model is :func:`~zoneplan.staffing.model.build_model`'s (every hard rule, every
    constraint family written once for every solver), with every case of the part staffed
    (the deterministic optimum's cases), ``max_load`` bounded by the load cap ``W`` and,
    when leads are explicit, a variable ``l[q]`` per pair that may lead a case needing a
    lead (``l <= x``, one lead per such case; the previous lead still on the team leads it,
    as :func:`assign_leads` says).  CP-SAT solves it on one worker with a fixed seed and no
    time limit (repeatable); the float costs are scaled so that the largest is
    :data:`COST_SCALE` and rounded, and the reduced cost of the plan found is computed
    again in floats by the caller.
    """

    def __init__(self, part: Part, explicit_leads: bool, seed: int = 0):
        self.part = part
        pm = self.pm = build_model(part)
        proto = pm.model.proto
        for c in range(part.n_cases):  # every case of the part is staffed, as in the deterministic plan
            d = proto.variables[pm.n_member + c].domain
            d.clear()
            d.extend([1, 1])
        self.base, self.top = pm.load_domain()
        lead_pairs = np.flatnonzero(part.pair_lead & part.needs_lead[part.pair_case]) if explicit_leads \
            else np.zeros(0, dtype=np.int64)
        self.lead_pairs = lead_pairs
        self.l0 = len(proto.variables)
        for _ in range(len(lead_pairs)):
            proto.variables.add().domain.extend([0, 1])
        if len(lead_pairs):
            cases = part.pair_case[lead_pairs]
            for k, p in enumerate(lead_pairs.tolist()):  # l <= x; the previous lead on the team leads it
                pm.add_row([self.l0 + k, p], [1, -1], 0 if part.pair_keep_lead[p] else -1, 0)
            for c in np.flatnonzero(part.needs_lead).tolist():  # one lead per team that needs one
                ks = np.flatnonzero(cases == c)
                pm.add_row((self.l0 + ks).tolist(), [1] * len(ks), 1, 1)
        self.seed = seed
        self.solves = 0
        self.found: list[Column] = []  # the plans found on the way by the last solve
        self.highs = _HighsPricing(part, lead_pairs, seed) if part.n_pairs > HIGHS_PAIRS else None

    def best(self, cost_x: np.ndarray, cost_l: np.ndarray, load_cap: int,
             budget: Budget | None = None) -> tuple[Column | None, bool]:
        """The plan minimising ``cost_x . member + cost_l . lead`` with ``max_load <=
        load_cap``; ``(None, True)`` when no plan keeps the cap; the flag says whether the
        plan was proven optimal (for the scaled costs)."""
        part, pm = self.part, self.pm
        if load_cap < self.base:
            return None, True
        if self.highs is not None:
            self.solves += 1
            self.found = []
            v = self.highs.best(np.asarray(cost_x, dtype=float), np.asarray(cost_l, dtype=float),
                                max(self.base, min(self.top, int(load_cap))), budget)
            if v is None:
                return None, True
            return self._column(v[0]), v[1]
        cost = np.concatenate([np.asarray(cost_x, dtype=float), np.asarray(cost_l, dtype=float)[self.lead_pairs]])
        idx = np.concatenate([np.arange(part.n_pairs), self.l0 + np.arange(len(self.lead_pairs))])
        big = float(np.abs(cost).max(initial=0.0))
        scaled = np.round(cost * (COST_SCALE / big)).astype(np.int64) if big > 0 else np.zeros(len(cost), np.int64)
        nz = scaled != 0
        proto = pm.model.proto
        proto.clear_objective()
        proto.objective.vars.extend(idx[nz].tolist())
        proto.objective.coeffs.extend(scaled[nz].tolist())
        pm.set_load_domain(self.base, max(self.base, min(self.top, int(load_cap))))
        solver = cp_model.CpSolver()
        cpsat_parameters(solver, seed=self.seed)
        for k, v in PRICING_PARAMETERS.items():
            setattr(solver.parameters, k, v)
        self.solves += 1
        found: list[np.ndarray] = []

        class _Keep(cp_model.CpSolverSolutionCallback):  # the improving plans on the way: more columns
            def on_solution_callback(self) -> None:
                if len(found) < EXTRA_COLUMNS:
                    found.append(np.asarray(self.response_proto.solution, dtype=np.int64))

        keep = _Keep()
        if budget is not None:
            if budget.cancel.cancelled:
                raise Cancelled()
            with budget.cancel.stopping(solver.stop_search):
                status = solver.solve(pm.model, keep)
            if budget.cancel.cancelled:
                raise Cancelled()
        else:
            status = solver.solve(pm.model, keep)
        if status == cp_model.INFEASIBLE:
            return None, True
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - no limits are set
            raise RuntimeError(f"CP-SAT ended a pricing solve with status {solver.status_name(status)}")
        self.found = [self._column(v) for v in found]
        return self._column(np.asarray(solver.response_proto.solution, dtype=np.int64)), status == cp_model.OPTIMAL

    def _column(self, v: np.ndarray) -> Column:
        member = v[:self.part.n_pairs] > 0
        lead = None
        if len(self.lead_pairs):
            lead = np.zeros(self.part.n_pairs, dtype=bool)
            lead[self.lead_pairs] = v[self.l0:self.l0 + len(self.lead_pairs)] > 0
        return make_column(self.part, member, lead)


class _HighsPricing:
    """The same model for HiGHS (through OR-Tools' ``model_builder``, one thread, a fixed
    seed, no time limit): an LP-based branch and bound prices a large part in a fraction of
    the time CP-SAT takes (the dense benchmark's core of 12,436 pairs: 0.55 s against 4-14 s),
    while CP-SAT is quicker on small parts (5 ms against 20 ms on the example county).
    Variables in the CP-SAT model's order, so a solution reads back the same way."""

    def __init__(self, part: Part, lead_pairs: np.ndarray, seed: int):
        n_p, n_c = part.n_pairs, part.n_cases
        self.n_p, self.z, self.l0 = n_p, n_p + n_c, n_p + n_c + 1
        self.lead_pairs = lead_pairs
        n_col = self.l0 + len(lead_pairs)
        r_idx, c_idx, vals, lo, hi = [], [], [], [], []

        def add(idx, coef, low, high):
            r_idx.append(np.full(len(idx), len(lo)))
            c_idx.append(np.asarray(idx, dtype=np.int64))
            vals.append(np.asarray(coef, dtype=float))
            lo.append(-np.inf if low <= -_HUGE else float(low))
            hi.append(np.inf if high >= _HUGE else float(high))

        for idx, coef, low, high in rows(part):
            add(idx, coef, low, high)
        if len(lead_pairs):
            cases = part.pair_case[lead_pairs]
            for k, p in enumerate(lead_pairs.tolist()):
                add([self.l0 + k, p], [1, -1], 0 if part.pair_keep_lead[p] else -_HUGE, 0)
            for c in np.flatnonzero(part.needs_lead).tolist():
                ks = np.flatnonzero(cases == c)
                add((self.l0 + ks).tolist(), [1] * len(ks), 1, 1)
        A = sps.csr_matrix((np.concatenate(vals), (np.concatenate(r_idx), np.concatenate(c_idx))),
                           shape=(len(lo), n_col))
        base, top = load_range(part)
        lb, ub = np.zeros(n_col), np.ones(n_col)
        lb[n_p:n_p + n_c] = 1.0
        lb[self.z], ub[self.z] = base, max(base, top)
        m = self.model = mbh.ModelBuilderHelper()
        m.fill_model_from_sparse_data(lb, ub, np.zeros(n_col), np.asarray(lo, dtype=float),
                                      np.asarray(hi, dtype=float), A)
        for j in range(n_col):
            m.set_var_integrality(j, True)
        self.n_col, self.seed = n_col, seed

    def best(self, cost_x: np.ndarray, cost_l: np.ndarray, load_cap: int,
             budget: Budget | None) -> tuple[np.ndarray, bool] | None:
        obj = np.zeros(self.n_col)
        obj[:self.n_p] = cost_x
        if len(self.lead_pairs):
            obj[self.l0:] = cost_l[self.lead_pairs]
        nz = np.flatnonzero(obj)
        m = self.model
        m.clear_objective()  # (setting a coefficient to 0 would leave the old one in place)
        m.set_maximize(False)
        if len(nz):
            m.set_objective_coefficients(nz.tolist(), obj[nz].tolist())
        m.set_var_upper_bound(self.z, float(load_cap))
        s = mbh.ModelSolverHelper("highs")
        s.enable_output(False)
        s.set_solver_specific_parameters(f"output_flag=false\nthreads=1\nrandom_seed={self.seed}\n"
                                         "mip_rel_gap=0\nmip_abs_gap=1e-9\n")
        if not _solve_within(s, m, None, budget):
            raise Cancelled()
        if not s.has_solution():
            if s.status() == mbh.SolveStatus.INFEASIBLE:
                return None
            raise RuntimeError(f"HiGHS ended a pricing solve with status {s.status()}")  # pragma: no cover
        return np.round(s.variable_values()).astype(np.int64), s.status() == mbh.SolveStatus.OPTIMAL


@dataclass
class CGOutcome:
    """What a column generation ended with.

    ``feasible``: a distribution meeting the caps (and the fixed levels) exists among the
    plans within the load cap (None: not decided within the iteration limit);
    ``proven``: feasibility and, with an objective, optimality were proven; ``weights``:
    column key -> weight of the last master solution; ``value``: its objective;
    ``breach``: the least breach found (phase 1), from which the smallest cap follows.
    """

    feasible: bool | None
    proven: bool
    weights: dict[bytes, float] = field(default_factory=dict)
    value: float | None = None
    breach: float = 0.0
    marginals: tuple[np.ndarray, np.ndarray] | None = None
    iterations: int = 0
    exact: dict[bytes, Fraction] | None = None
    tight: tuple[np.ndarray, np.ndarray] | None = None  # phase 1: cap rows that bind the breach


class _Master:
    """The restricted master LP in one GLOP solver, grown column by column."""

    def __init__(self, part: Part, caps: Caps, fixed: list[tuple[Linear, float]], objective: Linear | None,
                 mode: str = "sum"):
        self.mode = mode
        s = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        s.SetSolverSpecificParametersAsString("primal_feasibility_tolerance:1e-9\n"
                                              "dual_feasibility_tolerance:1e-9\n")
        self.part, self.caps, self.fixed, self.objective = part, caps, fixed, objective
        self.capped, self.lead_capped = caps.rows()
        inf = s.infinity()
        self.inf = inf
        self.conv = s.Constraint(1.0, 1.0)
        self.breach = s.NumVar(0.0, inf, "s")
        self.elastic = [s.NumVar(0.0, inf, f"e{k}") for k in range(len(fixed))]
        self.fix_rows = []
        for (lin, value), e in zip(fixed, self.elastic):
            ct = s.Constraint(-inf, float(value))
            ct.SetCoefficient(e, -1.0)
            self.fix_rows.append(ct)
        self.cap_rows: dict[int, pywraplp.Constraint] = {}
        self.lead_rows: dict[int, pywraplp.Constraint] = {}
        self.row_elastic: dict[tuple[int, int], pywraplp.Variable] = {}  # "sum": (kind, pair) -> its breach
        self.lams: list[pywraplp.Variable] = []
        self.cols: list[Column] = []
        self.keys: set[bytes] = set()
        o = self.obj = s.Objective()
        o.SetMinimization()
        self.phase = 1
        if mode == "sum":
            self.breach.SetUb(0.0)
        else:
            o.SetCoefficient(self.breach, 1.0)
        for (lin, value), e in zip(fixed, self.elastic):
            o.SetCoefficient(e, 1.0 / (1.0 + abs(value)))

    def _row(self, rows: dict, p: int, cap: float) -> pywraplp.Constraint:
        ct = rows.get(p)
        if ct is None:
            ct = rows[p] = self.solver.Constraint(-self.inf, float(cap))
            if self.mode == "sum":  # each cap row its own breach, all summed: every breached pair priced at once
                e = self.row_elastic[(id(rows), p)] = self.solver.NumVar(0.0, self.inf if self.phase == 1 else 0.0, "")
                ct.SetCoefficient(e, -1.0)
                if self.phase == 1:
                    self.obj.SetCoefficient(e, 1.0)
            else:  # one breach for every row: the least uniform raise of the caps
                ct.SetCoefficient(self.breach, -1.0)
        return ct

    def add(self, col: Column) -> None:
        lam = self.solver.NumVar(0.0, self.inf, "")
        self.conv.SetCoefficient(lam, 1.0)
        caps = self.caps
        for p in np.flatnonzero(col.member & self.capped).tolist():
            self._row(self.cap_rows, p, caps.member[p]).SetCoefficient(lam, 1.0)
        for p in np.flatnonzero(col.lead & self.lead_capped).tolist():
            self._row(self.lead_rows, p, caps.lead[p]).SetCoefficient(lam, 1.0)
        for (lin, _), ct in zip(self.fixed, self.fix_rows):
            ct.SetCoefficient(lam, lin.value(col))
        if self.phase == 2 and self.objective is not None:
            self.obj.SetCoefficient(lam, self.objective.value(col))
        self.lams.append(lam)
        self.cols.append(col)
        self.keys.add(col.key)

    def to_phase2(self) -> None:
        self.phase = 2
        self.breach.SetUb(0.0)
        self.obj.SetCoefficient(self.breach, 0.0)
        for e in self.row_elastic.values():
            e.SetUb(0.0)
            self.obj.SetCoefficient(e, 0.0)
        for e in self.elastic:
            e.SetUb(0.0)
            self.obj.SetCoefficient(e, 0.0)
        if self.objective is not None:
            for lam, col in zip(self.lams, self.cols):
                self.obj.SetCoefficient(lam, self.objective.value(col))

    def solve(self) -> bool:
        """Solve; False when phase 2 is infeasible (the breach was numerical noise)."""
        status = self.solver.Solve()
        if status == pywraplp.Solver.ABNORMAL:  # numerical trouble at the edge of the caps: start afresh once
            self._reload()
            status = self.solver.Solve()
        if status == pywraplp.Solver.OPTIMAL:
            return True
        if self.phase == 2 and status in (pywraplp.Solver.INFEASIBLE, pywraplp.Solver.ABNORMAL):
            return False
        raise RuntimeError(f"GLOP ended the draw's master LP with status {status}")  # pragma: no cover

    def _reload(self) -> None:
        """The same master in a fresh GLOP solver (no basis carried over)."""
        cols, phase = list(self.cols), self.phase
        self.__init__(self.part, self.caps, self.fixed, self.objective, self.mode)
        for col in cols:
            self.add(col)
        if phase == 2:
            self.to_phase2()

    def to_phase1(self) -> None:
        self.phase = 1
        if self.mode != "sum":
            self.breach.SetUb(self.inf)
            self.obj.SetCoefficient(self.breach, 1.0)
        for e in self.row_elastic.values():
            e.SetUb(self.inf)
            self.obj.SetCoefficient(e, 1.0)
        for e, (_, v) in zip(self.elastic, self.fixed):
            e.SetUb(self.inf)
            self.obj.SetCoefficient(e, 1.0 / (1.0 + abs(v)))
        for lam in self.lams:
            self.obj.SetCoefficient(lam, 0.0)

    def value(self) -> float:
        return float(self.obj.Value())

    def breach_value(self) -> float:
        return (float(self.breach.solution_value()) + sum(float(e.solution_value()) for e in self.row_elastic.values())
                + sum(float(e.solution_value()) / (1.0 + abs(v)) for e, (_, v) in zip(self.elastic, self.fixed)))

    def pricing(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Per pair member and lead costs, and the constant, of a plan's reduced cost."""
        n_p = self.part.n_pairs
        cost_x = np.zeros(n_p)
        cost_l = np.zeros(n_p)
        const = -self.conv.dual_value()
        if self.phase == 2 and self.objective is not None:
            cost_x += self.objective.coef
            const += self.objective.constant
        for p, ct in self.cap_rows.items():
            cost_x[p] -= ct.dual_value()
        for p, ct in self.lead_rows.items():
            cost_l[p] -= ct.dual_value()
        for (lin, _), ct in zip(self.fixed, self.fix_rows):
            d = ct.dual_value()
            if d:
                cost_x -= d * lin.coef
                const -= d * lin.constant
        return cost_x, cost_l, const

    def exact(self, member_cap: list[Fraction], lead_cap: list[Fraction] | None) -> dict[bytes, Fraction] | None:
        """The master's solution in exact arithmetic: the basis GLOP ended with, solved again
        with fractions (the caps exact, the fixed levels at their float values), then every
        row checked exactly.  None when that fails (singular, or a row breached)."""
        basic = pywraplp.Solver.BASIC
        unknown = [k for k, lam in enumerate(self.lams) if lam.basis_status() == basic]
        pos = {k: j for j, k in enumerate(unknown)}
        n = len(unknown)
        extra: dict[Any, int] = {}
        if self.mode != "sum" and self.breach.basis_status() == basic:
            extra["s"] = n + len(extra)
        for f, e in enumerate(self.elastic):
            if e.basis_status() == basic:
                extra[f] = n + len(extra)
        for key, e in self.row_elastic.items():
            if e.basis_status() == basic:
                extra[key] = n + len(extra)
        eqs: list[tuple[dict[int, Fraction], Fraction]] = []
        one = Fraction(1)
        if self.conv.basis_status() != basic:
            eqs.append(({pos[k]: one for k in unknown}, one))
        for rows, caps, attr in ((self.cap_rows, member_cap, "member"), (self.lead_rows, lead_cap, "lead")):
            for p, ct in rows.items():
                if ct.basis_status() == basic:
                    continue
                r = {pos[k]: one for k in unknown if getattr(self.cols[k], attr)[p]}
                if "s" in extra:
                    r[extra["s"]] = -one
                if (id(rows), p) in extra:
                    r[extra[(id(rows), p)]] = -one
                eqs.append((r, caps[p]))
        for f, ((lin, value), ct) in enumerate(zip(self.fixed, self.fix_rows)):
            if ct.basis_status() == basic:
                continue
            r = {pos[k]: Fraction(lin.value(self.cols[k])) for k in unknown}
            r = {k: v for k, v in r.items() if v}
            if f in extra:
                r[extra[f]] = -one
            eqs.append((r, Fraction(value)))
        x = _solve_exact(eqs, n + len(extra))
        if x is None or any(v < 0 for v in x):
            return None
        w = {self.cols[k].key: x[pos[k]] for k in unknown if x[pos[k]] > 0}
        if sum(w.values(), Fraction(0)) != 1:
            return None
        by_key = {c.key: c for c in self.cols}
        for rows, caps, attr in ((self.cap_rows, member_cap, "member"), (self.lead_rows, lead_cap, "lead")):
            for p in rows:
                if sum((v for key, v in w.items() if getattr(by_key[key], attr)[p]), Fraction(0)) > caps[p]:
                    return None
        return w

    def tight(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs whose cap rows bind the breach (a nonzero dual) in the master's solution."""
        m = np.zeros(self.part.n_pairs, dtype=bool)
        ml = np.zeros(self.part.n_pairs, dtype=bool)
        for rows, out in ((self.cap_rows, m), (self.lead_rows, ml)):
            for p, ct in rows.items():
                if ct.dual_value() < -1e-9:
                    out[p] = True
        return m, ml

    def weights(self) -> dict[bytes, float]:
        return {c.key: float(v.solution_value()) for c, v in zip(self.cols, self.lams)}

    def marginals(self) -> tuple[np.ndarray, np.ndarray]:
        """Member and lead probability per pair in the master's solution."""
        m = np.zeros(self.part.n_pairs)
        ml = np.zeros(self.part.n_pairs)
        for c, v in zip(self.cols, self.lams):
            x = v.solution_value()
            if x > 0:
                m[c.member] += x
                ml[c.lead] += x
        return m, ml


def _solve_exact(rows: list[tuple[dict[int, Fraction], Fraction]], n: int) -> list[Fraction] | None:
    """The unique solution of the sparse linear system ``rows`` (coefficients by unknown,
    right-hand side) in ``n`` unknowns, in exact arithmetic; None when it is singular or
    inconsistent."""
    work = [(dict(r), b) for r, b in rows if r or b != 0]
    if any(not r and b != 0 for r, b in work):
        return None
    pivots: list[tuple[int, dict[int, Fraction], Fraction]] = []
    remaining = [w for w in work if w[0]]
    for j in range(n):
        cands = [k for k, (r, _) in enumerate(remaining) if r.get(j, 0) != 0]
        if not cands:
            return None
        k = min(cands, key=lambda k: (len(remaining[k][0]), k))
        r, b = remaining.pop(k)
        piv = r[j]
        r = {c: v / piv for c, v in r.items()}
        b = b / piv
        for idx in range(len(remaining)):
            r2, b2 = remaining[idx]
            f = r2.get(j)
            if f:
                new = dict(r2)
                for c, v in r.items():
                    x = new.get(c, 0) - f * v
                    if x:
                        new[c] = x
                    else:
                        new.pop(c, None)
                remaining[idx] = (new, b2 - f * b)
        pivots.append((j, r, b))
    if any(b != 0 for r, b in remaining if not r) or any(r for r, _ in remaining):
        return None
    x: list[Fraction] = [Fraction(0)] * n
    for j, r, b in reversed(pivots):
        x[j] = b - sum((v * x[c] for c, v in r.items() if c != j), Fraction(0))
    return x


def column_generation(part: Part, oracle: Oracle, pool: dict[bytes, Column], caps: Caps, load_cap: int,
                      fixed: list[tuple[Linear, float]], objective: Linear | None, *, feasibility_only: bool = False,
                      converge_breach: bool = False, max_iterations: int = 2000,
                      budget: Budget | None = None,
                      exact_caps: tuple[list[Fraction], list[Fraction] | None] | None = None,
                      breach: str = "sum") -> CGOutcome:
    """Distribution over the part's plans within ``load_cap`` meeting ``caps`` and the
    ``fixed`` levels, minimising the expected ``objective``.

    ``pool`` holds the columns found so far (every call adds its new ones); those within
    the load cap start the master.  ``feasibility_only`` stops as soon as the caps are met;
    phase 1 stops as soon as a Lagrangian bound proves they cannot be, unless
    ``converge_breach`` (then the least breach is found, to name the smallest cap).
    ``breach``: ``"sum"`` (one breach per cap row, summed) or ``"max"`` (one uniform breach).
    """
    m = _Master(part, caps, fixed, objective, breach)
    for col in pool.values():
        if col.load <= load_cap:
            m.add(col)
    if not m.cols:  # no column yet within the cap: ask the oracle for any plan
        col, _ = oracle.best(np.zeros(part.n_pairs), np.zeros(part.n_pairs), load_cap, budget)
        if col is None:
            return CGOutcome(False, True)
        pool.setdefault(col.key, col)
        m.add(col)
    it = 0
    while True:
        if budget is not None and budget.cancel.cancelled:
            raise Cancelled()
        m.solve()
        if m.phase == 1 and m.breach_value() <= BREACH_TOL:
            m.to_phase2()
            if not m.solve():
                m.to_phase1()
                m.solve()
            elif feasibility_only:
                return CGOutcome(True, True, m.weights(), 0.0, 0.0, m.marginals(), it)
        if it >= max_iterations:
            if m.phase == 2:
                return CGOutcome(True, False, m.weights(), m.value(), 0.0, m.marginals(), it,
                                 None if exact_caps is None else m.exact(*exact_caps))
            return CGOutcome(None, False, m.weights(), None, m.breach_value(), m.marginals(), it)
        cost_x, cost_l, const = m.pricing()
        col, proven = oracle.best(cost_x, cost_l, load_cap, budget)
        rc = np.inf if col is None else float(cost_x[col.member].sum() + cost_l[col.lead].sum() + const)
        value = m.value()
        tol = TOL * max(1.0, abs(value))
        if m.phase == 1 and not converge_breach and proven and value + rc > TOL:
            # Lagrangian bound: no mix of plans within the load cap breaches less than this
            return CGOutcome(False, True, m.weights(), None, value + rc, m.marginals(), it)
        if col is None or rc >= -tol or col.key in m.keys:
            done = proven or col is None
            if m.phase == 1:
                return CGOutcome(False, done, m.weights(), None, m.breach_value(), m.marginals(), it, tight=m.tight())
            return CGOutcome(True, done, m.weights(), value, 0.0, m.marginals(), it,
                             None if exact_caps is None else m.exact(*exact_caps))
        if it % 50 == 0:
            log.debug("draw CG part %d (%d pairs): round %d, phase %d, %s %.6g, reduced cost %.3g, %d columns",
                      part.index, part.n_pairs, it, m.phase, "breach" if m.phase == 1 else "value", value, rc,
                      len(m.cols))
        pool.setdefault(col.key, col)
        m.add(pool[col.key])
        for extra in oracle.found:  # other plans of negative reduced cost found on the way
            if extra.key in m.keys:
                continue
            if float(cost_x[extra.member].sum() + cost_l[extra.lead].sum() + const) < -tol:
                pool.setdefault(extra.key, extra)
                m.add(pool[extra.key])
        it += 1
