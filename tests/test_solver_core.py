"""The solver core: honest limits, anytime plans, cancelling, exact weights, the prepared
instance, the plan files against the checker.

Reference instance: ``synth`` prefecture, seed 0 (11 counties, 100 cases), whose proven
optimum the unlimited run gives.
"""

from __future__ import annotations

import math
import threading
import re
import time

import numpy as np
import pandas as pd
import pytest

import zoneplan
from zoneplan import Cancel, RuleOptions, SolveOptions
from zoneplan.synth import generate

from conftest import EXAMPLES, make_tables

ORDERS = [("staffed", "max_workload", "travel"), ("staffed", "travel", "max_workload"),
          ("max_workload", "staffed", "travel")]


@pytest.fixture(scope="module")
def prefecture():
    t = zoneplan.tables_from_frames(**generate("prefecture", seed=0))
    return t, {order: zoneplan.staff(t, options=SolveOptions(order=order)) for order in ORDERS}


def _consistent(r) -> None:
    for lv in r.levels.values():
        if lv.proven:
            assert lv.bound is not None and math.isclose(lv.bound, lv.value, abs_tol=1e-9), lv
    if r.status == "OPTIMAL":
        assert all(lv.proven for lv in r.levels.values())


@pytest.mark.parametrize("dt", [0.001, 0.005, 0.05])
@pytest.mark.parametrize("order", ORDERS)
def test_limited_runs_are_honest(prefecture, dt, order):
    """Under tiny deterministic limits: OPTIMAL implies every level proven, proven implies
    bound == value == the true optimum, and every bound bounds the true optimum."""
    t, refs = prefecture
    ref = refs[order]
    assert ref.status == "OPTIMAL"
    r = zoneplan.staff(t, options=SolveOptions(deterministic_time=dt, order=order))
    assert zoneplan.check(t, r.assignments).ok
    _consistent(r)
    first = r.levels[order[0]]
    truth = ref.objective[order[0]]
    if first.sense == "max":
        assert first.value <= truth <= first.bound
    else:
        assert first.bound <= truth <= first.value
    for name, lv in r.levels.items():
        if lv.proven:
            assert lv.value == pytest.approx(ref.objective[name]), name


def test_a_limited_plan_is_at_least_the_greedy_plan(prefecture):
    t, refs = prefecture
    import sys
    from conftest import ROOT
    sys.path.insert(0, str(ROOT))
    from benchmarks.greedy import greedy_staff

    g = zoneplan.check(t, greedy_staff(t).assignments).objective
    r = zoneplan.staff(t, options=SolveOptions(deterministic_time=0.0001))
    o = r.objective
    assert (o["staffed"], -round(o["max_workload"], 6), -o["travel"]) >= \
        (g["staffed"], -round(g["max_workload"], 6), -g["travel"])


def test_cancel_from_another_thread_returns_the_best_plan_so_far(prefecture):
    t, _ = prefecture
    cancel = Cancel()
    cancel.cancel()  # before it starts: only the greedy start is left
    r = zoneplan.staff(t, cancel=cancel)
    assert r.status == "FEASIBLE" and r.stopped == "cancelled"
    assert zoneplan.check(t, r.assignments).ok
    kinds = set(r.unstaffed["kind"])
    assert "capacity" not in kinds  # no capacity story for a case nobody decided
    undecided = r.unstaffed[r.unstaffed["kind"] == "undecided"]
    assert len(undecided) and undecided["reason"].str.startswith("not decided within the time limit").all()
    _consistent(r)
    # and from a thread while it runs
    cancel = Cancel()
    threading.Timer(0.05, cancel.cancel).start()
    start = time.perf_counter()
    r = zoneplan.staff(t, options=SolveOptions(workers=1), cancel=cancel)
    assert time.perf_counter() - start < 2.0
    assert zoneplan.check(t, r.assignments).ok
    _consistent(r)


