"""The zoning map's data and its live rule check.

:func:`map_data` gives the township areas in the plane the maps module draws in
(:func:`zoneplan.maps.geometry.areas_of`: polygons of ``boundaries.geojson`` or Voronoi cells
of the seats, in km), as ``[y, x]`` rings for Leaflet's flat CRS, with each township's
counts, its current zone and the adjacency.  :func:`check_draft` re-checks a zoning the
planner is editing against the zoning rules (one county per zone, size, connected) and
says what is wrong in Chinese, zone by zone, naming the townships.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

import numpy as np
import shapely

from ..graphs import components

__all__ = ["map_data", "check_draft"]


def _rings(geom) -> list[list[list[list[float]]]]:
    """A (multi)polygon as Leaflet polygons: [[ring of [y, x]], holes...] per part."""
    out = []
    for part in getattr(geom, "geoms", [geom]):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings = [part.exterior, *part.interiors]
        out.append([[[round(float(y), 3), round(float(x), 3)] for x, y in np.asarray(r.coords)] for r in rings])
    return out


def map_data(tables, inp=None) -> dict[str, Any]:
    """Everything the map page draws and checks, as JSON-ready data."""
    from ..maps.geometry import areas_of
    from ..zoning.adapter import zoning_input

    inp = inp if inp is not None else zoning_input(tables)
    n = len(inp.township_ids)
    geo = areas_of(inp.township_ids, inp.county, inp.lat, inp.lon, boundaries=tables.boundaries)
    towns = []
    for i in range(n):
        area = geo.areas[i]
        simple = area.simplify(0.05, preserve_topology=True) if not area.is_empty else area
        label = area.representative_point() if not area.is_empty else shapely.Point(geo.x[i], geo.y[i])
        towns.append({
            "id": inp.township_ids[i], "name": inp.names[i] or inp.township_ids[i], "county": inp.county[i],
            "zone": (inp.current_zone or [""] * n)[i],
            "villages": int(inp.villages[i]),
            "staff": None if inp.staff is None else int(inp.staff[i]),
            "cases": None if inp.cases is None else int(inp.cases[i]),
            "poly": _rings(simple), "label": [round(float(label.y), 3), round(float(label.x), 3)],
        })
    return {"townships": towns, "edges": [[int(a), int(b)] for a, b in inp.edges],
            "source": "boundaries" if geo.source else "voronoi"}


def check_draft(data: Mapping[str, Any], zones: Mapping[str, str], min_size: int, max_size: int
                ) -> list[dict[str, Any]]:
    """The rules a draft zoning breaks: ``[{zone, townships, rule, text}]`` (empty: none).

    ``zones`` maps township id -> zone ("" or absent: in no zone).
    """
    towns = data["townships"]
    idx = {t["id"]: k for k, t in enumerate(towns)}
    nbrs: dict[int, set[int]] = defaultdict(set)
    for a, b in data["edges"]:
        nbrs[a].add(b)
        nbrs[b].add(a)
    members: dict[str, list[int]] = defaultdict(list)
    for tid, z in zones.items():
        if z and tid in idx:
            members[str(z)].append(idx[tid])
    out = []

    def names(ks) -> str:
        return "、".join(towns[k]["name"] for k in sorted(ks))

    for z in sorted(members):
        mem = members[z]
        ids = [towns[k]["id"] for k in mem]
        counties = sorted({towns[k]["county"] for k in mem})
        if len(counties) > 1:
            parts = "；".join(f"{c or '（未填县）'}：{names([k for k in mem if towns[k]['county'] == c])}"
                             for c in counties)
            out.append({"zone": z, "townships": ids, "rule": "county",
                        "text": f"协作区「{z}」跨越 {len(counties)} 个县（{parts}）；协作区不得跨县。"})
        if len(mem) > max_size:
            out.append({"zone": z, "townships": ids, "rule": "size",
                        "text": f"协作区「{z}」有 {len(mem)} 个乡镇（{names(mem)}），多于上限 {max_size} 个。"})
        elif len(mem) < min_size:
            out.append({"zone": z, "townships": ids, "rule": "size",
                        "text": f"协作区「{z}」只有 {len(mem)} 个乡镇（{names(mem)}），少于下限 {min_size} 个。"})
        pieces = components(sorted(mem), nbrs)
        if len(pieces) > 1:
            text = " 与 ".join(f"{names(p)}" for p in pieces)
            out.append({"zone": z, "townships": ids, "rule": "connected",
                        "text": f"协作区「{z}」不连通：{text} 互不相邻；协作区内的乡镇须连成一片。"})
    return out
