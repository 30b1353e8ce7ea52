"""Helpers of the web desk tests: a real server on 127.0.0.1, headless Chromium, workbooks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
COUNTY = ROOT / "data" / "examples" / "county"
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
                 if p and Path(p).exists()), None)
CHROMEDRIVER = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver") or "") if p and Path(p).exists()),
                    None)
#: Sheets of a workbook made from the example county's CSVs (the loader finds them by name).
SHEETS = ("townships", "adjacency", "investigators", "cases", "relations", "conflicts")


def need_browser() -> None:
    """Skip without Chromium and chromedriver, except in CI (``CI`` set), where it fails."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("selenium is not installed (pip install -e '.[test]')")
        pytest.skip("selenium is not installed")
    if CHROMIUM is None or CHROMEDRIVER is None:
        msg = "no Chromium/chromedriver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(msg + ": the browser tests must run in CI")
        pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(state: Path, *args: str, env: dict | None = None):
    """``zoneplan serve`` in a subprocess on 127.0.0.1; yields the base URL."""
    port = free_port()
    log = open(state.parent / f"serve-{port}.log", "wb")
    cmd = [sys.executable, "-c", "import zoneplan_cli; zoneplan_cli.main()", "serve", *args, "--state", str(state),
           "--port", str(port), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError((state.parent / f"serve-{port}.log").read_text(errors="replace"))
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the desk did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def chrome(download_dir: Path | None = None, width: int = 1400, height: int = 1000):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="zp-chrome-")
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              f"--user-data-dir={profile}", f"--window-size={width},{height}", "--lang=zh-CN"):
        opts.add_argument(a)
    if download_dir is not None:
        opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                               "download.prompt_for_download": False,
                                               "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    driver._zp_profile = profile  # removed by quit()
    return driver


def quit_chrome(driver) -> None:
    profile = getattr(driver, "_zp_profile", None)
    try:
        driver.quit()
    finally:
        if profile:
            shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str) -> None:
    """Save a full-page screenshot when ZONEPLAN_SCREENSHOTS names a folder (for people to look at)."""
    folder = os.environ.get("ZONEPLAN_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    h = driver.execute_script("return document.body.scrollHeight")
    w = driver.get_window_size()["width"]
    driver.set_window_size(w, min(max(h, 800), 5000))
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    driver.set_window_size(w, 1000)


def county_workbook(path: Path, edit=None) -> Path:
    """The example county as one workbook (a sheet per table); ``edit(frames)`` may change it first."""
    frames = {s: pd.read_csv(COUNTY / f"{s}.csv", dtype=str, keep_default_na=False) for s in SHEETS}
    if edit is not None:
        edit(frames)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for s, df in frames.items():
            df.to_excel(xw, sheet_name=s, index=False)
    return path


def wait_until(fn, timeout: float = 120, step: float = 0.25):
    """Poll ``fn`` until it returns something true (bounded by ``timeout``)."""
    try:
        from selenium.common.exceptions import (
            NoSuchElementException,
            StaleElementReferenceException,
            WebDriverException,
        )
        passing: tuple = (StaleElementReferenceException, NoSuchElementException)
    except ImportError:
        passing = ()
        WebDriverException = ()  # noqa: N806
    end = time.monotonic() + timeout
    while True:
        try:
            v = fn()
        except passing:  # the page was reloading under the query
            v = None
        except WebDriverException as e:  # Chrome's own word for a node htmx swapped out mid-read
            if "does not belong to the document" not in str(e):
                raise
            v = None
        if v:
            return v
        if time.monotonic() > end:
            raise TimeoutError("condition not met in time")
        time.sleep(step)
