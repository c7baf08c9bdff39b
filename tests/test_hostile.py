"""The rest of the hostile-file corpus (issue 7), built by the tests themselves: each file is refused with a
clear IngestError or loaded, inside the sandbox with a 20 s time limit and a 1.5 GB memory cap.

test_guard.py covers empty files, random bytes, truncated zips, PDF/HTML renamed, encrypted OOXML, zip bombs,
entity expansion, cells far apart, oversize files and child aborts.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile

import openpyxl
import pytest

import analytics
from analytics.dataset import Dataset
from analytics.ingest.guard import MAX_SHEETS, check_file
from analytics.ingest.pipeline import Options, parse
from analytics.ingest.sandbox import run_isolated
from tests.conftest import xlsx_bytes

TIME_LIMIT_S = 20
MEMORY_CAP = int(1.5 * 1024**3)


def _load(data: bytes, filename: str) -> Dataset:
    """What analytics.load does, with the issue's limits instead of the app's (60 s, 3 GiB)."""
    check = check_file(data, filename)
    started = time.perf_counter()
    try:
        return run_isolated(parse, data, filename, check.file_type, Options(), time_limit=TIME_LIMIT_S,
                            memory_cap=MEMORY_CAP)
    finally:
        assert time.perf_counter() - started < TIME_LIMIT_S


def _refused(data: bytes, filename: str, match: str) -> str:
    with pytest.raises(analytics.IngestError, match=match) as info:
        _load(data, filename)
    message = info.value.user_message
    assert "Traceback" not in message and "\n" not in message
    return message


def _replace_part(data: bytes, name: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            body = src.read(info)
            archive.writestr(info, edit(body) if info.filename == name else body)
    return out.getvalue()


# --- encrypted legacy .xls -------------------------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, _NOSTREAM, _NOSTREAM, child)
            + b"\0" * 36 + struct.pack("<IQ", start, size))


def _cfb(stream_name: str, stream: bytes) -> bytes:
    """A minimal, valid compound file (version 3, 512-byte sectors) holding one stream of >= 4096 bytes."""
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    n = len(stream) // 512
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    fat = [_FATSECT, _END] + [2 + i + 1 for i in range(n - 1)] + [_END]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", _FREE) * (128 - len(fat))
    directory = (_dir_entry("Root Entry", 5, 1, _END, 0) + _dir_entry(stream_name, 2, _NOSTREAM, 2, len(stream))
                 + _dir_entry("", 0, _NOSTREAM, 0, 0) * 2)
    return header + fat_sector + directory + stream


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _encrypted_xls() -> bytes:
    """A BIFF8 workbook whose globals start BOF, FILEPASS (RC4): what Excel writes for 'password to open'."""
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06))
    filepass = _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x5a" * 48)
    return _cfb("Workbook", bof + filepass + b"\x11" * 600 + _record(0x000A, b""))


def test_encrypted_legacy_xls_refused():
    data = _encrypted_xls()
    assert check_file(_cfb("Workbook", b"\0" * 8), "plain.xls").file_type == "xls"  # the container alone is fine
    _refused(data, "secret.xls", "password-protected: save an unprotected copy")


def test_encrypted_legacy_xls_reader_path_is_an_ingest_error_too():
    """Were the guard to miss FILEPASS, the reader's own failure still reaches the user as an IngestError."""
    with pytest.raises(analytics.IngestError):
        run_isolated(parse, _encrypted_xls(), "secret.xls", "xls", Options(), time_limit=TIME_LIMIT_S,
                     memory_cap=MEMORY_CAP)


# --- HTML table saved as .xls ----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"<html><head><meta charset='utf-8'></head><body><table><tr><th>Month</th><th>Referrals</th></tr>"
    b"<tr><td>Apr 2024</td><td>12</td></tr></table></body></html>",
    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n<table border="1"><tr><td>Month</td>'
    b"<td>Referrals</td></tr><tr><td>Apr 2024</td><td>12</td></tr></table>",
    b"\xef\xbb\xbf  <TABLE><TR><TD>Month</TD><TD>Referrals</TD></TR></TABLE>",
])
def test_html_table_saved_as_xls_refused_with_what_to_do(body):
    _refused(body, "report.xls", r"web page.*save it as \.xlsx or \.csv")


def test_csv_starting_with_a_suppression_marker_is_not_mistaken_for_html():
    data = _load(b"<5,Month\n<5,Apr 2024\n3,May 2024\n4,Jun 2024\n", "odd.csv")
    assert data.ledger.balanced


# --- external entities (XXE) -----------------------------------------------------------------------------

_XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'


def _with_xxe(prolog_padding: int) -> bytes:
    data = xlsx_bytes([["Month", "Note"], ["Apr 2024", "see"], ["May 2024", "see"]])

    def edit(body: bytes) -> bytes:
        body = body.split(b"?>", 1)[-1].lstrip()
        body = body.replace(b"<sheetData>", b"<sheetData>", 1)
        root_end = body.index(b">") + 1
        cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&e;</t></is></c></row>'
        body = body[:root_end] + body[root_end:].replace(b"</sheetData>", cell + b"</sheetData>", 1)
        return _XXE.replace(b"<!DOCTYPE", b"<!--" + b" " * prolog_padding + b"-->\n<!DOCTYPE") + body

    return _replace_part(data, "xl/worksheets/sheet1.xml", edit)


