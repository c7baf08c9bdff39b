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
    """Judged by the real inflated size (300 MB from 300 KB), not the header's claim."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
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


@pytest.mark.parametrize("at", [0, 1, 2, 30])
def test_a_dtd_deep_in_a_big_part_is_found_wherever_the_chunks_split_it(at):
    """The check looks for '<!' only in chunks holding a '!' (a memchr scan): a DTD split across two
    1 MiB chunks ('<' ending one, '!DOCTYPE' starting the next) or deep inside one is still refused."""
    from analytics.ingest.guard import check_file

    chunk = 1024 * 1024
    filler = b"<x/>" * (chunk // 4)  # no '!' anywhere
    body = filler[:chunk - at] + b"<!DOCTYPE d>" + filler
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", body)
    with pytest.raises(analytics.IngestError, match="DTD"):
        check_file(data.getvalue(), "deep.xlsx")


def test_sandbox_start_runs_the_forkserver_and_a_load_still_works():
    """`sandbox.start` (app.py calls it at start-up) leaves one forkserver running; calling it again starts
    no other, and files load through it."""
    from multiprocessing import forkserver

    if sandbox.start_method() != "forkserver":
        pytest.skip("children are spawned here: there is no forkserver to start")
    sandbox.start()
    pid = forkserver._forkserver._forkserver_pid  # the stdlib's record of the server it started
    sandbox.start()
    assert pid is not None and forkserver._forkserver._forkserver_pid == pid
    os.kill(pid, 0)  # alive
    assert analytics.load(b"Week,Calls\n01/04/2024,5\n08/04/2024,6\n", filename="w.csv").frame["value"].sum() == 11


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


def _every_dtype() -> dict:
    """A result with every kind of column a Dataset holds, and the awkward cases around them."""
    import numpy as np
    import pandas as pd

    n = 5
    frame = pd.DataFrame({
        "float": [1.5, np.nan, -0.0, np.inf, 2.0], "int": np.arange(n, dtype=np.int64),
        "bool": [True, False, True, True, False], "nullable_int": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        "nullable_bool": pd.array([True, None, False, True, None], dtype="boolean"),
        "str": pd.Series(["a", None, "£1,234", "", "x" * 100], dtype="str"),
        "python_string": pd.Series(["a", pd.NA, "b", "c", "é"], dtype="string[python]"),
        "arrow_string": pd.Series(["a", None, "b", "c", "d"], dtype="string[pyarrow]"),
        "object": pd.Series([1, "two", None, pd.Timestamp("2024-01-01"), 4.5], dtype=object),
        "category": pd.Categorical(["data", "header", None, "data", "notes"],
                                   categories=["metadata", "header", "data", "notes"]),
        "datetime_ns": pd.to_datetime(["2024-04-01", None, "2024-04-15", "2025-03-31", "1999-12-31"]),
        "datetime_us": pd.Series(pd.to_datetime(["2024-04-01"] * n)).astype("datetime64[us]"),
        "tz": pd.date_range("2024-03-30", periods=n, freq="D", tz="Europe/London"),
        "timedelta": pd.to_timedelta([1, 2, None, 4, 5], unit="D"),
    }, index=pd.RangeIndex(10, 10 + n))
    return {"frame": frame, "every_other_row": frame.iloc[::2], "empty": frame.iloc[:0],
            "strided": np.arange(20.0).reshape(4, 5)[:, ::2], "fortran": np.asfortranarray(np.ones((3, 2))),
            "bytes": b"\x00" * 100_000, "nested": (("a", 1), {"b": [np.float64(2.5), None]})}


def test_a_result_comes_back_equal_whatever_its_dtypes_and_its_arrays_writable():
    """The result crosses the process boundary as pickle protocol 5 with out-of-band buffers."""
    import numpy as np
    import pandas as pd

    got, expected = sandbox.run_isolated(_every_dtype), _every_dtype()
    for name in ("frame", "every_other_row", "empty"):
        pd.testing.assert_frame_equal(got[name], expected[name], check_exact=True)
        assert got[name].dtypes.to_dict() == expected[name].dtypes.to_dict()
    np.testing.assert_array_equal(got["strided"], expected["strided"])
    assert got["fortran"].flags.f_contiguous
    assert got["bytes"] == expected["bytes"] and got["nested"] == expected["nested"]
    assert got["fortran"].flags.writeable and got["strided"].flags.writeable  # as arrays made in-process are
    got["frame"].loc[10, "float"] = 9.0
    got["frame"].loc[11, "int"] = 7
    assert got["frame"]["float"].iloc[0] == 9.0 and got["frame"]["int"].iloc[1] == 7


def test_a_loaded_dataset_is_the_same_in_the_sandbox_as_in_process(make_xlsx):
    import pandas as pd

    data = make_xlsx([["Month", "Calls", "Team"], ["Apr 2024", 1, "North"], ["May 2024", "c", "South"],
                      ["Jun 2024", 3, None], ["Total", 4, None]])
    isolated, direct = analytics.load(data, filename="a.xlsx"), analytics.load(data, filename="a.xlsx",
                                                                              isolated=False)
    pd.testing.assert_frame_equal(isolated.frame, direct.frame, check_exact=True)
    pd.testing.assert_frame_equal(isolated.ledger.excluded, direct.ledger.excluded, check_exact=True)
    pd.testing.assert_frame_equal(isolated.source.line_roles, direct.source.line_roles, check_exact=True)
    for name in ("kind", "frequency", "measures", "warnings", "source", "dimensions"):
        assert getattr(isolated, name) == getattr(direct, name), name
    assert (isolated.ledger.rows_read, isolated.ledger.rows_used) == (direct.ledger.rows_read, direct.ledger.rows_used)


def test_a_result_announced_larger_than_the_childs_cap_is_refused_before_anything_is_read():
    import time

    class Unread:
        def poll(self, timeout):
            raise AssertionError("nothing may be read")

        recv_bytes_into = poll

    for sizes in ([100, 2 * 1024**3], [-1], []):
        with pytest.raises(analytics.IngestError, match="memory"):
            sandbox._receive_result(Unread(), sizes, time.monotonic() + 5, 5, 1024**3)


def test_time_limit():
    import time

    with pytest.raises(analytics.IngestError, match="longer than 1 seconds"):
        sandbox.run_isolated(time.sleep, 30, time_limit=1)


def test_bugs_in_the_child_are_not_hidden_but_their_text_is_not_passed_on():
    """The text of an exception may quote a cell ('Out of bounds nanosecond timestamp: 3000-01-01')."""
    with pytest.raises(RuntimeError, match=r"ValueError at test_guard.py:\d+") as info:
        sandbox.run_isolated(_boom)
    assert "a bug" not in str(info.value)


def _limits() -> tuple:
    import resource

    return (resource.getrlimit(resource.RLIMIT_CORE), resource.getrlimit(resource.RLIMIT_AS),
            sandbox.address_space_bytes())


def test_the_child_cannot_write_a_core_dump_and_its_cap_counts_from_its_start():
    core, (soft, hard), mapped = sandbox.run_isolated(_limits, memory_cap=2 * 1024**3)
    assert core == (0, 0)
    assert soft == hard
    assert 2 * 1024**3 < soft <= mapped + 2 * 1024**3


def _written(n_bytes: int) -> int:
    return len(b"\x01" * n_bytes)


def test_the_memory_cap_is_what_a_parse_adds_not_what_the_libraries_reserve():
    """CI failed a 1.5 GB-capped parse of a 3-row sheet: the child already mapped more than 1.5 GB (mimalloc's
    1 GiB reservation, OpenBLAS buffers per core) while using 70 MB. A cap of 300 MB must allow 100 MB."""
    assert sandbox.run_isolated(_written, 100 * 1024**2, memory_cap=300 * 1024**2) == 100 * 1024**2
    with pytest.raises(analytics.IngestError, match="memory"):
        sandbox.run_isolated(_written, 600 * 1024**2, memory_cap=300 * 1024**2)


def _environment() -> dict:
    return {name: os.environ.get(name) for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


def test_children_run_with_one_blas_thread_and_few_pool_threads_whatever_the_machine():
    before = _environment()
    assert sandbox.run_isolated(_environment) == {"OPENBLAS_NUM_THREADS": "1",
                                                  "OMP_NUM_THREADS": str(sandbox.CHILD_THREADS)}
    assert _environment() == before  # the parent's own environment is left as it was


def _sleep_and_stamp(seconds: float) -> tuple[float, float]:
    import time

    start = time.monotonic()
    time.sleep(seconds)
    return start, time.monotonic()


def test_at_most_max_parallel_children_and_the_queued_caller_is_told(monkeypatch):
    import threading

    monkeypatch.setattr(sandbox, "_slots", threading.BoundedSemaphore(1))
    waited, spans = [], []
    threads = [threading.Thread(target=lambda: spans.append(
        sandbox.run_isolated(_sleep_and_stamp, 1.0, on_wait=lambda: waited.append(1)))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (a_start, a_end), (b_start, b_end) = sorted(spans)
    assert b_start >= a_end  # the second child started only after the first ended
    assert waited == [1]  # and its caller was told once that it was queued



def _hold(n_bytes: int) -> int:
    import time

    block = b"\x01" * n_bytes  # written, so resident (a bytearray of zeros may stay untouched)
    time.sleep(10)
    return len(block)


_WINDOWS_LIKE = """
import sys, time
sys.modules["resource"] = None  # as on Windows: importing it fails
import multiprocessing
multiprocessing.get_all_start_methods = lambda: ["spawn"]  # and there is no forkserver
import analytics
from analytics.ingest import sandbox
from tests.test_guard import _hold
assert sandbox.resource is None and sandbox.start_method() == "spawn"
data = analytics.load(b"Month,Calls\\n2024-01-01,1\\n2024-02-01,2\\n2024-03-01,3\\n", filename="a.csv")
print("loaded", data.frame["value"].tolist())
for call in (lambda: sandbox.run_isolated(_hold, 800 * 1024**2, memory_cap=400 * 1024**2),
             lambda: sandbox.run_isolated(time.sleep, 60, time_limit=3)):
    started = time.monotonic()
    try:
        call()
    except analytics.IngestError as exc:
        print("refused", round(time.monotonic() - started, 1), exc.user_message)
