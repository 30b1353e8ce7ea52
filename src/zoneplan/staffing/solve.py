"""``staff()``: prepare, decompose, start greedy, optimise, explain, check -- one small
function per stage (:func:`_prepare`, :func:`_build_instance`, :func:`_solve_parts`,
:func:`_assemble`, :func:`_check`, :func:`_result`).

The strategies live in their own modules: :mod:`~zoneplan.staffing.instance` (the
prepared arrays), :mod:`~zoneplan.staffing.parts` (decomposition),
:mod:`~zoneplan.staffing.greedy` (the start), :mod:`~zoneplan.staffing.lex_parts`
(levels over parts; CP-SAT in :mod:`~zoneplan.staffing.search`, dense parts in
:mod:`~zoneplan.staffing.dense`), :mod:`~zoneplan.staffing.weighted`,
:mod:`~zoneplan.staffing.explain` and :mod:`~zoneplan.staffing.assemble`.

Time: ``SolveOptions.time_limit`` bounds the whole call.  The search stops early enough to
leave :func:`finishing_reserve` seconds for the explanations and the independent check
(see that function); the explanations' diagnostic
solves share what is left and give "not decided within the time limit" when it runs out.

Determinism: parts are independent and each is solved the same way whatever the number
of threads (one CP-SAT worker with a fixed seed, or GLOP + single-threaded HiGHS), then
merged in part order, so the same inputs and options give the same plan.  A wall-clock
limit that actually cuts a search short can change the plan; ``deterministic_time`` makes
limited runs repeatable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..errors import InternalError
from ..options import CHANGES_LEVEL, RuleOptions, SolveOptions, with_changes_level
from ..results import CheckReport, LevelResult, Levels, Status
from ..runner import Budget, Cancel, Cancelled, run_off_main
from .assemble import assignments_frame, chosen_pairs, workload_frame
from .canonical import TIE_BREAK, canonical_tables
from .check import check  # the independent checker: shares no code with the solver
from .dense import DENSE_PAIRS
from .eligibility import Eligibility, build_eligibility, forbid_pairs
from .explain import explain_unstaffed, precheck
from .greedy import greedy_plan
from .instance import StaffingInstance, build_instance
from .lex_parts import solve_lexicographic
from .parts import Part, decompose
from .previous import (LockError, Locks, attach_previous, change_frame, change_summary, check_locks,
                       outside_changes, previous_frame, resolve_locks)
from .result import StaffingResult
from .search import OnSolution, PartState
from .weighted import solve_weighted

__all__ = ["staff", "Progress", "finishing_reserve", "LockError"]

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``, called from the calling thread.
Progress = Callable[[str, int, int], None]


def finishing_reserve(n_invs: int, n_cases: int, open_pairs: int) -> float:
    """Seconds kept for the explanations and the check after the search (an estimate:
    0.1 s, plus 0.8 s per 100,000 investigators and cases -- the check, measured at
    national scale -- plus 1 s per 200,000 eligible pairs of the cases the greedy start
    left unstaffed -- the explanations, measured on dense parts)."""
    return 0.1 + 0.8e-5 * (n_invs + n_cases) + 5e-6 * open_pairs


def staff(tables: Tables, rules: RuleOptions | None = None, options: SolveOptions | None = None,
          progress: Progress | None = None, *, on_solution: OnSolution | None = None,
          cancel: Cancel | None = None, previous: pd.DataFrame | str | None = None,
          locks: Iterable[str] = (), forbid: Iterable[str] = (), draw=None) -> StaffingResult:
    """Staff every case it can, by the hard rules, with the objective levels in order.

    Parameters
    ----------
    tables : Tables
        Validated input (:func:`zoneplan.load` or :func:`zoneplan.tables_from_frames`).
    rules : RuleOptions, optional
        The hard rules in force (defaults: 2 hops of kin, 90 min pool radius, cross-check on).
    options : SolveOptions, optional
        Objective order or weights, time limit, seed, workers.
    progress : callable, optional
        ``progress(stage, done, total)`` while solving.
    on_solution : callable, optional
        ``on_solution(level, part, value)`` whenever a part's plan improves (called from
        solver threads; keep it short).
    cancel : Cancel, optional
        Keep it to stop the solve from another thread: :meth:`Cancel.cancel` ends every
        search within milliseconds and ``staff`` returns the best plan found so far
        (``status`` FEASIBLE unless already proven, ``stopped == "cancelled"``).
    previous : DataFrame or path, optional
        Re-plan from this plan (``case_id, investigator_id`` and ``role`` or ``is_lead``;
        or a plan folder / ``assignments.csv``): the ``changes`` level (memberships added
        or removed, plus cases whose lead changed) joins the objective right after
        ``staffed`` unless ``options.order`` places it; the result carries ``changes``
        (every membership kept, added or removed, with a reason) and ``change_summary``.
        Memberships of closed cases, of people gone, and of pairs no longer eligible are
        simply removed (:mod:`~zoneplan.staffing.previous`).
    locks : iterable of str
        ``CASE`` (the whole previous team stays) or ``CASE:PERSON`` (that membership
        stays); needs ``previous``.
    forbid : iterable of str
        ``CASE:PERSON`` pairs never to use.
    draw : DrawOptions, optional
        Draw the plan at random under probability caps (:mod:`~zoneplan.staffing.drawplan`);
        ``result.draw`` holds the audit.  Raises ``DrawError`` when the caps cannot be kept.

    Returns
    -------
    StaffingResult
        Always returned; unsolved or cut-short searches are a status, never an exception.

    Raises
    ------
    ValueError
        Weights whose objective cannot stay exact; the ``changes`` level without a
        previous plan.
    LockError
        A lock or forbidden pair that names unknown ids or breaks a hard rule (a
        ``ValueError``; the message names the rule and the reason).
    InputError
        An unreadable previous plan (file, line, column).
    InternalError
        If the emitted plan fails the independent checker (a bug in zoneplan).
    """
    tables = canonical_tables(tables)  # ids in a fixed order: the plan (and a draw) does not depend on row order
    if draw is not None:  # a plan drawn under probability caps: the optimum first, then the draw
        from .drawplan import staff_draw
        return staff_draw(tables, rules, options, draw, progress=progress, on_solution=on_solution, cancel=cancel,
                          previous=previous, locks=locks, forbid=forbid)
    rules = rules or RuleOptions()
    opts, prev = _prepare(options, previous)
    budget = Budget(opts.time_limit, cancel)
    timings: dict[str, float] = {}
    run = _build_instance(tables, rules, opts, prev, locks, forbid, timings)
    solved = _solve_parts(run, opts, budget, progress, on_solution, timings)
    plan = _assemble(run, solved, opts, budget, timings)
    report = _check(tables, rules, run, plan, timings)
    return _result(tables, rules, opts, budget, run, solved, plan, report, timings)


@dataclass
class _Run:
    """What :func:`_build_instance` prepares for the search."""

    prev: pd.DataFrame | None
    locks: Locks
    el: Eligibility
    inst: StaffingInstance
    pre: dict[int, str]  # cases no team can staff, found before any search (precheck)
    drop: np.ndarray  # those cases, as a mask
    weighted: bool
    parts: list[Part]


@dataclass
class _Solved:
    """What :func:`_solve_parts` found: the parts' plans and the levels."""

    states: list[PartState]
    levels: list[LevelResult]
    decided: np.ndarray  # cases whose staffing is proven (their explanation may say so)
    canonical: bool
    stopped: str | None


