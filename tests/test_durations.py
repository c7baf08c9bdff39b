"""durations.py: duration texts, Excel time cells and timedeltas to hours; which columns are durations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.ingest.durations import duration_cells, duration_hours, duration_unit, duration_values


@pytest.mark.parametrize(("cell", "hours"), [
    ("4:05:00", 4 + 5 / 60), ("00:45", 0.75), ("26:10", 26 + 10 / 60), (" 0:00:30 ", 30 / 3600),
    ("1899-12-31 04:05:00", 4 + 5 / 60), ("1900-01-01 02:10:00", 26 + 10 / 60),  # Excel's day zero, as text
    (dt.time(0, 45), 0.75), (dt.timedelta(hours=30), 30.0), (pd.Timestamp("1899-12-31 13:30"), 13.5),
    ("Average wait", None), ("10", None), ("2024-01-31 04:05:00", None), ("12:75", None), ("*", None), (None, None),
])
def test_each_kind_of_duration_cell_in_hours(cell, hours):
    found = duration_hours(pd.Series([cell], dtype=object)).iloc[0]
    assert (np.isnan(found) if hours is None else found == pytest.approx(hours))


def test_typed_columns_of_durations_and_of_excel_times():
    assert duration_hours(pd.Series(pd.to_timedelta(["1h", None, "30min"]))).tolist()[::2] == [1.0, 0.5]
    stamps = pd.Series(pd.to_datetime(["1899-12-31 13:30:00", "2024-01-01 00:00:00"]))
    assert duration_hours(stamps).fillna(-1).tolist() == [13.5, -1]  # a real date is no duration


def test_only_a_column_mostly_of_durations_has_its_cells_counted_as_numbers():
    grid = pd.DataFrame({0: ["Team", "North", "South", "East"], 1: ["Wait", "4:05", "3:10", "x"],
                         2: ["09:00", "1", "2", "3"], 3: ["Note", "0:30", "a", "b"]}, dtype="string")
    words = np.array([[True, True, True, True], [True, True, False, True], [True, True, False, True],
                      [True, True, False, True]])
    found = duration_cells(grid, words)
    assert found[:, 1].tolist() == [False, True, True, False]  # the header and the 'x' stay as they are
    assert not found[:, [0, 2, 3]].any()  # a time slot over one column, one time among words: labels


def test_a_value_column_reads_in_minutes_when_short_and_hours_when_long():
    values, unit = duration_values(pd.Series(["00:45", "*", "1:05"], dtype="string"))
    assert unit == "minutes" and values.tolist() == [45.0, "*", pytest.approx(65.0)]
    assert duration_values(pd.Series(["4:05:00", "26:10:00"]))[1] == "hours"
    assert duration_values(pd.Series(["North", "0:45", "South"])) is None  # mostly words
    assert duration_values(pd.Series([1.0, 2.0])) is None
    assert duration_unit(pd.Series([0.5, 1.99])) == ("minutes", 60.0)


def test_a_column_headed_as_a_time_of_day_is_times_not_durations():
    import analytics
    from analytics.ingest.durations import names_a_clock

    assert names_a_clock("Referral time") and names_a_clock("Time of call") and names_a_clock("Slot")
    assert not names_a_clock("Average handling time") and not names_a_clock("Longest wait")
    csv = (b"Referral date,Referral time,Team,Contacts\n2024-04-01,09:15,North,3\n2024-04-02,14:30,South,4\n"
           b"2024-04-03,11:05,North,5\n")
    data = analytics.load(csv, filename="t.csv", isolated=False)
    assert set(data.measures) == {"Contacts"} and "referral_time" in data.dimensions
