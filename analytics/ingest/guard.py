"""Checks made before any parser sees a file: what it really is, and whether it is safe to open.

The readers are fast Rust libraries that trust the file; a zip bomb or a sheet whose declared range spans
the whole grid can make them allocate hundreds of GiB and abort the process. These checks read the
magic bytes and the zip directory, then inflate every part once in 1 MiB chunks, whatever its name, case or
folder: real sizes (not the headers' claims), DTDs anywhere, the workbook's own sheet list and each sheet's
used range. About 1 s per GB inflated; nothing is kept but a few KiB per part.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from analytics.errors import IngestError

# One unit everywhere: the browser's uploader counts server.maxUploadSize in MB of 1,000,000 bytes, so the
# guard does too (Streamlit's server allows 200 MiB, a little more, so the browser's check is the one that binds).
MAX_FILE_MB = 200  # = server.maxUploadSize in .streamlit/config.toml
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # all parts of an .xlsx together, once decompressed
MAX_COMPRESSION_RATIO = 200  # spreadsheet XML compresses 5-30x; bombs compress thousands of times
# A part's real inflated size above this, at a ratio above MAX_COMPRESSION_RATIO, is a bomb; below it a
# repetitive sheet (an ODS of 60,000 identical rows compresses 300x) is simply read.
RATIO_CHECK_FLOOR = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_DECLARED_CELLS = 50_000_000  # a sheet's declared range (rows x columns) above this is refused
MAX_SHEETS = 300

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
TEXT_TYPES = ("csv", "txt", "tsv")
# Web systems' "Excel" exports are often an HTML table (sometimes only <meta> and <table>, no <html>).
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta|style|title)\b")


@dataclass(frozen=True)
class FileCheck:
    """What the bytes are (not what the name says), and what the check's one inflation of a workbook kept
    for the reader: each worksheet part's start and merged-range list (``SheetText``), so a big sheet is not
    inflated again for them."""

    file_type: str  # xlsx, xlsm, xls, ods, csv
    sheet_text: Mapping[str, SheetText] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetText:
    """The first ``SHEET_HEAD_BYTES`` of a worksheet part's XML and its ``<mergeCells>`` list (b"" if none)."""

    head: bytes
    merges: bytes


SHEET_HEAD_BYTES = 2 * 1024 * 1024  # enough cells to see that a writer saved formulas without their results
MAX_KEPT_TEXT_BYTES = 32 * 1024 * 1024  # past this, the reader inflates the remaining sheets itself
MERGE_START = b"<mergeCells"  # a worksheet's merged-range list, after its cells
_WORKSHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


_DAMAGED = ("This file is damaged or incomplete (the spreadsheet container cannot be opened): "
            "try downloading or saving it again.")
# What zipfile raises on damage: names that differ between the local header and the directory, a bad CRC,
# a broken deflate stream (zlib.error), an unsupported version or method, an encrypted entry (RuntimeError).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, OSError, KeyError,
               NotImplementedError, RuntimeError)


