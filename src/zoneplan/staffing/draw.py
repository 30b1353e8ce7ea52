"""A draw nobody can predict and anyone can replay: staffing at random under probability
caps (``staff(..., draw=DrawOptions(cap=0.5, seed=...))``).

What a draw guarantees
----------------------
* Every drawn plan keeps every hard rule: it is one of finitely many valid plans, each
  found by the exact model and re-checked by the independent checker.
* It staffs exactly the cases the deterministic optimum staffs (a draw never leaves a case
  unstaffed that the optimum staffs).
* No investigator is on a case with probability above ``cap`` (nor leads it with
  probability above ``lead_cap``), except where the case's own pool leaves no choice: a
  pair in every valid team of the case (the only holder of a required skill, the only
  possible lead, a pool no larger than the team) and a case whose pool cannot keep the cap
  even drawn alone get the smallest cap they allow, listed with the reason
  (``strict=True`` refuses instead).  Locked pairs are in every plan.
* Every drawn plan's largest workload stays within ``workload_bound``: the smallest bound,
  from the deterministic optimum's own up, that the caps allow; then the expected value of
  the remaining levels (changes when re-planning, travel) is as small as the caps allow,
  level by level.
* The probabilities reported are exact (fractions): the sampler picks plan ``k`` of a part
  with probability ``weight[k]``, and a pair's probability is the sum of the weights of
  the plans holding it.

Method (Jecmen et al., 2020, "Mitigating manipulation in peer review via randomized
reviewer assignments", with the hard rules kept exactly): the LP over the pair
probabilities with per-pair caps is solved over the *convex hull of valid plans* by column
generation (:mod:`~zoneplan.staffing.drawcg`; Dantzig-Wolfe), the exact model being the
pricing oracle.  Its solution is the probability point and, at once, its decomposition
into valid plans (a Birkhoff-von Neumann decomposition, found rather than computed
afterwards).  The bipartite LP with dependent rounding keeps team sizes and capacities,
but not skills, leads, escalation, team rules or locks; rounding a point of the bipartite
polytope may land outside the valid plans.  The LP's optimum is a vertex, so few plans
carry the whole probability (at most one more than the caps that bind), which keeps the
audit short.  The perturbed-maximisation variant spreads probability further at some cost
in quality; the caps are what the guarantee is about, so the plain LP is kept.

Replay
------
The distribution is a deterministic function of the inputs and the options (GLOP and
single-threaded HiGHS, iteration counts and no clock); the seed only chooses within it.
Per part (cases sharing no one), ``u = uniform_below(L, key)`` with ``L`` the common
denominator of the weights and ``key = sha256("zoneplan-draw/1|" + seed + "|" + the
part's case ids joined by U+001F)``, drawn by counter-mode SHA-256 with rejection
(:func:`uniform_below`), and the plan whose cumulative weight first exceeds ``u`` (plans
sorted by their text) is drawn.  ``seed_text`` gives ``seed`` = the first 16 hex digits of
SHA-256 of the text (UTF-8, NFC), which anyone can recompute.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import InternalError
from ..options import CHANGES_LEVEL, SolveOptions
from ..runner import Budget, parallel_map
from .drawcg import Caps, Column, Linear, Oracle, column_generation, make_column
from .instance import WORKLOAD_SCALE, StaffingInstance, scale_workload
from .levels import LEVELS, SumLevel
from .parts import Part, decompose

__all__ = ["DrawOptions", "DrawError", "Distribution", "PartDistribution", "seed_from_text", "uniform_below",
           "draw_distribution", "sample", "DRAW_VERSION"]

log = logging.getLogger(__name__)

#: Version of the sampler's definition (the key prefix); a replay needs the same.
DRAW_VERSION = 1

#: Largest denominator tried when the LP's weights are read as exact fractions.
DENOMINATOR = 10 ** 6

#: A part with more eligible pairs than this is drawn over a core of each case's nearest
#: people (:func:`_core`): column generation solves the part's exact model once per round,
#: which a part of 300,000 pairs cannot afford.  Pairs outside the core get probability 0.
CORE_PAIRS = 20_000
CORE_MIN = 8
CORE_FACTOR = 2.0

#: Fine grid for the weights when they are not small fractions (then every cap is met with
#: a margin of :data:`MARGIN`).
GRID = 10 ** 12
MARGIN = Fraction(1, 10 ** 9)
#: How far below the LP's breach its small fraction may lie (float rounding of the breach, not
#: the LP's tolerance): a raised cap below the least breach cannot be kept exactly.
SNAP_NOISE = Fraction(1, 10 ** 14)


class DrawError(ValueError):
    """The caps cannot be met (or, with ``strict``, met only by raising some): the message
    names the cases and the smallest caps they allow.  ``str()`` is English; :meth:`render`
    says it in a language (the reasons read back by their English shape)."""

    def __init__(self, message: str, cap: str = "", reasons: tuple[str, ...] = ()):
        super().__init__(message)
        self.cap, self.reasons = cap, tuple(reasons)

    def render(self, lang: str = "en") -> str:
        if lang != "zh" or not self.reasons:
            return str(self)
        from ..io.drawbook import note_text  # the wording of the draw's notes (read back by shape)

        return f"概率上限 {self.cap} 无法满足：" + "；".join(note_text(r, lang) for r in self.reasons)


def seed_from_text(text: str) -> int:
    """The seed of a published text: the first 16 hex digits of SHA-256 of its UTF-8 (NFC).

    >>> seed_from_text("2026-12-15 县纪委第3次常委会 抽签号 4172")
    7765844956003958189
    """
    data = unicodedata.normalize("NFC", text).encode("utf-8")
    return int(hashlib.sha256(data).hexdigest()[:16], 16)


class DrawOptions(BaseModel):
    """A draw: the caps, the seed (or the published text it comes from) and limits.

    ``cap`` bounds every pair's probability of being on a case, ``lead_cap`` of leading
    it (None: leads not capped).  ``seed_text`` sets ``seed`` (:func:`seed_from_text`).
    ``strict`` refuses a cap that some case cannot keep instead of raising that case's cap
    to the smallest it allows.  ``max_iterations`` bounds each column generation (a count,
    so a limited run repeats).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    cap: float = Field(..., gt=0, le=1, description="largest probability of any pair (investigator on case)")
    lead_cap: float | None = Field(None, gt=0, le=1, description="largest probability of leading a case")
    seed: int = Field(0, ge=0, lt=2 ** 64)
    seed_text: str | None = Field(None, min_length=1, max_length=1000)
    strict: bool = False
    max_iterations: int = Field(2000, ge=1, le=1_000_000)

    @model_validator(mode="before")
    @classmethod
    def _seed(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("seed_text") is not None:
            derived = seed_from_text(str(data["seed_text"]))
            given = data.get("seed")
            if given is not None and int(given) != derived:
                raise ValueError(f"seed {given} is not the seed of seed_text (which gives {derived}); "
                                 "give one or the other")
            data = {**data, "seed": derived}
        return data


def uniform_below(n: int, key: bytes) -> int:
    """A uniform integer in ``[0, n)`` from ``key``: SHA-256 in counter mode
    (``sha256(key + counter + block)``, big-endian 4-byte numbers), rejection above the
    largest multiple of ``n`` -- exact, and recomputable by anyone."""
    if n <= 0:
        raise ValueError("n must be positive")
    nbytes = (n.bit_length() + 7) // 8 + 8
    blocks = -(-nbytes // 32)
    limit = (256 ** nbytes // n) * n
    for counter in range(1 << 20):
        raw = b"".join(hashlib.sha256(key + counter.to_bytes(4, "big") + j.to_bytes(4, "big")).digest()
                       for j in range(blocks))
        x = int.from_bytes(raw[:nbytes], "big")
        if x < limit:
            return x % n
    raise InternalError("uniform_below: no value below the limit")  # pragma: no cover - probability < 2^-1e6


@dataclass(frozen=True)
class PartDistribution:
    """The drawn distribution of one part: its plans (columns) in canonical order, their
    exact weights, the caps in force, and the cases whose caps were raised."""

    part: Part
    columns: tuple[Column, ...]
    texts: tuple[str, ...]
    weights: tuple[Fraction, ...]
    caps: Caps
    cap_exact: tuple[Fraction, ...]
    lead_cap_exact: tuple[Fraction, ...] | None
    key: bytes
    case_ids: tuple[str, ...]
    raised: dict[int, str]  # local pair -> why its member cap was raised
    lead_raised: dict[int, str]
    proven: bool
    iterations: int
    full_pairs: int = 0  # eligible pairs of the part's cases; more than ``part.n_pairs`` on a core

    @property
    def denominator(self) -> int:
        return math.lcm(*(w.denominator for w in self.weights)) if self.weights else 1

    def member_probability(self) -> list[Fraction]:
        out = [Fraction(0)] * self.part.n_pairs
        for col, w in zip(self.columns, self.weights):
            for p in np.flatnonzero(col.member).tolist():
                out[p] += w
        return out

    def lead_probability(self) -> list[Fraction]:
        out = [Fraction(0)] * self.part.n_pairs
        for col, w in zip(self.columns, self.weights):
            for p in np.flatnonzero(col.lead).tolist():
                out[p] += w
        return out

    def pick(self, seed: int) -> tuple[int, int]:
        """The plan drawn with ``seed``: (index in :attr:`columns`, the uniform ``u``)."""
        L = self.denominator
        u = uniform_below(L, sampling_key(seed, self.key))
        acc = 0
        for k, w in enumerate(self.weights):
            acc += int(w * L)
            if u < acc:
                return k, u
        raise InternalError("the weights of a drawn part do not add up to 1")  # pragma: no cover


def sampling_key(seed: int, part_key: bytes) -> bytes:
    return hashlib.sha256(f"zoneplan-draw/{DRAW_VERSION}|{int(seed)}|".encode() + part_key).digest()


@dataclass(frozen=True)
class Distribution:
    """The distribution a draw samples from: one :class:`PartDistribution` per part (cases
    joined by nobody are drawn independently), the workload bound every plan keeps, the
    expected levels and whether everything was proven (converged and exact)."""

    parts: tuple[PartDistribution, ...]
    workload_bound: int  # hundredths
    expected: dict[str, float]
    proven: bool
    iterations: int
    seconds: float


def sample(dist: Distribution, seed: int) -> list[tuple[int, int]]:
    """Per part, (index of the drawn plan, ``u``): a pure function of ``dist`` and ``seed``."""
    return [pd_.pick(seed) for pd_ in dist.parts]


# ---------------------------------------------------------------------------------------
# Building the distribution
# ---------------------------------------------------------------------------------------

@dataclass
class _State:
    """A part being drawn: its oracle, the columns found, the caps (exact fractions, and
    as floats for the LP), the raised caps with their reasons, the fixed levels."""

    part: Part
    oracle: Oracle
    pool: dict[bytes, Column]
    member_exact: list[Fraction]
    lead_exact: list[Fraction] | None
    raised: dict[int, str] = field(default_factory=dict)
    lead_raised: dict[int, str] = field(default_factory=dict)
    examined: set[int] = field(default_factory=set)
    fixed: list[tuple[Linear, float]] = field(default_factory=list)
    outcome: Any = None
    proven: bool = True
    iterations: int = 0
    full_pairs: int = 0  # the part's eligible pairs (more than ``part.n_pairs`` on a core)

    @property
    def member_cap(self) -> np.ndarray:
        return np.array([float(x) for x in self.member_exact])

    @property
    def lead_cap(self) -> np.ndarray | None:
        return None if self.lead_exact is None else np.array([float(x) for x in self.lead_exact])

    @property
    def caps(self) -> Caps:
        return Caps(self.member_cap, self.lead_cap)


def _linear(name: str, part: Part) -> Linear:
    """A sum level on a part whose every case is staffed, as ``coef . member + constant``."""
    lv = LEVELS[name]
    assert isinstance(lv, SumLevel)
    co = lv.coefficients(part)
    coef = np.zeros(part.n_pairs) if co.member is None else co.member.astype(float)
    const = float(co.constant) + (0.0 if co.case is None else float(co.case.sum()))
    return Linear(coef, const)


def _fraction(x: float) -> Fraction:
    """A cap as the fraction it stands for: its decimal (0.34 is 17/50), or the small
    fraction a float like 2/3 stands for."""
    f = Fraction(repr(float(x)))
    small = f.limit_denominator(DENOMINATOR)
    return small if abs(small - f) < Fraction(1, 10 ** 12) else f


class _Run:
    """One draw's computation: the instance, the options, the budget."""

    def __init__(self, inst: StaffingInstance, draw: DrawOptions, budget: Budget, workers: int, seed: int):
        self.inst, self.draw, self.budget, self.workers, self.seed = inst, draw, budget, workers, seed
        self.explicit_leads = draw.lead_cap is not None and draw.lead_cap < 1.0

    def cg(self, st: _State, load_cap: int, objective: Linear | None, **kw):
        out = column_generation(st.part, st.oracle, st.pool, st.caps, load_cap, st.fixed, objective,
                                max_iterations=self.draw.max_iterations, budget=self.budget, **kw)
        st.iterations += out.iterations
        return out

    # -- caps a case cannot keep ------------------------------------------------------

    def meet_caps(self, st: _State) -> str | None:
        """Make the caps feasible without a load bound; None, or why they cannot be kept.

        First the cases over their caps are looked at alone (:meth:`_case_floor`): pairs
        the case's own rules force, and the smallest caps its own pool allows.  When the
        cases keep their caps alone but not together (they share people and capacity), the
        caps that bind the least breach of the part are raised by it (progressive filling),
        until the part keeps them.  ``strict`` refuses at the first raise instead."""
        zeros = np.zeros(st.part.n_pairs)
        for _ in range(4 * st.part.n_pairs + 4):
            out = self.cg(st, st.oracle.top, None, feasibility_only=True)
            if out.feasible is None:
                st.proven = False
                return "the caps were not decided within the iteration limit"
            if out.feasible:
                return None
            m, ml = out.marginals  # a breach no mix can avoid: the breached pairs' cases are looked at alone
            over = (m > st.member_cap + 1e-9) | ((ml > st.lead_cap + 1e-9) if st.lead_cap is not None else False)
            todo = sorted(set(st.part.pair_case[over].tolist()) - st.examined)
            if todo:
                for c in todo:
                    st.examined.add(c)
                    self._case_floor(st, c)
                if self.draw.strict and (st.raised or st.lead_raised):
                    return self._strict_message(st)
                continue
            out = self.cg(st, st.oracle.top, None, feasibility_only=True, converge_breach=True, breach="max")
            if out.feasible:
                return None
            if out.feasible is None:
                st.proven = False
                return "the caps were not decided within the iteration limit"
            m, ml = out.marginals
            if self.draw.strict:
                return self._coupled(st, out)
            s_ = _snap(out.breach)
            tm, tl = out.tight
            free_l = np.zeros(st.part.n_pairs, dtype=bool) if st.lead_exact is None else st.lead_cap < 1
            bind_m = np.flatnonzero(tm & (st.member_cap < 1)).tolist()
            bind_l = np.flatnonzero(tl & free_l).tolist()
            if not bind_m and not bind_l:  # pragma: no cover - a breach has a binding row
                bind_m = np.flatnonzero(over & (st.member_cap < 1)).tolist()
            for kind, bind, caps, raised in (("member", bind_m, st.member_exact, st.raised),
                                            ("lead", bind_l, st.lead_exact, st.lead_raised)):
                for p in bind:
                    caps[p] = min(Fraction(1), caps[p] + s_)
                    raised[p] = _coupled_reason(self.inst, st.part, p, kind, caps[p],
                                                caps[p] == 1 and _always(st.oracle, p, kind, zeros, self.budget))
        return "the caps were not met after raising every one"  # pragma: no cover - all caps 1 are always met

    def _case_floor(self, st: _State, c: int) -> None:
        """The smallest caps case ``c`` allows on its own.  Pairs in every valid team of the
        case are exempt (probability 1); then, by progressive filling, the least uniform
        raise ``s`` of the remaining caps is found, the pairs whose caps bind it keep
        ``cap + s``, and the others are tried again at their caps, until the case alone
        keeps its caps."""
        part = st.part
        keep = part.pair_case == c
        sub = _one_case(part.restrict(keep), c)
        local = np.flatnonzero(keep)
        orc = Oracle(sub, self.explicit_leads, self.seed)
        pool: dict[bytes, Column] = {}
        mcap = [st.member_exact[q] for q in local.tolist()]
        lcap = None if st.lead_exact is None else [st.lead_exact[q] for q in local.tolist()]
        zeros = np.zeros(sub.n_pairs)
        case = str(self.inst.case_ids[part.cases[c]])

        def caps() -> Caps:
            return Caps(np.array([float(x) for x in mcap]),
                        None if lcap is None else np.array([float(x) for x in lcap]))

        def cg():
            kw = dict(feasibility_only=True, max_iterations=self.draw.max_iterations, budget=self.budget)
            out = column_generation(sub, orc, pool, caps(), orc.top, [], None, **kw)
            if out.feasible is not False:
                return out
            return column_generation(sub, orc, pool, caps(), orc.top, [], None, converge_breach=True, breach="max",
                                     **kw)

        out = cg()
        if out.feasible is not False:
            st.proven &= out.feasible is True
            return
        m, ml = out.marginals  # pairs the rules force: in every valid team of the case
        for q in np.flatnonzero(m >= 1 - 1e-9).tolist():
            if mcap[q] < 1 and _always(orc, q, "member", zeros, self.budget):
                mcap[q] = Fraction(1)
                st.raised[int(local[q])] = _forced_reason(self.inst, part, int(local[q]), "member")
        if lcap is not None:
            for q in np.flatnonzero(ml >= 1 - 1e-9).tolist():
                if lcap[q] < 1 and _always(orc, q, "lead", zeros, self.budget):
                    lcap[q] = Fraction(1)
                    st.lead_raised[int(local[q])] = _forced_reason(self.inst, part, int(local[q]), "lead")
        free_m = [q for q in range(sub.n_pairs) if mcap[q] < 1]
        free_l = [] if lcap is None else [q for q in range(sub.n_pairs) if lcap[q] < 1]
        n_el = int(keep.sum())
        for _ in range(2 * sub.n_pairs + 1):
            out = cg()
            if out.feasible is not False:
                st.proven &= out.feasible is True
                break
            s_ = _snap(out.breach)
            tm, tl = out.tight
            bind_m = [q for q in free_m if tm[q]]
            bind_l = [q for q in free_l if tl[q]]
            if not bind_m and not bind_l:  # pragma: no cover - a breach has a binding row
                bind_m, bind_l = list(free_m), list(free_l)
            for q in bind_m:
                mcap[q] = min(Fraction(1), mcap[q] + s_)
                st.raised[int(local[q])] = (f"case {case} cannot keep the cap on its own (team of "
                                            f"{int(part.team_size[c])} from {n_el} eligible with its rules): the "
                                            f"smallest cap it allows is {float(mcap[q]):.4g}")
            for q in bind_l:
                lcap[q] = min(Fraction(1), lcap[q] + s_)
                st.lead_raised[int(local[q])] = (f"case {case} cannot keep the lead cap on its own: the smallest it "
                                                 f"allows is {float(lcap[q]):.4g}")
            free_m = [q for q in free_m if q not in bind_m]
            free_l = [q for q in free_l if q not in bind_l]
        for q, g in enumerate(local.tolist()):
            st.member_exact[g] = mcap[q]
            if lcap is not None:
                st.lead_exact[g] = lcap[q]

    def _coupled(self, st: _State, out) -> str:
        m, _ = out.marginals
        cases = sorted({self.inst.case_ids[st.part.cases[c]] for c in st.part.pair_case[m > st.member_cap + 1e-9]})
        return (f"cases {', '.join(cases[:8])}{' ...' if len(cases) > 8 else ''} can each keep the caps alone but "
                f"not together (they share people and capacity): the least breach is {out.breach:.4g}; "
                f"raise the cap to at least {min(1.0, self.draw.cap + out.breach):.4g}")

    def _strict_message(self, st: _State) -> str:
        lines = sorted(set(st.raised.values()) | set(st.lead_raised.values()))
        return "the cap cannot be kept (strict): " + "; ".join(lines[:8]) + (" ..." if len(lines) > 8 else "")

    # -- the workload bound -----------------------------------------------------------

    def min_load(self, st: _State, low: int) -> int:
        """The smallest load cap from ``low`` up under which the caps (and the fixed levels)
        can be kept."""
        out = self.cg(st, low, None, feasibility_only=True)
        if out.feasible:
            return low
        if out.feasible is None:
            st.proven = False
        top = self.cg(st, st.oracle.top, None, feasibility_only=True)
        if not top.feasible:  # pragma: no cover - the caps were met without a bound before
            st.proven = False
            return st.oracle.top
        hi = max((st.pool[k].load for k, w in top.weights.items() if w > 1e-12), default=st.oracle.top)
        lo = low
        while hi - lo > 1:
            mid = (lo + hi) // 2
            o = self.cg(st, mid, None, feasibility_only=True)
            if o.feasible is None:
                st.proven = False
            if o.feasible:
                hi = mid
            else:
                lo = mid
        return hi

    def optimise(self, st: _State, load_cap: int, name: str) -> float:
        lin = _linear(name, st.part)
        exact = (list(st.member_exact), None if st.lead_exact is None else list(st.lead_exact))
        out = self.cg(st, load_cap, lin, exact_caps=exact)
        if not out.feasible:  # pragma: no cover - feasible at this load cap by construction
            raise InternalError(f"the draw's level {name} found no distribution on part {st.part.index}")
        st.proven &= out.proven
        st.outcome = out
        value = float(out.value)
        st.fixed.append((lin, value + 1e-9 * max(1.0, abs(value)) + 1e-9))
        return value


def _core(part: Part, base: np.ndarray, draw: DrawOptions) -> np.ndarray:
    """The pairs a dense part is drawn over: per case, the deterministic plan's members, its
    ``k`` nearest eligible people, its ``k`` nearest possible leads and, per required skill,
    its ``k`` nearest holders, with ``k = max(CORE_MIN, ceil(CORE_FACTOR * team_size /
    cap))`` (ties by person); and every locked pair."""
    keep = base | part.pair_locked
    order = np.lexsort((part.pair_inv, part.pair_cost, part.pair_case))
    k = np.maximum(CORE_MIN, np.ceil(CORE_FACTOR * part.team_size / draw.cap)).astype(np.int64)
    for sel in (np.ones(part.n_pairs, dtype=bool), part.pair_lead):
        o = order[sel[order]]
        c = part.pair_case[o]
        rank = np.arange(len(o)) - np.searchsorted(c, c)
        keep[o[rank < k[c]]] = True
    owner = np.repeat(np.arange(len(part.req_case)), np.diff(part.req_ptr))
    holders = part.req_pairs
    o = np.lexsort((part.pair_inv[holders], part.pair_cost[holders], owner))
    r, h = owner[o], holders[o]
    rank = np.arange(len(h)) - np.searchsorted(r, r)
    keep[h[rank < k[part.req_case[r]]]] = True
    return keep


def _snap(breach: float) -> Fraction:
    """The LP's breach as the small fraction it is, never below it beyond float rounding
    (:data:`SNAP_NOISE`); else rounded up to the grid of ``1 / DENOMINATOR`` past the LP's
    tolerance (:data:`MARGIN`).  A cap raised a hair above the least breach costs nothing;
    one raised to a hair below it leaves no exact distribution (the weights could not be
    made exact within the caps)."""
    b = Fraction(breach)
    s_ = b.limit_denominator(DENOMINATOR)
    if s_ < b - SNAP_NOISE:  # not the small fraction it is near: never below it
        s_ = Fraction(math.ceil((b + MARGIN) * DENOMINATOR), DENOMINATOR)
    return s_


def _coupled_reason(inst: StaffingInstance, part: Part, p: int, kind: str, cap: Fraction, forced: bool) -> str:
    """Why pair ``p``'s cap was raised for the cases sharing its people."""
    inv = inst.inv_ids[part.invs[part.pair_inv[p]]]
    case = inst.case_ids[part.cases[part.pair_case[p]]]
    what = "leads" if kind == "lead" else "is on"
    if forced:
        return f"{inv} {what} {case} in every valid plan that staffs the optimum's cases (the other cases need the rest)"
    return (f"{inv} {what} {case}: with the other cases sharing its people, the smallest cap the rules allow is "
            f"{float(cap):.4g}")


def _one_case(sub: Part, c: int) -> Part:
    """A part restricted to the pairs of case ``c``, with only that case."""
    keep_case = np.zeros(sub.n_cases, dtype=bool)
    keep_case[c] = True
    req = sub.req_case == c
    owner = np.repeat(np.arange(len(sub.req_case)), np.diff(sub.req_ptr))
    req_pairs = sub.req_pairs[req[owner]]
    counts = np.diff(sub.req_ptr)[req]
    return Part(
        index=sub.index, cases=sub.cases[[c]], invs=sub.invs, pairs=sub.pairs, pair_case=np.zeros(sub.n_pairs, dtype=np.int64),
        pair_inv=sub.pair_inv, pair_cost=sub.pair_cost, pair_lead=sub.pair_lead, pair_work=sub.pair_work,
        case_ptr=np.array([0, sub.n_pairs], dtype=np.int64), team_size=sub.team_size[[c]],
        needs_lead=sub.needs_lead[[c]], priority=sub.priority[[c]], workload=sub.workload[[c]],
        capacity=np.minimum(sub.capacity, 1), current_load=sub.current_load,
        req_case=np.zeros(int(req.sum()), dtype=np.int64), req_ptr=np.r_[0, np.cumsum(counts)].astype(np.int64),
        req_pairs=req_pairs.astype(np.int64), kin=sub.kin, inv_group=sub.inv_group, per_township=sub.per_township,
        pair_prev=sub.pair_prev, pair_keep_lead=sub.pair_keep_lead, case_prev_lead=sub.case_prev_lead[[c]],
        pair_locked=sub.pair_locked)


def _always(orc: Oracle, q: int, kind: str, zeros: np.ndarray, budget: Budget) -> bool:
    """Whether pair ``q`` is a member (or lead) in every valid plan of the oracle's part."""
    cost_x = zeros.copy()
    cost_l = zeros.copy()
    (cost_x if kind == "member" else cost_l)[q] = 1.0
    col, _ = orc.best(cost_x, cost_l, orc.top, budget)
    return col is not None and bool((col.member if kind == "member" else col.lead)[q])


def _forced_reason(inst: StaffingInstance, part: Part, p: int, kind: str) -> str:
    """Why pair ``p`` is in every valid team of its case, in a planner's words."""
    c = int(part.pair_case[p])
    gc = int(part.cases[c])
    inv = inst.inv_ids[part.invs[part.pair_inv[p]]]
    case = inst.case_ids[gc]
    n = int(part.case_ptr[c + 1] - part.case_ptr[c])
    if kind == "lead":
        leads = int(part.pair_lead[part.case_ptr[c]:part.case_ptr[c + 1]].sum())
        return f"{inv} is the only eligible person who may lead {case}" if leads == 1 \
            else f"{inv} leads {case} in every valid team"
    if n <= int(part.team_size[c]):
        return f"{case} needs {int(part.team_size[c])} and has {n} eligible: all of them"
    gp = int(part.pairs[p])
    for r in range(int(np.searchsorted(inst.req_case, gc)), int(np.searchsorted(inst.req_case, gc, side="right"))):
        holders = inst.req_pairs[inst.req_ptr[r]:inst.req_ptr[r + 1]]
        if len(holders) == 1 and int(holders[0]) == gp:
            return f"{inv} is the only eligible holder of skill {inst.req_skill[r]} needed by {case}"
    if part.needs_lead[c] and part.pair_lead[p] and int(part.pair_lead[part.case_ptr[c]:part.case_ptr[c + 1]].sum()) == 1:
        return f"{inv} is the only eligible person who may lead {case}"
    return f"{inv} is on every valid team of {case} (its rules leave no other choice)"


def _exact_weights(cols: list[Column], lam: list[float], member_cap: list[Fraction],
                   lead_cap: list[Fraction] | None) -> list[Fraction]:
    """The LP's weights as exact fractions that add up to 1 and keep every cap exactly.

    The LP's vertex has small denominators, so each weight is first read as the nearest
    fraction with denominator up to :data:`DENOMINATOR`; when they do not add up to 1 or
    breach a cap, the weights go on a fine grid (:data:`GRID`) and each cap the LP keeps
    with room to spare is checked again.

    Raises
    ------
    InternalError
        When neither gives weights that keep the caps (a bug).
    """

    def ok(ws: list[Fraction]) -> bool:
        if any(w <= 0 for w in ws) or sum(ws) != 1:
            return False
        tot: dict[int, Fraction] = {}
        ltot: dict[int, Fraction] = {}
        for col, w in zip(cols, ws):
            for p in np.flatnonzero(col.member).tolist():
                tot[p] = tot.get(p, Fraction(0)) + w
            if lead_cap is not None:
                for p in np.flatnonzero(col.lead).tolist():
                    ltot[p] = ltot.get(p, Fraction(0)) + w
        if any(v > member_cap[p] for p, v in tot.items()):
            return False
        return lead_cap is None or not any(v > lead_cap[p] for p, v in ltot.items())

    snapped = [Fraction(x).limit_denominator(DENOMINATOR) for x in lam]
    if ok(snapped):
        return snapped
    total = sum(Fraction(x) for x in lam)
    grid = [Fraction(int(Fraction(x) / total * GRID), GRID) for x in lam]
    grid[int(np.argmax(lam))] += 1 - sum(grid)
    if ok(grid):
        return grid
    raise InternalError("the draw's weights could not be made exact within the caps")


def _canonical(inst: StaffingInstance, part: Part, col: Column) -> str:
    """A plan as text: ``case:person`` per membership, ``*`` after the lead, sorted."""
    rows = sorted((inst.case_ids[part.cases[part.pair_case[p]]], 0 if col.lead[p] else 1,
                   inst.inv_ids[part.invs[part.pair_inv[p]]]) for p in np.flatnonzero(col.member).tolist())
    return ";".join(f"{c}:{i}{'*' if r == 0 else ''}" for c, r, i in rows)


def draw_distribution(inst: StaffingInstance, base_member: np.ndarray, base_lead: np.ndarray,
                      order: tuple[str, ...], base_max_load: int, draw: DrawOptions, *, budget: Budget,
                      workers: int = 1, seed: int = 0,
                      progress: Callable[[str, int, int], None] | None = None) -> Distribution:
    """The distribution of a draw: per part, valid plans and their exact weights.

    Parameters
    ----------
    inst : StaffingInstance
        The prepared instance (locks, forbidden pairs and a previous plan attached).
    base_member, base_lead : bool arrays (per instance pair)
        The deterministic optimum: its staffed cases are staffed in every drawn plan, and
        it is the first plan of every part.
    order : tuple of str
        The objective levels in order (``staffed`` first is implied).
    base_max_load : int
        The optimum's largest workload (hundredths): the workload bound starts there.
    draw : DrawOptions
        Caps and limits (the seed is not used here: the distribution never depends on it).

    Raises
    ------
    DrawError
        The caps cannot be kept (the message names the cases and the smallest caps).
    """
    t0 = time.perf_counter()
    run = _Run(inst, draw, budget, workers, seed)
    staffed = np.zeros(inst.n_cases, dtype=bool)
    staffed[inst.pair_case[base_member]] = True
    parts = decompose(inst, ~staffed)

    def start(part: Part) -> _State:
        full = part.n_pairs
        if full > CORE_PAIRS:  # a dense part: the draw works on a core of each case's nearest people
            part = part.restrict(_core(part, base_member[part.pairs], draw))
        col = make_column(part, base_member[part.pairs], base_lead[part.pairs] if run.explicit_leads else None)
        cap = [Fraction(1) if locked else _fraction(draw.cap) for locked in part.pair_locked.tolist()]
        lead = None
        if run.explicit_leads:
            lead = [Fraction(1) if locked else _fraction(draw.lead_cap) for locked in part.pair_locked.tolist()]
        st = _State(part, Oracle(part, run.explicit_leads, seed), {col.key: col}, cap, lead)
        st.proven = part.n_pairs == full  # a core: optimal over its pairs, not proven over all
        st.full_pairs = full
        return st

    states = parallel_map(start, parts, workers, budget, weight=lambda p: p.n_pairs)
    weight = lambda st: st.part.n_pairs  # noqa: E731
    problems = parallel_map(run.meet_caps, states, workers, budget, weight=weight)
    bad = [p for p in problems if p]
    if bad:
        cap = f"{draw.cap:g}" + ("" if draw.lead_cap is None else f" / {draw.lead_cap:g}")
        raise DrawError(f"cap {draw.cap:g}" + ("" if draw.lead_cap is None else f" (lead cap {draw.lead_cap:g})")
                        + " cannot be kept: " + "; ".join(bad[:5]) + (" ..." if len(bad) > 5 else ""),
                        cap=cap, reasons=tuple(bad[:5]) + (("...",) if len(bad) > 5 else ()))
    tops = [st.oracle.top for st in states]
    bound: int | None = None
    levels = [n for n in order if n != "staffed"]
    expected: dict[str, float] = {}
    last_sum = None
    for k, name in enumerate(levels):
        if name == "max_workload":
            lows = parallel_map(lambda st: run.min_load(st, base_max_load), states, workers, budget, weight=weight)
            bound = max([base_max_load] + lows)
            if progress:
                progress("draw: workload bound", 1, 1)
            continue
        caps_ = [bound if bound is not None else top for top in tops]
        vals = parallel_map(lambda j: run.optimise(states[j], caps_[j], name), list(range(len(states))), workers,
                            budget, weight=lambda j: states[j].part.n_pairs)
        expected[name] = float(sum(vals))
        last_sum = name
        if progress:
            progress(f"draw: expected {name}", k + 1, len(levels))
    if bound is None:
        bound = max([base_max_load] + [st.oracle.top for st in states])
    if levels and levels[-1] == "max_workload" and last_sum is not None:  # the final mix, within the bound
        vals = parallel_map(lambda st: run.optimise(st, bound, last_sum), states, workers, budget, weight=weight)
        expected[last_sum] = float(sum(vals))
    out = []
    for st in states:
        o = st.outcome
        if o.exact is not None:
            keys = list(o.exact)
            cols = [st.pool[k] for k in keys]
            ws = [o.exact[k] for k in keys]
        else:  # pragma: no cover - the basis could not be solved again exactly
            log.warning("part %d: the LP's basis was not solved again exactly; weights on a fine grid", st.part.index)
            keys = [k for k, w in o.weights.items() if w > 1e-12]
            cols = [st.pool[k] for k in keys]
            ws = _exact_weights(cols, [o.weights[k] for k in keys], st.member_exact, st.lead_exact)
        texts = [_canonical(inst, st.part, c) for c in cols]
        order_ = sorted(range(len(cols)), key=lambda j: texts[j])
        case_ids = tuple(str(inst.case_ids[c]) for c in st.part.cases.tolist())
        out.append(PartDistribution(
            part=st.part, columns=tuple(cols[j] for j in order_), texts=tuple(texts[j] for j in order_),
            weights=tuple(ws[j] for j in order_), caps=st.caps, cap_exact=tuple(st.member_exact),
            lead_cap_exact=None if st.lead_exact is None else tuple(st.lead_exact), key="\x1f".join(case_ids).encode("utf-8"),
            case_ids=case_ids, raised=dict(st.raised), lead_raised=dict(st.lead_raised), proven=st.proven,
            iterations=st.iterations, full_pairs=st.full_pairs))
    for name in list(expected):  # the expectation of the exact weights, not the LP's
        lv = {pd_.part.index: _linear(name, pd_.part) for pd_ in out}
        expected[name] = float(sum(sum(w * Fraction(lv[pd_.part.index].value(c)) for c, w in zip(pd_.columns, pd_.weights))
                                   for pd_ in out))
    return Distribution(tuple(out), int(bound), expected, all(st.proven for st in states),
                        sum(st.iterations for st in states), time.perf_counter() - t0)
