"""Staffing plan files: write a result, read a plan (also a hand-made one) back."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from ..data.load import read_side_table
from ..data.tables import Tables
from ..errors import InputError, Problem
from .write import frame_to_csv_bytes, json_bytes, write_outputs

__all__ = ["plan_files", "write_plan", "plan_maps", "read_assignments", "PLAN_COLUMNS", "MAP_TOWNSHIP_LIMIT"]

PLAN_COLUMNS = ("case_id", "investigator_id", "role", "travel_minutes")


def plan_files(result, tables: Tables, lang: str | None = None,
               maps: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """The plan files as bytes.

    For programs: ``assignments.csv``, ``unstaffed.csv``, ``workload.csv`` (ids, stable
    columns) and ``report.json``.  For people: ``plan.xlsx`` (a sheet per reader) and
    ``plan.html`` (the printable report), in ``lang`` (default: :func:`zoneplan.i18n.resolve_lang`).
    ``maps`` (caption -> PNG bytes, see :func:`zoneplan.io.report.render_plan_html`) go into
    the report; by default the maps of :func:`plan_maps`, which are also written as files.
    """
    from ..i18n import resolve_lang
    from .planview import plan_view
    from .report import render_plan_html
    from .workbook import plan_workbook

    report = result.report()
    report["inputs"] = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                        for name, s in sorted(tables.sources.items())}
    report["data_quality"] = tables.quality.to_dict()
    lang = resolve_lang(lang)
    view = plan_view(result, tables, lang=lang)
    map_files: dict[str, bytes] = {}
    if maps is None:
        drawn = plan_maps(result, tables, lang)
        maps = {caption: png for caption, png in drawn.values()}
        map_files = {name: png for name, (_, png) in drawn.items()}
    return {**map_files,
        "assignments.csv": frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f"),
        "unstaffed.csv": frame_to_csv_bytes(result.unstaffed[["case_id", "reason"]]),
        "workload.csv": frame_to_csv_bytes(result.workload[["investigator_id", "cases", "workload"]]),
        "report.json": json_bytes(report),
        "plan.xlsx": plan_workbook(view),
        "plan.html": render_plan_html(view, maps).encode("utf-8"),
    }


#: Above this many townships the plan's maps are left out of a staffing run (they would take
#: longer than the solve); ``zoneplan zone`` / ``compare`` draw county maps at any size.
MAP_TOWNSHIP_LIMIT = 500

_CAPTIONS = {
    "zones": {"en": "Collaboration zones in force (stars: hub townships)", "zh": "现行协作区（星号为驻地乡镇）"},
    "assignments": {"en": "Who travels where: posted township -> case township", "zh": "办案人员调配：工作乡镇 → 线索所在乡镇"},
}


def plan_maps(result, tables: Tables, lang: str) -> dict[str, tuple[str, bytes]]:
    """The plan's maps: file name -> (caption, PNG bytes).

    ``map_zones.png``, the zones in force (the index map when there are several counties),
    and ``map_assignments.png``, who travels from where to which case.  None above
    :data:`MAP_TOWNSHIP_LIMIT` townships.
    """
    from ..i18n import pick
    from ..maps import assignment_map_png, index_map_png, zoning_map_png
    from ..zoning.adapter import current_zoning, zoning_input

    if len(tables.townships) > MAP_TOWNSHIP_LIMIT or len(tables.townships) == 0:
        return {}
    out: dict[str, tuple[str, bytes]] = {}
    use_zones = bool(result.options.get("rules", {}).get("use_zones", True)) if isinstance(result.options, dict) \
        else True
    if use_zones and (tables.townships["zone"] != "").any():
        inp = zoning_input(tables, with_roster=False)
        draw = zoning_map_png if len(inp.counties()) == 1 else index_map_png
        out["map_zones.png"] = (pick(_CAPTIONS["zones"], lang),
                                draw(inp, current_zoning(tables), lang=lang, boundaries=tables.boundaries))
    if len(tables.cases):
        out["map_assignments.png"] = (pick(_CAPTIONS["assignments"], lang),
                                      assignment_map_png(tables, result.assignments, lang=lang,
                                                         boundaries=tables.boundaries))
    return out


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
