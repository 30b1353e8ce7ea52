"""``plan.html``: the staffing plan as a printable report for the county leadership.

A summary in plain words, then a page per zone (or per county where townships have no zone)
with its map and a card per case: the team and its lead, or why the case has none, and who
was excluded from it and why.  Rendered with a jinja2 template kept as package data
(``zoneplan/templates/plan.html.j2``) with autoescaping on, so no text from the tables can
inject markup.  Maps are passed in as PNG bytes and embedded (base64), so the file stands
alone; print CSS gives A4 pages, a page break before each zone, and cards never cut.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping, Sequence

import jinja2
import numpy as np
from markupsafe import Markup, escape

from ..i18n import pick
from .planview import PlanView

__all__ = ["render_plan_html", "render_index_html", "ZONE_MAP_PREFIX", "TEXTS", "CARD_LIMIT"]

#: A report of more cases than this has no per-case cards: each zone lists its cases in one
#: table (case, place, team or reason), and who was excluded from which case and why is in
#: the workbook's recusal sheet.  A card takes a third of an A4 page; 300 cards are about
#: 100 pages, and a county of a province or national run is far below it.
CARD_LIMIT = 300

#: A map whose key is ``"zone:<zone id>"`` goes on that zone's page; other keys are captions
#: of maps shown on the summary page, in the order given.
ZONE_MAP_PREFIX = "zone:"

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Staffing plan", "zh": "协作区办案组配置方案"},
    "made_by": {"en": "made by zoneplan {version}", "zh": "由 zoneplan {version} 生成"},
    "lead_para": {
        "en": "This plan staffs the {cases} problem leads of {counties} with investigation teams drawn from "
              "nearby townships, under the recusal rules: {staffed} cases have a full team, {unstaffed} have none.",
        "zh": "本方案为{counties}的 {cases} 件问题线索从就近乡镇抽调人员组成办案组，并严格执行回避规定："
              "{staffed} 件已配齐办案组，{unstaffed} 件未能配置。"},
    "status": {"en": "Solver status: {status} ({words}).", "zh": "求解状态：{words}（{status}）。"},
    "points": {
        "en": "“Staffed {points}” is priority-weighted: each case with a full team counts its priority "
              "(a priority-2 case counts 2), out of {total} points for all cases. The plan first makes this score "
              "as high as possible, so the most important cases are staffed first; then it evens out workload, "
              "then shortens travel.",
        "zh": "“配置得分 {points} 分”按优先级加权：每件配齐的案件按其优先级计分（优先级 2 的案件计 2 分），"
              "全部案件满分 {total} 分。方案首先使该得分最高，即先保证重要案件配齐；其次均衡个人工作量；最后缩短车程。"},
    "workload_line": {"en": "Largest workload after the plan: {value}, carried by {who}. Total travel: {travel} road "
                            "minutes for {trips} team places.",
                      "zh": "配置后个人工作量最大为 {value}：{who}。全部组员总车程 {travel} 分钟（共 {trips} 人次）。"},
    "kpi_cases": {"en": "cases staffed", "zh": "件已配齐"},
    "kpi_points": {"en": "priority points", "zh": "配置得分"},
    "kpi_unstaffed": {"en": "cases unstaffed", "zh": "件未配置"},
    "kpi_people": {"en": "people on teams", "zh": "人参与办案"},
    "of": {"en": "of {n}", "zh": "共 {n}"},
    "unstaffed_h": {"en": "Cases without a team", "zh": "未配置的案件"},
    "levels_h": {"en": "Objective levels", "zh": "优化目标"},
    "level": {"en": "Level", "zh": "目标"}, "value": {"en": "Value", "zh": "取值"},
    "bound": {"en": "Best bound", "zh": "最优界"}, "proven": {"en": "Proven", "zh": "已证明最优"},
    "maps_h": {"en": "Maps", "zh": "地图"},
    "zone_h": {"en": "Zone {zone}", "zh": "协作区 {zone}"},
    "nozone_h": {"en": "{county}: townships without a zone", "zh": "{county}：未划入协作区的乡镇"},
    "county_h": {"en": "{county}", "zh": "{county}"},
    "group_line": {"en": "{n} townships: {townships}. {staff} township staff; {cases} cases, {staffed} staffed.",
                   "zh": "{n} 个乡镇（街道）：{townships}。乡镇纪检人员 {staff} 名；线索 {cases} 件，已配齐 {staffed} 件。"},
    "staffed": {"en": "staffed", "zh": "已配齐"}, "unstaffed": {"en": "not staffed", "zh": "未配置"},
    "priority": {"en": "priority", "zh": "优先级"}, "team_size": {"en": "team", "zh": "组人数"},
    "workload": {"en": "workload", "zh": "工作量"}, "subject": {"en": "subject", "zh": "被调查人"},
    "skills": {"en": "skills", "zh": "所需专长"}, "escalated": {"en": "escalated: county-level lead", "zh": "提级直查：县级组长"},
    "needs_lead": {"en": "needs a lead", "zh": "需设组长"}, "village": {"en": "village", "zh": "村"},
    "name": {"en": "Name", "zh": "姓名"}, "role": {"en": "Role", "zh": "角色"}, "posted": {"en": "Posted in", "zh": "工作乡镇"},
    "level_col": {"en": "Level", "zh": "层级"}, "minutes": {"en": "Travel (min)", "zh": "车程（分钟）"},
    "reason": {"en": "Why not", "zh": "未配置原因"},
    "excluded_h": {"en": "Excluded ({n})", "zh": "回避人员（{n}）"},
    "colon": {"en": ": ", "zh": "："}, "semicolon": {"en": "; ", "zh": "；"},
    "none_excluded": {"en": "Nobody near this case had to be excluded.", "zh": "本案附近无需回避人员。"},
    "case": {"en": "Case", "zh": "线索"}, "township": {"en": "Township", "zh": "乡镇"},
    "kind": {"en": "Kind", "zh": "类别"},
    "appendix_h": {"en": "Appendix: workload and inputs", "zh": "附：工作量与输入文件"},
    "workload_h": {"en": "People on teams", "zh": "参与办案人员"},
    "cur_cases": {"en": "On hand", "zh": "在办"}, "new_cases": {"en": "New", "zh": "新分配"},
    "max_cases": {"en": "Limit", "zh": "上限"}, "spare": {"en": "Spare", "zh": "余量"},
    "load_after": {"en": "Workload", "zh": "工作量"}, "cases_col": {"en": "Cases", "zh": "案件"},
    "inputs_h": {"en": "Input files", "zh": "输入文件"}, "file": {"en": "File", "zh": "文件"},
    "rows": {"en": "Rows", "zh": "行数"},
    "options_h": {"en": "Options", "zh": "参数"},
    "options_line": {"en": "Objective: {mode}. Kin rule: {hops} hops. Pool: {pool}. Seed {seed}.",
                     "zh": "目标：{mode}。亲属回避：{hops} 层以内。调配范围：{pool}。随机种子 {seed}。"},
    "pool_zones": {"en": "the case township's zone (else {m} road minutes), plus county-level staff",
                   "zh": "本案乡镇所在协作区（无协作区时 {m} 分钟车程内），以及县级人员"},
    "pool_travel": {"en": "within {m} road minutes, plus county-level staff",
                    "zh": "{m} 分钟车程内，以及县级人员"},
    "cards_off": {"en": "This report covers {n} cases, more than the {limit} it shows as cards: each case is one "
                        "line below; who was excluded from which case, and why, is in plan.xlsx (sheet Recusals).",
                  "zh": "本报告共 {n} 件线索，超过以卡片显示的上限 {limit} 件：每件线索在下表中占一行；"
                        "各案回避人员及事由见 plan.xlsx 的“回避清单”表。"},
    "team_col": {"en": "Team (lead first) or why none", "zh": "办案组（组长在前）或未配置原因"},
    "status_col": {"en": "Status", "zh": "状态"},
    "levels_run": {"en": "These are the levels of the whole run ({n} counties); this county's own figures are above.",
                   "zh": "以上为整次方案（共 {n} 个县区）的目标值；本县区的数字见前文。"},
    "counties_h": {"en": "Counties: a workbook and a report each", "zh": "各县区方案：每县一份工作簿和一份报告"},
    "counties_note": {"en": "This run covers {n} counties. Each county's teams, unstaffed cases, workload and "
                            "recusal list are in its own workbook and report (folder counties/); this page and "
                            "plan.xlsx give the whole run.",
                      "zh": "本次共涉及 {n} 个县区。各县区的办案组、未配置案件、工作量与回避清单分别见各自的工作簿和报告"
                            "（counties 文件夹）；本页和 plan.xlsx 为全部汇总。"},
    "county": {"en": "County", "zh": "县区"}, "townships_col": {"en": "Townships", "zh": "乡镇"},
    "cases_col2": {"en": "Cases", "zh": "线索"}, "staffed_col": {"en": "Staffed", "zh": "已配齐"},
    "unstaffed_col": {"en": "Unstaffed", "zh": "未配置"}, "people_col": {"en": "People on teams", "zh": "参与人员"},
    "max_load_col": {"en": "Largest workload", "zh": "最大工作量"},
    "files_col": {"en": "Files", "zh": "文件"}, "report_link": {"en": "report", "zh": "报告"},
    "book_link": {"en": "workbook", "zh": "工作簿"},
    "files_note": {"en": "The same plan is in plan.xlsx (sheets for each reader) and, for programs, in the CSV files.",
                   "zh": "同一方案另见 plan.xlsx（按用途分表），以及供程序读取的 CSV 文件。"},
}


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("zoneplan", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x == x else ""


def _load(x: float) -> str:
    """Workload units, always two decimals (as in the input)."""
    return f"{x:.2f}"


def _minutes(x: float) -> str:
    """Road minutes, whole (rounded half up, as the travel objective counts them)."""
    return f"{int(x + 0.5)}" if x == x else ""


def _who(names: list[tuple[str, str]], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"{n}（{i}）" if n else i for i, n in names)
    return ", ".join(f"{n} ({i})" if n else i for i, n in names)


def _by_case(frame) -> dict[str, list[dict[str, Any]]]:
    """Rows of ``frame`` as records, grouped by ``case_id`` (order kept)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in frame.to_dict("records"):
        out.setdefault(rec["case_id"], []).append(rec)
    return out


