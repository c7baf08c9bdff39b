"""periods.py: every period style the issue names, strict day-first columns, frequency, gaps."""

import pandas as pd
import pytest

from analytics import periods as p

T = pd.Timestamp


@pytest.mark.parametrize(
    "text, fy, expected, freq",
    [
        ("Aug-10", None, T(2010, 8, 1), "M"),
        ("Apr 2024", None, T(2024, 4, 1), "M"),
        ("April 2024", None, T(2024, 4, 1), "M"),
        ("Sept 2023", None, T(2023, 9, 1), "M"),
        ("Q1 2024/25", None, T(2024, 4, 1), "Q"),
        ("Q4 2024/25", None, T(2025, 1, 1), "Q"),
        ("2024-25 Q1", None, T(2024, 4, 1), "Q"),
        ("2023/24 Q3", None, T(2023, 10, 1), "Q"),
        ("2023/24", None, T(2023, 4, 1), "FY"),
        ("2023-24", None, T(2023, 4, 1), "FY"),
        ("1999-2000", None, T(1999, 4, 1), "FY"),
        ("1999/00", None, T(1999, 4, 1), "FY"),
        ("M3", 2024, T(2024, 6, 1), "M"),
        ("Month 9", 2024, T(2024, 12, 1), "M"),
        ("M12", 2024, T(2025, 3, 1), "M"),
        ("2024-W05", None, T(2024, 1, 29), "W"),
        ("2024-08-05", None, T(2024, 8, 5), "D"),
        ("5 August 2024", None, T(2024, 8, 5), "D"),
    ],
)
def test_labels(text, fy, expected, freq):
    assert p.parse_label(text, fy_year=fy) == (expected, freq)


@pytest.mark.parametrize("text", ["Total", "2023/25", "M3", "Q5 2024/25", "hello", "31/02/2024x"])
def test_not_periods(text):
    assert p.parse_label(text)[0] is None  # M3 needs the sheet's financial year


def test_day_first_column_with_warning_for_ambiguous_values():
    parsed = p.parse_periods(pd.Series(["05/08/2024", "06/08/2024", "07/08/2024"]))
    assert list(parsed.periods) == [T(2024, 8, 5), T(2024, 8, 6), T(2024, 8, 7)]
    assert parsed.frequency == "D"
    assert any("05/08/2024" in w and "day first" in w for w in parsed.warnings)


def test_day_first_settled_by_a_day_above_12_gives_no_warning():
    parsed = p.parse_periods(pd.Series(["05/08/2024", "13/08/2024"]))
    assert list(parsed.periods) == [T(2024, 8, 5), T(2024, 8, 13)]
    assert parsed.warnings == ()


def test_month_first_column_is_read_month_first_and_said():
    parsed = p.parse_periods(pd.Series(["08/05/2024", "08/13/2024"]))
    assert list(parsed.periods) == [T(2024, 8, 5), T(2024, 8, 13)]
    assert "month first" in parsed.warnings[0]


def test_week_ending_header_moves_to_week_start():
    parsed = p.parse_periods(pd.Series(["07/04/2023", "14/04/2023"]), header="Week ending")
    assert list(parsed.periods) == [T(2023, 4, 1), T(2023, 4, 8)]
    assert parsed.frequency == "W"


def test_week_commencing_prefix_in_cells():
    parsed = p.parse_periods(pd.Series(["w/c 05/08/2024", "w/c 12/08/2024", "w/c 19/08/2024"]))
    assert list(parsed.periods) == [T(2024, 8, 5), T(2024, 8, 12), T(2024, 8, 19)]
    assert parsed.frequency == "W"


def test_excel_serials_and_real_dates():
    assert list(p.parse_periods(pd.Series([45505.0, 45506.0])).periods) == [T(2024, 8, 1), T(2024, 8, 2)]
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    parsed = p.parse_periods(dates)
    assert parsed.frequency == "M"


def test_unparsed_cells_are_marked_not_dropped():
    parsed = p.parse_periods(pd.Series(["Apr 2024", "Total", None, "May 2024"], dtype=object))
    assert list(parsed.unparsed) == [False, True, False, False]


def test_frequency_inference_and_gap_and_duplicate_report():
    weeks = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22", "2024-01-22"]))
    assert p.infer_frequency(weeks) == "W"
    warnings = p.gaps_and_duplicates(weeks, "W")
    assert any("more than once" in w for w in warnings)
    assert any("1 period(s) are missing" in w and "15 January 2024" in w for w in warnings)


def test_quarters_snap_to_uk_financial_quarters():
    parsed = p.parse_periods(pd.Series(["Q1 2023/24", "Q2 2023/24", "2023-24 Q3"]))
    assert parsed.frequency == "Q"
    assert list(parsed.periods) == [T(2023, 4, 1), T(2023, 7, 1), T(2023, 10, 1)]


