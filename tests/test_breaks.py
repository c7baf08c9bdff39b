"""Change points: the statistic by hand (statsmodels), clear and absent breaks, short series, the real A&E series.

Detection rate, location and false alarms by simulation are in test_simulation.py (marked slow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import analytics
from analytics import analysis, breaks, commentary

AE_FILE = Path(__file__).resolve().parent / "corpus_real" / "nhse_ae_monthly_timeseries_2026-03.xls"
AE_COPY = Path(__file__).parent / "data" / "nhse_ae_monthly_timeseries_2026-03.xls"


def monthly(values, start="2015-04-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


def test_sup_f_matches_statsmodels_regressions_at_every_split():
    rng = np.random.default_rng(1)
    n = 40
    x = np.arange(n) - 19.5
    y = rng.normal(0, 1, n) + np.where(np.arange(n) >= 25, 2.0, 0.0) + 0.03 * np.arange(n)
    best_f, best_k = 0.0, None
    line = sm.OLS(y, sm.add_constant(x)).fit()
    for k in range(8, 33):
        step = np.column_stack([np.ones(n), x, np.arange(n) >= k])
        f_step = (line.ssr - sm.OLS(y, step).fit().ssr) / (sm.OLS(y, step).fit().ssr / (n - 3))
        two = sum(sm.OLS(part_y, sm.add_constant(part_x)).fit().ssr for part_x, part_y in ((x[:k], y[:k]),
                                                                                         (x[k:], y[k:])))
        f_lines = (line.ssr - two) / 2 / (two / (n - 4))
        for f in (f_step, f_lines):
            if f > best_f:
                best_f, best_k = f, k
    f, k = breaks._sup_f(x, y[None, :], 8, 32)
    assert f[0] == pytest.approx(best_f, rel=1e-9)
    assert k[0] == best_k


def test_a_clear_step_is_found_at_its_date_with_its_size():
    rng = np.random.default_rng(4)
    values = np.r_[rng.normal(100, 5, 30), rng.normal(70, 5, 30)]
    result = breaks.find_breaks(monthly(values), "M")
    assert result.periods == [pd.Timestamp("2017-10-01")]
    assert result.table["shift"].iloc[0] == pytest.approx(-30, abs=5)
    assert result.table["p_value"].iloc[0] < breaks.BREAK_LEVEL
    assert result.stable_start == pd.Timestamp("2017-10-01")


def test_noise_and_a_steady_trend_have_no_break():
    rng = np.random.default_rng(8)
    assert breaks.find_breaks(monthly(rng.normal(50, 3, 60)), "M").periods == []
    assert breaks.find_breaks(monthly(50 + 0.4 * np.arange(60) + rng.normal(0, 3, 60)), "M").periods == []


def test_short_series_are_not_searched_and_say_so():
    result = breaks.find_breaks(monthly(np.arange(10.0)), "M")
    assert not result.tested and result.periods == []
    assert "at least" in result.warnings[0]


def test_constant_and_gappy_series_do_not_crash():
    assert breaks.find_breaks(monthly([5.0] * 40), "M").periods == []
    values = np.r_[np.full(25, 10.0), np.full(25, 30.0)] + np.random.default_rng(2).normal(0, 1, 50)
    values[[3, 17, 33]] = np.nan
    result = breaks.find_breaks(monthly(values), "M")
    assert result.periods == [pd.Timestamp("2017-05-01")]


def test_same_series_same_breaks():
    values = monthly(np.random.default_rng(3).normal(0, 1, 80).cumsum())
    first, second = breaks.find_breaks(values, "M"), breaks.find_breaks(values.copy(), "M")
    pd.testing.assert_frame_equal(first.table, second.table)


def test_analysis_fits_the_trend_after_the_break_and_offers_the_rebase():
    rng = np.random.default_rng(5)
    values = np.r_[rng.normal(200, 8, 36), 120 + 1.5 * np.arange(30) + rng.normal(0, 8, 30)]
    a = analysis.analyse_series(monthly(values), name="Admissions", frequency="M", seasonal=False)
    assert a.suggested_rebase == (pd.Timestamp("2018-04-01"),)
    assert a.suggested_rebase_positions == (36,)
    assert a.trend.n == 30 and a.trend.direction == "up"
    assert a.trend.fitted.index[0] == pd.Timestamp("2018-04-01")
    text = [s.text for s in commentary.describe_series(a)]
    assert any("a step change around April 2018" in t and "the trend is fitted after it" in t for t in text)
    assert any("suggests recalculating the limits from there" in t for t in text)


@pytest.mark.skipif(not AE_FILE.exists(), reason="the shared corpus is not on this machine")
def test_real_nhs_england_ae_series_breaks_at_covid_and_the_trend_is_after_it():
    data = analytics.load(AE_FILE)
    measure = "A&E attendances: Total Attendances"
    series = data.series(measure)
    result = breaks.find_breaks(series, "M")
    march_2020 = pd.Timestamp("2020-03-01")
    assert any(abs((p - march_2020).days) <= 62 for p in result.periods), result.table
    a = analysis.analyse_series(series, name=measure, frequency="M")
    assert a.trend.fitted.index[0] == result.stable_start > march_2020
    sentences = [s.text for s in commentary.describe_series(a)]
    assert any("March 2020" in t and "fitted after" in t for t in sentences)
