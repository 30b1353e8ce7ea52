"""The independent review checker: the specification of a valid review plan (乡案县审).

:func:`check_reviews` takes the tables, the staffing plan the reviews are for and the review
plan (one row per reviewer of a case), re-derives every review rule from the tables and
returns a :class:`~zoneplan.results.CheckReport` with the objective recomputed.  It imports no
review-model code (only the shared options, the staffing checker's report types, travel
minutes and kin-path helpers, which are themselves independent of every model).

Rule ids (one violation per offending row unless said otherwise)
-----------------------------------------------------------------
``review.case``
    The case has no team in the staffing plan: only staffed cases are reviewed.
``review.pool``
    The reviewer may not review (``can_review`` false; by default county-level staff may,
    township staff may not) or is posted in another county than the case's.
``review.team``
    The reviewer is on the case's team (review is done by people other than the investigators).
``review.available``
    The reviewer is not available.
``cross-check``, ``home``, ``kin``, ``declared``
    As for staffing: a township-level reviewer posted in the case's township (unless
    ``allow_own_township``); home township is the case's township or home village its
    village; within ``max_hops`` of the subject in the relations graph (the detail names the
    path); a declared recusal.
``review.count`` (per case)
    A reviewed case has a number of distinct reviewers other than ``reviewers_per_case``.
``review.capacity`` (per reviewer)
    More than ``max_reviews`` reviews.
``plan.format``, ``plan.unknown``, ``plan.duplicate``, ``plan.travel``
    As for staffing plans.

Objective: ``reviewed`` = priority sum of staffed cases with exactly ``reviewers_per_case``
reviewers; ``max_reviews`` = the largest number of reviews of one person (0 without
reviews); ``travel`` = sum over rows of the road minutes posted township -> case township,
rounded half up per row.
"""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import pandas as pd

from ..results import CheckReport, Violation
from ..staffing.check import TRAVEL_TOLERANCE, _kin_graph, _kin_path, travel_minutes
from ..data.tables import Tables
from ..options import RuleOptions
from .options import ReviewOptions

__all__ = ["check_reviews", "REVIEW_RULES"]

logger = logging.getLogger(__name__)

#: Every rule id the review checker can report.
REVIEW_RULES = ("review.case", "review.pool", "review.team", "review.available", "cross-check", "home", "kin",
                "declared", "review.count", "review.capacity", "plan.format", "plan.unknown", "plan.duplicate",
                "plan.travel")


def _text(values) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]


