"""Exponential smoothing (ETS) forecasts with prediction intervals and a back-test."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from analytics.errors import AnalysisError
from analytics.seasonal import CYCLE_LENGTH, MIN_FULL_CYCLES, fill_gaps, seasonality_p_value
from analytics.trend import as_float_series, check_frequency, future_periods

INTERVAL_LEVELS = (0.80, 0.95)
MIN_POINTS = 10  # statsmodels' heuristic initial states need 10 observations
BACKTEST_SHARE = 0.2  # hold out the last 20% when there is no seasonal cycle to hold out
SEASONAL_TEST_LEVEL = 0.05  # a seasonal model is a candidate only when the seasonal test rejects at this level
LONG_HORIZON_SHARE = 0.5  # warn when forecasting further ahead than half the series length
# (error, trend, damped, seasonal) for each model in ETS notation; A = additive, Ad = additive damped
MODELS = {
    "ANN": ("add", None, False, None),
    "AAdN": ("add", "add", True, None),
    "ANA": ("add", None, False, "add"),
    "AAdA": ("add", "add", True, "add"),
}
NON_SEASONAL_COUNTERPART = {"ANA": "ANN", "AAdA": "AAdN", "ANN": "ANN", "AAdN": "AAdN"}


@dataclass(frozen=True)
class ForecastResult:
    """An ETS forecast.

    ``table`` is indexed by future period start with ``forecast``, ``lower_80``, ``upper_80``,
    ``lower_95``, ``upper_95``. ``model`` is the chosen ETS model (``ANN``, ``AAdN``, ``ANA``,
    ``AAdA``), ``candidates`` the AICc of each model tried. ``mape`` is the back-test error in % on
    the last ``backtest_points`` periods, made with ``backtest_model`` fitted to the earlier periods
    (None when no actual value could be scored).
    """

    table: pd.DataFrame
    model: str
    aicc: float
    candidates: pd.DataFrame
    fitted: pd.Series
    mape: float | None
    backtest_model: str
    backtest_points: int
    horizon: int
    warnings: tuple[str, ...]


def _fit(values: np.ndarray, model: str, cycle: int | None):
    error, trend, damped, season = MODELS[model]
    endog = pd.Series(values, index=pd.RangeIndex(len(values)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ETSModel(
            endog, error=error, trend=trend, damped_trend=damped, seasonal=season,
            seasonal_periods=cycle if season else None, initialization_method="heuristic",
        ).fit(disp=False)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return result, converged


def _candidates(n: int, cycle: int | None, seasonal_found: bool = True) -> list[str]:
    seasonal_ok = cycle is not None and n >= MIN_FULL_CYCLES * cycle and seasonal_found
    return [m for m, spec in MODELS.items() if spec[3] is None or seasonal_ok]


def _seasonal_found(y: np.ndarray, cycle: int | None, filled: np.ndarray) -> bool:
    """Whether the seasonal test (analytics.seasonal.seasonality_p_value) rejects "no seasonal pattern".

    AICc does not count the seasonal initial states that the heuristic start fits from the data, so seasonal
    models won on pure noise in 175 of 200 runs; now they are only candidates when the test finds a pattern.
    """
    if cycle is None or len(y) < MIN_FULL_CYCLES * cycle:
        return False
    p_value = seasonality_p_value(y, cycle, ~np.asarray(filled, dtype=bool))
    return bool(np.isfinite(p_value) and p_value < SEASONAL_TEST_LEVEL)


def _intervals(result, n: int, horizon: int) -> pd.DataFrame:
    prediction = result.get_prediction(start=n, end=n + horizon - 1)
    columns = {"forecast": prediction.predicted_mean.to_numpy()}
    for level in INTERVAL_LEVELS:
        frame = prediction.summary_frame(alpha=1 - level)
        pct = round(level * 100)
        columns[f"lower_{pct}"] = frame["pi_lower"].to_numpy()
        columns[f"upper_{pct}"] = frame["pi_upper"].to_numpy()
    return pd.DataFrame(columns)


def mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error, 100 x mean(|a - p| / |a|), over actual values that are not zero.

    Returns None when no actual value is usable.
    """
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    usable = np.isfinite(actual) & np.isfinite(predicted) & (actual != 0)
    if not usable.any():
        return None
    return float(np.mean(np.abs(actual[usable] - predicted[usable]) / np.abs(actual[usable])) * 100)


