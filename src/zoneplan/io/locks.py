"""Locks file: the ``--lock`` / ``--forbid`` items of a re-plan, kept in a CSV.

Columns ``kind,case_id,investigator_id``: ``kind`` is ``lock`` (with an investigator: that
membership stays; without: the whole previous team of the case stays) or ``forbid`` (the
pair is never used; an investigator is required).  Chinese kinds 锁定 / 禁止 are accepted.
"""

from __future__ import annotations

from pathlib import Path

from ..data.load import read_side_table
from ..errors import InputError, Problem

__all__ = ["read_locks"]

_KINDS = {"lock": "lock", "锁定": "lock", "forbid": "forbid", "禁止": "forbid"}


def read_locks(path: str | Path) -> tuple[list[str], list[str]]:
    """``(locks, forbid)`` items (``CASE`` or ``CASE:PERSON``) from a locks file.

    Raises
    ------
    InputError
        Missing columns, unknown kinds, a forbid without an investigator (file, line, column).
    """
    df, name = read_side_table(path, None, "an existing locks CSV file (kind,case_id,investigator_id)")
    df.columns = [c.lower() for c in df.columns]
    problems = [Problem(name, 1, c, None, f"a {c} column") for c in ("kind", "case_id") if c not in df.columns]
    if problems:
        raise InputError(problems)
    if "investigator_id" not in df.columns:
        df["investigator_id"] = ""
    locks: list[str] = []
    forbid: list[str] = []
    for k, (kind, case, person) in enumerate(df[["kind", "case_id", "investigator_id"]].itertuples(index=False)):
        line = k + 2
        if not (kind or case or person):
            continue
        what = _KINDS.get(kind.strip().lower())
        if what is None:
            problems.append(Problem(name, line, "kind", kind, "lock or forbid"))
        elif not case:
            problems.append(Problem(name, line, "case_id", case, "a case id"))
        elif what == "forbid" and not person:
            problems.append(Problem(name, line, "investigator_id", person, "an investigator id for forbid"))
        else:
            (locks if what == "lock" else forbid).append(case if not person else f"{case}:{person}")
    if problems:
        raise InputError(problems)
    return locks, forbid
