"""Dataset, Ledger and the detection summary: series sum dimensions but never totals; the ledger balances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import dataset
from analytics.catalogue import MeasureInfo
from analytics.dataset import Dataset, Ledger, Source, sum_by_period
from analytics.errors import AnalysisError

MONTHS = pd.to_datetime(["2024-04-01", "2024-05-01"])


def _data(unit: str = "count") -> Dataset:
    frame = pd.DataFrame({"period": np.repeat(MONTHS, 3), "measure": "Admissions",
                          "value": [2.0, 3.0, 5.0, 4.0, np.nan, 4.0],
                          "age_band": ["18-64", "65+", "All"] * 2, "flag": ["", "", "total"] * 2})
    ledger = Ledger(8, 6, pd.DataFrame({"row": [1, 2], "column": ["", ""], "reason": ["title", "blank"],
                                        "detail": ["", ""]}))
    source = Source("a.xlsx", "xlsx", "Sheet1", 0, (3,), "long")
    return Dataset(frame, "timeseries", "M", {"Admissions": MeasureInfo(unit=unit)}, ledger, (), source,
                   ("age_band",))


def test_a_series_sums_the_dimensions_but_never_the_total_row():
    series = _data().series("Admissions")
    assert series.iloc[0] == 5.0 and np.isnan(series.iloc[1])  # a missing part leaves the total unknown
    assert _data().series("Admissions", age_band="65+").tolist()[0] == 3.0


def test_a_percentage_with_several_rows_a_period_cannot_be_summed():
    with pytest.raises(AnalysisError, match="cannot be added up"):
        _data("percent").series("Admissions")


def test_sum_by_period_keeps_a_missing_part_missing():
    rows = pd.DataFrame({"period": [MONTHS[0]] * 2 + [MONTHS[1]], "value": [1.0, np.nan, 2.0]})
    assert sum_by_period(rows).isna().tolist() == [True, False]


def test_the_ledger_balances_and_says_why_rows_were_left_out():
    ledger = _data().ledger
    assert ledger.balanced and ledger.rows_excluded == 2
    assert ledger.summary() == "8 rows read: 6 used, 2 excluded (1 title, 1 blank)."


def test_with_measure_info_overrides_one_measure_and_leaves_the_original():
    data = _data()
    changed = data.with_measure_info("Admissions", MeasureInfo(unit="percent"))
    assert changed.measures["Admissions"].unit == "percent" and data.measures["Admissions"].unit == "count"


def test_frequency_names_come_from_the_vocabulary():
    assert dataset.FREQUENCY_NAMES["W"] == "weekly" and dataset.FREQUENCY_NAMES[None].startswith("none")
    summary = dataset.detection_summary(_data())
    assert {"What", "Found"} <= set(summary.columns)


def test_the_detection_summary_of_a_table_counts_its_rows_not_periods():
    import analytics

    data = analytics.load(b"Council,Spend\nKent,1\nSurrey,2\nEssex,3\n", filename="t.csv")
    found = dict(dataset.detection_summary(data).to_numpy())
    assert "Periods covered" not in found and found["Rows of the table"] == "3 (one per row label)"


def test_the_periods_covered_are_said_in_the_frequencys_own_words():
    import analytics

    data = analytics.load(b"Financial year,Spend\n2019-20,1\n2020-21,2\n2021-22,3\n", filename="fy.csv")
    found = dict(dataset.detection_summary(data).to_numpy())
    assert found["Periods covered"] == "2019/20 to 2021/22"
    months = analytics.load(b"Area,Apr 2024,May 2024,Jun 2024\nKent,1,2,3\n", filename="m.csv")
    assert "April 2024 to June 2024" in dict(dataset.detection_summary(months).to_numpy())["Periods"]
