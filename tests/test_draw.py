"""The draw (``staff(..., draw=DrawOptions(...))``, ``zoneplan staff --draw``, ``zoneplan replay``).

* every plan a draw could give -- every plan of every part's support, not only the one
  drawn -- passes the independent checker, staffs the optimum's cases and keeps the
  workload bound (property test over random instances, caps and seeds, dense ones too);
* the reported probabilities are those of the sampler: per pair the sum of the weights of
  the plans holding it, teams add up to their size, no pair above its cap and every raised
  cap explained; over many seeds the frequency of every pair is within a binomial bound of
  its probability;
* replay: the same inputs, options and seed give byte-identical files in another process
  and with another worker count; one changed cell gives a different hash that replay names;
* seeds from published text; locks kept in every plan; strict caps refused with the reason.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import zoneplan
from zoneplan import RuleOptions, SolveOptions
from zoneplan.staffing.draw import DrawError, DrawOptions, seed_from_text, uniform_below

from conftest import EXAMPLES, make_tables

TOWNS = ["A", "B", "C"]


@st.composite
def instances(draw, dense: bool = False):
    """One county of three townships; up to 9 people and 4 cases; skills, leads,
    escalation, capacities, kin and declared conflicts.  ``dense``: everybody county-level
    (in every pool), more people."""
    travel = [(a, b, draw(st.integers(1, 60))) for a, b in itertools.combinations(TOWNS, 2)]
    zones = draw(st.sampled_from([("", "", ""), ("Z1", "Z1", "Z2"), ("Z1", "Z1", "Z1")]))
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=2, zone=z)
             for k, (t, z) in enumerate(zip(TOWNS, zones))]
    n_inv = draw(st.integers(6, 10) if dense else st.integers(3, 8))
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id=draw(st.sampled_from(TOWNS)),
                 level="county" if dense else draw(st.sampled_from(["township", "township", "county"])),
                 home_township=draw(st.sampled_from(TOWNS + ["", "", ""])),
                 home_village=draw(st.sampled_from(["", "v1"])),
                 skills=draw(st.sampled_from(["", "", "f", "l", "f;l"])), can_lead=draw(st.booleans()),
                 max_cases=draw(st.integers(1, 3)), current_workload=draw(st.sampled_from([0.0, 0.0, 0.5])))
            for k in range(n_inv)]
    n_case = draw(st.integers(1, 4))
    cases = [dict(case_id=f"X{k}", township_id=draw(st.sampled_from(TOWNS)), village=draw(st.sampled_from(["v1", "v2"])),
                  subject_id=f"S{k}", team_size=draw(st.integers(1, 3)),
                  required_skills=draw(st.sampled_from(["", "", "f", "l"])), needs_lead=draw(st.booleans()),
                  escalated=draw(st.sampled_from([False, False, True])), priority=draw(st.integers(1, 2)),
                  workload=draw(st.sampled_from([0.5, 1.0, 1.5])))
             for k in range(n_case)]
    people = [i["investigator_id"] for i in invs] + [c["subject_id"] for c in cases]
    rel = draw(st.lists(st.tuples(st.sampled_from(people), st.sampled_from(people)), max_size=3))
    rel = [(a, b, "kin") for a, b in rel if a != b]
    conf = draw(st.lists(st.tuples(st.sampled_from([i["investigator_id"] for i in invs]),
                                   st.sampled_from([c["case_id"] for c in cases])), max_size=2))
    return make_tables(towns, invs, cases, relations=rel or None, travel=travel,
                       conflicts=[(a, b, "declared") for a, b in conf] or None)


def support_plans(result) -> list[pd.DataFrame]:
    """Every full plan the draw could have given, one part's plan varied at a time (the other
    parts as drawn): the plans of ``draw_plans``, as assignment frames."""
    d = result.draw
    minutes = {(c, i): m for c, i, m in zip(d.pairs["case_id"], d.pairs["investigator_id"], d.pairs["travel_minutes"])}

    def rows(teams: str) -> list[dict]:
        out = []
        for item in teams.split(";") if teams else []:
            case, rest = item.split(":", 1)
            inv = rest.rstrip("*")
            out.append({"case_id": case, "investigator_id": inv, "role": "lead" if rest.endswith("*") else "member",
                        "travel_minutes": minutes[(case, inv)]})
        return out

    drawn = {p["part"]: next(x["teams"] for x in p["plans"] if x["plan"] == p["drawn"]) for p in d.parts}
    plans = []
    for p in d.parts:
        for x in p["plans"]:
            teams = dict(drawn)
            teams[p["part"]] = x["teams"]
            plans.append(pd.DataFrame([r for t in teams.values() for r in rows(t)],
                                      columns=["case_id", "investigator_id", "role", "travel_minutes"]))
    return plans


def check_draw(tables, rules, result, base) -> None:
    """Every property a drawn result must have (see the module docstring)."""
    d = result.draw
    assert zoneplan.check(tables, result.assignments, rules).ok
    assert set(result.assignments["case_id"]) == set(base.assignments["case_id"])  # the optimum's cases
    assert result.unstaffed["case_id"].tolist() == base.unstaffed["case_id"].tolist()
    # probabilities: exact, from the weights; teams add up; caps kept or explained
    weights: dict[tuple[str, str], Fraction] = {}
    lead_w: dict[tuple[str, str], Fraction] = {}
    for p in d.parts:
        total = sum(Fraction(x["weight"]) for x in p["plans"])
        assert total == 1
        assert 1 <= p["drawn"] <= len(p["plans"])
        assert int(p["u"]) < int(p["denominator"])
        for x in p["plans"]:
            w = Fraction(x["weight"])
            assert w > 0
            for item in x["teams"].split(";"):
                case, rest = item.split(":", 1)
                key = (case, rest.rstrip("*"))
                weights[key] = weights.get(key, Fraction(0)) + w
                if rest.endswith("*"):
                    lead_w[key] = lead_w.get(key, Fraction(0)) + w
    pairs = d.pairs
    for r in pairs.itertuples(index=False):
        key = (r.case_id, r.investigator_id)
        assert Fraction(r.probability_exact) == weights.get(key, 0), key
        assert abs(r.probability - float(weights.get(key, 0))) < 1e-8
        assert Fraction(r.probability_exact) <= Fraction(r.cap_exact), key
        assert abs(float(Fraction(r.cap_exact)) - r.cap) < 1e-12
        if r.cap > d.options.cap:
            assert r.note, f"{key}: cap {r.cap} above {d.options.cap} without a reason"
        if r.lead_probability_exact:
            assert Fraction(r.lead_probability_exact) == lead_w.get(key, 0)
            if r.lead_cap_exact:
                assert Fraction(r.lead_probability_exact) <= Fraction(r.lead_cap_exact)
    team = tables.cases.set_index("case_id")["team_size"]
    sums = pairs.groupby("case_id")["probability_exact"].agg(lambda s: sum(Fraction(x) for x in s))
    for case, s in sums.items():
        assert s == team[case], case
    drawn_rows = set(zip(result.assignments["case_id"], result.assignments["investigator_id"]))
    assert drawn_rows == set(zip(pairs.loc[pairs["drawn"], "case_id"], pairs.loc[pairs["drawn"], "investigator_id"]))
    assert all(weights[k] > 0 for k in drawn_rows)  # the drawn plan is one of the plans
    # every plan that could have been drawn keeps every rule and the workload bound
    for plan in support_plans(result):
        rep = zoneplan.check(tables, plan, rules)
        assert rep.ok, rep.to_frame().to_string()
        assert set(plan["case_id"]) == set(base.assignments["case_id"])
        assert rep.objective["max_workload"] <= d.workload_bound + 1e-9
    assert result.levels["max_workload"].value <= d.workload_bound + 1e-9


@st.composite
def draws(draw):
    cap = draw(st.sampled_from([1.0, 0.75, 0.5, 0.34]))
    lead = draw(st.sampled_from([None, None, 0.5, 0.8]))
    return DrawOptions(cap=cap, lead_cap=lead, seed=draw(st.integers(0, 2 ** 64 - 1)))


@st.composite
def team_rules(draw):
    return RuleOptions(team_kin_hops=draw(st.sampled_from([0, 0, 1])),
                       max_per_township=draw(st.sampled_from([None, None, 1])))


def _run(tables, rules, opts):
    base = zoneplan.staff(tables, rules, SolveOptions(time_limit=None))
    try:
        result = zoneplan.staff(tables, rules, SolveOptions(time_limit=None), draw=opts)
    except DrawError as exc:
        assert opts.cap < 1.0 or (opts.lead_cap or 1.0) < 1.0
        assert "cannot be kept" in str(exc)
        return None
    check_draw(tables, rules, result, base)
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances(), draws(), team_rules())
def test_every_plan_of_a_draw_passes_the_checker(tables, opts, rules):
    _run(tables, rules, opts)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances(dense=True), draws(), team_rules())
def test_every_plan_of_a_dense_draw_passes_the_checker(tables, opts, rules):
    result = _run(tables, rules, opts)
    if result is not None and opts.cap == 1.0 and opts.lead_cap is None:
        base = zoneplan.staff(tables, rules, SolveOptions(time_limit=None))
        assert result.draw.quality["expected"]["travel"] == pytest.approx(base.levels["travel"].value)


def test_cap_one_is_the_optimum(tutorial):
    """Without a binding cap the draw is the optimum: the same levels (travel ratio 1)."""
    base = zoneplan.staff(tutorial)
    r = zoneplan.staff(tutorial, draw=DrawOptions(cap=1.0, seed=3))
    q = r.draw.quality
    assert q["ratio"]["expected_travel"] == 1.0 and q["ratio"]["workload_bound"] == 1.0
    assert r.levels["travel"].value == base.levels["travel"].value
    assert r.levels["max_workload"].value == base.levels["max_workload"].value


# --------------------------------------------------------------------------- marginals

def _small():
    """Two cases of two townships, six people who may work either: team sizes 2 and 1."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=1, zone="Z")
             for k, t in enumerate(["A", "B", "C"])]
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id="C", level="township", can_lead=k % 2 == 0,
                 max_cases=1 + (k == 0), skills="f" if k in (1, 4) else "") for k in range(6)]
    cases = [dict(case_id="X0", township_id="A", village="a", subject_id="S0", team_size=2, needs_lead=True,
                  required_skills="f", workload=1.0),
             dict(case_id="X1", township_id="B", village="b", subject_id="S1", team_size=1, needs_lead=False,
                  workload=1.0)]
    travel = [("A", "B", 10), ("A", "C", 20), ("B", "C", 30)]
    return make_tables(towns, invs, cases, travel=travel)


