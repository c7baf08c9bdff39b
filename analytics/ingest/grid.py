"""The cells stage: what kind of thing each cell of a sheet holds, computed once, column by column.

Every later stage (line roles, tables, axes) reads these arrays instead of the raw cells, so a sheet is
classified in one vectorised pass: a 200,000-row extract is never walked cell by cell in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import is_object_dtype

from analytics.ingest.cells import MARKERS, NUMBER_PATTERN, without_group_spaces
from analytics.ingest.durations import duration_cells
from analytics.periods import looks_like_period

EMPTY, NUMBER, DATE, TEXT, MARKER = 0, 1, 2, 3, 4

# Text that can be a period at all: the cheap test before the exact one (which runs once per distinct value).
_PERIOD_START = re.compile(
    r"^(?:\d|q[1-4]\b|fy|w/?[ce]\b|week|wk\b|m(?:onth)?\s*\d{1,2}$|p(?:eriod)?\s*\d{1,2}$|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:$|[\s\-/',]))", re.I)
_ISO_OR_SLASH = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T][\d:.]+)?|\d{1,2}[/.]\d{1,2}[/.](?:\d{2}|\d{4}))$")
PERIOD_TEXT_MAX = 40
_MARKER_SET = pa.array(sorted(MARKERS), type=pa.string())
# What str.strip() removes (every character whose str.isspace() is true; tests/test_grid.py checks the list),
# so Arrow trims distinct values exactly as Python would: 200,000 distinct case IDs are not turned into
# Python strings just to be stripped.
PYTHON_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                     "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


@dataclass(frozen=True)
class Cells:
    """Per-cell kinds of one sheet's grid (same shape, same row order)."""

    kind: np.ndarray  # int8: EMPTY, NUMBER, DATE (a date or a period label), TEXT, MARKER
    percent: np.ndarray  # bool: the cell is shown as a percentage (number format, or a '%' typed in the text)

    @property
    def filled(self) -> np.ndarray:
        return self.kind != EMPTY

    def counts(self) -> np.ndarray:
        """Number of non-blank cells in each row."""
        return self.filled.sum(axis=1)


def _text_kinds(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Kinds of a column of strings, and where a '%' was typed (see `_columns_text_kinds`)."""
    return _columns_text_kinds([text])[0]


def _columns_text_kinds(columns: list[pd.Series]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kind, typed %) of each of several columns of strings, the distinct values of all of them found once.

    Each distinct value is stripped and classified once: Arrow's dictionary encoding of the columns taken
    as the chunks of one array (no copy into one long column) gives every chunk the same dictionary, so a
    column of five outcome labels costs five tests however long it is, a used range of a million mostly
    blank rows costs what its few values cost, and a value in many columns is classified once.
    """
    chunks = [chunk for column in columns for chunk in _arrow_chunks(column)]
    if len({chunk.type for chunk in chunks}) > 1:  # 'string' and 'large_string' columns mixed
        chunks = [chunk.cast(pa.large_string()) for chunk in chunks]
    lengths = np.cumsum([len(column) for column in columns])[:-1]
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=chunks[0].type if chunks else pa.string()))
    if not encoded.num_chunks or not len(encoded.chunks[0].dictionary):
        return [(np.zeros(len(c), dtype=np.int8), np.zeros(len(c), dtype=bool)) for c in columns]
    stripped = pc.utf8_trim(encoded.chunks[0].dictionary, characters=PYTHON_WHITESPACE).cast(pa.string())
    unique_kind, unique_percent = _distinct_kinds(stripped)
    # A spare last entry for the blanks (code -1): EMPTY, no percent.
    unique_kind, unique_percent = np.append(unique_kind, np.int8(EMPTY)), np.append(unique_percent, False)
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in encoded.chunks])
    return list(zip(np.split(unique_kind[codes], lengths), np.split(unique_percent[codes], lengths), strict=True))


def _arrow_chunks(column: pd.Series) -> list[pa.Array]:
    """A column's text as Arrow arrays: the arrays pandas holds for Arrow-backed text (no copy)."""
    array = pa.array(column.astype("string").array)
    return list(array.chunks) if isinstance(array, pa.ChunkedArray) else [array]


