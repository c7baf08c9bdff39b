"""Reading council extracts: `load` turns file bytes into a reconciled `Dataset` (DESIGN section 2)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from analytics.dataset import Dataset
from analytics.errors import IngestError
from analytics.ingest.guard import check_file
from analytics.ingest.pipeline import ROLES, Options, classify_lines, parse
from analytics.ingest.sandbox import run_isolated

__all__ = ["load", "line_roles", "Options", "IngestError", "ROLES"]


def _read_source(source: str | os.PathLike | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or "upload"
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise IngestError(f"There is no file at {path}.")
        return path.read_bytes(), filename or path.name
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        data = source.read()
        name = filename or getattr(source, "name", None) or "upload"
        return bytes(data), os.path.basename(str(name))
    raise IngestError("Give a file path, the file's bytes or an open file.")


def load(source: str | os.PathLike | bytes | BinaryIO, *, sheet: str | None = None,
         filename: str | None = None, options: Options | None = None, isolated: bool = True,
         on_wait: Callable[[], None] | None = None) -> Dataset:
    """Read a spreadsheet or CSV extract into a tidy, reconciled `Dataset`.

    Parameters
    ----------
    source
        A path, the file's bytes, or a file-like object (.xlsx, .xlsm, .xls, .ods, .csv, .txt).
    sheet
        The sheet to read; None picks the best table in the workbook and lists the others.
    filename
        The original file name (used for messages and to name record counts) when ``source`` is bytes.
    options
        Overrides chosen on the Data page (table, header row, layout, period column, records split).
    isolated
        Parse in a memory- and time-capped child process (the default; tests of pure logic may turn it off).
    on_wait
        Called once if the parse must queue behind others (one child per core), so a caller can say so.

    Raises
    ------
    IngestError
        With a one-line ``user_message`` for anything that cannot be read.
    """
    data, name = _read_source(source, filename)
    check = check_file(data, name)
    opts = options or Options()
    if sheet is not None:
        opts = Options(**{**opts.__dict__, "sheet": sheet})
    if not isolated:
        return parse(data, name, check.file_type, opts, check.sheet_text)
    return run_isolated(parse, data, name, check.file_type, opts, check.sheet_text, on_wait=on_wait)


def line_roles(source: str | os.PathLike | bytes | BinaryIO, *, sheet: str | None = None,
               filename: str | None = None, isolated: bool = True) -> pd.DataFrame:
    """The role of every line of a sheet's used range: columns ``row`` (1-based sheet row, or CSV line) and
    ``role`` (one of ``ROLES``: metadata, header, group, data, derived, notes, empty).

    With ``sheet=None`` the sheet `load` would choose is classified. These are the roles the ledger's
    reasons and the Data page show ('title', 'header', 'group label', 'total / average row', 'note').

    Raises
    ------
    IngestError
        As `load` does, for anything that cannot be read.
    """
    data, name = _read_source(source, filename)
    check = check_file(data, name)
    options = Options(sheet=sheet)
    if not isolated:
        return classify_lines(data, name, check.file_type, options, check.sheet_text)
    return run_isolated(classify_lines, data, name, check.file_type, options, check.sheet_text)
