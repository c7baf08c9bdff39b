"""Moving averages and linear trends: hand-computed cases, statsmodels agreement, properties."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import trend
from analytics.errors import AnalysisError

GOLDEN = json.loads((Path(__file__).parent / "golden" / "trend_hand.json").read_text())


def monthly(values, start="2023-04-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


# --- moving average -------------------------------------------------------------------------------------


def test_trailing_moving_average_by_hand():
    result = trend.moving_average(pd.Series([1.0, 2, 3, 4, 5, 6]), 3)
    assert result.iloc[:2].isna().all()
    assert result.iloc[2:].tolist() == [2.0, 3.0, 4.0, 5.0]


def test_centred_moving_average_matches_pandas():
    values = pd.Series([3.0, 1, 4, 1, 5, 9, 2, 6])
    result = trend.moving_average(values, 3, centred=True)
    assert result.iloc[1] == pytest.approx((3 + 1 + 4) / 3)
    pd.testing.assert_series_equal(result, values.rolling(3, center=True).mean())


def test_moving_average_window_with_a_gap_is_missing():
    result = trend.moving_average(pd.Series([1.0, 2, math.nan, 4, 5, 6]), 2)
    assert result.isna().tolist() == [True, False, True, True, False, False]


def test_moving_average_rejects_bad_window():
    with pytest.raises(ValueError):
        trend.moving_average(pd.Series([1.0, 2.0]), 0)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6), st.integers(min_value=2, max_value=40),
       st.integers(min_value=1, max_value=12))
def test_moving_average_of_a_constant_is_the_constant(value, n, window):
    result = trend.moving_average(pd.Series([value] * n), window)
    full = result.iloc[window - 1:]
    np.testing.assert_allclose(full.to_numpy(), value, rtol=1e-12, atol=1e-9)
    assert result.iloc[: window - 1].isna().all()


# --- linear trend ---------------------------------------------------------------------------------------


def test_linear_trend_matches_hand_computed_golden():
    result = trend.linear_trend(monthly(GOLDEN["values"]), "M")
    tol = GOLDEN["tolerance"]
    assert result.slope == pytest.approx(GOLDEN["slope"], abs=tol)
    assert result.fitted.iloc[0] == pytest.approx(GOLDEN["intercept"], abs=tol)
    assert result.r2 == pytest.approx(GOLDEN["r2"], abs=tol)
    assert result.pct_change == pytest.approx(GOLDEN["pct_change"], abs=tol)
    assert result.slope_per_year == pytest.approx(12 * GOLDEN["slope"])
    assert result.direction == "up"


def test_linear_trend_line_is_statsmodels_ols():
    rng = np.random.default_rng(7)
    y = 50 + 0.3 * np.arange(40) + rng.normal(0, 3, 40)
    result = trend.linear_trend(pd.Series(y))
    direct = sm.OLS(y, sm.add_constant(np.arange(40.0))).fit()
    assert result.slope == pytest.approx(direct.params[1], rel=1e-12)
    assert result.fitted.iloc[0] == pytest.approx(direct.params[0], rel=1e-12)
    assert result.r2 == pytest.approx(direct.rsquared, rel=1e-9)


def test_ar1_standard_error_matches_the_covariance_matrix_by_hand():
    """se^2 = s^2 w' R w with R_ij = phi^|t_i - t_j| (gaps kept), checked against an explicit sandwich
    (X'X)^-1 X' R X (X'X)^-1 and the autocorrelation against its formula."""
    x = np.array([0.0, 1, 2, 4, 5, 6, 8, 9, 10, 11])
    y = np.array([3.0, 5, 4, 8, 6, 9, 12, 10, 13, 15])
    design = trend._Design.of(x)
    slope, se, t, phi = (float(v[0]) for v in trend._statistics(y[None, :], design))
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    e = fit.resid
    pairs = [(i, i + 1) for i in range(len(x) - 1) if x[i + 1] - x[i] == 1]
    r1 = np.mean([e[i] * e[j] for i, j in pairs]) / np.mean(e**2)
    assert phi == pytest.approx(np.clip((10 * r1 + 2) / 6, -0.95, 0.95), rel=1e-12)
    X = sm.add_constant(x)
    R = phi ** np.abs(x[:, None] - x[None, :])
    bread = np.linalg.inv(X.T @ X)
    sandwich = bread @ X.T @ R @ X @ bread * (e @ e / 8)
    assert slope == pytest.approx(fit.params[1], rel=1e-12)
    assert se == pytest.approx(math.sqrt(sandwich[1, 1]), rel=1e-10)
    assert t == pytest.approx(slope / se)


def test_without_autocorrelation_the_statistic_is_the_ols_t():
    design = trend._Design.of(np.arange(12.0))
    y = np.array([3.0, 5, 4, 8, 7, 9, 12, 10, 13, 15, 14, 18])
    plain = sm.OLS(y, sm.add_constant(np.arange(12.0))).fit()
    factor = design.correlated_sum(design.slope_weights, design.slope_weights, 0.0)[0]
    assert factor * plain.mse_resid == pytest.approx(plain.bse[1] ** 2, rel=1e-12)


def test_interval_excludes_zero_exactly_when_p_is_below_5_percent():
    rng = np.random.default_rng(3)
    for k in range(60):
        y = pd.Series(rng.normal(0, 1, 30) + 0.02 * k * np.arange(30))
        result = trend.linear_trend(y)
        low, high = result.slope_ci
        assert (low > 0 or high < 0) == (result.p_value < 0.05)
        assert low <= result.slope <= high


def test_same_series_same_p_value():
    y = pd.Series(np.random.default_rng(5).normal(0, 1, 40).cumsum())
    assert trend.linear_trend(y).p_value == trend.linear_trend(y.copy()).p_value


def test_band_is_in_the_table_and_brackets_the_line():
    y = pd.Series([3.0, 5, 4, 8, 7, 9, 12, 10, 13, 15, 14, 18])
    table = trend.linear_trend(y).table
    assert (table["lower"] < table["fitted"]).all() and (table["fitted"] < table["upper"]).all()
    half = (table["upper"] - table["lower"]) / 2
    assert half.iloc[0] > half.iloc[6] < half.iloc[-1]


def test_strong_autocorrelation_is_said_in_words():
    y = pd.Series(np.random.default_rng(11).normal(0, 1, 60).cumsum())
    result = trend.linear_trend(y)
    assert result.autocorrelation >= trend.PERSISTENT_AUTOCORRELATION
    assert any("autocorrelated" in w for w in result.warnings)


def test_flat_noise_is_flat():
    y = pd.Series([10.0, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11])
    result = trend.linear_trend(y)
    assert result.p_value >= 0.05
    assert result.direction == "flat"


def test_falling_series_is_down():
    result = trend.linear_trend(pd.Series([20.0, 18, 17, 15, 14, 11, 10, 8]))
    assert result.direction == "down"
    assert result.slope < 0 and result.slope_ci[1] < 0


def test_fewer_than_six_points_gives_no_verdict():
    result = trend.linear_trend(pd.Series([1.0, 2, 3, 4, 7]))
    assert result.direction is None
    assert math.isnan(result.p_value)
    assert result.slope == pytest.approx(1.4)
    assert any("at least 6" in w for w in result.warnings)
    assert "at least 6" in result.no_verdict


def test_missing_values_keep_their_positions():
    y = pd.Series([1.0, 3.0, math.nan, 7.0, 9.0, 11.0, 13.0])
    result = trend.linear_trend(y)
    direct = sm.OLS([1.0, 3, 7, 9, 11, 13], sm.add_constant([0.0, 1, 3, 4, 5, 6])).fit()
    assert result.slope == pytest.approx(direct.params[1])
    assert result.fitted.iloc[2] == pytest.approx(5.0)
    assert result.n == 6
    assert any("1 missing" in w for w in result.warnings)


def test_absent_periods_keep_their_dates():
    index = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01", "2024-06-01", "2024-07-01",
                            "2024-08-01"])
    y = pd.Series([0.0, 1, 4, 5, 6, 7], index=index)
    result = trend.linear_trend(y, "M")
    assert result.slope == pytest.approx(1.0)
    assert result.table["position"].tolist() == [0, 1, 4, 5, 6, 7]


