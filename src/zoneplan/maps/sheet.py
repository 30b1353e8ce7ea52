"""The page every map is drawn on: title band, map panel, legend panel, labels that do not collide.

Sizes are in inches on a matplotlib ``Figure`` rendered by the Agg canvas directly (the
global backend is never touched); texts use the font chain of :mod:`zoneplan.maps.fonts`.
PNG bytes carry no software/version metadata, so the same input gives the same bytes on the
same installation.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.prepared
from shapely.geometry.base import BaseGeometry

from ..i18n import N_

__all__ = ["Sheet", "Label", "Entry", "areas_collection", "outline_collection", "nice_length", "text_effects",
           "caption", "TEXTS", "PRINT_WIDTH_IN", "PRINT_HEIGHT_IN", "MIN_PRINT_PT", "interior_points"]

INK = "#222222"
MUTED = "#666666"
HALO = "white"

TEXTS = {
    "voronoi": N_("Areas are schematic: each township is drawn as the area nearest to its seat (Voronoi "
                  "cells), not its legal boundary."),
    "polygons": N_("Township boundaries: {file}."),
    "km": N_("km"),
    "zone_border": N_("zone border"),
    "sep": N_(", "),
}


def caption(source: str, lang: str) -> str:
    """What the areas are: the boundaries file, or schematic Voronoi cells."""
    from ..i18n import pick

    return pick(TEXTS["polygons"], lang, file=source) if source else pick(TEXTS["voronoi"], lang)


#: A map for print (``layout="print"``) is drawn at the width it prints at in plan.html: A4 less
#: the page margins (186 mm, :data:`zoneplan.io.report.PRINT_MAP_MM`), no taller than a page
#: leaves (250 mm), with no text under :data:`MIN_PRINT_PT`, so what is drawn at 8 pt prints at 8 pt.
PRINT_WIDTH_IN = 186 / 25.4
PRINT_HEIGHT_IN = 250 / 25.4
MIN_PRINT_PT = 8.0

_TITLE_IN = 0.75     # title band height
_FOOT_IN = 0.35      # caption band height
_MARGIN_IN = 0.25
_GAP_IN = 0.2
_SWATCH_IN = 0.28


def text_effects(bold: bool, color: str = INK, halo: float = 0.0, size: float = 9.0) -> list:
    """Path effects: an optional white halo, and a stroke of the text's colour for bold.

    Bold is drawn this way because the fonts that ship with zoneplan have a regular weight
    only; asking matplotlib for a bold face would log a font warning and fall back anyway.
    """
    import matplotlib.patheffects as pe

    out = []
    if halo:
        out.append(pe.withStroke(linewidth=halo, foreground=HALO))
    if bold:
        out.append(pe.withStroke(linewidth=_bold_width(size), foreground=color))
    return out


def _bold_width(size: float) -> float:
    """Stroke width (points) that makes text of ``size`` points look bold."""
    return 0.06 * size


def _ring_path(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from matplotlib.path import Path

    codes = np.full(len(coords), Path.LINETO, dtype=np.uint8)
    codes[0] = Path.MOVETO
    codes[-1] = Path.CLOSEPOLY
    return coords, codes


def polygon_path(geom: BaseGeometry):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path

    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            v, c = _ring_path(np.asarray(ring.coords))
            verts.append(v)
            codes.append(c)
    if not verts:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(verts), np.concatenate(codes))


def areas_collection(geoms: Sequence[BaseGeometry], facecolors, edgecolor="white", linewidth=0.6,
                     alpha: float = 1.0, hatch: str | None = None, zorder: float = 1):
    """A PatchCollection of filled areas."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    patches = [PathPatch(polygon_path(g)) for g in geoms]
    coll = PatchCollection(patches, facecolors=facecolors, edgecolors=edgecolor, linewidths=linewidth,
                           alpha=alpha, zorder=zorder)
    if hatch:
        coll.set_hatch(hatch)
    return coll


def outline_collection(geoms: Sequence[BaseGeometry], color=INK, linewidth=1.2, linestyle="-", zorder: float = 3):
    """The borders of areas as one LineCollection."""
    from matplotlib.collections import LineCollection

    segs = []
    for g in geoms:
        for poly in shapely.get_parts(g):
            if poly.geom_type != "Polygon":
                continue
            segs.extend(np.asarray(r.coords) for r in (poly.exterior, *poly.interiors))
    return LineCollection(segs, colors=color, linewidths=linewidth, linestyles=linestyle, zorder=zorder,
                          capstyle="round", joinstyle="round")


