"""The shared vocabulary: units, polarities, frequencies and flags, typed once, and one table per frequency.

Every module that needs a frequency's noun ("week"), its step, its seasonal period or its default window reads
it from :data:`FREQUENCIES_TABLE` (``frequency("W").noun``), so the words and the arithmetic never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

import pandas as pd

Unit = Literal["count", "percent", "currency", "currency_thousands", "currency_millions", "days", "weeks", "rate",
               "count_thousands", "count_millions", "index", "minutes", "hours"]
Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
FrequencyCode = Literal["D", "W", "M", "Q", "FY", "Y"]
Flag = Literal["", "suppressed", "provisional", "total", "aggregate"]
DatasetKind = Literal["timeseries", "records", "table"]

UNITS: tuple[Unit, ...] = get_args(Unit)
POLARITIES: tuple[Polarity, ...] = get_args(Polarity)
FREQUENCIES: tuple[FrequencyCode, ...] = get_args(FrequencyCode)
YEARLY: tuple[FrequencyCode, ...] = ("FY", "Y")  # one value a year: no year to date, last year is the last value
# Money as a publication prints it: pounds, or figures in £ thousands / £ millions (kept as printed, scale stated)
MONEY_UNITS: tuple[Unit, ...] = ("currency", "currency_thousands", "currency_millions")
MONEY_SCALES: dict[str, Unit] = {"£": "currency", "£ thousands": "currency_thousands",
                                 "£ millions": "currency_millions"}  # the scale words a file states, by unit
# Counts as a publication prints them: people, or figures in thousands / millions ('Number of jobs (thousand)')
COUNT_UNITS: tuple[Unit, ...] = ("count", "count_thousands", "count_millions")
SUMMED_UNITS: tuple[Unit, ...] = (*COUNT_UNITS, *MONEY_UNITS)  # added up over periods and groups; the rest averaged
SUMMARY_FLAGS: tuple[Flag, ...] = ("total", "aggregate")  # rows that restate other rows: never added in again


@dataclass(frozen=True)
class Frequency:
    """What the code needs to know about one frequency, in one place."""

    code: FrequencyCode
    noun: str  # "3.1 calls a week"
    adjective: str  # "weekly"
    description: str  # the Data page's "Frequency" line
    step: pd.DateOffset  # from one period start to the next (also a period's length)
    months: int | None  # whole months a period spans (None for days and weeks)
    per_year: float  # periods in an average year (slopes per year)
    in_12_months: int  # periods in the 12 months to date (rolling sums)
    days: tuple[int, int]  # shortest and longest gap between period starts, in days
    year_back: pd.DateOffset | pd.Timedelta | None  # the same period last year; weeks match by ISO week instead
    seasonal_period: int | None  # periods in one seasonal cycle (daily: the day of the week)
    cycle_noun: str | None  # what one seasonal cycle is called ("two full years of weekly data")
    window: int  # default moving-average window
    forecast_horizon: int  # default periods ahead: about a quarter or two
    date_format: str  # chart axis labels
    axis_title: str  # chart axis title


FREQUENCIES_TABLE: MappingProxyType[str, Frequency] = MappingProxyType({f.code: f for f in (
    # a day's year back is 52 weeks, so weekdays line up
    Frequency("D", "day", "daily", "daily", pd.DateOffset(days=1), None, 365.25, 365, (1, 1),
              pd.Timedelta(days=364), 7, "week", 7, 28, "%d %b %Y", "Date"),
    Frequency("W", "week", "weekly", "weekly", pd.DateOffset(weeks=1), None, 365.25 / 7, 52, (7, 7), None,
              52, "year", 6, 13, "%d %b %Y", "Week commencing"),
    Frequency("M", "month", "monthly", "monthly", pd.DateOffset(months=1), 1, 12.0, 12, (28, 31),
              pd.DateOffset(years=1), 12, "year", 3, 6, "%b %Y", "Month"),
    Frequency("Q", "quarter", "quarterly", "quarterly (UK financial quarters)", pd.DateOffset(months=3), 3, 4.0,
              4, (89, 92), pd.DateOffset(years=1), 4, "year", 4, 4, "%b %Y", "Quarter starting"),
    Frequency("FY", "year", "financial year", "financial years", pd.DateOffset(years=1), 12, 1.0, 1,
              (365, 366), pd.DateOffset(years=1), None, None, 3, 2, "%Y", "Financial year starting"),
    Frequency("Y", "year", "annual", "calendar years", pd.DateOffset(years=1), 12, 1.0, 1,
              (365, 366), pd.DateOffset(years=1), None, None, 3, 2, "%Y", "Year"),
)})


def frequency(code: str) -> Frequency:
    """The table row of a frequency code; ValueError (a programming error) for an unknown code."""
    try:
        return FREQUENCIES_TABLE[code]
    except KeyError:
        raise ValueError(f"frequency must be one of {FREQUENCIES}, got {code!r}") from None


def by_frequency(field: str, *, codes: tuple[str, ...] = FREQUENCIES) -> MappingProxyType:
    """One column of the table as a read-only {code: value} mapping, leaving out codes where it is None."""
    values = {c: getattr(FREQUENCIES_TABLE[c], field) for c in codes}
    return MappingProxyType({c: v for c, v in values.items() if v is not None})
