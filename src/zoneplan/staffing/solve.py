"""Solve the staffing problem: prepare, decompose, build, solve level by level, check.

Independent parts (cases and investigators joined by no eligible pair, e.g. different
counties or zones) are solved as separate CP-SAT models, so they do not slow each other.
Lexicographic levels are solved in order over all parts; a sum level (staffed, travel) is
fixed per part at its optimum, the max-workload level at the *global* optimum (the largest
part optimum), which keeps the decomposition exact.

Determinism: each part is solved with one CP-SAT worker and a fixed seed, parts run on a
thread pool of ``workers`` threads and are merged in a fixed order, so the same inputs and
options give the same plan.  A wall-clock time limit that actually cuts a solve short can
change the plan; for repeatable limited runs use ``deterministic_time``.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from ..data.tables import Tables
from ..errors import InternalError
from ..options import RuleOptions, SolveOptions
from .eligibility import Eligibility, build_eligibility
from .explain import explain_unstaffed, precheck
from .model import StaffingModel, SubProblem, build_model, scale_workload
from .result import LevelResult, StaffingResult

__all__ = ["staff", "decompose", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

_STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
           cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}


def _components(n_inv: int, n_case: int, pi: np.ndarray, pc: np.ndarray) -> np.ndarray:
    """Component label per case (cases joined through shared eligible investigators)."""
    parent = np.arange(n_inv + n_case)

    def find(u: int) -> int:
        root = u
        while parent[root] != root:
            root = parent[root]
        while parent[u] != root:
            parent[u], u = root, parent[u]
        return root

    for i, c in zip(pi.tolist(), (pc + n_inv).tolist()):
        a, b = find(i), find(c)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([find(n_inv + c) for c in range(n_case)], dtype=np.int64)


def decompose(el: Eligibility, drop_cases: set[int] | None = None, single: bool = False) -> list[SubProblem]:
    """Split the eligible pairs into independent sub-problems (one if ``single``)."""
    t = el.tables
    drop = np.array(sorted(drop_cases or ()), dtype=np.int64)
    keep = ~np.isin(el.pair_case, drop)
    pi, pc = el.pair_inv[keep], el.pair_case[keep]
    cost, lead = el.pair_cost[keep], el.pair_lead[keep]
    n_inv, n_case = len(el.inv_ids), len(el.case_ids)
    cases_with_pairs = np.unique(pc)
    if len(cases_with_pairs) == 0:
        return []
    label = np.zeros(n_case, dtype=np.int64) if single else _components(n_inv, n_case, pi, pc)
    cs, inv = t.cases, t.investigators
    team = cs["team_size"].to_numpy(dtype=np.int64)
    needs_lead = cs["needs_lead"].to_numpy(dtype=bool) | cs["escalated"].to_numpy(dtype=bool)
    prio = cs["priority"].to_numpy(dtype=np.int64)
    work = scale_workload(cs["workload"].to_numpy(dtype=float))
    cur = scale_workload(inv["current_workload"].to_numpy(dtype=float))
    req = cs["required_skills"].to_numpy(dtype=object)
    skills = inv["skills"].to_numpy(dtype=object)
    pair_label = label[pc]
    order = np.lexsort((pi, pc, pair_label))
    pi, pc, cost, lead, pair_label = pi[order], pc[order], cost[order], lead[order], pair_label[order]
    bounds = np.flatnonzero(np.diff(pair_label)) + 1
    out: list[SubProblem] = []
    for s, e in zip(np.r_[0, bounds], np.r_[bounds, len(pi)]):
        gi, li = np.unique(pi[s:e], return_inverse=True)
        gc, lc = np.unique(pc[s:e], return_inverse=True)
        skill_pairs = []
        for k, c in enumerate(gc.tolist()):
            lists = []
            for sk in req[c]:
                lists.append(tuple(int(p) for p in np.flatnonzero(lc == k) if sk in skills[gi[li[p]]]))
            skill_pairs.append(tuple(lists))
        out.append(SubProblem(
            inv_global=gi, case_global=gc, pair_inv=li.astype(np.int64), pair_case=lc.astype(np.int64),
            pair_cost=cost[s:e], pair_lead=lead[s:e], team_size=team[gc], needs_lead=needs_lead[gc],
            priority=prio[gc], workload=work[gc], capacity=el.capacity[gi], current_load=cur[gi],
            case_skill_pairs=tuple(skill_pairs),
        ))
    return out


@dataclass
class _Part:
    sp: SubProblem
    sm: StaffingModel
    solution: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    values: dict[str, float] | None = None


def _params(solver: cp_model.CpSolver, opts: SolveOptions, remaining: float | None) -> None:
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = opts.seed
    if remaining is not None:
        p.max_time_in_seconds = max(0.01, remaining)
    if opts.deterministic_time is not None:
        p.max_deterministic_time = opts.deterministic_time
    p.log_search_progress = False
    # a stronger LP relaxation pays off on these assignment-like models (measured: ~4x faster
    # proofs on the province benchmark)
    p.linearization_level = 2
    # the parts are small and tight: presolve costs more than it saves (measured: province
    # combined solves 2.3 s -> 1.2 s, same optima)
    p.cp_model_presolve = False


def _hint(part: _Part) -> None:
    if part.solution is None:
        return
    y, x, lead = part.solution
    m = part.sm.model
    m.clear_hints()
    for v, b in zip(part.sm.x, x.tolist()):
        m.add_hint(v, b)
    for v, b in zip(part.sm.y, y.tolist()):
        m.add_hint(v, b)
    for p, v in part.sm.lead.items():
        m.add_hint(v, bool(lead[p]))


def _term_value(part: _Part, name: str, solver: cp_model.CpSolver) -> int:
    return int(solver.value(part.sm.terms[name]))


def _run(part: _Part, opts: SolveOptions, deadline: float | None) -> tuple[int, cp_model.CpSolver]:
    """Solve the part's model with its current objective, from the last solution as hint;
    keep the new solution and its level values when one is found."""
    _hint(part)
    solver = cp_model.CpSolver()
    _params(solver, opts, None if deadline is None else deadline - time.perf_counter())
    st = solver.solve(part.sm.model)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        part.solution = part.sm.extract(solver)
        part.values = {k: float(_term_value(part, k, solver)) for k in part.sm.terms}
    return st, solver


def _solve_level(part: _Part, name: str, opts: SolveOptions, deadline: float | None) -> tuple[str, float, float]:
    """Optimise one level on one part; returns (status, value, bound) in model units."""
    sm = part.sm
    sense = sm.senses[name]
    if sense > 0:
        sm.model.maximize(sm.terms[name])
    else:
        sm.model.minimize(sm.terms[name])
    st, solver = _run(part, opts, deadline)
    status = _STATUS.get(st, "UNKNOWN")
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, float(solver.objective_value), float(solver.best_objective_bound)
    if part.solution is None:
        _clear(part)
    value = part.values[name] if part.values else 0.0
    return status, value, float(solver.best_objective_bound)


def _clear(part: _Part) -> None:
    """No solution in time: the empty plan (nobody assigned) is always valid for a part."""
    n_pairs, n_cases = len(part.sm.x), len(part.sm.y)
    part.solution = (np.zeros(n_cases, dtype=bool), np.zeros(n_pairs, dtype=bool), np.zeros(n_pairs, dtype=bool))
    part.values = None


def _fix_level(part: _Part, name: str, bound_value: float) -> None:
    """Keep a solved level at its value (or, for max_workload, at the global value)."""
    sm = part.sm
    if sm.senses[name] > 0:
        sm.model.add(sm.terms[name] >= int(round(bound_value)))
    else:
        sm.model.add(sm.terms[name] <= int(round(bound_value)))


def _empty_values(sp: SubProblem) -> dict[str, float]:
    cur = float(sp.current_load.max()) if len(sp.current_load) else 0.0
    return {"staffed": 0.0, "max_workload": cur, "travel": 0.0}


def staff(tables: Tables, rules: RuleOptions | None = None, options: SolveOptions | None = None,
          progress: Progress | None = None) -> StaffingResult:
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
        Called as ``progress(stage, done, total)`` while solving.

    Returns
    -------
    StaffingResult
        Always returned; infeasible parts or time-outs are a status, never an exception.

    Raises
    ------
    InternalError
        If the emitted plan fails the independent checker (a bug in zoneplan).
    """
    from ..check import check  # the independent checker; imported here to keep layers apart

    rules = rules or RuleOptions()
    opts = options or SolveOptions()
    t0 = time.perf_counter()
    deadline = None if opts.time_limit is None else t0 + opts.time_limit
    timings: dict[str, float] = {}
    el = build_eligibility(tables, rules)
    timings["eligibility"] = time.perf_counter() - t0
    pre = precheck(el)
    t1 = time.perf_counter()
    weighted = opts.mode == "weighted"
    subs = decompose(el, set(pre), single=weighted)
    parts = [_Part(sp, build_model(sp)) for sp in subs]
    timings["build"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    statuses: list[str] = []
    levels: list[LevelResult] = []
    order = tuple(opts.order)
    floor = int(scale_workload(tables.investigators["current_workload"].to_numpy(dtype=float)).max(initial=0))
    weighted_level = None
    if weighted:
        weighted_level, statuses = _solve_weighted(parts, opts, deadline, floor, progress)
    elif order[1] == "max_workload":
        levels = _solve_sandwich(parts, order, opts, deadline, floor, progress, statuses)
    else:
        for k, name in enumerate(order):
            if name == "max_workload":
                glob, gbound, proven = _max_level(parts, opts, deadline, floor, progress, statuses,
                                                  f"level {k + 1}/{len(order)} {name}")
                for p in parts:
                    _fix_level(p, name, glob)
                levels.append(_level(name, glob, gbound, proven))
                continue
            results = _map(parts, lambda part, name=name: _solve_level(part, name, opts, deadline),
                           opts.workers, progress, f"level {k + 1}/{len(order)} {name}")
            statuses += [r[0] for r in results]
            values = [p.values[name] if p.values else _empty_values(p.sp)[name] for p in parts]
            bounds = [r[2] for r in results]
            proven = all(r[0] == "OPTIMAL" for r in results)
            for p, v in zip(parts, values):
                _fix_level(p, name, v)
            levels.append(_level(name, float(sum(values)), float(sum(bounds)), proven))
    timings["solve"] = time.perf_counter() - t2
    # assemble the plan
    t3 = time.perf_counter()
    assignments, assigned_cases = _plan(el, parts)
    staffed = {c for cases in assigned_cases.values() for c in cases}
    unstaffed_idx = [c for c in range(len(el.case_ids)) if c not in staffed]
    expl = explain_unstaffed(el, unstaffed_idx, pre, assigned_cases, order if not weighted else ("staffed",))
    unstaffed = pd.DataFrame({"case_id": [el.case_ids[c] for c, _, _ in expl],
                              "reason": [r for _, _, r in expl],
                              "kind": [k for _, k, _ in expl]}, columns=["case_id", "reason", "kind"])
    unstaffed = unstaffed.sort_values("case_id", kind="stable").reset_index(drop=True)
    workload = _workload_frame(tables, assignments)
    timings["explain"] = time.perf_counter() - t3
    t4 = time.perf_counter()
    report = check(tables, assignments[["case_id", "investigator_id", "role", "travel_minutes"]], rules)
    timings["check"] = time.perf_counter() - t4
    if not report.ok:
        lines = "; ".join(f"{v.rule} {v.case_id}/{v.investigator_id}: {v.detail}" for v in report.violations[:10])
        raise InternalError(f"the solver emitted a plan its checker rejects ({len(report.violations)} "
                            f"violation(s)): {lines}")
    if weighted:  # the levels of a weighted plan, as the checker counts them (not optimised one by one)
        o = report.objective
        levels = [lv for lv in (weighted_level,) if lv is not None] + [
            LevelResult(n, "max" if n == "staffed" else "min", float(o[n]), float(o[n]), False)
            for n in ("staffed", "max_workload", "travel")]
    status = _overall(statuses)
    stats = {
        "townships": int(len(tables.townships)), "investigators": int(len(el.inv_ids)),
        "cases": int(len(el.case_ids)), "pool_pairs": int(el.pool_size.sum()), "eligible_pairs": el.n_pairs,
        "parts": len(parts), "largest_part_pairs": max((p.sp.n_pairs for p in parts), default=0),
        "variables": int(sum(len(p.sm.x) + len(p.sm.y) + len(p.sm.lead) + 1 for p in parts)),
        "precheck_unstaffable": len(pre),
    }
    return StaffingResult(
        status=status, levels=levels, assignments=assignments, unstaffed=unstaffed, workload=workload,
        wall_time=time.perf_counter() - t0, timings=timings, seed=opts.seed,
        options={"rules": rules.model_dump(), "solve": opts.model_dump(mode="json")},
        stats=stats, check_violations=0, warnings=list(tables.warnings),
    )


def _solution_max_load(part: _Part) -> int:
    """Largest workload (hundredths) in the part's current solution; not the z variable."""
    sp = part.sp
    load = sp.current_load.astype(np.int64).copy()
    if part.solution is not None:
        _, x, _ = part.solution
        np.add.at(load, sp.pair_inv[x], sp.workload[sp.pair_case[x]])
    return int(load.max()) if len(load) else 0


#: First deterministic-time budget per part in the max-workload level; it grows x4 a round.
MAX_LEVEL_FIRST_BUDGET = 0.02


def _max_level(parts: list[_Part], opts: SolveOptions, deadline: float | None, floor: int,
               progress: Progress | None, statuses: list[str], stage: str = "max_workload"
               ) -> tuple[float, float, bool]:
    """Global min-max workload over all parts, exactly, without proving every part's own optimum.

    The global optimum is the largest part optimum.  ``lower``, a proven lower bound on it,
    starts at the largest current workload.  Parts are visited from the largest current max
    load down, each minimising ``max(z, lower)``: any optimum or bound of that is itself a
    lower bound of the global optimum, and a part whose plan is within ``lower`` needs no
    solve.  Solves get a small deterministic budget that grows x4 a round (iterative
    deepening), so one part whose own optimum is hard to prove, but lies below the global
    one, does not hold up the rest.  Proven when the plan's max equals ``lower``.
    Returns (value, bound, proven) in hundredths.
    """
    lower = floor
    cap = opts.deterministic_time
    budget = MAX_LEVEL_FIRST_BUDGET if cap is None else min(MAX_LEVEL_FIRST_BUDGET, cap)
    done: set[int] = set()  # proven: max(own optimum, lower at that time) reached
    total = len(parts)
    if progress:
        progress(stage, 0, total)
    while True:
        todo = sorted((k for k in range(total) if k not in done and _solution_max_load(parts[k]) > lower),
                      key=lambda k: (-_solution_max_load(parts[k]), k))
        if not todo:
            break
        round_opts = opts.model_copy(update={"deterministic_time": budget})
        for k in todo:
            p = parts[k]
            if _solution_max_load(p) <= lower:
                continue
            if deadline is not None and time.perf_counter() >= deadline:
                break
            p.sm.model.add(p.sm.max_load >= lower)
            st, _, b = _solve_level(p, "max_workload", round_opts, deadline)
            if st in ("OPTIMAL", "FEASIBLE"):
                lower = max(lower, int(np.ceil(b - 1e-9)))
            if st == "OPTIMAL":
                done.add(k)
        if progress:
            progress(stage, total - sum(1 for k in range(total) if _solution_max_load(parts[k]) > lower), total)
        out_of_time = deadline is not None and time.perf_counter() >= deadline
        if out_of_time or (cap is not None and budget >= cap):
            break
        budget = budget * 4 if cap is None else min(budget * 4, cap)
    value = max([floor] + [_solution_max_load(p) for p in parts])
    proven = value == lower
    statuses.append("OPTIMAL" if proven else "FEASIBLE")
    if progress:
        progress(stage, total, total)
    return float(value), float(min(lower, value)), proven


def _range(sp: SubProblem, name: str) -> int:
    """An upper bound on a sum level's value in a part (for exact big-M combination)."""
    if name == "staffed":
        return int(sp.priority.sum())
    worst = np.zeros(len(sp.case_global), dtype=np.int64)
    np.maximum.at(worst, sp.pair_case, sp.pair_cost.astype(np.int64))
    return int((worst * sp.team_size).sum())


def _solve_sandwich(parts: list[_Part], order: tuple[str, ...], opts: SolveOptions, deadline: float | None,
                    floor: int, progress: Progress | None, statuses: list[str]) -> list[LevelResult]:
    """Lexicographic (A, max_workload, B) with A, B sums, in fewer solves; exact.

    1. Each part optimises A then B in one solve (B's range + 1 as A's multiplier).  A is fixed.
    2. The global max-workload level as in :func:`_max_level`.
    3. A part whose step-1 plan already meets the global max workload keeps it: that B is
       optimal without the workload cap, so it is optimal with it.  Other parts re-solve B.
    """
    a, b = order[0], order[2]
    first: dict[int, tuple[tuple[np.ndarray, np.ndarray, np.ndarray], dict[str, float]] | None] = {}
    a_bounds: list[float] = [0.0] * len(parts)

    def combined(k: int) -> str:
        part = parts[k]
        sm = part.sm
        big = _range(part.sp, b) + 1
        expr = sm.senses[a] * big * sm.terms[a] + sm.senses[b] * sm.terms[b]
        sm.model.maximize(expr)
        st, solver = _run(part, opts, deadline)
        status = _STATUS.get(st, "UNKNOWN")
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            rng = _range(part.sp, b)
            best = int(np.floor((solver.best_objective_bound + rng) / big))
            a_val = part.values[a]
            a_bounds[k] = float(best if sm.senses[a] > 0 else -best) if st == cp_model.FEASIBLE else a_val
            first[k] = (part.solution, dict(part.values)) if st == cp_model.OPTIMAL else None
        else:
            _clear(part)
            a_bounds[k] = float(_range(part.sp, a)) if sm.senses[a] > 0 else 0.0
            first[k] = None
        return status

    stage = f"level 1+3/3 {a}+{b}"
    res = _map_index(len(parts), combined, opts.workers, progress, stage, parts)
    statuses += res
    levels: list[LevelResult] = []
    a_vals = [p.values[a] if p.values else _empty_values(p.sp)[a] for p in parts]
    for p, v in zip(parts, a_vals):
        _fix_level(p, a, v)
    levels.append(_level(a, float(sum(a_vals)), float(sum(a_bounds)), all(r == "OPTIMAL" for r in res)))
    glob, gbound, proven = _max_level(parts, opts, deadline, floor, progress, statuses, "level 2/3 max_workload")
    for p in parts:
        _fix_level(p, "max_workload", glob)
    levels.append(_level("max_workload", glob, gbound, proven))
    keep = []
    for k, p in enumerate(parts):
        f = first.get(k)
        if f is not None:
            saved = _Part(p.sp, p.sm, f[0], f[1])
            if _solution_max_load(saved) <= glob:
                keep.append(k)
                p.solution, p.values = f
    kept = set(keep)
    redo = [k for k in range(len(parts)) if k not in kept]
    b_bounds: dict[int, float] = {k: parts[k].values[b] for k in keep}

    def again(k: int) -> str:
        st, _, bnd = _solve_level(parts[k], b, opts, deadline)
        b_bounds[k] = bnd
        return st

    res_b = _map_index(len(redo), lambda j: again(redo[j]), opts.workers, progress, f"level 3/3 {b}",
                       [parts[k] for k in redo])
    statuses += res_b
    b_vals = [p.values[b] if p.values else _empty_values(p.sp)[b] for p in parts]
    for p, v in zip(parts, b_vals):
        _fix_level(p, b, v)
    proven_b = all(r == "OPTIMAL" for r in res_b) and all(first.get(k) is not None for k in keep)
    levels.append(_level(b, float(sum(b_vals)), float(sum(b_bounds.get(k, b_vals[k]) for k in range(len(parts)))),
                         proven_b))
    # restore the usual level order in the result
    return [levels[0], levels[1], levels[2]]


def _map_index(total: int, fn, workers: int, progress: Progress | None, stage: str, parts: list[_Part]):
    """Run ``fn(k)`` for k in range(total) on a thread pool; results in index order."""
    if progress:
        progress(stage, 0, total)
    if workers <= 1 or total <= 1:
        out = []
        for k in range(total):
            out.append(fn(k))
            if progress:
                progress(stage, k + 1, total)
        return out
    order = sorted(range(total), key=lambda k: -parts[k].sp.n_pairs)
    res: list = [None] * total
    with ThreadPoolExecutor(max_workers=workers) as ex:
        futs = {ex.submit(fn, k): k for k in order}
        for done, f in enumerate(futs, 1):
            res[futs[f]] = f.result()
            if progress:
                progress(stage, done, total)
    return res


def _level(name: str, value: float, bound: float, proven: bool) -> LevelResult:
    if name == "max_workload":  # back from hundredths
        return LevelResult(name, "min", value / 100.0, bound / 100.0, proven)
    return LevelResult(name, "max" if name == "staffed" else "min", float(value), float(bound), proven)


def _overall(statuses: list[str]) -> str:
    if any(s == "MODEL_INVALID" for s in statuses):
        return "MODEL_INVALID"
    if all(s == "OPTIMAL" for s in statuses):
        return "OPTIMAL"
    return "FEASIBLE"


def _map(parts: list[_Part], fn, workers: int, progress: Progress | None, stage: str):
    """Run ``fn(part)`` for every part on a thread pool; results in part order."""
    return _map_index(len(parts), lambda k: fn(parts[k]), workers, progress, stage, parts)


#: Weighted mode works in integer units of 1/10000 of a weight point: staffed and travel weights
#: have a resolution of 0.0001, the max_workload weight (per workload unit, the model counts
#: hundredths) a resolution of 0.01.
WEIGHT_SCALE = 10000


def _solve_weighted(parts: list[_Part], opts: SolveOptions, deadline: float | None, floor: int,
                    progress: Progress | None) -> tuple[LevelResult | None, list[str]]:
    """One model (a single part), one objective; one worker so the plan never depends on
    ``workers``.  Returns the weighted level (in weight units) and the statuses."""
    w = opts.weights
    cs = int(round(WEIGHT_SCALE * w["staffed"]))
    cm = int(round(WEIGHT_SCALE * w["max_workload"] / 100))
    ct = int(round(WEIGHT_SCALE * w["travel"]))
    statuses: list[str] = []
    level = None
    for p in parts:  # weighted mode builds a single part
        sm = p.sm
        # people outside the part still count in the max: optimise max(z, floor)
        top = max(floor, int(p.sp.current_load.max(initial=0)) + int(p.sp.workload.sum()))
        zz = sm.model.new_int_var(floor, top, "max_load_all")
        sm.model.add(zz >= sm.max_load)
        sm.model.maximize(cs * sm.terms["staffed"] - cm * zz - ct * sm.terms["travel"])
        if progress:
            progress("weighted objective", 0, 1)
        st, solver = _run(p, opts, deadline)
        statuses.append(_STATUS.get(st, "UNKNOWN"))
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            level = LevelResult("weighted", "max", solver.objective_value / WEIGHT_SCALE,
                                solver.best_objective_bound / WEIGHT_SCALE, st == cp_model.OPTIMAL)
        else:
            _clear(p)
            level = LevelResult("weighted", "max", -cm * floor / WEIGHT_SCALE,
                                solver.best_objective_bound / WEIGHT_SCALE, False)
        if progress:
            progress("weighted objective", 1, 1)
    return level, statuses or ["OPTIMAL"]


def _plan(el: Eligibility, parts: list[_Part]) -> tuple[pd.DataFrame, dict[int, list[int]]]:
    rows_c: list[int] = []
    rows_i: list[int] = []
    rows_lead: list[bool] = []
    for p in parts:
        if p.solution is None:
            continue
        y, x, lead = p.solution
        for q in np.flatnonzero(x):
            c = int(p.sp.case_global[p.sp.pair_case[q]])
            i = int(p.sp.inv_global[p.sp.pair_inv[q]])
            rows_c.append(c)
            rows_i.append(i)
            rows_lead.append(bool(lead[q]))
    key = el.pair_case * max(1, len(el.inv_ids)) + el.pair_inv
    want = np.asarray(rows_c, dtype=np.int64) * max(1, len(el.inv_ids)) + np.asarray(rows_i, dtype=np.int64)
    pos = np.searchsorted(key, want) if len(want) else np.zeros(0, dtype=np.int64)
    minutes = el.pair_minutes[pos] if len(want) else np.zeros(0)
    df = pd.DataFrame({
        "case_id": el.case_ids[np.asarray(rows_c, dtype=np.int64)] if rows_c else np.array([], dtype=object),
        "investigator_id": el.inv_ids[np.asarray(rows_i, dtype=np.int64)] if rows_i else np.array([], dtype=object),
        "role": np.where(np.asarray(rows_lead, dtype=bool), "lead", "member").astype(object) if rows_c else np.array([], dtype=object),
        "travel_minutes": np.floor(minutes.astype(float) * 100 + 0.5) / 100,
    })
    df["_r"] = (df["role"] != "lead").astype(int)
    df = df.sort_values(["case_id", "_r", "investigator_id"], kind="stable").drop(columns="_r").reset_index(drop=True)
    assigned: dict[int, list[int]] = {}
    for c, i in zip(rows_c, rows_i):
        assigned.setdefault(i, []).append(c)
    return df, assigned


def _workload_frame(tables: Tables, assignments: pd.DataFrame) -> pd.DataFrame:
    """Per investigator: new cases and total workload (current + assigned), sorted by id."""
    inv = tables.investigators
    ids = inv["investigator_id"].to_numpy(dtype=object)
    w = pd.Series(tables.cases["workload"].to_numpy(dtype=float), index=tables.cases["case_id"].to_numpy(dtype=object))
    who = assignments["investigator_id"].to_numpy(dtype=object)
    load = pd.Series(w.reindex(assignments["case_id"].to_numpy(dtype=object)).to_numpy(), index=who)
    cases = pd.Series(1, index=who).groupby(level=0).sum().reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    extra = load.groupby(level=0).sum().reindex(ids, fill_value=0.0).to_numpy(dtype=float)
    total = inv["current_workload"].to_numpy(dtype=float) + extra
    df = pd.DataFrame({"investigator_id": ids, "cases": cases, "workload": np.round(total, 2)})
    return df.sort_values("investigator_id", kind="stable").reset_index(drop=True)
