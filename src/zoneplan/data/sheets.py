"""Raw grids: a CSV file or a workbook sheet as rows of cell text, before any header is known.

Readers keep what a spreadsheet knows and a plain table loses: merged ranges (to fill them
down), cells that hold a date, a formula without a saved value, an Excel error, or a number
too long for Excel to keep exactly (an 18-digit id).  Line numbers are the ones Excel/WPS
shows: the first row of the sheet or file is line 1.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

__all__ = ["Grid", "read_csv_grid", "read_workbook_grids", "frame_grid", "WORKBOOK_SUFFIXES", "sha256"]

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_UNREADABLE = {".et": "WPS 表格", ".ods": "OpenDocument", ".numbers": "Numbers", ".xlsb": "Excel binary"}
_ENCODINGS = ("utf-8-sig", "gb18030")


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Grid:
    """One sheet or CSV file: ``cells`` (row r = Excel line r + 1) as text, plus what Excel knew.

    ``merged`` holds merged ranges as 0-based inclusive ``(r0, c0, r1, c1)``; ``flags`` maps
    ``(r, c)`` to ``"date"``, ``"formula"`` (no saved value) or ``"long-number"``.  The
    spreadsheet gestures that carry meaning: ``struck`` maps a row to the columns of its
    struck-through cells (a planner's "deleted"), ``hidden`` lists hidden rows (often old
    staff) and ``coloured`` rows with a fill colour (often "to check").
    """

    name: str
    sha256: str
    cells: pd.DataFrame  # object columns 0..k-1, "" for empty
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    flags: dict[tuple[int, int], str] = field(default_factory=dict)
    is_workbook: bool = False
    struck: dict[int, list[int]] = field(default_factory=dict)
    hidden: list[int] = field(default_factory=list)
    coloured: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------- CSV


def _decode(raw: bytes, name: str) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, None, None, None, "text in UTF-8, UTF-8 with BOM, UTF-16 or GB18030 (GBK)",
                              expected_zh="UTF-8、带 BOM 的 UTF-8、UTF-16 或 GB18030（GBK）编码的文本",
                              hint="save it again from Excel/WPS as CSV (UTF-8)",
                              hint_zh="请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”")])


def _delimiter(text: str, name: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if "\t" in first and "," not in first:
        return "\t"
    if "," not in first and first.count(";") >= 1 and "；" not in first:
        return ";"
    if "," not in first and "\t" not in first and ("，" in first or "、" in first):
        raise InputError([Problem(name, 1, None, first[:60], "columns separated by commas ','",
                                  expected_zh="以英文逗号“,”分隔的各列",
                                  hint="the header is separated by the Chinese comma '，' or '、': save the table "
                                       "from Excel/WPS as CSV instead of typing it",
                                  hint_zh="表头用的是中文逗号“，”或顿号“、”分隔；请在 Excel/WPS 中另存为 CSV，而不要手工输入")])
    return ","


def read_csv_grid(raw: bytes, name: str) -> Grid:
    """A CSV (or tab-separated text) file as a grid.

    Raises
    ------
    InputError
        The file is not text in a known encoding, is a workbook under a .csv name, or is not
        a well-formed table (an unclosed quote).
    """
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError([Problem(name, None, None, None, "a CSV text file", expected_zh="CSV 文本文件",
                                  hint="this is an Excel workbook with a .csv name: save it as CSV, or name it .xlsx",
                                  hint_zh="这是改了扩展名的 Excel 工作簿：请另存为 CSV，或把扩展名改回 .xlsx")])
    if b"\x00" in raw[:4096] and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError([Problem(name, None, None, None, "a CSV text file", expected_zh="CSV 文本文件",
                                  hint="the file holds binary data", hint_zh="文件中含有二进制数据，不是文本")])
    text = _decode(raw, name)
    if not text.strip():
        return Grid(name, sha256(raw), pd.DataFrame())
    sep = _delimiter(text, name)
    try:
        cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, sep=sep, quotechar='"', engine="c")
    except (pd.errors.ParserError, ValueError):
        cells = _read_ragged(text, name, sep)
    cells = cells.fillna("")
    cells.columns = range(cells.shape[1])
    return Grid(name, sha256(raw), cells)


def _read_ragged(text: str, name: str, sep: str) -> pd.DataFrame:
    """Rows of different lengths (a title line, a comma inside a value): read them as they are."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=True))
    except csv.Error as exc:
        raise InputError([Problem(name, None, None, None, f"a well-formed CSV table ({exc})",
                                  expected_zh=f"格式正确的 CSV 表格（{exc}）",
                                  hint="a quote \" is not closed", hint_zh="某个英文引号 \" 没有配对")]) from None
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=object)


