"""Durations in cells: '4:05:00', '00:45', Excel time cells and timedeltas, read as numbers of minutes or hours.

Excel stores a duration or a time of day as a fraction of a day shown through a time format. The workbook
reader hands such a cell over as a timedelta, as a time on Excel's day zero ('1899-12-31 04:05:00'; 26:10 is
'1900-01-01 02:10:00'), or, in a column headed in words, as that text; a CSV holds what Excel showed
('4:05:00', '26:10'). A column whose cells are mostly durations is a measure of time, not a list of labels,
unless its heading names a time of day ('Referral time', 'Time of call'):
its cells count as numbers from the cells stage on, and tidying reads them in minutes or hours.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

# 'H:MM' or 'H:MM:SS' (Excel's [h]:mm:ss runs past 24), or Excel's day zero with the time: the days before
# 1 March 1900 are Excel serials under 60, which no adult social care extract holds as a date
_CLOCK = r"(\d{1,4}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?"
_DAY_ZERO = r"(1899-12-3[01]|1900-0[12]-\d\d)[ T](\d{1,2}):([0-5]\d):([0-5]\d(?:\.\d+)?)"
DURATION_TEXT = rf"^(?:{_CLOCK}|{_DAY_ZERO})$"
EXCEL_DAY_ZERO = pd.Timestamp("1899-12-31")  # the reader's day 0: serial 0.5 is '1899-12-31 12:00:00'
LAST_DAY_ZERO_DATE = pd.Timestamp("1900-03-01")  # serials 60 and up are dates
MIN_DURATIONS = 2  # cells of durations a column needs before it is read as a measure of time
MINUTES_BELOW_HOURS = 2.0  # durations all under two hours read in minutes ('45.0 minutes'), longer in hours


def duration_cells(grid: pd.DataFrame, candidates: np.ndarray) -> np.ndarray:
    """Which cells of a grid to count as numbers because they hold durations: in each column whose
    ``candidates`` (its cells read as words or dates) are mostly durations, and at least MIN_DURATIONS of them
    (its header and notes aside); none in other columns, so a time slot heading one column ('09:00') stays a
    label, nor in a column headed as a time of day ('Referral time': 09:15 is when, not how long). Only
    columns with a duration among their first SAMPLE candidates are read whole (few or none)."""
    found = np.zeros(candidates.shape, dtype=bool)
    for j in np.flatnonzero(candidates.sum(axis=0) >= MIN_DURATIONS).tolist():
        rows = np.flatnonzero(candidates[:, j])[:SAMPLE].tolist()
        first = next((r for r in rows if _is_duration(grid.iat[r, j])), None)
        if first is None or names_a_clock(_heading_above(grid.iloc[:first, j])):
            continue
        hours = _mostly_durations(grid.iloc[:, j], candidates[:, j], MIN_DURATIONS)
        if hours is not None:
            found[:, j] = hours.notna().to_numpy() & candidates[:, j]
    return found


def duration_values(column: pd.Series) -> tuple[pd.Series, str] | None:
    """A value column of durations (at least half its filled cells) in minutes or hours (`duration_unit`),
    and that unit; None for any other column. Cells that hold no duration (markers) are left as they are."""
    if column.dtype.kind in "fiub" or not any(_is_duration(v) for v in column.dropna().head(SAMPLE)):
        return None  # most columns: no duration among their first cells, so the whole column is never scanned
    hours = _mostly_durations(column, column.notna().to_numpy() & (column.astype("string").str.strip() != "")
                              .fillna(False).to_numpy(dtype=bool), 1)
    if hours is None:
        return None
    unit, factor = duration_unit(hours)
    return column.astype(object).where(hours.isna(), hours * factor), unit


def _mostly_durations(column: pd.Series, candidates: np.ndarray, least: int) -> pd.Series | None:
    """Hours of each cell when at least half the ``candidates`` (and ``least``) are durations; a column with
    no duration among its first SAMPLE candidates is passed over at once (most columns)."""
    at = np.flatnonzero(candidates)
    if len(at) < least or not any(_is_duration(v) for v in column.iloc[at[:SAMPLE]]):
        return None
    hours = duration_hours(column).where(candidates)
    found = int(hours.notna().sum())
    return hours if found >= least and found >= 0.5 * len(at) else None


SAMPLE = 20
# A heading that names when something happened ('Referral time', 'Time of call', 'Slot'), not how long it took
CLOCK_HEADING = re.compile(r"\btime\s+of\b|\bo'?clock\b|^\W*(?:(?:start|end|finish|arrival|departure|referral|"
                           r"appointment|booking|visit|call|contact|admission|discharge|opening|closing)\s+)?"
                           r"(?:time|slot)s?\W*$", re.I)
DURATION_HEADING = re.compile(r"\b(?:wait|waiting|duration|length|handling|average|mean|median|total|elapsed|"
                              r"taken|spent|hours|minutes|turnaround)\b", re.I)


def names_a_clock(heading: str) -> bool:
    """A column heading that names a time of day, so its '09:15' cells are times, not durations; one that
    names a wait or a length ('Average handling time', 'Longest wait') never does."""
    return bool(CLOCK_HEADING.search(heading)) and not DURATION_HEADING.search(heading)


def _heading_above(cells: pd.Series) -> str:
    """The nearest cell of words above a column's first duration: its heading, as far as this stage knows."""
    for value in cells.iloc[::-1].tolist():
        if isinstance(value, str) and value.strip() and not _is_duration(value):
            return value.strip()
    return ""
