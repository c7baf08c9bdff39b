"""One call that runs every model on a series: the glue the pages, the export and the command line share.

Each part that cannot be fitted for an ordinary reason (too few points, no same period last year, no
baseline) is None, and the reason is in ``warnings``; only programming errors raise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analytics import breaks as breaks_module
from analytics import compare, forecast, spc, trend, vocabulary
from analytics import seasonal as seasonal_module
from analytics.breaks import BreakResult
from analytics.catalogue import describe
from analytics.compare import Change, RunningTotals, TargetResult
from analytics.dataset import Dataset, sum_by_period
from analytics.errors import AnalysisError
from analytics.forecast import ForecastResult
from analytics.formatting import fixed
from analytics.notes import Note, caveat
from analytics.periods import expected_range, financial_year_label, format_period, parse_label
from analytics.seasonal import SeasonalResult
from analytics.spc import ASSURANCE_WORDS, VARIATION_WORDS, SpcResult
from analytics.trend import TrendResult
from analytics.vocabulary import SUMMARY_FLAGS, SUMMED_UNITS, YEARLY, by_frequency

DEFAULT_WINDOWS = by_frequency("window")
SHORT_SERIES_POINTS = 12  # fewer values than this: say the series is short (DESIGN section 5)
SMALL_COUNT = 10
MIN_TREND_POINTS = 3  # counts below this vary a lot by chance
SPARKLINE_POINTS = 26
MAX_SPLITS = 20  # a dimension with more values (152 councils across a PSS-EX1 file) is a comparison, not splits
TRIAL_LIMITS_WORDS = f"trial limits: fewer than {spc.TRIAL_LIMITS_BELOW} values"
# Catalogue entries whose values are levels or averages, not flows: adding them up over a year means nothing.
NOT_CUMULATIVE = ("dols_waiting", "people_in_care", "weekly_cost", "length_of_stay", "waiting_days", "waiting")
# stocks counted on the day ("no criteria to reside", the NHS discharge sitreps' patients still in a bed; beds
# occupied), medians and averages: a year's sum of them means nothing
NOT_CUMULATIVE_NAME = re.compile(r"\b(average|mean|median|people in|waiting list|population|caseload|open cases|"
                                 r"criteria to reside|occupied|remain(?:s|ing|ed)? in)\b", re.I)
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}
_BASELINE_TEXT = re.compile(r"baseline[^:|]*:?\s*(?:weeks?\s+(?:ending|commencing|starting)\s+)?"
                            r"(\S+)\s+to\s+(\S+)", re.I)


@dataclass(frozen=True)
class SeriesAnalysis:
    """Every model's result for one series, with the warnings of all of them (see DESIGN section 3)."""

    name: str
    unit: str
    polarity: str
    frequency: str
    series: pd.Series
    window: int
    moving_average: pd.Series
    trend: TrendResult | None
    spc: SpcResult | None
    seasonal: SeasonalResult | None
    forecast: ForecastResult | None
    period_change: Change | None
    year_change: Change | None
    ytd: Change | None
    baseline_change: Change | None
    baseline: tuple[pd.Timestamp, pd.Timestamp] | None
    target: TargetResult | None
    warnings: tuple[str, ...]
    breaks: BreakResult | None = None
    last_year: pd.Series | None = None  # each period's value a year before (compare.values_a_year_before)
    running_totals: RunningTotals | None = None  # financial year to date, when the values add up
    settings: dict = field(default_factory=dict, compare=False)  # the analyse_series options it was made with

    def with_settings(self, **changes) -> dict:
        """Its settings with ``changes``: what to pass to :func:`analyse_series` for the same analysis but them."""
        return {**self.settings, **changes}

    @property
    def suggested_rebase(self) -> tuple[pd.Timestamp, ...]:
        """Periods where a step change was found: where the SPC limits could be recalculated (the user decides;
        pass their positions in ``series`` as ``rebase_at``)."""
        return tuple(self.breaks.periods) if self.breaks is not None else ()

    @property
    def suggested_rebase_positions(self) -> tuple[int, ...]:
        """``suggested_rebase`` as 0-based positions in ``series``, ready for ``spc.xmr(rebase_at=...)``."""
        return tuple(int(self.series.index.get_loc(p)) for p in self.suggested_rebase)

    @property
    def observed(self) -> pd.Series:
        """The series up to its last value (trailing periods with no value yet left off)."""
        last = self.series.last_valid_index()
        return self.series.iloc[:0] if last is None else self.series.loc[:last]


