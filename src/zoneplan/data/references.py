"""References: every township, person, village, case and zone a table names resolved to one
identity or refused (the fourth stage of the loader, :mod:`.load`; people in :mod:`.people`,
villages and zones in :mod:`.places`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import key
from .collect import Collector, Parsed
from .parse import check_unique
from .people import resolve_people
from .places import resolve_villages, resolve_zones
from .resolve import Lookup

__all__ = ["validate_references", "resolve_reference_column", "lookup_townships", "describe", "ids_of"]


def lookup_townships(tw: pd.DataFrame) -> Lookup:
    return Lookup(tw["township_id"].tolist(), tw["name"].tolist(), tw["county"].tolist(), endings=True)


def describe(lk: Lookup, ids, county: dict[str, str] | None = None) -> str:
    return ", ".join(lk.describe(i, county) for i in ids)


def resolve_reference_column(t: Parsed, column: str, lk: Lookup, what: tuple[str, str], col: Collector,
                    outside_ok: bool = False, county: dict[str, str] | None = None,
                    person: bool = False) -> dict[str, int]:
    """Resolve one reference column in place; count how values resolved (for notes)."""
    vals = t.frame[column].to_numpy(dtype=object)
    codes, uniques, res = lk.resolve_array(vals)
    hows: dict[str, int] = {}
    for u, r in enumerate(res):
        hows[r.how] = hows.get(r.how, 0) + 1
    named = [uniques[u] for u, r in enumerate(res) if r.how in ("name", "variant", "ending")]
    if named:
        col.resolved((what[0] + "s", what[1]), t.name, t.typed.get(column, column), named)
    resolved_u = [r.id if r.id is not None else u for u, r in zip(uniques, res)]
    close = {u: lk.suggest(uniques[u]) for u, r in enumerate(res) if r.how == "unknown" and not person}
    bad = [u for u, r in enumerate(res) if r.how == "ambiguous" or (u in close and not (outside_ok and not close[u]))]
    rows_of = _rows_by_code(codes, bad)
    for u in bad:
        value, r, rows = uniques[u], res[u], rows_of[u]
        if r.how == "ambiguous":
            cands = describe(lk, r.candidates, county)
            for k in rows[: col.cap]:
                col.add(t.problem(int(k), column, value,
                                  (f"one {what[0]}; {value!r} names {len(r.candidates)}: {cands}",
                                   f"唯一的{what[1]}；“{value}”对应 {len(r.candidates)} 个：{cands}"),
                                  ("write the id instead of the name", "请填写编号而不是名称")))
        else:
            near = describe(lk, ids_of(lk, close[u]), county)
            hint = (f"did you mean {near}?", f"是否应为 {near}？") if close[u] else ("", "")
            for k in rows[: col.cap]:
                col.add(t.problem(int(k), column, value,
                                  (f"a known {what[0]}" + ("" if lk.by_id_only else " (id or name)"),
                                   f"已有的{what[1]}" + ("" if lk.by_id_only else "（编号或名称）")), hint))
    out = np.array(resolved_u, dtype=object)[codes] if len(vals) else vals
    t.frame[column] = out
    return hows


def _rows_by_code(codes: np.ndarray, wanted: list[int]) -> dict[int, np.ndarray]:
    """Row indices of each wanted code (one pass, not one scan per code)."""
    if not wanted:
        return {}
    mask = np.isin(codes, wanted)
    rows = np.flatnonzero(mask)
    sub = codes[rows]
    order = np.argsort(sub, kind="stable")
    rows, sub = rows[order], sub[order]
    cuts = np.flatnonzero(np.diff(sub)) + 1
    return {int(g[0]): r for g, r in zip(np.split(sub, cuts), np.split(rows, cuts))}


def ids_of(lk: Lookup, candidates) -> list[str]:
    """Close candidates (ids or names) as ids, in order, without repeats."""
    out: list[str] = []
    by_name: dict[str, list[str]] = {}
    for i, n in zip(lk.ids, lk.names):
        by_name.setdefault(n, []).append(i)
    for c in candidates:
        for i in ([c] if c in lk.labels else by_name.get(c, [])):
            if i not in out:
                out.append(i)
    return out[:3]


def validate_references(parsed: dict[str, Parsed], col: Collector) -> None:
    tw_t = parsed.get("townships")
    if tw_t is None or not tw_t.ok:
        return
    tw = tw_t.frame
    check_unique(tw_t, "township_id", col)
    county = dict(zip(tw["township_id"], tw["county"]))
    towns = lookup_townships(tw)
    township_words = ("township", "乡镇")

    def townships_in(t: Parsed, column: str, outside_ok: bool = False) -> None:
        resolve_reference_column(t, column, towns, township_words, col, outside_ok=outside_ok, county=county)

    resolve_zones(tw_t, col)  # one spelling per zone (places.py)
    # zones never cross counties
    if len(tw):
        z = tw[(tw["zone"] != "") & (tw["county"] != "")]  # a blank county is reported by the fill-down check
        if len(z):
            per = z.groupby("zone")["county"].nunique()
            for zone in per[per > 1].index:
                rows = np.flatnonzero((tw["zone"] == zone).to_numpy())
                counties = sorted(set(tw["county"].iloc[rows]))
                col.add(tw_t.problem(int(rows[0]), "zone", str(zone),
                                     (f"a zone inside one county; zone {zone} spans counties {', '.join(counties)}",
                                      f"协作区不跨县；协作区 {zone} 跨了 {'、'.join(counties)}")))
    for tname in ("adjacency", "travel"):
        t = parsed.get(tname)
        if t is None or not t.ok:
            continue
        for c in (("a", "b") if tname == "adjacency" else ("from", "to")):
            townships_in(t, c)
        f = t.frame
        if tname == "adjacency":
            self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
            for k in np.flatnonzero(self_loop)[: col.cap]:
                col.add(t.problem(int(k), "b", str(f["b"].iat[k]),
                                  ("a township other than column a (no self-loops)", "与第一列不同的乡镇（不能自己与自己相邻）")))
        else:
            _check_symmetric(t, col)
    inv_t = parsed.get("investigators")
    if inv_t is not None and inv_t.ok:
        check_unique(inv_t, "investigator_id", col)
        townships_in(inv_t, "township_id")
        townships_in(inv_t, "home_township", outside_ok=True)
    cs_t = parsed.get("cases")
    if cs_t is not None and cs_t.ok:
        check_unique(cs_t, "case_id", col)
        townships_in(cs_t, "township_id")
    if inv_t is not None and inv_t.ok:
        resolve_people(parsed, col)  # subjects, relations and recusals (people.py)
    rel_t = parsed.get("relations")
    if rel_t is not None and rel_t.ok:
        f = rel_t.frame
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        for k in np.flatnonzero(self_loop)[: col.cap]:
            col.add(rel_t.problem(int(k), "b", str(f["b"].iat[k]),
                                  ("a person other than column a (no self-loops)", "与第一列不同的人（不能自己与自己有关系）")))
    if inv_t is not None and inv_t.ok:  # can_review left blank: county-level staff review, township staff do not
        f = inv_t.frame
        given = f["can_review"].to_numpy(dtype=object)
        f["can_review"] = np.where(pd.isna(given), (f["level"] == "county").to_numpy(), given).astype(bool)
    _validate_living(parsed, col, towns, county, townships_in)
    if "townships" in parsed:
        resolve_villages(parsed, col)  # case and home villages (places.py)
    conf_t = parsed.get("conflicts")
    if conf_t is not None and conf_t.ok:
        if cs_t is not None and cs_t.ok:
            cases = Lookup(cs_t.frame["case_id"].tolist())
            resolve_reference_column(conf_t, "case_id", cases, ("case id", "线索编号"), col)


def _validate_living(parsed: dict[str, Parsed], col: Collector, towns: Lookup, county: dict[str, str],
                     townships_in) -> None:
    """References of the living plan's tables: leaders, offices, villages, village adjacency."""
    counties = sorted(set(county.values()))
    for tname in ("leaders", "offices"):
        t = parsed.get(tname)
        if t is None or not t.ok:
            continue
        if tname == "leaders":
            townships_in(t, "home_township", outside_ok=True)
        else:
            _resolve_list(t, "home_townships", towns, col, county)
        f = t.frame
        if len(counties) == 1:  # one county: a blank county means it
            f["county"] = np.where(f["county"] == "", counties[0], f["county"].to_numpy(dtype=object))
        known = {key(c): c for c in counties}
        for k, c in enumerate(f["county"].tolist()):
            if c in county.values():
                continue
            if key(c) in known:
                f.at[k, "county"] = known[key(c)]
                continue
            shown = "、".join(x or "(blank)" for x in counties[:10])
            col.add(t.problem(k, "county", c, (f"a county of townships.csv: {', '.join(x or '(blank)' for x in counties[:10])}",
                                               f"乡镇表中的县（市、区）：{shown}")))
    v_t = parsed.get("villages")
    if v_t is not None and v_t.ok:
        check_unique(v_t, "village_id", col)
        townships_in(v_t, "township_id")
        f = v_t.frame
        f["liaison"] = f["liaison"].to_numpy(dtype=bool) | (f["liaison_name"] != "").to_numpy()
    va_t = parsed.get("village_adjacency")
    if va_t is not None and va_t.ok and v_t is not None and v_t.ok:
        vf = v_t.frame
        tw = parsed["townships"].frame
        tname_of = dict(zip(tw["township_id"], tw["name"]))
        groups = [tname_of.get(t, "") for t in vf["township_id"]]  # so 柳河镇王庄村 names one village
        villages = Lookup(vf["village_id"].tolist(), vf["name"].tolist(), groups)
        for c in ("a", "b"):
            resolve_reference_column(va_t, c, villages, ("village", "村"), col)
        f = va_t.frame
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        for k in np.flatnonzero(self_loop)[: col.cap]:
            col.add(va_t.problem(int(k), "b", str(f["b"].iat[k]),
                                 ("a village other than column a (no self-loops)", "与第一列不同的村（不能自己与自己相邻）")))


