"""``plan.html``: the staffing plan as a printable report for the county leadership.

Two layers.  **The part for people**: a summary in plain words (the status as 已证明最优 /
在时限内未证明最优, the objective as a sentence, the counts), a table of contents by zone,
the maps (a page each, at the full width of the page), then a page per zone (or per county
where townships have no zone) opening with its own table of cases, then a card per case:
the team and its lead, or why the case has none, and who was excluded and why -- people by
name, travel in whole minutes.  **The audit appendix** (last pages): the status code, each
objective level with its best bound and gap, the options and the seed, every person by id,
the input files with their SHA-256.

Rendered with a jinja2 template kept as package data (``zoneplan/templates/plan.html.j2``)
with autoescaping on, so no text from the tables can inject markup; the template's words
are catalog messages (``_``).  Maps are passed in as PNG bytes and embedded (base64), so the
file stands alone.  Print CSS: A4, the maps at :data:`PRINT_MAP_MM` wide (the width they
are drawn for, so their labels print at their size), a page break before each zone and
before the appendix, cards never cut across pages, no text below 8 pt.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping, Sequence

import jinja2
import numpy as np
from markupsafe import Markup, escape

from ..i18n import N_, NC_, tr
from .planview import PlanView
from .wording import coded, list_sep, order_words, table_label
from .workbook import objective_sentence, whole_minutes

__all__ = ["render_plan_html", "render_index_html", "ZONE_MAP_PREFIX", "TEXTS", "CARD_LIMIT", "PRINT_MAP_MM",
           "zone_title", "summary_context", "group_contexts", "card_html", "workload_html"]

#: A report of more cases than this has no per-case cards: each zone lists its cases in one
#: table (case, place, team or reason), and who was excluded from which case and why is in
#: the workbook's recusal sheet.  A card takes a fifth of an A4 page; 300 cards are about
#: 60 pages, and a county of a province or national run is far below it.
CARD_LIMIT = 300

#: Width of a map on the printed page (mm): A4 less the page margins.  The maps are drawn at
#: this width (:data:`zoneplan.maps.sheet.PRINT_WIDTH_IN`), so a label of 8 pt prints at 8 pt.
PRINT_MAP_MM = 186

#: A map whose key is ``"zone:<zone id>"`` goes on that zone's page; other keys are captions
#: of maps shown on pages of their own after the summary, in the order given.
ZONE_MAP_PREFIX = "zone:"

TEXTS: dict[str, str] = {
    "title": N_("Staffing plan"),
    "made_by": N_("made by zoneplan {version}"),
    "lead_para": N_("This plan staffs the {cases} problem leads of {counties} with investigation teams drawn from "
                    "nearby townships, under the recusal rules: {staffed} cases have a full team, {unstaffed} have "
                    "none."),
    "status": N_("Result: {words}."),
    "points": N_("“Staffed {points}” is priority-weighted: each case with a full team counts its priority (a "
                 "priority-2 case counts 2), out of {total} points for all cases."),
    "workload_line": N_("Largest workload after the plan: {value}, carried by {who}. Total travel: {travel} road "
                        "minutes for {trips} team places."),
    "kpi_cases": N_("cases staffed"),
    "kpi_points": N_("priority points"),
    "kpi_unstaffed": N_("cases unstaffed"),
    "kpi_people": N_("people on teams"),
    "of": N_("of {n}"),
    "unstaffed_h": N_("Cases without a team"),
    "contents_h": N_("Contents by zone"),
    "maps_h": N_("Maps"),
    "zone_h": N_("Zone {zone}"),
    "nozone_h": N_("{county}: townships without a zone"),
    "county_h": N_("{county}"),
    "group_line": N_("{n} townships: {townships}. {staff} township staff; {cases} cases, {staffed} staffed."),
    "zone_cases": N_("Cases of this zone"),
    "staffed": NC_("io.report", "staffed"), "unstaffed": NC_("io.report", "not staffed"),
    "priority": N_("priority"), "team_size": N_("team"),
    "workload": N_("workload"), "subject": N_("subject"),
    "skills": NC_("io.report", "skills"), "escalated": N_("escalated: county-level lead"),
    "needs_lead": NC_("io.report", "needs a lead"),
    "name": N_("Name"), "role": N_("Role"), "posted": N_("Posted in"),
    "level_col": NC_("io.report", "Level"), "minutes": NC_("io.report", "Travel (min)"),
    "reason": N_("Why not"),
    "excluded_h": N_("Excluded ({n})"),
    "colon": N_(": "), "semicolon": N_("; "),
    "none_excluded": N_("Nobody near this case had to be excluded."),
    "case": N_("Case"), "township": N_("Township"), "place": N_("Township and village"),
    "kind": N_("Kind"), "zone": NC_("io.report", "Zone"), "townships_col": NC_("io.report", "Townships"),
    "cases_in": N_("Cases (staffed / all)"),
    "team_or_why": N_("Team (lead first) or why none"),
    "status_col": N_("Status"),
    "appendix_h": N_("Appendix for the audit: ids, options, bounds, inputs"),
    "solve_h": N_("The solve"),
    "status_code": N_("Solver status: {status}."),
    "levels_h": N_("Objective levels"),
    "level": NC_("objective level", "Level"), "value": N_("Value"),
    "bound": N_("Best bound"), "gap": N_("Gap"), "proven": N_("Proven"),
    "yes": N_("yes"), "no": N_("no"),
    "levels_run": N_("These are the levels of the whole run ({n} counties); this county's own figures are above."),
    "options_h": N_("Options"),
    "options_line": N_("Objective levels in order: {mode}. Kin rule: {hops} hops. Pool: {pool}. Seed {seed}. Time "
                       "limit {limit} s, {workers} threads."),
    "pool_zones": N_("the case township's zone (else {m} road minutes), plus county-level staff"),
    "pool_travel": N_("within {m} road minutes, plus county-level staff"),
    "workload_h": NC_("report heading", "People on teams"),
    "person_id": N_("Person id"),
    "cur_cases": N_("On hand"), "new_cases": N_("New"),
    "max_cases": N_("Limit"), "spare": N_("Spare"),
    "load_after": N_("Workload"), "cases_col": NC_("case ids", "Cases"),
    "inputs_h": N_("Input files"), "file": N_("File"),
    "rows": N_("Rows"), "sha": N_("SHA-256"),
    "cards_off": N_("This report covers {n} cases, more than the {limit} it shows as cards: each case is one line "
                    "below; who was excluded from which case, and why, is in plan.xlsx (sheet Recusals)."),
    "counties_h": N_("Counties: a workbook and a report each"),
    "counties_note": N_("This run covers {n} counties. Each county's teams, unstaffed cases, workload and recusal "
                        "list are in its own workbook and report (folder counties/); this page and plan.xlsx give "
                        "the whole run."),
    "county": NC_("io.report", "County"),
    "cases_col2": NC_("io.report", "Cases"), "staffed_col": N_("Staffed"),
    "unstaffed_col": NC_("io.report", "Unstaffed"), "people_col": NC_("io.report", "People on teams"),
    "max_load_col": N_("Largest workload"),
    "files_col": N_("Files"), "report_link": N_("report"),
    "book_link": N_("workbook"),
    "files_note": N_("The same plan is in plan.xlsx (sheets for each reader) and, for programs, in the CSV files."),
}

#: Zone names that already say what they are (东南协作区, 鹤溪片区): shown alone as a heading.
_ZONE_WORDS = ("协作区", "片区", "协作组", "Zone", "zone")


def zone_title(zone: str, lang: str) -> str:
    """The heading of a zone: its name when the name says it is a zone, else 协作区 + name."""
    return zone if any(w in zone for w in _ZONE_WORDS) else tr(TEXTS["zone_h"], lang, zone=zone)


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


def _excluded_html(view: PlanView, colon: str, semicolon: str) -> dict[str, tuple[int, Markup]]:
    """Per case: how many people were excluded, and the list as HTML (one ``<li>`` per person,
    every rule with its detail, people by name), built in one pass over the recusal table."""
    rec = view.recusals
    out: dict[str, tuple[int, Markup]] = {}
    if not len(rec):
        return out
    colon, semicolon = str(escape(colon)), str(escape(semicolon))
    cases, ids = rec["case_id"].tolist(), rec["investigator_id"].tolist()
    names = _e([n or i for n, i in zip(rec["name"].tolist(), ids)])
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
            items.append(f"<li><strong>{names[head]}</strong> {semicolon.join(parts)}</li>")
            people += 1
        out[case] = (people, Markup("\n      ".join(items)))
    return out


def card_html(view: PlanView) -> dict[str, str]:
    """Every case's card (``<article>``), in one pass over the plan: the team and its lead or
    why there is none, and who was excluded and why.  People by name; all text escaped here."""
    lang = view.lang
    t = {k: str(escape(tr(v, lang))) for k, v in TEXTS.items() if "{" not in str(v)}
    excluded_of = _excluded_html(view, tr(TEXTS["colon"], lang), tr(TEXTS["semicolon"], lang))
    tm = view.teams
    team_rows: dict[str, list[str]] = {}
    for case, name, iid, role, lead, posted, level, minutes in zip(
            tm["case_id"].tolist(), _e(tm["name"].tolist()), _e(tm["investigator_id"].tolist()),
            _e(tm["role"].tolist()), tm["is_lead"].tolist(), _e(tm["posted"].tolist()), _e(tm["level"].tolist()),
            tm["travel_minutes"].tolist()):
        cls = ' class="lead"' if lead else ""
        team_rows.setdefault(case, []).append(
            f'        <tr{cls}><td>{name or iid}</td><td>{role}</td><td>{posted}</td><td>{level}</td>'
            f'<td class="n">{whole_minutes(float(minutes))}</td></tr>\n')
    reasons = dict(zip(view.unstaffed["case_id"].tolist(), _e(view.unstaffed["reason"].tolist())))
    team_head = (f'    <table class="team">\n      <thead><tr><th>{t["name"]}</th><th>{t["role"]}</th><th>{t["posted"]}'
                 f'</th><th>{t["level_col"]}</th><th class="n">{t["minutes"]}</th></tr></thead>\n      <tbody>\n')
    c = view.cases
    sep = str(escape(list_sep(lang)))
    out: dict[str, str] = {}
    for cid, cid_e, town, village, subject, staffed, prio, size, skills, needs_lead, escalated, load in zip(
            c["case_id"].tolist(), _e(c["case_id"].tolist()), _e(c["township"].tolist()), _e(c["village"].tolist()),
            _e(c["subject_id"].tolist()), c["staffed"].tolist(), c["priority"].tolist(), c["team_size"].tolist(),
            _e(c["required_skills"].tolist()), c["needs_lead"].tolist(), c["escalated"].tolist(),
            c["workload"].tolist()):
        where = f"{town} · {village}" if village else town
        facts = [f'<span>{t["priority"]} {int(prio)}</span><span>{t["team_size"]} {int(size)}</span>']
        if escalated:
            facts.append(f'<span>{t["escalated"]}</span>')
        elif needs_lead:
            facts.append(f'<span>{t["needs_lead"]}</span>')
        if skills:
            facts.append(f'<span>{t["skills"]} {skills.replace("; ", sep)}</span>')
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
            excl = (f'      <h4>{escape(tr(TEXTS["excluded_h"], lang, n=n_ex))}</h4>\n      <ul>\n      {ex}\n'
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
    """The audit appendix's row of every person with new cases, by id (escaped)."""
    w = view.workload
    used = (w["new_cases"] > 0).to_numpy()
    w = w.loc[used]
    out = {}
    for iid, iid_e, name, posted, level, cur, new, mx, spare, load, cases in zip(
            w["investigator_id"].tolist(), _e(w["investigator_id"].tolist()), _e(w["name"].tolist()),
            _e(w["posted"].tolist()), _e(w["level"].tolist()), w["current_cases"].tolist(), w["new_cases"].tolist(),
            w["max_cases"].tolist(), w["spare"].tolist(), w["workload"].tolist(), _e(w["cases"].tolist())):
        out[iid] = (f'      <tr><td class="id">{iid_e}</td><td>{name or iid_e}</td><td>{posted}</td>'
                    f'<td>{level}</td><td class="n">{int(cur)}</td><td class="n">{int(new)}</td><td class="n">{int(mx)}'
                    f'</td><td class="n">{int(spare)}</td><td class="n">{_load(float(load))}</td><td>{cases}</td></tr>\n')
    return out


