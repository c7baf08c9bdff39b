"""From a found table to the tidy long frame: detecting the layout, reading periods and numbers, the ledger.

Layouts (DESIGN section 2): ``long`` (period, measure, value), ``wide`` (a period column and one column per
measure, any text columns being dimensions), ``periods_across`` (measures in rows, periods across the
columns), ``records`` (one row per contact or placement, counted per period) and ``table`` (one row per
council or service line, no period).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analytics.catalogue import MeasureInfo, checked_percent, describe, unit_from_word
from analytics.errors import IngestError
from analytics.formatting import unit_words
from analytics.ingest.axes import (
    HeaderAxis,
    find_header_axis,
    is_code_column,
    money_scale,
    place_of,
    row_structure,
    stated_money_scale,
    year_context,
)
from analytics.ingest.cells import MARKERS, blank_mask, parse_numbers
from analytics.ingest.durations import duration_values
from analytics.ingest.grid import DATE, EMPTY, MARKER, NUMBER
from analytics.ingest.labels import clean_label, map_distinct, short_name, snake
from analytics.ingest.records import count_records, default_record_frequency, record_measure_name
from analytics.ingest.tables import Table, label_text
from analytics.ingest.totals import MIN_RUN, summing_rows
from analytics.periods import (
    calendar_year_mask,
    calendar_years,
    calendar_years_down,
    format_period,
    gaps_and_duplicates,
    parse_label,
    parse_periods,
)
from analytics.vocabulary import FREQUENCIES_TABLE, MONEY_SCALES

ROLE_OF_REASON = {"blank": "empty", "note": "notes", "total / average row": "derived", "group label": "group",
                  "header": "header", "title": "metadata"}

SAMPLE_ROWS = 500  # rows sampled to decide what a column holds, before the full column is read
SAMPLE_SCAN_FACTOR = 4  # the sample is taken from the first SAMPLE_ROWS x 4 rows when they hold enough cells
PERIOD_SHARE = 0.8  # share of a column's non-blank cells that must read as periods
NUMERIC_SHARE = 0.8
MIN_PERIODS_ACROSS = 3
# "Total", "Total1" (a footnote mark), "TOTAL ALL AGENCIES", "Felony type total:", "All ages".
TOTAL_LABEL = re.compile(r"^\s*(?:grand\s+)?(?:sub[\s-]?)?totals?(?![a-z])|\btotals?[\s:.,*\d]*$|"
                         r"^\s*all\s+(?:councils|ages|areas|persons)\b", re.I)
AGGREGATE_LABEL = re.compile(r"\b(?:average|mean|median|england|national|region(?:al)?\s+total|"
                             r"all\s+councils|comparator|benchmark)\b", re.I)
NOTE_LABEL = re.compile(r"^\s*(?:notes?\b|source\b|\*|\[|\(?\d{1,2}[.)]\s|footnote|please\s+note|nb\b)", re.I)
MERGED_DISTINCT_SHARE = 0.9  # a label column whose filled cells are this distinct names blocks of rows
OUTER_LABEL_SHARE = 0.8  # ... when this share of its labels start a block whose rows an inner column names
PERIOD_NAME = re.compile(r"date|week|month|period|quarter|\bqtr\b|year|\bfy\b|\bw/?[ce]\b|\bday\b", re.I)
MEASURE_NAME = re.compile(r"^(measure|indicator|metric|kpi|description|item|series|variable|performance\s+measure)s?$",
                          re.I)
VALUE_NAME = re.compile(r"^(value|values|count|number|actual|actuals|result|figure|total|amount)$", re.I)
TARGET_NAME = re.compile(r"\btarget\b", re.I)
MEASURE_HEADER = re.compile(r"(?:indicator|measure|metric)[\s_]*(?:desc|description|name|group\s+description)?$|"
                            r"^(?:indicator|measure)[\s_]", re.I)
MEASURE_CODE_HEADER = re.compile(r"(?:indicator|measure|ascof)[\s_]*(?:code|id|ref|group)$", re.I)
UNIT_HEADER = re.compile(r"^(?:units?|unit of measure(?:ment)?|measure unit|units? of value)$", re.I)
METRIC_HEADER = re.compile(r"\b(?:measure[\s_]*type|metric[\s_]*type|statistic|value[\s_]*type)\b", re.I)
def _code_header(name: str) -> bool:
    """A short header naming a code or identifier column ('Geographical Code', 'CASSR_CODE', 'UUID')."""
    return len(name.replace("_", " ").split()) <= MAX_CODE_HEADER_WORDS and bool(CODE_NAME.search(name))


MAX_CODE_HEADER_WORDS = 4
MAX_DETAILED_ROWS = 5000  # the ledger quotes the text of the first this-many rows excluded for one reason
HELPER_SHARE = 0.9  # a constant column filled in fewer rows than this is a chart helper
STANDARD_NAME = re.compile(r"\b(?:standard|threshold|benchmark line)\b", re.I)
CODE_NAME = re.compile(r"(?:^|[\s_])(?:code|id|uuid|ref|reference|cassr|ons|lad\d*cd|la[\s_]*code)(?:$|[\s_])", re.I)
RESERVED_COLUMNS = {"period", "category", "measure", "value", "flag", "target", "unit", "_row", "area", "group",
                    "forecast"}
ID_NAME = re.compile(r"\b(id|ref|reference|nhs\s*(no|number)|case\s*(no|number)|person\s*id|client)\b", re.I)


@dataclass
class Tidied:
    """What the reshaping produced, before it is wrapped into a Dataset."""

    frame: pd.DataFrame
    kind: str
    layout: str
    frequency: str | None
    measures: dict[str, MeasureInfo]
    dimensions: tuple[str, ...]
    period_column: str | None
    used_rows: set[int]
    excluded: list[dict]
    warnings: list[str]
    records: pd.DataFrame | None = None
    row_roles: dict[int, str] = field(default_factory=dict)  # grid row -> line role, for rows not plain data
    axes: tuple[tuple[str, str], ...] = ()  # what was found on each axis, for the Data page


def _clean_cell(value: object) -> str:
    return clean_label(label_text(value))


def _clean_text(value: object):
    """A measure label cleaned, missing kept missing (as ``Series.map(..., na_action='ignore')``)."""
    return pd.NA if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) \
        else clean_label(value)


def _row_text(block: pd.DataFrame, row: int) -> str:
    return " ".join(str(v).strip() for v in block.loc[row] if not _blank(v))


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _exclusion(row: int, reason: str, detail: str = "", column: str = "") -> dict:
    return {"row": row + 1, "column": column, "reason": reason, "detail": detail[:120]}


def _filled_sample(column: pd.Series) -> pd.Series:
    """The first SAMPLE_ROWS filled cells, looking at a head slice first (a 200,000-row column is not scanned
    whole just to take a sample); the whole column only when the slice is all blank. Typed numbers are blank
    only when NaN (`blank_mask` makes no text of them), so this is the fast path for number columns too."""
    head = column.head(SAMPLE_ROWS * SAMPLE_SCAN_FACTOR)
    filled = head[~blank_mask(head)]
    if filled.empty and len(column) > len(head):
        filled = column[~blank_mask(column)]
    return filled.head(SAMPLE_ROWS)


def _yearless_columns(block: pd.DataFrame, positions: list[int]) -> set[int]:
    """Of the text columns at ``positions``, those whose head slice (where `_filled_sample` draws its sample)
    is filled, every filled cell a number and none of them a calendar year: `calendar_years_down` would
    refuse their sample without reading it further. Decided in one parse over all of them, so a table 150
    councils wide is not sampled column by column just to find no year."""
    if not positions:
        return set()
    head = block[positions].head(SAMPLE_ROWS * SAMPLE_SCAN_FACTOR)
    cells = pd.Series(head.to_numpy(dtype=object).ravel(order="F"), dtype=object)
    shape = (len(positions), len(head))
    numbers = pd.to_numeric(cells, errors="coerce").astype(float)
    filled = ~blank_mask(cells).to_numpy(dtype=bool)
    years = calendar_year_mask(numbers).reshape(shape)
    unread = (numbers.isna().to_numpy() & filled).reshape(shape)
    some = filled.reshape(shape).any(axis=1)
    return {pos for pos, keep in zip(positions, some & ~years.any(axis=1) & ~unread.any(axis=1), strict=True)
            if keep}


def _period_candidates(body: Body, names: tuple[str, ...], fy_year: int | None) -> list[tuple[float, int]]:
    """Columns that read as periods, best first. Only columns whose cells are mostly dates or period labels,
    or numbers under a date-like header (Excel serials), are parsed at all."""
    kinds = body.kinds
    filled = (kinds != EMPTY).sum(axis=0)
    dated = (kinds == DATE).sum(axis=0)
    scored = []
    numbers = (kinds == NUMBER).sum(axis=0)
    # Plain numbers are dates (Excel serials) or calendar years only when the header says so, or when they
    # are years rising by one down the column; numbers written as text (a CSV's) only years.
    text_numbers = [pos for pos in range(len(names)) if filled[pos] and body.block[pos].dtype.kind not in "fiu"
                    and numbers[pos] >= 0.5 * filled[pos]]
    yearless = _yearless_columns(body.block, text_numbers)
    for pos, name in enumerate(names):
        if not filled[pos] or pos in yearless:
            continue
        column = body.block[pos]
        typed_numbers = column.dtype.kind in "fiu"
        if pos in text_numbers:
            years = calendar_years_down(_filled_sample(column), name)
            if years is None:
                continue
            share, frequency = float(years.notna().mean()), "Y"
        else:
            if typed_numbers and not PERIOD_NAME.search(name) and calendar_years_down(_filled_sample(column)) is None:
                continue
            if not typed_numbers and dated[pos] < 0.5 * filled[pos]:
                continue
            parsed = parse_periods(_filled_sample(column), header=name, fy_year=fy_year)
            share, frequency = float(parsed.periods.notna().mean()), parsed.frequency
        if share >= 0.5:  # calendar years beside months or dates restate them: the finer column is the period
            scored.append((share + (0.2 if PERIOD_NAME.search(name) else 0.0) - (0.1 if frequency == "Y" else 0.0),
                           pos))
    return sorted(scored, reverse=True)


@dataclass(frozen=True)
class Body:
    """A table's body: its cells (index = grid rows, columns = positions), their kinds and % formats."""

    block: pd.DataFrame
    kinds: np.ndarray
    percent: np.ndarray
    names: tuple[str, ...]
    header_texts: list[list[str]]
    inner_names: tuple[str, ...] = ()  # the first stacked block's own header ('Region | ICB Code | ICB Name')
    aside: np.ndarray | None = None  # bool per row: a cell outside the table's columns is filled

    def counts(self) -> pd.Series:
        return pd.Series((self.kinds != EMPTY).sum(axis=1), index=self.block.index)

    def blank(self) -> np.ndarray:
        """Rows with nothing on them: a row blank in the table's columns with text beside them (a wrapped
        description, a comment) is a row whose values are missing, not a blank line."""
        empty = (self.kinds == EMPTY).all(axis=1)
        return empty & ~self.aside if self.aside is not None else empty

    def percent_share(self, rows: pd.Index, pos: int) -> float:
        """Share of a column's numbers (over ``rows``) shown as percentages."""
        at = self.block.index.get_indexer(rows)
        numbers = self.kinds[at, pos] == NUMBER
        return float(self.percent[at, pos][numbers].mean()) if numbers.any() else 0.0


