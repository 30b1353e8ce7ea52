"""Staffing plan files: write a result, read a plan (also a hand-made one) back."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..data.tables import Tables
from .write import frame_to_csv_bytes, json_bytes, write_outputs

__all__ = ["plan_files", "write_plan", "plan_maps", "read_assignments", "read_previous", "PLAN_COLUMNS",
           "MAP_TOWNSHIP_LIMIT", "ROLE_WORDS"]

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
    from .drawbook import draw_files, draw_sheets
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
    files = {**map_files,
        "assignments.csv": frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f"),
        "unstaffed.csv": frame_to_csv_bytes(result.unstaffed[["case_id", "reason"]]),
        "workload.csv": frame_to_csv_bytes(result.workload[["investigator_id", "cases", "workload"]]),
        "report.json": json_bytes(report),
        "plan.xlsx": plan_workbook(view, draw_sheets(result, tables, lang)),
        "plan.html": render_plan_html(view, maps).encode("utf-8"),
    }
    if getattr(result, "changes", None) is not None:  # a re-plan: what changed versus the previous plan
        files["changes.csv"] = frame_to_csv_bytes(result.changes)
    files.update(draw_files(result))  # a draw: draw.csv, draw_plans.csv (zoneplan.io.drawbook)
    return files


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


#: Role words of a hand-made plan.
ROLE_WORDS = {"lead": ("lead", "组长", "牵头人", "负责人", "主办"), "member": ("member", "组员", "成员", "协办", "参与")}


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
    from ..data.cells import key
    from ..data.load import investigator_lookup, read_side, resolve_column
    from ..data.resolve import Lookup

    parsed = read_side(plan_dir, "plan", "assignments.csv", ("a plan folder holding assignments.csv",
                                                             "存放 assignments.csv 的方案文件夹"))
    if tables is not None:
        inv = tables.investigators
        resolve_column(parsed, "investigator_id", investigator_lookup(tables),
                       ("investigator", "干部"), keep_unknown=True)
        resolve_column(parsed, "case_id", Lookup(tables.cases["case_id"].tolist()), ("case id", "线索编号"),
                       keep_unknown=True)
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
    (:func:`zoneplan.staffing.previous.previous_frame`).

    Raises
    ------
    InputError
        Missing file or columns, blank ids, pairs twice, unreadable roles (file, line, column).
    """
    from ..staffing.previous import previous_frame

    p = Path(path)
    name = (p / "assignments.csv").name if p.is_dir() else p.name
    return previous_frame(read_assignments(p, tables), name)
