"""plan.html in a real headless browser: it prints to PDF (A4, a page per zone) and renders to PNG.

Needs Chromium from the system packages (Debian: ``apt-get install chromium fonts-noto-cjk``;
``.ci/run`` installs both).  Skipped cleanly where no browser exists.
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

from conftest import EXAMPLES

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CJK_FAMILIES = (b"Noto Sans CJK", b"Noto Serif CJK", b"Source Han", b"WenQuanYi", b"Droid Sans Fallback",
                b"AR PL")


def browser() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def headless(exe: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, timeout=180)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    out = subprocess.run([fc, ":lang=zh"], capture_output=True, timeout=60).stdout
    return bool(out.strip())


@pytest.mark.skipif(browser() is None and not os.environ.get("CI"),
                    reason="no Chromium/Chrome on this machine (apt-get install chromium)")
def test_plan_html_prints_to_pdf_and_renders(tmp_path):  # in CI (CI set) a missing browser fails
    out = tmp_path / "plan"
    res = CliRunner().invoke(app, ["staff", str(EXAMPLES / "county"), "--out", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    page = out / "plan.html"
    zones = len(set(re.findall(r"<h2>协作区 (\w+)</h2>", page.read_text(encoding="utf-8"))))
    assert zones == 6
    exe = browser()
    assert exe is not None, "no Chromium in CI: .ci/run installs Debian's chromium"
    pdf, png = tmp_path / "plan.pdf", tmp_path / "plan.png"
    r = headless(exe, page, tmp_path / "profile-pdf", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.exists(), r.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    # summary (1-2 pages), then every zone starts a page of its own, then the appendix
    assert zones + 2 <= pdf_pages(data) <= 3 * zones + 6, pdf_pages(data)
    if has_cjk_font():  # the Chinese text is set in a CJK font, not in boxes
        assert any(f in data for f in CJK_FAMILIES)
    if shutil.which("pdftotext"):  # every zone starts a page of its own (print CSS)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60).stdout
        tops = [next((ln.strip() for ln in pg.decode("utf-8").splitlines() if ln.strip()), "")
                for pg in text.split(b"\f")]
        assert sum(t.startswith("协作区 ") for t in tops) == zones, tops
        assert tops[0] == "协作区办案组配置方案"
    r = headless(exe, page, tmp_path / "profile-png", "--window-size=1240,1754", "--hide-scrollbars",
                 f"--screenshot={png}")
    assert png.exists(), r.stderr.decode(errors="replace")[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
