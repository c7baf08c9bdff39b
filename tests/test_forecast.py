"""ETS forecasts: model choice, intervals, back-test, and agreement with a direct statsmodels fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from analytics import forecast
from analytics.errors import AnalysisError


def series(n, freq="MS", period=12, amplitude=0.0, slope=0.0, noise=2.0, seed=3, start="2018-04-01"):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = 200 + slope * t + amplitude * np.sin(2 * np.pi * t / period) + rng.normal(0, noise, n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq=freq))


def test_table_shape_dates_and_nested_intervals():
    result = forecast.ets_forecast(series(36), "M", 6)
    table = result.table
    assert list(table.columns) == ["forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert table.index[0] == pd.Timestamp("2021-04-01") and len(table) == 6
    assert (table["lower_95"] < table["lower_80"]).all() and (table["lower_80"] < table["forecast"]).all()
    assert (table["forecast"] < table["upper_80"]).all() and (table["upper_80"] < table["upper_95"]).all()
    # intervals widen (or stay) with the horizon
    assert (np.diff(table["upper_95"] - table["lower_95"]) >= -1e-9).all()


def test_seasonal_models_only_with_two_full_cycles():
    short = forecast.ets_forecast(series(23, amplitude=30), "M", 3)
    assert set(short.candidates["model"]) == {"ANN", "AAN", "AAdN"}
    assert any("two full cycles" in w for w in short.warnings)
    full = forecast.ets_forecast(series(24, amplitude=30), "M", 3)
    assert set(full.candidates["model"]) == set(forecast.MODELS)


def test_a_model_needs_degrees_of_freedom_left_for_its_errors():
    assert forecast.parameter_count("AAdA", 12) == 4 + 2 + 11
    assert forecast.parameter_count("ANN", None) == 2
    # 10 points: the damped trend (5 parameters) still leaves 5; 20 monthly points are too few for seasons
    assert forecast._candidates(10, None) == ["ANN", "AAN", "AAdN"]
    assert forecast._candidates(7, None) == ["ANN", "AAN"]


def test_strong_season_picks_a_seasonal_model_by_aicc():
    result = forecast.ets_forecast(series(48, amplitude=40, noise=1), "M", 12)
    assert result.model in ("ANA", "AAdA")
    assert result.aicc == pytest.approx(result.candidates["aicc"].min())
    # the forecast follows the season: peak and trough a cycle apart
    assert result.table["forecast"].max() - result.table["forecast"].min() > 40


def direct_fit(data, model, cycle=12, initialization="estimated", **initial):
    error, trend, damped, season = forecast.MODELS[model]
    return ETSModel(pd.Series(data.to_numpy()), error=error, trend=trend, damped_trend=damped,
                    seasonal=season, seasonal_periods=cycle if season else None,
                    initialization_method=initialization, **initial)


def test_agrees_with_statsmodels_given_the_least_squares_initial_states():
    """The forecast is statsmodels' ETS with the smoothing parameters of its own fit and the initial states
    re-estimated by least squares, which fit at least as well as statsmodels' heuristic ones."""
    data = series(40, slope=1.5, period=4, amplitude=6)
    result = forecast.ets_forecast(data, "Q", 5)
    heuristic = direct_fit(data, result.model, cycle=4, initialization="heuristic").fit(disp=False)
    fit = forecast._fit(data.to_numpy(), result.model, 4)
    assert fit.sse <= heuristic.sse + 1e-9
    trend, season = forecast.MODELS[result.model][1], forecast.MODELS[result.model][3]
    x0 = fit.initial_state
    initial = {"initial_level": x0[0], "initial_trend": x0[1] if trend else None,
               "initial_seasonal": x0[-4:][::-1] if season else None}  # "known" takes the oldest season first
    known = direct_fit(data, result.model, cycle=4, initialization="known",
                       **{k: v for k, v in initial.items() if v is not None})
    smoothing = [v for name, v in zip(heuristic.model.param_names, heuristic.params, strict=True)
                 if not name.startswith("initial_")]
    direct = known.smooth(smoothing)
    np.testing.assert_allclose(fit.resid, direct.resid, atol=1e-8)
    np.testing.assert_allclose(result.table["forecast"], direct.forecast(5).to_numpy(), rtol=1e-9)
    assert result.aicc == pytest.approx(result.candidates["aicc"].min())


@pytest.mark.parametrize("model", list(forecast.MODELS))
def test_state_space_form_reproduces_statsmodels(model):
    """The (w, F, g, x0) read from a fit filter the data to statsmodels' residuals and forecasts, and the
    future-error part of the variance is statsmodels' analytic one (Hyndman et al. 2008, ch. 6)."""
    data = series(36, period=4, amplitude=5, slope=0.5)
    fit = direct_fit(data, model, cycle=4).fit(disp=False)
    w, F, g, x = forecast.state_space(fit, 4)
    resid = []
    for value in data.to_numpy():
        resid.append(value - w @ x)
        x = F @ x + g * resid[-1]
    np.testing.assert_allclose(resid, fit.resid, atol=1e-8)
    ahead = [w @ np.linalg.matrix_power(F, h) @ x for h in range(4)]
    np.testing.assert_allclose(ahead, fit.forecast(4).to_numpy(), rtol=1e-10)
    future, _, _ = forecast.forecast_variance(w, F, g, 36, 4)
    frame = fit.get_prediction(start=36, end=39).summary_frame(alpha=0.05)
    statsmodels_variance = ((frame["pi_upper"] - frame["mean"]) / 1.959963984540054) ** 2 / fit.mse
    np.testing.assert_allclose(future, statsmodels_variance.to_numpy(), rtol=1e-6)


