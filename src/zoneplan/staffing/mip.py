"""The exact model of a part over a *subset* of its pairs, solved by HiGHS (the MIP solver
bundled inside OR-Tools, through ``model_builder``).

Used on the cores of dense parts (:mod:`~zoneplan.staffing.dense`): once the LP relaxation
(:mod:`~zoneplan.staffing.lp`) says which few pairs matter, the model over them is small
and nearly integral, which LP-based branch and bound closes in a fraction of a second
where CP-SAT needs several (measured on the dense benchmark family: 0.8 s against 5 s for
the staffed level of a 2,400-pair core).  HiGHS runs on one thread with a fixed seed, so
a solve that is not cut short by the clock is repeatable.  (A MIP start crashes HiGHS
through ``model_builder`` in OR-Tools 9.15, so none is given.)

Variables and rows are exactly those of the CP-SAT model over the chosen pairs
(:func:`~zoneplan.staffing.model.rows`: every constraint family is written once), plus
the fixed earlier levels; a load cap bounds ``max_load``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from ortools.linear_solver.python import model_builder_helper as mbh

from ..runner import Budget
from .levels import Coefficients
from .lp import FixedRow
from .model import assign_leads, load_range, rows
from .parts import Part, PartPlan

__all__ = ["MipOutcome", "solve_mip"]

log = logging.getLogger(__name__)


@dataclass
class MipOutcome:
    """What HiGHS left: ``optimal`` over the chosen pairs, the plan (or None), its bound."""

    optimal: bool
    plan: PartPlan | None
    value: float | None
    bound: float | None
    seconds: float
    infeasible: bool = False  # proven: no plan over the chosen pairs meets the rows


def solve_mip(part: Part, pairs: np.ndarray, objective: Coefficients | None, *, minimise_max: bool = False,
              fixed: tuple[FixedRow, ...] = (), load_cap: int | None = None,
              budget: Budget | None = None, seed: int = 0, time_cap: float | None = None,
              presolve: bool = True) -> MipOutcome:
    """Maximise ``objective`` (or minimise the largest load) over plans using only ``pairs``.

    Returns the plan on the part's pair indices (pairs outside ``pairs`` unused).  Without
    ``presolve`` HiGHS starts at once from the LP (the cutoff solves of dense parts: proving
    that no plan beats the incumbent over 19,000 pairs took 2.6 s with its presolve and
    1.0 s without, on the dense benchmark).
    """
    t0 = time.perf_counter()
    keep = np.zeros(part.n_pairs, dtype=bool)
    keep[np.asarray(pairs, dtype=np.int64)] = True
    keep |= part.pair_locked  # a core always holds the locked pairs (their rows need them)
    if load_cap is not None:
        keep &= part.current_load[part.pair_inv] + part.pair_work <= load_cap
        if (part.pair_locked & ~keep).any():  # a locked pair breaks the cap: no plan within it
            return MipOutcome(False, None, None, None, time.perf_counter() - t0, infeasible=True)
    pairs = np.flatnonzero(keep)
    sub = part.restrict(keep)
    nx, n_c = sub.n_pairs, sub.n_cases
    y0, z = nx, nx + n_c
    n_col = z + 1
    r_idx, c_idx, vals, lo, hi = [], [], [], [], []
    r = 0
    for idx, coef, low, high in rows(sub):  # the CP-SAT model's rows, over the chosen pairs
        r_idx.append(np.full(len(idx), r))
        c_idx.append(np.asarray(idx, dtype=np.int64))
        vals.append(np.asarray(coef, dtype=float))
        lo.append(-np.inf if low <= -_HUGE else float(low))
        hi.append(np.inf if high >= _HUGE else float(high))
        r += 1
    for f in fixed:
        idx, coef, const = _terms(f.coef, pairs, y0)
        r_idx.append(np.full(len(idx), r))
        c_idx.append(idx)
        vals.append(f.sense * coef)
        lo.append(float(f.sense * (f.value - const)))
        hi.append(np.inf)
        r += 1
    obj = np.zeros(n_col)
    if minimise_max:
        obj[z] = -1.0
    elif objective is not None:
        idx, coef, _ = _terms(objective, pairs, y0)
        np.add.at(obj, idx, coef)
    A = sps.csr_matrix((np.concatenate(vals) if vals else np.zeros(0),
                        (np.concatenate(r_idx) if r_idx else np.zeros(0, dtype=np.int64),
                         np.concatenate(c_idx) if c_idx else np.zeros(0, dtype=np.int64))), shape=(r, n_col))
    base, top = load_range(sub)
    lb = np.zeros(n_col)
    ub = np.ones(n_col)
    lb[z] = base
    ub[z] = max(base, top) if load_cap is None else max(base, min(top, load_cap))
    m = mbh.ModelBuilderHelper()
    m.fill_model_from_sparse_data(lb, ub, obj, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float), A)
    m.set_maximize(True)
    for j in range(n_col):
        m.set_var_integrality(j, True)
    s = mbh.ModelSolverHelper("highs")
    s.enable_output(False)
    s.set_solver_specific_parameters(f"output_flag=false\nthreads=1\nrandom_seed={seed}\n"
                                     "mip_rel_gap=0\nmip_abs_gap=0.999\n" + ("" if presolve else "presolve=off\n"))
    left = None if budget is None else budget.remaining()
    if time_cap is not None:
        left = time_cap if left is None else min(left, time_cap)
    if left is not None:
        if left < MIN_SECONDS:
            return MipOutcome(False, None, None, None, time.perf_counter() - t0)
        s.set_time_limit_in_seconds(left)
    if not _solve_within(s, m, left, budget):
        log.debug("MIP part %d over %d pairs: abandoned at its deadline", part.index, nx)
        return MipOutcome(False, None, None, None, time.perf_counter() - t0)
    status = s.status()
    seconds = time.perf_counter() - t0
    if not s.has_solution():
        return MipOutcome(False, None, None, None, seconds, status == mbh.SolveStatus.INFEASIBLE)
    v = np.round(s.variable_values()).astype(np.int64)
    member = np.zeros(part.n_pairs, dtype=bool)
    member[pairs] = v[:nx] > 0
    plan = PartPlan(v[y0:y0 + n_c] > 0, member, assign_leads(part, member))
    bound = float(s.best_objective_bound())
    log.debug("MIP part %d over %d pairs: %s %.3f (bound %.3f) in %.2fs", part.index, nx, status,
              s.objective_value(), bound, seconds)
    return MipOutcome(status == mbh.SolveStatus.OPTIMAL, plan, float(s.objective_value()), bound, seconds)


_HUGE = 2 ** 59

#: A MIP is not started with less time than this left.
MIN_SECONDS = 0.2

#: Seconds past its time limit after which a HiGHS solve is abandoned.
GRACE = 0.25


def _solve_within(s: mbh.ModelSolverHelper, m: mbh.ModelBuilderHelper, limit: float | None,
                  budget: Budget | None) -> bool:
    """Solve on a helper thread; give up waiting at the time limit (plus :data:`GRACE`) or on
    cancel.  HiGHS, called through OR-Tools, neither honours its time limit promptly on
    large models (measured: 19.5 s for a 5 s limit on a 28,000-pair core) nor stops on an
    interrupt, so the deadline is kept here; an abandoned solve ends on its own later, on
    its daemon thread.  Returns whether the solve finished."""
    done = threading.Event()

    def work() -> None:
        try:
            s.solve(m)
        finally:
            done.set()

    threading.Thread(target=work, name="zoneplan-highs", daemon=True).start()
    end = None if limit is None else time.perf_counter() + limit + GRACE
    while not done.wait(0.05):
        if budget is not None and budget.cancel.cancelled:
            return False
        if end is not None and time.perf_counter() >= end:
            return False
    return True


def _terms(coef: Coefficients, pairs: np.ndarray, y0: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A linear function of the plan over the chosen pairs' columns and the cases'."""
    if coef.lead is not None and np.any(coef.lead):
        raise ValueError("the MIP has no lead variables")
    idx, val = [], []
    if coef.member is not None:
        idx.append(np.arange(len(pairs)))
        val.append(coef.member[pairs].astype(float))
    if coef.case is not None:
        idx.append(y0 + np.arange(len(coef.case)))
        val.append(coef.case.astype(float))
    if not idx:
        return np.zeros(0, dtype=np.int64), np.zeros(0), int(coef.constant)
    return np.concatenate(idx), np.concatenate(val), int(coef.constant)
