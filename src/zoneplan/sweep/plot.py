"""The trade-off plot of a sweep: cases staffed against travel, one point per scenario.

Every point is numbered by the sweep's one ranking (:func:`zoneplan.sweep.tables.ranking_key`,
the ``rank`` of ``sweep.csv``): the best is a red star, the others dots; each label says the
scenario in words (每区 2–3 个乡镇 ...) with its number of zones and, when people dropped out,
how many cases the drop-outs cost (mean and worst over the draws), which the ranking weighs
right after the cases staffed.  Scenarios with the same zoning share one point and one label.
Axes count in whole numbers (cases and minutes).  Labels are in the reader's language and
drawn with the map fonts (:mod:`zoneplan.maps.fonts`), so Chinese renders on every machine.
The PNG carries no software metadata: same sweep, same bytes.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pandas as pd

from ..i18n import N_, pick, resolve_lang
from .scenarios import scenario_title

__all__ = ["tradeoff_png", "TEXTS", "point_labels"]

logger = logging.getLogger(__name__)

TEXTS = {
    "title": N_("Scenario trade-off: cases staffed vs team travel"),
    "x": N_("team travel, road minutes (all members, all cases)"),
    "y": N_("cases staffed, priority-weighted"),
    "best": N_("1 = the best by the sweep's ranking"),
    "other": N_("other scenarios, numbered by the ranking"),
    "missing": N_("{n} scenario(s) without a zoning or a staffing plan not shown: {names}"),
    "sub": N_("{n} scenarios, ranked: most cases staffed, then fewest lost to drop-outs, then the smallest largest "
              "workload, then the least travel"),
    "point": N_("{rank}. {names} ({zones} zones)"),
    "lost": N_("drop-outs: {mean} lost on average, {worst} at worst"),
    "same": N_(" (the same zoning)"),
}


def point_labels(table: pd.DataFrame, lang: str) -> list[tuple[int, float, float, str]]:
    """(rank, travel, staffed, label) of each point drawn: scenarios with the same zoning (or on
    the same spot) share one; best first."""
    have = table["weighted_staffed"].notna() & table["travel"].notna() if "travel" in table.columns else \
        pd.Series(False, index=table.index)
    shown = table[have]
    groups: dict[tuple[float, float], list] = {}
    for r in shown.itertuples(index=False):
        groups.setdefault((float(r.travel), float(r.weighted_staffed)), []).append(r)
    out = []
    for (x, y), rs in groups.items():
        rs = sorted(rs, key=lambda r: _rank(r))
        sep = pick(_SEP, lang)
        titles = [scenario_title(r.scenario, getattr(r, "min_size", None), getattr(r, "max_size", None),
                                 getattr(r, "target_zones", None), getattr(r, "whatif", ""), lang) for r in rs]
        names = sep.join(titles[:3]) + (f" +{len(titles) - 3}" if len(titles) > 3 else "")
        zoned = [r for r in rs if str(getattr(r, "same_zoning_as", "") or "")]
        if zoned:
            names += pick(TEXTS["same"], lang)
        head = rs[0]
        zones = "" if pd.isna(head.zones) else int(head.zones)
        text = pick(TEXTS["point"], lang, rank=_rank(head), names=names, zones=zones)
        lost_mean = getattr(head, "lost_mean", None)
        if lost_mean is not None and not pd.isna(lost_mean):
            worst = getattr(head, "lost_worst", None)
            text += "\n" + pick(TEXTS["lost"], lang, mean=f"{float(lost_mean):.1f}",
                                worst="-" if worst is None or pd.isna(worst) else int(worst))
        out.append((_rank(head), x, y, text))
    return sorted(out)


_SEP = N_(", ")


def _rank(r: Any) -> int:
    v = getattr(r, "rank", None)
    return 10 ** 6 if v is None or pd.isna(v) else int(v)


def tradeoff_png(table: pd.DataFrame, title: str | None = None, lang: str | None = None) -> bytes:
    """PNG bytes of the trade-off of a sweep table (:func:`zoneplan.sweep.tables.sweep_table`)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from ..maps.fonts import font_context

    lang = resolve_lang(lang)
    have = table["weighted_staffed"].notna() & table["travel"].notna() if "travel" in table.columns else \
        pd.Series(False, index=table.index)
    labels = point_labels(table, lang)
    with font_context():
        fig = Figure(figsize=(9, 6.6), dpi=120)
        ax = fig.add_axes((0.1, 0.12, 0.86, 0.72))
        best = [(x, y) for rank, x, y, _ in labels if rank == 1]
        rest = [(x, y) for rank, x, y, _ in labels if rank != 1]
        if rest:
            ax.scatter([p[0] for p in rest], [p[1] for p in rest], s=40, color="#6b6b6b", zorder=2,
                       label=pick(TEXTS["other"], lang))
        if best:
            ax.scatter([p[0] for p in best], [p[1] for p in best], s=180, marker="*", color="#d62728", zorder=3,
                       label=pick(TEXTS["best"], lang))
        ax.set_xlabel(pick(TEXTS["x"], lang), fontsize=9)
        ax.set_ylabel(pick(TEXTS["y"], lang), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=8)
        ax.grid(True, color="#e5e5e5", zorder=0)
        ax.margins(x=0.18, y=0.18)  # room for the labels around the points
        _place_labels(fig, ax, [(rank != 1, x, y, text) for rank, x, y, text in labels[:40]])
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        head = pick(TEXTS["title"], lang) + (f" — {title}" if title else "")
        fig.text(0.1, 0.955, head, fontsize=13)
        fig.text(0.1, 0.905, pick(TEXTS["sub"], lang, n=len(table)), fontsize=8, color="#555555", wrap=True)
        missing = table.loc[~have, "scenario"].astype(str).tolist()
        if missing:
            rows = table.loc[~have]
            names = pick(_SEP, lang).join(scenario_title(r.scenario, getattr(r, "min_size", None),
                                                        getattr(r, "max_size", None),
                                                        getattr(r, "target_zones", None), getattr(r, "whatif", ""),
                                                        lang) for r in rows.head(6).itertuples(index=False))
            names += " …" if len(missing) > 6 else ""
            fig.text(0.1, 0.025, pick(TEXTS["missing"], lang, n=len(missing), names=names), fontsize=8,
                     color="#a01010")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", facecolor="white", metadata={"Software": None})
    return buf.getvalue()


