"""Review plan files (乡案县审): CSVs for programs, a summary and a workbook for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..data.tables import Tables
from ..i18n import N_, NC_, pick, resolve_lang, tr, trn
from .tablebook import table_workbook
from .write import frame_to_csv_bytes, json_bytes

__all__ = ["review_files", "review_summary", "read_reviews"]

_T = {
    "title": N_("County-level review of township cases (乡案县审)"),
    "status": N_("Status: {status} ({words})."),
    "optimal": N_("every level proven optimal"),
    "feasible": N_("a valid plan, not every level proven within the time limit"),
    "load": N_("{p} reviewers take part, at most {m} each (limit {cap}); {z} of the {q} possible reviewers "
               "have none."),
    "travel": N_("Reviewers' travel to the case townships: {t} minutes in all."),
    "county": N_("{county}: {k} of {n} cases reviewed, {p} reviewers, at most {m} each."),
    "unreviewed": N_("Not reviewed:"),
    "rules": N_("Rules: a reviewer is county-level staff of the case's county (or marked can_review), never "
                "on the case's team, never from the case's township or village, never within {h} hops of "
                "the subject, never with a declared recusal."),
}

_SHEETS = {
    "reviews": NC_("io.review", "Reviews"),
    "unreviewed": N_("Not reviewed"),
    "load": N_("Reviewer load"),
}

_HEADERS = {
    "reviews": [NC_("io.review", "Case"), NC_("io.review", "Township"), NC_("io.review", "Village"), N_("Team"), N_("Reviewer id"), N_("Reviewer"), NC_("io.review", "Level"), N_("Posted in"), NC_("io.review", "Travel (min)")],
    "unreviewed": [NC_("io.review", "Case"), NC_("io.review", "Township"), N_("Kind"), N_("Reason")],
    "load": [N_("Reviewer id"), N_("Name"), NC_("io.review", "County"), NC_("review count", "Reviews")],
}
_LEVELS = {"county": NC_("io.review", "county"), "township": NC_("io.review", "township")}
_KINDS = {"infeasible": N_("cannot be reviewed"),
          "capacity": N_("reviewers full")}


def review_summary(result, tables: Tables, lang: str) -> list[str]:
    """The review plan in plain words, one line a paragraph (in ``lang``)."""
    r, u, load = result.reviews, result.unreviewed, result.load
    rpc = result.options["review"]["reviewers_per_case"]
    cap = result.options["review"]["max_reviews"]
    n = result.stats["cases"]
    k = result.reviewed_cases
    out = [pick(_T["status"], lang, status=result.status,
                words=pick(_T["optimal" if result.status == "OPTIMAL" else "feasible"], lang))]
    if k == n:
        out.append(trn("All {n} staffed cases have {r} reviewer each, none of them on the team or conflicted.",
                       "All {n} staffed cases have {r} reviewers each, none of them on the team or conflicted.",
                       rpc, lang, n=n, r=rpc))
    else:
        out.append(trn("{k} of {n} staffed cases have {r} reviewer each; {u} cannot be reviewed (below).",
                       "{k} of {n} staffed cases have {r} reviewers each; {u} cannot be reviewed (below).",
                       rpc, lang, k=k, n=n, r=rpc, u=n - k))
    used = int((load["reviews"] > 0).sum()) if len(load) else 0
    out.append(pick(_T["load"], lang, p=used, m=int(result.objective.get("max_reviews", 0)), cap=cap,
                    z=int(len(load) - used), q=int(len(load))))
    out.append(pick(_T["travel"], lang, t=f"{result.objective.get('travel', 0):g}"))
    county_of = dict(zip(tables.townships["township_id"], tables.townships["county"]))
    cs = tables.cases.set_index("case_id")
    staffed = set(r["case_id"]) | set(u["case_id"])
    counties = sorted({county_of[cs.at[c, "township_id"]] for c in staffed})
    if len(counties) > 1:
        for c in counties:
            cases_c = [x for x in staffed if county_of[cs.at[x, "township_id"]] == c]
            rev_c = r[r["case_id"].isin(cases_c)]
            per = rev_c.groupby("reviewer_id").size()
            out.append(pick(_T["county"], lang, county=c, n=len(cases_c), k=rev_c["case_id"].nunique(),
                            p=len(per), m=int(per.max()) if len(per) else 0))
    if len(u):
        out.append(pick(_T["unreviewed"], lang))
        for case_id, en, zh in u[["case_id", "reason", "reason_zh"]].itertuples(index=False):
            out.append(f"  {case_id}: {zh if lang == 'zh' else en}")
    out.append(pick(_T["rules"], lang, h=result.options["rules"]["max_hops"]))
    return out


def _people_names(tables: Tables) -> dict[str, str]:
    inv = tables.investigators
    return {i: (n or i) for i, n in zip(inv["investigator_id"], inv["name"])}


def review_files(result, tables: Tables, assignments: pd.DataFrame, lang: str | None = None) -> dict[str, bytes]:
    """The review plan's files, name -> bytes.

    For programs: ``reviews.csv`` (``case_id, reviewer_id, reviewer_name, level,
    reviewer_township, case_township, travel_minutes``), ``unreviewed.csv`` (``case_id,
    reason``), ``review_load.csv`` (``reviewer_id, name, county, reviews``) and
    ``report.json``.  For people: ``summary.txt`` (the plan in plain words) and
    ``review.xlsx`` (summary, reviews with the team and names, cases not reviewed, load), in
    ``lang`` (default :func:`zoneplan.i18n.resolve_lang`).
    """
    lang = resolve_lang(lang)
    report: dict[str, Any] = result.report()
    report["inputs"] = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                        for name, s in sorted(tables.sources.items())}
    summary = review_summary(result, tables, lang)
    names = _people_names(tables)
    towns = dict(zip(tables.townships["township_id"], tables.townships["name"]))
    cs = tables.cases.set_index("case_id")
    team = assignments.assign(_r=(assignments.get("role", "member") != "lead").astype(int)) \
        .sort_values(["case_id", "_r", "investigator_id"], kind="stable")
    team_of = {c: "、".join(names.get(i, i) for i in g["investigator_id"]) for c, g in team.groupby("case_id")}
    r = result.reviews
    rows = pd.DataFrame({
        0: r["case_id"], 1: [towns.get(cs.at[c, "township_id"], "") or cs.at[c, "township_id"] for c in r["case_id"]],
        2: [cs.at[c, "village"] for c in r["case_id"]], 3: [team_of.get(c, "") for c in r["case_id"]],
        4: r["reviewer_id"], 5: r["reviewer_name"], 6: [pick(_LEVELS[v], lang) for v in r["level"]],
        7: [towns.get(t, "") or t for t in r["reviewer_township"]], 8: r["travel_minutes"],
    })
    rows.columns = [tr(h, lang) for h in _HEADERS["reviews"]]
    u = result.unreviewed
    un = pd.DataFrame({0: u["case_id"], 1: [towns.get(cs.at[c, "township_id"], "") for c in u["case_id"]],
                       2: [pick(_KINDS[k], lang) for k in u["kind"]],
                       3: u["reason_zh"] if lang == "zh" else u["reason"]})
    un.columns = [tr(h, lang) for h in _HEADERS["unreviewed"]]
    ld = result.load.copy()
    ld.columns = [tr(h, lang) for h in _HEADERS["load"]]
    book = table_workbook(pick(_T["title"], lang), summary,
                          [(pick(_SHEETS["reviews"], lang), rows), (pick(_SHEETS["unreviewed"], lang), un),
                           (pick(_SHEETS["load"], lang), ld)], lang)
    return {
        "reviews.csv": frame_to_csv_bytes(r),
        "unreviewed.csv": frame_to_csv_bytes(u[["case_id", "reason"]]),
        "review_load.csv": frame_to_csv_bytes(result.load),
        "report.json": json_bytes(report),
        "summary.txt": ("\n".join([pick(_T["title"], lang), ""] + summary) + "\n").encode("utf-8"),
        "review.xlsx": book,
    }


def read_reviews(path: str | Path, tables: Tables | None = None) -> pd.DataFrame:
    """Read a review plan: ``reviews.csv`` of a review folder, the file itself, or a workbook.

    Chinese headers (线索编号, 审核人) and people by unique name are accepted; ids that name
    nothing are kept for the checker (``plan.unknown``).

    Raises
    ------
    InputError
        The file is missing or unreadable, a column is missing, or a name is shared.
    """
    from ..data.load import read_side
    from ..data.plans import resolve_people_and_cases

    parsed = read_side(path, "reviews", "reviews.csv", ("a review folder holding reviews.csv",
                                                        "存放 reviews.csv 的审核安排文件夹"))
    if tables is not None:
        resolve_people_and_cases(parsed, tables, "reviewer_id")
    f = parsed.frame
    out = pd.DataFrame({"case_id": f["case_id"], "reviewer_id": f["reviewer_id"]})
    if "travel_minutes" in parsed.typed:
        out["travel_minutes"] = f["travel_minutes"].astype(float)
    return out.reset_index(drop=True)
