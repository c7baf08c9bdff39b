"""analysis: every model on one series, whole datasets, the KPI summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics import analysis
from analytics.analysis import DEFAULT_WINDOWS, analyse_dataset, analyse_series, baseline_from_text, kpi_summary
from analytics.errors import AnalysisError

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def monthly(values, start="2022-04-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


def test_full_analysis_of_a_long_monthly_series():
    values = 100 + np.arange(36) + 10 * np.sin(np.arange(36) * 2 * np.pi / 12)
    a = analyse_series(monthly(values), name="Requests", frequency="M", target=120.0,
                       polarity="higher_is_better", horizon=3)
    assert a.window == DEFAULT_WINDOWS["M"] == 3
    assert a.moving_average.iloc[2] == pytest.approx(values[:3].mean())
    assert a.trend.direction == "up" and a.spc is not None and a.seasonal is not None
    assert a.forecast is not None and len(a.forecast.table) == 3
    assert a.period_change.after == pytest.approx(values[-1]) and a.period_change.after_label == "March 2025"
    assert a.year_change.before == pytest.approx(values[-13]) and a.year_change.before_label == "March 2024"
    assert a.ytd.before_label == "2023/24" and a.ytd.after_label == "2024/25"
    assert a.target.rag == "Green"


def test_short_odd_series_gives_none_and_warnings_not_errors():
    a = analyse_series(monthly([3.0, np.nan]), name="Falls", frequency="M", horizon=2)
    assert a.trend is None and a.forecast is None and a.seasonal is None and a.year_change is None
    assert a.period_change is None
    assert any("Short series" in w for w in a.warnings)
    assert any("No value yet for May 2022" in w for w in a.warnings)
    assert len(a.warnings) == len(set(a.warnings))


@pytest.mark.parametrize(("name", "unit", "adds_up"), [
    ("Number of patients who no longer meet the criteria to reside", "count", False),  # NHS discharge sitreps
    ("Beds occupied", "count", False), ("Patients remaining in hospital", "count", False),
    ("Incomplete RTT pathways Median wait (weeks)", "weeks", False), ("Total waiting (mil)", "count", False),
    ("Number of patients discharged", "count", True), ("Admissions to residential care", "count", True),
])
def test_a_year_to_date_only_for_measures_that_add_up(name, unit, adds_up):
    assert analysis.is_cumulative(name, unit) is adds_up


def test_kpi_and_statistics_say_too_few_points_for_spc_not_common_cause():
    two = analyse_series(monthly([510.0, 540.0]), name="Admissions", frequency="M")
    kpi = kpi_summary([two])
    assert kpi["variation"].isna().all() and kpi["spc_limits"].tolist() == ["too few points for SPC: 2 of the 7 needed"]
    assert analysis.kpi_display(kpi)["variation"].tolist() == ["Too few points for SPC: 2 of the 7 needed"]
    stats = dict(analysis.statistics_table(two).to_numpy())
    assert stats["SPC"] == "Too few points for SPC: 2 of the 7 needed" and "SPC variation" not in stats
    eight = kpi_summary([analyse_series(monthly([510.0, 540.0, 530, 520, 525, 535, 515, 530]), name="A",
                                        frequency="M")])
    assert analysis.kpi_display(eight)["variation"].iloc[0].startswith("Common cause")


def test_gaps_become_nan_rows_and_baseline_change():
    series = monthly(np.r_[np.full(12, 10.0), np.full(12, 12.0)]).drop(pd.Timestamp("2023-01-01"))
    a = analyse_series(series, name="Admissions", frequency="M",
                       baseline=(pd.Timestamp("2022-04-01"), pd.Timestamp("2022-09-30")))
    assert len(a.series) == 24 and np.isnan(a.series.loc["2023-01-01"])
    assert a.baseline == (pd.Timestamp("2022-04-01"), pd.Timestamp("2022-09-01"))
    assert a.baseline_change.before == 10 and a.baseline_change.after == 12
    assert a.baseline_change.words == "up 20%"


def test_baseline_read_from_a_title():
    start, end = baseline_from_text("Baseline period: weeks ending 07/04/2023 to 30/06/2023 | Source", "W")
    assert (start, end) == (pd.Timestamp("2023-04-01"), pd.Timestamp("2023-06-24"))
    assert baseline_from_text("No baseline here", "W") is None


def test_dataset_drops_total_rows_and_splits_dimensions():
    data = analytics.load(SAMPLES / "placements_monthly.xlsx")
    names = [a.name for a in analyse_dataset(data)]
    assert names[0] == "Admissions" and "Admissions (Residential)" in names and "Admissions (18-64)" in names
    total = analyse_dataset(data)[0].series
    frame = data.frame
    assert total.sum() == frame["value"].sum()


def test_a_dimension_of_more_than_max_splits_values_is_not_split():
    from analytics.analysis import MAX_SPLITS

    months = pd.date_range("2023-04-01", periods=12, freq="MS")

    def csv(areas: int) -> bytes:
        lines = ["Month,Area,Measure,Value,Unit"]
        lines += [f"{m:%Y-%m-%d},Area {a},Admissions,{10 + a + i},count" for i, m in enumerate(months)
                  for a in range(areas)]
        lines += [f"{m:%Y-%m-%d},Area {a},Share seen,{40 + a},%" for m in months for a in range(areas)]
        return "\n".join(lines).encode()

    few = [a.name for a in analyse_dataset(analytics.load(csv(MAX_SPLITS), filename="few.csv"))]
    many = [a.name for a in analyse_dataset(analytics.load(csv(MAX_SPLITS + 1), filename="many.csv"))]
    assert "Admissions (Area 0)" in few and "Share seen (Area 0)" in few and len(few) == 1 + 2 * MAX_SPLITS
    assert many == ["Admissions"]  # a total; 21 areas are a benchmark, not 21 trends (a share is never summed)


def test_dataset_targets_and_kpi_summary():
    data = analytics.load(SAMPLES / "kpi_targets.xlsx")
    analyses = analyse_dataset(data)
    summary = kpi_summary(analyses)
    row = summary.set_index("measure").loc["Direct payments (%)"]
    assert row["target"] == 25.0 and row["rag"] == "Amber" and row["period"] == "2024/25 Q3"
    assert row["vs_last_period"] == "better" and row["assurance"] == "consistent_fail"
    referrals = summary.set_index("measure").loc["Referrals"]
    assert referrals["vs_last_period"] in ("rose", "fell", "no change")
    assert all(isinstance(v, float) for v in row["sparkline"]) and len(row["sparkline"]) <= 26


def test_stock_measures_get_no_year_to_date():
    data = analytics.load(SAMPLES / "dols_weekly.csv")
    by_name = {a.name: a for a in analyse_dataset(data)}
    assert by_name["Waiting list"].ytd is None and by_name["Applications received"].ytd is not None


def test_non_time_series_raises_analysis_error():
    with pytest.raises(AnalysisError):
        analyse_dataset(analytics.load(SAMPLES / "benchmarking_south_east.xlsx"))


def test_statistics_table_shows_the_numbers_the_commentary_uses():
    weeks = pd.date_range("2023-01-02", periods=30, freq="7D")
    values = pd.Series(np.arange(30, dtype=float) + 50, index=weeks)
    a = analysis.analyse_series(values, name="Starts", frequency="W", polarity="higher_is_better", target=60)
    table = analysis.statistics_table(a).set_index("Statistic")["Value"]
    assert table["Points"] == "30"
    assert table["Trend slope per period (95% CI)"].startswith("1.00 (")
    assert table["Trend direction (5% level)"] == "up"
    assert table["SPC variation"].startswith("Special cause: improvement")
    kpi = analysis.kpi_display(analysis.kpi_summary([a]))
    assert kpi.loc[0, "variation"] == table["SPC variation"]


def test_no_year_to_date_total_for_averages_or_levels():
    months = pd.date_range("2022-04-01", periods=30, freq="MS")
    values = pd.Series(np.linspace(900, 1000, 30), index=months)
    for name in ("Average weekly cost of nursing care (£)", "Waiting list", "People in residential care"):
        a = analyse_series(values, name=name, frequency="M", unit="currency" if "£" in name else "count")
        assert a.ytd is None, name
    assert analyse_series(values, name="Admissions", frequency="M").ytd is not None


def test_periods_the_file_marks_as_forecasts_are_left_out_of_trend_and_spc():
    """HM Treasury's deflators run six OBR forecast years past the outturn: a trend or SPC fitted through them
    treats a projection as observed. The forecast rows stay in the dataset, marked; the models leave them out
    and a caveat names them."""
    from tests.conftest import xlsx_bytes

    years = range(2005, 2025)
    rows = [["Financial year", "Spend"]] + [[f"{y}-{(y + 1) % 100:02d}" + (" (f)" if y >= 2021 else ""),
                                             100.0 + (y - 2005) + (50.0 if y >= 2021 else 0.0)] for y in years]
    data = analytics.load(xlsx_bytes(rows), filename="spend.xlsx", isolated=False)
    assert data.frame["forecast"].sum() == 4
    result = analyse_dataset(data)[0]
    assert result.series.index.max() == pd.Timestamp("2020-04-01") and len(result.series) == 16
    assert result.trend.slope_per_year == pytest.approx(1.0)
    assert any("marks 2021/22 to 2024/25 as forecasts" in w for w in result.warnings)
    series, notes = analysis.measure_series(data, "Spend")
    assert series.index.max() == pd.Timestamp("2020-04-01") and any("forecasts" in n for n in notes)
