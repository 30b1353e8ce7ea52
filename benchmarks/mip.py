"""The staffing model as a MIP, solved by HiGHS: the exact baseline.

The model is built from the same :class:`zoneplan.staffing.Part` parts that zoneplan's
CP-SAT model is built from (same eligible pairs, same cases dropped by the pre-check, same
integer scaling: whole road minutes, workload in hundredths), with the same constraints:

* team: ``sum x[p] for p of case c == team_size[c] * y[c]``;
* lead: one lead among the lead-eligible members when the case needs one
  (``lead[p] <= x[p]``, ``sum lead[p] == y[c]``);
* skills: ``sum x[p] for p whose member has skill s >= y[c]``, per required skill;
* capacity: ``sum x[p] for p of investigator i <= capacity[i]``;
* workload: ``current[i] + sum workload[c] * x[p] <= z``.

Levels are solved lexicographically, as zoneplan does: (1) maximise priority-weighted
staffed cases, then fix it (``>=`` the value found); (2) minimise the global max workload,
the largest part optimum (parts whose incumbent is already within the running maximum are
skipped, then ``z <= value`` is fixed in every part); (3) minimise total travel.  Each level
gets ``time_limit`` seconds over all parts; a level cut short keeps its incumbent (always
valid: the empty plan, or the previous level's plan, satisfies every fixed level) and is
reported as not proven with HiGHS's dual bound.  The next level is warm-started from the
previous plan.  Reported values are those of the returned plan (a later level can improve an
earlier, unproven one, e.g. travel minimisation lowering an unproven max workload).

Optimality is exact: ``mip_rel_gap = 0`` and ``mip_abs_gap = 0.999`` (every objective is
integral, so an absolute gap below one closes it).  HiGHS runs the parts one after another
(its branch and bound is essentially serial), with ``threads`` threads.  The LP relaxation
bound of level 1 is computed too (one LP per part, timed separately and *not* counted in
the wall time).

Two processes
-------------
OR-Tools bundles its own ``libhighs.so.1`` and the two builds cannot be loaded into one
process (whichever loads second fails with an undefined symbol).  So the work is split:
:func:`export_parts` runs with zoneplan (prepared instance, pre-check, :func:`decompose`) and
writes the parts as plain arrays; ``python -m benchmarks.mip PARTS.npz OUT.json`` loads only
``highspy``, numpy and pandas, builds and solves the MIPs and writes the chosen pairs.
:func:`mip_staff` does both and returns the plan.  This module imports neither zoneplan nor
``highspy`` at module level.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MipLevel", "MipResult", "PartArrays", "build_mip", "export_parts", "load_parts", "mip_staff",
           "solve_parts", "main"]

LEVELS = ("staffed", "max_workload", "travel")
_INF = math.inf  # HiGHS reads +-inf as its infinity


@dataclass(frozen=True)
class MipLevel:
    """One objective level as HiGHS left it (user units: max_workload in workload units)."""

    name: str
    value: float
    bound: float
    proven: bool

    @property
    def gap(self) -> float:
        """Relative gap ``|bound - value| / max(1, |value|)`` (zoneplan's definition)."""
        return abs(self.bound - self.value) / max(1.0, abs(self.value))


@dataclass
class MipResult:
    """What :func:`mip_staff` returns: status, levels, plan, timings, memory and model size.

    ``wall_time`` counts eligibility, pre-check and decomposition (zoneplan side) plus model
    building and solving (HiGHS side); process start and the array hand-over are in
    ``timings["overhead"]``, the LP bound in ``timings["lp_bound"]``.
    """

    status: str  # OPTIMAL when every level of every part was proven, else FEASIBLE
    levels: list[MipLevel]
    assignments: pd.DataFrame
    wall_time: float
    timings: dict[str, float] = field(default_factory=dict)
    lp_bound: float = math.nan  # LP relaxation bound of level 1 (staffed)
    stats: dict[str, Any] = field(default_factory=dict)
    peak_rss_mib: float = math.nan  # of the HiGHS process


@dataclass(frozen=True)
class PartArrays:
    """One independent part as plain arrays (a :class:`zoneplan.staffing.Part`, flattened)."""

    inv_global: np.ndarray
    case_global: np.ndarray
    pair_inv: np.ndarray
    pair_case: np.ndarray
    pair_cost: np.ndarray
    pair_minutes: np.ndarray
    pair_lead: np.ndarray
    team_size: np.ndarray
    needs_lead: np.ndarray
    priority: np.ndarray
    workload: np.ndarray
    capacity: np.ndarray
    current_load: np.ndarray
    case_skill_pairs: tuple[tuple[tuple[int, ...], ...], ...]

    @property
    def n_pairs(self) -> int:
        return len(self.pair_inv)


_ARRAYS = ("inv_global", "case_global", "pair_inv", "pair_case", "pair_cost", "pair_minutes", "pair_lead",
           "team_size", "needs_lead", "priority", "workload", "capacity", "current_load")


# --------------------------------------------------------------------------- zoneplan side


def export_parts(tables, rules=None, whole: bool = False) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Prepared instance, pre-check and decomposition by zoneplan, flattened to named arrays.

    Returns the arrays (for ``numpy.savez``) and the seconds spent in ``eligibility``
    (the prepared instance) and ``decompose`` (pre-check included).  Skill lists are stored
    as, per part, the local case of each required skill (``skill_case``), offsets into
    ``skill_pairs`` (``skill_start``) and the concatenated local pair indices
    (``skill_pairs``).
    """
    from zoneplan import RuleOptions
    from zoneplan.staffing import build_instance, decompose
    from zoneplan.staffing.explain import precheck

    t0 = time.perf_counter()
    inst = build_instance(tables, rules or RuleOptions())
    t1 = time.perf_counter()
    drop = np.zeros(inst.n_cases, dtype=bool)
    drop[list(precheck(inst))] = True
    parts = decompose(inst, drop, single=whole)
    out: dict[str, np.ndarray] = {
        "case_ids": inst.case_ids.astype(str), "inv_ids": inst.inv_ids.astype(str),
        "n_parts": np.array(len(parts)), "eligible_pairs": np.array(inst.n_pairs),
        "floor": np.array(inst.floor),
    }
    for k, part in enumerate(parts):
        values = {
            "inv_global": part.invs, "case_global": part.cases, "pair_inv": part.pair_inv,
            "pair_case": part.pair_case, "pair_cost": part.pair_cost, "pair_minutes": inst.pair_minutes[part.pairs],
            "pair_lead": part.pair_lead, "team_size": part.team_size, "needs_lead": part.needs_lead,
            "priority": part.priority, "workload": part.workload, "capacity": part.capacity,
            "current_load": part.current_load,
        }
        for a in _ARRAYS:
            out[f"p{k}.{a}"] = np.asarray(values[a])
        out[f"p{k}.skill_case"] = np.asarray(part.req_case, dtype=np.int64)
        out[f"p{k}.skill_start"] = np.asarray(part.req_ptr, dtype=np.int64)
        out[f"p{k}.skill_pairs"] = np.asarray(part.req_pairs, dtype=np.int64)
    t2 = time.perf_counter()
    return out, {"eligibility": t1 - t0, "decompose": t2 - t1}


def mip_staff(tables, rules=None, time_limit: float = 60.0, whole: bool = False, threads: int = 1,
              seed: int = 0, lp_bound: bool | str = True) -> MipResult:
    """Solve the staffing model with HiGHS (in a child process), lexicographically.

    Parameters
    ----------
    tables : zoneplan.Tables
        Validated input.
    rules : zoneplan.RuleOptions, optional
        Hard rules in force.
    time_limit : float
        Seconds per level, over all parts.
    whole : bool
        One MIP over the whole instance instead of one per independent part.
    threads, seed : int
        HiGHS ``threads`` and ``random_seed``.
    lp_bound : bool or "auto"
        Also compute the LP relaxation bound of level 1 (not counted in ``wall_time``);
        ``"auto"``: only below 100,000 eligible pairs.

    Returns
    -------
    MipResult
        Always; levels cut short by the time limit are a status, not an exception.

    Raises
    ------
    RuntimeError
        If the HiGHS child process fails.
    """
    t0 = time.perf_counter()
    arrays, prep = export_parts(tables, rules, whole)
    if lp_bound == "auto":  # the full LP of a dense part takes HiGHS minutes
        lp_bound = int(arrays["eligible_pairs"]) < 100_000
    with tempfile.TemporaryDirectory(prefix="zoneplan-mip-") as tmp:
        parts_path, out_path = Path(tmp) / "parts.npz", Path(tmp) / "out.json"
        np.savez(parts_path, **arrays)
        cmd = [sys.executable, "-m", "benchmarks.mip", str(parts_path), str(out_path),
               "--time-limit", str(time_limit), "--threads", str(threads), "--seed", str(seed)]
        if not lp_bound:
            cmd.append("--no-lp-bound")
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"HiGHS process failed ({proc.returncode}): {proc.stderr[-2000:]}")
        res = json.loads(out_path.read_text(encoding="utf-8"))
    elapsed = time.perf_counter() - t0
    plan = pd.DataFrame(res["plan"], columns=["case_id", "investigator_id", "role", "travel_minutes"])
    plan = plan.astype({"case_id": object, "investigator_id": object, "role": object, "travel_minutes": float})
    t = res["timings"]
    timings = {**prep, "build": t["build"], "solve": t["solve"], "lp_bound": t["lp_bound"]}
    wall = prep["eligibility"] + prep["decompose"] + t["build"] + t["solve"]
    timings["overhead"] = elapsed - wall - t["lp_bound"]
    return MipResult(
        status=res["status"], levels=[MipLevel(**lv) for lv in res["levels"]], assignments=plan,
        wall_time=wall, timings=timings, lp_bound=res["lp_bound"],
        stats={"eligible_pairs": int(arrays["eligible_pairs"]), **res["stats"],
               "mode": "whole" if whole else "per part"},
        peak_rss_mib=res["peak_rss_mib"],
    )


# --------------------------------------------------------------------------- HiGHS side


def load_parts(path: str | Path) -> tuple[list[PartArrays], dict[str, np.ndarray]]:
    """Read :func:`export_parts` arrays back as parts plus the shared arrays."""
    with np.load(path, allow_pickle=False) as z:
        data = {k: z[k] for k in z.files}
    parts = []
    for k in range(int(data["n_parts"])):
        sc, st, flat = data[f"p{k}.skill_case"], data[f"p{k}.skill_start"], data[f"p{k}.skill_pairs"]
        n_case = len(data[f"p{k}.case_global"])
        lists: list[list[tuple[int, ...]]] = [[] for _ in range(n_case)]
        for j, c in enumerate(sc.tolist()):
            lists[c].append(tuple(flat[st[j]:st[j + 1]].tolist()))
        parts.append(PartArrays(**{a: data[f"p{k}.{a}"] for a in _ARRAYS},
                                case_skill_pairs=tuple(tuple(x) for x in lists)))
    shared = {k: data[k] for k in ("case_ids", "inv_ids", "floor", "eligible_pairs")}
    return parts, shared


@dataclass
class _Mip:
    """A built HiGHS model of one part, its column layout and current plan."""

    sp: PartArrays
    highs: Any
    n_pairs: int
    n_cases: int
    lead_pairs: np.ndarray  # pair index of each lead column
    z: int  # column of the max-load variable
    z_low: float  # current bounds of z
    z_up: float
    n_rows: int
    x: np.ndarray | None = None  # current plan: member per pair
    y: np.ndarray | None = None
    lead: np.ndarray | None = None

    @property
    def n_cols(self) -> int:
        return self.z + 1

    def max_load(self) -> int:
        """Largest workload (hundredths) of the part's current plan."""
        load = self.sp.current_load.astype(np.int64).copy()
        if self.x is not None:
            np.add.at(load, self.sp.pair_inv[self.x], self.sp.workload[self.sp.pair_case[self.x]])
        return int(load.max()) if len(load) else 0

    def values(self) -> dict[str, int]:
        """Model-unit objective values of the current plan."""
        if self.x is None:
            return {"staffed": 0, "max_workload": self.max_load(), "travel": 0}
        return {"staffed": int(self.sp.priority[self.y].sum()), "max_workload": self.max_load(),
                "travel": int(self.sp.pair_cost[self.x].sum())}


def build_mip(sp, threads: int = 1, seed: int = 0) -> _Mip:
    """Build the HiGHS model of one part (no objective yet).  No solving, no I/O.

    ``sp`` is a :class:`PartArrays`.
    Columns: ``x`` per pair, ``y`` per case, ``lead`` per lead-eligible pair of a case that
    needs a lead, then ``z`` (max load in hundredths, continuous: its optimum is integral).
    """
    import highspy

    P, C = sp.n_pairs, len(sp.case_global)
    pair_case, pair_inv = sp.pair_case, sp.pair_inv
    lead_pairs = np.flatnonzero(sp.pair_lead & sp.needs_lead[pair_case])
    L = len(lead_pairs)
    y0, l0, z = P, P + C, P + C + L
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    up: list[np.ndarray] = []
    n_rows = 0

    def add(r, c, v, low, high) -> None:
        nonlocal n_rows
        rows.append(np.asarray(r, dtype=np.int64) + n_rows)
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=float))
        lo.append(np.asarray(low, dtype=float))
        up.append(np.asarray(high, dtype=float))
        n_rows += len(low)

    cases = np.arange(C)
    # team: sum x - team * y == 0
    add(np.r_[pair_case, cases], np.r_[np.arange(P), y0 + cases],
        np.r_[np.ones(P), -sp.team_size.astype(float)], np.zeros(C), np.zeros(C))
    # lead: sum lead - y == 0 per case needing a lead; lead - x <= 0 per lead column
    lc = np.flatnonzero(sp.needs_lead)
    lc_row = np.full(C, -1)
    lc_row[lc] = np.arange(len(lc))
    add(np.r_[lc_row[pair_case[lead_pairs]], np.arange(len(lc))], np.r_[l0 + np.arange(L), y0 + lc],
        np.r_[np.ones(L), -np.ones(len(lc))], np.zeros(len(lc)), np.zeros(len(lc)))
    add(np.r_[np.arange(L), np.arange(L)], np.r_[l0 + np.arange(L), lead_pairs],
        np.r_[np.ones(L), -np.ones(L)], np.full(L, -_INF), np.zeros(L))
    # skills: sum x over pairs with the skill - y >= 0
    sr: list[int] = []
    sc: list[int] = []
    sv: list[float] = []
    k = 0
    for c, lists in enumerate(sp.case_skill_pairs):
        for ps in lists:
            sr += [k] * (len(ps) + 1)
            sc += list(ps) + [y0 + c]
            sv += [1.0] * len(ps) + [-1.0]
            k += 1
    add(sr, sc, sv, np.zeros(k), np.full(k, _INF))
    # capacity: sum x <= capacity, where it can bind
    n_inv = len(sp.inv_global)
    deg = np.bincount(pair_inv, minlength=n_inv)
    cap_inv = np.flatnonzero(deg > sp.capacity)
    cap_row = np.full(n_inv, -1)
    cap_row[cap_inv] = np.arange(len(cap_inv))
    m = cap_row[pair_inv] >= 0
    add(cap_row[pair_inv[m]], np.flatnonzero(m), np.ones(int(m.sum())), np.full(len(cap_inv), -_INF),
        sp.capacity[cap_inv])
    # workload: sum w x - z <= -current, per investigator with pairs
    wi = np.flatnonzero(deg > 0)
    w_row = np.full(n_inv, -1)
    w_row[wi] = np.arange(len(wi))
    add(np.r_[w_row[pair_inv], np.arange(len(wi))], np.r_[np.arange(P), np.full(len(wi), z)],
        np.r_[sp.workload[pair_case].astype(float), -np.ones(len(wi))], np.full(len(wi), -_INF),
        -sp.current_load[wi].astype(float))

    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    order = np.lexsort((c, r))
    r, c, v = r[order], c[order], v[order]
    n_cols = z + 1
    base = float(sp.current_load.max()) if len(sp.current_load) else 0.0
    top = max(base, base + float(sp.workload.sum()))
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.zeros(n_cols)
    lp.col_lower_ = np.r_[np.zeros(n_cols - 1), base]
    lp.col_upper_ = np.r_[np.ones(n_cols - 1), top]
    lp.row_lower_ = np.concatenate(lo)
    lp.row_upper_ = np.concatenate(up)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(r, minlength=n_rows))].astype(np.int32)
    lp.a_matrix_.index_ = c.astype(np.int32)
    lp.a_matrix_.value_ = v
    lp.integrality_ = [highspy.HighsVarType.kInteger] * (n_cols - 1) + [highspy.HighsVarType.kContinuous]
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", seed)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.passModel(lp)
    return _Mip(sp, h, P, C, lead_pairs, z, base, top, n_rows)


