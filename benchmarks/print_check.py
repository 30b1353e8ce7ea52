"""Print-ready in Chinese, measured: pages, smallest font, map overlaps, English words.

    PYTHONPATH=src python benchmarks/print_check.py DATA OUT [--zone]

Runs ``zoneplan staff DATA --out OUT/plan --lang zh`` (with ``--zone`` also ``zoneplan zone``
twice and ``zoneplan compare``) in this process, then measures with the project's own test
functions:

* pages and smallest font: ``plan.html`` printed to A4 PDF by headless Chromium and read with
  PyMuPDF (``tests/test_browser.py``: ``print_pdf``, ``measure``);
* overlaps, on every map drawn: label boxes overlapping each other (``tests/test_map_print.py``:
  ``drawn_labels``, ``overlap_count``; and ``Sheet.overlaps()``, ``forced``, ``left_out``) and
  labels covering a marker (``drawn_markers``, ``marker_hits``);
* English words (``tests/nolatin.py``: ``latin_words`` with ids, names and what the user
  typed allowed): the console, the map texts, the visible text of ``plan.html``, every cell of
  ``plan.xlsx`` and the text of the printed PDF.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_browser as tb
from matplotlib.text import Text
from nolatin import figure_texts, html_text, input_words, latin_words, xlsx_text
from test_map_print import drawn_labels, drawn_markers, marker_hits, overlap_count
from typer.testing import CliRunner

from zoneplan.cli import app
from zoneplan.maps import sheet as sheetmod

SHEETS: list = []
_png = sheetmod.Sheet.png


def _keep(self):
    SHEETS.append(self)
    return _png(self)


sheetmod.Sheet.png = _keep


def english(text: str, allowed: set[str]) -> list[tuple[str, list[str]]]:
    return [(ln.strip()[:120], w) for ln in text.splitlines() if (w := latin_words(ln, allowed))]


def map_figures(sheet) -> dict:
    labels = drawn_labels(sheet)
    markers = drawn_markers(sheet)
    sizes = [t.get_fontsize() for t in sheet.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return {"layout": sheet.layout, "labels": len(labels), "markers": len(markers),
            "label_label": overlap_count(labels), "sheet_overlaps": sheet.overlaps(), "forced": sheet.forced,
            "left_out": sheet.left_out, "label_marker": marker_hits(labels, markers),
            "covering": [t for t, b in labels if marker_hits([(t, b)], markers)], "min_pt": min(sizes)}


def main(data: Path, out: Path, zone: bool) -> int:
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    commands = [["staff", str(data), "--out", str(out / "plan"), "--lang", "zh"]]
    if zone:
        commands += [["zone", str(data), "--out", str(out / "Z"), "--lang", "zh"],
                     ["zone", str(data), "--out", str(out / "Z4"), "--min-size", "3", "--max-size", "4", "--lang", "zh"],
                     ["compare", str(data), str(out / "Z"), str(out / "Z4"), "--out", str(out / "C"), "--lang", "zh"]]
    allowed = input_words(data)
    overlaps = words = 0
    for args in commands:
        allowed |= set(args) | {Path(a).name for a in args}  # what the user typed (folder names name zonings)
        with figure_texts() as figs:
            r = runner.invoke(app, args, catch_exceptions=False)
        bad = english(r.output + "\n" + "\n".join(figs), allowed)
        words += sum(len(w) for _, w in bad)
        print(f"zoneplan {' '.join(args)}: exit {r.exit_code}; English words in console and map texts: "
              f"{sum(len(w) for _, w in bad)} {bad[:5]}")
        for s in SHEETS:
            m = map_figures(s)
            n = m["label_label"] + m["label_marker"] + m["forced"] + m["left_out"]
            overlaps += n
            print(f"  map {s.title} ({m['layout']}): {m['labels']} labels, {m['markers']} markers; label-label "
                  f"{m['label_label']}, label-marker {m['label_marker']} {m['covering']}, forced {m['forced']}, "
                  f"left out {m['left_out']}; smallest text {m['min_pt']} pt")
        SHEETS.clear()
    plan = out / "plan"
    pdf = tb.print_pdf(plan / "plan.html", out)
    m = tb.measure(pdf)
    doc = tb.pymupdf.open(pdf)
    html = (plan / "plan.html").read_text(encoding="utf-8")
    cards = len(re.findall(r'<article class="card', html))
    smallest = min((s["size"], s["text"].strip()[:20]) for p in doc for s in tb.spans(p))
    print(f"plan.pdf: {m['pages']} A4 pages; smallest font {m['min_size']:.2f} pt ({smallest[1]!r}...); "
          f"{cards} cards in {sum(m['fragments'])} pieces; maps {[round(w, 1) for w in m['image_widths']]} pt wide")
    for name, text in (("plan.html", html_text(html)), ("plan.xlsx", xlsx_text(plan / "plan.xlsx")),
                       ("plan.pdf", "\n".join(p.get_text("text") for p in doc))):
        bad = english(text, allowed)
        words += sum(len(w) for _, w in bad)
        print(f"English words in {name}: {sum(len(w) for _, w in bad)} {bad[:5]}")
    print(f"SUMMARY pages={m['pages']} smallest_pt={m['min_size']:.2f} overlaps={overlaps} english_words={words}")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(Path(args[0]), Path(args[1]), "--zone" in sys.argv))