def _check_zip(data: bytes, extension: str) -> tuple[str, dict[str, SheetText]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise IngestError(_DAMAGED) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IngestError(f"This workbook has {len(infos):,} internal parts, more than the {MAX_ZIP_ENTRIES:,} "
                          "this tool opens safely.")
    claimed = sum(i.file_size for i in infos)  # the headers' claim: a cheap first refusal, never trusted
    if claimed > MAX_UNZIPPED_BYTES:
        raise IngestError(_unzipped_message(claimed))
    for info in infos:
        if info.flag_bits & 0x1:
            raise IngestError("This file is password-protected (its parts are encrypted): save an unprotected "
                              "copy and upload that.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise IngestError("This workbook is compressed in a way spreadsheet programs do not use (for "
                              "example Deflate64): open it in Excel, save it again and upload that.")
    lowered = {i.filename.lower(): i for i in infos}
    try:
        mimetype = archive.read(lowered["mimetype"])[:100] if "mimetype" in lowered else b""
    except _ZIP_ERRORS as exc:
        raise IngestError(_DAMAGED) from exc
    if b"opendocument.spreadsheet" in mimetype:
        file_type = "ods"
    elif "[content_types].xml" in lowered and any(n.startswith("xl/") for n in lowered):
        file_type = "xlsm" if extension == "xlsm" or "xl/vbaproject.bin" in lowered else "xlsx"
    else:
        raise IngestError("This is a zip file, but not an Excel or OpenDocument workbook.")
    return file_type, _check_parts(archive, infos)


def _unzipped_message(size: int) -> str:
    return (f"This workbook unpacks to more than {min(size, MAX_UNZIPPED_BYTES + 1) / 1024**3:.1f} GB, over the "
            f"{MAX_UNZIPPED_BYTES / 1024**3:.0f} GB limit: split it or save only the sheet you need.")


_CHUNK = 1024 * 1024
_OVERLAP = 64  # bytes carried between chunks so a marker split across two chunks is still seen
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\s")  # one per sheet in the workbook part's own list
_ODS_TABLE = re.compile(rb"<(?:\w+:)?table[\s>]")  # one per sheet in an OpenDocument content part
_WORKBOOK_ROOT = re.compile(rb"<(?:\w+:)?workbook[\s>]")
_ODS_CONTENT_ROOT = re.compile(rb"<(?:\w+:)?document-content[\s>]")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_ANY_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d{1,7})"')


@dataclass
class _PartScan:
    """What the streamed read of one part found: its real size and the markers that matter."""

    size: int = 0
    dtd: bool = False
    sheets: int = 0
    head: bytes = b""  # the prolog and sheet properties, up to <sheetData> (or the first MiB)
    tail: bytes = b""  # the last bytes, whose cell references give a sheet's extent when no dimension is set
    start: bytes = b""  # a worksheet's first SHEET_HEAD_BYTES, kept for the reader (see SheetText)
    merges: bytes = b""  # a worksheet's <mergeCells> list onwards


def stream_sheet_text(part) -> SheetText:
    """A worksheet part's SheetText, streamed from an open part (the reader's way when the check kept none)."""
    scan, carry = _PartScan(), b""
    while chunk := part.read(_CHUNK):
        _keep_sheet_text(scan, carry, chunk)
        carry = chunk[-_OVERLAP:]
    return SheetText(scan.start, scan.merges)


def _keep_sheet_text(scan: _PartScan, carry: bytes, text: bytes) -> None:
    """Keep a worksheet's start and, from where it begins, its merged-range list (after the cells);
    ``carry`` is the end of the last chunk, where the list's start may have been cut."""
    if len(scan.start) < SHEET_HEAD_BYTES:
        scan.start += text[:SHEET_HEAD_BYTES - len(scan.start)]
    if scan.merges:
        scan.merges += text
    elif MERGE_START in carry + text[:len(MERGE_START)] or MERGE_START in text:
        window = carry + text
        scan.merges = window[window.find(MERGE_START):]


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, keep: bool = False) -> _PartScan:
    """Inflate one part in chunks, counting the bytes really produced (the header's size may lie) and
    looking for DTDs anywhere in it, in UTF-8 or UTF-16, whatever its name or folder; with ``keep``, the
    worksheet text the reader needs is kept on the way."""
    scan = _PartScan()
    carry = b""
    kind = None
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            scan.size += len(chunk)
            if scan.size > budget:
                raise IngestError(_unzipped_message(MAX_UNZIPPED_BYTES + 1))
            if kind is None:
                wide = b"\x00" in chunk[:200]
                text = chunk.replace(b"\x00", b"") if wide else chunk
                kind = ("workbook" if _WORKBOOK_ROOT.search(text[:8192]) else
                        "ods" if _ODS_CONTENT_ROOT.search(text[:8192]) else "other")
            text = chunk.replace(b"\x00", b"") if wide else chunk
            # The chunk with the carried bytes before it is only built where a marker may be (a megabyte
            # copied per chunk of a 100 MB sheet adds up).
            # '!' is rare in sheet XML and found by memchr; '<' is in every tag, so looking for '<!' itself
            # in each megabyte costs ten times more (a third of the check's time on a 100 MB sheet).
            seam = carry + text[:_OVERLAP]
            if (b"!" in text and b"<!" in text or b"<!" in seam) and _DTD.search(carry + text):
                scan.dtd = True
                return scan
            if kind == "workbook":
                scan.sheets += _count_new(_SHEET_ENTRY, carry + text, len(carry))
            elif kind == "ods":
                scan.sheets += _count_new(_ODS_TABLE, carry + text, len(carry))
            if len(scan.head) < _CHUNK and not _SHEET_DATA.search(scan.head):
                scan.head = (scan.head + text)[:_CHUNK]
            scan.tail = text[-_TAIL:] if len(text) >= _TAIL else (scan.tail + text)[-_TAIL:]
            if keep and not wide:
                _keep_sheet_text(scan, carry, text)
            carry = text[-_OVERLAP:]
    return scan


_TAIL = 64 * 1024


def _count_new(pattern: re.Pattern, window: bytes, carried: int) -> int:
    """Matches in window that end after the carried-over bytes (those were counted with the last chunk)."""
    return sum(1 for m in pattern.finditer(window) if m.end() > carried)


def _check_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, SheetText]:
    """Every part is inflated once: real sizes, DTDs (entity expansion, external entities), the sheet count
    from the workbook's own list, and sheets whose declared or actual range is absurd. Returns the
    worksheet text kept for the reader, by part name."""
    total = 0
    sheets = 0
    kept: dict[str, SheetText] = {}
    kept_bytes = 0
    for info in infos:
        keep = bool(_WORKSHEET_PART.match(info.filename)) and kept_bytes < MAX_KEPT_TEXT_BYTES
        try:
            scan = _scan_part(archive, info, MAX_UNZIPPED_BYTES - total, keep)
        except _ZIP_ERRORS as exc:
            raise IngestError(_DAMAGED) from exc
        if keep and scan.start:
            kept[info.filename] = SheetText(scan.start, scan.merges)
            kept_bytes += len(scan.start) + len(scan.merges)
        total += scan.size
        if scan.dtd:
            raise IngestError("This file contains XML declarations real spreadsheets never use (a DTD or "
                              "entities), so it was not opened.")
        if scan.size > RATIO_CHECK_FLOOR and scan.size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise IngestError("This file is compressed far more than a real spreadsheet (a 'zip bomb'), "
                              "so it was not opened.")
        sheets += scan.sheets
        if sheets > MAX_SHEETS:
            raise IngestError(f"This workbook has {sheets} sheets, more than the {MAX_SHEETS} this tool reads.")
        _check_extent(scan)
    return kept


