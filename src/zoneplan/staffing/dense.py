"""Optimising a dense part: LP bounds by column generation, exact MIP on small cores.

A part is *dense* when it has at least :data:`DENSE_PAIRS` eligible pairs (hundreds of
people x hundreds of cases, nearly all pairs eligible).  CP-SAT's presolve alone takes
longer than the whole budget there, and even on a core of the pairs it closes the staffed
level in 5 s where LP-based branch and bound needs 0.8 s (measured on the dense family of
:mod:`zoneplan.synth`).  So a dense part's levels are solved one at a time:

1. the LP relaxation over all pairs (:func:`~zoneplan.staffing.lp.solve_lp`, column
   generation) gives a bound; a plan that reaches it is proven without search;
2. else the exact model over a *core* -- the LP's support plus the current plan's pairs --
   is solved by HiGHS (:func:`~zoneplan.staffing.mip.solve_mip`);
3. if that core optimum misses the LP bound, every pair whose reduced-cost penalty is
   within the remaining gap joins the core and HiGHS runs again: a plan using any other
   pair is worth less than the core optimum, so the core optimum is the part's optimum.

Re-planning: the ``changes`` level is a sum level like the others (its constant, the
previous memberships, is added to the LP value); a re-planned dense part starts from the
plain greedy plan (not the one that keeps the previous teams), since its staffed level is
solved alone first and its LP cores were measured from that start (on the dense family
with one lead dropped out: 24 s, every level proven, against 60 s and unproven from the
keeping start).

The max level (``max_workload``) starts with single-member moves and swaps that lower the
largest load (:mod:`~zoneplan.staffing.rebalance`: on finely varied workloads they take the
plan from 19.2 to 10.9 in about a second, where the CP-SAT core search reached 10.5 to 19.2
in 30-60 s, depending on the machine's load), then is proven from the LP of ``min z``; when
that bound is below the plan, an LP *probe* asks whether the kept levels can hold with
every load at most one unit less than the plan's maximum: when they cannot, the plan is
optimal.  Otherwise HiGHS looks for a better plan on a core under that cap.

With two workers, two solves are asked ahead on a second thread (:class:`_Ahead`; GLOP and
HiGHS leave the interpreter free while they run), each taken only by a step that asks
exactly the same, so the plan and every claim are those of one worker: the cutoff solve of
a sum level, beside the core's solve, for a core optimum one unit short of a fractional LP
bound; and the max level's LP, beside the exact solve of the level before it, for that
level kept at its LP bound (:func:`max_lp_key`).  On the dense benchmark the solve went
from 5.5 to 4.2 s.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from ..options import SolveOptions
from ..runner import Budget
from .canonical import TIE_BREAK
from .levels import Coefficients, MaxLevel, SumLevel
from .lp import EPS, solve_lp
from .mip import MipOutcome, solve_mip
from .rebalance import rebalance
from .lp import FixedRow
from .model import assign_leads
from .parts import PartPlan
from .search import LevelOutcome, OnSolution, PartState, _unreached, cpsat_max

__all__ = ["DENSE_PAIRS", "dense_sums", "dense_max"]

log = logging.getLogger(__name__)

#: Parts with at least this many eligible pairs are solved as dense parts.
DENSE_PAIRS = 20_000


def _signed(level: SumLevel, state: PartState) -> Coefficients:
    c = level.coefficients(state.part)
    s = level.sense

    def neg(a):
        return None if a is None else s * a

    return Coefficients(neg(c.case), neg(c.member), neg(c.lead), s * c.constant)


def dense_sums(state: PartState, levels: list[SumLevel], earlier: tuple[str, ...], opts: SolveOptions,
               budget: Budget, on_solution: OnSolution | None = None, max_next: bool = False
               ) -> list[LevelOutcome]:
    """Optimise consecutive sum levels one by one on a dense part and keep them
    (``max_next``: the max level comes next, see :func:`max_lp_key`)."""
    if budget.stopped:
        return _unreached(state, list(levels))
    out: list[LevelOutcome] = []
    for k, lv in enumerate(levels):
        before = earlier + tuple(x.name for x in levels[:k])
        out.append(_dense_sum(state, lv, before, opts, budget, on_solution, max_next and k == len(levels) - 1))
        state.keep(lv, out[-1].value)
        if not out[-1].proven:
            state.exact = False
            for x in levels[k + 1:]:
                v = x.value(state.part, state.plan)
                out.append(LevelOutcome(v, None, False))
                state.keep(x, v)
            break
    return out


def _dense_sum(state: PartState, level: SumLevel, earlier: tuple[str, ...], opts: SolveOptions,
               budget: Budget, on_solution: OnSolution | None, max_next: bool = False) -> LevelOutcome:
    part = state.part
    if max_next:  # the max level's LP starts from this plan, asked ahead or not
        state.lp_start = np.flatnonzero(state.plan.member)
    face, state.face = state.face, None
    if level.name == TIE_BREAK:
        if face is None or face.sum() > TIE_FACE_PAIRS:
            return LevelOutcome(level.value(part, state.plan), None, False)
        return _on_face(state, level, face, opts, budget, on_solution)
    ideal = state.shortcut(level, earlier)
    value = level.value(part, state.plan)
    if ideal is not None and value == ideal:
        return LevelOutcome(value, ideal, True)
    signed = _signed(level, state)
    fixed = tuple(state.fixed)
    lp = solve_lp(part, signed, fixed=fixed, load_cap=state.load_cap, start=np.flatnonzero(state.plan.member),
                  budget=budget)
    if lp.value is None or not lp.converged:
        return LevelOutcome(value, None, False)
    if max_next:  # ... with this LP's whole core (dense benchmark: the max level's LP in one
        # round, 0.6 s, where from the plan and this LP's support it took three, 1.2 s)
        state.lp_start = np.flatnonzero(state.plan.member | lp.core)
    top = lp.value + signed.constant  # the LP leaves the level's constant out (changes: previous memberships)
    best = int(np.floor(top + EPS * max(1.0, abs(top))))  # sense * level, integral
    bound = level.sense * best

    def done() -> bool:
        return level.sense * level.value(part, state.plan) >= best

    def proven(v: int, b: int) -> LevelOutcome:
        # a plan using a pair whose reduced-cost penalty exceeds the gap is worse than v
        state.face = lp.penalty <= top - level.sense * v + tol
        return LevelOutcome(v, b, True)

    tol = EPS * max(1.0, abs(top))
    if done():
        return proven(value, bound)
    core = (lp.x > 1e-6) | state.plan.member | _cheapest_per_case(part, lp.penalty, CORE_PER_CASE)

    def need_for(v: int) -> np.ndarray:
        # a plan better than one worth v (sense * level) is worth at least one unit more
        # (levels are integral), so it uses only pairs whose penalty is at most the gap less one
        return lp.penalty <= top - v - 1 + tol

    def cutoff_mip(pairs: np.ndarray, v: int) -> MipOutcome:
        """Is there a plan over ``pairs`` worth more than ``v`` (sense * level)?"""
        cutoff = FixedRow(level.coefficients(part), level.sense, level.sense * (v + 1))
        return solve_mip(part, np.flatnonzero(pairs), signed, fixed=fixed + (cutoff,), load_cap=state.load_cap,
                         budget=budget, seed=opts.seed, presolve=False)

    if max_next and opts.workers >= 2:
        # the max level's LP needs this level's value; it is asked now, beside the exact
        # solves below, for the value of the LP bound (reached more often than not); the max
        # level takes it only when this level is kept at that value (dense benchmark: 0.6 s
        # of LP beside the staffed level's 0.7 s of HiGHS)
        kept = fixed + (FixedRow(level.coefficients(part), level.sense, int(bound)),)
        cap, start = state.load_cap, state.lp_start
        state.ahead[max_lp_key(kept, cap)] = _Ahead(lambda: _max_lp(part, kept, cap, start, budget))
    # The core's optimum is often one unit short of a fractional LP bound, and then the proof
    # is the cutoff solve over the core and every pair within that gap.  With a second
    # thread that solve starts now, beside the core's: the same model the sequence below
    # would solve, so its answer is used only when the core's optimum is that one unit
    # short, and the plan is the same as with one thread (dense benchmark: the travel level's
    # cutoff, 1.2 s of HiGHS, runs beside its core's 0.7 s).
    ahead = None
    if opts.workers >= 2 and top - best > tol:
        spec_core = core | need_for(best - 1)
        ahead = (spec_core, _Ahead(lambda: cutoff_mip(spec_core, best - 1)))
    pending = None
    final = False  # the core holds every pair within the gap: prove with a cutoff
    for _ in range(6):
        if final:  # is there a plan better than the incumbent over the complete core?
            mip = pending if pending is not None else cutoff_mip(core, level.sense * level.value(part, state.plan))
            pending = None
            if mip.infeasible:  # no: the incumbent is optimal
                v = level.value(part, state.plan)
                return proven(v, v)
        else:
            mip = solve_mip(part, np.flatnonzero(core), signed, fixed=fixed, load_cap=state.load_cap, budget=budget,
                            seed=opts.seed)
        state.solves += 1
        if mip.plan is not None and level.sense * level.value(part, mip.plan) > level.sense * level.value(part, state.plan):
            state.plan = mip.plan
            if on_solution:
                on_solution(level.name, part.index, float(level.value(part, state.plan)))
        if done():
            return proven(level.value(part, state.plan), bound)
        if not (mip.optimal or mip.infeasible) or budget.stopped:
            break
        # the core optimum misses the LP bound: every pair that could still pay for itself
        # joins the core (the first core already holds each case's cheapest pairs by
        # reduced cost, so its optimum is usually the part's: measured on the dense
        # family, a middle stage with the LP's zero-penalty pairs cost 3.7 s and found
        # nothing better).  When the core holds them all, its optimum is the part's.
        v = level.sense * level.value(part, state.plan)
        need = need_for(v)
        if mip.optimal and not (need & ~core).any():
            return proven(level.value(part, state.plan), level.value(part, state.plan))
        core |= need
        if ahead is not None:  # the cutoff solve asked ahead: its answer is this step's when it asked the same
            spec_core, job = ahead
            ahead = None
            if v == best - 1 and np.array_equal(spec_core, core):
                pending = job.result()
                if pending is None or not (pending.optimal or pending.infeasible):
                    pending = None  # cut short: asked again (with what time is left)
        final = True
    return LevelOutcome(level.value(part, state.plan), bound, False)


class _Ahead:
    """A solve on a thread of its own (HiGHS and GLOP leave the interpreter free while they
    run); :meth:`result` waits for it.  One not asked for is left to end on its own (within
    its budget)."""

    def __init__(self, fn):
        self._out: list = []

        def run() -> None:
            try:
                self._out.append((True, fn()))
            except BaseException as exc:  # handed to the caller of result()
                self._out.append((False, exc))

        self._thread = threading.Thread(target=run, name="zoneplan-ahead", daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        ok, value = self._out[0]
        if not ok:
            raise value
        return value


def _on_face(state: PartState, level: SumLevel, face: np.ndarray, opts: SolveOptions, budget: Budget,
             on_solution: OnSolution | None) -> LevelOutcome:
    """The tie-break level of a dense part: HiGHS over the pairs that a plan optimal for
    every kept level can use (``face``, from the last level's reduced costs) -- its optimum
    there is the optimum over the whole part, with no LP of its own (on the dense family the
    tie-break's column generation and cores took 15 s; this takes well under one)."""
    part = state.part
    signed = _signed(level, state)
    mip = solve_mip(part, np.flatnonzero(face | state.plan.member), signed, fixed=tuple(state.fixed),
                    load_cap=state.load_cap, budget=budget, seed=opts.seed)
    state.solves += 1
    if mip.plan is not None and state.accepts(mip.plan) and \
            level.sense * level.value(part, mip.plan) > level.sense * level.value(part, state.plan):
        state.plan = mip.plan
        if on_solution:
            on_solution(level.name, part.index, float(level.value(part, state.plan)))
    value = level.value(part, state.plan)
    if mip.optimal and mip.plan is not None and level.value(part, mip.plan) == value:
        return LevelOutcome(value, value, True)
    return LevelOutcome(value, None, False)


#: A dense part's tie-break level is solved only when at most this many pairs can appear
#: in a plan optimal for every other level (else its plan is not made canonical: on the
#: dense family 22,500 pairs can, and HiGHS needed 21 s to settle the tie-break there).
TIE_FACE_PAIRS = 5_000

#: Pairs of least reduced-cost penalty added per case to the first core of a sum level:
#: the LP's support alone often misses the swaps the integer optimum needs.
CORE_PER_CASE = 3


def _cheapest_per_case(part, penalty: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` pairs of least penalty of every case (finite penalties only)."""
    out = np.zeros(part.n_pairs, dtype=bool)
    if k <= 0:
        return out
    idx = np.flatnonzero(np.isfinite(penalty))
    order = idx[np.lexsort((idx, penalty[idx], part.pair_case[idx]))]
    case = part.pair_case[order]
    rank = np.arange(len(order)) - np.searchsorted(case, case)
    out[order[rank < k]] = True
    return out


def dense_max(state: PartState, level: MaxLevel, lower: int, opts: SolveOptions, budget: Budget,
              on_solution: OnSolution | None = None) -> tuple[bool, int, int]:
    """Minimise ``max(largest load, lower)`` on a dense part (kept levels fixed).

    Every load is a multiple of ``g``, the greatest common divisor of the workloads and the
    workloads on hand (100 hundredths when every case weighs 1.0).  When few multiples lie
    between the proven bound and the plan's maximum, a search over them (first one unit
below the plan's maximum, then bisection): an LP
    *probe* asks whether the kept levels can hold with every load within a cap ``T``; when
    they cannot, ``T`` is proven too low; when they can, CP-SAT looks for a plan within
    ``T`` on a core (the probe's support and the plan's pairs).  With many multiples
    (finely varied workloads) the LP of ``min z`` gives the bound instead and CP-SAT
    minimises the largest load on the core.  Returns (proven, value of the plan's own
    max, bound of ``max(own optimum, lower)``)."""
    part = state.part
    fixed = tuple(state.fixed)
    g = _gcd(part)
    value = level.value(part, state.plan)
    bound = _attainable(part, lower)
    if value <= bound:
        return True, value, max(lower, value)
    improve = budget.until(0.5)  # later levels (travel under the cap) get the other half
    # single-member moves first: cheap, and a far better start for the search when the
    # workloads are finely varied
    moved = rebalance(part, state.plan, improve.until(REBALANCE_SHARE).deadline or float("inf"))
    if moved is not state.plan and state.accepts(moved):
        state.plan = moved
        if on_solution:
            on_solution(level.name, part.index, float(level.value(part, state.plan)))
        value = level.value(part, state.plan)
        if value <= bound:
            return True, value, max(lower, value)
    support = state.plan.member.copy()
    # the LP of min z: often tight and quick; given a third of the time at most (unless it
    # was asked ahead, beside the last level's exact solve, for what is kept now)
    asked = take_ahead(state, max_lp_key(fixed, state.load_cap))
    start = state.lp_start if state.lp_start is not None else np.flatnonzero(state.plan.member)
    lp = asked.result() if asked is not None else \
        _max_lp(part, fixed, state.load_cap, start, improve.until(1 / 3))
    if lp.value is not None and lp.converged:
        bound = max(bound, _attainable(part, int(np.ceil(-lp.value - EPS * max(1.0, abs(lp.value))))))
        support |= lp.x > 1e-6
    if (level.value(part, state.plan) - bound) // g <= PROBE_STEPS:
        first = True
        while level.value(part, state.plan) > bound and not improve.stopped:
            high = level.value(part, state.plan)
            # first ask whether the plan is already optimal (often so), then bisect
            cap = high - g if first else max(bound, _attainable(part, (bound + high) // 2))
            first = False
            if cap >= high:
                cap = high - g
            probe = solve_lp(part, None, fixed=fixed, load_cap=cap, start=np.flatnonzero(support), budget=improve)
            if probe.infeasible:  # the kept levels cannot hold with every load within cap
                bound = cap + g
                continue
            if probe.value is None:
                break
            support |= probe.x > 1e-6
            # a plan within the cap: HiGHS on the core (with few distinct loads the cap acts
            # like a capacity, which LP-based search closes fast)
            mip = solve_mip(part, np.flatnonzero(support | state.plan.member), None, minimise_max=True,
                            fixed=fixed, load_cap=cap, budget=improve, seed=opts.seed)
            state.solves += 1
            if (mip.plan is None or level.value(part, mip.plan) > cap) and part.n_pairs <= WHOLE_PROBE_PAIRS:
                # none on the core: a small part asks the same of every pair, which decides it
                mip = solve_mip(part, np.arange(part.n_pairs), None, minimise_max=True, fixed=fixed,
                                load_cap=cap, budget=improve, seed=opts.seed)
                state.solves += 1
                if mip.infeasible:
                    bound = cap + g
                    continue
            if mip.plan is None or level.value(part, mip.plan) > cap:
                break  # LP-feasible, but no plan within cap on the core: undecided
            state.plan = mip.plan
            if on_solution:
                on_solution(level.name, part.index, float(level.value(part, state.plan)))
    else:
        while level.value(part, state.plan) > bound and not improve.stopped:
            before = level.value(part, state.plan)
            _core_max(state, support | state.plan.member, max(lower, bound), opts, improve.until(0.5),
                      on_solution, level)
            if level.value(part, state.plan) >= before:
                break
    value = level.value(part, state.plan)
    bound = max(lower, min(bound, value))
    return max(value, lower) <= bound, value, bound


def _max_lp(part, fixed: tuple[FixedRow, ...], cap: int | None, start: np.ndarray, budget: Budget):
    """The LP of ``min z`` (the largest load) with the kept levels ``fixed``."""
    return solve_lp(part, None, minimise_max=True, fixed=fixed, load_cap=cap, start=start, budget=budget,
                    per_case=20)


def take_ahead(state: PartState, key: tuple) -> "_Ahead | None":
    """The solve asked ahead for ``key`` (None when nothing asked exactly that); any other
    one asked is dropped (left to end on its own)."""
    job = state.ahead.pop(key, None)
    state.ahead.clear()
    return job


def max_lp_key(fixed: tuple[FixedRow, ...], cap: int | None) -> tuple:
    """What the max level's LP asks: the kept levels' values (always the same levels, in
    order) and the workload cap."""
    return ("max", tuple((f.sense, int(f.value)) for f in fixed), cap)


#: Share of the max level's time the single-member moves may take at most.
REBALANCE_SHARE = 0.2

#: A probe whose core holds no plan within the cap asks HiGHS over every pair of a part
#: this small (an exact answer either way).
WHOLE_PROBE_PAIRS = 5_000

#: Binary search over the attainable maxima when at most this many lie in the gap.
PROBE_STEPS = 16


def _gcd(part) -> int:
    return max(1, int(np.gcd.reduce(np.r_[part.workload, part.current_load].astype(np.int64))))


def _attainable(part, at_least: int) -> int:
    """The smallest load at least ``at_least`` that a person can have: every load is a
    multiple of the greatest common divisor of the workloads and workloads on hand (all
    1.0: whole cases), so a fractional LP bound rounds up to the next multiple."""
    g = _gcd(part)
    return at_least if g <= 1 else -(-at_least // g) * g


def _core_max(state: PartState, keep: np.ndarray, lower: int, opts: SolveOptions, budget: Budget,
              on_solution: OnSolution | None, level: MaxLevel, cap: int | None = None) -> bool:
    """CP-SAT minimises the largest load over the pairs ``keep`` (within ``cap`` when
    given), from the plan; keeps a better plan.  Returns whether the core optimum was
    proven."""
    part = state.part
    sub = part.restrict(keep)
    idx = np.flatnonzero(keep)
    core = PartState(sub, PartPlan(state.plan.staffed, state.plan.member[idx], state.plan.lead[idx]))
    for f in state.fixed:
        c = f.coef
        core.fixed.append(FixedRow(Coefficients(c.case, None if c.member is None else c.member[idx], None,
                                                c.constant), f.sense, f.value))
    core.load_cap = state.load_cap if cap is None else (cap if state.load_cap is None else min(cap, state.load_cap))
    proven, _, _ = cpsat_max(core, level, lower, opts, budget, opts.deterministic_time, on_solution)
    state.solves += core.solves
    if level.value(sub, core.plan) < level.value(part, state.plan):
        member = np.zeros(part.n_pairs, dtype=bool)
        member[idx] = core.plan.member
        state.plan = PartPlan(core.plan.staffed, member, assign_leads(part, member))
    return proven
