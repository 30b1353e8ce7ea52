"""Re-planning from a previous plan: the changes level, locks, forbidden pairs.

Instance (one county K, explicit road minutes A-B 10, A-C 50, A-D 80): cases X1, X2, X3
in township A, each a team of 2 (X1 needs a lead), workload 1.  Township staff b1, b2
(posted in B), c1, c2 (C), d1 (D), all may lead, max 2 cases each.

Previous plan P: X1 = b2 (lead), b1; X2 = b1, c1; X3 = c2, d1.  When b1 drops out, b1's
two memberships must go, and X1 and X2 each need one new member: the fewest changes is
exactly 4 (2 removed + 2 added), every other membership kept, b2 still leads X1.
"""

from __future__ import annotations

import pandas as pd
import pytest

import zoneplan
from zoneplan import SolveOptions
from zoneplan.staffing.previous import LockError

from conftest import make_tables

TRAVEL = [("A", "B", 10), ("A", "C", 50), ("B", "C", 40), ("A", "D", 80), ("B", "D", 75), ("C", "D", 60)]


def towns():
    coords = [(37.0, 117.0), (37.02, 117.0), (37.1, 117.0), (37.2, 117.0)]
    return [dict(township_id=t, name=t, county="K", lat=la, lon=lo, villages=3, zone="")
            for t, (la, lo) in zip("ABCD", coords)]


def person(pid, township, **kw):
    row = dict(investigator_id=pid, name=pid, township_id=township, level="township", home_township=township,
               home_village="", skills="", can_lead="true", max_cases=2, available="true")
    row.update(kw)
    return row


def case(cid, **kw):
    row = dict(case_id=cid, township_id="A", village="", subject_id="", team_size=2, required_skills="",
               needs_lead="false", escalated="false", priority=1, workload=1.0)
    row.update(kw)
    return row


PEOPLE = {"b1": "B", "b2": "B", "c1": "C", "c2": "C", "d1": "D"}
PREVIOUS = pd.DataFrame([("X1", "b2", "lead"), ("X1", "b1", "member"), ("X2", "b1", "member"),
                         ("X2", "c1", "member"), ("X3", "c2", "member"), ("X3", "d1", "member")],
                        columns=["case_id", "investigator_id", "role"])


def tables(unavailable=(), cases=None, gone=(), **kw):
    invs = [person(p, t, available="false" if p in unavailable else "true") for p, t in PEOPLE.items()
            if p not in gone]
    cs = cases if cases is not None else [case("X1", needs_lead="true"), case("X2"), case("X3")]
    return make_tables(towns(), invs, cs, travel=TRAVEL, **kw)


def pairs(frame):
    return set(zip(frame["case_id"], frame["investigator_id"]))


def test_drop_out_is_replaced_by_exactly_one_new_member_per_case():
    t = tables(unavailable={"b1"})
    r = zoneplan.staff(t, previous=PREVIOUS)
    assert zoneplan.check(t, r.assignments).ok
    assert r.status == "OPTIMAL"
    assert list(r.levels) == ["staffed", "changes", "max_workload", "travel"]
    assert r.levels["changes"].value == 4 and r.levels["changes"].proven
    kept = pairs(PREVIOUS) - {("X1", "b1"), ("X2", "b1")}
    assert kept <= pairs(r.assignments)
    added = pairs(r.assignments) - pairs(PREVIOUS)
    assert sorted(c for c, _ in added) == ["X1", "X2"]
    assert r.change_summary == {"kept": 4, "added": 2, "removed": 2, "lead_changes": 0, "changes": 4}
    a = r.assignments
    assert a.loc[(a.case_id == "X1") & (a.role == "lead"), "investigator_id"].tolist() == ["b2"]
    ch = r.changes.set_index(["case_id", "investigator_id"])
    assert ch.loc[("X1", "b1"), "change"] == "removed" and ch.loc[("X1", "b1"), "reason"] == "unavailable"
    assert set(ch.loc[ch["change"] == "added", "reason"]) == {"replacement"}


def test_a_fresh_plan_changes_more_than_the_replan():
    """Without the previous plan the solver balances workload and travel from scratch."""
    t = tables(unavailable={"b1"})
    fresh = zoneplan.staff(t)
    assert len(pairs(fresh.assignments) ^ pairs(PREVIOUS)) > 4


