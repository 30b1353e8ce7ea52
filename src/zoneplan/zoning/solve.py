"""Solve the zoning: counties side by side, each an exact set-partitioning model.

Counties are independent, so they run on a thread pool, each with its own budget: when a
county starts it may use its share of the time left (the time left times the threads,
over the counties not yet started), so a county that needs longer than its share stops
with the best zoning found and never holds up the others.  Counties that finish early
leave their time to the later ones, and a second round gives the time still left to the
counties not proven, starting from their zoning so far.  A county whose exact model found
no zoning in time gets a greedy one that follows every rule
(:mod:`~zoneplan.zoning.fallback`), so every county that has a zoning at all has a valid one.

:func:`solve_zoning` always returns a :class:`ZoningResult`: every county that has a
zoning keeps it (``zones``), each with its own status (``per_county``), while the overall
status is the worst one; infeasibility and time-outs are statuses with explanations.
Only bad input raises ``ValueError``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from zoneplan.graphs import reach
from zoneplan.results import LevelResult, Levels, Status, overall_status
from zoneplan.runner import Budget, Cancel, cpsat_parameters, parallel_map
from zoneplan.zoning.candidates import (
    CandidateSet,
    CountyData,
    TooManyCandidates,
    county_candidates,
    county_data,
    diagnostic_candidates,
)
from zoneplan.zoning.checks import WhatIfs, label, labels, precheck, resolve_whatifs
from zoneplan.zoning.fallback import greedy_partition, share_bound, zoning_cost
from zoneplan.zoning.data import COST_SCALE, ZoningInput, ZoningOptions
from zoneplan.zoning.model import build_diagnostic_model, build_partition_model

__all__ = ["ZoningResult", "solve_zoning", "zone", "STATUSES"]

logger = logging.getLogger(__name__)

#: Result statuses, from best to worst.
STATUSES = ("OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE", "MODEL_INVALID")

_ZONE_COLUMNS = ["township_id", "name", "county", "zone", "hub", "is_hub"]
_COUNTY_COLUMNS = ["county", "status", "townships", "zones", "candidates", "objective", "bound", "time", "source"]


@dataclass(frozen=True)
class ZoningResult:
    """Outcome of :func:`solve_zoning`; the same convention as the staffing result.

    Attributes
    ----------
    status : Status
        ``OPTIMAL`` (every county proven optimal), ``FEASIBLE`` (a zoning for every county,
        some not proven), ``UNKNOWN`` (some county found no zoning in time),
        ``INFEASIBLE`` (some county has none; see ``explanations``) or ``MODEL_INVALID``.
    levels : Levels
        The objective level ``cost`` (value, bound, gap, proven) when every county has a
        zoning; empty otherwise.
    objective, bound, gap
        Summed cost in weighted minutes (resolution 1/``COST_SCALE``), summed best bound,
        and ``(objective - bound) / max(1, |objective|)``; None unless every county has a
        zoning.
    zones
        One row per township: ``township_id, name, county, zone, hub, is_hub``.  ``zone`` and
        ``hub`` are ``""`` for excluded townships and for counties without a zoning.
    per_county
        ``county, status, townships, zones, candidates, objective, bound, time, source``:
        every county's own outcome (a county solved in time keeps its zoning when another
        one times out).  ``source`` says where the zoning comes from: ``cp-sat`` (the exact
        model), ``greedy`` (the fallback of :mod:`~zoneplan.zoning.fallback`, written
        when the exact model found nothing in the county's time share; it follows every
        rule) or ``""`` (no zoning).
    """

    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    wall_time: float
    seed: int
    options: ZoningOptions
    zones: pd.DataFrame
    per_county: pd.DataFrame
    explanations: list[str] = field(default_factory=list)
    levels: Levels = field(default_factory=Levels)

    @property
    def feasible(self) -> bool:
        """True when every county has a zoning."""
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def any_zoning(self) -> bool:
        """True when at least one county has a zoning (worth writing)."""
        return bool((self.zones["zone"] != "").any())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for ``report.json``."""
        def clean(v: Any) -> Any:
            if isinstance(v, (np.integer,)):
                return int(v)
            if isinstance(v, (np.floating, float)):
                return None if math.isnan(v) else float(v)
            if isinstance(v, np.bool_):
                return bool(v)
            return v

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]

        return {
            "status": str(self.status),
            "levels": self.levels.to_dict(),
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "wall_time": round(self.wall_time, 4),
            "seed": self.seed,
            "cost_scale": COST_SCALE,
            "options": self.options.model_dump(mode="json"),
            "zones": records(self.zones),
            "per_county": records(self.per_county),
            "explanations": list(self.explanations),
        }


