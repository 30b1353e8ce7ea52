"""The exact model of a part over a *subset* of its pairs, solved by HiGHS (the MIP solver
bundled inside OR-Tools, through ``model_builder``).

Used on the cores of dense parts (:mod:`~zoneplan.staffing.dense`): once the LP relaxation
(:mod:`~zoneplan.staffing.lp`) says which few pairs matter, the model over them is small
and nearly integral, which LP-based branch and bound closes in a fraction of a second
where CP-SAT needs several (measured on the dense benchmark family: 0.8 s against 5 s for
the staffed level of a 2,400-pair core).  HiGHS runs on one thread with a fixed seed, so
a solve that is not cut short by the clock is repeatable.  (A MIP start crashes HiGHS
through ``model_builder`` in OR-Tools 9.15, so none is given.)

Variables: member ``x[p]`` per chosen pair, staffed ``y[c]`` per case, and ``z`` for the
max level; the rows are those of the CP-SAT model (:mod:`~zoneplan.staffing.model`), plus
fixed earlier levels and a load cap.
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
from .model import assign_leads
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
              budget: Budget | None = None, seed: int = 0, time_cap: float | None = None) -> MipOutcome:
    """Maximise ``objective`` (or minimise the largest load) over plans using only ``pairs``.

    Returns the plan on the part's pair indices (pairs outside ``pairs`` unused).
    """
    t0 = time.perf_counter()
    pairs = np.unique(np.asarray(pairs, dtype=np.int64))
    if load_cap is not None:
        pairs = pairs[part.current_load[part.pair_inv[pairs]] + part.pair_work[pairs] <= load_cap]
    n_c, n_i = part.n_cases, part.n_invs
    nx = len(pairs)
    y0 = nx
    n_col = y0 + n_c + (1 if minimise_max else 0)
    z = y0 + n_c if minimise_max else None
    pc, pi = part.pair_case[pairs], part.pair_inv[pairs]
    rows, cols, vals, lo, hi = [], [], [], [], []

    def add(r, c, v):
        rows.append(np.asarray(r, dtype=np.int64))
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=float))

    r = 0
    add(pc, np.arange(nx), np.ones(nx))
    add(np.arange(n_c), y0 + np.arange(n_c), -part.team_size.astype(float))
    lo.append(np.zeros(n_c))
    hi.append(np.zeros(n_c))
    r += n_c
    needs = np.flatnonzero(part.needs_lead)
    row_lead = np.full(n_c, -1, dtype=np.int64)
    row_lead[needs] = r + np.arange(len(needs))
    lead_pos = np.flatnonzero(part.pair_lead[pairs] & part.needs_lead[pc])
    add(row_lead[pc[lead_pos]], lead_pos, np.ones(len(lead_pos)))
    add(row_lead[needs], y0 + needs, -np.ones(len(needs)))
    lo.append(np.zeros(len(needs)))
    hi.append(np.full(len(needs), np.inf))
    r += len(needs)
    n_req = len(part.req_case)
    if n_req:
        owner = np.repeat(np.arange(n_req), np.diff(part.req_ptr))
        pos = np.searchsorted(pairs, part.req_pairs)
        inside = (pos < nx) & (pairs[np.minimum(pos, max(nx - 1, 0))] == part.req_pairs) if nx else \
            np.zeros(len(owner), dtype=bool)
        add(r + owner[inside], pos[inside], np.ones(int(inside.sum())))
        add(r + np.arange(n_req), y0 + part.req_case, -np.ones(n_req))
        lo.append(np.zeros(n_req))
        hi.append(np.full(n_req, np.inf))
        r += n_req
    add(r + pi, np.arange(nx), np.ones(nx))
    lo.append(np.full(n_i, -np.inf))
    hi.append(part.capacity.astype(float))
    r += n_i
    if minimise_max or load_cap is not None:
        add(r + pi, np.arange(nx), part.pair_work[pairs].astype(float))
        if minimise_max:
            add(r + np.arange(n_i), np.full(n_i, z), -np.ones(n_i))
            hi.append(-part.current_load.astype(float))
        else:
            hi.append(float(load_cap) - part.current_load.astype(float))
        lo.append(np.full(n_i, -np.inf))
        r += n_i
    for f in fixed:
        _coef_row(add, r, f.coef, f.sense, pairs, nx, y0, n_c)
        lo.append([float(f.sense * (f.value - f.coef.constant))])
        hi.append([np.inf])
        r += 1
    obj = np.zeros(n_col)
    if minimise_max:
        obj[z] = -1.0
    elif objective is not None:
        if objective.member is not None:
            obj[:nx] += objective.member[pairs]
        if objective.case is not None:
            obj[y0:y0 + n_c] += objective.case
    A = sps.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n_col))
    ub = np.ones(n_col)
    if z is not None:
        ub[z] = float(part.current_load.max(initial=0) + part.workload.sum() + 1)
    m = mbh.ModelBuilderHelper()
    m.fill_model_from_sparse_data(np.zeros(n_col), ub, obj, np.concatenate(lo).astype(float),
                                  np.concatenate(hi).astype(float), A)
    m.set_maximize(True)
    for j in range(n_col):
        m.set_var_integrality(j, True)
    s = mbh.ModelSolverHelper("highs")
    s.enable_output(False)
    s.set_solver_specific_parameters(f"output_flag=false\nthreads=1\nrandom_seed={seed}\n"
                                     "mip_rel_gap=0\nmip_abs_gap=0.999\n")
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


def _coef_row(add, r: int, coef: Coefficients, sense: int, pairs: np.ndarray, nx: int, y0: int, n_c: int) -> None:
    if coef.lead is not None and np.any(coef.lead):
        raise ValueError("the MIP has no lead variables")
    if coef.member is not None:
        add(np.full(nx, r), np.arange(nx), sense * coef.member[pairs].astype(float))
    if coef.case is not None:
        add(np.full(n_c, r), y0 + np.arange(n_c), sense * coef.case.astype(float))
