"""Browser test: the real app in headless Debian chromium. Upload a sample through the real file input,
see the detected table; load the samples with the real button; open every page; no exception element.
Screenshots are kept in tests/artefacts/ (look at them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "tests" / "artefacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-quic", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
PAGES = ["Home", "Data", "KPI summary", "Explore trends", "Demand", "Reablement", "Placements", "Finance",
         "Benchmarking", "Scrutiny pack"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium).")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield f"http://localhost:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 2600})
        tab.goto(server)
        tab.get_by_text("ASC Performance Explorer").first.wait_for(timeout=60_000)
        yield tab
        browser.close()


def _settled(tab, timeout_s: float = 60) -> None:
    """Wait until the script has finished running (the status widget's stop button is gone)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline and tab.locator("[data-testid='stStatusWidget']").count():
        tab.wait_for_timeout(300)
    tab.wait_for_timeout(800)


def _no_exception(tab) -> None:
    assert tab.locator("[data-testid='stException']").count() == 0


def test_upload_through_file_input_shows_detected_table(page):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "sample_data" / "reablement_weekly.xlsx"))
    page.get_by_text("reablement_weekly.xlsx: timeseries, wide layout").wait_for(timeout=60_000)
    page.get_by_role("link", name="Data").click()
    page.get_by_text("What was detected").wait_for(timeout=60_000)
    page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTEFACTS / "data_reablement.png"), full_page=True)
    _no_exception(page)
    assert page.get_by_text("104 used").count() >= 1


def test_sample_button_and_every_page(page):
    page.get_by_role("button", name="Load sample data").click()
    page.get_by_text("service_centre_daily.xlsx: timeseries").wait_for(timeout=90_000)
    for name in PAGES:
        page.get_by_role("link", name=name).click()
        page.wait_for_timeout(2500)
        _settled(page)
        page.screenshot(path=str(ARTEFACTS / f"page_{name.lower().replace(' ', '_')}.png"), full_page=True)
        _no_exception(page)


def test_removing_an_upload_removes_its_data(page):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "sample_data" / "dols_weekly.csv"))
    page.get_by_text("dols_weekly.csv: timeseries").wait_for(timeout=60_000)
    page.get_by_role("button", name="Remove dols_weekly.csv").click()
    _settled(page)
    page.get_by_text("No data loaded yet.").wait_for(timeout=30_000)
    assert page.get_by_text("dols_weekly.csv: timeseries").count() == 0
