"""The Excel workbook of results: one typed sheet per frame, no formulas, formula injection neutralised, in memory.

Every string is written as a text cell, and one starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return also carries Excel's "quote prefix" so it stays text even when someone edits the cell.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from analytics.export.content import APP_NAME, clean_text
from analytics.formatting import cell_text, is_missing

SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_POINTS_FORMAT = "0.0"  # values are already percent points (52.4), so not Excel's 0.0% (x100)
WHOLE_NUMBER_FORMAT = "#,##0"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_NAME = re.compile(r"(percent|%|\bpct\b|_pct\b)", re.IGNORECASE)
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 60
WIDTH_SAMPLE_ROWS = 200


class _InMemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, but each worksheet's XML goes to a BytesIO instead of a temporary file.

    openpyxl 3.1 writes every worksheet to a NamedTemporaryFile before zipping it, even when saving to a
    BytesIO; uploaded data must never touch the disk (DESIGN section 6). Mirrors
    ``ExcelWriter.write_worksheet`` of openpyxl 3.1.5 (pinned); tests/test_export.py guards it.
    """

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, distinct Excel sheet names: forbidden characters replaced, at most 31 characters.

    Excel forbids ``[ ] : * ? / \\``, a leading or trailing apostrophe, a blank name and "History", and
    compares names without regard to case; duplicates get " (2)", " (3)"... within the length limit.
    """
    result: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = SHEET_NAME_FORBIDDEN.sub("_", clean_text(raw)).strip().strip("'").strip()
        name = name[:SHEET_NAME_MAX].strip() or "Sheet"
        if name.lower() == "history":
            name = "History_"
        candidate, k = name, 1
        while candidate.lower() in seen:
            k += 1
            suffix = f" ({k})"
            candidate = name[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def _excel_value(value):
    """A Python value openpyxl writes with the right type: numbers, dates, text; None for missing."""
    if is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float):
        return value if not (isinstance(value, float) and math.isinf(value)) else str(value)
    if isinstance(value, pd.Timestamp):
        value = value.tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def _write_text(cell, text: str) -> None:
    """A string cell Excel shows as text and never evaluates, whatever it starts with."""
    text = clean_text(text)[:MAX_CELL_CHARS]
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula; "s" writes it as an inline string
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _is_percent_column(name) -> bool:
    return bool(PERCENT_NAME.search(str(name)))


def _column_format(series: pd.Series) -> str | None:
    """Number format for a whole column: dates day-first, percent points to 1 dp, whole numbers with commas."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return DATE_FORMAT
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if _is_percent_column(series.name):
        return PERCENT_POINTS_FORMAT
    finite = series.dropna()
    if pd.api.types.is_integer_dtype(series) or (len(finite) and bool((finite == finite.round()).all())):
        return WHOLE_NUMBER_FORMAT
    return None


def _percent_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows of a tidy frame whose ``unit`` is percent: their numbers are percent points."""
    if "unit" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["unit"].astype("string").str.lower() == "percent").fillna(False).to_numpy()


def _fill_sheet(ws, frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    bold = Font(bold=True)
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        _write_text(cell, str(name))
        cell.font = bold
    formats = [_column_format(frame[c]) for c in columns]
    percent_rows = _percent_rows(frame)
    widths = [len(str(c)) for c in columns]
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        for j, raw in enumerate(record):
            value = _excel_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=i + 2, column=j + 1)
            if isinstance(value, str):
                _write_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif percent_rows[i] and not isinstance(value, bool):
                    cell.number_format = PERCENT_POINTS_FORMAT
                elif formats[j]:
                    cell.number_format = formats[j]
            if i < WIDTH_SAMPLE_ROWS:
                shown = 10 if isinstance(value, dt.date) else len(cell_text(value))
                widths[j] = max(widths[j], shown)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"


def excel_workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Write frames to an Excel workbook, one sheet each, in memory.

    Parameters
    ----------
    sheets : mapping of str to pd.DataFrame
        Sheet name -> frame, in order. Names are made valid with :func:`sheet_names`. The frame's index is
        not written (reset it first to keep it).

    Returns
    -------
    bytes
        The .xlsx file. Header row bold, frozen (panes at A2) and filterable; columns sized to their content.

    Notes
    -----
    Cells are typed: numbers as numbers, dates and Timestamps as dates shown ``dd/mm/yyyy`` (time zones
    dropped, wall-clock time kept), booleans as booleans, NaN/None/NaT as empty cells, lists as
    comma-joined text. Percent columns (a name with "percent", "%" or "pct") and every number on a row whose
    ``unit`` is ``percent`` are shown with ``0.0``: the values are already percentage points (52.4), and
    Excel's ``0.0%`` format would show 5240.0%. Whole-number columns get ``#,##0``; other numbers keep
    Excel's General format and full precision. There are no formulas: every string is a text cell, and
    one starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return also has Excel's quote prefix.
    """
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = APP_NAME
    book.properties.lastModifiedBy = APP_NAME
    for name, frame in zip(sheet_names(sheets), sheets.values(), strict=True):
        _fill_sheet(book.create_sheet(name), frame)
    if not book.worksheets:
        book.create_sheet("Sheet")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryExcelWriter(book, archive).save()
    return buffer.getvalue()
