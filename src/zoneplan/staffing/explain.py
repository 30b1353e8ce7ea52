"""Explanations for unstaffed cases, in two steps, read from the prepared instance.

1. :func:`precheck` -- cheap counts before solving that quote numbers: a case that can never
   be staffed ("needs 3, only 2 eligible after conflicts: 4 posted locally, 2 kin of the
   subject, 1 unavailable"; "no eligible county-level lead for an escalated case"; "skill
   finance not in the eligible pool").  Such cases get no model variables.
2. :func:`explain_unstaffed` -- after solving, every other unstaffed case is tested alone:
   a team for it alone is looked for greedily, and only when none is found a one-case
   CP-SAT model with each requirement behind an assumption literal names the requirements
   that clash ("cannot be staffed at all").  A case staffable alone was lost to other
   cases under capacity -- said only where the part's staffed level was proven optimal;
   where the search stopped first, the case was "not decided within the time limit".
   A diagnostic solve that runs out of time says the same, never "cannot be staffed".
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from ..runner import Budget, cpsat_parameters
from .eligibility import RULE_WORDS, RULES
from .instance import StaffingInstance

__all__ = ["precheck", "explain_unstaffed", "INFEASIBLE", "CAPACITY", "OBJECTIVE", "UNDECIDED", "KINDS"]

INFEASIBLE = "infeasible"
CAPACITY = "capacity"
OBJECTIVE = "objective"
UNDECIDED = "undecided"
KINDS = (INFEASIBLE, CAPACITY, OBJECTIVE, UNDECIDED)

#: The reason given for a case whose part was not proven in time.
NOT_DECIDED = "not decided within the time limit"

#: Seconds at most for one diagnostic one-case solve.
SOLO_LIMIT = 5.0


def _excluded_words(counts: np.ndarray) -> str:
    bits = [f"{int(n)} {RULE_WORDS[r]}" for r, n in zip(RULES, counts) if int(n) > 0]
    return ", ".join(bits) if bits else "none excluded"


def precheck(inst: StaffingInstance) -> dict[int, str]:
    """Case index -> reason, for cases that cannot be staffed whatever else happens."""
    n = inst.n_cases
    eligible = np.diff(inst.case_ptr)
    leads = np.bincount(inst.pair_case[inst.pair_lead], minlength=n)
    uncovered = np.diff(inst.req_ptr) == 0
    short_skill = np.zeros(n, dtype=bool)
    short_skill[inst.req_case[uncovered]] = True
    look = (eligible < inst.team_size) | (inst.needs_lead & (leads == 0)) | short_skill
    out: dict[int, str] = {}
    for c in np.flatnonzero(look).tolist():
        why: list[str] = []
        team, elig, pool = int(inst.team_size[c]), int(eligible[c]), int(inst.pool_size[c])
        if elig < team:
            if pool == 0:
                why.append(f"needs {team}, but nobody is in its pool of nearby staff "
                           f"(zone / county staff / within {inst.rules.max_travel:g} min)")
            else:
                why.append(f"needs {team}, only {elig} eligible after conflicts: "
                           f"{_excluded_words(inst.excluded[c])} (of {pool} nearby)")
        if inst.needs_lead[c] and leads[c] == 0:
            why.append("no eligible county-level lead for an escalated case" if inst.escalated[c]
                       else "no eligible member can lead (can_lead)")
        for r in np.flatnonzero((inst.req_case == c) & uncovered).tolist():
            why.append(f"skill {inst.req_skill[r]} not in the eligible pool")
        if why:
            out[c] = "cannot be staffed at all: " + "; ".join(why)
    return out


def _team_conflicts(inst: StaffingInstance, c: int) -> tuple[list[tuple[int, int]], list[list[int]]]:
    """Case ``c``'s team-rule rows over its pairs: kin couples (``team.kin``) and groups of
    pairs posted in one township (``team.township``), as instance pair indices."""
    s, e = int(inst.case_ptr[c]), int(inst.case_ptr[c + 1])
    where = {int(i): p for p, i in zip(range(s, e), inst.pair_inv[s:e].tolist())}
    couples = [(where[a], where[b]) for a, b in zip(inst.kin_a.tolist(), inst.kin_b.tolist())
               if a in where and b in where]
    groups: list[list[int]] = []
    if inst.per_township and inst.inv_group is not None:
        by: dict[int, list[int]] = {}
        for i, p in where.items():
            g = int(inst.inv_group[i])
            if g >= 0:
                by.setdefault(g, []).append(p)
        groups = [ps for _, ps in sorted(by.items()) if len(ps) > inst.per_township]
    return couples, groups


def _alone_greedy(inst: StaffingInstance, c: int) -> bool:
    """Whether a quick pass finds a team for case ``c`` alone (nobody else staffed)."""
    s, e = int(inst.case_ptr[c]), int(inst.case_ptr[c + 1])
    k = int(inst.team_size[c])
    reqs = np.flatnonzero(inst.req_case == c)
    holders = [set(inst.req_pairs[inst.req_ptr[r]:inst.req_ptr[r + 1]].tolist()) for r in reqs.tolist()]
    leads = [p for p in range(s, e) if inst.pair_lead[p]] if inst.needs_lead[c] else [None]
    for boss in leads[:8]:
        chosen = [] if boss is None else [boss]
        for h in holders:
            if not any(p in h for p in chosen):
                pick = next((p for p in sorted(h) if p not in chosen), None)
                if pick is None:
                    break
                chosen.append(pick)
        chosen += [p for p in range(s, e) if p not in chosen][: max(0, k - len(chosen))]
        if len(chosen) == k and all(any(p in h for p in chosen) for h in holders):
            couples, groups = _team_conflicts(inst, c)
            picked = set(chosen)
            if not any(a in picked and b in picked for a, b in couples) and \
                    all(len(picked & set(g)) <= inst.per_township for g in groups):
                return True
    return False


def _solo_core(inst: StaffingInstance, c: int, budget: Budget, seed: int) -> list[str] | None | bool:
    """Can case ``c`` be staffed on its own (everyone eligible with capacity >= 1)?

    Returns True when it can; a list naming a small set of requirements that cannot hold
    together (CP-SAT with each requirement behind an assumption) when it cannot; None
    when the diagnostic solve ran out of time (undecided).
    """
    if _alone_greedy(inst, c):
        return True
    s, e = int(inst.case_ptr[c]), int(inst.case_ptr[c + 1])
    team = int(inst.team_size[c])
    if e - s < team:
        return [f"{team} members"]
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(e - s)]
    m.add(sum(x) == team)
    groups: list[tuple[str, cp_model.IntVar]] = []
    if inst.needs_lead[c]:
        word = "a county-level lead" if inst.escalated[c] else "a lead"
        on = m.new_bool_var(word)
        lv = [m.new_bool_var(f"l{k}") for k in range(e - s)]
        for a, b, ok in zip(lv, x, inst.pair_lead[s:e].tolist()):
            m.add_implication(a, b)
            if not ok:
                m.add(a == 0)
        m.add(sum(lv) == 1).only_enforce_if(on)
        groups.append((word, on))
    for r in np.flatnonzero(inst.req_case == c).tolist():
        have = [x[p - s] for p in inst.req_pairs[inst.req_ptr[r]:inst.req_ptr[r + 1]].tolist()]
        word = f"skill {inst.req_skill[r]}"
        on = m.new_bool_var(word)
        m.add(sum(have) >= 1).only_enforce_if(on)
        groups.append((word, on))
    couples, towns = _team_conflicts(inst, c)
    if couples:
        word = f"members not kin within {inst.rules.team_kin_hops} hop(s) of each other (team.kin)"
        on = m.new_bool_var(word)
        for a, b in couples:
            m.add(x[a - s] + x[b - s] <= 1).only_enforce_if(on)
        groups.append((word, on))
    if towns:
        word = f"at most {inst.per_township} from one township (team.township)"
        on = m.new_bool_var(word)
        for g in towns:
            m.add(sum(x[p - s] for p in g) <= inst.per_township).only_enforce_if(on)
        groups.append((word, on))
    m.add_assumptions([v for _, v in groups])
    solver = cp_model.CpSolver()
    cpsat_parameters(solver, seed=seed, budget=budget)
    left = budget.remaining()
    solver.parameters.max_time_in_seconds = min(SOLO_LIMIT, SOLO_LIMIT if left is None else max(0.001, left))
    if budget.stopped:
        return None
    with budget.cancel.stopping(solver.stop_search):
        st = solver.solve(m)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if st != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    named = [w for w, v in groups if v.index in core]
    return named or [w for w, _ in groups]


def explain_unstaffed(inst: StaffingInstance, unstaffed: list[int], pre: dict[int, str], chosen: np.ndarray,
                      decided: np.ndarray, level_order: tuple[str, ...], budget: Budget,
                      seed: int = 0) -> list[tuple[int, str, str]]:
    """(case index, kind, reason) for every unstaffed case, in case order.

    ``chosen`` are the plan's pair indices; ``decided[c]`` says whether the staffed level
    of case ``c``'s part was proven optimal.
    """
    prio = inst.priority
    cap = inst.capacity
    held_by: dict[int, list[int]] = {}
    for p in chosen.tolist():
        held_by.setdefault(int(inst.pair_inv[p]), []).append(int(inst.pair_case[p]))
    out: list[tuple[int, str, str]] = []
    for c in sorted(unstaffed):
        if c in pre:
            out.append((c, INFEASIBLE, pre[c]))
            continue
        alone = _solo_core(inst, c, budget, seed) if not budget.cancel.cancelled else None
        if alone is None:
            out.append((c, UNDECIDED, f"{NOT_DECIDED}: the search stopped before it was shown whether this case "
                                      "can be staffed"))
            continue
        if alone is not True:
            team = int(inst.team_size[c])
            n = int(inst.case_ptr[c + 1] - inst.case_ptr[c])
            out.append((c, INFEASIBLE, f"cannot be staffed at all: no team of {team} from its {n} eligible "
                                       f"people has {' and '.join(alone)} together"))
            continue
        if not decided[c]:
            out.append((c, UNDECIDED, f"{NOT_DECIDED}: staffable on its own; the search stopped before its "
                                      "part of the plan was proven optimal"))
            continue
        if level_order[0] != "staffed":
            out.append((c, OBJECTIVE, f"left unstaffed by the objective order ({' > '.join(level_order)}): "
                                      f"{level_order[0]} is ranked before staffed"))
            continue
        members = inst.pair_inv[inst.case_ptr[c]:inst.case_ptr[c + 1]].tolist()
        full = [i for i in members if len(held_by.get(i, ())) >= cap[i]]
        holders: dict[int, int] = {}
        for i in full:
            for other in held_by.get(i, ()):
                holders[other] = holders.get(other, 0) + 1
        named = sorted(holders, key=lambda k: (-prio[k], inst.case_ids[k]))[:5]
        held = ", ".join(f"{inst.case_ids[k]} (priority {prio[k]})" for k in named)
        more = f" and {len(holders) - 5} more" if len(holders) > 5 else ""
        people = ", ".join(str(inst.inv_ids[i]) for i in full[:6]) + (", ..." if len(full) > 6 else "")
        higher = bool(holders) and all(prio[k] > prio[c] for k in holders)
        head = "lost to higher-priority cases under capacity" if higher else "lost to competing cases under capacity"
        out.append((c, CAPACITY,
                    f"{head}: staffable alone, but {len(full)} of its {len(members)} eligible people "
                    f"({people}) are at their case limit on {held or 'other cases'}{more}; "
                    f"this case has priority {prio[c]}"))
    return out
