"""ETS forecasts: model choice, intervals, back-test, and agreement with a direct statsmodels fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
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
    assert set(short.candidates["model"]) == {"ANN", "AAdN"}
    assert any("two full cycles" in w for w in short.warnings)
    full = forecast.ets_forecast(series(24, amplitude=30), "M", 3)
    assert set(full.candidates["model"]) == {"ANN", "AAdN", "ANA", "AAdA"}


def test_strong_season_picks_a_seasonal_model_by_aicc():
    result = forecast.ets_forecast(series(48, amplitude=40, noise=1), "M", 12)
    assert result.model in ("ANA", "AAdA")
    assert result.aicc == pytest.approx(result.candidates["aicc"].min())
    # the forecast follows the season: peak and trough a cycle apart
    assert result.table["forecast"].max() - result.table["forecast"].min() > 40


def test_agrees_with_a_direct_statsmodels_fit():
    data = series(40, slope=1.5)
    result = forecast.ets_forecast(data, "M", 5)
    error, trend, damped, season = forecast.MODELS[result.model]
    direct = ETSModel(pd.Series(data.to_numpy()), error=error, trend=trend, damped_trend=damped,
                      seasonal=season, seasonal_periods=12 if season else None,
                      initialization_method="heuristic").fit(disp=False)
    np.testing.assert_allclose(result.table["forecast"], direct.forecast(5).to_numpy(), rtol=1e-9)
    frame = direct.get_prediction(start=40, end=44).summary_frame(alpha=0.05)
    np.testing.assert_allclose(result.table["upper_95"], frame["pi_upper"].to_numpy(), rtol=1e-9)


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
