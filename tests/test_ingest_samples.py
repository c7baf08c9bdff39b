"""Every sample file loads with the expected shape, measures and periods, and a balanced ledger.

Expected facts come from sample_data/README.md (what make_samples.py writes), not from the loader.
"""

from __future__ import annotations

import pandas as pd
import pytest

import analytics
from tests.conftest import SAMPLES

T = pd.Timestamp

EXPECTED = {
    # file: (kind, layout, frequency, n_measures, first period, last period, rows used)
    "service_centre_daily.xlsx": ("timeseries", "wide", "D", 2, T(2023, 8, 10), T(2024, 8, 9), 366),
    "contacts_records.csv": ("records", "records", "W", 1, T(2023, 8, 7), T(2024, 8, 5), 25_033),
    "self_serve_visitors.xlsx": ("timeseries", "periods_across", "M", 7, T(2023, 5, 1), T(2024, 7, 1), 7),
    "reablement_weekly.xlsx": ("timeseries", "wide", "W", 6, T(2022, 8, 8), T(2024, 7, 29), 104),
    "placements_monthly.xlsx": ("timeseries", "wide", "M", 1, T(2021, 4, 1), T(2024, 3, 1), 144),
    "assessments_placements_weekly.xlsx": ("timeseries", "wide", "W", 2, T(2023, 4, 1), T(2024, 7, 27), 70),
    "dols_weekly.csv": ("timeseries", "wide", "W", 3, T(2022, 8, 15), T(2024, 8, 5), 104),
    "kpi_targets.xlsx": ("timeseries", "long", "Q", 3, T(2023, 4, 1), T(2025, 1, 1), 24),
    "messy_monthly_cp1252.csv": ("timeseries", "wide", "M", 2, T(2024, 4, 1), T(2025, 2, 1), 11),
    # 12 lines used; the 5 subtotal and total lines are kept in the frame, flagged 'total', and listed in the
    # ledger as "total / average row" (their line role), so they are never added in again.
    "finance_scorecard.xlsx": ("table", "table", None, 4, None, None, 12),
    "benchmarking_south_east.xlsx": ("table", "table", None, 4, None, None, 20),
}


