"""The whole read, run inside the sandboxed child: bytes in, a `Dataset` out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.catalogue import COUNT_SCALE, MeasureInfo, checked_scale
from analytics.dataset import LEDGER_COLUMNS, Dataset, Ledger, Source, TableInfo
from analytics.errors import IngestError
from analytics.ingest.grid import read_cells
from analytics.ingest.guard import SheetText
from analytics.ingest.readers import Book, RawSheet, read_csv, read_workbook
from analytics.ingest.tables import METADATA_KEY, Table, find_tables, header_names, label_text, runs_of
from analytics.ingest.tidy import NOTE_LABEL, Tidied, tidy_table


@dataclass(frozen=True)
class Options:
    """What the user chose on the Data page; None means 'detect it'."""

    sheet: str | None = None
    table: int | None = None
    header_row: int | None = None  # 1-based sheet row of the (last) header row
    layout: str | None = None
    period_column: str | None = None
    split_by: str | None = None
    record_frequency: str | None = None
    year: int | None = None  # the (financial) year of month labels that carry none, given on the Data page
    measures: tuple[tuple[str, MeasureInfo], ...] = ()


def _book(data: bytes, filename: str, file_type: str, sheet_text: Mapping[str, SheetText] | None = None) -> Book:
    if file_type == "csv":
        return Book([read_csv(data, filename)])
    return read_workbook(data, file_type, sheet_text)


def _all_tables(sheets: list[RawSheet]) -> list[Table]:
    """The tables of every sheet, best first; each sheet's cells are classified once, here."""
    tables = [t for sheet in sheets for t in find_tables(sheet, read_cells(sheet.grid, sheet.percent_cells))]
    return sorted(tables, key=lambda t: -t.score)


def _choose(tables: list[Table], sheets: list[RawSheet], options: Options,
            skipped: Mapping[str, str] | None = None) -> Table:
    if options.sheet is not None:
        names = [s.name for s in sheets]
        if options.sheet not in names:
            why = (skipped or {}).get(options.sheet)  # the reader set it aside: say why, not that it is missing
            raise IngestError(f"The sheet '{options.sheet}' cannot be read: {why}." if why else
                              f"There is no sheet called '{options.sheet}'; sheets are: {', '.join(names)}.")
        tables = [t for t in tables if t.sheet.name == options.sheet]
        if not tables:
            sheet = next(s for s in sheets if s.name == options.sheet)
            raise IngestError(_no_table_message(sheet))
        if options.table is not None:
            tables = [t for t in tables if t.index == options.table] or tables
    if not tables:
        raise IngestError(_no_table_message(max(sheets, key=lambda s: s.grid.size)))
    return tables[0]


def _no_table_message(sheet: RawSheet) -> str:
    rows = int(sheet.grid.notna().to_numpy().any(axis=1).sum()) if sheet.grid.size else 0
    return (f"No table found: the largest block on '{sheet.name}' has {rows} row{'s' if rows != 1 else ''} "
            "with values and no column of numbers or dates beneath a header.")


def _with_header_row(table: Table, header_row: int) -> Table:
    """Re-read a table with the header on the user's chosen (1-based) sheet row."""
    grid = table.sheet.grid
    row = header_row - 1
    if not 0 <= row < len(grid) or row >= table.data_rows[1]:
        raise IngestError(f"Row {header_row} is not inside the table (rows {table.first_row + 1} to "
                          f"{table.data_rows[1] + 1}).")
    names = header_names(grid, [row], list(table.columns), table.sheet.column_offset, table.sheet.merges,
                         notes_from=table.data_rows[1] + 1)
    return Table(**{**table.__dict__, "header_rows": (row,), "data_rows": (row + 1, table.data_rows[1]),
                    "names": names, "first_row": min(table.first_row, row)})


ROLE_REASONS = {"metadata": "title", "header": "header", "group": "group label", "derived": "total / average row",
                "notes": "note", "empty": "blank", "data": "no values"}
