"""Side files a planner hands in besides the tables: zonings (zones.csv) and what-if files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.load import read_side_table
from ..data.tables import Tables
from ..errors import InputError, Problem

import pandas as pd

__all__ = ["read_zoning", "read_whatifs", "WHATIF_KINDS"]

WHATIF_KINDS = ("together", "apart", "keep", "exclude")


def read_zoning(path: str | Path, tables: Tables) -> pd.DataFrame:
    """Read a zoning (a folder holding ``zones.csv`` or the file): ``township_id, zone``.

    Raises
    ------
    InputError
        Unknown or duplicate townships, missing columns.
    """
    df, name = read_side_table(path, "zones.csv", "a zoning folder holding zones.csv, or a zones.csv file")
    problems = []
    for col in ("township_id", "zone"):
        if col not in df.columns:
            problems.append(Problem(name, 1, col, None, f"a {col} column"))
    if problems:
        raise InputError(problems)
    df = df[["township_id", "zone"]]
    df = df[(df["township_id"] != "") | (df["zone"] != "")].reset_index(drop=True)
    known = set(tables.townships["township_id"])
    seen: dict[str, int] = {}
    for k, t in enumerate(df["township_id"].tolist()):
        line = k + 2
        if t not in known:
            problems.append(Problem(name, line, "township_id", t, "a township_id of townships.csv"))
        elif t in seen:
            problems.append(Problem(name, line, "township_id", t, f"each township once; already on line {seen[t]}"))
        else:
            seen[t] = line
    if problems:
        raise InputError(problems[:50], max(0, len(problems) - 50))
    return df


def read_whatifs(path: str | Path) -> dict[str, Any]:
    """Read a what-if file: CSV ``kind,a,b`` with kind together|apart (a, b) or keep|exclude (a).

    ``keep`` takes a zone id (or ``all``); ``exclude`` a township id.  Returns keyword
    arguments for :class:`zoneplan.zoning.ZoningOptions`.
    """
    df, name = read_side_table(path, None, "an existing what-if CSV file")
    df.columns = [c.lower() for c in df.columns]
    if "kind" not in df.columns or "a" not in df.columns:
        raise InputError([Problem(name, 1, "kind", None, "columns kind,a,b")])
    if "b" not in df.columns:
        df["b"] = ""
    out: dict[str, Any] = {"together": [], "apart": [], "keep": [], "exclude": []}
    problems = []
    for k, (kind, a, b) in enumerate(df[["kind", "a", "b"]].astype(str).itertuples(index=False)):
        kind, a, b = kind.strip().lower(), a.strip(), b.strip()
        line = k + 2
        if not (kind or a or b):
            continue
        if kind not in WHATIF_KINDS:
            problems.append(Problem(name, line, "kind", kind, "together, apart, keep or exclude"))
        elif kind in ("together", "apart") and (not a or not b):
            problems.append(Problem(name, line, "b", b, f"two townships for {kind}"))
        elif not a:
            problems.append(Problem(name, line, "a", a, "a value"))
        elif kind in ("together", "apart"):
            out[kind].append((a, b))
        else:
            out[kind].append(a)
    if problems:
        raise InputError(problems)
    if "all" in [x.lower() for x in out["keep"]]:
        out["keep"] = True
    return out
