"""Review plan files (乡案县审): CSVs for programs, a summary and a workbook for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..data.tables import Tables
from ..i18n import pick, resolve_lang
from .tablebook import table_workbook
from .write import frame_to_csv_bytes, json_bytes

__all__ = ["review_files", "review_summary", "read_reviews"]

_T = {
    "title": {"en": "County-level review of township cases (乡案县审)", "zh": "乡案县审：审核人安排"},
    "status": {"en": "Status: {status} ({words}).", "zh": "求解状态：{words}（{status}）。"},
    "optimal": {"en": "every level proven optimal", "zh": "各项目标均已证明最优"},
    "feasible": {"en": "a valid plan, not every level proven within the time limit",
                 "zh": "方案有效，但在时限内未能证明各项目标最优"},
    "all": {"en": "All {n} staffed cases have {rw} each, none of them on the team or conflicted.",
            "zh": "{n} 件已组队线索全部安排了审核人（每件 {r} 人），审核人均不是办案组成员，也没有回避情形。"},
    "some": {"en": "{k} of {n} staffed cases have {rw} each; {u} cannot be reviewed (below).",
             "zh": "{n} 件已组队线索中 {k} 件安排了审核人（每件 {r} 人），{u} 件未能安排（见下）。"},
    "load": {"en": "{p} reviewers take part, at most {m} each (limit {cap}); {z} of the {q} "
                   "possible reviewers have none.",
             "zh": "共 {p} 名审核人参与，每人最多 {m} 件（上限 {cap} 件）；{q} 名可任审核人中 {z} 人未分配。"},
    "travel": {"en": "Reviewers' travel to the case townships: {t} minutes in all.",
               "zh": "审核人到线索所在乡镇的路程合计 {t} 分钟。"},
    "county": {"en": "{county}: {k} of {n} cases reviewed, {p} reviewers, at most {m} each.",
               "zh": "{county}：{n} 件中 {k} 件已安排审核，{p} 名审核人，每人最多 {m} 件。"},
    "unreviewed": {"en": "Not reviewed:", "zh": "未能安排审核的线索："},
    "rules": {"en": "Rules: a reviewer is county-level staff of the case's county (or marked can_review), "
                    "never on the case's team, never from the case's township or village, never within {h} "
                    "hops of the subject, never with a declared recusal.",
              "zh": "规则：审核人为线索所在县的县级人员（或标为可任审核人者），不得是办案组成员，不得籍贯为线索所在乡镇或村，"
                    "与被调查人相隔不超过 {h} 层关系的不得审核，申报回避的不得审核。"},
}

_SHEETS = {
    "reviews": {"en": "Reviews", "zh": "审核安排"},
    "unreviewed": {"en": "Not reviewed", "zh": "未安排审核"},
    "load": {"en": "Reviewer load", "zh": "审核工作量"},
}

_HEADERS = {
    "reviews": {"en": ["Case", "Township", "Village", "Team", "Reviewer id", "Reviewer", "Level", "Posted in",
                       "Travel (min)"],
                "zh": ["线索编号", "所在乡镇", "所在村", "办案组", "审核人编号", "审核人", "层级", "工作乡镇", "路程（分钟）"]},
    "unreviewed": {"en": ["Case", "Township", "Kind", "Reason"], "zh": ["线索编号", "所在乡镇", "类别", "原因"]},
    "load": {"en": ["Reviewer id", "Name", "County", "Reviews"], "zh": ["审核人编号", "姓名", "所属县区", "审核件数"]},
}
_LEVELS = {"county": {"en": "county", "zh": "县级"}, "township": {"en": "township", "zh": "乡镇级"}}
_KINDS = {"infeasible": {"en": "cannot be reviewed", "zh": "无人可审"},
          "capacity": {"en": "reviewers full", "zh": "审核人已满"}}


def review_summary(result, tables: Tables, lang: str) -> list[str]:
    """The review plan in plain words, one line a paragraph (in ``lang``)."""
    r, u, load = result.reviews, result.unreviewed, result.load
    rpc = result.options["review"]["reviewers_per_case"]
    cap = result.options["review"]["max_reviews"]
    n = result.stats["cases"]
    k = result.reviewed_cases
    out = [pick(_T["status"], lang, status=result.status,
                words=pick(_T["optimal" if result.status == "OPTIMAL" else "feasible"], lang))]
    rw = f"{rpc} reviewer{'s' if rpc > 1 else ''}"
    out.append(pick(_T["all"], lang, n=n, r=rpc, rw=rw) if k == n else
               pick(_T["some"], lang, k=k, n=n, r=rpc, rw=rw, u=n - k))
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
    rows.columns = _HEADERS["reviews"][lang]
    u = result.unreviewed
    un = pd.DataFrame({0: u["case_id"], 1: [towns.get(cs.at[c, "township_id"], "") for c in u["case_id"]],
                       2: [pick(_KINDS[k], lang) for k in u["kind"]],
                       3: u["reason_zh"] if lang == "zh" else u["reason"]})
    un.columns = _HEADERS["unreviewed"][lang]
    ld = result.load.copy()
    ld.columns = _HEADERS["load"][lang]
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
    from ..data.load import investigator_lookup, read_side, resolve_column
    from ..data.resolve import Lookup

    parsed = read_side(path, "reviews", "reviews.csv", ("a review folder holding reviews.csv",
                                                        "存放 reviews.csv 的审核安排文件夹"))
    if tables is not None:
        inv = tables.investigators
        resolve_column(parsed, "reviewer_id", investigator_lookup(tables),
                       ("investigator", "干部"), keep_unknown=True)
        resolve_column(parsed, "case_id", Lookup(tables.cases["case_id"].tolist()), ("case id", "线索编号"),
                       keep_unknown=True)
    f = parsed.frame
    out = pd.DataFrame({"case_id": f["case_id"], "reviewer_id": f["reviewer_id"]})
    if "travel_minutes" in parsed.typed:
        out["travel_minutes"] = f["travel_minutes"].astype(float)
    return out.reset_index(drop=True)