_DURATION = re.compile(DURATION_TEXT)


def _is_duration(value: object) -> bool:
    if isinstance(value, str):
        return ":" in value and bool(_DURATION.match(value.strip()))
    return bool(np.isfinite(_one_hours(value)))


def _one_hours(value: object) -> float:
    """Hours of one cell that is not text: a timedelta, a time of day, or a time on Excel's day zero."""
    if isinstance(value, pd.Timedelta | dt.timedelta | np.timedelta64):
        return pd.Timedelta(value) / pd.Timedelta(hours=1)
    if isinstance(value, dt.time):
        return value.hour + value.minute / 60 + (value.second + value.microsecond / 1e6) / 3600
    if isinstance(value, dt.datetime | pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        if EXCEL_DAY_ZERO - pd.Timedelta(days=1) <= stamp < LAST_DAY_ZERO_DATE:
            return (stamp - EXCEL_DAY_ZERO) / pd.Timedelta(hours=1)
    return np.nan


def _text_hours(texts: pd.Series) -> pd.Series:
    """Hours of duration texts, each distinct text read once and spread back (a call log's 200,000 durations
    are a few thousand distinct texts)."""
    codes, uniques = pd.factorize(texts.str.strip())
    parts = pd.Series(uniques, dtype="string").str.extract(DURATION_TEXT)
    clock = parts[[0, 1, 2]].astype(float)
    hours = clock[0] + clock[1] / 60 + clock[2].fillna(0) / 3600
    days = (pd.to_datetime(parts[3], format="%Y-%m-%d", errors="coerce") - EXCEL_DAY_ZERO).dt.days
    zero = parts[[4, 5, 6]].astype(float)
    unique_hours = hours.fillna(days * 24 + zero[4] + zero[5] / 60 + zero[6] / 3600).to_numpy(dtype=float)
    out = np.where(codes >= 0, unique_hours[np.maximum(codes, 0)] if len(uniques) else np.nan, np.nan)
    return pd.Series(out, index=texts.index, dtype=float)


def duration_hours(values: pd.Series) -> pd.Series:
    """Each cell's duration in hours, NaN where a cell holds none (a blank, a marker, a word)."""
    if values.dtype.kind == "m":
        return (values / pd.Timedelta(hours=1)).astype(float)
    if values.dtype.kind == "M":
        day_zero = (values >= EXCEL_DAY_ZERO - pd.Timedelta(days=1)) & (values < LAST_DAY_ZERO_DATE)
        return ((values - EXCEL_DAY_ZERO) / pd.Timedelta(hours=1)).where(day_zero).astype(float)
    texts = values.map(lambda v: v if isinstance(v, str) else None).astype("string")
    out = _text_hours(texts)
    others = values.notna().to_numpy() & texts.isna().to_numpy()
    if others.any():
        out[others] = values[others].map(_one_hours).astype(float).to_numpy()
    return out


def duration_unit(hours: pd.Series) -> tuple[str, float]:
    """The unit to read a column of durations in, and the factor from hours: minutes when every duration is
    under two hours (an average call of 0:45 is '45.0 minutes'), else hours (a wait of 4:05:00 is 4.1 hours)."""
    finite = hours.dropna().abs()
    return ("minutes", 60.0) if len(finite) and finite.max() < MINUTES_BELOW_HOURS else ("hours", 1.0)