def _body(table: Table) -> Body:
    first, last = table.data_rows
    cols = list(table.columns)
    block = table.sheet.grid.iloc[first:last + 1, cols]
    block = block.set_axis(range(first, last + 1), axis=0).set_axis(range(len(cols)), axis=1)
    kinds = table.cells.kind[first:last + 1][:, cols]
    percent = table.cells.percent[first:last + 1][:, cols]
    inner = tuple(label_text(table.sheet.grid.iat[table.inner_headers[0], c]) for c in cols) \
        if table.inner_headers else ()
    outside = np.ones(table.cells.kind.shape[1], dtype=bool)
    outside[cols] = False
    aside = (table.cells.kind[first:last + 1][:, outside] != EMPTY).any(axis=1)
    return Body(block, kinds, percent, table.names, table.header_matrix(), inner, aside)


def _notes_text(table: Table) -> str:
    """The lines below the table (footnotes often state the year)."""
    return " ".join(_lines_below(table))


def _lines_below(table: Table) -> list[str]:
    """The text of each of the 30 lines below the table, blank lines left out."""
    grid = table.sheet.grid
    rows = range(table.data_rows[1] + 1, min(len(grid), table.data_rows[1] + 31))
    lines = (" ".join(label_text(v) for v in grid.iloc[r].tolist() if label_text(v)) for r in rows)
    return [line for line in lines if line]


def _positions(body: Body) -> tuple[list[int], list[int]]:
    """(value positions, label positions): columns mostly of numbers, and the text columns before them."""
    kinds = body.kinds
    filled = (kinds != EMPTY).sum(axis=0)
    numeric = np.isin(kinds, (NUMBER, MARKER)).sum(axis=0)
    values = [p for p in range(kinds.shape[1]) if filled[p] and numeric[p] >= NUMERIC_SHARE * filled[p]
              and (kinds[:, p] == NUMBER).any()]
    first_value = min(values) if values else kinds.shape[1]
    labels = [p for p in range(first_value) if filled[p] and p not in values]
    return values, labels


def tidy_table(table: Table, *, layout: str | None = None, period_column: str | None = None,
               split_by: str | None = None, record_frequency: str | None = None, filename: str = "",
               year: int | None = None) -> Tidied:
    """Reshape one table into the tidy long frame, recording every row it uses or leaves out."""
    tidied = _tidy(table, layout=layout, period_column=period_column, split_by=split_by,
                   record_frequency=record_frequency, filename=filename, year=year)
    return _with_money_units(tidied, table)


def _with_money_units(tidied: Tidied, table: Table) -> Tidied:
    """Money units a table states ('£ thousands' on its own line or in its notes, '£m' or '(£)' in a header).
    Values are kept as printed (the figures the publication shows): measures in pounds become currency; a
    scale is put into the name of each measure that lacks one ('... (£ thousands)'), so no view shows £5,790
    for what is £5.79m."""
    if tidied.kind == "records":
        return tidied
    header_cells = " | ".join(t for row in table.header_matrix() for t in row if t)
    title_scale = stated_money_scale(f"{table.title} | {table.sheet.name} | {header_cells} | {_notes_text(table)}")
    changed, renamed, scales = {}, {}, set()
    for name, info in tidied.measures.items():
        own = money_scale(name)
        scale = own or title_scale
        if scale is None or own is None and info.unit not in ("count", "currency"):
            continue  # a table's '£ thousands' says nothing of its percentages, rates, indices or durations
        scales.add(scale)
        if scale == "£":
            if info.unit == "count":
                changed[name] = MeasureInfo("currency", info.polarity, info.known_as)
        elif own is None:
            renamed[name] = f"{name} ({scale})"
        if scale != "£" and info.unit in ("count", "currency"):  # money in £ thousands / millions, scale kept
            changed[name] = _as_money(info, MONEY_SCALES[scale])
    if not scales:
        return tidied
    measures = {renamed.get(n, n): changed.get(n, i) for n, i in tidied.measures.items()}
    frame = tidied.frame.assign(measure=tidied.frame["measure"].replace(renamed)) if renamed else tidied.frame
    note = f"Money is in {', '.join(sorted(scales))}, as the file states; values are kept as printed."
    before = _measures_text(tidied.measures)  # the count by unit is restated now the money is known
    axes = tuple((what, _measures_text(measures) if what == "Measures" and text == before else text)
                 for what, text in tidied.axes)
    return replace(tidied, frame=frame, measures=measures, warnings=[*tidied.warnings, note],
                   axes=(*axes, ("Units", ", ".join(sorted(scales)))))


def _as_money(info: MeasureInfo, unit: str) -> MeasureInfo:
    """A measure the file says is money, in ``unit``: a count's polarity does not carry over ('Assessment and
    care management (£ thousands)' is spend, not assessments completed, so more is not better)."""
    if info.unit == "count":
        return MeasureInfo(unit, "neutral", None)
    return MeasureInfo(unit, info.polarity, info.known_as)


def _tidy(table: Table, *, layout, period_column, split_by, record_frequency, filename, year) -> Tidied:
    body = _body(table)
    names = body.names
    context = year_context(table, _notes_text(table), filename)
    fy_year = year if year is not None else context.fy_year
    values, labels = _positions(body)
    axis = None
    if layout in (None, "periods_across", "places_across", "ages_across", "table"):
        across = [p for p in range(len(names)) if p not in labels and (p in values or not blank_mask(
            pd.Series([row[p] for row in body.header_texts], dtype=object)).all())]
        axis = find_header_axis(table, across, labels, context, year)
        if layout == "table" and axis is not None and axis.kind == "periods":
            axis = None
    across = {"periods_across": "periods", "places_across": "places", "ages_across": "ages"}
    if layout in across and (axis is None or axis.kind != across[layout]):
        raise IngestError(f"No {across[layout]} were found across the columns of this table: choose another "
                          "layout.")
    if axis is not None and axis.kind == "periods":
        return _across(body, axis, labels, None, fy_year, notes=_lines_below(table))
    candidates = _period_candidates(body, names, fy_year)
    if period_column is not None:
        if period_column not in names:
            raise IngestError(f"There is no column called '{period_column}' in this table; columns are: "
                              f"{', '.join(names)}.")
        candidates = [(1.0, names.index(period_column))]
    if axis is not None and axis.kind in ("places", "ages"):
        period_pos = next((p for _, p in candidates if p in labels), None)
        return _across(body, axis, [p for p in labels if p != period_pos], period_pos, fy_year)
    if layout == "table" or not candidates:
        return _cross_section(body, names)
    period_pos = candidates[0][1]
    if layout == "records" or (layout is None and _looks_like_records(body, names, period_pos)):
        return _records(body.block, names, period_pos, fy_year, split_by, record_frequency, filename)
    return _by_period_column(body, names, period_pos, fy_year, force_long=layout == "long",
                             notes=_lines_below(table))


def _numeric_columns(kinds: np.ndarray, skip: set[int]) -> list[int]:
    """Columns whose filled cells are mostly numbers or markers, from the cell kinds (no parsing)."""
    filled = (kinds != EMPTY).sum(axis=0)
    ok = np.isin(kinds, (NUMBER, MARKER)).sum(axis=0)
    numbers = (kinds == NUMBER).sum(axis=0)
    markers = (kinds == MARKER).sum(axis=0)
    # A column of markers only ('..' all the way down) is a measure whose every value is suppressed.
    keep = (filled > 0) & ((numbers > 0) | (markers >= 0.5 * filled)) & (
        (ok >= NUMERIC_SHARE * filled) | ((ok >= 2) & (ok >= 0.5 * filled)))
    return [int(p) for p in np.flatnonzero(keep) if p not in skip]


