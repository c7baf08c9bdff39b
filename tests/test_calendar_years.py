"""Calendar years (frequency "Y"), as a national table gives them across its columns, through every view."""

from __future__ import annotations

import analytics
from analytics import analysis, charts, commentary, export, report
from analytics.periods import format_period, period_starts
from analytics.vocabulary import FREQUENCIES, frequency
from tests.conftest import xlsx_bytes

ROWS = [["Admissions by area, calendar years"], ["Area", "2015", "2016", "2017", "2018", "2019", "2020"],
        ["North", 10, 12, 13, 15, 16, 18], ["South", 20, 19, 22, 21, 23, 25]]


def _data():
    return analytics.load(xlsx_bytes(ROWS), filename="years.xlsx", isolated=False)


def test_years_across_are_calendar_years_starting_in_january():
    data = _data()
    assert data.frequency == "Y" and "Y" in FREQUENCIES and frequency("Y").noun == "year"
    assert [format_period(p, "Y") for p in sorted(data.frame["period"].unique())] == [str(y) for y in range(2015, 2021)]
    import pandas as pd

    assert period_starts(pd.Series(pd.to_datetime(["2019-07-14"])), "Y").iloc[0] == pd.Timestamp("2019-01-01")


def test_every_view_of_calendar_years_reads_without_error():
    data = _data()
    results = analysis.analyse_dataset(data)
    north = next(r for r in results if r.name == "North")
    texts = [s.text for s in commentary.describe_series(north)]
    assert texts[0] == "North: 18 in 2020" and "North: up 13% on the previous year, from 16 to 18" in texts
    assert not any("same year last year" in t for t in texts)  # the previous year already said it
    assert north.ytd is None  # one value a year has no year to date
    charts.trend_chart(north.series, title="North", unit="count", frequency="Y").to_dict()
    pack = report.build_pack({"years.xlsx": data}, report.PackOptions(title="Years"))
    assert export.word_pack(pack)[:2] == b"PK" and export.excel_workbook(pack.data_sheets)[:2] == b"PK"