def test_lead_drop_out_counts_a_lead_change():
    prev = PREVIOUS.copy()
    prev.loc[(prev.case_id == "X1"), "role"] = ["member", "lead"]  # b1 led X1
    t = tables(unavailable={"b1"})
    r = zoneplan.staff(t, previous=prev)
    assert r.change_summary == {"kept": 4, "added": 2, "removed": 2, "lead_changes": 1, "changes": 5}
    assert r.levels["changes"].value == 5 and r.levels["changes"].proven


def test_unchanged_data_keeps_the_plan_exactly():
    t = tables()
    r = zoneplan.staff(t, previous=PREVIOUS)
    assert r.levels["changes"].value == 0
    assert pairs(r.assignments) == pairs(PREVIOUS)


def test_closed_case_and_vanished_person_are_removed_memberships():
    """X3 closed (not in cases) and d1 gone from the roster: their memberships are removed
    with reasons, counted, never an error; X2 is kept whole."""
    t = tables(cases=[case("X1", needs_lead="true"), case("X2")], gone={"d1"})
    r = zoneplan.staff(t, previous=PREVIOUS)
    ch = r.changes.set_index(["case_id", "investigator_id"])
    assert ch.loc[("X3", "c2"), "reason"] == "case closed"
    assert ch.loc[("X3", "d1"), "reason"] == "case closed"
    assert r.change_summary["removed"] == 2 and r.change_summary["changes"] == 2
    assert r.levels["changes"].value == 2
    assert pairs(r.assignments) == pairs(PREVIOUS) - {("X3", "c2"), ("X3", "d1")}
    prev = pd.concat([PREVIOUS, pd.DataFrame([("X1", "z9", "member")], columns=PREVIOUS.columns)])
    r = zoneplan.staff(tables(), previous=prev)
    ch = r.changes.set_index(["case_id", "investigator_id"])
    assert ch.loc[("X1", "z9"), "reason"] == "person gone"


def test_changes_level_order_can_move():
    t = tables(unavailable={"b1"})
    r = zoneplan.staff(t, options=SolveOptions(order=("staffed", "travel", "max_workload", "changes")),
                       previous=PREVIOUS)
    assert list(r.levels) == ["staffed", "travel", "max_workload", "changes"]
    assert r.levels["changes"].value == r.change_summary["changes"]
    with pytest.raises(ValueError, match="previous plan"):
        zoneplan.staff(t, options=SolveOptions(order=("staffed", "changes", "max_workload", "travel")))


def test_weighted_mode_counts_changes():
    t = tables(unavailable={"b1"})
    r = zoneplan.staff(t, options=SolveOptions(mode="weighted"), previous=PREVIOUS)
    assert r.objective["changes"] == 4


def test_lock_that_breaks_a_rule_is_refused_with_the_reason():
    t = tables(unavailable={"b1"})
    with pytest.raises(LockError, match=r"lock X1:b1 breaks rule team.available: marked unavailable"):
        zoneplan.staff(t, previous=PREVIOUS, locks=["X1:b1"])
    with pytest.raises(LockError, match=r"lock X2 breaks rule team.size: the previous team has 2 members, "
                                        r"team_size is now 3"):
        zoneplan.staff(tables(cases=[case("X1", needs_lead="true"), case("X2", team_size=3), case("X3")]),
                       previous=PREVIOUS, locks=["X2"])
    with pytest.raises(LockError, match="not on case X3"):
        zoneplan.staff(t, previous=PREVIOUS, locks=["X3:b2"])
    with pytest.raises(LockError, match="--previous"):
        zoneplan.staff(t, locks=["X3"])


def test_lock_keeps_a_team_the_objective_would_move():
    """With changes ranked last, travel moves X3 (c2 50 + d1 80 min) to nearer people;
    locking X3 keeps it as it was."""
    t = tables()
    order = SolveOptions(order=("staffed", "travel", "max_workload", "changes"))
    free = zoneplan.staff(t, options=order, previous=PREVIOUS)
    assert pairs(free.assignments) & {("X3", "d1")} == set()
    locked = zoneplan.staff(t, options=order, previous=PREVIOUS, locks=["X3"])
    assert {("X3", "c2"), ("X3", "d1")} <= pairs(locked.assignments)
    assert zoneplan.check(t, locked.assignments).ok


