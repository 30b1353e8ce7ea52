"""Loaders: CSV folders, Excel workbooks and DataFrames in, validated :class:`Tables` out.

The loader is the only cleaning step.  Every value a rule reads is either resolved to exactly
what the planner meant or refused; nothing downstream re-validates.  A pipeline of stages, one
module each:

1. :mod:`.find` -- find the tables (files or sheets named like a table, in English or Chinese);
2. :mod:`.parse` -- find the header (a title row above it, a two-row header), match it to the
   contract (:mod:`.headers`); read every cell as clean text (:mod:`.cells`), fill merged cells,
   skip footers, refuse struck lines, Excel errors, dates and long numbers where an id is
   expected and blanks among filled lines where a blank changes a rule; parse each column;
3. :mod:`.references` -- resolve every reference: townships (:mod:`.resolve`), people
   (:mod:`.people`), villages and zones (:mod:`.places`), by the identity keys of
   :mod:`.identity`; check table-level rules;
4. :mod:`.assess` -- report what a rule cannot protect (:mod:`.quality`), ``--strict``.

Problems are collected (:mod:`.collect`, up to ``max_problems``), sorted by sheet and line, and
raised as one :class:`~zoneplan.errors.InputError`; a table whose header failed takes no part in
the reference checks, so one mistake does not cascade.  This module holds the entry points
(:func:`load`, :func:`tables_from_frames`) and the readers of side files (zonings, what-ifs,
hand-made plans).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, sort_problems
from .assess import assess, strict_problems
from .cells import clean_array
from .collect import Collector, Parsed, empty_frame
from .contract import TABLES
from .find import book_sources, folder_sources, match_table
from .headers import name_key
from .parse import parse_grid
from .quality import QualityItem, QualityReport
from .references import describe, ids_of, lookup_townships, resolve_reference_column, validate_references
from .resolve import Lookup
from .sheets import WORKBOOK_SUFFIXES, Grid, frame_grid, read_csv_grid, read_workbook_grids, unreadable_suffix
from .tables import Source, Tables

__all__ = ["load", "tables_from_frames", "read_text_table", "read_side_table", "read_side", "township_lookup",
           "investigator_lookup", "resolve_values", "resolve_column", "Parsed", "MAX_PROBLEMS", "STAFFING_TABLES",
           "match_table"]

log = logging.getLogger(__name__)

MAX_PROBLEMS = 50
#: Tables every staffing run needs; zoning needs only townships.
STAFFING_TABLES = ("townships", "investigators", "cases")


def _build(grids: Mapping[str, Grid], cap: int, require: tuple[str, ...], strict: bool,
           found: list[str] | None = None, optional_empty_ok: bool = True) -> Tables:
    col = Collector(cap)
    parsed: dict[str, Parsed] = {}
    for tname, spec in TABLES.items():
        grid = grids.get(tname)
        if grid is None:
            if tname in require:
                seen = ", ".join(found or []) or "(nothing)"
                col.add(Problem(spec.file, None, None, None,
                                f"the required table {tname} ({spec.zh}): a file {spec.file} or {spec.zh}.csv, "
                                f"or a sheet named {tname} or {spec.zh}",
                                expected_zh=f"必需的表“{spec.zh}”：文件 {spec.file} 或 {spec.zh}.csv，"
                                            f"或名为“{spec.zh}”的工作表",
                                hint=f"found: {seen}", hint_zh=f"找到的是：{'、'.join(found or []) or '（无）'}"))
            continue
        p = parse_grid(grid, spec, col, optional_empty_ok)
        if p is not None:
            parsed[tname] = p
    for t in ("adjacency", "travel", "village_adjacency"):  # header only: not given, the fall-back applies
        if t in parsed and parsed[t].ok and len(parsed[t].frame) == 0:
            col.note(QualityItem("read", "note", parsed[t].name, "no rows: read as not given (the fall-back applies)",
                                 "没有数据行：视为未提供（使用默认推算）"))
            del parsed[t]
    for t in STAFFING_TABLES:  # absent and not required: an empty table
        if t not in parsed and t not in require:
            parsed[t] = Parsed(TABLES[t], TABLES[t].file, "", empty_frame(TABLES[t]), np.zeros(0, dtype=np.int64))
    validate_references(parsed, col)
    col.resolution_notes()
    if not col.failed:
        assess(parsed, col)
        if strict:
            strict_problems(col)
    col.raise_if_failed()
    quality = QualityReport.ranked(col.quality)
    for item in quality.gaps:
        log.info("data quality: %s", item.render("en"))

    def frame(name: str) -> pd.DataFrame:
        return parsed[name].frame if name in parsed else empty_frame(TABLES[name])

    adjacency = parsed["adjacency"].frame if "adjacency" in parsed else None
    if adjacency is not None:
        a = adjacency["a"].to_numpy(dtype=object)
        b = adjacency["b"].to_numpy(dtype=object)
        lo, hi = np.where(a <= b, a, b), np.where(a <= b, b, a)
        adjacency = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates().sort_values(["a", "b"], kind="stable")
        adjacency = adjacency.reset_index(drop=True)
    sources = {t: Source(g.name, g.sha256, tuple(parsed[t].lines.tolist()) if t in parsed else ())
               for t, g in grids.items()}
    return Tables(
        townships=frame("townships"), investigators=frame("investigators"), cases=frame("cases"),
        relations=frame("relations"), conflicts=frame("conflicts"), adjacency=adjacency,
        travel=parsed["travel"].frame if "travel" in parsed else None, sources=sources,
        warnings=tuple(i.render("en") for i in quality.gaps), quality=quality,
        leaders=frame("leaders"), offices=frame("offices"), villages=frame("villages"),
        village_adjacency=_pairs_sorted(parsed["village_adjacency"].frame) if "village_adjacency" in parsed else None,
        near_people=tuple(col.near_people),
    )


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused():
    """The cyclic garbage collector paused while tables load: the loader makes a few million
    small objects (sets, tuples, names taken apart) and hardly any cycles, and the collector's
    full passes over them cost about a second on a national instance.  Nested and concurrent
    loads share one pause; the collector is on again when the last one ends."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def _pairs_sorted(f: pd.DataFrame) -> pd.DataFrame:
    """Undirected pairs ``a < b``, without repeats, sorted."""
    a = f["a"].to_numpy(dtype=object)
    b = f["b"].to_numpy(dtype=object)
    lo, hi = np.where(a <= b, a, b), np.where(a <= b, b, a)
    out = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates().sort_values(["a", "b"], kind="stable")
    return out.reset_index(drop=True)


