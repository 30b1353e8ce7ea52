"""Side files a planner hands in besides the tables: zonings (zones.csv) and what-if files.

``zones.csv`` is written by ``zoneplan zone`` (:func:`zoning_table`) with one row per
township and the zone's figures beside it, and read back by :func:`read_zoning`, which needs
only its ``township_id`` and ``zone`` columns (a planner's hand-made zoning works too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.load import read_side_table
from ..data.tables import Tables
from ..errors import InputError, Problem

import pandas as pd

__all__ = ["read_zoning", "read_whatifs", "zoning_table", "WHATIF_KINDS", "ZONING_COLUMNS"]

WHATIF_KINDS = ("together", "apart", "keep", "exclude")

#: Columns of zones.csv as ``zone`` writes it; ``zone_*`` repeat the zone's figures on each row.
ZONING_COLUMNS = ("township_id", "name", "county", "zone", "zone_size", "hub", "hub_name",
                  "villages", "zone_villages", "staff", "zone_staff")


def read_zoning(path: str | Path, tables: Tables) -> pd.DataFrame:
    """Read a zoning (a folder holding ``zones.csv`` or the file): ``township_id, zone``.

    Other columns are ignored; townships not listed are in no zone.  Zone ids are kept as
    the planner wrote them.

    Raises
    ------
    InputError
        Unknown or duplicate townships, missing columns, a zone spanning two counties.
    """
    df, name = read_side_table(path, "zones.csv", "a zoning folder holding zones.csv, or a zones.csv file")
    problems = []
    for col in ("township_id", "zone"):
        if col not in df.columns:
            problems.append(Problem(name, 1, col, None, f"a {col} column"))
    if problems:
        raise InputError(problems)
    df = df[["township_id", "zone"]]
    df = df[(df["township_id"] != "") | (df["zone"] != "")].reset_index(drop=True)
    known = set(tables.townships["township_id"])
    seen: dict[str, int] = {}
    for k, t in enumerate(df["township_id"].tolist()):
        line = k + 2
        if t not in known:
            problems.append(Problem(name, line, "township_id", t, "a township_id of townships.csv"))
        elif t in seen:
            problems.append(Problem(name, line, "township_id", t, f"each township once; already on line {seen[t]}"))
        else:
            seen[t] = line
    county = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    first: dict[str, tuple[str, int]] = {}
    for k, (t, z) in enumerate(zip(df["township_id"].tolist(), df["zone"].tolist())):
        if z and t in county:
            c, line = first.setdefault(z, (county[t], k + 2))
            if county[t] != c:
                problems.append(Problem(name, k + 2, "zone", z, f"a zone inside one county; zone {z} holds "
                                        f"townships of {c} (line {line}) and of {county[t]}"))
    if problems:
        raise InputError(problems[:50], max(0, len(problems) - 50))
    return df


def zoning_table(inp: Any, zones: pd.DataFrame) -> pd.DataFrame:
    """zones.csv for people: each township with its name, zone, hub and the zone's figures.

    ``inp`` is the :class:`~zoneplan.zoning.data.ZoningInput` the zoning was made for;
    ``zones`` holds ``township_id, zone``.  The hub is recomputed by the documented rule (the
    member with the least total road minutes to the others).  Staff columns are blank when no
    roster was given.  Rows: by zone, then township id; townships in no zone last.
    """
    from ..zoning import zone_metrics

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
    out["_none"] = out["zone"] == ""
    out = out.sort_values(["_none", "zone", "township_id"], kind="stable").drop(columns="_none")
    return out.reset_index(drop=True)


def read_whatifs(path: str | Path) -> dict[str, Any]:
    """Read a what-if file: CSV ``kind,a,b`` with kind together|apart (a, b) or keep|exclude (a).

    ``keep`` takes a zone id (or ``all``); ``exclude`` a township id.  Returns keyword
    arguments for :class:`zoneplan.zoning.ZoningOptions`.
    """
    df, name = read_side_table(path, None, "an existing what-if CSV file")
    df.columns = [c.lower() for c in df.columns]
    if "kind" not in df.columns or "a" not in df.columns:
        raise InputError([Problem(name, 1, "kind", None, "columns kind,a,b")])
    if "b" not in df.columns:
        df["b"] = ""
    out: dict[str, Any] = {"together": [], "apart": [], "keep": [], "exclude": []}
    problems = []
    for k, (kind, a, b) in enumerate(df[["kind", "a", "b"]].astype(str).itertuples(index=False)):
        kind, a, b = kind.strip().lower(), a.strip(), b.strip()
        line = k + 2
        if not (kind or a or b):
            continue
        if kind not in WHATIF_KINDS:
            problems.append(Problem(name, line, "kind", kind, "together, apart, keep or exclude"))
        elif kind in ("together", "apart") and (not a or not b):
            problems.append(Problem(name, line, "b", b, f"two townships for {kind}"))
        elif not a:
            problems.append(Problem(name, line, "a", a, "a value"))
        elif kind in ("together", "apart"):
            out[kind].append((a, b))
        else:
            out[kind].append(a)
    if problems:
        raise InputError(problems)
    if "all" in [x.lower() for x in out["keep"]]:
        out["keep"] = True
    return out
