"""A zoning map as a PNG: townships coloured by zone, hubs starred, adjacency in grey.

No map tiles, no internet: only the township seats and the adjacency are drawn.  The
figure is rendered with the Agg canvas directly, so importing this module or drawing does
not change matplotlib's global backend.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from zoneplan.zoning.data import ZoningInput
from zoneplan.zoning.metrics import _hub, zone_members

__all__ = ["draw_map", "zone_colours"]

logger = logging.getLogger(__name__)

#: Qualitative palette (Okabe-Ito and Tableau hues), distinct from the unzoned grey.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#f0e442", "#0072b2", "#cc79a7")
UNZONED = "#b0b0b0"


def zone_colours(inp: ZoningInput, members: dict[str, list[int]]) -> dict[str, str]:
    """Colour per zone so that zones sharing an adjacency edge differ (greedy colouring).

    Zones are taken in id order; each gets the least-used palette colour not used by an
    already coloured neighbour zone (the palette is reused when all are taken).
    """
    zone_of = {i: z for z, mem in members.items() for i in mem}
    nbr: dict[str, set[str]] = defaultdict(set)
    for a, b in inp.edges:
        za, zb = zone_of.get(a), zone_of.get(b)
        if za and zb and za != zb:
            nbr[za].add(zb)
            nbr[zb].add(za)
    colour: dict[str, int] = {}
    used = [0] * len(PALETTE)
    for z in sorted(members):
        taken = {colour[y] for y in nbr[z] if y in colour}
        free = [k for k in range(len(PALETTE)) if k not in taken] or list(range(len(PALETTE)))
        k = min(free, key=lambda k: (used[k], k))
        colour[z] = k
        used[k] += 1
    return {z: PALETTE[k] for z, k in colour.items()}


@lru_cache(maxsize=4096)
def _renderable(text: str) -> bool:
    """Whether matplotlib's default font has a glyph for every character of ``text``."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    font = get_font(findfont(FontProperties()))
    return all(ch.isspace() or font.get_char_index(ord(ch)) != 0 for ch in text)


def _label(inp: ZoningInput, i: int) -> str:
    name = inp.names[i]
    return name if name and _renderable(name) else inp.township_ids[i]


def draw_map(inp: ZoningInput, zones_df: pd.DataFrame, path: str | Path, title: str | None = None) -> Path:
    """Draw the zoning to a PNG file and return its path.

    Up to 60 townships every township is labelled (its name, or its id when the default
    font cannot render the name, e.g. Chinese without a CJK font); up to 400 only hubs are
    labelled, with their zone id; beyond that no labels.  Marker and font sizes shrink with
    the number of townships.

    Parameters
    ----------
    inp
        The townships (coordinates, names, adjacency).
    zones_df
        Zone table with ``township_id`` and ``zone`` (``""`` = unzoned), e.g.
        ``ZoningResult.zones``.  Hubs are recomputed (least total road minutes).
    path
        Output PNG path; parent folders are created.
    title
        Figure title (default: counts of townships and zones).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    members = zone_members(inp, zones_df)
    colours = zone_colours(inp, members)
    zone_of = {i: z for z, mem in members.items() for i in mem}
    hubs = {z: _hub(inp, mem)[0] for z, mem in members.items()}
    hub_set = set(hubs.values())

    lat0 = float(np.mean(inp.lat)) if inp.n else 0.0
    x = np.asarray(inp.lon) * np.cos(np.radians(lat0))
    y = np.asarray(inp.lat)
    n = inp.n
    small, medium = n <= 60, n <= 400
    marker = 140 if small else 40 if medium else 12
    font = 8 if small else 5.5 if medium else 4

    width = 9.0 if n <= 400 else 12.0
    span_x = float(np.ptp(x)) if n else 1.0
    span_y = float(np.ptp(y)) if n else 1.0
    height = float(np.clip(width * (span_y + 1e-9) / (span_x + 1e-9), 5.0, 12.0)) if n > 1 else width
    fig = Figure(figsize=(width, height + 0.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)

    inter, intra, intra_c = [], [], []
    for a, b in inp.edges:
        seg = [(x[a], y[a]), (x[b], y[b])]
        if zone_of.get(a) and zone_of.get(a) == zone_of.get(b):
            intra.append(seg)
            intra_c.append(colours[zone_of[a]])
        else:
            inter.append(seg)
    ax.add_collection(LineCollection(inter, colors="#c8c8c8", linewidths=0.6 if medium else 0.3, zorder=1))
    ax.add_collection(LineCollection(intra, colors=intra_c, linewidths=2.4 if small else 1.4 if medium else 0.8,
                                     zorder=2))
    face = [colours[zone_of[i]] if i in zone_of else UNZONED for i in range(n)]
    plain = [i for i in range(n) if i not in hub_set]
    ax.scatter(x[plain], y[plain], s=marker, c=[face[i] for i in plain], edgecolors="white",
               linewidths=0.6, zorder=3)
    hub_idx = sorted(hub_set)
    ax.scatter(x[hub_idx], y[hub_idx], s=marker * 2.6, c=[face[i] for i in hub_idx], marker="*",
               edgecolors="black", linewidths=0.7 if medium else 0.4, zorder=4)

    dy = 0.012 * (span_y or 1.0)
    if small:
        for i in range(n):
            ax.annotate(_label(inp, i), (x[i], y[i]), xytext=(0, 7 if i in hub_set else 5),
                        textcoords="offset points", ha="center", va="bottom", fontsize=font, zorder=5,
                        fontweight="bold" if i in hub_set else "normal")
    elif medium:
        for z, h in hubs.items():
            ax.text(x[h], y[h] + dy, z, ha="center", va="bottom", fontsize=font, zorder=5)

    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.margins(0.06)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#dddddd")
    unzoned = n - len(zone_of)
    ax.set_title(title or f"{n} townships, {len(members)} zones" + (f", {unzoned} unzoned" if unzoned else ""),
                 fontsize=11)
    handles = [Line2D([], [], marker="*", linestyle="", markersize=11, markerfacecolor="white",
                      markeredgecolor="black", label="hub (驻地乡镇)" if _renderable("驻地乡镇") else "hub"),
               Line2D([], [], color="#c8c8c8", label="adjacency"),
               Line2D([], [], color=PALETTE[0], linewidth=2.4, label="link inside a zone")]
    if unzoned:
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=UNZONED, markeredgecolor="white",
                              markersize=8, label="unzoned"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.06), ncol=len(handles),
              fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=150 if n <= 400 else 200)
    logger.info("wrote zoning map %s", path)
    return path