def _set_objective(m: _Mip, name: str) -> None:
    import highspy

    cost = np.zeros(m.n_cols)
    if name == "staffed":
        cost[m.n_pairs:m.n_pairs + m.n_cases] = m.sp.priority
        sense = highspy.ObjSense.kMaximize
    elif name == "max_workload":
        cost[m.z] = 1.0
        sense = highspy.ObjSense.kMinimize
    else:
        cost[:m.n_pairs] = m.sp.pair_cost
        sense = highspy.ObjSense.kMinimize
    m.highs.changeColsCost(m.n_cols, np.arange(m.n_cols, dtype=np.int32), cost)
    m.highs.changeObjectiveSense(sense)


def _warm_start(m: _Mip) -> None:
    """Give HiGHS the current plan as a starting incumbent."""
    import highspy

    if m.x is None:
        return
    col = np.zeros(m.n_cols)
    col[:m.n_pairs] = m.x
    col[m.n_pairs:m.n_pairs + m.n_cases] = m.y
    col[m.n_pairs + m.n_cases:m.z] = m.lead[m.lead_pairs]
    col[m.z] = max(float(m.max_load()), m.z_low)
    sol = highspy.HighsSolution()
    sol.col_value = col
    sol.value_valid = True
    m.highs.setSolution(sol)