def load(path: str | Path, max_problems: int = MAX_PROBLEMS, require: tuple[str, ...] = STAFFING_TABLES,
         strict: bool = False) -> Tables:
    """Load the tables from a folder (CSV files or workbooks) or from one Excel workbook.

    Files and sheets are matched to tables by name, in English or Chinese (``townships`` /
    ``乡镇``, ``investigators`` / ``干部花名册`` / ``花名册`` ...).  ``require`` names the tables
    that must be present (zoning needs only ``("townships",)``); others absent load as empty.
    With ``strict``, every data-quality gap (a rule that cannot protect someone) is an error.

    Raises
    ------
    InputError
        Listing every problem found (up to ``max_problems``), sorted by file and line, each
        with the line as Excel shows it, the column as typed, its letter, the value, what
        was expected and a hint.
    """
    with _gc_paused():
        return _load(Path(path), max_problems, require, strict)


def _load(p: Path, max_problems: int, require: tuple[str, ...], strict: bool) -> Tables:
    col = Collector(max_problems)
    if not p.exists():
        raise InputError([Problem(str(p), None, None, None, "an existing folder or Excel workbook",
                                  expected_zh="存在的文件夹或 Excel 工作簿")])
    if p.is_file():
        bad = unreadable_suffix(p)
        if bad is not None:
            raise InputError([bad])
        if p.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise InputError([Problem(p.name, None, None, None, "a folder of CSV files or an Excel workbook",
                                      expected_zh="存放 CSV 文件的文件夹或 Excel 工作簿",
                                      hint="give the folder that holds the tables, not one table",
                                      hint_zh="请给出存放各表的文件夹，而不是其中一张表")])
        grids, found = book_sources(p, col)
    else:
        grids, found = folder_sources(p, col)
    try:
        tables = _build(grids, max_problems, require, strict, found)
    except InputError as exc:
        if col.items:
            raise InputError(sort_problems(col.items + exc.problems)[:max_problems], exc.more) from None
        raise
    col.raise_if_failed()
    if col.quality:
        quality = QualityReport.ranked(list(col.quality) + list(tables.quality.items))
        tables = dataclasses.replace(tables, quality=quality, warnings=tuple(i.render("en") for i in quality.gaps))
    if p.is_dir() and (p / "boundaries.geojson").is_file():  # optional township polygons beside the tables
        from ..maps.boundaries import load_boundaries

        tables = load_boundaries(p, tables)
    return tables


