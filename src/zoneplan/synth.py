"""Deterministic synthetic instances that follow the input contract.

``generate(scale, seed)`` builds the six input tables (townships, adjacency,
investigators, cases, relations, conflicts) of a fictional region; ``write`` stores them
as CSV files that are byte-identical for the same scale and seed.  No ``travel.csv`` is
produced: the documented fall-back (haversine x 1.3 at 40 km/h) applies.

The structure follows the published practices (see ``DOMAIN.md``):

* county centres sit on a jittered grid ``county_grid_km`` apart; each county has 10-30
  township seats scattered around its centre with at least ``min_spacing_km`` between
  them; the county seat (``...T01``, "Chengguan Subdistrict") is at the centre;
* adjacency is :func:`zoneplan.geo.gabriel_adjacency`; every county is partitioned into
  connected collaboration zones of 2-3 townships (ids like ``C03-Z02``);
* each township has 2-4 township-level investigators, mostly locals; each county has
  8-15 county-level staff posted at the county seat;
* cases (problem leads) fall on townships in proportion to their villages; about 10 %
  need a large team (5-10 people) and about 10 % are escalated to county level;
* relations are family clusters around case subjects and investigators, with a few
  investigators one or two hops from a subject; about 1.5 % of cases carry a declared
  recusal.

Identifiers: townships ``C03T07``, villages ``C03T07V05``, investigators ``I000123``,
cases ``K000123``, subjects ``S000123``, other people ``P000456``.

Examples
--------
>>> tables = generate("county", seed=1)
>>> sorted(tables)
['adjacency', 'cases', 'conflicts', 'investigators', 'relations', 'townships']
>>> len(tables["townships"])
16
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zoneplan.data.contract import TABLES
from zoneplan.geo import gabriel_adjacency

__all__ = ["DEFAULTS", "DENSE_DEFAULTS", "SCALES", "TABLE_NAMES", "SKILLS", "generate", "write", "main",
           "living_tables"]

logger = logging.getLogger(__name__)

#: The tables produced, in writing order (``travel`` is left to the fall-back).
TABLE_NAMES = ("townships", "adjacency", "investigators", "cases", "relations", "conflicts")

#: Skills with the share of people who hold them and the share of cases that ask for them.
SKILLS: dict[str, tuple[float, float]] = {
    "finance": (0.22, 0.30),
    "law": (0.20, 0.20),
    "audit": (0.15, 0.20),
    "land": (0.13, 0.15),
    "interview": (0.18, 0.03),
    "engineering": (0.08, 0.08),
    "IT": (0.04, 0.04),
}

#: Every parameter, with its default.  ``(lo, hi)`` pairs are inclusive ranges.
DEFAULTS: dict[str, Any] = {
    "counties": 1,
    "townships": 16,
    "cases": 20,
    "county_size": (10, 30),  # townships per county
    "min_spacing_km": 13.0,  # minimum distance between township seats
    "county_grid_km": 130.0,  # distance between county centres
    "origin": (35.0, 115.0),  # lat, lon of the south-west county centre
    "villages": (5, 25),  # villages per township
    "township_staff": (2, 4),  # township-level investigators per township
    "county_staff": (8, 15),  # county-level staff per county
    "local_share": 0.75,  # township staff whose home is the township where posted
    "outside_share": 0.3,  # county staff from outside the county
    "lead_share_township": 0.05,  # besides each township's secretary, who always can lead
    "lead_share_county": 0.60,
    "available_share": 0.95,
    "busy_share": 0.25,  # people with one case already on hand
    "large_team_share": 0.10,
    "large_team": (5, 10),
    "escalated_share": 0.10,
    "kin_cluster_share": 0.45,  # subjects with a family cluster
    "kin_reach_share": 0.25,  # of those, clusters that reach an investigator
    "background_kin_share": 0.25,  # investigators with family of their own
    "colleague_share": 0.08,  # investigators linked to a colleague (同学/同事)
    "conflict_share": 0.015,  # cases with a declared recusal
    "living": False,  # also leaders, offices and villages (1+1+N, supervision areas); see living_tables
}

#: Parameters of the *dense* family (``{"family": "dense", ...}``): one county, no zones,
#: every township within the default 90-minute pool radius, so nearly every pair of the
#: roster and the case list is eligible: one part of hundreds x hundreds.  Teams of 3 whose
#: lead must come from a small subset, capacities close to the demand, thousands of
#: declared recusals.  The shape of a prefecture-level pool, a province's escalated cases,
#: or a county without zones and a wide travel radius.
DENSE_DEFAULTS: dict[str, Any] = {
    "family": "dense",
    "townships": 36,
    "min_spacing_km": 3.2,  # compact: the farthest two townships stay within 90 road minutes
    "origin": (35.0, 115.0),
    "villages": (5, 25),
    "investigators": 640,
    "county_share": 0.06,  # county-level staff, posted at the county seat
    "cases": 520,
    "team_size": 3,
    "lead_share": 0.14,  # who can lead: the small subset every team needs one of
    "member_max_cases": (1, 3),  # inclusive, uniform
    "lead_max_cases": (4, 8),
    "busy_share": 0.2,  # people with one case already on hand
    "local_share": 0.5,  # people whose home is the township where posted
    "skill_case_share": 0.35,  # cases that ask for one required skill
    "escalated_share": 0.04,
    "workload": (1.0, 1.0),  # every case the same weight, as in a conflict-of-interest data set
    "kin_share": 0.3,  # subjects with kin, a third of them reaching an investigator
    "conflicts": 3000,  # declared recusals
}

#: Named scales (only the differences from :data:`DEFAULTS`).
SCALES: dict[str, dict[str, Any]] = {
    "county": {"counties": 1, "townships": 16, "cases": 20},
    "prefecture": {"counties": 11, "townships": 134, "cases": 100},
    "province": {"counties": 136, "townships": 1800, "cases": 1300},
    "stress": {"counties": 136, "townships": 1800, "cases": 2600},
    # every township of the country: about 36,000 townships in 2,000 counties
    "national": {"counties": 2000, "townships": 36000, "cases": 26000, "origin": (18.0, 80.0),
                 "county_grid_km": 100.0},
    "dense": {"family": "dense"},
}

_FLOAT_DECIMALS = {"lat": 6, "lon": 6}  # every other float column: 2 decimals
_KM_PER_DEG = 111.195

_FIRST = (
    "An", "Bai", "Bei", "Chang", "Chen", "Da", "Dong", "Feng", "Gao", "Guo", "Han", "He",
    "Hong", "Hu", "Huang", "Jia", "Jin", "Kong", "Li", "Liang", "Lin", "Liu", "Long", "Ma",
    "Nan", "Ning", "Pan", "Qian", "Qing", "Shi", "Song", "Tang", "Tian", "Wang", "Wen",
    "Xi", "Xiao", "Xin", "Yang", "Yong", "Zhang", "Zhao", "Zheng", "Zhu",
)
_TOWN_SECOND = (
    "ba", "cheng", "dian", "fang", "gou", "guan", "he", "hu", "jia", "jiazhuang", "ji",
    "kou", "ling", "lou", "miao", "pu", "qiao", "shan", "si", "tai", "tun", "wa", "wang",
    "yang", "ying", "yuan", "zhai", "zhuang", "zhen", "zi",
)
_COUNTY_SECOND = (
    "chang", "cheng", "de", "feng", "he", "ling", "ning", "ping", "qing", "shan", "shui",
    "tai", "xian", "yang", "yi", "yuan", "zhou", "jin", "lu", "ze",
)
_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu",
    "Sun", "Hu", "Zhu", "Gao", "Lin", "He", "Guo", "Ma", "Luo", "Liang", "Song", "Zheng",
    "Xie", "Han", "Tang", "Feng", "Yu", "Dong", "Xiao", "Cheng", "Cao", "Yuan", "Deng",
)
_GIVEN = (
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan",
    "Jie", "Tao", "Ming", "Chao", "Xiuying", "Xia", "Ping", "Gang", "Guiying", "Hui",
    "Peng", "Hua", "Hong", "Dan", "Bo", "Xin", "Lin", "Jian", "Haiyan", "Zhiqiang",
    "Jianguo", "Shuang", "Yu", "Kai", "Lina", "Xiaoming", "Yuting", "Rui",
)
_KIN = ("夫妻", "兄弟", "姐妹", "兄妹", "父子", "母子", "父女", "母女", "姻亲", "叔侄")
_ACQUAINTANCE = ("同学", "同事", "战友", "邻居", "好友")
_RECUSAL_REASONS = (
    "曾在该村驻村工作",
    "与被调查人有经济往来",
    "近亲属在该村任职",
    "曾参与该事项审批",
    "本人申请回避",
)


# --------------------------------------------------------------------------- parameters


def _params(scale: str | Mapping[str, Any]) -> dict[str, Any]:
    """Resolve a scale name or a custom dict (optionally ``{"base": name, ...}``)."""
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)} or a dict")
        scale = {"base": scale}
    custom = dict(scale)
    base = custom.pop("base", None)
    if base is not None and base not in SCALES:
        raise ValueError(f"unknown base scale {base!r}; expected one of {', '.join(SCALES)}")
    named = SCALES[base] if base else {}
    family = custom.get("family", named.get("family", "regional"))
    defaults = DENSE_DEFAULTS if family == "dense" else DEFAULTS
    unknown = sorted(set(custom) - set(defaults) - {"family"})
    if unknown:
        raise ValueError(f"unknown synth parameter(s) {unknown} for the {family} family; known: {sorted(defaults)}")
    p = {**defaults, **named, **custom}
    if family == "dense":
        if p["townships"] < 2 or p["investigators"] < 1 or p["cases"] < 0 or p["team_size"] < 1:
            raise ValueError("a dense instance needs >= 2 townships, >= 1 investigator, >= 0 cases, team_size >= 1")
        return p
    lo, hi = p["county_size"]
    if not (p["counties"] >= 1 and 2 <= lo <= hi and p["counties"] * lo <= p["townships"] <= p["counties"] * hi):
        raise ValueError(
            f"{p['townships']} townships cannot be split over {p['counties']} counties of "
            f"{lo}-{hi} townships each")
    if p["cases"] < 0:
        raise ValueError(f"cases must be >= 0; got {p['cases']}")
    return p


# --------------------------------------------------------------------------- geography


def _county_sizes(total: int, k: int, lo: int, hi: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` townships over ``k`` counties, each with ``lo..hi`` townships."""
    sizes = np.full(k, lo, dtype=np.int64)
    rest = total - k * lo
    weights = rng.gamma(2.0, 1.0, k)
    while rest > 0:
        room = sizes < hi
        p = weights * room
        add = np.minimum(rng.multinomial(rest, p / p.sum()), hi - sizes)
        sizes += add
        rest -= int(add.sum())
    return sizes