def _excluded_html(view: PlanView, colon: str, semicolon: str) -> dict[str, tuple[int, Markup]]:
    """Per case: how many people were excluded, and the list as HTML (one ``<li>`` per person,
    every rule with its detail), built in one pass over the recusal table (escaped here)."""
    rec = view.recusals
    out: dict[str, tuple[int, Markup]] = {}
    if not len(rec):
        return out
    colon, semicolon = str(escape(colon)), str(escape(semicolon))
    cases, ids = rec["case_id"].tolist(), rec["investigator_id"].tolist()
    names = _e([n or i for n, i in zip(rec["name"].tolist(), ids)])
    ids_e = _e(ids)
    rules = _e(rec["rule_label"].tolist())
    details = _e(rec["detail_short"].tolist())
    k, n = 0, len(cases)
    while k < n:
        case, items, people = cases[k], [], 0
        while k < n and cases[k] == case:
            pid, parts = ids[k], []
            head = k
            while k < n and cases[k] == case and ids[k] == pid:
                parts.append(f'<span class="r">{rules[k]}</span>{colon}{details[k]}')
                k += 1
            items.append(f"<li><strong>{names[head]}</strong> <span class=\"note\">{ids_e[head]}</span> —\n        "
                         f"{semicolon.join(parts)}</li>")
            people += 1
        out[case] = (people, Markup("\n      ".join(items)))
    return out


