"""The explain command: why a person may or may not work on a case.

The verdict is the eligibility engine's (:meth:`zoneplan.staffing.eligibility.Eligibility.explain_pair`);
this module only finds the person and the case the user named and words the facts.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from ..i18n import N_, NC_
from .common import EXIT_INPUT, AllowOwn, CrossCounty, Lang, MaxHops, MaxTravel, NoZones, _guard, _rules, app

__all__ = ["explain", "find_person", "find_case", "Ambiguous", "NotFound"]

RULE_ORDER = ("pool", "cross-check", "home", "kin", "declared", "team.available", "team.capacity")

T = {
    "case": N_("Case {id}: {place}{village}; {zone}subject {subject}"),
    "village": N_(", village {v}"),
    "zone": N_("zone {z}; "),
    "needs": N_("  team of {n}{lead}; priority {p}; workload {w}{skills}"),
    "needs_lead": N_(", needs a lead"),
    "needs_county_lead": N_(", escalated: needs a county-level lead"),
    "needs_skills": N_("; skills needed: {s}"),
    "person": N_("Person {who}: {level}, posted in {place}{zone}"),
    "person_zone": N_(" (zone {z})"),
    "home": N_("  home: township {t}, village {v}"),
    "yes": N_("Verdict: {who} MAY work on {case}: no rule excludes the pair."),
    "no": N_("Verdict: {who} may NOT work on {case}: {n} rule(s) exclude the pair."),
    "rules": N_("Rules"),
    "facts": N_("Team facts"),
    "ok": N_("ok"), "bad": N_("EXCLUDED"),
    "pool.county": N_("county-level staff of {c}, the case's county"),
    "pool.zone": N_("posted in the case's zone {z}"),
    "pool.travel": NC_("cli.explain", "{m} road minutes away; the pool reaches {r}"),
    "cross.county": N_("county-level staff are exempt"),
    "cross.off": N_("switched off (--allow-own-township)"),
    "cross.ok": NC_("cli.explain", "posted in {a}; the case is in {b}"),
    "home.ok": N_("home township {t}, village {v}; the case: {ct}, village {cv}"),
    "kin.ok": N_("no relation path of {h} hop(s) or fewer to the subject {s}"),
    "kin.none": N_("the case names no subject"),
    "declared.ok": N_("no declared recusal for this case"),
    "available.ok": N_("available"),
    "capacity.ok": N_("{left} of {max} case places free ({cur} on hand)"),
    "lead.yes": N_("can lead here"),
    "lead.no_can": N_("cannot lead (can_lead is no)"),
    "lead.no_county": N_("can lead, but not here: an escalated case needs a county-level lead"),
    "lead.label": N_("lead"), "skills.label": NC_("cli.explain", "skills"),
    "skills.line": N_("{have}; the case needs {need}{cover}"),
    "skills.no_need": N_("{have}; the case needs no particular skill"),
    "skills.covers": N_(" (covers {s})"),
    "none": N_("none"), "colon": N_(": "),
    "travel.label": NC_("cli.explain", "travel"),
    "travel.line": N_("{m} road minutes from {a} to {b}"),
    "not_found": N_("no {what} {q!r} in {table}"),
    "did_you_mean": N_("; did you mean: {c}?"),
    "ambiguous": N_("{n} people are named {q!r}: {c}; give the id"),
    "person_word": N_("person"), "case_word": NC_("cli.explain", "case"),
}


class NotFound(ValueError):
    """Nobody (no case) of that id or name; ``candidates`` are the close matches."""

    def __init__(self, what: str, query: str, table: str, candidates: list[str]):
        self.what, self.query, self.table, self.candidates = what, query, table, candidates
        super().__init__(f"no {what} {query!r} in {table}")


class Ambiguous(ValueError):
    """A name shared by several people; ``candidates`` are ``id (name, posted)`` texts."""

    def __init__(self, query: str, candidates: list[str]):
        self.query, self.candidates = query, candidates
        super().__init__(f"{len(candidates)} people are named {query!r}")


def find_person(investigators: pd.DataFrame, query: str, places: dict[str, str]) -> str:
    """The investigator id meant by ``query``: an id, else a unique name (case-insensitive).

    Raises
    ------
    Ambiguous
        The name belongs to several people.
    NotFound
        No such id or name; the exception carries close matches.
    """
    ids = investigators["investigator_id"].tolist()
    names = investigators["name"].tolist()
    q = query.strip()
    if q in ids:
        return q
    from ..data.identity import person_key

    qk = person_key(q)
    for match in (lambda x: x == q, lambda x: x.lower() == q.lower(), lambda x: person_key(x) == qk):
        hits = [i for i, n in zip(ids, names) if n and match(n)]
        if not hits:
            hits = [i for i in ids if match(i)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            posted = dict(zip(ids, investigators["township_id"].tolist()))
            raise Ambiguous(q, [f"{i} ({n}, {places.get(posted[i], posted[i])})" for i, n in zip(ids, names)
                                if i in hits])
    close = difflib.get_close_matches(q, ids + [n for n in names if n], n=5, cutoff=0.5)
    by_name = {n: i for i, n in zip(ids, names) if n}
    label = dict(zip(ids, names))
    cands = []
    for c in close:
        i = c if c in label else by_name[c]
        text = f"{i} ({label[i]})" if label[i] else i
        if text not in cands:
            cands.append(text)
    raise NotFound("person", q, "investigators", cands)


def find_case(cases: pd.DataFrame, query: str) -> str:
    """The case id meant by ``query`` (exact, else case-insensitive).

    Raises
    ------
    NotFound
        No such case; the exception carries close matches.
    """
    ids = cases["case_id"].tolist()
    q = query.strip()
    if q in ids:
        return q
    hits = [i for i in ids if i.lower() == q.lower()]
    if len(hits) == 1:
        return hits[0]
    raise NotFound("case", q, "cases", difflib.get_close_matches(q, ids, n=5, cutoff=0.5))


@app.command()
@_guard
def explain(
    data_dir: Path = typer.Argument(..., help="Folder of input CSVs (or an .xlsx workbook)."),
    person: str = typer.Argument(..., help="Investigator id or name."),
    case: str = typer.Argument(..., help="Case id."),
    max_hops: int = MaxHops, max_travel: float = MaxTravel, allow_own_township: bool = AllowOwn,
    cross_county: bool = CrossCounty, no_zones: bool = NoZones, lang: Optional[str] = Lang,
) -> None:
    """Why PERSON may or may not work on CASE: every rule with its detail (and kin path), plus team facts."""
    from .. import build_eligibility, load
    from ..i18n import lang_for, pick
    from ..io.wording import ERROR, clause_sep, list_sep, table_label

    lang = lang_for(lang, data_dir)
    rules = _rules(max_hops, max_travel, allow_own_township, cross_county, no_zones)
    tables = load(data_dir)
    tw = tables.townships
    places = {t: (n or t) for t, n in zip(tw["township_id"], tw["name"])}
    try:
        pid = find_person(tables.investigators, person, places)
        cid = find_case(tables.cases, case)
    except Ambiguous as exc:
        typer.echo(pick(ERROR, lang, msg=pick(T["ambiguous"], lang, n=len(exc.candidates), q=exc.query,
                                              c=clause_sep(lang).join(exc.candidates))), err=True)
        raise typer.Exit(EXIT_INPUT)
    except NotFound as exc:
        msg = pick(T["not_found"], lang, what=pick(T[f"{exc.what}_word"], lang), q=exc.query,
                   table=table_label(exc.table, lang))
        if exc.candidates:
            msg += pick(T["did_you_mean"], lang, c=list_sep(lang).join(exc.candidates))
        typer.echo(pick(ERROR, lang, msg=msg), err=True)
        raise typer.Exit(EXIT_INPUT)
    el = build_eligibility(tables, rules)
    for line in explain_lines(tables, el, pid, cid, lang):
        typer.echo(line)


def explain_lines(tables, el, pid: str, cid: str, lang: str) -> list[str]:
    """The explanation of one (person, case) pair as printable lines."""
    from ..i18n import pick
    from ..io.wording import detail_text, level_word, list_sep, name_id, rule_label
    from ..io.xlsx import display_width

    def t(key: str, **kw: object) -> str:
        return pick(T[key], lang, **kw)

    tw, inv, cs = tables.townships, tables.investigators, tables.cases
    names = {t_: n for t_, n in zip(tw["township_id"], tw["name"])}

    def place(x: str) -> str:
        return name_id(names.get(x, ""), x, lang) if x else "-"

    people = dict(zip(inv["investigator_id"], inv["name"]))
    p = inv.loc[inv["investigator_id"] == pid].iloc[0]
    c = cs.loc[cs["case_id"] == cid].iloc[0]
    zone = dict(zip(tw["township_id"], tw["zone"])) if el.rules.use_zones else {}
    county = dict(zip(tw["township_id"], tw["county"]))
    who = f"{pid} {p['name']}" if p["name"] else pid
    lead_needed = bool(c["needs_lead"]) or bool(c["escalated"])
    out = [
        t("case", id=cid, place=place(c["township_id"]), village=t("village", v=c["village"]) if c["village"] else "",
          zone=t("zone", z=zone[c["township_id"]]) if zone.get(c["township_id"]) else "", subject=c["subject_id"] or "-"),
        t("needs", n=int(c["team_size"]), p=int(c["priority"]), w=f"{c['workload']:g}",
          lead=t("needs_county_lead") if bool(c["escalated"]) else t("needs_lead") if lead_needed else "",
          skills=t("needs_skills", s=list_sep(lang).join(c["required_skills"])) if c["required_skills"] else ""),
        t("person", who=who, level=level_word(p["level"], lang), place=place(p["township_id"]),
          zone=t("person_zone", z=zone[p["township_id"]]) if zone.get(p["township_id"]) else ""),
        t("home", t=place(p["home_township"]) if p["home_township"] else t("none"), v=p["home_village"] or t("none")),
        "",
    ]
    reasons = el.explain_pair(pid, cid)
    broken: dict[str, list[str]] = {}
    for rule, detail in reasons:
        broken.setdefault(rule, []).append(detail_text(detail, lang, names, people))
    out.append(t("no", who=who, case=cid, n=len(broken)) if broken else t("yes", who=who, case=cid))
    out += ["", t("rules")]
    i = int(el.inv_ids.tolist().index(pid))
    k = int(el.case_ids.tolist().index(cid))
    minutes = float(el.travel.minutes([el.inv_township[i]], [el.case_township[k]])[0])
    county_level = p["level"] == "county"
    ok_text = {
        "pool": (t("pool.county", c=county[p["township_id"]] or "-") if county_level
                 else t("pool.zone", z=zone[c["township_id"]]) if zone.get(c["township_id"])
                 else t("pool.travel", m=f"{minutes:.0f}", r=f"{el.rules.max_travel:g}")),
        "cross-check": (t("cross.county") if county_level else t("cross.off") if el.rules.allow_own_township
                        else t("cross.ok", a=place(p["township_id"]), b=place(c["township_id"]))),
        "home": t("home.ok", t=place(p["home_township"]) if p["home_township"] else t("none"),
                  v=p["home_village"] or t("none"),
                  ct=place(c["township_id"]), cv=c["village"] or "-"),
        "kin": t("kin.ok", h=el.rules.max_hops, s=c["subject_id"]) if c["subject_id"] else t("kin.none"),
        "declared": t("declared.ok"),
        "team.available": t("available.ok"),
        "team.capacity": t("capacity.ok", left=max(0, int(p["max_cases"]) - int(p["current_cases"])),
                           max=int(p["max_cases"]), cur=int(p["current_cases"])),
    }
    width = max(display_width(rule_label(r, lang)) for r in RULE_ORDER) + 2
    for rule in RULE_ORDER:
        label = rule_label(rule, lang)
        label += " " * (width - display_width(label))
        if rule in broken:
            for d in broken[rule]:
                out.append(f"  ✗ {label}{t('bad')}{t('colon')}{d}")
        else:
            out.append(f"  ✓ {label}{ok_text[rule]}")
    out += ["", t("facts")]
    if not bool(p["can_lead"]):
        lead = t("lead.no_can")
    elif bool(c["escalated"]) and not county_level:
        lead = t("lead.no_county")
    else:
        lead = t("lead.yes")
    out.append(f"  {t('lead.label')}{t('colon')}{lead}")
    sep = list_sep(lang)
    have = sep.join(p["skills"]) or t("none")
    need = list(c["required_skills"])
    covers = [s for s in need if s in p["skills"]]
    line = (t("skills.line", have=have, need=sep.join(need), cover=t("skills.covers", s=sep.join(covers)) if covers
              else "") if need else t("skills.no_need", have=have))
    out.append(f"  {t('skills.label')}{t('colon')}" + line)
    out.append(f"  {t('travel.label')}{t('colon')}" + t("travel.line", m=f"{minutes:.0f}", a=place(p["township_id"]),
                                                b=place(c["township_id"])))
    return out