def _solve(m: _Mip, name: str, seconds: float) -> tuple[bool, float]:
    """Optimise one level on one part within ``seconds``; returns (proven, dual bound).

    The part's plan is replaced only when HiGHS returns a feasible solution.
    """
    import highspy

    h = m.highs
    _set_objective(m, name)
    _warm_start(m)
    h.setOptionValue("time_limit", max(0.01, seconds))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status == highspy.kSolutionStatusFeasible:
        col = np.asarray(h.getSolution().col_value)
        m.x = col[:m.n_pairs] > 0.5
        m.y = col[m.n_pairs:m.n_pairs + m.n_cases] > 0.5
        m.lead = np.zeros(m.n_pairs, dtype=bool)
        m.lead[m.lead_pairs] = col[m.n_pairs + m.n_cases:m.z] > 0.5
    elif m.x is None:  # no plan yet: the empty plan is valid
        m.x = np.zeros(m.n_pairs, dtype=bool)
        m.y = np.zeros(m.n_cases, dtype=bool)
        m.lead = np.zeros(m.n_pairs, dtype=bool)
    return status == highspy.HighsModelStatus.kOptimal, float(info.mip_dual_bound)


def _lp_bound(m: _Mip) -> float:
    """LP relaxation bound of level 1 (staffed) for one part."""
    h = m.highs
    _set_objective(m, "staffed")
    h.setOptionValue("solve_relaxation", True)
    h.setOptionValue("time_limit", 60.0)
    h.run()
    val = float(h.getInfo().objective_function_value)
    h.setOptionValue("solve_relaxation", False)
    h.clearSolver()
    return val


