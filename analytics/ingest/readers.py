"""Turning file bytes into raw grids of cells, one per sheet, with the fast readers.

fastexcel (Arrow, on calamine) reads the cells; percent number formats and formulas without saved results
are read from the sheet XML in the same stage (openpyxl would be ten times slower). Macros in .xlsm files are
never run: these readers do not execute anything, they read cell values.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import defusedxml.ElementTree as SafeET
import fastexcel
import numpy as np
import pandas as pd

from analytics.errors import IngestError
from analytics.ingest.guard import MERGE_START, SHEET_HEAD_BYTES, SheetText, stream_sheet_text

# fastexcel says "Could not determine dtype for column 13, falling back to string" for every mixed column;
# reading mixed columns as text is what this reader wants, so the notice is not passed on.
logging.getLogger("fastexcel").setLevel(logging.ERROR)

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
    percent_cells: frozenset[tuple[int, int]] = frozenset()  # (grid row, grid column) shown as a percentage
    uncached_formulas: tuple[str, ...] = ()  # cells ('C2') holding a formula with no saved result
    merges: tuple[tuple[int, int, int, int], ...] | None = None  # (first row, first col, last row, last col)
    # in grid positions; None where the format does not say (.xls, .ods, CSV)


@dataclass(frozen=True)
class Book:
    """Every readable sheet of a file, and why each sheet that could not be read was set aside.

    ``skipped`` maps a sheet's name to the reason, so a caller asking for that sheet can say why it is not
    there; ``warnings`` words the same reasons for the ledger.
    """

    sheets: list[RawSheet]
    skipped: Mapping[str, str] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"Skipped sheet '{name}': {why}." for name, why in self.skipped.items())


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

    csv.Sniffer is fooled by commas inside numbers ('1,234') in semicolon files; consistency is not. The
    share is of lines, not of parsed rows: a wrong delimiter can open a quote it never closes ('a ;"b",c'
    split at ';') and swallow the file into one wide row, which is consistent with itself.
    """
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in CSV_DELIMITERS:
        widths = pd.Series([len(row) for row in csv.reader(lines, delimiter=delimiter)])
        if widths.empty:
            continue
        modal = int(widths.mode().max())
        score = float((widths == modal).sum() / len(lines)) * (modal > 1) + 0.001 * min(modal, 50)
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
    grid = _fast_grid(text, delimiter)
    if grid is None:
        grid = _grid_by_rows(text, delimiter)
    if grid.shape[1] > MAX_COLUMNS:
        raise IngestError(f"This file has {grid.shape[1]:,} columns; this tool reads up to {MAX_COLUMNS}.")
    grid.columns = range(grid.shape[1])
    grid = grid.astype("string").replace("", pd.NA)
    return RawSheet(name=name, visible=True, grid=grid, encoding=encoding, delimiter=delimiter)


def _fast_grid(text: str, delimiter: str) -> pd.DataFrame | None:
    """The grid by pandas' C parser (five times Python's csv module on a million lines); None when the file
    needs the careful reader: rows longer than the first, a quote out of place, one line only."""
    if text.count("\n") < FAST_CSV_LINES or text.count("\r") != text.count("\r\n"):
        return None  # small files gain nothing; a lone CR (old Mac line ends) is the csv module's to read
    # Every line's delimiters, quoted or not, bound the widest row from above: the parser is given that many
    # columns (a title line of one field above wider rows is then no error), and the trailing columns with no
    # value in any row are dropped after (blank everywhere, they hold nothing to read).
    width = max(line.count(delimiter) for line in text.split("\n")) + 1
    if width > MAX_COLUMNS:
        return None
    try:
        grid = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width), dtype=object,
                           na_filter=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    filled = (grid.notna() & (grid != "")).to_numpy().any(axis=0)
    last = int(np.flatnonzero(filled).max()) + 1 if filled.any() else 0
    return grid.iloc[:, :last]


FAST_CSV_LINES = 20_000


def _grid_by_rows(text: str, delimiter: str) -> pd.DataFrame:
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
    return pd.DataFrame(rows, columns=range(width) if rows else None, dtype=object)


class SheetError(Exception):
    """One sheet cannot be read; the others may still be."""


MAX_TEXT_RETRIES = 20  # columns fastexcel cannot type read one by one as text; beyond, the whole sheet is


