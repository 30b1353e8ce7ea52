"""The proof audit: a claim the solver makes must be one an auditor can re-derive.

On random small instances (sparse, several parts) and dense ones (every part through the
dense strategy: LP column generation, HiGHS cores, LP probes), each solved without limit,
under tiny deterministic limits and cancelled at fixed points, every result is checked by
:func:`audit.audit` against the exact lexicographic optimum of an independent HiGHS model
built from the tables (:mod:`exact`): the plan passes the independent checker (locks
included), each level's value is the plan's, every bound holds, a level proven equals the
optimum, a level is proven only when every earlier level is, and a plan said to be
canonical has the least tie-break weight of the optimal plans.  Re-plans (a previous
plan, locks on memberships -- the first pair of the instance among them -- and forbidden
pairs) and the weighted objective go through the same audit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import zoneplan
from zoneplan import SolveOptions
from zoneplan.staffing.previous import LockError

from audit import CountdownCancel, audit, audit_weighted, random_case
from exact import allowed_pairs, exact_levels

ORDERS = list(itertools.permutations(("staffed", "max_workload", "travel")))


@pytest.fixture
def dense(monkeypatch):
    """Every part goes through the dense strategy."""
    import zoneplan.staffing.solve as solve

    monkeypatch.setattr(solve, "DENSE_PAIRS", 0)


def _runs(tables, rules, order, seed, every_cancel=False, **kw):
    """The same instance solved without limit, under deterministic limits (the smallest
    stop CP-SAT at its first plan) and cancelled at fixed points: a few, or every point at
    which the run asks (one worker: the same point every run)."""
    opts = SolveOptions(order=order, workers=1)
    probe = CountdownCancel(10 ** 9)
    yield "unlimited", zoneplan.staff(tables, rules, opts, cancel=probe, **kw)
    asked = 10 ** 9 - probe._left
    for dt in (1e-5, 1e-4, 0.002):
        yield f"dt={dt}", zoneplan.staff(tables, rules, opts.model_copy(update={"deterministic_time": dt}), **kw)
    points = range(asked) if every_cancel else \
        sorted({0, max(1, asked // 3), max(1, 2 * asked // 3), max(0, asked - 1 - seed % 3)})
    for k in points:
        yield f"cancel@{k}/{asked}", zoneplan.staff(tables, rules, opts, cancel=CountdownCancel(k), **kw)


def _audit_all(tables, rules, order, seed, **kw):
    locks, forbid = kw.pop("_locks", ()), kw.pop("_forbid", ())
    full = tuple(order) if kw.get("previous") is None else _with_changes(order)
    truth = exact_levels(tables, rules, full, previous=kw.get("previous"), locks=locks, forbid=forbid,
                         tie_break=True).levels
    for how, r in _runs(tables, rules, order, seed, **kw):
        try:
            audit(r, tables, rules, truth, full, locks=locks, forbid=forbid, previous=kw.get("previous"))
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, order {order}, {how}: {exc}") from exc


def _with_changes(order):
    k = order.index("staffed") + 1
    return tuple(order[:k]) + ("changes",) + tuple(order[k:])


@pytest.mark.parametrize("seed", range(18))
def test_sparse_claims_hold(seed):
    tables, rules = random_case(seed)
    _audit_all(tables, rules, ORDERS[seed % len(ORDERS)], seed)


@pytest.mark.parametrize("seed", range(6))
def test_dense_claims_hold(seed, dense):
    tables, rules = random_case(1000 + seed, dense=True)
    _audit_all(tables, rules, ORDERS[seed % len(ORDERS)], seed)


@pytest.mark.parametrize("seed", [0, 3, 4, 9])
def test_dense_claims_hold_when_column_generation_is_cut(seed, dense, monkeypatch):
    """Small first LP cores (two nearest pairs per case), so column generation takes several
    rounds, and a cancel at every point the run asks: LPs, probes and cores stopped half way
    (seeds 3, 4 and 9 stop the max level's probes with a plan above the optimum)."""
    import zoneplan.staffing.lp as lp

    monkeypatch.setattr(lp, "NEAREST", 2)
    tables, rules = random_case(1100 + seed, dense=True)
    _audit_all(tables, rules, ORDERS[(seed * 5) % len(ORDERS)], seed, every_cancel=True)


@pytest.mark.parametrize("seed", range(2))
def test_county_claims_hold(seed):
    """A generated county (one part of 20 cases, 61 people), where CP-SAT stopped at its
    first plan leaves levels unproven."""
    from zoneplan.synth import generate

    tables = zoneplan.tables_from_frames(**generate("county", seed=seed))
    _audit_all(tables, zoneplan.RuleOptions(), ORDERS[(seed * 2) % len(ORDERS)], seed)


def _first_pair(tables, rules) -> tuple[str, str] | None:
    """The instance's first eligible pair: smallest case id, then investigator id (the
    solver's pair 0), among people with room for a case."""
    inv = tables.investigators.set_index("investigator_id")
    room = inv["max_cases"] - inv["current_cases"] > 0
    pairs = sorted(p for p in allowed_pairs(tables, rules) if room[p[1]])
    return pairs[0] if pairs else None


def _replan_case(seed: int, dense_case: bool):
    """A previous plan that keeps some memberships for a reason the re-plan no longer has
    (they were forced), locks on a few of them (the first pair first), a forbidden pair."""
    tables, rules = random_case(seed, dense=dense_case)
    rng = np.random.default_rng(seed)
    first = _first_pair(tables, rules)
    allowed = allowed_pairs(tables, rules)
    if first is None or len(allowed) < 3:
        return None
    forced = [first] + [allowed[k] for k in rng.choice(len(allowed), size=2, replace=False).tolist()]
    prev = None
    for n in (3, 2, 1):
        try:
            prev = exact_levels(tables, rules, ("travel", "staffed", "max_workload"), locks=forced[:n]).plan
            break
        except AssertionError:  # those memberships cannot all hold: fewer
            continue
    if prev is None or not len(prev):
        return None
    held = list(zip(prev["case_id"], prev["investigator_id"]))
    locks = [first] + [p for p in held if p != first and rng.random() < 0.25]
    free = [p for p in allowed if p not in held]
    forbid = [free[int(rng.integers(len(free)))]] if free and rng.random() < 0.5 else []
    return tables, rules, prev, locks, forbid


@pytest.mark.parametrize("seed,dense_case", [(s, False) for s in range(8)] + [(2000 + s, True) for s in range(4)])
def test_replans_keep_locks_and_claims_hold(seed, dense_case, monkeypatch):
    if dense_case:
        import zoneplan.staffing.solve as solve

        monkeypatch.setattr(solve, "DENSE_PAIRS", 0)
    case = next((c for c in (_replan_case(seed + 100 * j, dense_case) for j in range(6)) if c is not None), None)
    assert case is not None, "no re-plan drawn from six seeds"
    tables, rules, prev, locks, forbid = case
    order = ORDERS[seed % len(ORDERS)]
    try:
        _audit_all(tables, rules, order, seed, previous=prev, locks=[f"{c}:{i}" for c, i in locks],
                   forbid=[f"{c}:{i}" for c, i in forbid], _locks=locks, _forbid=forbid)
    except LockError:
        # refused before solving: the oracle must agree that the locks cannot hold
        with pytest.raises(AssertionError):
            exact_levels(tables, rules, _with_changes(order), previous=prev, locks=locks, forbid=forbid)


@pytest.mark.parametrize("seed", range(5))
def test_weighted_claims_hold(seed):
    if seed < 2:
        from zoneplan.synth import generate

        tables, rules = zoneplan.tables_from_frames(**generate("county", seed=seed)), zoneplan.RuleOptions()
    else:
        tables, rules = random_case(3000 + seed)
    weights = [{"staffed": 1000.0, "max_workload": 60.0, "travel": 1.0},
               {"staffed": 3.0, "max_workload": 5.0, "travel": 0.25}][seed % 2]
    truth = exact_levels(tables, rules, weights=weights, tie_break=True).levels
    opts = SolveOptions(mode="weighted", weights=weights, workers=1)
    for dt in (None, 1e-5, 1e-4, 0.001):
        r = zoneplan.staff(tables, rules, opts.model_copy(update={"deterministic_time": dt}))
        audit_weighted(r, tables, rules, truth)
    audit_weighted(zoneplan.staff(tables, rules, opts, cancel=CountdownCancel(1)), tables, rules, truth)


def test_the_oracle_is_exact_on_a_hand_worked_instance():
    """Tutorial (README): X1..X5; the oracle gives the documented optimum, and its own plan
    passes the checker with that objective."""
    from conftest import EXAMPLES

    t = zoneplan.load(EXAMPLES / "tutorial")
    e = exact_levels(t)
    r = zoneplan.staff(t)
    assert e.levels == r.objective
    rep = zoneplan.check(t, e.plan)
    assert rep.ok and rep.objective["staffed"] == e.levels["staffed"]
    assert rep.objective["travel"] == e.levels["travel"]


def test_a_false_claim_is_caught():
    """The audit itself can fail: a proven level whose value is not the optimum, a bound on
    the wrong side, a level proven after an unproven one."""
    from zoneplan.results import LevelResult, Levels

    tables, rules = random_case(7)
    order = ORDERS[0]
    truth = exact_levels(tables, rules, order).levels
    r = zoneplan.staff(tables, rules, SolveOptions(order=order))
    lv = dict(r.levels)
    bad = [
        {**lv, "travel": LevelResult("travel", "min", truth["travel"] + 1, truth["travel"] + 1, True)},
        {**lv, "max_workload": LevelResult("max_workload", "min", lv["max_workload"].value,
                                           truth["max_workload"] + 0.5, False)},
        {**lv, "staffed": LevelResult("staffed", "max", lv["staffed"].value, truth["staffed"] + 1, False)},
    ]
    for levels in bad:
        r.levels = Levels(levels.values())
        with pytest.raises(AssertionError):
            audit(r, tables, rules, truth, order)


def test_the_checker_reports_broken_locks_and_forbidden_pairs():
    """The audit's lock check is the checker's: a locked membership missing from a plan and
    a forbidden one in it are violations."""
    from conftest import EXAMPLES

    t = zoneplan.load(EXAMPLES / "tutorial")
    plan = zoneplan.staff(t).assignments
    kept = tuple(plan[["case_id", "investigator_id"]].iloc[0])
    assert zoneplan.check(t, plan, locks=[kept], forbid=[("X1", "nobody")]).ok
    rep = zoneplan.check(t, plan.iloc[1:], locks=[kept])
    assert [(v.rule, v.case_id, v.investigator_id) for v in rep.violations if v.rule.startswith("plan.")] == \
        [("plan.locked", *kept)]
    rep = zoneplan.check(t, plan, forbid=[kept])
    assert [(v.rule, v.case_id, v.investigator_id) for v in rep.violations] == [("plan.forbidden", *kept)]


def _dense_family(n_inv: int, n_cases: int, seed: int):
    """A small instance of the dense family (one part; every part dense under ``dense``)."""
    from zoneplan.synth import generate

    return zoneplan.tables_from_frames(**generate({"family": "dense", "investigators": n_inv, "cases": n_cases,
                                                   "townships": 8, "conflicts": 4 * n_inv}, seed=seed))


def _same_plan_and_claims_that_hold(one, two, tables) -> None:
    """Two results of the same instance (one and two workers): the same plan and the same
    value, bound and proof per level, and those claims hold against the exact optimum."""
    pd.testing.assert_frame_equal(one.assignments, two.assignments)
    assert {k: (v.value, v.bound, v.proven) for k, v in one.levels.items()} == \
        {k: (v.value, v.bound, v.proven) for k, v in two.levels.items()}
    order = ("staffed", "max_workload", "travel")
    rules = zoneplan.RuleOptions()
    audit(two, tables, rules, exact_levels(tables, rules, order, tie_break=True).levels, order)


@pytest.mark.parametrize("size,seed,answered", [((120, 100), 0, True), ((120, 100), 3, True),
                                                ((150, 120), 0, False)])
def test_dense_cutoff_asked_ahead_keeps_the_plan_and_the_proof(size, seed, answered, dense, monkeypatch):
    """With two workers a dense sum level asks its cutoff solve beside the core's solve
    (:class:`zoneplan.staffing.dense._Ahead`).  On the first two instances of the dense
    family the core's optimum is one unit short of the LP bound and that answer is used; on
    the third it is further short, so the answer is not the one the proof needs and is left
    (taking it there claims a travel of 3,019 minutes proven where 3,017 is the optimum).
    Either way the plan and every claim are those of one worker, and the audit holds."""
    import zoneplan.staffing.dense as dense_mod
    asked, used = [], []
    real_init, real_result = dense_mod._Ahead.__init__, dense_mod._Ahead.result

    def init(self, fn):
        asked.append(1)
        real_init(self, fn)

    def result(self):
        used.append(1)
        return real_result(self)

    monkeypatch.setattr(dense_mod._Ahead, "__init__", init)
    monkeypatch.setattr(dense_mod._Ahead, "result", result)
    tables = _dense_family(*size, seed)
    one = zoneplan.staff(tables, None, SolveOptions(workers=1))
    assert not asked
    two = zoneplan.staff(tables, None, SolveOptions(workers=2))
    assert asked and bool(used) == answered
    _same_plan_and_claims_that_hold(one, two, tables)


@pytest.mark.parametrize("size,seed", [((90, 70), 1), ((150, 120), 2)])
def test_dense_max_lp_asked_ahead_keeps_the_plan_and_the_proof(size, seed, dense, monkeypatch):
    """With two workers the max level's LP is asked on a second thread while the staffed
    level's exact solve runs, for the staffed value of the LP bound; here the staffed level
    reaches it, so the max level takes that LP and solves none of its own.  The plan and
    every claim are those of one worker (the LP starts from the same pairs either way), and
    the audit holds."""
    import threading

    import zoneplan.staffing.dense as dense_mod

    where, starts = [], []
    real = dense_mod._max_lp

    def max_lp(part, fixed, cap, start, budget):
        where.append(threading.current_thread().name)
        starts.append(start.copy())
        return real(part, fixed, cap, start, budget)

    monkeypatch.setattr(dense_mod, "_max_lp", max_lp)
    tables = _dense_family(*size, seed)
    one = zoneplan.staff(tables, None, SolveOptions(workers=1))
    assert where == ["zoneplan-0"]  # in turn, on the part's own thread
    where.clear()
    two = zoneplan.staff(tables, None, SolveOptions(workers=2))
    assert where == ["zoneplan-ahead"]  # asked ahead only
    assert np.array_equal(starts[0], starts[1])  # from the same pairs: the same LP either way
    _same_plan_and_claims_that_hold(one, two, tables)


def test_a_solve_asked_ahead_answers_only_its_own_question():
    """The max level takes the LP asked ahead only for the values it keeps now (a staffed
    level that ended one unit short of its LP bound asks another LP), and whatever else
    was asked is dropped."""
    from types import SimpleNamespace

    from zoneplan.staffing.dense import max_lp_key, take_ahead
    from zoneplan.staffing.lp import FixedRow

    coef = object()
    asked_for = max_lp_key((FixedRow(coef, 1, 815),), None)
    assert max_lp_key((FixedRow(coef, 1, 814),), None) != asked_for
    assert max_lp_key((FixedRow(coef, 1, 815),), 800) != asked_for
    assert max_lp_key((FixedRow(coef, 1, 815),), None) == asked_for
    state = SimpleNamespace(ahead={asked_for: "the LP for 815"})
    assert take_ahead(state, max_lp_key((FixedRow(coef, 1, 814),), None)) is None
    assert state.ahead == {}  # dropped
    state = SimpleNamespace(ahead={asked_for: "the LP for 815", ("other",): "?"})
    assert take_ahead(state, max_lp_key((FixedRow(coef, 1, 815),), None)) == "the LP for 815"
    assert state.ahead == {}