def _fix(m: _Mip, name: str, value: int) -> None:
    """Keep a solved level: staffed >= value, z <= value, travel <= value."""
    h = m.highs
    if name == "staffed":
        idx = np.arange(m.n_pairs, m.n_pairs + m.n_cases, dtype=np.int32)
        h.addRow(float(value), _INF, len(idx), idx, m.sp.priority.astype(float))
    elif name == "max_workload":
        m.z_up = float(value)
        h.changeColBounds(m.z, m.z_low, m.z_up)
    else:
        idx = np.arange(m.n_pairs, dtype=np.int32)
        h.addRow(-_INF, float(value), len(idx), idx, m.sp.pair_cost.astype(float))


def _max_level(parts: list[_Mip], floor: int, deadline: float) -> tuple[int, float, bool]:
    """Global min-max workload (hundredths): the largest part optimum.

    Parts are visited from the largest incumbent max load down; a part already within the
    running maximum ``L`` is skipped, others minimise ``z >= L``.
    """
    level, bound, proven = floor, float(floor), True
    for m in sorted(parts, key=lambda p: -p.max_load()):
        if m.max_load() <= level:
            continue
        m.z_low = max(m.z_low, float(level))
        m.highs.changeColBounds(m.z, m.z_low, m.z_up)
        ok, dual = _solve(m, "max_workload", deadline - time.perf_counter())
        proven &= ok
        level = max(level, m.max_load())
        bound = max(bound, math.ceil(dual - 1e-6) if math.isfinite(dual) else level)
    value = max([floor] + [m.max_load() for m in parts])
    return value, float(value) if proven else min(bound, float(value)), proven


