"""``staff(..., draw=DrawOptions(...))``: the deterministic optimum, the distribution of
:mod:`~zoneplan.staffing.draw`, the plan drawn with the seed, its check, and the audit.

The result is a :class:`~zoneplan.staffing.result.StaffingResult` like any other (the
drawn plan in ``assignments``, checked by the independent checker) whose ``draw`` holds a
:class:`DrawReport`: the seed and its source text, the caps, the input hashes, every
eligible pair's probability, the plans each part was drawn from with their weights, the
expected and realised travel and workload, and the quality against the optimum.

Levels of a drawn plan are its own values (from the checker), with no bound: a draw is not
optimised plan by plan.  Its status is ``OPTIMAL`` when the deterministic optimum was
proven and the distribution is exact and optimal under the caps (every column generation
converged), else ``FEASIBLE``.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..data.tables import Tables
from ..errors import InternalError
from ..options import CHANGES_LEVEL, RuleOptions, SolveOptions
from ..results import LevelResult, Levels, Status
from ..runner import Budget, Cancel, run_off_main
from .assemble import assignments_frame, workload_frame
from .check import check
from .draw import DRAW_VERSION, Distribution, DrawOptions, draw_distribution, sample, sampling_key
from .draw import _fraction as _fraction_cap
from .drawcg import Linear
from .eligibility import build_eligibility, forbid_pairs
from .instance import WORKLOAD_SCALE, StaffingInstance, build_instance, scale_workload
from .levels import LEVELS
from .previous import attach_previous, change_frame, change_summary, previous_frame, resolve_locks
from .result import StaffingResult

__all__ = ["DrawReport", "staff_draw", "inputs_digest", "PAIR_COLUMNS"]

#: Columns of ``draw.csv`` (one row per eligible pair of a staffed case).
PAIR_COLUMNS = ["case_id", "investigator_id", "probability", "lead_probability", "cap", "lead_cap", "drawn", "role",
                "travel_minutes", "probability_exact", "lead_probability_exact", "cap_exact", "lead_cap_exact", "note"]


#: The note of a pair left out of the core a dense part is drawn over: probability 0, no cap
#: raised (so not in ``DrawReport.raised``).
OUTSIDE_CORE = "outside the core this dense part was drawn over (probability 0)"

def inputs_digest(sources: dict[str, Any]) -> str:
    """SHA-256 over the input files' hashes (``name:sha256`` lines, sorted by name)."""
    h = hashlib.sha256()
    for name in sorted(sources):
        s = sources[name]
        h.update(f"{name}:{s.sha256 if hasattr(s, 'sha256') else s['sha256']}\n".encode())
    return h.hexdigest()


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(float(a) / float(b), 6)


@dataclass
class DrawReport:
    """The audit of a draw (``result.draw``; ``report.json`` under ``draw``).

    Attributes
    ----------
    options : DrawOptions
        Caps, seed, seed text.
    seed_sha256 : str or None
        SHA-256 of the seed text (its first 16 hex digits are the seed).
    inputs : dict
        Table name -> ``{"file", "sha256"}`` of the input files; ``inputs_sha256`` over them.
    pairs : DataFrame
        Every eligible pair of a staffed case (:data:`PAIR_COLUMNS`): its probability of
        being on the team and of leading it (floats, and exact fractions), its caps, whether
        it was drawn, and why its cap was raised (``note``).
    cases, people : DataFrame
        Per case: eligible people, the largest probability, expected and realised travel;
        per person: expected and realised workload.
    parts : list of dict
        Per part (cases drawn together): its cases, its plans with their exact weights, the
        common denominator ``L``, the uniform ``u`` and the plan drawn.
    quality : dict
        The optimum's levels, the expected and realised ones, the workload bound and the
        ratios against the optimum.
    """

    options: DrawOptions
    seed_sha256: str | None
    inputs: dict[str, dict[str, str]]
    inputs_sha256: str
    workload_bound: float
    base_status: str
    proven: bool
    pairs: pd.DataFrame
    cases: pd.DataFrame
    people: pd.DataFrame
    parts: list[dict[str, Any]]
    quality: dict[str, Any]
    raised: list[dict[str, str]]
    replan: dict[str, Any] = field(default_factory=dict)
    iterations: int = 0
    seconds: float = 0.0

    @property
    def seed(self) -> int:
        return self.options.seed

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__
        from ortools import __version__ as ortools_version

        pairs = self.pairs.replace({np.nan: None})
        return {
            "version": DRAW_VERSION,
            "seed": str(self.options.seed),
            "seed_text": self.options.seed_text,
            "seed_sha256": self.seed_sha256,
            "cap": self.options.cap,
            "lead_cap": self.options.lead_cap,
            "strict": self.options.strict,
            "options": self.options.model_dump(mode="json") | {"seed": str(self.options.seed)},
            "inputs": self.inputs,
            "inputs_sha256": self.inputs_sha256,
            "replan": self.replan,
            "proven": self.proven,
            "base_status": self.base_status,
            "workload_bound": self.workload_bound,
            "quality": self.quality,
            "raised_caps": self.raised,
            "parts": self.parts,
            "cases": self.cases.replace({np.nan: None}).to_dict(orient="records"),
            "people": self.people.to_dict(orient="records"),
            "pairs": pairs.to_dict(orient="records"),
            "iterations": self.iterations,
            "software": {"zoneplan": __version__, "ortools": ortools_version},
        }


