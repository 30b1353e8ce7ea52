"""Loaders: CSV folders, Excel workbooks and DataFrames in, validated :class:`Tables` out.

This module is the only cleaning step.  Every value a rule reads is either resolved to
exactly what the planner meant or refused; nothing downstream re-validates.  In order:

1. find the tables (files or sheets named like a table, in English or Chinese);
2. find the header (a title row above it, a two-row header), match it to the contract
   (:mod:`.headers`), refuse unknown headers close to a missing column and duplicated ones;
3. read every cell as clean text (:mod:`.cells`), fill merged cells down, skip footer rows
   (合计, 制表人 ...), refuse Excel errors, dates and long numbers where an id or number is
   expected, refuse blanks among filled lines where a blank changes a rule (fill-down);
4. parse each column by kind; resolve every reference (ids or unique names, :mod:`.resolve`);
5. check table-level rules; report what a rule cannot protect (:mod:`.quality`).

Problems are collected (up to ``max_problems``), sorted by sheet and line, and raised as
one :class:`~zoneplan.errors.InputError`; a table whose header failed takes no part in the
reference checks, so one mistake does not cascade.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, column_letter, sort_problems
from .cells import (AVAILABLE_FALSE, AVAILABLE_TRUE, LIST_SEPARATORS, NO_VALUE_WORDS, clean_array, key,
                    list_item_ok, parse_bool, parse_level, parse_number, split_list)
from .contract import NUMBER_CAP, TABLES, Column, TableSpec
from .headers import HeaderChoice, locate_header, lookup, name_key
from .quality import QualityItem, QualityReport
from .identity import SINGLE_VALUE_SEPARATORS
from .people import resolve_people
from .places import resolve_villages, resolve_zones
from .resolve import Lookup
from .sheets import WORKBOOK_SUFFIXES, Grid, frame_grid, read_csv_grid, read_workbook_grids, unreadable_suffix
from .tables import Source, Tables

__all__ = ["load", "tables_from_frames", "read_text_table", "read_side_table", "read_side", "township_lookup",
           "investigator_lookup",
           "resolve_values", "resolve_column", "Parsed", "MAX_PROBLEMS", "STAFFING_TABLES", "match_table"]

log = logging.getLogger(__name__)

MAX_PROBLEMS = 50
#: Tables every staffing run needs; zoning needs only townships.
STAFFING_TABLES = ("townships", "investigators", "cases")
_FOOTER_WORDS = ("合计", "总计", "小计", "制表", "填表", "审核", "注:", "说明:", "备注:", "负责人", "联系人", "联系电话")
_TEXT_EXTS = (".csv", ".txt", ".tsv")


# --------------------------------------------------------------------------- problems


class _Collector:
    """Collects problems up to a cap and counts the rest; keeps quality items."""

    def __init__(self, cap: int):
        self.cap = cap
        self.items: list[Problem] = []
        self.more = 0
        self.quality: list[QualityItem] = []
        self._resolved: dict[tuple[str, str], tuple[dict[str, list[str]], set[str]]] = {}
        self.near_people: list = []  # people.NearPair taken as different people, checked again by deep kin rules

    def add(self, p: Problem) -> None:
        if len(self.items) < self.cap:
            self.items.append(p)
        else:
            self.more += 1

    def note(self, item: QualityItem) -> None:
        self.quality.append(item)

    def resolved(self, what: tuple[str, str], table: str, column: str, values) -> None:
        """Count distinct values of one kind (townships, people...) written by name or a variant;
        :meth:`resolution_notes` makes one note per kind of them."""
        entry = self._resolved.setdefault(what, ({}, set()))
        entry[0].setdefault(table, []).append(column)
        entry[1].update(values)

    def resolution_notes(self) -> None:
        for (en, zh), (where, values) in self._resolved.items():
            if not values:
                continue
            places = "; ".join(f"{t}: {', '.join(dict.fromkeys(cs))}" for t, cs in where.items())
            places_zh = "；".join(f"{t}：{'、'.join(dict.fromkeys(cs))}" for t, cs in where.items())
            self.note(QualityItem("read", "note", "", f"{len(values)} {en} written by name or another spelling, "
                                  f"resolved ({places})", f"{len(values)} 个{zh}以名称或其他写法填写，已对应（{places_zh}）"))
        self._resolved = {}

    @property
    def failed(self) -> bool:
        return bool(self.items) or self.more > 0

    def raise_if_failed(self) -> None:
        if self.failed:
            raise InputError(sort_problems(self.items), self.more)


#: Expected-value texts, English and Chinese.
_EXPECT = {
    "required": ("a value (this column is required)", "填写内容（此列必填）"),
    "bool": ("yes or no: 是/否, √/×, 有/无, true/false or 1/0", "是或否：是/否、√/×、有/无、true/false 或 1/0"),
    "level": ("a level: county (县级) or township (乡镇级)", "层级：县级 或 乡镇级"),
    "int": ("a whole number", "整数"),
    "float": ("a number", "数字"),
    "unique": ("a unique id; already used on line {line}", "不重复的编号；第 {line} 行已用过"),
    "unique_variant": ("a unique id; line {line} has {other!r}, the same id up to case or spaces",
                       "不重复的编号；第 {line} 行的“{other}”只差大小写或空格，视为同一编号"),
    "error": ("a value, not an Excel error", "有效的值，而不是 Excel 错误值"),
    "formula": ("a value; the cell holds a formula with no saved result", "数值；该单元格是没有保存结果的公式"),
    "date": ("text or a number; Excel turned this cell into a date", "文本或数字；Excel 把该单元格变成了日期"),
    "long": ("an exact id; Excel keeps only 15 digits of a number", "准确的编号；Excel 数字只保留 15 位有效数字"),
    "one": ("one value per cell (one person, place or id per line)", "每个单元格只填一个值（每行一个人、一个地点或一个编号）"),
    "list": ("a list separated by 、 ， , ； ; / | + & or line breaks, without other marks in an item",
             "以 、，,；;/|+& 或换行分隔的列表，各项中不含其他符号"),
}
_HINT = {
    "error": ("the formula in this cell failed (e.g. a VLOOKUP that found nothing): fix it or type the value",
              "该单元格的公式出错（例如 VLOOKUP 没有找到），请修正公式或直接填写"),
    "formula": ("open the workbook in Excel/WPS and save it, so formulas keep their results",
                "请用 Excel/WPS 打开并保存一次工作簿，使公式保存计算结果"),
    "date": ("format the column as text (文本) and type the value again", "请把该列设置为“文本”格式后重新输入"),
    "long": ("format the column as text (文本) and type the id again", "请把该列设置为“文本”格式后重新输入编号"),
    "one": ("this cell holds a list: put each on a line of its own", "该单元格填了多个值：请每个值单独一行"),
    "list": ("separate the items with 、 (or another separator of the list)", "请用顿号“、”（或上述分隔符）分隔各项"),
    "fill": ("if these were merged cells, fill the value down on every line (Excel/WPS: select the column, "
             "Ctrl+G -> blanks, type = and the cell above, Ctrl+Enter)",
             "如原为合并单元格，请在每一行都填上该值（Excel/WPS：选中该列，Ctrl+G 定位空值，输入 = 上一格，Ctrl+Enter）"),
}


def _expect(kind: str, **kw) -> tuple[str, str]:
    en, zh = _EXPECT[kind]
    return en.format(**kw), zh.format(**kw)


# --------------------------------------------------------------------------- one table


@dataclass
class Parsed:
    """One table after header matching and parsing, with where each value came from."""

    spec: TableSpec
    name: str
    sha256: str
    frame: pd.DataFrame
    lines: np.ndarray
    typed: dict[str, str] = field(default_factory=dict)  # column -> header as typed
    letters: dict[str, str] = field(default_factory=dict)  # column -> Excel letter
    ok: bool = True  # the header was usable: the table may take part in reference checks

    def problem(self, row: int | None, column: str | None, value: str | None, expected: tuple[str, str],
                hint: tuple[str, str] = ("", "")) -> Problem:
        line = None if row is None else int(self.lines[row])
        typed = self.typed.get(column, column) if column else None
        return Problem(self.name, line, typed, value, expected[0], letter=self.letters.get(column) if column else None,
                       field=column, expected_zh=expected[1], hint=hint[0], hint_zh=hint[1])


def _empty_frame(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})


def _header_problems(grid: Grid, spec: TableSpec, choice: HeaderChoice, col: _Collector,
                     data: pd.DataFrame) -> bool:
    """Report missing, duplicated and doubtful headers; False when the table is unusable."""
    lk = lookup(spec)
    hdr_line = choice.row + 1
    seen: dict[str, int] = {}
    ok = True
    for j, field_name in sorted(choice.fields.items()):
        if field_name in seen:
            first = seen[field_name]
            col.add(Problem(grid.name, hdr_line, choice.typed[j], None,
                            f"one column for {field_name}; column {column_letter(first)} "
                            f"({choice.typed[first]!r}) already is",
                            letter=column_letter(j), field=field_name,
                            expected_zh=f"“{field_name}”只能有一列；{column_letter(first)} 列“{choice.typed[first]}”已是该列",
                            hint="delete or rename one of the two columns", hint_zh="请删除或改名其中一列"))
            ok = False
        else:
            seen[field_name] = j
    present = set(seen)
    suggested: set[str] = set()
    last_header = max((j for j, h in enumerate(choice.typed) if str(h).strip()), default=-1)
    for j, h in enumerate(choice.typed):
        if j in choice.fields:
            continue
        text = str(h).strip()
        has_data = bool(len(data)) and j in data.columns and _nonblank(data[j]).any()
        if not text:
            if has_data and not grid.is_workbook and j > last_header:
                # a CSV line with more values than the header: a comma inside a value
                rows = np.flatnonzero(_nonblank(data[j]))
                for r in rows[: col.cap]:
                    line = int(choice.first_data_row + r + 1)
                    col.add(Problem(grid.name, line, None, None,
                                    f"at most {last_header + 1} values, as many as the header has columns",
                                    letter=column_letter(j), expected_zh=f"最多 {last_header + 1} 个值（与表头列数相同）",
                                    hint="this line has more values than the header has columns: a comma inside a "
                                         "value? Put the value in quotes, or separate a list with 、",
                                    hint_zh="该行的值比表头的列多：是否某个值里有逗号？请给该值加英文引号，或用顿号“、”分隔列表"))
            elif has_data:
                col.add(Problem(grid.name, hdr_line, None, None, "a header above values",
                                letter=column_letter(j), expected_zh="有值的列需要表头",
                                hint="name the column (see the README for the column names) or delete it",
                                hint_zh="请为该列填写表头（列名见说明），或删除该列"))
            continue
        close = [c for c in lk.close(text) if c not in present]
        suggested.update(close[:1])
        if close:
            names = ", ".join(_label(spec, c) for c in close[:3])
            col.add(Problem(grid.name, hdr_line, text, None, "a known column name",
                            letter=column_letter(j), expected_zh="已知的列名",
                            hint=f"did you mean {names}?", hint_zh=f"是否应为 {names}？"))
            ok = False
        else:
            col.note(QualityItem("columns", "note", grid.name,
                                 f"column {column_letter(j)} {text!r} is not a column zoneplan reads: ignored",
                                 f"{column_letter(j)} 列“{text}”不是 zoneplan 读取的列，已忽略"))
    for c in spec.columns:
        if (c.required or c.need_header) and c.name not in present and c.name not in suggested:
            col.add(Problem(grid.name, hdr_line, c.name, None,
                            f"a header for the required column {_label(spec, c.name)}",
                            field=c.name, expected_zh=f"必填列 {_label(spec, c.name)} 的表头",
                            hint=f"headers read on line {hdr_line}: {', '.join(x for x in choice.typed if x) or '(none)'}",
                            hint_zh=f"第 {hdr_line} 行读到的表头：{'、'.join(x for x in choice.typed if x) or '（无）'}"))
            ok = False
    return ok


def _label(spec: TableSpec, column: str) -> str:
    c = next(x for x in spec.columns if x.name == column)
    return f"{c.name} ({c.zh})" if c.zh else c.name


def _fill_merged(cells: pd.DataFrame, merged: list[tuple[int, int, int, int]], start: int, name: str,
                 col: _Collector) -> pd.DataFrame:
    """Fill merged ranges below the header with their top-left value (what the planner sees)."""
    ranges = [m for m in merged if m[2] >= start and (m[2] > m[0] or m[3] > m[1])]
    if not ranges:
        return cells
    cells = cells.copy()
    filled = []
    for r0, c0, r1, c1 in sorted(ranges):
        r0 = max(r0, start)
        v = cells.iat[r0, c0] if r0 < len(cells) and c0 < cells.shape[1] else ""
        for r in range(r0, min(r1, len(cells) - 1) + 1):
            for c in range(c0, min(c1, cells.shape[1] - 1) + 1):
                cells.iat[r, c] = v
        filled.append(f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}")
    col.note(QualityItem("read", "note", name, f"merged cells filled with their value: {', '.join(filled[:10])}"
                         + (f" ... ({len(filled)} ranges)" if len(filled) > 10 else ""),
                         f"合并单元格已按其值逐行填充：{'、'.join(filled[:10])}" + (f" 等 {len(filled)} 处" if len(filled) > 10 else "")))
    return cells


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs in a sorted index array, as (first, last)."""
    out: list[tuple[int, int]] = []
    for r in rows.tolist():
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _parse_grid(grid: Grid, spec: TableSpec, col: _Collector, optional_empty_ok: bool) -> Parsed | None:
    cells = grid.cells
    if cells.empty or not any(_nonblank(cells[j]).any() for j in cells.columns):
        if spec.optional and optional_empty_ok:
            col.note(QualityItem("read", "note", grid.name, "empty file: read as a table with no rows",
                                 "空文件：按无数据的表读取"))
            return Parsed(spec, grid.name, grid.sha256, _empty_frame(spec), np.zeros(0, dtype=np.int64))
        cols = ", ".join(_label(spec, c.name) for c in spec.columns if c.required)
        col.add(Problem(grid.name, None, None, None,
                        f"a header row; the file is empty (expected columns: {cols})",
                        expected_zh=f"表头行；该文件是空的（应有列：{cols}）"))
        return None
    choice = locate_header(cells, spec, grid.merged)
    first_hdr = choice.row - (choice.rows - 1)
    above = [r for r in range(first_hdr) if any(str(x).strip() for x in cells.iloc[r].tolist())]
    if above:
        title = " ".join(str(x).strip() for x in cells.iloc[above[0]].tolist() if str(x).strip())[:60]
        col.note(QualityItem("read", "note", grid.name,
                             f"line(s) {above[0] + 1}-{first_hdr} above the header taken as a title and skipped "
                             f"({title!r}); header on line {choice.row + 1}",
                             f"表头上方第 {above[0] + 1}-{first_hdr} 行视为标题已跳过（“{title}”）；表头在第 {choice.row + 1} 行"))
    if choice.rows == 2:
        col.note(QualityItem("read", "note", grid.name,
                             f"two-row header on lines {choice.row}-{choice.row + 1} read as one "
                             f"({', '.join(h for h in choice.typed if h)})",
                             f"第 {choice.row}-{choice.row + 1} 行的两行表头合并读取（{'、'.join(h for h in choice.typed if h)}）"))
    start = choice.first_data_row
    cells = _fill_merged(cells, grid.merged, start, grid.name, col)
    data = cells.iloc[start:]
    if not _header_problems(grid, spec, choice, col, data):
        return Parsed(spec, grid.name, grid.sha256, _empty_frame(spec), np.zeros(0, dtype=np.int64), ok=False)
    fields = {f: j for j, f in choice.fields.items()}
    typed = {f: str(choice.typed[j]).strip() for f, j in fields.items()}
    letters = {f: column_letter(j) for f, j in fields.items()}
    lines = np.arange(start, len(cells), dtype=np.int64) + 1
    text = {f: clean_array(data[j].to_numpy(dtype=object)) for f, j in fields.items()}
    # drop lines blank in every column read, and footer lines (合计, 制表人 ...)
    n = len(lines)
    blank = np.ones(n, dtype=bool)
    for v in text.values():
        blank &= v == ""
    footer = _footer_rows(data, blank)
    if footer.any():
        fl = lines[footer]
        col.note(QualityItem("read", "note", grid.name,
                             f"line(s) {', '.join(map(str, fl[:5]))} read as notes below the table (合计/制表...) and skipped",
                             f"第 {'、'.join(map(str, fl[:5]))} 行为表尾说明（合计/制表等），已跳过"))
    keep = ~(blank | footer)
    lines = lines[keep]
    text = {f: v[keep] for f, v in text.items()}
    rows_kept = np.flatnonzero(keep) + start
    parsed = Parsed(spec, grid.name, grid.sha256, _empty_frame(spec), lines, typed, letters)
    _gestures(grid, choice, rows_kept, parsed, col)
    # what Excel did to cells we read
    if grid.flags:
        pos = {int(r): k for k, r in enumerate(rows_kept.tolist())}
        for (r, c), flag in sorted(grid.flags.items()):
            f = choice.fields.get(c)
            if f is None or r not in pos:
                continue
            cdef = next(x for x in spec.columns if x.name == f)
            if flag == "date" and cdef.kind == "str" and not cdef.unique and cdef.ref is None:
                continue  # a date in a free-text column (a reason) is harmless
            if flag == "long-number" and cdef.kind != "str":
                continue  # a huge number in a number column: the range check reports it
            k = pos[r]
            col.add(parsed.problem(k, f, str(text[f][k]), _expect(flag if flag != "long-number" else "long"),
                                   _HINT[flag if flag != "long-number" else "long"]))
    out: dict[str, object] = {}
    for c in spec.columns:
        vals = text.get(c.name)
        if vals is None:
            vals = np.full(len(lines), "", dtype=object)
        out[c.name] = _parse_column(vals, c, parsed, col, present=c.name in text)
    frame = pd.DataFrame(out, columns=[c.name for c in spec.columns])
    frame.index = pd.RangeIndex(len(frame))
    parsed.frame = frame
    return parsed