@pytest.mark.parametrize("padding", [0, 8000], ids=["dtd-at-top", "dtd-after-long-comment"])
def test_external_entity_refused(padding):
    message = _refused(_with_xxe(padding), "xxe.xlsx", "DTD")
    assert "root:" not in message


def test_external_entity_never_resolved_even_past_the_guard():
    """Parse directly (no guard): whatever the reader makes of it, /etc/passwd never appears."""
    data = _with_xxe(0)
    try:
        result = run_isolated(parse, data, "xxe.xlsx", "xlsx", Options(), time_limit=TIME_LIMIT_S,
                              memory_cap=MEMORY_CAP)
    except analytics.IngestError as exc:
        text = exc.user_message
    else:
        text = " ".join([result.frame.to_csv(), result.ledger.excluded.to_csv(), *result.warnings])
    assert "root:" not in text


# --- many sheets ---------------------------------------------------------------------------------------------

def _many_sheets(n: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for i in range(n):
        ws = book.create_sheet(f"S{i + 1}")
        ws.append(["Month", "Referrals"])
        for month, value in (("Apr 2024", i), ("May 2024", i + 1), ("Jun 2024", i + 2)):
            ws.append([month, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_300_sheets_load_and_301_are_refused():
    data = _load(_many_sheets(MAX_SHEETS), "many.xlsx")
    assert len(data.source.sheets) == MAX_SHEETS and data.ledger.balanced
    _refused(_many_sheets(MAX_SHEETS + 1), "too_many.xlsx", f"{MAX_SHEETS + 1} sheets, more than the {MAX_SHEETS}")


# --- a used range of every row --------------------------------------------------------------------------------

def test_used_range_of_every_row_with_two_cells_is_refused_clearly():
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    book.active["A1048576"] = 2
    buffer = io.BytesIO()
    book.save(buffer)
    _refused(buffer.getvalue(), "tall.xlsx", "No table found")


def test_small_table_with_a_note_in_the_last_row_loads():
    book = openpyxl.Workbook()
    ws = book.active
    for row in (["Month", "Referrals"], ["Apr 2024", 10], ["May 2024", 12], ["Jun 2024", 9]):
        ws.append(row)
    ws["A1048576"] = "Source: case management system"
    buffer = io.BytesIO()
    book.save(buffer)
    data = _load(buffer.getvalue(), "tall.xlsx")
    assert data.frame["value"].tolist() == [10, 12, 9]
    assert data.ledger.rows_read == 1_048_576 and data.ledger.balanced


# --- formulas without saved values -----------------------------------------------------------------------------

def _formulas(cached: bool) -> bytes:
    rows = [["Month", "Referrals", "Doubled"]] + [[m, i, f"=B{i + 2}*2"] for i, m in
                                                   enumerate(["Apr 2024", "May 2024", "Jun 2024"])]
    data = xlsx_bytes(rows)
    if cached:  # what Excel writes: the formula and its last result
        data = _replace_part(data, "xl/worksheets/sheet1.xml",
                             lambda body: body.replace(b"*2</f><v></v>", b"*2</f><v>4</v>"))
    return data


def test_formulas_without_saved_values_refused():
    _refused(_formulas(cached=False), "generated.xlsx", "no saved result.*open and save it in Excel first")


def test_formulas_without_saved_values_refused_even_when_no_table_is_left():
    data = xlsx_bytes([["Month", "Referrals"]] + [[m, f"={i}+1"] for i, m in enumerate(["Apr 2024", "May 2024"])])
    _refused(data, "generated.xlsx", "open and save it in Excel first")


def test_formulas_with_saved_values_load():
    data = _load(_formulas(cached=True), "saved.xlsx")
    assert data.frame.loc[data.frame["measure"] == "Doubled", "value"].tolist() == [4, 4, 4]


def test_empty_column_under_a_header_does_not_crash():
    """Regression: an all-blank column came back from the reader as Arrow's null type and crashed tidy."""
    data = _load(xlsx_bytes([["Month", "Referrals", "Comment"], ["Apr 2024", 1], ["May 2024", 2], ["Jun 2024", 3]]),
                 "blank_column.xlsx")
    assert data.frame["value"].tolist() == [1, 2, 3]


# --- cp1252 CSV ---------------------------------------------------------------------------------------------------

def test_cp1252_csv_with_pound_signs_and_smart_quotes():
    text = ("Month,Cost (£),Comment\r\n"
            "Apr 2024,\"£1,234\",\u201cagreed\u201d\r\n"
            "May 2024,£2,345.50,\u2018late\u2019\r\n"
            "Jun 2024,£999,\u2013\r\n")
    text = text.replace("£2,345.50", "\"£2,345.50\"")
    data = _load(text.encode("cp1252"), "finance.csv")
    assert data.frame["value"].tolist() == [1234, 2345.5, 999]
    assert "\u201cagreed\u201d" in set(data.frame["comment"])
    assert data.ledger.balanced


def test_formula_only_in_the_totals_row_loads_with_a_warning():
    rows = [["Month", "Referrals"], ["Apr 2024", 5], ["May 2024", 6], ["Jun 2024", 7], ["Total", "=SUM(B2:B4)"]]
    data = _load(xlsx_bytes(rows), "totals_formula.xlsx")
    assert data.frame["value"].tolist() == [5, 6, 7]
    assert any("not data" in w and "B5" in w for w in data.warnings)
