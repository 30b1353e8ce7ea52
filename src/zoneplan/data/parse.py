"""One table: header matched to the contract, cells read as clean text, merged cells filled,
footers skipped, spreadsheet gestures (struck, hidden, coloured lines) handled, each column parsed
by kind (:mod:`.cells`).  The second and third stages of the loader (:mod:`.load`)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem, column_letter
from .cells import (
    AVAILABLE_FALSE,
    AVAILABLE_TRUE,
    NO_VALUE_WORDS,
    clean_array,
    key,
    list_item_ok,
    parse_bool,
    parse_level,
    parse_number,
    split_list,
)
from .collect import HINT, Collector, Parsed, empty_frame, expect
from .contract import NUMBER_CAP, Column, TableSpec
from .headers import HeaderChoice, locate_header, lookup, name_key
from .identity import SINGLE_VALUE_SEPARATORS
from .quality import QualityItem
from .sheets import Grid

__all__ = ["parse_grid", "check_unique"]


_FOOTER_WORDS = ("合计", "总计", "小计", "制表", "填表", "审核", "注:", "说明:", "备注:", "负责人", "联系人", "联系电话")


def _header_problems(grid: Grid, spec: TableSpec, choice: HeaderChoice, col: Collector,
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
            names_zh = "、".join(_label_zh(spec, c) for c in close[:3])
            col.add(Problem(grid.name, hdr_line, text, None, "a known column name",
                            letter=column_letter(j), expected_zh="已知的列名",
                            hint=f"did you mean {names}?", hint_zh=f"是否应为{names_zh}？"))
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


def _label_zh(spec: TableSpec, column: str) -> str:
    """A column as a Chinese reader knows it: its Chinese header (the machine name without one)."""
    c = next(x for x in spec.columns if x.name == column)
    return f"“{c.zh}”" if c.zh else c.name


def _fill_merged(cells: pd.DataFrame, merged: list[tuple[int, int, int, int]], start: int, name: str,
                 col: Collector) -> pd.DataFrame:
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


def parse_grid(grid: Grid, spec: TableSpec, col: Collector, optional_empty_ok: bool) -> Parsed | None:
    cells = grid.cells
    if cells.empty or not any(_nonblank(cells[j]).any() for j in cells.columns):
        if spec.optional and optional_empty_ok:
            col.note(QualityItem("read", "note", grid.name, "empty file: read as a table with no rows",
                                 "空文件：按无数据的表读取"))
            return Parsed(spec, grid.name, grid.sha256, empty_frame(spec), np.zeros(0, dtype=np.int64))
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
        return Parsed(spec, grid.name, grid.sha256, empty_frame(spec), np.zeros(0, dtype=np.int64), ok=False)
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
    parsed = Parsed(spec, grid.name, grid.sha256, empty_frame(spec), lines, typed, letters)
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
            col.add(parsed.problem(k, f, str(text[f][k]), expect(flag if flag != "long-number" else "long"),
                                   HINT[flag if flag != "long-number" else "long"]))
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


def _gestures(grid: Grid, choice: HeaderChoice, rows_kept: np.ndarray, parsed: Parsed, col: Collector) -> None:
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


def _per_unique(values: np.ndarray, fn, fac=None) -> np.ndarray:
    """``fn`` of each cell, computed once per distinct value (a column repeats itself a lot);
    ``fac`` is ``values`` already factorized (:func:`_factorize`), when at hand."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    codes, uniques = fac if fac is not None else _factorize(values)
    return np.array([fn(u) for u in uniques], dtype=bool)[codes]


def _factorize(values: np.ndarray):
    return pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)


def _none_hold(uniques, search) -> bool:
    """No distinct value holds what ``search`` (a character class or one character) finds:
    searched once in all of them joined (text only; anything else: False, look one by one)."""
    try:
        joined = "".join(uniques)
    except TypeError:  # a value that is not text
        return False
    return search(joined) is None


_HASH = re.compile("#").search


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