def test_frequencies_match_the_reported_probabilities():
    """Over 4,000 seeds, every pair's frequency (as a member and as a lead) is within 4.5
    standard deviations of its reported probability; and the plan ``staff`` draws for a
    seed is the one the sampler picks."""
    tables = _small()
    opts = DrawOptions(cap=0.4, lead_cap=0.5, seed=0)
    r = zoneplan.staff(tables, draw=opts)
    d = r.draw
    assert len(d.parts) == 1 and len(d.parts[0]["plans"]) >= 4
    plans = d.parts[0]["plans"]
    from zoneplan.staffing.draw import sampling_key

    n = 4000
    L = int(d.parts[0]["denominator"])
    weights = [Fraction(x["weight"]) * L for x in plans]
    cum = list(itertools.accumulate(int(w) for w in weights))
    counts = [0] * len(plans)
    key = "\x1f".join(d.parts[0]["cases"]).encode()
    for seed in range(n):
        u = uniform_below(L, sampling_key(seed, key))
        counts[next(k for k, c in enumerate(cum) if u < c)] += 1
    member: dict[tuple[str, str], int] = {}
    lead: dict[tuple[str, str], int] = {}
    for x, cnt in zip(plans, counts):
        for item in x["teams"].split(";"):
            case, rest = item.split(":", 1)
            member[(case, rest.rstrip("*"))] = member.get((case, rest.rstrip("*")), 0) + cnt
            if rest.endswith("*"):
                lead[(case, rest.rstrip("*"))] = lead.get((case, rest.rstrip("*")), 0) + cnt
    for row in d.pairs.itertuples(index=False):
        key_ = (row.case_id, row.investigator_id)
        for p, c in ((row.probability, member.get(key_, 0)),
                     (row.lead_probability, lead.get(key_, 0))):
            if isinstance(p, float) and math.isnan(p):
                continue
            sd = math.sqrt(max(p * (1 - p), 1e-12) / n)
            assert abs(c / n - p) <= 4.5 * sd + 1e-9, (key_, c / n, p)
    assert (d.pairs["probability"] <= d.pairs["cap"] + 1e-12).all()
    # X0 needs skill f, which only I1 and I4 have: one of them is on X0, so each at least 1/2
    assert {(x["investigator_id"], x["cap"]) for x in d.raised} == {("I1", 0.5), ("I4", 0.5)}
    assert (d.pairs.loc[d.pairs["note"] == "", "probability"] <= 0.4 + 1e-12).all()
    for seed in (1, 2, 3):  # staff() draws exactly what the sampler picks for that seed
        rs = zoneplan.staff(tables, draw=opts.model_copy(update={"seed": seed}))
        u = uniform_below(L, sampling_key(seed, key))
        k = next(k for k, c in enumerate(cum) if u < c)
        got = ";".join(f"{c}:{i}{'*' if ro == 'lead' else ''}" for c, i, ro in
                       sorted(zip(rs.assignments["case_id"], rs.assignments["investigator_id"], rs.assignments["role"]),
                              key=lambda t: (t[0], t[2] != "lead", t[1])))
        assert got == plans[k]["teams"]
        assert rs.draw.parts[0]["drawn"] == k + 1