def _looks_like_records(body: Body, names: tuple[str, ...], period_pos: int) -> bool:
    block = body.block
    numeric = _numeric_columns(body.kinds, {period_pos})
    has_id = any(ID_NAME.search(n) for n in names)
    periods = block.iloc[:, period_pos]
    repeats = periods.nunique(dropna=True) < 0.5 * periods.notna().sum()
    return has_id or (not numeric and repeats) or (repeats and len(block) > 2000 and len(numeric) <= 1
                                                   and any(ID_NAME.search(n) for n in names))


def _measure_info(name: str, parsed_pct: bool, values: pd.Series, formatted_pct: bool,
                  warnings: list[str], time_unit: str | None = None) -> tuple[MeasureInfo, pd.Series]:
    """A measure's unit from its cells first: durations ('4:05:00', read in ``time_unit``), % number formats
    (fractions become 0-100), a typed '%'; then its name: a share's name only when the values bear it out
    (`checked_percent`)."""
    info = describe(name)
    if time_unit is not None:
        return MeasureInfo(time_unit, info.polarity, info.known_as), values
    if formatted_pct:
        return MeasureInfo("percent", info.polarity, info.known_as), values * 100
    if parsed_pct:
        return MeasureInfo("percent", info.polarity, info.known_as), values
    info = checked_percent(name, info, values)
    if info.unit == "percent" and _looks_fractional(values):
        warnings.append(f"'{name}' holds fractions between 0 and 1 under a percentage heading: shown as "
                        "percentages (0.52 as 52%).")
        return info, values * 100
    return info, values


