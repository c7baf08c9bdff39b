"""The read stage: every sheet's cells, percent formats, merged ranges and uncached formulas, in one read."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from analytics.errors import IngestError
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


CSV_CASES = {
    "title line above wider rows": "Referrals by team\nTeam,April,May\nNorth,1,2\n",
    "blank lines": "a,b\n\n1,2\n\n\n3,4\n",
    "quoted newline and comma": 'a,b\n"x\ny","1,234"\n3,4\n',
    "short rows": "a,b,c\n1\n2,3\n",
    "trailing delimiter": "a,b,\n1,2,\n",
    "no final newline": "a,b\n1,2",
    "CRLF and LF mixed": "a,b\r\n1,2\n3,4\r\n",
    "doubled quotes": 'a\n"he said ""hi"""\n',
    "only a header": "a,b\n",
    "semicolons": "a;b\n1,5;2\n",
}


def test_the_fast_csv_parser_reads_every_case_as_the_csv_module_does(monkeypatch):
    monkeypatch.setattr(readers, "FAST_CSV_LINES", 0)
    for name, text in CSV_CASES.items():
        delimiter = readers._sniff_delimiter(text)
        fast, careful = readers._fast_grid(text, delimiter), readers._grid_by_rows(text, delimiter)
        assert fast is not None, name
        fast.columns = range(fast.shape[1])
        a, b = (g.astype("string").replace("", pd.NA) for g in (fast, careful))
        assert b.iloc[:, a.shape[1]:].isna().all().all(), name  # only blank trailing columns dropped
        pd.testing.assert_frame_equal(a, b.iloc[:, :a.shape[1]], check_dtype=False, obj=name)


def test_old_mac_line_ends_are_left_to_the_csv_module_and_still_read(monkeypatch):
    monkeypatch.setattr(readers, "FAST_CSV_LINES", 0)
    assert readers._fast_grid("a,b\r1,2\r", ",") is None
    grid = readers.read_csv(b"a,b\r1,2\r", "mac.csv").grid
    assert grid.astype(object).values.tolist() == [["a", "b"], ["1", "2"]]


def test_a_comma_file_whose_headings_hold_semicolons_and_quotes_is_split_at_its_commas():
    # An ABS-style series header: ';' in every heading and '"' opening a field after one; split at ';'
    # the quote is never closed and the whole file was one row of 61 fields.
    heading = ',"Dwellings ;  New ;  Houses ;","Dwellings ;  New ;  Flats, units ;","Dwellings ;  Total ;"'
    lines = [heading, "Unit,Number,Number,Number"] + [f"2010-0{m}-01,{m},{m + 1},{2 * m + 1}" for m in range(1, 9)]
    sheet = readers.read_csv(("\n".join(lines) + "\n").encode(), "series.csv")
    assert sheet.delimiter == ","
    assert sheet.grid.shape == (10, 4)


def test_text_far_down_a_column_of_numbers_or_dates_is_read_not_made_blank():
    """fastexcel types a column from its first 1,000 rows unless told to look at all of them: a column of
    numbers (no header cell) with 'x' at row 1,201, or of dates with 'bad' at row 1,301, lost those cells
    as blanks. Every row decides now, so they are read (as text, like every mixed column)."""
    import datetime as dt

    from tests.conftest import xlsx_bytes

    rows = [[i, "x" if i == 1200 else i * 0.5, dt.datetime(2022, 4, 1) if i != 1300 else "bad"] for i in range(1500)]
    grid = readers.read_workbook(xlsx_bytes(rows)).sheets[0].grid
    assert grid.iat[1200, 1] == "x" and grid.iat[1300, 2] == "bad"
    assert grid.iat[5, 1] == "2.5" and grid.iat[5, 2].startswith("2022-04-01")
    assert grid.iloc[:, 0].dtype.kind == "f"  # a column of numbers only is still read as numbers


def test_a_column_mixing_times_of_day_and_durations_is_read_as_text_not_skipped():
    """fastexcel refuses a column whose cells are times of day and durations (or a heading over durations):
    'unsupported column type combination: {DateTime, Duration, String}'. The whole sheet used to be
    skipped as damaged; that column is read as text instead, as every other mixed column is, and the
    columns beside it keep their types."""
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Calls"
    sheet["C1"], sheet["D1"], sheet["E1"], sheet["F1"] = "Date", "Handling time", "Wait", "Calls"
    for i in range(3):
        sheet.cell(2 + i, 3, dt.date(2024, 1, 1 + i))
        sheet.cell(2 + i, 4, dt.time(9, 30) if i == 1 else dt.timedelta(hours=1, minutes=5 + i))
        sheet.cell(2 + i, 5, dt.timedelta(minutes=3 + i))
        sheet.cell(2 + i, 6, 5.0 + i)
    sheet["G2"] = 7.5  # a column of numbers only, beside them
    out = io.BytesIO()
    book.save(out)
    read = readers.read_workbook(out.getvalue())
    assert not read.skipped
    grid = read.sheets[0].grid
    assert grid.iat[0, 1] == "Handling time" and grid.iat[1, 1] == "1899-12-31 01:05:00"
    assert grid.iat[2, 1] == "1899-12-31 09:30:00" and grid.iat[0, 2] == "Wait"
    assert grid.iloc[:, 4].dtype.kind == "f" and grid.iat[1, 4] == 7.5


def test_past_the_retries_a_sheet_fastexcel_cannot_type_is_read_all_as_text(monkeypatch):
    import datetime as dt

    monkeypatch.setattr(readers, "MAX_TEXT_RETRIES", 0)
    book = openpyxl.Workbook()
    book.active.append(["Wait", "Calls"])
    book.active.append([dt.timedelta(minutes=3), 4])
    out = io.BytesIO()
    book.save(out)
    grid = readers.read_workbook(out.getvalue()).sheets[0].grid
    assert grid.values.tolist() == [["Wait", "Calls"], ["1899-12-31 00:03:00", "4"]]


def test_a_sheet_set_aside_is_kept_by_name_with_its_reason_and_worded_once_for_the_ledger():
    from tests.conftest import xlsx_bytes
    wide = [["Contents", *([None] * 600), "x"]]  # values 602 columns apart: more than the reader takes
    data = xlsx_bytes([["Month", "Requests"], ["Apr 2024", 10]], sheet="Table 1", extra_sheets={"Contents": wide})
    book = readers.read_workbook(data)
    assert [s.name for s in book.sheets] == ["Table 1"]
    assert list(book.skipped) == ["Contents"] and book.skipped["Contents"].startswith("it has 602 columns")
    assert book.warnings == (f"Skipped sheet 'Contents': {book.skipped['Contents']}.",)
    with pytest.raises(IngestError, match=r"Could not read sheet 'Contents': it has 602 columns"):
        readers.read_workbook(xlsx_bytes(wide, sheet="Contents"))
