"""Explanations for unstaffed cases, in two steps.

1. :func:`precheck` — cheap counts before solving that quote numbers: a case that can never
   be staffed ("needs 3, only 2 eligible after conflicts: 4 posted locally, 2 kin of the
   subject, 1 unavailable"; "no eligible county-level lead for an escalated case"; "skill
   finance not in the eligible pool").  Such cases get no model variables.
2. :func:`explain_unstaffed` — after solving, every other unstaffed case is tested alone
   (a one-case model): infeasible alone means "cannot be staffed at all" (a joint
   skill/lead combination is missing; a diagnostic solve with assumptions names the
   requirements that clash); feasible alone means it was lost to other cases
   under capacity, and the message names the cases holding its eligible people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from .eligibility import RULE_WORDS, RULES, Eligibility

__all__ = ["precheck", "explain_unstaffed", "INFEASIBLE", "CAPACITY", "OBJECTIVE"]

INFEASIBLE = "infeasible"
CAPACITY = "capacity"
OBJECTIVE = "objective"


def _excluded_words(row: pd.Series) -> str:
    bits = [f"{int(row[r])} {RULE_WORDS[r]}" for r in RULES if int(row[r]) > 0]
    return ", ".join(bits) if bits else "none excluded"


def precheck(el: Eligibility) -> dict[int, str]:
    """Case index -> reason, for cases that cannot be staffed whatever else happens."""
    t = el.tables
    cs = t.cases
    counts = el.exclusion_counts()
    team = cs["team_size"].to_numpy(dtype=np.int64)
    needs_lead = cs["needs_lead"].to_numpy(dtype=bool) | cs["escalated"].to_numpy(dtype=bool)
    escalated = cs["escalated"].to_numpy(dtype=bool)
    skills = t.investigators["skills"].to_numpy(dtype=object)
    n = len(cs)
    leads = np.bincount(el.pair_case[el.pair_lead], minlength=n)
    starts = np.searchsorted(el.pair_case, np.arange(n + 1))
    eligible = counts["eligible"].to_numpy()
    pools = counts["pool"].to_numpy()
    required = cs["required_skills"].to_numpy(dtype=object)
    # only cases short of people, of a lead, or needing skills are looked at one by one
    look = (eligible < team) | (needs_lead & (leads == 0)) | np.array([bool(r) for r in required], dtype=bool)
    out: dict[int, str] = {}
    for c in np.flatnonzero(look).tolist():
        why: list[str] = []
        elig = int(eligible[c])
        pool = int(pools[c])
        if elig < team[c]:
            if pool == 0:
                why.append(f"needs {team[c]}, but nobody is in its pool of nearby staff "
                           f"(zone / county staff / within {el.rules.max_travel:g} min)")
            else:
                why.append(f"needs {team[c]}, only {elig} eligible after conflicts: {_excluded_words(counts.iloc[c])} "
                           f"(of {pool} nearby)")
        if needs_lead[c] and leads[c] == 0:
            if escalated[c]:
                why.append("no eligible county-level lead for an escalated case")
            else:
                why.append("no eligible member can lead (can_lead)")
        req = required[c]
        if req:
            members = el.pair_inv[starts[c]:starts[c + 1]]
            have: set[str] = set()
            for i in members.tolist():
                have.update(skills[i])
            missing = [s for s in req if s not in have]
            for s in missing:
                why.append(f"skill {s} not in the eligible pool")
        if why:
            out[c] = "cannot be staffed at all: " + "; ".join(why)
    return out


def _solo_core(el: Eligibility, c: int) -> list[str] | None:
    """Can case ``c`` be staffed on its own (everyone eligible with capacity >= 1)?

    Returns None when it can; else the names of a small set of requirements that cannot
    hold together (a diagnostic solve with each requirement behind an assumption literal:
    "a lead", "county-level lead", "skill finance", ...), team size always in force.
    """
    t = el.tables
    s, e = np.searchsorted(el.pair_case, [c, c + 1])
    inv = el.pair_inv[s:e]
    lead_ok = el.pair_lead[s:e]
    team = int(t.cases["team_size"].iat[c])
    if len(inv) < team:
        return [f"{team} members"]
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(len(inv))]
    m.add(sum(x) == team)
    groups: list[tuple[str, cp_model.IntVar]] = []
    if bool(t.cases["needs_lead"].iat[c]) or bool(t.cases["escalated"].iat[c]):
        word = "a county-level lead" if bool(t.cases["escalated"].iat[c]) else "a lead"
        on = m.new_bool_var(word)
        lv = [m.new_bool_var(f"l{k}") for k in range(len(inv))]
        for a, b, ok in zip(lv, x, lead_ok):
            m.add_implication(a, b)
            if not ok:
                m.add(a == 0)
        m.add(sum(lv) == 1).only_enforce_if(on)
        groups.append((word, on))
    skills = t.investigators["skills"].to_numpy(dtype=object)
    for sk in t.cases["required_skills"].iat[c]:
        have = [x[k] for k, i in enumerate(inv.tolist()) if sk in skills[i]]
        on = m.new_bool_var(f"skill {sk}")
        m.add(sum(have) >= 1).only_enforce_if(on)
        groups.append((f"skill {sk}", on))
    m.add_assumptions([v for _, v in groups])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    st = solver.solve(m)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    named = [w for w, v in groups if v.index in core]
    return named or [w for w, _ in groups]


def explain_unstaffed(el: Eligibility, unstaffed: list[int], pre: dict[int, str],
                      assigned_cases: dict[int, list[int]], level_order: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(case index, kind, reason) for every unstaffed case, in case order."""
    t = el.tables
    cs = t.cases
    case_ids = el.case_ids
    prio = cs["priority"].to_numpy(dtype=np.int64)
    cap = el.capacity
    out: list[tuple[int, str, str]] = []
    for c in sorted(unstaffed):
        if c in pre:
            out.append((c, INFEASIBLE, pre[c]))
            continue
        core = _solo_core(el, c)
        if core is not None:
            team = int(cs["team_size"].iat[c])
            s, e = np.searchsorted(el.pair_case, [c, c + 1])
            out.append((c, INFEASIBLE,
                        f"cannot be staffed at all: no team of {team} from its {e - s} eligible people has "
                        f"{' and '.join(core)} together"))
            continue
        s, e = np.searchsorted(el.pair_case, [c, c + 1])
        members = el.pair_inv[s:e]
        full = [i for i in members.tolist() if len(assigned_cases.get(i, [])) >= cap[i]]
        if level_order[0] != "staffed":
            out.append((c, OBJECTIVE, f"left unstaffed by the objective order ({' > '.join(level_order)}): "
                                      f"{level_order[0]} is ranked before staffed"))
            continue
        holders: dict[int, int] = {}
        for i in full:
            for other in assigned_cases.get(i, []):
                holders[other] = holders.get(other, 0) + 1
        named = sorted(holders, key=lambda k: (-prio[k], case_ids[k]))[:5]
        held = ", ".join(f"{case_ids[k]} (priority {prio[k]})" for k in named)
        more = f" and {len(holders) - 5} more" if len(holders) > 5 else ""
        people = ", ".join(str(el.inv_ids[i]) for i in full[:6]) + (", ..." if len(full) > 6 else "")
        higher = bool(holders) and all(prio[k] > prio[c] for k in holders)
        head = "lost to higher-priority cases under capacity" if higher else "lost to competing cases under capacity"
        out.append((c, CAPACITY,
                    f"{head}: staffable alone, but {len(full)} of its {len(members)} eligible people "
                    f"({people}) are at their case limit on {held or 'other cases'}{more}; "
                    f"this case has priority {prio[c]}"))
    return out
