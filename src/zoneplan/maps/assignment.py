"""The assignment map of a staffing plan: who travels from where to which case.

Each arrow runs from the township where investigators are posted to the township of the
case they were assigned, as wide as the number of people on it; county-level staff
(县级: discipline inspection offices, dispatched groups) are drawn in another colour and
dashed, so the map reads in black and white too.  Cases are rings at their township, cases
left unstaffed are crosses; zones (the townships.csv ``zone`` column) are outlined for
orientation.  With up to :data:`CASE_LIST_MAX` cases the legend also lists every case with
where its team comes from.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_, NC_, pick, resolve_lang
from .fonts import display_name, font_context
from .geometry import areas_of, padded_bounds, union_by
from .sheet import Entry, Label, Sheet, areas_collection, caption, outline_collection
from .sheet import TEXTS as SHARED

__all__ = ["assignment_map_png", "CASE_LIST_MAX", "TOWNSHIP_COLOR", "COUNTY_COLOR"]

logger = logging.getLogger(__name__)

CASE_LIST_MAX = 40
TOWNSHIP_COLOR = "#2c6fbb"
COUNTY_COLOR = "#d1495b"
CASE_COLOR = "#111111"
UNSTAFFED_COLOR = "#8a8a8a"

TEXTS = {
    "county_of": N_("{name} ({tag})"),
    "title": N_("Who travels where"),
    "summary": N_("{staffed} cases staffed, {unstaffed} unstaffed · {people} assignments, {county} of them "
                  "county-level · mean travel {minutes:.0f} min"),
    "township_level": N_("township staff: posted township → case"),
    "county_level": N_("county-level staff (dashed)"),
    "width": N_("line width = people: 1 / 3 / 6"),
    "case": N_("case township (ring grows with cases)"),
    "unstaffed": N_("case not staffed"),
    "own": N_("ring: staff posted in the case's township (colour = level)"),
    "county_tag": NC_("maps.assignment", "county"),
    "cases_head": N_("Cases (team from)"),
    "from_sep": N_(" ← "),
    "n_cases": N_("{k} cases"),
    "unstaffed_tag": NC_("maps.assignment", "not staffed"),
}

def _width(people: int) -> float:
    return float(min(0.9 + 1.0 * (people - 1), 6.5))


def _check_ids(assignments: pd.DataFrame, cases: pd.DataFrame, inv: pd.DataFrame) -> None:
    missing = {"case_id", "investigator_id"} - set(assignments.columns)
    if missing:
        raise ValueError(f"assignments lack column(s) {', '.join(sorted(missing))}")
    for col, known, what in (("case_id", cases["case_id"], "case"), ("investigator_id", inv["investigator_id"],
                                                                     "investigator")):
        unknown = sorted(set(assignments[col].astype(str)) - set(known.astype(str)))
        if unknown:
            raise ValueError(f"assignments name unknown {what}(s): {', '.join(unknown[:10])}")


@dataclass
class _Flows:
    """A plan reduced to what the map shows, by township."""

    case_town: dict[str, str]                      # case -> its township
    staffed: set[str]                              # cases with at least one person
    flows: dict[tuple[str, str, bool], int]        # (posted, case township, county-level) -> people
    own: dict[tuple[str, bool], int]               # (township, county-level) -> people working at home
    team_from: dict[str, dict[tuple[str, bool], int]]  # case -> (posted, county-level) -> people
    people: int
    county_people: int
    minutes: float


def _flows(tables, assignments: pd.DataFrame, county: str | None) -> _Flows:
    tw, inv, cases = tables.townships, tables.investigators, tables.cases
    _check_ids(assignments, cases, inv)
    county_of = dict(zip(tw["township_id"].astype(str), tw["county"].astype(str)))
    posted = dict(zip(inv["investigator_id"].astype(str), inv["township_id"].astype(str)))
    level = dict(zip(inv["investigator_id"].astype(str), inv["level"].astype(str)))
    case_town = dict(zip(cases["case_id"].astype(str), cases["township_id"].astype(str)))
    plan = assignments.astype({"case_id": str, "investigator_id": str})
    if county is not None:
        case_town = {c: t for c, t in case_town.items() if county_of[t] == county}
        if not case_town:
            raise ValueError(f"no case in county {county!r}")
        plan = plan[plan["case_id"].isin(set(case_town))]
    flows: dict[tuple[str, str, bool], int] = defaultdict(int)
    own: dict[tuple[str, bool], int] = defaultdict(int)
    team_from: dict[str, dict[tuple[str, bool], int]] = defaultdict(lambda: defaultdict(int))
    for c, p in zip(plan["case_id"], plan["investigator_id"]):
        src, dst, is_county = posted[p], case_town[c], level[p] == "county"
        team_from[c][(src, is_county)] += 1
        if src == dst:
            own[(dst, is_county)] += 1
        else:
            flows[(src, dst, is_county)] += 1
    minutes = float(plan["travel_minutes"].astype(float).mean()) if "travel_minutes" in plan and len(plan) else 0.0
    return _Flows(case_town, set(plan["case_id"]), dict(flows), dict(own), team_from, len(plan),
                  sum(1 for p in plan["investigator_id"] if level[p] == "county"), minutes)


def assignment_map_png(tables, assignments: pd.DataFrame, *, title: str | None = None, lang: str | None = None,
                       boundaries=None, county: str | None = None, layout: str = "screen",
                       keep: list | None = None) -> bytes:
    """The assignment map of a staffing plan as PNG bytes.

    Parameters
    ----------
    tables
        The loaded :class:`~zoneplan.data.tables.Tables` (townships, investigators, cases).
    assignments
        The plan: ``case_id``, ``investigator_id`` (e.g. ``StaffingResult.assignments`` or a
        read ``assignments.csv``); ``travel_minutes`` is used for the summary when present.
    title
        Page title (default: the county's name, or "Who travels where").
    lang
        ``zh`` or ``en`` (default :func:`zoneplan.i18n.default_lang`).
    boundaries
        Township polygons (default: ``tables.boundaries``).
    county
        Draw only this county's cases (default: all).
    layout
        ``"print"`` (plan.html: page width, legend below, no text under 8 pt) or ``"screen"``.
    keep
        A list the drawn page is appended to, to measure it.

    Raises
    ------
    ValueError
        The assignments name cases or investigators that the tables do not hold.
    """
    lang = resolve_lang(lang)
    fl = _flows(tables, assignments, county)
    boundaries = boundaries if boundaries is not None else getattr(tables, "boundaries", None)
    tw = tables.townships
    tid = tw["township_id"].astype(str).tolist()
    county_of = tw["county"].astype(str).tolist()
    at = {t: i for i, t in enumerate(tid)}
    used = set(fl.case_town.values()) | {k[0] for k in fl.flows}
    counties = sorted({county_of[at[t]] for t in used}) if county is None else [county]
    idx = [i for i in range(len(tid)) if county_of[i] in counties]
    sub = tw.iloc[idx]
    geo = areas_of([tid[i] for i in idx], [county_of[i] for i in idx], sub["lat"].to_numpy(float),
                   sub["lon"].to_numpy(float), boundaries)
    local = {tid[i]: k for k, i in enumerate(idx)}
    names = [display_name(sub["name"].iloc[k] if "name" in sub.columns else "", tid[i]) for k, i in enumerate(idx)]
    with font_context():
        summary = pick(TEXTS["summary"], lang, staffed=len(fl.staffed), unstaffed=len(set(fl.case_town) - fl.staffed),
                       people=fl.people, county=fl.county_people, minutes=fl.minutes)
        head = title or (counties[0] if len(counties) == 1 and counties[0] else pick(TEXTS["title"], lang))
        legend = _legend(lang, bool(fl.own), bool(set(fl.case_town) - fl.staffed))
        if len(fl.case_town) <= CASE_LIST_MAX:
            legend.append(Entry([pick(TEXTS["cases_head"], lang)], None))
            for c in sorted(fl.case_town):
                line = _case_line(c, fl.case_town[c], fl.team_from.get(c, {}), names, local, lang)
                legend.append(Entry([line], None, bold_first=False))
        n = len(idx)
        subtitle = summary if head == pick(TEXTS["title"], lang) else f"{pick(TEXTS['title'], lang)} · {summary}"
        printed = layout == "print"
        sheet = Sheet(padded_bounds(geo.areas), title=head, subtitle=subtitle, caption=caption(geo.source, lang),
                      legend=legend, map_width=8.0 if n <= 60 else 11.0, legend_width=3.6,
                      legend_size=7.0, dpi=200 if printed else 150 if n <= 200 else 170, layout=layout)
        if keep is not None:
            keep.append(sheet)
        zone_col = tw["zone"].astype(str).tolist() if "zone" in tw.columns else [""] * len(tid)
        labels = _draw_ground(sheet, geo, [zone_col[i] for i in idx], [county_of[i] for i in idx])
        _draw_flows(sheet, fl.flows, geo.x, geo.y, local)
        labels += _draw_cases(sheet, fl, geo.x, geo.y, local, names, lang, small=n <= 60, printed=printed)
        sheet.scale_bar(lang)
        sheet.place(labels)
        return sheet.png()


def _draw_ground(sheet: Sheet, geo, zone: Sequence[str], county: Sequence[str]) -> list[Label]:
    """Township areas in grey, zone borders, county borders; returns the county name labels."""
    ax = sheet.ax
    ax.add_collection(areas_collection(geo.areas, "#f1f1f1", edgecolor="white", linewidth=0.8, zorder=1))
    zoned = [k for k, z in enumerate(zone) if z]
    if zoned:
        zones = union_by([geo.areas[k] for k in zoned], [zone[k] for k in zoned])
        ax.add_collection(outline_collection(list(zones.values()), color="#9a9a9a", linewidth=0.9, zorder=2))
    labels = []
    if len(set(county)) > 1:
        outl = union_by(geo.areas, county)
        ax.add_collection(outline_collection(list(outl.values()), color="#000000", linewidth=1.8, zorder=2.5))
        for c, g in outl.items():
            x0, _, x1, y1 = g.bounds
            labels.append(Label((x0 + x1) / 2, y1, c, size=10, weight="bold", centred=True, force=True))
    ax.scatter(geo.x, geo.y, s=6, c="#9a9a9a", zorder=3, linewidths=0)
    return labels


def _draw_cases(sheet: Sheet, fl: _Flows, x: np.ndarray, y: np.ndarray, local: dict[str, int],
                names: Sequence[str], lang: str, small: bool, printed: bool = False) -> list[Label]:
    """Case rings, crosses for unstaffed cases, rings for staff at home; returns the labels to place."""
    ax = sheet.ax
    per_town: dict[str, list[str]] = defaultdict(list)
    for c, t in fl.case_town.items():
        per_town[t].append(c)
    towns = sorted(per_town)
    cx = np.array([x[local[t]] for t in towns])
    cy = np.array([y[local[t]] for t in towns])
    sizes = np.array([60.0 + 35.0 * (len(per_town[t]) - 1) for t in towns])
    staffed = np.array([any(c in fl.staffed for c in per_town[t]) for t in towns], dtype=bool)
    if staffed.any():
        ax.scatter(cx[staffed], cy[staffed], s=sizes[staffed], facecolors="white", edgecolors=CASE_COLOR,
                   linewidths=1.6, zorder=6)
    lost = [t for t in towns if any(c not in fl.staffed for c in per_town[t])]
    if lost:
        ax.scatter([x[local[t]] for t in lost], [y[local[t]] for t in lost], s=40, marker="x", c=UNSTAFFED_COLOR,
                   linewidths=1.6, zorder=7)
    ring_pt: dict[str, float] = {}  # the outer edge of a town's widest ring (points from its centre)
    for (t, is_county), m in sorted(fl.own.items()):
        width = 1.2 + 0.5 * (m - 1)
        ax.scatter([x[local[t]]], [y[local[t]]], s=[150 + 40 * m], facecolors="none",
                   edgecolors=COUNTY_COLOR if is_county else TOWNSHIP_COLOR, linewidths=width,
                   linestyles=(0, (2, 1.5)) if is_county else "-", zorder=5)
        ring_pt[t] = max(ring_pt.get(t, 0.0), np.sqrt(150 + 40 * m) / 2 + width / 2)
    # labels keep off the case circle and off the ring around it (people working at home)
    circle_pt = np.sqrt(sizes) / 2 + 0.8
    radius = np.maximum(circle_pt, [ring_pt.get(t, 0.0) for t in towns]) * sheet.dpi / 72 + 1
    sheet.reserve_points(cx, cy, radius)
    labels = []
    for t, r in zip(towns, radius):
        cs = sorted(per_town[t])
        tag = "·".join(cs) if len(cs) <= 3 else pick(TEXTS["n_cases"], lang, k=len(cs))
        labels.append(Label(x[local[t]], y[local[t]], f"{names[local[t]]} {tag}",
                            size=8.0 if printed else 7.5 if small else 6, weight="bold", gap_px=float(r) + 2))
    for t in sorted({s for s, _, _ in fl.flows} - set(towns)):
        labels.append(Label(x[local[t]], y[local[t]], names[local[t]], size=8.0 if printed else 6.5 if small else 5.5,
                            color="#333333", gap_px=4))
    return labels


def _case_line(case: str, town: str, team: dict[tuple[str, bool], int], names: Sequence[str],
               local: dict[str, int], lang: str) -> str:
    where = names[local[town]]
    if not team:
        return f"{case} {where}: {pick(TEXTS['unstaffed_tag'], lang)}"
    parts = []
    for (src, is_county), n in sorted(team.items(), key=lambda kv: (kv[0][1], -kv[1], kv[0][0])):
        label = pick(TEXTS["county_of"], lang, name=names[local[src]], tag=pick(TEXTS["county_tag"], lang)) \
            if is_county else names[local[src]]
        parts.append(f"{label} {n}")
    return f"{case} {where}{pick(TEXTS['from_sep'], lang)}{pick(SHARED['sep'], lang).join(parts)}"


def _legend(lang: str, own: bool, lost: bool) -> list[Entry]:
    out = [Entry([pick(TEXTS["township_level"], lang)], {"line": {"color": TOWNSHIP_COLOR, "linewidth": 2.0}},
                 bold_first=False),
           Entry([pick(TEXTS["county_level"], lang)], {"line": {"color": COUNTY_COLOR, "linewidth": 2.0,
                                                                 "linestyle": (0, (4, 2))}}, bold_first=False),
           Entry([pick(TEXTS["width"], lang)], {"line": {"color": "#555555", "linewidth": _width(3)}},
                 bold_first=False),
           Entry([pick(TEXTS["case"], lang)], {"marker": {"marker": "o", "markersize": 8, "markerfacecolor": "white",
                                                          "markeredgecolor": CASE_COLOR, "markeredgewidth": 1.6}},
                 bold_first=False)]
    if lost:
        out.append(Entry([pick(TEXTS["unstaffed"], lang)], {"marker": {"marker": "x", "markersize": 7,
                                                                      "color": UNSTAFFED_COLOR,
                                                                      "markeredgewidth": 1.6}}, bold_first=False))
    if own:
        out.append(Entry([pick(TEXTS["own"], lang)], {"marker": {"marker": "o", "markersize": 11,
                                                                "markerfacecolor": "none",
                                                                "markeredgecolor": TOWNSHIP_COLOR}},
                         bold_first=False))
    out.append(Entry([pick(SHARED["zone_border"], lang)], {"line": {"color": "#9a9a9a", "linewidth": 0.9}},
                     bold_first=False))
    return out


def _draw_flows(sheet: Sheet, flows: dict[tuple[str, str, bool], int], x: np.ndarray, y: np.ndarray,
                local: dict[str, int]) -> None:
    """Curved arrows posted township -> case township, wider for more people."""
    from matplotlib.patches import FancyArrowPatch

    for (src, dst, is_county), n in sorted(flows.items(), key=lambda kv: (-kv[1], kv[0])):
        a, b = local[src], local[dst]
        lw = _width(n)
        arrow = FancyArrowPatch((x[a], y[a]), (x[b], y[b]), connectionstyle="arc3,rad=0.18",
                                arrowstyle=f"-|>,head_length={2.5 + lw * 0.6:.1f},head_width={1.5 + lw * 0.5:.1f}",
                                color=COUNTY_COLOR if is_county else TOWNSHIP_COLOR, linewidth=lw,
                                linestyle=(0, (4, 2)) if is_county else "-", alpha=0.8, shrinkA=3, shrinkB=7,
                                zorder=4 if not is_county else 4.5, joinstyle="miter", capstyle="butt")
        sheet.ax.add_patch(arrow)