@pytest.fixture(scope="module")
def loaded():
    return {name: analytics.load(SAMPLES / name) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_shape_and_ledger(loaded, name):
    kind, layout, freq, n_measures, first, last, used = EXPECTED[name]
    data = loaded[name]
    assert (data.kind, data.source.layout, data.frequency) == (kind, layout, freq)
    assert len(data.measures) == n_measures
    if first is not None:
        assert data.frame["period"].min() == first
        assert data.frame["period"].max() == last
    assert data.ledger.rows_used == used
    assert data.ledger.balanced, data.ledger.summary()
    assert set(data.ledger.excluded["reason"]) <= {
        "title", "blank", "header", "note", "total / average row", "duplicate period", "unparseable period",
        "not a number", "another table (table 2)", "no values",
    }


def test_service_centre_total_row_is_excluded_not_counted(loaded):
    data = loaded["service_centre_daily.xlsx"]
    reasons = data.ledger.excluded.set_index("row")["reason"]
    assert reasons[372] == "total / average row"
    calls = data.series("Calls answered")
    assert len(calls) == 366 and calls.notna().all()


def test_reablement_merged_group_label_and_suppression(loaded):
    data = loaded["reablement_weekly.xlsx"]
    assert "Outcomes at completion: Same or more care" in data.measures
    assert data.measures["Average length of stay (days)"].unit == "days"
    same = data.frame[data.frame["measure"] == "Outcomes at completion: Same or more care"]
    suppressed = same[same["flag"] == "[c]"]
    assert len(suppressed) == 4 and suppressed["value"].isna().all()
    assert data.source.header_rows == (5, 6)


def test_self_serve_percent_format_becomes_percent_unit(loaded):
    data = loaded["self_serve_visitors.xlsx"]
    assert data.measures["Bounce rate"].unit == "percent"
    bounce = data.series("Bounce rate")
    assert bounce.between(1, 100).all()  # 0.45 formatted 0.0% is read as 45
    total = data.series("Total visitors")
    assert total[T(2024, 6, 1)] == 280 and total[T(2024, 7, 1)] == 325


def test_week_ending_text_dates_and_duplicate_week(loaded):
    data = loaded["assessments_placements_weekly.xlsx"]
    dup = data.ledger.excluded[data.ledger.excluded["reason"] == "duplicate period"]
    assert len(dup) == 1
    assert any("week ending" in w for w in data.warnings)


def test_records_split_and_recount():
    data = analytics.load(SAMPLES / "contacts_records.csv",
                          options=analytics.ingest.Options(split_by="Source", record_frequency="M"))
    assert data.frequency == "M" and data.dimensions == ("source",)
    assert data.frame["value"].sum() == 25_033
    assert set(data.frame["source"]) == {"Telephone", "Email", "Online form", "Professional referral", "Hospital"}


def test_placements_long_with_age_band_dimensions(loaded):
    data = loaded["placements_monthly.xlsx"]
    assert set(data.dimensions) == {"setting", "age_band"}
    assert set(data.frame["age_band"]) == {"18-64", "65+"}
    assert data.measures["Admissions"].polarity == "lower_is_better"


def test_kpi_targets_quarters_and_target_column(loaded):
    data = loaded["kpi_targets.xlsx"]
    assert "target" in data.frame.columns
    assert data.measures["Direct payments (%)"].unit == "percent"
    latest = data.frame[data.frame["period"] == T(2025, 1, 1)]
    assert latest["value"].isna().all() and latest["target"].notna().all()


def test_cp1252_semicolon_csv_numbers(loaded):
    data = loaded["messy_monthly_cp1252.csv"]
    spend = data.series("Spend (£)")
    assert spend[T(2024, 4, 1)] == 1_165_644
    assert data.measures["Spend (£)"].unit == "currency"
    requests = data.frame[data.frame["measure"] == "Requests for support"]
    assert (requests.loc[requests["period"] == T(2024, 9, 1), "flag"] == "-").all()


def test_benchmarking_footnotes_stripped_and_average_flagged(loaded):
    data = loaded["benchmarking_south_east.xlsx"]
    cats = set(data.frame["category"])
    assert {"Kent", "Slough"} <= cats and "Kent 2" not in cats
    assert (data.frame.loc[data.frame["category"] == "South East average", "flag"] == "aggregate").all()
    assert all(m.unit == "percent" for m in data.measures.values())
    assert len(data.source.tables) == 2  # the Population sheet is listed as another table


def test_finance_scorecard_totals_flagged_and_income_negative(loaded):
    data = loaded["finance_scorecard.xlsx"]
    budget = data.frame[data.frame["measure"] == "Working budget £m"]
    assert budget.loc[budget["category"] == "Total Adult Social Care", "value"].item() == pytest.approx(206.70)
    assert (budget.loc[budget["category"].str.startswith("Total"), "flag"] == "total").all()
    assert (budget["value"] < 0).sum() >= 1
    variance = data.frame[data.frame["measure"] == "Variance £m"]
    assert (variance["value"] < 0).sum() >= 3  # '(0.17)' text cells read as negatives


def test_finance_monthly_monitor_months_across_with_stated_year():
    data = analytics.load(SAMPLES / "finance_scorecard.xlsx", sheet="Monthly monitor")
    assert data.source.layout == "periods_across" and data.frequency == "M"
    assert data.frame["period"].min() == T(2024, 4, 1)
    assert data.frame["period"].max() == T(2024, 6, 1)  # M4-M12 blank: left out, and said
    assert any("no values yet" in w for w in data.warnings)


def test_hidden_chart_sheet_ranked_last(loaded):
    tables = loaded["service_centre_daily.xlsx"].source.tables
    assert tables[0].sheet == "Daily" and tables[-1].hidden