def _scatter(n: int, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` points (km, around 0) with the first at the centre, ``spacing`` apart."""
    radius = spacing * math.sqrt(0.7 * n) + spacing
    pts = [np.zeros(2)]
    while len(pts) < n:
        for _ in range(400):
            r = radius * math.sqrt(rng.random())
            a = 2.0 * math.pi * rng.random()
            q = np.array([r * math.cos(a), r * math.sin(a)])
            if min(float(np.hypot(*(q - p))) for p in pts) >= spacing:
                pts.append(q)
                break
        else:
            radius *= 1.05
    return np.array(pts)


def _partition(n: int, edges: Sequence[tuple[int, int]], rng: np.random.Generator,
               budget: int = 5000) -> list[tuple[int, ...]] | None:
    """Split ``0..n-1`` into connected groups of 2-3 nodes, or ``None`` if none found.

    Backtracking on the most constrained free node; candidate groups are tried in a
    random order that prefers triples, so zone sizes are mixed but mostly 3.
    """
    nbrs: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    free = [True] * n
    groups: list[tuple[int, ...]] = []
    steps = [0]

    def candidates(v: int) -> list[tuple[int, ...]]:
        out: set[tuple[int, ...]] = set()
        for u in nbrs[v]:
            if not free[u]:
                continue
            out.add(tuple(sorted((v, u))))
            for w in nbrs[v] | nbrs[u]:
                if free[w] and w != v and w != u:
                    out.add(tuple(sorted((v, u, w))))
        cands = sorted(out)
        keys = rng.random(len(cands)) + np.array([0.0 if len(c) == 3 else 0.6 for c in cands])
        return [cands[i] for i in np.argsort(keys, kind="stable")]

    def solve() -> bool:
        steps[0] += 1
        if steps[0] > budget:
            return False
        best, best_deg = -1, n + 1
        for v in range(n):
            if free[v]:
                deg = sum(free[u] for u in nbrs[v])
                if deg == 0:
                    return False
                if deg < best_deg:
                    best, best_deg = v, deg
        if best < 0:
            return True
        for g in candidates(best):
            for v in g:
                free[v] = False
            groups.append(g)
            if solve():
                return True
            groups.pop()
            for v in g:
                free[v] = True
        return False

    return groups if solve() else None


# --------------------------------------------------------------------------- helpers


def _pick(rng: np.random.Generator, weights: Sequence[float]) -> int:
    """Index drawn with the given (unnormalised, positive) weights."""
    u = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        u -= w
        if u < 0.0:
            return i
    return len(weights) - 1


def _range(rng: np.random.Generator, bounds: Sequence[int]) -> int:
    """Integer drawn uniformly from an inclusive ``(lo, hi)`` range."""
    return int(rng.integers(bounds[0], bounds[1] + 1))


def _skills(rng: np.random.Generator, count_weights: Sequence[float], column: int) -> str:
    """A ``;``-joined sorted skill list whose length follows ``count_weights``.

    ``column`` selects the weights of :data:`SKILLS`: 0 for people, 1 for cases.
    """
    k = _pick(rng, count_weights)
    names = list(SKILLS)
    weights = [SKILLS[s][column] for s in names]
    chosen = []
    for _ in range(k):
        i = _pick(rng, weights)
        chosen.append(names[i])
        weights[i] = 0.0
    return ";".join(sorted(chosen))


def _bool(flag: bool) -> str:
    return "true" if flag else "false"


def _frame(name: str, rows: list[tuple]) -> pd.DataFrame:
    """A DataFrame with exactly the contract's columns for table ``name``."""
    cols = [c.name for c in TABLES[name].columns]
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


# --------------------------------------------------------------------------- generation


def generate(scale: str | Mapping[str, Any], seed: int = 0) -> dict[str, pd.DataFrame]:
    """Build a synthetic instance.

    Parameters
    ----------
    scale
        A name from :data:`SCALES` or a dict of :data:`DEFAULTS` keys to override
        (``{"base": "prefecture", "cases": 300}`` starts from a named scale).
    seed
        Seed of the random generator; the same scale and seed give the same tables.

    Returns
    -------
    dict[str, pandas.DataFrame]
        Tables keyed by :data:`TABLE_NAMES`, with the contract's column names; list
        columns are ``;``-joined strings and booleans are ``"true"``/``"false"``.

    Raises
    ------
    ValueError
        Unknown scale or parameter, negative seed, or townships that cannot be split
        into counties.
    """
    p = _params(scale)
    if int(seed) < 0:
        raise ValueError(f"seed must be >= 0; got {seed}")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 20240601]))
    if p.get("family") == "dense":
        tables = _dense(p, rng)
        logger.info("synthetic dense instance seed=%d: %s", seed,
                    ", ".join(f"{k}={len(v)}" for k, v in tables.items()))
        return tables
    world = _geography(p, rng)
    investigators, inv_rows = _investigators(p, world, rng)
    cases, case_rows = _cases(p, world, rng)
    relations = _relations(p, world, inv_rows, case_rows, rng)
    conflicts = _conflicts(p, world, inv_rows, case_rows, rng)
    tables = {
        "townships": world["townships"],
        "adjacency": world["adjacency"],
        "investigators": investigators,
        "cases": cases,
        "relations": relations,
        "conflicts": conflicts,
    }
    if p["living"]:  # drawn from their own stream: the six tables stay the same with or without
        tables.update(living_tables(world["townships"], seed))
    logger.info("synthetic instance seed=%d: %s", seed,
                ", ".join(f"{k}={len(v)}" for k, v in tables.items()))
    return tables


_VILLAGE_SECOND_ZH = ("庄", "集", "洼", "楼", "寨", "屯", "店", "营", "桥", "口", "岗", "湾", "坡", "河", "铺", "园")
_SURNAMES_ZH = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
                "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
                "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎")
_GIVEN_ZH = ("建国", "玉梅", "海涛", "丽", "志强", "秀英", "伟", "芳", "军", "静", "敏", "磊", "洋", "艳", "勇", "娜")
_TITLES_ZH = ("县纪委副书记、县监委副主任", "县纪委常委", "县纪委常委、县监委委员", "县监委委员")
_OFFICE_ZH = ("第一纪检监察室", "第二纪检监察室", "第三纪检监察室", "第四纪检监察室", "第五纪检监察室")


def living_tables(townships: pd.DataFrame, seed: int = 0, chinese: bool = False,
                  keep: Mapping[str, Sequence[str]] | None = None) -> dict[str, pd.DataFrame]:
    """Leaders, offices and villages for a townships table (contract columns).

    Per county: 3-5 leaders and 3-4 offices (county commission leadership and discipline
    inspection offices, 1+1+N), homes mostly inside the county.  Per township: its
    ``villages`` count of villages (``<township>V01``...), scattered within half the distance
    to the nearest other seat, 150-900 households (log-normal), about a third with a liaison
    (村级监督联络员).  ``chinese`` gives Chinese names; ``keep`` (township -> names) puts those
    village names first (names a case or roster already uses).  Deterministic in ``seed``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 20261126]))
    tw = townships.reset_index(drop=True)
    ids = tw["township_id"].astype(str).tolist()
    lat = tw["lat"].to_numpy(dtype=float)
    lon = tw["lon"].to_numpy(dtype=float)
    xy = np.column_stack([lon * math.cos(math.radians(float(lat.mean()))) * _KM_PER_DEG, lat * _KM_PER_DEG])
    rows = []
    for t in range(len(ids)):
        n = int(tw["villages"].iat[t])
        d = np.hypot(*(xy - xy[t]).T)
        d[t] = np.inf
        radius = 0.45 * float(d.min()) if len(ids) > 1 else 5.0
        names = list((keep or {}).get(ids[t], ()))[:n]
        used = set(names)
        while len(names) < n:
            if chinese:
                nm = _SURNAMES_ZH[int(rng.integers(len(_SURNAMES_ZH)))] + ("家" if rng.random() < 0.5 else "") + \
                    _VILLAGE_SECOND_ZH[int(rng.integers(len(_VILLAGE_SECOND_ZH)))] + "村"
            else:
                nm = f"{_FIRST[int(rng.integers(len(_FIRST)))]}{_TOWN_SECOND[int(rng.integers(len(_TOWN_SECOND)))]} Village"
            if nm not in used:
                used.add(nm)
                names.append(nm)
        for k, nm in enumerate(names):
            r = radius * math.sqrt(rng.random())
            a = 2 * math.pi * rng.random()
            v_lat = lat[t] + r * math.sin(a) / _KM_PER_DEG
            v_lon = lon[t] + r * math.cos(a) / (_KM_PER_DEG * math.cos(math.radians(lat[t])))
            households = int(min(2000, max(60, round(rng.lognormal(math.log(380), 0.45)))))
            liaison = rng.random() < 0.35
            person = ""
            if liaison and chinese:
                person = _SURNAMES_ZH[int(rng.integers(len(_SURNAMES_ZH)))] + _GIVEN_ZH[int(rng.integers(len(_GIVEN_ZH)))]
            rows.append((f"{ids[t]}V{k + 1:02d}", ids[t], nm, round(v_lat, 6), round(v_lon, 6), households,
                         int(round(households * rng.uniform(2.8, 3.6))), _bool(liaison), person))
    villages = _frame("villages", rows)
    leaders, offices = [], []
    for c in sorted(set(tw["county"].astype(str))):
        towns = [i for i, cc in zip(ids, tw["county"].astype(str)) if cc == c]
        for _ in range(_range(rng, (3, 5))):
            home = towns[int(rng.integers(len(towns)))] if rng.random() < 0.7 else ""
            name = (_SURNAMES_ZH[int(rng.integers(len(_SURNAMES_ZH)))] + _GIVEN_ZH[int(rng.integers(len(_GIVEN_ZH)))]
                    if chinese else f"{_SURNAMES[int(rng.integers(len(_SURNAMES)))]} {_GIVEN[int(rng.integers(len(_GIVEN)))]}")
            leaders.append((f"L{len(leaders) + 1:03d}", name, c,
                            _TITLES_ZH[int(rng.integers(len(_TITLES_ZH)))] if chinese else "leadership member", home))
        for j in range(_range(rng, (3, 4))):
            homes = sorted(set(towns[int(rng.integers(len(towns)))] for _ in range(_range(rng, (0, 3)))))
            offices.append((f"O{len(offices) + 1:03d}", _OFFICE_ZH[j] if chinese else f"Office {j + 1}", c,
                            ";".join(homes)))
    return {"leaders": _frame("leaders", leaders), "offices": _frame("offices", offices), "villages": villages}


def _geography(p: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Townships, adjacency and zones, plus look-ups used by the later steps."""
    k = int(p["counties"])
    width = max(2, len(str(k)))
    sizes = _county_sizes(int(p["townships"]), k, *p["county_size"], rng)
    cols = math.ceil(math.sqrt(k))
    lat0, lon0 = p["origin"]
    grid = float(p["county_grid_km"])
    stems = [f"{_FIRST[i // len(_COUNTY_SECOND)]}{_COUNTY_SECOND[i % len(_COUNTY_SECOND)]}"
             for i in rng.permutation(len(_FIRST) * len(_COUNTY_SECOND))]
    # more counties than name stems (national scale): later rounds carry a number
    county_names = [f"{stems[c % len(stems)]}{'' if c < len(stems) else f' {c // len(stems) + 1}'} County"
                    for c in range(k)]
    n_town_names = len(_FIRST) * len(_TOWN_SECOND)

    tid: list[str] = []
    tname: list[str] = []
    tcounty: list[str] = []
    tcounty_idx: list[int] = []  # county index of each township
    lat: list[float] = []
    lon: list[float] = []
    villages: list[int] = []
    zone: list[str] = []
    seats: list[int] = []
    county_towns: list[list[int]] = []
    adjacency_pairs: list[tuple[int, int]] = []

    for c in range(k):
        n = int(sizes[c])
        row, col = divmod(c, cols)
        cx = col * grid + rng.uniform(-0.08, 0.08) * grid
        cy = row * grid + rng.uniform(-0.08, 0.08) * grid
        while True:  # re-scatter in the rare case no 2-3 zoning exists
            xy = _scatter(n, float(p["min_spacing_km"]), rng)
            clat = lat0 + (cy + xy[:, 1]) / _KM_PER_DEG
            clon = lon0 + (cx + xy[:, 0]) / (_KM_PER_DEG * np.cos(np.radians(clat)))
            clat, clon = np.round(clat, 6), np.round(clon, 6)
            edges = gabriel_adjacency(clat, clon, ["c"] * n)
            groups = _partition(n, edges, rng)
            if groups is not None:
                break
        adjacency_pairs.extend((len(tid) + a, len(tid) + b) for a, b in edges)
        zone_local = [0] * n
        for z, g in enumerate(sorted(groups), start=1):
            for v in g:
                zone_local[v] = z
        dist_centre = np.hypot(xy[:, 0], xy[:, 1])
        streets = set(np.argsort(dist_centre, kind="stable")[1:1 + int(rng.integers(0, 3))].tolist())
        names = rng.permutation(n_town_names)[:n]
        base = len(tid)
        seats.append(base)
        county_towns.append(list(range(base, base + n)))
        for t in range(n):
            t_id = f"C{c + 1:0{width}d}T{t + 1:02d}"
            ni = int(names[t])
            stem = f"{_FIRST[ni // len(_TOWN_SECOND)]}{_TOWN_SECOND[ni % len(_TOWN_SECOND)]}"
            if t == 0:
                label = "Chengguan Subdistrict"
            elif t in streets:
                label = f"{stem} Subdistrict"
            else:
                label = f"{stem} {'Town' if rng.random() < 0.8 else 'Township'}"
            tid.append(t_id)
            tname.append(label)
            tcounty.append(county_names[c])
            tcounty_idx.append(c)
            lat.append(float(clat[t]))
            lon.append(float(clon[t]))
            villages.append(_range(rng, p["villages"]))
            zone.append(f"C{c + 1:0{width}d}-Z{zone_local[t]:02d}")

    townships = _frame("townships", list(zip(tid, tname, tcounty, lat, lon, villages, zone)))
    # the per-county Gabriel graphs equal gabriel_adjacency(lat, lon, county) overall
    adjacency = _frame("adjacency", [(tid[a], tid[b]) for a, b in sorted(adjacency_pairs)])
    zone_members: dict[str, list[int]] = {}
    for i, z in enumerate(zone):
        zone_members.setdefault(z, []).append(i)
    return {
        "townships": townships, "adjacency": adjacency, "tid": tid, "county": tcounty_idx,
        "villages": villages, "zone": zone, "zone_members": zone_members, "seats": seats,
        "county_towns": county_towns,
    }


def _village(world: dict[str, Any], t: int, rng: np.random.Generator) -> str:
    """A random existing village id of township index ``t``."""
    return f"{world['tid'][t]}V{_range(rng, (1, world['villages'][t])):02d}"


def _investigators(p: dict[str, Any], world: dict[str, Any],
                   rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The roster: 2-4 township staff per township and 8-15 county staff per county.

    The first person of each township is its commission secretary, who can lead a team;
    in all about a third of township staff and 60 % of county staff can lead.
    """
    rows: list[dict[str, Any]] = []
    lo, hi = p["township_staff"]
    staff_weights = [1.0 + 0.6 * i for i in range(hi - lo + 1)]  # bigger offices a bit more likely

    def person(t_posted: int, level: str, h: tuple[int, str, str], secretary: bool = False) -> None:
        county = level == "county"
        max_cases = 1 + _pick(rng, (0.2, 0.5, 0.3) if county else (0.35, 0.45, 0.2))
        busy = max_cases >= 2 and rng.random() < p["busy_share"]
        rows.append({
            "investigator_id": f"I{len(rows) + 1:06d}",
            "name": f"{_SURNAMES[int(rng.integers(len(_SURNAMES)))]} {_GIVEN[int(rng.integers(len(_GIVEN)))]}",
            "township_id": world["tid"][t_posted],
            "level": level,
            "home_idx": h[0],
            "home_township": h[1],
            "home_village": h[2],
            "skills": _skills(rng, (0.15, 0.45, 0.30, 0.10) if county else (0.35, 0.45, 0.17, 0.03), 0),
            "can_lead": rng.random() < p["lead_share_county" if county else "lead_share_township"] or secretary,
            "max_cases": max_cases,
            "available": rng.random() < p["available_share"],
            "current_cases": int(busy),
            "current_workload": round(float(rng.uniform(0.5, 2.0)), 2) if busy else 0.0,
            "posted_idx": t_posted,
            "county_idx": world["county"][t_posted],
        })

    for c, towns in enumerate(world["county_towns"]):
        for t in towns:
            for k in range(lo + _pick(rng, staff_weights)):
                person(t, "township", _home(world, c, t, p["local_share"], 0.05, rng), secretary=k == 0)
        seat = world["seats"][c]
        for _ in range(_range(rng, p["county_staff"])):
            person(seat, "county", _home(world, c, seat, 0.0, p["outside_share"], rng))
    cols = [c.name for c in TABLES["investigators"].columns]
    frame = _frame("investigators", [
        tuple(_bool(r[c]) if c in ("can_lead", "available") else r.get(c, "") for c in cols) for r in rows])
    return frame, rows


def _home(world: dict[str, Any], c: int, posted: int, p_local: float, p_outside: float,
          rng: np.random.Generator) -> tuple[int, str, str]:
    """(home township index or -1, home township id, home village id) of a new person.

    With probability ``p_local`` home is where the person is posted, with ``p_outside``
    outside county ``c`` (another county's township, or blank in a one-county instance),
    otherwise any township of county ``c``.
    """
    u = rng.random()
    n_counties = len(world["county_towns"])
    if u < p_local:
        h = posted
    elif u < p_local + p_outside:
        if n_counties == 1:
            return -1, "", ""
        other = int(rng.integers(n_counties - 1))
        other += other >= c
        towns = world["county_towns"][other]
        h = towns[int(rng.integers(len(towns)))]
    else:
        towns = world["county_towns"][c]
        h = towns[int(rng.integers(len(towns)))]
    return h, world["tid"][h], _village(world, h, rng)


def _cases(p: dict[str, Any], world: dict[str, Any],
           rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Problem leads, spread over townships in proportion to their villages."""
    n = int(p["cases"])
    w = np.asarray(world["villages"], dtype=float)
    towns = np.sort(rng.choice(len(w), size=n, p=w / w.sum())) if n else np.zeros(0, dtype=np.int64)
    lo, hi = p["large_team"]
    large_weights = [1.0 / (1 + i) for i in range(hi - lo + 1)]  # 5-6 more often than 10
    rows: list[dict[str, Any]] = []
    subjects = 0
    last_in_town: dict[int, dict[str, Any]] = {}
    for t in (int(x) for x in towns):
        prev = last_in_town.get(t)
        if prev is not None and rng.random() < 0.04:  # a second lead on the same person
            subject, village = prev["subject_id"], prev["village"]
        else:
            subjects += 1
            subject, village = f"S{subjects:06d}", _village(world, t, rng)
        large = rng.random() < p["large_team_share"]
        size = lo + _pick(rng, large_weights) if large else 1 + _pick(rng, (0.08, 0.50, 0.42))
        share = p["escalated_share"]
        escalated = size >= 2 and rng.random() < (min(1.0, 3.5 * share) if large else 0.75 * share)
        priority = 1 + _pick(rng, (0.5, 0.35, 0.15))
        if large or escalated:
            priority = max(priority, 2)
        if large:
            workload = rng.uniform(1.8, 3.0)
        elif size == 1:
            workload = rng.uniform(0.5, 1.0)
        else:
            workload = rng.uniform(0.5, 2.0)
        row = {
            "case_id": f"K{len(rows) + 1:06d}",
            "township_id": world["tid"][t],
            "village": village,
            "subject_id": subject,
            "team_size": size,
            "required_skills": _skills(rng, (0.30, 0.45, 0.25) if large else (0.55, 0.35, 0.10), 1),
            "needs_lead": size >= 2,
            "escalated": escalated,
            "priority": priority,
            "workload": round(float(workload), 2),
            "town_idx": t,
        }
        rows.append(row)
        last_in_town[t] = row
    cols = [c.name for c in TABLES["cases"].columns]
    frame = _frame("cases", [
        tuple(_bool(r[c]) if c in ("needs_lead", "escalated") else r[c] for c in cols) for r in rows])
    return frame, rows


def _pools(world: dict[str, Any], inv_rows: list[dict[str, Any]]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Investigator indices by county (county staff) and by posted township (township staff)."""
    county_staff: dict[int, list[int]] = {}
    town_staff: dict[int, list[int]] = {}
    for i, r in enumerate(inv_rows):
        if r["level"] == "county":
            county_staff.setdefault(r["county_idx"], []).append(i)
        else:
            town_staff.setdefault(r["posted_idx"], []).append(i)
    return county_staff, town_staff


def _candidates(world: dict[str, Any], case: dict[str, Any], inv_rows: list[dict[str, Any]],
                county_staff: dict[int, list[int]], town_staff: dict[int, list[int]]) -> list[int]:
    """Investigators who could otherwise work ``case``: its pool minus locals."""
    t = case["town_idx"]
    pool = list(county_staff.get(world["county"][t], []))
    for u in world["zone_members"][world["zone"][t]]:
        if u != t:
            pool.extend(town_staff.get(u, []))
    return [i for i in pool if inv_rows[i]["home_idx"] != t and inv_rows[i]["home_village"] != case["village"]]


def _relations(p: dict[str, Any], world: dict[str, Any], inv_rows: list[dict[str, Any]],
               case_rows: list[dict[str, Any]], rng: np.random.Generator) -> pd.DataFrame:
    """Family clusters around subjects and investigators, and a few acquaintances.

    Some clusters reach an investigator of the case's pool one hop (acquainted with the
    subject) or two hops (kin of the subject's kin) away; a few reach three hops away,
    which the default two-hop rule does not exclude.
    """
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    people = [0]

    def link(a: str, b: str, words: Sequence[str]) -> None:
        key = (a, b) if a < b else (b, a)
        if a != b and key not in seen:
            seen.add(key)
            rows.append((a, b, words[int(rng.integers(len(words)))]))

    def person() -> str:
        people[0] += 1
        return f"P{people[0]:06d}"

    inv_id = [r["investigator_id"] for r in inv_rows]
    county_staff, town_staff = _pools(world, inv_rows)
    done: set[str] = set()
    for case in case_rows:
        subject = case["subject_id"]
        if subject in done or rng.random() >= p["kin_cluster_share"]:
            continue
        done.add(subject)
        kin = [person() for _ in range(_range(rng, (1, 3)))]
        for r in kin:
            link(subject, r, _KIN)
        if rng.random() < 0.3:
            link(kin[int(rng.integers(len(kin)))], person(), _KIN)
        if rng.random() < p["kin_reach_share"]:
            cands = _candidates(world, case, inv_rows, county_staff, town_staff)
            if cands:
                i = cands[int(rng.integers(len(cands)))]
                if rng.random() < 1.0 / 3.0:
                    link(subject, inv_id[i], _ACQUAINTANCE + _KIN[:3])
                else:
                    link(kin[int(rng.integers(len(kin)))], inv_id[i], _KIN + _ACQUAINTANCE)
            if cands and rng.random() < 0.4:  # three hops: not excluded by the default rule
                j = cands[int(rng.integers(len(cands)))]
                middle = person()
                link(kin[int(rng.integers(len(kin)))], middle, _KIN)
                link(middle, inv_id[j], _ACQUAINTANCE)
    by_county: dict[int, list[int]] = {}
    for i, r in enumerate(inv_rows):
        by_county.setdefault(r["county_idx"], []).append(i)
    for i, r in enumerate(inv_rows):
        if rng.random() < p["background_kin_share"]:
            for _ in range(_range(rng, (1, 2))):
                link(inv_id[i], person(), _KIN)
        if rng.random() < p["colleague_share"]:
            mates = by_county[r["county_idx"]]
            link(inv_id[i], inv_id[mates[int(rng.integers(len(mates)))]], _ACQUAINTANCE[:2])
    return _frame("relations", rows)


def _conflicts(p: dict[str, Any], world: dict[str, Any], inv_rows: list[dict[str, Any]],
               case_rows: list[dict[str, Any]], rng: np.random.Generator) -> pd.DataFrame:
    """Declared recusals on about ``conflict_share`` of the cases (at least one)."""
    n = len(case_rows)
    if n == 0:
        return _frame("conflicts", [])
    k = min(n, max(1, round(p["conflict_share"] * n)))
    county_staff, town_staff = _pools(world, inv_rows)
    rows: list[tuple[str, str, str]] = []
    for ci in sorted(rng.choice(n, size=k, replace=False).tolist()):
        case = case_rows[ci]
        cands = _candidates(world, case, inv_rows, county_staff, town_staff)
        if cands:
            i = cands[int(rng.integers(len(cands)))]
            reason = _RECUSAL_REASONS[int(rng.integers(len(_RECUSAL_REASONS)))]
            rows.append((inv_rows[i]["investigator_id"], case["case_id"], reason))
    return _frame("conflicts", rows)


# --------------------------------------------------------------------------- dense family


def _dense(p: dict[str, Any], rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """One county without zones whose whole roster is the pool of every case.

    Township seats are scattered ``min_spacing_km`` apart around the county seat, close
    enough that every pair is within the default pool radius; investigators are posted at
    random townships (county-level staff at the seat); every case needs a team of
    ``team_size`` with a lead from the ``lead_share`` subset (county-level when escalated);
    leads carry more cases than members; declared recusals are drawn uniformly.
    """
    n = int(p["townships"])
    lat0, lon0 = p["origin"]
    xy = _scatter(n, float(p["min_spacing_km"]), rng)
    lat = np.round(lat0 + xy[:, 1] / _KM_PER_DEG, 6)
    lon = np.round(lon0 + xy[:, 0] / (_KM_PER_DEG * np.cos(np.radians(lat))), 6)
    tid = [f"D{t + 1:02d}" for t in range(n)]
    villages = [_range(rng, p["villages"]) for _ in range(n)]
    names = ["Chengguan Subdistrict"] + [f"{_FIRST[k % len(_FIRST)]}{_TOWN_SECOND[k % len(_TOWN_SECOND)]} Town"
                                         for k in rng.permutation(len(_FIRST) * len(_TOWN_SECOND))[:n - 1].tolist()]
    county = "Dacheng County"
    townships = _frame("townships", [(tid[t], names[t], county, float(lat[t]), float(lon[t]), villages[t], "")
                                     for t in range(n)])
    edges = gabriel_adjacency(lat, lon, [county] * n)
    adjacency = _frame("adjacency", [(tid[a], tid[b]) for a, b in sorted(edges)])

    def village(t: int) -> str:
        return f"{tid[t]}V{_range(rng, (1, villages[t])):02d}"

    inv_rows = []
    for k in range(int(p["investigators"])):
        is_county = rng.random() < p["county_share"]
        posted = 0 if is_county else int(rng.integers(n))
        home = posted if rng.random() < p["local_share"] else int(rng.integers(n))
        lead = rng.random() < p["lead_share"]
        cap = _range(rng, p["lead_max_cases" if lead else "member_max_cases"])
        busy = rng.random() < p["busy_share"]
        inv_rows.append((
            f"I{k + 1:06d}", f"{_SURNAMES[int(rng.integers(len(_SURNAMES)))]} {_GIVEN[int(rng.integers(len(_GIVEN)))]}",
            tid[posted], "county" if is_county else "township", tid[home], village(home),
            _skills(rng, (0.2, 0.5, 0.25, 0.05), 0), _bool(lead), cap, _bool(True), int(busy),
            round(float(rng.uniform(*p["workload"])), 2) if busy else 0.0, ""))  # can_review: blank, the default
    investigators = _frame("investigators", inv_rows)

    case_rows = []
    lo, hi = p["workload"]
    for k in range(int(p["cases"])):
        t = int(rng.integers(n))
        skill = _skills(rng, (0.0, 1.0), 1) if rng.random() < p["skill_case_share"] else ""
        size = int(p["team_size"])
        case_rows.append((
            f"K{k + 1:06d}", tid[t], village(t), f"S{k + 1:06d}", size, skill, _bool(size >= 2),
            _bool(size >= 2 and rng.random() < p["escalated_share"]), 1 + _pick(rng, (0.5, 0.35, 0.15)),
            round(float(rng.uniform(lo, hi)), 2)))
    cases = _frame("cases", case_rows)

    rel = []
    n_inv, n_case = len(inv_rows), len(case_rows)
    people = 0
    for k in range(n_case):
        if rng.random() >= p["kin_share"]:
            continue
        people += 1
        relative = f"P{people:06d}"
        rel.append((case_rows[k][3], relative, _KIN[int(rng.integers(len(_KIN)))]))
        if rng.random() < 1.0 / 3.0:
            rel.append((relative, inv_rows[int(rng.integers(n_inv))][0], _KIN[int(rng.integers(len(_KIN)))]))
    relations = _frame("relations", rel)

    seen: set[tuple[int, int]] = set()
    conf = []
    want = min(int(p["conflicts"]), n_inv * n_case)
    while len(conf) < want:
        i, c = int(rng.integers(n_inv)), int(rng.integers(n_case))
        if (i, c) not in seen:
            seen.add((i, c))
            conf.append((inv_rows[i][0], case_rows[c][0], _RECUSAL_REASONS[int(rng.integers(len(_RECUSAL_REASONS)))]))
    conflicts = _frame("conflicts", sorted(conf, key=lambda r: (r[1], r[0])))
    return {"townships": townships, "adjacency": adjacency, "investigators": investigators, "cases": cases,
            "relations": relations, "conflicts": conflicts}


# --------------------------------------------------------------------------- writing


def _column_text(name: str, values: pd.Series) -> list[str]:
    """One column as fixed-format text: floats with fixed decimals, bools as true/false."""
    arr = values.to_numpy()
    if pd.api.types.is_bool_dtype(values):
        return ["true" if v else "false" for v in arr]
    if pd.api.types.is_float_dtype(values):
        d = _FLOAT_DECIMALS.get(name, 2)
        return [f"{v:.{d}f}" for v in arr]
    if pd.api.types.is_integer_dtype(values):
        return [str(int(v)) for v in arr]
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in arr]


def write(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<name>.csv`` (UTF-8, ``\\n`` line ends, fixed float format).

    Floats get 6 decimals for ``lat``/``lon`` and 2 elsewhere, so the same tables always
    give byte-identical files.  Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    order = [n for n in TABLE_NAMES if n in tables] + sorted(set(tables) - set(TABLE_NAMES))
    paths = []
    for name in order:
        df = tables[name]
        path = out / f"{name}.csv"
        cols = [_column_text(str(c), df[c]) for c in df.columns]
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([str(c) for c in df.columns])
            w.writerows(zip(*cols))
        paths.append(path)
    logger.info("wrote %d tables to %s", len(paths), out)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m zoneplan.synth SCALE OUT_DIR [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m zoneplan.synth",
        description="Write a deterministic synthetic zoneplan instance as CSV files.")
    parser.add_argument("scale", help=f"one of {', '.join(SCALES)}, a JSON object of parameters, "
                                      "or a .json file holding one")
    parser.add_argument("out_dir", help="directory to write the CSV files to")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    scale: str | dict[str, Any] = args.scale
    try:
        if args.scale.lstrip().startswith("{"):
            scale = json.loads(args.scale)
        elif args.scale.endswith(".json"):
            scale = json.loads(Path(args.scale).read_text(encoding="utf-8"))
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        write(generate(scale, seed=args.seed), args.out_dir)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
