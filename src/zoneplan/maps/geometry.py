"""Map geometry in a local plane: township areas from real polygons or from Voronoi cells.

Coordinates are projected to kilometres with an equirectangular projection around a fixed
origin (fine over a prefecture: the error stays below 1 % within a few hundred km).

Without boundaries a township's area is drawn as its seat's Voronoi cell among all seats,
clipped to its county's region: the convex hull of the county's seats grown by half the
county's median nearest-seat distance (at least :data:`MIN_MARGIN_KM`), and to a disc of
:data:`CELL_RADIUS` times that median distance around the seat, so a far island (or the
seats at the edge of a county) is drawn its own size, not as the sea up to the other seats.
The cell is convex, so it is one polygon that holds its seat; a county of one or two seats
still gets a region (a disc or a stadium).  The maps say that such areas are schematic.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geo import EARTH_RADIUS_KM

__all__ = ["Projection", "voronoi_cells", "county_regions", "township_areas", "union_by", "dissolve", "shared_pairs",
           "inner_fragments", "SNAP_KM", "MIN_SHARED_KM", "SLIVER_KM2", "padded_bounds",
           "Areas", "areas_of", "MIN_MARGIN_KM"]

#: Smallest margin (km) between a county's outermost seats and the edge of its region.
MIN_MARGIN_KM = 1.0
#: A schematic township area reaches at most this many times its county's median
#: nearest-seat distance from its seat.
CELL_RADIUS = 3.0

# One rule for borders, applied the same way everywhere: the adjacency of townships read from
# boundaries.geojson (zoneplan.maps.boundaries), the zone and county outlines of every map, the
# colours of touching areas.
#: Digitised borders of two neighbours seldom meet exactly: gaps and overlaps up to this
#: distance (km) are one border (two offices' lines drawn 30 m apart are one border).
SNAP_KM = 0.05
#: Neighbours share at least this much border (km): a corner, or a border that touches for
#: a few metres, is not enough.
MIN_SHARED_KM = 0.25
#: A hole or a separate piece of a dissolved outline smaller than this (km², 5 ha) is a
#: sliver of the digitising, not a place: it is not drawn.
SLIVER_KM2 = 0.05

logger = logging.getLogger(__name__)

_KM_PER_DEG = np.pi / 180.0 * EARTH_RADIUS_KM


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection to km around ``(lat0, lon0)``."""

    lat0: float
    lon0: float

    @classmethod
    def around(cls, lat: Sequence[float], lon: Sequence[float]) -> Projection:
        """The projection centred on the middle of the points' bounding box."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        if lat.size == 0:
            return cls(0.0, 0.0)
        return cls(float((lat.min() + lat.max()) / 2), float((lon.min() + lon.max()) / 2))

    def xy(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Points in km east and north of the origin."""
        k = np.cos(np.radians(self.lat0)) * _KM_PER_DEG
        return ((np.asarray(lon, dtype=float) - self.lon0) * k,
                (np.asarray(lat, dtype=float) - self.lat0) * _KM_PER_DEG)

    def geometry(self, geom: BaseGeometry) -> BaseGeometry:
        """A lon/lat geometry (GeoJSON order: x = longitude) in km."""
        k = np.cos(np.radians(self.lat0)) * _KM_PER_DEG

        def f(c: np.ndarray) -> np.ndarray:
            return np.column_stack([(c[:, 0] - self.lon0) * k, (c[:, 1] - self.lat0) * _KM_PER_DEG])

        return shapely.transform(geom, f)