def _parse_column(vals: np.ndarray, c: Column, t: Parsed, col: Collector, present: bool):
    n = len(vals)
    missing = vals == ""
    fac = _factorize(vals) if n else None  # the distinct values, while vals stays as it is
    errors = _per_unique(vals, lambda v: v.startswith("#") and v.upper().rstrip() in _EXCEL_ERRORS, fac) \
        if n and present and not _none_hold(fac[1], _HASH) else np.zeros(n, dtype=bool)
    for k in np.flatnonzero(errors)[: col.cap]:
        col.add(t.problem(int(k), c.name, str(vals[k]), expect("error"), HINT["error"]))
    if errors.any():
        vals, fac = np.where(errors, "", vals), None
    missing = missing | errors
    if c.none_words and n:
        explicit_none = _per_unique(vals, lambda v: key(v) in NO_VALUE_WORDS, fac)
        if explicit_none.any():
            vals, fac = np.where(explicit_none, "", vals), None
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
                              (HINT["fill"][0] + extra_en, HINT["fill"][1] + extra_zh)))
    elif c.required and present:
        for k in np.flatnonzero(blank)[: col.cap]:
            col.add(t.problem(int(k), c.name, "", expect("required")))
    if c.kind == "str":
        seps = _one_value_separators(t.spec, c)
        if seps and n and present:
            has_sep = re.compile("[" + re.escape(seps) + "]").search
            listy = np.zeros(n, dtype=bool) if fac is not None and _none_hold(fac[1], has_sep) else \
                _per_unique(vals, lambda v: has_sep(v) is not None, fac)
            for k in np.flatnonzero(listy)[: col.cap]:
                col.add(t.problem(int(k), c.name, str(vals[k]), expect("one"), HINT["one"]))
            vals = np.where(listy, "", vals)
        return vals.astype(object)
    codes, uniques = fac if fac is not None else _factorize(vals)
    uniques = [str(u) for u in uniques]
    if c.kind == "list":
        parsed_u = [tuple(c.default) if u == "" else split_list(u) for u in uniques]
        bad_u = np.array([not all(list_item_ok(i) for i in p) for p in parsed_u], dtype=bool)
        if bad_u.any():
            _bad(t, col, bad_u[codes], vals, c, expect("list"), HINT["list"])
        res = np.empty(n, dtype=object)
        for k, code in enumerate(codes):
            res[k] = parsed_u[code]
        return res
    if c.kind == "bool":
        extra_t = AVAILABLE_TRUE if c.name == "available" else frozenset()
        extra_f = AVAILABLE_FALSE if c.name == "available" else frozenset()
        parsed_b = [None if u == "" else parse_bool(u, extra_t, extra_f) for u in uniques]
        bad_u = np.array([u != "" and p is None for u, p in zip(uniques, parsed_b)], dtype=bool)
        _bad(t, col, bad_u[codes], vals, c, expect("bool"))
        if c.default is None:  # blank = "by rule" (e.g. can_review by level), filled in validate_references
            val_o = np.array([p for p in parsed_b], dtype=object)
            return val_o[codes] if n else np.zeros(0, dtype=object)
        val_u = np.array([bool(c.default) if p is None else p for p in parsed_b], dtype=bool)
        return val_u[codes] if n else np.zeros(0, dtype=bool)
    if c.kind == "level":
        parsed_l = [c.default if u == "" else parse_level(u) for u in uniques]
        bad_u = np.array([p is None for p in parsed_l], dtype=bool)
        _bad(t, col, bad_u[codes] if n else np.zeros(0, dtype=bool), vals, c, expect("level"))
        val_u = np.array([p or c.default for p in parsed_l], dtype=object)
        return val_u[codes] if n else np.zeros(0, dtype=object)
    return _parse_numbers(vals, missing, codes, uniques, c, t, col)


_EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA", "#N/A!", "#NA"})


def _parse_numbers(vals, missing, codes, uniques, c: Column, t: Parsed, col: Collector):
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
    kind_en, kind_zh = expect("int" if c.kind == "int" else "float")
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


def _bad(t: Parsed, col: Collector, mask: np.ndarray, vals: np.ndarray, c: Column, expected: tuple[str, str],
         hint: tuple[str, str] = ("", "")) -> None:
    idx = np.flatnonzero(mask)
    for k in idx[: col.cap + 1]:
        col.add(t.problem(int(k), c.name, str(vals[k]), expected, hint))
    extra = len(idx) - (col.cap + 1)
    if extra > 0:
        col.more += extra


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_unique(t: Parsed, column: str, col: Collector) -> None:
    vals = t.frame[column].to_numpy(dtype=object)
    keys = np.array([key(v) for v in vals], dtype=object)
    first: dict[str, int] = {}
    for k, (v, kk) in enumerate(zip(vals.tolist(), keys.tolist())):
        if v == "":
            continue
        if kk in first:
            j = first[kk]
            other = vals[j]
            exp = expect("unique", line=int(t.lines[j])) if other == v else \
                expect("unique_variant", line=int(t.lines[j]), other=other)
            col.add(t.problem(k, column, v, exp))
        else:
            first[kk] = k
