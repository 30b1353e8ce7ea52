"""Side files a planner hands in besides the tables: zonings (zones.csv) and what-if files.

``zones.csv`` is written by ``zoneplan zone`` (:func:`zoning_table`) with one row per
township and the zone's figures beside it, and read back by :func:`read_zoning`, which needs
only its ``township_id`` and ``zone`` columns (a planner's hand-made zoning works too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..data.tables import Tables
from ..errors import InputError

__all__ = ["read_zoning", "read_whatifs", "zoning_table", "with_leadership", "WHATIF_KINDS", "WHATIF_WORDS",
           "ZONING_COLUMNS", "LEADERSHIP_ZONE_COLUMNS"]

WHATIF_KINDS = ("together", "apart", "keep", "exclude")

#: Columns of zones.csv as ``zone`` writes it; ``zone_*`` repeat the zone's figures on each row.
ZONING_COLUMNS = ("township_id", "name", "county", "zone", "zone_size", "hub", "hub_name",
                  "villages", "zone_villages", "staff", "zone_staff")


def read_zoning(path: str | Path, tables: Tables) -> pd.DataFrame:
    """Read a zoning (a folder holding ``zones.csv``, the file, or a workbook): ``township_id, zone``.

    Headers may be Chinese (乡镇编号/乡镇, 协作区), townships may be given by name, a zone
    column merged over its townships (xlsx) is filled down, and ``无`` says "in no zone".
    Other columns (those ``zone`` writes, remarks) are ignored; townships not listed are in
    no zone.  Zone ids are kept as the planner wrote them.

    Raises
    ------
    InputError
        Unknown, ambiguous or repeated townships, missing columns, a blank zone between
        filled ones (merged cells saved as CSV: fill down, or write 无), a zone across counties.
    """
    from ..data.load import read_side, resolve_column, township_lookup

    parsed = read_side(path, "zones", "zones.csv", ("a zoning folder holding zones.csv, or a zones.csv file",
                                                    "存放 zones.csv 的协作区方案文件夹，或 zones.csv 文件"))
    resolve_column(parsed, "township_id", township_lookup(tables), ("township", "乡镇"))
    f = parsed.frame
    problems = []
    seen: dict[str, int] = {}
    for k, t in enumerate(f["township_id"].tolist()):
        if t in seen:
            problems.append(parsed.problem(k, "township_id", t, (f"each township once; already on line {seen[t]}",
                                                                 f"每个乡镇只出现一次；第 {seen[t]} 行已有")))
        else:
            seen[t] = int(parsed.lines[k])
    from ..data.places import canonical_zones

    zones = canonical_zones(f["zone"].tolist())[0]  # 第1协作区 = 第一协作区: one zone, one spelling
    f["zone"] = zones
    last_filled = max((k for k, z in enumerate(zones) if z), default=-1)
    for k, z in enumerate(zones):
        if not z and k < last_filled:
            problems.append(parsed.problem(k, "zone", "", (
                "a zone on every line above the last zoned township (write 无 for a township in no zone)",
                "最后一个已划区乡镇之前的每一行都填写协作区（不属于任何协作区的填“无”）"),
                ("if the zone was a merged cell, fill it down on every line", "如协作区原为合并单元格，请逐行填写")))
    county = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    first: dict[str, tuple[str, int]] = {}
    for k, (t, z) in enumerate(zip(f["township_id"].tolist(), zones)):
        if z and t in county:
            c, line = first.setdefault(z, (county[t], int(parsed.lines[k])))
            if county[t] != c:
                problems.append(parsed.problem(k, "zone", z, (
                    f"a zone inside one county; zone {z} holds townships of {c} (line {line}) and of {county[t]}",
                    f"协作区不跨县；协作区 {z} 既有 {c}（第 {line} 行）的乡镇，也有 {county[t]} 的乡镇")))
    if problems:
        raise InputError(problems[:50], max(0, len(problems) - 50))
    return f[["township_id", "zone"]].reset_index(drop=True)


def zoning_table(inp: Any, zones: pd.DataFrame) -> pd.DataFrame:
    """zones.csv for people: each township with its name, zone, hub and the zone's figures.

    ``inp`` is the :class:`~zoneplan.zoning.data.ZoningInput` the zoning was made for;
    ``zones`` holds ``township_id, zone``.  The hub is recomputed by the documented rule (the
    member with the least total road minutes to the others).  Staff columns are blank when no
    roster was given.  Rows: by zone in listing order (:mod:`zoneplan.zoning.naming`: county,
    then north to south, west to east), then township id; townships in no zone last.
    """
    from ..zoning import zone_metrics
    from ..zoning.naming import input_zone_rank

    _, per_zone = zone_metrics(inp, zones[["township_id", "zone"]])
    by_zone = per_zone.set_index("zone")
    zone_of = dict(zip(zones["township_id"].astype(str), zones["zone"].fillna("").astype(str)))
    rows = []
    for i, t in enumerate(inp.township_ids):
        z = zone_of.get(t, "")
        hub = by_zone.at[z, "hub"] if z else ""
        rows.append({
            "township_id": t, "name": inp.names[i], "county": inp.county[i], "zone": z,
            "zone_size": by_zone.at[z, "size"] if z else None, "hub": hub,
            "hub_name": inp.names[inp.index(hub)] if hub else "",
            "villages": inp.villages[i], "zone_villages": by_zone.at[z, "villages"] if z else None,
            "staff": None if inp.staff is None else inp.staff[i],
            "zone_staff": by_zone.at[z, "staff"] if z and inp.staff is not None else None,
        })
    out = pd.DataFrame(rows, columns=list(ZONING_COLUMNS))
    for c in ("zone_size", "villages", "zone_villages", "staff", "zone_staff"):
        out[c] = pd.array(out[c].map(lambda v: None if v is None or pd.isna(v) else round(float(v))), dtype="Int64")
    rank = input_zone_rank(inp, zones)
    out["_none"] = out["zone"] == ""
    out["_rank"] = out["zone"].map(lambda z: rank.get(z, len(rank)))
    out = out.sort_values(["_none", "_rank", "township_id"], kind="stable").drop(columns=["_none", "_rank"])
    return out.reset_index(drop=True)


#: Columns zones.csv gains with 1+1+N leadership (after :data:`ZONING_COLUMNS`).
LEADERSHIP_ZONE_COLUMNS = ("leader", "leader_name", "office", "office_name")


def with_leadership(table: pd.DataFrame, leadership: pd.DataFrame) -> pd.DataFrame:
    """zones.csv rows (:func:`zoning_table`) with each zone's leader and office (ids and names).

    ``leadership`` is :attr:`zoneplan.leadership.LeadershipResult.zones`; townships in no zone
    get blanks.
    """
    by_zone = leadership.set_index("zone")
    out = table.copy()
    for c in LEADERSHIP_ZONE_COLUMNS:
        out[c] = [str(by_zone.at[z, c]) if z and z in by_zone.index else "" for z in out["zone"]]
    return out


#: What-if words: English, and the Chinese a planner writes.
WHATIF_WORDS = {
    "together": ("together", "在一起", "同区", "同一协作区", "合并", "一起", "划在一起"),
    "apart": ("apart", "分开", "不同区", "拆开", "分开划"),
    "keep": ("keep", "保留", "保持", "不变"),
    "exclude": ("exclude", "排除", "不划入", "除外", "不参加"),
}


def read_whatifs(path: str | Path, tables: Tables | None = None) -> dict[str, Any]:
    """Read a what-if file: ``kind,a,b`` with kind together|apart (a, b) or keep|exclude (a).

    Kinds may be Chinese (在一起, 分开, 保留, 排除); ``keep`` takes a zone id (or ``all`` /
    ``全部``); the other kinds take townships, by id or, with ``tables``, by name.  Returns
    keyword arguments for :class:`zoneplan.zoning.ZoningOptions`.

    Raises
    ------
    InputError
        An unknown kind, a missing township, a township that names nothing or two things.
    """
    from ..data.cells import key
    from ..data.load import read_side, township_lookup

    parsed = read_side(path, "whatifs", None, ("an existing what-if file (CSV or xlsx)", "存在的假设文件（CSV 或 xlsx）"))
    f = parsed.frame
    words = {key(w): kind for kind, ws in WHATIF_WORDS.items() for w in ws}
    lk = township_lookup(tables) if tables is not None else None
    out: dict[str, Any] = {"together": [], "apart": [], "keep": [], "exclude": []}
    problems = []

    def town(k: int, column: str, value: str) -> str:
        if lk is None:
            return value
        r = lk.resolve(value)
        if r.id is not None:
            return r.id
        cands = ", ".join(r.candidates) if r.how == "ambiguous" else ", ".join(lk.suggest(value))
        problems.append(parsed.problem(k, column, value, ("one known township (id or name)", "唯一的已有乡镇（编号或名称）"),
                                       (f"candidates: {cands}", f"候选：{cands}") if cands else ("", "")))
        return value

    for k, (kind_text, a, b) in enumerate(f[["kind", "a", "b"]].itertuples(index=False)):
        kind = words.get(key(kind_text))
        if kind is None:
            problems.append(parsed.problem(k, "kind", kind_text, (
                "together, apart, keep or exclude (在一起, 分开, 保留, 排除)", "在一起、分开、保留 或 排除")))
        elif kind in ("together", "apart") and (not a or not b):
            problems.append(parsed.problem(k, "b" if a else "a", b if a else a,
                                           (f"two townships for {kind}", f"“{kind_text}”需要两个乡镇")))
        elif not a:
            problems.append(parsed.problem(k, "a", a, ("a value", "填写内容")))
        elif kind in ("together", "apart"):
            out[kind].append((town(k, "a", a), town(k, "b", b)))
        elif kind == "exclude":
            out[kind].append(town(k, "a", a))
        else:
            out[kind].append(a)
    if problems:
        raise InputError(problems)
    if any(key(x) in ("all", "全部", "所有") for x in out["keep"]):
        out["keep"] = True
    return out