def _resolve_list(t: Parsed, column: str, towns: Lookup, col: Collector, county: dict[str, str]) -> None:
    """Resolve each township of a list column in place (places outside the data are kept, as home townships are)."""
    values = t.frame[column].tolist()
    flat = sorted({v for lst in values for v in lst})
    codes, uniques, res = towns.resolve_array(np.array(flat, dtype=object))
    to_id: dict[str, str] = {}
    for u, r in zip(uniques, res):
        if r.id is not None:
            to_id[u] = r.id
            continue
        close = towns.suggest(u) if r.how == "unknown" else ()
        if r.how == "unknown" and not close:
            to_id[u] = u  # a place outside the data
            continue
        rows = [k for k, lst in enumerate(values) if u in lst]
        if r.how == "ambiguous":
            cands = describe(towns, r.candidates, county)
            exp = (f"one township; {u!r} names {len(r.candidates)}: {cands}", f"唯一的乡镇；“{u}”对应 {len(r.candidates)} 个：{cands}")
            hint = ("write the id instead of the name", "请填写编号而不是名称")
        else:
            near = describe(towns, ids_of(towns, close), county)
            exp = ("a known township (id or name)", "已有的乡镇（编号或名称）")
            hint = (f"did you mean {near}?", f"是否应为 {near}？")
        for k in rows[: col.cap]:
            col.add(t.problem(k, column, u, exp, hint))
        to_id[u] = u
    t.frame[column] = pd.Series([tuple(sorted({to_id[v] for v in lst})) for lst in values], dtype=object,
                                index=t.frame.index)


def _check_symmetric(t: Parsed, col: Collector) -> None:
    f = t.frame
    a = f["from"].to_numpy(dtype=object)
    b = f["to"].to_numpy(dtype=object)
    if not len(f):
        return
    lo = np.where(a <= b, a, b)
    hi = np.where(a <= b, b, a)
    g = pd.DataFrame({"lo": lo, "hi": hi, "m": f["minutes"].to_numpy()})
    spread = g.groupby(["lo", "hi"], sort=False)["m"].agg(["min", "max"])
    bad_pairs = spread[(spread["max"] - spread["min"]) > 1e-6]
    for (x, y), r in bad_pairs.head(col.cap).iterrows():
        i = int(np.flatnonzero((lo == x) & (hi == y))[-1])
        col.add(t.problem(i, "minutes", f"{f['minutes'].iloc[i]:g}",
                          (f"symmetric minutes: {x}<->{y} is given as both {r['min']:g} and {r['max']:g}",
                           f"往返车程相同：{x}<->{y} 同时写了 {r['min']:g} 和 {r['max']:g}")))