def _load_sheet(reader: fastexcel.ExcelReader, name: str):
    """The sheet, every row deciding a column's type (fastexcel samples 1,000 by default): a column of numbers
    with an 'x' or a note further down is then read as text, not as numbers with those cells made blank.

    fastexcel reads a mixed column as text, but refuses some mixes outright (times of day with durations, a
    heading over durations: 'unsupported column type combination'); the column it names is then read as
    text as the others are, rather than the sheet being skipped as damaged."""
    as_text: dict[str, str] = {}
    while True:
        try:
            return reader.load_sheet(name, header_row=None, skip_rows=0, whitespace_as_null=True,
                                     schema_sample_rows=None, dtypes=as_text or None)
        except fastexcel.UnsupportedColumnTypeCombinationError as exc:
            column = _UNTYPED_COLUMN.search(str(exc))
            if column is None or column.group(1) in as_text or len(as_text) >= MAX_TEXT_RETRIES:
                return reader.load_sheet(name, header_row=None, skip_rows=0, whitespace_as_null=True,
                                         dtypes="string")
            as_text[column.group(1)] = "string"


_UNTYPED_COLUMN = re.compile(r"could not determine dtype for column (\S+)")


def _raw_sheet(reader: fastexcel.ExcelReader, name: str) -> RawSheet:
    sheet = _load_sheet(reader, name)
    columns = sheet.selected_columns  # available_columns() re-scans the sheet (0.1 s on 200,000 rows)
    if sheet.width > MAX_COLUMNS:
        # A used range stretched by formatting (16,382 columns on a contents page): keep the columns up to
        # the last one holding a value, found from Arrow's null counts before anything is converted.
        batch = sheet.to_arrow()
        filled = [i for i in range(batch.num_columns) if batch.column(i).null_count < batch.num_rows]
        width = filled[-1] + 1 if filled else 0
        if width > MAX_COLUMNS:
            raise SheetError(f"it has {width:,} columns with values; this tool reads up to {MAX_COLUMNS}")
        frame = batch.select(list(range(width))).to_pandas()
    else:
        frame = sheet.to_pandas()
    frame.columns = range(frame.shape[1])
    offset = columns[0].absolute_index if columns else 0
    return RawSheet(name=name, visible=str(sheet.visible) == "visible", grid=frame, column_offset=offset)


def read_workbook(data: bytes, file_type: str = "xlsx", sheet_text: Mapping[str, SheetText] | None = None) -> Book:
    """Every sheet of an .xlsx/.xlsm/.xls/.ods workbook as raw grids, hidden sheets marked.

    A sheet that cannot be read is skipped with a warning naming it; the file is refused only when no
    sheet can be read. Number formats (percentages) and formulas without saved results come out of this
    same read, so no later stage goes back to the bytes. ``sheet_text`` (kept by the file check's own
    inflation) spares inflating a sheet again when it has no percent styles to look for.
    """
    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
    except Exception as exc:  # noqa: BLE001 - the reader's own errors, and what a damaged file makes it raise
        raise IngestError(_reader_message(str(exc))) from exc
    sheets, skipped = [], {}
    styles = _ooxml_styles(data) if file_type in {"xlsx", "xlsm"} else None
    for name in names:
        try:
            sheet = _raw_sheet(reader, name)
        except SheetError as exc:
            skipped[name] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - one damaged sheet must not sink the others
            if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
                raise IngestError(_reader_message(str(exc))) from exc
            skipped[name] = "it could not be read (it looks damaged)"
            continue
        if styles is not None:
            sheet = _with_formats(sheet, *styles, sheet_text or {})
        sheets.append(sheet)
    if not sheets:
        first = next(iter(skipped.items()), None)
        raise IngestError(f"Could not read sheet '{first[0]}': {first[1]}." if first else
                          "This workbook has no sheets: open it in Excel, check it holds the table, save and retry.")
    return Book(sheets, skipped)


def _reader_message(detail: str) -> str:
    lowered = detail.lower()
    if "password" in lowered or "encrypt" in lowered:
        return "This file is password-protected: save an unprotected copy and upload that."
    return "This workbook could not be read (the file looks damaged): open it in Excel, save it again and retry."