def tables_from_frames(
    townships: pd.DataFrame,
    investigators: pd.DataFrame,
    cases: pd.DataFrame,
    relations: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    adjacency: pd.DataFrame | None = None,
    travel: pd.DataFrame | None = None,
    max_problems: int = MAX_PROBLEMS,
    strict: bool = False,
    leaders: pd.DataFrame | None = None,
    offices: pd.DataFrame | None = None,
    villages: pd.DataFrame | None = None,
    village_adjacency: pd.DataFrame | None = None,
) -> Tables:
    """Validate DataFrames (from another tool) exactly as files are validated.

    Cells may be text or typed values; a row's "line" in messages is its position + 2, as if
    the frame were saved to a sheet with a header row.  The caller's frames are not changed.
    """
    given = {"townships": townships, "investigators": investigators, "cases": cases,
             "relations": relations, "conflicts": conflicts, "adjacency": adjacency, "travel": travel,
             "leaders": leaders, "offices": offices, "villages": villages, "village_adjacency": village_adjacency}
    grids: dict[str, Grid] = {}
    for t, df in given.items():
        if df is None:
            continue
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"{t} must be a pandas DataFrame, got {type(df).__name__}")
        grids[t] = frame_grid(df, f"<{t} DataFrame>")
    with _gc_paused():
        return _build(grids, max_problems, STAFFING_TABLES, strict, [f"<{t} DataFrame>" for t in grids])




# --------------------------------------------------------------------------- side files



def read_text_table(raw: bytes, name: str) -> pd.DataFrame:
    """CSV bytes as a text frame with the first line as header."""
    grid = read_csv_grid(raw, name)
    if grid.cells.empty:
        return pd.DataFrame()
    header = [str(x) for x in grid.cells.iloc[0].tolist()]
    body = grid.cells.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body


def read_side(path: str | Path, kind: str, file_name: str | None, expected: tuple[str, str]) -> Parsed:
    """A side file (``zones``, ``whatifs`` or ``plan`` of :data:`~.contract.SIDE_TABLES`), parsed.

    ``path`` is the file (CSV or workbook: the sheet named like the side table, else the
    first sheet with data) or, with ``file_name``, a folder holding it.  Headers, cells, lines
    and messages work as for the tables; references are left for the caller to resolve
    (:func:`township_lookup`, :func:`resolve_values`).

    Raises
    ------
    InputError
        The file is missing (``expected`` says what was wanted, en/zh), unreadable, or breaks
        its contract (headers, values).
    """
    from .contract import SIDE_TABLES

    spec = SIDE_TABLES[kind]
    p = Path(path)
    f = p / file_name if file_name is not None and p.is_dir() else p
    if not f.is_file():
        raise InputError([Problem(str(f), None, None, None, expected[0], expected_zh=expected[1])])
    if f.suffix.lower() in WORKBOOK_SUFFIXES:
        sheets = [g for g in read_workbook_grids(f) if not g.cells.empty]
        named = [g for g in sheets if name_key(g.name.rsplit("[", 1)[-1].rstrip("]"))
                 in {name_key(x) for x in (spec.name, spec.zh, *spec.aliases)}]
        grid = (named or sheets or [Grid(f.name, "", pd.DataFrame())])[0]
    else:
        bad = unreadable_suffix(f)
        if bad is not None:
            raise InputError([bad])
        grid = read_csv_grid(f.read_bytes(), f.name)
    col = Collector(MAX_PROBLEMS)
    parsed = parse_grid(grid, spec, col, optional_empty_ok=False)
    col.raise_if_failed()
    assert parsed is not None
    return parsed


