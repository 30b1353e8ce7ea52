"""``zoneplan diff`` on two known plans (exact rows), plan history, and the re-planning
command line (``staff --previous/--lock/--history``), with exit codes.

Plans (no data needed):
A: X1 = b2 (lead), b1;  X2 = b1, c1;  X3 = c2, d1.
B: X1 = b2 (lead), c2;  X2 = b2, c1;  X3 = c2, d1;  X4 = c1, d1 (a new case).
X3 is unchanged; b1 left X1 and X2; b2 joined X2; c2 joined X1; c1 and d1 joined X4.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from zoneplan.cli import app
from zoneplan.diff import diff_plans
from zoneplan.io.history import resolve_plan

from conftest import EXAMPLES
from test_replan import PREVIOUS, case, tables

runner = CliRunner()

A = PREVIOUS
B = pd.DataFrame([("X1", "b2", "lead"), ("X1", "c2", "member"), ("X2", "b2", "member"), ("X2", "c1", "member"),
                  ("X3", "c2", "member"), ("X3", "d1", "member"), ("X4", "c1", "member"), ("X4", "d1", "member")],
                 columns=["case_id", "investigator_id", "role"])


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_diff_of_two_known_plans():
    d = diff_plans(A, B)
    assert d.teams.values.tolist() == [
        ["X1", "changed", "b2*;b1", "b2*;c2", "c2", "b1"],
        ["X2", "changed", "b1;c1", "b2;c1", "b2", "b1"],
        ["X4", "new", "", "c1;d1", "c1;d1", ""],
    ]
    assert d.people.values.tolist() == [
        ["b1", "X1;X2", "", ""], ["b2", "", "X2", ""], ["c1", "", "X4", ""], ["c2", "", "X1", ""],
        ["d1", "", "X4", ""],
    ]
    assert d.summary() == {"teams_changed": 3, "kept": 4, "added": 4, "removed": 2, "role_changes": 0,
                           "people_moved": 5}


def test_diff_with_data_gives_reasons():
    t = tables(unavailable={"b1"}, cases=[case("X1", needs_lead="true"), case("X2"), case("X3"), case("X4")])
    d = diff_plans(A, B, t)
    removed = d.changed[d.changed["change"] == "removed"]
    assert removed[["case_id", "investigator_id", "reason"]].values.tolist() == [
        ["X1", "b1", "unavailable"], ["X2", "b1", "unavailable"]]
    assert d.people.set_index("investigator_id").loc["b1", "reason"] == "unavailable"
    # a person moved away while still eligible: "rebalance", naming where they went
    d = diff_plans(B, A, tables(cases=[case("X1", needs_lead="true"), case("X2"), case("X3"), case("X4")]))
    row = d.changed[(d.changed["case_id"] == "X1") & (d.changed["investigator_id"] == "c2")].iloc[0]
    assert row["reason"] == "rebalance" and row["detail"] == \
        "still eligible; moved by the objective (capacity, workload, travel)"
    row = d.changed[(d.changed["case_id"] == "X4")].iloc[0]
    assert row["reason"] == "case unstaffed"


def test_diff_cli_writes_csvs_and_speaks_chinese(tmp_path):
    A.to_csv(tmp_path / "a.csv", index=False)
    B.to_csv(tmp_path / "b.csv", index=False)
    r = run("diff", tmp_path / "a.csv", tmp_path / "b.csv", "--out", tmp_path / "D", "--lang", "zh")
    assert r.exit_code == 0, r.output
    assert "3 个办案组有变动" in r.output and "新案件" in r.output
    teams = pd.read_csv(tmp_path / "D" / "teams.csv", keep_default_na=False)
    assert teams["case_id"].tolist() == ["X1", "X2", "X4"]
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,investigator_id,role\nX1,b1,boss\n", encoding="utf-8")
    r = run("diff", bad, tmp_path / "b.csv")
    assert r.exit_code == 2
    assert "bad.csv, line 2, column \"role\": got 'boss'" in r.output


def test_history_entries_and_diff_across_them(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / "tutorial", data)
    h = tmp_path / "H"
    r = run("staff", data, "--out", tmp_path / "p0", "--history", h)
    assert r.exit_code == 0, r.output
    inv = pd.read_csv(data / "investigators.csv", dtype=str, keep_default_na=False)
    inv.loc[inv["investigator_id"] == "c2", "available"] = "false"  # c2 staffed X4 in the worked example
    inv.to_csv(data / "investigators.csv", index=False)
    r = run("staff", data, "--out", tmp_path / "p1", "--previous", f"{h}@latest", "--history", h)
    assert r.exit_code == 0, r.output
    assert "changes.csv" in r.output
    from zoneplan.io.history import list_entries

    entries = [e["entry"] for e in list_entries(h)]
    assert len(entries) == 2 and entries[0] != entries[1]
    m = json.loads((h / entries[1] / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs"]["investigators"]["sha256"] != \
        json.loads((h / entries[0] / "manifest.json").read_text(encoding="utf-8"))["inputs"]["investigators"]["sha256"]
    assert m["changes"]["removed"] == 1 and m["zoneplan_version"]
    assert (h / entries[1] / "changes.csv").is_file()
    assert resolve_plan(f"{h}@-1") == h / entries[0] and resolve_plan(f"{h}@latest") == h / entries[1]
    r = run("history", h, "--lang", "en")
    assert r.exit_code == 0 and "@-1" in r.output and "@latest" in r.output and entries[1] in r.output
    r = run("diff", f"{h}@-1", f"{h}@latest", "--data", data)
    assert r.exit_code == 0, r.output
    assert "unavailable" in r.output and "X4" in r.output
    r = run("diff", f"{h}@-5", f"{h}@latest")
    assert r.exit_code == 2 and "holds 2 entries" in r.output


def test_staff_previous_errors_exit_2(tmp_path):
    data = EXAMPLES / "tutorial"
    (tmp_path / "prev.csv").write_text("case_id,investigator_id,role\nX1,K1,lead\nX1,K1,member\n", encoding="utf-8")
    r = run("staff", data, "--out", tmp_path / "o", "--previous", tmp_path / "prev.csv")
    assert r.exit_code == 2 and "prev.csv, line 3, column \"investigator_id\"" in r.output
    assert not (tmp_path / "o").exists()
    r = run("staff", data, "--out", tmp_path / "o", "--previous", tmp_path / "missing")
    assert r.exit_code == 2
    r = run("staff", data, "--out", tmp_path / "p")
    assert r.exit_code == 0
    r = run("staff", data, "--out", tmp_path / "o", "--previous", tmp_path / "p", "--lock", "X1:K1",
            "--forbid", "X1:K1")
    assert r.exit_code == 2 and "both locked and forbidden" in r.output
    (tmp_path / "locks.csv").write_text("kind,case_id,investigator_id\nlock,X1,\nforbid,X4,c2\n", encoding="utf-8")
    r = run("staff", data, "--out", tmp_path / "o", "--previous", tmp_path / "p", "--locks", tmp_path / "locks.csv")
    assert r.exit_code == 0, r.output
    a = pd.read_csv(tmp_path / "o" / "assignments.csv")
    assert not ((a.case_id == "X4") & (a.investigator_id == "c2")).any()


@pytest.mark.parametrize("ref", ["@first", "@latest"])
def test_resolve_plan_on_a_missing_history(tmp_path, ref):
    with pytest.raises(FileNotFoundError):
        resolve_plan(f"{tmp_path / 'none'}{ref}")