NOTE_MIN_WORDS = 4  # a line of this many words below a table is a note, not a row with its values missing
REASON_ROLES = {reason: role for role, reason in ROLE_REASONS.items()}


ROLES = ("metadata", "header", "group", "data", "derived", "notes", "empty")
ROLE_CODE = {role: np.int8(i) for i, role in enumerate(ROLES)}


def sheet_roles(table: Table, row_roles: Mapping[int, str], tables: list[Table]) -> pd.Categorical:
    """The role of every line of the chosen table's sheet (ROLES), from the table finder and the tidy stage:
    the one classification the ledger, the Data page and `line_roles` all read."""
    counts = table.cells.counts()
    n = int(np.flatnonzero(counts).max()) + 1 if counts.any() else 0
    code = np.full(n, ROLE_CODE["notes"], dtype=np.int8)
    first_table_row = min((t.first_row for t in tables if t.sheet is table.sheet), default=n)
    code[:first_table_row] = ROLE_CODE["metadata"]
    for other in tables:
        if other.sheet is table.sheet and other is not table:
            code[other.first_row:other.data_rows[1] + 1] = ROLE_CODE["data"]
            code[list(other.header_rows)] = ROLE_CODE["header"]
    code[table.first_row:table.data_rows[0]] = ROLE_CODE["metadata"]
    code[[r for r in table.header_rows if r < n]] = ROLE_CODE["header"]
    code[table.data_rows[0]:table.data_rows[1] + 1] = ROLE_CODE["data"]
    for row, role in row_roles.items():
        if 0 <= row < n:
            code[row] = ROLE_CODE[role]
    code[counts[:n] == 0] = ROLE_CODE["empty"]
    _trailing_rows(table, code, counts[:n])
    return pd.Categorical.from_codes(code, categories=ROLES)


def _trailing_rows(table: Table, code: np.ndarray, counts: np.ndarray) -> None:
    """Lines straight after the table (no blank line between) that carry on its label column with a short
    label and no values ('AUD-140', 'Zimbabwe | ZWE') are rows whose values are missing, not notes; a note
    is prose, or marked as one ('Source:', '1.')."""
    grid, first = table.sheet.grid, table.columns[0]
    row = table.data_rows[1] + 1
    while row < len(code) and code[row] == ROLE_CODE["notes"]:
        cells = [(c, t) for c, v in enumerate(grid.iloc[row].tolist()) if (t := label_text(v))]
        text = " ".join(t for _, t in cells)
        if cells[0][0] != first or cells[-1][0] > table.columns[-1] or NOTE_LABEL.search(text) or \
                len(text.split()) >= NOTE_MIN_WORDS or text.rstrip().endswith((".", ":")):
            return
        code[row] = ROLE_CODE["data"]
        row += 1


