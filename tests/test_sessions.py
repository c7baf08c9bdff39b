"""Sessions (issue 7): two browsers uploading different files with the same name each see only their own data
(the cache key includes the file's bytes), and ten concurrent sessions on one server each upload and render the
Data page with no error. Memory per session is printed (run with -s to see it) and recorded in bench/results.md.
"""

from __future__ import annotations

import time

import pytest
from app_server import ROOT, app_server, chromium, open_app, upload, vm_rss_kb

pytestmark = pytest.mark.browser
SESSIONS = 10
SAMPLES = ["reablement_weekly.xlsx", "dols_weekly.csv", "placements_monthly.xlsx", "contacts_records.csv",
           "service_centre_daily.xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _extract(year: int, months: int) -> bytes:
    rows = "".join(f"{m} {year},{10 + i}\n" for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May"][:months]))
    return f"Month,Referrals\n{rows}".encode()


def _detected(page) -> str:
    page.get_by_role("link", name="Data").click()
    page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    return page.locator("[data-testid='stTable']").first.inner_text()


def test_same_file_name_different_data_stays_in_its_own_session():
    with app_server() as (url, _), chromium() as browser:
        first, second = open_app(browser, url), open_app(browser, url)
        upload(first, "extract.csv", _extract(2019, 3))
        upload(second, "extract.csv", _extract(2021, 5))
        for page in (first, second):
            page.get_by_text("extract.csv: timeseries").wait_for(timeout=60_000)
        first_table, second_table = _detected(first), _detected(second)
    assert "2019" in first_table and "2021" not in first_table and "3 used" in first_table
    assert "2021" in second_table and "2019" not in second_table and "5 used" in second_table


def test_ten_concurrent_sessions_upload_and_render(capsys):
    with app_server() as (url, server), chromium() as browser:
        pages = [open_app(browser, url) for _ in range(SESSIONS)]
        time.sleep(1)
        rss_before = vm_rss_kb(server.pid)
        started = time.perf_counter()
        names = [SAMPLES[i % len(SAMPLES)] for i in range(SESSIONS)]
        for page, name in zip(pages, names, strict=True):  # all uploads are in flight before any is awaited
            mime = XLSX if name.endswith("xlsx") else "text/csv"
            upload(page, name, (ROOT / "sample_data" / name).read_bytes(), mime)
        for page, name in zip(pages, names, strict=True):
            # as a user does: wait until Home has read the file, then open Data. Switching page while the
            # upload is still in flight can lose it in Streamlit's front end (the uploader comes back empty).
            page.get_by_role("button", name=f"Remove {name}").wait_for(timeout=90_000)
            page.get_by_role("link", name="Data").click()
        for page, name in zip(pages, names, strict=True):
            page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
            assert page.locator("[data-testid='stException']").count() == 0, name
            assert page.locator("[data-testid='stAlertContentError']").count() == 0, name
        seconds = time.perf_counter() - started
        rss_after = vm_rss_kb(server.pid)
    per_session_mb = (rss_after - rss_before) / SESSIONS / 1024
    with capsys.disabled():
        print(f"\n{SESSIONS} sessions: server RSS {rss_before / 1024:.0f} MB -> {rss_after / 1024:.0f} MB, "
              f"{per_session_mb:.1f} MB per session; all rendered in {seconds:.1f} s")