_PERCENT_BUILTIN_FORMATS = {9, 10}


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's XML part, by sheet name (the workbook and its relationships parsed once)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {el.get("Id"): el.get("Target") for el in rels}
    paths = {}
    for el in book.iter(f"{{{ns['m']}}}sheet"):
        target = targets.get(el.get(f"{{{ns['r']}}}id"))
        if target is not None:
            paths[el.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


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


def _ooxml_styles(data: bytes) -> tuple[zipfile.ZipFile, set[int], dict[str, str]] | None:
    """The open archive, the indexes of its percent cell styles and its sheets' parts (None when the parts
    cannot be read)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return archive, _percent_styles(archive), _sheet_paths(archive)
    except (KeyError, zipfile.BadZipFile, SafeET.ParseError, ValueError):
        return None  # formats are a refinement; the fast read already succeeded


def _with_formats(sheet: RawSheet, archive: zipfile.ZipFile, percent: set[int], paths: dict[str, str],
                  sheet_text: Mapping[str, SheetText]) -> RawSheet:
    """The sheet with its percent-formatted cells, merged ranges and formulas that have no saved result."""
    path = paths.get(sheet.name)
    if path is None:
        return sheet
    kept = sheet_text.get(path)
    if kept is not None and not percent:
        xml, head, merge_part = b"", kept.head, kept.merges
    else:
        try:
            with archive.open(path) as part:
                xml, head, merge_part = _sheet_xml(part, whole=bool(percent))
        except (KeyError, zipfile.BadZipFile, SafeET.ParseError, ValueError):
            return sheet
    cells = frozenset(_percent_cells(xml, percent, sheet.column_offset)) if percent else frozenset()
    merges = tuple((int(r1) - 1, _column_index(c1.decode()) - sheet.column_offset, int(r2) - 1,
                    _column_index(c2.decode()) - sheet.column_offset)
                   for c1, r1, c2, r2 in _MERGE.findall(merge_part))
    return replace(sheet, percent_cells=cells, uncached_formulas=tuple(uncached_formulas(head)), merges=merges)


def _sheet_xml(part, *, whole: bool) -> tuple[bytes, bytes, bytes]:
    """(whole XML or b"", its head, its merged-ranges list). The whole sheet is kept only when percent styles
    must be looked for; otherwise it is streamed as the file check streams it, keeping only the head and the
    merged ranges (after the cells), so a 100 MB sheet is never held twice."""
    if whole:
        xml = part.read()
        at = xml.rfind(MERGE_START)
        return xml, xml[:SHEET_HEAD_BYTES], xml[at:] if at >= 0 else b""
    kept = stream_sheet_text(part)
    return b"", kept.head, kept.merges


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _percent_cells(xml: bytes, percent: set[int], offset: int):
    """(grid row, grid column) of every cell whose style shows a percentage.

    One scan for the style attribute itself, then a look back to its element's cell reference: the
    sheet's other cells cost nothing, which keeps a 200,000-row sheet fast.
    """
    ids = b"|".join(str(i).encode() for i in sorted(percent))
    for match in re.finditer(rb'\ss="(?:' + ids + rb')"', xml):
        start = xml.rfind(b"<", 0, match.start())
        end = xml.find(b">", match.end())
        tag = _CELL_TAG.match(xml, start, end + 1 if end >= 0 else len(xml))
        if tag is not None:
            yield int(tag.group(2)) - 1, _column_index(tag.group(1).decode()) - offset


_CELL_TAG = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)(\d+)"')
_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SAVED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def uncached_formulas(xml: bytes) -> list[str]:
    """Cells (as 'C2') of a sheet's XML holding a formula with no saved result.

    Excel saves each formula's last result beside it; files written by programs (openpyxl, some report
    generators) often do not, and every reader then sees an empty cell. Only the start of the sheet is
    passed in: such files leave every formula without a result, not a few.
    """
    if b"<f" not in xml and b":f" not in xml or not _FORMULA.search(xml):  # the plain scans are 20x faster
        return []
    cells = []
    for match in _CELL.finditer(xml):
        inner = match.group(2) or b""
        if _FORMULA.search(inner) and not _SAVED_VALUE.search(inner):
            ref = _CELL_REF.search(match.group(1))
            cells.append(ref.group(1).decode() if ref else "?")
    return cells
