"""The Word scrutiny pack: cover, A4 pages, headings and pictures, the KPI and finance tables, the methods annex."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from analytics.export import png, word
from analytics.export.content import ChartSection, Pack
from tests.test_export import make_pack, tiny_chart


@pytest.fixture(scope="module")
def pack_doc():
    pack = make_pack()
    return pack, Document(io.BytesIO(word.word_pack(pack)))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def test_cover(pack_doc):
    _, doc = pack_doc
    first = doc.paragraphs[:4]
    assert first[0].text == "Adult social care performance" and first[0].style.name == "Title"
    assert first[1].text == "Council A"
    assert "Period covered: April 2025 to May 2025" in texts(doc)
    assert "Produced: 22 November 2026" in texts(doc)
    assert doc.core_properties.author == "Council A"


def test_page_is_a4_portrait(pack_doc):
    _, doc = pack_doc
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 2.5


def test_headings_and_one_picture_per_chart(pack_doc):
    pack, doc = pack_doc
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    names = [text for _, text in headings]
    for expected in ("Summary of measures", "Measure 1", "Measure 2", "Budget monitoring",
                     "Benchmarking against peers", "Methods and sources", "Statistical process control"):
        assert expected in names
    assert ("Heading 2", "Statistical process control") in headings
    assert len(doc.inline_shapes) == sum(s.has_picture for s in pack.sections) + 1  # + benchmarking
    for shape in doc.inline_shapes:
        assert round(shape.width.cm) == 16
        assert shape._inline.docPr.get("descr").startswith("Chart: ")
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "There is no sign of special cause variation." in bullets
    assert "Note: The latest week is provisional." in texts(doc)


def test_kpi_table_words_and_shading(pack_doc):
    _, doc = pack_doc
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Measure", "Latest value", "Target", "RAG", "Direction of travel", "Variation (SPC)",
                      "Assurance (SPC)"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(table.rows) == 1 + 3
    row = [c.text for c in table.rows[1].cells]
    assert row == ["Calls answered", "480", "450", "Green", "Better", "Special cause: improvement (high)",
                   "Consistently passes the target"]
    assert [c.text for c in table.rows[2].cells][3:] == ["Red", "Worse", "Special cause: concern (low)",
                                                           "Hit or miss"]
    assert table.rows[3].cells[2].text == "" and table.rows[3].cells[6].text == "No icon"
    assert shading(table.rows[1].cells[3]) == word.RAG_FILLS["Green"]
    assert shading(table.rows[2].cells[3]) == word.RAG_FILLS["Red"]
    assert shading(table.rows[3].cells[3]) is None
    assert shading(table.rows[1].cells[5]) == "00B0F0"  # MDC improvement blue
    assert table.style.name == "Table Grid"


def test_finance_table_with_favourable_adverse(pack_doc):
    _, doc = pack_doc
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["Budget line", "Budget", "Forecast", "Variance", "Variance %",
                                                     "F/A", "RAG"]
    assert [c.text for c in table.rows[2].cells] == ["Home care", "1.50", "1.40", "-0.10", "-6.7%", "F", "Green"]
    assert shading(table.rows[1].cells[5]) == word.FA_FILLS["A"]
    assert shading(table.rows[2].cells[5]) == word.FA_FILLS["F"]
    assert table.rows[3].cells[0].paragraphs[0].runs[0].bold  # the total row
    assert "The forecast is £0.10m over budget." in texts(doc)


def test_methods_annex_with_suppression_and_identifiers(pack_doc):
    _, doc = pack_doc
    body = "\n".join(texts(doc))
    assert "XmR charts follow Making Data Count." in body
    assert "contacts.xlsx, sheet 'Weekly'" in body
    assert 'Counts from 1 to 4 are shown as "<5"' in body and "3 cells were suppressed." in body
    assert "Left out: 'NHS Number'." in body


def test_pack_without_suppression_says_so():
    doc = Document(io.BytesIO(word.word_pack(make_pack(1, suppression=None, benchmark=False))))
    body = "\n".join(texts(doc))
    assert "Small counts are not suppressed" in body and "<5" not in body
    assert len(doc.inline_shapes) == 1


def test_png_given_is_used_and_missing_parts_are_skipped():
    image = png.chart_png(tiny_chart(), scale=1.0)
    pack = Pack("T", "C", "P", dt.date(2026, 1, 2), kpi=None,
                sections=(ChartSection("Only", ("One.",), png=image),
                          ChartSection("No chart", ("Two.",),
                                                     table=pd.DataFrame({"Age band": ["18-64"], "n": [3]}))))
    doc = Document(io.BytesIO(word.word_pack(pack)))
    assert len(doc.inline_shapes) == 1
    assert len(doc.tables) == 1 and doc.tables[0].rows[1].cells[0].text == "18-64"
    assert "Produced: 2 January 2026" in texts(doc)


def test_twelve_measure_pack_has_a_picture_per_chart():
    """How long it takes is bench/word.py's 20 s target, not a unit test's."""
    doc = Document(io.BytesIO(word.word_pack(make_pack(12))))
    assert len(doc.inline_shapes) == 13


def test_footer_without_a_council_does_not_start_with_a_colon():
    """Issue 17: the footer read ": Adult social care performance | Page 1" when no council was given."""
    for council, expected in (("", "Adult social care performance | Page "),
                              ("West Sussex", "West Sussex: Adult social care performance | Page ")):
        pack = Pack("Adult social care performance", council, "P", dt.date(2026, 1, 2), kpi=None, sections=())
        footer = Document(io.BytesIO(word.word_pack(pack))).sections[0].footer.paragraphs[0].text
        assert footer == expected, footer
