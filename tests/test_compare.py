"""Comparisons in words: rounding, percentage points, period matching, year to date, targets, baseline."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics import compare
from analytics.errors import AnalysisError

GOLDEN = json.loads((Path(__file__).parent / "golden" / "compare_words.json").read_text())


@pytest.mark.parametrize("case", GOLDEN["change"], ids=lambda c: f"{c['before']}->{c['after']} {c['unit']}")
def test_change_words_golden(case):
    assert compare.change(case["before"], case["after"], case["unit"]).words == case["words"]


def test_change_numbers():
    result = compare.change(200, 233)
    assert (result.abs, result.pct) == (33.0, 16.5)
    assert compare.change(0, 5).pct is None
    assert compare.change(-50, -40).pct == pytest.approx(20.0)  # % of |before|: up is up


@pytest.mark.parametrize(("x", "digits", "expected"), [(2.5, 0, 3), (-2.5, 0, -3), (0.5, 0, 1), (1.5, 0, 2),
                                                       (16.49, 0, 16), (0.125, 2, 0.13), (-0.4, 0, 0),
                                                       (16.499999999999996, 0, 17)])
def test_round_half_away_from_zero(x, digits, expected):
    assert compare.round_half_away(x, digits) == expected


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_round_half_away_on_exact_halves(n):
    half = n + 0.5
    assert compare.round_half_away(half) == (n + 1 if half > 0 else n)


def test_small_changes_and_missing_values():
    assert compare.change(1000, 1004).words == "up less than 1%"
    assert compare.change(50.0, 50.3, "percent").words == "up less than 1 percentage point"
    assert compare.change(0, 0).words == "no change"
    assert compare.change(math.nan, 5).words == "not available"
    assert compare.change(None, 5).words == "not available"
    with pytest.raises(ValueError):
        compare.change(1, 2, unit="pounds")


def monthly(values, start="2023-04-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


def test_period_on_period():
    result = compare.period_on_period(monthly([10, 12, 15]), "M")
    assert (result.before, result.after, result.words) == (12.0, 15.0, "up 25%")
    assert (result.before_label, result.after_label) == ("May 2023", "June 2023")


def test_period_on_period_names_a_missing_period():
    series = pd.Series([10.0, 20.0], index=pd.to_datetime(["2024-01-01", "2024-03-01"]))
    result = compare.period_on_period(series, "M")
    assert result.warnings == ("The period before March 2024 is missing; compared with January 2024 instead.",)
    assert result.words == "up 100%"


def test_same_month_last_year():
    result = compare.same_period_last_year(monthly(np.arange(14.0) + 1), "M")
    assert (result.before, result.after) == (2.0, 14.0)
    assert (result.before_label, result.after_label) == ("May 2023", "May 2024")


def test_same_quarter_last_year():
    quarters = pd.Series([1.0, 2, 3, 4, 5], index=pd.date_range("2023-04-01", periods=5, freq="3MS"))
    result = compare.same_period_last_year(quarters, "Q")
    assert (result.before, result.after, result.after_label) == (1.0, 5.0, "2024/25 Q1")


def test_weeks_are_matched_by_iso_week_across_a_53_week_year():
    # 2021-W10 starts 8 Mar 2021; 2020-W10 started 2 Mar 2020, 53 weeks earlier (2020 had 53 ISO weeks)
    weeks = pd.Series(np.arange(70.0), index=pd.date_range("2020-01-06", periods=70, freq="7D"))
    weeks = weeks.loc[:"2021-03-08"]
    result = compare.same_period_last_year(weeks, "W")
    assert result.before_label == "week commencing 2 March 2020"
    assert result.after_label == "week commencing 8 March 2021"
    assert (result.after - result.before) == 53  # one value per week: 53 weeks apart, not 52


def test_iso_week_53_has_no_match():
    index = pd.date_range("2019-12-30", periods=60, freq="7D")
    weeks = pd.Series(np.arange(60.0), index=index).loc[:"2020-12-28"]
    result = compare.same_period_last_year(weeks, "W")
    assert result.words == "not available"
    assert "week 53" in result.warnings[0]


def test_financial_year_to_date_by_hand():
    # Apr 2023 .. Sep 2024: this year Apr-Sep 2024 = 12+...+17 = 87; last year Apr-Sep 2023 = 0+...+5 = 15
    result = compare.year_to_date(monthly(np.arange(18.0)), "M")
    assert (result.before, result.after) == (15.0, 87.0)
    assert result.after_label == "2024/25 to September 2024"
    assert result.before_label == "2023/24 to September 2023"


def test_year_to_date_averages_percentages_and_warns_about_gaps():
    values = np.arange(18.0)
    values[2] = np.nan
    result = compare.year_to_date(monthly(values), "M", unit="percent")
    assert result.before == pytest.approx(np.mean([0, 1, 3, 4, 5]))
    assert any("Not like for like" in w for w in result.warnings)
    assert any("averaged" in w for w in result.warnings)


def test_year_to_date_needs_last_year_and_sub_annual_data():
    with pytest.raises(AnalysisError):
        compare.year_to_date(monthly([1.0, 2.0], start="2024-04-01"), "M")
    with pytest.raises(AnalysisError):
        compare.year_to_date(monthly([1.0, 2.0]), "FY")


def test_rolling_12_months():
    result = compare.rolling_12_months(monthly(np.ones(24)), "M")
    assert (result.before, result.after, result.words) == (12.0, 12.0, "no change")
    with pytest.raises(AnalysisError, match="24 periods"):
        compare.rolling_12_months(monthly(np.ones(23)), "M")


@pytest.mark.parametrize(
    ("before", "after", "polarity", "expected"),
    [(10, 12, "higher_is_better", "better"), (10, 12, "lower_is_better", "worse"),
     (10, 8, "lower_is_better", "better"), (10, 10, "higher_is_better", "same"),
     (10, 12, "neutral", "up"), (math.nan, 3, "higher_is_better", None)],
)
def test_direction_of_travel(before, after, polarity, expected):
    assert compare.direction_of_travel(before, after, polarity) == expected


@pytest.mark.parametrize(
    ("value", "target", "polarity", "rag"),
    [(80, 80, "higher_is_better", "Green"), (85, 80, "higher_is_better", "Green"),
     (72, 80, "higher_is_better", "Amber"), (71.9, 80, "higher_is_better", "Red"),
     (88, 80, "lower_is_better", "Amber"), (88.1, 80, "lower_is_better", "Red"),
     (70, 80, "lower_is_better", "Green")],
)
def test_rag_against_target(value, target, polarity, rag):
    assert compare.against_target(value, target, polarity).rag == rag


def test_target_tolerance_and_words():
    assert compare.against_target(72, 80, tolerance=0.05).rag == "Red"
    assert compare.against_target(76, 80).words == "Amber: 76 against a target of 80 (5% worse)"
    assert compare.against_target(80, 80).words == "Green: 80 against a target of 80 (target met)"
    assert compare.against_target(77, 80, unit="percent").words.endswith("(3 percentage points worse)")
    neutral = compare.against_target(5, 4, "neutral")
    assert neutral.rag is None and neutral.warnings


@pytest.mark.parametrize("case", GOLDEN["against_baseline"])
def test_against_baseline_golden(case):
    result = compare.against_baseline(case["actual"], case["activity"], case["baseline_actual"],
                                      case["baseline_activity"])
    assert result.expected == pytest.approx(case["expected"], rel=1e-12)
    assert result.words == case["words"]


def test_against_baseline_more_same_and_errors():
    more = compare.against_baseline(70, 100, 50, 100)
    assert more.words == "70 against 50 expected at the baseline rate, 20 more"
    assert compare.against_baseline(50, 100, 50, 100).words.endswith("as expected")
    with pytest.raises(AnalysisError):
        compare.against_baseline(5, 10, 5, 0)


def test_period_labels():
    day = pd.Timestamp("2025-01-06")
    assert compare.period_label(day, "D") == "6 January 2025"
    assert compare.period_label(day, "W") == "week commencing 6 January 2025"
    assert compare.period_label(pd.Timestamp("2025-01-01"), "Q") == "2024/25 Q4"
    assert compare.period_label(pd.Timestamp("2025-04-01"), "FY") == "2025/26"


def test_weekly_year_to_date_compares_the_same_number_of_weeks():
    # Saturday-start weeks: cutting both years at 1 April would give last year 18 weeks against 17.
    weeks = pd.date_range("2023-04-01", "2024-07-27", freq="7D")
    values = pd.Series(10.0, index=weeks)
    result = compare.year_to_date(values, "W")
    assert result.before == result.after == 170.0
    assert not any("Not like for like" in w for w in result.warnings)


def test_the_values_a_year_before_are_those_same_period_last_year_compares_with():
    weekly = pd.Series(np.arange(110, dtype=float), index=pd.date_range("2022-08-08", periods=110, freq="7D"))
    line = compare.values_a_year_before(weekly, "W")
    assert line.iloc[-1] == compare.same_period_last_year(weekly, "W").before and np.isnan(line.iloc[0])
    assert line.iloc[52:].tolist() == weekly.iloc[:58].tolist()  # ISO week matched: 52 weeks back in these years
    daily = pd.Series(np.arange(400, dtype=float), index=pd.date_range("2023-01-02", periods=400, freq="D"))
    line = compare.values_a_year_before(daily, "D")
    assert line.iloc[-1] == compare.same_period_last_year(daily, "D").before == 399 - 364
    months = pd.Series(np.arange(24.0), index=pd.date_range("2023-04-01", periods=24, freq="MS"))
    assert compare.values_a_year_before(months, "M").iloc[-1] == 11
    assert compare.values_a_year_before(months, "M").iloc[:12].isna().all()
