"""Result assembly: the parts' plans as the plan frames, read from the instance only.

Frames (rows sorted, so the same plan always gives the same files):

* assignments: ``case_id, investigator_id, role, travel_minutes`` (lead first in a case,
  then by investigator id; minutes to two decimals, rounded half up);
* workload: ``investigator_id, cases, workload`` for everybody (new cases; workload
  includes ``current_workload``), by investigator id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .instance import WORKLOAD_SCALE, StaffingInstance
from .parts import Part, PartPlan

__all__ = ["chosen_pairs", "assignments_frame", "workload_frame", "loads"]


def chosen_pairs(parts: list[Part], plans: list[PartPlan]) -> tuple[np.ndarray, np.ndarray]:
    """Instance pair indices of every member, and whether each one leads (sorted by pair)."""
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    pairs = np.concatenate([p.pairs[s.member] for p, s in zip(parts, plans)])
    leads = np.concatenate([s.lead[s.member] for s, p in zip(plans, parts)])
    order = np.argsort(pairs, kind="stable")
    return pairs[order], leads[order]


def assignments_frame(inst: StaffingInstance, pairs: np.ndarray, leads: np.ndarray) -> pd.DataFrame:
    """The plan's rows: case, investigator, role and road minutes (two decimals)."""
    df = pd.DataFrame({
        "case_id": inst.case_ids[inst.pair_case[pairs]].astype(object),
        "investigator_id": inst.inv_ids[inst.pair_inv[pairs]].astype(object),
        "role": np.where(leads, "lead", "member").astype(object),
        "travel_minutes": np.floor(inst.pair_minutes[pairs] * 100 + 0.5) / 100,
    })
    df["_r"] = (~leads).astype(np.int8)
    return (df.sort_values(["case_id", "_r", "investigator_id"], kind="stable").drop(columns="_r")
            .reset_index(drop=True))


def loads(inst: StaffingInstance, pairs: np.ndarray) -> np.ndarray:
    """Workload (hundredths) per investigator: current plus the chosen pairs' cases."""
    extra = np.bincount(inst.pair_inv[pairs], weights=inst.workload[inst.pair_case[pairs]], minlength=inst.n_invs)
    return inst.current_load + extra.astype(np.int64)


def workload_frame(inst: StaffingInstance, pairs: np.ndarray) -> pd.DataFrame:
    """Per investigator: new cases and total workload (current + assigned), by id."""
    cases = np.bincount(inst.pair_inv[pairs], minlength=inst.n_invs).astype(np.int64)
    df = pd.DataFrame({"investigator_id": inst.inv_ids.astype(object), "cases": cases,
                       "workload": loads(inst, pairs) / WORKLOAD_SCALE})
    return df.sort_values("investigator_id", kind="stable").reset_index(drop=True)
