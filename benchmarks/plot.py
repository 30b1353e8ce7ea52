"""The scaling plot: wall time against problem size, log-log, one line per solver.

Left: staffing wall time (median of the repeats) against eligible pairs, for every staffing
solver; the legend gives each solver's fitted log-log slope (1 = linear growth), and a
dotted slope-1 line is drawn through zoneplan's largest point for reference.
Right (when zoning rows exist): zoning wall time against townships.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["loglog_slope", "plot"]

_STYLE = {"zoneplan": ("C0", "o"), "zoneplan-1w": ("C4", "v"), "greedy": ("C2", "s"), "highs": ("C3", "^"),
          "highs-whole": ("C1", "D"), "zoning": ("C0", "o"), "zoning-greedy": ("C2", "s"),
          # one dense part of ~300,000 pairs: a different family, drawn as single points
          "zoneplan (dense part)": ("C0", "*"), "greedy (dense part)": ("C2", "*")}


def _label(solver: str, x: list[float], y: list[float]) -> str:
    slope = loglog_slope(x, y)
    return solver if math.isnan(slope) else f"{solver} (slope {slope:.2f})"


def loglog_slope(x: list[float], y: list[float]) -> float:
    """Least-squares slope of ``log y`` on ``log x`` (nan with fewer than two distinct x)."""
    xs, ys = np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float))
    if len(set(xs.tolist())) < 2:
        return math.nan
    return float(np.polyfit(xs, ys, 1)[0])


def _series(rows: list[dict[str, Any]], kind: str, xkey: str) -> dict[str, tuple[list[float], list[float]]]:
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for r in rows:
        if r.get("kind") != kind or r.get("status") == "ERROR":
            continue
        x, y = r.get(xkey), r.get("wall_median")
        if x is None or y is None or not (x > 0 and y > 0):
            continue
        out.setdefault(r["solver"], {})[r["scale"]] = (float(x), float(y))
    return {s: tuple(map(list, zip(*sorted(pts.values())))) for s, pts in out.items()}  # type: ignore[misc]


def plot(rows: list[dict[str, Any]], path: str | Path) -> Path:
    """Draw ``scaling.png`` from the runner's result rows; returns the path written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    staff = _series(rows, "staffing", "eligible_pairs")
    zon = _series(rows, "zoning", "townships")
    n = 2 if zon else 1
    fig, axes = plt.subplots(1, n, figsize=(6.2 * n, 4.6), squeeze=False)
    ax = axes[0][0]
    for solver, (x, y) in staff.items():
        colour, marker = _STYLE.get(solver, ("k", "x"))
        ax.plot(x, y, marker=marker, color=colour, label=_label(solver, x, y), markersize=11 if marker == "*" else 6)
    if "zoneplan" in staff:
        x, y = staff["zoneplan"]
        xs = np.array([min(x), max(x)])
        ax.plot(xs, y[-1] * xs / xs[-1], ":", color="grey", label="slope 1 (linear)")
    ax.set(xscale="log", yscale="log", xlabel="eligible (investigator, case) pairs",
           ylabel="wall time, s (median)", title="Staffing: lexicographic, all 3 levels")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if zon:
        ax = axes[0][1]
        for solver, (x, y) in zon.items():
            colour, marker = _STYLE.get(solver, ("k", "x"))
            ax.plot(x, y, marker=marker, color=colour, label=_label(solver, x, y))
        ax.set(xscale="log", yscale="log", xlabel="townships", ylabel="wall time, s (median)",
               title="Zoning: exact set partitioning vs greedy pairing")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
