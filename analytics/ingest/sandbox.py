"""Running a parse where a crash cannot take the server down.

The Rust readers abort the whole process when an allocation fails (a 5 KB workbook with cells at A1 and
XFD1048576 asks for 512 GiB). So parsing happens in a child process with a memory cap and a time limit; the
parent only ever sees a result, an ``IngestError`` or the news that the child died.

- POSIX (Linux, macOS): children fork from a forkserver that has already imported pandas and the readers,
  so each parse costs a fork, not a fresh interpreter. The cap is an address-space rlimit on what the parse
  adds to the child's own address space at its start, and the child's core-dump limit is zero (a crash must
  never write the uploaded cells to disk).
- The libraries' own reservations would otherwise decide the cap: at start a child maps about 1.4 GB of
  address space while using 70 MB (mimalloc reserves 1 GiB; OpenBLAS maps buffers for every core, so on a
  many-core machine a 1.5 GB cap was gone before the first cell). So the cap counts from the child's start,
  and children run with at most ``CHILD_THREADS`` threads per pool and one BLAS thread.
- Where ``resource`` or the forkserver are missing (Windows): children are spawned (a fresh interpreter,
  about 2 s more per file) and a watchdog in the parent polls the child's resident memory every 0.1 s,
  killing it above the same cap. The time limit is the same.

- The result comes back as pickle protocol 5 with its big buffers (Arrow text, numpy arrays) sent out of
  band, each straight from where it lies in the child into memory of the parent's own: no whole-result
  pickle is built, copied or grown on either side (for 200,000 records of 12 text columns, 34 MB, that
  took 0.2-0.3 s of a 3 s load; it now takes about 0.08 s).

At most one child per core runs at a time (``MAX_PARALLEL``); later parses queue, and ``on_wait`` is called
once so the caller can tell the user. Nothing a child raises is logged or passed on with its text: a bug is
reported by exception type and code location only, never by a message that could quote a cell.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing import forkserver, spawn
from typing import Any

from analytics.errors import IngestError

try:
    import resource
except ImportError:  # Windows
    resource = None

MEMORY_CAP_BYTES = int(os.environ.get("ASC_PARSE_MEMORY_CAP", 3 * 1024**3))
TIME_LIMIT_SECONDS = float(os.environ.get("ASC_PARSE_TIME_LIMIT", 60))
MAX_PARALLEL = int(os.environ.get("ASC_PARSE_PARALLEL", 0)) or os.cpu_count() or 1
WATCHDOG_INTERVAL_SECONDS = 0.1
CHILD_THREADS = min(4, os.cpu_count() or 1)
# Read by the libraries when they load, so set for the forkserver's (or spawned child's) interpreter.
_CHILD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": str(CHILD_THREADS),
                      "RAYON_NUM_THREADS": str(CHILD_THREADS), "MALLOC_ARENA_MAX": str(CHILD_THREADS)}
_PRELOAD = ["analytics.ingest.pipeline"]
_lock = threading.Lock()
_slots = threading.BoundedSemaphore(MAX_PARALLEL)
_context: mp.context.BaseContext | None = None


class ReaderCrash(RuntimeError):
    """A bug in the child (or a reader's panic), named by ``code``: the exception type and code location."""

    def __init__(self, code: str) -> None:
        super().__init__(f"The reader failed ({code}).")
        self.code = code


def start_method() -> str:
    """'forkserver' where the rlimit and the forkserver both exist, else 'spawn' with the watchdog."""
    if resource is not None and "forkserver" in mp.get_all_start_methods():
        return "forkserver"
    return "spawn"


def _get_context() -> mp.context.BaseContext:
    global _context
    with _lock:
        if _context is None:
            method = start_method()
            ctx = mp.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def start() -> None:
    """Start the forkserver now, in the background, where children fork from one.

    It is a fresh interpreter that imports pandas and the readers (about a second); started when the app
    starts, the first file uploaded does not wait for it. Returns at once; calling it again costs nothing.
    """
    if _get_context().get_start_method() == "forkserver":
        with _lock, _child_setup():
            forkserver.ensure_running()


def _without_main(name: str) -> dict:
    """Preparation data minus the parent's __main__: our targets live in `analytics`, and re-running the
    parent's main script (streamlit's CLI, pytest, a here-document) in every child is slow or impossible."""
    data = _original_preparation_data(name)
    data.pop("init_main_from_path", None)
    data.pop("init_main_from_name", None)
    return data


_original_preparation_data = spawn.get_preparation_data


@contextlib.contextmanager
def _child_setup() -> Iterator[None]:
    """While a new interpreter starts (the forkserver, or a spawned child): no parent __main__, and the
    child's environment. Hold ``_lock``: the parent's own environment is changed meanwhile."""
    saved = {name: os.environ.get(name) for name in _CHILD_ENVIRONMENT}
    os.environ.update(_CHILD_ENVIRONMENT)
    spawn.get_preparation_data = _without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = _original_preparation_data
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _start(process: mp.process.BaseProcess) -> None:
    with _lock, _child_setup():
        process.start()


def address_space_bytes() -> int:
    """This process's mapped address space (VmSize), from /proc on Linux; 0 where unknown."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _limit_child(cap: int, rlimit: bool) -> None:
    if not rlimit:
        return  # the parent's watchdog enforces the cap
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file holding the uploaded cells
    limit = address_space_bytes() + cap  # what the parse may add to what the child already maps
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def crash_code(exc: BaseException) -> str:
    """'ValueError at tidy.py:120': which bug, without the exception's text (it may quote a cell)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "-packages" not in f.filename and not f.filename.endswith("sandbox.py")] or frames
    where = f" at {os.path.basename(ours[-1].filename)}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}{where}"


def _child(conn: Any, func: Callable[..., Any], args: tuple, kwargs: dict, cap: int, rlimit: bool) -> None:
    _limit_child(cap, rlimit)
    try:
        _send_result(conn, func(*args, **kwargs))
    except IngestError as exc:
        conn.send(("ingest_error", exc.user_message))
    except MemoryError:
        conn.send(("ingest_error", _memory_message(cap)))
    except BaseException as exc:  # noqa: BLE001 - a bug, or a reader's panic: report its code, not its text
        conn.send(("ingest_error", _memory_message(cap)) if _out_of_memory(exc) else ("crash", crash_code(exc)))
    finally:
        conn.close()


def _send_result(conn: Any, result: Any) -> None:
    """("ok", sizes), then the pickle and each of its out-of-band buffers as one message apiece. Everything
    is pickled before the first message goes, so a result that cannot be pickled is reported as a crash."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    views = [buffer.raw() for buffer in buffers]  # numpy and Arrow hand out only contiguous buffers
    conn.send(("ok", [len(head), *(view.nbytes for view in views)]))
    for view in (head, *views):
        conn.send_bytes(view)


def _receive_result(receiver: Any, sizes: list[int], deadline: float, limit: float, cap: int) -> Any:
    """The child's result from the messages `_send_result` sent: each read into a buffer of its announced
    size, which the unpickled arrays then use as their memory. Sizes adding up to more than the child's cap
    are refused before anything is allocated (no parse can have made them)."""
    if len(sizes) < 1 or sum(sizes) > cap or min(sizes) < 0:
        raise IngestError(_memory_message(cap))
    parts = []
    for size in sizes:
        if not receiver.poll(max(deadline - time.monotonic(), 0)):
            raise IngestError(_time_message(limit))
        part = bytearray(size)
        receiver.recv_bytes_into(part)
        parts.append(part)
    return pickle.loads(parts[0], buffers=parts[1:])


def _out_of_memory(exc: BaseException) -> bool:
    """A library's own report of a failed allocation under the cap: Arrow raises a plain ArrowException
    ('malloc of size ... failed', 'bad_alloc', or 'Wrapping <cell> failed' when no Python string can be made
    for a cell), not MemoryError. The text is read to classify, never logged (it may quote a cell)."""
    text = str(exc).lower()
    return type(exc).__module__.startswith("pyarrow") and (
        any(word in text for word in ("malloc", "bad_alloc", "out of memory", "failed to allocate", "memory"))
        or (text.startswith("unknown error: wrapping") and text.endswith("failed")))


def _memory_message(cap: int) -> str:
    return (f"This file needs more than the {cap / 1024**3:.1f} GB of memory allowed for reading one file "
            "(often a sheet whose used range spreads far beyond the data): delete the empty rows and "
            "columns in Excel, save, and upload it again.")


def _time_message(limit: float) -> str:
    return (f"Reading this file took longer than {limit:.0f} seconds, so it was stopped: "
            "save only the sheet you need, or as CSV, and try again.")


def resident_bytes(pid: int) -> int | None:
    """A process's resident memory, from /proc on Linux or the Win32 API on Windows; None if unknown."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    if sys.platform == "win32":
        return _windows_resident_bytes(pid)
    return None


def _windows_resident_bytes(pid: int) -> int | None:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
            (name, ctypes.c_size_t) for name in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                                                 "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                                                 "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage")]

    handle = ctypes.windll.kernel32.OpenProcess(0x1000 | 0x0010, False, pid)  # query limited info, vm read
    if not handle:
        return None
    try:
        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        if not ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
            return None
        return int(counters.WorkingSetSize)
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)