def solve_parts(parts: list[PartArrays], floor: int, time_limit: float = 60.0, threads: int = 1, seed: int = 0,
                lp_bound: bool = True) -> dict[str, Any]:
    """Build and solve every part lexicographically; the plan as global index triples.

    Returns a dict with ``status``, ``levels`` (user units), ``lp_bound``, ``timings``
    (``build``, ``solve``, ``lp_bound``), ``stats`` and ``chosen``: arrays of global case,
    global investigator, lead flag and road minutes of every assigned pair.
    """
    t0 = time.perf_counter()
    mips = [build_mip(sp, threads, seed) for sp in parts]
    t1 = time.perf_counter()
    lp_val = sum(_lp_bound(m) for m in mips) if lp_bound else math.nan
    t2 = time.perf_counter()
    levels: list[dict[str, Any]] = []
    proven_all = True
    for name in LEVELS:
        deadline = time.perf_counter() + time_limit
        if name == "max_workload":
            value, bound, proven = _max_level(mips, floor, deadline)
            for m in mips:
                _fix(m, name, value)
            levels.append({"name": name, "value": value / 100.0, "bound": bound / 100.0, "proven": proven})
        else:
            total, bound, proven = 0, 0.0, True
            for m in sorted(mips, key=lambda p: -p.n_pairs):
                ok, dual = _solve(m, name, deadline - time.perf_counter())
                v = m.values()[name]
                proven &= ok
                total += v
                if ok:
                    bound += v
                elif math.isfinite(dual):  # integral objectives: round the dual bound inwards
                    bound += math.floor(dual + 1e-6) if name == "staffed" else math.ceil(dual - 1e-6)
                else:  # this part gave no bound at all
                    bound = math.inf if name == "staffed" else bound
                _fix(m, name, v)
            levels.append({"name": name, "value": float(total), "bound": float(bound), "proven": proven})
        proven_all &= proven
    t3 = time.perf_counter()
    # report the returned plan's values: a later level may improve an unproven earlier one
    final = {"staffed": 0.0, "travel": 0.0, "max_workload": float(max([floor] + [m.max_load() for m in mips]))}
    for m in mips:
        v = m.values()
        final["staffed"] += v["staffed"]
        final["travel"] += v["travel"]
    for lv in levels:
        lv["value"] = final[lv["name"]] / (100.0 if lv["name"] == "max_workload" else 1.0)
    cs, ii, lead, mins = [], [], [], []
    for m in mips:
        q = np.flatnonzero(m.x)
        cs.append(m.sp.case_global[m.sp.pair_case[q]])
        ii.append(m.sp.inv_global[m.sp.pair_inv[q]])
        lead.append(m.lead[q])
        mins.append(m.sp.pair_minutes[q])
    return {
        "status": "OPTIMAL" if proven_all else "FEASIBLE",
        "levels": levels, "lp_bound": lp_val,
        "timings": {"build": t1 - t0, "lp_bound": t2 - t1, "solve": t3 - t2},
        "stats": {"parts": len(mips), "largest_part_pairs": max((m.n_pairs for m in mips), default=0),
                  "variables": int(sum(m.n_cols for m in mips)), "rows": int(sum(m.n_rows for m in mips))},
        "chosen": tuple(np.concatenate(a) if a else np.zeros(0) for a in (cs, ii, lead, mins)),
    }


