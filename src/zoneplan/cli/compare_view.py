"""``zoneplan compare`` printed for people: a table per zoning, the measures, the verdict."""

from __future__ import annotations

import pandas as pd

from ..compare import Comparison, verdict
from ..i18n import N_, NC_, pick, tr
from .present import CLAUSE_SEP, LIST_SEP, status_word, text_table

__all__ = ["comparison_text", "MEASURE_TEXT"]

#: Plain labels with units ("long") and short names for the verdict line.
MEASURE_TEXT: dict[str, dict[str, dict[str, str]]] = {
    "zones": {"long": NC_("cli.compare_view", "zones")},
    "size_histogram": {"long": N_("zone sizes (townships × zones)")},
    "unzoned": {"long": N_("townships in no zone")},
    "max_pair_minutes_max": {"long": N_("longest drive between two townships of a zone (min)"),
                             "short": N_("longest drive in a zone")},
    "max_pair_minutes_mean": {"long": N_("  mean over zones (min)")},
    "hub_minutes_total": {"long": N_("drive from each hub to its townships, all zones (min)"),
                          "short": N_("hub drives")},
    "villages": {"long": N_("villages per zone, fewest-most")},
    "villages_cv": {"long": N_("  imbalance of villages (CV; 0 = even)"),
                    "short": N_("village balance")},
    "staff": {"long": N_("township staff per zone, fewest-most")},
    "staff_cv": {"long": N_("  imbalance of staff (CV)"),
                 "short": N_("staff balance")},
    "pool_mean": {"long": N_("a township's pool: staff of its zone's other townships, mean"),
                  "short": N_("pool strength")},
    "pool_min": {"long": N_("  smallest")},
    "cases": {"long": N_("cases per zone, fewest-most")},
    "cases_cv": {"long": N_("  imbalance of cases (CV)"),
                 "short": N_("case balance")},
    "cases_staffed": {"long": N_("cases staffed (of {total})"),
                      "short": NC_("cli.compare_view", "cases staffed")},
    "priority_staffed": {"long": N_("  weighted by priority"),
                         "short": N_("priority-weighted staffed")},
    "team_travel_mean": {"long": N_("team travel per case, mean (min, all members)"),
                         "short": N_("team travel")},
    "team_travel_max": {"long": N_("  longest (min)")},
    "max_workload": {"long": N_("largest workload of one investigator"),
                     "short": NC_("cli.compare_view", "largest workload")},
    "blocked_by_conflicts": {"long": N_("cases nobody may take (conflicts, skills, leads)"),
                             "short": N_("cases nobody may take")},
    "lost_to_capacity": {"long": N_("cases lost for want of free people"),
                         "short": N_("cases lost to capacity")},
    "staff_status": {"long": N_("staffing solve")},
}

_TEXT = {
    "title": N_("Zonings compared: {names}"),
    "zoning": N_("{name}: {n} zones"),
    "unzoned": N_("  in no zone: {names}"),
    "headers": [N_("zone"), NC_("cli.compare_view", "townships"), NC_("cli.compare_view", "hub"), NC_("cli.compare_view", "villages"), NC_("cli.compare_view", "staff"), N_("cases"), NC_("cli.compare_view", "staffed"), N_("longest drive (min)")],
    "measure": N_("measure"),
    "better": N_("Better: {items}."),
    "better_item": N_("{zonings} on {measures}"),
    "same": N_("The same on {measures}."),
    "current": N_("current"),
}

_ROWS = ["zones", "size_histogram", "unzoned", "max_pair_minutes_max", "max_pair_minutes_mean", "hub_minutes_total",
         "villages", "villages_cv", "staff", "staff_cv", "pool_mean", "pool_min", "cases", "cases_cv", "cases_staffed",
         "priority_staffed",
         "team_travel_mean", "team_travel_max", "max_workload", "blocked_by_conflicts", "lost_to_capacity",
         "staff_status"]


#: Decimals shown per measure: minutes one, workload two, counts none.
_DECIMALS = {"max_pair_minutes_max": 1, "max_pair_minutes_mean": 1, "hub_minutes_total": 1, "team_travel_mean": 1,
             "team_travel_max": 1, "max_workload": 2, "pool_mean": 1}


