"""Lexicographic objective levels on one CP-SAT model: optimise, fix, go on.

The review, leadership and supervision-area models are small and share one pattern: a list
of objective levels, each optimised in turn and then held at the value found (a maximised
level may not fall below it, a minimised one may not rise above it), the next level's solve
starting from the previous solution.  :func:`solve_levels` does that and reports, per level,
the value, the best proven bound and whether it was proven, like the staffing result.

Determinism: one CP-SAT worker (or the interleaved portfolio) with a fixed seed;
``deterministic_time`` limits each solve in
CP-SAT's deterministic units, so a limited run repeats exactly (a wall-clock ``deadline`` is a
safety net that can change the outcome when it actually cuts a solve short).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ortools.sat.python import cp_model

from .results import LevelResult, Levels, LevelsView, Status  # LevelsView re-exported for the solvers built here
from .results import overall_status as _overall

__all__ = ["Level", "LexOutcome", "LevelsView", "solve_levels", "overall_status"]

log = logging.getLogger(__name__)

_STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
           cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class Level:
    """One objective level: its name, ``"max"`` or ``"min"``, and the integer expression."""

    name: str
    sense: str
    expr: Any


@dataclass
class LexOutcome:
    """What :func:`solve_levels` found.

    ``status`` is ``OPTIMAL`` (every level proven), ``FEASIBLE`` (a solution, some level not
    proven), ``INFEASIBLE`` or ``UNKNOWN`` (no solution within the limits) or
    ``MODEL_INVALID``.  ``solution`` is what ``read`` extracted after the last successful
    solve (None without one); ``levels`` holds the levels solved, in order.
    """

    status: str
    levels: list[LevelResult] = field(default_factory=list)
    solution: Any = None


def _hint_from(model: cp_model.CpModel, values: Sequence[int]) -> None:
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(int(v) for v in values)


def solve_levels(model: cp_model.CpModel, levels: Sequence[Level], read: Callable[[cp_model.CpSolver], Any], *,
                 seed: int = 0, deterministic_time: float | None = None, deadline: float | None = None,
                 workers: int = 1) -> LexOutcome:
    """Optimise ``levels`` one after another on ``model`` (which gains the fixing constraints).

    Parameters
    ----------
    model
        The model; its own objective is replaced level by level.
    levels
        The objective levels in lexicographic order.
    read
        Extracts the solution from a solver after a successful solve.
    seed, deterministic_time, deadline
        The seed; a deterministic limit per solve; a wall-clock deadline
        (``time.perf_counter()`` value) for all of them.
    workers
        1: one sequential search.  More: CP-SAT's interleaved portfolio (its sub-solvers,
        large-neighbourhood search among them, take turns in a fixed order), which is
        deterministic too and pays off on the larger supervision-area models.

    Returns
    -------
    LexOutcome
        Never raises for an infeasible or unsolved model: that is the status.
    """
    out = LexOutcome("OPTIMAL")
    last: list[int] | None = None
    last_solver: cp_model.CpSolver | None = None
    for lv in levels:
        if lv.sense == "max":
            model.maximize(lv.expr)
        else:
            model.minimize(lv.expr)
        if last is not None:
            _hint_from(model, last)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = workers
        p.random_seed = seed
        if workers > 1:
            p.interleave_search = True
        if deterministic_time is not None:
            p.max_deterministic_time = deterministic_time
        if deadline is not None:
            p.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        code = solver.solve(model)
        status = _STATUS.get(code, "UNKNOWN")
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last_solver is None or code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
                out.status = status
                return out
            # no solution in this level's budget: the previous one still holds (the fixing keeps it
            # feasible), so the level keeps its value there, unproven
            log.info("level %s: no solution within the limits (%s); the previous one is kept", lv.name, status)
            value = int(last_solver.value(lv.expr))
            raw = solver.best_objective_bound
            bound = value if not math.isfinite(raw) else (math.floor(raw + 1e-9) if lv.sense == "max"
                                                          else math.ceil(raw - 1e-9))
            out.levels.append(LevelResult(lv.name, lv.sense, float(value), float(bound), False))
            out.status = "FEASIBLE"
            model.add(lv.expr >= value if lv.sense == "max" else lv.expr <= value)
            continue
        value = int(round(solver.objective_value))
        raw_bound = solver.best_objective_bound
        bound = math.floor(raw_bound + 1e-9) if lv.sense == "max" else math.ceil(raw_bound - 1e-9)
        proven = code == cp_model.OPTIMAL
        out.levels.append(LevelResult(lv.name, lv.sense, float(value), float(value if proven else bound), proven))
        if not proven:
            out.status = "FEASIBLE"
        last = list(solver.response_proto.solution)
        last_solver = solver
        out.solution = read(solver)
        model.add(lv.expr >= value if lv.sense == "max" else lv.expr <= value)
    return out


def overall_status(statuses: Sequence[str]) -> Status:
    """The worst of several parts' statuses (``OPTIMAL`` for none)."""
    return _overall(statuses)
