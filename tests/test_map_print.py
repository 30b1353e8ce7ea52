"""Maps for print, measured on the drawn figure: on the example county (Voronoi areas) and on a
county of digitised township polygons whose borders do not quite meet (as real boundary
files are: each township drawn on its own, shared borders a few metres apart).

* labels: no two labels overlap, none covers a marker (seat, hub, case circle, ring), each
  zone's name lies wholly inside its zone, none is forced;
* zone borders: drawn from the dissolved zone polygons, so no line inside a zone (a naive
  union of the same polygons leaves such fragments: the check can fail);
* adjacency: the one shared-border rule (50 m snapping, 250 m shared), so the digitised county
  has the neighbours of the clean one;
* print size: the maps of plan.html are drawn at the page width, no text under 8 pt, no
  taller than a page leaves.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.text import Text

import zoneplan
from zoneplan.maps import assignment_map_png, zoning_map_png
from zoneplan.maps.geometry import (SLIVER_KM2, Projection, areas_of, dissolve, inner_fragments, shared_pairs)
from zoneplan.maps.sheet import MIN_PRINT_PT, PRINT_HEIGHT_IN, PRINT_WIDTH_IN
from zoneplan.zoning.adapter import current_zoning, zoning_input
from zoneplan.geo import EARTH_RADIUS_KM

from conftest import EXAMPLES

_KM_PER_DEG = np.pi / 180.0 * EARTH_RADIUS_KM


def polygon_county(folder: Path, noise_m: float = 15.0, seed: int = 7) -> Path:
    """The example county with township polygons as a boundary file would hold them: the
    Voronoi areas of its seats, densified every 300 m, each township's vertices moved by about
    ``noise_m`` on their own (so neighbours' borders have gaps and overlaps), one feature per
    township; no adjacency.csv (the neighbours come from the polygons)."""
    shutil.copytree(EXAMPLES / "county", folder)
    (folder / "adjacency.csv").unlink()
    tw = pd.read_csv(folder / "townships.csv", dtype={"township_id": str})
    lat, lon = tw["lat"].to_numpy(float), tw["lon"].to_numpy(float)
    geo = areas_of(tw["township_id"].tolist(), tw["county"].tolist(), lat, lon, None)
    proj = Projection.around(lat, lon)
    k = np.cos(np.radians(proj.lat0)) * _KM_PER_DEG
    rng = np.random.default_rng(seed)
    feats = []
    for tid, area in zip(tw["township_id"], geo.areas):
        dense = shapely.segmentize(area, 0.3)
        ring = np.asarray(dense.exterior.coords)[:-1]
        ring = ring + rng.normal(0, noise_m / 1000, ring.shape)
        ring = np.vstack([ring, ring[:1]])
        deg = np.column_stack([ring[:, 0] / k + proj.lon0, ring[:, 1] / _KM_PER_DEG + proj.lat0])
        feats.append({"type": "Feature", "properties": {"township_id": tid},
                      "geometry": {"type": "Polygon", "coordinates": [deg.round(7).tolist()]}})
    (folder / "boundaries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}),
                                               encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def voronoi_county():
    return zoneplan.load(EXAMPLES / "county")


@pytest.fixture(scope="module")
def digitised_county(tmp_path_factory):
    return zoneplan.load(polygon_county(tmp_path_factory.mktemp("poly") / "county"))


def drawn_labels(sheet) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every label drawn on the map panel, with its box in pixels (measured on the figure)."""
    renderer = sheet.canvas.get_renderer()
    out = []
    for t in sheet.ax.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.axes is sheet.ax and t.get_text()[-2:] not in ("公里", "km"):
            b = t.get_window_extent(renderer)
            out.append((t.get_text(), (b.x0, b.y0, b.x1, b.y1)))
    return out


def overlap_count(boxes) -> int:
    n = 0
    for i in range(len(boxes)):
        a = boxes[i][1]
        for j in range(i + 1, len(boxes)):
            b = boxes[j][1]
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                n += 1
    return n


def drawn_markers(sheet) -> list:
    """Every marker drawn on the map panel (seats, hubs, case circles, rings, crosses) as its
    drawn shape in pixels, its edge line included (measured on the figure after drawing)."""
    from matplotlib.collections import PathCollection

    out = []
    for c in sheet.ax.collections:
        if not isinstance(c, PathCollection) or not len(c.get_offsets()):
            continue
        offs = c.get_offset_transform().transform(c.get_offsets())
        trans = c.get_transforms()
        lws = np.broadcast_to(np.asarray(c.get_linewidths(), float), (len(offs),))
        path = c.get_paths()[0]
        for k, (x, y) in enumerate(offs):
            t = trans[k % len(trans)]
            rings = path.to_polygons(closed_only=False)
            parts = []
            for r in rings:
                pts = np.asarray(r) @ t[:2, :2].T + (x, y)
                parts.append(shapely.Polygon(pts).buffer(0) if len(pts) >= 3 else shapely.LineString(pts))
            shape = shapely.union_all(parts).buffer(max(lws[k], 0.0) / 2 * sheet.dpi / 72)
            out.append(shape)
    return out


def marker_hits(labels, markers) -> int:
    """(label, marker) pairs where a label's box covers part of a marker (beyond half a pixel)."""
    return sum(1 for _, (x0, y0, x1, y1) in labels for m in markers
               if m.intersects(shapely.box(x0 + 0.5, y0 + 0.5, x1 - 0.5, y1 - 0.5)))


def zone_outlines(tables):
    inp = zoning_input(tables, with_roster=False)
    geo = areas_of(inp.township_ids, inp.county, inp.lat, inp.lon, tables.boundaries)
    zone = tables.townships["zone"].tolist()
    keep = [k for k, z in enumerate(zone) if z]
    return geo, [geo.areas[k] for k in keep], [zone[k] for k in keep]


@pytest.mark.parametrize("which", ["voronoi_county", "digitised_county"])
def test_labels_never_overlap_and_zone_names_sit_inside_their_zones(which, request):
    tables = request.getfixturevalue(which)
    inp = zoning_input(tables, with_roster=False)
    sheets: list = []
    zoning_map_png(inp, current_zoning(tables), lang="zh", boundaries=tables.boundaries, layout="print",
                   keep=sheets)
    assignment_map_png(tables, zoneplan.staff(tables).assignments, lang="zh", layout="print", keep=sheets)
    for sheet in sheets:
        labels = drawn_labels(sheet)
        assert len(labels) >= 16  # every township is named (and, on the zoning map, every zone)
        assert overlap_count(labels) == 0, [t for t, _ in labels]
        assert overlap_count(labels + [("copy", labels[0][1])]) == 1  # the measure sees an overlap
        assert sheet.overlaps() == 0 and sheet.forced == 0 and sheet.left_out == 0
        # nor covers a marker: a seat, a hub, a case circle, the ring of people working at home
        markers = drawn_markers(sheet)
        assert marker_hits(labels, markers) == 0, [t for t, b in labels if marker_hits([(t, b)], markers)]
        assert marker_hits([("on a seat", markers[0].bounds)], markers[:1]) == 1  # the measure sees a covered marker
    zmap = sheets[0]
    _, areas, zones = zone_outlines(tables)
    outline = dissolve(areas, zones)
    to_data = zmap.ax.transData.inverted()
    named = {t: box for t, box in drawn_labels(zmap)}
    for z, g in outline.items():
        (x0, y0), (x1, y1) = to_data.transform([named[z][:2], named[z][2:]])
        assert g.contains(shapely.box(x0, y0, x1, y1)), z  # the zone's name wholly inside the zone


def test_zone_borders_have_no_inner_fragments_where_digitised_borders_do_not_meet(digitised_county):
    geo, areas, zones = zone_outlines(digitised_county)
    assert geo.source == "boundaries.geojson"
    naive = {z: shapely.union_all([a for a, k in zip(areas, zones) if k == z]) for z in set(zones)}
    assert inner_fragments(naive) > 0  # the gaps of the digitising: a plain union draws lines inside zones
    outline = dissolve(areas, zones)
    assert inner_fragments(outline) == 0
    assert sum(len(list(p.interiors)) for g in outline.values() for p in shapely.get_parts(g)) == 0
    assert all(g.geom_type == "Polygon" for g in outline.values())  # one piece each: the zones are connected
    # the drawn zone borders are those outlines: one closed line per zone, nothing smaller than a township
    sheets: list = []
    inp = zoning_input(digitised_county, with_roster=False)
    zoning_map_png(inp, current_zoning(digitised_county), lang="zh", boundaries=digitised_county.boundaries,
                   layout="print", keep=sheets)
    borders = [c for c in sheets[0].ax.collections if type(c).__name__ == "LineCollection"
               and np.isclose(c.get_linewidth()[0], 1.4)]
    assert len(borders) == 1 and len(borders[0].get_segments()) == len(set(zones))
    ring_areas = [shapely.Polygon(s).area for s in borders[0].get_segments()]
    assert min(ring_areas) > 10 * SLIVER_KM2


def test_adjacency_of_digitised_polygons_follows_the_one_border_rule(voronoi_county, digitised_county):
    """Borders a few metres apart are one border (within 50 m), a corner is none (under 250 m):
    the digitised county has exactly the neighbours of its clean areas by the same rule."""
    clean = areas_of(voronoi_county.townships["township_id"].tolist(), voronoi_county.townships["county"].tolist(),
                     voronoi_county.townships["lat"], voronoi_county.townships["lon"], None)
    inp = zoning_input(digitised_county, with_roster=False)
    assert sorted(inp.edges) == shared_pairs(clean.areas)
    a, b = shapely.box(0, 0, 1, 1), shapely.box(1.0008, 1.0008, 2, 2)  # a corner 0.8 m away
    c = shapely.box(1.03, 0, 2, 1)  # a border drawn 30 m off
    assert shared_pairs([a, b]) == [] and shared_pairs([a, c]) == [(0, 1)]


def test_maps_for_print_are_page_wide_and_set_no_text_under_8pt(voronoi_county):
    sheets: list = []
    inp = zoning_input(voronoi_county, with_roster=False)
    zoning_map_png(inp, current_zoning(voronoi_county), lang="zh", layout="print", keep=sheets)
    assignment_map_png(voronoi_county, zoneplan.staff(voronoi_county).assignments, lang="zh", layout="print",
                       keep=sheets)
    for sheet in sheets:
        w, h = sheet.fig.get_size_inches()
        assert w == pytest.approx(PRINT_WIDTH_IN) and h <= PRINT_HEIGHT_IN + 1e-6
        sizes = [t.get_fontsize() for t in sheet.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert min(sizes) >= MIN_PRINT_PT, min(sizes)
    # on screen the legend goes beside the map and small text is allowed
    screen: list = []
    zoning_map_png(inp, current_zoning(voronoi_county), lang="zh", keep=screen)
    assert screen[0].fig.get_size_inches()[0] > PRINT_WIDTH_IN


def test_a_far_island_is_drawn_its_own_size_not_the_sea():
    """A county of 25 seats 5 km apart and an island 80 km east: without a bound the island's
    schematic area would reach halfway back to the coast."""
    from zoneplan.maps.geometry import CELL_RADIUS, voronoi_cells

    gx, gy = np.meshgrid(np.arange(5) * 5.0, np.arange(5) * 5.0)
    x = np.concatenate([gx.ravel(), [100.0]])
    y = np.concatenate([gy.ravel(), [10.0]])
    cells = voronoi_cells(x, y, ["c"] * 26)
    island = cells[-1]
    assert island.area <= np.pi * (CELL_RADIUS * 5.0) ** 2 * 1.01
    assert island.bounds[0] > 100.0 - CELL_RADIUS * 5.0 - 1e-6  # it stops 15 km out, far from the coast at x = 20
    assert all(c.covers(shapely.Point(px, py)) for c, px, py in zip(cells, x, y))
