"""Lexicographic objective over independent parts.

Every sum level is the sum of the parts' levels, so it is optimised part by part; the max
level (``max_workload``) is global: its optimum is the largest part optimum.  With the
levels ``A`` (sum levels before the max level), ``M`` (the max level) and ``B`` (after):

1. each part optimises ``A`` then ``B`` (CP-SAT: one solve of their exact big-M
   combination), and keeps ``A``; dense parts optimise ``A`` only, one level at a time;
2. the global max level by iterative deepening: ``lower``, a proven lower bound of the
   global optimum, starts at the largest workload anybody has on hand; rounds visit the
   parts whose plan exceeds ``lower`` (largest first), each minimising ``max(z, lower)``
   with a deterministic CP-SAT budget that grows x4 a round, so one part whose own optimum
   is hard to prove, but lies below the global one, does not hold up the rest; a part
   left alone above ``lower`` gets the whole budget in one search;
3. every part keeps its loads within the global optimum ``Z``; a part whose step-1 plan
   already does keeps it (``B`` optimal without the cap is optimal with it), the others
   optimise ``B`` again under the cap.

A bound is reported for a level only where it is valid for the true lexicographic optimum
(every earlier level proven); elsewhere the level's trivial bound stands in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InternalError
from ..options import SolveOptions
from ..runner import Budget, parallel_map
from .dense import dense_max, dense_sums
from .levels import LEVELS, Level, MaxLevel, SumLevel
from .search import LevelOutcome, OnSolution, PartState, cpsat_max, cpsat_sums, sum_level_trivial_bound

__all__ = ["LevelTotal", "solve_lexicographic", "MAX_LEVEL_FIRST_BUDGET"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

#: First deterministic-time budget per part in the max level's deepening; x4 a round.
MAX_LEVEL_FIRST_BUDGET = 0.02

#: Parts solved side by side in the max level before ``lower`` is raised again.  Fixed
#: (two: this machine's cores), never the number of threads, so the plan is the same
#: whatever ``workers`` is.
MAX_LEVEL_BATCH = 2


@dataclass
class LevelTotal:
    """One level over the whole instance, in model units; ``bound`` None when not reached."""

    level: Level
    value: int
    bound: int | None
    proven: bool


def _sums(state: PartState, levels: list[SumLevel], earlier: tuple[str, ...], opts: SolveOptions,
          budget: Budget, on_solution: OnSolution | None, max_next: bool = False) -> list[LevelOutcome]:
    if not levels:
        return []
    if state.dense:
        return dense_sums(state, levels, earlier, opts, budget, on_solution, max_next=max_next)
    return cpsat_sums(state, levels, earlier, opts, budget, on_solution)


def solve_lexicographic(states: list[PartState], order: tuple[str, ...], floor: int, opts: SolveOptions,
                        budget: Budget, progress: Progress | None = None,
                        on_solution: OnSolution | None = None) -> tuple[list[LevelTotal], list[bool]]:
    """Optimise the levels of ``order`` over all parts; the states keep the final plans.

    Returns the levels' totals and, per part, whether its staffed level is proven optimal
    (every earlier level too), i.e. whether its unstaffed cases were decided."""
    levels = [LEVELS[n] for n in order]
    m = next((k for k, lv in enumerate(levels) if isinstance(lv, MaxLevel)), None)
    a = [lv for lv in (levels if m is None else levels[:m]) if isinstance(lv, SumLevel)]
    b = [] if m is None else [lv for lv in levels[m + 1:] if isinstance(lv, SumLevel)]
    names_a = tuple(lv.name for lv in a)

    def step(stage: str):
        def tick(done: int, total: int) -> None:
            if progress:
                progress(stage, done, total)
        if progress:
            progress(stage, 0, len(states))
        return tick

    weight = lambda st: st.part.n_pairs  # noqa: E731
    # 1. A then B per part, A kept
    # dense parts skip B here: it costs them seconds, and the workload cap often changes it
    first = parallel_map(lambda st: _sums(st, a + ([] if st.dense else b), (), opts, budget, on_solution,
                                          max_next=m is not None), states,
                         opts.workers, budget, weight, step(f"levels {', '.join(lv.name for lv in a + b)}"))
    out_a = [r[:len(a)] for r in first]
    out_b1 = [r[len(a):] for r in first]
    saved = [(st.plan, st.exact) for st in states]
    exact_a = [st.exact or all(o.proven for o in oa) for st, oa in zip(states, out_a)]
    for st, ok in zip(states, exact_a):
        st.forget(len(a))
        st.exact = ok
    totals = [_sum_total(lv, states, [r[k] for r in out_a], [True] * len(states)) for k, lv in enumerate(a)]
    decided = [False] * len(states)
    for k, lv in enumerate(a):
        if lv.name == "staffed":
            decided = [all(o.proven for o in r[:k + 1]) for r in out_a]
    if m is None:
        return _recount(totals, states, floor), decided
    # 2. the global max level
    mlevel = levels[m]
    assert isinstance(mlevel, MaxLevel)
    value, bound = _max_level(states, mlevel, floor, opts, budget, step(f"level {mlevel.name}"), on_solution)
    max_proven = value == bound and all(exact_a)
    totals.append(LevelTotal(mlevel, value, bound if all(exact_a) else floor, max_proven))
    # 3. B under the cap
    for st in states:
        st.load_cap = value
    redo: list[int] = []
    out_b: list[list[LevelOutcome]] = [[] for _ in states]
    for k, st in enumerate(states):
        plan, exact = saved[k]
        if b and not st.dense and mlevel.value(st.part, plan) <= value:
            st.plan = plan
            out_b[k] = out_b1[k]
            for lv, o in zip(b, out_b1[k]):
                st.keep(lv, o.value)
        elif b:
            # a fresh model searched from this part's own plan before the cap, not from the
            # max level's model and plan, which depend on the other parts: a part's plan is the
            # same whether it is solved with the whole instance or with its county alone
            # (``staff --scheduler``)
            st.hint = plan
            st.fresh_model()
            redo.append(k)
    if redo:
        again = parallel_map(lambda k: _sums(states[k], b, names_a + (mlevel.name,), opts, budget, on_solution),
                             redo, opts.workers, budget, lambda k: states[k].part.n_pairs, step(
                                 f"levels {', '.join(lv.name for lv in b)} under the workload cap"))
        for k, r in zip(redo, again):
            out_b[k] = r
    for j, lv in enumerate(b):
        valid = [ok and max_proven for ok in exact_a]
        totals.append(_sum_total(lv, states, [r[j] for r in out_b], valid))
        if lv.name == "staffed":
            decided = [ok and all(o.proven for o in r[:j + 1]) for ok, r in zip(valid, out_b)]
    return _recount(totals, states, floor), decided


def _recount(totals: list[LevelTotal], states: list[PartState], floor: int) -> list[LevelTotal]:
    """Every level's value as the final plans have it.  A level kept at a value it was not
    proven at may end better than kept (a later level's search moves the plan within the
    kept rows); a proven level cannot move."""
    out = []
    for t in totals:
        if isinstance(t.level, MaxLevel):
            value = max([floor] + [t.level.value(st.part, st.plan) for st in states])
        else:
            value = sum(t.level.value(st.part, st.plan) for st in states)
        if t.proven and value != t.value:  # a false proof: say so rather than report it
            raise InternalError(f"level {t.level.name} proven at {t.value}, but the plan has {value}")
        out.append(LevelTotal(t.level, value, t.bound, t.proven))
    return out


def _sum_total(level: SumLevel, states: list[PartState], outcomes: list[LevelOutcome],
               valid: list[bool]) -> LevelTotal:
    """Sum a level over the parts; a part's bound counts only where ``valid``."""
    value = sum(o.value for o in outcomes)
    bound = 0
    for st, o, ok in zip(states, outcomes, valid):
        bound += o.bound if (ok and o.bound is not None) else sum_level_trivial_bound(level, st.part)
    proven = all(o.proven for o in outcomes) and all(valid)
    return LevelTotal(level, value, bound, proven)