def _e(values) -> list[str]:
    """Each value as escaped HTML text (None: empty), escaped in one pass over the joined
    column (as markupsafe escapes: & < > " ')."""
    strs = ["" if v is None else str(v) for v in values]
    if not strs:
        return []
    sep = "\x1e"
    joined = sep.join(strs)
    if joined.count(sep) != len(strs) - 1:  # pragma: no cover - a separator inside a value
        return [str(escape(x)) for x in strs]
    return str(escape(joined)).split(sep)


def card_html(view: PlanView) -> dict[str, str]:
    """Every case's card (``<article>``), in one pass over the plan: the team and its lead or
    why there is none, and who was excluded and why.  All text escaped here."""
    lang = view.lang
    t = {k: str(escape(pick(v, lang))) for k, v in TEXTS.items() if "{" not in pick(v, lang)}
    excluded_of = _excluded_html(view, pick(TEXTS["colon"], lang), pick(TEXTS["semicolon"], lang))
    tm = view.teams
    team_rows: dict[str, list[str]] = {}
    for case, name, iid, role, lead, posted, level, minutes in zip(
            tm["case_id"].tolist(), _e(tm["name"].tolist()), _e(tm["investigator_id"].tolist()),
            _e(tm["role"].tolist()), tm["is_lead"].tolist(), _e(tm["posted"].tolist()), _e(tm["level"].tolist()),
            tm["travel_minutes"].tolist()):
        cls = ' class="lead"' if lead else ""
        team_rows.setdefault(case, []).append(
            f'        <tr{cls}><td>{name or iid} <span class="note">{iid}</span></td>'
            f'<td>{role}</td><td>{posted}</td><td>{level}</td><td class="n">{_minutes(float(minutes))}</td></tr>\n')
    reasons = dict(zip(view.unstaffed["case_id"].tolist(), _e(view.unstaffed["reason"].tolist())))
    team_head = (f'    <table class="team">\n      <thead><tr><th>{t["name"]}</th><th>{t["role"]}</th><th>{t["posted"]}'
                 f'</th><th>{t["level_col"]}</th><th class="n">{t["minutes"]}</th></tr></thead>\n      <tbody>\n')
    c = view.cases
    out: dict[str, str] = {}
    for cid, cid_e, town, village, subject, staffed, prio, size, skills, needs_lead, escalated, load in zip(
            c["case_id"].tolist(), _e(c["case_id"].tolist()), _e(c["township"].tolist()), _e(c["village"].tolist()),
            _e(c["subject_id"].tolist()), c["staffed"].tolist(), c["priority"].tolist(), c["team_size"].tolist(),
            _e(c["required_skills"].tolist()), c["needs_lead"].tolist(), c["escalated"].tolist(),
            c["workload"].tolist()):
        where = f"{town} · {t['village']} {village}" if village else town
        facts = [f'<span>{t["priority"]} {int(prio)}</span><span>{t["team_size"]} {int(size)}</span>']
        if escalated:
            facts.append(f'<span>{t["escalated"]}</span>')
        elif needs_lead:
            facts.append(f'<span>{t["needs_lead"]}</span>')
        if skills:
            facts.append(f'<span>{t["skills"]} {skills}</span>')
        facts.append(f'<span>{t["workload"]} {_load(float(load))}</span>')
        if subject:
            facts.append(f'<span>{t["subject"]} {subject}</span>')
        rows = team_rows.get(cid)
        if rows:
            body = team_head + "".join(rows) + "      </tbody>\n    </table>\n"
        else:
            body = (f'    <p class="reason"><strong>{t["reason"]}{t["colon"]}</strong>{reasons.get(cid, "")}</p>\n')
        n_ex, ex = excluded_of.get(cid, (0, ""))
        if n_ex:
            excl = (f'      <h4>{escape(pick(TEXTS["excluded_h"], lang, n=n_ex))}</h4>\n      <ul>\n      {ex}\n'
                    '      </ul>\n')
        else:
            excl = f'      <p class="note">{t["none_excluded"]}</p>\n'
        out[cid] = (f'  <article class="card {"ok" if staffed else "no"}" id="case-{cid_e}">\n    <header>\n'
                    f'      <span class="id">{cid_e}</span>\n      <span class="where">{where}</span>\n'
                    f'      <span class="badge">{t["staffed"] if staffed else t["unstaffed"]}</span>\n    </header>\n'
                    f'    <div class="facts">\n      {"".join(facts)}\n    </div>\n{body}'
                    f'    <div class="excluded">\n{excl}    </div>\n  </article>\n')
    return out


