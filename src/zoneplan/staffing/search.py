"""Optimising one part: its state, and the CP-SAT search used for every part that is not
dense (the dense ones go through :mod:`~zoneplan.staffing.dense`).

A :class:`PartState` carries a part's incumbent plan (always valid, first the greedy one),
the earlier levels it must keep (:class:`~zoneplan.staffing.lp.FixedRow`), the workload
cap of the max level once known, and its lazily built CP-SAT model.

Several sum levels in a row are optimised by one CP-SAT solve of their big-M combination
(each level's weight exceeds everything the later ones can change), which is exact; when
the weights would not fit CP-SAT's 64-bit objective the levels are solved one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from ..options import SolveOptions
from ..runner import Budget, cpsat_parameters
from .levels import MaxLevel, SumLevel
from .lp import FixedRow
from .model import PartModel, build_model
from .parts import Part, PartPlan, side_rules_ok

__all__ = ["PartState", "LevelOutcome", "OnSolution", "cpsat_sums", "cpsat_max", "combination"]

log = logging.getLogger(__name__)

#: ``on_solution(level, part_index, value)``: a better plan of a part was found.  Called
#: from solver threads; ``value`` in model units.
OnSolution = Callable[[str, int, float], None]

#: CP-SAT parameters of the (small, tight) sparse parts, each measured on 300 national-scale
#: parts (staffed + travel in one solve; ms per part on this machine, same optima):
#: a full LP relaxation pays off on these assignment-like parts (linearization level 1:
#: 44 ms; 2: 8 ms), presolve costs more than it saves (province: 2.3 s -> 1.2 s overall),
#: loading the LP constraints at once rather than lazily halves the time again, and the
#: probing, symmetry and cut passes cost more than they save on parts this small
#: (9.7 -> 4.9 ms).
SPARSE_PARAMETERS: dict[str, object] = {
    "linearization_level": 2,
    "cp_model_presolve": False,
    "add_lp_constraints_lazily": False,
    "cp_model_probing_level": 0,
    "symmetry_level": 0,
    "cut_level": 0,
}

#: CP-SAT with its presolve, cuts and probing, for the parts the lean search cannot close.
FULL_PARAMETERS: dict[str, object] = {"linearization_level": 2}

#: Deterministic time of the lean stage.  The lean search proves 99 % of the sum-level
#: searches it proves at all within 0.0105 (615 searches on 30 counties, 20 prefectures
#: and 2 provinces; median 0.0004) and 99.9 % of the national instance's within 0.02; a
#: search it has not proven by then is one it would take seconds or minutes over.
LEAN_DT = 0.01

#: Parts up to this many pairs are searched in two stages; larger models (the cores of
#: dense parts) with the lean parameters alone.
STAGED_PAIRS = 5_000

#: The stages of every CP-SAT search: (parameters, deterministic time cap or None).
STAGES: tuple[tuple[dict[str, object], float | None], ...] = ((SPARSE_PARAMETERS, LEAN_DT), (FULL_PARAMETERS, None))

_BIG = 2 ** 62

#: Largest objective coefficient magnitude used in a big-M combination (CP-SAT keeps its
#: objective in 64-bit integers; this leaves room for the sums).
MAX_COMBINED = 2 ** 52


@dataclass
class LevelOutcome:
    """One level on one part: the kept plan's value, a valid bound (given the earlier
    levels as they were kept) and whether the value is proven optimal."""

    value: int
    bound: int | None
    proven: bool


@dataclass
class PartState:
    """A part being optimised."""

    part: Part
    plan: PartPlan
    dense: bool = False
    fixed: list[FixedRow] = field(default_factory=list)
    load_cap: int | None = None
    exact: bool = True  # every kept level so far was proven optimal
    model: PartModel | None = None
    _added: int = 0  # fixed rows already in the CP-SAT model
    _cap_added: int | None = None
    solves: int = 0
    #: The plan CP-SAT starts from when it is not the kept plan: a plan of this part alone
    #: (e.g. before the global workload cap), so the search does not depend on other parts.
    hint: PartPlan | None = None
    #: Dense parts: the pairs a plan optimal for every kept level can use (bool per pair;
    #: the others cost more than the last level's gap by their LP reduced cost); None when
    #: unknown.
    face: np.ndarray | None = None
    #: The lean CP-SAT stage ran out of its budget on this part once: later searches of the
    #: part start at the second stage.
    lean_failed: bool = False
    #: Dense parts: the pairs the max level's LP starts from -- the plan as the last level
    #: before the max level began -- so that LP is the same whether it was asked ahead (on a
    #: second thread, beside that level's exact solve) or in turn.
    lp_start: np.ndarray | None = None
    #: Dense parts: solves asked ahead, by what they ask (:func:`zoneplan.staffing.dense.max_lp_key`);
    #: a level that asks the same takes the answer, the others are left to end on their own.
    ahead: dict = field(default_factory=dict)

    def keep(self, level: SumLevel, value: int) -> None:
        """Keep ``level`` at ``value`` from now on."""
        self.fixed.append(FixedRow(level.coefficients(self.part), level.sense, int(value)))

    def accepts(self, plan: PartPlan) -> bool:
        """Whether ``plan`` keeps every kept level, the workload cap, the locks and the team
        rules."""
        if not side_rules_ok(self.part, plan.member):
            return False
        for f in self.fixed:
            v = f.coef.value(plan)
            if (v < f.value) if f.sense > 0 else (v > f.value):
                return False
        return self.load_cap is None or plan.max_load(self.part) <= self.load_cap

    def shortcut(self, level: SumLevel, earlier: tuple[str, ...]) -> int | None:
        """The level's cheap bound (see :meth:`SumLevel.ideal`), adopting the plan that
        comes with it when it is better and keeps everything kept; None without one."""
        if not self.exact:
            return None
        found = level.ideal(self.part, self.plan, earlier)
        if found is None:
            return None
        bound, plan = found
        if plan is not None and self.accepts(plan) and \
                level.sense * level.value(self.part, plan) > level.sense * level.value(self.part, self.plan):
            self.plan = plan
        return bound

    def forget(self, count: int) -> None:
        """Keep only the first ``count`` kept levels (the CP-SAT model is rebuilt if needed)."""
        del self.fixed[count:]
        self.face = None
        if self._added > count:
            self.model = None
            self._added = 0
            self._cap_added = None

    def fresh_model(self) -> None:
        """Build the CP-SAT model anew at next use: the rows and objectives a search added
        (the max level's trial bounds) are gone, only the part, kept levels and cap remain."""
        self.model, self._added, self._cap_added = None, 0, None

    def cpsat(self) -> PartModel:
        """The CP-SAT model with every kept level and the workload cap added."""
        if self.model is None:
            self.model = build_model(self.part)
        pm = self.model
        while self._added < len(self.fixed):
            f = self.fixed[self._added]
            idx, coef, const = pm.terms(f.coef)
            lo, hi = (f.value - const, _BIG) if f.sense > 0 else (-_BIG, f.value - const)
            pm.add_row(idx, coef, lo, hi)
            self._added += 1
        if self.load_cap is not None and self._cap_added != self.load_cap:
            pm.add_row([pm.max_load], [1], -_BIG, self.load_cap)
            self._cap_added = self.load_cap
        return pm


def combination(part: Part, levels: list[SumLevel]) -> list[int] | None:
    """Weights making ``sum(weight * sense * level)`` lexicographic, or None on overflow."""
    weights = [1] * len(levels)
    spans = [lv.coefficients(part).span(part) for lv in levels]
    for k in range(len(levels) - 2, -1, -1):
        weights[k] = 1 + sum(weights[j] * spans[j] for j in range(k + 1, len(levels)))
    if sum(w * max(1, s) for w, s in zip(weights, spans)) >= MAX_COMBINED:
        return None
    return weights


def _run(state: PartState, opts: SolveOptions, budget: Budget, det_time: float | None,
         on_solution: OnSolution | None, tag: str, strict: bool = True) -> tuple[int, float | None]:
    """Solve the part's CP-SAT model from its plan; keep the better plan found.

    Two stages (:data:`STAGES`): the lean parameters that settle nearly every part in
    milliseconds, for at most :data:`LEAN_DT` of deterministic time; then, from the best
    plan so far, CP-SAT with its presolve and cuts, which closes the integrality gap the
    lean search cannot (skills, leads and the workload cap make the LP bound weak: on
    ``prefecture-hard`` the lean search proved nothing in 60 s where this stage proves the
    same part in 0.04 s).  ``det_time`` bounds the two together.  A part the lean stage has
    failed on once starts its later searches at the second stage.

    Returns the CP-SAT status and its best bound (None when no search ran)."""
    if budget.stopped:
        return cp_model.UNKNOWN, None
    pm = state.cpsat()
    pm.hint(state.plan if state.hint is None else state.hint)
    left = det_time
    status, best = cp_model.UNKNOWN, None
    # a large model (a dense part's core) stays lean: presolve and cuts cost more than they
    # win there (the lean search is what the dense strategy's core search was measured with)
    stages = STAGES if state.part.n_pairs <= STAGED_PAIRS else ((STAGES[0][0], None),)
    for stage, (params, cap) in enumerate(stages):
        if stage == 0 and state.lean_failed and len(stages) > 1:
            continue
        if budget.stopped or (left is not None and left <= 0):
            break
        det = left if cap is None else (cap if left is None else min(cap, left))
        solver = cp_model.CpSolver()
        cpsat_parameters(solver, seed=opts.seed, budget=budget, deterministic_time=det)
        p = solver.parameters
        for name, value in params.items():
            setattr(p, name, value)
        callback = None
        if on_solution is not None:
            part_index = state.part.index

            class _Callback(cp_model.CpSolverSolutionCallback):
                def on_solution_callback(self) -> None:
                    on_solution(tag, part_index, self.objective_value)

            callback = _Callback()
        with budget.cancel.stopping(solver.stop_search):
            status = solver.solve(pm.model, callback)
        state.solves += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            state.plan = pm.read(solver.response_proto.solution)
            pm.hint(state.plan)
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            break
        bound = float(solver.best_objective_bound)
        # every stage's bound holds: keep the tightest (maximised objective); a stage that
        # found no solution (UNKNOWN) reports 0 for its bound, which is no bound
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and np.isfinite(bound):
            best = bound if best is None else min(best, bound)
        if status == cp_model.OPTIMAL:
            break
        if cap is not None and solver.deterministic_time >= cap:
            state.lean_failed = True
        if left is not None:
            left -= solver.deterministic_time
    if status == cp_model.INFEASIBLE and not strict:
        return status, None
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        # the kept plan meets every constraint, so this is a bug, never the user's input
        raise RuntimeError(f"CP-SAT found part {state.part.index} {cp_model.CpSolver().status_name(status)} "
                           "although its current plan is valid")
    return status, best


def cpsat_sums(state: PartState, levels: list[SumLevel], earlier: tuple[str, ...], opts: SolveOptions,
               budget: Budget, on_solution: OnSolution | None = None) -> list[LevelOutcome]:
    """Optimise consecutive sum levels lexicographically on one part and keep them."""
    part = state.part
    out: list[LevelOutcome] = []
    todo = list(levels)
    if budget.stopped:  # out of time before this part: keep its plan, unproven
        return _unreached(state, todo)
    while todo:
        lv = todo[0]
        before = earlier + tuple(x.name for x in levels[:len(out)])
        ideal = state.shortcut(lv, before)
        value = lv.value(part, state.plan)
        if ideal is not None and value == ideal:  # the plan reaches a bound: nothing to search
            out.append(LevelOutcome(value, ideal, True))
            state.keep(lv, value)
            todo.pop(0)
            continue
        weights = combination(part, todo)
        group = todo if weights is not None else todo[:1]
        weights = weights or [1]
        pm = state.cpsat()
        idx: list[int] = []
        coef: list[int] = []
        for w, x in zip(weights, group):
            i, c, _ = pm.level_terms(x)
            idx += i
            coef += [w * x.sense * a for a in c]
        pm.maximise(idx, coef)
        status, best = _run(state, opts, budget, opts.deterministic_time, on_solution, group[0].name)
        values = [x.value(part, state.plan) for x in group]
        if status == cp_model.OPTIMAL:
            outcome = [LevelOutcome(v, v, True) for v in values]
        else:
            bound = None
            if best is not None:  # later levels add at least their lowest contribution
                lowest = sum(w * _lowest(x, part) for w, x in zip(weights[1:], group[1:]))
                bound = group[0].sense * int(np.floor((best - lowest) / weights[0] + 1e-9))
            outcome = [LevelOutcome(values[0], bound, bound == values[0])]
            outcome += [LevelOutcome(v, None, False) for v in values[1:]]
        for x, o in zip(group, outcome):
            state.keep(x, o.value)
            if not o.proven:
                state.exact = False
        out += outcome
        todo = todo[len(group):]
        if not state.exact:
            for x in todo:  # not reached: keep the plan's values
                v = x.value(part, state.plan)
                out.append(LevelOutcome(v, None, False))
                state.keep(x, v)
            break
    return out


def _unreached(state: PartState, levels: list[SumLevel]) -> list[LevelOutcome]:
    """Levels not reached in time: the plan's values, kept, unproven."""
    state.exact = False
    out = []
    for lv in levels:
        v = lv.value(state.part, state.plan)
        out.append(LevelOutcome(v, None, False))
        state.keep(lv, v)
    return out


def _lowest(level: SumLevel, part: Part) -> int:
    """A lower bound of ``sense * level`` over every plan of the part."""
    c = level.coefficients(part)
    return level.sense * c.constant - c.span(part)


def cpsat_max(state: PartState, level: MaxLevel, lower: int, opts: SolveOptions, budget: Budget,
              det_time: float | None, on_solution: OnSolution | None = None) -> tuple[bool, int, int]:
    """Minimise ``max(largest load, lower)`` on one part (kept levels fixed).

    Returns (proven, value of the plan's own max, bound of ``max(own optimum, lower)``)."""
    pm = state.cpsat()
    pm.add_row([pm.max_load], [1], lower, _BIG)
    pm.maximise([pm.max_load], [-1])
    # under a cap below the plan's maximum (a dense part's trial) the plan is no solution
    strict = state.load_cap is None or level.value(state.part, state.plan) <= state.load_cap
    status, best = _run(state, opts, budget, det_time, on_solution, level.name, strict)
    if status == cp_model.INFEASIBLE:
        return False, level.value(state.part, state.plan), lower
    value = level.value(state.part, state.plan)
    if best is not None:
        return status == cp_model.OPTIMAL, value, max(lower, int(np.ceil(-best - 1e-9)))
    return False, value, lower


def sum_level_trivial_bound(level: SumLevel, part: Part) -> int:
    """A bound of the level that holds for every plan (used where nothing better is known)."""
    c = level.coefficients(part)
    if level.sense > 0:
        return c.constant + sum(int(np.clip(a, 0, None).sum()) for a in (c.case, c.member, c.lead) if a is not None)
    return c.constant + sum(int(np.clip(a, None, 0).sum()) for a in (c.case, c.member, c.lead) if a is not None)
