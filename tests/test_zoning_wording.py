"""Zoning explanations read in Chinese: every message the zoning gives for an impossible
what-if, checked on the example county (an English template left in is a miss)."""

from __future__ import annotations

import re

import pytest

import zoneplan
from zoneplan.io.wording import zoning_text
from zoneplan.zoning import ZoningOptions

from conftest import EXAMPLES

ENGLISH = re.compile(r"\b(zones?|townships?|county|together|apart|kept|keep|exclude[ds]?|what-ifs?|neighbou?rs?|"
                     r"adjacency|cannot|allow|asked)\b")


@pytest.fixture(scope="module")
def county():
    return zoneplan.load(EXAMPLES / "county")


CASES = {
    "target": (dict(target_zones=5), "恒平县 被要求划为 5 个协作区，但其 16 个参与划分的乡镇只能划为 6–8 个每区 2–3 个乡镇的协作区"),
    "together and apart": (dict(together=[("T01", "T16")], apart=[("T01", "T16")]),
                           "恒平县：城关街道（T01） 与 蒋店镇（T16） 既被要求在一起又被要求分开；请删除其中一条假设"),
    "kept holds excluded": (dict(keep=["东南协作区"], exclude=["T16"]), "保留的协作区 东南协作区 含有被排除的乡镇"),
    "no neighbour left": (dict(exclude=["T09", "T10"]), "西鲁镇（T15） 在 恒平县 内已没有可同区的相邻乡镇"),
    "chain too long": (dict(together=[("T01", "T02"), ("T02", "T05"), ("T05", "T06")]),
                       "“在一起”的假设把"),
    "apart vs chain": (dict(apart=[("T01", "T02")], together=[("T01", "T03"), ("T03", "T02")]),
                       "被“在一起”的假设连成了一区"),
    "diagnosis": (dict(apart=[("T15", "T09"), ("T15", "T10")]), "以下假设条件与每区 2–3 个相连乡镇的划分无法同时成立"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_zoning_explanation_reads_in_chinese(county, name):
    options, expected = CASES[name]
    res = zoneplan.zone(county, ZoningOptions(**options))
    assert res.status == "INFEASIBLE" and res.explanations
    zh = [zoning_text(e, "zh") for e in res.explanations]
    assert any(expected in z for z in zh), zh
    for e, z in zip(res.explanations, zh):
        assert not ENGLISH.search(z), (e, z)
    assert [zoning_text(e, "en") for e in res.explanations] == res.explanations