def workload_html(view: PlanView) -> dict[str, str]:
    """The appendix row of every person with new cases, by id (escaped)."""
    w = view.workload
    used = (w["new_cases"] > 0).to_numpy()
    w = w.loc[used]
    out = {}
    for iid, iid_e, name, posted, level, cur, new, mx, spare, load, cases in zip(
            w["investigator_id"].tolist(), _e(w["investigator_id"].tolist()), _e(w["name"].tolist()),
            _e(w["posted"].tolist()), _e(w["level"].tolist()), w["current_cases"].tolist(), w["new_cases"].tolist(),
            w["max_cases"].tolist(), w["spare"].tolist(), w["workload"].tolist(), _e(w["cases"].tolist())):
        out[iid] = (f'      <tr><td>{name or iid_e} <span class="note">{iid_e}</span></td><td>{posted}</td>'
                    f'<td>{level}</td><td class="n">{int(cur)}</td><td class="n">{int(new)}</td><td class="n">{int(mx)}'
                    f'</td><td class="n">{int(spare)}</td><td class="n">{_load(float(load))}</td><td>{cases}</td></tr>\n')
    return out


def _context(view: PlanView, maps: Mapping[str, bytes]) -> dict[str, Any]:
    lang, s = view.lang, view.summary
    sep = "、" if lang == "zh" else ", "

    def t(key: str, **kw: object) -> str:
        return pick(TEXTS[key], lang, **kw)

    teams = _by_case(view.teams)
    reasons = dict(zip(view.unstaffed["case_id"], view.unstaffed["reason"]))
    show_cards = len(view.cases) <= CARD_LIMIT
    html_of = card_html(view) if show_cards else {}
    cards: dict[str, list[str]] = {}
    lines: dict[str, list[dict[str, Any]]] = {}
    for c in view.cases.to_dict("records"):
        if show_cards:
            cards.setdefault(c["group"], []).append(html_of[c["case_id"]])
            continue
        if not show_cards:
            team = teams.get(c["case_id"], [])
            lines.setdefault(c["group"], []).append({
                "id": c["case_id"], "township": c["township"], "village": c["village"], "staffed": bool(c["staffed"]),
                "what": sep.join(f"{m['name'] or m['investigator_id']}（{m['role']}）" if lang == "zh"
                                 else f"{m['name'] or m['investigator_id']} ({m['role']})" for m in team)
                if team else str(reasons.get(c["case_id"], ""))})
            continue

    groups = []
    for g in view.groups.itertuples(index=False):
        if g.is_zone:
            title = t("zone_h", zone=g.group)
        elif view.groups["is_zone"].any():
            title = t("nozone_h", county=g.county or "-")
        else:
            title = t("county_h", county=g.county or "-")
        png = maps.get(f"{ZONE_MAP_PREFIX}{g.group}")
        groups.append({"title": title, "line": t("group_line", n=g.township_count, townships=g.townships,
                                                   staff=g.staff, cases=g.cases, staffed=g.staffed),
                       "map": _data_uri(png) if png else None,
                       "cards_html": Markup("".join(cards.get(g.group, []))),
                       "lines": lines.get(g.group, [])})
    w = view.workload
    top = w.loc[w["workload"] == w["workload"].max()] if len(w) else w
    # whole minutes per member, as the travel level counts them (the view may be one county's)
    travel = float(np.floor(view.teams["travel_minutes"].to_numpy(dtype=float) + 0.5).sum())
    rules = s["rules"]
    pool = (t("pool_zones", m=f"{rules['max_travel']:g}") if rules.get("use_zones")
            else t("pool_travel", m=f"{rules['max_travel']:g}"))
    mode = (" > ".join(s["order"]) if s["mode"] != "weighted"
            else ", ".join(f"{k}={v:g}" for k, v in s["weights"].items()))
    rows_of = workload_html(view)
    return {
        "lang": "zh-CN" if lang == "zh" else "en",
        "t": {k: pick(v, lang) for k, v in TEXTS.items()},
        "title": t("title"),
        "subtitle": sep.join(s["counties"]) or "",
        "made_by": t("made_by", version=s["version"]),
        "lead_para": t("lead_para", cases=s["cases"], counties=sep.join(s["counties"]) or "-",
                       staffed=s["cases_staffed"], unstaffed=s["cases_unstaffed"]),
        "status_line": t("status", status=s["status"], words=s["status_words"]),
        "status_ok": s["status"] == "OPTIMAL",
        "points_para": t("points", points=s["staffed_points"], total=s["priority_total"]),
        "workload_line": t("workload_line", value=_load(float(top["workload"].iloc[0])) if len(top) else "0",
                           who=_who(list(zip(top["investigator_id"], top["name"]))[:3], lang) or "-",
                           travel=_num(float(travel)), trips=len(view.teams)),
        "kpis": [
            {"value": s["cases_staffed"], "label": t("kpi_cases"), "of": t("of", n=s["cases"]), "warn": False},
            {"value": s["staffed_points"], "label": t("kpi_points"), "of": t("of", n=s["priority_total"]), "warn": False},
            {"value": s["cases_unstaffed"], "label": t("kpi_unstaffed"), "of": t("of", n=s["cases"]),
             "warn": s["cases_unstaffed"] > 0},
            {"value": s["people_used"], "label": t("kpi_people"), "of": t("of", n=s["investigators"]), "warn": False},
        ],
        "unstaffed": [{"id": u.case_id, "township": u.township, "kind": u.kind, "reason": u.reason}
                      for u in view.unstaffed.itertuples(index=False)],
        "levels": [{**lv, "value": _num(float(lv["value"])), "bound": None if lv["bound"] is None else _num(float(lv["bound"]))} for lv in s["levels"]],
        "maps": [{"caption": k, "src": _data_uri(v)} for k, v in maps.items() if not k.startswith(ZONE_MAP_PREFIX)],
        "groups": groups,
        "workload_html": Markup("".join(rows_of[i] for i in view.workload["investigator_id"].tolist() if i in rows_of)),
        "options_line": t("options_line", mode=mode, hops=rules["max_hops"], pool=pool, seed=s["solve"].get("seed", "-")),
        "inputs": s["inputs"],
        "cards_note": None if show_cards else t("cards_off", n=len(view.cases), limit=CARD_LIMIT),
        "levels_note": t("levels_run", n=s["run_counties"]) if s.get("run_counties") else None,
        "counties": [], "counties_note": None,
    }