def test_seeds_draw_different_plans():
    tables = _small()
    seen = {tuple(zoneplan.staff(tables, draw=DrawOptions(cap=0.4, seed=s)).assignments["investigator_id"])
            for s in range(12)}
    assert len(seen) >= 2


def test_uniform_below_is_uniform_and_exact():
    key = b"k"
    vals = [uniform_below(3, key + k.to_bytes(2, "big")) for k in range(600)]
    assert set(vals) == {0, 1, 2} and all(150 < vals.count(v) < 250 for v in range(3))
    assert uniform_below(1, key) == 0
    big = 3 ** 80
    assert 0 <= uniform_below(big, key) < big
    with pytest.raises(ValueError):
        uniform_below(0, key)


# --------------------------------------------------------------------------- seeds and options

def test_seed_from_text_is_sha256_of_the_text():
    text = "2026-12-15 县纪委第3次常委会 抽签号 4172"
    assert seed_from_text(text) == int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], 16)
    assert DrawOptions(cap=0.5, seed_text=text).seed == seed_from_text(text)
    assert DrawOptions(cap=0.5, seed_text=text, seed=seed_from_text(text)).seed_text == text
    with pytest.raises(ValueError, match="not the seed of seed_text"):
        DrawOptions(cap=0.5, seed_text=text, seed=1)
    with pytest.raises(ValueError):
        DrawOptions(cap=0.0)
    with pytest.raises(ValueError):
        DrawOptions(cap=1.5)