def test_format_period_uk_wording():
    assert p.format_period(T(2024, 8, 5), "W") == "week commencing 5 August 2024"
    assert p.format_period(T(2024, 8, 1), "M") == "August 2024"
    assert p.format_period(T(2024, 4, 1), "Q") == "2024/25 Q1"
    assert p.format_period(T(2025, 1, 1), "Q") == "2024/25 Q4"
    assert p.format_period(T(2023, 4, 1), "FY") == "2023/24"


def test_financial_year_in_title():
    assert p.financial_year_in_text("Budget monitoring 2024/25 - Month 3") == 2024
    assert p.financial_year_in_text("No year here") is None


def test_a_year_back_matches_iso_weeks_weekdays_and_dates():
    weeks = pd.date_range("2020-06-01", "2021-06-14", freq="7D")  # 2020 has an ISO week 53
    back = p.a_year_back(weeks, "W")
    # ISO week 23 both years: 53 weeks back, not 52, because 2020 has a week 53
    assert back[weeks.get_loc(pd.Timestamp("2021-06-07"))] == pd.Timestamp("2020-06-01")
    assert pd.isna(back[0])
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    assert p.a_year_back(days, "D")[-1] == days[-1] - pd.Timedelta(days=364)
    months = pd.date_range("2023-04-01", periods=13, freq="MS")
    assert p.a_year_back(months, "M")[-1] == pd.Timestamp("2023-04-01")
    assert pd.isna(p.a_year_back(months, "M")[0])


def test_iso_texts_read_once_per_distinct_text_read_as_the_whole_column_reads():
    """ISO texts are read once per distinct text and spread back: every cell, repeated or not, blank, out of
    pandas' range, impossible or with fractions of a second, gets what reading the whole column gives it."""
    cells = ["2024-01-01 00:00:00", "2024-01-08", None, "", "3000-01-01", "2024-02-30", "2024-01-01 00:00:00.500",
             "2024-01-15"] * 40
    texts = pd.Series(cells, dtype="string")
    whole = p._nanoseconds(pd.to_datetime(texts, format="ISO8601", errors="coerce"))
    assert p._iso_dates(texts).equals(whole) and whole.dtype == "datetime64[ns]"
    assert whole.isna().tolist()[:8] == [False, False, True, True, True, True, False, False]
    assert p._iso_dates(pd.Series([None, None], dtype="string")).isna().all()


@pytest.mark.parametrize(("values", "header", "years"), [
    (["2019", "2020", "2021"], "Year", [2019, 2020, 2021]),
    ([2019, 2019, 2020, 2020], "Calendar year", [2019, 2019, 2020, 2020]),  # repeated in a long table
    ([1955, 1956, 1957], "", [1955, 1956, 1957]),  # unheaded, rising by one
    (["2023 (1), (2)", "2024 (1), (2)"], "Year", [2023, 2024]),  # footnote marks
    ([2016, 2017, "Percent change"], "Year", [2016, 2017, None]),  # a row that is not a year stays unread
    ([2016, 2017, 2016, 2017, 2016, 2017], "", [2016, 2017] * 3),  # unheaded, the same years block after block
])
def test_a_column_of_calendar_years_reads_as_the_start_of_each_year(values, header, years):
    parsed = p.parse_periods(pd.Series(values, dtype=object), header=header)
    assert parsed.frequency == "Y"
    assert [None if pd.isna(t) else t.year for t in parsed.periods] == years
    assert all(pd.isna(t) or (t.month, t.day) == (1, 1) for t in parsed.periods)
    assert parsed.unparsed.tolist() == [y is None for y in years]


def test_one_calendar_year_rule_for_columns_and_single_cells():
    numbers = pd.Series([2019.0, 2019.5, 1899.0, 2100.0, float("nan")])
    assert p.calendar_year_mask(numbers).tolist() == [True, False, False, True, False]
    assert p.calendar_year_mask(pd.Series([2019.0, None], dtype="Float64")).tolist() == [True, False]
    assert p.calendar_years(numbers.iloc[[0, 3]]) and not p.calendar_years(numbers) and not p.calendar_years(
        pd.Series([], dtype=float))
    assert [p.is_calendar_year(v) for v in (2019, 2019.0, " 2019 ", "2019.0", "2019.5", "1850", None,
                                            float("nan"), "Year", pd.Timestamp(2019, 1, 1))] == [
        True, True, True, True, False, False, False, False, False, False]


@pytest.mark.parametrize(("values", "header"), [
    ([2019, 2020, 2021], "Financial year"),  # 2019 could be 2019-20 or 2018-19
    ([2019, 2019, 2021], ""),  # numbers without a header naming years, not rising by one: counts
    ([1850, 1851, 1852], "Year"),  # outside the calendar years this tool reads as years
    ([2019, 2021, 2020], "Staff"),
    ([2016, 2017, 2016, 2018], ""),  # blocks that are not the same run of years
    ([2016, 2017, 2016], ""),  # a block and a part of one
    ([2016, 2017, "Percent change", 2016, 2017, "Percent change"], ""),  # among words: labels (a dimension)
])
def test_numbers_that_are_not_said_to_be_calendar_years_are_not_read_as_years(values, header):
    assert p.parse_periods(pd.Series(values, dtype=object), header=header).periods.isna().all()
