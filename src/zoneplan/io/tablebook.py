"""A plain workbook of tables for people: a summary sheet of lines, then one sheet per table.

For the living plan's outputs (review, leadership, supervision areas): headers in the
reader's language, dark-blue header row frozen, columns fitted to Chinese text, A4 one page
wide, byte-stable (:func:`~zoneplan.io.xlsx.workbook_bytes`).
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..i18n import N_, tr
from .xlsx import fit_columns, print_setup, style_header, workbook_bytes

__all__ = ["table_workbook"]


def _value(v: object) -> object:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if hasattr(v, "item"):  # numpy scalar
        return v.item()  # type: ignore[union-attr]
    return v


def table_workbook(title: str, summary: Sequence[str], sheets: Sequence[tuple[str, pd.DataFrame]],
                   lang: str = "zh") -> bytes:
    """A workbook: sheet 1 holds ``title`` and the ``summary`` lines; then each ``(name, frame)``.

    Frames are written as they are (their column names are the headers); long text columns
    (over 60 characters somewhere) are wrapped at a fixed width.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheets[0][0] if not summary else tr(N_("Summary"), lang)
    if summary:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=15, color="1F4E79")
        for line in summary:
            ws.append([line])
            ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions["A"].width = 110.0
        print_setup(ws, landscape=False)
    for k, (name, frame) in enumerate(sheets):
        sheet = ws if (k == 0 and not summary) else wb.create_sheet(name)
        headers = [str(c) for c in frame.columns]
        sheet.append(headers)
        style_header(sheet)
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        print_setup(sheet)
        cols = [frame[c].tolist() for c in frame.columns]
        for row in zip(*cols):
            sheet.append([_value(v) for v in row])
        wide = []
        for j, (h, vals) in enumerate(zip(headers, cols), start=1):
            if any(len(str(v)) > 60 for v in vals):
                wide.append(j)
                sheet.column_dimensions[get_column_letter(j)].width = 70.0
                for r in range(2, len(vals) + 2):
                    sheet.cell(row=r, column=j).alignment = Alignment(wrap_text=True, vertical="top")
        fit_columns(sheet, ((j, [h, *vals]) for j, (h, vals) in enumerate(zip(headers, cols), start=1)
                            if j not in wide))
        if len(frame):
            sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{len(frame) + 1}"
    return workbook_bytes(wb)
