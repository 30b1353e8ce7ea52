"""The zoning checker catches one broken zoning per rule, and the zoning result follows
the shared convention (typed status, levels, per-county status kept when a county fails).

Layout: county K has a path a-b-c-d-e-f (positions 0..50, gap 10); county L has the path
g-h.  The valid zoning is {a,b} {c,d} {e,f} in K and {g,h} in L.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import zoneplan
from zoneplan.zoning import ZoningInput, ZoningOptions, solve_zoning
from zoneplan.zoning.metrics import check_zoning
import zoneplan.zoning.solve as zsolve

from conftest import EXAMPLES

IDS = list("abcdefgh")
COUNTY = ["K"] * 6 + ["L"] * 2
EDGES = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 7)]
VALID = {"a": "K-1", "b": "K-1", "c": "K-2", "d": "K-2", "e": "K-3", "f": "K-3", "g": "L-1", "h": "L-1"}


def inp(current=None) -> ZoningInput:
    pos = np.array([0, 10, 20, 30, 40, 50, 0, 10], dtype=float)
    return ZoningInput(township_ids=IDS, names=IDS, county=COUNTY, lat=np.zeros(8), lon=pos,
                       villages=np.zeros(8), edges=EDGES, minutes=lambda i, j: np.abs(pos[i] - pos[j]),
                       current_zone=current)


def frame(zones: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"township_id": IDS, "zone": [zones.get(t, "") for t in IDS]})


def test_valid_zoning_has_no_violation():
    assert check_zoning(inp(), frame(VALID)) == []


@pytest.mark.parametrize("name, change, options, expect", [
    ("county", {"f": "L-1", "e": "K-2"}, {}, "spans counties"),
    ("size", {"e": "K-2", "f": "K-2"}, {}, "outside 2..3"),
    ("connected", {"a": "K-1", "c": "K-1", "b": "K-2", "d": "K-2"}, {}, "not connected"),
    ("excluded", {}, {"exclude": ["a"]}, "excluded township a"),
    ("unzoned", {"a": "", "b": ""}, {}, "in no zone"),
    ("together", {}, {"together": [("b", "c")]}, "together pair b, c is split"),
    ("apart", {}, {"apart": [("a", "b")]}, "apart pair a, b share"),
    ("target", {}, {"target_zones": 2}, "has 3 zones, target 2"),
])
def test_each_broken_rule_is_caught(name, change, options, expect):
    zones = {**VALID, **change}
    found = check_zoning(inp(), frame(zones), ZoningOptions(**options))
    assert any(expect in v for v in found), (name, found)


def test_kept_zone_changed_and_duplicate_township_are_caught():
    current = ["Z1", "Z1", "Z2", "Z2", "Z2", "", "Z3", "Z3"]
    found = check_zoning(inp(current), frame(VALID), ZoningOptions(keep=["Z2"]))
    assert any("kept zone Z2 changed" in v for v in found)
    dup = pd.concat([frame(VALID), frame(VALID).head(1)], ignore_index=True)
    assert any("more than once" in v for v in check_zoning(inp(), dup))


def test_result_convention_levels_status_to_dict():
    res = solve_zoning(inp())
    assert res.status == zoneplan.Status.OPTIMAL and isinstance(res.status, zoneplan.Status)
    cost = res.levels["cost"]
    assert cost.proven and cost.value == res.objective == cost.bound and cost.gap == 0
    d = res.to_dict()
    assert d["status"] == "OPTIMAL" and d["levels"]["cost"]["proven"] is True
    assert list(res.per_county["status"]) == ["OPTIMAL", "OPTIMAL"]
    assert check_zoning(inp(), res.zones) == []


def _exact_finds_nothing_for(county: str, monkeypatch) -> None:
    """The exact model of ``county`` finds no zoning (as when its time share runs out)."""
    real = zsolve._exact

    def flaky(cs, target, options, deadline, cancel, hint):
        if cs.county.name == county:
            return "UNKNOWN", [], None, None
        return real(cs, target, options, deadline, cancel, hint)

    monkeypatch.setattr(zsolve, "_exact", flaky)


def test_a_county_whose_exact_model_finds_nothing_keeps_a_valid_greedy_zoning(monkeypatch):
    """County L's exact model finds nothing in time: L gets the greedy fallback (FEASIBLE,
    source greedy, every rule kept); county K keeps its proven zoning."""
    _exact_finds_nothing_for("L", monkeypatch)
    monkeypatch.setattr(zsolve, "share_bound", lambda cs: 0)  # the greedy zoning is not proven by its bound
    res = solve_zoning(inp())
    assert res.status == "FEASIBLE" and res.feasible
    pc = res.per_county.set_index("county")
    assert dict(pc["status"]) == {"K": "OPTIMAL", "L": "FEASIBLE"}
    assert dict(pc["source"]) == {"K": "cp-sat", "L": "greedy"}
    assert check_zoning(inp(), res.zones) == []
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z["g"] == z["h"] != ""
    assert any("greedy zoning" in e and "county L" in e for e in res.explanations)
    assert res.levels["cost"].proven is False


def test_a_county_without_any_zoning_in_time_stays_unzoned_and_the_others_keep_theirs(monkeypatch):
    """Neither the exact model nor the fallback finds a zoning for L: L is UNKNOWN and unzoned,
    K keeps its proven zoning."""
    _exact_finds_nothing_for("L", monkeypatch)
    monkeypatch.setattr(zsolve, "greedy_partition", lambda cs, target: None)
    res = solve_zoning(inp())
    assert res.status == "UNKNOWN" and not res.feasible and res.any_zoning
    assert dict(zip(res.per_county["county"], res.per_county["status"])) == {"K": "OPTIMAL", "L": "UNKNOWN"}
    z = dict(zip(res.zones["township_id"], res.zones["zone"]))
    assert z["g"] == z["h"] == "" and all(z[t] for t in "abcdef")
    assert len(res.levels) == 0 and res.objective is None


def test_a_county_not_proven_in_round_one_is_proven_with_the_time_left(monkeypatch):
    """The second round re-solves the counties not proven, from their zoning so far."""
    real = zsolve._exact
    calls: list[tuple[str, list[int] | None]] = []

    def slow_once(cs, target, options, deadline, cancel, hint):
        calls.append((cs.county.name, hint))
        if cs.county.name == "K" and sum(1 for c, _ in calls if c == "K") == 1:
            return "UNKNOWN", [], None, None
        return real(cs, target, options, deadline, cancel, hint)

    monkeypatch.setattr(zsolve, "_exact", slow_once)
    monkeypatch.setattr(zsolve, "share_bound", lambda cs: 0)  # the greedy zoning is not proven by its bound
    res = solve_zoning(inp(), ZoningOptions(time_limit=30))
    assert res.status == "OPTIMAL"
    assert dict(zip(res.per_county["county"], res.per_county["source"])) == {"K": "cp-sat", "L": "cp-sat"}
    k_calls = [h for c, h in calls if c == "K"]
    assert len(k_calls) == 2 and k_calls[0] is None and k_calls[1]  # round 2 starts from the greedy zoning
    assert res.explanations == []


def test_zone_is_reachable_from_import_zoneplan():
    tables = zoneplan.load(EXAMPLES / "county")
    res = zoneplan.zone(tables)
    assert res.status == "OPTIMAL" and isinstance(res, zoneplan.ZoningResult)
    assert zoneplan.zoning.check_zoning(zoneplan.zoning.adapter.zoning_input(tables), res.zones) == []
