"""A plan read back: a plan folder, its ``assignments.csv`` or a hand-made plan as the
memberships it holds (:func:`read_assignments`), and a previous plan to re-plan from,
validated as ``case_id, investigator_id, is_lead`` (:func:`previous_frame`).

Input, like the other tables: the plan writer (:mod:`zoneplan.io.plan`) and re-planning
(:mod:`zoneplan.staffing.previous`) both read plans through this module.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .cells import key
from .load import investigator_lookup, read_side, resolve_column
from .resolve import Lookup
from .tables import Tables

__all__ = ["ROLE_WORDS", "read_assignments", "read_previous", "previous_frame"]

#: Role words of a hand-made plan.
ROLE_WORDS = {"lead": ("lead", "组长", "牵头人", "负责人", "主办"), "member": ("member", "组员", "成员", "协办", "参与")}


def resolve_people_and_cases(parsed, tables: Tables, person_column: str) -> None:
    """A hand-made side table's person column (``investigator_id``, ``reviewer_id``) and its
    ``case_id`` read by the same keys as the tables' own: ids or names of investigators, case
    ids; unknown values kept for the checker to name."""
    resolve_column(parsed, person_column, investigator_lookup(tables), ("investigator", "干部"), keep_unknown=True)
    resolve_column(parsed, "case_id", Lookup(tables.cases["case_id"].tolist()), ("case id", "线索编号"),
                   keep_unknown=True)


def read_assignments(plan_dir: str | Path, tables: Tables | None = None) -> pd.DataFrame:
    """Read a plan: ``assignments.csv`` of a plan folder, the file itself, or a workbook.

    A hand-made plan may use Chinese headers (线索编号, 人员/姓名, 角色, 路程分钟), roles
    组长/组员, and, with ``tables``, people by unique name and case ids in another case or
    width.  Ids that name nothing are kept as written: the checker reports them
    (``plan.unknown``); an unknown role is kept for ``plan.role``.

    Raises
    ------
    InputError
        The file is missing or unreadable, a column is missing, a travel value is not a
        number, or a name is shared by two people.
    """
    parsed = read_side(plan_dir, "plan", "assignments.csv", ("a plan folder holding assignments.csv",
                                                             "存放 assignments.csv 的方案文件夹"))
    if tables is not None:
        resolve_people_and_cases(parsed, tables, "investigator_id")
    f = parsed.frame
    words = {key(w): role for role, ws in ROLE_WORDS.items() for w in ws}
    f["role"] = [words.get(key(r), r) for r in f["role"].tolist()]
    travel = f["travel_minutes"] if "travel_minutes" in parsed.typed else pd.Series(np.nan, index=f.index)
    out = pd.DataFrame({"case_id": f["case_id"], "investigator_id": f["investigator_id"], "role": f["role"],
                        "travel_minutes": travel.astype(float)})
    if "travel_minutes" not in parsed.typed:
        out = out.drop(columns="travel_minutes")
    return out.reset_index(drop=True)


def read_previous(path: str | Path, tables: Tables | None = None) -> pd.DataFrame:
    """A previous plan (a plan folder, its ``assignments.csv`` or a hand-made plan read as
    :func:`read_assignments` reads it) as ``case_id, investigator_id, is_lead``, validated
    (:func:`previous_frame`).

    Raises
    ------
    InputError
        Missing file or columns, blank ids, pairs twice, unreadable roles (file, line, column).
    """
    p = Path(path)
    name = (p / "assignments.csv").name if p.is_dir() else p.name
    return previous_frame(read_assignments(p, tables), name)


_TRUE = {"true", "1", "yes", "y", "是", "lead"}
_FALSE = {"false", "0", "no", "n", "否", "", "member"}


def previous_frame(previous: pd.DataFrame | str | Path, name: str | None = None) -> pd.DataFrame:
    """The previous plan as ``case_id, investigator_id, is_lead`` (one row per membership).

    Parameters
    ----------
    previous : DataFrame, str or Path
        A plan frame (``case_id``, ``investigator_id`` and ``role`` or ``is_lead``; the
        ``assignments`` of a :class:`~zoneplan.staffing.result.StaffingResult` will do),
        or a plan folder / ``assignments.csv`` path.
    name : str, optional
        How to name the source in error messages.

    Raises
    ------
    InputError
        Missing columns, blank ids, a pair twice, an unreadable role, two leads on a case;
        each with the file, line and column.
    """
    if not isinstance(previous, pd.DataFrame):
        return read_previous(previous)
    src = name or "previous plan"
    df = previous.copy()
    df.columns = [str(c).strip() for c in df.columns]
    problems = [Problem(src, 1, col, None, f"a {col} column") for col in ("case_id", "investigator_id")
                if col not in df.columns]
    if "role" not in df.columns and "is_lead" not in df.columns:
        problems.append(Problem(src, 1, "role", None, "a role column (lead|member) or an is_lead column"))
    if problems:
        raise InputError(problems)
    case = df["case_id"].astype(object).where(df["case_id"].notna(), "").astype(str).str.strip()
    inv = df["investigator_id"].astype(object).where(df["investigator_id"].notna(), "").astype(str).str.strip()
    col = "role" if "role" in df.columns else "is_lead"
    raw = df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip().str.lower()
    seen: dict[tuple[str, str], int] = {}
    leads: dict[str, int] = {}
    is_lead = []
    for k, (c, i, r) in enumerate(zip(case.tolist(), inv.tolist(), raw.tolist())):
        line = k + 2
        if not c and not i and not r:
            is_lead.append(False)
            continue
        if not c:
            problems.append(Problem(src, line, "case_id", c, "a case id"))
        if not i:
            problems.append(Problem(src, line, "investigator_id", i, "an investigator id"))
        if r in _TRUE:
            lead = True
        elif r in _FALSE:
            lead = False
        else:
            problems.append(Problem(src, line, col, r, "lead or member" if col == "role" else "true or false"))
            lead = False
        is_lead.append(lead)
        if (c, i) in seen:
            problems.append(Problem(src, line, "investigator_id", i,
                                    f"each membership once; {c}:{i} already on line {seen[(c, i)]}"))
        else:
            seen[(c, i)] = line
        if lead and c:
            if c in leads:
                problems.append(Problem(src, line, col, r, f"one lead per case; case {c} has a lead on line "
                                                           f"{leads[c]}"))
            else:
                leads[c] = line
    if problems:
        raise InputError(problems[:50], max(0, len(problems) - 50))
    out = pd.DataFrame({"case_id": case, "investigator_id": inv, "is_lead": is_lead})
    out = out[(out["case_id"] != "") | (out["investigator_id"] != "")]
    return out.sort_values(["case_id", "investigator_id"], kind="stable").reset_index(drop=True)
