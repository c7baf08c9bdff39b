"""Reading the axes as a person reads them: time, places, ages, measures and units."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import analytics
from analytics.ingest.axes import title_measure
from tests.conftest import xlsx_bytes

T = pd.Timestamp


def _load(rows, filename="t.xlsx", **kwargs):
    return analytics.load(xlsx_bytes(rows, **kwargs), filename=filename, isolated=False)


def test_months_without_a_year_take_the_financial_year_of_a_note():
    rows = [["Visitors"], ["Measure", "January", "February", "April", "May"], ["Total visitors", 150, 160, 170, 183],
            [], ["Financial year 2024/25"]]
    data = _load(rows)
    periods = sorted(data.frame["period"].unique())
    assert periods == [T(2024, 4, 1), T(2024, 5, 1), T(2025, 1, 1), T(2025, 2, 1)]
    assert any("financial year in the notes" in w for w in data.warnings)


def test_months_without_any_year_are_read_in_order_with_a_warning():
    data = _load([["Measure", "June", "July"], ["Total visitors", 150, 174]], filename="equipme.xlsx")
    assert data.frame["period"].dt.month.tolist() == [6, 7]
    assert any("Give the year on the Data page" in w for w in data.warnings)


def test_the_year_given_on_the_data_page_wins():
    rows = [["Measure", "June", "July"], ["Total visitors", 150, 174]]
    data = analytics.load(xlsx_bytes(rows), filename="v.xlsx", isolated=False,
                          options=analytics.ingest.Options(year=2023))
    assert sorted(data.frame["period"].unique()) == [T(2023, 6, 1), T(2023, 7, 1)]


def test_a_percent_row_among_count_rows_is_read_by_its_number_format():
    rows = [["Measure", "June", "July"], ["Total visitors", 150, 183], ["Satisfied", 0.52, 0.61],
            ["Returning visitors", 40, 45], [], ["EquipMe 2024"]]
    data = _load(rows, formats={"B3:C3": "0%"})
    assert data.measures["Total visitors"].unit == "count"
    assert data.measures["Satisfied"].unit == "percent"
    visitors = data.frame[data.frame["measure"] == "Total visitors"]["value"].tolist()
    assert visitors == [150, 183]  # never 18300%
    assert data.frame[data.frame["measure"] == "Satisfied"]["value"].round(6).tolist() == [52, 61]


def test_councils_across_the_columns_are_a_dimension_and_england_an_aggregate():
    rows = [["Line", "Description", "ENGLAND", "TRAFFORD", "KENT", "BARNET"],
            ["C1", "Assessment and care management", 1000, 10, 20, 30],
            ["C2", "Nursing home placements", 2000, 11, 21, 31]]
    data = _load(rows)
    assert data.source.layout == "places_across" and data.kind == "table"
    assert set(data.measures) == {"C1 Assessment and care management", "C2 Nursing home placements"}
    assert set(data.frame["category"]) == {"ENGLAND", "TRAFFORD", "KENT", "BARNET"}
    assert data.frame.loc[data.frame["category"] == "ENGLAND", "flag"].eq("aggregate").all()


def test_councils_across_with_a_financial_year_column_are_a_time_series():
    rows = [["Service", "Year", "102 - Cumbria", "312 - Trafford", "820 - Kent"],
            ["Home care", "2014 - 2015", 1, 2, 3], ["Home care", "2013 - 2014", 4, 5, 6]]
    data = _load(rows)
    assert data.kind == "timeseries" and data.frequency == "FY" and "area" in data.dimensions
    assert sorted(data.frame["period"].unique()) == [T(2013, 4, 1), T(2014, 4, 1)]


def test_ages_across_are_a_dimension_not_years():
    rows = [["MYE2: Population estimates by single year of age, mid-2015"], ["CODE", "NAME", "ALL AGES", 0, 1, 2, 3, 4],
            ["E08000009", "Trafford", 100, 20, 20, 20, 20, 20], ["E10000016", "Kent", 200, 40, 40, 40, 40, 40]]
    data = _load(rows)
    assert data.kind == "table" and data.frequency is None and "age" in data.dimensions
    assert set(data.measures) == {"Population estimates"}
    assert data.frame.loc[data.frame["age"] == "All ages", "flag"].eq("total").all()


def test_weeks_across_with_week_ending_dates_beneath():
    ends = [dt.datetime(2018, 1, 5) + dt.timedelta(weeks=k) for k in range(4)]
    rows = [["Week number", None, 1, 2, 3, 4], ["Week ended", None, *ends], [],
            ["Total deaths, all ages", None, 100, 110, 120, 130],
            [None, "Males"], [None, "65-74", 10, 11, 12, 13], [None, "Females"], [None, "65-74", 9, 9, 9, 9]]
    data = _load(rows)
    assert data.source.layout == "periods_across" and data.frequency == "W"
    assert data.frame["period"].nunique() == 4
    males = data.frame[(data.frame["measure"] == "65-74") & (data.frame["group"] == "Males")]
    assert males["value"].tolist() == [10, 11, 12, 13]


def test_long_format_measure_from_code_and_description_metric_as_dimension():
    rows = [["Year", "Geographical Code", "Geographical Description", "ASCOF Measure Code",
             "Measure Group Description", "Measure Type", "Value"]]
    for code, place in (("E08000009", "Trafford"), ("E10000016", "Kent")):
        for kind, value in (("Numerator", 50), ("Denominator", 200), ("Outcome", 25.0)):
            rows.append(["2022-23", code, place, "1A", "Social care-related quality of life", kind, value])
    data = _load(rows)
    assert data.source.layout == "long"
    assert set(data.measures) == {"1A Social care-related quality of life"}
    assert "measure_type" in data.dimensions and "geographical_code" in data.dimensions
    assert "Geographical Code" not in data.measures


def test_title_measure():
    assert title_measure("MYE2: Population estimates by single year of age") == "Population estimates"
    assert title_measure("Table 8.7a Annual pay, gross") == "Annual pay"


def test_a_files_own_period_measure_value_unit_columns_never_clash_with_the_frames():
    rows = [["period", "measure", "value", "unit"]]
    for month in ("Apr 2024", "May 2024", "Jun 2024"):
        rows += [[month, "Contacts", 10, "count"], [month, "Assessments", 4, "count"]]
    data = _load(rows)
    assert list(data.frame.columns).count("measure") == 1 and list(data.frame.columns).count("value") == 1
    assert set(data.measures) == {"Contacts", "Assessments"} and not data.dimensions  # 'unit' gives the units
    assert data.series("Contacts").tolist() == [10, 10, 10]


def test_forcing_a_layout_the_table_does_not_have_says_so():
    rows = [["Team", "Referrals"], ["North", 10], ["South", 12]]
    import pytest

    with pytest.raises(analytics.IngestError, match="No periods were found across the columns"):
        analytics.load(xlsx_bytes(rows), filename="t.xlsx", isolated=False,
                       options=analytics.ingest.Options(layout="periods_across"))


def test_a_constant_chart_helper_column_is_set_aside_and_said():
    rows = [["Month", "Attendances", "Operational standard"]]
    rows += [[f"{m} 2024", 100 + i, 0.95 if i < 3 else None] for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"])]
    data = _load(rows)
    assert set(data.measures) == {"Attendances"}
    assert any("Operational standard" in w and "not a measure" in w for w in data.warnings)


def test_money_in_thousands_from_the_title():
    rows = [["Net expenditure 2006-07"], ["England", "£ thousands"], [],
            ["Line", "ENGLAND", "TRAFFORD", "KENT", "BARNET"], ["Home care", 900, 10, 20, 30]]
    data = _load(rows)
    assert any(w.startswith("Money is in £ thousands") for w in data.warnings)
    assert ("Units", "£ thousands") in data.source.axes
    pounds = _load([["Grants 2007-08"], ["England", "£s"], ["Council", "Carers", "Older people"],
                    ["Kent", 10, 20], ["Trafford", 5, 6], ["Barnet", 1, 2]])
    assert pounds.measures["Carers"].unit == "currency"
    sentence = _load([["Requests and spend (£), 2024/25"], ["Month", "Requests"], ["Apr 2024", 1], ["May 2024", 2]])
    assert sentence.measures["Requests"].unit == "count"  # a '(£)' inside a sentence states nothing


def _roles(rows) -> list[str]:
    return analytics.ingest.line_roles(xlsx_bytes(rows), filename="t.xlsx")["role"].astype(str).tolist()


def test_a_line_under_a_row_describing_it_is_not_a_group_heading():
    rows = [["Area", "Cities", "Population", "Violent crime", "Property crime"]]
    areas = [("Abilene MSA", "Callahan", 170), ("Akron MSA", "Portage", 703), ("Albany MSA", "Baker", 151)]
    for name, county, pop in areas:
        rows += [[name, None, pop], [None, f"Includes {county} County"],
                 [None, f"City of {name[:6]}", pop // 2, 6, 13], [None, "Rate per 100,000", None, 4.4, 8.1]]
    roles = _roles(rows)
    assert roles[2] == roles[6] == roles[10] == "data"  # were 'group': each describes the area above it


def test_several_headings_under_a_row_of_values_still_head_their_rows():
    rows = [["Age", "Week 1", "Week 2", "Week 3"], ["All deaths", 100, 110, 120], [None, "Males"],
            [None, "65-74", 10, 11, 12], [None, "75+", 40, 41, 42], [None, "Females"], [None, "65-74", 9, 9, 9],
            [None, "75+", 41, 40, 39]]
    roles = _roles(rows)
    assert roles[2] == roles[5] == "group"


def test_a_record_with_its_values_missing_is_not_a_heading_but_a_name_with_its_code_is():
    rows = [["Provider", "Address", "Town", "Fee"], ["Mountain Care", "1305 2nd St", "Nampa", 160],
            ["Peak Recovery", "2423 Georgia", "Caldwell", 200], ["Port of Hope", "508 Florida"],
            ["Life Counselling", "112 12th Ave", "Nampa", 100], ["Canada:", "CA"],
            ["Home Care", "5 Main St", "Leduc", 90], ["North Care", "7 High St", "Leduc", 95]]
    roles = _roles(rows)
    assert roles[3] == "data" and roles[5] == "group"


def test_a_label_set_right_of_where_rows_are_named_is_a_records_second_line_not_a_heading():
    rows = [["Start", "End", "Field", "Values"], [1, 2, "Writing level", "11=Advanced"],
            [None, None, None, "12=Accelerated"], [None, None, None, "13=Proficient"],
            [3, 4, "Reading level", "11=Advanced"], [None, None, None, "12=Accelerated"],
            [5, 6, "Maths level", "01=Level 1"], [7, 8, "Science level", "01=Level 1"]]
    roles = _roles(rows)
    assert "group" not in roles


def test_a_rule_of_dashes_is_never_a_heading():
    rows = [["Course", "Autumn", "Spring"], ["Biology", 3, 4], ["Chemistry", 5, 6], ["----------"],
            ["Physics", 7, 8], ["Geology", 1, 2]]
    assert _roles(rows)[3] != "group"


def test_an_entry_shaped_and_sorted_as_its_neighbours_is_a_record_without_figures():
    rows = [["Course", "Autumn", "Spring", "Summer"], ["FIRE-106", 3.8, None, 1], ["FIRE-107", 2, 1, None],
            ["FIRE-108"], ["FIRE-109"], ["FIRE-115", 2.7, 5.6, None], ["FIRE-117", 1, 1, 1]]
    roles = _roles(rows)
    assert roles[3] == roles[4] == "data"


def test_headings_still_head_their_rows_beside_codes_and_in_sorted_lists():
    coded = [["Code", "Area", "Users"], [None, "North East"], ["E06000001", "Hartlepool", 120],
             ["E06000002", "Middlesbrough", 150], [None, "North West"], ["E06000006", "Halton", 90],
             ["E06000007", "Warrington", 110]]
    roles = _roles(coded)
    assert roles[1] == roles[4] == "group"  # the names sit past the code column; the headings sit there too
    sorted_heads = [["Service", "Clients"], ["Older people"], ["Day care", 10], ["Home care", 20],
                    ["Physical disability"], ["Residential", 30], ["Respite", 5]]
    roles = _roles(sorted_heads)
    assert roles[1] == roles[4] == "group"  # 'Physical disability' sorts between its neighbours, shaped unlike them


def test_a_measure_written_once_over_its_periods_names_every_column_under_it():
    years = ["2019-20", "2020-21", "2021-22"]
    rows = [["Clients by area"], ["Area", "Number", None, None, "%", None, None], [None, *years, *years]]
    rows += [[area, 10 * k, 11 * k, 12 * k, 5.0 + k, 6.0 + k, 7.0 + k] for k, area in enumerate(["North", "South"], 1)]
    for merges in ((), ("B2:D2", "E2:G2")):
        data = _load(rows, merges=merges)
        assert set(data.measures) == {"Number", "%"}
        north = data.frame[data.frame["area_label"] == "North"].set_index(["measure", "period"])["value"]
        assert north[("Number", T(2021, 4, 1))] == 12 and north[("%", T(2020, 4, 1))] == 7.0


def test_one_word_headings_between_one_word_names_still_head_their_rows():
    rows = [["Ward", "Referrals"], ["Central"], ["Abbey", 5], ["Castle", 6], ["North"], ["Oakwood", 7], ["Park", 8],
            ["South"], ["Tilbury", 9], ["Upton", 4]]
    roles = _roles(rows)
    assert roles[1] == roles[4] == roles[7] == "group"