def _sheet_ledger(table: Table, tidied: Tidied, tables: list[Table], roles: np.ndarray) -> Ledger:
    """Every row of the sheet's used range: used, or excluded with its reason (named after its role)."""
    grid = table.sheet.grid
    rows_read = len(roles)
    used = np.zeros(rows_read, dtype=bool)
    used_at = np.fromiter(tidied.used_rows, dtype=np.int64, count=len(tidied.used_rows))
    used[used_at[(used_at >= 0) & (used_at < rows_read)]] = True
    listed = _listed(tidied.excluded)
    row_level = listed[listed["column"].fillna("") == ""]
    accounted = used.copy()
    listed_at = row_level["row"].to_numpy(dtype=np.int64) - 1
    accounted[listed_at[(listed_at >= 0) & (listed_at < rows_read)]] = True
    others = {r: t for t in tables if t is not table and t.sheet is table.sheet
              for r in range(t.first_row, t.data_rows[1] + 1)}
    pending = np.flatnonzero(~accounted)
    # Reasons as category codes: a used range of a million blank rows stays a few megabytes.
    categories = [ROLE_REASONS.get(r, "not data") for r in ROLES]
    reason_code = roles.codes[pending].astype(np.int16)
    other_rows = np.zeros(rows_read, dtype=bool)
    other_rows[[r for r in others if r < rows_read]] = True
    for i in np.flatnonzero(other_rows[pending]).tolist():
        label = f"another table (table {others[pending[i]].index + 1})"
        if label not in categories:
            categories.append(label)
        reason_code[i] = categories.index(label)
    blank = roles.codes[pending] == ROLE_CODE["empty"]
    details = np.full(len(pending), "", dtype=object)
    for i in np.flatnonzero(~blank).tolist():  # only the filled rows left out: titles, notes, other tables
        details[i] = " ".join(label_text(v) for v in grid.iloc[pending[i]].tolist() if label_text(v))[:120]
    listed_reasons = listed["reason"].astype(str)
    categories += [r for r in listed_reasons.unique() if r not in categories]
    listed_columns = listed["column"].fillna("").astype(str)
    columns = [""] + [c for c in listed_columns.unique() if c]
    row = np.concatenate([listed["row"].to_numpy(dtype=np.int64), pending + 1])
    column_code = np.concatenate([pd.Categorical(listed_columns, categories=columns).codes.astype(np.int16),
                                  np.zeros(len(pending), dtype=np.int16)])
    reasons = np.concatenate([pd.Categorical(listed_reasons, categories=categories).codes.astype(np.int16),
                              reason_code])
    detail = np.concatenate([listed["detail"].fillna("").to_numpy(dtype=object), details])
    order = np.lexsort((column_code != 0, row))
    frame = pd.DataFrame({"row": row[order],
                          "column": pd.Categorical.from_codes(column_code[order], categories=columns),
                          "reason": pd.Categorical.from_codes(reasons[order], categories=categories),
                          "detail": detail[order]}, columns=LEDGER_COLUMNS)
    return Ledger(rows_read=rows_read, rows_used=int(used.sum()), excluded=frame)


def _listed(excluded: list) -> pd.DataFrame:
    """The tidy stage's exclusions (single entries and whole frames of rows) as one ledger frame."""
    singles = [e for e in excluded if isinstance(e, dict)]
    frames = [e for e in excluded if isinstance(e, pd.DataFrame)]
    parts = [pd.DataFrame(singles, columns=LEDGER_COLUMNS)] + [f[LEDGER_COLUMNS] for f in frames]
    return pd.concat(parts, ignore_index=True) if frames else parts[0]


def _uncached_formula_check(sheet: RawSheet, used_rows: set[int] | None = None) -> list[str]:
    """Formulas without saved results read as empty cells. Refuse when any sits in a row the table uses (its
    number would be lost); return a warning when they are only in rows left out anyway (totals, notes)."""
    cells = list(sheet.uncached_formulas)
    if not cells:
        return []
    shown = ", ".join(cells[:3]) + (", ..." if len(cells) > 3 else "")
    rows = {int(re.sub(r"^[A-Z]+", "", cell)) - 1 for cell in cells}
    if used_rows is None or rows & used_rows:
        raise IngestError(f"Sheet '{sheet.name}' has {len(cells):,} formula cell(s) with no saved result ({shown}), "
                          "as happens when a program rather than Excel wrote the file: open and save it in Excel "
                          "first, then upload it again.")
    return [f"{len(cells):,} formula cell(s) with no saved result ({shown}) are in rows that are not data "
            "(totals or notes), so nothing is lost; open and save the file in Excel to include their values."]


def _table_infos(tables: list[Table]) -> tuple[TableInfo, ...]:
    return tuple(TableInfo(sheet=t.sheet.name, index=t.index, first_row=t.first_row + 1,
                           last_row=t.data_rows[1] + 1, n_columns=len(t.columns), score=t.score,
                           hidden=not t.sheet.visible, title=t.title[:80]) for t in tables)


