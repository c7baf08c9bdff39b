"""ui.session: the read cache bounded by bytes and released by session, and how a cached value is sized."""

from __future__ import annotations

import analytics
import ui
from analytics import dataset_analysis
from tests.conftest import SAMPLES


def test_the_read_cache_is_bounded_by_bytes_and_released_by_session():
    cache = ui.ReadCache(limit=10_000)
    calls = []
    for i in range(3):
        cache.get(f"d{i}", ("f", None, "read"), "s1", lambda i=i: calls.append(i) or ("x" * 4000))
    assert len(cache) == 2 and calls == [0, 1, 2]  # the oldest went when the total passed the limit
    cache.get("d2", ("f", None, "read"), "s2", lambda: calls.append("again"))
    assert "again" not in calls  # a hit is shared across sessions
    cache.release("s1")
    assert len(cache) == 1  # d2 is still used by s2


def test_an_analysis_is_sized_without_its_dataset():
    data = analytics.load(SAMPLES / "dols_weekly.csv")
    result = dataset_analysis.analyse(data)
    assert 0 < ui.size_in_memory(result) < ui.size_in_memory(data) + ui.size_in_memory(result.series)


def test_another_sheet_is_read_with_the_upload_s_options_but_its_own_sheet_and_table():
    upload = ui.Upload("p.xlsx", b"x", options=ui.Options(header_row=3, table=2, sheet="Admissions"))
    other = ui.sheet_options(upload, "Care home population")
    assert (other.sheet, other.table, other.header_row) == ("Care home population", None, 3)
