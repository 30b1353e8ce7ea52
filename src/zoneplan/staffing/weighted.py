"""Weighted mode: one objective, ``w_staffed * staffed - w_max * max_workload - w_travel * travel``
(``- w_changes * changes`` when re-planning from a previous plan; the changes weight
defaults to :data:`~zoneplan.options.CHANGES_WEIGHT`, kept to 0.0001 like the others; the
reported weighted value leaves out the previous memberships that no plan could keep).
Among the plans of optimal weighted objective, a second solve keeps the one of least
tie-break weight (:mod:`~zoneplan.staffing.canonical`), as lexicographic mode does.

Integer scaling policy: the model works in units of 1/:data:`WEIGHT_SCALE` of a weight
point; the staffed and travel weights are kept to 0.0001, the max_workload weight (per
workload unit; the model counts hundredths) to 0.01.  The objective must stay exact: if
its largest possible magnitude reaches 2**53 (where CP-SAT's objective stops being exact
in double precision), the weights are refused with the numbers (:class:`ValueError`).

One model over every case (the max level couples all parts), solved by one CP-SAT worker
from the greedy plan, so the plan never depends on ``workers``; unlike the small parts of
lexicographic mode this one model profits from CP-SAT's presolve.  The three levels are
reported as the checker counts them, with ``bound=None``: they were not optimised one by
one.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from ..options import CHANGES_LEVEL, CHANGES_WEIGHT, SolveOptions
from ..runner import Budget, cpsat_parameters
from .canonical import TIE_BREAK
from .levels import LEVELS
from .parts import Part
from .search import OnSolution, PartState

__all__ = ["WEIGHT_SCALE", "EXACT_LIMIT", "scaled_weights", "solve_weighted"]

#: Weighted mode counts in 1/10000 of a weight point.
WEIGHT_SCALE = 10_000

#: Largest magnitude the scaled objective may reach (exact integers in double precision).
EXACT_LIMIT = 2 ** 53


def scaled_weights(weights: dict[str, float]) -> tuple[int, int, int]:
    """Integer weights (staffed per priority point, max_workload per hundredth, travel per minute)."""
    return (int(round(WEIGHT_SCALE * weights["staffed"])),
            int(round(WEIGHT_SCALE * weights["max_workload"] / 100)),
            int(round(WEIGHT_SCALE * weights["travel"])))


def changes_weight(opts: SolveOptions) -> int:
    """The scaled weight of one change; 0 unless the order holds the changes level."""
    if CHANGES_LEVEL not in opts.order:
        return 0
    return int(round(WEIGHT_SCALE * opts.weights.get(CHANGES_LEVEL, CHANGES_WEIGHT)))


def _check_exact(parts: list[Part], floor: int, weights: dict[str, float], cc: int = 0) -> tuple[int, int, int]:
    cs, cm, ct = scaled_weights(weights)
    staffed = sum(int(p.priority.sum()) for p in parts)
    top = max([floor] + [int(p.current_load.max(initial=0) + p.workload.sum()) for p in parts])
    travel = sum(LEVELS["travel"].coefficients(p).span(p) for p in parts)
    changes = sum(LEVELS[CHANGES_LEVEL].coefficients(p).span(p) for p in parts) if cc else 0
    reach = cs * staffed + cm * top + ct * travel + cc * changes
    if reach >= EXACT_LIMIT:
        raise ValueError(
            f"--weights too large to stay exact: with staffed={weights['staffed']:g}, "
            f"max_workload={weights['max_workload']:g}, travel={weights['travel']:g} the weighted objective can "
            f"reach {reach / WEIGHT_SCALE:.6g} points ({staffed} priority points, workload up to {top / 100:g}, "
            f"travel up to {travel} minutes), beyond the exact limit of {EXACT_LIMIT / WEIGHT_SCALE:.6g}; "
            "use smaller weights (only their ratios matter)")
    return cs, cm, ct


def solve_weighted(state: PartState | None, parts: list[Part], floor: int, opts: SolveOptions, budget: Budget,
                   on_solution: OnSolution | None = None) -> tuple[float, float | None, bool]:
    """Solve the weighted objective on the single part; returns (value, bound, proven) in
    weight points.  The state keeps the plan (its greedy plan when nothing better is found)."""
    cc = changes_weight(opts)
    cs, cm, ct = _check_exact(parts, floor, opts.weights, cc)
    if state is None:  # nothing to staff: the objective is -w_max * floor
        v = -cm * floor / WEIGHT_SCALE
        return v, v, True
    part = state.part
    pm = state.cpsat()
    # people outside the part still count in the max: optimise max(z, floor)
    low, high = pm.load_domain()
    pm.set_load_domain(max(low, floor), max(high, floor))
    si, sc, _ = pm.level_terms(LEVELS["staffed"])
    ti, tc, _ = pm.level_terms(LEVELS["travel"])
    ci, cc_terms, _ = pm.level_terms(LEVELS[CHANGES_LEVEL]) if cc else ([], [], 0)
    obj_idx = si + [pm.max_load] + ti + ci
    obj_coef = [cs * a for a in sc] + [-cm] + [-ct * a for a in tc] + [-cc * a for a in cc_terms]
    obj_const = -cc * LEVELS[CHANGES_LEVEL].coefficients(part).constant if cc else 0
    pm.maximise(obj_idx, obj_coef, obj_const)
    pm.hint(state.plan)

    def value_of(plan) -> int:
        return (cs * LEVELS["staffed"].value(part, plan) - cm * max(floor, plan.max_load(part))
                - ct * LEVELS["travel"].value(part, plan)
                - (cc * LEVELS[CHANGES_LEVEL].value(part, plan) if cc else 0))

    solver = cp_model.CpSolver()
    cpsat_parameters(solver, seed=opts.seed, budget=budget, deterministic_time=opts.deterministic_time)
    solver.parameters.linearization_level = 2
    callback = None
    if on_solution is not None:
        class _Callback(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                on_solution("weighted", part.index, self.objective_value / WEIGHT_SCALE)

        callback = _Callback()
    if budget.stopped:
        return value_of(state.plan) / WEIGHT_SCALE, None, False
    with budget.cancel.stopping(solver.stop_search):
        status = solver.solve(pm.model, callback)
    state.solves += 1
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        raise RuntimeError(f"CP-SAT found the weighted model {solver.status_name(status)} although the greedy "
                           "plan is valid")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = pm.read(solver.response_proto.solution)
        if value_of(plan) >= value_of(state.plan):
            state.plan = plan
    value = value_of(state.plan)
    # with no solution found (UNKNOWN) CP-SAT reports 0 as its bound: no bound at all
    bound = int(np.floor(solver.best_objective_bound + 1e-9)) \
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and np.isfinite(solver.best_objective_bound) else None
    proven = status == cp_model.OPTIMAL
    if proven:
        state.exact = _tie_break(state, pm, obj_idx, obj_coef, value - obj_const, opts, budget)
    return value / WEIGHT_SCALE, (value if proven else bound) / WEIGHT_SCALE if bound is not None else None, proven


def _tie_break(state: PartState, pm, idx: list[int], coef: list[int], at_least: int, opts: SolveOptions,
               budget: Budget) -> bool:
    """Among the plans of optimal weighted objective (``sum(coef * var) >= at_least``), the
    one of least tie-break weight (:mod:`~zoneplan.staffing.canonical`); returns whether
    that is proven."""
    if budget.stopped:
        return False
    part = state.part
    pm.add_row(idx, coef, at_least, 2 ** 62)
    tie = LEVELS[TIE_BREAK]
    ti, tc, _ = pm.level_terms(tie)
    pm.maximise(ti, [-a for a in tc])
    pm.hint(state.plan)
    solver = cp_model.CpSolver()
    cpsat_parameters(solver, seed=opts.seed, budget=budget, deterministic_time=opts.deterministic_time)
    solver.parameters.linearization_level = 2
    with budget.cancel.stopping(solver.stop_search):
        status = solver.solve(pm.model)
    state.solves += 1
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = pm.read(solver.response_proto.solution)
        if tie.value(part, plan) < tie.value(part, state.plan):
            state.plan = plan
    return status == cp_model.OPTIMAL