def test_seed_from_text_determines_the_draw(tutorial):
    a = zoneplan.staff(tutorial, draw=DrawOptions(cap=0.5, seed_text="2026-12-15 第1号"))
    b = zoneplan.staff(tutorial, draw=DrawOptions(cap=0.5, seed_text="2026-12-15 第1号"))
    assert a.assignments.equals(b.assignments)
    assert a.draw.to_dict() == b.draw.to_dict()
    c = zoneplan.staff(tutorial, draw=DrawOptions(cap=0.5, seed_text="2026-12-15 第2号"))
    assert c.draw.seed != a.draw.seed
    assert c.draw.pairs["probability_exact"].tolist() == a.draw.pairs["probability_exact"].tolist()  # odds: no seed


def test_weighted_mode_is_refused(tutorial):
    with pytest.raises(ValueError, match="weights"):
        zoneplan.staff(tutorial, options=SolveOptions(mode="weighted"), draw=DrawOptions(cap=0.5))


# --------------------------------------------------------------------------- caps a case cannot keep

def test_forced_pairs_raise_their_cap_with_the_reason():
    """The example county: K04 needs skill 工程 and only I053 has it; K18 needs 信息技术 and only
    I055 has it.  Their caps are 1 with the reason; every other pair keeps 0.5."""
    tables = zoneplan.load(EXAMPLES / "county")
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.5, seed=1))
    raised = {(x["case_id"], x["investigator_id"]): x["reason"] for x in r.draw.raised}
    assert raised == {("K04", "I053"): "I053 is the only eligible holder of skill 工程 needed by K04",
                      ("K18", "I055"): "I055 is the only eligible holder of skill 信息技术 needed by K18"}
    other = r.draw.pairs[~r.draw.pairs.set_index(["case_id", "investigator_id"]).index.isin(list(raised))]
    assert other["probability"].max() <= 0.5 + 1e-12
    with pytest.raises(DrawError, match="strict.*I053"):
        zoneplan.staff(tables, draw=DrawOptions(cap=0.5, strict=True))


