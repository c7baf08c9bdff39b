"""No number silently lost (issue 7): hypothesis builds messy council tables (titles above, a header, weekly
or monthly rows, numbers written as '£1,234' or '(12)', suppression markers, blank rows, a totals row, notes
below), writes each as .xlsx and as .csv in memory, and checks that the ledger balances and that every
number in the data block is either in the tidy frame with its value or listed in the ledger as excluded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytics
from analytics.ingest.tables import MIN_NUMBERS
from tests.conftest import xlsx_bytes

EXAMPLES = int(os.environ.get("LEDGER_EXAMPLES", 25))  # raise it locally to hunt for more cases
MEASURES = ["Referrals received", "Assessments completed", "Cost (£)", "Hours of home care"]
MARKERS = ["*", "[c]", ".."]
TITLES = ["Adult Social Care: monthly performance", "Produced by the Business Intelligence Team",
          "Provisional figures", "OFFICIAL - SENSITIVE"]
NOTES = ["Notes:", "1. Figures are provisional and may change.", "Source: case management system"]
ISO_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@st.composite
def cells(draw) -> tuple[object, float | None]:
    """One value cell as written in the file, and the number it holds (None for a marker or blank)."""
    number = draw(st.integers(0, 250_000)) / draw(st.sampled_from([1, 1, 100]))
    form = draw(st.sampled_from(["plain", "plain", "pounds", "brackets", "marker", "blank"]))
    if form == "plain":
        return number, number
    if form == "pounds":
        return f"£{number:,.2f}" if number % 1 else f"£{number:,.0f}", number
    if form == "brackets":
        return f"({number:,g})", -number  # at most six significant figures: ',g' writes them all
    if form == "marker":
        return draw(st.sampled_from(MARKERS)), None
    return None, None


@st.composite
def messy_tables(draw) -> dict:
    weekly = draw(st.booleans())
    n_rows = draw(st.integers(3, 30))
    measures = draw(st.lists(st.sampled_from(MEASURES), min_size=1, max_size=4, unique=True))
    start = dt.date(2023, draw(st.integers(1, 12)), 1)
    if weekly:
        start += dt.timedelta(days=(7 - start.weekday()) % 7)  # a Monday
        periods = [start + dt.timedelta(weeks=i) for i in range(n_rows)]
    else:
        periods = [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
                   for i in range(n_rows)]
    data = [[draw(cells()) for _ in measures] for _ in periods]
    blanks_after = set(draw(st.lists(st.integers(0, n_rows - 2), max_size=3))) if n_rows > 2 else set()
    return {"weekly": weekly, "titles": draw(st.lists(st.sampled_from(TITLES), max_size=3, unique=True)),
            "gap_after_title": draw(st.booleans()), "measures": measures, "periods": periods, "data": data,
            "blanks_after": blanks_after, "total": draw(st.booleans()), "notes": draw(st.integers(0, 3))}


def _period_cell(table: dict, period: dt.date, as_text: bool) -> object:
    if table["weekly"]:
        return period.strftime("%d/%m/%Y") if as_text else dt.datetime(period.year, period.month, period.day)
    return f"{ISO_MONTHS[period.month - 1]} {period.year}"


def _rows(table: dict, as_text: bool) -> tuple[list[list], dict[int, tuple[pd.Timestamp, list]]]:
    """The sheet's rows, and for each data row (1-based sheet row) its period and cells."""
    rows: list[list] = [[t] for t in table["titles"]]
    if table["titles"] and table["gap_after_title"]:
        rows.append([])
    rows.append(["Week commencing" if table["weekly"] else "Month", *table["measures"]])
    data_rows = {}
    for i, (period, values) in enumerate(zip(table["periods"], table["data"], strict=True)):
        rows.append([_period_cell(table, period, as_text), *[cell for cell, _ in values]])
        data_rows[len(rows)] = (pd.Timestamp(period), values)
        if i in table["blanks_after"]:
            rows.append([])
    if table["total"]:
        sums = [sum(n for _, n in column if n is not None) for column in zip(*table["data"], strict=True)]
        rows.append(["Total", *sums])
    rows += [[note] for note in NOTES[: table["notes"]]]
    return rows, data_rows


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _load_or_refuse(data: bytes, filename: str, table: dict):
    """The Dataset; or None when the file was refused with a message because its table holds fewer numbers
    than any table needs (MIN_NUMBERS): a refusal the user is told of loses nothing silently. A table with
    enough numbers must load."""
    try:
        return analytics.load(data, filename=filename, isolated=False)
    except analytics.IngestError:
        numbers = sum(n is not None for row in table["data"] for _, n in row)
        if numbers >= MIN_NUMBERS:
            raise
        return None


def _check(data: analytics.Dataset | None, table: dict, data_rows: dict) -> None:
    if data is None:
        return
    ledger = data.ledger
    assert ledger.balanced, ledger.summary()
    excluded = ledger.excluded
    whole_rows = set(excluded.loc[excluded["column"].fillna("") == "", "row"])
    cells_out = set(zip(excluded["row"], excluded["column"], strict=True))
    frame = data.frame.set_index(["period", "measure"])
    for sheet_row, (period, values) in data_rows.items():
        for position, (measure, (cell, number)) in enumerate(zip(table["measures"], values, strict=True)):
            if number is None or sheet_row in whole_rows or (sheet_row, measure) in cells_out:
                continue
            # A sparse table may be read without its header: its columns are then named by letter.
            name = measure if (period, measure) in frame.index else f"Column {'BCDE'[position]}"
            assert (period, name) in frame.index, f"row {sheet_row} {measure}={cell!r} lost"
            got = frame.loc[(period, name), "value"]
            assert abs(float(got) - number) < 1e-6, f"row {sheet_row} {measure}: {cell!r} read as {got}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_tables())
def test_every_number_is_used_or_excludedxlsx_bytes(table):
    rows, data_rows = _rows(table, as_text=False)
    _check(_load_or_refuse(xlsx_bytes(rows), "messy.xlsx", table), table, data_rows)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_tables())
def test_every_number_is_used_or_excluded_csv(table):
    rows, data_rows = _rows(table, as_text=True)
    _check(_load_or_refuse(_csv(rows), "messy.csv", table), table, data_rows)