def _who(names: Sequence[tuple[str, str]], lang: str) -> str:
    """People by name (their id where they have none)."""
    return list_sep(lang).join(n or i for i, n in names)


def summary_context(lang: str, s: Mapping[str, Any], *, subtitle: str, top: Sequence[tuple[str, str]],
                    max_load: float, travel: float, trips: int, unstaffed: list[dict[str, Any]],
                    cards_note: str | None = None) -> dict[str, Any]:
    """The template's summary and appendix figures (the same for the whole run's report and a
    county's, from its own counts in ``s``)."""

    def t(key: str, **kw: object) -> str:
        return tr(TEXTS[key], lang, **kw)

    rules = s["rules"]
    solve = s.get("solve", {})
    pool = (t("pool_zones", m=f"{rules['max_travel']:g}") if rules.get("use_zones")
            else t("pool_travel", m=f"{rules['max_travel']:g}"))
    mode = (order_words(s["order"], lang) if s["mode"] != "weighted"
            else list_sep(lang).join(f"{order_words([k], lang)} × {v:g}" for k, v in s["weights"].items()))
    counties = list_sep(lang).join(s["counties"]) or "-"
    return {
        "lang": "zh-CN" if lang == "zh" else "en",
        "map_mm": PRINT_MAP_MM,
        "t": {k: tr(v, lang) for k, v in TEXTS.items() if "{" not in str(v)},
        "title": t("title"),
        "subtitle": subtitle,
        "made_by": t("made_by", version=s["version"]),
        "lead_para": t("lead_para", cases=s["cases"], counties=counties, staffed=s["cases_staffed"],
                       unstaffed=s["cases_unstaffed"]),
        "status_line": t("status", words=s["status_short"]),
        "status_ok": s["status"] == "OPTIMAL",
        "objective": objective_sentence(dict(s), lang),
        "points_para": t("points", points=s["staffed_points"], total=s["priority_total"]),
        "workload_line": t("workload_line", value=_load(max_load) if top else "0", who=_who(top[:3], lang) or "-",
                           travel=whole_minutes(travel) if travel == travel else 0, trips=trips),
        "kpis": [
            {"value": s["cases_staffed"], "label": t("kpi_cases"), "of": t("of", n=s["cases"]), "warn": False},
            {"value": s["staffed_points"], "label": t("kpi_points"), "of": t("of", n=s["priority_total"]), "warn": False},
            {"value": s["cases_unstaffed"], "label": t("kpi_unstaffed"), "of": t("of", n=s["cases"]),
             "warn": s["cases_unstaffed"] > 0},
            {"value": s["people_used"], "label": t("kpi_people"), "of": t("of", n=s["investigators"]), "warn": False},
        ],
        "unstaffed": unstaffed,
        "status_code": t("status_code", status=coded(s["status_words"], s["status"], lang)),
        "levels": [{**lv, "label": coded(lv["label"], lv["level"], lang), "value": _num(float(lv["value"])),
                    "bound": None if lv["bound"] is None else _num(float(lv["bound"])),
                    "gap": None if lv.get("gap") is None else f"{float(lv['gap']):.2%}"} for lv in s["levels"]],
        "options_line": t("options_line", mode=mode, hops=rules["max_hops"], pool=pool, seed=solve.get("seed", "-"),
                          limit="-" if solve.get("time_limit") is None else f"{solve['time_limit']:g}",
                          workers=solve.get("workers", "-")),
        "inputs": [{**i, "table": table_label(i["table"], lang)} for i in s["inputs"]],
        "cards_note": cards_note,
        "levels_note": t("levels_run", n=s["run_counties"]) if s.get("run_counties") else None,
        "counties": [], "counties_note": None, "contents": [], "maps": [], "groups": [],
        "workload_html": Markup(""),
    }