@dataclass
class _Plan:
    """The merged plan as tables (:func:`_assemble`)."""

    assignments: pd.DataFrame
    unstaffed: pd.DataFrame
    workload: pd.DataFrame


def _prepare(options: SolveOptions | None, previous: pd.DataFrame | str | None
             ) -> tuple[SolveOptions, pd.DataFrame | None]:
    """The options in force and the previous plan, read (the ``changes`` level joins the
    order when re-planning, and needs a previous plan)."""
    opts = options or SolveOptions()
    prev = None if previous is None else previous_frame(previous)
    if prev is not None:
        opts = opts.model_copy(update={"order": with_changes_level(tuple(opts.order))})
    elif CHANGES_LEVEL in opts.order:
        raise ValueError("the changes level counts changes versus a previous plan; give one (previous=, "
                         "--previous) or leave changes out of the order")
    return opts, prev


def _build_instance(tables: Tables, rules: RuleOptions, opts: SolveOptions, prev: pd.DataFrame | None,
                    locks: Iterable[str], forbid: Iterable[str], timings: dict[str, float]) -> _Run:
    """Locks, eligibility, the prepared arrays, the precheck and the parts (``prepare``)."""
    t = time.perf_counter()
    lk = resolve_locks(tables, prev, locks, forbid)
    el = forbid_pairs(build_eligibility(tables, rules), lk.forbid_inv, lk.forbid_case)
    inst = build_instance(tables, rules, el)
    if prev is not None or len(lk.lock_inv):
        inst = attach_previous(inst, prev, lk)
    pre = precheck(inst)
    if len(lk.lock_inv):
        check_locks(inst, tables, prev, lk, pre)
    drop = np.zeros(inst.n_cases, dtype=bool)
    drop[list(pre)] = True
    weighted = opts.mode == "weighted"
    parts = decompose(inst, drop, single=weighted)
    timings["prepare"] = time.perf_counter() - t
    return _Run(prev, lk, el, inst, pre, drop, weighted, parts)


