"""Hostile and broken files are refused with a clear IngestError, and a crashing reader cannot take the
process down (the parse runs in a capped child)."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest

import analytics
from analytics.ingest import sandbox
from analytics.ingest.guard import MAX_FILE_BYTES


def _refused(data: bytes, filename: str, match: str) -> None:
    with pytest.raises(analytics.IngestError, match=match) as info:
        analytics.load(data, filename=filename)
    assert "Traceback" not in info.value.user_message and "\n" not in info.value.user_message


def test_empty_file():
    _refused(b"", "x.xlsx", "empty")


def test_random_bytes_named_xlsx():
    _refused(os.urandom(4096).replace(b"PK", b"pk"), "x.xlsx", "not a (spreadsheet|workbook)")


def test_truncated_zip(make_xlsx):
    data = make_xlsx([["Month", "X"], ["Apr 2024", 1]])
    _refused(data[: len(data) // 2], "x.xlsx", "damaged or incomplete")


def test_pdf_and_html_renamed():
    _refused(b"%PDF-1.7\n%...", "report.xlsx", "PDF")
    _refused(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "export.xls", "web page")


def test_encrypted_ooxml_container():
    # An encrypted .xlsx is a CFB file holding EncryptionInfo and EncryptedPackage streams.
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512
    _refused(cfb, "secret.xlsx", "password-protected")


def test_zip_bomb_by_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    _refused(buffer.getvalue(), "bomb.xlsx", "zip bomb")


def test_xml_entity_expansion_refused(make_xlsx):
    data = make_xlsx([["Month", "X"], ["Apr 2024", 1]])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>' + body.split(b"?>", 1)[-1]
            archive.writestr(info, body)
    _refused(out.getvalue(), "billion.xlsx", "DTD")


def test_cells_far_apart_refused_before_parsing():
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    book.active["XFD1048576"] = 2
    buffer = io.BytesIO()
    book.save(buffer)
    _refused(buffer.getvalue(), "far.xlsx", "used range of 1,048,576 rows")


def test_too_big():
    _refused(b"a,b\n" * (MAX_FILE_BYTES // 4 + 1), "big.csv", "limit is 200 MB")


def _abort() -> None:
    os.abort()


def _allocate() -> bytes:
    return bytearray(8 * 1024**3)


def _boom() -> None:
    raise ValueError("a bug")


def test_child_abort_becomes_ingest_error_and_parent_survives():
    with pytest.raises(analytics.IngestError, match="memory"):
        sandbox.run_isolated(_abort)
    with pytest.raises(analytics.IngestError, match="memory"):
        sandbox.run_isolated(_allocate, memory_cap=1024**3)
    assert sandbox.run_isolated(sum, [1, 2, 3]) == 6  # the next parse still works


def test_time_limit():
    import time

    with pytest.raises(analytics.IngestError, match="longer than 1 seconds"):
        sandbox.run_isolated(time.sleep, 30, time_limit=1)


def test_bugs_in_the_child_are_not_hidden():
    with pytest.raises(RuntimeError, match="ValueError: a bug"):
        sandbox.run_isolated(_boom)
