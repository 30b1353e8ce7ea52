"""A staffing plan as its readers see it: names beside ids, one table per audience.

:func:`plan_view` joins a :class:`~zoneplan.staffing.result.StaffingResult` with the input
tables and the eligibility engine's exclusions, once, for both the workbook
(:mod:`zoneplan.io.workbook`) and the printable report (:mod:`zoneplan.io.report`).  The
frames use stable English column keys; the writers put the headers in the reader's language.
Nothing here depends on run time, so the same plan gives the same view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from .. import __version__
from ..data.tables import Tables
from ..i18n import N_, NC_, pick, tr
from ..options import RuleOptions
from ..staffing.eligibility import Eligibility, build_eligibility
from ..zoning.naming import zone_rank
from .wording import (CHANGE_WORDS, KIND_WORDS, LEVEL_NAMES, RELATION_LABELS, STATUS_SHORT, STATUS_WORDS, detail_text,
                      level_word, list_sep, reason_text, relation_class, role_word, rule_label)

__all__ = ["PlanView", "plan_view", "county_views", "RECUSAL_RULES"]

#: The rules that make a conflict of interest (回避): the recusal list holds these.  Being
#: unavailable or full is no conflict; those people show in the workload table.
RECUSAL_RULES = ("cross-check", "home", "kin", "declared")


@dataclass(frozen=True)
class PlanView:
    """The plan in readers' terms (all frames sorted, ids and names side by side).

    Attributes
    ----------
    lang : str
        ``zh`` or ``en``: the language of the words inside cells (labels, reasons).
    summary : dict
        Status, counts, objective levels, options and input hashes.
    cases : DataFrame
        One row per case, with its place, requirements, ``staffed`` and ``group`` (the zone,
        or the county when the case's township has no zone in force).
    teams : DataFrame
        One row per team member.
    unstaffed : DataFrame
        One row per unstaffed case: kind, reason and the people the reason names.
    workload : DataFrame
        One row per investigator: cases on hand, new, limit, spare, workload.
    recusals : DataFrame
        One row per (case, person, rule) conflict of interest near the case, with the
        detail (e.g. the kin path; ``detail_short`` without the case's own place), plus
        declared recusals outside the pool.
    groups : DataFrame
        One row per zone (or county without zones): its townships and counts.
    quality : DataFrame
        The input's data-quality report (:class:`zoneplan.data.quality.QualityReport`): one
        row per gap (whom a rule cannot protect) or note (how the input was read).
    changes : DataFrame or None
        A re-plan only: one row per membership added, removed or whose role changed
        versus the previous plan, with names, the change and its reason in words.
    """

    lang: str
    summary: dict[str, Any]
    cases: pd.DataFrame
    teams: pd.DataFrame
    unstaffed: pd.DataFrame
    workload: pd.DataFrame
    recusals: pd.DataFrame
    groups: pd.DataFrame
    quality: pd.DataFrame
    changes: pd.DataFrame | None = None


def _place_names(tables: Tables) -> dict[str, str]:
    tw = tables.townships
    return {t: (n or t) for t, n in zip(tw["township_id"].tolist(), tw["name"].tolist())}


def _lookup(table: pd.DataFrame, keys: pd.Series, cols: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Columns ``cols`` of ``table`` (indexed by id) for each of ``keys``, in the keys' order."""
    return {c: table[c].reindex(keys).to_numpy() for c in cols}


def _people_named(text: str, names: dict[str, str], lang: str) -> str:
    """The investigators a reason names, by name (their id where they have none), in the
    order they appear."""
    seen: list[str] = []
    for tok in re.findall(r"[^\s,;:()（）；，]+", text):
        if tok in names and tok not in seen:
            seen.append(tok)
    return list_sep(lang).join(names[t] or t for t in seen)


def _level_rows(result, lang: str) -> list[dict[str, Any]]:
    return [{"level": lv.name, "label": pick(LEVEL_NAMES.get(lv.name, {"en": lv.name}), lang),
             "value": lv.value, "bound": lv.bound, "gap": lv.gap, "proven": lv.proven}
            for lv in result.levels.values()]


def word_details(keys: list[tuple[str, str]], lang: str, place: dict[str, str], person: dict[str, str]
                 ) -> tuple[list[str], list[str], list[str]]:
    """The recusal list's three wordings of each (detail, subject id) of ``keys``: for people
    (names), short (the report's cards), and with ids (the audit appendix)."""
    long_, short, ids = [], [], []
    for d, subject in keys:
        long_.append(detail_text(d, lang, place, person, names_only=True, subject=subject))
        short.append(detail_text(d, lang, place, person, short=True, names_only=True, subject=subject))
        ids.append(detail_text(d, lang, place, person, subject=subject))
    return long_, short, ids


#: How :func:`plan_view` words the recusal details: called with the arguments of
#: :func:`word_details`, it returns a function that gives its result (the wording may be
#: done meanwhile elsewhere: a national run's second process does it while this one builds
#: the rest of the view).
Wording = Callable[[list, str, dict, dict], Callable[[], tuple[list[str], list[str], list[str]]]]


def _word_here(keys: list, lang: str, place: dict, person: dict):
    return lambda: word_details(keys, lang, place, person)


def plan_view(result, tables: Tables, eligibility: Eligibility | None = None, lang: str = "en",
              wording: Wording | None = None) -> PlanView:
    """Join the plan with names, places and exclusions.

    Parameters
    ----------
    result : StaffingResult
        The plan (its ``options["rules"]`` are the rules in force).
    tables : Tables
        The input the plan was made for.
    eligibility : Eligibility, optional
        The exclusions; computed from ``tables`` and the result's rules when not given.
    lang : {"zh", "en"}
        Language of labels and reasons inside cells.
    wording : Wording, optional
        Who words the recusal details (default: this process, when they are needed).
    """
    rules = RuleOptions(**result.options.get("rules", {}))
    if eligibility is None:  # the solve's own conflict engine when it kept it (no second run)
        eligibility = getattr(result, "eligibility", None)
    el = eligibility if eligibility is not None else build_eligibility(tables, rules)
    tw, inv, cs = tables.townships, tables.investigators, tables.cases
    place = _place_names(tables)
    zone_of = dict(zip(tw["township_id"].tolist(), tw["zone"].tolist())) if rules.use_zones else {}
    county_of = dict(zip(tw["township_id"].tolist(), tw["county"].tolist()))
    person = dict(zip(inv["investigator_id"].tolist(), inv["name"].tolist()))
    posted = dict(zip(inv["investigator_id"].tolist(), inv["township_id"].tolist()))
    level = dict(zip(inv["investigator_id"].tolist(), inv["level"].tolist()))
    a = result.assignments

    # recusals first: their wording is the longest step, and may be done meanwhile elsewhere
    ex = _recusal_rows(el, tables.conflicts)
    ex_cases = ex["case_id"].tolist()
    subject_of = dict(zip(cs["case_id"].tolist(), cs["subject_id"].tolist()))
    keys = [(d, subject_of.get(c, "")) for d, c in zip(ex["detail"].tolist(), ex_cases)]
    distinct = list(dict.fromkeys(keys))  # many details repeat (the same posting, the same home village)
    worded = (wording or _word_here)(distinct, lang, place, person)

    # cases
    staffed = set(a["case_id"].tolist())
    cases = pd.DataFrame({
        "case_id": cs["case_id"].to_numpy(dtype=object),
        "county": cs["township_id"].map(county_of).to_numpy(dtype=object),
        "zone": cs["township_id"].map(lambda t: zone_of.get(t, "")).to_numpy(dtype=object),
        "township_id": cs["township_id"].to_numpy(dtype=object),
        "township": cs["township_id"].map(place).to_numpy(dtype=object),
        "village": cs["village"].to_numpy(dtype=object),
        "subject_id": cs["subject_id"].to_numpy(dtype=object),
        "team_size": cs["team_size"].to_numpy(dtype=np.int64),
        "required_skills": ["; ".join(s) for s in cs["required_skills"].tolist()],
        "needs_lead": (cs["needs_lead"] | cs["escalated"]).to_numpy(dtype=bool),
        "escalated": cs["escalated"].to_numpy(dtype=bool),
        "priority": cs["priority"].to_numpy(dtype=np.int64),
        "workload": cs["workload"].to_numpy(dtype=float),
    })
    cases["staffed"] = cases["case_id"].isin(staffed)
    cases["group"] = [z if z else (c or "-") for z, c in zip(cases["zone"], cases["county"])]
    cases = cases.sort_values("case_id", kind="stable").reset_index(drop=True)

    # teams: one row per member, lead first
    case_row = cases.set_index("case_id")
    a_inv = a["investigator_id"].tolist()
    level_words = {x: level_word(x, lang) for x in set(level.values())}
    teams = pd.DataFrame({
        "case_id": a["case_id"].to_numpy(dtype=object),
        **_lookup(case_row, a["case_id"], ("zone", "township", "village")),
        "investigator_id": a["investigator_id"].to_numpy(dtype=object),
        "name": a["investigator_id"].map(person).to_numpy(dtype=object),
        "level": [level_words[level[i]] for i in a_inv],
        "posted": [place[posted[i]] for i in a_inv],
        "role": [role_word(r, lang) for r in a["role"].tolist()],
        "is_lead": (a["role"] == "lead").to_numpy(dtype=bool),
        "travel_minutes": a["travel_minutes"].to_numpy(dtype=float),
    })

    # unstaffed
    u = result.unstaffed
    kinds = u["kind"].tolist() if "kind" in u.columns else [""] * len(u)
    unstaffed = pd.DataFrame({
        "case_id": u["case_id"].to_numpy(dtype=object),
        **_lookup(case_row, u["case_id"], ("zone", "township", "village", "priority", "team_size")),
        "kind": [pick(KIND_WORDS[k], lang) if k in KIND_WORDS else k for k in kinds],
        "reason": [reason_text(r, lang, person, names_only=True) for r in u["reason"]],
        "people": [_people_named(r, person, lang) for r in u["reason"]],
        "reason_ids": [reason_text(r, lang, person) for r in u["reason"]],
    })

    # workload: cases on hand, new, limit, spare
    w = result.workload.set_index("investigator_id")
    ids = inv["investigator_id"].to_numpy(dtype=object)
    new = w["cases"].reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    sep = list_sep(lang)
    cases_of: dict[str, list[str]] = {}
    for i, c in zip(a["investigator_id"].tolist(), a["case_id"].tolist()):
        cases_of.setdefault(i, []).append(c)
    joined = {i: sep.join(sorted(cs)) for i, cs in cases_of.items()}
    cur = inv["current_cases"].to_numpy(dtype=np.int64)
    limit = inv["max_cases"].to_numpy(dtype=np.int64)
    workload = pd.DataFrame({
        "investigator_id": ids,
        "name": inv["name"].to_numpy(dtype=object),
        "level": [level_words.get(x) or level_word(x, lang) for x in inv["level"].tolist()],
        "posted": [place[t] for t in inv["township_id"].tolist()],
        "zone": [zone_of.get(t, "") for t in inv["township_id"].tolist()],
        "county": [county_of.get(t, "") for t in inv["township_id"].tolist()],
        "available": inv["available"].to_numpy(dtype=bool),
        "current_cases": cur,
        "new_cases": new,
        "max_cases": limit,
        "spare": np.maximum(0, limit - cur - new),
        "current_workload": inv["current_workload"].to_numpy(dtype=float),
        "workload": w["workload"].reindex(ids, fill_value=0.0).to_numpy(dtype=float),
        "cases": np.array([joined.get(i, "") for i in ids.tolist()], dtype=object),
    }).sort_values("investigator_id", kind="stable").reset_index(drop=True)

    # recusals: conflicts of interest near the case, plus declared ones outside the pool
    ex_rules, ex_details = ex["rule"].tolist(), ex["detail"].tolist()
    long_l, short_l, id_l = worded()
    long_text, short_text, id_text = (dict(zip(distinct, x)) for x in (long_l, short_l, id_l))
    relation = [relation_class(d) if r == "kin" else "" for r, d in zip(ex_rules, ex_details)]
    labels = {(r, x): pick(RELATION_LABELS[x], lang) if r == "kin" else rule_label(r, lang)
              for r, x in set(zip(ex_rules, relation))}
    recusals = pd.DataFrame({
        "case_id": ex["case_id"].to_numpy(dtype=object),
        **_lookup(case_row, ex["case_id"], ("township", "village", "subject_id")),
        "investigator_id": ex["investigator_id"].to_numpy(dtype=object),
        "name": ex["investigator_id"].map(person).to_numpy(dtype=object),
        "posted": [place[posted[i]] for i in ex["investigator_id"].tolist()],
        "rule_label": [labels[(r, x)] for r, x in zip(ex_rules, relation)],
        "detail": [long_text[k] for k in keys],
        "detail_short": [short_text[k] for k in keys],
        "rule": ex["rule"].to_numpy(dtype=object),
        "relation": relation,
        "detail_ids": [id_text[k] for k in keys],
    })

    # groups: zones (or counties for townships without a zone in force)
    tgroup = [zone_of.get(t, "") or (c or "-") for t, c in zip(tw["township_id"], tw["county"])]
    gt = pd.DataFrame({"group": tgroup, "is_zone": [bool(zone_of.get(t, "")) for t in tw["township_id"]],
                       "county": tw["county"].to_numpy(dtype=object),
                       "township": [place[t] for t in tw["township_id"]], "township_id": tw["township_id"]})
    staff_in = inv.loc[inv["level"] == "township", "township_id"].value_counts()
    gt["staff"] = gt["township_id"].map(staff_in).fillna(0).astype(np.int64)
    rank = zone_rank([zone_of.get(t, "") for t in tw["township_id"]], tw["lat"], tw["lon"], tw["county"])
    gt["_rank"] = [rank.get(zone_of.get(t, ""), len(rank)) for t in tw["township_id"]]
    groups = gt.sort_values(["is_zone", "_rank", "group", "township_id"], ascending=[False, True, True, True],
                            kind="stable")
    sep = list_sep(lang)
    names_of: dict[str, list[str]] = {}
    for g, t in zip(groups["group"].tolist(), groups["township"].tolist()):
        names_of.setdefault(g, []).append(t)
    groups = groups.groupby("group", sort=False).agg(
        is_zone=("is_zone", "first"), county=("county", "first"),
        township_count=("township", "size"), staff=("staff", "sum")).reset_index()
    groups.insert(3, "townships", [sep.join(names_of[g]) for g in groups["group"].tolist()])
    per = cases.groupby("group").agg(cases=("case_id", "size"), staffed=("staffed", "sum"))
    groups["cases"] = groups["group"].map(per["cases"]).fillna(0).astype(np.int64)
    groups["staffed"] = groups["group"].map(per["staffed"]).fillna(0).astype(np.int64)

    summary = _summary(result, tables, rules, cases, teams, lang)
    return PlanView(lang=lang, summary=summary, cases=cases, teams=teams.reset_index(drop=True),
                    unstaffed=unstaffed, workload=workload, recusals=recusals.reset_index(drop=True),
                    groups=groups, quality=_quality_frame(tables, lang),
                    changes=_changes_frame(result, tables, person, place, lang))


def _recusal_rows(el: Eligibility, conf: pd.DataFrame) -> pd.DataFrame:
    """The recusal list's rows (case, person, rule, detail): conflicts of interest near the
    case, plus declared ones outside the pool; one per rule, in case, person, rule order."""
    ex = el.excluded
    ex = ex.loc[ex["rule"].isin(RECUSAL_RULES), ["case_id", "investigator_id", "rule", "detail"]]
    if len(conf):
        known = set(zip(ex.loc[ex["rule"] == "declared", "case_id"], ex.loc[ex["rule"] == "declared", "investigator_id"]))
        extra = [(c, i, "declared", f"declared recusal: {r}" if r else "declared recusal")
                 for i, c, r in conf[["investigator_id", "case_id", "reason"]].itertuples(index=False)
                 if (c, i) not in known]
        if extra:
            ex = pd.concat([ex, pd.DataFrame(extra, columns=ex.columns)], ignore_index=True)
    ex = ex.drop_duplicates(["case_id", "investigator_id", "rule"])
    order = {r: k for k, r in enumerate(RECUSAL_RULES)}
    return ex.assign(_r=ex["rule"].map(order)).sort_values(["case_id", "investigator_id", "_r"], kind="stable")


def _changes_frame(result, tables: Tables, person: dict[str, str], place: dict[str, str],
                   lang: str) -> pd.DataFrame | None:
    """The memberships a re-plan changed, for readers (kept ones left out)."""
    ch = getattr(result, "changes", None)
    if ch is None:
        return None
    ch = ch[ch["change"] != "kept"]
    town = dict(zip(tables.cases["case_id"].tolist(), tables.cases["township_id"].tolist()))

    def word(v: str) -> str:
        return pick(CHANGE_WORDS[v], lang) if v in CHANGE_WORDS else v

    return pd.DataFrame({
        "case_id": ch["case_id"].to_numpy(dtype=object),
        "township": [place.get(town.get(c, ""), "") for c in ch["case_id"].tolist()],
        "investigator_id": ch["investigator_id"].to_numpy(dtype=object),
        "name": [person.get(i, "") for i in ch["investigator_id"].tolist()],
        "change": [word(v) for v in ch["change"].tolist()],
        "role_before": [role_word(v, lang) for v in ch["role_before"].tolist()],
        "role_after": [role_word(v, lang) for v in ch["role_after"].tolist()],
        "reason": [word(v) for v in ch["reason"].tolist()],
        "detail": [_change_detail(d, lang, place, person) for d in ch["detail"].tolist()],
    }).reset_index(drop=True)


_CHANGE_DETAILS = {d: d for d in (
    N_("takes the place of a removed member"),
    N_("the previous plan did not staff this case"),
    N_("moved by the objective"),
    N_("still eligible; moved by the objective (capacity, workload, travel)"),
)}
_NOW_ON = N_("now on {cases}")


def _change_detail(detail: str, lang: str, place: dict[str, str], person: dict[str, str]) -> str:
    """A change's detail in ``lang``: fixed phrases translated, ``rule: detail`` parts as
    the recusal list words them; anything else kept as written."""
    if lang == "en" or not detail:
        return detail
    if detail in _CHANGE_DETAILS:
        return tr(_CHANGE_DETAILS[detail], lang)
    parts = []
    for part in detail.split("; "):
        rule, sep, rest = part.partition(": ")
        if part.startswith("now on "):
            parts.append(tr(_NOW_ON, lang, cases=part[len("now on "):]))
        elif sep and rule_label(rule, lang) != rule:
            parts.append(tr(_RULE_DETAIL, lang, rule=rule_label(rule, lang),
                            detail=detail_text(rest, lang, place, person, names_only=True)))
        else:
            parts.append(part)
    return tr(NC_("clauses", "; "), lang).join(parts)


_RULE_DETAIL = N_("{rule}: {detail}")


_KIND = {"gap": NC_("io.planview", "gap"), "note": N_("note")}
#: The rule a data-quality item concerns, in words.
QUALITY_RULES = {
    "home": N_("home township/village"), "kin": N_("kin"), "declared": NC_("rule", "declared recusal"),
    "cross-check": N_("cross-check"), "level": N_("level (county / township)"), "skills": NC_("quality", "skills"),
    "columns": N_("columns"), "read": N_("how the input was read"),
}


def _quality_frame(tables: Tables, lang: str) -> pd.DataFrame:
    """The data-quality items, gaps first, with the people or cases concerned."""
    items = sorted(tables.quality.items, key=lambda i: i.kind != "gap")
    sep = list_sep(lang)
    return pd.DataFrame({
        "kind": [pick(_KIND[i.kind], lang) for i in items],
        "rule": [pick(QUALITY_RULES[i.rule], lang) if i.rule in QUALITY_RULES else i.rule for i in items],
        "table": [i.table for i in items],
        "what": [i.what_zh if lang == "zh" and i.what_zh else i.what for i in items],
        "count": [len(i.who) for i in items],
        "who": [sep.join(i.who) for i in items],
    }, columns=["kind", "rule", "table", "what", "count", "who"])


def _summary(result, tables: Tables, rules: RuleOptions, cases: pd.DataFrame, teams: pd.DataFrame,
             lang: str) -> dict[str, Any]:
    solve = result.options.get("solve", {})
    staffed_prio = cases.loc[cases["staffed"], ["case_id", "priority"]]
    counties = sorted({c for c in tables.townships["county"].tolist() if c})
    return {
        "status": result.status,
        "status_words": pick(STATUS_WORDS.get(result.status, {"en": result.status}), lang),
        "status_short": pick(STATUS_SHORT.get(str(result.status), {"en": str(result.status)}), lang),
        "counties": counties,
        "cases": int(len(cases)),
        "cases_staffed": int(cases["staffed"].sum()),
        "cases_unstaffed": int((~cases["staffed"]).sum()),
        "staffed_points": int(staffed_prio["priority"].sum()),
        "priority_total": int(cases["priority"].sum()),
        "people_used": int(teams["investigator_id"].nunique()),
        "investigators": int(len(tables.investigators)),
        "townships": int(len(tables.townships)),
        "levels": _level_rows(result, lang),
        "mode": solve.get("mode", "lexicographic"),
        "order": list(solve.get("order", [lv.name for lv in result.levels.values()])),
        "weights": solve.get("weights", {}),
        "rules": rules.model_dump(),
        "solve": {k: solve.get(k) for k in ("time_limit", "deterministic_time", "workers", "seed") if k in solve},
        "inputs": [{"table": n, "file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                   for n, s in sorted(tables.sources.items())],
        "version": __version__,
    }


def county_views(view: PlanView, run_counties: int | None = None) -> Iterator[tuple[str, PlanView]]:
    """The plan cut by county: for each county (in name order), a view of its cases, teams,
    unstaffed cases, people, recusals and zones, with the summary counted for that county
    (the run's status, levels, options and inputs stay those of the whole run).

    A person belongs to the county of the township where they are posted; a team row, an
    unstaffed case and a recusal to the county of the case.  The data-quality frame is the
    run's and is left empty here (the index workbook holds it once).  ``run_counties``: the
    number of counties of the whole run when ``view`` is cut to some of them.
    """
    case_county = dict(zip(view.cases["case_id"].tolist(), view.cases["county"].tolist()))

    def by(frame: pd.DataFrame, keys: list) -> dict[Any, np.ndarray]:
        if not len(frame):
            return {}
        return pd.Series(range(len(frame))).groupby(pd.Series(keys, dtype=object), sort=False).indices

    parts = {
        "cases": by(view.cases, view.cases["county"].tolist()),
        "teams": by(view.teams, [case_county.get(c, "") for c in view.teams["case_id"].tolist()]),
        "unstaffed": by(view.unstaffed, [case_county.get(c, "") for c in view.unstaffed["case_id"].tolist()]),
        "workload": by(view.workload, view.workload["county"].tolist()),
        "recusals": by(view.recusals, [case_county.get(c, "") for c in view.recusals["case_id"].tolist()]),
        "groups": by(view.groups, view.groups["county"].tolist()),
    }
    if view.changes is not None:
        parts["changes"] = by(view.changes, [case_county.get(c, "") for c in view.changes["case_id"].tolist()])
    townships = view.groups.groupby("county")["township_count"].sum().to_dict() if len(view.groups) else {}
    counties = sorted(set().union(*(set(p) for p in parts.values())), key=str)
    n_run = len(counties) if run_counties is None else run_counties
    empty = np.zeros(0, dtype=np.int64)
    for county in counties:
        frames = {k: getattr(view, k).take(parts[k].get(county, empty)).reset_index(drop=True) for k in parts}
        cases, teams = frames["cases"], frames["teams"]
        staffed = cases["staffed"].to_numpy(dtype=bool)
        summary = {**view.summary,
                   "counties": [county] if county else [],
                   "cases": int(len(cases)), "cases_staffed": int(staffed.sum()),
                   "cases_unstaffed": int((~staffed).sum()),
                   "staffed_points": int(cases["priority"].to_numpy()[staffed].sum()),
                   "priority_total": int(cases["priority"].sum()),
                   "people_used": int(teams["investigator_id"].nunique()),
                   "investigators": int(len(frames["workload"])),
                   "townships": int(townships.get(county, 0)),
                   "sheet_keys": ("teams", "changes", "unstaffed", "workload", "recusals"), "run_counties": n_run}
        yield county, PlanView(lang=view.lang, summary=summary, cases=cases, teams=teams,
                               unstaffed=frames["unstaffed"], workload=frames["workload"],
                               recusals=frames["recusals"], groups=frames["groups"],
                               quality=view.quality.iloc[0:0], changes=frames.get("changes"))