"""


def test_without_resource_or_forkserver_a_watchdog_keeps_the_memory_cap_and_time_limit():
    """The Windows fallback, simulated: spawned children, no rlimit, the parent's watchdog on memory."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    run = subprocess.run([sys.executable, "-c", _WINDOWS_LIKE], cwd=root, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stderr[-2000:]
    assert lines[0] == "loaded [1.0, 2.0, 3.0]"
    memory, timed = lines[1].split(" ", 2), lines[2].split(" ", 2)
    assert "memory" in memory[2] and float(memory[1]) < 9  # killed while holding the block, not after it
    assert "longer than 3 seconds" in timed[2] and 3 <= float(timed[1]) < 6


def test_arrow_reports_of_a_failed_allocation_are_the_memory_message_not_a_crash():
    import pyarrow as pa

    from analytics.ingest import sandbox

    # measured: a 199 MB CSV under the 3 GB cap stopped in Arrow with "Unknown error: Wrapping 2024-01-05 failed"
    for text in ("Unknown error: Wrapping 2024-01-05 failed", "malloc of size 1024 failed", "std::bad_alloc"):
        assert sandbox._out_of_memory(pa.lib.ArrowException(text)), text
    assert not sandbox._out_of_memory(pa.lib.ArrowInvalid("Could not convert 'x' with type str"))
    assert not sandbox._out_of_memory(ValueError("out of memory"))  # only Arrow's own reports are read so
