"""Assign county-level reviewers to the cases of a staffing plan (乡案县审).

Counties are independent: each is one CP-SAT model (:mod:`.model`) whose levels are solved in
order by :func:`zoneplan.lex_model.solve_levels` -- reviewed cases (priority-weighted),
then the county's largest number of reviews per reviewer, then travel.  The plan's
``max_reviews`` level is the largest of the counties' optima (each county's own largest load
is minimal, a stronger balance than the overall maximum alone); ``reviewed`` and ``travel``
add up.  Every review plan is re-checked by the independent checker :mod:`.check`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..errors import InternalError
from ..i18n import N_, NC_, tr
from ..lex_model import LevelsView, overall_status, solve_levels
from ..options import RuleOptions
from ..results import LevelResult, Levels, Status
from .data import EXCLUSION_ORDER, EXCLUSION_WORDS, ReviewInstance, prepare
from .model import ReviewPart, build_review_model
from .options import REVIEW_LEVELS, ReviewOptions

__all__ = ["review", "ReviewResult", "REVIEW_COLUMNS"]

log = logging.getLogger(__name__)

#: Columns of ``reviews.csv`` (and :attr:`ReviewResult.reviews`).
REVIEW_COLUMNS = ["case_id", "reviewer_id", "reviewer_name", "level", "reviewer_township", "case_township",
                  "travel_minutes"]


@dataclass
class ReviewResult(LevelsView):
    """What :func:`review` returns.  Never raised; read ``status``.

    Attributes
    ----------
    status
        ``OPTIMAL`` (every level of every county proven) or ``FEASIBLE``.
    levels
        ``reviewed`` (max), ``max_reviews`` (min), ``travel`` (min): value, bound, proven.
    reviews
        One row per reviewer of a case (columns :data:`REVIEW_COLUMNS`).
    unreviewed
        ``case_id, reason, reason_zh, kind`` (``infeasible``: too few eligible reviewers, the
        reason quoting who was excluded and why; ``capacity``: its reviewers are full with
        other cases, named).
    load
        ``reviewer_id, name, county, reviews``: every person who may review in a county with a
        case to review, with how many reviews they got.
    """

    status: Status
    levels: Levels
    reviews: pd.DataFrame
    unreviewed: pd.DataFrame
    load: pd.DataFrame
    wall_time: float
    timings: dict[str, float]
    seed: int
    options: dict[str, Any]
    stats: dict[str, Any]
    check_violations: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def reviewed_cases(self) -> int:
        return int(self.reviews["case_id"].nunique()) if len(self.reviews) else 0

    def report(self, include_timing: bool = True) -> dict[str, Any]:
        """The content of report.json.  Timing fields are the only ones that vary run to run."""
        out: dict[str, Any] = {
            **self.levels_report(),
            "reviewed_cases": self.reviewed_cases,
            "unreviewed_cases": int(len(self.unreviewed)),
            "seed": self.seed,
            "options": self.options,
            "stats": self.stats,
            "check_violations": self.check_violations,
            "warnings": self.warnings,
        }
        if include_timing:
            out["timing"] = {"wall_time": round(self.wall_time, 4), **{k: round(v, 4) for k, v in self.timings.items()}}
        return out

    def __repr__(self) -> str:
        obj = ", ".join(f"{lv.name}={lv.value:g}" for lv in self.levels.values())
        return (f"ReviewResult(status={self.status}, {obj}, cases_reviewed={self.reviewed_cases}, "
                f"unreviewed={len(self.unreviewed)}, wall_time={self.wall_time:.2f}s)")


def _parts(inst: ReviewInstance, pre: set[int]) -> list[ReviewPart]:
    """One part per county, cases with too few eligible reviewers left out."""
    prio = inst.tables.cases["priority"].to_numpy(dtype=np.int64)
    out = []
    for c in sorted(set(inst.county.tolist())):
        ks = np.array([k for k in np.flatnonzero(inst.county == c).tolist() if k not in pre], dtype=np.int64)
        if not len(ks):
            continue
        mask = np.isin(inst.pair_case, ks)
        pairs = np.flatnonzero(mask)
        revs, rloc = np.unique(inst.pair_inv[pairs], return_inverse=True)
        kloc = np.searchsorted(ks, inst.pair_case[pairs])
        out.append(ReviewPart(c, ks, revs, rloc.astype(np.int64), kloc.astype(np.int64), inst.pair_cost[pairs],
                              prio[inst.cases[ks]], pairs))
    return out


def _counts_text(counts: dict[str, int], lang: str) -> str:
    sep = "，" if lang == "zh" else ", "
    return sep.join(tr(_COUNT, lang, n=n, what=tr(EXCLUSION_WORDS[r], lang)) for r, n in counts.items())


_COUNT = NC_("people count", "{n} {what}")


def precheck(inst: ReviewInstance, options: ReviewOptions) -> dict[int, tuple[str, str]]:
    """Cases with fewer eligible reviewers than ``reviewers_per_case``: index -> reason (en, zh), quoting counts.

    Each excluded person is counted once, under the first rule of
    :data:`~zoneplan.review.data.EXCLUSION_ORDER` that excludes them.
    """
    need = options.reviewers_per_case
    out: dict[int, tuple[str, str]] = {}
    first_rule: dict[tuple[str, str], str] = {}
    rank = {r: n for n, r in enumerate(EXCLUSION_ORDER)}
    for rid, cid, rule in inst.excluded[["reviewer_id", "case_id", "rule"]].itertuples(index=False):
        k = (rid, cid)
        if k not in first_rule or rank[rule] < rank[first_rule[k]]:
            first_rule[k] = rule
    case_ids = inst.case_ids
    for k in range(len(inst.cases)):
        n_elig = int((inst.pair_case == k).sum())
        if n_elig >= need:
            continue
        county = inst.county[k]
        counts: dict[str, int] = {}
        for i in inst.pool[k].tolist():
            r = first_rule.get((inst.tables.investigators["investigator_id"].iat[i], case_ids[k]))
            if r is not None:
                counts[r] = counts.get(r, 0) + 1
        counts = {r: counts[r] for r in EXCLUSION_ORDER if r in counts}
        pool = len(inst.pool[k])
        if pool == 0:
            out[k] = _both(_NO_REVIEWERS, county=county)
        else:
            out[k] = tuple(tr(_TOO_FEW, lang, need=need, s="s" if need > 1 else "", n=n_elig, pool=pool,
                              ps="s" if pool > 1 else "", county=county,
                              why=tr(_WHY, lang, counts=_counts_text(counts, lang)) if counts else "")
                           for lang in ("en", "zh"))
    return out


def _capacity_reason(inst: ReviewInstance, k: int, chosen: dict[int, list[int]],
                     options: ReviewOptions) -> tuple[str, str]:
    """Why a case with enough eligible reviewers was left out: who is full, with which cases (en, zh)."""
    inv_ids = inst.tables.investigators["investigator_id"].to_numpy(dtype=object)
    case_ids = inst.case_ids
    elig = inst.eligible(k).tolist()
    full = [i for i in elig if len(chosen.get(i, [])) >= options.max_reviews]
    parts = [f"{inv_ids[i]} ({', '.join(sorted(case_ids[c] for c in chosen.get(i, [])))})" for i in full]
    free = len(elig) - len(full)
    return tuple(tr(_FULL, lang, n=len(elig), k=len(full), cap=options.max_reviews,
                    who=tr(NC_("clauses", "; "), lang).join(parts) or "-", free=free, need=options.reviewers_per_case)
                 for lang in ("en", "zh"))


_NO_REVIEWERS = N_("no reviewers in county {county!r}: nobody there is county-level staff or marked can_review")
_TOO_FEW = N_("needs {need} reviewer{s}; {n} eligible of {pool} reviewer{ps} of county {county!r}{why}")
_WHY = N_(": {counts}")
_FULL = N_("lost to other cases under review capacity: of its {n} eligible reviewers, {k} are full (max_reviews "
           "{cap}): {who}; {free} free, needs {need}")


def _both(msg: str, **fields: object) -> tuple[str, str]:
    """A reason in English and in Chinese, both from the message catalog."""
    return tr(msg, "en", **fields), tr(msg, "zh", **fields)


def review(tables: Tables, assignments: pd.DataFrame, options: ReviewOptions | None = None,
           rules: RuleOptions | None = None) -> ReviewResult:
    """Assign reviewers to every staffed case of the plan ``assignments``.

    Parameters
    ----------
    tables
        Validated input (:func:`zoneplan.load`); the roster's ``can_review`` column says who
        may review (default: county-level staff).
    assignments
        The staffing plan: ``case_id, investigator_id`` (and ``role``...), e.g.
        ``staff(tables).assignments`` or :func:`zoneplan.io.plan.read_assignments`.
    options
        Reviewers per case, review capacity, limits, seed.
    rules
        The conflict rules in force (``max_hops``, ``allow_own_township``), as for staffing.

    Returns
    -------
    ReviewResult
        Always; cases that cannot be reviewed are listed with the reason.

    Raises
    ------
    InternalError
        If the emitted review plan fails the independent checker (a bug in zoneplan).

    Examples
    --------
    >>> tables = zoneplan.load("data/examples/county")            # doctest: +SKIP
    >>> plan = zoneplan.staff(tables).assignments                   # doctest: +SKIP
    >>> zoneplan.review(tables, plan).reviews.head()                # doctest: +SKIP
    """
    from .check import check_reviews  # the independent checker

    options = options or ReviewOptions()
    rules = rules or RuleOptions()
    t0 = time.perf_counter()
    deadline = None if options.time_limit is None else t0 + options.time_limit
    timings: dict[str, float] = {}
    inst = prepare(tables, assignments, rules)
    pre = precheck(inst, options)
    timings["prepare"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    parts = _parts(inst, set(pre))
    chosen_pairs = np.zeros(len(inst.pair_inv), dtype=bool)
    statuses: list[str] = []
    values = {n: 0.0 for n in REVIEW_LEVELS}
    bounds = {n: 0.0 for n in REVIEW_LEVELS}
    proven = {n: True for n in REVIEW_LEVELS}
    for part in parts:
        rm = build_review_model(part, options.reviewers_per_case, options.max_reviews)
        out = solve_levels(rm.model, rm.levels, rm.extract, seed=options.seed,
                           deterministic_time=options.deterministic_time, deadline=deadline)
        statuses.append(out.status)
        if out.solution is not None:
            chosen_pairs[part.pairs[out.solution]] = True
        for lv in out.levels:
            if lv.name == "max_reviews":
                values[lv.name] = max(values[lv.name], lv.value)
                bounds[lv.name] = max(bounds[lv.name], lv.bound)
            else:
                values[lv.name] += lv.value
                bounds[lv.name] += lv.bound
            proven[lv.name] &= lv.proven
        for name in REVIEW_LEVELS:
            if name not in {lv.name for lv in out.levels}:
                proven[name] = False
    timings["solve"] = time.perf_counter() - t1
    levels = [LevelResult(n, "max" if n == "reviewed" else "min", values[n], bounds[n], proven[n])
              for n in REVIEW_LEVELS]
    reviews, unreviewed, load = _frames(inst, chosen_pairs, pre, options)
    t2 = time.perf_counter()
    report = check_reviews(tables, assignments, reviews, options, rules)
    timings["check"] = time.perf_counter() - t2
    if not report.ok:
        lines = "; ".join(f"{v.rule} {v.case_id}/{v.investigator_id}: {v.detail}" for v in report.violations[:10])
        raise InternalError(f"the review plan fails its checker ({len(report.violations)} violation(s)): {lines}")
    stats = {"cases": int(len(inst.cases)), "counties": len(set(inst.county.tolist())),
             "reviewers": int(len(inst.reviewers)), "pool_pairs": int(sum(len(p) for p in inst.pool)),
             "eligible_pairs": int(len(inst.pair_inv)), "precheck_unreviewable": len(pre)}
    return ReviewResult(
        status=overall_status(statuses), levels=Levels(levels), reviews=reviews,
        unreviewed=unreviewed, load=load, wall_time=time.perf_counter() - t0, timings=timings, seed=options.seed,
        options={"review": options.model_dump(mode="json"), "rules": rules.model_dump()}, stats=stats,
    )


def _frames(inst: ReviewInstance, chosen: np.ndarray, pre: dict[int, str],
            options: ReviewOptions) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    t = inst.tables
    inv, cs = t.investigators, t.cases
    p = np.flatnonzero(chosen)
    i, k = inst.pair_inv[p], inst.pair_case[p]
    reviews = pd.DataFrame({
        "case_id": inst.case_ids[k] if len(p) else np.array([], dtype=object),
        "reviewer_id": inv["investigator_id"].to_numpy(dtype=object)[i],
        "reviewer_name": inv["name"].to_numpy(dtype=object)[i],
        "level": inv["level"].to_numpy(dtype=object)[i],
        "reviewer_township": inv["township_id"].to_numpy(dtype=object)[i],
        "case_township": cs["township_id"].to_numpy(dtype=object)[inst.cases[k]] if len(p) else
        np.array([], dtype=object),
        "travel_minutes": inst.pair_minutes[p],
    }, columns=REVIEW_COLUMNS).sort_values(["case_id", "reviewer_id"], kind="stable").reset_index(drop=True)
    by_rev: dict[int, list[int]] = {}
    for a, b in zip(i.tolist(), k.tolist()):
        by_rev.setdefault(a, []).append(b)
    reviewed = set(k.tolist())
    rows = []
    for kk in range(len(inst.cases)):
        if kk in reviewed:
            continue
        if kk in pre:
            en, zh = pre[kk]
            rows.append((inst.case_ids[kk], "cannot be reviewed at all: " + en, "无法安排审核：" + zh, "infeasible"))
        else:
            en, zh = _capacity_reason(inst, kk, by_rev, options)
            rows.append((inst.case_ids[kk], en, zh, "capacity"))
    unreviewed = pd.DataFrame(rows, columns=["case_id", "reason", "reason_zh", "kind"]).sort_values("case_id",
                                                                                                   kind="stable")
    tw = t.townships
    county_of = dict(zip(tw["township_id"], tw["county"]))
    counts = pd.Series(1, index=reviews["reviewer_id"].to_numpy(dtype=object)).groupby(level=0).sum() \
        if len(reviews) else pd.Series(dtype=np.int64)
    r = inst.reviewers
    ids = inv["investigator_id"].to_numpy(dtype=object)[r]
    load = pd.DataFrame({
        "reviewer_id": ids, "name": inv["name"].to_numpy(dtype=object)[r],
        "county": [county_of.get(x, "") for x in inv["township_id"].to_numpy(dtype=object)[r]],
        "reviews": counts.reindex(ids, fill_value=0).to_numpy(dtype=np.int64) if len(r) else np.zeros(0, np.int64),
    }).sort_values("reviewer_id", kind="stable").reset_index(drop=True)
    return reviews, unreviewed.reset_index(drop=True), load
