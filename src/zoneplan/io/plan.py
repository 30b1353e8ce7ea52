"""Staffing plan files: write a result, read a plan (also a hand-made one) back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.load import read_side_table
from ..data.tables import Tables
from ..errors import InputError, Problem
from .write import frame_to_csv_bytes, json_bytes, write_outputs

__all__ = ["plan_files", "write_plan", "read_assignments", "read_previous", "PLAN_COLUMNS"]

PLAN_COLUMNS = ("case_id", "investigator_id", "role", "travel_minutes")


def plan_files(result, tables: Tables) -> dict[str, bytes]:
    """The four plan files as bytes: assignments, unstaffed, workload, report."""
    report = result.report()
    report["inputs"] = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                        for name, s in sorted(tables.sources.items())}
    files = {
        "assignments.csv": frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f"),
        "unstaffed.csv": frame_to_csv_bytes(result.unstaffed[["case_id", "reason"]]),
        "workload.csv": frame_to_csv_bytes(result.workload[["investigator_id", "cases", "workload"]]),
        "report.json": json_bytes(report),
    }
    if getattr(result, "changes", None) is not None:  # a re-plan: what changed versus the previous plan
        files["changes.csv"] = frame_to_csv_bytes(result.changes)
    return files


def write_plan(result, tables: Tables, out_dir: str | Path) -> list[Path]:
    """Write the plan atomically into ``out_dir``."""
    return write_outputs(out_dir, plan_files(result, tables))


def read_assignments(plan_dir: str | Path) -> pd.DataFrame:
    """Read ``assignments.csv`` of a plan folder (or the file itself) as text columns.

    Missing optional columns are left out (the checker reports them); ``travel_minutes`` is
    parsed as a number where given.
    """
    df, name = read_side_table(plan_dir, "assignments.csv", "a plan folder holding assignments.csv")
    if "travel_minutes" in df.columns:
        num = pd.to_numeric(df["travel_minutes"].where(df["travel_minutes"] != "", None), errors="coerce")
        bad = df["travel_minutes"].ne("") & num.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError([Problem(name, i + 2, "travel_minutes", df["travel_minutes"].iat[i], "a number")])
        df["travel_minutes"] = num.astype(float)
    blank = (df.astype(str) == "").all(axis=1) if len(df.columns) else pd.Series(dtype=bool)
    return df.loc[~blank].reset_index(drop=True)


def read_previous(path: str | Path) -> pd.DataFrame:
    """A previous plan (a plan folder or its ``assignments.csv``) as
    ``case_id, investigator_id, is_lead``, validated
    (:func:`zoneplan.staffing.previous.previous_frame`).

    Raises
    ------
    InputError
        Missing file or columns, blank ids, pairs twice, unreadable roles (file, line, column).
    """
    from ..staffing.previous import previous_frame

    df, name = read_side_table(path, "assignments.csv", "a plan folder holding assignments.csv, or the file")
    return previous_frame(df, name)