def _max_level(states: list[PartState], level: MaxLevel, floor: int, opts: SolveOptions, budget: Budget,
               tick: Callable[[int, int], None], on_solution: OnSolution | None) -> tuple[int, int]:
    """The global max level by iterative deepening; returns (value, proven lower bound)."""
    lower = floor  # a proven lower bound (from exact parts), and the pruning threshold
    cap = opts.deterministic_time
    det = MAX_LEVEL_FIRST_BUDGET if cap is None else min(MAX_LEVEL_FIRST_BUDGET, cap)
    done = [False] * len(states)
    total = len(states)
    while not budget.stopped:
        todo = [k for k in range(total) if not done[k] and level.value(states[k].part, states[k].plan) > lower]
        if not todo:
            break
        todo.sort(key=lambda k: (-level.value(states[k].part, states[k].plan), k))
        # one part left above ``lower``: no other part can raise it, so deepening would only
        # restart the same search; it gets the whole budget at once (county-9: 5 rounds,
        # 4.0 s -> one search, 2.1 s)
        single = len(todo) == 1
        if single:
            det = cap
        # batches of a fixed size (not the number of threads: the plan must not depend on
        # it); ``lower`` rises after each batch and spares the parts now within it
        for s in range(0, len(todo), MAX_LEVEL_BATCH):
            batch = [k for k in todo[s:s + MAX_LEVEL_BATCH] if level.value(states[k].part, states[k].plan) > lower]
            if not batch or budget.stopped:
                continue
            start = lower

            def one(k: int, det: float = det, start: int = start) -> tuple[bool, int, int]:
                st = states[k]
                if st.dense:
                    return dense_max(st, level, start, opts, budget, on_solution)
                return cpsat_max(st, level, start, opts, budget, det, on_solution)

            results = parallel_map(one, batch, opts.workers, budget, lambda k: states[k].part.n_pairs)
            for k, (proven, _, bound) in zip(batch, results):
                if states[k].exact:
                    lower = max(lower, bound)
                if proven or states[k].dense:
                    done[k] = True
        tick(total - sum(1 for k in range(total) if level.value(states[k].part, states[k].plan) > lower), total)
        if single or (cap is not None and det >= cap):
            break
        det = det * 4 if cap is None else min(det * 4, cap)
    value = max([floor] + [level.value(st.part, st.plan) for st in states])
    tick(total, total)
    return value, min(lower, value)
