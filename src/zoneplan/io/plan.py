"""Staffing plan files: write a result, read a plan (also a hand-made one) back."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from ..data.load import read_side_table
from ..data.tables import Tables
from ..errors import InputError, Problem
from .write import frame_to_csv_bytes, json_bytes, write_outputs

__all__ = ["plan_files", "write_plan", "zoning_maps", "read_assignments", "PLAN_COLUMNS"]

PLAN_COLUMNS = ("case_id", "investigator_id", "role", "travel_minutes")


def plan_files(result, tables: Tables, lang: str | None = None,
               maps: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """The plan files as bytes.

    For programs: ``assignments.csv``, ``unstaffed.csv``, ``workload.csv`` (ids, stable
    columns) and ``report.json``.  For people: ``plan.xlsx`` (a sheet per reader) and
    ``plan.html`` (the printable report), in ``lang`` (default: :func:`zoneplan.i18n.resolve_lang`).
    ``maps`` (caption -> PNG bytes, see :func:`zoneplan.io.report.render_plan_html`) go into
    the report; by default the zoning map of the zones in force.
    """
    from ..i18n import resolve_lang
    from .planview import plan_view
    from .report import render_plan_html
    from .workbook import plan_workbook

    report = result.report()
    report["inputs"] = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                        for name, s in sorted(tables.sources.items())}
    lang = resolve_lang(lang)
    view = plan_view(result, tables, lang=lang)
    if maps is None:
        maps = zoning_maps(tables, lang) if view.summary["rules"].get("use_zones", True) else {}
    return {
        "assignments.csv": frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f"),
        "unstaffed.csv": frame_to_csv_bytes(result.unstaffed[["case_id", "reason"]]),
        "workload.csv": frame_to_csv_bytes(result.workload[["investigator_id", "cases", "workload"]]),
        "report.json": json_bytes(report),
        "plan.xlsx": plan_workbook(view),
        "plan.html": render_plan_html(view, maps).encode("utf-8"),
    }


def zoning_maps(tables: Tables, lang: str) -> dict[str, bytes]:
    """The map of the zones in the townships' ``zone`` column, keyed by its caption; ``{}``
    when no township has a zone."""
    import tempfile

    from ..i18n import pick
    from ..zoning import draw
    from ..zoning.adapter import current_zoning, zoning_input

    if not (tables.townships["zone"] != "").any():
        return {}
    caption = pick({"en": "Collaboration zones (stars: hub townships)", "zh": "协作区划分（星号为驻地乡镇）"}, lang)
    renderable = getattr(draw, "_renderable", None)  # the map's own font may lack Chinese glyphs
    title = caption if renderable is None or renderable(caption) else None
    with tempfile.TemporaryDirectory() as td:
        png = draw.draw_map(zoning_input(tables, with_roster=False), current_zoning(tables), Path(td) / "map.png",
                            title=title).read_bytes()
    return {caption: png}


def write_plan(result, tables: Tables, out_dir: str | Path, lang: str | None = None,
               maps: Mapping[str, bytes] | None = None) -> list[Path]:
    """Write the plan files (see :func:`plan_files`) atomically into ``out_dir``."""
    return write_outputs(out_dir, plan_files(result, tables, lang, maps))


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
