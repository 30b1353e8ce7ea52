"""The zoning problem of the loaded tables (the edge between the data layer and the zoning core)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..geo import gabriel_adjacency
from ..travel import TravelTable

__all__ = ["zoning_input", "current_zoning"]


def zoning_input(tables: Tables, with_roster: bool = True):
    """The zoning problem of the loaded tables.

    Adjacency is ``adjacency.csv`` when given, else the shared borders of
    ``boundaries.geojson`` when given (see :mod:`zoneplan.maps.boundaries`), else the Gabriel
    graph per county (see :mod:`zoneplan.geo`).  Road minutes come from ``travel.csv`` or the
    estimate.  With ``with_roster`` the staff and leads (can_lead) per township enter the
    balance when the roster has rows, and the cases per township when there are cases; a
    township map alone (no roster, no cases) is zoned on compactness and villages.
    """
    from .data import ZoningInput

    tw = tables.townships
    ids = tw["township_id"].to_numpy(dtype=object)
    index = pd.Index(ids)
    if tables.adjacency is not None:
        a = index.get_indexer(tables.adjacency["a"].to_numpy(dtype=object))
        b = index.get_indexer(tables.adjacency["b"].to_numpy(dtype=object))
        edges = sorted({(int(min(x, y)), int(max(x, y))) for x, y in zip(a, b)})
    elif tables.boundaries is not None:
        from ..maps.boundaries import shared_border_edges

        edges = shared_border_edges(tables.boundaries.polygons(list(ids)))
    else:
        edges = gabriel_adjacency(tw["lat"], tw["lon"], tw["county"])
    travel = TravelTable(tw, tables.travel)
    n = len(ids)
    kw: dict[str, Any] = {}
    if with_roster and len(tables.investigators):
        inv = tables.investigators
        posted = index.get_indexer(inv["township_id"].to_numpy(dtype=object))
        township_level = (inv["level"] == "township").to_numpy()
        kw["staff"] = np.bincount(posted[township_level], minlength=n).astype(float)
        leads = township_level & inv["can_lead"].to_numpy(dtype=bool)
        kw["leads"] = np.bincount(posted[leads], minlength=n).astype(float)
    if with_roster and len(tables.cases):
        where = index.get_indexer(tables.cases["township_id"].to_numpy(dtype=object))
        kw["cases"] = np.bincount(where, minlength=n).astype(float)
    return ZoningInput(
        township_ids=list(ids), names=list(tw["name"].to_numpy(dtype=object)),
        county=list(tw["county"].to_numpy(dtype=object)), lat=tw["lat"].to_numpy(dtype=float),
        lon=tw["lon"].to_numpy(dtype=float), villages=tw["villages"].to_numpy(dtype=float), edges=edges,
        minutes=travel.minutes, current_zone=list(tw["zone"].to_numpy(dtype=object)), **kw,
    )


def current_zoning(tables: Tables) -> pd.DataFrame:
    """The zoning in townships.csv's ``zone`` column as ``township_id, zone``."""
    return pd.DataFrame({"township_id": tables.townships["township_id"].to_numpy(dtype=object),
                         "zone": tables.townships["zone"].to_numpy(dtype=object)})