def _nn_distances(pts: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest other point (inf for a lone point)."""
    n = len(pts)
    if n < 2:
        return np.full(n, np.inf)
    tree = shapely.STRtree(shapely.points(pts))
    _, dist = tree.query_nearest(shapely.points(pts), exclusive=True, return_distance=True, all_matches=False)
    return np.asarray(dist, dtype=float)


def _spread_duplicates(pts: np.ndarray) -> np.ndarray:
    """Seats at identical coordinates moved apart by 10 m each, so each gets its own cell."""
    out = pts.copy()
    seen: dict[tuple[float, float], int] = {}
    for i, (a, b) in enumerate(map(tuple, np.round(pts, 6))):
        k = seen.get((a, b), 0)
        if k:
            ang = k * 2.399963  # golden angle: later copies spiral out
            out[i] += 0.01 * np.sqrt(k) * np.array([np.cos(ang), np.sin(ang)])
        seen[(a, b)] = k + 1
    return out


def county_regions(x: np.ndarray, y: np.ndarray, county: Sequence[str]) -> dict[str, BaseGeometry]:
    """Each county's region: the convex hull of its seats grown by half its median nearest-seat distance."""
    pts = np.column_stack([x, y]).astype(float)
    county = np.asarray(county, dtype=object)
    nn_all = _nn_distances(pts)
    finite = nn_all[np.isfinite(nn_all)]
    default = max(float(np.median(finite)) / 2 if finite.size else 3.0, MIN_MARGIN_KM)
    out: dict[str, BaseGeometry] = {}
    for c in sorted(set(county.tolist())):
        idx = np.flatnonzero(county == c)
        nn = _nn_distances(pts[idx])
        nn = nn[np.isfinite(nn)]
        margin = max(float(np.median(nn)) / 2, MIN_MARGIN_KM) if nn.size else default
        out[c] = shapely.multipoints(pts[idx]).convex_hull.buffer(margin, quad_segs=8)
    return out


def voronoi_cells(x: np.ndarray, y: np.ndarray, county: Sequence[str]) -> list[BaseGeometry]:
    """One convex polygon per seat: its Voronoi cell among all seats, clipped to its county's region.

    Examples
    --------
    >>> cells = voronoi_cells(np.array([0.0, 10.0]), np.array([0.0, 0.0]), ["c", "c"])
    >>> [c.geom_type for c in cells], bool(cells[0].contains(shapely.Point(0, 0)))
    (['Polygon', 'Polygon'], True)
    """
    pts = _spread_duplicates(np.column_stack([x, y]).astype(float))
    n = len(pts)
    if n == 0:
        return []
    regions = county_regions(pts[:, 0], pts[:, 1], county)
    if n == 1:
        return [regions[str(county[0])]]
    radius = _cell_radius(pts, county)
    envelope = shapely.box(*shapely.multipoints(pts).bounds).buffer(1e3 + float(np.ptp(pts)))
    diagram = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=envelope)
    cells = np.asarray(shapely.get_parts(diagram))
    seats = shapely.points(pts)
    pt_idx, cell_idx = shapely.STRtree(cells).query(seats, predicate="within")
    own = np.full(n, -1)
    own[pt_idx] = cell_idx
    out: list[BaseGeometry] = []
    for i in range(n):
        if own[i] < 0:  # numerically on a cell edge: take the nearest cell
            own[i] = int(np.argmin(shapely.distance(cells, seats[i])))
        cell = shapely.intersection(cells[own[i]], regions[str(county[i])])
        out.append(shapely.intersection(cell, seats[i].buffer(radius[str(county[i])], quad_segs=16)))
    return out


def _cell_radius(pts: np.ndarray, county: Sequence[str]) -> dict[str, float]:
    """The farthest a schematic area reaches from its seat, per county (km)."""
    county = np.asarray(county, dtype=object)
    nn_all = _nn_distances(pts)
    finite = nn_all[np.isfinite(nn_all)]
    default = float(np.median(finite)) if finite.size else 6.0
    out = {}
    for c in sorted(set(county.tolist())):
        nn = _nn_distances(pts[county == c])
        nn = nn[np.isfinite(nn)]
        out[str(c)] = max(CELL_RADIUS * (float(np.median(nn)) if nn.size else default), 2 * MIN_MARGIN_KM)
    return out


def township_areas(x: np.ndarray, y: np.ndarray, county: Sequence[str],
                   polygons: Sequence[BaseGeometry | None] | None = None) -> list[BaseGeometry]:
    """Township areas: the given (projected) polygons, else Voronoi cells (see the module doc)."""
    if polygons is not None and all(p is not None for p in polygons):
        return list(polygons)  # type: ignore[arg-type]
    return voronoi_cells(x, y, county)


def union_by(areas: Sequence[BaseGeometry], keys: Sequence[str]) -> Mapping[str, BaseGeometry]:
    """The union of the areas sharing a key (e.g. a zone or a county), key -> geometry: see
    :func:`dissolve`, which every outline of the maps is drawn from."""
    return dissolve(areas, keys)


