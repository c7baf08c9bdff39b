"""Shared fixtures: small workbooks written by the tests themselves, and the sample files."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"


def xlsx_bytes(rows: list[list], *, sheet: str = "Sheet1", formats: dict[str, str] | None = None,
               merges: tuple[str, ...] = (), extra_sheets: dict[str, list[list]] | None = None,
               hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook built in memory from rows of cell values."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        for cells in ws[ref]:
            for cell in cells if isinstance(cells, tuple) else (cells,):
                cell.number_format = fmt
    for ref in merges:
        ws.merge_cells(ref)
    for name, more in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
        if name in hidden:
            other.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_xlsx():
    return xlsx_bytes
