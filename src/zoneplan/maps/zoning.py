"""Zoning maps: township areas shaded by zone, zone labels, hubs, a legend of zone members.

One map per county (the county's name as its title) and an index map of all counties when
there are several.  Colours come from :func:`zone_colors`, which gives the same colour to
the same zone membership on every map of a comparison.  Township areas are the polygons of
``boundaries.geojson`` when given, else the seats' Voronoi cells clipped to the county
(:mod:`zoneplan.maps.geometry`); the caption says which.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..i18n import N_, NC_, pick, resolve_lang
from ..zoning.data import ZoningInput
from ..zoning.metrics import _hub, zone_members
from ..zoning.naming import zone_rank
from .fonts import display_name, font_context
from .geometry import areas_of, padded_bounds, union_by
from .sheet import MIN_PRINT_PT, INK, Entry, Label, Sheet, areas_collection, caption, outline_collection
from .sheet import TEXTS as SHARED

__all__ = ["PALETTE", "UNZONED", "zone_colors", "zoning_map_png", "zoning_maps_by_county", "index_map_png",
           "zoning_map_files", "map_file_name"]

logger = logging.getLogger(__name__)

#: Qualitative fills (Tableau 20 hues), all distinct from the unzoned grey.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
           "#ff9da7", "#a0cbe8", "#ffbe7d", "#8cd17d", "#d4a6c8", "#d7b5a6")
#: Hue family of each palette colour: zones that touch get different families where possible.
_FAMILY = (0, 1, 2, 3, 4, 5, 6, 7, 3, 0, 1, 2, 4, 7)
UNZONED = "#d9d9d9"

TEXTS = {
    "zones": N_("{n} townships, {k} zones"),
    "unzoned_n": N_(", {u} unzoned"),
    "hub": NC_("maps.zoning", "hub"),
    "hub_entry": N_("hub township (seat of the zone)"),
    "seat": N_("township seat"),
    "unzoned": N_("not in a zone"),
    "island": N_("no neighbouring township"),
    "county_border": N_("county border"),
    "zone_line": N_("{zone}  ({k} townships)"),
    "leader": N_("led by {name}"),
    "office": N_("office: {name}"),
    "lead_sep": N_(" · "),
    "county_line": N_("{county}: {n} townships, {k} zones"),
    "index": NC_("maps.zoning", "Counties"),
    "no_county": N_("(county not given)"),
}

# ---------------------------------------------------------------------------- colours


def _membership(inp: ZoningInput, zones: pd.DataFrame) -> dict[str, frozenset[str]]:
    return {z: frozenset(inp.township_ids[i] for i in mem) for z, mem in zone_members(inp, zones).items()}


def zone_colors(inp: ZoningInput, zonings: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    """A fill colour per zone of every zoning, stable across the zonings.

    A zone with the same member townships gets the same colour on every map.  Otherwise, in
    order of preference: the zones of one county map get different colours (while the
    palette lasts), zones that touch get different hues, and a zone that differs between
    zonings avoids the colours of the zones it overlaps elsewhere, so changes stand out.
    Zones that touch never share a colour.  The result is the same for the same input (zones
    are coloured in a fixed order: shared memberships first, then by smallest township id).

    Parameters
    ----------
    inp
        The townships (adjacency tells which zones touch).
    zonings
        Name -> zone table (``township_id``, ``zone``), e.g. the current zoning and proposals.

    Returns
    -------
    dict
        Zoning name -> zone id -> colour (``#rrggbb``).

    Examples
    --------
    >>> import pandas as pd
    >>> inp = ZoningInput.from_coordinates(list("abcd"), None, ["c"] * 4, [0] * 4, [0, .1, .2, .3])
    >>> z1 = pd.DataFrame({"township_id": list("abcd"), "zone": ["A", "A", "B", "B"]})
    >>> z2 = pd.DataFrame({"township_id": list("abcd"), "zone": ["X", "X", "Y", "Y"]})
    >>> c = zone_colors(inp, {"one": z1, "two": z2})
    >>> c["one"]["A"] == c["two"]["X"], c["one"]["A"] != c["one"]["B"]
    (True, True)
    """
    members = {name: _membership(inp, z) for name, z in zonings.items()}
    count: dict[frozenset[str], int] = defaultdict(int)
    for zs in members.values():
        for m in zs.values():
            count[m] += 1
    nbr = defaultdict(list)
    for a, b in inp.edges:
        nbr[inp.township_ids[a]].append(inp.township_ids[b])
        nbr[inp.township_ids[b]].append(inp.township_ids[a])
    hard: dict[frozenset[str], set[frozenset[str]]] = defaultdict(set)   # touching in one zoning
    for zs in members.values():
        zone_of = {t: m for m in zs.values() for t in m}
        for m in zs.values():
            for t in m:
                for u in nbr[t]:
                    other = zone_of.get(u)
                    if other is not None and other != m:
                        hard[m].add(other)
    soft: dict[frozenset[str], set[frozenset[str]]] = defaultdict(set)   # overlapping across zonings
    owner: dict[str, set[frozenset[str]]] = defaultdict(set)
    for m in count:
        for t in m:
            owner[t].add(m)
    for ms in owner.values():
        for m in ms:
            soft[m] |= ms - {m}
    order = sorted(count, key=lambda m: (-count[m], min(m), sorted(m)))
    county_of = dict(zip(inp.township_ids, inp.county))
    maps_of: dict[frozenset[str], list[tuple[str, str]]] = defaultdict(list)  # the county maps showing m
    for name, zs in members.items():
        for m in zs.values():
            maps_of[m].append((name, county_of[min(m)]))
    on_map: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(PALETTE))
    colour: dict[frozenset[str], int] = {}
    used = [0] * len(PALETTE)
    for m in order:
        banned = {colour[o] for o in hard[m] if o in colour}
        families = {_FAMILY[k] for k in banned}
        soft_taken = {colour[o] for o in soft[m] if o in colour}
        free = [k for k in range(len(PALETTE)) if k not in banned] or list(range(len(PALETTE)))

        def rank(k: int) -> tuple:
            twice = sum(on_map[key][k] for key in maps_of[m])  # already on a map that shows m
            return (twice > 0, _FAMILY[k] in families, k in soft_taken, twice, used[k], k)

        k = min(free, key=rank)
        colour[m] = k
        used[k] += 1
        for key in maps_of[m]:
            on_map[key][k] += 1
    return {name: {z: PALETTE[colour[m]] for z, m in zs.items()} for name, zs in members.items()}


# ---------------------------------------------------------------------------- the scene


@dataclass
class _Scene:
    """Everything the zoning maps of one input share: projected seats, areas, zones."""

    inp: ZoningInput
    x: np.ndarray
    y: np.ndarray
    areas: list[BaseGeometry]
    source: str  # boundaries file, or "" for Voronoi cells
    members: dict[str, list[int]]
    zone_of: dict[int, str]
    hubs: dict[str, int]
    colors: dict[str, str]
    degree: np.ndarray
    labels: list[str]
    lead: dict[str, tuple[str, str]]  # zone -> (leader name, office name) of 1+1+N, when the zone table has them

    @classmethod
    def build(cls, inp: ZoningInput, zones: pd.DataFrame, colors: Mapping[str, str] | None, boundaries) -> _Scene:
        geo = areas_of(inp.township_ids, inp.county, inp.lat, inp.lon, boundaries)
        members = zone_members(inp, zones)
        zone_of = {i: z for z, mem in members.items() for i in mem}
        hubs = _hubs(inp, zones, members)
        if colors is None:
            colors = zone_colors(inp, {"": zones})[""]
        missing = sorted(set(members) - set(colors))
        if missing:
            raise ValueError(f"colors lacks zone(s) {', '.join(missing[:10])}")
        degree = np.zeros(inp.n, dtype=int)
        for a, b in inp.edges:
            degree[a] += 1
            degree[b] += 1
        labels = [display_name(inp.names[i], inp.township_ids[i]) for i in range(inp.n)]
        return cls(inp, geo.x, geo.y, geo.areas, geo.source, members, zone_of, hubs, dict(colors), degree, labels,
                   _leadership(zones))


def _leadership(zones: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Zone -> (leader name, office name) from the zone table's ``leader_name``/``office_name`` columns."""
    if not {"leader_name", "office_name"} & set(zones.columns):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for _, row in zones.iterrows():
        z = str(row["zone"]) if pd.notna(row["zone"]) else ""
        if z and z not in out:
            get = lambda c: "" if c not in zones.columns or pd.isna(row[c]) else str(row[c])  # noqa: E731
            out[z] = (get("leader_name"), get("office_name"))
    return out


def _hubs(inp: ZoningInput, zones: pd.DataFrame, members: dict[str, list[int]]) -> dict[str, int]:
    """Hub per zone: the zone table's ``hub`` column where it names a member, else the least-minutes member."""
    given: dict[str, str] = {}
    if "hub" in zones.columns:
        for z, h in zip(zones["zone"].fillna("").astype(str), zones["hub"].fillna("").astype(str)):
            if z and h:
                given[z] = h
    out = {}
    for z, mem in members.items():
        h = given.get(z)
        out[z] = inp.index(h) if h and inp.has(h) and inp.index(h) in mem else _hub(inp, mem)[0]
    return out


def _style(n: int) -> dict:
    """Sizes for a map of ``n`` townships."""
    if n <= 30:
        return {"width": 7.5, "label": 8.0, "seat": 14, "hub": 90, "zone": 10.5, "dpi": 150}
    if n <= 80:
        return {"width": 9.0, "label": 6.5, "seat": 9, "hub": 60, "zone": 9.0, "dpi": 150}
    if n <= 200:
        return {"width": 12.0, "label": 5.5, "seat": 5, "hub": 36, "zone": 7.5, "dpi": 160}
    return {"width": 15.0, "label": 4.6, "seat": 3, "hub": 22, "zone": 6.5, "dpi": 170}


def _zone_anchor(area: BaseGeometry) -> tuple[float, float]:
    """A point well inside an area (pole of inaccessibility of its largest part)."""
    parts = sorted(shapely.get_parts(area), key=lambda g: -g.area)
    poly = parts[0] if parts else area
    if poly.geom_type != "Polygon":
        c = poly.representative_point()
        return c.x, c.y
    from shapely.ops import polylabel

    p = polylabel(poly, tolerance=max(np.sqrt(poly.area) / 50, 1e-3))
    return p.x, p.y


# ---------------------------------------------------------------------------- one map


def _draw(scene: _Scene, idx: list[int], title: str, subtitle: str, lang: str, layout: str = "screen",
          keep: list | None = None) -> bytes:
    """One county-level (or whole-area) zoning map of the townships ``idx`` (``keep``: a list
    the drawn :class:`Sheet` is appended to, for measuring)."""
    inp = scene.inp
    st = _style(len(idx))
    if layout == "print":  # drawn at the width it prints at: no label under 8 pt
        st = {**st, "label": max(st["label"], MIN_PRINT_PT), "zone": max(st["zone"], 10.0)}
    rank = zone_rank([scene.zone_of.get(i, "") for i in range(inp.n)], inp.lat, inp.lon, inp.county)
    zones = sorted({scene.zone_of[i] for i in idx if i in scene.zone_of}, key=lambda z: (rank.get(z, len(rank)), z))
    unzoned = [i for i in idx if i not in scene.zone_of]
    islands = [i for i in idx if scene.degree[i] == 0]
    sep = pick(SHARED["sep"], lang)
    legend = [Entry([pick(TEXTS["hub_entry"], lang)], {"marker": {"marker": "*", "markersize": 10,
                                                                    "markerfacecolor": "white",
                                                                    "markeredgecolor": INK}}, bold_first=False),
              Entry([pick(TEXTS["seat"], lang)], {"marker": {"marker": "o", "markersize": 4, "markerfacecolor": INK,
                                                               "markeredgecolor": "white"}}, bold_first=False),
              Entry([pick(SHARED["zone_border"], lang)], {"line": {"color": INK, "linewidth": 1.4}},
                    bold_first=False)]
    if unzoned:
        legend.append(Entry([pick(TEXTS["unzoned"], lang)],
                            {"patch": {"facecolor": UNZONED, "hatch": "///", "edgecolor": "#999999"}}, bold_first=False))
    if islands:
        legend.append(Entry([pick(TEXTS["island"], lang)],
                            {"line": {"color": "#c0392b", "linewidth": 1.2, "linestyle": (0, (3, 2))}},
                            bold_first=False))
    many = len(zones) > 60
    for z in zones:
        mem = scene.members[z]
        h = scene.hubs[z]
        names = [scene.labels[h] + "★"] + [scene.labels[i] for i in mem if i != h]
        head = pick(TEXTS["zone_line"], lang, zone=z, k=len(mem))
        lines = [f"{head}  {sep.join(names)}"] if many else [head, sep.join(names)]
        leader, office = scene.lead.get(z, ("", ""))
        lead = pick(TEXTS["lead_sep"], lang).join(
            pick(TEXTS[k], lang, name=display_name(v, v)) for k, v in (("leader", leader), ("office", office)) if v)
        if lead:
            lines = [f"{lines[0]}  {lead}"] if many else lines + [lead]
        legend.append(Entry(lines, {"patch": {"facecolor": scene.colors[z], "edgecolor": "#555555"}},
                            bold_first=not many))
    areas = [scene.areas[i] for i in idx]
    sheet = Sheet(padded_bounds(areas), title=title, subtitle=subtitle, caption=caption(scene.source, lang),
                  legend=legend,
                  map_width=st["width"], legend_size=7.5 if len(zones) <= 40 else 6.5,
                  dpi=max(st["dpi"], 200) if layout == "print" else st["dpi"],
                  legend_width=3.2 if not many else 3.6, layout=layout)
    if keep is not None:
        keep.append(sheet)
    ax = sheet.ax
    face = [scene.colors[scene.zone_of[i]] if i in scene.zone_of else UNZONED for i in idx]
    lw = 0.7 if len(idx) <= 80 else 0.4
    ax.add_collection(areas_collection(areas, face, edgecolor="white", linewidth=lw, alpha=0.85, zorder=1))
    if unzoned:
        ax.add_collection(areas_collection([scene.areas[i] for i in unzoned], "none", edgecolor="#999999",
                                           linewidth=0.3, hatch="///", zorder=1.5))
    zone_areas = union_by([scene.areas[i] for i in idx if i in scene.zone_of],
                          [scene.zone_of[i] for i in idx if i in scene.zone_of])
    ax.add_collection(outline_collection(list(zone_areas.values()), color=INK,
                                         linewidth=1.4 if len(idx) <= 80 else 0.8, zorder=3))
    if islands:
        ax.add_collection(outline_collection([scene.areas[i] for i in islands], color="#c0392b", linewidth=1.2,
                                             linestyle=(0, (3, 2)), zorder=3.5))
    county_areas = union_by(areas, [inp.county[i] for i in idx])
    if len(county_areas) > 1:
        ax.add_collection(outline_collection(list(county_areas.values()), color="#000000", linewidth=2.0, zorder=3.2))
    hub_set = {scene.hubs[z] for z in zones}
    plain = [i for i in idx if i not in hub_set]
    hubs = [i for i in idx if i in hub_set]
    ax.scatter(scene.x[plain], scene.y[plain], s=st["seat"], c=INK, edgecolors="white", linewidths=0.4, zorder=5)
    ax.scatter(scene.x[hubs], scene.y[hubs], s=st["hub"], c="white", marker="*", edgecolors=INK,
               linewidths=0.8, zorder=6)
    sheet.scale_bar(lang)
    dpi_pt = sheet.dpi / 72.0
    sheet.reserve_points(scene.x[plain], scene.y[plain], np.sqrt(st["seat"]) / 2 * dpi_pt + 1)
    sheet.reserve_points(scene.x[hubs], scene.y[hubs], np.sqrt(st["hub"]) / 2 * dpi_pt)
    # hubs' names first (a zone is known by its hub), then each zone's name inside the zone,
    # then the other townships' names: nothing covers what was placed before
    gap = np.sqrt(st["hub"]) / 2 * dpi_pt
    hub_labels = [Label(scene.x[i], scene.y[i], scene.labels[i], size=st["label"], weight="bold", gap_px=gap)
                  for i in hubs]
    done = sheet.place(hub_labels)
    zone_labels = []
    for z in zones:
        zx, zy = _zone_anchor(zone_areas[z])
        zone_labels.append(Label(zx, zy, z, size=st["zone"], weight="bold", color="#111111", centred=True,
                                 gap_px=6, force=len(idx) <= 80, inside=zone_areas[z]))
    sheet.place(zone_labels)
    town_labels = [Label(scene.x[i], scene.y[i], scene.labels[i], size=st["label"], gap_px=gap * 0.6)
                   for i in plain]
    done += sheet.place(town_labels)
    if done < len(hubs) + len(plain):
        logger.info("map %s: %d of %d township labels left out where they would overlap", title,
                    len(hubs) + len(plain) - done, len(hubs) + len(plain))
    return sheet.png()


def _subtitle(scene: _Scene, idx: list[int], lang: str, label: str | None) -> str:
    zones = {scene.zone_of[i] for i in idx if i in scene.zone_of}
    un = sum(1 for i in idx if i not in scene.zone_of)
    text = pick(TEXTS["zones"], lang, n=len(idx), k=len(zones)) + (pick(TEXTS["unzoned_n"], lang, u=un) if un else "")
    return f"{label} · {text}" if label else text


def zoning_map_png(inp: ZoningInput, zones: pd.DataFrame, *, title: str | None = None, subtitle: str | None = None,
                   colors: Mapping[str, str] | None = None, lang: str | None = None, boundaries=None,
                   county: str | None = None, layout: str = "screen", keep: list | None = None) -> bytes:
    """A zoning map as PNG bytes.

    Township areas are shaded in their zone's colour and outlined by zone; hubs are stars,
    seats dots; zone ids sit inside their zones and township names (Chinese names where
    given, else ids) beside their seats, left out only where they would overlap; a legend
    lists each zone with its hub (★) and members.

    Parameters
    ----------
    inp
        The townships.
    zones
        Zone table: ``township_id``, ``zone`` (``""`` = not in a zone), optional ``hub``.
    title
        Page title (default: the county's name).
    subtitle
        Text before the counts under the title (e.g. the zoning's name).
    colors
        Zone id -> colour (default :func:`zone_colors` of this zoning alone).
    lang
        ``zh`` or ``en`` for the legend and captions (default :func:`zoneplan.i18n.default_lang`).
    boundaries
        :class:`~zoneplan.maps.boundaries.Boundaries` to draw real township polygons.
    county
        Draw only this county's townships (default: all).
    layout
        ``"print"``: drawn at the width of an A4 page less its margins, the legend below the
        map, no text under 8 pt (the maps of plan.html); ``"screen"``: the legend beside it.
    keep
        A list the drawn page (:class:`~zoneplan.maps.sheet.Sheet`) is appended to, to measure it.
    """
    lang = resolve_lang(lang)
    with font_context():
        scene = _Scene.build(inp, zones, colors, boundaries)
        idx = [i for i in range(inp.n) if county is None or inp.county[i] == county]
        if not idx:
            raise ValueError(f"no township in county {county!r}")
        counties = sorted({inp.county[i] for i in idx})
        head = title or (counties[0] if len(counties) == 1 and counties[0] else pick(TEXTS["index"], lang))
        return _draw(scene, idx, head, _subtitle(scene, idx, lang, subtitle), lang, layout, keep)


def zoning_maps_by_county(inp: ZoningInput, zones: pd.DataFrame, *, subtitle: str | None = None,
                          colors: Mapping[str, str] | None = None, lang: str | None = None,
                          boundaries=None) -> dict[str, bytes]:
    """One zoning map per county (county name -> PNG bytes, counties in sorted order).

    Parameters are those of :func:`zoning_map_png`; each map is titled with its county.
    """
    lang = resolve_lang(lang)
    out: dict[str, bytes] = {}
    with font_context():
        scene = _Scene.build(inp, zones, colors, boundaries)
        for c in inp.counties():
            idx = [i for i in range(inp.n) if inp.county[i] == c]
            out[c] = _draw(scene, idx, c or pick(TEXTS["no_county"], lang), _subtitle(scene, idx, lang, subtitle), lang)
    return out


def index_map_png(inp: ZoningInput, zones: pd.DataFrame, *, title: str | None = None, subtitle: str | None = None,
                  colors: Mapping[str, str] | None = None, lang: str | None = None, boundaries=None,
                  layout: str = "screen") -> bytes:
    """The index map of all counties: zones shaded, county borders and names, counts per county."""
    lang = resolve_lang(lang)
    with font_context():
        scene = _Scene.build(inp, zones, colors, boundaries)
        idx = list(range(inp.n))
        counties = inp.counties()
        legend = [Entry([pick(TEXTS["county_border"], lang)], {"line": {"color": "#000000", "linewidth": 2.0}},
                        bold_first=False)]
        if any(i not in scene.zone_of for i in idx):
            legend.append(Entry([pick(TEXTS["unzoned"], lang)],
                                {"patch": {"facecolor": UNZONED, "hatch": "///", "edgecolor": "#999999"}},
                                bold_first=False))
        stats = {}
        for c in counties:
            ci = [i for i in idx if inp.county[i] == c]
            k = len({scene.zone_of[i] for i in ci if i in scene.zone_of})
            stats[c] = (len(ci), k)
            legend.append(Entry([pick(TEXTS["county_line"], lang, county=c or pick(TEXTS["no_county"], lang),
                                      n=len(ci), k=k)], None, bold_first=False))
        sheet = Sheet(padded_bounds(scene.areas), title=title or pick(TEXTS["index"], lang),
                      subtitle=_subtitle(scene, idx, lang, subtitle), caption=caption(scene.source, lang), legend=legend,
                      map_width=11.0 if inp.n > 150 else 9.0, dpi=200 if layout == "print" else 150, layout=layout)
        ax = sheet.ax
        face = [scene.colors[scene.zone_of[i]] if i in scene.zone_of else UNZONED for i in idx]
        ax.add_collection(areas_collection(scene.areas, face, edgecolor="white", linewidth=0.25, alpha=0.8, zorder=1))
        zone_areas = union_by([scene.areas[i] for i in scene.zone_of], [scene.zone_of[i] for i in scene.zone_of])
        ax.add_collection(outline_collection(list(zone_areas.values()), color="#555555", linewidth=0.5, zorder=2))
        county_areas = union_by(scene.areas, inp.county)
        ax.add_collection(outline_collection(list(county_areas.values()), color="#000000", linewidth=2.0, zorder=3))
        hubs = sorted(scene.hubs.values())
        ax.scatter(scene.x[hubs], scene.y[hubs], s=10, c="white", marker="*", edgecolors=INK, linewidths=0.4,
                   zorder=4)
        sheet.scale_bar(lang)
        labels = []
        for c in counties:
            cx, cy = _zone_anchor(county_areas[c])
            n, k = stats[c]
            labels.append(Label(cx, cy, c or pick(TEXTS["no_county"], lang), size=11, weight="bold",
                                centred=True, force=True))
        sheet.place(labels)
        return sheet.png()


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def map_file_name(stem: str, county: str) -> str:
    """File name of a county's map: ``{stem}_{county}.png`` with characters unsafe in file names replaced."""
    safe = _UNSAFE.sub("_", county).strip("._") or "county"
    return f"{stem}_{safe}.png"


def zoning_map_files(inp: ZoningInput, zones: pd.DataFrame, *, stem: str = "map", subtitle: str | None = None,
                     title: str | None = None, colors: Mapping[str, str] | None = None, lang: str | None = None,
                     boundaries=None) -> dict[str, bytes]:
    """The map files of a zoning, file name -> PNG bytes.

    One county: ``{stem}.png``.  Several: ``{stem}.png`` is the index map (titled ``title``)
    and ``{stem}_{county}.png`` the map of each county.
    """
    counties = inp.counties()
    if len(counties) == 1:
        return {f"{stem}.png": zoning_map_png(inp, zones, title=title if not counties[0] else None,
                                              subtitle=subtitle, colors=colors, lang=lang, boundaries=boundaries)}
    files = {f"{stem}.png": index_map_png(inp, zones, title=title, subtitle=subtitle, colors=colors, lang=lang,
                                          boundaries=boundaries)}
    names: set[str] = set()
    for c, png in zoning_maps_by_county(inp, zones, subtitle=subtitle, colors=colors, lang=lang,
                                        boundaries=boundaries).items():
        name = map_file_name(stem, c)
        while name in names or name in files:
            name = name[:-4] + "_.png"
        names.add(name)
        files[name] = png
    return files
