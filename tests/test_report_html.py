"""plan.html: a card per case, the reasons, a page per zone, maps embedded, user text escaped."""

from __future__ import annotations

import base64
import re

import pytest

import zoneplan
from zoneplan.io.plan import plan_files
from zoneplan.io.planview import plan_view
from zoneplan.io.report import render_plan_html

from conftest import EXAMPLES, make_tables

TUT = EXAMPLES / "tutorial"
PNG = b"\x89PNG\r\n\x1a\n" + b"fake image bytes"


@pytest.fixture(scope="module")
def solved():
    t = zoneplan.load(TUT)
    return t, zoneplan.staff(t)


def card(html: str, case_id: str) -> str:
    m = re.search(rf'<article class="card [a-z]+" id="case-{case_id}">(.*?)</article>', html, re.S)
    assert m, f"no card for {case_id}"
    return m.group(1)


def test_a_card_per_case_with_team_lead_and_exclusions(solved):
    t, r = solved
    html = render_plan_html(plan_view(r, t, lang="en"))
    for cid in t.cases["case_id"]:
        card(html, cid)
    assert html.count('<article class="card') == len(t.cases)
    x1 = card(html, "X1")
    # people by name only (their ids are in the audit appendix), travel in whole minutes
    assert '<tr class="lead"><td>Kong Wei</td><td>lead</td><td>Anle Town</td><td>county</td><td class="n">0</td>' in x1
    assert "Kang Li" in x1 and "staffed" in x1 and "K1" not in x1 and "K2" not in x1
    # who was excluded and why: what the relation is (a schoolmate's brother: other), the path, the home village
    assert "<strong>Bai Yun</strong> <span class=\"r\">other relation</span>: with P1: 同学; " \
           "P1 and the subject S1: 兄弟 (2 hops apart)" in x1
    assert "from this village" in x1 and "posted in this township" in x1
    assert "Excluded (4)" in x1  # a1, a2, b1, b2: four people (a1 twice, by two rules)


def test_unstaffed_cards_say_why(solved):
    t, r = solved
    html = render_plan_html(plan_view(r, t, lang="zh"))
    x5 = card(html, "X5")
    assert 'class="card no"' in html and "未配置" in x5
    assert "无法配置：可用人员中没有专长“engineering”" in x5
    x3 = card(html, "X3")  # the people the reason names, by name, in a Chinese list
    assert "让位于优先级更高的案件" in x3 and "（Kong Wei、Kang Li）已满额" in x3 and "K1" not in x3
    assert "申报回避" in card(html, "X4") and "former colleague of the subject" in card(html, "X4")


def test_summary_in_plain_words(solved):
    t, r = solved
    zh = render_plan_html(plan_view(r, t, lang="zh"))
    assert "<title>协作区办案组配置方案 · Demo County</title>" in zh
    assert "“配置得分 5 分”按优先级加权" in zh and "满分 7 分" in zh
    assert "3 件已配齐办案组，2 件未能配置" in zh
    people = zh.split('<section class="appendix">')[0]
    # the status in words, the objective as a sentence; codes and bounds only in the appendix
    assert "方案状态：已证明最优。" in people and "OPTIMAL" not in people and "最优界" not in people
    assert "方案首先使配齐案件的优先级得分最高（5 分，满分 7 分）；其次使个人最大工作量最小（3.00）；" \
           "最后使组员总车程最短（55 分钟）。" in people
    appendix = zh.split('<section class="appendix">')[1]
    assert "求解状态：已证明为规则下的最优方案" in appendix and "随机种子 0" in appendix and "K1" in appendix
    en = render_plan_html(plan_view(r, t, lang="en")).split('<section class="appendix">')[1]
    assert "OPTIMAL" in en  # the code beside its words, in English
    assert all(src.sha256 in appendix and src.sha256 not in people for src in t.sources.values())
    en = render_plan_html(plan_view(r, t, lang="en"))
    assert "“Staffed 5” is priority-weighted" in en and '<html lang="en">' in en
    assert "Largest workload after the plan: 3.00, carried by Kong Wei." in en


