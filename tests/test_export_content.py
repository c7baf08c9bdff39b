"""The pack's content model: what counts as a picture, and the text every writer can store."""

from __future__ import annotations

import datetime as dt

from analytics.export.content import ChartSection, Pack, clean_text
from tests.test_export import tiny_chart


def test_clean_text_removes_what_office_files_cannot_store():
    assert clean_text("North\x0bcentral\x01") == "Northcentral"
    assert clean_text("Tab\tand\nnew line") == "Tab\tand\nnew line"  # XML allows these: kept
    assert clean_text(12.5) == "12.5"


def test_a_section_has_a_picture_only_with_a_chart_or_a_png():
    assert not ChartSection("Words only", ("One.",)).has_picture
    assert ChartSection("Chart", chart=tiny_chart()).has_picture
    assert ChartSection("Rendered", png=b"\x89PNG").has_picture


def test_a_pack_starts_with_no_data_sheets_of_its_own():
    one, two = (Pack("T", "C", "P", dt.date(2026, 1, 2), kpi=None, sections=()) for _ in range(2))
    one.data_sheets["x"] = None
    assert two.data_sheets == {}  # each pack has its own dict, not a shared default