def _backtest(values: np.ndarray, model: str, cycle: int | None, warns: list[str]
              ) -> tuple[float | None, str, int]:
    n = len(values)
    hold = cycle if cycle is not None and n - cycle >= MIN_POINTS else max(1, math.ceil(BACKTEST_SHARE * n))
    train = n - hold
    if train < MIN_POINTS:
        warns.append(f"Too few points to back-test the forecast (needs {MIN_POINTS} before the test period).")
        return None, model, 0
    test_model = model if model in _candidates(train, cycle) else NON_SEASONAL_COUNTERPART[model]
    if test_model != model:
        warns.append(
            f"The back-test used {test_model} (no seasonal term): the {train} periods before the test period "
            "are fewer than two full cycles."
        )
    result, _ = _fit(values[:train], test_model, cycle)
    error = mape(values[train:], result.forecast(hold).to_numpy())
    if error is None:
        warns.append("The back-test error (MAPE) cannot be given: the actual values held out are all zero.")
    elif (values[train:] == 0).any():
        warns.append("Periods with an actual value of zero were left out of the back-test error (MAPE).")
    return error, test_model, hold


def ets_forecast(series: pd.Series, frequency: str, horizon: int, *, whole_numbers: bool = False) -> ForecastResult:
    """Forecast ``horizon`` periods ahead with the best of a few ETS models, with 80% and 95% intervals.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (DatetimeIndex), in time order. Missing ends are trimmed and
        interior gaps filled by linear interpolation (at most 20%), with a warning.
    frequency : {"D", "W", "M", "Q", "FY"}
        Sets the seasonal cycle (7 days, 52 weeks, 12 months, 4 quarters; none for FY).
    horizon : int
        Number of periods to forecast (at least 1).
    whole_numbers : bool, default False
        For counts: the forecast rounded to whole numbers, the interval ends rounded outwards, nothing below
        zero.

    Returns
    -------
    ForecastResult

    Raises
    ------
    AnalysisError
        Fewer than 10 points.
    ValueError
        ``horizon`` below 1.

    Notes
    -----
    Candidates (additive errors): ANN (simple exponential smoothing), AAdN (damped trend) and, only
    with at least two full cycles and when the seasonal test rejects "no seasonal pattern" at the 5% level
    (:func:`analytics.seasonal.seasonality_p_value`), ANA and AAdA (additive seasonality). All use statsmodels'
    heuristic initial states, so their AICc,
    :math:`AIC + 2k(k+1)/(n-k-1)`, compare like with like; the lowest wins. Intervals are the
    analytic ETS prediction intervals. Back-test: refit the chosen model (or its non-seasonal
    counterpart when the shorter series lacks two cycles) on all but the last cycle (last 20% without
    one) and score :math:`MAPE = 100\\,\\overline{|y - \\hat y| / |y|}` there.
    """
    check_frequency(frequency)
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods, at least 1; got {horizon!r}")
    horizon = int(horizon)
    values, filled, warns = fill_gaps(as_float_series(series), frequency)
    n = len(values)
    if n < MIN_POINTS:
        raise AnalysisError(f"A forecast needs at least {MIN_POINTS} values; this series has {n}.")
    cycle = CYCLE_LENGTH.get(frequency)
    if cycle is not None and n < MIN_FULL_CYCLES * cycle:
        warns.append(f"No seasonal term: that needs two full cycles ({MIN_FULL_CYCLES * cycle} points); "
                     f"this series has {n}.")
    if horizon > LONG_HORIZON_SHARE * n:
        warns.append(f"Forecasting {horizon} periods ahead from {n} points: the far end is very uncertain.")
    y = values.to_numpy()
    seasonal_found = _seasonal_found(y, cycle, filled)
    if cycle is not None and n >= MIN_FULL_CYCLES * cycle and not seasonal_found:
        warns.append("No seasonal term: the seasonal test finds no clear pattern.")
    fits = {m: _fit(y, m, cycle) for m in _candidates(n, cycle, seasonal_found)}
    best = min(fits, key=lambda m: fits[m][0].aicc)
    result, converged = fits[best]
    if not converged:
        warns.append("The fitting routine did not fully settle for the chosen model; treat the intervals "
                     "with extra caution.")
    table = _intervals(result, n, horizon).set_index(future_periods(values.index[-1], frequency, horizon))
    if whole_numbers:
        # counts: whole numbers, never below zero (the intervals' ends rounded outwards)
        table = table.clip(lower=0.0)
        for column in table.columns:
            rounding = np.floor if column.startswith("lower") else np.ceil if column.startswith("upper") else np.rint
            table[column] = rounding(table[column])
    mape_value, test_model, hold = _backtest(y, best, cycle, warns)
    return ForecastResult(
        table=table,
        model=best,
        aicc=float(result.aicc),
        candidates=pd.DataFrame({"model": list(fits), "aicc": [float(f[0].aicc) for f in fits.values()]}),
        fitted=pd.Series(result.fittedvalues.to_numpy(), index=values.index, name="fitted"),
        mape=mape_value,
        backtest_model=test_model,
        backtest_points=hold,
        horizon=horizon,
        warnings=tuple(warns),
    )