def parse(data: bytes, filename: str, file_type: str, options: Options,
          sheet_text: Mapping[str, SheetText] | None = None) -> Dataset:
    """Read, find the table, tidy it and reconcile it. Runs in the sandboxed child; ``sheet_text`` is what the
    file check kept of each worksheet's XML (see guard.SheetText)."""
    book = _book(data, filename, file_type, sheet_text)
    table, tables, tidied = _read_table(book, filename, options)
    roles = sheet_roles(table, tidied.row_roles, tables)
    frame = tidied.frame.drop(columns="_row").reset_index(drop=True)
    frame = _column_order(frame, tidied.dimensions)
    scaled, scale_notes = _checked_count_scales(tidied.measures, frame)
    measures = {**scaled, **dict(options.measures)}
    warnings = list(book.warnings) + list(tidied.warnings) + scale_notes
    warnings += _uncached_formula_check(table.sheet, set(tidied.used_rows))
    suppressed = int((frame["flag"].fillna("").str.len() > 0).sum() - frame["flag"].isin(["total", "aggregate"]).sum())
    if suppressed:
        warnings.append(f"{suppressed} value(s) were suppressed or not available (shown as gaps, never as 0).")
    others = [t for t in tables if t is not table]
    if others:
        warnings.append(f"{len(others)} other table(s) in the file: pick one on the Data page to read it instead.")
    source = Source(filename=filename, file_type=file_type, sheet=table.sheet.name if file_type != "csv" else None,
                    table_index=table.index, header_rows=tuple(r + 1 for r in table.header_rows),
                    layout=tidied.layout, period_column=tidied.period_column,
                    sheets=tuple(s.name for s in book.sheets), tables=_table_infos(tables), title=table.title,
                    line_roles=pd.DataFrame({"row": np.arange(1, len(roles) + 1), "role": roles}),
                    axes=tidied.axes, notes=_note_lines(table, roles))
    return Dataset(frame=frame, kind=tidied.kind, frequency=tidied.frequency, measures=measures,
                   ledger=_sheet_ledger(table, tidied, tables, roles), warnings=tuple(warnings), source=source,
                   dimensions=tidied.dimensions, records=tidied.records)


def _checked_count_scales(measures: dict[str, MeasureInfo], frame: pd.DataFrame
                          ) -> tuple[dict[str, MeasureInfo], list[str]]:
    """Measures whose name states a count scale ('(thousand)', '(mil)') their values cannot bear are plain
    counts (see catalogue.checked_scale), each with a note saying so."""
    out, notes = dict(measures), []
    for name, info in measures.items():
        if info.unit not in COUNT_SCALE or "measure" not in frame.columns:
            continue
        largest = float(frame.loc[frame["measure"] == name, "value"].abs().max())
        if (checked := checked_scale(info, largest)) != info:
            out[name] = checked
            notes.append(f"'{name}' says it is in {info.unit.removeprefix('count_')}, but its values run to "
                         f"{largest:,.0f}: they are read as a plain count.")
    return out, notes


def _read_table(book: Book, filename: str, options: Options, tables: list[Table] | None = None
                ) -> tuple[Table, list[Table], Tidied]:
    tables = _all_tables(book.sheets) if tables is None else tables
    try:
        table = _choose(tables, book.sheets, options, book.skipped)
    except IngestError:
        for sheet in book.sheets:
            _uncached_formula_check(sheet)
        raise
    if options.header_row is not None:
        table = _with_header_row(table, options.header_row)
    tidied = tidy_table(table, layout=options.layout, period_column=options.period_column,
                        split_by=options.split_by, record_frequency=options.record_frequency, filename=filename,
                        year=options.year)
    return table, tables, tidied


