"""Supervision-area maps (监督片区): each county's villages shaded by area, zones outlined.

A village is drawn as the part of its township nearest to it (the Voronoi cell of its point
among the township's villages, cut to the township's area), so the areas fill the townships;
areas are outlined, zones drawn thick, liaison villages (村级监督联络员) marked with a
triangle, area labels inside their areas, and a legend lists each zone's areas with their
villages, households and liaisons.  Touching areas never share a colour.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from ..i18n import N_, NC_, pick, resolve_lang
from .fonts import display_name, font_context
from ..zoning.naming import zone_rank
from .geometry import Projection, areas_of, padded_bounds, shared_pairs, union_by
from .sheet import INK, Entry, Label, Sheet, areas_collection, caption, outline_collection
from .zoning import PALETTE, map_file_name

__all__ = ["areas_map_png", "areas_map_files"]

logger = logging.getLogger(__name__)

TEXTS = {
    "subtitle": N_("supervision areas · {z} zones, {a} areas, {v} villages"),
    "liaison": N_("village with a liaison (村级监督联络员)"),
    "village": NC_("maps.areas", "village"),
    "zone_border": N_("zone border"),
    "area_border": N_("area border"),
    "zone": N_("{zone}"),
    "area_line": N_("{area}: {v} villages, {w} {unit}, {l} liaisons"),
    "unit": {"households": NC_("maps.areas", "households"), "population": N_("people"),
             "villages": NC_("maps.areas", "villages")},
    "no_area": N_("not in an area"),
}


def _village_cells(x: np.ndarray, y: np.ndarray, township: np.ndarray,
                   town_area: Mapping[str, shapely.Geometry]) -> list[shapely.Geometry]:
    """Each village's part of its township: the Voronoi cell among the township's villages, cut to the township."""
    out: list[shapely.Geometry] = [shapely.Point()] * len(x)
    for t, area in town_area.items():
        idx = np.flatnonzero(township == t)
        if len(idx) == 1:
            out[int(idx[0])] = area
            continue
        if not len(idx):
            continue
        pts = shapely.points(np.column_stack([x[idx], y[idx]]))
        env = shapely.box(*area.bounds).buffer(1.0).union(shapely.multipoints(pts).envelope.buffer(1.0))
        cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env)))
        tree = shapely.STRtree(cells)
        for k, pt in zip(idx.tolist(), pts):
            hit = tree.query(pt, predicate="within")
            cell = cells[int(hit[0])] if len(hit) else cells[int(np.argmin(shapely.distance(cells, pt)))]
            out[k] = shapely.intersection(cell, area)
    return out


def _colours(names: list[str], geoms: Mapping[str, shapely.Geometry]) -> dict[str, str]:
    """Greedy colouring: each area the first palette colour no touching area has (touching: the
    one border rule of :func:`zoneplan.maps.geometry.shared_pairs`)."""
    pairs = shared_pairs([geoms[a] for a in names])
    near: dict[str, set[str]] = {a: set() for a in names}
    for i, j in pairs:
        near[names[i]].add(names[j])
        near[names[j]].add(names[i])
    out: dict[str, str] = {}
    for a in names:
        taken = {out[b] for b in near[a] if b in out}
        free = [c for c in PALETTE if c not in taken]
        out[a] = free[0] if free else PALETTE[len(out) % len(PALETTE)]
    return out


def areas_map_png(tables, areas: pd.DataFrame, *, county: str | None = None, title: str | None = None,
                  weight: str = "households", lang: str | None = None) -> bytes:
    """The supervision-area map of one county (default: the only county) as PNG bytes.

    ``areas`` is :attr:`zoneplan.areas.AreasResult.areas` (``village_id, township_id, zone,
    area, liaison``...).
    """
    lang = resolve_lang(lang)
    tw = tables.townships
    counties = sorted(set(tw["county"]))
    county = counties[0] if county is None else county
    idx = np.flatnonzero((tw["county"] == county).to_numpy())
    with font_context():
        geo = areas_of(tw["township_id"].tolist(), tw["county"].tolist(), tw["lat"].to_numpy(dtype=float),
                       tw["lon"].to_numpy(dtype=float), tables.boundaries)
        proj = Projection.around(tw["lat"].to_numpy(dtype=float), tw["lon"].to_numpy(dtype=float))
        town_area = {tw["township_id"].iat[i]: geo.areas[i] for i in idx}
        v = tables.villages
        rows = np.flatnonzero(v["township_id"].isin(list(town_area)).to_numpy())
        vx, vy = proj.xy(v["lat"].to_numpy(dtype=float)[rows], v["lon"].to_numpy(dtype=float)[rows])
        vt = v["township_id"].to_numpy(dtype=object)[rows]
        cells = _village_cells(vx, vy, vt, town_area)
        vid = v["village_id"].to_numpy(dtype=object)[rows]
        area_of = dict(zip(areas["village_id"], areas["area"].fillna("")))
        zone_of = dict(zip(areas["village_id"], areas["zone"].fillna("")))
        lab = [area_of.get(x, "") for x in vid]
        names = sorted({a for a in lab if a})
        area_geo = (union_by([c for c, a in zip(cells, lab) if a], [a for a in lab if a]))
        colours = _colours(names, area_geo)
        # zones in the one listing order (county, north to south, west to east)
        zt = dict(zip(areas["township_id"], areas["zone"].fillna(""))) if "township_id" in areas.columns else {}
        rank = zone_rank([zt.get(t, "") for t in tw["township_id"]], tw["lat"], tw["lon"], tw["county"]) if zt else {}
        zones = sorted({zone_of.get(x, "") for x in vid} - {""}, key=lambda z: (rank.get(z, len(rank)), z))
        zone_geo = (union_by([c for c, x in zip(cells, vid) if zone_of.get(x)],
                                    [zone_of[x] for x in vid if zone_of.get(x)]))
        unit = pick(TEXTS["unit"][weight], lang)
        summary = areas[areas["area"] != ""].groupby("area").agg(v=("village_id", "size"), w=("area_weight", "first"),
                                                                 l=("liaison", "sum"), z=("zone", "first"))
        legend = [Entry([pick(TEXTS["liaison"], lang)], {"marker": {"marker": "^", "markersize": 6,
                                                                    "markerfacecolor": "white",
                                                                    "markeredgecolor": INK}}, bold_first=False),
                  Entry([pick(TEXTS["zone_border"], lang)], {"line": {"color": INK, "linewidth": 2.0}},
                        bold_first=False),
                  Entry([pick(TEXTS["area_border"], lang)], {"line": {"color": INK, "linewidth": 0.7}},
                        bold_first=False)]
        for z in zones:
            legend.append(Entry([z], None, bold_first=True))
            for a in [n for n in names if summary.at[n, "z"] == z]:
                s = summary.loc[a]
                legend.append(Entry([pick(TEXTS["area_line"], lang, area=a.rsplit("-", 1)[-1], v=int(s["v"]),
                                          w=f"{int(s['w']):,}", unit=unit, l=int(s["l"]))],
                                    {"patch": {"facecolor": colours[a], "edgecolor": "#555555"}}, bold_first=False))
        sheet = Sheet(padded_bounds(list(town_area.values())), title=title or county,
                      subtitle=pick(TEXTS["subtitle"], lang, z=len(zones), a=len(names), v=len(rows)),
                      caption=caption(geo.source, lang), legend=legend, map_width=9.0, legend_size=7.0,
                      legend_width=3.6, dpi=150)
        ax = sheet.ax
        face = [colours[a] if a else "#d9d9d9" for a in lab]
        ax.add_collection(areas_collection(cells, face, edgecolor="white", linewidth=0.2, alpha=0.85, zorder=1))
        ax.add_collection(outline_collection(list(area_geo.values()), color=INK, linewidth=0.7, zorder=2))
        ax.add_collection(outline_collection(list(zone_geo.values()), color=INK, linewidth=2.0, zorder=3))
        li = v["liaison"].to_numpy(dtype=bool)[rows]
        ax.scatter(vx[~li], vy[~li], s=3, c=INK, linewidths=0, zorder=4)
        ax.scatter(vx[li], vy[li], s=16, c="white", marker="^", edgecolors=INK, linewidths=0.6, zorder=5)
        sheet.scale_bar(lang)
        labels = []
        for z in zones:  # zone names first: they matter most
            g = zone_geo[z]
            p = g.representative_point()
            labels.append(Label(p.x, p.y, display_name(z, z), size=9.5, weight="bold", color="#111111",
                                centred=True, force=True, inside=g))
        for a in names:
            g = area_geo[a]
            p = shapely.Point(g.representative_point()) if not g.is_empty else None
            if p is not None:
                labels.append(Label(p.x, p.y, display_name(a.rsplit("-", 1)[-1], a), size=7.0, color="#333333",
                                    centred=True, force=False, inside=g))
        sheet.place(labels)
        return sheet.png()


def areas_map_files(tables, areas: pd.DataFrame, *, stem: str = "areas", weight: str = "households",
                    lang: str | None = None) -> dict[str, bytes]:
    """The area maps, file name -> PNG bytes: ``{stem}.png`` for one county, else one per county."""
    counties = sorted(set(tables.townships.loc[tables.townships["township_id"].isin(set(areas["township_id"])),
                                               "county"]))
    if len(counties) == 1:
        return {f"{stem}.png": areas_map_png(tables, areas, county=counties[0], weight=weight, lang=lang)}
    return {map_file_name(stem, c): areas_map_png(tables, areas, county=c, weight=weight, lang=lang)
            for c in counties}