def investigator_lookup(tables: Tables) -> Lookup:
    """Investigator ids and names of the loaded tables, names compared by person key (dots,
    spaces, remarks and titles set aside: :func:`~.identity.person_key`)."""
    from .identity import person_key

    inv = tables.investigators
    return Lookup(inv["investigator_id"].tolist(), inv["name"].tolist(), keyfn=person_key)


def township_lookup(tables: Tables) -> Lookup:
    """Township ids and names of the loaded tables (names, county + name, names without 镇/乡)."""
    return lookup_townships(tables.townships)


def resolve_values(lk: Lookup, values: list[str], where: str, what: tuple[str, str]) -> list[str]:
    """Ids for values typed on a command line (``--together 柳河镇,T03``), or refuse.

    Raises
    ------
    InputError
        A value names two things (candidates listed) or nothing (closest listed); ``where``
        (e.g. ``--together``) locates it.
    """
    out, problems = [], []
    for v in values:
        value = clean_array(np.array([v], dtype=object))[0]
        r = lk.resolve(value)
        if r.id is not None:
            out.append(r.id)
            continue
        if r.how == "ambiguous":
            cands = describe(lk, r.candidates)
            problems.append(Problem(where, None, None, value, f"one {what[0]}; {value!r} names {cands}",
                                    expected_zh=f"唯一的{what[1]}；“{value}”对应 {cands}",
                                    hint="write the id instead of the name", hint_zh="请填写编号而不是名称"))
        else:
            near = describe(lk, ids_of(lk, lk.suggest(value)))
            problems.append(Problem(where, None, None, value, f"a known {what[0]} (id or name)",
                                    expected_zh=f"已有的{what[1]}（编号或名称）",
                                    hint=f"did you mean {near}?" if near else "", hint_zh=f"是否应为 {near}？" if near else ""))
        out.append(value)
    if problems:
        raise InputError(problems)
    return out


def resolve_column(parsed: Parsed, column: str, lk: Lookup, what: tuple[str, str], keep_unknown: bool = False) -> None:
    """Resolve one reference column of a side file in place, or raise with every problem.

    With ``keep_unknown``, values that name nothing are kept as written (the checker then
    reports them) while ambiguous ones are still refused.
    """
    col = Collector(MAX_PROBLEMS)
    resolve_reference_column(parsed, column, lk, what, col, person=keep_unknown)
    col.raise_if_failed()


def read_side_table(path: str | Path, file_name: str | None, expected: str) -> tuple[pd.DataFrame, str]:
    """A small table as stripped text cells, first line as header (no contract).

    ``path`` is the file itself or, when ``file_name`` is given, a folder holding it.

    Raises
    ------
    InputError
        The file does not exist (``expected`` says what was wanted) or cannot be read.
    """
    p = Path(path)
    f = p / file_name if file_name is not None and p.is_dir() else p
    if not f.is_file():
        raise InputError([Problem(str(f), None, None, None, expected)])
    df = read_text_table(f.read_bytes(), f.name)
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    for c in df.columns:
        df[c] = clean_array(df[c].to_numpy(dtype=object))
    return df, f.name
