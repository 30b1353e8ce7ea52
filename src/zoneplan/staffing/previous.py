"""Re-planning from a previous plan: read it (:func:`~zoneplan.data.plans.previous_frame`), map it onto the instance, lock and forbid
pairs, and report what changed.

A previous plan is a table of memberships, ``case_id, investigator_id`` plus the role
(``role`` = lead|member as ``assignments.csv`` has it, or a boolean ``is_lead``).  It is
matched against the *current* tables:

* a membership whose case is no longer in ``cases`` (closed), whose investigator is no
  longer in ``investigators`` (gone), or whose pair is no longer eligible (unavailable,
  a new conflict, no capacity left, forbidden) cannot be kept: it is a *removed*
  membership, counted in the ``changes`` level and reported with its reason, never an
  error;
* every other membership may be kept; the ``changes`` level
  (:class:`~zoneplan.staffing.levels.ChangesLevel`) counts memberships added and removed
  and cases whose lead changed, and by default comes right after ``staffed``.

Locks (``CASE`` keeps the whole previous team of that case, ``CASE:PERSON`` keeps one
membership) are checked against the hard rules before any solving; a lock that breaks one
is refused with the rule id and the reason (:class:`LockError`).  Forbidden pairs
(``CASE:PERSON``) are taken out of the eligible pairs (rule ``forbidden``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.plans import previous_frame
from ..data.tables import Tables
from .eligibility import Eligibility
from .instance import StaffingInstance

__all__ = ["previous_frame", "parse_pairs", "LockError", "Locks", "resolve_locks", "attach_previous",
           "check_locks", "change_frame", "change_summary", "CHANGE_COLUMNS", "outside_changes"]

log = logging.getLogger(__name__)

#: Columns of ``changes.csv``.
CHANGE_COLUMNS = ["case_id", "investigator_id", "change", "role_before", "role_after", "reason", "detail"]

class LockError(ValueError):
    """A lock or a forbidden pair cannot hold (exit code 2, nothing solved)."""


def parse_pairs(items: Iterable[str], what: str, allow_case: bool) -> list[tuple[str, str | None]]:
    """``CASE`` (when ``allow_case``) and ``CASE:PERSON`` items, commas allowed inside one
    item, as ``(case, person or None)``.

    Raises
    ------
    LockError
        An item is empty or has more than one ``:``.
    """
    out: list[tuple[str, str | None]] = []
    for item in items:
        for bit in str(item).split(","):
            bit = bit.strip()
            if not bit:
                continue
            parts = [x.strip() for x in bit.replace("：", ":").split(":")]
            if len(parts) == 1 and allow_case:
                out.append((parts[0], None))
            elif len(parts) == 2 and all(parts):
                out.append((parts[0], parts[1]))
            else:
                want = "CASE or CASE:PERSON" if allow_case else "CASE:PERSON"
                raise LockError(f"{what} {bit!r}: expected {want}")
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Locks:
    """Resolved locks and forbidden pairs, as index arrays (investigator, case)."""

    lock_inv: np.ndarray
    lock_case: np.ndarray
    whole_cases: tuple[int, ...]
    forbid_inv: np.ndarray
    forbid_case: np.ndarray


def resolve_locks(tables: Tables, prev: pd.DataFrame | None, locks: Iterable[str] = (),
                  forbid: Iterable[str] = ()) -> Locks:
    """Turn ``--lock`` / ``--forbid`` items into index pairs; refuse unknown ids and locks
    of memberships the previous plan does not hold.

    Raises
    ------
    LockError
        With every problem found, one per line.
    """
    lock_items = parse_pairs(locks, "--lock", allow_case=True)
    forbid_items = parse_pairs(forbid, "--forbid", allow_case=False)
    case_pos = {c: k for k, c in enumerate(tables.cases["case_id"].tolist())}
    inv_pos = {c: k for k, c in enumerate(tables.investigators["investigator_id"].tolist())}
    errors: list[str] = []
    li, lc, whole = [], [], []
    if lock_items and prev is None:
        raise LockError("--lock keeps memberships of a previous plan; give the plan with --previous")
    held = set() if prev is None else set(zip(prev["case_id"], prev["investigator_id"]))
    for case, person in lock_items:
        label = case if person is None else f"{case}:{person}"
        if case not in case_pos:
            errors.append(f"lock {label}: case {case} is not in the cases table (closed?)")
            continue
        if person is None:
            team = sorted(i for c, i in held if c == case)
            if not team:
                errors.append(f"lock {label}: case {case} has no team in the previous plan")
                continue
            whole.append(case_pos[case])
            members = team
        else:
            if (case, person) not in held:
                errors.append(f"lock {label}: {person} is not on case {case} in the previous plan")
                continue
            members = [person]
        for m in members:
            if m not in inv_pos:
                errors.append(f"lock {label}: investigator {m} is not in the investigators table (left the roster)")
                continue
            li.append(inv_pos[m])
            lc.append(case_pos[case])
    fi, fc = [], []
    for case, person in forbid_items:
        if case not in case_pos:
            errors.append(f"forbid {case}:{person}: case {case} is not in the cases table")
        elif person not in inv_pos:
            errors.append(f"forbid {case}:{person}: investigator {person} is not in the investigators table")
        else:
            fi.append(inv_pos[person])
            fc.append(case_pos[case])
    both = set(zip(li, lc)) & set(zip(fi, fc))
    ids_i = tables.investigators["investigator_id"].tolist()
    ids_c = tables.cases["case_id"].tolist()
    for i, c in sorted(both):
        errors.append(f"{ids_c[c]}:{ids_i[i]} is both locked and forbidden")
    if errors:
        raise LockError("; ".join(errors))
    pairs = sorted(set(zip(lc, li)))
    return Locks(np.asarray([i for _, i in pairs], dtype=np.int64), np.asarray([c for c, _ in pairs], dtype=np.int64),
                 tuple(sorted(set(whole))), np.asarray(fi, dtype=np.int64), np.asarray(fc, dtype=np.int64))


def _pairs_of(inst: StaffingInstance, prev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    case_pos = pd.Index(inst.case_ids).get_indexer(prev["case_id"].to_numpy(dtype=object))
    inv_pos = pd.Index(inst.inv_ids).get_indexer(prev["investigator_id"].to_numpy(dtype=object))
    known = (case_pos >= 0) & (inv_pos >= 0)
    pair = np.full(len(prev), -1, dtype=np.int64)
    if known.any():
        pair[known] = inst.pair_index(case_pos[known], inv_pos[known])
    return case_pos, inv_pos, pair


def attach_previous(inst: StaffingInstance, prev: pd.DataFrame | None, locks: Locks | None = None) -> StaffingInstance:
    """The instance with the previous plan and the locks as per-pair / per-case arrays."""
    n_p, n_c = inst.n_pairs, inst.n_cases
    pair_prev = np.zeros(n_p, dtype=bool)
    prev_lead = np.zeros(n_p, dtype=bool)
    case_lead = np.zeros(n_c, dtype=bool)
    if prev is not None and len(prev):
        case_pos, _, pair = _pairs_of(inst, prev)
        lead = prev["is_lead"].to_numpy(dtype=bool)
        ok = pair >= 0
        pair_prev[pair[ok]] = True
        prev_lead[pair[ok & lead]] = True
        case_lead[case_pos[(case_pos >= 0) & lead]] = True
    keep_lead = prev_lead & inst.pair_lead & inst.needs_lead[inst.pair_case]
    locked = np.zeros(n_p, dtype=bool)
    if locks is not None and len(locks.lock_inv):
        p = inst.pair_index(locks.lock_case, locks.lock_inv)
        locked[p[p >= 0]] = True
    ro = []
    for a in (pair_prev, keep_lead, case_lead, locked):
        a.setflags(write=False)
        ro.append(a)
    return dataclasses.replace(inst, pair_prev=ro[0], pair_keep_lead=ro[1], case_prev_lead=ro[2], pair_locked=ro[3])


def check_locks(inst: StaffingInstance, tables: Tables, prev: pd.DataFrame, locks: Locks,
                precheck: dict[int, str]) -> None:
    """Refuse locks that break a hard rule, before solving, naming the rule and the reason.

    Checked: every locked pair is eligible (else the eligibility engine's reasons:
    ``cross-check``, ``home``, ``kin``, ``declared``, ``pool``, ``team.available``,
    ``team.capacity``, ``forbidden``); a locked case can be staffed at all; a whole-team
    lock still has ``team_size`` members, a possible lead and the required skills; no
    case has more locked members than ``team_size``; nobody is locked onto more cases than
    their capacity; no two locked members of a team break ``team.kin`` or ``team.township``.

    Raises
    ------
    LockError
    """
    if not len(locks.lock_inv):
        return
    from .team import kin_path

    el: Eligibility = inst.eligibility
    cid, iid = inst.case_ids, inst.inv_ids
    errors: list[str] = []
    pair = inst.pair_index(locks.lock_case, locks.lock_inv)
    for i, c, p in zip(locks.lock_inv.tolist(), locks.lock_case.tolist(), pair.tolist()):
        if p < 0:
            for rule, detail in el.explain_pair(iid[i], cid[c]) or [("team.capacity", "no capacity left")]:
                errors.append(f"lock {cid[c]}:{iid[i]} breaks rule {rule}: {detail}")
    for c in sorted(set(locks.lock_case.tolist())):
        if c in precheck:
            errors.append(f"lock on case {cid[c]} breaks rule team.size: {precheck[c]}")
    cases = tables.cases
    inv = tables.investigators
    skills = inv["skills"].tolist()
    for c in locks.whole_cases:
        team = sorted(prev.loc[prev["case_id"] == cid[c], "investigator_id"].tolist())
        k = int(inst.team_size[c])
        if len(team) != k:
            errors.append(f"lock {cid[c]} breaks rule team.size: the previous team has {len(team)} members, "
                          f"team_size is now {k}")
        p = inst.pair_index(np.full(len(team), c), pd.Index(iid).get_indexer(team))
        if inst.needs_lead[c] and not inst.pair_lead[p[p >= 0]].any():
            word = "a county-level lead (escalated)" if inst.escalated[c] else "a member who can lead"
            errors.append(f"lock {cid[c]} breaks rule team.lead: the previous team has no {word}")
        have = set()
        for m in pd.Index(iid).get_indexer(team).tolist():
            if m >= 0:
                have |= set(skills[m])
        missing = sorted(set(cases["required_skills"].iat[c]) - have)
        if missing:
            errors.append(f"lock {cid[c]} breaks rule team.skills: the previous team lacks {', '.join(missing)}")
    per_case = np.bincount(locks.lock_case, minlength=inst.n_cases)
    for c in np.flatnonzero(per_case > inst.team_size).tolist():
        errors.append(f"locks on case {cid[c]} break rule team.size: {per_case[c]} locked members, "
                      f"team_size is {inst.team_size[c]}")
    per_inv = np.bincount(locks.lock_inv, minlength=inst.n_invs)
    for i in np.flatnonzero(per_inv > inst.capacity).tolist():
        on = ", ".join(cid[c] for c in locks.lock_case[locks.lock_inv == i].tolist())
        errors.append(f"locks on {iid[i]} break rule team.capacity: locked on {per_inv[i]} cases ({on}), "
                      f"room for {inst.capacity[i]}")
    kin = set(zip(inst.kin_a.tolist(), inst.kin_b.tolist()))
    group = inst.inv_group
    hops = inst.rules.team_kin_hops
    for c in sorted(set(locks.lock_case.tolist())):
        members = sorted(locks.lock_inv[locks.lock_case == c].tolist())
        for a_k, a in enumerate(members):
            for b in members[a_k + 1:]:
                if (a, b) in kin:
                    path = kin_path(tables, iid[a], iid[b], hops) or f"{iid[a]} and {iid[b]} are kin"
                    errors.append(f"locks on case {cid[c]} break rule team.kin: {path}")
        if inst.per_township and group is not None:
            towns = [group[m] for m in members if group[m] >= 0]
            for g in sorted(set(towns)):
                if towns.count(g) > inst.per_township:
                    t = inv["township_id"].iat[next(m for m in members if group[m] == g)]
                    errors.append(f"locks on case {cid[c]} break rule team.township: {towns.count(g)} locked members "
                                  f"posted in {t}, max_per_township is {inst.per_township}")
    if errors:
        raise LockError("; ".join(errors))


def outside_changes(inst: StaffingInstance, prev: pd.DataFrame | None, part_cases: np.ndarray) -> int:
    """Previous memberships that no part can keep (their pair is not eligible, or their case
    is in no part): changes whatever the plan."""
    if prev is None or not len(prev):
        return 0
    case_pos, _, pair = _pairs_of(inst, prev)
    in_part = np.zeros(inst.n_cases + 1, dtype=bool)
    in_part[part_cases] = True
    return int(((pair < 0) | ~in_part[case_pos]).sum())


_WHY = {"team.available": "unavailable", "team.capacity": "no capacity", "forbidden": "forbidden"}


def change_frame(inst: StaffingInstance | None, prev: pd.DataFrame, assignments: pd.DataFrame,
                 unstaffed: pd.DataFrame) -> pd.DataFrame:
    """Every membership of either plan: ``kept``, ``added``, ``removed``, or ``role`` (kept,
    but now leads or no longer leads), with the roles before and after and a reason.

    Reasons of removed memberships: ``case closed`` (not in the cases table), ``person
    gone`` (not in the investigators table), ``unavailable``, ``new conflict`` (the rule
    and its detail), ``no capacity``, ``forbidden``, ``case unstaffed``, ``team size``
    (the case needs fewer members now), ``rebalance`` (still eligible, moved by the
    objective: freed capacity, workload, travel; the detail names the cases the person
    moved to).  Added: ``new case``, ``replacement`` (the case lost a member),
    ``rebalance``.  Rows sorted by case, investigator.  Without ``inst`` (two plans and
    no data) removed memberships say only where the person moved.
    """
    el = inst.eligibility if inst is not None else None
    new = assignments[["case_id", "investigator_id", "role"]].copy()
    new["is_lead_new"] = new["role"] == "lead"
    old = prev.rename(columns={"is_lead": "is_lead_old"})
    both = old.merge(new[["case_id", "investigator_id", "is_lead_new"]], on=["case_id", "investigator_id"],
                     how="outer", indicator=True)
    known_case = set(inst.case_ids.tolist()) if inst is not None else set()
    known_inv = set(inst.inv_ids.tolist()) if inst is not None else set()
    unstaffed_reason = dict(zip(unstaffed["case_id"], unstaffed["reason"])) if len(unstaffed) else {}
    team_size = dict(zip(inst.case_ids.tolist(), inst.team_size.tolist())) if inst is not None else {}
    old_pairs = set(zip(prev["case_id"], prev["investigator_id"]))
    moved_to: dict[str, list[str]] = {}
    for c, i in zip(new["case_id"], new["investigator_id"]):
        if (c, i) not in old_pairs:
            moved_to.setdefault(i, []).append(c)
    removed_cases = set()
    rows = []
    for c, i, lo, ln, m in both[["case_id", "investigator_id", "is_lead_old", "is_lead_new", "_merge"]].itertuples(
            index=False):
        before = "" if m == "right_only" else ("lead" if bool(lo) else "member")
        after = "" if m == "left_only" else ("lead" if bool(ln) else "member")
        if m == "both":
            change = "kept" if before == after else "role"
            reason, detail = ("", "") if change == "kept" else ("lead changed", f"{before} -> {after}")
        elif m == "left_only":
            change = "removed"
            removed_cases.add(c)
            went = f"; now on {', '.join(sorted(moved_to[i]))}" if i in moved_to else ""
            if inst is None:
                reason, detail = ("moved", f"now on {', '.join(sorted(moved_to[i]))}") if i in moved_to else ("", "")
            elif c not in known_case:
                reason, detail = "case closed", f"case {c} is no longer in the cases table"
            elif i not in known_inv:
                reason, detail = "person gone", f"{i} is no longer in the investigators table"
            else:
                why = el.explain_pair(i, c)
                if why:
                    rule, text = why[0]
                    reason = _WHY.get(rule, "new conflict")
                    detail = "; ".join(f"{r}: {d}" for r, d in why)
                elif c in unstaffed_reason:
                    reason, detail = "case unstaffed", unstaffed_reason[c]
                elif int((prev["case_id"] == c).sum()) > team_size[c]:
                    reason, detail = "team size", f"team_size is now {team_size[c]}"
                else:
                    reason, detail = "rebalance", "still eligible; moved by the objective (capacity, workload, travel)"
            detail += went if inst is not None else ""
        else:
            change = "added"
            reason, detail = "", ""
        rows.append((c, i, change, before, after, reason, detail))
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    prev_cases = set(prev["case_id"])
    added = out["change"] == "added"
    out.loc[added, "reason"] = [
        "new case" if c not in prev_cases else ("replacement" if c in removed_cases else "rebalance")
        for c in out.loc[added, "case_id"]]
    out.loc[added, "detail"] = [
        "the previous plan did not staff this case" if r == "new case" else
        ("takes the place of a removed member" if r == "replacement" else "moved by the objective")
        for r in out.loc[added, "reason"]]
    return out.sort_values(["case_id", "investigator_id"], kind="stable").reset_index(drop=True)


def change_summary(changes: pd.DataFrame, prev: pd.DataFrame, assignments: pd.DataFrame) -> dict[str, int]:
    """Counts: kept, added, removed memberships, cases whose lead changed, and ``changes``
    (added + removed + lead changes: the ``changes`` level)."""
    kinds = changes["change"].value_counts()
    old_lead = dict(zip(prev.loc[prev["is_lead"], "case_id"], prev.loc[prev["is_lead"], "investigator_id"]))
    new_lead = dict(zip(assignments.loc[assignments["role"] == "lead", "case_id"],
                        assignments.loc[assignments["role"] == "lead", "investigator_id"]))
    staffed = set(assignments["case_id"])
    lead_changes = sum(1 for c, i in old_lead.items() if c in staffed and new_lead.get(c) != i)
    out = {"kept": int(kinds.get("kept", 0) + kinds.get("role", 0)), "added": int(kinds.get("added", 0)),
           "removed": int(kinds.get("removed", 0)), "lead_changes": int(lead_changes)}
    out["changes"] = out["added"] + out["removed"] + out["lead_changes"]
    return out