#: Villages and zones hold one value; references (people, townships, cases) too.  Ids, the
#: roster's names and township names refuse only the plain list separators (they may hold
#: ``/``, and a name is shown as typed).
_ONE_VALUE_FIELDS = {("investigators", "home_village"), ("cases", "village"), ("townships", "zone")}
_ONE_NAME_FIELDS = {("investigators", "name"), ("townships", "name"), ("townships", "county")}


def _one_value_separators(spec: TableSpec, c: Column) -> str:
    """The list separators a single-value cell of this column may not hold ("" = any text)."""
    if c.ref is not None or (spec.name, c.name) in _ONE_VALUE_FIELDS:
        return SINGLE_VALUE_SEPARATORS
    if c.unique or (spec.name, c.name) in _ONE_NAME_FIELDS:
        return "、，,；;\n"
    return ""


def _gestures(grid: Grid, choice: HeaderChoice, rows_kept: np.ndarray, parsed: Parsed, col: _Collector) -> None:
    """Spreadsheet gestures with a meaning: a struck-through line is refused (the planner's
    "deleted"); hidden and coloured lines are read like the others and said in the notes."""
    if not (grid.struck or grid.hidden or grid.coloured):
        return
    pos = {int(r): k for k, r in enumerate(rows_kept.tolist())}
    read_cols = set(choice.fields)
    for r, cols in sorted(grid.struck.items()):
        k = pos.get(r)
        hit = [c for c in cols if c in read_cols]
        if k is None or not hit:
            continue
        whole = set(hit) == {c for c in read_cols if str(grid.cells.iat[r, c]).strip()}
        field_name = None if whole else choice.fields[hit[0]]
        line = int(parsed.lines[k])
        col.add(parsed.problem(k, field_name, None,
                               (f"a line that is not struck through; line {line} is struck through" if whole else
                                "a cell that is not struck through", f"没有删除线的行；第 {line} 行带删除线" if whole
                                else "没有删除线的单元格"),
                               ("a struck-through line means deleted: delete the line, or remove the strike if it "
                                "still counts" if whole else "delete the struck value, or remove the strike if it counts",
                                "删除线表示已删除：请删除该行；如仍有效，请去掉删除线" if whole
                                else "请删除带删除线的值；如仍有效，请去掉删除线")))
    for what, rows, en, zh in (("hidden", grid.hidden, "hidden lines read like the others (hidden lines are often old "
                                "staff: delete them if they no longer count)", "隐藏的行已照常读取（隐藏行常是旧人员，如已不算数请删除）"),
                               ("coloured", grid.coloured, "lines with a fill colour read like the others (a colour "
                                "often means 'to check')", "带底色的行已照常读取（底色常表示“待核实”）")):
        lines = [int(parsed.lines[pos[r]]) for r in rows if r in pos]
        if lines:
            col.note(QualityItem("read", "note", grid.name, f"{en}: line(s) {', '.join(map(str, lines[:20]))}"
                                 + (f" ... ({len(lines)} lines)" if len(lines) > 20 else ""),
                                 f"{zh}：第 {'、'.join(map(str, lines[:20]))} 行" + (f" 等 {len(lines)} 行" if len(lines) > 20 else "")))