def group_contexts(groups: Sequence[Any], any_zone: bool, lang: str, cards: Mapping[str, list[str]],
                   lines: Mapping[str, list[dict[str, Any]]], maps: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The zone (or county) sections: heading, line, map, its own table of cases, its cards.
    ``groups``: rows of :attr:`PlanView.groups` in listing order."""
    out = []
    for k, g in enumerate(groups):
        if g.is_zone:
            title = zone_title(g.group, lang)
        elif any_zone:
            title = tr(TEXTS["nozone_h"], lang, county=g.county or "-")
        else:
            title = tr(TEXTS["county_h"], lang, county=g.county or "-")
        png = maps.get(f"{ZONE_MAP_PREFIX}{g.group}")
        out.append({"id": f"zone-{k + 1}", "title": title,
                    "line": tr(TEXTS["group_line"], lang, n=g.township_count, townships=g.townships, staff=g.staff,
                               cases=g.cases, staffed=g.staffed),
                    "townships": g.townships, "cases": g.cases, "staffed": g.staffed,
                    "map": _data_uri(png) if png else None,
                    "cards_html": Markup("".join(cards.get(g.group, []))),
                    "lines": lines.get(g.group, [])})
    return out


def _lines(view: PlanView) -> dict[str, list[dict[str, Any]]]:
    """Each group's cases as table lines: case, place, status, the team (lead first) by name or the reason."""
    lang = view.lang
    sep = list_sep(lang)
    teams: dict[str, list[str]] = {}
    for case, name, iid, lead in zip(view.teams["case_id"].tolist(), view.teams["name"].tolist(),
                                     view.teams["investigator_id"].tolist(), view.teams["is_lead"].tolist()):
        who = name or iid
        teams.setdefault(case, []).append(tr(_LEAD, lang, name=who) if lead else who)
    reasons = dict(zip(view.unstaffed["case_id"], view.unstaffed["reason"]))
    out: dict[str, list[dict[str, Any]]] = {}
    for c in view.cases.itertuples(index=False):
        team = teams.get(c.case_id)
        out.setdefault(c.group, []).append({
            "id": c.case_id, "township": c.township, "village": c.village, "staffed": bool(c.staffed),
            "what": sep.join(team) if team else str(reasons.get(c.case_id, ""))})
    return out


_LEAD = N_("{name} (lead)")


def _context(view: PlanView, maps: Mapping[str, bytes]) -> dict[str, Any]:
    lang, s = view.lang, view.summary
    w = view.workload
    top = w.loc[w["workload"] == w["workload"].max()] if len(w) else w
    # whole minutes per member, as the travel level counts them (the view may be one county's)
    travel = float(np.floor(view.teams["travel_minutes"].to_numpy(dtype=float) + 0.5).sum())
    show_cards = len(view.cases) <= CARD_LIMIT
    ctx = summary_context(
        lang, s, subtitle=list_sep(lang).join(s["counties"]) or "",
        top=list(zip(top["investigator_id"], top["name"])), max_load=float(top["workload"].iloc[0]) if len(top) else 0.0,
        travel=travel, trips=len(view.teams),
        unstaffed=[{"id": u.case_id, "township": u.township, "kind": u.kind, "reason": u.reason}
                   for u in view.unstaffed.itertuples(index=False)],
        cards_note=None if show_cards else tr(TEXTS["cards_off"], lang, n=len(view.cases), limit=CARD_LIMIT))
    html_of = card_html(view) if show_cards else {}
    cards: dict[str, list[str]] = {}
    for cid, group in zip(view.cases["case_id"].tolist(), view.cases["group"].tolist()):
        if show_cards:
            cards.setdefault(group, []).append(html_of[cid])
    lines = _lines(view)
    any_zone = bool(view.groups["is_zone"].any())
    ctx["groups"] = group_contexts(list(view.groups.itertuples(index=False)), any_zone, lang, cards, lines, maps)
    ctx["contents"] = ctx["groups"]
    ctx["maps"] = [{"caption": k, "src": _data_uri(v)} for k, v in maps.items() if not k.startswith(ZONE_MAP_PREFIX)]
    rows_of = workload_html(view)
    ctx["workload_html"] = Markup("".join(rows_of[i] for i in view.workload["investigator_id"].tolist()
                                          if i in rows_of))
    return ctx


def render_plan_html(view: PlanView, maps: Mapping[str, bytes] | None = None) -> str:
    """The printable report as an HTML document (UTF-8 text, self-contained).

    Parameters
    ----------
    view : PlanView
        The plan joined with names (:func:`zoneplan.io.planview.plan_view`); its ``lang``
        is the report's language.
    maps : mapping of str to bytes, optional
        PNG images to embed.  A key ``"zone:<zone id>"`` puts the map on that zone's page;
        any other key is the caption of a map on a page of its own after the summary.
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
    w = view.workload
    top = w.loc[w["workload"] == w["workload"].max()] if len(w) else w
    travel = float(np.floor(view.teams["travel_minutes"].to_numpy(dtype=float) + 0.5).sum())
    ctx["workload_line"] = tr(TEXTS["workload_line"], view.lang,
                              value=_load(float(top["workload"].iloc[0])) if len(top) else "0",
                              who=_who(list(zip(top["investigator_id"], top["name"]))[:3], view.lang) or "-",
                              travel=whole_minutes(travel), trips=len(view.teams))
    ctx["workload_html"] = Markup("")
    ctx["counties"] = list(counties)
    ctx["counties_note"] = tr(TEXTS["counties_note"], view.lang, n=len(counties))
    ctx["cards_note"] = None
    return _template().render(**ctx)


_TEMPLATE: list[jinja2.Template] = []


def _template() -> jinja2.Template:
    if not _TEMPLATE:  # compiled once per process (a split run renders thousands of reports)
        _TEMPLATE.append(_env().get_template("plan.html.j2"))
    return _TEMPLATE[0]