# --------------------------------------------------------------------------- workbooks


def _cell_text(v: object) -> tuple[str, str | None]:
    """Text of a workbook cell value and a flag for what Excel may have changed."""
    if v is None:
        return "", None
    if isinstance(v, bool):
        return ("true" if v else "false"), None
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return str(v), "date"
    if isinstance(v, int):
        return str(v), ("long-number" if abs(v) >= 10**15 else None)
    if isinstance(v, float):
        if v != v:  # NaN
            return "", None
        if float(v).is_integer() and abs(v) < 1e15:
            return str(int(v)), None
        return repr(v), ("long-number" if abs(v) >= 1e15 else None)
    return str(v), None


def read_workbook_grids(path: Path) -> list[Grid]:
    """Every sheet of an .xlsx/.xlsm (openpyxl) or .xls (xlrd) workbook as a grid.

    Raises
    ------
    InputError
        The file cannot be opened as a workbook (or is a format we cannot read: .et, .ods...).
    """
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    digest = sha256(raw)
    try:
        if suffix == ".xls":
            return _xls_grids(path, raw, digest)
        return _xlsx_grids(path, raw, digest)
    except InputError:
        raise
    except Exception as exc:  # the readers raise many kinds for broken files
        raise InputError([Problem(path.name, None, None, None, f"a readable Excel workbook ({type(exc).__name__}: {exc})",
                                  expected_zh=f"可以打开的 Excel 工作簿（{type(exc).__name__}）",
                                  hint="open it in Excel/WPS and save it again as .xlsx",
                                  hint_zh="请用 Excel/WPS 打开后另存为 .xlsx")]) from None


def unreadable_suffix(path: Path) -> Problem | None:
    """A problem for spreadsheet formats zoneplan cannot read (say which to save as)."""
    kind = _UNREADABLE.get(path.suffix.lower())
    if kind is None:
        return None
    return Problem(path.name, None, None, None, "an .xlsx or .xls workbook, or CSV files",
                   expected_zh=".xlsx 或 .xls 工作簿，或 CSV 文件",
                   hint=f"{kind} files cannot be read: save it as .xlsx", hint_zh=f"无法读取{kind}文件，请另存为 .xlsx")