def _start(run: _Run, opts: SolveOptions, budget: Budget) -> list[PartState]:
    """Each part's greedy start (a CP-SAT completion where the greedy plan breaks a lock)."""
    states = []
    for p in run.parts:
        dense = not run.weighted and p.n_pairs >= DENSE_PAIRS
        # a dense part starts from the plain greedy plan even when re-planning: its
        # staffed level is solved alone first, and its LP cores are measured from that start
        states.append(PartState(p, greedy_plan(p, keep=not (dense and opts.order[0] == "staffed")), dense=dense))
    for st in states:
        if st.part.pair_locked.any() and not st.plan.member[st.part.pair_locked].all():
            st.plan = _locked_start(st.part, opts, budget)
    return states


def _solve_parts(run: _Run, opts: SolveOptions, budget: Budget, progress: Progress | None,
                 on_solution: OnSolution | None, timings: dict[str, float]) -> _Solved:
    """The greedy starts (``greedy``), then the levels in order over the parts, or the
    weighted objective (``solve``); the search leaves :func:`finishing_reserve` seconds."""
    inst, parts, weighted = run.inst, run.parts, run.weighted
    t = time.perf_counter()
    states = _start(run, opts, budget)
    timings["greedy"] = time.perf_counter() - t
    t = time.perf_counter()
    greedy_staffed = np.zeros(inst.n_cases, dtype=bool)
    for st in states:
        greedy_staffed[st.part.cases[st.plan.staffed]] = True
    open_pairs = int(np.diff(inst.case_ptr)[~greedy_staffed].sum())
    search = budget.until(reserve=finishing_reserve(inst.n_invs, inst.n_cases, open_pairs))
    order = tuple(opts.order)
    decided = np.zeros(inst.n_cases, dtype=bool)
    canonical = False
    try:
        if weighted:
            levels, all_proven = _weighted(states, parts, inst.floor, opts, search, on_solution)
            canonical = all_proven and all(st.exact for st in states)
            if all_proven:
                decided[:] = True
        else:
            totals, staffed_proven = solve_lexicographic(states, order + (TIE_BREAK,), inst.floor, opts, search,
                                                         progress, on_solution)
            canonical = all(x.proven for x in totals)
            levels = [LevelResult(x.level.name, "max" if x.level.sense > 0 else "min", x.level.to_user(x.value),
                                  None if x.bound is None else x.level.to_user(x.bound), x.proven) for x in totals
                      if x.level.name != TIE_BREAK]
            for st, ok in zip(states, staffed_proven):
                if ok:
                    decided[st.part.cases] = True
            decided[run.drop] = True
    except Cancelled:  # pragma: no cover - the searches return on cancel; kept as a guard
        levels = []
    prev = run.prev
    if prev is not None:  # previous memberships no part can keep count in the changes level too
        outside = outside_changes(inst, prev, np.concatenate([p.cases for p in parts]) if parts else
                                  np.zeros(0, dtype=np.int64))
        levels = [LevelResult(lv.name, lv.sense, lv.value + outside,
                              None if lv.bound is None else max(0.0, lv.bound) + outside, lv.proven)
                  if lv.name == CHANGES_LEVEL else lv for lv in levels]  # no plan changes less than nothing
    timings["solve"] = time.perf_counter() - t
    stopped = "cancelled" if budget.cancel.cancelled else (
        "time limit" if search.deadline is not None and time.perf_counter() >= search.deadline else None)
    return _Solved(states, levels, decided, canonical, stopped)


