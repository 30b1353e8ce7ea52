"""A streaming .xlsx writer for long tables: a column at a time, a fixed set of styles.

Why not a general library: a national plan is written as 2,000 county workbooks holding
about 4 million cells.  Measured on this project's 2-core machine, XlsxWriter spends about
4.7 µs per cell (19 s for those cells, also in ``constant_memory`` mode) and openpyxl more
(its write-only mode about 6 µs; the normal mode 165 s and 2.4 GiB for the one national
workbook it used to write).  Here a sheet's cells are built column-wise: the text of a
column is XML-escaped in one pass over the joined column, and each row is one ``%``
formatting of a row template, about 0.5 µs per cell.  Rows are produced in chunks and
streamed into the zip entry, so a long table (the dense case's recusal list, a whole
country in one book) never sits in memory as cell objects.

What the files hold is what Excel, WPS and LibreOffice need and openpyxl reads back: inline
strings (no shared-string table to build), cell references on every cell, a fixed style
table (:data:`STYLES`), column widths, row heights, a frozen header row, an auto-filter,
print titles, A4 page set-up one page wide; document times fixed (:data:`FIXED_TIME`) and
zip entries in a fixed order with fixed times, so the same content gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from openpyxl.utils import get_column_letter

from .xlsx import FIXED_TIME

__all__ = ["Sheet", "book_bytes", "column_text", "STYLES", "style_id", "xml_text"]

#: Named cell styles, in style-table order (the index is the ``s`` attribute).
STYLES = (
    "default",
    "header",            # bold white on dark blue, thin grey border, centred, wrapped
    "text", "text.band",  # left, indented, top
    "long", "long.band",  # wrapped
    "int", "int.band",    # number format 0
    "num2", "num2.band",  # number format 0.00
    "bool", "bool.band",  # centred
    "prob", "prob.band",  # number format 0.0000 (a draw's probabilities)
    "title",             # bold 16 pt dark blue
    "section",           # bold white on dark blue (summary section rows)
    "label",             # bold, top
    "value",             # wrapped, top, left
    "note",              # italic grey (an empty sheet says so)
    "link",              # blue underlined (hyperlinks)
)
_ID = {name: k for k, name in enumerate(STYLES)}


def style_id(name: str) -> int:
    """The ``s`` index of a named style of :data:`STYLES`."""
    return _ID[name]


# fonts: 0 default, 1 header (bold white), 2 title, 3 bold, 4 italic grey, 5 link
_FONTS = ('<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="11"/><color rgb="00FFFFFF"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="16"/><color rgb="001F4E79"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          '<font><i/><sz val="11"/><color rgb="00595959"/><name val="Calibri"/><family val="2"/></font>'
          '<font><u/><sz val="11"/><color rgb="000563C1"/><name val="Calibri"/><family val="2"/></font>')
# fills: 0 none, 1 gray125 (both required), 2 header blue, 3 band
_FILLS = ('<fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="001F4E79"/><bgColor rgb="001F4E79"/></patternFill></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="00EEF3F8"/><bgColor rgb="00EEF3F8"/></patternFill></fill>')
_BORDERS = ('<border><left/><right/><top/><bottom/><diagonal/></border>'
            '<border><left style="thin"><color rgb="00BFBFBF"/></left><right style="thin"><color rgb="00BFBFBF"/>'
            '</right><top style="thin"><color rgb="00BFBFBF"/></top><bottom style="thin"><color rgb="00BFBFBF"/>'
            '</bottom><diagonal/></border>')


#: The one custom number format (ids from 164 are the workbook's own): four decimals.
PROB_FORMAT = 164


def _xf(font: int = 0, fill: int = 0, border: int = 0, fmt: int = 0, align: str = "") -> str:
    attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
    for flag, on in (("applyNumberFormat", fmt), ("applyFont", font), ("applyFill", fill), ("applyBorder", border)):
        if on:
            attrs += f' {flag}="1"'
    if align:
        return f'<xf {attrs} applyAlignment="1"><alignment {align}/></xf>'
    return f"<xf {attrs}/>"


def _cell_xfs() -> list[str]:
    text = 'horizontal="left" vertical="top" indent="1"'
    long = 'horizontal="left" vertical="top" wrapText="1" indent="1"'
    xfs = {
        "default": _xf(),
        "header": _xf(font=1, fill=2, border=1, align='horizontal="center" vertical="center" wrapText="1"'),
        "title": _xf(font=2),
        "section": _xf(font=1, fill=2),
        "label": _xf(font=3, align='vertical="top"'),
        "value": _xf(align='horizontal="left" vertical="top" wrapText="1"'),
        "note": _xf(font=4),
        "link": _xf(font=5),
    }
    for kind, align, fmt in (("text", text, 0), ("long", long, 0), ("int", 'vertical="top"', 1),
                             ("num2", 'vertical="top"', 2), ("bool", 'horizontal="center" vertical="top"', 0),
                             ("prob", 'vertical="top"', PROB_FORMAT)):
        xfs[kind] = _xf(fmt=fmt, align=align)
        xfs[f"{kind}.band"] = _xf(fmt=fmt, fill=3, align=align)
    return [xfs[name] for name in STYLES]


_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="1"><numFmt numFmtId="{PROB_FORMAT}" formatCode="0.0000"/></numFmts>'
    f'<fonts count="6">{_FONTS}</fonts><fills count="4">{_FILLS}</fills><borders count="2">{_BORDERS}</borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(STYLES)}">{"".join(_cell_xfs())}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')

#: Characters XML 1.0 does not allow (control characters other than tab, line feed, return).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(s: str) -> str:
    """``s`` escaped for XML text, characters XML cannot hold removed."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL.sub("", s) if _ILLEGAL.search(s) else s