def test_case_floor_when_the_pool_is_small():
    """One case needs 2 of its 3 eligible people: nobody can be below 2/3; the cap is raised
    to 2/3 for that case (and the reason says so), refused when strict."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=1, zone="Z")
             for k, t in enumerate(["A", "B"])]
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id="B", level="township", can_lead=True)
            for k in range(3)]
    cases = [dict(case_id="X0", township_id="A", village="a", subject_id="S0", team_size=2, needs_lead=False)]
    tables = make_tables(towns, invs, cases, travel=[("A", "B", 10)])
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.5, seed=0))
    assert [Fraction(x) for x in r.draw.pairs["probability_exact"]] == [Fraction(2, 3)] * 3
    assert all("smallest cap it allows is 0.6667" in n for n in r.draw.pairs["note"])
    with pytest.raises(DrawError, match="strict"):
        zoneplan.staff(tables, draw=DrawOptions(cap=0.5, strict=True))
    r2 = zoneplan.staff(tables, draw=DrawOptions(cap=2 / 3, seed=0))  # exactly at the floor: no raise needed
    assert not r2.draw.raised


def test_exact_boundary_cap_is_kept_exactly():
    """1 of 2 at cap 0.5: both exactly 1/2, no raise."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=1, zone="Z")
             for k, t in enumerate(["A", "B"])]
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id="B", level="township") for k in range(2)]
    cases = [dict(case_id="X0", township_id="A", village="a", subject_id="S0", team_size=1, needs_lead=False)]
    tables = make_tables(towns, invs, cases, travel=[("A", "B", 10)])
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.5, seed=0))
    assert r.draw.pairs["probability_exact"].tolist() == ["1/2", "1/2"] and not r.draw.raised


def test_cases_that_cannot_keep_the_cap_together():
    """X1 can only be worked by I0 (the others declared a conflict): I0 is forced there, and
    with one case each I0 can never take X0.  X0 alone could give each of its three people
    1/3, but together only I1 and I2 are left for it: 1/2 each.  At cap 0.34 their caps are
    raised to 1/2 with the reason (strict: refused, naming the least cap); 0.5 is kept."""
    towns = [dict(township_id=t, name=t, county="K", lat=37 + k * 0.1, lon=117.0, villages=1, zone="Z")
             for k, t in enumerate(["A", "B", "C"])]
    invs = [dict(investigator_id=f"I{k}", name=f"I{k}", township_id="C", level="township", max_cases=1)
            for k in range(3)]
    cases = [dict(case_id=f"X{k}", township_id=t, village="a", subject_id=f"S{k}", team_size=1, needs_lead=False)
             for k, t in enumerate(["A", "B"])]
    tables = make_tables(towns, invs, cases, travel=[("A", "B", 10), ("A", "C", 10), ("B", "C", 10)],
                         conflicts=[("I1", "X1", "declared"), ("I2", "X1", "declared")])
    with pytest.raises(DrawError, match="strict|not together"):
        zoneplan.staff(tables, draw=DrawOptions(cap=0.34, seed=0, strict=True))
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.34, seed=0))
    p = dict(zip(zip(r.draw.pairs["case_id"], r.draw.pairs["investigator_id"]), r.draw.pairs["probability_exact"]))
    assert p == {("X0", "I0"): "0", ("X0", "I1"): "1/2", ("X0", "I2"): "1/2", ("X1", "I0"): "1"}
    reasons = {(x["case_id"], x["investigator_id"]): x["reason"] for x in r.draw.raised}
    assert reasons[("X1", "I0")] == "X1 needs 1 and has 1 eligible: all of them"
    assert "with the other cases sharing its people, the smallest cap the rules allow is 0.5" in reasons[("X0", "I1")]
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.5, seed=0))
    assert [(x["case_id"], x["investigator_id"]) for x in r.draw.raised] == [("X1", "I0")]


