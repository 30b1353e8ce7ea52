"""The proof audit: random instances, cut-short runs, and one check of every claim.

:func:`random_case` draws a small instance (and rule options) from a seed: a few
townships in two counties with road minutes from 0 (county staff at the seat) to 70,
zones or none, people with skills, leads, capacities and work on hand, kin and declared
recusals.  ``dense=True`` draws one county without zones where most pairs are eligible
and more than twelve people compete for every case (so the dense strategy's first LP core
is not the whole part).

:class:`CountdownCancel` cancels a run at a fixed point: after the ``n``-th time anybody
asks whether it was cancelled (one worker: the same point every run).

:func:`audit` checks a result against :func:`exact.exact_levels`: the plan passes the
independent checker (locks and forbidden pairs included), each level's value is the
plan's, every bound holds for the true lexicographic optimum, a proven level equals it,
a level is proven only when every earlier level is, and a plan said to be canonical has
the least tie-break weight among the optimal plans.
"""

from __future__ import annotations

import itertools
import math
import threading

import numpy as np
import pandas as pd

import zoneplan
from exact import plan_tie_weight
from zoneplan import Cancel, RuleOptions

TOWNS = ["A", "B", "C", "D", "E"]
COUNTY = {"A": "K1", "B": "K1", "C": "K1", "D": "K2", "E": "K2"}


class CountdownCancel(Cancel):
    """A :class:`~zoneplan.Cancel` that cancels itself when asked for the ``n``-th time."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self._left = n
        self._count_lock = threading.Lock()

    @property
    def cancelled(self) -> bool:  # type: ignore[override]
        if not self._event.is_set():
            with self._count_lock:
                self._left -= 1
                fire = self._left < 0
            if fire:
                self.cancel()
        return self._event.is_set()


def _frames(rng: np.random.Generator, dense: bool) -> dict[str, pd.DataFrame]:
    towns = TOWNS[:3] if dense else TOWNS
    if dense:
        zones = ["", "", ""]
    else:
        zones = [("", "", "", "", ""), ("Z1", "Z1", "Z2", "Z3", "Z3"), ("Z1", "Z1", "Z1", "none", "none"),
                 ("none", "none", "none", "Z4", "Z4")][int(rng.integers(4))]
    tw = pd.DataFrame({"township_id": towns, "name": [f"{t}镇" for t in towns],
                       "county": ["K1"] * len(towns) if dense else [COUNTY[t] for t in towns],
                       "lat": [37 + 0.1 * k for k in range(len(towns))], "lon": [117.0] * len(towns),
                       "villages": 3, "zone": list(zones)})
    travel = pd.DataFrame([(a, b, int(rng.choice([0, 1, 2, 5, 15, 40, 70] if not dense else [1, 3, 8, 20])))
                           for a, b in itertools.combinations(towns, 2)], columns=["from", "to", "minutes"])
    n_inv = int(rng.integers(26, 40)) if dense else int(rng.integers(6, 14))
    n_case = int(rng.integers(6, 11)) if dense else int(rng.integers(3, 8))
    invs = []
    for k in range(n_inv):
        level = "county" if rng.random() < (0.15 if dense else 0.25) else "township"
        invs.append(dict(
            investigator_id=f"I{k:02d}", name=f"人{k}", township_id=str(rng.choice(towns)), level=level,
            home_township=str(rng.choice(towns + [""] * (9 if dense else 4))),
            home_village=str(rng.choice(["", "", "v1", "v2"])),
            skills=str(rng.choice(["", "", "f", "l", "f;l"])), can_lead=bool(rng.random() < (0.35 if dense else 0.5)),
            max_cases=int(rng.choice([0, 1, 2, 2, 3] if not dense else [1, 1, 2, 2])),
            current_cases=int(rng.choice([0, 0, 0, 1])), available=bool(rng.random() < 0.92),
            current_workload=float(rng.choice([0.0, 0.0, 0.5, 1.5]))))
    cases = []
    for k in range(n_case):
        escalated = bool(rng.random() < 0.15)
        cases.append(dict(
            case_id=f"X{k:02d}", township_id=str(rng.choice(towns)), village=str(rng.choice(["v1", "v2", "v3"])),
            subject_id=f"S{k}", team_size=int(rng.integers(1, 4)), required_skills=str(rng.choice(["", "", "f", "l"])),
            needs_lead=bool(rng.random() < 0.5), escalated=escalated, priority=int(rng.integers(1, 4)),
            workload=float(rng.choice([0.5, 1.0, 1.5, 2.0]))))
    people = [i["investigator_id"] for i in invs] + [c["subject_id"] for c in cases] + ["P0", "P1"]
    rel = [(str(rng.choice(people)), str(rng.choice(people)), "亲属") for _ in range(int(rng.integers(0, 6)))]
    rel = [r for r in rel if r[0] != r[1]]
    conf = [(str(rng.choice([i["investigator_id"] for i in invs])), str(rng.choice([c["case_id"] for c in cases])),
             "回避") for _ in range(int(rng.integers(0, 3)))]
    return {"townships": tw, "investigators": pd.DataFrame(invs), "cases": pd.DataFrame(cases),
            "relations": pd.DataFrame(rel, columns=["a", "b", "relation"]) if rel else None,
            "conflicts": pd.DataFrame(conf, columns=["investigator_id", "case_id", "reason"]).drop_duplicates(
                ["investigator_id", "case_id"]) if conf else None,
            "travel": travel}


def random_case(seed: int, dense: bool = False):
    """(tables, rules) drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    frames = _frames(rng, dense)
    if dense:
        rules = RuleOptions(max_travel=90.0)
    else:
        rules = RuleOptions(max_hops=int(rng.choice([1, 2])), max_travel=float(rng.choice([30.0, 90.0])),
                            allow_own_township=bool(rng.random() < 0.2), cross_county=bool(rng.random() < 0.3),
                            use_zones=bool(rng.random() < 0.7), team_kin_hops=int(rng.choice([0, 0, 0, 1])),
                            max_per_township=[None, None, None, 1][int(rng.integers(4))])
    return zoneplan.tables_from_frames(**frames), rules


