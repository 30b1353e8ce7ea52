"""Canonical plans: the same data give the same plan whatever the row order of the tables,
extra rows nobody needs and extra columns nobody reads (README, "How the solver works").

Two mechanisms, each tested where it is the one that matters:

* the tables are put in id order before anything is built, so a shuffled input gives the
  very same model -- even a run cut short by a deterministic limit gives the same plan;
* the hidden tie-break level (hashed weights of (case, investigator) ids) picks one plan
  among the plans equal on every level, so a person added to the roster who does not
  end up in the plan, a relation between strangers or a recusal of someone who is no
  candidate anyway changes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zoneplan
from zoneplan import SolveOptions
from zoneplan.synth import generate

from conftest import EXAMPLES

TABLES = ("townships", "investigators", "cases", "relations", "conflicts", "adjacency", "travel")


def _example(name: str) -> dict[str, pd.DataFrame]:
    """An example folder's CSVs as typed (text)."""
    out = {}
    for t in TABLES:
        p = EXAMPLES / name / f"{t}.csv"
        if p.exists():
            out[t] = pd.read_csv(p, dtype=str, keep_default_na=False)
    return out


def _shuffled(frames: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {k: v.sample(frac=1.0, random_state=int(rng.integers(2 ** 31))).reset_index(drop=True)
            for k, v in frames.items() if v is not None}


def _padded(frames: dict, seed: int, eligible_newcomer: bool = True) -> dict:
    """Rows nobody needs and columns nobody reads: an unavailable person whose id sorts
    first, a copy of a posted person under a new id (who may or may not be used), a
    relation between strangers, a recusal of the unavailable person, a township of its own
    county, and a remark column in every table."""
    rng = np.random.default_rng(seed)
    out = {k: v.copy() for k, v in frames.items()}
    inv = out["investigators"]
    first = inv.iloc[[0]].copy()
    first["investigator_id"] = "A0000"
    first["available"] = "false"
    first["name"] = "停用人员"  # a person of their own (a copy equal but for the id would be one person entered twice)
    extra = [first]
    if eligible_newcomer:
        twin = inv.iloc[[int(rng.integers(len(inv)))]].copy()
        twin["investigator_id"] = "A0001"
        twin["name"] = twin["name"].astype(str) + "（另一人）"  # another person of the same name, as the README says
        extra.append(twin)
    out["investigators"] = pd.concat([inv] + extra, ignore_index=True)
    rel = out.get("relations")
    stranger = pd.DataFrame([{"a": "P_STRANGER_1", "b": "P_STRANGER_2", "relation": "同学"}])
    out["relations"] = stranger if rel is None else pd.concat([rel, stranger.reindex(columns=rel.columns, fill_value="")],
                                                              ignore_index=True)
    conf = out.get("conflicts")
    recusal = pd.DataFrame([{"investigator_id": "A0000", "case_id": str(out["cases"]["case_id"].iat[0]),
                             "reason": "本人申请回避"}])
    out["conflicts"] = recusal if conf is None else pd.concat([conf, recusal.reindex(columns=conf.columns,
                                                                                    fill_value="")],
                                                             ignore_index=True)
    tw = out["townships"]
    lone = tw.iloc[[0]].copy()
    lone["township_id"] = "ZZ_LONE"
    lone["name"] = "孤岛乡"
    lone["county"] = "孤岛县"
    if "zone" in lone:
        lone["zone"] = "无" if (tw["zone"].astype(str) != "").any() else ""
    out["townships"] = pd.concat([tw, lone], ignore_index=True)
    for k, v in out.items():
        if v is not None:
            out[k] = v.assign(**{"备注": "见附件"})
    return out


def _solve(frames: dict, opts: SolveOptions | None = None):
    return zoneplan.staff(zoneplan.tables_from_frames(**frames), options=opts or SolveOptions())


def _same(a, b, padded: bool = False, newcomer: bool = True) -> None:
    """The same assignments.csv, unstaffed cases and workloads (with padding: the unstaffed
    cases and their kind, since a reason counts the people nearby; the workloads of the
    people both rosters hold).  An eligible newcomer left out of the plan can still change
    the kind of an unstaffed case (no team possible -> the team's people are at capacity),
    so then only the unstaffed cases are compared."""
    assert a.assignments.to_csv(index=False) == b.assignments.to_csv(index=False)
    if not padded:
        pd.testing.assert_frame_equal(a.unstaffed, b.unstaffed)
        pd.testing.assert_frame_equal(a.workload, b.workload)
        return
    cols = ["case_id", "kind"] if not newcomer else ["case_id"]
    pd.testing.assert_frame_equal(a.unstaffed[cols], b.unstaffed[cols])
    w = b.workload[b.workload["investigator_id"].isin(a.workload["investigator_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.workload, w)


SOURCES = [("example county", lambda: _example("county")), ("tutorial", lambda: _example("tutorial")),
           ("county 1", lambda: generate("county", seed=1)), ("prefecture 0", lambda: generate("prefecture", seed=0))]


@pytest.mark.parametrize("name,source", SOURCES, ids=[s[0] for s in SOURCES])
def test_shuffled_rows_give_the_same_plan(name, source):
    frames = source()
    base = _solve(frames)
    assert base.stats["canonical"]
    for seed in range(2):
        _same(base, _solve(_shuffled(frames, seed)))


@pytest.mark.parametrize("name,source", SOURCES[:3], ids=[s[0] for s in SOURCES[:3]])
def test_shuffled_rows_give_the_same_plan_when_cut_short(name, source):
    """Under a deterministic limit the plan is whatever the search reached: the same model
    from the same (id-ordered) tables reaches the same plan."""
    frames = source()
    opts = SolveOptions(deterministic_time=1e-4, workers=1)
    base = _solve(frames, opts)
    for seed in range(3):
        _same(base, _solve(_shuffled(frames, 10 + seed), opts))


@pytest.mark.parametrize("name,source", SOURCES, ids=[s[0] for s in SOURCES])
def test_rows_and_columns_nobody_needs_change_nothing(name, source):
    frames = source()
    base = _solve(frames)
    # nobody eligible added: the plan cannot change
    _same(base, _solve(_shuffled(_padded(frames, 0, eligible_newcomer=False), 1)), padded=True, newcomer=False)
    # an eligible newcomer: unless the new plan uses them, it is the old plan
    for seed in range(3):
        r = _solve(_shuffled(_padded(frames, seed), seed))
        if "A0001" not in set(r.assignments["investigator_id"]):
            _same(base, r, padded=True)


def test_a_newcomer_equal_to_a_team_member_does_not_take_their_place():
    """A twin of a staffed person (same township, skills, lead, capacity and work on hand)
    is as good for every level as the original: which of the two is kept is the tie-break's
    choice, a function of the ids alone, not of the row order."""
    frames = generate("prefecture", seed=3)
    base = _solve(frames)
    staffed = sorted(set(base.assignments["investigator_id"]))
    for k, who in enumerate(staffed[:6]):
        inv = frames["investigators"]
        twin = inv[inv["investigator_id"] == who].copy()
        twin["investigator_id"] = f"I{who}x"
        twin["name"] = twin["name"].astype(str) + "（另一人）"  # a line equal but for the id is one person entered twice
        padded = {**frames, "investigators": pd.concat([inv, twin], ignore_index=True)}
        a = _solve(_shuffled(padded, k))
        b = _solve(_shuffled(padded, k + 100))
        _same(a, b)
        assert a.levels.to_dict() == base.levels.to_dict()
        if f"I{who}x" not in set(a.assignments["investigator_id"]):
            _same(base, a, padded=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10 ** 6), st.booleans())
def test_random_instances_are_canonical(seed, dense_case):
    """Random instances (sparse, or one county where most pairs are eligible), shuffled and
    padded: the same plan whenever the newcomer is not in it."""
    from audit import _frames

    frames = {k: v for k, v in _frames(np.random.default_rng(seed), dense_case).items() if v is not None}
    base = _solve(frames)
    assert base.status == "OPTIMAL" and base.stats["canonical"]
    _same(base, _solve(_shuffled(frames, seed)))
    r = _solve(_shuffled(_padded(frames, seed), seed + 1))
    if "A0001" not in set(r.assignments["investigator_id"]):
        _same(base, r, padded=True)


def test_weighted_mode_is_canonical_too():
    """One weighted objective, then the least tie-break weight among its optimal plans."""
    frames = _example("county")
    opts = SolveOptions(mode="weighted")
    base = _solve(frames, opts)
    assert base.stats["canonical"]
    _same(base, _solve(_shuffled(frames, 5), opts))
    r = _solve(_shuffled(_padded(frames, 2), 3), opts)
    if "A0001" not in set(r.assignments["investigator_id"]):
        _same(base, r, padded=True)


@pytest.mark.parametrize("seed", range(4))
def test_dense_strategy_is_canonical(seed, monkeypatch):
    """Every part through the dense strategy (LP cores, HiGHS, the tie-break on the pairs a
    plan optimal for every level can use): shuffled and padded, the same plan."""
    import zoneplan.staffing.solve as solve
    from audit import _frames

    monkeypatch.setattr(solve, "DENSE_PAIRS", 0)
    frames = {k: v for k, v in _frames(np.random.default_rng(seed), True).items() if v is not None}
    base = _solve(frames)
    assert base.stats["canonical"] and base.stats["dense_parts"] == base.stats["parts"]
    _same(base, _solve(_shuffled(frames, seed)))
    r = _solve(_shuffled(_padded(frames, seed), seed + 1))
    if "A0001" not in set(r.assignments["investigator_id"]):
        _same(base, r, padded=True)