def test_initial_state_variance_is_the_regression_one_when_nothing_is_smoothed():
    """With smoothing parameters 0 an ETS model is a regression: a mean (ANN), a line (AAN), season means
    (ANA); the initial-state part of the variance is then x'(X'X)^-1 x (checked against statsmodels OLS)."""
    n, horizon = 24, 5
    _, states, identified = forecast.forecast_variance(np.ones(1), np.ones((1, 1)), np.zeros(1), n, horizon)
    np.testing.assert_allclose(states, 1 / n)
    assert identified == 1
    w, F = np.ones(2), np.array([[1.0, 1.0], [0.0, 1.0]])
    _, states, identified = forecast.forecast_variance(w, F, np.zeros(2), n, horizon)
    t = np.arange(1, n + 1.0)
    line = sm.OLS(np.random.default_rng(0).normal(size=n), sm.add_constant(t)).fit()
    future = sm.add_constant(np.arange(n + 1.0, n + horizon + 1))
    np.testing.assert_allclose(states, np.einsum("ij,jk,ik->i", future, line.normalized_cov_params, future))
    assert identified == 2
    m = 4
    w = np.r_[1.0, np.zeros(m - 1), 1.0]
    F = np.zeros((m + 1, m + 1))
    F[0, 0] = F[1, m] = 1.0
    F[2:, 1:m] = np.eye(m - 1)
    _, states, identified = forecast.forecast_variance(w, F, np.zeros(m + 1), n, horizon)
    np.testing.assert_allclose(states, m / n)  # each season's mean from n / m values
    assert identified == m  # level and four seasons: one direction is not identified


def test_intervals_use_the_t_distribution_on_the_residual_degrees_of_freedom():
    data = series(30)
    result = forecast.ets_forecast(data, "M", 3)
    fit = forecast._fit(data.to_numpy(), result.model, 12)
    future, states, identified = forecast.forecast_variance(fit.w, fit.F, fit.g, 30, 3)
    smoothing = {"ANN": 1, "AAN": 2, "AAdN": 3}[result.model]
    assert fit.parameters == smoothing + identified
    df = 30 - fit.parameters
    sd = np.sqrt(fit.sse / df * (future + states))
    table = result.table
    np.testing.assert_allclose(table["upper_95"] - table["forecast"], stats.t.ppf(0.975, df) * sd, rtol=1e-9)
    np.testing.assert_allclose(table["forecast"] - table["lower_80"], stats.t.ppf(0.9, df) * sd, rtol=1e-9)


def test_mape_by_hand():
    assert forecast.mape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == pytest.approx(10.0)
    assert forecast.mape(np.array([0.0, 50.0]), np.array([5.0, 55.0])) == pytest.approx(10.0)
    assert forecast.mape(np.array([0.0]), np.array([1.0])) is None


def test_backtest_holds_out_the_last_cycle():
    result = forecast.ets_forecast(series(48, amplitude=20), "M", 3)
    assert result.backtest_points == 12
    assert result.backtest_model == result.model  # 36 months before the test: still two cycles
    assert 0 < result.mape < 10


def test_backtest_drops_the_season_when_training_is_short():
    result = forecast.ets_forecast(series(30, amplitude=40, noise=1), "M", 3)
    assert result.model in ("ANA", "AAdA")
    assert result.backtest_model == forecast.NON_SEASONAL_COUNTERPART[result.model]
    assert any("back-test used" in w for w in result.warnings)
    assert result.backtest_points == 12


def test_backtest_last_20_percent_without_a_cycle():
    yearly = pd.Series(np.linspace(100, 150, 15), index=pd.date_range("2010-04-01", periods=15, freq="12MS"))
    result = forecast.ets_forecast(yearly, "FY", 2)
    assert result.backtest_points == 3
    assert result.table.index[0] == pd.Timestamp("2025-04-01")


def test_gaps_are_filled_with_a_warning():
    data = series(36)
    data.iloc[7] = np.nan
    result = forecast.ets_forecast(data, "M", 2)
    assert any("filled in" in w for w in result.warnings)


def test_too_short_and_bad_horizon():
    with pytest.raises(AnalysisError, match="at least 10"):
        forecast.ets_forecast(series(9), "M", 2)
    with pytest.raises(ValueError):
        forecast.ets_forecast(series(20), "M", 0)


def test_long_horizon_is_warned():
    result = forecast.ets_forecast(series(12), "M", 10)
    assert any("very uncertain" in w for w in result.warnings)


def test_counts_are_whole_numbers_never_below_zero():
    rng = np.random.default_rng(9)
    counts = pd.Series(rng.poisson(1.5, 30).astype(float), index=pd.date_range("2022-01-03", periods=30, freq="7D"))
    table = forecast.ets_forecast(counts, "W", 8, whole_numbers=True).table
    assert (table >= 0).all().all()
    assert (table == np.round(table)).all().all()
    assert (table["lower_95"] <= table["lower_80"]).all() and (table["upper_80"] <= table["upper_95"]).all()
    assert (table["lower_95"] == 0).any()  # a low count's interval reaches zero and stops there
