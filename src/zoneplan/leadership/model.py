"""The 1+1+N assignment model of one county and one kind (leaders or offices).  Building only.

Zones ``0..Z-1`` and agents ``0..A-1`` (the county's leaders, or its offices).  ``x[z][a]``:
agent ``a`` takes zone ``z``; every zone gets exactly one agent.  Levels (lexicographic, see
:mod:`zoneplan.lex_model`):

1. ``conflicts`` (min): zones whose agent comes from one of the zone's townships (a leader's
   home township, or any office member's home township, lies in the zone);
2. ``max_zones`` (min): the most zones one agent takes;
3. ``max_townships`` (min): the most townships one agent's zones hold;
4. ``max_villages`` (min): the most villages one agent's zones hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ..lex_model import Level

__all__ = ["AssignmentPart", "AssignmentModel", "build_assignment_model", "LEAD_LEVELS"]

#: The levels, in lexicographic order.
LEAD_LEVELS = ("conflicts", "max_zones", "max_townships", "max_villages")


@dataclass(frozen=True)
class AssignmentPart:
    """One county's zones and agents: ``conflict[z, a]`` (bool), townships and villages per zone."""

    conflict: np.ndarray
    townships: np.ndarray
    villages: np.ndarray

    @property
    def n_zones(self) -> int:
        return int(self.conflict.shape[0])

    @property
    def n_agents(self) -> int:
        return int(self.conflict.shape[1])


@dataclass
class AssignmentModel:
    model: cp_model.CpModel
    x: list[list[cp_model.IntVar]]
    levels: list[Level]

    def extract(self, solver: cp_model.CpSolver) -> np.ndarray:
        """The agent of each zone."""
        return np.array([next(a for a, v in enumerate(row) if solver.boolean_value(v)) for row in self.x],
                        dtype=np.int64)


def build_assignment_model(part: AssignmentPart) -> AssignmentModel:
    """Build the model of one county and kind (see the module docstring); needs one agent or more."""
    if part.n_agents == 0:
        raise ValueError("no agent to assign")
    m = cp_model.CpModel()
    Z, A = part.n_zones, part.n_agents
    x = [[m.new_bool_var(f"x{z}_{a}") for a in range(A)] for z in range(Z)]
    for z in range(Z):
        m.add_exactly_one(x[z])
    tw = [int(v) for v in part.townships]
    vi = [int(v) for v in part.villages]
    caps = {"max_zones": Z, "max_townships": sum(tw), "max_villages": sum(vi)}
    tops = {k: m.new_int_var(0, max(0, v), k) for k, v in caps.items()}
    for a in range(A):
        col = [x[z][a] for z in range(Z)]
        m.add(tops["max_zones"] >= cp_model.LinearExpr.sum(col))
        m.add(tops["max_townships"] >= cp_model.LinearExpr.weighted_sum(col, tw))
        m.add(tops["max_villages"] >= cp_model.LinearExpr.weighted_sum(col, vi))
    bad = [x[z][a] for z in range(Z) for a in range(A) if part.conflict[z, a]]
    conflicts = cp_model.LinearExpr.sum(bad) if bad else m.new_constant(0)
    levels = [Level("conflicts", "min", conflicts)] + [Level(k, "min", tops[k]) for k in LEAD_LEVELS[1:]]
    return AssignmentModel(m, x, levels)