def _peak_rss_mib() -> float:
    """Peak resident memory of this process (``VmHWM``, reset by ``exec``), MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.mip PARTS.npz OUT.json``: the HiGHS side of :func:`mip_staff`."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.mip", description=main.__doc__)
    ap.add_argument("parts")
    ap.add_argument("out")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per level, over all parts")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-lp-bound", action="store_true")
    args = ap.parse_args(argv)
    if "ortools" in sys.modules or "zoneplan" in sys.modules:
        raise RuntimeError("the HiGHS side must not load OR-Tools (conflicting libhighs.so.1)")
    parts, shared = load_parts(args.parts)
    res = solve_parts(parts, int(shared["floor"]), args.time_limit, args.threads, args.seed,
                      lp_bound=not args.no_lp_bound)
    c, i, lead, mins = res.pop("chosen")
    c, i = c.astype(np.int64), i.astype(np.int64)
    plan = sorted(zip(shared["case_ids"][c].tolist(), shared["inv_ids"][i].tolist(),
                      np.where(lead.astype(bool), "lead", "member").tolist(),
                      np.round(mins.astype(float), 1).tolist()))
    res["plan"] = plan
    res["peak_rss_mib"] = _peak_rss_mib()
    Path(args.out).write_text(json.dumps(res), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
