"""Finding the tables on a sheet: title and note rows, header rows (merged group labels), stacked tables.

A sheet is read as a grid of cell types (empty, number, date/period, text). A table is a run of rows with
at least two filled cells; its header is the leading rows whose pattern of types differs from the rows
below; blank or single-cell rows between two runs join them when the second run has no header of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.ingest.cells import blank_mask, cell_kind
from analytics.ingest.readers import RawSheet, column_letter
from analytics.periods import looks_like_period

MAX_HEADER_ROWS = 3
HEADER_SCAN_ROWS = 30  # how far into a block to look for where the data starts
HELPER_SHEET = re.compile(r"chart|helper|lookup|calc|pivot|hidden|data\s*val|list", re.I)
EMPTY, NUMBER, DATE, TEXT, MARKER = "e", "n", "d", "t", "m"


@dataclass(frozen=True)
class Table:
    """One table on a sheet, in 0-based sheet row numbers (grid index labels)."""

    sheet: RawSheet
    first_row: int  # first header row (or first data row when there is no header)
    header_rows: tuple[int, ...]
    data_rows: tuple[int, int]  # first and last data row, inclusive
    columns: tuple[int, ...]  # grid columns holding the table
    names: tuple[str, ...]  # one name per column, merged group labels joined
    title: str
    score: float
    index: int = 0


def _cell_type(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return EMPTY
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return NUMBER
    if hasattr(value, "year"):
        return DATE
    text = str(value).strip()
    if not text:
        return EMPTY
    if looks_like_period(text):
        return DATE
    return {"number": NUMBER, "marker": MARKER, "text": TEXT}[cell_kind(text)]


def type_rows(grid: pd.DataFrame, rows: list[int]) -> list[tuple[str, ...]]:
    """Cell-type signature of each given row."""
    part = grid.loc[rows]
    return [tuple(_cell_type(v) for v in values) for values in part.itertuples(index=False, name=None)]


def filled_counts(grid: pd.DataFrame) -> np.ndarray:
    """Number of non-blank cells in each row of the grid."""
    if grid.empty:
        return np.zeros(len(grid), dtype=int)
    return np.column_stack([~blank_mask(grid[c]).to_numpy() for c in grid.columns]).sum(axis=1)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) positions of each run of True values."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e) - 1) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != EMPTY and y != EMPTY]
    if not pairs or not any(x in (NUMBER, DATE) for x, _ in pairs):
        return False
    return sum(x == y or {x, y} <= {NUMBER, MARKER} for x, y in pairs) >= 0.8 * len(pairs)


def _data_start(signatures: list[tuple[str, ...]]) -> int:
    """Position of the first row that looks like the rows after it (the first data row)."""
    for i in range(min(len(signatures), HEADER_SCAN_ROWS)):
        following = signatures[i + 1:i + 5]
        if following and sum(_agree(signatures[i], s) for s in following) >= max(1, len(following) / 2):
            return i
        if not following and any(t in (NUMBER, DATE) for t in signatures[i]):
            return i
    return 0


def _header_names(grid: pd.DataFrame, header_rows: list[int], columns: list[int], offset: int) -> tuple[str, ...]:
    """One name per column; a sparse upper row (merged group label) is carried right and joined."""
    rows = [[_text(grid.at[r, c]) for c in columns] for r in header_rows]
    if not rows:
        return tuple(f"Column {column_letter(c + offset)}" for c in columns)
    lower = rows[-1]
    names = list(lower)
    for upper in reversed(rows[:-1]):
        carried = ""
        for i, label in enumerate(upper):
            # Carry a group label right only over columns that have their own sub-label beneath.
            carried = label or (carried if lower[i] else "")
            if carried and names[i] and carried != names[i]:
                names[i] = f"{carried}: {names[i]}"
            elif carried and not names[i]:
                names[i] = carried
    return tuple(n or f"Column {column_letter(c + offset)}" for n, c in zip(names, columns, strict=True))


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text


def _is_header_start(signature: tuple[str, ...]) -> bool:
    filled = [t for t in signature if t != EMPTY]
    return len(filled) >= 2 and all(t in (TEXT, DATE, MARKER) for t in filled) and TEXT in filled


def _segments(counts: np.ndarray, grid: pd.DataFrame) -> list[tuple[int, int]]:
    """Runs of multi-cell rows, joined across short gaps when the next run has no header of its own."""
    runs = _runs(counts >= 2)
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged:
            prev_start, prev_end = merged[-1]
            gap = start - prev_end - 1
            first = type_rows(grid, [grid.index[start]])[0]
            if gap <= 2 and not _is_header_start(first):
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    return merged


def _title_above(grid: pd.DataFrame, counts: np.ndarray, start: int, floor: int) -> str:
    lines = []
    for pos in range(max(floor, start - 6), start):
        if counts[pos] >= 1:
            values = [_text(v) for v in grid.iloc[pos] if _text(v)]
            lines.append(" ".join(values))
    return " | ".join(lines)


def find_tables(sheet: RawSheet) -> list[Table]:
    """Every table on the sheet, the best first (largest block of data; helper sheets last)."""
    grid = sheet.grid
    counts = filled_counts(grid)
    tables: list[Table] = []
    floor = 0
    for start, end in _segments(counts, grid):
        table = _table_from_segment(sheet, counts, start, end, floor)
        floor = end + 1
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: -t.score)
    return [Table(**{**t.__dict__, "index": i}) for i, t in enumerate(tables)]


def _table_from_segment(sheet: RawSheet, counts: np.ndarray, start: int, end: int, floor: int) -> Table | None:
    grid = sheet.grid
    labels = list(grid.index[start:end + 1])
    head = labels[:HEADER_SCAN_ROWS + 3]
    signatures = type_rows(grid, head)
    data_pos = _data_start(signatures)
    if not any(t in (NUMBER, DATE) for sig in signatures for t in sig):
        return None
    header_rows = labels[max(0, data_pos - MAX_HEADER_ROWS):data_pos]
    used = ~grid.loc[labels].apply(blank_mask).all(axis=0)
    columns = [int(c) for c in grid.columns[used.to_numpy()]]
    names = _header_names(grid, header_rows, columns, sheet.column_offset)
    title_rows = labels[:max(0, data_pos - MAX_HEADER_ROWS)]
    title = _title_above(grid, counts, start, floor)
    if title_rows:
        extra = " ".join(_text(v) for r in title_rows for v in grid.loc[r] if _text(v))
        title = f"{title} | {extra}" if title else extra
    n_data = end - start + 1 - data_pos
    score = float(n_data * len(columns))
    if not sheet.visible or HELPER_SHEET.search(sheet.name):
        score *= 0.01
    return Table(sheet=sheet, first_row=int(labels[0]) if not title_rows else int(header_rows[0] if header_rows
                 else labels[data_pos]),
                 header_rows=tuple(int(r) for r in header_rows),
                 data_rows=(int(labels[data_pos]), int(labels[-1])), columns=tuple(columns), names=names,
                 title=title, score=score)