def test_forbidden_pair_is_never_used():
    t = tables()
    r = zoneplan.staff(t)
    used = sorted(pairs(r.assignments))
    forbid = [f"{c}:{i}" for c, i in used]
    r2 = zoneplan.staff(t, forbid=forbid)
    assert not pairs(r2.assignments) & set(used)
    assert zoneplan.check(t, r2.assignments).ok
    with pytest.raises(LockError, match="both locked and forbidden"):
        zoneplan.staff(t, previous=PREVIOUS, locks=["X3:c2"], forbid=["X3:c2"])


def test_replan_from_a_plan_folder(tmp_path):
    from zoneplan.io.plan import write_plan

    t = tables()
    r = zoneplan.staff(t)
    write_plan(r, t, tmp_path / "p")
    r2 = zoneplan.staff(tables(unavailable={"b1"}), previous=tmp_path / "p")
    assert r2.change_summary["changes"] <= 2 * int((r.assignments.investigator_id == "b1").sum()) + 1
    write_plan(r2, t, tmp_path / "q")
    assert (tmp_path / "q" / "changes.csv").read_text().startswith(
        "case_id,investigator_id,change,role_before,role_after,reason,detail\n")


@pytest.mark.parametrize("seed", [1, 2])
def test_changes_shortcut_never_claims_a_false_optimum(monkeypatch, seed):
    """On a generated county with a drop-out and a closed case, the changes level with the
    cheap bound (the greedy start often reaches it) equals the changes level found by
    CP-SAT alone (the shortcut switched off)."""
    from zoneplan.staffing.levels import ChangesLevel
    from zoneplan.synth import generate

    frames = generate("county", seed=seed)
    t = zoneplan.tables_from_frames(**frames)
    first = zoneplan.staff(t)
    busiest = first.assignments["investigator_id"].value_counts().index[0]
    inv = frames["investigators"].copy()
    inv.loc[inv["investigator_id"] == busiest, "available"] = "false"
    cases = frames["cases"].iloc[1:]  # the first case closed
    t2 = zoneplan.tables_from_frames(**{**frames, "investigators": inv, "cases": cases})
    with_shortcut = zoneplan.staff(t2, previous=first.assignments)
    monkeypatch.setattr(ChangesLevel, "ideal", lambda self, part, plan, earlier: None)
    without = zoneplan.staff(t2, previous=first.assignments)
    assert with_shortcut.levels["changes"].proven and without.levels["changes"].proven
    assert with_shortcut.objective["changes"] == without.objective["changes"]
    assert with_shortcut.objective["changes"] == with_shortcut.change_summary["changes"]


def test_replan_workbook_has_a_changes_sheet_in_chinese(tmp_path):
    """plan.xlsx of a re-plan holds 方案变动: the two removed memberships of b1 (不在岗) and
    their two replacements (替补), with names; a fresh plan's workbook has no such sheet."""
    import openpyxl

    from zoneplan.io.plan import write_plan

    t = tables(unavailable={"b1"})
    r = zoneplan.staff(t, previous=PREVIOUS)
    write_plan(r, t, tmp_path / "q", lang="zh")
    ws = openpyxl.load_workbook(tmp_path / "q" / "plan.xlsx")["方案变动"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("线索编号", "所在乡镇", "姓名", "变动")  # people by name (ids: the audit appendix)
    body = sorted((c, i, ch, why) for c, _, i, ch, _, _, why, _ in rows[1:])
    added = [x for x in body if x[2] == "新增"]
    assert [x for x in body if x[2] == "移出"] == [("X1", "b1", "移出", "不在岗"), ("X2", "b1", "移出", "不在岗")]
    assert sorted(c for c, *_ in added) == ["X1", "X2"] and {x[3] for x in added} == {"替补"}
    assert rows[2][-1] != "" and "marked" not in "".join(str(r[-1]) for r in rows[1:])
    write_plan(zoneplan.staff(t), t, tmp_path / "f", lang="zh")
    assert "方案变动" not in openpyxl.load_workbook(tmp_path / "f" / "plan.xlsx").sheetnames
