"""``zoneplan compare`` printed for people: a table per zoning, the measures, the verdict."""

from __future__ import annotations

import pandas as pd

from ..compare import Comparison, verdict
from ..i18n import pick
from .present import CLAUSE_SEP, LIST_SEP, text_table

__all__ = ["comparison_text", "MEASURE_TEXT"]

#: Plain labels with units ("long") and short names for the verdict line.
MEASURE_TEXT: dict[str, dict[str, dict[str, str]]] = {
    "zones": {"long": {"en": "zones", "zh": "协作区数"}},
    "size_histogram": {"long": {"en": "zone sizes (townships × zones)", "zh": "协作区规模（乡镇数×个数）"}},
    "unzoned": {"long": {"en": "townships in no zone", "zh": "未划入协作区的乡镇"}},
    "max_pair_minutes_max": {"long": {"en": "longest drive between two townships of a zone (min)",
                                      "zh": "区内两乡镇间最长车程（分钟）"},
                             "short": {"en": "longest drive in a zone", "zh": "区内最长车程"}},
    "max_pair_minutes_mean": {"long": {"en": "  mean over zones (min)", "zh": "  各区平均（分钟）"}},
    "hub_minutes_total": {"long": {"en": "drive from each hub to its townships, all zones (min)",
                                   "zh": "驻地乡镇到成员乡镇车程合计（分钟）"},
                          "short": {"en": "hub drives", "zh": "驻地车程"}},
    "villages": {"long": {"en": "villages per zone, fewest-most", "zh": "每区村（社区）数，最少—最多"}},
    "villages_cv": {"long": {"en": "  imbalance of villages (CV; 0 = even)", "zh": "  村数不均衡度（变异系数，0 为均衡）"},
                    "short": {"en": "village balance", "zh": "村数均衡"}},
    "staff": {"long": {"en": "township staff per zone, fewest-most", "zh": "每区乡镇纪检干部，最少—最多"}},
    "staff_cv": {"long": {"en": "  imbalance of staff (CV)", "zh": "  干部不均衡度（变异系数）"},
                 "short": {"en": "staff balance", "zh": "干部均衡"}},
    "pool_mean": {"long": {"en": "a township's pool: staff of its zone's other townships, mean",
                           "zh": "乡镇可交叉调配的干部（本区其他乡镇干部数），平均"},
                  "short": {"en": "pool strength", "zh": "交叉互查人手"}},
    "pool_min": {"long": {"en": "  smallest", "zh": "  最少"}},
    "cases": {"long": {"en": "cases per zone, fewest-most", "zh": "每区问题线索，最少—最多"}},
    "cases_cv": {"long": {"en": "  imbalance of cases (CV)", "zh": "  线索不均衡度（变异系数）"},
                 "short": {"en": "case balance", "zh": "线索均衡"}},
    "cases_staffed": {"long": {"en": "cases staffed (of {total})", "zh": "已组队线索（共 {total} 件）"},
                      "short": {"en": "cases staffed", "zh": "组队线索数"}},
    "priority_staffed": {"long": {"en": "  weighted by priority", "zh": "  按优先级加权"},
                         "short": {"en": "priority-weighted staffed", "zh": "加权组队数"}},
    "team_travel_mean": {"long": {"en": "team travel per case, mean (min, all members)",
                                  "zh": "每件线索办案组路程，平均（分钟，全组合计）"},
                         "short": {"en": "team travel", "zh": "办案组路程"}},
    "team_travel_max": {"long": {"en": "  longest (min)", "zh": "  最长（分钟）"}},
    "max_workload": {"long": {"en": "largest workload of one investigator", "zh": "单人最大工作量"},
                     "short": {"en": "largest workload", "zh": "最大工作量"}},
    "blocked_by_conflicts": {"long": {"en": "cases nobody may take (conflicts, skills, leads)",
                                      "zh": "因回避、专长、组长无人可办的线索"},
                             "short": {"en": "cases nobody may take", "zh": "无人可办线索"}},
    "lost_to_capacity": {"long": {"en": "cases lost for want of free people", "zh": "因人手已满未能组队的线索"},
                         "short": {"en": "cases lost to capacity", "zh": "人手不足线索"}},
    "staff_status": {"long": {"en": "staffing solve", "zh": "组队求解状态"}},
}

_TEXT = {
    "title": {"en": "Zonings compared: {names}", "zh": "协作区方案比较：{names}"},
    "zoning": {"en": "{name}: {n} zones", "zh": "{name}：{n} 个协作区"},
    "unzoned": {"en": "  in no zone: {names}", "zh": "  未划入协作区：{names}"},
    "headers": {"en": ["zone", "townships", "hub", "villages", "staff", "cases", "staffed", "longest drive (min)"],
                "zh": ["协作区", "乡镇（街道）", "驻地乡镇", "村（社区）", "干部", "线索", "已组队", "区内最长车程（分钟）"]},
    "measure": {"en": "measure", "zh": "指标"},
    "better": {"en": "Better: {items}.", "zh": "更优：{items}。"},
    "better_item": {"en": "{zonings} on {measures}", "zh": "{zonings}（{measures}）"},
    "same": {"en": "The same on {measures}.", "zh": "持平：{measures}。"},
    "current": {"en": "current", "zh": "现行"},
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
        out.append(text_table(_TEXT["headers"][lang], rows, right=[3, 4, 5, 6, 7]))
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
        table.append([label, *(_cell(r, key) for _, r in summary.iterrows())])
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
