"""Shared .xlsx craft: header style, column widths for Chinese text, byte-stable files.

openpyxl stamps the current time into a workbook twice (the document properties and the
zip entries); :func:`workbook_bytes` fixes both, so the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import re
import unicodedata
import zipfile
from typing import Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["HEADER_FONT", "HEADER_FILL", "display_width", "style_header", "fit_columns", "print_setup", "wrap_height",
           "workbook_bytes", "FIXED_TIME"]

#: The time written into every workbook (documents carry no run time: same input, same bytes).
FIXED_TIME = _dt.datetime(2024, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_THIN = Side(style="thin", color="BFBFBF")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def display_width(text: object) -> int:
    """Width of ``text`` in Excel character units: wide (CJK) characters count 2."""
    s = "" if text is None else str(text)
    if s.isascii():
        return len(s)
    return _wide_width(s)


@functools.lru_cache(maxsize=1 << 16)
def _wide_width(s: str) -> int:  # names, places and reasons repeat across rows and counties
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def style_header(ws: Worksheet, row: int = 1, height: float = 30.0) -> None:
    """Bold white on dark blue, wrapped and centred; the row frozen under it when it is row 1."""
    for cell in ws[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = height


def fit_columns(ws: Worksheet, columns: Iterable[tuple[int, list[object]]], low: int = 6, high: int = 60) -> None:
    """Set each column's width to fit its widest cell (CJK-aware), within ``low``..``high``.

    ``columns`` yields (1-based column index, cell values including the header).
    """
    for k, values in columns:
        width = max((display_width(v) for v in values), default=0) + 2
        ws.column_dimensions[get_column_letter(k)].width = float(min(high, max(low, width)))


def wrap_height(texts: Iterable[tuple[object, float]], line: float = 16.0) -> float | None:
    """Row height for wrapped cells: ``texts`` yields (value, column width); None when one line does.

    Excel and WPS do not grow a row to its wrapped text when they open a file; the height is
    set from the text's display width instead (CJK-aware).
    """
    lines = 1
    for value, width in texts:
        lines = max(lines, -(-display_width(value) // max(1, int(width) - 1)))
    return None if lines == 1 else line * lines


def print_setup(ws: Worksheet, landscape: bool = True) -> None:
    """A4, one page wide (as many pages tall as needed)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def workbook_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` and return bytes that depend on its content only (fixed times, fixed order)."""
    wb.properties.creator = "zoneplan"
    wb.properties.lastModifiedBy = "zoneplan"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the save time
                data = _MODIFIED.sub(rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()
