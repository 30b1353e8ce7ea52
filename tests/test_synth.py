"""Tests of the synthetic-instance generator: determinism, contract shape, integrity."""

from __future__ import annotations

import re

import networkx as nx
import pandas as pd
import pytest

from zoneplan.data.contract import TABLES
from zoneplan.synth import SCALES, TABLE_NAMES, generate, main, write


@pytest.fixture(scope="module")
def prefecture() -> dict[str, pd.DataFrame]:
    return generate("prefecture", seed=3)


@pytest.fixture(scope="module")
def county() -> dict[str, pd.DataFrame]:
    return generate("county", seed=0)


def _files(path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.parametrize("scale", ["county", "prefecture"])
def test_same_seed_gives_identical_files(tmp_path, scale):
    write(generate(scale, seed=5), tmp_path / "a")
    write(generate(scale, seed=5), tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(f"{n}.csv" for n in TABLE_NAMES)
    assert a == b


def test_different_seeds_differ(tmp_path):
    write(generate("county", seed=0), tmp_path / "a")
    write(generate("county", seed=1), tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a["townships.csv"] != b["townships.csv"]
    assert a["investigators.csv"] != b["investigators.csv"]
    assert a["cases.csv"] != b["cases.csv"]


def test_files_are_utf8_with_unix_line_ends(tmp_path, county):
    write(county, tmp_path)
    for name in TABLE_NAMES:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        text = raw.decode("utf-8")
        assert text.splitlines()[0].split(",") == [c.name for c in TABLES[name].columns]
    lat = pd.read_csv(tmp_path / "townships.csv", dtype=str)["lat"]
    assert lat.str.fullmatch(r"-?\d+\.\d{6}").all()
    work = pd.read_csv(tmp_path / "cases.csv", dtype=str)["workload"]
    assert work.str.fullmatch(r"\d+\.\d{2}").all()


def test_columns_follow_contract(county):
    assert set(county) == set(TABLE_NAMES)
    for name, df in county.items():
        assert list(df.columns) == [c.name for c in TABLES[name].columns], name
    for table, cols in {"investigators": ("can_lead", "available"),
                        "cases": ("needs_lead", "escalated")}.items():
        for col in cols:
            assert set(county[table][col]) <= {"true", "false"}


def test_ids_unique(prefecture):
    t, inv, cases = prefecture["townships"], prefecture["investigators"], prefecture["cases"]
    assert t.township_id.is_unique
    assert inv.investigator_id.is_unique
    assert cases.case_id.is_unique
    assert t.township_id.str.fullmatch(r"C\d{2,}T\d{2}").all()
    assert inv.investigator_id.str.fullmatch(r"I\d{6}").all()
    assert cases.subject_id.str.fullmatch(r"S\d{6}").all()
    pairs = [tuple(sorted(p)) for p in zip(prefecture["relations"].a, prefecture["relations"].b)]
    assert len(pairs) == len(set(pairs))
    assert all(a != b for a, b in pairs)
    conf = prefecture["conflicts"]
    assert not conf.duplicated(["investigator_id", "case_id"]).any()


def _village_ok(village: str, villages: dict[str, int]) -> bool:
    m = re.fullmatch(r"(.+)V(\d{2})", village)
    return bool(m) and m.group(1) in villages and 1 <= int(m.group(2)) <= villages[m.group(1)]


def test_references_resolve(prefecture):
    t, inv, cases = prefecture["townships"], prefecture["investigators"], prefecture["cases"]
    ids = set(t.township_id)
    villages = dict(zip(t.township_id, t.villages))
    county_of = dict(zip(t.township_id, t.county))
    assert set(inv.township_id) <= ids
    assert set(cases.township_id) <= ids
    assert set(inv.home_township) - {""} <= ids
    for home, village in zip(inv.home_township, inv.home_village):
        assert (home == "") == (village == "")
        if village:
            assert village.startswith(home + "V") and _village_ok(village, villages)
    for town, village in zip(cases.township_id, cases.village):
        assert village.startswith(town + "V") and _village_ok(village, villages)
    adj = prefecture["adjacency"]
    assert set(adj.a) | set(adj.b) <= ids
    assert all(county_of[a] == county_of[b] for a, b in zip(adj.a, adj.b))
    conf = prefecture["conflicts"]
    assert len(conf) >= 1
    assert set(conf.investigator_id) <= set(inv.investigator_id)
    assert set(conf.case_id) <= set(cases.case_id)
    people = set(prefecture["relations"].a) | set(prefecture["relations"].b)
    assert {p for p in people if p.startswith("I")} <= set(inv.investigator_id)
    assert {p for p in people if p.startswith("S")} <= set(cases.subject_id)
    assert all(re.fullmatch(r"[ISP]\d{6}", p) for p in people)


def test_county_staff_posted_at_county_seat(prefecture):
    inv, t = prefecture["investigators"], prefecture["townships"]
    county_staff = inv[inv.level == "county"]
    assert county_staff.township_id.str.endswith("T01").all()
    per_county = county_staff.township_id.value_counts()
    assert len(per_county) == t.county.nunique()
    assert per_county.between(8, 15).all()
    per_town = inv[inv.level == "township"].township_id.value_counts()
    assert len(per_town) == len(t) and per_town.between(2, 4).all()


@pytest.mark.parametrize("scale,seed", [("county", 0), ("county", 11), ("prefecture", 3)])
def test_zones_connected_inside_one_county(scale, seed):
    tables = generate(scale, seed=seed)
    t = tables["townships"]
    g = nx.Graph()
    g.add_nodes_from(t.township_id)
    g.add_edges_from(zip(tables["adjacency"].a, tables["adjacency"].b))
    assert all(nx.is_connected(g.subgraph(ids)) for _, ids in t.groupby("county").township_id)
    for zone, members in t.groupby("zone"):
        assert 2 <= len(members) <= 3, zone
        assert members.county.nunique() == 1, zone
        assert nx.is_connected(g.subgraph(members.township_id)), zone


def test_scale_counts(prefecture, county):
    assert len(county["townships"]) == 16 and county["townships"].county.nunique() == 1
    assert len(county["cases"]) == 20
    assert len(prefecture["townships"]) == 134
    assert len(prefecture["cases"]) == 100
    assert 450 <= len(prefecture["investigators"]) <= 650
    assert prefecture["townships"].villages.between(5, 25).all()
    assert SCALES["province"]["townships"] == 1800 and SCALES["stress"]["cases"] == 2 * SCALES["province"]["cases"]


def test_case_mix(prefecture):
    cases, inv = prefecture["cases"], prefecture["investigators"]
    assert cases.team_size.between(1, 10).all()
    assert 0.03 <= (cases.team_size >= 5).mean() <= 0.2
    assert 0.03 <= (cases.escalated == "true").mean() <= 0.2
    assert cases.workload.between(0.5, 3.0).all()
    assert cases.priority.between(1, 3).all()
    assert (cases.required_skills.str.count(";") <= 1).all()
    assert inv.max_cases.between(1, 3).all()
    assert (inv.current_cases < inv.max_cases).all()
    assert 0.85 <= (inv.available == "true").mean() <= 1.0


def _eligible_counts(tables: dict[str, pd.DataFrame]) -> list[tuple[int, int]]:
    """(eligible people, team size) per case under the default rules, capacity ignored."""
    t, inv, cases = tables["townships"], tables["investigators"], tables["cases"]
    county_of = dict(zip(t.township_id, t.county))
    zone_of = dict(zip(t.township_id, t.zone))
    g = nx.Graph(zip(tables["relations"].a, tables["relations"].b))
    conflicts = set(zip(tables["conflicts"].investigator_id, tables["conflicts"].case_id))
    out = []
    for c in cases.itertuples():
        near = nx.single_source_shortest_path_length(g, c.subject_id, cutoff=2) if c.subject_id in g else {}
        n = 0
        for i in inv.itertuples():
            if i.available != "true" or county_of[i.township_id] != county_of[c.township_id]:
                continue
            if i.level == "township" and (zone_of[i.township_id] != zone_of[c.township_id]
                                          or i.township_id == c.township_id):
                continue
            if i.home_township == c.township_id or i.home_village == c.village:
                continue
            if i.investigator_id in near or (i.investigator_id, c.case_id) in conflicts:
                continue
            n += 1
        out.append((n, c.team_size))
    return out


def test_most_cases_have_enough_eligible_people(prefecture):
    counts = _eligible_counts(prefecture)
    enough = sum(n >= size for n, size in counts)
    assert enough >= 0.95 * len(counts)


def test_relations_reach_some_investigators(prefecture):
    g = nx.Graph(zip(prefecture["relations"].a, prefecture["relations"].b))
    reached = set()
    for s in set(prefecture["cases"].subject_id) & set(g):
        reached |= {p for p in nx.single_source_shortest_path_length(g, s, cutoff=2) if p.startswith("I")}
    assert 1 <= len(reached) <= 0.1 * len(prefecture["investigators"])


def test_custom_parameters():
    tables = generate({"counties": 2, "townships": 24, "cases": 7, "county_size": [10, 14]}, seed=2)
    assert len(tables["townships"]) == 24 and tables["townships"].county.nunique() == 2
    assert len(tables["cases"]) == 7
    base = generate({"base": "prefecture", "cases": 10}, seed=0)
    assert len(base["townships"]) == 134 and len(base["cases"]) == 10
    assert generate({"cases": 0})["cases"].empty


@pytest.mark.parametrize("bad", ["planet", {"bogus": 1}, {"counties": 3, "townships": 12}, {"base": "x"}])
def test_bad_scale_raises(bad):
    with pytest.raises(ValueError):
        generate(bad)


def test_cli_writes_files(tmp_path):
    assert main(["county", str(tmp_path / "out"), "--seed", "4"]) == 0
    write(generate("county", seed=4), tmp_path / "ref")
    assert _files(tmp_path / "out") == _files(tmp_path / "ref")
