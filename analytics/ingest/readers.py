"""Turning file bytes into raw grids of cells, one per sheet, with the fast readers.

fastexcel (Arrow, on calamine) reads the cells; openpyxl is used only to look at number formats of a
few rows (percent formats) because it is ten times slower. Macros in .xlsm files are never run: these
readers do not execute anything, they read cell values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
import fastexcel
import pandas as pd

from analytics.errors import IngestError

CSV_ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
CSV_DELIMITERS = ",;\t|"
MAX_COLUMNS = 500


@dataclass(frozen=True)
class RawSheet:
    """The cells of one sheet. ``grid`` index is the 0-based sheet row; columns are 0..n-1."""

    name: str
    visible: bool
    grid: pd.DataFrame
    column_offset: int = 0  # absolute index of grid column 0 (column A = 0)
    encoding: str | None = None
    delimiter: str | None = None


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" (.txt): UTF-16 with a BOM
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise IngestError("This UTF-16 text file is damaged (an odd number of bytes or a broken "
                              "character): save it again, or save it as CSV UTF-8.") from exc
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            continue
        return text, encoding
    raise IngestError("This text file is in an encoding this tool does not recognise: save it as CSV UTF-8.")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields.

    csv.Sniffer is fooled by commas inside numbers ('1,234') in semicolon files; consistency is not.
    """
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in CSV_DELIMITERS:
        widths = pd.Series([len(row) for row in csv.reader(lines, delimiter=delimiter)])
        if widths.empty:
            continue
        modal = int(widths.mode().max())
        score = float((widths == modal).mean()) * (modal > 1) + 0.001 * min(modal, 50)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, name: str) -> RawSheet:
    """A CSV or text export as a grid of strings (encoding and delimiter detected)."""
    text, encoding = _decode(data)
    # Any field may be as long as the file (csv's default limit, 131,072 characters, is an exception
    # otherwise); newline="" lets csv take CR-only, LF and CRLF line ends, mixed, as Excel and old Macs write.
    csv.field_size_limit(max(len(text), csv.field_size_limit()))
    delimiter = _sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise IngestError("This text file could not be read as CSV (a quote or line end is out of place): "
                          "open it in Excel and save it as CSV UTF-8.") from exc
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        raise IngestError(f"This file has {width:,} columns; this tool reads up to {MAX_COLUMNS}.")
    if any(len(r) != width for r in rows):  # ragged rows: pandas 4 will refuse to pad them itself
        rows = [r + [""] * (width - len(r)) for r in rows]
    grid = pd.DataFrame(rows, columns=range(width) if rows else None, dtype=object)
    grid = grid.astype("string").replace("", pd.NA)
    return RawSheet(name=name, visible=True, grid=grid, encoding=encoding, delimiter=delimiter)


def _raw_sheet(reader: fastexcel.ExcelReader, name: str) -> RawSheet:
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, whitespace_as_null=True)
    columns = sheet.selected_columns  # available_columns() re-scans the sheet (0.1 s on 200,000 rows)
    if sheet.width > MAX_COLUMNS:
        raise IngestError(f"Sheet '{name}' has {sheet.width:,} columns; this tool reads up to {MAX_COLUMNS}.")
    frame = sheet.to_pandas()
    frame.columns = range(frame.shape[1])
    offset = columns[0].absolute_index if columns else 0
    return RawSheet(name=name, visible=str(sheet.visible) == "visible", grid=frame, column_offset=offset)


def read_workbook(data: bytes) -> list[RawSheet]:
    """Every sheet of an .xlsx/.xlsm/.xls/.ods workbook as raw grids, hidden sheets marked."""
    try:
        reader = fastexcel.read_excel(data)
        sheets = [_raw_sheet(reader, name) for name in reader.sheet_names]
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - the reader's own errors, and what a damaged file makes it raise
        raise IngestError(_reader_message(str(exc))) from exc
    if not sheets:
        raise IngestError("This workbook has no sheets: open it in Excel, check it holds the table, save and retry.")
    return sheets


def _reader_message(detail: str) -> str:
    lowered = detail.lower()
    if "password" in lowered or "encrypt" in lowered:
        return "This file is password-protected: save an unprotected copy and upload that."
    return "This workbook could not be read (the file looks damaged): open it in Excel, save it again and retry."


_PERCENT_BUILTIN_FORMATS = {9, 10}
_CELL_STYLE = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)(\d+)"[^>]*?\ss="(\d+)"'
                         rb'|<(?:\w+:)?c\s[^>]*?s="(\d+)"[^>]*?r="([A-Z]+)(\d+)"')
_HEAD_BYTES = 2 * 1024 * 1024


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rid = next((el.get(f"{{{ns['r']}}}id") for el in book.iter(f"{{{ns['m']}}}sheet") if el.get("name") == sheet), None)
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of cell styles (cellXfs) whose number format shows a percentage."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    styles = SafeET.fromstring(archive.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter(f"{main}numFmt")}
    xfs = styles.find(f"{main}cellXfs")
    found = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        fmt = int(xf.get("numFmtId", 0))
        if fmt in _PERCENT_BUILTIN_FORMATS or "%" in custom.get(fmt, ""):
            found.add(i)
    return found


def percent_columns(data: bytes, sheet: str, rows: range, columns: list[int]) -> set[int]:
    """Columns whose number format shows a percentage, from a few rows of an .xlsx/.xlsm sheet.

    ``rows`` are 0-based sheet rows, ``columns`` absolute 0-based column indexes. Reads only the start of
    the sheet's XML and the styles part: openpyxl would parse the whole sheet to size it (36 s for
    200,000 rows), and the fast readers do not expose number formats.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = _sheet_path(archive, sheet)
        percent = _percent_styles(archive)
        if path is None or not percent:
            return set()
        with archive.open(path) as part:
            head = part.read(_HEAD_BYTES)
    except (KeyError, zipfile.BadZipFile, SafeET.ParseError, ValueError):
        return set()  # formats are a refinement; the fast read already succeeded
    wanted = set(columns)
    found: set[int] = set()
    for match in _CELL_STYLE.finditer(head):
        letters, row, style = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
            match.group(5), match.group(6), match.group(4))
        row_index = int(row) - 1
        if row_index >= rows.stop:
            break
        col = _column_index(letters.decode())
        if row_index >= rows.start and col in wanted and int(style) in percent:
            found.add(col)
    return found


_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SAVED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def uncached_formulas(data: bytes, sheet: str) -> list[str]:
    """Cells (as 'C2') of an .xlsx/.xlsm sheet holding a formula with no saved result.

    Excel saves each formula's last result beside it; files written by programs (openpyxl, some report
    generators) often do not, and every reader then sees an empty cell. Only the start of the sheet is
    read (as for the percent formats): such files leave every formula without a result, not a few.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = _sheet_path(archive, sheet)
        if path is None:
            return []
        with archive.open(path) as part:
            head = part.read(_HEAD_BYTES)
    except (KeyError, zipfile.BadZipFile, SafeET.ParseError, ValueError):
        return []
    if not _FORMULA.search(head):
        return []
    cells = []
    for match in _CELL.finditer(head):
        inner = match.group(2) or b""
        if _FORMULA.search(inner) and not _SAVED_VALUE.search(inner):
            ref = _CELL_REF.search(match.group(1))
            cells.append(ref.group(1).decode() if ref else "?")
    return cells
