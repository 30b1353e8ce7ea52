"""Township boundaries from ``boundaries.geojson``: the reader and the shared-border adjacency.

The file is a GeoJSON ``FeatureCollection`` (RFC 7946: longitude, latitude in degrees,
WGS84) whose features are ``Polygon`` or ``MultiPolygon`` township areas.  Each feature
names its township in a property: the id (``township_id``, ``乡镇编号``, ``乡镇代码``,
``id``, ``code``) or the name (``name``, ``乡镇名称``, ``名称``, ``乡镇``, ``NAME``); a name
shared by townships of several counties needs a ``county`` (``所属县``, ``县``, ``区县``...)
property too.  Features of townships not in townships.csv are ignored (a province file may
be given for one county); several features of one township are merged (exclaves).  Every
township needs a polygon.

Two townships are neighbours when their borders run together for at least
:data:`MIN_SHARED_KM` (250 m; within :data:`TOLERANCE_KM`, 50 m, to bridge the small gaps and
overlaps of digitised borders); touching at a corner is not enough.  The same rule
(:func:`zoneplan.maps.geometry.shared_pairs`) draws the zone and county outlines of every map
(:func:`zoneplan.maps.geometry.dissolve`) and decides which areas touch.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import InputError, Problem
from .geometry import MIN_SHARED_KM as _MIN_SHARED_KM
from .geometry import SNAP_KM, Projection, shared_pairs

__all__ = ["Boundaries", "BOUNDARIES_FILE", "ID_KEYS", "NAME_KEYS", "COUNTY_KEYS", "TOLERANCE_KM",
           "MIN_SHARED_KM", "read_boundaries", "load_boundaries", "shared_border_edges"]

logger = logging.getLogger(__name__)

BOUNDARIES_FILE = "boundaries.geojson"
ID_KEYS = ("township_id", "乡镇编号", "乡镇代码", "id", "code")
NAME_KEYS = ("name", "乡镇名称", "名称", "乡镇", "NAME")
COUNTY_KEYS = ("county", "所属县", "县", "县区", "县市区", "区县", "COUNTY")

#: Border gap/overlap bridged when looking for shared borders (km): the maps' :data:`SNAP_KM`.
TOLERANCE_KM = SNAP_KM
#: Shortest shared border that makes two townships neighbours (km).
MIN_SHARED_KM = _MIN_SHARED_KM
#: Median seat-to-polygon distance above which the polygons are taken to be elsewhere (km).
FAR_KM = 30.0

_MAX = 50


@dataclass(frozen=True)
class Boundaries:
    """Township polygons in lon/lat degrees (GeoJSON order), keyed by township id."""

    shapes: Mapping[str, BaseGeometry]
    file: str
    sha256: str = ""
    unmatched: tuple[str, ...] = field(default=())  # property values of ignored features

    def polygons(self, township_ids: Sequence[str]) -> list[BaseGeometry | None]:
        """The polygon of each township id, in order (None where none is known)."""
        return [self.shapes.get(t) for t in township_ids]


def _decode(raw: bytes, name: str) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, None, None, None, "GeoJSON text in UTF-8 (or GB18030)")])


def _where(name: str, k: int, path: str = "") -> str:
    return f"{name}, features[{k}]{path}"


def _geometry(feat: dict, name: str, k: int, problems: list[Problem]) -> BaseGeometry | None:
    geom = feat.get("geometry")
    gtype = geom.get("type") if isinstance(geom, dict) else None
    if gtype not in ("Polygon", "MultiPolygon"):
        problems.append(Problem(_where(name, k, ".geometry"), None, None, None if gtype is None else str(gtype),
                                "a Polygon or MultiPolygon geometry"))
        return None
    try:
        shape = shapely.geometry.shape(geom)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError) as exc:
        problems.append(Problem(_where(name, k, ".geometry.coordinates"), None, None, None,
                                f"rings of [longitude, latitude] positions, each closed and of 4 or more ({exc})"))
        return None
    if shape.is_empty:
        problems.append(Problem(_where(name, k, ".geometry.coordinates"), None, None, "[]", "a non-empty polygon"))
        return None
    coords = shapely.get_coordinates(shape)
    if not np.isfinite(coords).all() or (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        bad = coords[~(np.isfinite(coords).all(axis=1) & (np.abs(coords[:, 0]) <= 180) & (np.abs(coords[:, 1]) <= 90))][0]
        if np.isfinite(bad).all() and abs(bad[0]) <= 90 and abs(bad[1]) <= 180:
            why = "longitude first, latitude second, as GeoJSON requires; this position looks swapped"
        else:
            why = ("longitude and latitude in degrees (WGS84, as GeoJSON requires); these look like projected "
                   "coordinates, e.g. metres: export the layer as EPSG:4326")
        problems.append(Problem(_where(name, k, ".geometry.coordinates"), None, None, f"[{bad[0]:g}, {bad[1]:g}]",
                                why))
        return None
    if not shape.is_valid:
        fixed = shapely.make_valid(shape)
        parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
        shape = shapely.union_all(parts) if parts else shape
        logger.info("%s: repaired an invalid polygon (self-intersection)", _where(name, k))
    return shape


def _township_of(props: dict, ids: set[str], by_name: dict[str, list[int]], county_of: Sequence[str],
                 tid: Sequence[str], name: str, k: int, problems: list[Problem]) -> tuple[str | None, str | None]:
    """(township id, None) when matched; (None, the value seen) when the feature names no known township."""
    for key in ID_KEYS:
        v = props.get(key)
        if v is not None and str(v).strip() in ids:
            return str(v).strip(), None
    county = next((str(props[c]).strip() for c in COUNTY_KEYS if props.get(c) not in (None, "")), None)
    for key in NAME_KEYS:
        v = props.get(key)
        if v is None or str(v).strip() == "":
            continue
        hits = by_name.get(str(v).strip(), [])
        if county is not None:
            hits = [i for i in hits if county_of[i] == county]
        if len(hits) == 1:
            return tid[hits[0]], None
        if len(hits) > 1:
            problems.append(Problem(_where(name, k, f".properties.{key}"), None, None, str(v),
                                    "a township name found once; it names " + ", ".join(tid[i] for i in hits) +
                                    f" (add a {COUNTY_KEYS[0]} property or use {ID_KEYS[0]})"))
            return None, None
    seen = next((f"{key}={props[key]}" for key in (*ID_KEYS, *NAME_KEYS) if props.get(key) not in (None, "")), None)
    if seen is None:
        problems.append(Problem(_where(name, k, ".properties"), None, None, None,
                                "a property naming the township: one of " + ", ".join((*ID_KEYS, *NAME_KEYS))))
    return None, seen


def read_boundaries(path: str | Path, townships) -> Boundaries:
    """Read township polygons for the townships of ``townships`` (the townships table).

    Parameters
    ----------
    path
        The GeoJSON file.
    townships
        DataFrame with ``township_id``, ``name``, ``county``, ``lat``, ``lon``.

    Raises
    ------
    InputError
        Each problem located as ``file, features[k].properties.key`` with what was expected:
        not JSON, not a FeatureCollection, a geometry that is no polygon or not in degrees, a
        feature that names no township or an ambiguous name, townships without a polygon,
        polygons far from the township seats (longitude and latitude swapped?).
    """
    p = Path(path)
    name = p.name
    raw = p.read_bytes()
    try:
        doc = json.loads(_decode(raw, name))
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, None, None, None, f"valid JSON (line {exc.lineno}, column {exc.colno}: "
                                                          f"{exc.msg})")]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError([Problem(name, None, None, None if got is None else str(got),
                                  'a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})')])
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not any(s in str(crs).upper() for s in ("CRS84", "4326", "4490")):
        raise InputError([Problem(f"{name}, crs", None, None, str(crs),
                                  "longitude/latitude in degrees (EPSG:4326, CRS84 or CGCS2000 EPSG:4490)")])
    tid = [str(t) for t in townships["township_id"]]
    names = [str(t) for t in townships["name"]]
    county_of = [str(c) for c in townships["county"]]
    ids = set(tid)
    by_name: dict[str, list[int]] = {}
    for i, nm in enumerate(names):
        if nm:
            by_name.setdefault(nm, []).append(i)
    problems: list[Problem] = []
    parts: dict[str, list[BaseGeometry]] = {}
    unmatched: list[str] = []
    for k, feat in enumerate(doc["features"]):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(Problem(_where(name, k), None, None, None, 'a Feature ({"type": "Feature", ...})'))
            continue
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        t, seen = _township_of(props, ids, by_name, county_of, tid, name, k, problems)
        if t is None:
            if seen is not None:
                unmatched.append(seen)
            continue
        geom = _geometry(feat, name, k, problems)
        if geom is not None:
            parts.setdefault(t, []).append(geom)
    missing = [t for t in tid if t not in parts]
    if missing and not problems:
        shown = ", ".join(f"{t} ({names[tid.index(t)]})" if names[tid.index(t)] else t for t in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        hint = f"; {len(unmatched)} feature(s) matched no township, e.g. {', '.join(unmatched[:5])}" if unmatched else ""
        problems.append(Problem(name, None, None, None,
                                f"a polygon for every township of townships.csv; none for {shown}{more}{hint}"))
    if problems:
        raise InputError(problems[:_MAX], max(0, len(problems) - _MAX))
    shapes = {t: (g[0] if len(g) == 1 else shapely.union_all(g)) for t, g in parts.items()}
    _check_near_seats(shapes, townships, name)
    if unmatched:
        logger.info("%s: %d feature(s) name no township of townships.csv and are ignored", name, len(unmatched))
    return Boundaries(shapes={t: shapes[t] for t in tid}, file=name, sha256=hashlib.sha256(raw).hexdigest(),
                      unmatched=tuple(unmatched))


def _check_near_seats(shapes: Mapping[str, BaseGeometry], townships, name: str) -> None:
    """Refuse polygons that lie far from the seats (swapped longitude/latitude, another region)."""
    tid = [str(t) for t in townships["township_id"]]
    lat = townships["lat"].to_numpy(dtype=float)
    lon = townships["lon"].to_numpy(dtype=float)
    proj = Projection.around(lat, lon)
    x, y = proj.xy(lat, lon)
    geoms = [proj.geometry(shapes[t]) for t in tid]
    dist = shapely.distance(np.asarray(geoms, dtype=object), shapely.points(np.column_stack([x, y])))
    med = float(np.median(dist)) if len(dist) else 0.0
    if med > FAR_KM:
        worst = int(np.argmax(dist))
        raise InputError([Problem(name, None, None, None,
                                  f"polygons around the township seats of townships.csv; the median seat lies "
                                  f"{med:.0f} km from its polygon ({tid[worst]}: {dist[worst]:.0f} km). Are longitude "
                                  f"and latitude swapped, or is this another region?")])
    far = [tid[i] for i in np.flatnonzero(dist > 2.0)]
    if far:
        logger.warning("%s: %d township seat(s) lie more than 2 km outside their polygon, e.g. %s",
                       name, len(far), ", ".join(far[:5]))


def load_boundaries(folder: str | Path, tables):
    """``tables`` with the boundaries of ``folder/boundaries.geojson`` when that file exists.

    The boundaries are read against the loaded townships and recorded in ``sources``.
    """
    from ..data.tables import Source

    f = Path(folder) / BOUNDARIES_FILE
    if not f.is_file():
        return tables
    b = read_boundaries(f, tables.townships)
    return replace(tables, boundaries=b, sources={**tables.sources, "boundaries": Source(str(f), b.sha256)})


def shared_border_edges(polygons: Sequence[BaseGeometry], proj: Projection | None = None,
                        tolerance_km: float = TOLERANCE_KM, min_shared_km: float = MIN_SHARED_KM
                        ) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of polygons that share a border of ``min_shared_km`` or more.

    ``polygons`` are in lon/lat degrees; lengths are measured in km after projecting with
    ``proj`` (default: centred on the polygons' bounds).  A border shared over less than
    ``min_shared_km`` (e.g. a corner) makes no neighbours.
    """
    geoms = list(polygons)
    if len(geoms) < 2:
        return []
    if proj is None:
        b = np.asarray([g.bounds for g in geoms])
        proj = Projection(float((b[:, 1].min() + b[:, 3].max()) / 2), float((b[:, 0].min() + b[:, 2].max()) / 2))
    return shared_pairs([proj.geometry(g) for g in geoms], tolerance_km, min_shared_km)