def render_plan_html(view: PlanView, maps: Mapping[str, bytes] | None = None) -> str:
    """The printable report as an HTML document (UTF-8 text, self-contained).

    Parameters
    ----------
    view : PlanView
        The plan joined with names (:func:`zoneplan.io.planview.plan_view`); its ``lang``
        is the report's language.
    maps : mapping of str to bytes, optional
        PNG images to embed.  A key ``"zone:<zone id>"`` puts the map on that zone's page;
        any other key is the caption of a map on the summary page.
    """
    return _template().render(**_context(view, dict(maps or {})))


def render_index_html(view: PlanView, counties: Sequence[Mapping[str, Any]],
                      maps: Mapping[str, bytes] | None = None) -> str:
    """The index report of a run split by county: the run's summary, its unstaffed cases and
    levels, then one line per county with links to its report and workbook.

    ``counties``: per county ``county, townships, cases, staffed, unstaffed, people,
    max_workload, report, workbook`` (the last two: paths relative to the index).
    """
    ctx = _context(view.__class__(**{**view.__dict__, "cases": view.cases.iloc[0:0], "groups": view.groups.iloc[0:0],
                                     "teams": view.teams.iloc[0:0], "recusals": view.recusals.iloc[0:0]}),
                   dict(maps or {}))
    full = _context_summary(view)
    ctx.update(full)
    ctx["workload_html"] = Markup("")
    ctx["counties"] = list(counties)
    ctx["counties_note"] = pick(TEXTS["counties_note"], view.lang, n=len(counties))
    ctx["cards_note"] = None
    return _template().render(**ctx)


def _context_summary(view: PlanView) -> dict[str, Any]:
    """The summary figures of ``view`` that depend on its teams and workload."""
    lang, s = view.lang, view.summary
    w = view.workload
    top = w.loc[w["workload"] == w["workload"].max()] if len(w) else w
    travel = float(np.floor(view.teams["travel_minutes"].to_numpy(dtype=float) + 0.5).sum())
    return {"workload_line": pick(TEXTS["workload_line"], lang,
                                  value=_load(float(top["workload"].iloc[0])) if len(top) else "0",
                                  who=_who(list(zip(top["investigator_id"], top["name"]))[:3], lang) or "-",
                                  travel=_num(float(travel)), trips=len(view.teams))}


_TEMPLATE: list[jinja2.Template] = []


def _template() -> jinja2.Template:
    if not _TEMPLATE:  # compiled once per process (a split run renders thousands of reports)
        _TEMPLATE.append(_env().get_template("plan.html.j2"))
    return _TEMPLATE[0]

