"""Two staffing plans side by side: which teams changed, who moved where, who left and why.

:func:`diff_plans` compares plan A (before) with plan B (after), membership by membership
(the same rows as a re-plan's ``changes.csv``: kept, added, removed, role), and sums them
up per team and per person.  With the tables (``tables=``, ``zoneplan diff --data``)
every removed membership gets its reason from the data: ``case closed``, ``person gone``,
``unavailable``, ``new conflict`` (rule and detail), ``no capacity``, ``case unstaffed``,
``team size``, ``rebalance`` (still eligible: moved by the objective, e.g. freed
capacity); without them only the moves are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .data.tables import Tables
from .options import RuleOptions

__all__ = ["PlanDiff", "diff_plans", "TEAM_COLUMNS", "PERSON_COLUMNS"]

TEAM_COLUMNS = ["case_id", "status", "before", "after", "added", "removed"]
PERSON_COLUMNS = ["investigator_id", "left", "joined", "reason"]


@dataclass
class PlanDiff:
    """What changed from plan A to plan B.

    Attributes
    ----------
    memberships : DataFrame
        Every membership of either plan: ``case_id, investigator_id, change`` (kept |
        added | removed | role), ``role_before, role_after, reason, detail``.
    teams : DataFrame
        Per case whose team changed: ``status`` (changed | new | dropped), members
        ``before`` and ``after`` (``;``-separated, the lead marked ``*``), and the
        ``added`` / ``removed`` members.
    people : DataFrame
        Per investigator who left or joined a team: the cases ``left`` and ``joined`` and
        the reason they left (first reason when several).
    """

    memberships: pd.DataFrame
    teams: pd.DataFrame
    people: pd.DataFrame

    @property
    def changed(self) -> pd.DataFrame:
        """The memberships that are not simply kept."""
        return self.memberships[self.memberships["change"] != "kept"].reset_index(drop=True)

    def summary(self) -> dict[str, int]:
        k = self.memberships["change"].value_counts()
        return {"teams_changed": int(len(self.teams)), "kept": int(k.get("kept", 0) + k.get("role", 0)),
                "added": int(k.get("added", 0)), "removed": int(k.get("removed", 0)),
                "role_changes": int(k.get("role", 0)), "people_moved": int(len(self.people))}


def _team_text(frame: pd.DataFrame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for c, i, lead in zip(frame["case_id"], frame["investigator_id"], frame["is_lead"]):
        out.setdefault(c, []).append(f"{i}*" if lead else i)
    return {c: ";".join(sorted(v, key=lambda x: (not x.endswith("*"), x))) for c, v in out.items()}


def diff_plans(a, b, tables: Tables | None = None, rules: RuleOptions | None = None) -> PlanDiff:
    """Compare plan ``a`` (before) with plan ``b`` (after).

    Parameters
    ----------
    a, b : DataFrame or path
        Plans: frames with ``case_id, investigator_id`` and ``role`` or ``is_lead``, or plan
        folders / ``assignments.csv`` files.
    tables : Tables, optional
        The data, for the reasons of removed memberships.
    rules : RuleOptions, optional
        The rules the reasons are judged by (defaults).

    Raises
    ------
    InputError
        An unreadable plan (file, line, column).
    """
    from .staffing.previous import change_frame, previous_frame

    pa, pb = previous_frame(a), previous_frame(b)
    assign_b = pb.assign(role=pb["is_lead"].map({True: "lead", False: "member"}))
    inst = None
    unstaffed = pd.DataFrame(columns=["case_id", "reason"])
    if tables is not None:
        from .staffing.instance import build_instance

        inst = build_instance(tables, rules or RuleOptions())
        staffed_b = set(pb["case_id"])
        unstaffed = pd.DataFrame({"case_id": [c for c in tables.cases["case_id"] if c not in staffed_b]})
        unstaffed["reason"] = "not staffed in plan B"
    members = change_frame(inst, pa, assign_b, unstaffed)
    before, after = _team_text(pa), _team_text(pb)
    rows = []
    for c in sorted(set(before) | set(after)):
        sub = members[members["case_id"] == c]
        if (sub["change"] == "kept").all():
            continue
        status = "new" if c not in before else ("dropped" if c not in after else "changed")
        rows.append((c, status, before.get(c, ""), after.get(c, ""),
                     ";".join(sorted(sub.loc[sub["change"] == "added", "investigator_id"])),
                     ";".join(sorted(sub.loc[sub["change"] == "removed", "investigator_id"]))))
    teams = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    moved = members[members["change"].isin(["added", "removed"])]
    people = []
    for i, sub in moved.groupby("investigator_id", sort=True):
        left = sub[sub["change"] == "removed"]
        reasons = [r for r in left["reason"] if r]
        people.append((i, ";".join(sorted(left["case_id"])),
                       ";".join(sorted(sub.loc[sub["change"] == "added", "case_id"])), reasons[0] if reasons else ""))
    return PlanDiff(members, teams, pd.DataFrame(people, columns=PERSON_COLUMNS))
