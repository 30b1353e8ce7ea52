"""Staffing plan files: write a result, read a plan (also a hand-made one) back."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

import pandas as pd

from ..data.tables import Tables
from ..data.plans import ROLE_WORDS, read_assignments, read_previous
from .planmaps import MAP_TOWNSHIP_LIMIT, draw_maps, draws_maps, map_args, plan_maps
from .write import frame_to_csv_bytes, json_bytes, write_outputs

if TYPE_CHECKING:
    from .secondprocess import SecondProcess

__all__ = ["plan_files", "iter_plan_files", "write_plan", "write_seconds", "plan_maps", "early_second_process", "split_by_county",
           "county_file_names", "write_workers", "SPLIT_TOWNSHIPS", "LAYOUTS", "PLAN_NAMES", "read_assignments", "read_previous", "PLAN_COLUMNS",
           "MAP_TOWNSHIP_LIMIT", "ROLE_WORDS"]

PLAN_COLUMNS = ("case_id", "investigator_id", "role", "travel_minutes")


#: Above this many townships a run over several counties (a province, the country) is
#: written for people as one workbook and one report per county plus an index, not as one
#: workbook with every recusal pair of the country (``layout="auto"``).
SPLIT_TOWNSHIPS = 500
LAYOUTS = ("auto", "single", "county")
#: Top-level names the plan writer owns in ``--out``: an earlier run's file or folder of one
#: of these names that this run does not write is not carried over.
PLAN_NAMES = ("assignments.csv", "unstaffed.csv", "workload.csv", "report.json", "changes.csv", "plan.xlsx",
              "plan.html", "map_zones.png", "map_assignments.png", "counties", "draw.csv", "draw_plans.csv")


def split_by_county(tables: Tables, layout: str = "auto") -> bool:
    """Whether the plan is written per county (see :data:`SPLIT_TOWNSHIPS`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if layout != "auto":
        return layout == "county"
    tw = tables.townships
    return len(tw) > SPLIT_TOWNSHIPS and tw["county"].nunique() > 1


_UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')


def county_file_names(counties: list[str]) -> dict[str, str]:
    """A file name (without extension) per county: the county's name with characters no file
    system takes replaced by ``_``; names that would collide get ``-2``, ``-3``..."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for county in sorted(counties, key=str):
        base = _UNSAFE.sub("_", str(county)).strip(" .") or "county"
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base}-{k}"
        used.add(name.lower())
        out[county] = name
    return out


def plan_files(result, tables: Tables, lang: str | None = None,
               maps: Mapping[str, bytes] | None = None, layout: str = "auto",
               workers: int | None = None, side: "SecondProcess | None" = None) -> dict[str, bytes]:
    """The plan files as bytes, name -> bytes (see :func:`iter_plan_files`)."""
    return dict(iter_plan_files(result, tables, lang, maps, layout, workers, side))


def write_workers() -> int:
    """Processes that build a split plan's county files: two where the machine has two cores
    or more (the files are the same whatever the number)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def iter_plan_files(result, tables: Tables, lang: str | None = None,
                    maps: Mapping[str, bytes] | None = None, layout: str = "auto",
                    workers: int | None = None, side: "SecondProcess | None" = None
                    ) -> Iterator[tuple[str, bytes]]:
    """The plan files, one at a time (name, bytes), so a large plan is never held at once.

    For programs: ``assignments.csv``, ``unstaffed.csv``, ``workload.csv`` (ids, stable
    columns) and ``report.json`` -- always for the whole run.  For people, in ``lang``
    (default: :func:`zoneplan.i18n.resolve_lang`):

    * one county, or a run of at most :data:`SPLIT_TOWNSHIPS` townships (``layout="auto"``,
      or ``"single"``): ``plan.xlsx`` (a sheet per reader) and ``plan.html`` (the printable
      report, with the maps of :func:`plan_maps`, also written as files);
    * a province or national run (``"auto"`` above that size, or ``"county"``):
      ``counties/<county>.xlsx`` and ``counties/<county>.html`` for each county, and as the
      index ``plan.xlsx`` (the run's summary, a line per county, its unstaffed cases and
      data quality) and ``plan.html`` (the same, with links).  No maps at that size.

    ``maps`` (caption -> PNG bytes, see :func:`zoneplan.io.report.render_plan_html`) replace
    the default maps of a single report.  ``workers``: processes building the county files
    of a split plan (default :func:`write_workers`; the bytes do not depend on it).  ``side``: a
    second process started by the caller (:func:`early_second_process`; the caller stops it),
    which draws the maps or builds county files; the bytes do not depend on it either.
    """
    from ..i18n import resolve_lang

    lang = resolve_lang(lang)
    split = split_by_county(tables, layout)
    counties = sorted({c for c in tables.townships["county"].tolist()}, key=str) if split else []
    names = county_file_names(counties)
    report = result.report()
    report["inputs"] = {name: {"file": s.path, "sha256": s.sha256, "rows": len(s.rows)}
                        for name, s in sorted(tables.sources.items())}
    report["data_quality"] = tables.quality.to_dict()
    report["outputs"] = {"layout": "county" if split else "single",
                         "counties": {c: {"workbook": f"counties/{n}.xlsx", "report": f"counties/{n}.html"}
                                      for c, n in names.items()}}
    workers = write_workers() if workers is None else workers
    # a split plan's second process starts first: its start-up overlaps the machine files,
    # then it words the recusal list while this process builds the rest of the plan view
    own = early_second_process(tables, layout, workers) if split and side is None else None
    side = side or own
    try:
        yield from _plan_files(result, tables, lang, maps, split, counties, names, report, workers, side)
    finally:
        if own is not None:
            own.stop()


def _plan_files(result, tables: Tables, lang: str, maps, split: bool, counties: list, names: dict, report: dict,
                workers: int, side) -> Iterator[tuple[str, bytes]]:
    """:func:`iter_plan_files` once its second process, if any, is started."""
    from .bycounty import county_files
    from .drawbook import draw_files, draw_sheets
    from .planview import plan_view
    from .report import render_index_html, render_plan_html
    from .workbook import county_note, index_workbook, plan_workbook

    yield "assignments.csv", frame_to_csv_bytes(result.assignments[list(PLAN_COLUMNS)], "%.2f")
    yield "unstaffed.csv", frame_to_csv_bytes(result.unstaffed[["case_id", "reason"]])
    yield "workload.csv", frame_to_csv_bytes(result.workload[["investigator_id", "cases", "workload"]])
    if getattr(result, "changes", None) is not None:  # a re-plan: what changed versus the previous plan
        yield "changes.csv", frame_to_csv_bytes(result.changes)
    yield from draw_files(result).items()  # a draw: draw.csv, draw_plans.csv (zoneplan.io.drawbook)
    yield "report.json", json_bytes(report)
    drawing = None
    if not split and maps is None and side is not None and side.ready():  # drawn there meanwhile
        drawing = side.send("maps", map_args(result, tables, lang))
    view = plan_view(result, tables, lang=lang, wording=_wording_by(side) if split and side is not None else None)
    if not split:
        book = plan_workbook(view, draw=draw_sheets(result, tables, lang))
        if maps is None:
            drawn = side.receive() if drawing else None
            if drawn is None:  # no second process, or it did not answer
                drawn = draw_maps(*map_args(result, tables, lang))
            maps = {caption: png for caption, png in drawn.values()}
            for name, (_, png) in drawn.items():
                yield name, png
        yield "plan.xlsx", book
        yield "plan.html", render_plan_html(view, maps).encode("utf-8")
        return
    rows = []
    for county, name, book, html, line in county_files(view, names, county_note(lang, len(counties)), workers, side):
        yield f"counties/{name}.xlsx", book
        yield f"counties/{name}.html", html
        rows.append(line)
    table = pd.DataFrame(rows, columns=["county", "townships", "investigators", "cases", "staffed", "unstaffed",
                                        "points", "people", "max_workload", "travel", "workbook", "report"])
    yield "plan.xlsx", index_workbook(view, table)
    links = [{**r, "max_workload": f"{r['max_workload']:.2f}"} for r in rows]
    yield "plan.html", render_index_html(view, links).encode("utf-8")


def write_seconds(tables: Tables, layout: str = "auto") -> float:
    """Estimated seconds to write the plan files of ``tables`` (a command's time limit keeps
    this much for writing).

    Calibrated on this project's 2-core machine (``benchmarks/wholerun.py``; RESULTS.md,
    *Whole runs*), on a quiet machine: 0.3 s of fixed cost; 1.5 s for the maps of a run of at
    most 500 townships (matplotlib's import included); 1.5 µs per cell of the tables for
    people (13 per investigator, about 100 per case with its team and recusal rows; the
    conflict engine's exclusions are listed again for the recusal sheet); and for a run
    split by county 3 ms per county (its workbook and report from the slices).  On a loaded
    machine every term grows alike (2-3 times at a load of 6 on 2 cores).
    """
    maps = 1.5 if draws_maps(tables) and len(tables.cases) else 0.0
    cells = 13 * len(tables.investigators) + 100 * len(tables.cases)
    per_county = 0.003 * tables.townships["county"].nunique() if split_by_county(tables, layout) else 0.0
    return 0.3 + maps + 1.5e-6 * cells + per_county


def _wording_by(side: "SecondProcess"):
    """The recusal list worded by the second process (see :data:`zoneplan.io.planview.Wording`);
    when it does not answer, here."""
    from .planview import word_details

    def wording(keys, lang, place, person):
        k = int(len(keys) * SIDE_WORDING_SHARE)
        args = (keys[:k], lang, place, person)
        side.send("wording", args)

        def get():
            mine = word_details(keys[k:], lang, place, person)  # the rest, once the view is built
            theirs = side.receive()
            if theirs is None:
                theirs = word_details(*args)
            return tuple(a + b for a, b in zip(theirs, mine))
        return get
    return wording


#: Share of a split plan's recusal details the second process words (the first ones); this
#: process words the rest once it has built the rest of the plan view: on the national
#: benchmark that part takes about 0.4 s, the wording of all 59,000 distinct details about
#: 1.1 s, and the other process takes 0.15 s more to receive and answer.
SIDE_WORDING_SHARE = 0.6


def early_second_process(tables: Tables, layout: str = "auto", workers: int | None = None
                         ) -> "SecondProcess | None":
    """A second process for the plan files of ``tables``, started before the solve (pass it to
    :func:`write_plan`; the caller stops it, whatever happens), or None.  Its start-up (a
    fresh Python loading pandas, the writers, matplotlib) runs beside the solve, which on
    the runs that get one leaves a core free for a while (the preparation, the greedy
    start and the check of a national run; a dense part's LPs).

    * A plan with maps (one report of at most :data:`MAP_TOWNSHIP_LIMIT` townships) of a run
      large enough (:data:`EARLY_PAIRS`): it loads matplotlib and reads the map font, and
      after the solve draws the maps while this process builds the workbook (about a second
      of the dense benchmark's run).
    * A plan split by county with enough counties for a second process
      (:func:`zoneplan.io.bycounty.start_second_process`): it is ready when the writing
      starts, words the recusal list at once and builds every other batch of counties.

    None on one core.
    """
    from .bycounty import start_second_process
    from .secondprocess import SecondProcess

    workers = write_workers() if workers is None else workers
    if workers < 2:
        return None
    if split_by_county(tables, layout):
        return start_second_process(tables.townships["county"].nunique(), workers)
    if not draws_maps(tables) or len(tables.investigators) * len(tables.cases) < EARLY_PAIRS:
        return None
    return SecondProcess.start(warm=("maps",))


#: :func:`early_second_process` starts one for a run of at least this many people x cases:
#: below, the solve takes less time than Python and matplotlib take to load in a fresh
#: process (the example county: 0.1 s), and the maps would be drawn here anyway (a process
#: not ready when the plan is, see :meth:`SecondProcess.ready`, is not asked).
EARLY_PAIRS = 100_000


def write_plan(result, tables: Tables, out_dir: str | Path, lang: str | None = None,
               maps: Mapping[str, bytes] | None = None, layout: str = "auto", workers: int | None = None,
               side: "SecondProcess | None" = None) -> list[Path]:
    """Write the plan files (see :func:`iter_plan_files`) atomically into ``out_dir``; files of
    an earlier plan this one does not write (e.g. its ``counties/`` folder) are not kept."""
    return write_outputs(out_dir, iter_plan_files(result, tables, lang, maps, layout, workers, side),
                         owned=PLAN_NAMES)