def test_a_page_per_zone_with_its_cases_and_maps_where_given(solved):
    t, r = solved
    maps = {"Overview": PNG, "zone:Z2": PNG + b"2"}
    html = render_plan_html(plan_view(r, t, lang="en"), maps)
    sections = re.findall(r'<section class="zone" id="zone-\d+">(.*?)</section>', html, re.S)
    # zones north to south: Z2 (Chenji, Dongtai) lies north of Z1 (Anle, Baishui)
    assert [re.search(r"<h2>(.*?)</h2>", s).group(1) for s in sections] == ["Zone Z2", "Zone Z1"]
    z2, z1 = sections
    # each zone opens with its own table of cases (a contents per zone), the summary lists the zones
    assert re.findall(r'<a href="#case-(\w+)">', z1) == ["X1", "X3", "X5"]
    assert '<a href="#zone-1">Zone Z2</a>' in html.split('<section class="zone"')[0]
    assert set(re.findall(r'id="case-(\w+)"', z1)) == {"X1", "X3", "X5"}
    assert set(re.findall(r'id="case-(\w+)"', z2)) == {"X2", "X4"}
    assert base64.b64encode(PNG + b"2").decode() in z2 and "<img" not in z1
    summary = html.split('<section class="zone"')[0]
    assert base64.b64encode(PNG).decode() in summary and "<figcaption>Overview</figcaption>" in summary
    assert '<figure class="map-page">' in summary  # a page of its own, at the width it is drawn for


def test_without_zones_a_page_per_county(solved):
    t, _ = solved
    r = zoneplan.staff(t, zoneplan.RuleOptions(use_zones=False))
    html = render_plan_html(plan_view(r, t, lang="en"))
    assert re.findall(r'<section class="zone" id="zone-1">\s*<header>\s*<h2>(.*?)</h2>', html) == ["Demo County"]
    assert html.count('<article class="card') == 5


def test_user_text_is_escaped():
    t = make_tables(
        townships=[{"township_id": "A", "name": "<b>Anle</b>", "county": "C&D", "lat": 37.0, "lon": 117.0,
                    "zone": "Z1"},
                   {"township_id": "B", "name": "Baishui", "county": "C&D", "lat": 37.0, "lon": 117.1, "zone": "Z1"}],
        investigators=[{"investigator_id": "I1", "name": "<script>alert(1)</script>", "township_id": "B",
                        "can_lead": True},
                       {"investigator_id": "I2", "name": "Li", "township_id": "A"}],
        cases=[{"case_id": "K1", "township_id": "A", "team_size": 1}],
        conflicts=[{"investigator_id": "I2", "case_id": "K1", "reason": "<img src=x onerror=alert(2)>"}],
    )
    r = zoneplan.staff(t)
    html = render_plan_html(plan_view(r, t, lang="en"))
    assert "<script>" not in html and "<img src=x" not in html and "<b>Anle" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;Anle&lt;/b&gt;" in html and "C&amp;D" in html


def test_plan_files_embed_the_zoning_map_when_zones_are_in_force(solved):
    """Zones in force: the zoning map and the assignment map; no zones: the assignment map only."""
    t, r = solved
    files = plan_files(r, t, lang="en")
    html = files["plan.html"].decode("utf-8")
    assert html.count("data:image/png;base64,") == 2
    assert "<figcaption>Collaboration zones in force (stars: hub townships)</figcaption>" in html
    assert "<figcaption>Who travels where: posted township -&gt; case township</figcaption>" in html
    assert files["map_zones.png"].startswith(b"\x89PNG") and files["map_assignments.png"].startswith(b"\x89PNG")
    r2 = zoneplan.staff(t, zoneplan.RuleOptions(use_zones=False))
    files2 = plan_files(r2, t, lang="en")
    assert files2["plan.html"].decode("utf-8").count("data:image/png") == 1 and "map_zones.png" not in files2


def test_chinese_names_and_places_throughout():
    t = make_tables(
        townships=[{"township_id": "A", "name": "安乐镇", "county": "恒平县", "lat": 37.0, "lon": 117.0, "zone": "一片区"},
                   {"township_id": "B", "name": "白水镇", "county": "恒平县", "lat": 37.0, "lon": 117.1, "zone": "一片区"}],
        investigators=[{"investigator_id": "I1", "name": "张桂英", "township_id": "B", "can_lead": True},
                       {"investigator_id": "I2", "name": "胡刚", "township_id": "A"}],
        cases=[{"case_id": "K1", "township_id": "A", "village": "安乐村", "subject_id": "S1", "team_size": 1}],
        relations=[{"a": "S1", "b": "I2", "relation": "夫妻"}],
    )
    r = zoneplan.staff(t)
    html = render_plan_html(plan_view(r, t, lang="zh"))
    k1 = card(html, "K1")
    assert "张桂英" in k1 and "白水镇" in k1 and "安乐镇 · 安乐村" in k1
    assert "<span class=\"r\">亲属关系回避</span>：与被调查人S1是夫妻（相隔 1 层关系）" in k1 and "<strong>胡刚</strong>" in k1
    assert "<h2>一片区</h2>" in html  # a zone's name that says it is one stands alone