def _assemble(run: _Run, solved: _Solved, opts: SolveOptions, budget: Budget, timings: dict[str, float]) -> _Plan:
    """The parts' plans merged into the assignments, every unstaffed case with its reason,
    and everybody's workload (``explain``)."""
    inst = run.inst
    t = time.perf_counter()
    pairs, leads = chosen_pairs(run.parts, [st.plan for st in solved.states])
    assignments = assignments_frame(inst, pairs, leads)
    staffed = np.zeros(inst.n_cases, dtype=bool)
    staffed[inst.pair_case[pairs]] = True
    order = tuple(opts.order) if not run.weighted else ("staffed",)
    expl = run_off_main(lambda: explain_unstaffed(inst, np.flatnonzero(~staffed).tolist(), run.pre, pairs,
                                                  solved.decided, order, budget, opts.seed), budget)
    unstaffed = pd.DataFrame({"case_id": [inst.case_ids[c] for c, _, _ in expl],
                              "reason": [r for _, _, r in expl], "kind": [k for _, k, _ in expl]},
                             columns=["case_id", "reason", "kind"])
    unstaffed = unstaffed.sort_values("case_id", kind="stable").reset_index(drop=True)
    workload = workload_frame(inst, pairs)
    timings["explain"] = time.perf_counter() - t
    return _Plan(assignments, unstaffed, workload)


def _check(tables: Tables, rules: RuleOptions, run: _Run, plan: _Plan, timings: dict[str, float]) -> CheckReport:
    """The independent checker on the plan, locks and forbidden pairs included (``check``).

    Raises
    ------
    InternalError
        The plan breaks a rule (a bug in zoneplan).
    """
    lk = run.locks
    t = time.perf_counter()
    report = check(tables, plan.assignments[["case_id", "investigator_id", "role", "travel_minutes"]], rules,
                   locks=_lock_ids(tables, lk.lock_inv, lk.lock_case),
                   forbid=_lock_ids(tables, lk.forbid_inv, lk.forbid_case))
    timings["check"] = time.perf_counter() - t
    if not report.ok:
        lines = "; ".join(f"{v.rule} {v.case_id}/{v.investigator_id}: {v.detail}" for v in report.violations[:10])
        raise InternalError(f"the solver emitted a plan its checker rejects ({len(report.violations)} "
                            f"violation(s)): {lines}")
    return report


