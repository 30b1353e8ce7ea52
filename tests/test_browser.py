"""plan.html in a real headless browser: printed to A4 PDF and read back with PyMuPDF.

On the example county, from the PDF itself: the page count stays within its bound (a page of
summary, a page per map, a page or two per zone, the audit appendix), every zone starts a
page, no case card is split across pages, no text is set below 8 pt, the maps print at the
full width of the page (the width they are drawn for, so their labels print at their size),
and the audit appendix comes last.

Needs Chromium from the system packages (Debian: ``apt-get install chromium fonts-noto-cjk``;
``.ci/run`` installs both).  Skipped cleanly where no browser exists, failed in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zoneplan.cli import app
from zoneplan.io.report import PRINT_MAP_MM

from conftest import EXAMPLES

pymupdf = pytest.importorskip("pymupdf")

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CJK_FAMILIES = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "Droid Sans Fallback", "AR PL")
#: Pages of the example county's report (20 cases in 6 zones): 1 summary + 2 maps + 6 zones
#: (3 of them spill one card onto a second page) + the appendix (2).  Measured: 13.
PAGE_BOUND = 14
#: The left border of a card (the print colours of --ok and --no), as PyMuPDF reads fills.
CARD_COLOURS = {(0.12, 0.48, 0.27), (0.64, 0.23, 0.16)}
MIN_PT = 8.0


def browser() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def headless(exe: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, timeout=180)


def print_pdf(html: Path, tmp: Path) -> Path:
    exe = browser()
    assert exe is not None, "no Chromium in CI: .ci/run installs Debian's chromium"
    pdf = tmp / (html.stem + ".pdf")
    r = headless(exe, html, tmp / "profile-pdf", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.exists(), r.stderr.decode(errors="replace")[-2000:]
    return pdf


def spans(page) -> list[dict]:
    return [s for b in page.get_text("dict")["blocks"] for line in b.get("lines", []) for s in line["spans"]
            if s["text"].strip()]


def card_fragments(page) -> int:
    """Card borders drawn on the page: one per card, two for a card cut across pages."""
    return sum(1 for d in page.get_drawings()
               if d.get("fill") and tuple(round(c, 2) for c in d["fill"]) in CARD_COLOURS and d["rect"].height > 8)


def measure(pdf: Path) -> dict:
    """What the checks read from a printed plan.html."""
    doc = pymupdf.open(pdf)
    pages = list(doc)
    tops = [next((ln.strip() for ln in p.get_text("text").splitlines() if ln.strip()), "") for p in pages]
    sizes = [s["size"] for p in pages for s in spans(p)]
    fonts = {s["font"] for p in pages for s in spans(p)}
    images = [r.width for p in pages for x in p.get_images() for r in p.get_image_rects(x[0])]
    return {"pages": len(pages), "tops": tops, "min_size": min(sizes), "fonts": fonts, "image_widths": images,
            "fragments": [card_fragments(p) for p in pages[1:]],  # the summary page holds no card (its status box
            #                                                      wears the same colour)
            "texts": ["".join(s["text"] for s in spans(p)) for p in pages]}


needs_browser = pytest.mark.skipif(browser() is None and not os.environ.get("CI"),
                                   reason="no Chromium/Chrome on this machine (apt-get install chromium)")


@needs_browser
def test_plan_html_prints_to_a4_in_bounds_cards_whole_text_8pt_maps_full_width(tmp_path):
    out = tmp_path / "plan"
    res = CliRunner().invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    page = out / "plan.html"
    html = page.read_text(encoding="utf-8")
    zones = re.findall(r'<section class="zone" id="zone-\d+">\s*<header>\s*<h2>(.*?)</h2>', html)
    cards = len(re.findall(r'<article class="card', html))
    assert len(zones) == 6 and cards == 20
    m = measure(print_pdf(page, tmp_path))
    doc = pymupdf.open(tmp_path / "plan.pdf")
    assert all(abs(p.rect.width - 595.3) < 1 and abs(p.rect.height - 841.9) < 1 for p in doc)  # A4 portrait
    assert len(zones) + 3 <= m["pages"] <= PAGE_BOUND, m["pages"]
    # every zone starts a page of its own, in the listing order; the summary first, the appendix last
    assert m["tops"][0] == "协作区办案组配置方案"
    assert [t for t in m["tops"] if t in zones] == zones
    first_appendix = next(k for k, t in enumerate(m["tops"]) if t.startswith("附录"))
    assert all(not any(z in t for z in zones) for t in m["tops"][first_appendix:])
    assert all("SHA-256" not in t for t in m["texts"][:first_appendix])  # hashes only in the appendix
    # no card is cut across pages: one border per card
    assert sum(m["fragments"]) == cards, m["fragments"]
    # no text below 8 pt (7.99: the PDF's rounding of 8 pt)
    assert m["min_size"] >= MIN_PT - 0.02, m["min_size"]
    # the two maps at the full width they are drawn for (pt)
    assert len(m["image_widths"]) == 2
    assert all(abs(w - PRINT_MAP_MM / 25.4 * 72) < 2 for w in m["image_widths"]), m["image_widths"]
    if any(f in " ".join(m["fonts"]) for f in CJK_FAMILIES) or shutil.which("fc-list"):
        assert "协作区办案组配置方案" in m["texts"][0]  # the Chinese text is text, set in a CJK font


@needs_browser
def test_a_split_card_would_be_seen(tmp_path):
    """The check can fail: without the rule that keeps a card whole, cards are cut."""
    out = tmp_path / "plan"
    res = CliRunner().invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    html = (out / "plan.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(html.replace("break-inside: avoid; page-break-inside: avoid;", "")
                      .replace("margin: 0 0 2mm;", "margin: 0 0 2mm; min-height: 120mm;"), encoding="utf-8")
    m = measure(print_pdf(broken, tmp_path))
    assert sum(m["fragments"]) > html.count('<article class="card')


@needs_browser
def test_plan_html_renders_to_png(tmp_path):
    out = tmp_path / "plan"
    assert CliRunner().invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(out), "--lang", "zh"]).exit_code == 0
    exe = browser()
    png = tmp_path / "plan.png"
    r = headless(exe, out / "plan.html", tmp_path / "profile-png", "--window-size=1240,1754", "--hide-scrollbars",
                 f"--screenshot={png}")
    assert png.exists(), r.stderr.decode(errors="replace")[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