def check_reviews(tables: Tables, assignments: pd.DataFrame, reviews: pd.DataFrame,
                  options: ReviewOptions | None = None, rules: RuleOptions | None = None) -> CheckReport:
    """Check a review plan against every review rule and recompute its objective.

    Parameters
    ----------
    tables
        Normalised input tables.
    assignments
        The staffing plan the reviews are for (``case_id, investigator_id``).
    reviews
        The review plan: ``case_id, reviewer_id`` and optionally ``travel_minutes``.
    options, rules
        Reviewers per case, review capacity; the conflict rules in force.

    Returns
    -------
    CheckReport
        Violations (empty for a valid review plan) and ``objective`` = ``reviewed``,
        ``max_reviews``, ``travel``; ``staffed_cases`` lists the staffed cases that have their
        full number of reviewers, ``unstaffed_cases`` the other staffed cases.  Format problems
        are violations, never exceptions.
    """
    options = options or ReviewOptions()
    rules = rules or RuleOptions()
    out: list[Violation] = []

    def add(rule: str, case: str, person: str, detail: str) -> None:
        out.append(Violation(rule, case, person, detail))

    cols = set(map(str, reviews.columns))
    for c in ("case_id", "reviewer_id"):
        if c not in cols:
            add("plan.format", "", "", f"review plan has no column {c!r}; expected case_id, reviewer_id")
    ok_cols = {"case_id", "reviewer_id"} <= cols
    case_col = _text(reviews["case_id"]) if ok_cols else []
    rev_col = _text(reviews["reviewer_id"]) if ok_cols else []
    reported = pd.to_numeric(reviews["travel_minutes"], errors="coerce").to_numpy(dtype=float) \
        if ok_cols and "travel_minutes" in cols else np.full(len(case_col), np.nan)

    inv = tables.investigators.drop_duplicates("investigator_id").set_index("investigator_id")
    cases = tables.cases.drop_duplicates("case_id").set_index("case_id")
    towns = tables.townships.drop_duplicates("township_id").set_index("township_id")
    team: dict[str, set[str]] = {}
    for c, i in zip(_text(assignments["case_id"]), _text(assignments["investigator_id"])):
        if c in cases.index:
            team.setdefault(c, set()).add(i)

    seen: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    for r, (c, i) in enumerate(zip(case_col, rev_col)):
        if c not in cases.index:
            add("plan.unknown", c, i, f"unknown case_id {c!r} (review row {r + 1})")
            continue
        if i not in inv.index:
            add("plan.unknown", c, i, f"unknown reviewer_id {i!r} (review row {r + 1})")
            continue
        if (c, i) in seen:
            add("plan.duplicate", c, i, f"pair appears twice (review rows {seen[(c, i)] + 1}, {r + 1})")
            continue
        seen[(c, i)] = r
        rows.append(r)

    conf = tables.conflicts
    declared: dict[tuple[str, str], str] = {}
    for i, c, why in zip(_text(conf["investigator_id"]), _text(conf["case_id"]), _text(conf["reason"])):
        declared.setdefault((i, c), why)
    graph = _kin_graph(tables.relations)
    reach: dict[str, dict[str, list[str]]] = {}
    per_case: dict[str, set[str]] = {}
    per_rev: dict[str, list[str]] = {}
    travel = 0
    r_ids = [rev_col[r] for r in rows]
    c_ids = [case_col[r] for r in rows]
    minutes = travel_minutes(tables, [inv.at[i, "township_id"] for i in r_ids],
                             [cases.at[c, "township_id"] for c in c_ids]) if rows else np.zeros(0)
    for r, c, i, mins in zip(rows, c_ids, r_ids, minutes):
        p, k = inv.loc[i], cases.loc[c]
        per_case.setdefault(c, set()).add(i)
        per_rev.setdefault(i, []).append(c)
        travel += int(np.floor(mins + 0.5))
        posted, ctown = p["township_id"], k["township_id"]
        pc, cc = towns.at[posted, "county"], towns.at[ctown, "county"]
        if c not in team:
            add("review.case", c, i, "the case has no team in the staffing plan; only staffed cases are reviewed")
        if not bool(p["can_review"]):
            add("review.pool", c, i, f"{i} may not review (can_review is false; {p['level']}-level)")
        if pc != cc:
            add("review.pool", c, i, f"{i} is posted in county {pc!r} ({posted}); the case is in county {cc!r}")
        if i in team.get(c, set()):
            add("review.team", c, i, f"{i} is on the case's team and may not review it")
        if not bool(p["available"]):
            add("review.available", c, i, f"{i} is not available")
        if not rules.allow_own_township and p["level"] == "township" and posted == ctown:
            add("cross-check", c, i, f"township-level reviewer posted in {posted} reviews a case of their own township")
        why = []
        if p["home_township"] != "" and p["home_township"] == ctown:
            why.append(f"home township {ctown} is the case's township")
        if p["home_village"] != "" and k["village"] != "" and p["home_village"] == k["village"]:
            why.append(f"home village {k['village']} is the case's village")
        if why:
            add("home", c, i, "; ".join(why))
        s = k["subject_id"]
        if s != "" and s == i:
            add("kin", c, i, f"{i} is the case's subject (0 hops)")
        elif s != "" and rules.max_hops > 0 and s in graph:
            if s not in reach:
                reach[s] = nx.single_source_shortest_path(graph, s, cutoff=rules.max_hops)
            path = reach[s].get(i)
            if path is not None:
                add("kin", c, i, _kin_path(graph, path[::-1]))
        if (i, c) in declared:
            d = declared[(i, c)]
            add("declared", c, i, f'declared recusal: "{d}"' if d else "declared recusal (no reason given)")
        rep = reported[r]
        if not np.isnan(rep) and abs(rep - mins) > TRAVEL_TOLERANCE:
            add("plan.travel", c, i, f"reported {rep:g} travel minutes, recomputed {mins:.2f} ({posted} -> {ctown})")
    need = options.reviewers_per_case
    reviewed = 0.0
    for c, who in sorted(per_case.items()):
        if len(who) != need:
            add("review.count", c, "", f"{len(who)} reviewer{'' if len(who) == 1 else 's'}, reviewers_per_case is "
                f"{need}")
        elif c in team:
            reviewed += float(cases.at[c, "priority"])
    for i, cs in sorted(per_rev.items()):
        if len(cs) > options.max_reviews:
            add("review.capacity", "", i, f"{len(cs)} reviews ({', '.join(sorted(cs))}) > max_reviews "
                f"{options.max_reviews}")
    violations = sorted(out, key=lambda v: (v.rule, v.case_id, v.investigator_id, v.detail))
    if violations:
        logger.debug("review check: %d violation(s)", len(violations))
    staffed = [c for c in cases.index if c in team]
    ok_cases = [c for c in staffed if len(per_case.get(c, ())) == need]
    return CheckReport(
        violations=violations,
        objective={"reviewed": reviewed, "max_reviews": float(max((len(v) for v in per_rev.values()), default=0)),
                   "travel": travel},
        staffed_cases=ok_cases, unstaffed_cases=[c for c in staffed if c not in set(ok_cases)],
    )
