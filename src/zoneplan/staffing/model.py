"""CP-SAT model of the staffing problem: a pure function of prepared arrays.

Scaling policy (explicit): travel enters the model in whole road minutes, each member's
minutes rounded half up (:func:`zoneplan.travel.round_minutes`); workload in hundredths of a
workload unit (``WORKLOAD_SCALE``), each value rounded half up.  Priorities are integers.

One small function per constraint family; each returns the objective term it owns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

__all__ = ["WORKLOAD_SCALE", "SubProblem", "StaffingModel", "build_model", "scale_workload"]

WORKLOAD_SCALE = 100


def scale_workload(x) -> np.ndarray:
    """Workload in integer hundredths, rounded half up."""
    return np.floor(np.asarray(x, dtype=float) * WORKLOAD_SCALE + 0.5).astype(np.int64)


@dataclass(frozen=True)
class SubProblem:
    """An independent part of the problem on local dense indices.

    ``pair_*`` arrays describe eligible pairs (local investigator, local case); case and
    investigator arrays hold what the constraints need.  ``case_skill_pairs[c]`` lists,
    for each required skill of case ``c``, the local pair indices whose member has it.
    """

    inv_global: np.ndarray
    case_global: np.ndarray
    pair_inv: np.ndarray
    pair_case: np.ndarray
    pair_cost: np.ndarray
    pair_lead: np.ndarray
    team_size: np.ndarray
    needs_lead: np.ndarray
    priority: np.ndarray
    workload: np.ndarray  # scaled
    capacity: np.ndarray
    current_load: np.ndarray  # scaled
    case_skill_pairs: tuple[tuple[tuple[int, ...], ...], ...]

    @property
    def n_pairs(self) -> int:
        return len(self.pair_inv)


@dataclass
class StaffingModel:
    """A built model and its typed variables."""

    model: cp_model.CpModel
    x: list[cp_model.IntVar]  # member, per pair
    lead: dict[int, cp_model.IntVar]  # lead, per lead-eligible pair of a case that needs one
    y: list[cp_model.IntVar]  # staffed, per case
    max_load: cp_model.IntVar
    terms: dict[str, cp_model.LinearExpr]
    senses: dict[str, int]  # +1 maximise, -1 minimise

    def extract(self, solver: cp_model.CpSolver) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(staffed per case, member per pair, lead per pair) as bool arrays."""
        y = np.array([solver.boolean_value(v) for v in self.y], dtype=bool)
        x = np.array([solver.boolean_value(v) for v in self.x], dtype=bool)
        lead = np.zeros(len(self.x), dtype=bool)
        for p, v in self.lead.items():
            lead[p] = solver.boolean_value(v)
        return y, x, lead


def _team_cover(m: cp_model.CpModel, sp: SubProblem, x, y, by_case) -> None:
    """Exactly team_size members when staffed, none otherwise (no half teams)."""
    for c, ps in enumerate(by_case):
        m.add(sum(x[p] for p in ps) == int(sp.team_size[c]) * y[c])


def _leads(m: cp_model.CpModel, sp: SubProblem, x, y, by_case) -> dict[int, cp_model.IntVar]:
    """Exactly one lead among the members when the case needs one (county-level if escalated)."""
    lead: dict[int, cp_model.IntVar] = {}
    for c, ps in enumerate(by_case):
        if not sp.needs_lead[c]:
            continue
        cand = [p for p in ps if sp.pair_lead[p]]
        for p in cand:
            lead[p] = m.new_bool_var(f"lead_{p}")
            m.add_implication(lead[p], x[p])
        m.add(sum(lead[p] for p in cand) == y[c])
    return lead


def _skills(m: cp_model.CpModel, sp: SubProblem, x, y) -> None:
    """Every required skill covered by at least one member of a staffed case."""
    for c, skill_lists in enumerate(sp.case_skill_pairs):
        for ps in skill_lists:
            m.add(sum(x[p] for p in ps) >= y[c])


def _capacity(m: cp_model.CpModel, sp: SubProblem, x, by_inv) -> None:
    """No one above max_cases (less cases already on hand)."""
    for i, ps in enumerate(by_inv):
        if len(ps) > sp.capacity[i]:
            m.add(sum(x[p] for p in ps) <= int(sp.capacity[i]))


def _workload(m: cp_model.CpModel, sp: SubProblem, x, by_inv) -> tuple[cp_model.IntVar, cp_model.LinearExpr]:
    """Largest per-investigator workload (current + assigned), in hundredths."""
    base = int(sp.current_load.max()) if len(sp.current_load) else 0
    top = base + int(sp.workload.sum()) if len(sp.workload) else base
    z = m.new_int_var(base, max(base, top), "max_load")
    for i, ps in enumerate(by_inv):
        if ps:
            m.add(int(sp.current_load[i]) + sum(int(sp.workload[sp.pair_case[p]]) * x[p] for p in ps) <= z)
    return z, z


def _travel(sp: SubProblem, x) -> cp_model.LinearExpr:
    """Total road minutes, posted township to case township, per member."""
    return cp_model.LinearExpr.weighted_sum(x, [int(v) for v in sp.pair_cost])


def _staffed(sp: SubProblem, y) -> cp_model.LinearExpr:
    """Priority-weighted number of staffed cases."""
    return cp_model.LinearExpr.weighted_sum(y, [int(v) for v in sp.priority])


def build_model(sp: SubProblem) -> StaffingModel:
    """Build the CP-SAT model of one sub-problem.  No solving, no I/O."""
    m = cp_model.CpModel()
    n_case = len(sp.case_global)
    x = [m.new_bool_var(f"x_{p}") for p in range(sp.n_pairs)]
    y = [m.new_bool_var(f"y_{c}") for c in range(n_case)]
    by_case: list[list[int]] = [[] for _ in range(n_case)]
    by_inv: list[list[int]] = [[] for _ in range(len(sp.inv_global))]
    for p, (i, c) in enumerate(zip(sp.pair_inv.tolist(), sp.pair_case.tolist())):
        by_case[c].append(p)
        by_inv[i].append(p)
    _team_cover(m, sp, x, y, by_case)
    lead = _leads(m, sp, x, y, by_case)
    _skills(m, sp, x, y)
    _capacity(m, sp, x, by_inv)
    z, load_term = _workload(m, sp, x, by_inv)
    terms = {"staffed": _staffed(sp, y), "max_workload": load_term, "travel": _travel(sp, x)}
    senses = {"staffed": 1, "max_workload": -1, "travel": -1}
    return StaffingModel(m, x, lead, y, z, terms, senses)