def nice_length(span: float) -> float:
    """A round length (1, 2, 5 x 10^k) near a fifth of ``span``."""
    if span <= 0:
        return 1.0
    target = span / 5
    k = 10 ** math.floor(math.log10(target))
    return min((m * k for m in (1, 2, 5, 10)), key=lambda v: abs(v - target))


@dataclass
class Label:
    """A text to place next to a point (or centred on it when ``centred``)."""

    x: float
    y: float
    text: str
    size: float = 7.0
    weight: str = "normal"
    color: str = INK
    gap_px: float = 4.0        # distance from the point (marker radius)
    centred: bool = False      # try the point itself first (area labels)
    force: bool = False        # place even when every position collides
    inside: BaseGeometry | None = None  # the label's centre must fall in this area (data coordinates)


@dataclass
class Entry:
    """A legend entry: a swatch and one or more lines (the first may be bold)."""

    lines: list[str]
    swatch: dict | None = None  # {"patch": {...}} / {"line": {...}} / {"marker": {...}}
    bold_first: bool = True
    wrap: bool = True


@dataclass
class Sheet:
    """A figure with a title band, a map panel (km coordinates, equal aspect) and a legend panel.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the map in km.
    map_width
        Width of the map panel in inches.
    legend
        Legend entries (laid out in columns of ``legend_width`` inches beside the map).
    """

    bounds: tuple[float, float, float, float]
    title: str
    subtitle: str = ""
    caption: str = ""
    legend: list[Entry] = field(default_factory=list)
    map_width: float = 7.5
    legend_width: float = 3.2
    legend_size: float = 7.5
    dpi: int = 150
    layout: str = "screen"  # "print": PRINT_WIDTH_IN wide, the legend below the map, no text under 8 pt

    def __post_init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.printed = self.layout == "print"
        if self.printed:
            self.legend_size = max(self.legend_size, MIN_PRINT_PT)
        x0, y0, x1, y1 = self.bounds
        w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
        y0 -= 0.06 * h  # a strip for the scale bar
        h *= 1.06
        aspect = h / w
        self.fig = Figure(figsize=(1, 1), dpi=self.dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.renderer = self.canvas.get_renderer()
        self._placed: list[tuple[float, float, float, float]] = []
        self.label_boxes: list[tuple[float, float, float, float]] = []  # every label placed, in pixels
        self.forced = 0  # labels placed where they collide (nowhere free)
        self.left_out = 0  # labels not placed (nowhere free)
        if self.printed:
            self._layout_print(aspect)
        else:
            self._layout_screen(aspect)
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self.ax.set_aspect("equal", adjustable="box", anchor="N" if self.printed else "NW")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        for side in self.ax.spines.values():
            side.set_color("#d0d0d0")
        self.ax.apply_aspect()

    def _layout_screen(self, aspect: float) -> None:
        """The map on the left, the legend in columns beside it."""
        self.map_height = self.map_width * aspect
        if self.map_height > 1.35 * self.map_width:  # tall: narrower panel, same height limit
            self.map_height = 1.35 * self.map_width
            self.map_width = max(self.map_height / aspect, 2.5)
        self.map_height = max(self.map_height, 2.0)
        columns, height = self._legend_columns()
        self.body_height = max(self.map_height, height)
        width = _MARGIN_IN * 2 + self.map_width + (_GAP_IN + len(columns) * self.legend_width if columns else 0)
        total_h = _TITLE_IN + self.body_height + _FOOT_IN + _MARGIN_IN
        self.fig.set_size_inches(width, total_h)
        self.renderer = self.canvas.get_renderer()
        self.ax = self.fig.add_axes([_MARGIN_IN / width, (_FOOT_IN + self.body_height - self.map_height) / total_h,
                                     self.map_width / width, self.map_height / total_h])
        self._columns = columns
        self._legend_top = total_h - _TITLE_IN
        self._legend_left = _MARGIN_IN + self.map_width + _GAP_IN
        self._width = width
        self._height = total_h

    def _layout_print(self, aspect: float) -> None:
        """The map across the page's width, the legend in two columns below it, the whole no
        taller than :data:`PRINT_HEIGHT_IN` (a tall county gets a narrower map, centred)."""
        width = PRINT_WIDTH_IN
        inner = width - 2 * _MARGIN_IN
        self.fig.set_size_inches(width, 1)
        self.legend_width = inner / 2
        columns, legend_h = self._legend_columns(ncols=2)
        room = PRINT_HEIGHT_IN - _TITLE_IN - _FOOT_IN - _MARGIN_IN - (legend_h + _GAP_IN if columns else 0)
        self.map_width = inner
        self.map_height = inner * aspect
        if self.map_height > room:
            self.map_height = max(room, 2.0)
            self.map_width = min(inner, self.map_height / aspect)
        self.map_height = max(self.map_height, 2.0)
        self.body_height = self.map_height + (legend_h + _GAP_IN if columns else 0)
        total_h = _TITLE_IN + self.body_height + _FOOT_IN + _MARGIN_IN
        self.fig.set_size_inches(width, total_h)
        self.renderer = self.canvas.get_renderer()
        left = (width - self.map_width) / 2
        self.ax = self.fig.add_axes([left / width, (total_h - _TITLE_IN - self.map_height) / total_h,
                                     self.map_width / width, self.map_height / total_h])
        self._columns = columns
        self._legend_top = total_h - _TITLE_IN - self.map_height - _GAP_IN
        self._legend_left = _MARGIN_IN
        self._width = width
        self._height = total_h

    # ------------------------------------------------------------------ text measuring
    def text_size(self, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
        """Width and height of ``text`` in pixels (bold adds the width of its stroke)."""
        from matplotlib.font_manager import FontProperties

        w, h, _ = self.renderer.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
        extra = _bold_width(size) * self.dpi / 72 if weight == "bold" else 0.0
        return float(w) + extra, float(h) + extra

    def _wrap(self, text: str, size: float, width_in: float, bold: bool) -> list[str]:
        """Split ``text`` at its separators (、 , space) so each line fits ``width_in``."""
        limit = width_in * self.dpi
        weight = "bold" if bold else "normal"
        if self.text_size(text, size, weight)[0] <= limit:
            return [text]
        pieces, cur = [], ""
        for tok in _tokens(text):
            if cur and self.text_size(cur + tok, size, weight)[0] > limit:
                pieces.append(cur.rstrip())
                cur = tok.lstrip()
            else:
                cur += tok
        if cur:
            pieces.append(cur.rstrip())
        return pieces

    # ------------------------------------------------------------------ legend
    def _legend_columns(self, ncols: int | None = None) -> tuple[list[list[tuple[Entry, list[str]]]], float]:
        """The legend's entries (wrapped) in columns; ``ncols`` balanced columns (print), else
        columns as tall as the map, at most 4 (screen)."""
        if not self.legend:
            return [], 0.0
        size = self.legend_size
        text_w = self.legend_width - _SWATCH_IN - 0.1
        blocks = []
        for e in self.legend:
            lines: list[str] = []
            for k, line in enumerate(e.lines):
                bold = e.bold_first and k == 0
                lines.extend(self._wrap(line, size, text_w, bold) if e.wrap else [line])
            blocks.append((e, lines))
        line_in = size * 1.45 / 72
        total = sum(len(b[1]) for b in blocks) * line_in + len(blocks) * line_in * 0.35
        if ncols:
            per_col = total / ncols + line_in * 1.5
        else:
            per_col = max(self.map_height, total / 4)  # at most 4 columns; the page grows taller beyond
        columns: list[list[tuple[Entry, list[str]]]] = [[]]
        used = 0.0
        for b in blocks:
            need = len(b[1]) * line_in + line_in * 0.35
            if columns[-1] and used + need > per_col + 1e-9:
                columns.append([])
                used = 0.0
            columns[-1].append(b)
            used += need
        height = max(sum(len(b[1]) * line_in + line_in * 0.35 for b in col) for col in columns)
        return columns, height

    def _draw_legend(self) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle

        size = self.legend_size
        line_in = size * 1.45 / 72
        tr = self.fig.dpi_scale_trans
        top = self._legend_top
        for c, col in enumerate(self._columns):
            x = self._legend_left + c * self.legend_width
            y = top
            for entry, lines in col:
                sw = entry.swatch or {}
                cy = y - line_in * 0.55
                if "patch" in sw:
                    kw = {"facecolor": "none", "edgecolor": "#888888", "linewidth": 0.6, **sw["patch"]}
                    self.fig.add_artist(Rectangle((x + 0.02, cy - 0.07), 0.2, 0.14, transform=tr, **kw))
                elif "line" in sw:
                    self.fig.add_artist(Line2D([x + 0.01, x + 0.23], [cy, cy], transform=tr, **sw["line"]))
                elif "marker" in sw:
                    self.fig.add_artist(Line2D([x + 0.12], [cy], transform=tr, linestyle="", **sw["marker"]))
                for k, line in enumerate(lines):
                    bold = entry.bold_first and k == 0
                    self.fig.text(x + _SWATCH_IN, y - (k + 0.55) * line_in, line, transform=tr, fontsize=size,
                                  va="center", ha="left", color=INK if k == 0 else "#333333",
                                  path_effects=text_effects(bold, size=size))
                y -= len(lines) * line_in + line_in * 0.35

    # ------------------------------------------------------------------ labels
    def reserve_points(self, x: np.ndarray, y: np.ndarray, radius_px) -> None:
        """Keep labels off the markers at these data points (radius in pixels, one or per point)."""
        pts = self.ax.transData.transform(np.column_stack([x, y])) if len(x) else np.zeros((0, 2))
        r = np.broadcast_to(np.asarray(radius_px, dtype=float), (len(pts),))
        for (px, py), rr in zip(pts, r):
            self._placed.append((px - rr, py - rr, px + rr, py + rr))

    def place(self, labels: Sequence[Label]) -> int:
        """Place labels in the given order where they collide with nothing placed before (nor with
        the markers reserved), each inside its area when it has one; count placed.

        Candidates: the point itself (``centred``), then eight spots around it at one, two and
        three times ``gap_px``; a label with an ``inside`` area also tries points spread over the
        area, nearest to its anchor first, and must lie wholly inside it.  A label that finds no
        free spot is left out, or with ``force`` put at its first candidate (counted in
        :attr:`forced`)."""
        box = self.ax.bbox
        to_data = self.ax.transData.inverted()
        placed = 0
        boxes = np.asarray(self._placed, dtype=float).reshape(-1, 4)
        for lab in labels:
            w, h = self.text_size(lab.text, lab.size, lab.weight)
            px, py = self.ax.transData.transform((lab.x, lab.y))
            cands = self._candidates(lab, px, py, w, h)
            chosen = None
            inside = shapely.prepared.prep(lab.inside) if lab.inside is not None else None
            for x0, y0 in cands:
                x1, y1 = x0 + w, y0 + h
                if x0 < box.x0 + 1 or y0 < box.y0 + 1 or x1 > box.x1 - 1 or y1 > box.y1 - 1:
                    continue
                if boxes.size and np.any((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)):
                    continue
                if inside is not None:
                    (dx0, dy0), (dx1, dy1) = to_data.transform([(x0, y0), (x1, y1)])
                    if not inside.contains(shapely.box(dx0, dy0, dx1, dy1)):
                        continue
                chosen = (x0, y0)
                break
            if chosen is None:
                if not lab.force:
                    self.left_out += 1
                    continue
                chosen = cands[0]
                self.forced += 1
            x0, y0 = chosen
            k = 72.0 / self.dpi
            self.ax.annotate(lab.text, (lab.x, lab.y), xytext=((x0 - px) * k, (y0 - py) * k),
                             textcoords="offset points", ha="left", va="bottom", fontsize=lab.size, color=lab.color,
                             zorder=8, annotation_clip=False,
                             path_effects=text_effects(lab.weight == "bold", lab.color, halo=2.2, size=lab.size))
            pad = 1.0
            boxes = np.vstack([boxes, [x0 - pad, y0 - pad, x0 + w + pad, y0 + h + pad]])
            self.label_boxes.append((x0, y0, x0 + w, y0 + h))
            placed += 1
        self._placed = [tuple(b) for b in boxes]
        return placed

    def _candidates(self, lab: Label, px: float, py: float, w: float, h: float) -> list[tuple[float, float]]:
        """Lower-left corners (pixels) to try for a label of ``w`` x ``h`` anchored at ``(px, py)``."""
        out = [(px - w / 2, py - h / 2)] if lab.centred else []
        for m in (1.0, 2.0, 3.0):
            g = lab.gap_px * m
            out += [(px + g, py - h / 2), (px - g - w, py - h / 2), (px - w / 2, py + g), (px - w / 2, py - g - h),
                    (px + g * 0.7, py + g * 0.7), (px + g * 0.7, py - g * 0.7 - h), (px - g * 0.7 - w, py + g * 0.7),
                    (px - g * 0.7 - w, py - g * 0.7 - h)]
            if lab.centred:
                out += [(px - w / 2, py + h * 0.6 * m), (px - w / 2, py - h * (1 + 0.6 * m))]
        if lab.inside is not None:  # points spread over the area, nearest to the anchor first
            pts = interior_points(lab.inside, 80)
            if len(pts):
                disp = self.ax.transData.transform(pts)
                order = np.argsort(np.hypot(disp[:, 0] - px, disp[:, 1] - py), kind="stable")
                out += [(float(disp[i, 0] - w / 2), float(disp[i, 1] - h / 2)) for i in order]
        return out

    def overlaps(self) -> int:
        """Pairs of placed labels whose boxes overlap (0 when every label found a free spot)."""
        b = np.asarray(self.label_boxes, dtype=float).reshape(-1, 4)
        n = 0
        for i in range(len(b)):
            o = (b[i + 1:, 0] < b[i, 2] - 0.5) & (b[i + 1:, 2] > b[i, 0] + 0.5) & \
                (b[i + 1:, 1] < b[i, 3] - 0.5) & (b[i + 1:, 3] > b[i, 1] + 0.5)
            n += int(o.sum())
        return n

    # ------------------------------------------------------------------ furniture and output
    def scale_bar(self, lang: str) -> None:
        """A scale bar in the lower left of the map (km)."""
        from ..i18n import pick

        unit = pick(TEXTS["km"], lang)
        x0, x1 = self.ax.get_xlim()
        y0, y1 = self.ax.get_ylim()
        length = nice_length(x1 - x0)
        bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.035
        tick = (y1 - y0) * 0.008
        from matplotlib.patches import Rectangle

        pad_x, pad_y = (x1 - x0) * 0.012, (y1 - y0) * 0.012
        self.ax.add_patch(Rectangle((bx - pad_x, by - tick - pad_y), length + 2 * pad_x, tick * 2 + pad_y * 3.2,
                                    facecolor="white", edgecolor="none", alpha=0.85, zorder=8.5))
        self.ax.plot([bx, bx + length], [by, by], color=INK, linewidth=1.6, zorder=9, solid_capstyle="butt")
        for xx in (bx, bx + length):
            self.ax.plot([xx, xx], [by - tick, by + tick], color=INK, linewidth=1.0, zorder=9)
        self.ax.text(bx + length / 2, by + tick * 1.6, f"{length:g} {unit}", ha="center", va="bottom",
                     fontsize=MIN_PRINT_PT if self.printed else 7, color=INK, zorder=9)
        self.reserve_points(np.array([bx, bx + length / 2, bx + length]), np.array([by, by, by]), 12)

    def png(self) -> bytes:
        """Finish the page (titles, legend) and return it as PNG bytes."""
        title_pt = 13 if self.printed else 15
        self.fig.text(_MARGIN_IN / self._width, 1 - 0.3 / self._height, self.title, fontsize=title_pt,
                      ha="left", va="center", color=INK, path_effects=text_effects(True, size=title_pt))
        if self.subtitle:
            self.fig.text(_MARGIN_IN / self._width, 1 - 0.58 / self._height, self.subtitle, fontsize=9, ha="left",
                          va="center", color=MUTED)
        if self.caption:
            self.fig.text(_MARGIN_IN / self._width, (_FOOT_IN * 0.45) / self._height, self.caption,
                          fontsize=MIN_PRINT_PT if self.printed else 7, ha="left", va="center", color=MUTED)
        self._draw_legend()
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi, facecolor="white", metadata={"Software": None})
        return buf.getvalue()


def interior_points(area: BaseGeometry, n: int = 80) -> np.ndarray:
    """About ``n`` points spread over ``area`` (a grid clipped to it), for labels to try."""
    x0, y0, x1, y1 = area.bounds
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 2))
    step = math.sqrt(max(area.area, 1e-12) / max(n, 1))
    xs = np.arange(x0 + step / 2, x1, step)
    ys = np.arange(y0 + step / 2, y1, step)
    if not len(xs) or not len(ys):
        return np.zeros((0, 2))
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    return pts[shapely.contains_xy(area, pts[:, 0], pts[:, 1])]


def _tokens(text: str) -> list[str]:
    """Break points: after 、，,; and before spaces."""
    out, cur = [], ""
    for ch in text:
        if ch == " " and cur:
            out.append(cur)
            cur = ch
            continue
        cur += ch
        if ch in "、，,;；":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out