# --------------------------------------------------------------------------- locks and re-planning

def test_locks_are_in_every_plan_and_the_rest_is_drawn(tmp_path):
    tables = zoneplan.load(EXAMPLES / "county")
    v1 = zoneplan.staff(tables)
    locked = v1.assignments[v1.assignments["case_id"] == "K03"]
    r = zoneplan.staff(tables, previous=v1.assignments, locks=["K03", "K05:" + v1.assignments.loc[
        v1.assignments["case_id"] == "K05", "investigator_id"].iloc[0]], draw=DrawOptions(cap=0.6, seed=5))
    base = zoneplan.staff(tables, previous=v1.assignments, locks=["K03"])
    check_draw(tables, RuleOptions(), r, base)
    p = r.draw.pairs.set_index(["case_id", "investigator_id"])
    for c, i, role in zip(locked["case_id"], locked["investigator_id"], locked["role"]):
        assert p.loc[(c, i), "probability"] == 1.0 and p.loc[(c, i), "note"] == "locked"
        got = r.assignments[(r.assignments["case_id"] == c) & (r.assignments["investigator_id"] == i)]
        assert got["role"].tolist() == [role]  # the locked lead still leads
    assert r.change_summary is not None and "changes" in r.draw.quality["expected"]
    assert "changes" in r.levels
    free = r.draw.pairs[r.draw.pairs["note"] == ""]
    assert free["probability"].max() <= 0.6 + 1e-12


# --------------------------------------------------------------------------- command line and replay

runner = CliRunner()


def _cli(*args):
    from zoneplan.cli import app

    return runner.invoke(app, [str(a) for a in args])


