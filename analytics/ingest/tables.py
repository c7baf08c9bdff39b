"""Finding the tables on a sheet from its cell kinds: titles, header rows, stacked and side-by-side tables.

A table is a run of rows with at least two filled cells; its header is the leading rows whose pattern of
kinds differs from the rows below. A run that follows after a short gap joins the table above when it has no
header of its own, or when its header only names the label columns (an NHS sheet's "Region | ICB Code |
ICB Name" over the same date columns). Blank columns that split both the header and the data make
side-by-side tables. Everything works on `grid.Cells` arrays; no cell is looked at twice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from analytics.ingest.grid import DATE, EMPTY, MARKER, NUMBER, TEXT, Cells
from analytics.ingest.labels import heading_label, note_keys, numbered, sheet_words, without_note_keys
from analytics.ingest.readers import RawSheet, column_letter
from analytics.periods import calendar_years, is_calendar_year

MAX_HEADER_ROWS = 7
HEADER_SCAN_ROWS = 30  # how far into a block to look for where the data starts
TITLE_ROWS_ABOVE = 6
MAX_JOIN_GAP = 2
MAX_GAP_ROWS = 6
MIN_NUMBERS = 2
MIN_COUNTING = 5
MIN_YEARS_ACROSS = 3  # years rising across a labelled row make it a header line
MIN_STACKED_SPAN = 3
HELPER_SHEET = re.compile(r"chart|helper|lookup|calc|pivot|hidden|data\s*val|list|contents|cover|notes?$|"
                          r"information|terms|metadata|definitions", re.I)
UNIT_ONLY = re.compile(r"^(?:£\s*'?000s?|£\s*thousands?|£\s*m(?:illions?)?|£\s*s|£|thousands of pounds|"
                       r"millions of pounds|pounds)\.?$", re.I)
FOOTNOTE_KEY = re.compile(r"^(?:\(\d{1,2}\)|\[\d{1,2}\]|\d{1,2}\.)$")  # '(1)', '[2]', '3.': a note's number
# whom to ask (an email address, a telephone number): never a column's name
CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:tel(?:ephone)?|phone)\b\.?:?\s*\+?\d[\d\s()-]{6,}", re.I)
# a note set in the header ('* No data for ... under one.\n\nNotes: 1. Due to ...'): prose of several sentences
NOTE_CELL = re.compile(r"^(?=.{80})(?:.*(?:(?<=[a-z]{3})|(?<=[)\d]))[.!?]\s+[A-Z0-9*].*|"
                       r"\s*(?:\*|(?i:notes?|source)\b).*)$", re.S)
METADATA_KEY = re.compile(r"^[A-Z][\w &/()'-]{0,30}:$")  # 'Status:', 'Contact:', 'Published:', 'Basis:'
NOTE_ROWS = 30  # lines below a table read for its footnotes
PERIOD_HEADING = re.compile(r"^(?:FY\s*)?(?:19|20)\d{2}(?:\s*[-/\u2013]\s*(?:19|20)?\d{2})?(?:\s*\(\w+\))?$")
CHANGE_NAME = re.compile(r"\b(?:change|growth|difference|increase|decrease)\b", re.I)  # a change on a series


ITEM_CODE = re.compile(r"^[A-Z]{1,3}\d{1,2}(?:\.\d{1,2}){0,2}[a-z]?$")  # 'A1.1', 'B1', 'J1.2', 'C13'



@dataclass(frozen=True)
class Table:
    """One table on a sheet, in 0-based grid row positions."""

    sheet: RawSheet
    cells: Cells
    first_row: int  # first header row (or first data row when there is no header)
    header_rows: tuple[int, ...]
    data_rows: tuple[int, int]  # first and last data row, inclusive
    columns: tuple[int, ...]  # grid columns holding the table
    names: tuple[str, ...]  # one name per column, multi-row headers joined
    title: str
    score: float
    index: int = 0
    inner_headers: tuple[int, ...] = ()  # header rows of stacked blocks joined into this table

    def header_matrix(self) -> list[list[str]]:
        """The header rows' texts over the table's columns (one list per header row)."""
        return [[cell_text(self.sheet.grid, r, c) for c in self.columns] for r in self.header_rows]


def cell_text(grid: pd.DataFrame, row: int, col: int) -> str:
    """A cell as a label: stripped text, whole numbers without '.0', dates as ISO."""
    return label_text(grid.iat[row, col])


def label_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d") if not pd.isna(value) else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) positions of each run of True values."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e) - 1) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _agree(a: np.ndarray, b: np.ndarray) -> bool:
    """Two rows of kinds look like rows of the same table body."""
    both = (a != EMPTY) & (b != EMPTY)
    if not both.any() or not np.isin(a[both], (NUMBER, DATE)).any():
        return False
    if ((a == TEXT) & (b == NUMBER)).sum() >= 2:
        return False  # words over columns of numbers ('Median', 'Mean'): a header, however many numbers beside
    same = (a[both] == b[both]) | (np.isin(a[both], (NUMBER, MARKER)) & np.isin(b[both], (NUMBER, MARKER)))
    return bool(same.sum() >= 0.8 * both.sum())


def _data_start(kinds: np.ndarray) -> int:
    """Position of the first row that looks like the rows after it (the first data row). Blank rows and
    single-cell rows (headings, a label's second line) between are skipped, not compared."""
    n = len(kinds)
    multi = np.flatnonzero((kinds != EMPTY).sum(axis=1) >= 2)
    for i in range(min(n, HEADER_SCAN_ROWS)):
        if (kinds[i] != EMPTY).sum() < 2:
            continue
        following = [int(j) for j in multi[multi > i][:4]]
        if following:
            if sum(_agree(kinds[i], kinds[j]) for j in following) >= max(1, len(following) / 2) and not \
                    _is_axis_row(kinds[i], kinds[following[0]]):
                return i
        elif np.isin(kinds[i], (NUMBER, DATE)).any():
            return i
    return 0


def _counting_row(grid: pd.DataFrame, row: int, columns: np.ndarray) -> bool:
    """Whole numbers rising by one across at least MIN_COUNTING columns (0, 1, 2 ... 90)."""
    values = pd.to_numeric(pd.Series([label_text(grid.iat[row, c]) for c in columns]), errors="coerce").dropna()
    if len(values) < MIN_COUNTING or (values % 1 != 0).any():
        return False
    return bool((values.diff().dropna() == 1).mean() >= 0.9)


def _years_row(grid: pd.DataFrame, row: int, columns: np.ndarray) -> bool:
    """A header line of calendar years: years only (1990, 2000, 2008 over the columns, no label), as
    statistical abstracts spread a heading over them; or labels then rising years (Country | Code | 1960 |
    1961 | ..., Item | 1975 | 1980 | 1985), as a wide extract's or an abstract's header."""
    texts = [label_text(grid.iat[row, c]) for c in columns]
    filled = [t for t in texts if t]
    values = pd.to_numeric(pd.Series(filled, dtype=object), errors="coerce")
    numbers = values.dropna()
    years = calendar_years(numbers)
    if len(filled) >= 2 and len(numbers) == len(filled):
        return years
    steps = numbers.diff().dropna()
    return years and len(numbers) >= MIN_YEARS_ACROSS and bool((steps >= 0).all()) and bool((steps > 0).any())


def _is_axis_row(row: np.ndarray, below: np.ndarray) -> bool:
    """A row of numbers (week numbers, ages) directly above a row of dates over the same columns is a header."""
    numbers = row == NUMBER
    return bool(numbers.sum() >= 3 and (below[numbers] == DATE).mean() >= 0.8)


def header_names(grid: pd.DataFrame, header_rows: list[int], columns: list[int], offset: int,
                 merges: tuple[tuple[int, int, int, int], ...] | None = None,
                 notes_from: int | None = None) -> tuple[str, ...]:
    """One name per column, the header rows joined; merged cells span exactly their range where the file
    records it (.xlsx), and by the layout of the labels otherwise. Footnote marks are left out of the names
    ('Money GDP (3), (4)', 'Number of jobsb' when a note below, from ``notes_from``, is keyed 'b'), unless
    leaving them out would give two columns one name."""
    rows = [[cell_text(grid, r, c) for c in columns] for r in header_rows]
    keep = _naming_rows(rows, len(columns))
    rows, header_rows = [rows[k] for k in keep], [header_rows[k] for k in keep]
    if not rows:
        return tuple(f"Column {column_letter(c + offset)}" for c in columns)
    # '£s' states a unit, 'J Smith - team@nhs.net' says whom to contact, a paragraph is a note: none names a column
    rows = [["" if UNIT_ONLY.match(t) or CONTACT.search(t) or NOTE_CELL.match(t) else t for t in row] for row in rows]
    rows = [_without_table_period(row) if k < len(rows) - 1 else row for k, row in enumerate(rows)]
    kept = [k for k, row in enumerate(rows) if any(row)] or [len(rows) - 1]  # a line of units alone: no line at all
    rows, header_rows = [rows[k] for k in kept], [header_rows[k] for k in kept]
    spans = _merge_spans(merges, header_rows, columns) if merges is not None else None
    rows, code_row = _codes_before_labels(rows)
    if spans is not None and code_row is not None:
        spans = [s for k, s in enumerate(spans) if k != code_row]
    marked = join_header_rows(rows, spans, stub=True)  # a table's first column holds its row labels or periods
    unmarked = join_header_rows(_without_marks(rows, _notes_below(grid, notes_from)), spans, stub=True)
    repeated = {n for n, count in Counter(unmarked).items() if count > 1}
    names = [m if u in repeated and m not in repeated else u for m, u in zip(marked, unmarked, strict=True)]
    names = _changes_named_by_their_series(names)
    return tuple(n or f"Column {column_letter(c + offset)}" for n, c in zip(names, columns, strict=True))


def _changes_named_by_their_series(names: list[str]) -> list[str]:
    """A change column whose name repeats ('Annual percentage change' after 'Median' and again after 'Mean', as
    ONS prints ASHE) is the change of the series to its left, and is named so: 'Median: Annual percentage
    change'. Left alone the two would read as one measure."""
    counts = Counter(names)
    out = list(names)
    for k in range(1, len(names)):
        left = names[k - 1]
        if counts[names[k]] > 1 and CHANGE_NAME.search(names[k]) and left and counts[left] == 1 and \
                not CHANGE_NAME.search(left):
            out[k] = f"{left}: {names[k]}"
    return out


def _without_table_period(row: list[str]) -> list[str]:
    """A heading line whose one label over the value columns is a year ('2014-15' over 'Older people | Learning
    disability') states the table's period, not part of each name: left in, every measure would be named for
    its year and a council's file for the next year would share no measure with it."""
    filled = [i for i, t in enumerate(row) if t and i > 0]
    if len(row) >= 3 and len(filled) == 1 and PERIOD_HEADING.match(row[filled[0]]):
        return [t if i != filled[0] else "" for i, t in enumerate(row)]
    return row


def _naming_rows(rows: list[list[str]], n_columns: int) -> list[int]:
    """The header rows that name columns: not a line of metadata ('Status: | Published', 'Contact: | J Smith -
    team@nhs.net'), nor a title line over a wide table's first column alone ('England Level Data') above them."""
    keep = [k for k, row in enumerate(rows) if not _metadata_line(row)]
    while len(keep) > 1 and n_columns > 3 and [i for i, t in enumerate(rows[keep[0]]) if t] == [0]:
        keep = keep[1:]
    return keep


def _metadata_line(row: list[str]) -> bool:
    """A 'Key: value' line of a publication's front matter: a short label ending in a colon in the first
    column, with at most one cell beside it."""
    filled = [(i, t) for i, t in enumerate(row) if t]
    return bool(filled) and filled[0][0] == 0 and len(filled) <= 2 and bool(METADATA_KEY.match(filled[0][1]))


def _notes_below(grid: pd.DataFrame, first: int | None) -> list[str]:
    """The first cell of each line below a table (up to NOTE_ROWS of them): where its footnotes are."""
    if first is None:
        return []
    lines = []
    for r in range(first, min(len(grid), first + NOTE_ROWS)):
        texts = [t for t in (cell_text(grid, r, c) for c in range(min(grid.shape[1], 3))) if t]
        if texts:
            lines.append(" ".join(texts))
    return lines


def _without_marks(rows: list[list[str]], notes: list[str]) -> list[list[str]]:
    """Header cells with their footnote marks left out: trailing '(3)', '[x]', ' 2', and a note's key letter
    glued to a word the notes use ('jobsb' under a note 'b  Figures for Number of Jobs ...')."""
    keys, words = note_keys(notes), sheet_words(notes)
    return [[without_note_keys(heading_label(t), keys, words) if t else t for t in row] for row in rows]


def _codes_before_labels(rows: list[list[str]]) -> tuple[list[list[str]], int | None]:
    """A header row of item codes ('A1.1', 'B1') under the descriptions: each code is put before its
    column's lowest description ('A1.1 Overall total of ...'), as the publication's readers cite them."""
    for i, row in enumerate(rows):
        filled = [t for t in row if t]
        if len(rows) < 2 or len(filled) < 2 or sum(bool(ITEM_CODE.match(t)) for t in filled) < 0.8 * len(filled):
            continue
        rest = [list(r) for j, r in enumerate(rows) if j != i]
        for col, code in enumerate(row):
            lowest = next((r for r in reversed(rest) if r[col]), None)
            if code and ITEM_CODE.match(code) and lowest is not None:
                lowest[col] = f"{code} {lowest[col]}"
        return rest, i
    return rows, None


def _merge_spans(merges: tuple[tuple[int, int, int, int], ...], header_rows: list[int], columns: list[int]
                 ) -> list[list[int | None]]:
    """Per header row and column position, how many of the table's columns the cell's merged range covers;
    0 for a cell inside another cell's range, None where the file records no merge (the layout decides)."""
    position = {c: i for i, c in enumerate(columns)}
    spans: list[list[int | None]] = [[None] * len(columns) for _ in header_rows]
    for k, row in enumerate(header_rows):
        for r1, c1, r2, c2 in merges:
            if not r1 <= row <= r2:
                continue
            inside = [position[c] for c in columns if c1 <= c <= c2]
            for i in inside:
                spans[k][i] = 0
            if r1 == row and c1 in position:
                spans[k][position[c1]] = max(1, len(inside))
    return spans


def join_header_rows(rows: list[list[str]], known_spans: list[list[int | None]] | None = None, *,
                     stub: bool = False) -> list[str]:
    """Join the rows of a multi-row header into one name per column.

    A label spans right (a merged group label: 'Percentiles' over 10 ... 90) over the blank cells of its
    row whose columns have a label directly beneath (or, over a group label, any label beneath), except over a
    ``stub`` (a first column of row labels: its headings head it alone, 'Month' over the dates); a label that
    is one phrase with the labels of its own column ('Number' / 'of jobs' / '(thousand)': a label above it, or
    one beneath that carries on in lower case or in brackets) must cover three columns to count as a group.
    Spanning labels prefix the names they cover, joined by ': '; labels stacked in one column are one phrase,
    joined by spaces. ``known_spans`` are the file's merged ranges (see `_merge_spans`); cells it records
    nothing for are spanned by the layout, which never runs into a merged range.
    """
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    known = known_spans or [[None] * n_cols for _ in range(n_rows)]
    spans = [[1 if s is None else s for s in row] for row in known]
    for r in range(n_rows - 2, -1, -1):  # bottom up: spans depend on the row beneath
        free = [not t and s is None for t, s in zip(rows[r], known[r], strict=True)]  # blank, in no merged range
        for i in range(n_cols):
            if not rows[r][i] or known[r][i] is not None or stub and i == 0:
                continue
            over_group = spans[r + 1][i] > 1  # a group over a group ('Total discharged' over 'Pathway 0' ...)
            phrase = (r > 0 and rows[r - 1][i]) or _carries_on(rows[r + 1][i])
            end = i + max(1, spans[r + 1][i])
            while end < n_cols and free[end]:
                if rows[r + 1][end] and spans[r + 1][end] > 1 and not phrase:
                    end += spans[r + 1][end]  # over a whole group beneath
                elif rows[r + 1][end] or over_group and any(rows[q][end] for q in range(r + 1, n_rows)):
                    end += 1
                else:
                    break
            end = min(end, n_cols)
            spans[r][i] = end - i if end - i >= (MIN_STACKED_SPAN if phrase else 2) else 1
    groups: list[list[str]] = [[] for _ in range(n_cols)]
    own: list[list[str]] = [[] for _ in range(n_cols)]
    for r in range(n_rows):
        for i in range(n_cols):
            if not rows[r][i]:
                continue
            if spans[r][i] > 1:
                for k in range(i, i + spans[r][i]):
                    groups[k].append(rows[r][i].rstrip(": ") or rows[r][i])  # 'Number supported with:'
            else:
                own[i].append(rows[r][i])
    names = []
    for k in range(n_cols):
        phrase = " ".join(own[k])
        parts = [*groups[k], phrase] if phrase else groups[k]
        if phrase and groups[k] and (joined := numbered(groups[k][-1], phrase)):
            parts = [*groups[k][:-1], joined]  # 'Percentiles' over '10': 'Percentile 10'
        names.append(": ".join(dict.fromkeys(parts)))
    return names


def _carries_on(text: str) -> bool:
    """A header line that continues the line above as one phrase ('of jobs', '(thousand)'), not a name of its
    own ('2022-23 = 100', 'Cash £ million')."""
    return bool(text) and (text[0].islower() or text[0] in "([")


def _is_header_start(kinds: np.ndarray) -> bool:
    filled = kinds[kinds != EMPTY]
    return len(filled) >= 2 and bool(np.isin(filled, (TEXT, DATE, MARKER)).all()) and bool((filled == TEXT).any())


def _header_start_rows(kinds: np.ndarray) -> np.ndarray:
    """`_is_header_start` for every row at once (a long table is not walked row by row)."""
    filled = kinds != EMPTY
    wordy = np.isin(kinds, (TEXT, DATE, MARKER)) | ~filled
    return (filled.sum(axis=1) >= 2) & wordy.all(axis=1) & (kinds == TEXT).any(axis=1)


def _states_unit(grid: pd.DataFrame, row: int) -> bool:
    return any(UNIT_ONLY.match(label_text(v)) for v in grid.iloc[row].tolist())


def _segments(grid: pd.DataFrame, cells: Cells, counts: np.ndarray) -> list[tuple[int, int]]:
    """Runs of multi-cell rows, joined across short gaps when the next run has no header of its own."""
    merged: list[tuple[int, int]] = []
    every = np.arange(cells.kind.shape[1])
    for start, end in _with_lone_numbers(cells, counts, _with_blank_periods(cells, counts, runs_of(counts >= 2))):
        if merged:
            prev_start, prev_end = merged[-1]
            # Blank rows count as the gap; single-cell rows between (a group heading, a label's second
            # line) do not, up to MAX_GAP_ROWS rows in all.
            between = counts[prev_end + 1:start]
            gap = int((between == 0).sum()) if len(between) <= MAX_GAP_ROWS else MAX_GAP_ROWS + 1
            first = cells.kind[start]
            header_only = _header_only(grid, cells, prev_start, prev_end)
            # Header lines alone may stand further off (abstracts space their headers out); a line that
            # states the unit ('England | £ thousands') is the title's.
            far_header = header_only and gap <= MAX_GAP_ROWS and not _states_unit(grid, prev_end)
            if far_header or gap <= MAX_JOIN_GAP and not _numbered_notes(grid, cells, start, end, every) and (
                    not _is_header_start(first) or _labels_only_header(cells, prev_start, prev_end, start)):
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    return merged


def _header_only(grid: pd.DataFrame, cells: Cells, start: int, end: int) -> bool:
    """Rows that head columns rather than fill them: two or more labels (with period labels such as
    '2004-05', or a calendar year: 'State | Post office abbreviation | 2007'), or calendar years across
    ('Characteristic | 1948 | 1952 | ...'), as abstracts space them out above the rest of their header. A
    title split at its comma ('Spend by council, | 2014-15') is one label and a period: not a header."""
    for row in range(start, end + 1):
        kinds = cells.kind[row]
        filled = np.flatnonzero(kinds != EMPTY)
        # a cover line has at most two cells, so only those are made text (a wide row's cells one by one
        # cost a council-columns workbook a tenth of a second)
        if not np.isin(kinds, (NUMBER, DATE, MARKER)).any() or (0 < len(filled) <= 2 and _metadata_line(
                [cell_text(grid, row, c) for c in filled.tolist()])):
            continue  # words only, or a cover line ('Published: | 16th April 2026')
        numbers = np.flatnonzero(kinds == NUMBER)
        years = len(numbers) > 0 and all(is_calendar_year(grid.iat[row, c]) for c in numbers.tolist())
        if numbers.size and not years:
            return False  # a value that is no year: a row of data (decided without pandas, row by row)
        worded = int((kinds == TEXT).sum()) >= 2
        if not (worded or (years and _years_row(grid, row, np.flatnonzero(kinds != EMPTY)))):
            return False
    return True


def _with_blank_periods(cells: Cells, counts: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs carried over the rows after them (blank rows between allowed, as elsewhere) that hold only a period
    in the first column ('Mar 2023' with every value blank): periods with no values yet belong to the table."""
    out = []
    for start, end in runs:
        first = int(np.flatnonzero((cells.kind[start:end + 1] != EMPTY).any(axis=0))[0])
        while True:
            nxt = end + 1
            while nxt < len(counts) and counts[nxt] == 0 and nxt - end <= MAX_JOIN_GAP:
                nxt += 1  # blank rows between, as between a table's other rows
            if nxt < len(counts) and counts[nxt] == 1 and cells.kind[nxt, first] == DATE:
                end = nxt
            else:
                break
        out.append((start, end))
    return out


def _with_lone_numbers(cells: Cells, counts: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs carried over the rows straight after them that hold one number and nothing else (one column
    longer than the others: a curve read past the other units' range). A number alone is a value: never a
    note, never the next table's title."""
    lone = (counts == 1) & (cells.kind == NUMBER).any(axis=1)
    rows = np.arange(len(lone))
    next_other = np.minimum.accumulate(np.where(lone, len(lone), rows)[::-1])[::-1]  # first row >= i not lone
    return [(start, end if end + 1 >= len(lone) else int(next_other[end + 1]) - 1) for start, end in runs]


def _labels_only_header(cells: Cells, prev_start: int, prev_end: int, row: int) -> bool:
    """The row heads only the label columns of the block above (its value columns are blank)."""
    above = cells.kind[prev_start:prev_end + 1]
    numbers = np.isin(above, (NUMBER, MARKER))
    value_cols = numbers.sum(axis=0) >= max(1, 0.5 * numbers.any(axis=1).sum())
    if value_cols.sum() < 2:
        return False
    here = cells.kind[row]
    return bool((here[value_cols] == EMPTY).all() and (here[~value_cols] == TEXT).sum() >= 2)


def _title_above(grid: pd.DataFrame, counts: np.ndarray, start: int, floor: int) -> str:
    lines = []
    for pos in range(max(floor, start - TITLE_ROWS_ABOVE), start):
        if counts[pos] >= 1:
            values = [cell_text(grid, pos, c) for c in range(grid.shape[1])]
            lines.append(" ".join(v for v in values if v))
    return " | ".join(lines)


def _labels_column(grid: pd.DataFrame, rows: slice, col: int, kinds: np.ndarray) -> bool:
    """A column that can head a side-by-side table: words or dates, or whole years ('1955' ... '2028')."""
    filled = kinds[kinds != EMPTY]
    if not len(filled):
        return False
    if np.isin(filled, (TEXT, DATE)).mean() >= 0.5:
        return True
    values = pd.to_numeric(grid.iloc[rows, col].map(label_text), errors="coerce").dropna()
    return len(values) >= 3 and bool(values.between(1800, 2100).all() and (values % 1 == 0).all())


def _heads_table(grid: pd.DataFrame, rows: slice, segment: np.ndarray, col: int) -> bool:
    return _labels_column(grid, rows, col, segment[:, col])


def _column_blocks(kinds: np.ndarray, label_column=None) -> list[np.ndarray]:
    """Side-by-side tables: groups of used columns split by columns blank from top to bottom, kept apart
    only when each part has at least two columns and numbers of its own (a blank spacer column between
    the labels and the numbers does not split a table)."""
    used = (kinds != EMPTY).any(axis=0)
    blocks = [np.arange(s, e + 1)[used[s:e + 1]] for s, e in runs_of(used)]
    if len(blocks) <= 1:
        return [np.flatnonzero(used)]
    numbers = [(kinds[:, b] == NUMBER).sum() >= 2 for b in blocks]
    first_numeric = numbers.index(True) if any(numbers) else len(blocks)
    # Blocks of words to the right of the numbers are side notes (a key, a chart's caption): left out.
    blocks = [b for i, b in enumerate(blocks) if numbers[i] or i < first_numeric]
    numbers = [n for i, n in enumerate(numbers) if n or i < first_numeric]
    if len(blocks) > 1 and all(len(b) >= 2 and n for b, n in zip(blocks, numbers, strict=True)) and (
            label_column is None or all(label_column(int(b[0])) for b in blocks)):
        return blocks
    return [np.concatenate(blocks)]


def find_tables(sheet: RawSheet, cells: Cells) -> list[Table]:
    """Every table on the sheet, the best first (largest block of data; helper sheets last)."""
    counts = cells.counts()
    tables: list[Table] = []
    floor = 0
    for start, end in _segments(sheet.grid, cells, counts):
        segment = cells.kind[start:end + 1]
        heads = partial(_heads_table, sheet.grid, slice(start, end + 1), segment)
        found = False
        for columns in _column_blocks(segment, heads):
            table = _table_from_segment(sheet, cells, counts, start, end, floor, columns)
            if table is not None:
                tables.append(table)
                found = True
        if found:  # a block of title lines ('England | £ thousands') that is no table stays the next one's title
            floor = end + 1
    tables.sort(key=lambda t: -t.score)
    return [replace(t, index=i) for i, t in enumerate(tables)]


def _table_from_segment(sheet: RawSheet, cells: Cells, counts: np.ndarray, start: int, end: int, floor: int,
                        columns: np.ndarray) -> Table | None:
    grid = sheet.grid
    kinds = cells.kind[start:end + 1][:, columns]
    live = (kinds != EMPTY).sum(axis=1) >= 1
    if not np.isin(kinds[:HEADER_SCAN_ROWS + 3], (NUMBER, DATE)).any():
        return None
    data_pos = _past_axis_rows(grid, kinds, start, columns, _data_start(kinds[:HEADER_SCAN_ROWS + 12]))
    body = kinds[data_pos:]
    dated_column = len(body) >= 3 and bool(((body == DATE).sum(axis=0) >= 0.5 * len(body)).any())
    if (body == NUMBER).sum() < MIN_NUMBERS and not dated_column or _numbered_notes(grid, cells, start + data_pos,
                                                                                 end, columns):
        return None  # a block of notes that happens to mention years, or numbers its notes, is not a table
    last = start + int(np.flatnonzero(live).max())
    header_rows = _header_lines(live, start, data_pos)
    header_rows = _trim_title_rows(grid, header_rows, columns)
    header_rows, data_pos = _group_rows_out_of_header(grid, cells, header_rows, columns, start, data_pos)
    header_rows = _group_labels_above(cells, header_rows, columns, floor) + header_rows
    cols = [int(c) for c in columns]
    names = header_names(grid, header_rows, cols, sheet.column_offset, sheet.merges, notes_from=last + 1)
    title_rows = [start + p for p in range(0, data_pos) if start + p not in header_rows and live[p]]
    title = _title_above(grid, counts, start, floor)
    if title_rows:
        extra = " ".join(cell_text(grid, r, c) for r in title_rows for c in range(grid.shape[1])
                         if cell_text(grid, r, c))
        title = f"{title} | {extra}" if title else extra
    notes = _notes_below(grid, last + 1)  # a title marks its words as the header does: 'For all employee jobsa'
    title = without_note_keys(title, note_keys(notes), sheet_words(notes))
    n_data = last - (start + data_pos) + 1
    score = float(n_data * len(cols))
    if not sheet.visible or HELPER_SHEET.search(sheet.name.strip()):
        score *= 0.01
    first_row = header_rows[0] if header_rows else start + data_pos
    inner = tuple(int(start + data_pos + 1 + r) for r in np.flatnonzero(
        _header_start_rows(cells.kind[start + data_pos + 1:last + 1][:, columns])))
    return Table(sheet=sheet, cells=cells, first_row=int(first_row), header_rows=tuple(int(r) for r in header_rows),
                 data_rows=(int(start + data_pos), int(last)), columns=tuple(cols), names=names, title=title,
                 score=score, inner_headers=inner)


def _numbered_notes(grid: pd.DataFrame, cells: Cells, first: int, last: int, columns: np.ndarray) -> bool:
    """Footnotes keyed '(1)', '[2]' or '3.', each beside its text: the keys read as numbers ('(1)' is how
    accounts print -1), but they number notes, not values."""
    kinds = cells.kind[first:last + 1][:, columns]
    rows, cols = np.nonzero(kinds == NUMBER)
    return bool(len(rows)) and all(FOOTNOTE_KEY.match(label_text(grid.iat[first + r, int(columns[c])]))
                                   for r, c in zip(rows.tolist(), cols.tolist(), strict=True))


def _past_axis_rows(grid: pd.DataFrame, kinds: np.ndarray, start: int, columns: np.ndarray, data_pos: int) -> int:
    """The first data row, past header rows of numbers that the row below does not continue: ages 0, 1, 2
    ... or week numbers, or calendar years over the columns. Where more header lines follow (an abstract's,
    spaced out by blank rows), the data starts where the rows begin to agree again."""
    for axis_row in (_counting_row, _years_row):
        while data_pos + 1 < len(kinds) and axis_row(grid, start + data_pos, columns) and not axis_row(
                grid, start + data_pos + 1, columns):
            data_pos += 1 + _data_start(kinds[data_pos + 1:data_pos + 1 + HEADER_SCAN_ROWS + 12])
    while data_pos + 1 < len(kinds) and _years_over_words(grid, kinds, start, data_pos, columns):
        data_pos += 1 + _data_start(kinds[data_pos + 1:data_pos + 1 + HEADER_SCAN_ROWS + 12])
    return data_pos


def _years_over_words(grid: pd.DataFrame, kinds: np.ndarray, start: int, pos: int, columns: np.ndarray) -> bool:
    """Two or more calendar years over the columns, and under them a line of words only ('Number | %'
    under each of '2022' and '2023'): the years head column groups; they are not a row of values."""
    numbers = np.flatnonzero(kinds[pos] == NUMBER)
    below = kinds[pos + 1]
    if len(numbers) < 2 or (below == NUMBER).any() or (below[numbers.min():] == TEXT).sum() < len(numbers):
        return False
    values = pd.to_numeric(pd.Series([label_text(grid.iat[start + pos, int(columns[c])]) for c in numbers.tolist()]),
                           errors="coerce")  # a duration ('10:30:00') counts as a number but is no year
    return not values.isna().any() and calendar_years(values)


def _header_lines(live: np.ndarray, start: int, data_pos: int) -> list[int]:
    """The filled rows of the block above its data, up to MAX_HEADER_ROWS of them: blank rows inside a
    header (statistical abstracts space theirs out) are skipped, not counted."""
    filled = [start + p for p in range(data_pos) if live[p]]
    return filled[-MAX_HEADER_ROWS:]


def _group_rows_out_of_header(grid: pd.DataFrame, cells: Cells, header_rows: list[int], columns: np.ndarray,
                              start: int, data_pos: int) -> tuple[list[int], int]:
    """Trailing 'header' rows that only label the label columns, under a header row that covers the value
    columns, head the rows beneath them ('A: SERVICE STRATEGY'): they belong to the body, as groups."""
    body = cells.kind[start + data_pos:start + data_pos + HEADER_SCAN_ROWS][:, columns]
    value_cols = np.isin(body, (NUMBER, MARKER)).any(axis=0)
    value_cols[0] = False  # the first column holds labels or codes ('312'), not values
    if not value_cols.any():
        return header_rows, data_pos
    covers = [bool((cells.kind[r, columns][value_cols] != EMPTY).any()) for r in header_rows]
    while len(header_rows) > 1 and not covers[-1] and any(covers[:-1]) and not _names_periods(
            grid, cells, header_rows[-1], columns, start + data_pos):
        data_pos = header_rows[-1] - start
        header_rows, covers = header_rows[:-1], covers[:-1]
    return header_rows, data_pos


def _names_periods(grid: pd.DataFrame, cells: Cells, row: int, columns: np.ndarray, first_data: int) -> bool:
    """The row's labels stand over columns of periods ('Year' over 1950, 1951 ...; 'Month' over dates):
    they name those columns, a heading set lower than the others. A group heading stands over labels or
    codes ('Metropolitan Districts' over 204, 406 ...)."""
    filled = [c for c in columns if label_text(grid.iat[row, c])]
    below = range(first_data, min(len(grid), first_data + HEADER_SCAN_ROWS))
    return bool(filled) and all(_periods_column(grid, cells, below, c) for c in filled)


def _periods_column(grid: pd.DataFrame, cells: Cells, rows: range, col: int) -> bool:
    """Every filled cell of the column (over ``rows``) is a date or period label, or a calendar year."""
    kinds = cells.kind[rows.start:rows.stop, col]
    values = pd.Series([grid.iat[r, col] for r in rows], dtype=object)[kinds != EMPTY]
    if values.empty:
        return False
    dates = pd.Series(kinds[kinds != EMPTY] == DATE, index=values.index)
    years = pd.to_numeric(values[~dates].map(label_text), errors="coerce")
    return bool(dates.all()) or (bool(years.notna().all()) and calendar_years(years))


def _group_labels_above(cells: Cells, header_rows: list[int], columns: np.ndarray, floor: int) -> list[int]:
    """Rows just above the header holding only text over the value columns: merged group labels ('Number
    of patients discharged' over twelve pathway columns), which have one filled cell and so start no run."""
    if not header_rows:
        return []
    found: list[int] = []
    row = header_rows[0] - 1
    while row >= floor and len(found) < MAX_HEADER_ROWS - len(header_rows):
        kinds = cells.kind[row, columns]
        filled = np.flatnonzero(kinds != EMPTY)
        if not len(filled) or filled[0] == 0 or not (kinds[filled] == TEXT).all():
            break
        found.insert(0, row)
        row -= 1
    return found


def _trim_title_rows(grid: pd.DataFrame, header_rows: list[int], columns: np.ndarray) -> list[int]:
    """Header rows from the first that names columns (`_naming_rows`, the rule header_names reads): lines of
    front matter above it ('Status: | Published') and a title line over a wide table's first column alone are
    the title's. Only leading lines: 'A: | SERVICE STRATEGY' under the header heads a group of the body."""
    rows = [[cell_text(grid, r, int(c)) for c in columns] for r in header_rows]
    naming = _naming_rows(rows, len(columns))
    return header_rows[min(naming[0] if naming else len(rows), len(rows) - 1):]
