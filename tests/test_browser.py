"""Browser test: the real app in headless Debian chromium. Upload a sample through the real file input,
see the detected table; load the samples with the real button; open every page; no exception element.
Screenshots are kept in tests/artefacts/ (look at them)."""

from __future__ import annotations

import pytest

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, app_server
from tests.browser_helpers import ARTEFACTS, no_exception, settled

PAGES = ["Home", "Data", "KPI summary", "Explore trends", "Demand", "Reablement", "Placements", "Finance",
         "Benchmarking", "Scrutiny pack"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with app_server() as (url, _process):
        yield url


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


def test_upload_through_file_input_shows_detected_table(page):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "sample_data" / "reablement_weekly.xlsx"))
    page.get_by_text("reablement_weekly.xlsx: timeseries, wide layout").wait_for(timeout=60_000)
    page.get_by_role("link", name="Data").click()
    page.get_by_text("What was detected").wait_for(timeout=60_000)
    page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTEFACTS / "data_reablement.png"), full_page=True)
    no_exception(page)
    assert page.get_by_text("104 used").count() >= 1


def test_sample_button_and_every_page(page):
    page.get_by_role("button", name="Load sample data").click()
    page.get_by_text("service_centre_daily.xlsx: timeseries").wait_for(timeout=90_000)
    for name in PAGES:
        page.get_by_role("link", name=name).click()
        page.wait_for_timeout(2500)
        settled(page)
        page.screenshot(path=str(ARTEFACTS / f"page_{name.lower().replace(' ', '_')}.png"), full_page=True)
        no_exception(page)


def test_removing_an_upload_removes_its_data(page):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "sample_data" / "dols_weekly.csv"))
    page.get_by_text("dols_weekly.csv: timeseries").wait_for(timeout=60_000)
    page.get_by_role("button", name="Remove dols_weekly.csv").click()
    settled(page)
    page.get_by_text("No data loaded yet.").wait_for(timeout=30_000)
    assert page.get_by_text("dols_weekly.csv: timeseries").count() == 0
