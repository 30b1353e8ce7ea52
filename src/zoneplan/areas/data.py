"""The supervision-area problem prepared once: each zone's villages, weights, liaisons, neighbours.

Village neighbours are ``village_adjacency.csv`` when given (only the pairs it lists), else
the Gabriel graph of the village points of each zone, joined up by the shortest links if it
falls apart (:func:`zoneplan.geo.gabriel_adjacency`, the fall-back townships use too).
Balance weight: households when the ``households`` column is filled (any value > 0), else
population, else one per village.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..zoning.naming import zone_rank
from ..data.tables import Tables
from ..geo import gabriel_adjacency
from .options import AreaOptions, areas_for

__all__ = ["ZoneVillages", "prepare_areas", "weight_column", "village_edges"]


@dataclass(frozen=True)
class ZoneVillages:
    """One zone's villages in local indices ``0..n-1`` (ordered by village id).

    ``rows`` are rows of ``tables.villages``; ``edges`` local pairs ``i < j``; ``k`` the
    number of areas.
    """

    zone: str
    county: str
    rows: np.ndarray
    weight: np.ndarray
    liaison: np.ndarray
    edges: list[tuple[int, int]]
    k: int

    @property
    def n(self) -> int:
        return len(self.rows)


def weight_column(villages: pd.DataFrame) -> str:
    """``households`` when filled, else ``population`` when filled, else ``villages`` (1 each)."""
    for c in ("households", "population"):
        if len(villages) and (villages[c].to_numpy(dtype=np.int64) > 0).any():
            return c
    return "villages"


def village_edges(tables: Tables, rows: np.ndarray, zone: str) -> list[tuple[int, int]]:
    """Neighbouring villages among ``rows`` (local index pairs): given pairs, else the Gabriel graph."""
    v = tables.villages
    if tables.village_adjacency is not None:
        pos = {vid: k for k, vid in enumerate(v["village_id"].to_numpy(dtype=object)[rows])}
        out = set()
        for a, b in zip(tables.village_adjacency["a"], tables.village_adjacency["b"]):
            if a in pos and b in pos and a != b:
                out.add((min(pos[a], pos[b]), max(pos[a], pos[b])))
        return sorted(out)
    lat = v["lat"].to_numpy(dtype=float)[rows]
    lon = v["lon"].to_numpy(dtype=float)[rows]
    return gabriel_adjacency(lat, lon, [zone] * len(rows))


def prepare_areas(tables: Tables, zones: pd.DataFrame, options: AreaOptions) -> tuple[list[ZoneVillages], str]:
    """The zones to split (in order of county, then first township id) and the weight column.

    ``zones`` is a zoning (``township_id, zone``); villages of townships in no zone take no part.
    """
    v = tables.villages
    wcol = weight_column(v)
    zone_of = {str(t): str(z) for t, z in zip(zones["township_id"], zones["zone"].fillna("")) if str(z)}
    county_of = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    vz = np.array([zone_of.get(t, "") for t in v["township_id"]], dtype=object)
    ids = v["village_id"].to_numpy(dtype=object)
    first = {}
    for t, z in sorted(zone_of.items()):
        first.setdefault(z, t)
    out = []
    tw = tables.townships
    rank = zone_rank([zone_of.get(t, "") for t in tw["township_id"]], tw["lat"], tw["lon"], tw["county"])
    for z in sorted(set(zone_of.values()), key=lambda z: (rank.get(z, len(rank)), first[z])):
        rows = np.flatnonzero(vz == z)
        if not len(rows):
            continue
        rows = rows[np.argsort(ids[rows], kind="stable")]
        weight = np.ones(len(rows), dtype=np.int64) if wcol == "villages" else \
            v[wcol].to_numpy(dtype=np.int64)[rows]
        out.append(ZoneVillages(z, county_of[first[z]], rows, weight, v["liaison"].to_numpy(dtype=bool)[rows],
                                village_edges(tables, rows, z), areas_for(len(rows), options)))
    return out, wcol