def _xlsx_grids(path: Path, raw: bytes, digest: str) -> list[Grid]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    except zipfile.BadZipFile:
        raise InputError([Problem(path.name, None, None, None, "an .xlsx workbook", expected_zh=".xlsx 工作簿",
                                  hint="the file is not a zip-based .xlsx (perhaps an .xls or .et renamed)",
                                  hint_zh="文件不是 .xlsx 格式（可能是改了扩展名的 .xls 或 .et）")]) from None
    formulas = None
    with zipfile.ZipFile(io.BytesIO(raw)) as z:  # any formula at all? (cheap: look at the sheet XML)
        has_formulas = any(b"<f>" in z.read(n) or b"<f " in z.read(n)
                           for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    grids = []
    for ws in book.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible" and ws.max_row <= 1:
            continue
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        width = max((len(r) for r in rows), default=0)
        text = np.full((len(rows), width), "", dtype=object)
        flags: dict[tuple[int, int], str] = {}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                t, flag = _cell_text(v)
                if isinstance(v, str) and v.startswith("#") and v.strip().upper() in _EXCEL_ERRORS_UPPER:
                    flag = "error"
                text[r, c] = t
                if flag:
                    flags[(r, c)] = flag
        # formulas without a saved value read as empty: find them (workbooks written by tools)
        empties = [(r, c) for r in range(len(rows)) for c in range(len(rows[r])) if rows[r][c] is None] \
            if has_formulas else []
        if empties:
            if formulas is None:
                formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
            fws = formulas[ws.title]
            for r, c in empties:
                v = fws.cell(row=r + 1, column=c + 1).value
                if isinstance(v, str) and v.startswith("="):
                    flags[(r, c)] = "formula"
                    text[r, c] = v
        merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        cells = pd.DataFrame(text, columns=range(width), dtype=object) if width else pd.DataFrame()
        struck, coloured = _xlsx_gestures(book, ws, text)
        hidden = sorted(r - 1 for r, d in ws.row_dimensions.items() if d.hidden and r - 1 < len(rows))
        grids.append(Grid(f"{path.name}[{ws.title}]", digest, cells, merged, flags, is_workbook=True,
                          struck=struck, hidden=hidden, coloured=coloured))
    return grids


def _xlsx_gestures(book, ws, text: np.ndarray) -> tuple[dict[int, list[int]], list[int]]:
    """Struck-through cells (row -> columns) and rows filled with a colour, of one sheet.

    Cheap when the workbook defines no struck font and no fill (most files): nothing is scanned.
    """
    any_strike = any(getattr(f, "strike", False) for f in getattr(book, "_fonts", []))
    any_fill = any(getattr(f, "fill_type", None) not in (None, "none") for f in getattr(book, "_fills", []))
    struck: dict[int, list[int]] = {}
    coloured: list[int] = []
    if not (any_strike or any_fill):
        return struck, coloured
    for r, row in enumerate(ws.iter_rows()):
        filled = 0
        nonblank = 0
        for c, cell in enumerate(row):
            if c >= text.shape[1] or not str(text[r, c]).strip():
                continue
            nonblank += 1
            if any_strike and cell.font is not None and cell.font.strike:
                struck.setdefault(r, []).append(c)
            if any_fill and cell.fill is not None and cell.fill.fill_type not in (None, "none"):
                filled += 1
        if nonblank and filled == nonblank:
            coloured.append(r)
    return struck, coloured


def _xls_grids(path: Path, raw: bytes, digest: str) -> list[Grid]:
    import xlrd

    book = xlrd.open_workbook(file_contents=raw, formatting_info=True)
    grids = []
    for sh in book.sheets():
        text = np.full((sh.nrows, sh.ncols), "", dtype=object)
        flags: dict[tuple[int, int], str] = {}
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_ERROR:
                    text[r, c] = xlrd.error_text_from_code.get(cell.value, "#ERROR")
                    flags[(r, c)] = "error"
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    text[r, c] = str(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    flags[(r, c)] = "date"
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    text[r, c] = "true" if cell.value else "false"
                else:
                    t, flag = _cell_text(cell.value)
                    text[r, c] = t
                    if flag:
                        flags[(r, c)] = flag
        merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
        cells = pd.DataFrame(text, columns=range(sh.ncols), dtype=object) if sh.ncols else pd.DataFrame()
        struck: dict[int, list[int]] = {}
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                if text[r, c] == "":
                    continue
                xf = book.xf_list[sh.cell_xf_index(r, c)]
                if book.font_list[xf.font_index].struck_out:
                    struck.setdefault(r, []).append(c)
        hidden = sorted(r for r, info in sh.rowinfo_map.items() if info.hidden and r < sh.nrows)
        grids.append(Grid(f"{path.name}[{sh.name}]", digest, cells, merged, flags, is_workbook=True,
                          struck=struck, hidden=hidden))
    return grids


_EXCEL_ERRORS_UPPER = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                                 "#CALC!", "#GETTING_DATA"})


# --------------------------------------------------------------------------- DataFrames


def _frame_cell(v: object) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(str(x) for x in sorted(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def frame_grid(df: pd.DataFrame, name: str) -> Grid:
    """A caller's DataFrame as a grid whose first row is its header (the frame is not changed)."""
    header = [str(c) for c in df.columns]
    body = [[_frame_cell(v) for v in df[c].tolist()] for c in df.columns]
    data = np.empty((len(df) + 1, len(header)), dtype=object)
    if len(header):
        data[0, :] = header
        for j, col in enumerate(body):
            data[1:, j] = col
    cells = pd.DataFrame(data, columns=range(len(header)), dtype=object) if len(header) else pd.DataFrame()
    digest = sha256(pd.util.hash_pandas_object(cells.astype(str), index=False).to_numpy().tobytes()) if len(header) \
        else sha256(b"")
    return Grid(name, digest, cells)
