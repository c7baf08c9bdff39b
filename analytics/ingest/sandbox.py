"""Running a parse where a crash cannot take the server down.

The Rust readers abort the whole process when an allocation fails (a 5 KB workbook with cells at A1 and
XFD1048576 asks for 512 GiB). So parsing happens in a child process with an address-space cap and a time
limit; the parent only ever sees a result, an ``IngestError`` or the news that the child died.
Children are forked from a forkserver that has already imported pandas and the readers, so each parse
costs a fork, not a fresh interpreter.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing import spawn
from typing import Any

from analytics.errors import IngestError

MEMORY_CAP_BYTES = int(os.environ.get("ASC_PARSE_MEMORY_CAP", 3 * 1024**3))
TIME_LIMIT_SECONDS = float(os.environ.get("ASC_PARSE_TIME_LIMIT", 60))
_PRELOAD = ["analytics.ingest.pipeline"]
_lock = threading.Lock()
_context: mp.context.BaseContext | None = None


def _get_context() -> mp.context.BaseContext:
    global _context
    with _lock:
        if _context is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def _without_main(name: str) -> dict:
    """Preparation data minus the parent's __main__: our targets live in `analytics`, and re-running the
    parent's main script (streamlit's CLI, pytest, a here-document) in every child is slow or impossible."""
    data = _original_preparation_data(name)
    data.pop("init_main_from_path", None)
    data.pop("init_main_from_name", None)
    return data


_original_preparation_data = spawn.get_preparation_data


def _start(process: mp.process.BaseProcess) -> None:
    with _lock:
        spawn.get_preparation_data = _without_main
        try:
            process.start()
        finally:
            spawn.get_preparation_data = _original_preparation_data


def _child(conn: Any, func: Callable[..., Any], args: tuple, kwargs: dict, cap: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        conn.send(("ok", func(*args, **kwargs)))
    except IngestError as exc:
        conn.send(("ingest_error", exc.user_message))
    except MemoryError:
        conn.send(("ingest_error", _memory_message(cap)))
    except Exception as exc:  # noqa: BLE001 - any other failure is a bug; carry its text to the parent
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _memory_message(cap: int) -> str:
    return (f"This file needs more than the {cap / 1024**3:.1f} GB of memory allowed for reading one file "
            "(often a sheet whose used range spreads far beyond the data): delete the empty rows and "
            "columns in Excel, save, and upload it again.")


def run_isolated(func: Callable[..., Any], *args: Any, time_limit: float | None = None,
                 memory_cap: int | None = None, **kwargs: Any) -> Any:
    """Call ``func(*args, **kwargs)`` in a capped child process and return its result.

    Raises
    ------
    IngestError
        When the function raised one, ran out of memory, crashed the process or overran the time limit.
    RuntimeError
        When the function raised anything else (a bug: tests must see it).
    """
    limit = TIME_LIMIT_SECONDS if time_limit is None else time_limit
    cap = MEMORY_CAP_BYTES if memory_cap is None else memory_cap
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, args, kwargs, cap), daemon=True)
    _start(process)
    sender.close()
    try:
        if not receiver.poll(limit):
            raise IngestError(f"Reading this file took longer than {limit:.0f} seconds, so it was stopped: "
                              "save only the sheet you need, or as CSV, and try again.")
        try:
            status, payload = receiver.recv()
        except EOFError as exc:
            process.join(5)  # the child died without answering: an abort on a failed allocation, or worse
            raise IngestError(_memory_message(cap)) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status == "ok":
        return payload
    if status == "ingest_error":
        raise IngestError(payload)
    raise RuntimeError(payload)
