"""Exports: Word pack layout, Excel typing and formula neutralisation, suppression, identifiers, nothing on disk."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import altair as alt
import numpy as np
import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from analytics import disclosure, export

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def tiny_chart(title: str = "Calls answered") -> alt.Chart:
    frame = pd.DataFrame({"week": pd.date_range("2025-04-07", periods=8, freq="W-MON"),
                          "value": [410, 432, 398, 455, 470, 441, 462, 480]})
    return alt.Chart(frame, title=title).mark_line(point=True).encode(x="week:T", y="value:Q")


def kpi_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "measure": ["Calls answered", "Reviews on time (%)", "New residential placements 65+"],
        "value": [480, 71.5, 51],
        "target": [450, 80.0, np.nan],
        "rag": ["Green", "Red", None],
        "direction": ["better", "worse", "same"],
        "variation": ["improvement_high", "concern_low", "common_cause"],
        "assurance": ["consistent_pass", "inconsistent", None],
    })


def finance_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "line": ["Residential", "Home care", "Total ASC"],
        "parent": ["ASC", "ASC", None],
        "is_total": [False, False, True],
        "budget": [3.00, 1.50, 4.50],
        "forecast": [3.20, 1.40, 4.60],
        "variance": [0.20, -0.10, 0.10],
        "variance_pct": [6.7, -6.7, 2.2],
        "fa": ["A", "F", "A"],
        "rag": ["Red", "Green", "Amber"],
    })


def make_pack(n_sections: int = 2, *, suppression: int | None = 5, benchmark: bool = True) -> export.Pack:
    sections = tuple(
        export.ChartSection(
            title=f"Measure {i + 1}",
            sentences=(f"Measure {i + 1} was 480 in the week starting 26 May 2025, up 4% on the week before.",
                       "There is no sign of special cause variation."),
            chart=tiny_chart(f"Measure {i + 1}"),
            notes=("The latest week is provisional.",),
        )
        for i in range(n_sections)
    )
    bench = export.ChartSection("Benchmarking against peers", ("Council A ranks 3rd of 16.",),
                                chart=tiny_chart("Peers")) if benchmark else None
    return export.Pack(
        title="Adult social care performance",
        council="Council A",
        period_covered="April 2025 to May 2025",
        produced=dt.date(2026, 11, 22),
        kpi=kpi_frame(),
        sections=sections,
        finance=finance_frame(),
        finance_sentences=("The forecast is £0.10m over budget.",),
        benchmark=bench,
        methods=(("Statistical process control", ("XmR charts follow Making Data Count.",)),),
        sources=("contacts.xlsx, sheet 'Weekly'",),
        suppression=suppression,
        suppressed_cells=3 if suppression else 0,
        identifiers_dropped=("NHS Number",),
    )


@pytest.fixture(scope="module")
def pack_doc():
    pack = make_pack()
    return pack, Document(io.BytesIO(export.word_pack(pack)))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


# --- PNG ------------------------------------------------------------------------------------------------------
def test_chart_png_renders_offline():
    png = export.chart_png(tiny_chart(), scale=1.0)
    assert png.startswith(PNG_MAGIC)
    assert len(export.chart_png(tiny_chart())) > len(png)  # scale 2 has more pixels


def test_chart_png_refuses_to_fetch_data_from_a_url():
    remote = alt.Chart("https://example.invalid/data.csv").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="url not allowed"):
        export.chart_png(remote)


def test_png_download_name():
    assert export.png_download_name("Calls answered (weekly)") == "calls-answered-weekly.png"
    assert export.png_download_name("Café: 65+ / £m") == "cafe-65-m.png"
    assert export.png_download_name("../..") == "chart.png"


# --- Word -------------------------------------------------------------------------------------------------------
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
    assert shading(table.rows[1].cells[3]) == export.RAG_FILLS["Green"]
    assert shading(table.rows[2].cells[3]) == export.RAG_FILLS["Red"]
    assert shading(table.rows[3].cells[3]) is None
    assert shading(table.rows[1].cells[5]) == "00B0F0"  # MDC improvement blue
    assert table.style.name == "Table Grid"


def test_finance_table_with_favourable_adverse(pack_doc):
    _, doc = pack_doc
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["Budget line", "Budget", "Forecast", "Variance", "Variance %",
                                                     "F/A", "RAG"]
    assert [c.text for c in table.rows[2].cells] == ["Home care", "1.50", "1.40", "-0.10", "-6.7%", "F", "Green"]
    assert shading(table.rows[1].cells[5]) == export.FA_FILLS["A"]
    assert shading(table.rows[2].cells[5]) == export.FA_FILLS["F"]
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
    doc = Document(io.BytesIO(export.word_pack(make_pack(1, suppression=None, benchmark=False))))
    body = "\n".join(texts(doc))
    assert "Small counts are not suppressed" in body and "<5" not in body
    assert len(doc.inline_shapes) == 1


def test_png_given_is_used_and_missing_parts_are_skipped():
    png = export.chart_png(tiny_chart(), scale=1.0)
    pack = export.Pack("T", "C", "P", dt.date(2026, 1, 2), kpi=None,
                       sections=(export.ChartSection("Only", ("One.",), png=png),
                                 export.ChartSection("No chart", ("Two.",),
                                                     table=pd.DataFrame({"Age band": ["18-64"], "n": [3]}))))
    doc = Document(io.BytesIO(export.word_pack(pack)))
    assert len(doc.inline_shapes) == 1
    assert len(doc.tables) == 1 and doc.tables[0].rows[1].cells[0].text == "18-64"
    assert "Produced: 2 January 2026" in texts(doc)


# --- Excel ------------------------------------------------------------------------------------------------------
def data_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "period": pd.to_datetime(["2025-04-07", "2025-04-14", "2025-04-21"]),
        "measure": ["Calls answered", "Calls answered", "Calls answered"],
        "value": [410.0, np.nan, 455.0],
        "count": [3, 4, 5],
        "Reviews on time percent": [52.4, 60.0, 61.25],
        "spark": [[1, 2], [3], []],
        "text": [HOSTILE[0], HOSTILE[1], "plain"],
    })


@pytest.fixture(scope="module")
def workbook_bytes():
    sheets = {"Data": data_frame(), "Hostile": pd.DataFrame({"=bad": HOSTILE, "n": range(len(HOSTILE))}),
              "Tidy": pd.DataFrame({"unit": ["percent", "count"], "value": [52.4, 12.0]}),
              "a/b:c?" + "x" * 40: pd.DataFrame({"a": [1]}), "data": pd.DataFrame({"a": [2]})}
    return export.excel_workbook(sheets)


def test_sheet_names_sanitised_and_distinct(workbook_bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    assert book.sheetnames[:3] == ["Data", "Hostile", "Tidy"]
    assert book.sheetnames[3] == ("a_b_c_" + "x" * 40)[:31]
    assert book.sheetnames[4] == "data (2)"
    assert export.sheet_names(["History", "'q'", "", "a" * 40, "A" * 40]) == [
        "History_", "q", "Sheet", "a" * 31, "A" * 27 + " (2)"]


def test_header_bold_frozen_filtered(workbook_bytes):
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Data"]
    assert [c.value for c in ws[1]] == list(data_frame().columns)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G4"
    assert ws.column_dimensions["E"].width >= len("Reviews on time percent")


def test_typed_cells(workbook_bytes):
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Data"]
    assert ws["A2"].value == dt.datetime(2025, 4, 7) and ws["A2"].number_format == "dd/mm/yyyy"
    assert ws["C2"].value == 410 and ws["C2"].data_type == "n"
    assert ws["C3"].value is None  # NaN -> empty
    assert ws["D2"].value == 3 and ws["D2"].number_format == "#,##0"
    assert ws["E4"].value == 61.25 and ws["E4"].number_format == "0.0"  # percent points, not 0.0%
    assert ws["F2"].value == "1, 2" and ws["F4"].value is None
    tidy = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Tidy"]
    assert tidy["B2"].number_format == "0.0" and tidy["B3"].number_format != "0.0"


def test_no_formulas_and_hostile_strings_kept_as_text(workbook_bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    ws = book["Hostile"]
    assert ws["A1"].value == "=bad"
    assert [ws.cell(row=i + 2, column=1).value for i in range(len(HOSTILE))] == HOSTILE
    assert all(ws.cell(row=i + 2, column=1).quotePrefix for i in range(len(HOSTILE)))
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml
        hostile = archive.read("xl/worksheets/sheet2.xml").decode()
        assert re.search(r't="inlineStr"><is><t>=cmd\|', hostile)


def test_empty_workbook_and_frame():
    book = openpyxl.load_workbook(io.BytesIO(export.excel_workbook({"Empty": pd.DataFrame({"a": []})})))
    assert book.sheetnames == ["Empty"] and book["Empty"]["A1"].value == "a"
    assert openpyxl.load_workbook(io.BytesIO(export.excel_workbook({}))).sheetnames == ["Sheet"]


# --- Nothing written to disk -------------------------------------------------------------------------------------
_WRITES: list[tuple] = []
_WATCHING = [False]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _audit(event: str, args: tuple) -> None:
    if not _WATCHING[0]:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(ch in mode for ch in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing and not isinstance(path, int):
            _WRITES.append((event, path, mode))
    elif event in ("tempfile.mkstemp", "tempfile.mkdtemp", "os.mkdir", "os.rename", "os.remove",
                   "shutil.copyfile"):
        _WRITES.append((event, *args))


def test_nothing_written_to_disk():
    pack = make_pack(2)
    sheets = {"Data": data_frame(), "Hostile": pd.DataFrame({"x": HOSTILE})}
    export.word_pack(pack), export.excel_workbook(sheets)  # warm up: first imports may write .pyc files
    if not getattr(sys, "_export_audit_installed", False):
        sys.addaudithook(_audit)
        sys._export_audit_installed = True
    watched = [Path.cwd(), Path(tempfile.gettempdir())]
    before = [set(os.listdir(d)) for d in watched]
    _WRITES.clear()
    _WATCHING[0] = True
    try:
        docx_bytes = export.word_pack(pack)
        xlsx_bytes = export.excel_workbook(sheets)
    finally:
        _WATCHING[0] = False
    after = [set(os.listdir(d)) for d in watched]
    assert _WRITES == []
    assert [a - b for a, b in zip(after, before, strict=True)] == [set(), set()]
    assert docx_bytes[:2] == xlsx_bytes[:2] == b"PK"


# --- Twelve sections ------------------------------------------------------------------------------------------------
def test_twelve_measure_pack_has_a_picture_per_chart():
    """How long it takes is bench/export.py's 20 s target, not a unit test's."""
    doc = Document(io.BytesIO(export.word_pack(make_pack(12))))
    assert len(doc.inline_shapes) == 13


def test_email_address_is_an_email():
    assert disclosure.identifier_kinds(pd.DataFrame(columns=["Email address", "Home address"])) == {
        "Email address": "email", "Home address": "address"}


def test_control_characters_and_numpy_dates_do_not_break_exports():
    frame = pd.DataFrame({"Team\x01": ["North\x0bcentral"], "when": [np.datetime64("2025-04-07")]}, dtype=object)
    pack = export.Pack("Pack\x0b", "Council\x02", "2025", dt.date(2026, 1, 2), kpi=frame,
                       sections=(export.ChartSection("A\x0bB", ("One\x0c.",), table=frame, notes=("n\x01",)),))
    doc = Document(io.BytesIO(export.word_pack(pack)))
    assert doc.paragraphs[0].text == "Pack" and doc.tables[0].rows[1].cells[0].text == "Northcentral"
    ws = openpyxl.load_workbook(io.BytesIO(export.excel_workbook({"x": frame}))).active
    assert ws["A2"].value == "Northcentral" and ws["B2"].value == dt.datetime(2025, 4, 7)


def test_footer_without_a_council_does_not_start_with_a_colon():
    """Issue 17: the footer read ": Adult social care performance | Page 1" when no council was given."""
    for council, expected in (("", "Adult social care performance | Page "),
                              ("West Sussex", "West Sussex: Adult social care performance | Page ")):
        pack = export.Pack("Adult social care performance", council, "P", dt.date(2026, 1, 2), kpi=None, sections=())
        footer = Document(io.BytesIO(export.word_pack(pack))).sections[0].footer.paragraphs[0].text
        assert footer == expected, footer
