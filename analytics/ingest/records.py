"""Counting record-level extracts (one row per contact, assessment or placement) per period."""

from __future__ import annotations

import re

import pandas as pd

from analytics.errors import IngestError
from analytics.ingest.labels import snake

RECORD_FREQUENCIES = ("D", "W", "M")
_NOISE_WORDS = re.compile(r"\b(records?|extract|export|list|data|raw|file|report|\d{4,8})\b", re.I)


def default_record_frequency(dates: pd.Series) -> str:
    """Daily for up to three months of records, weekly for up to two years, monthly beyond."""
    span = (dates.max() - dates.min()).days if len(dates) else 0
    return "D" if span <= 92 else "W" if span <= 731 else "M"


def record_measure_name(filename: str) -> str:
    """'contacts_records.csv' -> 'Contacts'; falls back to 'Records'."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", filename or "")
    words = _NOISE_WORDS.sub(" ", re.sub(r"[_\-.]+", " ", stem)).split()
    return " ".join(words).capitalize() if words else "Records"


def period_start(dates: pd.Series, frequency: str) -> pd.Series:
    """Start of the day, Monday-commencing week or calendar month holding each date."""
    dates = pd.to_datetime(dates).dt.normalize()
    if frequency == "D":
        return dates
    if frequency == "W":
        return dates - pd.to_timedelta(dates.dt.weekday, unit="D")
    if frequency == "M":
        return dates.dt.to_period("M").dt.start_time
    raise IngestError(f"Records can be counted per day, week or month (D, W, M), not '{frequency}'.")


def count_records(records: pd.DataFrame, *, frequency: str, split_by: str | None = None,
                  measure: str = "Records") -> pd.DataFrame:
    """Tidy counts of records per period, optionally split by one column.

    Parameters
    ----------
    records
        One row per record with a ``date`` column (Timestamp) and any text columns.
    frequency
        'D', 'W' (weeks commencing Monday) or 'M'.
    split_by
        A column of ``records`` to split the counts by; blanks are counted as 'Not recorded'.

    Returns
    -------
    pd.DataFrame
        Columns ``period``, ``measure``, ``value`` (float), the split column (snake_case) if any, ``flag``.
        Periods with no records inside the span are present with a count of 0.
    """
    periods = period_start(records["date"], frequency)
    if split_by is None:
        counts = periods.value_counts().sort_index()
        full = pd.date_range(counts.index.min(), counts.index.max(), freq={"D": "D", "W": "7D", "M": "MS"}[frequency])
        counts = counts.reindex(full, fill_value=0)
        frame = pd.DataFrame({"period": counts.index, "measure": measure, "value": counts.to_numpy(dtype=float)})
    else:
        if split_by not in records.columns:
            raise IngestError(f"There is no column '{split_by}' to split the records by; columns are: "
                              f"{', '.join(c for c in records.columns if c != 'date')}.")
        groups = records[split_by].fillna("Not recorded").astype(str)
        counts = pd.crosstab(periods, groups)
        full = pd.date_range(counts.index.min(), counts.index.max(), freq={"D": "D", "W": "7D", "M": "MS"}[frequency])
        counts = counts.reindex(full, fill_value=0)
        frame = counts.stack().rename("value").reset_index()
        frame.columns = ["period", snake(split_by), "value"]
        frame["value"] = frame["value"].astype(float)
        frame.insert(1, "measure", measure)
    frame["flag"] = ""
    return frame


MAX_SPLIT_VALUES = 20  # more distinct values than this is an identifier or free text, not a category


def split_candidates(records: pd.DataFrame) -> list[str]:
    """Columns worth splitting counts by: 2 to 20 distinct values (source, outcome, age band, locality)."""
    return [c for c in records.columns if c != "date"
            and 2 <= records[c].nunique(dropna=True) <= MAX_SPLIT_VALUES]