def test_weekly_slope_per_year():
    y = pd.Series(np.arange(10.0) * 2, index=pd.date_range("2024-04-01", periods=10, freq="7D"))
    assert trend.linear_trend(y, "W").slope_per_year == pytest.approx(2 * 365.25 / 7)


def test_log_linear_growth():
    y = pd.Series(100 * 1.02 ** np.arange(12))
    result = trend.linear_trend(y, "M", log=True)
    assert result.growth_pct == pytest.approx(2.0, rel=1e-9)
    assert result.growth_pct_per_year == pytest.approx((1.02**12 - 1) * 100, rel=1e-9)
    assert result.pct_change == pytest.approx((1.02**11 - 1) * 100, rel=1e-9)
    assert result.fitted.iloc[-1] == pytest.approx(y.iloc[-1])


def test_log_linear_needs_positive_values():
    with pytest.raises(AnalysisError, match="above zero"):
        trend.linear_trend(pd.Series([1.0, 0.0, 2, 3, 4, 5]), log=True)


def test_too_few_points_raises():
    with pytest.raises(AnalysisError, match="at least 2"):
        trend.linear_trend(pd.Series([1.0, math.nan]))


def test_fitted_start_at_or_below_zero_has_no_pct_change():
    result = trend.linear_trend(pd.Series([-2.0, -1, 0, 1, 2, 3]))
    assert result.pct_change is None
    assert any("% change" in w for w in result.warnings)