def column_text(values: Sequence[object]) -> list[str]:
    """A column's values as XML-escaped text, escaped in one pass over the joined column
    (``None`` and NaN give an empty string)."""
    strs = ["" if v is None or v != v else str(v) for v in values]
    if not strs:
        return []
    sep = "\x1e"  # a record separator (itself not allowed in XML, so in no cell text we keep)
    joined = sep.join(strs)
    if joined.count(sep) != len(strs) - 1:  # pragma: no cover - a separator inside a value
        return [xml_text(s) for s in strs]
    parts = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split(sep)
    if _ILLEGAL.search(joined.replace(sep, "")):
        parts = [_ILLEGAL.sub("", x) for x in parts]
    return parts


_EMPTY_VALUE = re.compile(r'<c r="([A-Z]+\d+)" s="(\d+)"><v></v></c>')


def _no_empty_values(xml: str) -> str:
    """A number cell without a number becomes an empty styled cell (``<v></v>`` is invalid)."""
    return _EMPTY_VALUE.sub(r'<c r="\1" s="\2"/>', xml) if "<v></v>" in xml else xml


def _number(v: object) -> str:
    if v is None or v != v:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return repr(float(v))


#: Kinds written as numbers (the others as inline strings).
NUMBER_KINDS = ("int", "num2", "prob")


def row_templates(columns: Sequence[Sequence[object]], kinds: Sequence[str]
                  ) -> tuple[list[list[str]], dict[bool, str]]:
    """The columns' cell texts and the row's cells template, plain and banded: each column
    escaped or formatted once, each row one ``%`` -- two ``%s`` per cell, the row number of
    the cell's reference (``A12``: readers other than Excel need it) and the cell's text, in
    the order :func:`row_values` gives them."""
    letters = [get_column_letter(k + 1) for k in range(len(columns))]
    prepared, plain, band = [], [], []
    for k, (values, kind) in enumerate(zip(columns, kinds)):
        s0, s1 = _ID[kind], _ID[f"{kind}.band"]
        if kind in NUMBER_KINDS:
            prepared.append([_number(v) for v in values])
            cell = '<c r="' + letters[k] + '%s" s="{s}"><v>%s</v></c>'
        else:
            prepared.append(column_text(values))
            cell = '<c r="' + letters[k] + '%s" s="{s}" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>'
        plain.append(cell.replace("{s}", str(s0)))
        band.append(cell.replace("{s}", str(s1)))
    return prepared, {False: "".join(plain), True: "".join(band)}


def row_values(prepared: list[list[str]], rows: Sequence[int]) -> Iterator[tuple[str, ...]]:
    """Each row's values for its template: (row, text) for every cell, built column-wise (one
    ``zip``, no per-row Python)."""
    numbers = [str(r) for r in rows]
    interleaved: list[Sequence[str]] = []
    for col in prepared:
        interleaved += (numbers, col)
    return zip(*interleaved)