def _fmt(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)


def _base_pairs(inst: StaffingInstance, assignments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The deterministic plan as bool arrays over the instance's pairs (member, lead)."""
    ci = {c: k for k, c in enumerate(inst.case_ids.tolist())}
    ii = {c: k for k, c in enumerate(inst.inv_ids.tolist())}
    member = np.zeros(inst.n_pairs, dtype=bool)
    lead = np.zeros(inst.n_pairs, dtype=bool)
    if len(assignments):
        p = inst.pair_index(assignments["case_id"].map(ci).to_numpy(dtype=np.int64),
                            assignments["investigator_id"].map(ii).to_numpy(dtype=np.int64))
        if (p < 0).any():  # pragma: no cover - the base plan passed the checker
            raise InternalError("the deterministic plan holds a pair that is not eligible")
        member[p] = True
        lead[p[(assignments["role"] == "lead").to_numpy()]] = True
    return member, lead


def _max_distribution(dist: Distribution, floor: int) -> Fraction:
    """The expected largest workload (hundredths) when every part is drawn independently."""
    values = sorted({floor} | {c.load for pd_ in dist.parts for c in pd_.columns})
    expected = Fraction(0)
    prev_cdf = Fraction(0)
    for x in values:
        cdf = Fraction(1) if x >= floor else Fraction(0)
        for pd_ in dist.parts:
            cdf *= sum((w for c, w in zip(pd_.columns, pd_.weights) if c.load <= x), Fraction(0))
        expected += x * (cdf - prev_cdf)
        prev_cdf = cdf
    return expected


def staff_draw(tables: Tables, rules: RuleOptions | None, options: SolveOptions | None, draw: DrawOptions, *,
               progress=None, on_solution=None, cancel: Cancel | None = None,
               previous: pd.DataFrame | str | None = None, locks: Iterable[str] = (),
               forbid: Iterable[str] = ()) -> StaffingResult:
    """Draw a plan under ``draw``'s caps (see :func:`zoneplan.staff`, parameter ``draw``).

    Raises
    ------
    DrawError
        The caps cannot be kept (a ``ValueError`` naming the cases and the smallest caps).
    ValueError
        Weighted mode (a draw keeps the levels in order).
    """
    from .solve import staff

    t0 = time.perf_counter()
    rules = rules or RuleOptions()
    opts = options or SolveOptions()
    if opts.mode == "weighted":
        raise ValueError("a draw keeps the objective levels in order; weights (--weights) cannot be combined "
                         "with a draw")
    locks, forbid = list(locks), list(forbid)
    base = staff(tables, rules, opts, progress, on_solution=on_solution, cancel=cancel, previous=previous,
                 locks=locks, forbid=forbid)
    if base.stopped == "cancelled":
        return base
    t = time.perf_counter()
    prev = None if previous is None else previous_frame(previous)
    lk = resolve_locks(tables, prev, locks, forbid)
    el = forbid_pairs(build_eligibility(tables, rules), lk.forbid_inv, lk.forbid_case)
    inst = build_instance(tables, rules, el)
    if prev is not None or len(lk.lock_inv):
        inst = attach_previous(inst, prev, lk)
    member, lead = _base_pairs(inst, base.assignments)
    order = tuple(base.levels)
    w_star = int(scale_workload(base.levels["max_workload"].value))
    budget = Budget(None, cancel)  # no clock: the draw repeats on any machine
    dist = run_off_main(lambda: draw_distribution(inst, member, lead, order, w_star, draw, budget=budget,
                                                  workers=opts.workers, seed=opts.seed, progress=progress), budget)
    picks = sample(dist, draw.seed)
    pairs = np.concatenate([pd_.part.pairs[pd_.columns[k].member] for pd_, (k, _) in zip(dist.parts, picks)]) \
        if dist.parts else np.zeros(0, dtype=np.int64)
    leads = np.concatenate([pd_.columns[k].lead[pd_.columns[k].member] for pd_, (k, _) in zip(dist.parts, picks)]) \
        if dist.parts else np.zeros(0, dtype=bool)
    o = np.argsort(pairs, kind="stable")
    pairs, leads = pairs[o], leads[o]
    assignments = assignments_frame(inst, pairs, leads)
    workload = workload_frame(inst, pairs)
    report = check(tables, assignments[["case_id", "investigator_id", "role", "travel_minutes"]], rules)
    if not report.ok:
        lines = "; ".join(f"{v.rule} {v.case_id}/{v.investigator_id}: {v.detail}" for v in report.violations[:10])
        raise InternalError(f"the draw emitted a plan its checker rejects ({len(report.violations)} "
                            f"violation(s)): {lines}")
    have = set(zip(assignments["case_id"], assignments["investigator_id"]))
    lost = [(inst.case_ids[c], inst.inv_ids[i]) for i, c in zip(lk.lock_inv.tolist(), lk.lock_case.tolist())
            if (inst.case_ids[c], inst.inv_ids[i]) not in have]
    if lost:
        raise InternalError(f"the drawn plan breaks locks {lost}")
    changes = summary = None
    if prev is not None:
        changes = change_frame(inst, prev, assignments, base.unstaffed)
        summary = change_summary(changes, prev, assignments)
    obj = dict(report.objective)
    if summary is not None:
        obj[CHANGES_LEVEL] = float(summary["changes"])
    levels = [LevelResult(n, base.levels[n].sense, float(obj[n]), None, False) for n in order]
    status = Status.OPTIMAL if base.status == Status.OPTIMAL and dist.proven else Status.FEASIBLE
    audit = _report(tables, inst, dist, picks, draw, base, obj, member, assignments, prev, lk, locks, forbid,
                    previous)
    timings = dict(base.timings)
    timings["draw"] = time.perf_counter() - t
    stats = dict(base.stats)
    stats.update({"draw_parts": len(dist.parts), "draw_plans": int(sum(len(p.columns) for p in dist.parts)),
                  "draw_iterations": dist.iterations})
    opts_dict = dict(base.options)
    opts_dict["draw"] = draw.model_dump(mode="json") | {"seed": str(draw.seed)}
    return StaffingResult(
        status=status, levels=Levels(levels), assignments=assignments, unstaffed=base.unstaffed, workload=workload,
        wall_time=time.perf_counter() - t0, timings=timings, seed=base.seed, options=opts_dict, stats=stats,
        check_violations=0, warnings=list(base.warnings), stopped=base.stopped, changes=changes,
        change_summary=summary, draw=audit)


def _report(tables: Tables, inst: StaffingInstance, dist: Distribution, picks, draw: DrawOptions, base, obj,
            base_member, assignments, prev, lk, locks, forbid, previous) -> DrawReport:
    """The audit: probabilities per pair, per case, per person, the parts, the quality."""
    rows = []
    case_rows = []
    people_exp: dict[int, Fraction] = {}
    parts_out = []
    expected_travel = Fraction(0)
    drawn = set(zip(assignments["case_id"], assignments["investigator_id"]))
    roles = dict(zip(zip(assignments["case_id"], assignments["investigator_id"]), assignments["role"]))
    for pd_, (k, u) in zip(dist.parts, picks):
        part = pd_.part
        pm, pl = pd_.member_probability(), pd_.lead_probability()
        lead_capped = pd_.caps.lead is not None
        for c in range(part.n_cases):
            gc = int(part.cases[c])
            cid = str(inst.case_ids[gc])
            exp_t = Fraction(0)
            real_t = 0.0
            n_el = 0
            top = Fraction(0)
            notes = set()
            for gp in range(int(inst.case_ptr[gc]), int(inst.case_ptr[gc + 1])):  # every eligible pair
                k_ = int(np.searchsorted(part.pairs, gp))
                p = k_ if k_ < part.n_pairs and int(part.pairs[k_]) == gp else -1  # -1: outside a dense core
                iid = str(inst.inv_ids[inst.pair_inv[gp]])
                minutes = float(np.floor(inst.pair_minutes[gp] * 100 + 0.5) / 100)
                cost = int(inst.pair_cost[gp])
                prob = pm[p] if p >= 0 else Fraction(0)
                lprob = pl[p] if p >= 0 else Fraction(0)
                exp_t += prob * cost
                gi = int(inst.pair_inv[gp])
                people_exp[gi] = people_exp.get(gi, Fraction(0)) + prob * int(inst.workload[gc])
                n_el += 1
                top = max(top, prob)
                is_drawn = (cid, iid) in drawn
                if is_drawn:
                    real_t += cost
                if p < 0:
                    note = OUTSIDE_CORE
                else:
                    note = "locked" if part.pair_locked[p] else pd_.raised.get(p, "")
                lnote = pd_.lead_raised.get(p, "") if p >= 0 else ""
                if note and note != "locked" and p >= 0:
                    notes.add(note)
                needs_lead = bool(part.needs_lead[c])
                cap_e = pd_.cap_exact[p] if p >= 0 else _fraction_cap(draw.cap)
                lead_cap_e = None
                if lead_capped and needs_lead and bool(inst.pair_lead[gp]):
                    lead_cap_e = pd_.lead_cap_exact[p] if p >= 0 else _fraction_cap(draw.lead_cap)
                rows.append({
                    "case_id": cid, "investigator_id": iid, "probability": round(float(prob), 9),
                    "lead_probability": round(float(lprob), 9) if needs_lead else np.nan,
                    "cap": float(cap_e), "lead_cap": float(lead_cap_e) if lead_cap_e is not None else np.nan,
                    "drawn": is_drawn, "role": roles.get((cid, iid), ""), "travel_minutes": minutes,
                    "probability_exact": _fmt(prob), "lead_probability_exact": _fmt(lprob) if needs_lead else "",
                    "cap_exact": _fmt(cap_e), "lead_cap_exact": _fmt(lead_cap_e) if lead_cap_e is not None else "",
                    "note": "; ".join(x for x in (note, lnote) if x),
                })
            expected_travel += exp_t
            case_rows.append({"case_id": cid, "part": int(pd_.part.index) + 1, "team_size": int(part.team_size[c]),
                              "eligible": n_el, "max_probability": round(float(top), 9),
                              "expected_travel": round(float(exp_t), 4), "realised_travel": float(real_t),
                              "plans": len(pd_.columns), "note": "; ".join(sorted(notes))})
        L = pd_.denominator
        parts_out.append({
            "part": int(part.index) + 1, "cases": list(pd_.case_ids),
            "key_sha256": sampling_key(draw.seed, pd_.key).hex(), "denominator": str(L), "u": str(u),
            "drawn": k + 1, "proven": pd_.proven, "pairs": int(part.n_pairs), "eligible_pairs": int(pd_.full_pairs),
            "plans": [{"plan": j + 1, "weight": _fmt(w), "probability": round(float(w), 9), "teams": text}
                      for j, (w, text) in enumerate(zip(pd_.weights, pd_.texts))],
        })
    pairs = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    if len(pairs):
        pairs = pairs.sort_values(["case_id", "investigator_id"], kind="stable").reset_index(drop=True)
    cases = pd.DataFrame(case_rows, columns=["case_id", "part", "team_size", "eligible", "max_probability",
                                             "expected_travel", "realised_travel", "plans", "note"])
    cases = cases.sort_values("case_id", kind="stable").reset_index(drop=True)
    wf = workload_frame(inst, inst.pair_index(*_idx(inst, assignments)))
    realised = dict(zip(wf["investigator_id"], wf["workload"]))
    ppl = sorted(people_exp)
    people = pd.DataFrame({
        "investigator_id": [str(inst.inv_ids[i]) for i in ppl],
        "current_workload": [round(float(inst.current_load[i]) / WORKLOAD_SCALE, 2) for i in ppl],
        "expected_workload": [round(float((inst.current_load[i] + people_exp[i]) / WORKLOAD_SCALE), 4) for i in ppl],
        "realised_workload": [float(realised[str(inst.inv_ids[i])]) for i in ppl],
    }, columns=["investigator_id", "current_workload", "expected_workload", "realised_workload"])
    people = people.sort_values("investigator_id", kind="stable").reset_index(drop=True)
    floor = int(inst.current_load.max(initial=0))
    e_max = float(_max_distribution(dist, floor)) / WORKLOAD_SCALE
    opt = {n: base.levels[n].value for n in base.levels}
    expected = {"staffed": float(opt["staffed"]), "max_workload": round(e_max, 4),
                "travel": round(float(expected_travel), 4)}
    if CHANGES_LEVEL in obj:
        realised_parts = 0.0
        expected_parts = Fraction(0)
        for pd_, (k, _) in zip(dist.parts, picks):
            lin = _changes_linear(pd_.part)
            realised_parts += lin.value(pd_.columns[k])
            expected_parts += sum((w * Fraction(lin.value(c)) for c, w in zip(pd_.columns, pd_.weights)), Fraction(0))
        expected[CHANGES_LEVEL] = round(float(expected_parts) + obj[CHANGES_LEVEL] - realised_parts, 4)
    bound = dist.workload_bound / WORKLOAD_SCALE
    quality = {
        "optimum": {n: float(v) for n, v in opt.items()},
        "optimum_proven": str(base.status) == "OPTIMAL",
        "expected": expected,
        "realised": {n: float(v) for n, v in obj.items()},
        "workload_bound": bound,
        "ratio": {
            "expected_travel": _ratio(expected["travel"], opt.get("travel")),
            "realised_travel": _ratio(obj.get("travel"), opt.get("travel")),
            "workload_bound": _ratio(bound, opt.get("max_workload")),
            "expected_max_workload": _ratio(e_max, opt.get("max_workload")),
            "realised_max_workload": _ratio(obj.get("max_workload"), opt.get("max_workload")),
        },
    }
    raised = [{"case_id": r["case_id"], "investigator_id": r["investigator_id"], "cap": r["cap"], "reason": r["note"]}
              for r in pairs.to_dict(orient="records") if r["note"] and r["note"] not in ("locked", OUTSIDE_CORE)]
    inputs = {name: {"file": s.path, "sha256": s.sha256} for name, s in sorted(tables.sources.items())}
    replan: dict[str, Any] = {}
    if prev is not None:
        canon = prev.sort_values(["case_id", "investigator_id"], kind="stable")[["case_id", "investigator_id", "is_lead"]]
        replan["previous_sha256"] = hashlib.sha256(canon.to_csv(index=False, lineterminator="\n").encode()).hexdigest()
        if isinstance(previous, str):
            replan["previous"] = previous
    if locks:
        replan["locks"] = list(locks)
    if forbid:
        replan["forbid"] = list(forbid)
    seed_sha = None if draw.seed_text is None else hashlib.sha256(
        unicodedata.normalize("NFC", draw.seed_text).encode("utf-8")).hexdigest()
    return DrawReport(options=draw, seed_sha256=seed_sha, inputs=inputs, inputs_sha256=inputs_digest(tables.sources),
                      workload_bound=bound, base_status=str(base.status), proven=dist.proven, pairs=pairs,
                      cases=cases, people=people, parts=parts_out, quality=quality, raised=raised, replan=replan,
                      iterations=dist.iterations, seconds=round(dist.seconds, 4))


def _idx(inst: StaffingInstance, assignments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    ci = {c: k for k, c in enumerate(inst.case_ids.tolist())}
    ii = {c: k for k, c in enumerate(inst.inv_ids.tolist())}
    return (assignments["case_id"].map(ci).to_numpy(dtype=np.int64),
            assignments["investigator_id"].map(ii).to_numpy(dtype=np.int64))


def _changes_linear(part) -> Linear:
    co = LEVELS[CHANGES_LEVEL].coefficients(part)
    return Linear(co.member.astype(float), float(co.constant) + float(co.case.sum()))