def _await_answer(receiver: Any, process: mp.process.BaseProcess, limit: float, cap: int) -> tuple[str, Any]:
    """The child's answer within the time limit; without an rlimit, the watchdog enforces the cap."""
    deadline = time.monotonic() + limit
    watch = resource is None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IngestError(_time_message(limit))
        if receiver.poll(min(remaining, WATCHDOG_INTERVAL_SECONDS) if watch else remaining):
            break
        if watch and (resident_bytes(process.pid) or 0) > cap:
            process.kill()
            raise IngestError(_memory_message(cap))
    try:
        status, payload = receiver.recv()
        if status == "ok":
            payload = _receive_result(receiver, payload, deadline, limit, cap)
        return status, payload
    except (EOFError, OSError) as exc:  # OSError: the pipe closed inside a message
        process.join(5)  # the child died without answering: an abort on a failed allocation, or worse
        raise IngestError(_memory_message(cap)) from exc


def run_isolated(func: Callable[..., Any], *args: Any, time_limit: float | None = None,
                 memory_cap: int | None = None, on_wait: Callable[[], None] | None = None, **kwargs: Any) -> Any:
    """Call ``func(*args, **kwargs)`` in a capped child process and return its result.

    ``on_wait`` is called (once) when every slot is busy and this parse has to queue.

    Raises
    ------
    IngestError
        When the function raised one, ran out of memory, crashed the process or overran the time limit.
    ReaderCrash
        (a RuntimeError) when the function raised anything else (a bug: tests must see it); its text is the
        exception type and code location only.
    """
    limit = TIME_LIMIT_SECONDS if time_limit is None else time_limit
    cap = MEMORY_CAP_BYTES if memory_cap is None else memory_cap
    if not _slots.acquire(blocking=False):
        if on_wait is not None:
            on_wait()
        _slots.acquire()
    try:
        status, payload = _run(func, args, kwargs, limit, cap)
    finally:
        _slots.release()
    if status == "ok":
        return payload
    if status == "ingest_error":
        raise IngestError(payload)
    raise ReaderCrash(payload)


def _run(func: Callable[..., Any], args: tuple, kwargs: dict, limit: float, cap: int) -> tuple[str, Any]:
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, args, kwargs, cap, resource is not None),
                          daemon=True)
    _start(process)
    sender.close()
    try:
        return _await_answer(receiver, process, limit, cap)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
