"""LP relaxation of one part, solved by column generation (GLOP, inside OR-Tools).

Dense parts (hundreds of people x hundreds of cases, nearly every pair eligible) have
hundreds of thousands of member variables; their LP relaxation over all of them takes
GLOP seconds, and CP-SAT cannot even finish its presolve.  But an optimal LP solution
uses few pairs per case.  :func:`solve_lp` therefore solves the LP over a *core* of pairs
(a plan's pairs plus a few nearest per case), prices every other pair with the duals in
one vectorised pass, adds the best few per case, and re-solves (from the previous basis
for the sum levels, where GLOP's presolve is off: with it GLOP starts every round afresh),
until no pair prices in: the value is then the LP optimum over
*all* pairs, a valid bound of the part's optimum.

The relaxation (variables in [0, 1]) of the model of :mod:`~zoneplan.staffing.model`:
member ``x[p]``, staffed ``y[c]`` and, for the max level, ``z``:

* team: ``sum x[p] of c == team_size[c] * y[c]``;
* lead: ``sum x[p] of c's possible leads >= y[c]``; skills: ``sum x[p] of holders >= y[c]``;
* capacity: ``sum x[p] of i <= capacity[i]``;
* loads (with a cap ``T``, or for the max level): ``current[i] + sum work[p] x[p] <= T``
  (or ``<= z``); pairs whose case alone breaks ``T`` are left out;
* fixed levels: ``sense * coefficients . (x, y) >= sense * value`` for earlier levels.

The LP has a row per case, person and requirement only; when the core holds no plan
meeting the fixed rows, a first phase minimises their breach.

Reduced costs also *prune*: when the LP optimum is ``V`` (maximised), a plan that uses a
pair whose :attr:`LPResult.penalty` is ``d`` is worth at most ``V - d``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sps
from ortools.linear_solver import pywraplp

from ..runner import Budget
from .levels import Coefficients
from .parts import Part

__all__ = ["LPResult", "FixedRow", "solve_lp", "EPS"]

log = logging.getLogger(__name__)

#: Pairs per case (and possible leads per case) in the first core, nearest first.
NEAREST = 12

#: Tolerance on reduced costs and on LP values before rounding a bound to an integer.
EPS = 1e-6


@dataclass(frozen=True)
class FixedRow:
    """An earlier sum level kept at a value: ``sense * coef . plan >= sense * value``."""

    coef: Coefficients
    sense: int  # +1: the level was maximised (>= value); -1: minimised (<= value)
    value: int


@dataclass
class LPResult:
    """The LP optimum over all pairs (``converged``), or over the core only.

    ``value`` is the maximised objective (``-z`` for the max level); ``None`` when the
    fixed rows cannot hold (``infeasible``) or the solve stopped early.  ``x`` holds the
    member values per pair (0 outside the core), ``y`` per case, ``penalty`` the
    reduced-cost penalty of using each pair (``inf`` where it cannot be used).
    """

    value: float | None
    converged: bool
    infeasible: bool
    x: np.ndarray
    y: np.ndarray
    penalty: np.ndarray
    core: np.ndarray
    rounds: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def integral(self) -> bool:
        """Whether the LP solution is a 0/1 plan."""
        vals = np.concatenate([self.x, self.y])
        return bool(np.all(np.minimum(np.abs(vals), np.abs(vals - 1)) < 1e-6))


class _Master:
    """The restricted master LP, kept in one GLOP solver and grown column by column."""

    def __init__(self, part: Part, objective: Coefficients | None, minimise_max: bool,
                 fixed: tuple[FixedRow, ...], load_cap: int | None):
        self.part = part
        self.fixed = fixed
        s = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        # a sum level's LP: without its presolve GLOP starts each round from the last basis
        # (with it, every round starts afresh): the staffed and travel LPs of the dense
        # benchmark took 0.5 + 1.5 s instead of 0.85 + 2.2 s, the staffed LP of the dense
        # family with varied workloads 0.55 s instead of 2.0 s.  Not the min-max LP: there
        # the warm rounds took 35 s instead of 10 s on the varied workloads
        params = "" if minimise_max or objective is None else "use_preprocessing:false\n"
        inf = s.infinity()
        n_c, n_i = part.n_cases, part.n_invs
        self.obj_x = np.zeros(part.n_pairs) if objective is None or objective.member is None \
            else objective.member.astype(float)
        obj_y = np.zeros(n_c) if objective is None or objective.case is None else objective.case.astype(float)
        if minimise_max:
            self.obj_x[:] = 0.0
            obj_y = np.zeros(n_c)
        self.obj_y = obj_y
        o = self.objective = s.Objective()
        o.SetMaximization()
        self.y = [s.NumVar(0.0, 1.0, "") for _ in range(n_c)]
        self.team = [s.Constraint(0.0, 0.0) for _ in range(n_c)]
        for c in range(n_c):
            self.team[c].SetCoefficient(self.y[c], -float(part.team_size[c]))
            o.SetCoefficient(self.y[c], float(obj_y[c]))
        self.lead_row = {}
        for c in np.flatnonzero(part.needs_lead).tolist():
            ct = self.lead_row[c] = s.Constraint(0.0, inf)
            ct.SetCoefficient(self.y[c], -1.0)
        self.req = []
        for r, c in enumerate(part.req_case.tolist()):
            ct = s.Constraint(0.0, inf)
            ct.SetCoefficient(self.y[c], -1.0)
            self.req.append(ct)
        self.cap = [s.Constraint(-inf, float(part.capacity[i])) for i in range(n_i)]
        self.load = None
        self.z = None
        if minimise_max:
            # GLOP's default tolerances (1e-8) end the min-max LP of finely varied workloads
            # with ABNORMAL from some start cores (measured: 3 of 5 starts on the dense-varied
            # family); at 1e-7 it converges (8.3 s).  The bound is rounded up with a relative
            # slack of EPS, far above what the looser tolerance can move the optimum.
            params += "primal_feasibility_tolerance:1e-7\ndual_feasibility_tolerance:1e-7\n"
            top = float(part.current_load.max(initial=0) + part.workload.sum() + 1)
            self.z = s.NumVar(0.0, top, "z")
            o.SetCoefficient(self.z, -1.0)
            self.load = [s.Constraint(-inf, -float(part.current_load[i])) for i in range(n_i)]
            for ct in self.load:
                ct.SetCoefficient(self.z, -1.0)
        elif load_cap is not None:
            self.load = [s.Constraint(-inf, float(load_cap - part.current_load[i])) for i in range(n_i)]
        if params and not s.SetSolverSpecificParametersAsString(params):
            raise RuntimeError(f"GLOP refused the parameters {params!r}")
        self.fixed_rows = []
        self.slack = []
        for f in fixed:
            rhs = float(f.sense * (f.value - f.coef.constant))
            ct = s.Constraint(rhs, inf)
            if f.coef.case is not None:
                for c in np.flatnonzero(f.coef.case).tolist():
                    ct.SetCoefficient(self.y[c], float(f.sense * f.coef.case[c]))
            sl = s.NumVar(0.0, 0.0, "")
            ct.SetCoefficient(sl, 1.0)
            self.fixed_rows.append(ct)
            self.slack.append((sl, max(1.0, abs(rhs))))
        # pairs x requirements incidence, for pricing
        owner = np.repeat(np.arange(len(part.req_case)), np.diff(part.req_ptr))
        self.req_of_pair = sps.csr_matrix((np.ones(len(owner)), (part.req_pairs, owner)),
                                          shape=(part.n_pairs, len(part.req_case)))
        self.leadable = part.pair_lead & part.needs_lead[part.pair_case]
        self.x: dict[int, pywraplp.Variable] = {}
        self.phase1 = False

    def add(self, pairs: np.ndarray) -> None:
        """Add the member columns of ``pairs`` not yet in the core."""
        part, s, o = self.part, self.solver, self.objective
        req_ptr = self.req_of_pair.indptr
        req_idx = self.req_of_pair.indices
        for p in pairs.tolist():
            if p in self.x:
                continue
            c, i = int(part.pair_case[p]), int(part.pair_inv[p])
            v = s.NumVar(0.0, 1.0, "")
            self.x[p] = v
            self.team[c].SetCoefficient(v, 1.0)
            self.cap[i].SetCoefficient(v, 1.0)
            for r in req_idx[req_ptr[p]:req_ptr[p + 1]].tolist():
                self.req[r].SetCoefficient(v, 1.0)
            if self.leadable[p]:
                self.lead_row[c].SetCoefficient(v, 1.0)
            if self.load is not None:
                self.load[i].SetCoefficient(v, float(part.pair_work[p]))
            for f, ct in zip(self.fixed, self.fixed_rows):
                if f.coef.member is not None and f.coef.member[p]:
                    ct.SetCoefficient(v, float(f.sense * f.coef.member[p]))
            if not self.phase1:
                o.SetCoefficient(v, float(self.obj_x[p]))

    def set_phase1(self, on: bool) -> None:
        """Phase 1: minimise the fixed rows' breach; otherwise the real objective."""
        self.phase1 = on
        o = self.objective
        if on:
            o.Clear()
            o.SetMaximization()
            for sl, scale in self.slack:
                sl.SetUb(self.solver.infinity())
                o.SetCoefficient(sl, -1.0 / scale)
        else:
            o.Clear()
            o.SetMaximization()
            for sl, _ in self.slack:
                sl.SetUb(0.0)
            for p, v in self.x.items():
                o.SetCoefficient(v, float(self.obj_x[p]))
            for c, yv in enumerate(self.y):
                o.SetCoefficient(yv, float(self.obj_y[c]))
            if self.z is not None:
                o.SetCoefficient(self.z, -1.0)

    def duals(self) -> dict[str, np.ndarray]:
        part = self.part
        lead = np.zeros(part.n_cases)
        for c, ct in self.lead_row.items():
            lead[c] = ct.dual_value()
        return {
            "team": np.array([ct.dual_value() for ct in self.team]),
            "lead": lead,
            "req": np.array([ct.dual_value() for ct in self.req]),
            "cap": np.array([ct.dual_value() for ct in self.cap]),
            "load": None if self.load is None else np.array([ct.dual_value() for ct in self.load]),
            "fixed": np.array([ct.dual_value() for ct in self.fixed_rows]),
        }

    def price(self, d: dict[str, np.ndarray]) -> np.ndarray:
        """Reduced cost of every pair's member column."""
        part = self.part
        ax = d["team"][part.pair_case] + d["cap"][part.pair_inv] + np.where(self.leadable, d["lead"][part.pair_case], 0.0)
        if len(part.req_case):
            ax = ax + self.req_of_pair @ d["req"]
        if d["load"] is not None:
            ax = ax + part.pair_work * d["load"][part.pair_inv]
        for f, dual in zip(self.fixed, d["fixed"].tolist()):
            if f.coef.member is not None:
                ax = ax + dual * f.sense * f.coef.member
        return (0.0 if self.phase1 else self.obj_x) - ax


