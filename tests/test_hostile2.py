"""The second hostile corpus (issue 16), built by code: every case with its expected outcome, read as the app
reads it (guard, then the sandboxed parse), loaded with the right values or refused with a plain message.

Cases the issue lists that live elsewhere: the parse queue, core-dump limit, crash text and the Windows
fallback in test_guard.py; host names, upload limit and dataframe export in test_privacy.py; the Markdown
browser test in test_privacy.py; the UI's cache and containment in test_sessions.py.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest

import analytics
from analytics import analysis, commentary
from analytics.compare import format_number
from analytics.dataset import Dataset
from analytics.ingest.guard import MAX_SHEETS
from tests.conftest import xlsx_bytes

DATA = Path(__file__).parent / "data"
MONTHS = [f"2024-{m:02d}-01" for m in range(1, 13)]
CALLS = [10.0 * m for m in range(1, 13)]


def _refused(data: bytes, filename: str, match: str) -> str:
    with pytest.raises(analytics.IngestError, match=match) as info:
        analytics.load(data, filename=filename)
    message = info.value.user_message
    assert "Traceback" not in message and "\n" not in message
    return message


def _values(data: Dataset, measure: str = "Calls") -> list[float]:
    rows = data.frame[data.frame["measure"] == measure]
    return rows["value"].tolist()


def _monthly_workbook() -> bytes:
    return xlsx_bytes([["Month", "Calls"], *[[m, v] for m, v in zip(MONTHS, CALLS, strict=True)]])


def _rezip(data: bytes, edit=None, rename=None, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook's parts written again, each body edited and name changed as asked."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            body = src.read(info)
            name = rename(info.filename) if rename else info.filename
            archive.writestr(name, edit(info.filename, body) if edit else body)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return out.getvalue()


# --- zip containers --------------------------------------------------------------------------------------

def test_local_name_differs_from_the_central_directory():
    data = bytearray(_monthly_workbook())
    first = data.index(b"xl/worksheets/sheet1.xml")  # the local header's copy comes first
    data[first:first + 24] = b"xl/worksheets/sheetX.xml"
    _refused(bytes(data), "renamed.xlsx", "damaged or incomplete")


def test_corrupt_crc():
    data = bytearray(_monthly_workbook())
    central = data.rindex(b"xl/worksheets/sheet1.xml") - 46
    data[central + 16:central + 20] = b"\0\0\0\0"
    _refused(bytes(data), "crc.xlsx", "damaged or incomplete")


def test_corrupt_deflate_stream():
    data = bytearray(_monthly_workbook())
    local = data.index(b"xl/worksheets/sheet1.xml") - 30
    start = local + 30 + len(b"xl/worksheets/sheet1.xml") + struct.unpack("<H", data[local + 28:local + 30])[0]
    data[start:start + 8] = b"\xff" * 8
    _refused(bytes(data), "deflate.xlsx", "damaged or incomplete")


def _set_method(data: bytes, name: bytes, method: int, flags: int = 0) -> bytes:
    """Patch a part's compression method (and flag bits) in both its local and central headers."""
    out = bytearray(data)
    local = out.index(name) - 30
    central = out.rindex(name) - 46
    struct.pack_into("<H", out, local + 8, method)
    struct.pack_into("<H", out, central + 10, method)
    if flags:
        struct.pack_into("<H", out, local + 6, flags)
        struct.pack_into("<H", out, central + 8, flags)
    return bytes(out)


def test_deflate64_entry():
    data = _set_method(_monthly_workbook(), b"xl/worksheets/sheet1.xml", 9)
    _refused(data, "deflate64.xlsx", "compressed in a way spreadsheet programs do not use")


def test_encrypted_entry():
    data = _set_method(_monthly_workbook(), b"xl/worksheets/sheet1.xml", 8, flags=0x1)
    _refused(data, "zipcrypto.xlsx", "password-protected")


