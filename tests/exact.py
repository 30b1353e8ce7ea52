"""An exact oracle for staffing, written from the tables and the rule text alone.

:func:`exact_levels` builds one HiGHS MIP (``highspy``) of a whole instance and solves its
objective levels one after another, each fixed at its optimum before the next.  Nothing
comes from the solver: the eligible pairs are the pairs the independent checker
(:func:`zoneplan.check`) accepts, road minutes are the checker's
(:func:`zoneplan.check.travel_minutes`), and every team rule, the capacity, the lead
(explicit lead variables, where the solver names leads afterwards), the locks and the
changes level are written here from the README's definitions.  It is meant for small
instances (a few hundred pairs): every (case, person) pair goes through the checker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

import exact_solve
import zoneplan
from zoneplan.check import travel_minutes

#: Rules a single (case, person) pair can break, whatever the rest of the plan.
PAIR_RULES = {"cross-check", "home", "kin", "declared", "pool", "team.available"}

#: Weighted mode counts in 1/10000 of a weight point (README: staffed and travel weights
#: kept to 0.0001, the max_workload weight per workload unit to 0.01).
WEIGHT_SCALE = 10_000


def allowed_pairs(tables, rules) -> list[tuple[str, str]]:
    """(case, person) pairs that break no pair rule, by one checker call over all pairs."""
    rows = [(c, i) for c in tables.cases["case_id"] for i in tables.investigators["investigator_id"]]
    if not rows:
        return []
    plan = pd.DataFrame(rows, columns=["case_id", "investigator_id"]).assign(role="member")
    bad = {(v.case_id, v.investigator_id) for v in zoneplan.check(tables, plan, rules).violations
           if v.rule in PAIR_RULES}
    return [p for p in rows if p not in bad]


@dataclass
class Exact:
    """Optimum per level (user units), in the order solved, and an optimal plan."""

    levels: dict[str, float]
    plan: pd.DataFrame


class _Model:
    """Columns and rows collected in Python, handed to HiGHS once per level."""

    def __init__(self) -> None:
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, lo: float = 0.0, hi: float = 1.0) -> int:
        self.lb.append(lo)
        self.ub.append(hi)
        return len(self.lb) - 1

    def row(self, terms: dict[int, float], lo: float, hi: float) -> None:
        self.rows.append((terms, lo, hi))

    def solve(self, objective: dict[int, float], sense: int) -> tuple[float, np.ndarray]:
        """Optimise ``sense * objective`` (+1 maximise); every column is integer."""
        n = len(self.lb)
        cost = np.zeros(n)
        for j, a in objective.items():
            cost[j] += -sense * a
        data = {"lb": self.lb, "ub": self.ub, "cost": cost.tolist(),
                "rows": [(list(t), [t[k] for k in t], lo, hi) for t, lo, hi in self.rows]}
        x = np.asarray(_highs(data), dtype=np.int64)
        value = sum(a * x[j] for j, a in objective.items())
        return float(value), x


def _highs(data: dict) -> list[int]:
    """Solve in this process, or in a child of its own when highspy cannot be imported beside
    OR-Tools (some wheel pairs ship clashing ``libhighs`` builds)."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        import json
        import pathlib
        import subprocess
        import sys

        here = str(pathlib.Path(__file__).resolve().parent)
        child = f"import sys; sys.path.insert(0, {here!r}); import exact_solve; exact_solve.main()"
        out = subprocess.run([sys.executable, "-c", child], input=json.dumps(exact_solve.to_json(data)),
                             capture_output=True, text=True, check=False)
        if out.returncode:
            raise AssertionError(f"oracle: the HiGHS child failed: {out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])  # highspy prints a banner first
    return exact_solve.solve(data)


_M64 = (1 << 64) - 1


def _mix(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def _h(text: str) -> int:
    h = 0xCBF29CE484222325
    for ch in text:
        h = ((h ^ ord(ch)) * 0x100000001B3) & _M64
    return _mix(h ^ len(text))


def tie_weight(case_id: str, investigator_id: str) -> int:
    """The README's tie-break weight of a membership, computed here from its definition (the
    formula in ``zoneplan.staffing.canonical.tie_weights``), not by the solver's code."""
    return (_mix((_h(case_id) * 0x9E3779B97F4A7C15 + _mix(_h(investigator_id))) & _M64) >> 44) + 1


def plan_tie_weight(plan: pd.DataFrame) -> int:
    """The tie-break weight of a plan: its memberships' weights, summed."""
    return sum(tie_weight(c, i) for c, i in zip(plan["case_id"], plan["investigator_id"]))


def exact_levels(tables, rules=None, order=("staffed", "max_workload", "travel"), *, previous=None,
                 locks=(), forbid=(), weights=None, tie_break: bool = False) -> Exact:
    """The exact lexicographic optimum of ``order`` (or of the weighted objective).

    Parameters
    ----------
    tables : Tables
    rules : RuleOptions, optional
    order : tuple of str
        Level names; ``changes`` needs ``previous``.
    previous : DataFrame, optional
        ``case_id, investigator_id, role`` of the plan re-planned from.
    locks, forbid : iterables of (case_id, investigator_id)
        Memberships that must stay / may not be used.
    weights : dict, optional
        Weighted mode: ``{"staffed": .., "max_workload": .., "travel": .., "changes": ..}``;
        the result then has the single level ``weighted``.
    tie_break : bool
        Then also the least tie-break weight (:func:`tie_weight`) among the optimal plans,
        as the level ``tie_break``.
    """
    rules = rules or zoneplan.RuleOptions()
    inv = tables.investigators.set_index("investigator_id")
    cases = tables.cases.set_index("case_id")
    pairs = [p for p in allowed_pairs(tables, rules) if p not in set(map(tuple, forbid))]
    m = _Model()
    x = {p: m.var() for p in pairs}
    y = {c: m.var() for c in cases.index}
    by_case: dict[str, list[tuple[str, str]]] = {c: [] for c in cases.index}
    by_inv: dict[str, list[tuple[str, str]]] = {i: [] for i in inv.index}
    for c, i in pairs:
        by_case[c].append((c, i))
        by_inv[i].append((c, i))
    lead = {}
    for c, row in cases.iterrows():
        # team.size: exactly team_size members when staffed, nobody otherwise
        m.row({**{x[p]: 1.0 for p in by_case[c]}, y[c]: -float(row["team_size"])}, 0.0, 0.0)
        # team.skills: every required skill held by a member
        for s in row["required_skills"]:
            holders = [p for p in by_case[c] if s in set(inv.loc[p[1], "skills"])]
            m.row({**{x[p]: 1.0 for p in holders}, y[c]: -1.0}, 0.0, math.inf)
        # team.lead / team.escalated: one lead who can lead (county-level when escalated)
        if row["needs_lead"] or row["escalated"]:
            can = [p for p in by_case[c] if inv.loc[p[1], "can_lead"]
                   and (not row["escalated"] or inv.loc[p[1], "level"] == "county")]
            for p in can:
                lead[p] = m.var()
                m.row({lead[p]: 1.0, x[p]: -1.0}, -math.inf, 0.0)
            m.row({**{lead[p]: 1.0 for p in can}, y[c]: -1.0}, 0.0, 0.0)
    # team.capacity
    for i, row in inv.iterrows():
        room = int(row["max_cases"]) - int(row["current_cases"])
        if by_inv[i]:
            m.row({x[p]: 1.0 for p in by_inv[i]}, -math.inf, float(max(0, room)))
    # workload in hundredths (loaded to two decimals), z >= everybody's load
    hundredths = lambda v: int(math.floor(float(v) * 100 + 0.5))  # noqa: E731
    floor = max((hundredths(v) for v in inv["current_workload"]), default=0)
    top = floor + sum(hundredths(v) for v in cases["workload"])
    z = m.var(float(floor), float(top))
    for i, row in inv.iterrows():
        if by_inv[i]:
            m.row({**{x[p]: float(hundredths(cases.loc[p[0], "workload"])) for p in by_inv[i]}, z: -1.0},
                  -math.inf, -float(hundredths(row["current_workload"])))
    # team.kin: at most one of two people within team_kin_hops on a team
    if rules.team_kin_hops > 0 and len(tables.relations):
        g = nx.Graph()
        g.add_edges_from((a, b) for a, b in zip(tables.relations["a"], tables.relations["b"]) if a and b and a != b)
        people = [i for i in inv.index if i in g]
        for k, a in enumerate(people):
            near = nx.single_source_shortest_path_length(g, a, cutoff=rules.team_kin_hops)
            for b in people[k + 1:]:
                if b in near:
                    for c in cases.index:
                        if (c, a) in x and (c, b) in x:
                            m.row({x[(c, a)]: 1.0, x[(c, b)]: 1.0}, -math.inf, 1.0)
    # team.township: at most N township-level members of a team posted in one township
    if rules.max_per_township is not None:
        for c in cases.index:
            groups: dict[str, list] = {}
            for p in by_case[c]:
                if inv.loc[p[1], "level"] == "township":
                    groups.setdefault(inv.loc[p[1], "township_id"], []).append(p)
            for grp in groups.values():
                if len(grp) > rules.max_per_township:
                    m.row({x[p]: 1.0 for p in grp}, -math.inf, float(rules.max_per_township))
    # locks
    for p in map(tuple, locks):
        if p not in x:
            raise AssertionError(f"oracle: locked pair {p} is not allowed")
        m.row({x[p]: 1.0}, 1.0, 1.0)
    # road minutes, rounded half up per member
    mins = travel_minutes(tables, [inv.loc[i, "township_id"] for _, i in pairs],
                          [cases.loc[c, "township_id"] for c, _ in pairs]) if pairs else []
    minutes = {p: int(math.floor(v + 0.5)) for p, v in zip(pairs, mins)}
    objectives: dict[str, tuple[dict[int, float], int, float]] = {
        "staffed": ({y[c]: float(cases.loc[c, "priority"]) for c in cases.index}, +1, 1.0),
        "max_workload": ({z: 1.0}, -1, 100.0),
        "travel": ({x[p]: float(minutes[p]) for p in pairs}, -1, 1.0),
    }
    const = 0.0
    if previous is not None:
        prev = previous.assign(is_lead=previous["role"] == "lead")
        terms: dict[int, float] = {}
        held = set()
        for c, i, is_lead in zip(prev["case_id"], prev["investigator_id"], prev["is_lead"]):
            held.add((c, i))
            if (c, i) in x:  # kept or removed
                const += 1.0
                terms[x[(c, i)]] = terms.get(x[(c, i)], 0.0) - 1.0
            else:  # no plan can keep it
                const += 1.0
            if is_lead and c in y:  # the lead changes unless the same person leads it again
                terms[y[c]] = terms.get(y[c], 0.0) + 1.0
                if (c, i) in lead:
                    terms[lead[(c, i)]] = terms.get(lead[(c, i)], 0.0) - 1.0
        for p in pairs:
            if p not in held:
                terms[x[p]] = terms.get(x[p], 0.0) + 1.0
        objectives["changes"] = (terms, -1, 1.0)
    if weights is not None:
        w = {k: int(round(WEIGHT_SCALE * v)) for k, v in weights.items()}
        w["max_workload"] = int(round(WEIGHT_SCALE * weights["max_workload"] / 100))
        obj: dict[int, float] = {}
        for name in ("staffed", "max_workload", "travel") + (("changes",) if previous is not None else ()):
            terms, sense, _ = objectives[name]
            for j, a in terms.items():
                obj[j] = obj.get(j, 0.0) + sense * w.get(name, 0) * a
        value, sol = m.solve(obj, +1)
        out = {"weighted": (value - (w.get("changes", 0) * const if previous is not None else 0)) / WEIGHT_SCALE}
        if tie_break:
            m.row(obj, value, math.inf)
            out["tie_break"], sol = m.solve({x[p]: float(tie_weight(*p)) for p in pairs}, -1)
        return Exact(out, _plan(pairs, x, lead, sol))
    out: dict[str, float] = {}
    sol = None
    for name in order:
        terms, sense, scale = objectives[name]
        value, sol = m.solve(terms, sense)
        m.row(terms, value if sense > 0 else -math.inf, value if sense < 0 else math.inf)
        out[name] = (value + (const if name == "changes" else 0.0)) / scale
    if tie_break:
        out["tie_break"], sol = m.solve({x[p]: float(tie_weight(*p)) for p in pairs}, -1)
    return Exact(out, _plan(pairs, x, lead, sol))


def _plan(pairs, x, lead, sol) -> pd.DataFrame:
    rows = [(c, i, "lead" if (c, i) in lead and sol[lead[(c, i)]] else "member")
            for c, i in pairs if sol[x[(c, i)]]]
    return pd.DataFrame(rows, columns=["case_id", "investigator_id", "role"])
