"""The whole read, run inside the sandboxed child: bytes in, a `Dataset` out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.catalogue import MeasureInfo
from analytics.dataset import LEDGER_COLUMNS, Dataset, Ledger, Source, TableInfo
from analytics.errors import IngestError
from analytics.ingest.readers import RawSheet, percent_columns, read_csv, read_workbook, uncached_formulas
from analytics.ingest.tables import Table, filled_counts, find_tables
from analytics.ingest.tidy import Tidied, tidy_table

PERCENT_PROBE_ROWS = 50


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
    measures: tuple[tuple[str, MeasureInfo], ...] = ()


def _sheets(data: bytes, filename: str, file_type: str) -> list[RawSheet]:
    if file_type == "csv":
        return [read_csv(data, filename)]
    return read_workbook(data)


def _all_tables(sheets: list[RawSheet]) -> list[Table]:
    tables = [t for sheet in sheets for t in find_tables(sheet)]
    return sorted(tables, key=lambda t: -t.score)


def _choose(tables: list[Table], sheets: list[RawSheet], options: Options) -> Table:
    if options.sheet is not None:
        names = [s.name for s in sheets]
        if options.sheet not in names:
            raise IngestError(f"There is no sheet called '{options.sheet}'; sheets are: {', '.join(names)}.")
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
    counts = filled_counts(sheet.grid)
    rows = int((counts >= 1).sum())
    return (f"No table found: the largest block on '{sheet.name}' has {rows} row{'s' if rows != 1 else ''} "
            "with values and no column of numbers or dates beneath a header.")


def _with_header_row(table: Table, header_row: int) -> Table:
    """Re-read a table with the header on the user's chosen (1-based) sheet row."""
    from analytics.ingest.tables import _header_names

    grid = table.sheet.grid
    row = header_row - 1
    if row not in grid.index or row >= table.data_rows[1]:
        raise IngestError(f"Row {header_row} is not inside the table (rows {table.first_row + 1} to "
                          f"{table.data_rows[1] + 1}).")
    names = _header_names(grid, [row], list(table.columns), table.sheet.column_offset)
    return Table(**{**table.__dict__, "header_rows": (row,), "data_rows": (row + 1, table.data_rows[1]),
                    "names": names, "first_row": min(table.first_row, row)})


def _sheet_ledger(table: Table, tidied: Tidied, tables: list[Table]) -> Ledger:
    """Every row of the sheet's used range: used, or excluded with its reason."""
    grid = table.sheet.grid
    counts = filled_counts(grid)
    last = int(pd.Series(counts).to_numpy().nonzero()[0].max()) if counts.any() else -1
    rows_read = last + 1
    excluded = list(tidied.excluded)
    accounted = {e["row"] - 1 for e in excluded if not e["column"]} | set(tidied.used_rows)
    others = {r: t for t in tables if t is not table and t.sheet is table.sheet
              for r in range(t.first_row, t.data_rows[1] + 1)}
    pending = np.ones(rows_read, dtype=bool)
    pending[[r for r in accounted if 0 <= r < rows_read]] = False
    # Blank rows are listed in one vectorised step: a used range of a million empty rows must stay fast and small.
    blank = np.flatnonzero(pending & (counts[:rows_read] == 0))
    blanks = pd.DataFrame({"row": blank + 1, "column": "", "reason": "blank", "detail": ""}, columns=LEDGER_COLUMNS)
    for row in np.flatnonzero(pending & (counts[:rows_read] != 0)).tolist():
        label = grid.index[row]
        if row in table.header_rows:
            reason = "header"
        elif row in others:
            reason = f"another table (table {others[row].index + 1})"
        elif row < table.first_row:
            reason = "title"
        elif row > table.data_rows[1]:
            reason = "note"
        else:
            reason = "not data"
        values = " ".join(str(v) for v in grid.loc[label] if pd.notna(v))[:120]
        excluded.append({"row": row + 1, "column": "", "reason": reason, "detail": values})
    listed = pd.DataFrame(excluded, columns=LEDGER_COLUMNS)
    frame = (pd.concat([listed, blanks], ignore_index=True) if len(blanks) else listed).sort_values(
        ["row", "column"], kind="stable")
    return Ledger(rows_read=rows_read, rows_used=len(tidied.used_rows), excluded=frame.reset_index(drop=True))