def test_headers_that_understate_the_inflated_size():
    """A 300 MB part whose headers claim 1 KB: the guard counts real bytes and the CRC gives it away."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (300 * 1024 * 1024))
    data = bytearray(out.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    struct.pack_into("<I", data, data.index(name) - 30 + 22, 1024)
    struct.pack_into("<I", data, data.rindex(name) - 46 + 24, 1024)
    _refused(bytes(data), "understated.xlsx", "damaged or incomplete|unpacks to more than|zip bomb")


def test_many_parts_just_under_ten_megabytes():
    """A hundred and ten 9.9 MB parts (1.1 GB in all, each below any per-part rule): refused by the real total."""
    out = io.BytesIO()
    body = b"<x>" + b"0" * int(9.9 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(110):
            archive.writestr(f"xl/media/part{i}.xml", body)
    _refused(out.getvalue(), "many.xlsx", "unpacks to more than 1.0 GB")


# --- XML parts ---------------------------------------------------------------------------------------------

_DTD = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _with_dtd(prefix: bytes, *, part: str = "xl/worksheets/sheet1.xml", encoding: str | None = None) -> bytes:
    def edit(name: str, body: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return body
        body = body.split(b"?>", 1)[-1].lstrip()
        text = prefix + _DTD + body
        return text.decode().encode(encoding) if encoding else text

    return _rezip(_monthly_workbook(), edit, rename=lambda n: part if n == "xl/worksheets/sheet1.xml" else n)


def test_dtd_in_an_upper_case_xml_part_name():
    _refused(_with_dtd(b"", part="xl/worksheets/SHEET1.XML"), "upper.xlsx", "DTD")


def test_dtd_after_a_comment_holding_an_element_start():
    _refused(_with_dtd(b"<!-- <a href='x'> -->\n"), "comment.xlsx", "DTD")


def test_dtd_in_a_utf16_part():
    _refused(_with_dtd(b'<?xml version="1.0" encoding="UTF-16"?>\n', encoding="utf-16"), "utf16.xlsx", "DTD")


def _cells_far_apart(*, dimension: bytes | None, padding: int = 0) -> bytes:
    def edit(name: str, body: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return body
        body = re.sub(rb"<dimension [^>]*/>", b"", body)
        pad = b'<sheetPr><tabColor rgb="FF000000"/></sheetPr>'
        widths = b"".join(b'<col min="%d" max="%d" width="9"/>' % (i, i) for i in range(1, padding))
        head = pad + (dimension or b"") if not padding else pad + b"<cols>" + widths + b"</cols>"
        body = re.sub(rb"(<worksheet[^>]*>)", lambda m: m.group(1) + head, body, count=1)
        if padding and dimension:  # a dimension after the first 4 KB (schema order broken on purpose)
            body = body.replace(b"<sheetData>", dimension + b"<sheetData>", 1)
        far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        return body.replace(b"</sheetData>", far + b"</sheetData>", 1)

    return _rezip(_monthly_workbook(), edit)


def test_cells_far_apart_with_no_dimension():
    _refused(_cells_far_apart(dimension=None), "nodim.xlsx", "used range of 1,048,576 rows by 16,384 columns")


def test_cells_far_apart_with_the_dimension_after_the_first_4_kb():
    data = _cells_far_apart(dimension=b'<dimension ref="A1:XFD1048576"/>', padding=200)
    _refused(data, "latedim.xlsx", "used range of 1,048,576 rows by 16,384 columns")


def _many_sheets_elsewhere(n: int) -> bytes:
    """n sheets whose parts sit outside xl/worksheets/ (the workbook's rels point there)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for i in range(n):
        book.create_sheet(f"S{i + 1}").append(["Month", "Calls"])
    buffer = io.BytesIO()
    book.save(buffer)
    return _rezip(buffer.getvalue(), edit=lambda name, body: body.replace(b"worksheets/", b"elsewhere/"),
                  rename=lambda name: name.replace("xl/worksheets/", "xl/elsewhere/"))


def test_sheets_outside_the_worksheets_folder_still_count():
    _refused(_many_sheets_elsewhere(MAX_SHEETS + 1), "elsewhere.xlsx", f"{MAX_SHEETS + 1} sheets, more than")


def test_workbook_with_no_sheets():
    data = _rezip(_monthly_workbook(), lambda name, body: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body)
                  if name == "xl/workbook.xml" else body)
    _refused(data, "nosheets.xlsx", "no sheets")