def _per_unique(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` of each cell, computed once per distinct value (a column repeats itself a lot)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=bool)[codes]


def _nonblank(column: pd.Series) -> np.ndarray:
    """Cells with something other than spaces in them."""
    return _per_unique(column.to_numpy(dtype=object), lambda x: bool(str(x).strip()))


_FOOTER_KEYS = tuple(name_key(w) for w in _FOOTER_WORDS)


def _footer_rows(data: pd.DataFrame, blank: np.ndarray) -> np.ndarray:
    """Lines below or inside the table that are notes (合计, 制表人 ...): few cells, a footer word first."""
    n = len(data)
    if n == 0 or data.shape[1] == 0:
        return np.zeros(n, dtype=bool)
    filled = np.zeros(n, dtype=np.int64)
    first = np.full(n, "", dtype=object)
    for j in reversed(list(data.columns)):
        v = data[j].to_numpy(dtype=object)
        nz = v != ""  # a cell of spaces counts as filled here: it only makes this test stricter
        filled += nz
        first = np.where(nz, v, first)
    cand = (filled <= 3) & ~blank & ~pd.Series(first, dtype=object).str.isascii().to_numpy(dtype=bool)
    out = np.zeros(n, dtype=bool)
    for k in np.flatnonzero(cand):
        out[k] = name_key(first[k]).startswith(_FOOTER_KEYS)
    return out


def _parse_column(vals: np.ndarray, c: Column, t: Parsed, col: _Collector, present: bool):
    n = len(vals)
    missing = vals == ""
    errors = _per_unique(vals, lambda v: v.startswith("#") and v.upper().rstrip() in _EXCEL_ERRORS) \
        if n and present else np.zeros(n, dtype=bool)
    for k in np.flatnonzero(errors)[: col.cap]:
        col.add(t.problem(int(k), c.name, str(vals[k]), _expect("error"), _HINT["error"]))
    vals = np.where(errors, "", vals)
    missing = missing | errors
    if c.none_words and n:
        explicit_none = _per_unique(vals, lambda v: key(v) in NO_VALUE_WORDS)
        vals = np.where(explicit_none, "", vals)
    else:
        explicit_none = np.zeros(n, dtype=bool)
    blank = missing & ~errors & ~explicit_none
    if c.fill_down and present and blank.any() and (~missing).any():
        for a, b in _runs(np.flatnonzero(blank))[: col.cap]:
            la, lb = int(t.lines[a]), int(t.lines[b])
            span = f"line {la}" if a == b else f"lines {la}-{lb}"
            span_zh = f"第 {la} 行" if a == b else f"第 {la}-{lb} 行"
            extra_en = "; write 无 for a township in no zone" if c.none_words else ""
            extra_zh = "；不属于任何协作区的乡镇请填“无”" if c.none_words else ""
            col.add(t.problem(a, c.name, None,
                              (f"a value on every line: {span} blank while other lines are filled",
                               f"每一行都填写：{span_zh}为空，而其他行已填写"),
                              (_HINT["fill"][0] + extra_en, _HINT["fill"][1] + extra_zh)))
    elif c.required and present:
        for k in np.flatnonzero(blank)[: col.cap]:
            col.add(t.problem(int(k), c.name, "", _expect("required")))
    if c.kind == "str":
        seps = _one_value_separators(t.spec, c)
        if seps and n and present:
            listy = _per_unique(vals, lambda v: any(s in v for s in seps))
            for k in np.flatnonzero(listy)[: col.cap]:
                col.add(t.problem(int(k), c.name, str(vals[k]), _expect("one"), _HINT["one"]))
            vals = np.where(listy, "", vals)
        return vals.astype(object)
    codes, uniques = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=False)
    uniques = [str(u) for u in uniques]
    if c.kind == "list":
        parsed_u = [tuple(c.default) if u == "" else split_list(u) for u in uniques]
        bad_u = np.array([not all(list_item_ok(i) for i in p) for p in parsed_u], dtype=bool)
        if bad_u.any():
            _bad(t, col, bad_u[codes], vals, c, _expect("list"), _HINT["list"])
        res = np.empty(n, dtype=object)
        for k, code in enumerate(codes):
            res[k] = parsed_u[code]
        return res
    if c.kind == "bool":
        extra_t = AVAILABLE_TRUE if c.name == "available" else frozenset()
        extra_f = AVAILABLE_FALSE if c.name == "available" else frozenset()
        parsed_b = [None if u == "" else parse_bool(u, extra_t, extra_f) for u in uniques]
        bad_u = np.array([u != "" and p is None for u, p in zip(uniques, parsed_b)], dtype=bool)
        _bad(t, col, bad_u[codes], vals, c, _expect("bool"))
        if c.default is None:  # blank = "by rule" (e.g. can_review by level), filled in _validate_references
            val_o = np.array([p for p in parsed_b], dtype=object)
            return val_o[codes] if n else np.zeros(0, dtype=object)
        val_u = np.array([bool(c.default) if p is None else p for p in parsed_b], dtype=bool)
        return val_u[codes] if n else np.zeros(0, dtype=bool)
    if c.kind == "level":
        parsed_l = [c.default if u == "" else parse_level(u) for u in uniques]
        bad_u = np.array([p is None for p in parsed_l], dtype=bool)
        _bad(t, col, bad_u[codes] if n else np.zeros(0, dtype=bool), vals, c, _expect("level"))
        val_u = np.array([p or c.default for p in parsed_l], dtype=object)
        return val_u[codes] if n else np.zeros(0, dtype=object)
    return _parse_numbers(vals, missing, codes, uniques, c, t, col)


_EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA", "#N/A!", "#NA"})


def _parse_numbers(vals, missing, codes, uniques, c: Column, t: Parsed, col: _Collector):
    n = len(vals)
    units = dict(c.units)
    num_u = pd.to_numeric(pd.Series(uniques, dtype=object).where(pd.Series(uniques) != "", None),
                          errors="coerce").to_numpy(dtype=float, copy=True)
    for k, u in enumerate(uniques):
        if u != "" and not np.isfinite(num_u[k]):
            v = parse_number(u, units)
            num_u[k] = np.nan if v is None else v
    num = num_u[codes] if n else np.zeros(0, dtype=float)
    if c.decimals is not None:  # documented precision, the same for solver and checker
        scale = 10.0 ** c.decimals
        num = np.floor(num * scale + 0.5) / scale
    kind_en, kind_zh = _expect("int" if c.kind == "int" else "float")
    unit_words = "/".join(dict.fromkeys(u for u, _ in c.units))
    notnum = ~missing & ~np.isfinite(num)
    hint = (f"write digits, optionally followed by {unit_words}", f"请填写数字，可带单位 {unit_words}") if unit_words \
        else ("write digits only", "请只填写数字")
    _bad(t, col, notnum, vals, c, (kind_en, kind_zh), hint)
    ok = ~missing & np.isfinite(num)
    if c.kind == "int":
        frac = ok & (np.abs(num - np.round(num)) > 1e-9)
        _bad(t, col, frac, vals, c, ("a whole number", "整数"))
        ok &= ~frac
    rng_bad = np.zeros(n, dtype=bool)
    desc = []
    if c.min_value is not None:
        rng_bad |= ok & ((num <= c.min_value) if c.strict_min else (num < c.min_value))
        desc.append(f"{'>' if c.strict_min else '>='} {_num(c.min_value)}")
    top = c.max_value if c.max_value is not None else NUMBER_CAP
    rng_bad |= ok & (num > top)
    desc.append(f"<= {_num(top)}")
    hint = ("", "")
    if c.name in ("lat", "lon") and rng_bad.any():
        hint = ("lat and lon look swapped? Latitude (纬度) is -90..90, e.g. 36.5; longitude (经度) e.g. 117.0",
                "纬度和经度是否填反了？纬度在 -90 到 90 之间（如 36.5），经度如 117.0")
    _bad(t, col, rng_bad, vals, c, (f"{kind_en} {' and '.join(desc)}", f"{kind_zh}，且 {'、'.join(desc)}"), hint)
    default = c.default if c.default != "" else 0
    filled = np.where(ok & ~rng_bad, num, float(default))
    if c.kind == "int":
        return np.round(filled).astype(np.int64)
    return filled.astype(np.float64)


def _bad(t: Parsed, col: _Collector, mask: np.ndarray, vals: np.ndarray, c: Column, expected: tuple[str, str],
         hint: tuple[str, str] = ("", "")) -> None:
    idx = np.flatnonzero(mask)
    for k in idx[: col.cap + 1]:
        col.add(t.problem(int(k), c.name, str(vals[k]), expected, hint))
    extra = len(idx) - (col.cap + 1)
    if extra > 0:
        col.more += extra


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _check_unique(t: Parsed, column: str, col: _Collector) -> None:
    vals = t.frame[column].to_numpy(dtype=object)
    keys = np.array([key(v) for v in vals], dtype=object)
    first: dict[str, int] = {}
    for k, (v, kk) in enumerate(zip(vals.tolist(), keys.tolist())):
        if v == "":
            continue
        if kk in first:
            j = first[kk]
            other = vals[j]
            exp = _expect("unique", line=int(t.lines[j])) if other == v else \
                _expect("unique_variant", line=int(t.lines[j]), other=other)
            col.add(t.problem(k, column, v, exp))
        else:
            first[kk] = k


# --------------------------------------------------------------------------- finding the tables


def match_table(name: str) -> tuple[str | None, list[str]]:
    """The table a file or sheet name stands for: (table, []) or (None, ambiguous candidates)."""
    k = name_key(name)
    if not k:
        return None, []
    exact = [t for t, s in TABLES.items() if k in {name_key(x) for x in (s.name, s.zh, *s.aliases)}]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    best: dict[str, int] = {}
    for t, s in TABLES.items():
        for a in (s.name, s.zh, *s.aliases):
            ak = name_key(a)
            if len(ak) >= 2 and ak in k:
                best[t] = max(best.get(t, 0), len(ak))
    if not best:
        return None, []
    top = max(best.values())
    winners = [t for t, v in best.items() if v == top]
    return (winners[0], []) if len(winners) == 1 else (None, sorted(winners))


def _assign(sources: list[tuple[str, object]], col: _Collector, where: str) -> dict[str, object]:
    """Map (display name, grid-or-path) sources to tables; refuse two sources for one table."""
    found: dict[str, list[tuple[str, object]]] = {}
    unread: list[str] = []
    for disp, src in sources:
        stem = disp.rsplit("[", 1)[-1].rstrip("]") if disp.endswith("]") else Path(disp).stem
        table, cands = match_table(stem)
        if table is None:
            if cands:
                col.add(Problem(disp, None, None, None, "a name that says which table it is",
                                expected_zh="能看出是哪张表的名称",
                                hint=f"{stem!r} could be {' or '.join(cands)}: rename it",
                                hint_zh=f"“{stem}”可能是 {' 或 '.join(TABLES[c].zh for c in cands)}，请改名"))
            else:
                unread.append(disp)
            continue
        found.setdefault(table, []).append((disp, src))
    out: dict[str, object] = {}
    for table, items in found.items():
        if len(items) > 1:
            names = ", ".join(d for d, _ in items)
            col.add(Problem(items[1][0], None, None, None, f"one {TABLES[table].zh} ({table}) table",
                            expected_zh=f"只有一张{TABLES[table].zh}（{table}）表",
                            hint=f"{names} all look like the {table} table: keep one",
                            hint_zh=f"{names} 都像是{TABLES[table].zh}表，请只保留一个"))
            continue
        out[table] = items[0][1]
    if unread:
        col.note(QualityItem("read", "note", where, f"not read (no table of that name): {', '.join(unread)}",
                             f"未读取（不是已知的表名）：{'、'.join(unread)}"))
    out["__found__"] = [d for d, _ in sources]
    return out


# --------------------------------------------------------------------------- references


def _township_lookup(tw: pd.DataFrame) -> Lookup:
    return Lookup(tw["township_id"].tolist(), tw["name"].tolist(), tw["county"].tolist(), endings=True)


def _describe(lk: Lookup, ids, county: dict[str, str] | None = None) -> str:
    return ", ".join(lk.describe(i, county) for i in ids)


def _resolve_column(t: Parsed, column: str, lk: Lookup, what: tuple[str, str], col: _Collector,
                    outside_ok: bool = False, county: dict[str, str] | None = None,
                    person: bool = False) -> dict[str, int]:
    """Resolve one reference column in place; count how values resolved (for notes)."""
    vals = t.frame[column].to_numpy(dtype=object)
    codes, uniques, res = lk.resolve_array(vals)
    counts = np.bincount(codes, minlength=len(uniques)) if len(vals) else np.zeros(0, dtype=np.int64)
    hows: dict[str, int] = {}
    for u, r in enumerate(res):
        hows[r.how] = hows.get(r.how, 0) + 1
    named = [uniques[u] for u, r in enumerate(res) if r.how in ("name", "variant", "ending")]
    if named:
        col.resolved((what[0] + "s", what[1]), t.name, t.typed.get(column, column), named)
    resolved_u = [r.id if r.id is not None else u for u, r in zip(uniques, res)]
    close = {u: lk.suggest(uniques[u]) for u, r in enumerate(res) if r.how == "unknown" and not person}
    bad = [u for u, r in enumerate(res) if r.how == "ambiguous" or (u in close and not (outside_ok and not close[u]))]
    rows_of = _rows_by_code(codes, bad)
    for u in bad:
        value, r, rows = uniques[u], res[u], rows_of[u]
        if r.how == "ambiguous":
            cands = _describe(lk, r.candidates, county)
            for k in rows[: col.cap]:
                col.add(t.problem(int(k), column, value,
                                  (f"one {what[0]}; {value!r} names {len(r.candidates)}: {cands}",
                                   f"唯一的{what[1]}；“{value}”对应 {len(r.candidates)} 个：{cands}"),
                                  ("write the id instead of the name", "请填写编号而不是名称")))
        else:
            near = _describe(lk, _ids_of(lk, close[u]), county)
            hint = (f"did you mean {near}?", f"是否应为 {near}？") if close[u] else ("", "")
            for k in rows[: col.cap]:
                col.add(t.problem(int(k), column, value,
                                  (f"a known {what[0]}" + ("" if lk.by_id_only else " (id or name)"),
                                   f"已有的{what[1]}" + ("" if lk.by_id_only else "（编号或名称）")), hint))
    out = np.array(resolved_u, dtype=object)[codes] if len(vals) else vals
    t.frame[column] = out
    return hows


def _rows_by_code(codes: np.ndarray, wanted: list[int]) -> dict[int, np.ndarray]:
    """Row indices of each wanted code (one pass, not one scan per code)."""
    if not wanted:
        return {}
    mask = np.isin(codes, wanted)
    rows = np.flatnonzero(mask)
    sub = codes[rows]
    order = np.argsort(sub, kind="stable")
    rows, sub = rows[order], sub[order]
    cuts = np.flatnonzero(np.diff(sub)) + 1
    return {int(g[0]): r for g, r in zip(np.split(sub, cuts), np.split(rows, cuts))}


def _ids_of(lk: Lookup, candidates) -> list[str]:
    """Close candidates (ids or names) as ids, in order, without repeats."""
    out: list[str] = []
    by_name: dict[str, list[str]] = {}
    for i, n in zip(lk.ids, lk.names):
        by_name.setdefault(n, []).append(i)
    for c in candidates:
        for i in ([c] if c in lk.labels else by_name.get(c, [])):
            if i not in out:
                out.append(i)
    return out[:3]


def _validate_references(parsed: dict[str, Parsed], col: _Collector) -> None:
    tw_t = parsed.get("townships")
    if tw_t is None or not tw_t.ok:
        return
    tw = tw_t.frame
    _check_unique(tw_t, "township_id", col)
    county = dict(zip(tw["township_id"], tw["county"]))
    towns = _township_lookup(tw)
    township_words = ("township", "乡镇")

    def townships_in(t: Parsed, column: str, outside_ok: bool = False) -> None:
        _resolve_column(t, column, towns, township_words, col, outside_ok=outside_ok, county=county)

    resolve_zones(tw_t, col)  # one spelling per zone (places.py)
    # zones never cross counties
    if len(tw):
        z = tw[(tw["zone"] != "") & (tw["county"] != "")]  # a blank county is reported by the fill-down check
        if len(z):
            per = z.groupby("zone")["county"].nunique()
            for zone in per[per > 1].index:
                rows = np.flatnonzero((tw["zone"] == zone).to_numpy())
                counties = sorted(set(tw["county"].iloc[rows]))
                col.add(tw_t.problem(int(rows[0]), "zone", str(zone),
                                     (f"a zone inside one county; zone {zone} spans counties {', '.join(counties)}",
                                      f"协作区不跨县；协作区 {zone} 跨了 {'、'.join(counties)}")))
    for tname in ("adjacency", "travel"):
        t = parsed.get(tname)
        if t is None or not t.ok:
            continue
        for c in (("a", "b") if tname == "adjacency" else ("from", "to")):
            townships_in(t, c)
        f = t.frame
        if tname == "adjacency":
            self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
            for k in np.flatnonzero(self_loop)[: col.cap]:
                col.add(t.problem(int(k), "b", str(f["b"].iat[k]),
                                  ("a township other than column a (no self-loops)", "与第一列不同的乡镇（不能自己与自己相邻）")))
        else:
            _check_symmetric(t, col)
    inv_t = parsed.get("investigators")
    if inv_t is not None and inv_t.ok:
        _check_unique(inv_t, "investigator_id", col)
        townships_in(inv_t, "township_id")
        townships_in(inv_t, "home_township", outside_ok=True)
    cs_t = parsed.get("cases")
    if cs_t is not None and cs_t.ok:
        _check_unique(cs_t, "case_id", col)
        townships_in(cs_t, "township_id")
    if inv_t is not None and inv_t.ok:
        resolve_people(parsed, col)  # subjects, relations and recusals (people.py)
    rel_t = parsed.get("relations")
    if rel_t is not None and rel_t.ok:
        f = rel_t.frame
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        for k in np.flatnonzero(self_loop)[: col.cap]:
            col.add(rel_t.problem(int(k), "b", str(f["b"].iat[k]),
                                  ("a person other than column a (no self-loops)", "与第一列不同的人（不能自己与自己有关系）")))
    if inv_t is not None and inv_t.ok:  # can_review left blank: county-level staff review, township staff do not
        f = inv_t.frame
        given = f["can_review"].to_numpy(dtype=object)
        f["can_review"] = np.where(pd.isna(given), (f["level"] == "county").to_numpy(), given).astype(bool)
    _validate_living(parsed, col, towns, county, townships_in)
    if "townships" in parsed:
        resolve_villages(parsed, col)  # case and home villages (places.py)
    conf_t = parsed.get("conflicts")
    if conf_t is not None and conf_t.ok:
        if cs_t is not None and cs_t.ok:
            cases = Lookup(cs_t.frame["case_id"].tolist())
            _resolve_column(conf_t, "case_id", cases, ("case id", "线索编号"), col)


def _validate_living(parsed: dict[str, Parsed], col: _Collector, towns: Lookup, county: dict[str, str],
                     townships_in) -> None:
    """References of the living plan's tables: leaders, offices, villages, village adjacency."""
    counties = sorted(set(county.values()))
    for tname in ("leaders", "offices"):
        t = parsed.get(tname)
        if t is None or not t.ok:
            continue
        if tname == "leaders":
            townships_in(t, "home_township", outside_ok=True)
        else:
            _resolve_list(t, "home_townships", towns, col, county)
        f = t.frame
        if len(counties) == 1:  # one county: a blank county means it
            f["county"] = np.where(f["county"] == "", counties[0], f["county"].to_numpy(dtype=object))
        known = {key(c): c for c in counties}
        for k, c in enumerate(f["county"].tolist()):
            if c in county.values():
                continue
            if key(c) in known:
                f.at[k, "county"] = known[key(c)]
                continue
            shown = "、".join(x or "(blank)" for x in counties[:10])
            col.add(t.problem(k, "county", c, (f"a county of townships.csv: {', '.join(x or '(blank)' for x in counties[:10])}",
                                               f"乡镇表中的县（市、区）：{shown}")))
    v_t = parsed.get("villages")
    if v_t is not None and v_t.ok:
        _check_unique(v_t, "village_id", col)
        townships_in(v_t, "township_id")
        f = v_t.frame
        f["liaison"] = f["liaison"].to_numpy(dtype=bool) | (f["liaison_name"] != "").to_numpy()
    va_t = parsed.get("village_adjacency")
    if va_t is not None and va_t.ok and v_t is not None and v_t.ok:
        vf = v_t.frame
        tw = parsed["townships"].frame
        tname_of = dict(zip(tw["township_id"], tw["name"]))
        groups = [tname_of.get(t, "") for t in vf["township_id"]]  # so 柳河镇王庄村 names one village
        villages = Lookup(vf["village_id"].tolist(), vf["name"].tolist(), groups)
        for c in ("a", "b"):
            _resolve_column(va_t, c, villages, ("village", "村"), col)
        f = va_t.frame
        self_loop = (f["a"] == f["b"]).to_numpy() & (f["a"] != "").to_numpy()
        for k in np.flatnonzero(self_loop)[: col.cap]:
            col.add(va_t.problem(int(k), "b", str(f["b"].iat[k]),
                                 ("a village other than column a (no self-loops)", "与第一列不同的村（不能自己与自己相邻）")))


def _resolve_list(t: Parsed, column: str, towns: Lookup, col: _Collector, county: dict[str, str]) -> None:
    """Resolve each township of a list column in place (places outside the data are kept, as home townships are)."""
    values = t.frame[column].tolist()
    flat = sorted({v for lst in values for v in lst})
    codes, uniques, res = towns.resolve_array(np.array(flat, dtype=object))
    to_id: dict[str, str] = {}
    for u, r in zip(uniques, res):
        if r.id is not None:
            to_id[u] = r.id
            continue
        close = towns.suggest(u) if r.how == "unknown" else ()
        if r.how == "unknown" and not close:
            to_id[u] = u  # a place outside the data
            continue
        rows = [k for k, lst in enumerate(values) if u in lst]
        if r.how == "ambiguous":
            cands = _describe(towns, r.candidates, county)
            exp = (f"one township; {u!r} names {len(r.candidates)}: {cands}", f"唯一的乡镇；“{u}”对应 {len(r.candidates)} 个：{cands}")
            hint = ("write the id instead of the name", "请填写编号而不是名称")
        else:
            near = _describe(towns, _ids_of(towns, close), county)
            exp = ("a known township (id or name)", "已有的乡镇（编号或名称）")
            hint = (f"did you mean {near}?", f"是否应为 {near}？")
        for k in rows[: col.cap]:
            col.add(t.problem(k, column, u, exp, hint))
        to_id[u] = u
    t.frame[column] = pd.Series([tuple(sorted({to_id[v] for v in lst})) for lst in values], dtype=object,
                                index=t.frame.index)


def _check_symmetric(t: Parsed, col: _Collector) -> None:
    f = t.frame
    a = f["from"].to_numpy(dtype=object)
    b = f["to"].to_numpy(dtype=object)
    if not len(f):
        return
    lo = np.where(a <= b, a, b)
    hi = np.where(a <= b, b, a)
    g = pd.DataFrame({"lo": lo, "hi": hi, "m": f["minutes"].to_numpy()})
    spread = g.groupby(["lo", "hi"], sort=False)["m"].agg(["min", "max"])
    bad_pairs = spread[(spread["max"] - spread["min"]) > 1e-6]
    for (x, y), r in bad_pairs.head(col.cap).iterrows():
        i = int(np.flatnonzero((lo == x) & (hi == y))[-1])
        col.add(t.problem(i, "minutes", f"{f['minutes'].iloc[i]:g}",
                          (f"symmetric minutes: {x}<->{y} is given as both {r['min']:g} and {r['max']:g}",
                           f"往返车程相同：{x}<->{y} 同时写了 {r['min']:g} 和 {r['max']:g}")))


# --------------------------------------------------------------------------- data quality


def _quality(parsed: dict[str, Parsed], col: _Collector) -> None:
    """Gaps: a named rule that cannot protect a named person or case.  Notes: what is ordinary
    but worth knowing (people from outside the data, subjects with no known relations)."""
    inv_t, cs_t = parsed.get("investigators"), parsed.get("cases")
    tw_t = parsed.get("townships")
    if inv_t is None or not inv_t.ok or tw_t is None or not tw_t.ok:
        return
    inv = inv_t.frame
    ids = inv["investigator_id"].tolist()
    who = [f"{i} {n}".strip() for i, n in zip(ids, inv["name"].tolist())]
    known_t = set(tw_t.frame["township_id"])
    if len(inv):
        if "home_township" not in inv_t.typed:
            col.note(QualityItem("home", "gap", inv_t.name,
                                 "no home township column: the home rule cannot keep anyone off cases in their "
                                 "home township", "没有“籍贯乡镇”列：回避规则无法阻止任何人办理其籍贯乡镇的案件"))
        else:
            home_v = inv["home_village"].tolist()
            blank = [w for w, t, v in zip(who, inv["home_township"].tolist(), home_v) if t == ""]
            if blank:
                col.note(QualityItem("home", "gap", inv_t.name,
                                     f"{inv_t.typed['home_township']} blank: the home rule cannot keep them off cases in "
                                     "their home township (only a home village, where given, is compared)",
                                     f"“{_typed_zh(inv_t, 'home_township')}”为空：回避规则无法阻止他们办理籍贯乡镇的案件"
                                     "（仅比较已填写的籍贯村）", tuple(blank)))
        outside = [f"{w} ({v})" for w, v in zip(who, inv["home_township"].tolist()) if v != "" and v not in known_t]
        if outside:
            col.note(QualityItem("home", "note", inv_t.name,
                                 "home township outside the data (no case is in it)",
                                 "籍贯乡镇不在本次数据范围内（没有线索在该地）", tuple(outside)))
        if "level" not in inv_t.typed:
            col.note(QualityItem("level", "gap", inv_t.name,
                                 "no level column: everybody is treated as township-level staff (escalated cases "
                                 "find no county-level lead)",
                                 "没有“层级”列：所有人都按乡镇级干部处理（提级直查的案件找不到县级组长）", tuple(who)))
    if cs_t is None or not cs_t.ok:
        return
    cs = cs_t.frame
    rel_t = parsed.get("relations")
    inv_set = set(ids)
    if "subject_id" not in cs_t.typed:
        col.note(QualityItem("kin", "gap", cs_t.name, "no subject column: the kin rule protects no case",
                             "没有“被调查人”列：亲属回避规则对所有线索都无法起作用"))
    else:
        no_subject = [c for c, s in zip(cs["case_id"], cs["subject_id"]) if s == ""]
        if no_subject:
            col.note(QualityItem("kin", "gap", cs_t.name, "no subject given: the kin rule cannot protect these cases",
                                 "未填被调查人：亲属回避规则无法保护这些线索", tuple(no_subject)))
        nodes: set[str] = set()
        if rel_t is not None and rel_t.ok:
            nodes = set(rel_t.frame["a"]) | set(rel_t.frame["b"])
        absent = [f"{c} ({s})" for c, s in zip(cs["case_id"], cs["subject_id"])
                  if s != "" and s not in nodes and s not in inv_set]
        if absent and len(cs):
            if rel_t is None:
                col.note(QualityItem("kin", "gap", cs_t.name, "no relations table: the kin rule cannot protect these "
                                     "cases (only the subject, when an investigator, is kept off)",
                                     "没有关系表：亲属回避规则无法保护这些线索（仅被调查人本人为干部时回避）", tuple(absent)))
            else:
                col.note(QualityItem("kin", "note", cs_t.name, "subjects with no relations listed (the kin rule finds "
                                     "nobody to keep off their cases)", "关系表中没有其社会关系的被调查人（亲属回避规则找不到需回避的人）",
                                     tuple(absent)))
    if rel_t is not None and rel_t.ok and len(rel_t.frame):
        import networkx as nx

        f = rel_t.frame
        g = nx.Graph()
        g.add_edges_from((a, b) for a, b in zip(f["a"], f["b"]) if a and b)
        anchors = inv_set | set(cs["subject_id"])
        loose = sorted(n for comp in nx.connected_components(g) if not (comp & anchors) for n in comp)
        if loose:
            col.note(QualityItem("kin", "gap", rel_t.name,
                                 "people in the relations table linked to no investigator and no subject, even "
                                 "through others: they can be on no kin path (a misspelt name?)",
                                 "关系表中与任何干部、被调查人都不相连（经他人也不相连）的人员：不会出现在任何亲属关系链上（姓名是否写错？）",
                                 tuple(loose)))
    held = {s for sk in inv["skills"] for s in sk}
    missing = sorted({s for sk in cs["required_skills"] for s in sk} - held)
    if missing:
        col.note(QualityItem("skills", "gap", cs_t.name,
                             "required skills that no investigator has (cases needing them cannot be staffed)",
                             "没有任何干部具备的所需专长（需要这些专长的线索无法组队）", tuple(missing)))


def _typed_zh(t: Parsed, column: str) -> str:
    """The header as typed when it is Chinese, else the contract's Chinese label (for zh text)."""
    typed = t.typed.get(column, column)
    return typed if not typed.isascii() else _zh(t.spec, column)


def _zh(spec: TableSpec, column: str) -> str:
    return next(c.zh for c in spec.columns if c.name == column) or column


def _strict_problems(col: _Collector) -> None:
    for item in col.quality:
        if item.kind == "gap":
            col.add(Problem(item.table or "input", None, None, None, "no data-quality gap (--strict)",
                            expected_zh="没有数据质量缺口（--strict）", hint=item.render("en"), hint_zh=item.render("zh")))


# --------------------------------------------------------------------------- entry points


def _build(grids: Mapping[str, Grid], cap: int, require: tuple[str, ...], strict: bool,
           found: list[str] | None = None, optional_empty_ok: bool = True) -> Tables:
    col = _Collector(cap)
    parsed: dict[str, Parsed] = {}
    for tname, spec in TABLES.items():
        grid = grids.get(tname)
        if grid is None:
            if tname in require:
                seen = ", ".join(found or []) or "(nothing)"
                col.add(Problem(spec.file, None, None, None,
                                f"the required table {tname} ({spec.zh}): a file {spec.file} or {spec.zh}.csv, "
                                f"or a sheet named {tname} or {spec.zh}",
                                expected_zh=f"必需的表 {spec.zh}（{tname}）：文件 {spec.file} 或 {spec.zh}.csv，"
                                            f"或名为 {spec.zh} 的工作表",
                                hint=f"found: {seen}", hint_zh=f"找到的是：{seen}"))
            continue
        p = _parse_grid(grid, spec, col, optional_empty_ok)
        if p is not None:
            parsed[tname] = p
    for t in ("adjacency", "travel", "village_adjacency"):  # header only: not given, the fall-back applies
        if t in parsed and parsed[t].ok and len(parsed[t].frame) == 0:
            col.note(QualityItem("read", "note", parsed[t].name, "no rows: read as not given (the fall-back applies)",
                                 "没有数据行：视为未提供（使用默认推算）"))
            del parsed[t]
    for t in STAFFING_TABLES:  # absent and not required: an empty table
        if t not in parsed and t not in require:
            parsed[t] = Parsed(TABLES[t], TABLES[t].file, "", _empty_frame(TABLES[t]), np.zeros(0, dtype=np.int64))
    _validate_references(parsed, col)
    col.resolution_notes()
    if not col.failed:
        _quality(parsed, col)
        if strict:
            _strict_problems(col)
    col.raise_if_failed()
    quality = QualityReport.ranked(col.quality)
    for item in quality.gaps:
        log.info("data quality: %s", item.render("en"))

    def frame(name: str) -> pd.DataFrame:
        return parsed[name].frame if name in parsed else _empty_frame(TABLES[name])

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


def _pairs_sorted(f: pd.DataFrame) -> pd.DataFrame:
    """Undirected pairs ``a < b``, without repeats, sorted."""
    a = f["a"].to_numpy(dtype=object)
    b = f["b"].to_numpy(dtype=object)
    lo, hi = np.where(a <= b, a, b), np.where(a <= b, b, a)
    out = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates().sort_values(["a", "b"], kind="stable")
    return out.reset_index(drop=True)


def _folder_sources(p: Path, col: _Collector) -> tuple[dict[str, Grid], list[str]]:
    files = sorted((x for x in p.iterdir() if x.is_file() and not x.name.startswith(("~$", ".~", "."))),
                   key=lambda x: x.name)
    texts = [x for x in files if x.suffix.lower() in _TEXT_EXTS]
    books = [x for x in files if x.suffix.lower() in WORKBOOK_SUFFIXES]
    for x in files:
        bad = unreadable_suffix(x)
        if bad is not None and match_table(x.stem)[0] is not None:
            col.add(bad)
    assigned = _assign([(x.name, x) for x in texts + books], col, p.name)
    found = assigned.pop("__found__")
    grids: dict[str, Grid] = {}
    for t, f in assigned.items():
        assert isinstance(f, Path)
        if f.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = [g for g in read_workbook_grids(f) if not g.cells.empty]
            if not sheets:
                col.add(Problem(f.name, None, None, None, "a sheet with the table", expected_zh="含有数据表的工作表"))
                continue
            named = [g for g in sheets if match_table(g.name.rsplit("[", 1)[-1].rstrip("]"))[0] == t]
            grids[t] = (named or sheets)[0]
        else:
            grids[t] = read_csv_grid(f.read_bytes(), f.name)
    if not grids and len(books) == 1:  # one workbook holding every table as a sheet
        return _book_sources(books[0], col)
    if not grids and len(books) > 1:
        col.add(Problem(p.name, None, None, None, "one workbook, or files named like the tables",
                        expected_zh="一个工作簿，或按表命名的文件",
                        hint=f"found several workbooks: {', '.join(b.name for b in books)}",
                        hint_zh=f"找到多个工作簿：{'、'.join(b.name for b in books)}"))
    return grids, found


def _book_sources(path: Path, col: _Collector) -> tuple[dict[str, Grid], list[str]]:
    sheets = read_workbook_grids(path)
    assigned = _assign([(g.name, g) for g in sheets if not g.cells.empty], col, path.name)
    found = [g.name for g in sheets]
    assigned.pop("__found__")
    return {t: g for t, g in assigned.items() if isinstance(g, Grid)}, found


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
    p = Path(path)
    col = _Collector(max_problems)
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
        grids, found = _book_sources(p, col)
    else:
        grids, found = _folder_sources(p, col)
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
    col = _Collector(MAX_PROBLEMS)
    parsed = _parse_grid(grid, spec, col, optional_empty_ok=False)
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
    return _township_lookup(tables.townships)


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
            cands = _describe(lk, r.candidates)
            problems.append(Problem(where, None, None, value, f"one {what[0]}; {value!r} names {cands}",
                                    expected_zh=f"唯一的{what[1]}；“{value}”对应 {cands}",
                                    hint="write the id instead of the name", hint_zh="请填写编号而不是名称"))
        else:
            near = _describe(lk, _ids_of(lk, lk.suggest(value)))
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
    col = _Collector(MAX_PROBLEMS)
    _resolve_column(parsed, column, lk, what, col, person=keep_unknown)
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
