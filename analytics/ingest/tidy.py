"""From a found table to the tidy long frame: detecting the layout, reading periods and numbers, the ledger.

Layouts (DESIGN section 2): ``long`` (period, measure, value), ``wide`` (a period column and one column per
measure, any text columns being dimensions), ``periods_across`` (measures in rows, periods across the
columns), ``records`` (one row per contact or placement, counted per period) and ``table`` (one row per
council or service line, no period).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.catalogue import MeasureInfo, describe, unit_from_name
from analytics.errors import IngestError
from analytics.ingest.cells import blank_mask, parse_numbers
from analytics.ingest.labels import clean_label, snake
from analytics.ingest.records import count_records, default_record_frequency, record_measure_name
from analytics.ingest.tables import Table, filled_counts
from analytics.periods import financial_year_in_text, gaps_and_duplicates, looks_like_period, parse_periods

SAMPLE_ROWS = 500  # rows sampled to decide what a column holds, before the full column is read
SAMPLE_SCAN_FACTOR = 4  # the sample is taken from the first SAMPLE_ROWS x 4 rows when they hold enough cells
PERIOD_SHARE = 0.8  # share of a column's non-blank cells that must read as periods
NUMERIC_SHARE = 0.8
MIN_PERIODS_ACROSS = 3
TOTAL_LABEL = re.compile(r"^\s*(?:grand\s+)?(?:sub[\s-]?)?totals?\b|\btotal\s*$|"
                         r"^\s*all\s+(?:councils|ages|areas)\b", re.I)
AGGREGATE_LABEL = re.compile(r"\b(?:average|mean|median|england|national|region(?:al)?\s+total|"
                             r"all\s+councils|comparator|benchmark)\b", re.I)
NOTE_LABEL = re.compile(r"^\s*(?:notes?\b|source\b|\*|\[|\(?\d{1,2}[.)]\s|footnote|please\s+note|nb\b)", re.I)
PERIOD_NAME = re.compile(r"date|week|month|period|quarter|\bqtr\b|year|\bfy\b|\bw/?[ce]\b|\bday\b", re.I)
MEASURE_NAME = re.compile(r"^(measure|indicator|metric|kpi|description|item|series|variable|performance\s+measure)s?$",
                          re.I)
VALUE_NAME = re.compile(r"^(value|values|count|number|actual|actuals|result|figure|total|amount)$", re.I)
TARGET_NAME = re.compile(r"\btarget\b", re.I)
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
    extra: dict = field(default_factory=dict)


def _row_text(block: pd.DataFrame, row: int) -> str:
    return " ".join(str(v).strip() for v in block.loc[row] if not _blank(v))


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _exclusion(row: int, reason: str, detail: str = "", column: str = "") -> dict:
    return {"row": row + 1, "column": column, "reason": reason, "detail": detail[:120]}


def _filled_sample(column: pd.Series) -> pd.Series:
    """The first SAMPLE_ROWS filled cells, looking at a head slice first (a 200,000-row column is not scanned
    whole just to take a sample); the whole column only when the slice is all blank."""
    head = column.head(SAMPLE_ROWS * SAMPLE_SCAN_FACTOR)
    filled = head[~blank_mask(head)]
    if filled.empty and len(column) > len(head):
        filled = column[~blank_mask(column)]
    return filled.head(SAMPLE_ROWS)


def _period_candidates(block: pd.DataFrame, names: tuple[str, ...], fy_year: int | None) -> list[tuple[float, int]]:
    scored = []
    for pos, name in enumerate(names):
        column = block.iloc[:, pos]
        sample = _filled_sample(column)
        if sample.empty:
            continue
        if column.dtype.kind in "fiu" and not PERIOD_NAME.search(name):
            continue  # plain numbers are only dates (Excel serials) when the header says so
        parsed = parse_periods(sample, header=name, fy_year=fy_year)
        share = float(parsed.periods.notna().mean())
        if share >= 0.5:
            scored.append((share + (0.2 if PERIOD_NAME.search(name) else 0.0), pos))
    return sorted(scored, reverse=True)


def tidy_table(table: Table, *, layout: str | None = None, period_column: str | None = None,
               split_by: str | None = None, record_frequency: str | None = None,
               percent_cols: set[int] | None = None, filename: str = "") -> Tidied:
    """Reshape one table into the tidy long frame, recording every row it uses or leaves out."""
    grid = table.sheet.grid
    first, last = table.data_rows
    block = grid.loc[first:last, list(table.columns)]
    block.columns = range(len(table.columns))
    names = table.names
    fy_year = financial_year_in_text(" ".join([table.title, table.sheet.name, *names]))
    percent_cols = {table.columns.index(c - table.sheet.column_offset) for c in (percent_cols or set())
                    if c - table.sheet.column_offset in table.columns}
    across = [i for i, n in enumerate(names) if looks_like_period(n, fy_year=fy_year)]
    if layout == "periods_across" or (layout is None and len(across) >= MIN_PERIODS_ACROSS):
        return _periods_across(block, names, across, fy_year, percent_cols)
    candidates = _period_candidates(block, names, fy_year)
    if period_column is not None:
        if period_column not in names:
            raise IngestError(f"There is no column called '{period_column}' in this table; columns are: "
                              f"{', '.join(names)}.")
        candidates = [(1.0, names.index(period_column))]
    if layout == "table" or not candidates:
        return _cross_section(block, names, percent_cols)
    period_pos = candidates[0][1]
    if layout == "records" or (layout is None and _looks_like_records(block, names, period_pos)):
        return _records(block, names, period_pos, fy_year, split_by, record_frequency, filename)
    return _by_period_column(block, names, period_pos, fy_year, percent_cols, force_long=layout == "long")


def _numeric_columns(block: pd.DataFrame, names: tuple[str, ...], skip: set[int]) -> list[int]:
    out = []
    for pos in range(len(names)):
        if pos in skip:
            continue
        column = _filled_sample(block.iloc[:, pos])
        if column.empty:  # an all-blank column (arrow's null type cannot be combined with booleans)
            continue
        parsed = parse_numbers(column)
        filled = ~blank_mask(column)
        ok = (parsed.values.notna() | parsed.marker.notna()) & filled
        if ok.sum() >= NUMERIC_SHARE * filled.sum() or (ok.sum() >= 2 and ok.sum() >= 0.5 * filled.sum()):
            out.append(pos)
    return out


def _looks_like_records(block: pd.DataFrame, names: tuple[str, ...], period_pos: int) -> bool:
    numeric = _numeric_columns(block, names, {period_pos})
    has_id = any(ID_NAME.search(n) for n in names)
    periods = block.iloc[:, period_pos]
    repeats = periods.nunique(dropna=True) < 0.5 * periods.notna().sum()
    return has_id or (not numeric and repeats) or (repeats and len(block) > 2000 and len(numeric) <= 1
                                                   and any(ID_NAME.search(n) for n in names))


def _measure_info(name: str, parsed_pct: bool, values: pd.Series, formatted_pct: bool,
                  warnings: list[str]) -> tuple[MeasureInfo, pd.Series]:
    info = describe(name)
    if formatted_pct:
        return MeasureInfo("percent", info.polarity, info.known_as), values * 100
    if parsed_pct:
        return MeasureInfo("percent", info.polarity, info.known_as), values
    finite = values.dropna()
    if info.unit == "percent" and len(finite) and finite.between(0, 1).all() and (finite % 1 != 0).any():
        warnings.append(f"'{name}' holds fractions between 0 and 1 under a percentage heading: shown as "
                        "percentages (0.52 as 52%).")
        return info, values * 100
    return info, values


def _value_columns(block: pd.DataFrame, rows: pd.Index, names: tuple[str, ...], positions: list[int],
                   percent_cols: set[int], excluded: list[dict], warnings: list[str]):
    """Parse numeric columns over ``rows``: values, flags, measure info; unreadable cells to the ledger."""
    out = {}
    for pos in positions:
        column = block.loc[rows, pos]
        parsed = parse_numbers(column)
        for row in column.index[parsed.unreadable.to_numpy()]:
            excluded.append(_exclusion(row, "not a number", str(column[row]), names[pos]))
        flags = parsed.marker.map(lambda m: f"{m}" if isinstance(m, str) else "").astype(object).fillna("")
        info, values = _measure_info(names[pos], bool(parsed.percent_sign.any()), parsed.values,
                                     pos in percent_cols, warnings)
        out[pos] = (values, flags, info)
    return out


def _classify_rows(block: pd.DataFrame, label_pos: int | None) -> dict[int, str]:
    """Rows that are blank, notes or totals: the reason they are not data (vectorised for big extracts)."""
    counts = pd.Series(filled_counts(block), index=block.index)
    text = block.astype("string").apply(lambda c: c.str.strip()).replace("", pd.NA)
    first_text = text.bfill(axis=1).iloc[:, 0].fillna("") if len(text.columns) else pd.Series("", index=block.index)
    label = text[label_pos].fillna(first_text) if label_pos is not None else first_text
    reasons = pd.Series(pd.NA, index=block.index, dtype="string")
    reasons[label.str.contains(TOTAL_LABEL)] = "totals row"
    reasons[(counts == 1) & first_text.str.contains(NOTE_LABEL)] = "note"
    reasons[counts == 0] = "blank"
    return reasons.dropna().to_dict()


def _by_period_column(block, names, period_pos, fy_year, percent_cols, force_long=False) -> Tidied:
    excluded: list[dict] = []
    warnings: list[str] = []
    reasons = _classify_rows(block, period_pos)
    parsed = parse_periods(block.iloc[:, period_pos], header=names[period_pos], fy_year=fy_year)
    warnings += parsed.warnings
    if parsed.description:
        warnings.append(f"'{names[period_pos]}': {parsed.description}.")
    keep = []
    for row in block.index:
        if row in reasons:
            excluded.append(_exclusion(row, reasons[row], _row_text(block, row)))
        elif pd.isna(parsed.periods[row]):
            excluded.append(_exclusion(row, "unparseable period", _row_text(block, row)))
        else:
            keep.append(row)
    rows = pd.Index(keep)
    numeric = _numeric_columns(block.loc[rows], names, {period_pos})
    text_cols = [p for p in range(len(names)) if p not in numeric and p != period_pos
                 and not blank_mask(block.loc[rows, p]).all()]
    measure_pos = next((p for p in text_cols if MEASURE_NAME.match(names[p])), None)
    if measure_pos is None and force_long and text_cols:
        measure_pos = text_cols[0]
    dims = [p for p in text_cols if p != measure_pos]
    columns = _value_columns(block, rows, names, numeric, percent_cols, excluded, warnings)
    base = pd.DataFrame({"period": parsed.periods[rows]}, index=rows)
    for p in dims:
        base[snake(names[p])] = block.loc[rows, p].astype("string").map(clean_label, na_action="ignore")
    if measure_pos is not None:
        frame, measures = _long_frame(base, block.loc[rows, measure_pos], columns, names)
        layout = "long"
    else:
        frame, measures = _wide_frame(base, columns, names)
        layout = "wide"
    dim_names = tuple(snake(names[p]) for p in dims)
    frame = _flag_total_dimension_values(frame, dim_names)
    frame, dup_rows = _drop_duplicate_periods(frame, dim_names)
    for row in dup_rows:
        excluded.append(_exclusion(row, "duplicate period", _row_text(block, row)))
    used = set(rows) - set(dup_rows)
    warnings += gaps_and_duplicates(frame.drop_duplicates(["period", *dim_names])["period"], parsed.frequency) \
        if not dim_names else gaps_and_duplicates(pd.Series(frame["period"].unique()), parsed.frequency)
    if dup_rows:
        warnings.append(f"{len(dup_rows)} repeated period row(s) were left out (the first copy is used).")
    return Tidied(frame, "timeseries", layout, parsed.frequency, measures, dim_names, names[period_pos],
                  used, excluded, warnings)


def _long_frame(base, measure_col, columns, names):
    targets = [p for p in columns if TARGET_NAME.search(names[p])]
    values = [p for p in columns if p not in targets]
    value_pos = next((p for p in values if VALUE_NAME.match(names[p])), values[0] if values else None)
    frame = base.copy()
    frame["measure"] = measure_col.astype("string").map(clean_label, na_action="ignore")
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
    for measure in frame["measure"].dropna().unique():
        info = describe(measure)
        unit = unit_from_name(measure) or info.unit
        measures[measure] = MeasureInfo(unit, info.polarity, info.known_as)
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


def _drop_duplicate_periods(frame: pd.DataFrame, dims: tuple[str, ...]) -> tuple[pd.DataFrame, list[int]]:
    key = ["measure", "period", *dims]
    dup = frame.duplicated(key, keep="first")
    rows = sorted(set(frame.loc[dup, "_row"]) - set(frame.loc[~dup, "_row"]))
    return frame[~dup], rows


def _periods_across(block, names, across, fy_year, percent_cols) -> Tidied:
    excluded: list[dict] = []
    warnings: list[str] = []
    label_cols = [p for p in range(min(across)) if not blank_mask(block.iloc[:, p]).all()]
    label_pos = label_cols[-1] if label_cols else None
    reasons = _classify_rows(block, None)
    reasons = {r: why for r, why in reasons.items() if why != "totals row"}  # 'Total visitors' is a measure
    keep = []
    for row in block.index:
        if row in reasons:
            excluded.append(_exclusion(row, reasons[row], _row_text(block, row)))
        elif label_pos is None or _blank(block.at[row, label_pos]):
            excluded.append(_exclusion(row, "no measure label", _row_text(block, row)))
        else:
            keep.append(row)
    rows = pd.Index(keep)
    header_periods = parse_periods(pd.Series([names[p] for p in across], dtype=object), fy_year=fy_year)
    frames, measures = [], {}
    for row in rows:
        label = clean_label(str(block.at[row, label_pos]))
        cells = block.loc[row, across]
        parsed = parse_numbers(pd.Series(list(cells), dtype=object))
        for pos, bad in zip(across, parsed.unreadable, strict=True):
            if bad:
                excluded.append(_exclusion(row, "not a number", str(block.at[row, pos]), names[pos]))
        formatted = any(p in percent_cols for p in across) and _row_is_fraction(parsed.values)
        info, values = _measure_info(label, bool(parsed.percent_sign.any()), parsed.values, formatted, warnings)
        part = pd.DataFrame({"_row": row, "period": header_periods.periods.to_numpy(), "measure": label,
                             "value": values.to_numpy(),
                             "flag": parsed.marker.fillna("").astype(object).to_numpy()})
        for p in label_cols[:-1]:
            part[snake(names[p])] = clean_label(str(block.at[row, p])) if not _blank(block.at[row, p]) else ""
        frames.append(part[part["period"].notna()])
        measures[label] = info
    frame = pd.concat(frames) if frames else pd.DataFrame(columns=["_row", "period", "measure", "value", "flag"])
    dims = tuple(snake(names[p]) for p in label_cols[:-1])
    frame, dup_rows = _drop_duplicate_periods(frame, dims)
    for row in dup_rows:
        excluded.append(_exclusion(row, "duplicate measure row", _row_text(block, row)))
    frequency = header_periods.frequency
    warnings += gaps_and_duplicates(pd.Series(header_periods.periods.dropna().unique()), frequency)
    empty_periods = frame.groupby("period")["value"].count()
    unfilled = empty_periods[empty_periods == 0].index
    if len(unfilled):
        frame = frame[~frame["period"].isin(unfilled)]
        warnings.append(f"{len(unfilled)} period column(s) with no values yet were left out.")
    return Tidied(frame, "timeseries", "periods_across", frequency, measures, dims, None,
                  set(rows) - set(dup_rows), excluded, warnings)


def _row_is_fraction(values: pd.Series) -> bool:
    finite = values.dropna()
    return bool(len(finite)) and bool(finite.abs().le(1).all())


def _cross_section(block, names, percent_cols) -> Tidied:
    excluded: list[dict] = []
    warnings: list[str] = []
    numeric = _numeric_columns(block, names, set())
    text_cols = [p for p in range(len(names)) if p not in numeric and not blank_mask(block.iloc[:, p]).all()]
    if not numeric or not text_cols:
        raise IngestError("No table of numbers found: the table needs a column of labels (councils, service "
                          "lines) and at least one column of numbers, or a column of dates or periods.")
    reasons = {r: why for r, why in _classify_rows(block, None).items() if why != "totals row"}
    keep = []
    for row in block.index:
        if row in reasons:
            excluded.append(_exclusion(row, reasons[row], _row_text(block, row)))
        else:
            keep.append(row)
    rows = pd.Index(keep)
    labels = block.loc[rows, text_cols].astype("string")
    labels = labels.apply(lambda c: c.map(clean_label, na_action="ignore"))
    category_pos = max(text_cols, key=lambda p: labels[p].nunique())
    dims = [p for p in text_cols if p != category_pos]
    category = labels[category_pos].copy()
    for p in dims:
        labels[p] = labels[p].ffill()  # merged or blank-below cells in a hierarchy column
    category = category.fillna(labels[dims].bfill(axis=1).iloc[:, 0] if dims else category)
    row_text = labels.fillna("").agg(" ".join, axis=1)
    flag = np.where(row_text.str.contains(TOTAL_LABEL), "total",
                    np.where(row_text.str.contains(AGGREGATE_LABEL), "aggregate", ""))
    columns = _value_columns(block, rows, names, numeric, percent_cols, excluded, warnings)
    frames, measures = [], {}
    for pos, (values, flags, info) in columns.items():
        measure = clean_label(names[pos])
        part = pd.DataFrame({"_row": rows, "category": category.to_numpy(), "measure": measure,
                             "value": values.to_numpy()})
        for p in dims:
            part[snake(names[p])] = labels[p].to_numpy()
        part["flag"] = [f or m for f, m in zip(flag, flags.to_numpy(), strict=True)]
        frames.append(part)
        measures[measure] = info
    frame = pd.concat(frames)
    return Tidied(frame, "table", "table", None, measures, tuple(snake(names[p]) for p in dims), None,
                  set(rows), excluded, warnings)


def _records(block, names, period_pos, fy_year, split_by, record_frequency, filename) -> Tidied:
    excluded: list[dict] = []
    warnings: list[str] = []
    counts = filled_counts(block)
    blank_rows = block.index[counts == 0]
    for row in blank_rows:
        excluded.append(_exclusion(row, "blank"))
    block = block.drop(index=blank_rows)
    parsed = parse_periods(block.iloc[:, period_pos], header=names[period_pos], fy_year=fy_year)
    warnings += parsed.warnings
    bad = parsed.periods.isna()
    for row in block.index[bad.to_numpy()]:
        excluded.append(_exclusion(row, "unparseable date", _row_text(block, row)))
    kept = block.index[~bad.to_numpy()]
    records = pd.DataFrame({"date": parsed.periods[kept]})
    for pos, name in enumerate(names):
        if pos != period_pos:
            records[name] = block.loc[kept, pos].astype("string")
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