def _ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet written cell by cell (no row repeats), as report tools write."""
    def cell(value: str) -> str:
        try:
            kind = f'office:value-type="float" office:value="{float(value)}"'
        except ValueError:
            kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{value}</text:p></table:table-cell>"

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Sheet1">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def test_ods_of_60000_identical_rows_is_judged_by_its_real_size():
    """It compresses far more than 200x, but inflates to tens of MB, not a bomb: it loads."""
    data = _ods([["Team", "Calls"], *[["North", "5"]] * 60_000])
    content = zipfile.ZipFile(io.BytesIO(data)).getinfo("content.xml")
    assert content.file_size > 200 * content.compress_size  # the old ratio rule refused this
    loaded = analytics.load(data, filename="identical.ods")
    assert loaded.ledger.balanced and loaded.ledger.rows_read == 60_001


# --- text files ----------------------------------------------------------------------------------------------

def _csv(line_end: str | list[str] = "\n", *, header: str = "Month,Calls", cells=None) -> str:
    ends = line_end if isinstance(line_end, list) else [line_end]
    cells = cells or [f"{m},{v:g}" for m, v in zip(MONTHS, CALLS, strict=True)]
    return header + ends[0] + "".join(row + ends[(i + 1) % len(ends)] for i, row in enumerate(cells))


@pytest.mark.parametrize("ends", ["\r", ["\r", "\n", "\r\n"]], ids=["cr-only", "mixed"])
def test_line_ends(ends):
    assert _values(analytics.load(_csv(ends).encode(), filename="ends.csv")) == CALLS


def test_excel_unicode_text_export():
    """Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF, named .txt."""
    text = _csv("\r\n").replace(",", "\t")
    data = analytics.load(b"\xff\xfe" + text.encode("utf-16-le"), filename="export.txt")
    assert _values(data) == CALLS and data.ledger.balanced


def test_a_field_longer_than_the_csv_module_default():
    note = "x" * 200_000
    cells = [f"{m},{v:g},{note if i == 3 else 'ok'}" for i, (m, v) in enumerate(zip(MONTHS, CALLS, strict=True))]
    data = analytics.load(_csv(header="Month,Calls,Comment", cells=cells).encode(), filename="long.csv")
    assert _values(data) == CALLS


@pytest.mark.parametrize("far", ["3000-01-01", "2262-04-12", "1500-06-01"])
def test_dates_outside_pandas_range_are_set_aside_with_a_reason(far):
    cells = [f"{m},{v:g}" for m, v in zip(MONTHS, CALLS, strict=True)] + [f"{far},999"]
    data = analytics.load(_csv(cells=cells).encode(), filename="far.csv")
    assert _values(data) == CALLS
    assert any("before 1677 or after 2262" in w for w in data.warnings)
    set_aside = data.ledger.excluded[data.ledger.excluded["row"] == 14]
    assert len(set_aside) == 1 and far in set_aside["detail"].iloc[0]


def test_a_date_out_of_range_in_a_workbook_cell():
    import datetime as dt

    rows = [["Month", "Calls"], *[[dt.datetime(2024, m, 1), v] for m, v in zip(range(1, 13), CALLS, strict=True)],
            [dt.datetime(3000, 1, 1), 999]]
    data = analytics.load(xlsx_bytes(rows), filename="far.xlsx")
    assert _values(data) == CALLS and any("after 2262" in w for w in data.warnings)


def test_e_notation_and_other_excel_number_forms():
    forms = ["1.5E+03", "2.5e3", "-1.5E+01", "(1,234.5)", "£-20", "-£20", "+12", "7.", "$5", "€6", "1,000", ".5"]
    expected = [1500, 2500, -15, -1234.5, -20, -20, 12, 7, 5, 6, 1000, 0.5]
    cells = [f'{m},"{f}"' for m, f in zip(MONTHS, forms, strict=True)]
    data = analytics.load(_csv(cells=cells).encode(), filename="forms.csv")
    assert _values(data) == expected and data.ledger.excluded["reason"].eq("not a number").sum() == 0


def test_one_cell_of_1e200_reads_and_is_described():
    cells = [f"{m},{'1e200' if i == 11 else f'{v:g}'}" for i, (m, v) in enumerate(zip(MONTHS, CALLS, strict=True))]
    data = analytics.load(_csv(cells=cells).encode(), filename="huge.csv")
    assert _values(data)[-1] == 1e200
    results = analysis.analyse_dataset(data)  # as the KPI summary and the pack do
    sentences = [s.text for r in results for s in commentary.describe_series(r)]
    assert sentences and format_number(1e200).startswith("99,999,999,999,999,9")


def test_header_past_leading_blank_columns():
    cells = [",,,,,,,," + f"{m},{v:g}" for m, v in zip(MONTHS, CALLS, strict=True)]
    data = analytics.load(_csv(header=",,,,,,,,Month,Calls", cells=cells).encode(), filename="indented.csv")
    assert list(data.measures) == ["Calls"] and _values(data) == CALLS


def test_markdown_and_html_in_names_and_headers_are_kept_as_text():
    header = "Week ending ![i](http://127.0.0.1:9/x.png),[Click to re-enter your password](http://127.0.0.1:9/p)"
    data = analytics.load(_csv(header=header).encode(), filename="![x](http://127.0.0.1:9/n.png).csv")
    assert list(data.measures) == ["[Click to re-enter your password](http://127.0.0.1:9/p)"]


# --- random damage ---------------------------------------------------------------------------------------------

def _mutations(base: bytes, n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        out.append(bytes(data))
    return out


@pytest.mark.parametrize("name, base, n", [
    ("x.xlsx", _monthly_workbook(), 60),
    ("x.xls", (DATA / "ic_pss_grants_to_voluntary_orgs_by_council_2007_08.xls").read_bytes(), 12),
], ids=["xlsx", "xls"])
def test_random_byte_changes_are_read_or_refused_never_a_crash(name, base, n):
    outcomes = {"loaded": 0, "refused": 0}
    for data in _mutations(base, n, seed=16):
        try:
            analytics.load(data, filename=name)
            outcomes["loaded"] += 1
        except analytics.IngestError as exc:
            assert "max() arg" not in exc.user_message and "\n" not in exc.user_message
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == n  # no other exception escaped


# --- the app's side: cached refusals, byte-bounded cache, contained faults ---------------------------------------

@pytest.fixture
def fresh_cache(monkeypatch):
    import ui

    cache = ui.ReadCache()
    monkeypatch.setattr(ui.session, "read_cache", lambda: cache)
    return cache


def _counting_load(monkeypatch, behaviour):
    import ui

    calls = []

    def load(data, *, filename, options, on_wait=None):
        calls.append(filename)
        return behaviour(data, filename)

    monkeypatch.setattr(ui.session.analytics, "load", load)
    return calls


def test_a_refusal_is_cached_like_a_success(fresh_cache, monkeypatch):
    import ui

    def refuse(data, filename):
        raise analytics.IngestError("No table found: nothing like a table.")

    calls = _counting_load(monkeypatch, refuse)
    upload = ui.Upload("slow_refusal.csv", b"whatever")
    for _ in range(3):  # three reruns or pages
        with pytest.raises(analytics.IngestError, match="No table found"):
            ui.read(upload)
    assert calls == ["slow_refusal.csv"]
    other_options = ui.Upload("slow_refusal.csv", b"whatever", ui.Options(header_row=2))
    with pytest.raises(analytics.IngestError):
        ui.read(other_options)  # the key is the bytes and the options
    assert len(calls) == 2


def test_a_fault_in_one_file_is_contained_and_logs_no_file_text(fresh_cache, monkeypatch, caplog):
    import ui

    real_load = analytics.load

    def behave(data, filename):
        if filename == "bad.csv":
            raise ValueError("Out of bounds nanosecond timestamp: 3000-01-01 SECRET-CELL")
        return real_load(data, filename=filename, isolated=False)

    _counting_load(monkeypatch, behave)
    shown = []
    monkeypatch.setattr(ui.panels.st, "error", lambda text, **_: shown.append(text))
    good = _csv().encode()
    ui.registry().clear()
    ui.add_upload("bad.csv", b"x,y\n1,2\n")
    ui.add_upload("good.csv", good)
    with caplog.at_level("WARNING"):
        assert ui.dataset("bad.csv") is None
        assert set(ui.loaded()) == {"good.csv"}  # the other file and the pages that list files carry on
    assert len(shown) == 1 and "fault in this tool" in shown[0] and "ValueError" in shown[0]
    assert "SECRET" not in caplog.text and "3000" not in caplog.text
    assert ui.Upload("bad.csv", b"x,y\n1,2\n").digest[:16] in caplog.text
    assert "SECRET" not in shown[0]


def test_cache_is_bounded_by_bytes_and_remove_all_releases_the_session():
    import ui

    limit = 3 * 1024**2
    cache = ui.ReadCache(limit)
    datasets = [analytics.load(_csv(cells=[f"{m},{v + i}" for m, v in zip(MONTHS, CALLS, strict=True)] * 200)
                               .encode(), filename=f"f{i}.csv", isolated=False) for i in range(2)]
    size = ui.size_in_memory(datasets[0])
    assert size > 50_000  # entries of real size, so the byte bound (not the count) decides
    for i in range(50):  # 50 distinct uploads: the total never passes the limit
        cache.get(f"digest{i}", ("f.csv", ui.Options(), "read"), "session-a", lambda i=i: datasets[i % 2])
        assert cache.total_bytes <= limit
    kept = len(cache)
    assert 0 < kept < 50 and kept == limit // size
    cache.get("shared", ("f.csv", ui.Options(), "read"), "session-b", lambda: datasets[0])
    cache.get("shared", ("f.csv", ui.Options(), "read"), "session-a", lambda: datasets[0])
    cache.release("session-a")  # Remove all data in session a
    assert len(cache) == 1  # only the entry session b still uses
    cache.release("session-b")
    assert len(cache) == 0 and cache.total_bytes == 0


def test_a_fault_while_charting_one_series_is_contained(monkeypatch, caplog):
    """Issue 16 found decimal.InvalidOperation on Explore; any such fault stays inside its own panel."""
    import ui

    data = analytics.load(_csv().encode(), filename="ok.csv", isolated=False)
    shown = []
    monkeypatch.setattr(ui.panels.st, "error", lambda text, **_: shown.append(text))

    def broken(*args, **kwargs):
        raise ArithmeticError("SECRET-CELL 1e200")

    monkeypatch.setattr(ui.panels, "analyse", broken)
    with caplog.at_level("WARNING"):
        ui.trend_panel(data, "Calls", key="t")
    assert len(shown) == 1 and "ArithmeticError" in shown[0] and "SECRET" not in shown[0]
    assert "ArithmeticError" in caplog.text and "SECRET" not in caplog.text and "Calls" not in caplog.text
