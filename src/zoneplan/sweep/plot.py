"""The trade-off plot of a sweep: cases staffed against travel, one point per scenario.

Non-dominated scenarios (no other staffs as many priority-weighted cases with as little
travel) are drawn as red stars joined by the front; the others as grey dots.  Labels are in
Chinese or English and drawn with the map fonts (:mod:`zoneplan.maps.fonts`), so Chinese
renders on every machine.  The PNG carries no software metadata: same sweep, same bytes.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pandas as pd

from ..i18n import N_, pick, resolve_lang

__all__ = ["tradeoff_png", "TEXTS"]

logger = logging.getLogger(__name__)

TEXTS = {
    "title": N_("Scenario trade-off: cases staffed vs team travel"),
    "x": N_("team travel, road minutes (all members, all cases)"),
    "y": N_("cases staffed, priority-weighted"),
    "front": N_("non-dominated (no scenario staffs as much with less travel)"),
    "other": N_("dominated"),
    "missing": N_("{n} scenario(s) without a zoning or a staffing plan not shown: {names}"),
    "sub": N_("{n} scenarios; label: scenario (zones)"),
}


def tradeoff_png(table: pd.DataFrame, title: str | None = None, lang: str | None = None) -> bytes:
    """PNG bytes of the trade-off of a sweep table (:func:`zoneplan.sweep.tables.sweep_table`)."""
    from matplotlib.figure import Figure

    from ..maps.fonts import display_name, font_context

    lang = resolve_lang(lang)
    have = table["weighted_staffed"].notna() & table["travel"].notna() if "travel" in table.columns else \
        pd.Series(False, index=table.index)
    shown = table[have]
    with font_context():
        fig = Figure(figsize=(9, 6.2), dpi=120)
        ax = fig.add_axes((0.1, 0.14, 0.86, 0.74))
        front = shown[shown["non_dominated"].astype(bool)].sort_values(["travel", "weighted_staffed"])
        rest = shown[~shown["non_dominated"].astype(bool)]
        ax.scatter(rest["travel"], rest["weighted_staffed"], s=36, color="#8c8c8c", zorder=2,
                   label=pick(TEXTS["other"], lang))
        if len(front):
            ax.step(front["travel"], front["weighted_staffed"], where="post", color="#d62728", lw=1.2, alpha=0.6,
                    zorder=1)
        ax.scatter(front["travel"], front["weighted_staffed"], s=140, marker="*", color="#d62728", zorder=3,
                   label=pick(TEXTS["front"], lang))
        crowded = len(shown) > 40
        groups: dict[tuple[float, float], list] = {}  # scenarios on the same point share one label
        for r in shown.itertuples(index=False):
            if not (crowded and not r.non_dominated):
                groups.setdefault((float(r.travel), float(r.weighted_staffed)), []).append(r)
        labels = []
        for (x, y), rs in groups.items():
            names = [display_name(r.scenario, str(r.scenario)) + ("" if pd.isna(r.zones) else f" ({int(r.zones)})")
                     for r in rs]
            text = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
            labels.append((not rs[0].non_dominated, x, y, text))
        ax.set_xlabel(pick(TEXTS["x"], lang))
        ax.set_ylabel(pick(TEXTS["y"], lang))
        ax.grid(True, color="#e5e5e5", zorder=0)
        ax.margins(x=0.12, y=0.12)  # room for the labels right of the points
        _place_labels(fig, ax, sorted(labels, key=lambda t: t[0]))  # the front's labels first
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        head = pick(TEXTS["title"], lang) + (f" — {title}" if title else "")
        fig.text(0.1, 0.955, head, fontsize=13)
        fig.text(0.1, 0.915, pick(TEXTS["sub"], lang, n=len(table)), fontsize=9, color="#555555")
        missing = table.loc[~have, "scenario"].astype(str).tolist()
        if missing:
            names = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
            fig.text(0.1, 0.03, pick(TEXTS["missing"], lang, n=len(missing), names=names), fontsize=8, color="#a01010")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", facecolor="white", metadata={"Software": None})
    return buf.getvalue()


#: Where a label may sit around its point (offset points, alignment), tried in order.
_SPOTS = [((5, 4), "left", "bottom"), ((5, -5), "left", "top"), ((-5, 4), "right", "bottom"),
          ((-5, -5), "right", "top"), ((5, 14), "left", "bottom"), ((5, -15), "left", "top")]


def _place_labels(fig: Any, ax: Any, labels: list[tuple[bool, float, float, str]]) -> None:
    """Label each point at the first spot around it that overlaps no label placed before
    (the first spot when none is free): close scenarios stay readable."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    ax.autoscale_view()
    placed: list[Any] = []
    for dominated, x, y, text in labels:
        ann = None
        for k, (offset, ha, va) in enumerate(_SPOTS):
            if ann is not None:
                ann.remove()
            ann = ax.annotate(text, (x, y), textcoords="offset points", xytext=offset, fontsize=8, ha=ha, va=va,
                              color="#555555" if dominated else "#a01010")
            box = ann.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in placed):
                break
            if k == len(_SPOTS) - 1:  # nowhere free: the first spot
                ann.remove()
                offset, ha, va = _SPOTS[0]
                ann = ax.annotate(text, (x, y), textcoords="offset points", xytext=offset, fontsize=8, ha=ha,
                                  va=va, color="#555555" if dominated else "#a01010")
                box = ann.get_window_extent(renderer)
        placed.append(box)