def _distinct_kinds(uniques: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Kinds of distinct values: ASCII text by the same patterns run in Arrow's regex engine over the whole
    array at once (200,000 distinct case IDs in milliseconds); what may be a period label, and any non-ASCII
    text (where Python's Unicode classes and RE2's differ), by :func:`_text_kind` one value at a time."""
    def as_numpy(mask: pa.Array) -> np.ndarray:
        return mask.to_numpy(zero_copy_only=False).astype(bool)

    kind = np.full(len(uniques), TEXT, dtype=np.int8)
    percent = np.zeros(len(uniques), dtype=bool)
    ascii_ = as_numpy(pc.string_is_ascii(uniques))
    marker = as_numpy(pc.is_in(pc.utf8_lower(uniques), value_set=_MARKER_SET.cast(uniques.type)))
    number = as_numpy(pc.match_substring_regex(pc.replace_substring(uniques, " ", ""), NUMBER_PATTERN.pattern,
                                               ignore_case=True))
    short = pc.utf8_length(uniques).to_numpy(zero_copy_only=False) <= PERIOD_TEXT_MAX
    maybe_period = short & (as_numpy(pc.match_substring_regex(uniques, _ISO_OR_SLASH.pattern))
                            | as_numpy(pc.match_substring_regex(uniques, _PERIOD_START.pattern, ignore_case=True)))
    kind[ascii_ & marker] = MARKER
    is_number = ascii_ & ~marker & number
    kind[is_number] = NUMBER
    percent[is_number] = as_numpy(pc.match_substring(uniques, "%"))[is_number]
    kind[as_numpy(pc.equal(uniques, ""))] = EMPTY
    for i in np.flatnonzero((~ascii_ | (maybe_period & ~marker & ~number)) & (kind != EMPTY)).tolist():
        kind[i], percent[i] = _text_kind(uniques[i].as_py())
    return kind, percent


@lru_cache(maxsize=65536)
def _text_kind(text: str) -> tuple[int, bool]:
    """(kind, typed %) of one stripped, non-empty cell: the same tests as the vectorised path, one value."""
    if text.lower() in MARKERS:
        return MARKER, False
    if NUMBER_PATTERN.match(without_group_spaces(text)):
        return NUMBER, "%" in text
    if len(text) <= PERIOD_TEXT_MAX and (_ISO_OR_SLASH.match(text) or (_PERIOD_START.match(text)
                                                                        and looks_like_period(text))):
        return DATE, False
    return TEXT, False


def _object_kinds(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Kinds of a column that may mix Python numbers, dates and strings (hand-built grids, mixed sheets)."""
    obj = column.astype(object)
    is_number = obj.map(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool)
                        and v == v).to_numpy(dtype=bool)
    is_date = obj.map(lambda v: hasattr(v, "year") and v is not pd.NaT).to_numpy(dtype=bool)
    kind, percent = _text_kinds(obj.where(~(is_number | is_date)).astype("string"))  # stripped there, once
    kind[is_number] = NUMBER
    kind[is_date] = DATE
    return kind, percent


def column_kinds(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(kind, typed percent) of every cell of one column."""
    dtype = column.dtype
    if dtype.kind in "fiu":
        return np.where(column.isna().to_numpy(), EMPTY, NUMBER).astype(np.int8), np.zeros(len(column), bool)
    if dtype.kind == "M":
        return np.where(column.isna().to_numpy(), EMPTY, DATE).astype(np.int8), np.zeros(len(column), bool)
    if dtype.kind == "b":
        return np.where(column.isna().to_numpy(), EMPTY, TEXT).astype(np.int8), np.zeros(len(column), bool)
    if is_object_dtype(dtype) and not _all_strings(column):
        return _object_kinds(column)
    return _text_kinds(column.astype("string"))


def _all_strings(column: pd.Series) -> bool:
    """True for a column of text only (object columns of hand-built grids may mix numbers and dates)."""
    if not is_object_dtype(column.dtype):
        return True
    values = column.dropna()
    sample = values if len(values) <= 5000 else values.head(5000)
    return bool(sample.map(type).eq(str).all())


def read_cells(grid: pd.DataFrame, percent_cells: frozenset[tuple[int, int]] = frozenset()) -> Cells:
    """Classify every cell of a grid; ``percent_cells`` are (grid row position, grid column) shown as %.

    Typed columns (numbers, dates) are classified from their dtype; all text columns are classified in a
    single pass over their distinct values, so a sheet 150 columns wide costs one set of string operations,
    not 150.
    """
    n_rows, n_cols = grid.shape
    kind = np.zeros((n_rows, n_cols), dtype=np.int8)
    percent = np.zeros((n_rows, n_cols), dtype=bool)
    text_columns = []
    for j in range(n_cols):
        column = grid.iloc[:, j]
        if column.dtype.kind in "fiuMb" or (is_object_dtype(column.dtype) and not _all_strings(column)):
            kind[:, j], percent[:, j] = column_kinds(column)
        else:
            text_columns.append(j)
    if text_columns:
        found = _columns_text_kinds([grid.iloc[:, j] for j in text_columns])
        for j, (column_kind, column_percent) in zip(text_columns, found, strict=True):
            kind[:, j], percent[:, j] = column_kind, column_percent
    kind[duration_cells(grid, np.isin(kind, (DATE, TEXT)))] = NUMBER  # '4:05:00', Excel times: a measure of time
    for row, col in percent_cells:
        if 0 <= row < n_rows and 0 <= col < n_cols:
            percent[row, col] = True
    return Cells(kind=kind, percent=percent)