@pytest.mark.parametrize("value", [4.0, 0.0, -3.5, 0.95, 0.1 + 0.2, 1e9 / 3])
def test_constant_series_gets_no_verdict_and_no_slope(value):
    """A review found "a statistically significant upward trend of 4.1e-14 a year" on constants."""
    result = trend.linear_trend(pd.Series([value] * 30))
    assert result.direction is None
    assert result.slope == 0.0
    assert math.isnan(result.p_value) and math.isnan(result.r2)
    assert "every value is the same" in result.no_verdict


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=-100, max_value=100).filter(lambda b: abs(b) > 1e-3),
       st.floats(min_value=-1e3, max_value=1e3), st.integers(min_value=6, max_value=60))
def test_a_perfect_line_has_the_exact_slope_and_p_near_zero(slope, intercept, n):
    y = pd.Series(intercept + slope * np.arange(n))
    result = trend.linear_trend(y)
    assert result.slope == pytest.approx(slope, rel=1e-9, abs=1e-9)
    assert result.p_value < 1e-6
    assert result.direction == ("up" if slope > 0 else "down")


def test_frequency_helpers():
    assert trend.future_periods(pd.Timestamp("2025-01-01"), "Q", 2).tolist() == [
        pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01")]
    index = pd.to_datetime(["2024-04-01", "2024-04-15"])
    assert trend.missing_periods(index, "W").tolist() == [pd.Timestamp("2024-04-08")]
    with pytest.raises(ValueError):
        trend.check_frequency("A")  # not a frequency code ("Y" is calendar years)


def test_noise_is_rarely_called_a_significant_trend():
    """Pure noise is called a significant trend about 5% of the time (the full size study is in
    test_simulation.py, marked slow)."""
    rng = np.random.default_rng(20261122)
    hits = sum(trend.linear_trend(pd.Series(rng.normal(100, 10, 13)), None).p_value < 0.05 for _ in range(300))
    assert hits / 300 <= 0.08, hits / 300
