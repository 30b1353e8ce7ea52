"""Zone names a planner would choose, and the one order in which zones are listed.

**Names.**  A zone the planner named keeps its name: a kept zone, and a proposed zone with
exactly the members of a current zone.  Every other proposed zone is named after its hub
(驻地乡镇), as offices name their zones: the hub's name without its administrative ending
(镇, 乡, 街道, 民族乡, 苏木 ...) and 片区 -- hub 鹤溪街道 gives 鹤溪片区, hub 肖营镇 肖营片区 (a
hub named in Latin letters, ``Baishui Town``, gives ``Baishui Zone``).  Where that name is
already taken -- by a zone of the current zoning with other members, or by another zone of
the run (two counties each with a 城关镇 hub) -- the county's name goes before it
(恒平城关片区); a hub without a name (its id only) or a name still taken gives an ordinal in
geographic order, 第一协作区, 第二协作区 ... (after the county's name when the run has
several counties).  A generated name never names another zone.

**Order.**  Zones are listed county by county (counties in name order), and within a
county from north to south, then west to east, by the mean position of their townships'
seats (rounded to 0.01 degree, about a kilometre, so that zones level with each other go
west to east): in legends, report sections, tables and ``zones.csv`` alike.  Numbers of
:func:`ordinal` follow the same order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["zone_order", "zone_rank", "input_zone_rank", "order_zone_ids", "core_name", "hub_zone_name", "ordinal", "ZONE_WORD", "ORDINAL_WORD"]

#: The word after a hub's name (鹤溪片区), and the ordinal form (第一协作区).
ZONE_WORD = "片区"
ORDINAL_WORD = "协作区"
_LATIN_ZONE = " Zone"

#: Administrative endings dropped from a hub's name, longest first.
_ENDINGS = ("街道办事处", "民族乡", "民族镇", "办事处", "街道", "苏木", "镇", "乡")
#: Peoples named in the names of autonomous counties and ethnic townships (景宁畲族自治县, 循化撒拉族自治县).
_PEOPLES = ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
            "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔",
            "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯",
            "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各")
_MINORITY = re.compile("(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族(?:自治)?$")
_LATIN_ENDINGS = re.compile(r"\s+(?:Town|Township|Subdistrict|Sub-district|Street|Sumu|Ethnic Township)$", re.I)
_COUNTY_ENDINGS = ("自治县", "自治旗", "县", "市", "区", "旗")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = "零一二三四五六七八九"


def core_name(name: str) -> str:
    """A township's name without its administrative ending: 鹤溪街道 -> 鹤溪, 大均乡 -> 大均,
    景宁畲族自治县 -> 景宁 (for counties too); a name that would be left shorter than two
    characters stays whole (石乡 stays 石乡)."""
    s = str(name).strip()
    if not _CJK.search(s):
        return _LATIN_ENDINGS.sub("", s).strip() or s
    for end in (*_ENDINGS, *_COUNTY_ENDINGS):
        if s.endswith(end) and len(s) - len(end) >= 2:
            rest = _MINORITY.sub("", s[:-len(end)])
            return rest if len(rest) >= 2 else s[:-len(end)]
    return s


def hub_zone_name(hub_name: str) -> str:
    """The name of a zone after its hub: 鹤溪街道 -> 鹤溪片区 (Latin names: ``Baishui Zone``)."""
    core = core_name(hub_name)
    return f"{core}{ZONE_WORD}" if _CJK.search(core) else f"{core}{_LATIN_ZONE}"


def ordinal(k: int) -> str:
    """第一协作区, 第二协作区 ... 第十一协作区 ... (``k`` from 1)."""
    return f"第{_chinese_number(k)}{ORDINAL_WORD}"


def _chinese_number(k: int) -> str:
    if k < 10:
        return _DIGITS[k]
    if k < 20:
        return "十" + (_DIGITS[k % 10] if k % 10 else "")
    if k < 100:
        return _DIGITS[k // 10] + "十" + (_DIGITS[k % 10] if k % 10 else "")
    return str(k)


def zone_order(zone: Sequence[str], lat: Sequence[float], lon: Sequence[float],
               county: Sequence[str] | None = None) -> list[str]:
    """The zones of a per-township zone column in listing order (see the module doc).

    ``zone``, ``lat``, ``lon`` and ``county`` have one entry per township; ``""`` is no zone.

    Examples
    --------
    >>> zone_order(["南", "北", "北", "东"], [1.0, 3.0, 3.2, 2.0], [0.0, 0.0, 0.0, 5.0])
    ['北', '东', '南']
    """
    z = np.asarray(zone, dtype=object)
    df = pd.DataFrame({"zone": z, "lat": np.asarray(lat, dtype=float), "lon": np.asarray(lon, dtype=float),
                       "county": np.asarray(county if county is not None else [""] * len(z), dtype=object)})
    df = df[df["zone"].map(bool)]
    if not len(df):
        return []
    # one pass over the townships (a national zoning has 15,000 zones): first county, mean seat
    g = df.groupby("zone", sort=False).agg(county=("county", "first"), lat=("lat", "mean"), lon=("lon", "mean"))
    keys = {name: (str(c), -round(float(la), 2), round(float(lo), 2), str(name))
            for name, c, la, lo in zip(g.index.tolist(), g["county"].tolist(), g["lat"].tolist(), g["lon"].tolist())}
    return sorted(keys, key=keys.__getitem__)


def zone_rank(zone: Sequence[str], lat: Sequence[float], lon: Sequence[float],
              county: Sequence[str] | None = None) -> dict[str, int]:
    """Zone id -> its place in the listing order (:func:`zone_order`), from 0."""
    return {z: k for k, z in enumerate(zone_order(zone, lat, lon, county))}


def input_zone_rank(inp, zones) -> dict[str, int]:
    """:func:`zone_rank` of a zone table (``township_id``, ``zone``) over a
    :class:`~zoneplan.zoning.data.ZoningInput` (its seats and counties)."""
    zone_of = dict(zip(zones["township_id"].astype(str), zones["zone"].fillna("").astype(str)))
    return zone_rank([zone_of.get(t, "") for t in inp.township_ids], inp.lat, inp.lon, inp.county)


def order_zone_ids(ids: Sequence[str], zone_of_township: Mapping[str, str], lat: Mapping[str, float],
                   lon: Mapping[str, float], county: Mapping[str, str] | None = None) -> list[str]:
    """``ids`` (zone ids) in listing order, from per-township mappings (township id -> zone,
    latitude, longitude, county); zones no township belongs to come last, by name."""
    towns = [t for t, z in zone_of_township.items() if z]
    order = zone_order([zone_of_township[t] for t in towns], [lat[t] for t in towns], [lon[t] for t in towns],
                       [(county or {}).get(t, "") for t in towns])
    rank = {z: k for k, z in enumerate(order)}
    return sorted(ids, key=lambda z: (rank.get(z, len(rank)), str(z)))