def audit(r, tables, rules, truth: dict[str, float], order, *, locks=(), forbid=(), previous=None) -> None:
    """Every claim of the result ``r`` against the exact optimum ``truth`` (see the module)."""
    rep = zoneplan.check(tables, r.assignments[["case_id", "investigator_id", "role", "travel_minutes"]], rules,
                         locks=locks, forbid=forbid)
    assert rep.ok, rep.to_frame()
    plan_value = dict(rep.objective)
    if previous is not None:
        plan_value["changes"] = float(r.change_summary["changes"])
    earlier = True
    for k, name in enumerate(order):
        lv = r.levels[name]
        t = truth[name]
        if name in plan_value:
            assert math.isclose(lv.value, plan_value[name], abs_tol=1e-6), (name, lv, plan_value[name])
        if k == 0:  # no plan beats the first level's optimum
            assert (lv.value <= t + 1e-6) if lv.sense == "max" else (lv.value >= t - 1e-6), (name, lv, t)
        if lv.bound is not None:
            assert (lv.bound >= t - 1e-6) if lv.sense == "max" else (lv.bound <= t + 1e-6), \
                f"{name}: bound {lv.bound} is no bound of the optimum {t} ({lv})"
        if lv.proven:
            assert earlier, f"{name} proven while an earlier level is not: {dict(r.levels)}"
            assert lv.bound is not None and math.isclose(lv.bound, lv.value, abs_tol=1e-6), lv
            assert math.isclose(lv.value, t, abs_tol=1e-6), f"{name} proven at {lv.value}, optimum {t}"
        earlier = earlier and lv.proven
    assert (r.status == "OPTIMAL") == all(r.levels[n].proven for n in order), (r.status, dict(r.levels))
    _audit_canonical(r, truth)


def _audit_canonical(r, truth: dict[str, float]) -> None:
    """A plan said to be canonical has the least tie-break weight of the optimal plans."""
    if r.stats.get("canonical") and "tie_break" in truth:
        assert r.status == "OPTIMAL", "canonical, but not every level proven"
        got = plan_tie_weight(r.assignments)
        assert got == truth["tie_break"], f"canonical plan of tie-break weight {got}, least {truth['tie_break']}"


def audit_weighted(r, tables, rules, truth: dict[str, float]) -> None:
    """The weighted level: a bound that holds, and proven only at the optimum; a canonical
    plan of least tie-break weight among the optima."""
    assert zoneplan.check(tables, r.assignments, rules).ok
    lv, best = r.levels["weighted"], truth["weighted"]
    assert lv.value <= best + 1e-6
    if lv.bound is not None:
        assert lv.bound >= best - 1e-6, (lv, best)
    if lv.proven:
        assert math.isclose(lv.value, best, abs_tol=1e-6), (lv, best)
    _audit_canonical(r, truth)