def test_replay_identical_and_names_a_changed_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / "tutorial", data)
    out = tmp_path / "plan"
    r = _cli("staff", data, "--out", out, "--draw", "--cap", "0.5", "--seed-from", "2026-12-15 第3号", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "draw: seed" in r.output and "from the text" in r.output
    rep = json.loads((out / "report.json").read_text())
    assert rep["draw"]["seed"] == str(seed_from_text("2026-12-15 第3号")) and rep["draw"]["cap"] == 0.5
    assert (out / "draw.csv").is_file() and (out / "draw_plans.csv").is_file()
    r = _cli("replay", out, data, "--lang", "en")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("identical")
    cases = (data / "cases.csv").read_text(encoding="utf-8").splitlines()
    head = cases[0].split(",")
    row = cases[1].split(",")
    k = head.index("workload")
    row[k] = "1.7" if row[k] != "1.7" else "1.8"  # one changed cell
    cases[1] = ",".join(row)
    (data / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    r = _cli("replay", out, data, "--lang", "en")
    assert r.exit_code == 1, r.output
    assert "input file changed: cases (cases.csv)" in r.output
    assert "investigators" not in r.output
    r = _cli("replay", out, data, "--lang", "zh")
    assert "输入文件已改动：cases（cases.csv）" in r.output


def test_replay_notices_a_missing_or_edited_draw_csv(tmp_path):
    """The odds are part of the record: a plan folder without draw.csv is not identical, and an
    edited probability (float column only) or note is counted as a differing pair."""
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / "tutorial", data)
    out = tmp_path / "plan"
    assert _cli("staff", data, "--out", out, "--draw", "--cap", "0.5", "--seed", "7", "--lang", "en").exit_code == 0
    odds = pd.read_csv(out / "draw.csv", dtype=str, keep_default_na=False)
    odds.loc[0, "probability"] = "0.123456789"
    odds.to_csv(out / "draw.csv", index=False)
    r = _cli("replay", out, data, "--lang", "en")
    assert r.exit_code == 1 and "draw.csv differs for 1 pair(s)" in r.output, r.output
    (out / "draw.csv").unlink()
    r = _cli("replay", out, data, "--lang", "en")
    assert r.exit_code == 1 and "has no draw.csv" in r.output, r.output
    assert "the teams are the same" in r.output


def test_replay_refuses_a_plan_that_was_not_drawn(tmp_path):
    out = tmp_path / "plan"
    assert _cli("staff", EXAMPLES / "tutorial", "--out", out).exit_code == 0
    r = _cli("replay", out, EXAMPLES / "tutorial")
    assert r.exit_code == 2 and "no draw" in r.output
    r = _cli("replay", tmp_path / "nothing", EXAMPLES / "tutorial")
    assert r.exit_code == 2 and "report.json" in r.output


def test_draw_options_need_draw_and_a_cap(tmp_path):
    r = _cli("staff", EXAMPLES / "tutorial", "--out", tmp_path / "o", "--cap", "0.5")
    assert r.exit_code == 2 and "add --draw" in r.output
    r = _cli("staff", EXAMPLES / "tutorial", "--out", tmp_path / "o", "--draw")
    assert r.exit_code == 2 and "--cap" in r.output
    r = _cli("staff", EXAMPLES / "tutorial", "--out", tmp_path / "o", "--draw", "--cap", "0.5", "--seed", "3",
             "--seed-from", "x")
    assert r.exit_code == 2 and "not both" in r.output
    r = _cli("staff", EXAMPLES / "tutorial", "--out", tmp_path / "o", "--draw", "--cap", "1.5")
    assert r.exit_code == 2
    assert not (tmp_path / "o").exists()


def test_a_strict_cap_that_cannot_be_kept_exits_2_with_the_reason(tmp_path):
    r = _cli("staff", EXAMPLES / "county", "--out", tmp_path / "o", "--draw", "--cap", "0.5", "--strict-cap",
             "--lang", "en")
    assert r.exit_code == 2, r.output
    assert "cannot be kept" in r.output and "I053 is the only eligible holder of skill 工程 needed by K04" in r.output
    assert not (tmp_path / "o").exists()


def test_seed_command_prints_the_seed_of_a_text():
    r = _cli("seed", "2026-12-15 第3号", "--lang", "en")
    assert r.exit_code == 0
    assert f"seed {seed_from_text('2026-12-15 第3号')}" in r.output
    assert hashlib.sha256("2026-12-15 第3号".encode()).hexdigest() in r.output


FILES = ("assignments.csv", "draw.csv", "draw_plans.csv", "plan.xlsx", "unstaffed.csv", "workload.csv")


def test_same_draw_in_another_process_and_with_other_workers(tmp_path):
    """The CLI in a fresh process and in this one write byte-identical files; with another
    worker count, the same plan and odds (only the recorded thread count differs)."""
    import openpyxl

    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    exe = Path(sys.executable).parent / "zoneplan"
    args = ["staff", str(EXAMPLES / "county"), "--draw", "--cap", "0.5", "--lead-cap", "0.6", "--seed", "11",
            "--lang", "zh"]
    done = subprocess.run([str(exe), *args, "--out", str(a), "--workers", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _cli(*args, "--out", b, "--workers", "1").exit_code == 0
    assert _cli(*args, "--out", c, "--workers", "2").exit_code == 0
    for f in FILES:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
        if f != "plan.xlsx":
            assert (a / f).read_bytes() == (c / f).read_bytes(), f
    wa, wc = openpyxl.load_workbook(a / "plan.xlsx"), openpyxl.load_workbook(c / "plan.xlsx")
    for name in wa.sheetnames:
        if name.startswith("抽签"):
            assert list(wa[name].values) == list(wc[name].values), name
    ra, rc = (json.loads((x / "report.json").read_text()) for x in (a, c))
    assert ra["draw"] == rc["draw"]


def test_workbook_has_the_audit_sheets(tmp_path):
    import openpyxl

    out = tmp_path / "plan"
    assert _cli("staff", EXAMPLES / "tutorial", "--out", out, "--draw", "--cap", "0.5", "--seed-from", "公开文字",
                "--lang", "zh").exit_code == 0
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert wb.sheetnames[:7] == ["概要", "办案组", "抽签审计", "抽签概率", "抽签案件", "抽签人员", "抽签备选方案"]
    ws = wb["抽签审计"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "公开文字" in values and str(seed_from_text("公开文字")) in values
    assert hashlib.sha256("公开文字".encode()).hexdigest() in values
    assert any(isinstance(v, str) and "zoneplan replay" in v for v in values)
    odds = wb["抽签概率"]
    head = [c.value for c in odds[1]]
    assert head[:7] == ["线索编号", "所在乡镇", "人员编号", "姓名", "工作乡镇", "入选概率", "任组长概率"]
    out_en = tmp_path / "plan_en"
    assert _cli("staff", EXAMPLES / "tutorial", "--out", out_en, "--draw", "--cap", "0.5", "--lang", "en").exit_code == 0
    assert openpyxl.load_workbook(out_en / "plan.xlsx").sheetnames[2] == "Draw audit"


# --------------------------------------------------------------------------- raised caps are never below the breach

def test_a_raised_cap_is_never_below_the_lp_breach():
    """The least breach the LP reports is read as a small fraction only when that fraction is
    not below it (float rounding aside): a cap raised to a fraction below the true least
    breach leaves no exact distribution (the draw then stopped with an InternalError, the
    weights could not be made exact within the caps).  The breach below is the one the
    generated county ``synth.generate("county", seed=2)`` gave at cap 0.3, whose nearest
    fraction of denominator up to 10**6, 1481/978258, is 1.7e-12 below it."""
    from zoneplan.staffing.draw import _snap

    for breach in (0.0015139155536146411, 0.017301038062283676, 0.033333333333333326, 0.033333333333333354,
                   0.07780748663101596, 0.007478528601523337, 0.5, 1 / 3, 2 / 3, 1e-7):
        s_ = _snap(breach)
        assert s_ >= Fraction(breach) - Fraction(1, 10 ** 14), (breach, s_)
        assert s_ <= Fraction(breach) + Fraction(2, 10 ** 6), (breach, s_)  # never more than the grid above it
    assert _snap(0.017301038062283676) == Fraction(5, 289)  # small fractions are still read as such
    assert _snap(0.033333333333333354) == Fraction(1, 30)


@pytest.mark.slow
def test_generated_county_at_a_low_cap_draws_exactly(tmp_path):
    """The county of ``synth.generate("county", seed=2)`` at cap 0.3: a draw (it stopped with
    an InternalError when a raised cap was snapped below the LP's least breach), every
    probability within its cap, every cap above the global one explained."""
    from zoneplan import synth

    synth.write(synth.generate("county", seed=2), tmp_path / "d")
    tables = zoneplan.load(tmp_path / "d")
    r = zoneplan.staff(tables, options=SolveOptions(workers=1), draw=DrawOptions(cap=0.3, seed=1))
    p = r.draw.pairs
    assert (p["probability_exact"].map(Fraction) <= p["cap_exact"].map(Fraction)).all()
    assert (p.loc[p["probability"] > 0.3, "note"] != "").all()
    assert r.check_violations == 0


def test_a_dense_part_is_drawn_over_its_core(monkeypatch):
    """A part above CORE_PAIRS is drawn over each case's nearest people: pairs outside the core
    have probability 0 with their note, are no raised cap, and the draw is not called proven;
    every plan of the support still passes the checker."""
    import zoneplan.staffing.draw as dr

    tables = zoneplan.load(EXAMPLES / "county")
    monkeypatch.setattr(dr, "CORE_PAIRS", 50)
    r = zoneplan.staff(tables, draw=DrawOptions(cap=0.5, seed=4))
    pairs = r.draw.pairs
    out = pairs[pairs["note"].str.contains("outside the core", regex=False)]
    assert len(out) > 0 and (out["probability"] == 0).all() and not out["drawn"].any()
    assert not any("outside the core" in x["reason"] for x in r.draw.raised)
    assert len(r.draw.raised) < len(out)
    assert r.status != "OPTIMAL"
    check_draw(tables, RuleOptions(), r, zoneplan.staff(tables))
