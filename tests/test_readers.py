"""The read stage: every sheet's cells, percent formats, merged ranges and uncached formulas, in one read."""

from __future__ import annotations

import io

import openpyxl

from analytics.ingest import guard, readers


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Referrals by team"])
    sheet.append(["Team", "April", "May"])
    sheet.merge_cells("B1:C1")
    for i, team in enumerate(("North", "South", "East"), start=3):
        sheet.append([team, 10 + i, 12 + i])
    sheet["D3"] = "=B3+C3"  # openpyxl saves no result for a formula
    sheet["E3"] = 0.25
    sheet["E3"].number_format = "0%"
    other = book.create_sheet("Other")
    other.append(["x", 1])
    other.merge_cells("A3:B3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_what_the_file_check_kept_reads_as_inflating_the_sheet_again():
    data = _workbook()
    check = guard.check_file(data, "book.xlsx")
    assert set(check.sheet_text) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    again = readers.read_workbook(data)
    kept = readers.read_workbook(data, sheet_text=check.sheet_text)
    for a, b in zip(again.sheets, kept.sheets, strict=True):
        assert (a.merges, a.uncached_formulas, a.percent_cells) == (b.merges, b.uncached_formulas, b.percent_cells)
    first = kept.sheets[0]
    assert first.merges == ((0, 1, 0, 2),) and first.uncached_formulas == ("D3",) and (2, 4) in first.percent_cells
    assert kept.sheets[1].merges == ((2, 0, 2, 1),)


def test_a_sheet_without_percent_styles_uses_the_kept_text(monkeypatch):
    data = _workbook()
    check = guard.check_file(data, "book.xlsx")
    monkeypatch.setattr(readers, "_percent_styles", lambda archive: set())
    monkeypatch.setattr(readers, "_sheet_xml", lambda part, whole: (_ for _ in ()).throw(AssertionError("inflated")))
    book = readers.read_workbook(data, sheet_text=check.sheet_text)
    assert book.sheets[0].merges == ((0, 1, 0, 2),) and book.sheets[0].uncached_formulas == ("D3",)


def test_the_kept_text_is_bounded(monkeypatch):
    monkeypatch.setattr(guard, "MAX_KEPT_TEXT_BYTES", 1)
    check = guard.check_file(_workbook(), "book.xlsx")
    assert len(check.sheet_text) == 1  # the first sheet kept; the reader inflates the rest itself