def classify_lines(data: bytes, filename: str, file_type: str, options: Options,
                   sheet_text: Mapping[str, SheetText] | None = None) -> pd.DataFrame:
    """The role of every line of the sheet `parse` reads (or ``options.sheet``): columns ``row`` and ``role``.

    A table found whose columns cannot be tidied (numbers only, no labels or periods) still has its lines'
    roles from the table finder: only a sheet with no table at all is refused."""
    book = _book(data, filename, file_type, sheet_text)
    tables = _all_tables(book.sheets)
    try:
        table, tables, tidied = _read_table(book, filename, options, tables)
        roles = sheet_roles(table, tidied.row_roles, tables)
    except IngestError:
        named = next((s for s in book.sheets if s.name == options.sheet), None)
        if options.sheet is not None and named is None:
            raise
        if tables and (named is None or any(t.sheet is named for t in tables)):
            roles = sheet_roles(_choose(tables, book.sheets, options, book.skipped), {}, tables)
        else:  # words only (a cover sheet, notes, a list of indicators): lines to classify, none to analyse
            sheet = named or max(book.sheets, key=lambda s: s.grid.size)
            cells = read_cells(sheet.grid, sheet.percent_cells)
            first = sheet.grid.iloc[:, 0].map(label_text) if sheet.grid.shape[1] else pd.Series(dtype=object)
            roles = text_table_roles(cells.counts(), first)
    return pd.DataFrame({"row": np.arange(1, len(roles) + 1), "role": roles})


def text_table_roles(counts: np.ndarray, first_cells: pd.Series | None = None) -> pd.Categorical:
    """Roles of a sheet with no table of numbers: its longest run of rows with two or more cells is a
    table of words (header line, then data); lines above it are metadata; below it, lines of one cell are
    notes and lines of several are more of its rows. 'Key: | value' lines before any other line of several
    cells (a cover sheet's 'Title:', 'Period:', 'Source:') are front matter, never rows of a table."""
    n = int(np.flatnonzero(counts).max()) + 1 if counts.any() else 0
    counts = counts[:n]
    code = np.full(n, ROLE_CODE["metadata"], dtype=np.int8)
    key_value = np.zeros(n, dtype=bool)
    if first_cells is not None and len(first_cells):  # only the leading ones: 'Table 1: | ...' in a list is a row
        keyed = first_cells.iloc[:n].astype(str).str.match(METADATA_KEY).to_numpy(dtype=bool)
        other = np.flatnonzero((counts >= 2) & ~keyed)
        key_value = keyed & (np.arange(n) < (other[0] if len(other) else n))
    runs = [r for r in runs_of((counts >= 2) & ~key_value) if r[1] > r[0]]  # a table has a header and a row
    if runs:
        start, end = max(runs, key=lambda r: r[1] - r[0])
        code[start] = ROLE_CODE["header"]
        code[start + 1:end + 1] = ROLE_CODE["data"]
        code[end + 1:] = np.where(counts[end + 1:] >= 2, ROLE_CODE["data"], ROLE_CODE["notes"])
    code[counts == 0] = ROLE_CODE["empty"]
    return pd.Categorical.from_codes(code, categories=ROLES)


def _note_lines(table: Table, roles: np.ndarray) -> tuple[str, ...]:
    """The text of the sheet's note lines, for the Data page and the pack's methods annex."""
    grid = table.sheet.grid
    rows = np.flatnonzero(roles.codes == ROLE_CODE["notes"])[:50].tolist()
    lines = (" ".join(label_text(v) for v in grid.iloc[r].tolist() if label_text(v)) for r in rows)
    return tuple(line[:300] for line in lines if line)


def _column_order(frame: pd.DataFrame, dimensions: tuple[str, ...]) -> pd.DataFrame:
    lead = [c for c in ("period", "category") if c in frame.columns]
    tail = [c for c in ("target", "flag") if c in frame.columns]
    middle = ["measure", "value", *[d for d in dimensions if d in frame.columns]]
    rest = [c for c in frame.columns if c not in {*lead, *middle, *tail}]
    return frame[lead + middle + rest + tail]