def _value_columns(body: Body, rows: pd.Index, names: tuple[str, ...], positions: list[int],
                   excluded: list[dict], warnings: list[str]):
    """Parse numeric columns over ``rows``: values, flags, measure info; unreadable cells to the ledger.

    All the columns are stacked and parsed in one pass (a table 128 columns wide is one parse)."""
    out = {}
    if not positions:
        return out
    n = len(rows)
    columns = [body.block.loc[rows, p] for p in positions]
    timed = [duration_values(column) for column in columns]  # '4:05:00' and Excel times: minutes or hours
    columns = [column if durations is None else durations[0] for column, durations in zip(columns, timed,
                                                                                           strict=True)]
    stacked = pd.concat([column.astype(object) for column in columns], ignore_index=True)
    parsed = parse_numbers(stacked)
    for k in np.flatnonzero(parsed.unreadable.to_numpy()).tolist():
        excluded.append(_exclusion(rows[k % n], "not a number", str(stacked[k]), names[positions[k // n]]))
    markers = parsed.marker.fillna("").astype(object).to_numpy()
    for i, pos in enumerate(positions):
        part = slice(i * n, (i + 1) * n)
        values = pd.Series(parsed.values.to_numpy()[part], index=rows)
        flags = pd.Series(markers[part], index=rows, dtype=object)
        info, values = _measure_info(names[pos], bool(parsed.percent_sign.to_numpy()[part].any()), values,
                                     body.percent_share(rows, pos) >= 0.5, warnings,
                                     timed[i][1] if timed[i] is not None else None)
        out[pos] = (values, flags, info)
    return out


def _classify_rows(body: Body, label_pos: int | None) -> dict[int, str]:
    """Rows that are blank, notes or totals: the reason they are not data (vectorised for big extracts)."""
    block = body.block
    counts = body.counts()
    filled = body.kinds != EMPTY
    first_col = np.where(filled.any(axis=1), filled.argmax(axis=1), 0)
    first_text = pd.Series([label_text(v) for v in block.to_numpy()[np.arange(len(block)), first_col]]
                           if len(block) <= 5000 else _first_text_column(block, first_col), index=block.index)
    label = map_distinct(block[label_pos], label_text).where(lambda t: t != "", first_text) \
        if label_pos is not None else first_text
    reasons = pd.Series(pd.NA, index=block.index, dtype="string")
    reasons[map_distinct(label, lambda t: bool(TOTAL_LABEL.search(t or ""))).to_numpy(dtype=bool)] = \
        "total / average row"
    notes = map_distinct(first_text, lambda t: bool(NOTE_LABEL.search(t or ""))).to_numpy(dtype=bool)
    reasons[(counts == 1) & notes] = "note"
    blank = body.blank()
    reasons[(counts == 0).to_numpy() & ~blank] = "no values"
    reasons[blank] = "blank"
    return reasons.dropna().to_dict()


def _first_text_column(block: pd.DataFrame, first_col: np.ndarray) -> pd.Series:
    """The first filled cell of each row as text, column by column (big extracts)."""
    out = pd.Series("", index=block.index, dtype=object)
    for pos in np.unique(first_col).tolist():
        rows = first_col == pos
        out[rows] = block.loc[rows, pos].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    return out


def _row_exclusions(block: pd.DataFrame, rows: pd.Index, reason: str | pd.Series) -> list:
    """Ledger entries for many rows at once: one frame (the detail text only for the first few thousand), so
    a million repeated rows cost one array, not a million dictionaries."""
    if not len(rows):
        return []
    reasons = reason.reindex(rows).to_numpy(dtype=object) if isinstance(reason, pd.Series) else reason
    details = np.full(len(rows), "", dtype=object)
    cells = block.loc[rows[:MAX_DETAILED_ROWS]].to_numpy(dtype=object)  # one lookup, not one per row
    for i, values in enumerate(cells):
        details[i] = " ".join(str(v).strip() for v in values if not _blank(v))[:120]
    return [pd.DataFrame({"row": np.asarray(rows, dtype=np.int64) + 1, "column": "", "reason": reasons,
                          "detail": details})]


def _by_period_column(body: Body, names, period_pos, fy_year, force_long=False, notes: list[str] = ()) -> Tidied:
    block = body.block
    excluded: list[dict] = []
    warnings: list[str] = []
    reasons = pd.Series(_classify_rows(body, period_pos), dtype=object)
    labels_in, said_ahead = _without_forecast_words(block.iloc[:, period_pos])
    parsed = parse_periods(labels_in, header=names[period_pos], fy_year=fy_year)
    warnings += parsed.warnings
    if parsed.description:
        warnings.append(f"'{names[period_pos]}': {parsed.description}.")
    flagged = block.index.isin(reasons.index)
    unparsed = ~flagged & parsed.periods.isna().to_numpy()
    excluded += _row_exclusions(block, block.index[flagged], reasons)
    excluded += _row_exclusions(block, block.index[unparsed], "unparseable period")
    rows = block.index[~flagged & ~unparsed]
    at = block.index.get_indexer(rows)
    numeric = [p for p in _numeric_columns(body.kinds[at], {period_pos}) if not _code_header(names[p])]
    text_cols = [p for p in range(len(names)) if p not in numeric and p != period_pos
                 and not blank_mask(block.loc[rows, p]).all()]
    restating = _restating_columns(block.loc[rows], names, [*text_cols, *numeric], parsed.periods[rows],
                                   parsed.frequency, fy_year)
    for p, said in restating.items():
        excluded += _cell_exclusions(block, rows, p, names[p], "restates the period")
        warnings.append(f"'{names[p]}' restates the period ({said}): set aside, not a dimension.")
    numeric = [p for p in numeric if p not in restating]
    text_cols = [p for p in text_cols if p not in restating]
    numeric, helpers = _set_aside_helpers(block.loc[rows], names, numeric)
    warnings += helpers
    trailing = _trailing_unfilled(body, rows, numeric, parsed.periods)
    if len(trailing):
        excluded += _row_exclusions(block, trailing, "no values")
        rows = rows.difference(trailing)
        warnings.append(_trailing_text(parsed.periods[trailing], parsed.periods[rows].max(), parsed.frequency))
    measure_cols = _measure_columns(block.loc[rows], names, text_cols, numeric)
    if not measure_cols and force_long and text_cols:
        measure_cols = [text_cols[0]]
    dims = [p for p in text_cols if p not in measure_cols]
    for p in _record_keys(block.loc[rows], names, dims, measure_cols, parsed.periods[rows]):
        excluded += _cell_exclusions(block, rows, p, names[p], "record key")
        warnings.append(f"'{names[p]}' identifies each row (a record key), which the other columns already "
                        "tell apart: set aside, not a dimension.")
        dims.remove(p)
    texts = _label_frame(body, measure_cols) if measure_cols else None
    labels = pd.Series(_row_labels(texts, measure_cols, block.index.get_indexer(rows)), index=rows) \
        if measure_cols else None
    units = _unit_column(block.loc[rows], names, dims, labels)
    if units is not None:
        dims.remove(units.name)
    columns = _value_columns(body, rows, names, numeric, excluded, warnings)
    base = pd.DataFrame({"period": parsed.periods[rows]}, index=rows)
    ahead, how = _forecasts(block.loc[rows, period_pos], parsed.periods[rows], parsed.frequency, notes,
                            said_ahead[rows])
    if ahead.any():
        base["forecast"] = ahead
        warnings.append(_forecast_text(parsed.periods[rows][ahead], parsed.frequency, how))
    dim_names: list[str] = []
    for p in dims:
        name = _dimension_name(names[p], p, dim_names)
        base[name] = _merged_down(map_distinct(block.loc[rows, p], _clean_cell))
        dim_names.append(name)
    if measure_cols:
        frame, measures = _long_frame(base, labels, columns, names)
        if units is not None:
            measures = _with_row_units(measures, labels, units)
        layout = "long"
    else:
        frame, measures = _wide_frame(base, columns, names)
        layout = "wide"
    dim_names = tuple(dim_names)
    frame = _flag_total_dimension_values(frame, dim_names)
    frame, dup_rows = _drop_duplicate_periods(frame, dim_names)
    excluded += _row_exclusions(block, pd.Index(dup_rows), "duplicate period")
    used = set(rows) - set(dup_rows)
    warnings += gaps_and_duplicates(frame.drop_duplicates(["period", *dim_names])["period"], parsed.frequency) \
        if not dim_names else gaps_and_duplicates(pd.Series(frame["period"].unique()), parsed.frequency)
    if dup_rows:
        warnings.append(f"{len(dup_rows)} repeated period row(s) were left out (the first copy is used).")
    row_roles = {int(r): ROLE_OF_REASON[why] for r, why in reasons.items() if why in ROLE_OF_REASON}
    # Rows of a total ('All ages', or the years under a merged 'TOTAL ALL AGENCIES') restate the others: used
    # in the frame, flagged there, and derived lines of the sheet.
    row_roles.update({int(r): "derived" for r in frame.loc[frame["flag"] == "total", "_row"].unique()})
    where = "one per row, from " + ", ".join(names[p] for p in measure_cols) if measure_cols else "one per column"
    axes = (("Periods", f"down the column '{names[period_pos]}' ({parsed.frequency or 'irregular'})"),
            ("Measures", f"{len(measures)} ({where})"))
    return Tidied(frame, "timeseries", layout, parsed.frequency, measures, dim_names, names[period_pos],
                  used, excluded, warnings, row_roles=row_roles, axes=axes)


PERIOD_WORDS = {"FY": "financial year", "Y": "calendar year"}
# A period label or note saying its figures are forecasts: '2024-25 (f)', '2025-26 forecast', 'projected'.
FORECAST_WORD = re.compile(r"\b(?:forecast(?:s|ed)?|projections?|projected|predicted|fcst)\b|[(\[]f[)\]]", re.I)
# Footnote marks after a label ('2023-24 (1), (2)', '2024 [note 3]', '2025*') and at the start of a note line.
LABEL_MARK = re.compile(r"\((\d{1,2}|[a-z])\)|\[(?:note\s*)?(\w{1,3})\]|(\*+)", re.I)
NOTE_MARK = re.compile(r"^\s*(?:\((\d{1,2}|[a-z])\)|\[(?:note\s*)?(\w{1,3})\]|(\d{1,2})[.):]\s|(\*+))", re.I)
_FY_TOKEN = r"(?:19|20)\d{2}\s*[-/]\s*(?:\d{4}|\d{2})(?!\d)"
_MONTH_TOKEN = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[\s-]+(?:19|20)\d{2}")
_QUARTER_TOKEN = rf"q[1-4]\s+{_FY_TOKEN}|{_FY_TOKEN}\s+q[1-4]"
PERIOD_TOKEN = rf"(?:{_QUARTER_TOKEN}|{_FY_TOKEN}|{_MONTH_TOKEN}|(?:19|20)\d{{2}}(?![\d/-]))"
NOTE_SPAN = re.compile(rf"(?P<a>{PERIOD_TOKEN})\s*(?:to|until|through|–|—|-)\s*(?P<b>{PERIOD_TOKEN})", re.I)
NOTE_FROM = re.compile(rf"(?:\bfrom|\bsince)\s+(?P<a>{PERIOD_TOKEN})|(?P<b>{PERIOD_TOKEN})\s+(?:onwards|and later|"
                       r"and after)", re.I)


def _restating_columns(block: pd.DataFrame, names, positions: list[int], periods: pd.Series,
                       frequency: str | None, fy_year: int | None) -> dict[int, str]:
    """Columns that only restate each row's period: the financial or calendar year each month falls in
    ('2007/08' written once beside twelve months, merged down), which would otherwise split every series.
    By position, what each says ('the financial year each month falls in')."""
    found = {}
    for p in positions:
        said = _restated_period(block[p], periods, frequency, names[p], fy_year)
        if said is not None:
            found[p] = said
    return found


def _restated_period(values: pd.Series, periods: pd.Series, frequency: str | None, header: str,
                     fy_year: int | None) -> str | None:
    """What a column says of each row's period when every row's period lies within the period its cell names
    (blank cells take the cell above, as merged cells leave them), in the same or coarser terms; None when it
    says anything else. Plain whole numbers are years only under a header naming a period ('Year')."""
    own = FREQUENCIES_TABLE.get(frequency or "")
    if own is None or not (PERIOD_NAME.search(header) or header.startswith("Column ")) or periods.isna().any():
        return None  # a column of years is headed so ('Year', 'Financial year'), or has no header at all
    sample = _filled_sample(values).drop_duplicates()  # most columns are not periods: a big one is not parsed
    if sample.empty:
        return None
    typed = pd.api.types.infer_dtype(sample, skipna=True) in ("integer", "floating", "mixed-integer-float")
    numbers = sample.astype(float) if typed else parse_numbers(sample).values  # typed cells need no parsing
    if numbers.notna().any() and not numbers.notna().all():
        return None  # numbers among markers ('-', '..'): values, not periods
    if numbers.notna().all():
        if not (PERIOD_NAME.search(header) and calendar_years(numbers)):
            return None
        numbers = parse_numbers(values[~blank_mask(values)]).values
        if numbers.isna().any() or not calendar_years(numbers):
            return None
        filled = numbers
        years = numbers.astype(int).astype(str)
        readings = [("Y", pd.to_datetime(years + "-01-01")), ("FY", pd.to_datetime(years + "-04-01"))]
    else:
        if parse_periods(sample, header=header, fy_year=fy_year).periods.isna().any():
            return None
        filled = values[~blank_mask(values)]
        parsed = parse_periods(filled, header=header, fy_year=fy_year)
        if parsed.periods.isna().any() or parsed.frequency not in FREQUENCIES_TABLE:
            return None
        readings = [(parsed.frequency, parsed.periods)]
    for code, starts in readings:
        label = FREQUENCIES_TABLE[code]
        if (label.months or 0) < (own.months or 0) or label.days[0] < own.days[0]:
            continue  # finer than the rows' periods: it says more than the period does
        start = pd.Series(np.asarray(starts, dtype="datetime64[ns]"), index=filled.index).reindex(values.index)
        start = start.ffill()
        if start.notna().all() and ((periods >= start) & (periods < start + label.step)).all():
            word = PERIOD_WORDS.get(code, label.noun)
            return f"the same {word} again" if code == own.code else f"the {word} each {own.noun} falls in"
    return None


KEY_NAME = re.compile(r"(?:^|[\s_])(?:uu|gu)?id$|^(?:row|record|line)(?:[\s_]*(?:id|no\.?|number|key))?$|"
                      r"[\s_]key$|^key$", re.I)
UUID_VALUE = re.compile(r"^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$", re.I)


def _record_keys(block: pd.DataFrame, names, dims: list[int], measure_cols: list[int],
                 periods: pd.Series) -> list[int]:
    """Dimensions that only key the rows: an identifier (a header saying so, 'UUID', 'Row ID', or values
    that are UUIDs) which the period, the measure and the other columns already tell apart, and which is
    not the code of any one other column (a council's code beside its name stays). NHS Digital's long
    files key each row (92101 = this indicator, characteristic, age and year); split by it, every item
    would be a series of its own."""
    keys: list[int] = []
    text: dict[int, pd.Series] = {}
    for p in dims:
        named = bool(KEY_NAME.search(names[p].strip()))
        if not named and not _filled_sample(block[p]).astype(str).str.strip().str.match(UUID_VALUE).all():
            continue
        text = text or {q: block[q].astype("string").str.strip() for q in (*dims, *measure_cols)}
        others = [q for q in (*dims, *measure_cols) if q != p and q not in keys]
        rest = pd.DataFrame({"period": periods, **{q: text[q] for q in others}})
        if rest.duplicated().any():
            continue  # rows alike but for the key: it tells them apart
        pairs = pd.DataFrame({"key": text[p], **{q: text[q] for q in others}})
        if any(pairs.groupby(q, dropna=False)["key"].nunique().max() <= 1 for q in others):
            continue  # one key for each value of another column: the code of that column
        keys.append(p)
    return keys


def _without_forecast_words(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The period labels with any forecast word taken out ('2025-26 forecast' reads as 2025-26), and which
    labels had one."""
    if labels.dtype.kind in "fiumM":
        return labels, pd.Series(False, index=labels.index)
    text = labels.astype("string")
    said = text.str.contains(FORECAST_WORD).fillna(False).astype(bool)
    if not said.any():
        return labels, said
    cleaned = text[said].str.replace(FORECAST_WORD, " ", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    return labels.astype(object).where(~said, cleaned.astype(object)), said


def _forecasts(labels: pd.Series, periods: pd.Series, frequency: str | None, notes: list[str],
               said: pd.Series) -> tuple[np.ndarray, str]:
    """Which rows' periods the file marks as forecasts or projections, and how it says so: the label itself
    ('2024-25 (f)'), a footnote mark on the label whose footnote speaks of forecasts ('2023-24 (1), (2)' with
    '(2) ... forecasts from the OBR'), or a note naming the forecast years ('For years 2023-24 to 2028-29:
    ... OBR forecasts', 'Figures from April 2025 are projections'). A note that would make every period a
    forecast is taken to be about something else."""
    ahead = said.to_numpy(dtype=bool).copy()
    how = "the period labels say so" if ahead.any() else ""
    forecast_notes = [line for line in notes if FORECAST_WORD.search(line)]
    marks = {next(g for g in m.groups() if g).lower() for line in forecast_notes if (m := NOTE_MARK.match(line))}
    if marks:
        text = labels.map(label_text)
        marked = text.map(lambda t: bool({next(g for g in m.groups() if g).lower()
                                          for m in LABEL_MARK.finditer(t)} & marks)).to_numpy(dtype=bool)
        if marked.any():
            ahead |= marked
            how = how or "footnotes on the period labels say so"
    spans = [span for line in forecast_notes for span in _note_spans(line, frequency)]
    by_note = np.zeros(len(periods), dtype=bool)
    when = periods.to_numpy()
    for first, last in spans:
        by_note |= (when >= np.datetime64(first)) & (when <= np.datetime64(last))
    if by_note.any() and not by_note.all():
        ahead |= by_note
        how = how or "the notes say so"
    return ahead, how


def _note_spans(line: str, frequency: str | None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The periods a note names, at the table's frequency: 'X to Y' as (X, Y); 'from X', 'X onwards' as
    (X, the far future)."""
    out = []
    for match in NOTE_SPAN.finditer(line):
        first, last = _token_period(match["a"], frequency), _token_period(match["b"], frequency)
        if first is not None and last is not None:
            out.append((first, last))
    for match in NOTE_FROM.finditer(line):
        first = _token_period(match["a"] or match["b"], frequency)
        if first is not None:
            out.append((first, pd.Timestamp.max))
    return out


def _token_period(token: str, frequency: str | None) -> pd.Timestamp | None:
    """A period named in a note, when it is one of the table's frequency ('2023' is a calendar year)."""
    text = token.strip()
    if re.fullmatch(r"(?:19|20)\d{2}", text):
        return pd.Timestamp(int(text), 1, 1) if frequency == "Y" else None
    start, code = parse_label(text)
    return start if start is not None and code == frequency else None


def _mark_forecast_columns(frame: pd.DataFrame, body: Body, axis: HeaderAxis, notes: list[str], n_rows: int,
                           warnings: list[str]) -> None:
    """Periods across the columns that the headers or notes mark as forecasts: ``forecast`` set in place."""
    headers = pd.Series([" ".join(row[p] for row in body.header_texts if row[p]) for p in axis.positions],
                        dtype=object)
    said = headers.str.contains(FORECAST_WORD).fillna(False).astype(bool)
    periods = pd.Series(pd.to_datetime(list(axis.labels)))
    ahead, how = _forecasts(headers, periods, axis.frequency, notes, said)
    if ahead.any():
        frame["forecast"] = np.tile(ahead, n_rows)
        warnings.append(_forecast_text(periods[ahead], axis.frequency, how))


def _forecast_text(periods: pd.Series, frequency: str | None, how: str) -> str:
    first, last, n = periods.min(), periods.max(), periods.nunique()
    span = format_period(first, frequency) + (f" to {format_period(last, frequency)}" if n > 1 else "")
    return (f"{span} ({n} period{'s' if n > 1 else ''}) are forecasts or projections, not observed values "
            f"({how}): kept and marked 'forecast', and left out of trends, SPC and comparisons.")


def _cell_exclusions(block: pd.DataFrame, rows: pd.Index, pos: int, name: str, reason: str) -> list:
    """Ledger entries for the filled cells of one column set aside over ``rows`` (one frame, however many)."""
    cells = block.loc[rows, pos]
    cells = cells[~blank_mask(cells)]
    return [pd.DataFrame({"row": np.asarray(cells.index, dtype=np.int64) + 1, "column": name, "reason": reason,
                          "detail": cells.map(lambda v: str(v).strip()[:120]).to_numpy(dtype=object)})]


WITHHELD = frozenset(m for m, meaning in MARKERS.items() if meaning in ("suppressed", "low reliability"))


def _trailing_unfilled(body: Body, rows: pd.Index, numeric: list[int], periods: pd.Series) -> pd.Index:
    """Rows whose period comes after the last period with any value: months a template pre-fills to the
    year's end, holding nothing or markers saying there is no figure ('-', '..'). A suppressed cell ('*')
    has a figure, withheld: its period is one of the series. Gaps inside the series stay periods; a series
    with no number at all is left as it is (its measures say so)."""
    if not numeric or not len(rows):
        return rows[:0]
    at = body.block.index.get_indexer(rows)
    kinds = body.kinds[at][:, numeric]
    has_value = (kinds == NUMBER).any(axis=1)
    if not has_value.any():
        return rows[:0]
    when = periods[rows].to_numpy()
    later = when > when[has_value].max()
    for j, pos in enumerate(numeric):  # only the cells after the last number are looked at
        marked = later & (kinds[:, j] == MARKER)
        if marked.any():
            texts = body.block.loc[rows[marked], pos].map(lambda v: label_text(v).lower())
            has_value[np.flatnonzero(marked)[texts.isin(WITHHELD).to_numpy()]] = True
    return rows[when > when[has_value].max()]


def _trailing_text(periods: pd.Series, last: pd.Timestamp, frequency: str | None) -> str:
    """'No values yet for November 2022 to March 2023 (5 periods after the last value, October 2022): ...'."""
    first, end, n = periods.min(), periods.max(), periods.nunique()
    span = format_period(first, frequency) + (f" to {format_period(end, frequency)}" if n > 1 else "")
    return (f"No values yet for {span} ({n} period{'s' if n > 1 else ''} after the last value, "
            f"{format_period(last, frequency)}): {'their rows were' if n > 1 else 'its row was'} left out.")


def _merged_down(labels: pd.Series) -> pd.Series:
    """A label written once at the top of its block of periods ('England | 2019', ' | 2020', 'North East |
    2019'), as a merged cell or a printed table leaves it, filled down its block. A column whose labels
    repeat on their rows and are sometimes blank keeps its blanks: there, blank means not stated."""
    filled = labels[labels != ""]
    if len(filled) == len(labels) or not len(filled) or labels.iloc[0] == "" or \
            filled.nunique() < MERGED_DISTINCT_SHARE * len(filled):
        return labels
    return labels.replace("", np.nan).ffill()


def _set_aside_helpers(block: pd.DataFrame, names, numeric: list[int]) -> tuple[list[int], list[str]]:
    """A column holding one constant value down part of the table (a chart's target line, 'Operational
    standard 0.95'), beside real measures, is not a measure: set aside, and said."""
    if len(numeric) < 2:
        return numeric, []
    keep, notes = [], []
    for p in numeric:
        parsed = parse_numbers(block[p])
        values = parsed.values.dropna()
        share = len(values) / max(len(block), 1)
        # a helper line is blank where it is not drawn; suppressed cells or a column of zeros are data
        looks_drawn = not parsed.marker.notna().any() and (values.iloc[0] != 0 if len(values) else False)
        if TARGET_NAME.search(names[p]):  # a target column is read as the measure's target
            keep.append(p)
        elif len(values) >= 2 and values.nunique() == 1 and (
                (share < HELPER_SHARE and looks_drawn) or STANDARD_NAME.search(names[p])):
            notes.append(f"'{names[p]}' holds one constant value ({values.iloc[0]:g}) in {len(values)} of "
                         f"{len(block)} rows: a chart helper or target line, not a measure, so it was left out.")
        else:
            keep.append(p)
    return keep, notes


def _measure_columns(block: pd.DataFrame, names, text_cols: list[int], numeric: list[int]) -> list[int]:
    """The columns that name the measure in a long table: a 'measure' / 'indicator' column with the code
    column beside it ('1A' + 'Social care-related quality of life'); metric columns (numerator,
    denominator, outcome) stay dimensions."""
    named = [p for p in text_cols if (MEASURE_NAME.match(names[p]) or MEASURE_HEADER.search(names[p]))
             and not METRIC_HEADER.search(names[p])]
    if not named:
        return []
    codes = [p for p in text_cols if p not in named and MEASURE_CODE_HEADER.search(names[p])]
    return sorted(set(named) | set(codes))


def _unit_column(block: pd.DataFrame, names, dims: list[int], labels: pd.Series | None) -> pd.Series | None:
    """A long table's 'Unit' column ('Number', '%', 'per 100,000'), as units by row, when every cell names a
    unit and each measure has one: then it says what the values are, and is not a dimension to split by."""
    if labels is None:
        return None
    for p in dims:
        if not UNIT_HEADER.match(names[p]):
            continue
        words = block[p].map(label_text).astype("string").str.strip()
        units = words.map(lambda w: unit_from_word(w) if isinstance(w, str) and w else None, na_action="ignore")
        if units.isna().any() or pd.DataFrame({"m": labels, "u": units}).groupby("m")["u"].nunique().max() > 1:
            return None
        return units.rename(p)
    return None


def _with_row_units(measures: dict[str, MeasureInfo], labels: pd.Series, units: pd.Series) -> dict:
    """Each measure's unit from the table's unit column (its label, cleaned as the measure names are)."""
    by_label = dict(zip(labels.astype("string").map(clean_label, na_action="ignore"), units, strict=True))
    out = {}
    for name, info in measures.items():
        unit = by_label.get(name, by_label.get(name.rsplit(": ", 1)[0], info.unit))  # "X: Target" is X's
        out[name] = MeasureInfo(unit, info.polarity, info.known_as)
    return out


def _long_frame(base, measure_col, columns, names):
    targets = [p for p in columns if TARGET_NAME.search(names[p])]
    values = [p for p in columns if p not in targets]
    value_pos = next((p for p in values if VALUE_NAME.match(names[p])), values[0] if values else None)
    frame = base.copy()
    frame["measure"] = map_distinct(measure_col, _clean_text).astype("string")
    if value_pos is None:
        frame["value"] = np.nan
        frame["flag"] = ""
    else:
        frame["value"] = columns[value_pos][0]
        frame["flag"] = columns[value_pos][1]
    if targets:
        frame["target"] = columns[targets[0]][0]
    extra = [p for p in values if p != value_pos]
    frames = [frame]
    for p in extra:
        more = base.copy()
        more["measure"] = frame["measure"] + f": {names[p]}"
        more["value"], more["flag"] = columns[p][0], columns[p][1]
        frames.append(more)
    frame = pd.concat(frames)
    measures = {}
    for measure, values in frame.groupby("measure", sort=False)["value"]:
        measures[measure] = checked_percent(measure, describe(measure), values)
    return frame.reset_index(names="_row"), measures


def _wide_frame(base, columns, names):
    frames, measures = [], {}
    for pos, (values, flags, info) in columns.items():
        part = base.copy()
        measure = clean_label(names[pos])
        part["measure"], part["value"], part["flag"] = measure, values, flags
        measures[measure] = info
        frames.append(part)
    frame = pd.concat(frames) if frames else base.assign(measure=pd.Series(dtype="string"), value=np.nan, flag="")
    return frame.reset_index(names="_row"), measures


def _flag_total_dimension_values(frame: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    """Rows whose dimension value is 'Total' or 'All ages' restate the others: kept, but flagged 'total'."""
    is_total = np.zeros(len(frame), dtype=bool)
    for dim in dims:
        is_total |= frame[dim].fillna("").astype(str).str.contains(TOTAL_LABEL).to_numpy()
    if is_total.any():
        frame = frame.assign(flag=frame["flag"].where(~is_total, "total"))
    return frame


def _drop_duplicate_periods(frame: pd.DataFrame, dims: tuple[str, ...], along: str = "period"
                            ) -> tuple[pd.DataFrame, list[int]]:
    key = ["measure", along, *dims] + (["period"] if along != "period" and "period" in frame.columns else [])
    dup = frame.duplicated(key, keep="first")
    rows = sorted(set(frame.loc[dup, "_row"]) - set(frame.loc[~dup, "_row"]))
    return frame[~dup], rows


def _outer_labels_down(texts: pd.DataFrame, positions: list[int], rows: np.ndarray) -> pd.DataFrame:
    """Each outer label column written once over its block of rows ('TOTAL ALL AGENCIES: | 2006', ' | 2007',
    ' | Percent change') filled down the block's rows of values, so every row carries it: in its name, its
    dimension and its total flag. Blocks are two rows or more (a record list's odd blank is not a block),
    and a block's first row names its own part in an inner column too: an outer label standing alone
    ('Total deaths, all ages' above ' | Males') names its row only, as a code does."""
    filled = texts.copy()
    for k, p in enumerate(positions[:-1]):
        column = texts.iloc[rows, p]
        starts = (column != "").to_numpy()
        inner = (texts.iloc[rows, positions[k + 1:]] != "").any(axis=1).to_numpy()
        if not starts.any() or starts.sum() > (~starts).sum() or is_code_column(column) or \
                (starts & inner).sum() < OUTER_LABEL_SHARE * starts.sum():
            continue
        filled.iloc[rows, p] = _merged_down(column.reset_index(drop=True)).to_numpy(dtype=object)
    return filled


def _label_frame(body: Body, positions: list[int]) -> pd.DataFrame:
    """Label texts of the given positions (other positions empty), one row per body row."""
    texts = pd.DataFrame("", index=range(len(body.block)), columns=range(body.kinds.shape[1]), dtype=object)
    for p in positions:
        texts[p] = map_distinct(body.block[p], label_text).to_numpy(dtype=object)
    return texts


def _row_labels(texts: pd.DataFrame, positions: list[int], rows: np.ndarray) -> np.ndarray:
    """One label per row: code columns first ('C1 Assessment and care management'), parts joined."""
    if not positions:
        return np.full(len(rows), "", dtype=object)
    part = texts.iloc[rows, positions]
    codes = [p for p in positions if is_code_column(part[p]) and p != positions[-1]]
    ordered = codes + [p for p in positions if p not in codes]
    joined = part[ordered[0]].astype(str)
    for i, p in enumerate(ordered[1:], start=1):
        sep = " " if ordered[i - 1] in codes else ", "
        joined = joined.str.cat(part[p].astype(str), sep=sep)
    cleaned = joined.str.replace(r"^(?:,\s*)+|(?:,\s*)+$", "", regex=True)
    cleaned = cleaned.str.replace(r"(?:,\s*){2,}", ", ", regex=True)
    return cleaned.map(lambda t: clean_label(t) if t.strip() else "").to_numpy(dtype=object)


def _parsed_matrix(body: Body, rows: pd.Index, positions: list[int], names: tuple[str, ...],
                   excluded: list[dict]):
    """Numbers, flags, typed-% and %-format of the cells at ``rows`` x ``positions``; bad cells to the ledger.

    The cells are stacked into one column and parsed once (a table 150 councils wide is one parse)."""
    n = len(rows)
    stacked = pd.concat([body.block.loc[rows, p].astype(object) for p in positions], ignore_index=True)
    parsed = parse_numbers(stacked)
    bad = np.flatnonzero(parsed.unreadable.to_numpy())
    for k in bad.tolist():
        row, pos = rows[k % n], positions[k // n]
        excluded.append(_exclusion(row, "not a number", str(stacked[k]), names[pos]))

    def grid(values: np.ndarray) -> np.ndarray:
        return values.reshape(len(positions), n).T

    at = body.block.index.get_indexer(rows)
    formatted = body.percent[at][:, positions]
    return (grid(parsed.values.to_numpy(dtype=float)), grid(parsed.marker.fillna("").astype(object).to_numpy()),
            grid(parsed.percent_sign.to_numpy(dtype=bool)), formatted)


def _across(body: Body, axis: HeaderAxis, label_positions: list[int], period_pos: int | None,
            fy_year: int | None, notes: list[str] = ()) -> Tidied:
    """Periods or places across the columns: one value per row label and column."""
    block, kinds, names = body.block, body.kinds, body.names
    excluded: list[dict] = []
    warnings = list(axis.warnings)
    positions = list(axis.positions)
    texts = _label_frame(body, label_positions + ([period_pos] if period_pos is not None else []))
    struct, group = row_structure(kinds, texts, label_positions, positions, body.header_texts)
    counts = body.counts().to_numpy()
    has_values = np.isin(kinds[:, positions], (NUMBER, MARKER)).any(axis=1)
    last_value = int(np.flatnonzero(has_values).max()) if has_values.any() else -1
    labelled = (texts[label_positions] != "").any(axis=1).to_numpy() if label_positions else np.ones(len(block), bool)
    header_measures = any(axis.measure_names)
    roles = np.full(len(block), "data", dtype=object)
    reasons = np.full(len(block), "", dtype=object)
    roles[struct == "header"], reasons[struct == "header"] = "header", "header"
    roles[struct == "group"], reasons[struct == "group"] = "group", "group label"
    plain = (struct == "") & (counts > 0)
    after = np.arange(len(block)) > last_value
    roles[plain & ~has_values & after], reasons[plain & ~has_values & after] = "notes", "note"
    reasons[plain & ~has_values & ~after] = "no values"
    reasons[plain & has_values & ~labelled] = "no label"
    blank = body.blank()
    reasons[(counts == 0) & ~blank] = "no values"
    roles[blank], reasons[blank] = "empty", "blank"
    continued = (struct == "continued") & np.roll(plain & has_values & labelled, 1)
    reasons[continued] = ""
    keep = np.flatnonzero(plain & has_values & labelled)
    rows = block.index[keep]
    texts = _outer_labels_down(texts, label_positions, keep)
    row_labels = _row_labels(texts, label_positions, keep)
    for i in np.flatnonzero(continued).tolist():  # a label's second line joins its first
        at = np.searchsorted(keep, i - 1)
        row_labels[at] = clean_label(f"{row_labels[at]} {' '.join(t for t in texts.iloc[i, label_positions] if t)}")
    row_flag = np.full(len(keep), "", dtype=object)
    if header_measures:  # rows are organisations or groups of one measure: totals restate the others
        places = pd.Series(row_labels).map(lambda t: (place_of(t) or ("", ""))[1]).to_numpy()
        row_flag[places == "aggregate"] = "aggregate"
        total = pd.Series(row_labels).str.contains(TOTAL_LABEL).to_numpy()
        row_flag[total] = "total"
        roles[keep[total]], reasons[keep[total]] = "derived", "total / average row"
    period = None
    if period_pos is not None:
        parsed_periods = parse_periods(block.loc[rows, period_pos], header=names[period_pos], fy_year=fy_year)
        period = parsed_periods.periods.to_numpy()
        bad = pd.isna(period)
        reasons[keep[bad]] = "unparseable period"
        keep, rows, row_labels = keep[~bad], rows[~bad], row_labels[~bad]
        row_flag, period = row_flag[~bad], period[~bad]
    values, flags, typed, formatted = _parsed_matrix(body, rows, positions, names, excluded)
    excluded += _set_aside_beside(body, rows, [*label_positions, *positions, period_pos], axis.kind, warnings)
    n_rows, n_cols = values.shape
    sums = summing_rows(values, min_run=MIN_RUN if len(label_positions) <= 1 else MIN_RUN + 1)
    if header_measures:  # a row adding up others is a total, whatever it is called
        adds_up = sums & (row_flag == "")
        roles[keep[adds_up]], reasons[keep[adds_up]] = "derived", "total / average row"
        row_flag[adds_up] = "total"
    # Rows that restate others but stay in the frame (comparators; a Total that is its own measure when rows
    # are measures) are derived lines that are still used. Where several columns describe each measure (a
    # publication's list: 'Total expenditure on ... | 2014-15 | Income: total'), only the sums tell.
    named_total = pd.Series(row_labels).str.contains(TOTAL_LABEL).to_numpy() if len(label_positions) == 1 else \
        np.zeros(len(row_labels), dtype=bool)
    restating = (row_flag == "aggregate") if header_measures else (sums | named_total)
    if header_measures:
        measure = np.tile(np.array([clean_label(m) for m in axis.measure_names], dtype=object), n_rows)
    else:
        measure = np.repeat(row_labels, n_cols)
    frame = pd.DataFrame({"_row": np.repeat(rows.to_numpy(), n_cols), "measure": measure})
    along = {"periods": "period", "ages": "age"}.get(axis.kind, "area" if period is not None else "category")
    frame[along] = np.tile(np.array(axis.labels, dtype=object), n_rows)
    if period is not None:
        frame["period"] = np.repeat(period, n_cols)
    dims: list[str] = []
    if header_measures:
        for p in label_positions:
            header = names[p] if not names[p].startswith("Column ") or not body.inner_names else body.inner_names[p]
            dim = _dimension_name(header, p, dims)
            frame[dim] = np.repeat(texts.iloc[keep, p].map(clean_label).to_numpy(dtype=object), n_cols)
            dims.append(dim)
    if (group[keep] != "").any():  # rows above the first heading belong to no group (None, not '')
        labels = pd.Series(group[keep]).map(clean_label).replace("", None)
        frame["group"] = np.repeat(labels.to_numpy(dtype=object), n_cols)
        dims.append("group")
    if along in ("area", "age"):
        dims.insert(0, along)
    if along == "age" and period is None:  # rows are the areas or groups the ages are counted for
        names_at = [p for p in label_positions if not is_code_column(texts.iloc[keep, p])] or label_positions
        frame["category"] = np.repeat(texts.iloc[keep, names_at[-1]].map(clean_label).to_numpy(dtype=object)
                                      if names_at else row_labels, n_cols)
    column_flag = np.array([lvl if lvl in ("aggregate", "total") else "" for lvl in axis.levels] or [""] * n_cols,
                           dtype=object)
    flag = np.where(flags.ravel() != "", flags.ravel(), np.repeat(row_flag, n_cols))
    frame["flag"] = np.where(flag == "", np.tile(column_flag, n_rows), flag)
    frame["value"], measures = _across_values(frame, values, typed, formatted, warnings)
    if along == "period":
        frame["period"] = pd.to_datetime(frame["period"])
        _mark_forecast_columns(frame, body, axis, notes, n_rows, warnings)
    frame, dup_rows = _drop_duplicate_periods(frame, tuple(dims), along=along)
    excluded += _row_exclusions(block, pd.Index(dup_rows), "duplicate measure row")
    if along == "period":
        frame = _drop_unfilled_periods(frame, warnings)
    frequency = axis.frequency if along == "period" else parsed_periods.frequency if period is not None else None
    if frequency is not None:
        warnings += gaps_and_duplicates(pd.Series(frame["period"].unique()), frequency)
    for i in np.flatnonzero((reasons != "") & (roles != "derived")).tolist():
        excluded.append(_exclusion(block.index[i], reasons[i], _row_text(block, block.index[i])))
    for i in np.flatnonzero(roles == "derived").tolist():
        excluded.append(_exclusion(block.index[i], reasons[i], _row_text(block, block.index[i])))
    row_roles = {int(block.index[i]): roles[i] for i in np.flatnonzero(roles != "data").tolist()}
    used = (set(rows) | set(block.index[continued])) - set(dup_rows) - {
        block.index[i] for i in np.flatnonzero(roles == "derived").tolist()}
    row_roles.update({int(r): "derived" for r in rows[restating]})
    kind = "timeseries" if "period" in frame.columns else "table"
    layout = {"periods": "periods_across", "ages": "ages_across"}.get(axis.kind, "places_across")
    axes = _describe_axes(axis, frame, measures, period is not None)
    return Tidied(frame, kind, layout, frequency, measures, tuple(dims), names[period_pos] if period is not None
                  else None, used, excluded, warnings, row_roles=row_roles, axes=axes)


def _set_aside_beside(body: Body, rows: pd.Index, taken: list[int | None], kind: str, warnings: list[str]) -> list:
    """A filled column beside the periods (or places) across that is neither one of them nor a label ('Area |
    2021 | 2022 | 2023 | Change (%)') is not part of the series: its cells are set aside in the ledger and
    said, never dropped unseen. A change or share column restates what the periods already give."""
    excluded = []
    for p in (p for p in range(len(body.names)) if p not in taken):
        cells = _cell_exclusions(body.block, rows, p, body.names[p], f"not one of the {kind} across")
        n = len(cells[0])
        if n:
            warnings.append(f"'{body.names[p]}' is not one of the {kind} across the columns: its {n:,} "
                            f"value{'s were' if n != 1 else ' was'} set aside.")
            excluded += cells
    return excluded


def _dimension_name(header: str, pos: int, taken: list[str]) -> str:
    """A dimension column named after its header; never one of the tidy frame's own columns."""
    short = short_name(header) if header and not header.startswith("Column ") else ""
    name = snake(short) if short else f"label_{pos + 1}"
    if name in RESERVED_COLUMNS:
        name = f"{name}_label"
    while name in taken:
        name = f"{name}_{pos + 1}"
    return name


def _across_values(frame: pd.DataFrame, values: np.ndarray, typed: np.ndarray, formatted: np.ndarray,
                   warnings: list[str]) -> tuple[np.ndarray, dict[str, MeasureInfo]]:
    """Values with each measure's unit: % from number formats first (fractions become 0-100), then a typed
    '%', then the measure's name."""
    flat = values.ravel().copy()
    fmt, typ = formatted.ravel(), typed.ravel()
    measures: dict[str, MeasureInfo] = {}
    codes, uniques = pd.factorize(frame["measure"])
    for i, name in enumerate(uniques):
        where = codes == i
        numbers = ~np.isnan(flat[where])
        typed_pct, formatted_pct = (bool(numbers.any()) and marks[where][numbers].mean() >= 0.5 for marks in (typ, fmt))
        measures[name], part = _measure_info(name, typed_pct, pd.Series(flat[where]), formatted_pct, warnings)
        flat[where] = part.to_numpy()
    return flat, measures


def _looks_fractional(values: pd.Series) -> bool:
    finite = values.dropna()
    return bool(len(finite)) and bool(finite.between(0, 1).all()) and bool((finite % 1 != 0).any())


def _drop_unfilled_periods(frame: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    filled = frame.groupby("period")["value"].count()
    unfilled = filled[filled == 0].index
    if len(unfilled):
        warnings.append(f"{len(unfilled)} period column(s) with no values yet were left out.")
        return frame[~frame["period"].isin(unfilled)]
    return frame


def _describe_axes(axis: HeaderAxis, frame: pd.DataFrame, measures: dict[str, MeasureInfo],
                   period_down: bool) -> tuple[tuple[str, str], ...]:
    out = []
    if axis.kind == "periods":
        periods = pd.to_datetime(frame["period"].dropna().unique())
        span = f", {format_period(periods.min(), axis.frequency)} to {format_period(periods.max(), axis.frequency)}" \
            if len(periods) else ""
        how = f" ({axis.description})" if axis.description else ""
        out.append(("Periods", f"{len(periods)} across the columns{how}{span}"))
    else:
        noun = "age" if axis.kind == "ages" else "area"  # ages carry no level but 'total' (All ages)
        levels = pd.Series([lvl or noun for lvl in axis.levels], dtype=object).value_counts()
        parts = ", ".join(f"{n} {lvl}{'s' if n != 1 else ''}" for lvl, n in levels.items())
        out.append(("Ages" if axis.kind == "ages" else "Places", f"across the columns: {parts}"))
        if period_down:
            out.append(("Periods", "down a column"))
    out.append(("Measures", _measures_text(measures)))
    return tuple(out)


def _measures_text(measures: dict[str, MeasureInfo]) -> str:
    """'95 (95 £ thousands)', '3 (2 count, 1 percent)', '1 (1 count, thousands)': how many measures, in which
    units, in the words every view uses (`unit_words`)."""
    units = pd.Series([unit_words(m.unit) for m in measures.values()], dtype=object).value_counts()
    return f"{len(measures)} ({', '.join(f'{n} {u}' for u, n in units.items())})"


def _cross_section(body: Body, names) -> Tidied:
    """A table with no periods: one row per council, service line or group, one column per measure."""
    block = body.block
    excluded: list[dict] = []
    warnings: list[str] = []
    numeric = _numeric_columns(body.kinds, set())
    text_cols = [p for p in range(len(names)) if p not in numeric and not blank_mask(block.iloc[:, p]).all()]
    numeric, text_cols = _codes_to_labels(block, names, numeric, text_cols)
    if not numeric or not text_cols:
        raise IngestError("No table of numbers found: the table needs a column of labels (councils, service "
                          "lines) and at least one column of numbers, or a column of dates or periods.")
    texts = _label_frame(body, text_cols)
    struct, group = row_structure(body.kinds, texts, text_cols, numeric, body.header_texts)
    reasons = pd.Series(_classify_rows(body, None), dtype=object)
    reasons = reasons[reasons != "total / average row"]
    for i in np.flatnonzero(struct != "").tolist():
        reasons[block.index[i]] = "header" if struct[i] == "header" else "group label"
    flagged = block.index.isin(reasons.index)
    rows = block.index[~flagged]
    keep_pos = block.index.get_indexer(rows)
    blocks = _outer_labels_down(texts, [p for p in text_cols if not is_code_column(texts.iloc[keep_pos, p])],
                                keep_pos)
    labels = texts.iloc[keep_pos, text_cols].map(clean_label).replace("", None)
    labels.index = rows
    category_pos = _category_position(labels, text_cols)
    answers = [p for p in text_cols if p != category_pos and _yes_no_column(labels[p])]
    for p in answers:
        warnings.append(f"'{names[p]}' holds Yes/No answers, not numbers or labels: left out of the measures.")
    dims = [p for p in text_cols if p != category_pos and p not in answers]
    category = labels[category_pos].copy()
    codes = {p for p in text_cols if is_code_column(labels[p])}
    _fill_hierarchy(labels, [p for p in dims if p not in codes], outer=[p for p in text_cols if p not in codes])
    block_name = pd.Series(blocks.iloc[keep_pos, category_pos].map(clean_label).replace("", None)
                           .to_numpy(dtype=object), index=rows).where(category.isna())  # named once over its block
    category = category.fillna(block_name)
    category = category.fillna(labels[dims].bfill(axis=1).iloc[:, 0] if dims else category)
    row_text = (block_name.fillna("") + " " + labels.fillna("").astype(str).agg(" ".join, axis=1)).str.strip()
    places = category.fillna("").map(lambda t: (place_of(t) or ("", ""))[1])
    flag = np.where(row_text.str.contains(TOTAL_LABEL), "total",
                    np.where((places == "aggregate") | row_text.str.contains(AGGREGATE_LABEL), "aggregate", ""))
    columns = _value_columns(body, rows, names, numeric, excluded, warnings)
    sums = summing_rows(np.column_stack([v.to_numpy(dtype=float) for v, _, _ in columns.values()])) \
        if columns else np.zeros(len(rows), dtype=bool)
    flag = np.where((flag == "") & sums, "total", flag)
    dim_names: list[str] = []
    for p in dims:
        dim_names.append(_dimension_name(names[p], p, dim_names))
    groups = pd.Series(group[keep_pos], index=rows).map(clean_label).replace("", None)
    measures = {clean_label(names[pos]): info for pos, (_, _, info) in columns.items()}
    k = len(columns)
    frame = pd.DataFrame({"_row": np.tile(rows.to_numpy(), k), "category": np.tile(category.to_numpy(), k),
                          "measure": np.repeat([clean_label(names[pos]) for pos in columns], len(rows)),
                          "value": np.concatenate([v.to_numpy() for v, _, _ in columns.values()])})
    for p, dim in zip(dims, dim_names, strict=True):
        frame[dim] = np.tile(labels[p].to_numpy(), k)
    if groups.notna().any():
        frame["group"] = np.tile(groups.to_numpy(dtype=object), k)
    markers = np.concatenate([f.to_numpy(dtype=object) for _, f, _ in columns.values()])
    summary = np.tile(flag, k)
    frame["flag"] = np.where(summary != "", summary, markers)
    if groups.notna().any():
        dim_names.append("group")
    derived = rows[flag == "total"]
    excluded += _row_exclusions(block, block.index[flagged], reasons)
    excluded += _row_exclusions(block, derived, "total / average row")
    row_roles = {int(r): ROLE_OF_REASON[why] for r, why in reasons.items() if why in ROLE_OF_REASON}
    # An aggregate place restates the councils beside it (a region alone, or "Median age" among age groups,
    # is a row of its own).
    beside_councils = bool(((places != "") & (places != "aggregate")).any())
    restating = (flag == "total") | ((flag == "aggregate") & (places == "aggregate").to_numpy() & beside_councils)
    row_roles.update({int(r): "derived" for r in rows[restating]})
    n_places = int((places != "").sum())
    axes = (("Places", f"{n_places} of {len(category)} rows name places (in '{names[category_pos]}')"
             if n_places else "none found"),
            ("Measures", f"{len(measures)}, one per column"))
    return Tidied(frame, "table", "table", None, measures, tuple(dim_names), None,
                  set(rows) - set(derived), excluded, warnings, row_roles=row_roles, axes=axes)


def _fill_hierarchy(labels: pd.DataFrame, columns: list[int], outer: list[int]) -> None:
    """Fill blank-below (merged) cells down each of ``columns`` in place, within its branch: a new label in
    an ``outer`` column to its left starts a new branch, so 'Cities outside metropolitan areas' does not
    inherit 'Estimated total' from the state's previous branch, nor England a region from Trafford above.
    Codes are neither filled nor outer: a code is one row's own, whatever column it stands in."""
    for p in columns:
        left = [q for q in outer if q < p]
        branch = labels[left].notna().any(axis=1).cumsum().to_numpy() if left else np.zeros(len(labels), int)
        labels[p] = labels[p].groupby(branch).ffill()


YES_NO = {"yes", "no", "y", "n"}


def _yes_no_column(values: pd.Series) -> bool:
    """A survey question's answers ('Yes' / 'No', with markers for no reply): not a way to split the rows."""
    found = {str(v).strip().lower() for v in values.dropna()} - set(MARKERS) - {""}
    return bool(found) and found <= YES_NO


def _codes_to_labels(block: pd.DataFrame, names, numeric: list[int], text_cols: list[int]
                     ) -> tuple[list[int], list[int]]:
    """Numeric columns that are codes (a 'code' header, or whole numbers left of every label column, as
    the old council numbers '312') are labels, never measures; so is a column of years among words beside a
    label column ('TOTAL | 2006', ' | 2007', ' | Percent change'): it names each row's part of its block."""
    first_text = min(text_cols) if text_cols else len(names)
    codes = [p for p in numeric if _code_header(names[p]) or (
        p < first_text and _whole_numbers(block[p]) and p + 1 in text_cols) or (
        not names[p] or names[p].startswith("Column ")) and _years_among_words(block[p])]
    return [p for p in numeric if p not in codes], sorted(text_cols + codes)


def _years_among_words(column: pd.Series) -> bool:
    """Every number a calendar year, and words (not markers) in other cells of the column (asked only of a
    column with no heading of its own: under a heading, years are a measure's values)."""
    parsed = parse_numbers(_filled_sample(column))
    numbers = parsed.values.dropna()
    words = parsed.values.isna() & parsed.marker.isna()
    return bool(words.any()) and calendar_years(numbers)


def _whole_numbers(column: pd.Series) -> bool:
    values = parse_numbers(column).values.dropna()
    return len(values) > 0 and bool((values % 1 == 0).all())


def _category_position(labels: pd.DataFrame, text_cols: list[int]) -> int:
    """The label column that names the rows: the one naming places if any, else the most varied."""
    def place_share(p: int) -> float:
        sample = labels[p].dropna().head(200)
        return float(sample.map(lambda t: place_of(str(t)) is not None).mean()) if len(sample) else 0.0
    shares = {p: place_share(p) for p in text_cols if not is_code_column(labels[p])}
    places = [p for p, share in shares.items() if share >= 0.5]
    if places:  # 'Region | Council': the column naming the most places names the rows
        return max(places, key=lambda p: (labels[p].nunique(), shares[p]))
    return max(text_cols, key=lambda p: labels[p].nunique())


def _records(block, names, period_pos, fy_year, split_by, record_frequency, filename) -> Tidied:
    excluded: list[dict] = []
    warnings: list[str] = []
    counts = block.notna().sum(axis=1).to_numpy()
    blank_rows = block.index[counts == 0]
    excluded += _row_exclusions(block, blank_rows, "blank")
    if len(blank_rows):  # dropping nothing still copies every column of a 200,000-row extract
        block = block.drop(index=blank_rows)
    parsed = parse_periods(block.iloc[:, period_pos], header=names[period_pos], fy_year=fy_year)
    warnings += parsed.warnings
    bad = parsed.periods.isna()
    for row in block.index[bad.to_numpy()]:
        excluded.append(_exclusion(row, "unparseable date", _row_text(block, row)))
    kept = block.index[~bad.to_numpy()]
    rows = block.loc[kept] if bad.any() else block  # one take for all the columns, none when every date reads
    records = pd.DataFrame({"date": parsed.periods[kept]})
    for pos, name in enumerate(names):
        if pos != period_pos:
            records[name] = rows[pos].astype("string")
    frequency = record_frequency or default_record_frequency(records["date"])
    measure = record_measure_name(filename)
    frame = count_records(records, frequency=frequency, split_by=split_by, measure=measure)
    frame.insert(0, "_row", -1)
    measures = {measure: describe(measure)}
    warnings.append(f"One row per record: {len(records):,} records counted per "
                    f"{ {'D': 'day', 'W': 'week', 'M': 'month'}.get(frequency, frequency) }"
                    f"{' by ' + split_by if split_by else ''}.")
    dims = (snake(split_by),) if split_by else ()
    return Tidied(frame, "records", "records", frequency, measures, dims, names[period_pos], set(kept),
                  excluded, warnings, records=records)