def _check_extent(scan: _PartScan) -> None:
    """Refuse a sheet whose used range (its dimension, or else its first and last cells) is absurd."""
    if not _SHEET_DATA.search(scan.head):
        return
    match = _DIMENSION.search(scan.head)
    if match and match.group(3):
        cols = (_column_number(match.group(1)), _column_number(match.group(3)))
        rows = (int(match.group(2)), int(match.group(4)))
        shown = match.group(0).decode().split("=")[1]
    else:  # no dimension: rows are in order, so the tail holds the last row; columns from both ends
        refs = _ANY_REF.findall(scan.head) + _ANY_REF.findall(scan.tail)
        if not refs:
            return
        columns = [_column_number(letters) for letters in {letters for letters, _ in refs}]
        numbers = [int(number) for number in {number for _, number in refs}]
        cols, rows = (min(columns), max(columns)), (min(numbers), max(numbers))
        shown = "from its first and last cells"
    n_rows, n_cols = rows[1] - rows[0] + 1, cols[1] - cols[0] + 1
    if n_rows * n_cols > MAX_DECLARED_CELLS:
        raise IngestError(
            f"A sheet in this workbook declares a used range of {n_rows:,} rows by {n_cols:,} columns "
            f"({shown}): clear the unused cells in Excel (select the empty rows and columns, delete them, "
            "save) and upload it again.")


def _check_cfb(data: bytes) -> str:
    lowered = data.replace(b"\x00", b"")
    if b"EncryptionInfo" in lowered or b"EncryptedPackage" in lowered:
        raise IngestError("This file is password-protected: save an unprotected copy and upload that.")
    if b"Workbook" not in lowered and b"Book" not in lowered:
        raise IngestError("This is an old-style Office file but not an Excel workbook.")
    if _xls_has_filepass(data):
        raise IngestError("This file is password-protected: save an unprotected copy and upload that.")
    return "xls"


def _xls_has_filepass(data: bytes) -> bool:
    """An encrypted BIFF8 workbook has a FILEPASS record (0x002F) straight after the first BOF."""
    bof = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")
    if bof < 0:
        return False
    pos = bof + 4 + 16
    for _ in range(40):  # the first few records of the globals substream
        if pos + 4 > len(data):
            return False
        record, length = int.from_bytes(data[pos:pos + 2], "little"), int.from_bytes(data[pos + 2:pos + 4], "little")
        if record == 0x002F:
            return True
        if record == 0x000A:  # EOF of globals
            return False
        pos += 4 + length
    return False


def _refuse_lookalikes(head: bytes) -> None:
    lowered = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"%PDF"):
        raise IngestError("This is a PDF, not a spreadsheet: export the table to Excel or CSV and upload that.")
    if _HTML_START.match(lowered) or b"<html" in lowered[:1024]:
        raise IngestError("This is a web page (HTML) saved with a spreadsheet name, as some web systems export: "
                          "open it in Excel and save it as .xlsx or .csv, then upload that.")
    if lowered.startswith(b"<?xml"):
        raise IngestError("This is an XML file saved with a spreadsheet name (perhaps an 'XML Spreadsheet'): "
                          "open it in Excel and save it as .xlsx or .csv, then upload that.")
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("This file is not a spreadsheet or CSV that this tool can read (it looks like binary "
                          "data).")


def check_file(data: bytes, filename: str) -> FileCheck:
    """Identify the file from its bytes and refuse anything unsafe or unreadable.

    Raises
    ------
    IngestError
        Empty, too large, encrypted, a zip bomb, a PDF or web page in disguise, an absurd declared range.
    """
    if not data:
        raise IngestError("This file is empty (0 bytes).")
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"This file is {len(data) / 1_000_000:,.1f} MB; the limit is {MAX_FILE_MB} MB.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_ZIP_MAGIC):
        return FileCheck(*_check_zip(data, extension))
    if data.startswith(_CFB_MAGIC):
        return FileCheck(_check_cfb(data))
    if data.startswith(b"PK"):
        raise IngestError("This file is damaged or incomplete (the zip container is broken).")
    _refuse_lookalikes(data[:8192])
    if extension in {"xlsx", "xlsm", "xls", "ods"}:
        raise IngestError(f"This file is named .{extension} but is not a workbook: it may be a CSV or text file "
                          "renamed. Save it again from Excel, or rename it .csv if it is one.")
    return FileCheck("csv")