@dataclass
class _CountyOutcome:
    county: str
    status: str
    townships: int
    candidates: int = 0
    objective: int | None = None
    bound: int | None = None
    time: float = 0.0
    zones: list[tuple[list[int], int, str]] = field(default_factory=list)  # (global members, hub, kept id)
    messages: list[str] = field(default_factory=list)
    source: str = ""  # "cp-sat", "greedy" (the fallback) or "" (no zoning)
    # kept while the county is not proven, for another try with the time left
    work: tuple[CandidateSet, int | None, list[int]] | None = None


def _solver(options: ZoningOptions, time_limit: float, workers: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    cpsat_parameters(solver, seed=options.seed, workers=workers or options.workers)
    p = solver.parameters
    p.max_time_in_seconds = max(time_limit, 0.001)
    # Set partitioning lives on its LP relaxation: full linearisation proves optimality in
    # milliseconds where the default level can take seconds with a zone-count constraint.
    p.linearization_level = 2
    # The models are already tight and tiny; presolve costs more than it saves (measured:
    # 3-8 ms instead of 15-30 ms per county of 20-30 townships).
    p.cp_model_presolve = False
    if p.num_workers > 1:
        p.interleave_search = True  # deterministic parallel search: same input, same zones
    return solver


def _exact(cs: CandidateSet, target: int | None, options: ZoningOptions, deadline: float,
           cancel: Cancel | None, hint: list[int] | None) -> tuple[str, list[int], int | None, int | None]:
    """One CP-SAT solve of the county's set partitioning: ``(status, chosen, objective, bound)``."""
    pm = build_partition_model(cs, target)
    if hint is not None:
        on = set(hint)
        for c, v in enumerate(pm.x):
            pm.model.add_hint(v, c in on)
    solver = _solver(options, deadline - time.perf_counter())
    if cancel is not None:
        with cancel.stopping(solver.stop_search):
            code = solver.solve(pm.model)
    else:
        code = solver.solve(pm.model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (solver.status_name(code), pm.chosen(solver), int(round(solver.objective_value)),
                int(math.ceil(solver.best_objective_bound - 1e-9)))
    return solver.status_name(code), [], None, None


def _keep(out: _CountyOutcome, cs: CandidateSet, chosen: list[int], objective: int, bound: int) -> None:
    cd = cs.county
    out.objective, out.bound = objective, bound
    out.zones = [([int(cd.idx[t]) for t in cs.zones[c]], int(cd.idx[cs.hub[c]]), cs.kept_id[c]) for c in chosen]


def _gap_note(out: _CountyOutcome) -> str:
    gap = (out.objective - out.bound) / max(1.0, abs(out.objective))  # type: ignore[operator]
    return f"within {gap:.1%} of the proven bound"


def _solve_county(
    inp: ZoningInput, cd: CountyData, options: ZoningOptions, w: WhatIfs, deadline: float,
    cancel: Cancel | None = None, prior: _CountyOutcome | None = None,
) -> _CountyOutcome:
    """Solve one county within ``deadline``; a county without an exact zoning in time gets
    the greedy fallback (a valid zoning, status FEASIBLE, bound from :func:`share_bound`).

    ``prior`` is the county's earlier, unproven outcome: its zoning is the hint and is kept
    unless the new solve does better.
    """
    t0 = time.perf_counter()
    if prior is not None and prior.work is not None:
        cs, target, best = prior.work
        out = prior
    else:
        out = _CountyOutcome(cd.name, "UNKNOWN", len(cd.idx))
        cs = county_candidates(cd, options, w.excluded, w.kept, w.together, w.apart)
        target, best = options.target_for(cd.name), []
        out.candidates = len(cs)
        if not cs.cover and target in (None, 0):
            out.status, out.objective, out.bound, out.source = "OPTIMAL", 0, 0, "cp-sat"
            return out
    cancelled = cancel is not None and cancel.cancelled
    if time.perf_counter() < deadline and not cancelled:
        code, chosen, obj, bnd = _exact(cs, target, options, deadline, cancel, best or None)
    else:
        code, chosen, obj, bnd = "UNKNOWN", [], None, None
    if code == "INFEASIBLE":
        out.status, out.work = code, None
        out.messages = (_diagnose(inp, cd, options, w, deadline) if options.diagnose
                        else [f"county {cd.name}: no zoning satisfies the rules and what-ifs"])
    elif code in ("OPTIMAL", "FEASIBLE"):
        bound = max(bnd, out.bound or 0, share_bound(cs)) if code == "FEASIBLE" else bnd
        if out.objective is None or obj <= out.objective or code == "OPTIMAL":  # type: ignore[operator]
            _keep(out, cs, chosen, obj, bound)  # type: ignore[arg-type]
            best, out.source = chosen, "cp-sat"
        out.bound = max(bound, out.bound or 0) if code == "FEASIBLE" else bound
        out.status = "OPTIMAL" if out.objective == out.bound else "FEASIBLE"
    elif not best and not cancelled:  # nothing yet: the greedy fallback keeps the rules
        found = greedy_partition(cs, target)
        if found is not None:
            _keep(out, cs, found, zoning_cost(cs, found), share_bound(cs))
            best, out.source = found, "greedy"
            out.status = "OPTIMAL" if out.objective == out.bound else "FEASIBLE"  # proven by the bound
    if out.status == "OPTIMAL":
        out.messages = []
    if out.status not in ("OPTIMAL", "INFEASIBLE"):
        out.messages = [_not_proven(cd.name, code, out, time.perf_counter() < deadline and not cancelled)]
    out.work = (cs, target, best) if out.status in ("FEASIBLE", "UNKNOWN") else None
    out.time += time.perf_counter() - t0
    return out


def _not_proven(county: str, code: str, out: _CountyOutcome, had_time: bool) -> str:
    if code == "MODEL_INVALID":
        return f"county {county}: the model is invalid ({code})"
    why = "time limit reached" if had_time else "time limit used up before the county was solved"
    if out.source == "cp-sat":
        return f"county {county}: {why}; best zoning is {_gap_note(out)}"
    if out.source == "greedy":
        return (f"county {county}: {why} and the exact model found no zoning; a greedy zoning that follows "
                f"every rule is kept ({_gap_note(out)})")
    return f"county {county}: no zoning found within the time limit"


def _diagnose(inp: ZoningInput, cd: CountyData, options: ZoningOptions, w: WhatIfs, deadline: float) -> list[str]:
    """Name what-ifs that cannot hold together, or the part of the county that cannot be split."""
    loc = cd.local()
    base = options.model_copy(update={"together": [], "apart": [], "keep": False, "exclude": []})
    try:
        cs = diagnostic_candidates(cd, base)
    except TooManyCandidates:
        return [f"county {cd.name}: no zoning satisfies the rules and what-ifs (too many candidates to diagnose)"]
    ex = [(loc[i], f"exclude {label(inp, i)}") for i in sorted(w.excluded) if i in loc]
    kept = [(tuple(loc[i] for i in mem), f"keep zone {z}") for z, mem in w.kept.items() if mem[0] in loc]
    tog = [(loc[a], loc[b], f"together {label(inp, a)} + {label(inp, b)}") for a, b in w.together
           if a in loc and b in loc]
    apa = [(loc[a], loc[b], f"apart {label(inp, a)} / {label(inp, b)}") for a, b in w.apart
           if a in loc and b in loc]
    tgt = options.target_for(cd.name)
    dm = build_diagnostic_model(cs, excluded=ex, kept=kept, together=tog, apart=apa,
                                target=None if tgt is None else (tgt, f"target of {tgt} zones"))

    def infeasible(assume: Sequence[cp_model.IntVar]) -> tuple[bool, list[int]]:
        dm.model.clear_assumptions()
        dm.model.add_assumptions(assume)
        solver = _solver(options, min(10.0, deadline - time.perf_counter()), workers=1)
        code = solver.solve(dm.model)
        core = list(solver.sufficient_assumptions_for_infeasibility()) if code == cp_model.INFEASIBLE else []
        return code == cp_model.INFEASIBLE, core

    bad, core = infeasible(dm.assumptions)
    if not bad:
        return [f"county {cd.name}: no zoning satisfies the rules and what-ifs (diagnosis inconclusive)"]
    by_index = {v.index: v for v in dm.assumptions}
    core_vars = [by_index[i] for i in core if i in by_index]
    if core_vars and len(core_vars) <= 16:  # shrink to a minimal set by deletion
        for v in list(core_vars):
            trial = [u for u in core_vars if u is not v]
            if infeasible(trial)[0]:
                core_vars = trial
    if core_vars:
        named = "; ".join(dm.why[v.index] for v in core_vars)
        return [f"county {cd.name}: these what-ifs cannot hold together with zones of "
                f"{options.min_size}..{options.max_size} connected townships: {named}. "
                f"Drop or change one of them"]
    return _structural(inp, cd, base, deadline)


def _structural(inp: ZoningInput, cd: CountyData, base: ZoningOptions, deadline: float) -> list[str]:
    """Find the connected pieces of the county that cannot be split on their own."""
    n = len(cd.idx)
    seen: set[int] = set()
    msgs = []
    for s in range(n):
        if s in seen:
            continue
        comp = reach(s, cd.nbrs)
        seen |= comp
        others = {int(cd.idx[l]) for l in range(n) if l not in comp}
        cs = county_candidates(cd, base, others, {}, (), ())
        solver = _solver(base, min(10.0, deadline - time.perf_counter()), workers=1)
        if solver.solve(build_partition_model(cs).model) == cp_model.INFEASIBLE:
            members = [int(cd.idx[l]) for l in comp]
            msgs.append(f"county {cd.name}: the connected group {labels(inp, members)} ({len(comp)} townships) "
                        f"cannot be split into connected zones of {base.min_size}..{base.max_size} townships; "
                        f"check its adjacency or change the sizes")
    return msgs or [f"county {cd.name}: no zoning exists with zones of {base.min_size}..{base.max_size} "
                    f"connected townships and the target zone count"]


def _zone_names(inp: ZoningInput, outcomes: list[_CountyOutcome]) -> list[list[str]]:
    """The name of every zone of every county, by the rule of :mod:`zoneplan.zoning.naming`.

    A kept zone keeps its id, and so does a new zone with exactly the members of a current
    zone; other zones are named after their hub (鹤溪片区), with the county's name before it
    where that is taken, else 第一协作区 ... in geographic order.  No generated name is the name
    of another zone of the current zoning (of any county) or of this one.
    """
    from .naming import core_name, hub_zone_name, ordinal, zone_order

    current = inp.current_zone or [""] * inp.n
    by_members: dict[tuple[str, frozenset[int]], str] = {}
    members_of: dict[tuple[str, str], list[int]] = {}
    for i, z in enumerate(current):
        if z:
            members_of.setdefault((inp.county[i], z), []).append(i)
    for (c, z), m in members_of.items():
        by_members[(c, frozenset(m))] = z
    taken = {z for z in current if z}
    names: list[list[str]] = [[""] * len(oc.zones) for oc in outcomes]
    for k, oc in enumerate(outcomes):  # the planner's names first
        for j, (members, _h, kept) in enumerate(oc.zones):
            name = kept or by_members.get((oc.county, frozenset(members)), "")
            if name:
                names[k][j] = name
                taken.add(name)
    several = sum(1 for oc in outcomes if oc.zones) > 1
    # listing order: counties by name, zones north to south, west to east
    pos = {}
    for k, oc in enumerate(outcomes):
        col = [""] * inp.n
        for j, (members, _h, _kept) in enumerate(oc.zones):
            for i in members:
                col[i] = str(j)
        for rank, j in enumerate(zone_order(col, inp.lat, inp.lon)):
            pos[(k, int(j))] = rank
    todo = sorted(((k, j) for k, oc in enumerate(outcomes) for j in range(len(oc.zones)) if not names[k][j]),
                  key=lambda kj: (outcomes[kj[0]].county, pos[kj]))
    hub_name: dict[tuple[int, int], str] = {}
    for k, j in todo:
        h = outcomes[k].zones[j][1]
        nm = str(inp.names[h] or "").strip()
        if nm and nm != inp.township_ids[h]:
            hub_name[(k, j)] = hub_zone_name(nm)
    proposed = [hub_name[kj] for kj in todo if kj in hub_name]
    twice = {n for n in proposed if proposed.count(n) > 1}
    for k, j in todo:
        cand = hub_name.get((k, j))
        if cand is None:
            continue
        county = outcomes[k].county
        if cand in taken or cand in twice:
            cand = f"{core_name(county)}{cand}" if county else ""
            same_county = sum(1 for kj in todo if kj[0] == k and hub_name.get(kj) == hub_name[(k, j)]) > 1
            if not cand or cand in taken or same_county:
                continue
        names[k][j] = cand
        taken.add(cand)
    for k, oc in enumerate(outcomes):  # what is left: ordinals in geographic order
        prefix = oc.county if several and oc.county else ""
        n = 0
        for kk, j in todo:
            if kk != k or names[k][j]:
                continue
            while True:
                n += 1
                cand = f"{prefix}{ordinal(n)}"
                if cand not in taken:
                    break
            names[k][j] = cand
            taken.add(cand)
    return names


def solve_zoning(inp: ZoningInput, options: ZoningOptions | None = None, *, threads: int | None = None,
                 cancel: Cancel | None = None) -> ZoningResult:
    """Partition each county's townships into connected zones of ``min_size..max_size``.

    Counties are independent sub-problems solved side by side (``threads``, default the
    machine's cores; each with ``options.workers`` CP-SAT workers), each by exact set
    partitioning over all connected candidate zones (see :mod:`~zoneplan.zoning.model`)
    within its share of the time left.  Pre-solve checks explain obvious infeasibility
    without solving; an infeasible model is diagnosed by a re-solve with the what-ifs
    behind assumptions.

    Parameters
    ----------
    inp
        The townships (not modified).
    options
        Sizes, weights, what-ifs and limits; defaults to ``ZoningOptions()``.
    threads
        Counties solved at the same time.  The zoning does not depend on it.
    cancel
        A :class:`~zoneplan.runner.Cancel` handle: cancelling stops every county at once
        (counties not solved are ``UNKNOWN``).

    Returns
    -------
    ZoningResult
        Always; infeasibility and time-outs are statuses with explanations.  Counties that
        have a zoning keep it in ``zones`` even when another county fails.

    Raises
    ------
    ValueError
        For bad input: unknown township or zone ids in what-ifs, unknown counties in
        ``target_zones``, or a county with more than ``max_candidates`` candidate zones.

    Examples
    --------
    >>> inp = ZoningInput.from_coordinates(list("abcd"), None, ["c"] * 4, [0] * 4, [0, .1, .2, .3])
    >>> res = solve_zoning(inp)
    >>> str(res.status), sorted(set(res.zones.zone))
    ('OPTIMAL', ['第一协作区', '第二协作区'])
    """
    import os

    options = options or ZoningOptions()
    budget = Budget(options.time_limit, cancel)
    t0 = budget.start
    w = resolve_whatifs(inp, options)
    findings = precheck(inp, options, w)
    counties = inp.counties()
    sizes = {c: n for c, n in zip(*np.unique(np.asarray(inp.county, dtype=object), return_counts=True))}
    todo = [c for c in counties if c not in findings]
    threads = max(1, threads or os.cpu_count() or 1)

    def run_round(jobs: list[str], prior: dict[str, _CountyOutcome]) -> dict[str, _CountyOutcome]:
        started = [0]
        lock = threading.Lock()

        def one(county: str) -> _CountyOutcome:
            with lock:  # this county's share of the time left
                left = budget.remaining()
                rest = len(jobs) - started[0]
                share = None if left is None else left * min(threads, rest) / rest
                started[0] += 1
            deadline = time.perf_counter() + (share if share is not None else 1e9)
            before = prior.get(county)
            cd = before.work[0].county if before is not None and before.work else county_data(inp, county, set(w.excluded))
            oc = _solve_county(inp, cd, options, w, deadline, budget.cancel, before)
            logger.debug("county %s: %s (%s) in %.3fs", county, oc.status, oc.source, oc.time)
            return oc

        # largest counties first, so one big county does not finish alone at the end
        return dict(zip(jobs, parallel_map(one, jobs, threads, budget, weight=lambda c: sizes[c])))

    # Round 1: every county within its share.  Round 2: the time left goes to the counties
    # not proven (their zoning so far is the hint), so fast counties lend time to slow ones.
    solved = run_round(todo, {})
    again = [c for c in todo if solved[c].work is not None]
    if again and not budget.stopped:
        logger.debug("zoning: %d counties not proven in round 1; %.2fs left", len(again), budget.remaining() or 0)
        solved.update(run_round(again, solved))
    for oc in solved.values():
        oc.work = None
    outcomes: list[_CountyOutcome] = []
    for county in counties:
        if county in findings:
            outcomes.append(_CountyOutcome(county, "INFEASIBLE", int(sizes[county]),
                                           messages=[f"county {county}: {m}" for m in findings[county]]))
        else:
            outcomes.append(solved[county])

    zone = [""] * inp.n
    hub = [""] * inp.n
    for oc, zone_names in zip(outcomes, _zone_names(inp, outcomes)):
        for (members, h, _), zid in zip(oc.zones, zone_names):
            for i in members:
                zone[i] = zid
                hub[i] = inp.township_ids[h]
    zones = pd.DataFrame({
        "township_id": inp.township_ids, "name": inp.names, "county": inp.county,
        "zone": zone, "hub": hub, "is_hub": [hub[i] == inp.township_ids[i] for i in range(inp.n)],
    }, columns=_ZONE_COLUMNS)
    per_county = pd.DataFrame([{
        "county": oc.county, "status": oc.status, "townships": oc.townships, "zones": len(oc.zones),
        "candidates": oc.candidates,
        "objective": np.nan if oc.objective is None else oc.objective / COST_SCALE,
        "bound": np.nan if oc.bound is None else oc.bound / COST_SCALE, "time": oc.time, "source": oc.source,
    } for oc in outcomes], columns=_COUNTY_COLUMNS)
    status = overall_status(oc.status for oc in outcomes) if outcomes else Status.OPTIMAL
    objective = bound = gap = None
    levels = Levels()
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        obj_i = sum(oc.objective or 0 for oc in outcomes)
        bnd_i = sum(oc.bound or 0 for oc in outcomes)
        objective, bound = obj_i / COST_SCALE, bnd_i / COST_SCALE
        gap = (obj_i - bnd_i) / max(float(COST_SCALE), abs(obj_i))
        levels = Levels([LevelResult("cost", "min", objective, bound, status == Status.OPTIMAL)])
    explanations = [m for oc in outcomes for m in oc.messages]
    wall = time.perf_counter() - t0
    logger.info("zoning %s: objective %s, bound %s, %.3fs", status, objective, bound, wall)
    return ZoningResult(status, objective, bound, gap, wall, options.seed, options, zones, per_county, explanations,
                        levels)


def zone(tables, options: ZoningOptions | None = None, *, with_roster: bool = True,
         cancel: Cancel | None = None) -> ZoningResult:
    """Zone the townships of loaded tables (:func:`zoneplan.load`): the zoning counterpart
    of :func:`zoneplan.staff`.  See :func:`solve_zoning`."""
    from zoneplan.zoning.adapter import zoning_input

    return solve_zoning(zoning_input(tables, with_roster=with_roster), options, cancel=cancel)
