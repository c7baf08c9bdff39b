"""Browser test of benchmarking as an officer does it: upload a national publication through the real file
input, choose your council, see the ranked chart and the sentences, build the pack with its benchmarking
section. Screenshots in tests/artefacts/."""

from __future__ import annotations

import io

import pytest

from tests.app_server import ROOT, app_server, chromium, open_app
from tests.browser_helpers import ARTEFACTS, no_exception, settled

pytestmark = pytest.mark.browser
IOD = ROOT / "tests" / "corpus_real" / "mhclg_iod2019_upper_tier_la_summaries.xlsx"
PSS_EX1 = ROOT / "tests" / "corpus_real" / "nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv"


def benchmarking_page(browser, url: str, path):
    """A new session with ``path`` uploaded through the real file input, on the Benchmarking page."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = open_app(browser, url, timeout_ms=90_000)
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text(f"{path.name}:").first.wait_for(timeout=90_000)
    page.get_by_role("link", name="Benchmarking").click()
    page.get_by_text("Your council").first.wait_for(timeout=60_000)
    page.get_by_text("Ranked councils").first.wait_for(timeout=120_000)  # the page has run to its end
    settled(page)
    return page


def choose(page, council: str) -> None:
    """Your council, typed into the sidebar's searchable picker."""
    page.locator("[data-testid='stSelectbox']").filter(has_text="Your council").click()
    page.keyboard.type(council[:5])
    page.get_by_role("option", name=council, exact=True).click()


def test_upload_a_national_file_choose_a_council_and_build_the_pack():
    import docx

    with app_server() as (url, _process), chromium() as browser:
        page = benchmarking_page(browser, url, IOD)
        page.get_by_text("Choose your council in the sidebar to see its value").wait_for(timeout=60_000)  # in full
        page.locator("[data-testid='stMetric']").nth(1).wait_for(timeout=60_000)
        tiles = page.locator("[data-testid='stMetric']").all_inner_texts()
        assert [t.splitlines()[0] for t in tiles] == ["England", "Group median"]  # no tile needs a council yet
        choose(page, "Trafford")
        page.get_by_text("Trafford 12,412.2").first.wait_for(timeout=60_000)
        settled(page)
        page.screenshot(path=str(ARTEFACTS / "benchmarking_iod_trafford.png"), full_page=True)
        assert page.locator(".vega-embed").count() >= 1  # the ranked dot chart is drawn
        assert page.get_by_text("of 151 England councils").count() >= 1
        page.screenshot(path=str(ARTEFACTS / "benchmarking_iod_trafford.png"), full_page=True)
        no_exception(page)

        page.get_by_role("link", name="Scrutiny pack").click()
        page.get_by_role("button", name="Build the pack").wait_for(timeout=60_000)
        settled(page)  # the page's run has finished: its inputs hold their values
        assert page.get_by_label("Council", exact=True).input_value() == "Trafford"  # chosen once, used by the pack
        page.get_by_role("button", name="Build the pack").click()
        page.get_by_text("Pack ready").wait_for(timeout=180_000)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the Word pack (.docx)").click()
        document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Trafford 12,412.2" in text and "of 151 England councils" in text
        page.screenshot(path=str(ARTEFACTS / "benchmarking_pack.png"), full_page=True)
        no_exception(page)


def test_a_second_council_on_a_finance_table_in_thousands_with_england_a_total():
    with app_server() as (url, _process), chromium() as browser:
        page = benchmarking_page(browser, url, PSS_EX1)
        choose(page, "Kent")
        page.get_by_text("Kent £23,668k, England total £1,151,544k").first.wait_for(timeout=60_000)
        settled(page)
        tiles = page.locator("[data-testid='stMetric']").all_inner_texts()
        assert any(t.startswith("England total") for t in tiles) and any("£23,668k" in t for t in tiles)
        page.screenshot(path=str(ARTEFACTS / "benchmarking_pss_ex1_kent.png"), full_page=True)
        no_exception(page)