#: Where a label may sit around its point (offset points, alignment), tried in order.
_SPOTS = [((6, 4), "left", "bottom"), ((6, -5), "left", "top"), ((-6, 4), "right", "bottom"),
          ((-6, -5), "right", "top"), ((6, 16), "left", "bottom"), ((6, -17), "left", "top"),
          ((-6, 16), "right", "bottom"), ((-6, -17), "right", "top")]


def _place_labels(fig: Any, ax: Any, labels: list[tuple[bool, float, float, str]]) -> None:
    """Label each point at the first spot around it that overlaps no label placed before and
    stays inside the plot (the first spot when none is free): close scenarios stay readable."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    ax.autoscale_view()
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = []
    for dominated, x, y, text in labels:
        ann = None
        box = None
        for k, (offset, ha, va) in enumerate(_SPOTS):
            if ann is not None:
                ann.remove()
            ann = ax.annotate(text, (x, y), textcoords="offset points", xytext=offset, fontsize=8, ha=ha, va=va,
                              color="#555555" if dominated else "#a01010")
            box = ann.get_window_extent(renderer)
            inside = box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(b) for b in placed):
                break
            if k == len(_SPOTS) - 1:  # nowhere free: the first spot
                ann.remove()
                offset, ha, va = _SPOTS[0]
                ann = ax.annotate(text, (x, y), textcoords="offset points", xytext=offset, fontsize=8, ha=ha,
                                  va=va, color="#555555" if dominated else "#a01010")
                box = ann.get_window_extent(renderer)
        placed.append(box)