def _result(tables: Tables, rules: RuleOptions, opts: SolveOptions, budget: Budget, run: _Run, solved: _Solved,
            plan: _Plan, report: CheckReport, timings: dict[str, float]) -> StaffingResult:
    """The changes versus the previous plan, the status, the statistics: the result."""
    inst, parts, states, prev = run.inst, run.parts, solved.states, run.prev
    levels = solved.levels
    changes = summary = None
    if prev is not None:
        changes = change_frame(inst, prev, plan.assignments, plan.unstaffed)
        summary = change_summary(changes, prev, plan.assignments)
    if run.weighted:  # the levels of a weighted plan, as the checker counts them (not optimised one by one)
        o = report.objective
        levels = levels + [LevelResult(n, "max" if n == "staffed" else "min", float(o[n]), None, False)
                           for n in ("staffed", "max_workload", "travel")]
        if summary is not None:
            levels.append(LevelResult(CHANGES_LEVEL, "min", float(summary["changes"]), None, False))
    proven = all(lv.proven for lv in levels if lv.bound is not None) and bool(levels)
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    stats = {
        "townships": int(len(tables.townships)), "investigators": inst.n_invs, "cases": inst.n_cases,
        "pool_pairs": int(inst.pool_size.sum()), "eligible_pairs": inst.n_pairs, "parts": len(parts),
        "dense_parts": int(sum(st.dense for st in states)),
        "largest_part_pairs": max((p.n_pairs for p in parts), default=0),
        "solves": int(sum(st.solves for st in states)), "precheck_unstaffable": len(run.pre),
        "canonical": bool(solved.canonical),
    }
    return StaffingResult(
        status=status, levels=Levels(levels), assignments=plan.assignments, unstaffed=plan.unstaffed,
        workload=plan.workload, wall_time=time.perf_counter() - budget.start, timings=timings, seed=opts.seed,
        options={"rules": rules.model_dump(), "solve": opts.model_dump(mode="json")},
        stats=stats, check_violations=0, warnings=list(tables.warnings),
        stopped=solved.stopped if status != Status.OPTIMAL else None, changes=changes, change_summary=summary,
        eligibility=run.el,
    )


def _locked_start(part, opts: SolveOptions, budget: Budget):
    """A plan of ``part`` that keeps its locks when the greedy start could not: a CP-SAT
    feasibility solve of the part's model (locks are rows of it).

    Raises
    ------
    LockError
        The locks cannot be completed into teams under the hard rules.
    """
    from ortools.sat.python import cp_model

    from ..runner import cpsat_parameters
    from .model import build_model

    pm = build_model(part)
    solver = cp_model.CpSolver()
    cpsat_parameters(solver, seed=opts.seed, budget=budget, deterministic_time=opts.deterministic_time)
    status = solver.solve(pm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return pm.read(solver.response_proto.solution)
    inst_cases = sorted(set(part.pair_case[part.pair_locked].tolist()))
    what = "cannot be completed into teams under the hard rules" if status == cp_model.INFEASIBLE \
        else "could not be completed into teams within the time limit"
    raise LockError(f"the locks on part {part.index} ({len(inst_cases)} case(s)) {what}")


def _lock_ids(tables: Tables, inv: np.ndarray, case: np.ndarray) -> list[tuple[str, str]]:
    """Index pairs of the (id-ordered) tables as (case_id, investigator_id)."""
    cid = tables.cases["case_id"].to_numpy(dtype=object)
    iid = tables.investigators["investigator_id"].to_numpy(dtype=object)
    return [(cid[c], iid[i]) for i, c in zip(inv.tolist(), case.tolist())]


def _weighted(states: list[PartState], parts, floor: int, opts: SolveOptions, budget: Budget,
              on_solution: OnSolution | None) -> tuple[list[LevelResult], bool]:
    state = states[0] if states else None
    value, bound, proven = run_off_main(lambda: solve_weighted(state, parts, floor, opts, budget, on_solution), budget)
    return [LevelResult("weighted", "max", value, bound, proven)], proven

