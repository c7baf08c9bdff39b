"""Tidying: layouts into one long frame of period, measure, value, dimensions and flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

import analytics
from analytics.catalogue import unit_from_word


def _long_csv(unit_cells: dict[str, str]) -> bytes:
    lines = ["Month,Team,Measure,Value,Unit"]
    for month in ("2024-04-01", "2024-05-01", "2024-06-01"):
        for team in ("North", "South"):
            lines += [f"{month},{team},{measure},{40 + len(team)},{unit}" for measure, unit in unit_cells.items()]
    return "\n".join(lines).encode()


def test_a_unit_column_gives_each_measure_its_unit_and_is_not_a_dimension():
    data = analytics.load(_long_csv({"Visitors": "Number", "Seen within 7 days": "%", "Spend": "£",
                                     "Admissions": "\"per 100,000\""}), filename="units.csv")
    assert {m: i.unit for m, i in data.measures.items()} == {
        "Visitors": "count", "Seen within 7 days": "percent", "Spend": "currency", "Admissions": "rate"}
    assert data.dimensions == ("team",) and "Unit" not in data.frame.columns


def test_a_unit_column_that_varies_within_a_measure_stays_a_dimension():
    body = _long_csv({"Visitors": "Number"}).decode().splitlines()
    body[1] = body[1].replace("Number", "%")  # one measure, two units: the column is something else
    data = analytics.load("\n".join(body).encode(), filename="mixed.csv")
    assert len(data.dimensions) == 2


def test_unit_words():
    assert [unit_from_word(w) for w in ("%", "Percentage", "£000", "per 1,000 population", "Days", "No.", "Team")] \
        == ["percent", "percent", "currency_thousands", "rate", "days", "count", None]


def test_a_column_of_zeros_with_a_suppressed_cell_is_a_measure_not_a_chart_helper():
    from tests.conftest import xlsx_bytes

    rows = [["Month", "Referrals received", "Assessments completed"], ["Jan 2023", 4, 0], ["Feb 2023", 5, 0],
            ["Mar 2023", 6, "*"]]  # found by the ledger property test: the zeros were set aside as a 'helper'
    data = analytics.load(xlsx_bytes(rows), filename="zeros.xlsx", isolated=False)
    assert set(data.measures) == {"Referrals received", "Assessments completed"}
    assert data.series("Assessments completed").fillna(-1).tolist() == [0, 0, -1]


def test_a_blank_code_is_not_filled_down_from_the_row_above():
    import analytics
    csv = (b"Code,Area,Region,Residents,Places\n"
           b"E12000002,North West,North West,500,40\nE08000009,Trafford,North West,100,8\n"
           b",England,,5000,400\nE06000008,Blackburn,,90,7\n")
    data = analytics.load(csv, filename="areas.csv", isolated=False)
    england = data.frame[data.frame["category"] == "England"]
    code = next(c for c in data.frame.columns if c.lower() == "code")
    assert england[code].isna().all()  # not E08000009, Trafford's
    assert england["region"].isna().all()  # nor Trafford's region: a new area starts a new branch


def test_labels_fill_down_within_their_branch_only():
    import analytics
    csv = (b"State,Area,Line,Population,Violent crime,Property crime\n"
           b"ALABAMA,Metropolitan,,3700,,\n,,Reported,0.99,203,1535\n,,Estimated total,1,205,1548\n"
           b",Cities outside,,518,,\n,,Reported,0.94,35,264\n,,Estimated total,1,37,277\n"
           b"ALASKA,Metropolitan,,348,,\n,,Reported,1,38,418\n,Cities outside,,127,,\n,,Reported,0.97,6,212\n")
    data = analytics.load(csv, filename="states.csv", isolated=False)
    population = data.frame[data.frame["measure"] == "Population"].set_index("value")
    # Before: 'Cities outside' and ALASKA inherited 'Estimated total' from the branch above and were dropped
    # as totals; a new label to the left starts a new branch.
    assert population.loc[518.0, "flag"] == "" and pd.isna(population.loc[518.0, "line"])
    assert population.loc[348.0, "flag"] == ""
    assert population.loc[0.94, "line"] == "Reported" and population.loc[0.94, "area_label"] == "Cities outside"
    assert set(data.ledger.excluded["row"]) == {1, 4, 7}  # the header and the two estimated totals


def test_a_row_blank_in_the_tables_columns_with_text_beside_them_is_not_a_blank_line():
    import analytics
    rows = ["Name,Referrals,Assessments,,Comment"] + [f"Team {i},{i + 3},{i + 1},,note {i}" for i in range(6)]
    rows.insert(3, ",,,,carried on from the line above")
    csv = ("\n".join(rows) + "\n").encode()
    roles = analytics.ingest.line_roles(csv, filename="aside.csv")
    assert roles.loc[roles["row"] == 4, "role"].tolist() == ["data"]  # was 'empty' though it holds text
    excluded = analytics.load(csv, filename="aside.csv", isolated=False).ledger.excluded
    assert excluded.loc[excluded["row"] == 4, "reason"].tolist() == ["no values"]


def _monthly_with_year_column(year_cells, months=("2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01")):
    from tests.conftest import xlsx_bytes

    rows = [["Year", "Month", "Referrals", "Assessments"]]
    for i, (year, month) in enumerate(zip(year_cells, months, strict=True)):
        rows.append([year, pd.Timestamp(month).to_pydatetime(), 10 + i, 5 + i])
    return xlsx_bytes(rows)


def test_a_column_naming_the_financial_year_each_month_falls_in_is_set_aside_not_a_dimension():
    """'2020/21' beside February and March, '2021/22' beside April (written once, merged down): it restates
    the period, so it does not split every series in two; the ledger and the warnings say it was set aside."""
    data = analytics.load(_monthly_with_year_column(["2020/21", None, "2021/22", None]), filename="fy.xlsx",
                          isolated=False)
    assert data.dimensions == ()
    assert data.series("Referrals").tolist() == [10, 11, 12, 13]
    cells = data.ledger.excluded[data.ledger.excluded["column"].astype(str) == "Year"]
    assert cells["row"].tolist() == [2, 4] and set(cells["reason"]) == {"restates the period"}
    assert any("'Year'" in w and "restates the period" in w for w in data.warnings)


def test_a_calendar_year_column_restates_the_month_too():
    """A column of years (numbers) beside the months was read as a measure 'Year' valued 2021."""
    data = analytics.load(_monthly_with_year_column([2021, 2021, 2021, 2021]), filename="y.xlsx", isolated=False)
    assert data.dimensions == () and set(data.measures) == {"Referrals", "Assessments"}


def test_a_year_column_that_disagrees_with_the_months_is_kept_as_a_dimension():
    """A cohort year beside the month is something else: a year the months do not fall in stays a dimension."""
    data = analytics.load(_monthly_with_year_column(["2019/20", None, "2019/20", None]), filename="c.xlsx",
                          isolated=False)
    assert len(data.dimensions) == 1


def test_trailing_months_with_no_values_are_rows_excluded_not_periods():
    """A template pre-fills the months to the year's end; those after the last figure hold '-' or nothing.
    They are read, left out with the reason 'no values', and the series ends at its last figure. A month
    with no values inside the series is still a period (a gap)."""
    from tests.conftest import xlsx_bytes

    rows = [["Month", "Referrals", "Assessments"], ["Apr 2022", 4, 3], ["May 2022", "-", "-"],
            ["Jun 2022", 6, 5], ["Jul 2022", "-", "-"], ["Aug 2022", None, "-"], ["Sep 2022", None, None]]
    data = analytics.load(xlsx_bytes(rows), filename="prefilled.xlsx", isolated=False)
    series = data.series("Referrals")
    assert series.index.max() == pd.Timestamp("2022-06-01") and len(series) == 3
    excluded = data.ledger.excluded
    assert excluded.loc[excluded["reason"] == "no values", "row"].tolist() == [5, 6, 7]
    assert data.ledger.balanced and data.ledger.rows_used == 3
    assert "No values yet for July 2022 to September 2022 (3 periods after the last value, June 2022): their rows " \
           "were left out." in data.warnings


def test_a_suppressed_last_month_is_still_a_period_of_the_series():
    """'*' withholds a figure that exists: the month is one of the series (a gap), unlike '-' or '..'."""
    from tests.conftest import xlsx_bytes

    rows = [["Month", "Referrals"], ["Apr 2022", 4], ["May 2022", 5], ["Jun 2022", "*"], ["Jul 2022", ".."]]
    data = analytics.load(xlsx_bytes(rows), filename="suppressed.xlsx", isolated=False)
    assert data.series("Referrals").index.max() == pd.Timestamp("2022-06-01")
    assert data.ledger.excluded.loc[data.ledger.excluded["reason"] == "no values", "row"].tolist() == [5]


def _long_with_key(key_header: str = "UUID", key=lambda i, council, age, year: f"9{i}{age[-1]}{year[-1]}"):
    lines = [f"{key_header},Year,Council code,Council,Indicator,Age band,Value"]
    councils = (("312", "Trafford"), ("820", "Kent"), ("503", "Lincolnshire"))
    for code, council in councils:
        for year in ("2014/2015", "2015/2016"):
            for i, indicator in enumerate(("Agreements", "Value recovered")):
                for age in ("18-64", "65 and over"):
                    lines.append(f"{key(i, council, age, year)},{year},{code},{council},{indicator},{age},"
                                 f"{len(council) + i}")
    return "\n".join(lines).encode()


def test_a_row_key_column_is_set_aside_not_a_dimension():
    """NHS Digital's long files key each row (UUID 92101 = this indicator, characteristic, age and year):
    the key says nothing the other columns do not, so it does not split the series; the ledger says so."""
    data = analytics.load(_long_with_key(), filename="keyed.csv", isolated=False)
    assert data.dimensions == ("council_code", "council", "age_band")
    cells = data.ledger.excluded[data.ledger.excluded["column"].astype(str) == "UUID"]
    assert len(cells) == 24 and set(cells["reason"]) == {"record key"}
    assert any("'UUID'" in w and "record key" in w for w in data.warnings)


def test_a_uuid_valued_column_is_a_record_key_whatever_its_header():
    import uuid

    keys = iter(uuid.UUID(int=n) for n in range(1, 100))
    data = analytics.load(_long_with_key("Line", key=lambda *_: str(next(keys))), filename="u.csv", isolated=False)
    assert data.dimensions == ("council_code", "council", "age_band")


def test_a_key_that_tells_rows_apart_or_codes_one_column_stays_a_dimension():
    """A key the other columns do not fix is a dimension, as is a key that is the code of one other column
    (a council's code beside its name)."""
    body = _long_with_key().decode().splitlines()
    body.append("8888,2015/2016,503,Lincolnshire,Value recovered,65 and over,4")  # alike but for its key
    apart = analytics.load("\n".join(body).encode(), filename="a.csv", isolated=False)
    assert "uuid" in apart.dimensions and apart.ledger.rows_used == 25
    coded = analytics.load(_long_with_key("Area key", key=lambda i, council, age, year: council[:3]),
                           filename="c.csv", isolated=False)
    assert "area_key" in coded.dimensions


def _yearly(labels, notes=()):
    from tests.conftest import xlsx_bytes

    rows = [["Year", "Spend", "Clients"]] + [[label, 100.0 + i, 50 + i] for i, label in enumerate(labels)]
    return xlsx_bytes(rows + [[None]] + [[note] for note in notes])


def _forecast_periods(data):
    return sorted(data.frame.loc[data.frame["forecast"], "period"].dt.year.unique()) \
        if "forecast" in data.frame.columns else []


def test_period_labels_saying_forecast_mark_their_rows_as_forecasts():
    data = analytics.load(_yearly(["2021-22", "2022-23", "2023-24", "2024-25 (f)", "2025-26 forecast"]),
                          filename="f.xlsx", isolated=False)
    assert _forecast_periods(data) == [2024, 2025]
    assert data.frame["period"].nunique() == 5  # '2025-26 forecast' reads as 2025-26, not an unreadable period
    assert any("2024/25 to 2025/26 (2 periods) are forecasts" in w for w in data.warnings)


def test_a_footnote_mark_whose_footnote_speaks_of_forecasts_marks_its_periods():
    """HM Treasury's deflators: '2023-24 (1), (2)' with '(2) ... money GDP forecasts from the OBR'."""
    labels = ["2020-21", "2021-22 (1)", "2022-23 (1), (2)", "2023-24 (1), (2)"]
    notes = ["(1) Revised in line with the latest national accounts.", "(2) Money GDP forecasts from the OBR."]
    data = analytics.load(_yearly(labels, notes), filename="fn.xlsx", isolated=False)
    assert _forecast_periods(data) == [2022, 2023]


def test_a_note_naming_the_forecast_years_marks_them():
    labels = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    span = analytics.load(_yearly(labels, ["For years 2023-24 to 2024-25: OBR forecasts."]), filename="n.xlsx",
                          isolated=False)
    assert _forecast_periods(span) == [2023, 2024]
    onwards = analytics.load(_yearly(labels, ["Figures from 2022-23 are projections."]), filename="o.xlsx",
                             isolated=False)
    assert _forecast_periods(onwards) == [2022, 2023, 2024]


def test_notes_that_would_make_every_period_a_forecast_or_do_not_name_periods_mark_none():
    labels = ["2020-21", "2021-22", "2022-23"]
    for notes in (["Forecast outturn: figures from 2019-20 onwards are forecasts."],  # every period: not this
                  ["Forecast data are consistent with the OBR outlook of 22 November 2023."],  # a date, no year
                  ["Outturn for 2021-22 to 2022-23 is final."]):  # no forecast word
        data = analytics.load(_yearly(labels, notes), filename="x.xlsx", isolated=False)
        assert "forecast" not in data.frame.columns, notes


def test_periods_across_the_columns_marked_as_forecasts():
    from tests.conftest import xlsx_bytes

    rows = [["Service", "2021-22", "2022-23", "2023-24 (f)", "2024-25 (f)"], ["Home care", 10, 11, 12, 13],
            ["Day care", 5, 6, 7, 8]]
    data = analytics.load(xlsx_bytes(rows), filename="across.xlsx", isolated=False)
    assert data.source.layout == "periods_across"
    assert _forecast_periods(data) == [2023, 2024]
    assert not data.frame.loc[data.frame["period"].dt.year < 2023, "forecast"].any()


def test_only_a_column_headed_as_a_period_or_not_at_all_is_read_for_a_restated_period():
    """A column is looked at only when its header names a period ('Year', 'Financial year') or it has none;
    a 'Cohort' column of years stays a dimension, and a 200,000-row extract's text columns are not parsed
    as periods (that took 4.7 s of a 16 s load)."""
    from tests.conftest import xlsx_bytes

    rows = [["Cohort", "Month", "Referrals"]] + [[c, pd.Timestamp(m).to_pydatetime(), 5] for c, m in (
        ("2020/21", "2021-02-01"), (None, "2021-03-01"), ("2021/22", "2021-04-01"))]
    data = analytics.load(xlsx_bytes(rows), filename="cohort.xlsx", isolated=False)
    assert data.dimensions == ("cohort",)


def test_years_down_a_column_with_each_place_written_once_over_its_years():
    """A long table as printed: the place at the top of its block of years, blank below. The years are
    periods, the place fills down its block, and a total's block is derived (used, flagged, never added)."""
    from analytics.ingest import line_roles
    from tests.conftest import xlsx_bytes

    rows = [["Region", "Year", "Admissions", "Rate"], ["All areas", 2019, 110, 5.0], [None, 2020, 122, 5.5],
            ["England", 2019, 100, 5.0], [None, 2020, 110, 5.5], ["Wales", 2019, 10, 4.0], [None, 2020, 12, 4.4]]
    data = analytics.load(xlsx_bytes(rows), filename="t.xlsx", isolated=False)
    assert data.kind == "timeseries" and data.frequency == "Y"
    admissions = data.frame[data.frame["measure"] == "Admissions"]
    assert admissions["region"].tolist() == ["All areas", "All areas", "England", "England", "Wales", "Wales"]
    assert admissions["period"].dt.year.tolist() == [2019, 2020] * 3
    assert admissions["flag"].tolist() == ["total", "total", "", "", "", ""]
    roles = line_roles(xlsx_bytes(rows), filename="t.xlsx", isolated=False)["role"].tolist()
    assert roles == ["header", "derived", "derived", "data", "data", "data", "data"]
    assert data.ledger.rows_used == 6


def test_a_label_column_that_repeats_its_labels_keeps_its_blanks():
    rows = [["Team", "Year", "Referrals"], ["North", 2019, 10], [None, 2019, 11], ["North", 2020, 12],
            ["South", 2019, 20], ["South", 2020, 21]]
    from tests.conftest import xlsx_bytes

    data = analytics.load(xlsx_bytes(rows), filename="t.xlsx", isolated=False)
    assert data.frame["team"].fillna("").tolist()[:3] == ["North", "", "North"]


def test_months_beside_their_calendar_year_are_the_period_whichever_column_comes_first():
    from tests.conftest import xlsx_bytes

    months = pd.date_range("2023-01-01", periods=18, freq="MS")
    rows = [["Month", "Year", "Referrals"]] + [[m.to_pydatetime(), m.year, 10 + i] for i, m in enumerate(months)]
    data = analytics.load(xlsx_bytes(rows), filename="t.xlsx", isolated=False)
    assert data.frequency == "M" and data.frame["period"].nunique() == 18


def test_a_share_s_name_is_a_percent_only_when_its_values_are_and_an_index_is_not_a_count():
    csv = (b"Year,Rate,Proportion discharged home,Price index (2015 = 100),Total value of agreements\n"
           b"2019,452.3,0.62,98.1,120000\n2020,510.9,0.58,100.4,130500\n2021,498.2,0.61,103.2,128250\n")
    data = analytics.load(csv, filename="shares.csv", isolated=False)
    units = {m: i.unit for m, i in data.measures.items()}
    assert units == {"Rate": "rate", "Proportion discharged home": "percent", "Price index (2015 = 100)": "index",
                     "Total value of agreements": "currency"}
    assert data.series("Proportion discharged home").round(1).tolist() == [62.0, 58.0, 61.0]  # fractions as %
    assert data.series("Rate").tolist() == [452.3, 510.9, 498.2]


def test_a_share_s_name_across_the_columns_and_in_a_long_table_needs_its_values_too():
    across = b"Area,2019,2020,2021\nRate,452.3,510.9,498.2\nRate of completion,0.5,0.6,0.7\n"
    data = analytics.load(across, filename="across.csv", isolated=False)
    assert {m: i.unit for m, i in data.measures.items()} == {"Rate": "rate", "Rate of completion": "percent"}
    long = b"Month,Measure,Value\n" + b"".join(
        f"2024-0{m}-01,Rate,{400 + m}\n2024-0{m}-01,Conversion rate,{30 + m}\n".encode() for m in (4, 5, 6))
    data = analytics.load(long, filename="long.csv", isolated=False)
    assert {m: i.unit for m, i in data.measures.items()} == {"Rate": "rate", "Conversion rate": "percent"}


def test_the_measures_line_names_units_in_words():
    csv = b"Area,2019,2020,2021\nJobs (thousands),22.4,22.9,23.1\n"
    data = analytics.load(csv, filename="jobs.csv", isolated=False)
    assert dict(data.source.axes)["Measures"] == "1 (1 count, thousands)"


def test_a_column_of_durations_is_a_measure_in_minutes_or_hours():
    import datetime as dt

    from tests.conftest import xlsx_bytes

    csv = b"Team,Average handling time,Longest wait\nNorth,00:45,4:05:00\nSouth,00:40,3:50:00\nEast,01:05,*\n"
    data = analytics.load(csv, filename="times.csv", isolated=False)
    assert {m: i.unit for m, i in data.measures.items()} == {"Average handling time": "minutes",
                                                             "Longest wait": "hours"}
    frame = data.frame.set_index(["category", "measure"])["value"]
    assert frame[("East", "Average handling time")] == 65.0 and np.isnan(frame[("East", "Longest wait")])
    rows = [["Month", "Average wait", "Calls"], ["Jan 2024", dt.timedelta(hours=4, minutes=5), 10],
            ["Feb 2024", dt.timedelta(hours=26, minutes=10), 12]]
    data = analytics.load(xlsx_bytes(rows, formats={"B2:B3": "[h]:mm:ss"}), filename="t.xlsx", isolated=False)
    assert data.measures["Average wait"].unit == "hours"
    assert data.series("Average wait").round(2).tolist() == [4.08, 26.17]


def _by_group_and_year(first_block: str) -> list[list]:
    rows = [["Population group", None, "Violent crime", "Robbery"]]
    blocks = ((first_block, 1320), ("GROUP I (250,000 and over)", 499), ("GROUP II (100,000 to 249,999)", 200))
    for name, base in blocks:
        rows += [[name, 2006, base, base // 3], [None, 2007, base - 15, base // 3 - 1],
                 [None, "Percent change", -1.1, -0.3]]
    return rows


def test_a_label_written_once_over_its_block_names_every_row_and_a_total_block_is_derived_throughout():
    from tests.conftest import xlsx_bytes
    data = analytics.load(xlsx_bytes(_by_group_and_year("TOTAL ALL AGENCIES:")), filename="groups.xlsx")
    assert set(data.measures) == {"Violent crime", "Robbery"}  # the years among words are labels, not a measure
    frame = data.frame[data.frame["measure"] == "Violent crime"]
    assert frame["category"].tolist()[:4] == ["TOTAL ALL AGENCIES:"] * 3 + ["GROUP I (250,000 and over)"]
    (year_dim,) = data.dimensions
    assert frame[year_dim].tolist()[:3] == ["2006", "2007", "Percent change"]
    assert (frame["flag"] == "total").tolist() == [True] * 3 + [False] * 6
    roles = analytics.ingest.line_roles(xlsx_bytes(_by_group_and_year("TOTAL ALL AGENCIES:")),
                                        filename="groups.xlsx")["role"].tolist()
    assert roles[1:4] == ["derived"] * 3 and set(roles[4:]) == {"data"}


def test_an_outer_label_standing_alone_or_a_record_lists_odd_blank_is_not_filled_down():
    from tests.conftest import xlsx_bytes
    rows = [["Cause", "Age", "Jan 2024", "Feb 2024", "Mar 2024"], ["Total deaths, all ages", None, 100, 110, 120],
            [None, "Under 65", 30, 31, 32], [None, "65-84", 40, 41, 42], [None, "85+", 30, 38, 46],
            ["Respiratory deaths", None, 20, 21, 22], [None, "Under 65", 5, 5, 5], [None, "65+", 15, 16, 17]]
    data = analytics.load(xlsx_bytes(rows), filename="deaths.xlsx")
    assert "Under 65" in data.measures and "Total deaths, all ages, Under 65" not in data.measures
    records = [["Asset", "Book", "Value", "Cost"], ["Raptor A", "Canada", 55, 50], ["Raptor A", None, 55, 50],
               ["Raptor B", "Paper", 41, 40], ["Raptor C", "Equity", 13, 12], ["Raptor D", "Energy", 7, 6]]
    frame = analytics.load(xlsx_bytes(records), filename="records.xlsx").frame
    books = frame.loc[frame["measure"] == "Value", "book"]
    assert books.isna().tolist() == [False, True, False, False, False]  # one odd blank in a list is not a block


def test_unheaded_years_repeated_beside_a_label_written_once_are_the_period():
    from tests.conftest import xlsx_bytes

    rows = [["Offences"], ["Offence", None, "Number"], ["TOTAL", 2016, 1000], [None, 2017, 1100],
            ["Burglary", 2016, 200], [None, 2017, 180], ["Theft", 2016, 500], [None, 2017, 520]]
    data = analytics.load(xlsx_bytes(rows), filename="offences.xlsx", isolated=False)
    assert list(data.measures) == ["Number"] and data.frequency == "Y" and data.dimensions == ("offence",)
    assert data.series("Number", offence="Burglary").tolist() == [200, 180]


def test_councils_under_their_region_written_once_are_the_rows_and_a_headed_column_of_years_a_measure():
    csv = (b"Region,Council,Clients\nNorth East,Hartlepool,5\n,Middlesbrough,6\n,Stockton-on-Tees,6\n"
           b"North West,Bolton,7\n,Bury,8\n,Wigan,8\n")
    data = analytics.load(csv, filename="regions.csv", isolated=False)
    frame = data.frame
    assert frame["category"].tolist() == ["Hartlepool", "Middlesbrough", "Stockton-on-Tees", "Bolton", "Bury", "Wigan"]
    assert (frame["flag"] == "").all() and frame["region"].tolist()[:3] == ["North East"] * 3
    staff = b"Council,Staff in post,Vacancies\nKent,1950,12\nSurrey,2034,8\nEssex,Not known,5\nMedway,2011,3\n"
    data = analytics.load(staff, filename="staff.csv", isolated=False)
    assert set(data.measures) == {"Staff in post", "Vacancies"}


def test_a_tables_money_scale_leaves_its_percentages_alone():
    csv = (b"Budget monitoring 2024-25\n\xc2\xa3 thousands\nService,Budget,Forecast,Variance %\n"
           b"Home care,1200,1250,4.2\nDay care,300,290,-3.3\nResidential,5000,5100,2.0\n")
    units = {m: i.unit for m, i in analytics.load(csv, filename="b.csv", isolated=False).measures.items()}
    assert units == {"Budget (£ thousands)": "currency_thousands", "Forecast (£ thousands)": "currency_thousands",
                     "Variance %": "percent"}


def test_a_change_column_beside_the_periods_across_is_set_aside_in_the_ledger_and_said_not_dropped():
    csv = (b"Area,2021,2022,2023,Change (%)\nHartlepool,10,12,14,16.7\nBolton,20,22,25,13.6\n"
           b"Bury,5,6,7,16.7\n")
    data = analytics.load(csv, filename="areas.csv", isolated=False)
    assert sorted(data.frame["period"].dt.year.unique()) == [2021, 2022, 2023]
    assert not data.frame["value"].isin([16.7, 13.6]).any()
    cells = data.ledger.excluded[data.ledger.excluded["column"] == "Change (%)"]
    assert cells["row"].tolist() == [2, 3, 4] and set(cells["reason"]) == {"not one of the periods across"}
    assert any("'Change (%)' is not one of the periods across the columns: its 3 values were set aside" in w
               for w in data.warnings)
    assert data.ledger.balanced


def test_text_number_columns_with_no_year_are_told_apart_in_one_pass():
    """Columns of numbers written as text (a CSV's, an old .xls's) that hold no calendar year and nothing
    else are skipped as period candidates; a year, a word or a blank head keeps a column in the running."""
    from analytics.ingest.tidy import SAMPLE_ROWS, SAMPLE_SCAN_FACTOR, _yearless_columns

    head = SAMPLE_ROWS * SAMPLE_SCAN_FACTOR
    block = pd.DataFrame({
        0: ["12345", "678", " 9.5 ", None] * 3,  # amounts, some of four digits: no year
        1: ["2019", "2020", "2021", "2022"] * 3,  # years
        2: ["12", "n/a", "14", "15"] * 3,  # a word: calendar_years_down reads on
        3: [None] * 12,  # blank
        4: ["1899", "2101", "-2019", "2019.5"] * 3,  # outside the years, negative, not whole
    }, dtype=object)
    assert _yearless_columns(block, [0, 1, 2, 3, 4]) == {0, 4}
    assert _yearless_columns(block, []) == set()
    long = pd.DataFrame({0: [None] * head + ["2019", "2020"], 1: ["5"] * head + ["2019", "2020"]}, dtype=object)
    assert _yearless_columns(long, [0, 1]) == {1}  # only the head slice is sampled while it holds cells
