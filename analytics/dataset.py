"""The `Dataset` every loader returns and every model, page and export reads (DESIGN section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from analytics.catalogue import MeasureInfo
from analytics.errors import AnalysisError
from analytics.periods import format_period
from analytics.vocabulary import FREQUENCIES_TABLE, SUMMARY_FLAGS, SUMMED_UNITS  # noqa: F401 - re-exported

LAYOUTS = ("long", "wide", "periods_across", "places_across", "ages_across", "records", "table")
KINDS = ("timeseries", "records", "table")
LEDGER_COLUMNS = ["row", "column", "reason", "detail"]
ADDITIVE_UNITS = SUMMED_UNITS  # the older name, kept for callers


def sum_by_period(rows: pd.DataFrame) -> pd.Series:
    """Per period, the sum of ``value`` over the rows; NaN when any part is missing, so a total is never short."""
    grouped = rows.groupby("period", sort=True)["value"]
    return grouped.sum(min_count=1).where(grouped.count() == grouped.size())


@dataclass(frozen=True)
class Ledger:
    """Reconciliation of what was read: rows read = rows used + rows excluded, every exclusion explained.

    ``excluded`` has one row per excluded sheet row (``column`` empty) or cell (``column`` named), with
    1-based sheet row numbers as the user sees them in Excel.
    """

    rows_read: int
    rows_used: int
    excluded: pd.DataFrame

    @property
    def rows_excluded(self) -> int:
        """Distinct sheet rows left out (cell-level exclusions do not remove their row)."""
        rows = self.excluded[self.excluded["column"].fillna("") == ""]
        return int(rows["row"].nunique())

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_used + self.rows_excluded

    def summary(self) -> str:
        reasons = self.excluded[self.excluded["column"].fillna("") == ""]["reason"].value_counts()
        parts = ", ".join(f"{n:,} {reason}" for reason, n in reasons.items() if n)
        cells = int((self.excluded["column"].fillna("") != "").sum())
        cell_text = f"; {cells:,} cell(s) set aside" if cells else ""
        return (f"{self.rows_read:,} rows read: {self.rows_used:,} used, {self.rows_excluded:,} excluded"
                f"{' (' + parts + ')' if parts else ''}{cell_text}.")


@dataclass(frozen=True)
class TableInfo:
    """One table found in the workbook, for the 'other tables' list and the table picker."""

    sheet: str
    index: int  # position among the tables of its sheet, 0 first
    first_row: int  # 1-based
    last_row: int
    n_columns: int
    score: float
    hidden: bool = False
    title: str = ""

    def label(self) -> str:
        hidden = " (hidden sheet)" if self.hidden else ""
        title = f" {self.title!r}" if self.title else ""
        return f"'{self.sheet}' rows {self.first_row}-{self.last_row}{title}{hidden}"


@dataclass(frozen=True)
class Source:
    """Where the table came from and how it was read."""

    filename: str
    file_type: str
    sheet: str | None
    table_index: int
    header_rows: tuple[int, ...]  # 1-based sheet rows used as the header
    layout: str
    period_column: str | None = None
    sheets: tuple[str, ...] = ()
    tables: tuple[TableInfo, ...] = ()  # every table found, the chosen one included
    title: str = ""  # title rows above the table, joined
    line_roles: pd.DataFrame | None = field(default=None, repr=False, compare=False)  # `row`, `role` per line
    axes: tuple[tuple[str, str], ...] = ()  # what was found across and down (periods, places, measures)
    notes: tuple[str, ...] = ()  # the sheet's note lines, for the Data page and the methods annex


@dataclass(frozen=True)
class Dataset:
    """A tidy, reconciled table ready for the models (see DESIGN section 2)."""

    frame: pd.DataFrame
    kind: str
    frequency: str | None
    measures: dict[str, MeasureInfo]
    ledger: Ledger
    warnings: tuple[str, ...]
    source: Source
    dimensions: tuple[str, ...] = ()
    records: pd.DataFrame | None = field(default=None, repr=False)

    def series(self, measure: str, **filters: str) -> pd.Series:
        """Values of one measure indexed by period, summed over any dimensions not filtered on.

        Totals and aggregate rows (``flag``) are left out so nothing is counted twice. A percent, rate or
        days measure with several rows per period cannot be summed: filter it to one row per period first.
        """
        rows = self.frame[self.frame["measure"] == measure]
        for column, value in filters.items():
            rows = rows[rows[column] == value]
        rows = rows[~rows["flag"].isin(SUMMARY_FLAGS)]
        info = self.measures.get(measure)
        if info is not None and info.unit not in ADDITIVE_UNITS and rows["period"].duplicated().any():
            raise AnalysisError(f"'{measure}' is a {info.unit} measure with several rows per period; "
                                "choose one value of each dimension (a percentage cannot be added up).")
        return sum_by_period(rows)

    def with_measure_info(self, measure: str, info: MeasureInfo) -> Dataset:
        """A copy with one measure's unit or polarity overridden by the user."""
        return replace(self, measures={**self.measures, measure: info})


FREQUENCY_NAMES = {**{c: f.description for c, f in FREQUENCIES_TABLE.items()}, None: "none (not a time series)"}


def detection_summary(data: Dataset) -> pd.DataFrame:
    """What the loader detected, as 'What' / 'Found' rows for the Data page and the methods annex."""
    src = data.source
    frame = data.frame
    covered = "Periods covered"
    if "period" in frame.columns and frame["period"].notna().any():
        first, last = frame["period"].min(), frame["period"].max()  # in the frequency's own words: '2019/20'
        span = f"{format_period(first, data.frequency)} to {format_period(last, data.frequency)}"
    else:  # a table of places or categories covers no periods: "Periods covered: 151 rows" read as nonsense
        covered, span = "Rows of the table", (f"{frame['category'].nunique()} (one per row label)"
                                             if "category" in frame.columns else "")
    rows = [
        ("File", src.filename),
        ("Sheet", src.sheet or "(CSV)"),
        ("Table", f"{src.table_index + 1} of {sum(t.sheet == src.sheet for t in src.tables) or 1} on this sheet"),
        ("Header row(s)", ", ".join(map(str, src.header_rows)) or "none"),
        ("Layout", src.layout),
        ("Period column", src.period_column or ("across the columns" if src.layout == "periods_across" else "none")),
        ("Frequency", FREQUENCY_NAMES.get(data.frequency, str(data.frequency))),
        (covered, span),
        *([] if any(axis == "Measures" for axis, _ in src.axes) else [("Measures", str(len(data.measures)))]),
        ("Dimensions", ", ".join(data.dimensions) or "none"),
        *src.axes,
        ("Rows", data.ledger.summary()),
    ]
    return pd.DataFrame(rows, columns=["What", "Found"])


def measure_table(data: Dataset) -> pd.DataFrame:
    """One row per measure with its unit, polarity and catalogue match, for review and override."""
    return pd.DataFrame(
        [{"measure": m, "unit": i.unit, "polarity": i.polarity, "recognised as": i.known_as or ""}
         for m, i in data.measures.items()]
    )