def _unsolvable_when_cut_short():
    """X needs a lead and skill f in a team of one: L can lead, F has f, nobody both.
    Cannot be staffed at all -- but only a diagnostic solve can tell."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.01, lon=117, villages=1, zone="")
             for k, t in enumerate("AB")]
    inv = [dict(investigator_id="L", township_id="B", can_lead="true"),
           dict(investigator_id="F", township_id="B", skills="f")]
    cs = [dict(case_id="X", township_id="A", team_size=1, needs_lead="true", required_skills="f")]
    return make_tables(towns, inv, cs, travel=[("A", "B", 10)])


def test_diagnosis_that_runs_out_of_time_is_undecided(monkeypatch):
    t = _unsolvable_when_cut_short()
    r = zoneplan.staff(t)
    assert r.unstaffed["reason"].tolist() == [
        "cannot be staffed at all: no team of 1 from its 2 eligible people has a lead and skill f together"]
    import zoneplan.staffing.explain as explain

    monkeypatch.setattr(explain, "SOLO_LIMIT", 1e-9)  # the diagnostic solve gets no time
    r = zoneplan.staff(t)
    assert r.unstaffed["kind"].tolist() == ["undecided"]
    assert r.unstaffed["reason"].iat[0].startswith("not decided within the time limit")


def test_weights_that_cannot_stay_exact_are_refused_with_the_numbers():
    t = zoneplan.load(EXAMPLES / "county")
    with pytest.raises(ValueError, match=r"too large to stay exact.*staffed=1e\+15.*33 priority points"):
        zoneplan.staff(t, options=SolveOptions(mode="weighted", weights={"staffed": 1e15}))


def test_workload_file_matches_the_plan_and_current_workload(tmp_path):
    """workload.csv = current_workload + the workload of every planned case, for everybody."""
    t = zoneplan.load(EXAMPLES / "county")
    r = zoneplan.staff(t)
    inv = t.investigators.set_index("investigator_id")
    w = dict(zip(t.cases["case_id"], t.cases["workload"]))
    expect = inv["current_workload"].to_dict()
    count = {i: 0 for i in inv.index}
    for c, i in zip(r.assignments["case_id"], r.assignments["investigator_id"]):
        expect[i] += w[c]
        count[i] += 1
    from zoneplan.io.plan import write_plan

    write_plan(r, t, tmp_path / "p")
    f = pd.read_csv(tmp_path / "p" / "workload.csv", dtype={"investigator_id": str})
    assert len(f) == len(inv) and (inv["current_workload"] > 0).any()
    for i, cases, load in zip(f["investigator_id"], f["cases"], f["workload"]):
        assert load == pytest.approx(round(expect[i], 2)) and cases == count[i], i
    assert f["workload"].max() == pytest.approx(zoneplan.check(t, r.assignments).objective["max_workload"])


def test_plan_does_not_depend_on_workers_or_strategy_threads(prefecture):
    t, refs = prefecture
    a = zoneplan.staff(t, options=SolveOptions(workers=1))
    b = zoneplan.staff(t, options=SolveOptions(workers=3))
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    pd.testing.assert_frame_equal(a.unstaffed, b.unstaffed)


def test_prepared_instance_is_frozen_and_complete():
    from zoneplan.staffing import build_instance

    t = zoneplan.load(EXAMPLES / "tutorial")
    inst = build_instance(t)
    with pytest.raises(ValueError):
        inst.team_size[0] = 9
    with pytest.raises(Exception):
        inst.floor = 0  # frozen dataclass
    # pairs sorted by case then investigator, and each case's range holds its pairs
    key = inst.pair_case * inst.n_invs + inst.pair_inv
    assert (np.diff(key) > 0).all()
    for c in range(inst.n_cases):
        assert (inst.pair_case[inst.case_pairs(c)] == c).all()
    # X1 needs a lead: K1 (can_lead) is its only possible lead; X2 is escalated: county-level leads only
    x1 = list(inst.case_ids).index("X1")
    leads = inst.inv_ids[inst.pair_inv[inst.case_pairs(x1)][inst.pair_lead[inst.case_pairs(x1)]]]
    assert list(leads) == ["K1"]


def _competing():
    """X1 (priority 2) can go to P (5 min) or Q (60 min); X2 (priority 1) only to P; both
    have capacity 1.  The greedy start gives P to X1 and leaves X2 unstaffed; the optimum
    staffs both: X1 <- Q, X2 <- P (staffed 3, travel 65) -- however far Q is."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.01, lon=117, villages=1, zone="")
             for k, t in enumerate("ABCD")]
    inv = [dict(investigator_id="P", township_id="B", max_cases=1), dict(investigator_id="Q", township_id="C", max_cases=1)]
    cs = [dict(case_id="X1", township_id="A", team_size=1, needs_lead="false", priority=2),
          dict(case_id="X2", township_id="D", team_size=1, needs_lead="false", priority=1)]
    travel = [("A", "B", 5), ("A", "C", 60), ("D", "B", 5), ("D", "C", 200), ("B", "C", 10), ("A", "D", 10)]
    return make_tables(towns, inv, cs, travel=travel)


@pytest.mark.parametrize("dense", [False, True])
def test_staffing_outweighs_any_travel(monkeypatch, dense):
    """Catches a big-M combination too small for the travel it must dominate."""
    import zoneplan.staffing.solve as solve

    if dense:
        monkeypatch.setattr(solve, "DENSE_PAIRS", 0)
    t = _competing()
    r = zoneplan.staff(t, RuleOptions(max_travel=120))
    assert r.objective == {"staffed": 3.0, "max_workload": 1.0, "travel": 65.0}
    assert r.status == "OPTIMAL"


