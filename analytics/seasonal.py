"""Seasonal decomposition (STL) and seasonally adjusted series."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import f as f_distribution
from statsmodels.tsa.seasonal import STL

from analytics.errors import AnalysisError
from analytics.periods import iso_year_week
from analytics.trend import as_float_series, check_frequency, missing_periods
from analytics.vocabulary import FREQUENCIES_TABLE, by_frequency

CYCLE_LENGTH = by_frequency("seasonal_period")  # daily: day of the week (analytics.vocabulary)
MIN_FULL_CYCLES = 2
STL_SEASONAL_SMOOTHER = 7  # statsmodels' default seasonal window (odd, >= 3)
MAX_FILLED_SHARE = 0.2  # refuse when more than this share of the span had to be filled in
DAILY_MODES = ("weekday", "weeks")
_CYCLE_WORDS = {c: f"{f.cycle_noun}s of {f.adjective}" for c, f in FREQUENCIES_TABLE.items() if f.cycle_noun}


@dataclass(frozen=True)
class SeasonalResult:
    """An STL decomposition: value = trend + seasonal + resid; adjusted = value - seasonal.

    ``table`` has one row per period (``value``, ``trend``, ``seasonal``, ``resid``, ``adjusted``,
    ``filled``: True where a missing value was filled in by linear interpolation before fitting).
    ``strength`` is the strength of seasonality (0 none, 1 all); ``profile`` is the average seasonal
    effect by position in the cycle (ISO week, month, quarter or day of the week).
    """

    table: pd.DataFrame
    adjusted: pd.Series
    period: int
    frequency: str
    strength: float
    trend_strength: float
    profile: pd.Series
    warnings: tuple[str, ...]
    p_value: float = math.nan  # one-way ANOVA of the detrended values by position in the cycle


def seasonality_p_value(values: np.ndarray, cycle: int, observed: np.ndarray) -> float:
    """p-value of "no seasonal pattern": a one-way ANOVA, by position in the cycle, of the values less a
    straight-line trend.

    STL always finds a seasonal component, and with few cycles it fits noise (pure noise over three years
    scores a median strength of 0.7), so a pattern is only described when this test rejects its absence.
    The straight line, not STL's flexible trend, is taken out: STL's trend soaks up degrees of freedom and
    the test then rejects pure noise 6-12% of the time at the 5% level; with the line it is about 5%.
    Filled-in gaps are left out.
    """
    x = np.arange(len(values), dtype=float)
    slope, intercept = np.polyfit(x[observed], values[observed], 1)
    detrended = values - (intercept + slope * x)
    positions = (np.arange(len(detrended)) % cycle)[observed]
    y = detrended[observed]
    counts = np.bincount(positions, minlength=cycle)
    k, n = int((counts > 0).sum()), len(y)
    if k < 2 or n <= k:
        return math.nan
    means = np.bincount(positions, weights=y, minlength=cycle) / np.maximum(counts, 1)
    between = float((counts * (means - y.mean()) ** 2).sum())
    within = float(((y - means[positions]) ** 2).sum())
    if within <= 0:
        return 0.0 if between > 0 else math.nan
    return float(f_distribution.sf(between / (k - 1) / (within / (n - k)), k - 1, n - k))


def min_points(frequency: str) -> int:
    """Points needed for a seasonal model: two full cycles."""
    return MIN_FULL_CYCLES * _cycle(frequency)


def _cycle(frequency: str) -> int:
    check_frequency(frequency)
    if frequency not in CYCLE_LENGTH:
        raise AnalysisError("Yearly figures have no seasons to separate; seasonal analysis needs weeks, "
                            "months or quarters.")
    return CYCLE_LENGTH[frequency]


def strength(component: np.ndarray, resid: np.ndarray) -> float:
    """Wang-Smith-Hyndman strength of a component, max(0, 1 - Var(R) / Var(C + R)).

    Parameters
    ----------
    component : np.ndarray
        The seasonal (or trend) component.
    resid : np.ndarray
        The remainder.

    Returns
    -------
    float
        Between 0 and 1; NaN when Var(C + R) is zero.

    Notes
    -----
    :math:`F = \\max(0, 1 - \\operatorname{Var}(R_t) / \\operatorname{Var}(C_t + R_t))`
    (Wang, Smith and Hyndman 2006; Hyndman and Athanasopoulos, FPP3 section 4.3).
    """
    total = np.var(component + resid, ddof=1)
    if total == 0:
        return math.nan
    return max(0.0, 1.0 - float(np.var(resid, ddof=1)) / float(total))


def weekly_totals(series: pd.Series) -> tuple[pd.Series, list[str]]:
    """Sum daily values into weeks starting Monday, keeping only complete weeks.

    Returns the weekly series (indexed by each Monday) and warnings about partial weeks dropped.
    """
    daily = as_float_series(series)
    grouped = daily.groupby(daily.index.to_period("W-SUN").start_time)
    totals = grouped.sum(min_count=1)
    complete = grouped.count() == 7
    warns = []
    if (~complete).any():
        warns.append(f"{int((~complete).sum())} week(s) without all 7 days of data were left out of the "
                     "weekly totals.")
    return totals[complete], warns


def fill_gaps(series: pd.Series, frequency: str) -> tuple[pd.Series, np.ndarray, list[str]]:
    """Trim missing ends, restore absent periods, fill interior gaps by linear interpolation.

    Returns the regular series, a mask of the filled periods and warnings; raises AnalysisError when
    more than 20% of the span is missing.
    """
    values = as_float_series(series)
    if not isinstance(values.index, pd.DatetimeIndex):
        raise AnalysisError("Seasonal analysis needs the values indexed by period start dates.")
    warns = []
    observed = values.dropna()
    if observed.empty:
        raise AnalysisError("Every value is missing, so there is nothing to decompose.")
    values = values.loc[observed.index[0]: observed.index[-1]]
    gaps = missing_periods(values.index, frequency)
    if len(gaps):
        values = values.reindex(values.index.union(gaps))
    filled = values.isna().to_numpy()
    if filled.any():
        if filled.mean() > MAX_FILLED_SHARE:
            raise AnalysisError(
                f"{int(filled.sum())} of {len(values)} periods are missing: too many to separate the seasons "
                f"(at most {MAX_FILLED_SHARE:.0%})."
            )
        warns.append(f"{int(filled.sum())} missing period(s) were filled in by straight-line interpolation "
                     "before separating the seasons; they are marked in the table.")
        values = values.interpolate(method="linear")
    return values, filled, warns


def _iso_53_warning(index: pd.DatetimeIndex) -> list[str]:
    years, weeks = iso_year_week(index)
    long_years = sorted({int(y) for y in years[weeks == 53]})
    if not long_years:
        return []
    years = ", ".join(str(y) for y in long_years)
    return [f"ISO year {years} has 53 weeks; the seasonal cycle is 52 weeks, so around that year the "
            "pattern can be one week out of step."]


_PROFILE_KEYS = {
    "W": ("iso_week", lambda index: iso_year_week(index)[1]),
    "M": ("month", lambda index: np.asarray(index.month)),
    "Q": ("calendar_quarter", lambda index: np.asarray(index.quarter)),
    "D": ("day_of_week", lambda index: np.asarray(index.day_of_week)),
}


def _profile(seasonal: pd.Series, frequency: str) -> pd.Series:
    name, keys = _PROFILE_KEYS[frequency]
    profile = seasonal.groupby(keys(seasonal.index)).mean()
    profile.index.name = name
    return profile


def decompose(series: pd.Series, frequency: str, *, daily: str = "weekday", robust: bool = False
              ) -> SeasonalResult:
    """Separate trend, seasonal pattern and remainder with STL, and give the seasonally adjusted series.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (DatetimeIndex), in time order. NaN and absent periods inside
        the series are filled by linear interpolation (at most 20% of the span) and marked.
    frequency : {"D", "W", "M", "Q"}
        Cycle of 52 weeks, 12 months, 4 quarters, or for daily data 7 days of the week.
    daily : {"weekday", "weeks"}, default "weekday"
        For daily data: the day-of-week pattern, or sum into complete Monday-start weeks first and
        find the pattern across the year.
    robust : bool, default False
        STL's robust fitting (down-weights outliers; about 7 times slower).

    Returns
    -------
    SeasonalResult

    Raises
    ------
    AnalysisError
        Fewer than two full cycles (e.g. "needs two full years of weekly data (104 points); this
        series has 61"), yearly data, or too many missing values.

    Notes
    -----
    STL (Cleveland et al. 1990, statsmodels) with a seasonal smoother of 7 and the cycle above;
    :math:`y_t = T_t + S_t + R_t` and adjusted :math:`y_t - S_t`. Strength of seasonality
    :math:`F_S = \\max(0, 1 - \\operatorname{Var}(R)/\\operatorname{Var}(S + R))`; of trend likewise
    with :math:`T`. A 53-week ISO year shifts the 52-week cycle by a week; STL's seasonal smoother
    absorbs the drift and a warning names the year.
    """
    if daily not in DAILY_MODES:
        raise ValueError(f"daily must be one of {DAILY_MODES}, got {daily!r}")
    warns: list[str] = []
    if frequency == "D" and daily == "weeks":
        series, warns = weekly_totals(series)
        frequency = "W"
    cycle = _cycle(frequency)
    values, filled, fill_warns = fill_gaps(series, frequency)
    warns.extend(fill_warns)
    needed = MIN_FULL_CYCLES * cycle
    if len(values) < needed:
        raise AnalysisError(
            f"Seasonal analysis needs two full {_CYCLE_WORDS[frequency]} data ({needed} points); "
            f"this series has {len(values)}."
        )
    if frequency == "W":
        warns.extend(_iso_53_warning(values.index))
    fit = STL(values.to_numpy(), period=cycle, seasonal=STL_SEASONAL_SMOOTHER, robust=robust).fit()
    table = pd.DataFrame(
        {"value": values.to_numpy(), "trend": fit.trend, "seasonal": fit.seasonal, "resid": fit.resid,
         "adjusted": values.to_numpy() - fit.seasonal, "filled": filled},
        index=values.index,
    )
    return SeasonalResult(
        table=table,
        adjusted=table["adjusted"].rename("adjusted"),
        period=cycle,
        frequency=frequency,
        strength=strength(fit.seasonal, fit.resid),
        trend_strength=strength(fit.trend, fit.resid),
        profile=_profile(table["seasonal"], frequency),
        warnings=tuple(warns),
        p_value=seasonality_p_value(values.to_numpy(), cycle, ~np.asarray(filled)),
    )

