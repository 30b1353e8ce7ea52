"""Find Latin words in what a Chinese reader is given: console text, workbooks, HTML, map texts.

A *Latin word* is a run of two or more ASCII letters.  It is allowed when it is one of:

* part of an identifier: a token that holds a digit (``K01``, ``T01V05``, ``C01-Z03``,
  ``I000517``) or that the input itself contains (ids, names and places as the user typed them);
* a file or folder name (a token with a file extension, ``plan.xlsx``, ``counties/``), a
  command-line flag the user types (``--strict``, ``--lang``), a history entry
  (``DIR@latest``), or ``zoneplan`` followed by a command (``zoneplan staff``);
* what the user typed on the command line (a bad option value is quoted back);
* one of :data:`ALLOWED`: names of programs, formats and standards that Chinese offices write
  in Latin letters themselves (Excel, WPS, CSV, SHA-256, PDF, A4 ...).

Everything else is an English word left in a Chinese output.
"""

from __future__ import annotations

import contextlib
import html.parser
import re
import zipfile
from pathlib import Path
from typing import Iterable, Iterator

#: Words Chinese offices write in Latin letters themselves (programs, formats, standards).
ALLOWED = frozenset({
    "zoneplan",  # the program's name, as typed on the command line
    "Excel", "WPS", "CSV", "csv", "PDF", "pdf", "PNG", "png", "JSON", "json", "HTML", "html", "xlsx", "xls",
    "SHA",  # SHA-256, the input files' fingerprints (audit appendix)
    "ID",  # 身份证号 style id columns written by offices as ID
    "Ctrl", "Enter",  # keyboard keys in the Excel hint (Ctrl+G, Ctrl+Enter)
    "UTF",  # UTF-8, the encoding a CSV must be saved in
    "Dask",  # the cluster software named when it is not installed
    "pip",  # how to install it
    "UTC",  # the time standard of the history's timestamps
})

_WORD = re.compile(r"[A-Za-z][A-Za-z]+")
_TOKEN = re.compile(r"[A-Za-z0-9_./\\:@%+\-]+")
_FILE = re.compile(r"[\w.\-]*\.(csv|xlsx|xls|json|geojson|png|html|pdf|txt|zip|md)\b", re.I)
_COMMAND = re.compile(r"\bzoneplan(?: [a-z][a-z\-]+)+")
#: A file name, Chinese letters and all (``map_云昌县.png``).
_FILE_NAME = re.compile(r"[\w.\-/]*\.(?:csv|xlsx|xls|json|geojson|png|html|pdf|txt|zip|md)\b", re.I)


def latin_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of ``text`` outside the allow-list (each occurrence, in order)."""
    extra = set(allowed)
    text = _FILE_NAME.sub(" ", _COMMAND.sub(" ", text))
    out = []
    for tok in _TOKEN.findall(text):
        if not _WORD.search(tok):
            continue
        if tok.startswith(("--", "/", "@")) or _FILE.search(tok) or tok.rstrip("/") in extra:
            continue
        if tok.endswith("/") and "/" not in tok[:-1]:  # a folder the user named: ``counties/``
            continue
        for w in _WORD.findall(tok):
            if w in ALLOWED or w in extra:
                continue
            if any(ch.isdigit() for ch in tok) and _id_like(tok):
                continue
            out.append(w)
    return out


def _id_like(tok: str) -> bool:
    """An identifier: letters and digits mixed, as the input's ids are (K01, C01T05V03, C01-Z02)."""
    core = tok.strip(".,;:()[]")
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.]*", core)) and any(c.isdigit() for c in core)


# --------------------------------------------------------------------------- readers

def input_words(folder: Path) -> set[str]:
    """Every token of the input files (CSV cells, geojson): ids, names, places as typed."""
    words: set[str] = set()
    for p in Path(folder).iterdir():
        if p.suffix.lower() in (".csv", ".geojson", ".txt"):
            text = p.read_text(encoding="utf-8-sig", errors="replace")
            words.update(_TOKEN.findall(text))
            words.update(_WORD.findall(text))
    return words


class _Visible(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        for k, v in attrs:
            if k in ("alt", "title", "placeholder", "aria-label") and v and not v.startswith("data:"):
                self.parts.append(v)

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(source: str) -> str:
    """The text a reader sees in an HTML page (and its alt/title attributes)."""
    p = _Visible()
    p.feed(source)
    return "\n".join(x for x in p.parts if x.strip())


def xlsx_text(path: Path) -> str:
    """Sheet names, every cell's text, comments and data-validation prompts of a workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False)
    parts = []
    for ws in wb.worksheets:
        parts.append(ws.title)
        for row in ws.iter_rows(values_only=False):
            for cell in row:
                if isinstance(cell.value, str):
                    parts.append(cell.value)
                if cell.comment is not None:
                    parts.append(cell.comment.text)
        for dv in getattr(ws.data_validations, "dataValidation", []):
            parts.extend(x for x in (dv.prompt, dv.promptTitle, dv.error, dv.errorTitle) if x)
    return "\n".join(parts)


def people_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """The files for people under ``folder`` with their text (PNG texts are caught at drawing)."""
    for p in sorted(Path(folder).rglob("*")):
        suf = p.suffix.lower()
        if suf == ".xlsx":
            yield p, xlsx_text(p)
        elif suf == ".html":
            yield p, html_text(p.read_text(encoding="utf-8"))
        elif suf in (".txt", ".md"):
            yield p, p.read_text(encoding="utf-8")


@contextlib.contextmanager
def figure_texts() -> Iterator[list[str]]:
    """Collect the text of every matplotlib figure saved inside the block (titles, labels,
    legends, tick labels), as it is drawn into the PNG."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    seen: list[str] = []
    original = Figure.savefig

    def savefig(self, *args, **kwargs):
        for t in self.findobj(Text):
            if t.get_visible() and t.get_text().strip():
                seen.append(t.get_text())
        return original(self, *args, **kwargs)

    Figure.savefig = savefig
    try:
        yield seen
    finally:
        Figure.savefig = original


def zipped_names(path: Path) -> list[str]:  # pragma: no cover - helper for archives
    with zipfile.ZipFile(path) as z:
        return z.namelist()
