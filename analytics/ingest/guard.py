"""Checks made before any parser sees a file: what it really is, and whether it is safe to open.

The readers are fast Rust libraries that trust the file; a zip bomb or a sheet whose declared range spans
the whole grid can make them allocate hundreds of GiB and abort the process. These checks read only
magic bytes, the zip central directory and the first bytes of each XML part, so they cost milliseconds.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from analytics.errors import IngestError

MAX_FILE_BYTES = 200 * 1024 * 1024  # matches server.maxUploadSize in .streamlit/config.toml
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # all parts of an .xlsx together, once decompressed
MAX_COMPRESSION_RATIO = 200  # spreadsheet XML compresses 5-30x; bombs compress thousands of times
RATIO_CHECK_FLOOR = 10 * 1024 * 1024  # small parts may compress well without being a threat
MAX_ZIP_ENTRIES = 10_000
MAX_DECLARED_CELLS = 50_000_000  # a sheet's declared range (rows x columns) above this is refused
MAX_SHEETS = 300

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_ELEMENT = re.compile(rb"<[A-Za-z_]")  # the first element start ends the prolog, where a DTD would be
_XML_HEAD = 4096
TEXT_TYPES = ("csv", "txt", "tsv")
# Web systems' "Excel" exports are often an HTML table (sometimes only <meta> and <table>, no <html>).
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta|style|title)\b")


@dataclass(frozen=True)
class FileCheck:
    """What the bytes are (not what the name says)."""

    file_type: str  # xlsx, xlsm, xls, ods, csv


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _check_zip(data: bytes, extension: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise IngestError("This file is damaged or incomplete (the spreadsheet container cannot be opened): "
                          "try downloading or saving it again.") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IngestError(f"This workbook has {len(infos):,} internal parts, more than the {MAX_ZIP_ENTRIES:,} "
                          "this tool opens safely.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise IngestError(f"This workbook unpacks to {total / 1024**3:.1f} GB, more than the "
                          f"{MAX_UNZIPPED_BYTES / 1024**3:.0f} GB limit: split it or save only the sheet you need.")
    for info in infos:
        if info.file_size > RATIO_CHECK_FLOOR and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise IngestError("This file is compressed far more than a real spreadsheet (a 'zip bomb'), "
                              "so it was not opened.")
    names = {i.filename for i in infos}
    if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype")[:100]:
        file_type = "ods"
    elif "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        file_type = "xlsm" if extension == "xlsm" or "xl/vbaProject.bin" in names else "xlsx"
    else:
        raise IngestError("This is a zip file, but not an Excel or OpenDocument workbook.")
    _check_xml_parts(archive, infos)
    return file_type


def _check_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse DTDs (entity expansion, external entities) and sheets whose declared range is absurd."""
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        raise IngestError(f"This workbook has {len(sheets)} sheets, more than the {MAX_SHEETS} this tool reads.")
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(info) as part:
            head = part.read(_XML_HEAD)
        if _DTD.search(head) or (len(head) == _XML_HEAD and not _ELEMENT.search(head)):
            # A DTD may only sit before the first element; a prolog longer than the head could hide one.
            raise IngestError("This file contains XML declarations real spreadsheets never use (a DTD or "
                              "entities), so it was not opened.")
        match = _DIMENSION.search(head) if info in sheets else None
        if match and match.group(3):
            rows = int(match.group(4)) - int(match.group(2)) + 1
            cols = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
            if rows * cols > MAX_DECLARED_CELLS:
                raise IngestError(
                    f"A sheet in this workbook declares a used range of {rows:,} rows by {cols:,} columns "
                    f"({match.group(0).decode().split('=')[1]}): clear the unused cells in Excel (select the "
                    "empty rows and columns, delete them, save) and upload it again.")


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
        raise IngestError(f"This file is {len(data) / 1024**2:.0f} MB; the limit is "
                          f"{MAX_FILE_BYTES / 1024**2:.0f} MB.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_ZIP_MAGIC):
        return FileCheck(_check_zip(data, extension))
    if data.startswith(_CFB_MAGIC):
        return FileCheck(_check_cfb(data))
    if data.startswith(b"PK"):
        raise IngestError("This file is damaged or incomplete (the zip container is broken).")
    _refuse_lookalikes(data[:8192])
    if extension in {"xlsx", "xlsm", "xls", "ods"}:
        raise IngestError(f"This file is named .{extension} but is not a workbook: it may be a CSV or text file "
                          "renamed. Save it again from Excel, or rename it .csv if it is one.")
    return FileCheck("csv")