def solve_lp(part: Part, objective: Coefficients | None, *, minimise_max: bool = False,
             fixed: tuple[FixedRow, ...] = (), load_cap: int | None = None,
             start: np.ndarray | None = None, budget: Budget | None = None, per_case: int = 6,
             max_rounds: int = 200) -> LPResult:
    """Maximise ``objective`` (or minimise the largest load) over the LP relaxation.

    Parameters
    ----------
    part : Part
        The part.
    objective : Coefficients or None
        Linear objective, maximised (negate the coefficients to minimise).  Ignored with
        ``minimise_max``.
    minimise_max : bool
        Minimise ``z``, the largest load (current + assigned work); the value is ``-z``.
    fixed : tuple of FixedRow
        Earlier levels kept at their values.
    load_cap : int, optional
        Every load must stay within this (hundredths).
    start : int array, optional
        Pairs to start the core with (best: a plan meeting ``fixed``).
    budget : Budget, optional
        Deadline and cancel handle; a cut-short result has ``converged=False``.
    per_case : int
        Pairs added per case and round at most.

    Returns
    -------
    LPResult
    """
    t0 = time.perf_counter()
    n_p = part.n_pairs
    usable = np.ones(n_p, dtype=bool)
    if load_cap is not None:
        usable = part.current_load[part.pair_inv] + part.pair_work <= load_cap
    if objective is not None and objective.lead is not None and np.any(objective.lead):
        raise ValueError("the LP relaxation has no lead columns")
    m = _Master(part, objective, minimise_max, fixed, load_cap)
    core = np.zeros(n_p, dtype=bool)
    if start is not None:
        core[start] = True
    core |= _nearest(part, usable, NEAREST)
    core &= usable
    m.add(np.flatnonzero(core))
    rounds = 0
    phase1 = False
    enter = np.zeros(n_p, dtype=bool)
    while True:
        rounds += 1
        if budget is not None:
            left = budget.remaining()
            if left is not None:
                m.solver.SetTimeLimit(int(max(10.0, left * 1000)))
            with budget.cancel.stopping(m.solver.InterruptSolve):
                status = m.solver.Solve()
        else:
            status = m.solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE and fixed and not phase1:
            phase1 = True
            m.set_phase1(True)
            continue
        if status != pywraplp.Solver.OPTIMAL:
            return _failed(part, core, rounds, t0, f"GLOP status {status}")
        gain = np.where(usable, m.price(m.duals()), -np.inf)
        enter = (gain > EPS) & ~core
        if phase1 and m.objective.Value() > -EPS:
            phase1 = False  # the core now holds a plan meeting the fixed rows
            m.set_phase1(False)
            continue
        stopped = budget is not None and budget.stopped
        if not enter.any() or rounds >= max_rounds or stopped:
            break
        cand = np.flatnonzero(enter)
        order = cand[np.lexsort((-gain[cand], part.pair_case[cand]))]
        case = part.pair_case[order]
        rank = np.arange(len(order)) - np.searchsorted(case, case)
        new = order[rank < per_case]
        core[new] = True
        m.add(new)
    converged = not enter.any()
    if phase1:
        res = _failed(part, core, rounds, t0, "fixed rows cannot hold" if converged else "stopped in phase 1")
        res.infeasible = converged
        res.converged = converged
        return res
    x = np.zeros(n_p)
    pen = np.where(usable, np.maximum(0.0, -gain), np.inf)
    for p, v in m.x.items():
        x[p] = v.solution_value()
        pen[p] = max(0.0, -v.reduced_cost())
    y = np.array([v.solution_value() for v in m.y])
    value = float(m.objective.Value())
    seconds = time.perf_counter() - t0
    log.debug("LP part %d: %.4f after %d rounds, core %d of %d pairs, %.2fs", part.index, value, rounds,
              int(core.sum()), n_p, seconds)
    return LPResult(value, converged, False, x, y, pen, core, rounds, seconds)


def _failed(part: Part, core: np.ndarray, rounds: int, t0: float, note: str) -> LPResult:
    n_p, n_c = part.n_pairs, part.n_cases
    return LPResult(None, False, False, np.zeros(n_p), np.zeros(n_c), np.full(n_p, np.inf), core,
                    rounds, time.perf_counter() - t0, [note])


def _nearest(part: Part, usable: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest usable pairs of every case, and its ``k`` nearest possible leads."""
    out = np.zeros(part.n_pairs, dtype=bool)
    for mask in (usable, usable & part.pair_lead):
        idx = np.flatnonzero(mask)
        order = idx[np.lexsort((part.pair_inv[idx], part.pair_cost[idx], part.pair_case[idx]))]
        case = part.pair_case[order]
        rank = np.arange(len(order)) - np.searchsorted(case, case)
        out[order[rank < k]] = True
    return out
