"""The Excel workbook: valid sheet names, typed cells, percent points, no formulas, formula injection neutralised."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from analytics.export import excel
from tests.test_export import HOSTILE, data_frame


@pytest.fixture(scope="module")
def workbook_bytes():
    sheets = {"Data": data_frame(), "Hostile": pd.DataFrame({"=bad": HOSTILE, "n": range(len(HOSTILE))}),
              "Tidy": pd.DataFrame({"unit": ["percent", "count"], "value": [52.4, 12.0]}),
              "a/b:c?" + "x" * 40: pd.DataFrame({"a": [1]}), "data": pd.DataFrame({"a": [2]})}
    return excel.excel_workbook(sheets)


def test_sheet_names_sanitised_and_distinct(workbook_bytes):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    assert book.sheetnames[:3] == ["Data", "Hostile", "Tidy"]
    assert book.sheetnames[3] == ("a_b_c_" + "x" * 40)[:31]
    assert book.sheetnames[4] == "data (2)"
    assert excel.sheet_names(["History", "'q'", "", "a" * 40, "A" * 40]) == [
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
    book = openpyxl.load_workbook(io.BytesIO(excel.excel_workbook({"Empty": pd.DataFrame({"a": []})})))
    assert book.sheetnames == ["Empty"] and book["Empty"]["A1"].value == "a"
    assert openpyxl.load_workbook(io.BytesIO(excel.excel_workbook({}))).sheetnames == ["Sheet"]
