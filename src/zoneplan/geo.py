"""Geometry helpers: great-circle distance, estimated road minutes, derived adjacency.

These are the documented fall-backs used when ``travel.csv`` or ``adjacency.csv``
is absent:

* road minutes = haversine km x ``ROAD_FACTOR`` (1.3) / ``ROAD_SPEED_KMH`` (40 km/h) x 60;
* adjacency = the Gabriel graph of the township seats within each county (two townships
  are neighbours when no third township of the county lies inside the circle whose
  diameter joins them), made connected inside each county by adding the shortest
  missing links between its pieces.  The Gabriel graph is planar and contains the
  Euclidean minimum spanning tree, which is why it is a fair stand-in for shared borders.
"""

from __future__ import annotations

import numpy as np

from .graphs import UnionFind

__all__ = [
    "EARTH_RADIUS_KM",
    "ROAD_FACTOR",
    "ROAD_SPEED_KMH",
    "haversine_km",
    "estimated_minutes",
    "gabriel_adjacency",
]

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3
ROAD_SPEED_KMH = 40.0


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between WGS84 points (vectorised, degrees in)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def estimated_minutes(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Estimated road minutes: haversine km x 1.3 / 40 km/h, in minutes."""
    return haversine_km(lat1, lon1, lat2, lon2) * ROAD_FACTOR / ROAD_SPEED_KMH * 60.0


def _local_xy(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Equirectangular projection (km) around the points' mean; fine inside a county."""
    lat0 = np.radians(float(np.mean(lat)))
    x = np.radians(lon) * np.cos(lat0) * EARTH_RADIUS_KM
    y = np.radians(lat) * EARTH_RADIUS_KM
    return np.column_stack([x, y])


def _gabriel_one(xy: np.ndarray, k: int = 12) -> set[tuple[int, int]]:
    n = len(xy)
    edges: set[tuple[int, int]] = set()
    if n < 2:
        return edges
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1) if n <= 600 else None
    for i in range(n):
        if d2 is not None:
            row = d2[i]
        else:
            row = ((xy - xy[i]) ** 2).sum(-1)
        kk = min(k, n - 1)
        cand = np.argpartition(row, kk)[: kk + 1]
        for j in cand:
            j = int(j)
            if j == i:
                continue
            a, b = (i, j) if i < j else (j, i)
            if (a, b) in edges:
                continue
            mid = (xy[a] + xy[b]) / 2.0
            r2 = ((xy[a] - xy[b]) ** 2).sum() / 4.0
            inside = ((xy - mid) ** 2).sum(-1) < r2 * (1.0 - 1e-9)
            inside[a] = inside[b] = False
            if not inside.any():
                edges.add((a, b))
    # connect pieces by the shortest links between them (Kruskal over all pairs)
    uf = UnionFind(range(n))
    for a, b in edges:
        uf.union(a, b)
    pieces = len(uf.groups())
    if pieces > 1:
        iu, ju = np.triu_indices(n, 1)
        dist = ((xy[iu] - xy[ju]) ** 2).sum(-1)
        for p in np.argsort(dist, kind="stable"):
            a, b = int(iu[p]), int(ju[p])
            if uf.union(a, b):
                edges.add((a, b))
                pieces -= 1
                if pieces == 1:
                    break
    return edges


def gabriel_adjacency(lat, lon, county) -> list[tuple[int, int]]:
    """Derived adjacency as sorted index pairs ``(i, j)``, ``i < j``, never across counties.

    Examples
    --------
    >>> gabriel_adjacency([0.0, 0.0, 0.0], [0.0, 0.1, 0.2], ["c", "c", "c"])
    [(0, 1), (1, 2)]
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    county = np.asarray(county, dtype=object)
    out: list[tuple[int, int]] = []
    for c in sorted(set(county.tolist())):
        idx = np.flatnonzero(county == c)
        if len(idx) < 2:
            continue
        xy = _local_xy(lat[idx], lon[idx])
        for a, b in _gabriel_one(xy):
            i, j = int(idx[a]), int(idx[b])
            out.append((min(i, j), max(i, j)))
    return sorted(out)