def _num(v: object, decimals: int = 0) -> str:
    """``v`` with ``decimals`` places (a count that is not whole gets two); blank when missing."""
    if v is None or pd.isna(v):  # type: ignore[arg-type]
        return ""
    f = float(v)  # type: ignore[arg-type]
    if decimals == 0 and f != round(f):
        decimals = 2
    return f"{f:.{decimals}f}"


def _cell(summary_row: pd.Series, key: str) -> str:
    if key in ("villages", "staff", "cases"):
        lo, hi = summary_row.get(f"{key}_min"), summary_row.get(f"{key}_max")
        return "" if lo is None or pd.isna(lo) else f"{_num(lo)}-{_num(hi)}"
    v = summary_row.get(key)
    if key == "size_histogram":
        return ", ".join(p.replace(":", "×") for p in str(v).split(";") if p) if v is not None else ""
    if key.endswith("_cv"):
        return "" if v is None or pd.isna(v) else f"{float(v):.2f}"
    if isinstance(v, str):
        return v
    return _num(v, _DECIMALS.get(key, 0))


def _display_name(name: str, lang: str) -> str:
    return pick(_TEXT["current"], lang) if name == "current" else name


def comparison_text(comp: Comparison, zonings: dict[str, pd.DataFrame], township_names: dict[str, str],
                    lang: str) -> str:
    """The comparison as a planner reads it: each zoning's zones, the measures side by side, the verdict."""
    sep = pick(LIST_SEP, lang)
    summary = comp.summary
    names = [str(n) for n in summary["zoning"]]
    out = [pick(_TEXT["title"], lang, names=sep.join(_display_name(n, lang) for n in names)), ""]
    for name in names:
        zones = comp.zones[comp.zones["zoning"] == name]
        rows = [[z.zone, sep.join(z.township_names.split(";")), z.hub_name, _num(z.villages), _num(z.staff),
                 _num(z.cases), _num(z.cases_staffed), _num(z.max_pair_minutes, 1)]
                for z in zones.itertuples(index=False)]
        out.append(pick(_TEXT["zoning"], lang, name=_display_name(name, lang), n=len(rows)))
        out.append(text_table([tr(h, lang) for h in _TEXT["headers"]], rows, right=[3, 4, 5, 6, 7]))
        zoned = dict(zip(zonings[name]["township_id"], zonings[name]["zone"]))
        left = [township_names.get(t) or t for t in township_names if not zoned.get(t)]
        if left:
            out.append(pick(_TEXT["unzoned"], lang, names=sep.join(left)))
        out.append("")
    total = int(summary["cases_total"].iloc[0]) if "cases_total" in summary.columns else 0
    table = []
    for key in _ROWS:
        probe = f"{key}_min" if key in ("villages", "staff", "cases") else key
        if probe not in summary.columns or key not in MEASURE_TEXT:
            continue
        label = pick(MEASURE_TEXT[key]["long"], lang, total=total)
        cells = [_cell(r, key) for _, r in summary.iterrows()]
        if key == "staff_status":
            cells = [status_word(c, lang) for c in cells]
        table.append([label, *cells])
    out.append(text_table([pick(_TEXT["measure"], lang), *(_display_name(n, lang) for n in names)], table,
                          right=list(range(1, len(names) + 1))))
    if len(names) > 1:
        out.append("")
        out.extend(verdict_text(summary, lang))
    return "\n".join(out)


def verdict_text(summary: pd.DataFrame, lang: str) -> list[str]:
    """The line that says which zoning is better on which measure (and where they are the same)."""
    sep = pick(LIST_SEP, lang)
    groups: dict[tuple[str, ...], list[str]] = {}
    same = []
    for key, winners in verdict(summary):
        short = pick(MEASURE_TEXT[key]["short"], lang)
        if winners:
            groups.setdefault(tuple(winners), []).append(short)
        else:
            same.append(short)
    lines = []
    if groups:
        items = [pick(_TEXT["better_item"], lang, zonings=sep.join(_display_name(w, lang) for w in ws),
                      measures=sep.join(ms)) for ws, ms in groups.items()]
        lines.append(pick(_TEXT["better"], lang, items=pick(CLAUSE_SEP, lang).join(items)))
    if same:
        lines.append(pick(_TEXT["same"], lang, measures=sep.join(same)))
    return lines