def _full_index(series: pd.Series, frequency: str) -> pd.Series:
    """Absent periods inside the series become NaN rows, so gaps show instead of being closed."""
    values = trend.as_float_series(series, "series")
    if len(values) < 2 or not isinstance(values.index, pd.DatetimeIndex):
        return values
    full = expected_range(values.index[0], values.index[-1], frequency)
    return values.reindex(full.union(values.index))


def _attempt(warns: list[str], fit, *args, **kwargs):
    """Run one model; an AnalysisError (an expected, data-shaped failure) becomes a warning and None."""
    try:
        return fit(*args, **kwargs)
    except AnalysisError as error:
        warns.append(error.user_message)
        return None


def _relabel(change: Change | None, before: pd.Timestamp | None, after: pd.Timestamp | None,
             frequency: str) -> Change | None:
    if change is None:
        return None
    return replace(change,
                   before_label=format_period(before, frequency) if before is not None else change.before_label,
                   after_label=format_period(after, frequency) if after is not None else change.after_label)


def _period_change(observed: pd.Series, frequency: str, unit: str, warns: list[str]) -> Change | None:
    if observed.notna().sum() < 2:
        warns.append("No change on the previous period: fewer than two values.")
        return None
    values = observed.dropna()
    change = _attempt(warns, compare.period_on_period, values, frequency, unit)
    if change is None:
        return None
    warns.extend(change.warnings)
    return _relabel(change, values.index[-2], values.index[-1], frequency)


def _year_change(observed: pd.Series, frequency: str, unit: str, warns: list[str]) -> Change | None:
    if frequency in YEARLY:
        values = observed.dropna()
        if len(values) < 2 or values.index[-2] != values.index[-1] - pd.DateOffset(years=1):
            return None
        return _relabel(compare.change(values.iloc[-2], values.iloc[-1], unit), values.index[-2],
                        values.index[-1], frequency)
    change = _attempt(warns, compare.same_period_last_year, observed, frequency, unit)
    if change is None or change.words == compare.NOT_AVAILABLE:
        spans_a_year = observed.index[-1] - observed.index[0] >= pd.Timedelta(days=364)
        if change is not None and spans_a_year:
            warns.extend(change.warnings)
        return None
    before = next((ts for ts in observed.index if compare.period_label(ts, frequency) == change.before_label), None)
    return _relabel(change, before, observed.index[-1], frequency)


def _ytd(observed: pd.Series, frequency: str, unit: str, warns: list[str]) -> Change | None:
    if frequency in YEARLY or observed.empty:
        return None
    latest = observed.index[-1]
    previous_start = compare.financial_year_start(latest) - pd.DateOffset(years=1)
    if observed.index[0] > previous_start + pd.DateOffset(days=6):
        return None  # the data does not reach back to the start of last financial year
    change = _attempt(warns, compare.year_to_date, observed, frequency, unit)
    if change is None:
        return None
    warns.extend(change.warnings)
    return replace(change, before_label=financial_year_label(previous_start), after_label=financial_year_label(latest))


def _running_totals(observed: pd.Series, frequency: str, unit: str) -> RunningTotals | None:
    """The financial-year running totals the cumulative chart draws; None where they mean nothing (yearly data,
    a unit that does not add up, no values): the year-to-date sentence says why where it matters."""
    if frequency in YEARLY or unit not in SUMMED_UNITS or not observed.notna().any():
        return None
    return compare.financial_year_running_totals(observed, unit, frequency)


def _date(text: str) -> pd.Timestamp | None:
    """A UK date (dd/mm/yyyy, day first) or any label ``parse_label`` reads."""
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    return parse_label(text)[0]