def _check_uncached_formulas(data: bytes, sheet: str, used_rows: set[int] | None = None) -> list[str]:
    """Formulas without saved results read as empty cells. Refuse when any sits in a row the table uses (its
    number would be lost); return a warning when they are only in rows left out anyway (totals, notes)."""
    cells = uncached_formulas(data, sheet)
    if not cells:
        return []
    shown = ", ".join(cells[:3]) + (", ..." if len(cells) > 3 else "")
    rows = {int(re.sub(r"^[A-Z]+", "", cell)) - 1 for cell in cells}
    if used_rows is None or rows & used_rows:
        raise IngestError(f"Sheet '{sheet}' has {len(cells):,} formula cell(s) with no saved result ({shown}), as "
                          "happens when a program rather than Excel wrote the file: open and save it in Excel "
                          "first, then upload it again.")
    return [f"{len(cells):,} formula cell(s) with no saved result ({shown}) are in rows that are not data "
            "(totals or notes), so nothing is lost; open and save the file in Excel to include their values."]


def _table_infos(tables: list[Table]) -> tuple[TableInfo, ...]:
    return tuple(TableInfo(sheet=t.sheet.name, index=t.index, first_row=t.first_row + 1,
                           last_row=t.data_rows[1] + 1, n_columns=len(t.columns), score=t.score,
                           hidden=not t.sheet.visible, title=t.title[:80]) for t in tables)


def parse(data: bytes, filename: str, file_type: str, options: Options) -> Dataset:
    """Read, find the table, tidy it and reconcile it. Runs in the sandboxed child."""
    sheets = _sheets(data, filename, file_type)
    tables = _all_tables(sheets)
    try:
        table = _choose(tables, sheets, options)
    except IngestError:
        if file_type in {"xlsx", "xlsm"}:
            for sheet in sheets:
                _check_uncached_formulas(data, sheet.name)
        raise
    if options.header_row is not None:
        table = _with_header_row(table, options.header_row)
    probe = set()
    if file_type in {"xlsx", "xlsm"}:
        first = table.data_rows[0]
        rows = range(min(table.header_rows, default=first), min(first + PERCENT_PROBE_ROWS, table.data_rows[1] + 1))
        probe = percent_columns(data, table.sheet.name, rows, [c + table.sheet.column_offset for c in table.columns])
    tidied = tidy_table(table, layout=options.layout, period_column=options.period_column,
                        split_by=options.split_by, record_frequency=options.record_frequency,
                        percent_cols=probe, filename=filename)
    frame = tidied.frame.drop(columns="_row").reset_index(drop=True)
    frame = _column_order(frame, tidied.dimensions)
    measures = {**tidied.measures, **dict(options.measures)}
    warnings = list(tidied.warnings)
    if file_type in {"xlsx", "xlsm"}:
        warnings += _check_uncached_formulas(data, table.sheet.name, set(tidied.used_rows))
    suppressed = int((frame["flag"].fillna("").str.len() > 0).sum() - frame["flag"].isin(["total", "aggregate"]).sum())
    if suppressed:
        warnings.append(f"{suppressed} value(s) were suppressed or not available (shown as gaps, never as 0).")
    others = [t for t in tables if t is not table]
    if others:
        warnings.append(f"{len(others)} other table(s) in the file: pick one on the Data page to read it instead.")
    source = Source(filename=filename, file_type=file_type, sheet=table.sheet.name if file_type != "csv" else None,
                    table_index=table.index, header_rows=tuple(r + 1 for r in table.header_rows),
                    layout=tidied.layout, period_column=tidied.period_column,
                    sheets=tuple(s.name for s in sheets), tables=_table_infos(tables), title=table.title)
    return Dataset(frame=frame, kind=tidied.kind, frequency=tidied.frequency, measures=measures,
                   ledger=_sheet_ledger(table, tidied, tables), warnings=tuple(warnings), source=source,
                   dimensions=tidied.dimensions, records=tidied.records)


def _column_order(frame: pd.DataFrame, dimensions: tuple[str, ...]) -> pd.DataFrame:
    lead = [c for c in ("period", "category") if c in frame.columns]
    tail = [c for c in ("target", "flag") if c in frame.columns]
    middle = ["measure", "value", *[d for d in dimensions if d in frame.columns]]
    rest = [c for c in frame.columns if c not in {*lead, *middle, *tail}]
    return frame[lead + middle + rest + tail]
