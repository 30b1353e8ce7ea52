"""The cheapest teams for a fixed set of cases, as a min-cost flow (OR-Tools, C++).

When every case of a part is staffed, the travel level is an assignment problem: people
with capacities, cases needing ``team_size`` members of whom one may lead, a cost per
pair.  Leaving out the required skills, it is a network flow::

    source -> person (capacity) -> pair (1) -> case's lead slot (1, possible leads only)
                                             -> case's other slots (team_size - 1)  -> sink

The pair node keeps a person from filling two slots of one case.  Its optimum is a lower
bound of the travel level (a relaxation), found in about a millisecond per part; when
its teams also cover every required skill, they are an optimal plan.  At national scale
this settles most parts without a CP-SAT model.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from .parts import Part

__all__ = ["cheapest_teams_flow"]


def cheapest_teams_flow(part: Part, cost: np.ndarray) -> tuple[int, np.ndarray] | None:
    """(total cost, member per pair) of the cheapest staffing of *every* case of the part
    by the flow above (skills left out), or None when no such staffing exists."""
    n_i, n_c, n_p = part.n_invs, part.n_cases, part.n_pairs
    needs = part.needs_lead
    src, sink = 0, 1
    person = 2 + np.arange(n_i)
    pair = 2 + n_i + np.arange(n_p)
    lead_slot = 2 + n_i + n_p + np.arange(n_c)
    rest_slot = 2 + n_i + n_p + n_c + np.arange(n_c)
    can = part.pair_lead & needs[part.pair_case]
    tails = [np.full(n_i, src), person[part.pair_inv], pair[can], pair, lead_slot[needs], rest_slot]
    heads = [person, pair, lead_slot[part.pair_case[can]], rest_slot[part.pair_case], np.full(int(needs.sum()), sink),
             np.full(n_c, sink)]
    caps = [part.capacity, np.ones(n_p), np.ones(int(can.sum())), np.ones(n_p), np.ones(int(needs.sum())),
            part.team_size - needs]
    costs = [np.zeros(n_i), cost, np.zeros(int(can.sum())), np.zeros(n_p), np.zeros(int(needs.sum())), np.zeros(n_c)]
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    demand = int(part.team_size.sum())
    supplies = np.zeros(2 + n_i + n_p + 2 * n_c, dtype=np.int64)
    supplies[src], supplies[sink] = demand, -demand
    f.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    if f.solve() != f.OPTIMAL:
        return None
    flows = f.flows(np.arange(n_i, n_i + n_p, dtype=np.int32))
    return int(f.optimal_cost()), flows.astype(bool)