@dataclass
class Sheet:
    """One worksheet: its rows as XML chunks (``<row>`` elements), and how it is laid out.

    Build the rows with :meth:`table` (a header and typed columns) or :meth:`add_row`.
    """

    name: str
    widths: Sequence[float] = ()
    freeze_header: bool = False
    landscape: bool = True
    print_titles: bool = False
    autofilter: str | None = None
    chunks: list[str] = field(default_factory=list)
    rows: int = 0
    cols: int = 0
    merges: list[str] = field(default_factory=list)

    def merge(self, ref: str) -> None:
        """Merge the cells of ``ref`` (``A2:H2``): a note written across a table."""
        self.merges.append(ref)

    def add_row(self, cells: Sequence[tuple[object, str]], height: float | None = None) -> None:
        """One row of (value, style name) cells; strings are text, numbers numbers,
        ``None`` an empty styled cell."""
        self.rows += 1
        r = self.rows
        self.cols = max(self.cols, len(cells))
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        out = [f'<row r="{r}"{ht}>']
        for k, (v, style) in enumerate(cells):
            ref = f"{get_column_letter(k + 1)}{r}"
            s = _ID[style]
            if v is None or v == "":
                out.append(f'<c r="{ref}" s="{s}"/>')
            elif isinstance(v, str):
                out.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{xml_text(v)}</t></is></c>')
            else:
                out.append(f'<c r="{ref}" s="{s}"><v>{_number(v)}</v></c>')
        out.append("</row>")
        self.chunks.append("".join(out))

    def table(self, headers: Sequence[str], columns: Sequence[Sequence[object]], kinds: Sequence[str],
              shaded: Sequence[bool] | None = None, heights: Sequence[float | None] | None = None,
              header_height: float = 30.0) -> None:
        """A header row, then the columns (equal lengths) typed by ``kinds`` (``text``,
        ``long``, ``int``, ``num2``, ``prob``, ``bool`` -- already words), shaded rows where
        ``shaded`` says so, row heights where ``heights`` gives one."""
        self.add_row([(h, "header") for h in headers], height=header_height)
        n = len(columns[0]) if columns else 0
        if n == 0:
            return
        start = self.rows + 1
        prepared, templates = row_templates(columns, kinds)
        shaded = shaded if shaded is not None else [False] * n
        heights = heights if heights is not None else [None] * n
        rows = []
        for i, (vals, sh, ht) in enumerate(zip(row_values(prepared, range(start, start + n)), shaded, heights)):
            r = start + i
            head = f'<row r="{r}" ht="{ht:g}" customHeight="1">' if ht else f'<row r="{r}">'
            rows.append(head + templates[bool(sh)] % vals + "</row>")
            if len(rows) == 2048:
                self.chunks.append(_no_empty_values("".join(rows)))
                rows = []
        if rows:
            self.chunks.append(_no_empty_values("".join(rows)))
        self.rows += n
        self.cols = max(self.cols, len(columns))

    def _xml(self) -> Iterator[str]:
        dim = f"A1:{get_column_letter(max(1, self.cols))}{max(1, self.rows)}"
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.freeze_header else \
            '<selection activeCell="A1" sqref="A1"/>'
        cols = "".join(f'<col min="{k}" max="{k}" width="{w:g}" customWidth="1"/>'
                       for k, w in enumerate(self.widths, start=1))
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               f'{fit}<dimension ref="{dim}"/><sheetViews><sheetView workbookViewId="0">{pane}</sheetView>'
               f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}'
               '<sheetData>')
        yield from self.chunks
        yield "</sheetData>"
        if self.autofilter:
            yield f'<autoFilter ref="{self.autofilter}"/>'
        if self.merges:
            yield (f'<mergeCells count="{len(self.merges)}">'
                   + "".join(f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>")
        orientation = "landscape" if self.landscape else "portrait"
        yield ('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
               f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
               '</worksheet>')


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def book_bytes(sheets: Sequence[Sheet], compresslevel: int = 1) -> bytes:
    """The workbook as .xlsx bytes (deterministic: the same sheets give the same bytes)."""
    names = [s.name for s in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"sheet names repeat: {names}")
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    defined = []
    for k, s in enumerate(sheets):
        if s.autofilter:
            a, b = s.autofilter.split(":")
            ref = "$" + re.sub(r"(\d+)", r"$\1", a) + ":$" + re.sub(r"(\d+)", r"$\1", b)
            defined.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                           f'{xml_text(_quote_sheet(s.name))}!{ref}</definedName>')
        if s.print_titles:
            defined.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{k}">'
                           f'{xml_text(_quote_sheet(s.name))}!$1:$1</definedName>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
                + "".join(f'<sheet name="{xml_text(s.name)}" sheetId="{k}" r:id="rId{k}"/>'
                          for k, s in enumerate(sheets, start=1))
                + "</sheets>" + (f"<definedNames>{''.join(defined)}</definedNames>" if defined else "")
                + "</workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{k}.xml"/>' for k in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/styles" Target="styles.xml"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.'
                       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(1, len(sheets) + 1))
             + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'spreadsheetml.styles+xml"/>'
               '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
               'core-properties+xml"/>'
               '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'extended-properties+xml"/></Types>')
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'officeDocument" Target="xl/workbook.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
                 'core-properties" Target="docProps/core.xml"/>'
                 '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'extended-properties" Target="docProps/app.xml"/></Relationships>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:creator>zoneplan</dc:creator><cp:lastModifiedBy>zoneplan</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>zoneplan</Application></Properties>')
    raw = io.BytesIO()
    when = FIXED_TIME.timetuple()[:6]

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        # a ZipInfo carries its own level (the ZipFile's is used only for names given as
        # strings): without this every part was deflated at zlib's default 6, 3x the time of 1
        info._compresslevel = compresslevel
        info.external_attr = 0o644 << 16
        return info

    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, text in (("[Content_Types].xml", types), ("_rels/.rels", root_rels),
                           ("docProps/app.xml", app), ("docProps/core.xml", core),
                           ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels),
                           ("xl/styles.xml", _STYLES_XML)):
            z.writestr(entry(name), text.encode("utf-8"))
        for k, s in enumerate(sheets, start=1):
            if s.rows <= 5_000:  # small: one piece (compressing many small writes costs more)
                z.writestr(entry(f"xl/worksheets/sheet{k}.xml"), "".join(s._xml()).encode("utf-8"))
                continue
            with z.open(entry(f"xl/worksheets/sheet{k}.xml"), "w", force_zip64=s.rows > 50_000) as fh:
                for chunk in s._xml():
                    fh.write(chunk.encode("utf-8"))
    return raw.getvalue()