def dissolve(areas: Sequence[BaseGeometry], keys: Sequence[str], snap_km: float = SNAP_KM,
             sliver_km2: float = SLIVER_KM2) -> dict[str, BaseGeometry]:
    """The outline of each group of areas (a zone, a county), key -> geometry, in km.

    The areas of a key are united after closing the gaps and overlaps of their borders up to
    ``snap_km`` (each area grown by ``snap_km``, the union shrunk back by as much), so two
    townships whose digitised borders do not quite meet leave no line inside their zone; then
    holes and pieces smaller than ``sliver_km2`` are dropped.  Real holes (a township of
    another zone inside this one) and exclaves stay.

    Examples
    --------
    >>> a, b = shapely.box(0, 0, 1, 1), shapely.box(1.02, 0, 2, 1)   # a 20 m gap between them
    >>> z = dissolve([a, b], ["z", "z"])["z"]
    >>> z.geom_type, len(z.interiors), round(z.area, 2)
    ('Polygon', 0, 2.0)
    """
    groups: dict[str, list[BaseGeometry]] = {}
    for a, k in zip(areas, keys):
        groups.setdefault(k, []).append(a)
    out = {}
    for k, g in sorted(groups.items()):
        grown = shapely.union_all([shapely.buffer(x, snap_km, quad_segs=2, join_style="mitre", mitre_limit=2.0)
                                   for x in g])
        closed = shapely.buffer(grown, -snap_km, quad_segs=2, join_style="mitre", mitre_limit=2.0)
        out[k] = _drop_slivers(closed, sliver_km2) if not closed.is_empty else shapely.union_all(g)
    return out


def _drop_slivers(geom: BaseGeometry, sliver_km2: float) -> BaseGeometry:
    polys = []
    for p in shapely.get_parts(geom):
        if p.geom_type != "Polygon" or p.area < sliver_km2:
            continue
        holes = [r for r in p.interiors if shapely.Polygon(r).area >= sliver_km2]
        polys.append(shapely.Polygon(p.exterior, holes))
    if not polys:
        return geom
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def inner_fragments(outlines: Mapping[str, BaseGeometry], sliver_km2: float = SLIVER_KM2) -> int:
    """Lines an outline would draw inside its own area: holes and separate pieces smaller than
    ``sliver_km2`` (the short black "borders" a union leaves where digitised borders do not
    quite meet).  0 for outlines from :func:`dissolve`."""
    n = 0
    for g in outlines.values():
        for p in shapely.get_parts(g):
            if p.geom_type != "Polygon":
                continue
            if p.area < sliver_km2:
                n += 1
            n += sum(1 for r in p.interiors if shapely.Polygon(r).area < sliver_km2)
    return n


def shared_pairs(geoms: Sequence[BaseGeometry], snap_km: float = SNAP_KM,
                 min_shared_km: float = MIN_SHARED_KM) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of areas (in km) that share a border of at least
    ``min_shared_km``, borders within ``snap_km`` of each other counting as one; a corner is
    not enough."""
    geoms = np.asarray(list(geoms), dtype=object)
    if len(geoms) < 2:
        return []
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=snap_km)
    keep = a < b
    a, b = a[keep], b[keep]
    if a.size == 0:
        return []
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[a]), shapely.buffer(geoms[b], snap_km)))
    ok = shared >= min_shared_km
    return sorted((int(i), int(j)) for i, j in zip(a[ok], b[ok]))


def padded_bounds(geoms: Sequence[BaseGeometry], pad: float = 0.04) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` of the geometries, grown by ``pad`` of their size."""
    b = np.asarray(shapely.total_bounds(np.asarray(geoms, dtype=object)), dtype=float)
    w, h = max(b[2] - b[0], 1.0), max(b[3] - b[1], 1.0)
    return (b[0] - w * pad, b[1] - h * pad, b[2] + w * pad, b[3] + h * pad)


@dataclass(frozen=True)
class Areas:
    """Projected seats and township areas, and where the areas come from."""

    x: np.ndarray
    y: np.ndarray
    areas: list[BaseGeometry]
    source: str  # the boundaries file, or "" for Voronoi cells


def areas_of(township_ids: Sequence[str], county: Sequence[str], lat, lon, boundaries=None) -> Areas:
    """Seats in km and township areas: polygons of ``boundaries`` when it has every township, else Voronoi cells."""
    proj = Projection.around(lat, lon)
    x, y = proj.xy(lat, lon)
    polys, source = None, ""
    if boundaries is not None:
        raw = boundaries.polygons(list(township_ids))
        if all(p is not None for p in raw):
            polys, source = [proj.geometry(p) for p in raw], boundaries.file
        else:
            logger.warning("boundaries lack some townships; drawing Voronoi cells instead")
    return Areas(x, y, township_areas(x, y, county, polys), source)
