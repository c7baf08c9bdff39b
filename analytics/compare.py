"""Comparisons in words: change, same period last year, year to date, rolling 12 months, targets."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analytics.errors import AnalysisError
from analytics.formatting import format_number, round_half_away  # re-exported: benchmark, tests
from analytics.notes import Note, caveat
from analytics.periods import (
    FY_START_MONTH,
    PERIOD_STEPS,
    a_year_back,
    financial_year_label,
    financial_year_start,
    infer_frequency,
)
from analytics.periods import format_period as period_label  # re-exported: UK period words
from analytics.trend import as_float_series, check_frequency
from analytics.vocabulary import POLARITIES, SUMMED_UNITS, UNITS, YEARLY, by_frequency  # re-exported

DEFAULT_AMBER_TOLERANCE = 0.10  # Amber: worse than target by at most 10% of the target
PERIODS_IN_12_MONTHS = by_frequency("in_12_months")
NOT_AVAILABLE = "not available"
NOT_COMPARABLE = "not comparable"


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, got {polarity!r}")


@dataclass(frozen=True)
class Change:
    """A change from ``before`` to ``after``: ``abs`` = after - before, ``pct`` in % of before.

    ``words`` is ready for a sentence: "up 17%", "down 27%", "no change", "up 12 percentage points",
    "not comparable" (before is zero), "not available" (a value is missing). Labels name the periods
    compared when a series function made the comparison.
    """

    before: float
    after: float
    abs: float
    pct: float | None
    words: str
    unit: str = "count"
    before_label: str | None = None
    after_label: str | None = None
    warnings: tuple[str, ...] = ()


def _points_words(diff: float) -> str:
    points = round_half_away(abs(diff))
    if points == 0:
        return "up less than 1 percentage point" if diff > 0 else "down less than 1 percentage point"
    noun = "percentage point" if points == 1 else "percentage points"
    return f"{'up' if diff > 0 else 'down'} {int(points)} {noun}"


def _pct_words(pct: float) -> str:
    whole = round_half_away(abs(pct))
    if whole == 0:
        return "up less than 1%" if pct > 0 else "down less than 1%"
    return f"{'up' if pct > 0 else 'down'} {int(whole):,}%"


def change(before: float, after: float, unit: str = "count") -> Change:
    """Describe the change from ``before`` to ``after`` in words.

    Parameters
    ----------
    before, after : float
        The two values; NaN or None for missing.
    unit : {"count", "percent", "currency", "days", "weeks", "rate"}, default "count"
        For ``percent`` the words are in percentage points, since a change of a rate is not a %
        change.

    Returns
    -------
    Change
        ``words``: "up 17%", "down 27%", "no change", "up less than 1%"; for percent units "up 12
        percentage points", "down 1 percentage point"; "not comparable" when ``before`` is zero (and
        ``after`` is not) or the sign changes (-£42,151 to £19,511 is not "up 146%"); "not available"
        when either value is missing.

    Notes
    -----
    :math:`pct = 100 (after - before) / |before|`, shown to the whole percent rounded half away
    from zero (16.5 -> 17). Percentage points: :math:`after - before`, whole points, same rounding.
    A change from 0% to 5% is 5 percentage points, so percent units are always comparable.
    """
    _check_unit(unit)
    b = math.nan if before is None else float(before)
    a = math.nan if after is None else float(after)
    diff = a - b
    if not (math.isfinite(a) and math.isfinite(b)):
        return Change(b, a, math.nan, None, NOT_AVAILABLE, unit)
    pct = diff / abs(b) * 100.0 if b != 0 and a * b >= 0 else None  # no % change across zero
    if diff == 0:
        words = "no change"
    elif unit == "percent":
        words = _points_words(diff)
    elif pct is None:
        words = NOT_COMPARABLE
    else:
        words = _pct_words(pct)
    return Change(b, a, diff, pct, words, unit)


def _dated(series: pd.Series) -> pd.Series:
    values = as_float_series(series)
    if not isinstance(values.index, pd.DatetimeIndex):
        raise AnalysisError("This comparison needs the values indexed by period start dates.")
    if values.empty:
        raise AnalysisError("There are no values to compare.")
    return values


def _labelled(before: float, after: float, unit: str, labels: tuple[str, str], warns=()) -> Change:
    base = change(before, after, unit)
    return Change(base.before, base.after, base.abs, base.pct, base.words, unit, labels[0], labels[1],
                  tuple(warns))


def period_on_period(series: pd.Series, frequency: str, unit: str = "count") -> Change:
    """Latest period against the one before it.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start, in time order.
    frequency : {"D", "W", "M", "Q", "FY"}
        Used for the period labels.
    unit : str, default "count"
        As for :func:`change`.

    Returns
    -------
    Change
        With ``before_label`` and ``after_label``; "not available" when either value is missing.

    Raises
    ------
    AnalysisError
        Fewer than two periods.

    Notes
    -----
    Compares the last two rows, so an absent period between them is named in ``warnings``.
    """
    values = _dated(series)
    if len(values) < 2:
        raise AnalysisError("A period-on-period comparison needs at least two periods.")
    before_at, after_at = values.index[-2], values.index[-1]
    warns = []
    expected_previous = after_at - PERIOD_STEPS[frequency]
    if before_at != expected_previous:
        warns.append(caveat(f"The period before {period_label(after_at, frequency)} is missing; compared with "
                            f"{period_label(before_at, frequency)} instead.", "previous_period_missing"))
    return _labelled(values.iloc[-2], values.iloc[-1], unit,
                     (period_label(before_at, frequency), period_label(after_at, frequency)), warns)


def same_period_last_year(series: pd.Series, frequency: str, unit: str = "count") -> Change:
    """Latest period against the same period a year earlier.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start, in time order.
    frequency : {"D", "W", "M", "Q", "FY"}
        Weeks are matched by ISO week number (week 53 has no match in a 52-week year), days by the
        same weekday 52 weeks earlier, months by month, quarters by quarter, years by the year before.
    unit : str, default "count"
        As for :func:`change`.

    Returns
    -------
    Change
        "not available" when last year's period is absent or missing, with a warning saying why.

    Notes
    -----
    As :func:`change`, with ``before`` last year's value.
    """
    check_frequency(frequency)
    values = _dated(series)
    latest = values.index[-1]
    previous = a_year_back(values.index, frequency)[-1]
    after_label = period_label(latest, frequency)
    if pd.isna(previous):
        reason = ("ISO week 53 has no matching week last year" if frequency == "W"
                  and latest.isocalendar().week == 53 else "the series does not include that period")
        return Change(math.nan, float(values.iloc[-1]), math.nan, None, NOT_AVAILABLE, unit, None,
                      after_label, (f"No same period last year for {after_label}: {reason}.",))
    return _labelled(values.loc[previous], values.iloc[-1], unit,
                     (period_label(previous, frequency), after_label))


def values_a_year_before(series: pd.Series, frequency: str) -> pd.Series:
    """Last year's value at each period of ``series``, matched as :func:`same_period_last_year` matches (NaN
    where there is none): the chart's "same period last year" line, whose latest point is that comparison's
    ``before``."""
    check_frequency(frequency)
    index = pd.DatetimeIndex(series.index)
    values = as_float_series(series)
    return pd.Series(values.reindex(a_year_back(index, frequency)).to_numpy(dtype=float), index=index,
                     name="last_year")


def _aggregate(values: pd.Series, unit: str) -> float:
    observed = values.dropna()
    if observed.empty:
        return math.nan
    return float(observed.sum() if unit in SUMMED_UNITS else observed.mean())


def _window_warnings(current: pd.Series, previous: pd.Series, unit: str) -> list[str]:
    warns = []
    if current.isna().any() or previous.isna().any():
        warns.append(f"Missing values left out: {int(current.isna().sum())} this time, "
                     f"{int(previous.isna().sum())} last time.")
    if current.notna().sum() != previous.notna().sum():
        warns.append(caveat(f"Not like for like: {int(current.notna().sum())} period(s) with values this time "
                            f"against {int(previous.notna().sum())} in the same part of last year.",
                            "not_like_for_like"))
    if unit not in SUMMED_UNITS:
        warns.append("Values are averaged over the periods (a simple mean, not weighted by activity).")
    return warns


def year_to_date(series: pd.Series, frequency: str, unit: str = "count") -> Change:
    """Financial year to date against last financial year to the same point.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start, in time order.
    frequency : {"D", "W", "M", "Q"}
        The latest period sets "to date"; last year's window ends a year earlier (52 weeks for
        weekly and daily data).
    unit : str, default "count"
        Counts and currency are summed (cumulative from April); other units are averaged.

    Returns
    -------
    Change
        ``before`` last year to date, ``after`` this year to date; warnings when missing values or
        unequal numbers of periods make the comparison less than like for like.

    Raises
    ------
    AnalysisError
        Yearly data, or no periods in last year's window.

    Notes
    -----
    This year: periods from 1 April to the latest. Last year: for months and quarters, from the previous
    1 April to the latest minus a year; for weeks and days, this year's window moved back 364 days, so
    both windows hold the same number of periods and weekdays line up (weeks starting on a Saturday would
    otherwise give one year an extra week from cutting both at 1 April).
    """
    check_frequency(frequency)
    if frequency in YEARLY:
        raise AnalysisError("Year to date needs data more often than once a year.")
    values = _dated(series)
    latest = values.index[-1]
    start = financial_year_start(latest)
    current = values[(values.index >= start) & (values.index <= latest)]
    previous_start = start - pd.DateOffset(years=1)
    if frequency in ("W", "D"):
        back = pd.Timedelta(days=364)
        first = current.index[0] - back
        previous = values[(values.index >= first) & (values.index <= latest - back)]
    else:
        previous = values[(values.index >= previous_start) & (values.index <= latest - pd.DateOffset(years=1))]
    if previous.empty:
        raise AnalysisError(f"No data for last year to date ({period_label(previous_start, 'FY')}).")
    labels = (f"{period_label(previous_start, 'FY')} to {period_label(previous.index[-1], frequency)}",
              f"{period_label(start, 'FY')} to {period_label(latest, frequency)}")
    return _labelled(_aggregate(previous, unit), _aggregate(current, unit), unit, labels,
                     _window_warnings(current, previous, unit))


def rolling_12_months(series: pd.Series, frequency: str, unit: str = "count") -> Change:
    """The latest 12 months against the 12 months before.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start, consecutive periods, in time order.
    frequency : {"D", "W", "M", "Q", "FY"}
        12 months = 365 days, 52 weeks, 12 months, 4 quarters or 1 year.
    unit : str, default "count"
        Counts and currency are summed; other units are averaged.

    Returns
    -------
    Change

    Raises
    ------
    AnalysisError
        Fewer than two years of periods.

    Notes
    -----
    Windows are counted in rows, so the series should have one row per period (the loader's
    ``missing periods`` warning says when it does not).
    """
    check_frequency(frequency)
    values = _dated(series)
    k = PERIODS_IN_12_MONTHS[frequency]
    if len(values) < 2 * k:
        raise AnalysisError(f"Rolling 12 months needs two years of data ({2 * k} periods); "
                            f"this series has {len(values)}.")
    current, previous = values.iloc[-k:], values.iloc[-2 * k:-k]
    labels = tuple(f"12 months to {period_label(w.index[-1], frequency)}" for w in (previous, current))
    return _labelled(_aggregate(previous, unit), _aggregate(current, unit), unit, labels,
                     _window_warnings(current, previous, unit))


def direction_of_travel(before: float, after: float, polarity: str, tolerance: float = 0.0) -> str | None:
    """'better', 'worse' or 'same' by polarity; 'up'/'down'/'same' for neutral measures; None if missing.

    A change of at most ``tolerance`` (in the measure's units) counts as the same.
    """
    _check_polarity(polarity)
    if before is None or after is None or not (math.isfinite(before) and math.isfinite(after)):
        return None
    diff = after - before
    if abs(diff) <= tolerance:
        return "same"
    if polarity == "neutral":
        return "up" if diff > 0 else "down"
    improved = diff > 0 if polarity == "higher_is_better" else diff < 0
    return "better" if improved else "worse"


@dataclass(frozen=True)
class RunningTotals:
    """Financial-year running totals: ``table`` has ``period`` (each month or quarter start), ``fy`` ("2023/24"),
    ``position`` (0 for April or Q1), ``value`` (NaN for a period with no data) and ``cumulative``."""

    table: pd.DataFrame
    frequency: str  # "M" or "Q": what the values were summed into
    summed_from: str | None  # "D" or "W" when daily or weekly values were summed into months
    missing: pd.DatetimeIndex  # periods with no data, which add nothing to the running total


def financial_year_running_totals(series: pd.Series, unit: str, frequency: str | None = None) -> RunningTotals:
    """Cumulative financial year to date for every year in ``series`` (April start).

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (daily, weekly, monthly or quarterly), in time order.
    unit : {"count", "currency"}
        Only totals can be accumulated.
    frequency : {"D", "W", "M", "Q"}, optional
        Inferred from the dates when not given. Daily and weekly values are summed into months by the
        date each period starts.

    Raises
    ------
    AnalysisError
        A unit that cannot be summed (percentages, days, rates), yearly data, or no values.

    Notes
    -----
    For financial year :math:`y` and month :math:`m` (April = 1): :math:`C_{y,m} = \\sum_{k \\le m} x_{y,k}`.
    A missing month adds nothing to the running total.
    """
    if unit not in SUMMED_UNITS:
        raise AnalysisError(f"A cumulative year-to-date chart adds values up, so it needs a count or money "
                            f"measure; this one is {unit}.")
    values = as_float_series(series, "series").dropna()
    if values.empty:
        raise AnalysisError("There are no values to add up.")
    frequency = frequency or infer_frequency(pd.Series(values.index))
    if frequency in YEARLY:
        raise AnalysisError("Year to date needs data more often than once a year.")
    summed_to = "Q" if frequency == "Q" else "M"
    step = values.index.to_period("Q-MAR" if summed_to == "Q" else "M").start_time
    totals = values.groupby(step).sum()
    full = pd.date_range(totals.index[0], totals.index[-1], freq=PERIOD_STEPS[summed_to])
    missing = full.difference(totals.index)
    totals = totals.reindex(full)
    months = 3 if summed_to == "Q" else 1
    table = pd.DataFrame({"period": full, "fy": [financial_year_label(ts) for ts in full],
                          "position": [((ts.month - FY_START_MONTH) % 12) // months for ts in full],
                          "value": totals.to_numpy()})
    table["cumulative"] = table.groupby("fy")["value"].cumsum()
    return RunningTotals(table=table, frequency=summed_to, summed_from=frequency if frequency in ("D", "W") else None,
                         missing=missing)


@dataclass(frozen=True)
class TargetResult:
    """A value against its target: ``gap`` = value - target, ``shortfall`` > 0 when worse than target."""

    value: float
    target: float
    gap: float
    shortfall: float
    rag: str | None
    words: str
    polarity: str
    tolerance: float
    warnings: tuple[str, ...] = ()


def against_target(value: float, target: float, polarity: str = "higher_is_better", *,
                   tolerance: float = DEFAULT_AMBER_TOLERANCE, unit: str = "count") -> TargetResult:
    """Red/Amber/Green against a target, by polarity.

    Parameters
    ----------
    value, target : float
    polarity : {"higher_is_better", "lower_is_better", "neutral"}, default "higher_is_better"
    tolerance : float, default 0.10
        Amber band as a share of the target: worse than target by at most ``tolerance x |target|``.
    unit : str, default "count"
        For ``percent`` the words give the gap in percentage points.

    Returns
    -------
    TargetResult
        ``rag`` is ``Green`` (at or better than target), ``Amber`` (within the tolerance) or ``Red``
        (beyond); None for a neutral measure or a missing value.

    Notes
    -----
    :math:`shortfall = target - value` when higher is better, :math:`value - target` when lower is
    better. Green if :math:`shortfall \\le 0`; Amber if :math:`shortfall \\le tolerance \\cdot |target|`;
    otherwise Red.
    """
    _check_polarity(polarity)
    _check_unit(unit)
    v, t = float(value), float(target)
    gap = v - t
    shortfall = -gap if polarity == "higher_is_better" else gap
    if not (math.isfinite(v) and math.isfinite(t)):
        return TargetResult(v, t, math.nan, math.nan, None, NOT_AVAILABLE, polarity, tolerance)
    if polarity == "neutral":
        return TargetResult(v, t, gap, math.nan, None, f"{format_number(v)} against a target of "
                            f"{format_number(t)}", polarity, tolerance,
                            (Note("No RAG rating: the measure has no better direction.", "no_polarity"),))
    warns = ("The target is zero, so there is no Amber band.",) if t == 0 else ()
    rag = "Green" if shortfall <= 0 else "Amber" if shortfall <= tolerance * abs(t) else "Red"
    words = (f"{rag}: {format_number(v)} against a target of {format_number(t)}"
             f"{_target_gap_words(shortfall, t, unit)}")
    return TargetResult(v, t, gap, shortfall, rag, words, polarity, tolerance, warns)


def _target_gap_words(shortfall: float, target: float, unit: str) -> str:
    if shortfall <= 0:
        return " (target met)"
    if unit == "percent":
        points = round_half_away(shortfall)
        noun = "percentage point" if points == 1 else "percentage points"
        if points == 0:
            return " (less than 1 percentage point worse)"
        return f" ({format_number(points)} {noun} worse)"
    if target == 0:
        return f" ({format_number(shortfall)} worse)"
    return f" ({int(round_half_away(shortfall / abs(target) * 100))}% worse)"


@dataclass(frozen=True)
class Expected:
    """Actual against what the baseline rate would give: ``expected`` = activity x baseline rate."""

    actual: float
    expected: float
    difference: float
    rate: float
    words: str
    warnings: tuple[str, ...] = ()


def against_baseline(actual: float, activity: float, baseline_actual: float, baseline_activity: float
                     ) -> Expected:
    """Compare an outcome with what the baseline rate would have produced from this activity.

    Parameters
    ----------
    actual : float
        Outcomes now, e.g. 51 placements.
    activity : float
        Activity now, e.g. 519 assessments.
    baseline_actual, baseline_activity : float
        The same in the baseline period, e.g. 49 placements from 413 assessments.

    Returns
    -------
    Expected
        E.g. "51 against 62 expected at the baseline rate, 11 fewer".

    Raises
    ------
    AnalysisError
        Baseline activity of zero or less (no baseline rate).

    Notes
    -----
    :math:`expected = activity \\times baseline\\_actual / baseline\\_activity`;
    :math:`difference = actual - expected`. Words round expected and the difference half away from
    zero to whole numbers.
    """
    values = [float(v) for v in (actual, activity, baseline_actual, baseline_activity)]
    if not all(math.isfinite(v) for v in values):
        return Expected(values[0], math.nan, math.nan, math.nan, NOT_AVAILABLE)
    if values[3] <= 0:
        raise AnalysisError("The baseline has no activity, so there is no baseline rate to compare with.")
    rate = values[2] / values[3]
    expected = values[1] * rate
    difference = values[0] - expected
    whole = int(round_half_away(abs(difference)))
    tail = "as expected" if whole == 0 else f"{whole:,} {'more' if difference > 0 else 'fewer'}"
    words = (f"{format_number(values[0])} against {format_number(round_half_away(expected))} expected at the "
             f"baseline rate, {tail}")
    return Expected(values[0], expected, difference, rate, words)

