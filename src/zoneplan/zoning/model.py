"""CP-SAT models over candidate zones.  Building only: no solving, no I/O.

The main model is set partitioning: one Boolean per candidate zone, every covered township
in exactly one chosen zone, optionally an exact zone count, minimise the summed integer
costs.  Connectivity, size bounds and what-ifs are already enforced by the candidate list.

The diagnostic model uses all connected candidates and puts every what-if behind its own
assumption literal, so CP-SAT can name a set of what-ifs that cannot hold together.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from zoneplan.zoning.candidates import CandidateSet

__all__ = ["DiagnosticModel", "PartitionModel", "build_diagnostic_model", "build_partition_model"]

logger = logging.getLogger(__name__)


def _by_township(zones: Sequence[tuple[int, ...]], n: int) -> list[list[int]]:
    rows: list[list[int]] = [[] for _ in range(n)]
    for c, z in enumerate(zones):
        for t in z:
            rows[t].append(c)
    return rows


@dataclass
class PartitionModel:
    """A set-partitioning model and its variables (``x[c]``: candidate ``c`` is chosen)."""

    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    candidates: CandidateSet

    def chosen(self, solver: cp_model.CpSolver) -> list[int]:
        """Indices of the chosen candidates in the solver's current solution."""
        return [c for c, v in enumerate(self.x) if solver.boolean_value(v)]


def build_partition_model(cs: CandidateSet, target: int | None = None) -> PartitionModel:
    """Build the set-partitioning model of one county.

    Each township of ``cs.cover`` is in exactly one chosen candidate; kept zones are
    fixed chosen; with ``target`` the number of chosen zones equals it.  The objective is
    ``sum(cost[c] * x[c])`` with the integer costs of :mod:`~zoneplan.zoning.candidates`.
    """
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"z{c}") for c in range(len(cs))]
    rows = _by_township(cs.zones, len(cs.county.idx))
    for t in cs.cover:
        model.add_exactly_one(x[c] for c in rows[t])
    for c in range(len(cs)):
        if cs.fixed[c]:
            model.add(x[c] == 1)
    if target is not None:
        model.add(cp_model.LinearExpr.sum(x) == target)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, [int(v) for v in cs.cost]))
    return PartitionModel(model, x, cs)


@dataclass
class DiagnosticModel:
    """Feasibility model with one assumption literal per what-if; ``why[lit.index]`` names it."""

    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    assumptions: list[cp_model.IntVar] = field(default_factory=list)
    why: dict[int, str] = field(default_factory=dict)


def build_diagnostic_model(
    cs: CandidateSet,
    *,
    excluded: Sequence[tuple[int, str]] = (),
    kept: Sequence[tuple[tuple[int, ...], str]] = (),
    together: Sequence[tuple[int, int, str]] = (),
    apart: Sequence[tuple[int, int, str]] = (),
    target: tuple[int, str] | None = None,
) -> DiagnosticModel:
    """Build the diagnostic model over all connected candidates of a county.

    Every argument is in local indices with a description used in explanations.  A
    township is covered exactly once unless its exclusion literal holds (then never); a
    kept zone's literal forces that exact candidate; together/apart literals forbid the
    candidates that split/join the pair; the target literal fixes the zone count.
    """
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"z{c}") for c in range(len(cs))]
    rows = _by_township(cs.zones, len(cs.county.idx))
    dm = DiagnosticModel(model, x)

    def lit(desc: str) -> cp_model.IntVar:
        v = model.new_bool_var(desc)
        dm.assumptions.append(v)
        dm.why[v.index] = desc
        return v

    ex = dict(excluded)
    for t in range(len(cs.county.idx)):
        cover = cp_model.LinearExpr.sum([x[c] for c in rows[t]])
        if t in ex:
            model.add(cover + lit(ex[t]) == 1)
        else:
            model.add(cover == 1)
    index = {z: c for c, z in enumerate(cs.zones)}
    for mem, desc in kept:
        c = index.get(tuple(sorted(mem)))
        v = lit(desc)
        if c is None:  # not a connected candidate of allowed size: the keep alone is infeasible
            model.add_bool_or([v.Not()])
        else:
            model.add(x[c] == 1).only_enforce_if(v)
    inside: dict[int, set[int]] = defaultdict(set)
    for c, z in enumerate(cs.zones):
        for t in z:
            inside[t].add(c)
    for a, b, desc in together:
        split = sorted(inside[a] ^ inside[b])
        model.add(cp_model.LinearExpr.sum([x[c] for c in split]) == 0).only_enforce_if(lit(desc))
    for a, b, desc in apart:
        both = sorted(inside[a] & inside[b])
        model.add(cp_model.LinearExpr.sum([x[c] for c in both]) == 0).only_enforce_if(lit(desc))
    if target is not None:
        model.add(cp_model.LinearExpr.sum(x) == target[0]).only_enforce_if(lit(target[1]))
    return dm