def baseline_from_text(text: str, frequency: str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """A baseline stated in a title ("Baseline period: weeks ending 07/04/2023 to 30/06/2023") as dates."""
    match = _BASELINE_TEXT.search(text or "")
    if not match:
        return None
    start, end = _date(match.group(1)), _date(match.group(2).rstrip(".,;"))
    if start is None or end is None or end < start:
        return None
    if frequency == "W" and re.search(r"week\w*\s+ending", match.group(0), re.I):
        start, end = start - pd.Timedelta(days=6), end - pd.Timedelta(days=6)
    return pd.Timestamp(start), pd.Timestamp(end)


def _baseline_mask(index: pd.DatetimeIndex, baseline: tuple[pd.Timestamp, pd.Timestamp], frequency: str
                   ) -> np.ndarray:
    """Periods that overlap the baseline dates."""
    start, end = pd.Timestamp(baseline[0]), pd.Timestamp(baseline[1])
    ends = index + vocabulary.frequency(frequency).step - pd.Timedelta(days=1)
    return np.asarray((index <= end) & (ends >= start))


def baseline_periods(index: pd.DatetimeIndex, baseline: tuple[pd.Timestamp, pd.Timestamp] | None, frequency: str
                     ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last periods of ``index`` that overlap the baseline dates (a title's "weeks ending ... to
    ..."), for a period picker; None when there is no baseline or no period overlaps it."""
    if baseline is None or not len(index):
        return None
    inside = pd.DatetimeIndex(index)[_baseline_mask(pd.DatetimeIndex(index), baseline, frequency)]
    return (inside[0], inside[-1]) if len(inside) else None


def _baseline_change(series: pd.Series, average: pd.Series, baseline, baseline_points, frequency: str,
                     unit: str, warns: list[str]):
    if baseline is None and baseline_points is None:
        return None, None
    if baseline is not None:
        mask = _baseline_mask(series.index, baseline, frequency)
    else:
        mask = np.arange(len(series)) < int(baseline_points)
    in_baseline = series[mask]
    if in_baseline.notna().sum() == 0:
        warns.append("The baseline periods have no values, so there is no baseline to compare with.")
        return None, None
    bounds = (in_baseline.index[0], in_baseline.index[-1])
    latest_average = average.dropna()
    if latest_average.empty:
        warns.append("The moving average has no complete window yet, so it is not compared with the baseline.")
        return None, bounds
    if latest_average.index[-1] <= bounds[1]:
        warns.append("The latest moving average falls inside the baseline, so it is not compared with it.")
        return None, bounds
    change = compare.change(float(in_baseline.mean()), float(latest_average.iloc[-1]), unit)
    label = f"{format_period(bounds[0], frequency)} to {format_period(bounds[1], frequency)}"
    return replace(change, before_label=label, after_label=format_period(latest_average.index[-1], frequency)), bounds


def _caveats(observed: pd.Series, series: pd.Series, unit: str, frequency: str) -> list[str]:
    n = int(observed.notna().sum())
    if n == 0:
        return [Note("No values: every period is missing or suppressed, so there is nothing to describe.",
                     "no_values")]
    warns = []
    if n < SHORT_SERIES_POINTS:
        warns.append(caveat(f"Short series: only {n} value{'s' if n != 1 else ''} (fewer than {SHORT_SERIES_POINTS}), "
                            "so read any trend or signal with care.", "short_series"))
    if unit == "count" and n and 0 <= float(observed.dropna().median()) < SMALL_COUNT:
        warns.append(caveat(f"Small numbers: the typical value is under {SMALL_COUNT}, so changes between periods "
                            "are often down to chance.", "small_counts"))
    missing = int(observed.isna().sum())
    if missing:
        warns.append(caveat(f"{missing} period(s) have no value (missing or suppressed); they are shown as gaps, "
                            "never as 0.", "missing_values"))
    if len(series) > len(observed):
        warns.append(caveat(f"No value yet for {format_period(series.index[-1], frequency)}: the latest figures "
                            f"are for {format_period(observed.index[-1], frequency)}.", "no_latest_value"))
    return warns


def _seasonal(values: pd.Series, frequency: str, wanted: bool, warns: list[str]) -> SeasonalResult | None:
    if not wanted or frequency not in seasonal_module.CYCLE_LENGTH \
            or len(values) < seasonal_module.min_points(frequency):
        return None
    return _attempt(warns, seasonal_module.decompose, values, frequency)


def _breaks(observed: pd.Series, frequency: str, seasonal_result: SeasonalResult | None) -> BreakResult:
    """Step changes, looked for in the seasonally adjusted values when there is a seasonal pattern (a seasonal
    swing is not a step change)."""
    if not has_seasonal_pattern(seasonal_result):
        return breaks_module.find_breaks(observed, frequency)
    adjusted = (observed - seasonal_result.table["seasonal"].reindex(observed.index)).where(observed.notna())
    return breaks_module.find_breaks(adjusted, frequency)


def has_seasonal_pattern(result: SeasonalResult | None) -> bool:
    """Whether the seasonal test rejects "no seasonal pattern" at the 5% level (STL alone finds one in noise)."""
    return result is not None and result.p_value < trend.SIGNIFICANCE_LEVEL


def _trend(observed: pd.Series, frequency: str, seasonal_result: SeasonalResult | None,
           warns: list[str]) -> TrendResult | None:
    """The trend test, on seasonally adjusted values when the seasonal test finds a pattern: a seasonal swing
    left in would look like long runs of autocorrelated noise and hide the trend."""
    if observed.notna().sum() < MIN_TREND_POINTS:
        warns.append(f"No trend line: it needs at least {MIN_TREND_POINTS} values.")
        return None
    if not has_seasonal_pattern(seasonal_result):
        return _attempt(warns, trend.linear_trend, observed, frequency)
    adjusted = (observed - seasonal_result.table["seasonal"].reindex(observed.index)).where(observed.notna())
    result = _attempt(warns, trend.linear_trend, adjusted, frequency)
    if result is None:
        return None
    note = "The trend is tested on seasonally adjusted values (the usual seasonal pattern taken out)."
    return replace(result, basis="seasonally adjusted values", warnings=(note, *result.warnings))


def analyse_series(series: pd.Series, *, name: str, frequency: str, unit: str = "count",
                   polarity: str = "neutral", window: int | None = None, target: float | None = None,
                   rebase_at=(), baseline_points: int | None = None,
                   baseline: tuple[pd.Timestamp, pd.Timestamp] | None = None, horizon: int = 0,
                   seasonal: bool = True, cumulative: bool | None = None, detect_breaks: bool = True
                   ) -> SeriesAnalysis:
    """Run every model on one series.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (DatetimeIndex) in time order; NaN where missing or suppressed.
        Absent periods inside the span are added as NaN.
    name, frequency, unit, polarity
        The measure's name, frequency code, unit and polarity (``catalogue`` names).
    window : int, optional
        Moving-average window; ``DEFAULT_WINDOWS[frequency]`` when not given.
    target : float, optional
        Target for the RAG rating and the SPC assurance icon.
    rebase_at, baseline_points
        Passed to :func:`analytics.spc.xmr`.
    baseline : (Timestamp, Timestamp), optional
        First and last dates of a baseline; periods overlapping them make the baseline mean that the
        latest moving average is compared with. Without it, ``baseline_points`` (the first n points)
        sets the baseline when given.
    horizon : int, default 0
        Periods to forecast; 0 for no forecast (the forecast is the slow part).
    seasonal : bool, default True
        Fit the STL decomposition when there are two full cycles.
    detect_breaks : bool, default True
        Look for step changes (:func:`analytics.breaks.find_breaks`); the trend, seasonal pattern and
        forecast are then fitted on the stable segment after the last one, and ``suggested_rebase``
        offers the SPC rebase there (never applied automatically).
    cumulative : bool, optional
        Whether the values add up over time (flows such as admissions), so a year to date means something;
        by default counts and currency do. Levels (a waiting list) and averages (a weekly cost) do not.

    Returns
    -------
    SeriesAnalysis

    Notes
    -----
    Comparisons use the series up to its last value. Expected failures of a model (AnalysisError) leave
    that part None with the message in ``warnings``.
    """
    trend.check_frequency(frequency)
    use_seasonal = seasonal
    values = _full_index(series, frequency)
    window = int(window or DEFAULT_WINDOWS[frequency])
    warns: list[str] = []
    last = values.last_valid_index()
    observed = values.iloc[:0] if last is None else values.loc[:last]
    average = trend.moving_average(values, window)
    spc_result = None
    if observed.notna().any():
        spc_result = _attempt(warns, spc.xmr, observed, improvement=IMPROVEMENT[polarity], target=target,
                              rebase_at=rebase_at, baseline_points=baseline_points, frequency=frequency)
    seasonal_result = _seasonal(observed, frequency, use_seasonal, warns)
    break_result = _breaks(observed, frequency, seasonal_result) if detect_breaks else None
    # after a break the models describe the stable segment: a line through a collapse describes nothing
    stable = observed
    if break_result is not None and break_result.positions:
        stable = observed.loc[break_result.stable_start:]
        seasonal_result = _seasonal(stable, frequency, use_seasonal, [])
    trend_result = _trend(stable, frequency, seasonal_result, warns)
    forecast_result = None
    if horizon > 0:
        if stable.notna().sum() >= forecast.MIN_POINTS:
            forecast_result = _attempt(warns, forecast.ets_forecast, stable, frequency, horizon,
                                       whole_numbers=unit == "count")
        else:
            warns.append(f"No forecast: it needs at least {forecast.MIN_POINTS} values; this series has "
                         f"{int(stable.notna().sum())}" + (" since its last step change." if len(stable) <
                                                           len(observed) else "."))
    period_change = _period_change(observed, frequency, unit, warns) if len(observed) else None
    year_change = _year_change(observed, frequency, unit, warns) if len(observed) else None
    cumulative = is_cumulative(name, unit) if cumulative is None else cumulative
    ytd = _ytd(observed, frequency, unit, warns) if cumulative else None
    baseline_change, bounds = _baseline_change(values, average, baseline, baseline_points, frequency, unit, warns)
    target_result = None
    if target is not None and observed.notna().any() and math.isfinite(float(target)):
        target_result = compare.against_target(float(observed.dropna().iloc[-1]), float(target), polarity, unit=unit)
    for part in (break_result, trend_result, spc_result, seasonal_result, forecast_result, target_result):
        if part is not None:
            warns.extend(part.warnings)
    warns.extend(_caveats(observed, values, unit, frequency))
    return SeriesAnalysis(
        name=name, unit=unit, polarity=polarity, frequency=frequency, series=values, window=window,
        moving_average=average, trend=trend_result, spc=spc_result, seasonal=seasonal_result,
        forecast=forecast_result, period_change=period_change, year_change=year_change, ytd=ytd,
        baseline_change=baseline_change, baseline=bounds, target=target_result,
        warnings=tuple(dict.fromkeys(warns)), breaks=break_result,
        last_year=compare.values_a_year_before(values, frequency),
        running_totals=_running_totals(observed, frequency, unit) if cumulative else None,
        settings={"frequency": frequency, "unit": unit, "polarity": polarity, "window": window, "target": target,
                  "rebase_at": tuple(rebase_at), "baseline_points": baseline_points, "baseline": baseline,
                  "horizon": horizon, "seasonal": seasonal, "cumulative": cumulative,
                  "detect_breaks": detect_breaks},
    )



def _kept_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if "flag" in frame.columns:
        frame = frame[~frame["flag"].fillna("").astype(str).str.lower().isin(SUMMARY_FLAGS)]
    return frame


def _latest_target(rows: pd.DataFrame) -> float | None:
    if "target" not in rows.columns:
        return None
    with_value = rows[rows["value"].notna() & rows["target"].notna()]
    pool = with_value if len(with_value) else rows[rows["target"].notna()]
    if pool.empty:
        return None
    return float(pd.to_numeric(pool.sort_values("period")["target"], errors="coerce").iloc[-1])


def file_target(data: Dataset, measure: str) -> float | None:
    """The latest target the file gives for ``measure`` (a long table's ``target`` column), the one
    :func:`analyse_dataset` uses; None when it gives none."""
    if "target" not in data.frame.columns or "period" not in data.frame.columns:
        return None
    rows = _kept_rows(data.frame)
    return _latest_target(rows[rows["measure"] == measure])


def _drop_partial_periods(data: Dataset, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Counted records: a first or last period the extract covers only in part is left out, with a warning."""
    if data.kind != "records" or data.records is None or "date" not in data.records.columns or frame.empty:
        return frame, []
    dates = pd.to_datetime(data.records["date"], errors="coerce").dropna()
    if dates.empty:
        return frame, []
    first, last = frame["period"].min(), frame["period"].max()
    warns, drop = [], []
    if dates.min() > first:
        drop.append(first)
        warns.append(caveat(f"The first period ({format_period(first, data.frequency)}) is left out: the records "
                            f"start part-way through it, on {dates.min().day} {dates.min():%B %Y}.", "partial_period"))
    last_end = last + vocabulary.frequency(data.frequency).step - pd.Timedelta(days=1)
    if dates.max() < last_end:
        drop.append(last)
        warns.append(caveat(f"The last period ({format_period(last, data.frequency)}) is left out: the records "
                            f"end part-way through it, on {dates.max().day} {dates.max():%B %Y}.", "partial_period"))
    return frame[~frame["period"].isin(drop)], warns


def _drop_forecasts(frame: pd.DataFrame, frequency: str | None) -> tuple[pd.DataFrame, list[str]]:
    """Periods the file marks as forecasts or projections (``forecast`` rows) are not observed data: no trend,
    SPC or change is fitted on them; a caveat names them."""
    if "forecast" not in frame.columns:
        return frame, []
    ahead = frame["forecast"].fillna(False).astype(bool)
    if not ahead.any():
        return frame, []
    periods = frame.loc[ahead, "period"].dropna()
    span = format_period(periods.min(), frequency) + (
        f" to {format_period(periods.max(), frequency)}" if periods.nunique() > 1 else "")
    return frame[~ahead], [caveat(f"The file marks {span} as forecasts, not observed values: they are left out of "
                                  "the trend, SPC and comparisons.", "forecast_periods")]


def measure_series(data: Dataset, measure: str, **filters: str) -> tuple[pd.Series, list[str]]:
    """The series of one measure as the models see it: totals and aggregates out, partly covered first and last
    periods of record extracts and the file's forecasts out (with the warnings saying so), dimensions not
    filtered on summed."""
    frame, warns = _drop_partial_periods(data, _kept_rows(data.frame))
    frame, ahead = _drop_forecasts(frame, data.frequency)
    return replace(data, frame=frame).series(measure, **filters), warns + ahead


def is_cumulative(name: str, unit: str, known_as: str | None = None) -> bool:
    """Whether a year-to-date total means something: counts and money, but not levels (a waiting list, people
    in care) or averages (average weekly cost), whose sum over a year is meaningless."""
    key = known_as if known_as is not None else describe(name).known_as
    return unit in SUMMED_UNITS and key not in NOT_CUMULATIVE and not NOT_CUMULATIVE_NAME.search(name)


def _with_warnings(analysis: SeriesAnalysis, warns: list[str]) -> SeriesAnalysis:
    return replace(analysis, warnings=tuple(dict.fromkeys([*warns, *analysis.warnings]))) if warns else analysis


def is_time_series(data: Dataset) -> bool:
    """Periods with a frequency: a time series, or a record-level extract counted per period."""
    return data.kind in ("timeseries", "records") and data.frequency is not None and "period" in data.frame.columns


def analyse_dataset(data: Dataset, *, targets: dict[str, float] | None = None, horizon: int = 0
                    ) -> list[SeriesAnalysis]:
    """Analyse every measure of a time series (or counted records) dataset.

    Parameters
    ----------
    data : Dataset
        A ``timeseries`` or ``records`` dataset with a frequency.
    targets : dict, optional
        Target per measure name; for long layouts with a ``target`` column the latest target is used
        for measures not named here.
    horizon : int, default 0
        Periods to forecast for each series.

    Returns
    -------
    list of SeriesAnalysis
        One per measure (summed over dimensions, total and aggregate rows left out), then, for counts
        and currency, one per measure and value of each dimension, named "Measure (value)". Splits are made
        only where there are at most ``MAX_SPLITS`` of them: 152 councils are a benchmark, not 152 trends
        (and analysing them would take minutes).

    Raises
    ------
    AnalysisError
        The dataset is not a time series.
    """
    if not is_time_series(data):
        raise AnalysisError("This table has no periods, so it cannot be analysed as a time series; "
                            "use the comparison or benchmarking views instead.")
    frame = _kept_rows(data.frame)
    frame = frame[frame["period"].notna()]
    frame, partial = _drop_partial_periods(data, frame)
    frame, ahead = _drop_forecasts(frame, data.frequency)
    partial += ahead
    baseline = baseline_from_text(data.source.title, data.frequency)
    results = []
    for measure, info in data.measures.items():
        rows = frame[frame["measure"] == measure]
        if rows.empty:
            continue
        target = (targets or {}).get(measure, _latest_target(rows))
        additive = is_cumulative(measure, info.unit, info.known_as)
        options = {"frequency": data.frequency, "unit": info.unit, "polarity": info.polarity,
                   "horizon": horizon, "baseline": baseline, "cumulative": additive}
        dimensions = [d for d in data.dimensions if d in rows.columns]
        if info.unit not in SUMMED_UNITS and rows.groupby("period").size().max() > 1:
            # averages and percentages cannot be added across groups: one series per combination
            groups = rows.groupby(dimensions, sort=True)
            if groups.ngroups > MAX_SPLITS:
                continue
            for key, part in groups:
                label = ", ".join(map(str, key if isinstance(key, tuple) else (key,)))
                results.append(_with_warnings(analyse_series(sum_by_period(part), name=f"{measure} ({label})",
                                                             **options), partial))
            continue
        results.append(_with_warnings(analyse_series(sum_by_period(rows), name=measure, target=target, **options),
                                      partial))
        if info.unit not in SUMMED_UNITS:
            continue
        for dimension in dimensions:
            values = sorted(rows[dimension].dropna().astype(str).unique())
            if len(values) > MAX_SPLITS:
                continue
            for value in values:
                part = rows[rows[dimension].astype(str) == value]
                results.append(_with_warnings(analyse_series(sum_by_period(part), name=f"{measure} ({value})",
                                                             **options), partial))
    return results


def _vs(change: Change | None, polarity: str) -> str | None:
    if change is None:
        return None
    direction = compare.direction_of_travel(change.before, change.after, polarity)
    if polarity == "neutral":
        return {"up": "rose", "down": "fell", "same": "no change"}.get(direction)
    return direction


def _limits_words(result: SpcResult | None) -> str | None:
    """How far the SPC limits can be trusted: settled, trial, or too few points for any verdict."""
    if result is None:
        return None
    if result.too_few_points:
        return spc.too_few_words(result.latest_points)
    return TRIAL_LIMITS_WORDS if result.provisional else "settled"


def kpi_summary(analyses: list[SeriesAnalysis]) -> pd.DataFrame:
    """One row per analysis for a KPI table: latest value, RAG, direction of travel, SPC icons, sparkline."""
    rows = []
    for a in analyses:
        observed = a.observed
        latest = observed.dropna()
        rows.append({
            "measure": a.name,
            "period": format_period(latest.index[-1], a.frequency) if len(latest) else None,
            "value": float(latest.iloc[-1]) if len(latest) else math.nan,
            "unit": a.unit,
            "target": a.target.target if a.target else math.nan,
            "rag": a.target.rag if a.target else None,
            "vs_last_period": _vs(a.period_change, a.polarity),
            "vs_last_year": _vs(a.year_change, a.polarity),
            "variation": a.spc.variation if a.spc else None,
            "assurance": a.spc.assurance if a.spc else None,
            "spc_limits": _limits_words(a.spc),
            "trend": a.trend.direction if a.trend else None,
            "sparkline": [float(v) for v in observed.iloc[-SPARKLINE_POINTS:].dropna()],  # a gap breaks the cell
            "warnings": len(a.warnings),
        })
    columns = ["measure", "period", "value", "unit", "target", "rag", "vs_last_period", "vs_last_year",
               "variation", "assurance", "spc_limits", "trend", "sparkline", "warnings"]
    return pd.DataFrame(rows, columns=columns)


def statistics_table(a: SeriesAnalysis) -> pd.DataFrame:
    """The numbers behind the commentary, as 'Statistic' / 'Value' rows (text, ready to show)."""
    rows = [("Points", f"{int(a.observed.notna().sum())}"), ("Moving average window", f"{a.window} periods")]
    if a.breaks is not None and a.breaks.tested:
        found = ", ".join(format_period(p, a.frequency) for p in a.breaks.periods) or "none found"
        rows.append(("Step changes (binary segmentation, 1% level)", found))
    t = a.trend
    if t is not None:
        rows += [("Trend slope per period (95% CI)",
                  f"{fixed(t.slope)} ({fixed(t.slope_ci[0])} to {fixed(t.slope_ci[1])})"),
                 ("Trend slope per year", fixed(t.slope_per_year)),
                 ("Trend test", t.method),
                 ("Lag-1 autocorrelation allowed for (bias-corrected)", fixed(t.autocorrelation, 2)),
                 ("p-value of the trend test", fixed(t.p_value, 4)), ("R²", fixed(t.r2, 3)),
                 ("Change over the span of the fitted line", f"{fixed(t.pct_change, 1)}%" if t.pct_change is not None
                  else ""),
                 ("Trend direction (5% level)", t.direction or "no verdict")]
    s = a.spc
    if s is not None and s.too_few_points:
        rows.append(("SPC", _capitalised(spc.too_few_words(s.latest_points))))
    elif s is not None and len(s.groups):
        latest = s.groups.iloc[-1]
        special = int(s.table["special_cause"].sum())
        rows += [("SPC mean (latest group)", fixed(float(latest["mean"]))),
                 ("SPC process limits (latest group)",
                  f"{fixed(float(latest['lpl']))} to {fixed(float(latest['upl']))}"),
                 ("SPC groups (rebased)", f"{len(s.groups)}"),
                 ("Special-cause points", f"{special}"),
                 ("SPC variation", VARIATION_WORDS.get(s.variation, "no icon")),
                 ("SPC assurance", ASSURANCE_WORDS.get(s.assurance, "no icon (no target)")),
                 ("SPC limits", f"trial (fewer than {spc.TRIAL_LIMITS_BELOW} points)" if s.provisional else "settled")]
    if a.seasonal is not None:
        # a strength alone overstates: STL finds a pattern in pure noise, so it is shown with its test
        rows += [("Strength of seasonality (0 to 1)", fixed(a.seasonal.strength)),
                 ("p-value of no seasonal pattern (ANOVA by position in the cycle)", fixed(a.seasonal.p_value, 4))]
    if a.forecast is not None:
        rows += [("Forecast model (ETS, chosen by AICc)", a.forecast.model),
                 ("Back-test error (MAPE)", f"{fixed(a.forecast.mape, 1)}%" if a.forecast.mape is not None else "")]
    return pd.DataFrame(rows, columns=["Statistic", "Value"])


def _capitalised(text) -> str:
    return text[:1].upper() + text[1:] if isinstance(text, str) else text


def kpi_display(kpi: pd.DataFrame) -> pd.DataFrame:
    """The KPI summary with SPC icon names in words, for people rather than programs."""
    trial = kpi["spc_limits"].eq(TRIAL_LIMITS_WORDS) if "spc_limits" in kpi.columns else False
    variation = kpi["variation"].map(lambda v: VARIATION_WORDS.get(v, ""))
    # the caveat travels with the icon: trial limits settle nothing (SPC.md guards)
    variation = variation.where(~trial | variation.eq(""), variation + f" ({TRIAL_LIMITS_WORDS})")
    if "spc_limits" in kpi.columns:  # no icon at all: say why where the icon would be
        too_few = kpi["spc_limits"].map(lambda w: isinstance(w, str) and w.startswith(spc.TOO_FEW_FOR_SPC))
        variation = variation.where(~too_few, kpi["spc_limits"].map(_capitalised))
    words = kpi.assign(variation=variation, assurance=kpi["assurance"].map(lambda v: ASSURANCE_WORDS.get(v, "")))
    text = ["rag", "vs_last_period", "vs_last_year", "trend"]
    return words.assign(**{c: words[c].fillna("") for c in text})
