"""The independent supervision-area checker: rules and levels recomputed from the tables.

Imports no model code (only the shared options and :mod:`zoneplan.geo`).  Rules:

* ``area.cover``: every village of a zoned township is in exactly one area, and no village of
  a township in no zone is;
* ``area.zone``: an area holds villages of one zone only;
* ``area.count``: a zone has the number of areas the options give (:func:`~.options.areas_for`);
* ``area.connected``: each area is connected through neighbouring villages
  (``village_adjacency`` when given, else the Gabriel graph of the zone's village points).

:func:`area_objective` recomputes each zone's levels: areas without a liaison (zones that
mark one), the largest and smallest area weight, neighbouring villages in different areas.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..data.tables import Tables
from ..geo import gabriel_adjacency
from ..graphs import reach
from ..results import CheckReport, Violation
from .options import AreaOptions, areas_for

__all__ = ["check_areas", "area_objective"]


def _zone_villages(tables: Tables, zones: pd.DataFrame) -> dict[str, list[str]]:
    zone_of = {str(t): str(z) for t, z in zip(zones["township_id"], zones["zone"].fillna("")) if str(z)}
    out: dict[str, list[str]] = defaultdict(list)
    for vid, t in zip(tables.villages["village_id"], tables.villages["township_id"]):
        if t in zone_of:
            out[zone_of[t]].append(str(vid))
    return {z: sorted(v) for z, v in out.items()}


def _neighbours(tables: Tables, zone: str, vids: list[str]) -> dict[str, set[str]]:
    nb: dict[str, set[str]] = {v: set() for v in vids}
    if tables.village_adjacency is not None:
        for a, b in zip(tables.village_adjacency["a"], tables.village_adjacency["b"]):
            if a in nb and b in nb and a != b:
                nb[a].add(b)
                nb[b].add(a)
        return nb
    v = tables.villages.set_index("village_id")
    for i, j in gabriel_adjacency(v.loc[vids, "lat"].to_numpy(dtype=float), v.loc[vids, "lon"].to_numpy(dtype=float),
                                  [zone] * len(vids)):
        nb[vids[i]].add(vids[j])
        nb[vids[j]].add(vids[i])
    return nb


def check_areas(tables: Tables, zones: pd.DataFrame, areas: pd.DataFrame,
                options: AreaOptions | None = None) -> CheckReport:
    """Rule violations of supervision areas (``village_id, area``) as a
    :class:`~zoneplan.results.CheckReport`, ``ok`` when they follow every rule (violations
    in the order found, case and investigator left blank; no objective, see
    :func:`area_objective`).

    Zones left without areas (an ``area`` blank for all their villages) are not checked
    (the solver explains them).
    """
    options = options or AreaOptions()
    out: list[Violation] = []

    def add(rule: str, detail: str) -> None:
        out.append(Violation(rule, "", "", detail))

    zv = _zone_villages(tables, zones)
    zone_of_village = {v: z for z, vs in zv.items() for v in vs}
    got: dict[str, str] = {}
    for vid, a in zip(areas["village_id"].astype(str), areas["area"].fillna("").astype(str)):
        if vid in got:
            add("area.cover", f"village {vid} appears twice")
        got[vid] = a
    for vid, a in sorted(got.items()):
        if a and vid not in zone_of_village:
            add("area.cover", f"village {vid} is in area {a} but its township is in no zone (or it is unknown)")
    for z, vids in sorted(zv.items()):
        labels = [got.get(v, "") for v in vids]
        if not any(labels):
            continue
        for v, a in zip(vids, labels):
            if not a:
                add("area.cover", f"village {v} of zone {z} is in no area")
        members: dict[str, list[str]] = defaultdict(list)
        for v, a in zip(vids, labels):
            if a:
                members[a].append(v)
        want = areas_for(len(vids), options)
        if len(members) != want:
            add("area.count", f"zone {z} has {len(members)} areas; {want} expected for {len(vids)} villages")
        nb = _neighbours(tables, z, vids)
        for a, vs in sorted(members.items()):
            other = {zone_of_village.get(v) for v in vs} - {z}
            if other:
                add("area.zone", f"area {a} holds villages of zone {z} and of {sorted(map(str, other))}")
            inside = set(vs)
            seen = reach(vs[0], nb, inside)
            if len(seen) != len(inside):
                add("area.connected", f"area {a} of zone {z} falls apart ({len(seen)} of {len(inside)} villages "
                           f"reached from {vs[0]})")
    return CheckReport(violations=out)


def area_objective(tables: Tables, zones: pd.DataFrame, areas: pd.DataFrame) -> dict[str, dict[str, int | None]]:
    """Per zone: ``no_liaison`` (None when the zone marks no liaison), ``largest``, ``smallest``, ``cut``.

    The weight is households when any village has households, else population, else 1.
    """
    v = tables.villages.set_index("village_id")
    col = next((c for c in ("households", "population") if (tables.villages[c] > 0).any()), None)
    weight = {str(i): (int(v.at[i, col]) if col else 1) for i in v.index}
    got = dict(zip(areas["village_id"].astype(str), areas["area"].fillna("").astype(str)))
    out: dict[str, dict[str, int | None]] = {}
    for z, vids in sorted(_zone_villages(tables, zones).items()):
        if not any(got.get(x) for x in vids):
            continue
        sums: dict[str, int] = defaultdict(int)
        has: dict[str, bool] = defaultdict(bool)
        for x in vids:
            sums[got[x]] += weight[x]
            has[got[x]] |= bool(v.at[x, "liaison"])
        nb = _neighbours(tables, z, vids)
        cut = sum(1 for x in vids for y in nb[x] if x < y and got[x] != got[y])
        marked = any(bool(v.at[x, "liaison"]) for x in vids)
        out[z] = {"no_liaison": sum(1 for a in sums if not has[a]) if marked else None,
                  "largest": max(sums.values()), "smallest": min(sums.values()), "cut": int(cut)}
    return out