def test_combined_bound_counts_the_later_levels(monkeypatch):
    """A cut-short combined (staffed, travel) solve reporting the bound 5W - 3 still allows
    staffed 5 (with travel 3): the staffed bound is 5, not 4.  W = travel span + 1."""
    import zoneplan.staffing.search as search
    from zoneplan.staffing import build_instance, decompose
    from zoneplan.staffing.levels import LEVELS

    t = zoneplan.load(EXAMPLES / "tutorial")
    part = decompose(build_instance(t))[0]
    levels = [LEVELS["staffed"], LEVELS["travel"]]
    w = search.combination(part, levels)
    assert w[1] == 1 and w[0] == LEVELS["travel"].coefficients(part).span(part) + 1
    state = search.PartState(part, part.empty_plan())
    monkeypatch.setattr(search, "_run", lambda *a, **k: (search.cp_model.FEASIBLE, float(5 * w[0] - 3)))
    out = search.cpsat_sums(state, levels, (), SolveOptions(), zoneplan.runner.Budget(None))
    assert out[0].bound == 5 and not out[0].proven and out[1].bound is None


def test_undecided_parts_tell_no_capacity_story(monkeypatch):
    """Tutorial X3 is staffable alone and lost under capacity -- said only when its part's
    staffed level is proven; otherwise it was not decided."""
    import zoneplan.staffing.solve as solve

    real = solve.solve_lexicographic

    def unproven(*a, **k):
        totals, decided = real(*a, **k)
        return totals, [False] * len(decided)

    monkeypatch.setattr(solve, "solve_lexicographic", unproven)
    r = zoneplan.staff(zoneplan.load(EXAMPLES / "tutorial"))
    kinds = dict(zip(r.unstaffed["case_id"], r.unstaffed["kind"]))
    assert kinds == {"X3": "undecided", "X5": "infeasible"}


def test_every_unstaffed_reason_reads_in_chinese(prefecture, monkeypatch, capsys):
    """The Chinese plan and the ``staff --lang zh`` summary rewrite every kind of reason the
    solver gives, the undecided ones included (an English reason left in is a miss)."""
    from zoneplan.cli.staffing import _print_summary
    from zoneplan.io.wording import reason_text
    import zoneplan.staffing.explain as explain

    t = _unsolvable_when_cut_short()
    infeasible = zoneplan.staff(t)
    monkeypatch.setattr(explain, "SOLO_LIMIT", 1e-9)
    undecided_alone = zoneplan.staff(t)
    monkeypatch.undo()
    cancel = Cancel()
    cancel.cancel()
    cut = zoneplan.staff(prefecture[0], cancel=cancel)
    reasons = [*infeasible.unstaffed["reason"], *undecided_alone.unstaffed["reason"], *cut.unstaffed["reason"]]
    assert {"infeasible", "undecided"} <= {*infeasible.unstaffed["kind"], *undecided_alone.unstaffed["kind"]}
    for r in reasons:
        zh = reason_text(r, "zh")
        assert zh != r and not re.search(r"staff|eligible|cannot|search|limit|lost|needs|nearby|team|lead\b", zh), zh
    assert reason_text(undecided_alone.unstaffed["reason"].iat[0], "zh").startswith("在时限内未能确定")
    _print_summary(infeasible, "zh")
    out = capsys.readouterr().out
    assert "已证明最优：" in out and "OPTIMAL" not in out and "配置案件（按优先级加权）" in out and "未配置的线索：" in out
    assert "X: 无法配置：从 2 名可用人员中组不出同时具备组长、专长“f”的 1 人小组" in out


def test_first_dense_core_takes_each_cases_cheapest_pairs_by_reduced_cost():
    """Case 0 has pairs 0-3, case 1 pairs 4-6; pair 2 cannot be used (inf).  With k=2 the
    core gets pairs 1, 3 (penalties 0.0, 0.5) and 4, 6 (0.1 and a tie 0.1 broken by index
    4 before 5 -> 4, 5)."""
    from types import SimpleNamespace

    from zoneplan.staffing.dense import _cheapest_per_case

    part = SimpleNamespace(n_pairs=7, pair_case=np.array([0, 0, 0, 0, 1, 1, 1]))
    pen = np.array([2.0, 0.0, np.inf, 0.5, 0.1, 0.1, 3.0])
    assert np.flatnonzero(_cheapest_per_case(part, pen, 2)).tolist() == [1, 3, 4, 5]
    assert not _cheapest_per_case(part, pen, 0).any()
