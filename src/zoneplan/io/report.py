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

from ..i18n import N_, NC_, pick
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
    "title": N_("Staffing plan"),
    "made_by": N_("made by zoneplan {version}"),
    "lead_para": N_("This plan staffs the {cases} problem leads of {counties} with investigation teams "
                    "drawn from nearby townships, under the recusal rules: {staffed} cases have a full "
                    "team, {unstaffed} have none."),
    "status": N_("Solver status: {status} ({words})."),
    "points": N_("“Staffed {points}” is priority-weighted: each case with a full team counts its priority "
                 "(a priority-2 case counts 2), out of {total} points for all cases. The plan first makes "
                 "this score as high as possible, so the most important cases are staffed first; then it "
                 "evens out workload, then shortens travel."),
    "workload_line": N_("Largest workload after the plan: {value}, carried by {who}. Total travel: {travel} "
                        "road minutes for {trips} team places."),
    "kpi_cases": NC_("io.report", "cases staffed"),
    "kpi_points": N_("priority points"),
    "kpi_unstaffed": N_("cases unstaffed"),
    "kpi_people": N_("people on teams"),
    "of": N_("of {n}"),
    "unstaffed_h": N_("Cases without a team"),
    "levels_h": N_("Objective levels"),
    "level": NC_("objective level", "Level"), "value": N_("Value"),
    "bound": N_("Best bound"), "proven": N_("Proven"),
    "maps_h": N_("Maps"),
    "zone_h": N_("Zone {zone}"),
    "nozone_h": N_("{county}: townships without a zone"),
    "county_h": N_("{county}"),
    "group_line": N_("{n} townships: {townships}. {staff} township staff; {cases} cases, {staffed} staffed."),
    "staffed": NC_("io.report", "staffed"), "unstaffed": NC_("io.report", "not staffed"),
    "priority": N_("priority"), "team_size": N_("team"),
    "workload": N_("workload"), "subject": N_("subject"),
    "skills": NC_("io.report", "skills"), "escalated": N_("escalated: county-level lead"),
    "needs_lead": NC_("io.report", "needs a lead"), "village": NC_("io.report", "village"),
    "name": N_("Name"), "role": N_("Role"), "posted": N_("Posted in"),
    "level_col": NC_("io.report", "Level"), "minutes": NC_("io.report", "Travel (min)"),
    "reason": N_("Why not"),
    "excluded_h": N_("Excluded ({n})"),
    "colon": N_(": "), "semicolon": N_("; "),
    "none_excluded": N_("Nobody near this case had to be excluded."),
    "case": NC_("io.report", "Case"), "township": NC_("io.report", "Township"),
    "kind": N_("Kind"),
    "appendix_h": N_("Appendix: workload and inputs"),
    "workload_h": NC_("report heading", "People on teams"),
    "cur_cases": N_("On hand"), "new_cases": N_("New"),
    "max_cases": N_("Limit"), "spare": N_("Spare"),
    "load_after": N_("Workload"), "cases_col": NC_("case ids", "Cases"),
    "inputs_h": N_("Input files"), "file": N_("File"),
    "rows": N_("Rows"),
    "options_h": N_("Options"),
    "options_line": N_("Objective: {mode}. Kin rule: {hops} hops. Pool: {pool}. Seed {seed}."),
    "pool_zones": N_("the case township's zone (else {m} road minutes), plus county-level staff"),
    "pool_travel": N_("within {m} road minutes, plus county-level staff"),
    "cards_off": N_("This report covers {n} cases, more than the {limit} it shows as cards: each case is "
                    "one line below; who was excluded from which case, and why, is in plan.xlsx (sheet "
                    "Recusals)."),
    "team_col": N_("Team (lead first) or why none"),
    "status_col": NC_("io.report", "Status"),
    "levels_run": N_("These are the levels of the whole run ({n} counties); this county's own figures are "
                     "above."),
    "counties_h": N_("Counties: a workbook and a report each"),
    "counties_note": N_("This run covers {n} counties. Each county's teams, unstaffed cases, workload and "
                        "recusal list are in its own workbook and report (folder counties/); this page and "
                        "plan.xlsx give the whole run."),
    "county": NC_("io.report", "County"), "townships_col": N_("Townships"),
    "cases_col2": NC_("io.report", "Cases"), "staffed_col": N_("Staffed"),
    "unstaffed_col": NC_("io.report", "Unstaffed"), "people_col": NC_("io.report", "People on teams"),
    "max_load_col": N_("Largest workload"),
    "files_col": N_("Files"), "report_link": N_("report"),
    "book_link": N_("workbook"),
    "files_note": N_("The same plan is in plan.xlsx (sheets for each reader) and, for programs, in the CSV "
                     "files."),
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

