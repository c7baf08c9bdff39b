"""Line roles and table shapes on small hand-built sheets (cells -> roles -> tables)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics.ingest import line_roles
from analytics.ingest.grid import DATE, EMPTY, MARKER, NUMBER, TEXT, read_cells
from analytics.ingest.tables import header_names, join_header_rows
from tests.conftest import xlsx_bytes


def _load(rows, **kwargs):
    return analytics.load(xlsx_bytes(rows, **kwargs), filename="t.xlsx", isolated=False)


def _roles(rows, **kwargs):
    return line_roles(xlsx_bytes(rows, **kwargs), filename="t.xlsx", isolated=False)["role"].tolist()


def test_cell_kinds_in_one_pass():
    grid = pd.DataFrame({0: ["Month", "Apr 2024", "May 2024", None, "Source: x"],
                         1: ["Calls", "1,234", "[c]", None, None], 2: [None, 1.5, 2.0, None, None]}, dtype=object)
    kinds = read_cells(grid).kind
    assert kinds[:, 0].tolist() == [TEXT, DATE, DATE, EMPTY, TEXT]
    assert kinds[:, 1].tolist() == [TEXT, NUMBER, MARKER, EMPTY, EMPTY]
    assert kinds[:, 2].tolist() == [EMPTY, NUMBER, NUMBER, EMPTY, EMPTY]


def test_every_role_on_one_sheet():
    rows = [["Adult social care: placements"], [], ["Service", "2023/24", "2024/25"],
            ["OLDER PEOPLE"], ["Residential", 10, 12], ["Nursing", 5, 6],
            ["LEARNING DISABILITY"], ["Residential", 3, 4], ["Total", 18, 22], [],
            ["Source: case management system"]]
    roles = _roles(rows)
    assert roles == ["metadata", "empty", "header", "group", "data", "data", "group", "data", "derived", "empty",
                     "notes"]
    data = _load(rows)
    assert data.source.layout == "periods_across" and data.frequency == "FY"
    # Rows are measures here: the Total is a derived line, and still read as a measure of its own.
    assert data.series("Total").tolist() == [18, 22] and 9 not in set(data.ledger.excluded["row"])
    assert set(data.frame["group"]) == {"OLDER PEOPLE", "LEARNING DISABILITY"}
    reasons = data.ledger.excluded.set_index("row")["reason"].to_dict()
    assert reasons[1] == "title" and reasons[3] == "header" and reasons[4] == "group label"
    assert reasons[11] == "note" and data.ledger.balanced


def test_totals_in_a_table_of_categories_are_derived_and_flagged():
    rows = [["Team", "Referrals", "Assessments"], ["North", 10, 8], ["South", 12, 9], ["Total", 22, 17],
            ["East", 5, 4], ["Grand total", 27, 21]]
    roles = _roles(rows)
    assert roles == ["header", "data", "data", "derived", "data", "derived"]
    data = _load(rows)
    totals = data.frame[data.frame["flag"] == "total"]
    assert set(totals["category"]) == {"Total", "Grand total"}
    reasons = data.ledger.excluded.set_index("row")["reason"]
    assert reasons[4] == reasons[6] == "total / average row"
    assert data.ledger.rows_used == 3 and data.ledger.balanced


def test_stacked_blocks_under_one_date_header_are_one_table():
    # As an NHS sitrep: each date merged over two measure columns; a national block with no header of its
    # own, then a block of trusts under its own 'Region | Org Name' header.
    rows = [[None, None, dt.datetime(2024, 1, 1), None, dt.datetime(2024, 1, 2), None],
            [None, None, "Delayed", "Discharged", "Delayed", "Discharged"],
            [None, "ENGLAND", 10, 11, 12, 13], ["NORTH", "North", 4, 5, 6, 7], [],
            ["Region", "Org Name", None, None, None, None],
            ["NORTH", "Trust A", 1, 2, 3, 4], ["NORTH", "Trust B", 3, 3, 3, 3]]
    data = _load(rows, merges=("C1:D1", "E1:F1"))
    assert data.source.layout == "periods_across" and data.frequency == "D"
    assert set(data.measures) == {"Delayed", "Discharged"} and data.frame["period"].nunique() == 2
    trust_b = data.frame[data.frame["org_name"] == "Trust B"]
    assert len(trust_b) == 4 and trust_b["value"].tolist() == [3, 3, 3, 3]
    assert data.frame.loc[data.frame["org_name"] == "ENGLAND", "flag"].eq("aggregate").all()
    assert 6 in set(data.source.line_roles.query("role == 'header'")["row"])


def test_side_by_side_tables_split_at_a_blank_column():
    rows = [["Financial year", "Index", None, "Calendar year", "Index"]]
    rows += [[f"{y}-{(y + 1) % 100:02d}", y - 1990.0, None, y, y - 1989.5] for y in range(2000, 2010)]
    data = _load(rows)
    assert len(data.source.tables) == 2
    assert data.frequency == "FY" and data.frame["period"].min() == pd.Timestamp(2000, 4, 1)


def test_one_broken_sheet_does_not_sink_a_good_one():
    good = [["Month", "Calls"], ["Apr 2024", 1], ["May 2024", 2], ["Jun 2024", 3]]
    wide = [["x"] * 3] + [[None] * 600 + ["far"]]
    data = analytics.load(xlsx_bytes(good, extra_sheets={"Contents": wide}), filename="t.xlsx", isolated=False)
    assert data.source.sheet == "Sheet1" and data.frame["value"].tolist() == [1, 2, 3]
    assert any("Skipped sheet 'Contents'" in w for w in data.warnings)


def test_hidden_and_helper_sheets_rank_last():
    data = [["Month", "Calls"]] + [[f"{m} 2024", i] for i, m in enumerate(["Apr", "May", "Jun"], 1)]
    helper = [["Month", "Calls"]] + [[f"{m} 2024", i] for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May",
                                                                              "Jun", "Jul"], 1)]
    loaded = analytics.load(xlsx_bytes(data, extra_sheets={"Chart data": helper}, hidden=("Chart data",)),
                            filename="t.xlsx", isolated=False)
    assert loaded.source.sheet == "Sheet1"


@pytest.mark.parametrize(("rows", "want"), [
    ([["Number", "", "Annual"], ["of jobs", "", "percentage"], ["(thousand)", "Median", "change"]],
     ["Number of jobs (thousand)", "Median", "Annual percentage change"]),
    ([["A&E attendances", "", "", "Admissions"], ["Type 1", "Type 2", "Other", "All"]],
     ["A&E attendances: Type 1", "A&E attendances: Type 2", "A&E attendances: Other", "Admissions All"]),
    ([["", "Percentiles", "", ""], ["Median", "10", "20", "30"]],
     ["Median", "Percentile 10", "Percentile 20", "Percentile 30"]),
    # a group over two columns whose first label is a name of its own, not the rest of a phrase
    ([["", "GDP deflator", "", "Money GDP", ""],
      ["Year", "2022-23 = 100", "per cent change on previous year", "Cash £ million NSA", "Cash £ million SA"]],
     ["Year", "GDP deflator: 2022-23 = 100", "GDP deflator: per cent change on previous year",
      "Money GDP: Cash £ million NSA", "Money GDP: Cash £ million SA"]),
    # a heading over single columns and over groups of its own; a colon ending a heading is not doubled
    ([["", "Weeks in care", "", "", "", "", "Hours provided:", ""],
      ["", "Aged 65+", "Older people with MH needs", "", "Aged 18-64", "", "By council", "By others"],
      ["Council", "", "Residential", "Nursing", "", "of which: respite", "", ""]],
     ["Council", "Weeks in care: Aged 65+", "Weeks in care: Older people with MH needs: Residential",
      "Weeks in care: Older people with MH needs: Nursing", "Weeks in care: Aged 18-64",
      "Weeks in care: Aged 18-64: of which: respite", "Hours provided: By council", "Hours provided: By others"]),
])
def test_header_rows_join_as_a_person_reads_them(rows, want):
    assert join_header_rows(rows) == want


def test_merged_ranges_from_the_file_decide_the_span():
    rows = [["Month", "Admissions", None, "Cost"], [None, "18-64", "65+", None]]
    rows += [[dt.datetime(2024, m, 1), m, 10 + m, 1000.0] for m in range(1, 7)]
    merged = _load(rows, merges=("B1:C1",))
    assert {"Admissions: 18-64", "Admissions: 65+", "Cost"} == set(merged.measures)


def test_a_million_blank_rows_classify_fast_and_small():
    grid = pd.DataFrame({0: pd.array([None] * 1_000_000, dtype="string"), 1: np.full(1_000_000, np.nan)})
    grid.iloc[:3, 0] = ["Month", "Apr 2024", "May 2024"]
    grid.iloc[1:3, 1] = [1.0, 2.0]
    cells = read_cells(grid)
    assert cells.counts()[:4].tolist() == [1, 2, 2, 0] and int(cells.counts().sum()) == 5


def test_a_table_of_numbers_only_has_line_roles_though_it_cannot_be_analysed():
    rows = [["Measurements of sample A"], [None], ["depth", "pollen", "spores"]]
    rows += [[10 * i, 3 + i, 7 - i] for i in range(6)] + [[None], ["Source: field survey"]]
    with pytest.raises(analytics.IngestError, match="column of labels"):
        _load(rows)
    assert _roles(rows) == ["metadata", "empty", "header", *["data"] * 6, "empty", "notes"]


def test_a_sheet_of_words_only_is_a_table_to_read_with_header_and_data_lines():
    rows = [["Indicator descriptions"], [None], ["Code", "Description", "Source"]]
    rows += [[f"I{i}", f"Share of people {i}", "Survey"] for i in range(4)] + [[None], ["Notes: see the guide"]]
    with pytest.raises(analytics.IngestError, match="No table found"):
        _load(rows)
    assert _roles(rows) == ["metadata", "empty", "header", *["data"] * 4, "empty", "notes"]


def test_title_lines_far_above_the_header_still_title_the_table():
    rows = [["Council expenditure 2006-07"], ["England", "£ thousands"], [None], [None], [None], [None],
            [None, "ENGLAND", "BARNET", "KENT"]]
    rows += [[f"Line {i}", 100 + i, 10 + i, 20 + i] for i in range(4)]
    data = _load(rows)
    assert "£ thousands" in data.source.title
    assert all(name.endswith("(£ thousands)") for name in data.measures)


def test_periods_with_every_value_blank_still_belong_to_the_table():
    data = analytics.load(b"Month,Referrals received\r\nJan 2023,0\r\nFeb 2023,*\r\nMar 2023,\r\n", filename="m.csv",
                          isolated=False)  # found by the ledger property test: this table was 'not found'
    # Feb's '*' withholds a figure (a gap in the series); March, blank after the last value, is a row read and
    # left out for holding no values (tidy: trailing periods are not periods of the series)
    assert len(data.frame) == 2 and data.frame["value"].isna().sum() == 1 and data.ledger.balanced
    assert data.ledger.excluded.loc[data.ledger.excluded["reason"] == "no values", "row"].tolist() == [4]
    spaced = analytics.load(b"Month,Referrals received\r\nJan 2023,0\r\n,\r\nFeb 2023,\r\nMar 2023,\r\n",
                            filename="m.csv", isolated=False)  # and across a blank row
    assert len(spaced.frame) == 1 and spaced.ledger.balanced and spaced.ledger.rows_read == 5


def test_a_row_of_years_under_a_header_is_a_header_line():
    rows = [["Table 1. Rates"], [None], ["State", "Dependency ratio", None, "Old-age ratio", None],
            [None, 2000, 2008, 2000, 2008]]
    rows += [[f"State {i}", 60.1 + i, 58.2 + i, 40.5 + i, 41.0 + i] for i in range(5)]
    assert _roles(rows) == ["metadata", "empty", "header", "header", *["data"] * 5]


def test_header_lines_spaced_out_above_the_table_are_header_not_title():
    rows = [["Table 2. Population"], [None], ["Year", "Resident population", "Resident population", "Civilian"],
            [None], [None], [None], [None, "Number (1,000)", "Percent change", None]]
    rows += [[1990 + i, 250_000 + i, 1.1, 248_000 + i] for i in range(6)]
    assert _roles(rows) == ["metadata", "empty", "header", "empty", "empty", "empty", "header", *["data"] * 6]


def test_a_row_that_adds_up_others_is_derived_whatever_it_is_called():
    rows = [["Area", "Residents", "Places"], ["United States", 60, 31], ["Alabama", 10, 5], ["Alaska", 20, 11],
            ["Arizona", 30, 15]]
    assert _roles(rows) == ["header", "derived", "data", "data", "data"]
    data = _load(rows)
    assert data.frame.loc[data.frame["category"] == "United States", "flag"].eq("total").all()
    assert data.ledger.excluded.set_index("row")["reason"][2] == "total / average row" and data.ledger.balanced


def test_a_fully_labelled_row_without_values_is_data_not_a_group():
    rows = [["Country", "Code", "Indicator", *range(2015, 2021)]]  # years as numbers, as a workbook holds them
    rows += [[f"Place {i}", f"C{i}", "Tourists", *range(100 + i, 106 + i)] for i in range(3)]
    rows += [["Nowhere", "NWH", "Tourists"]]
    rows += [[f"Place {i}", f"C{i}", "Tourists", *range(100 + i, 106 + i)] for i in range(3, 6)]
    assert _roles(rows) == ["header", *["data"] * 7]
    rows = [["Service", "2019", "2020", "2021"], ["OLDER PEOPLE"], ["Residential", 1, 2, 3], ["Nursing", 4, 5, 6]]
    assert _roles(rows) == ["header", "group", "data", "data"]


def test_short_labels_straight_after_a_table_are_rows_without_values_and_prose_is_a_note():
    rows = [["Course", "2019", "2020", "2021"]] + [[f"ACCT-{i}", 1.5 + i, 2.5, 3.5] for i in range(4)]
    rows += [["AUD-140"], ["AUD-141"], ["Figures are rounded to one decimal place"], [None], ["AUD-142"]]
    assert _roles(rows) == ["header", *["data"] * 4, "data", "data", "notes", "empty", "notes"]
    reasons = _load(rows).ledger.excluded.set_index("row")["reason"].to_dict()
    assert reasons[6] == reasons[7] == "no values" and reasons[8] == "note"


def test_a_label_then_years_five_apart_is_a_header_line_as_abstracts_print_it():
    rows = [["See notes"], [None], ["Item", 1975, 1980, 1985, 1990], [None]]
    rows += [[f"Item {i}", 10 + i, 12 + i, 14 + i, 16 + i] for i in range(5)]
    assert _roles(rows) == ["metadata", "empty", "header", "empty", *["data"] * 5]


def test_numbers_alone_straight_after_a_table_are_its_values_not_notes():
    # One column longer than the others (a curve read past the other units' range).
    rows = [["Load", "Unit 1", "Unit 2"]] + [[k, 10 - k / 10, 12 - k / 10] for k in range(1, 7)]
    rows += [[None, None, 11.2 - k / 10] for k in range(4)] + [[], ["Source: plant tests"]]
    roles = line_roles(xlsx_bytes(rows), filename="curve.xlsx")["role"].astype(str).tolist()
    assert roles[7:11] == ["data"] * 4  # were notes
    assert roles[12] == "notes"


def test_a_label_set_lower_than_the_other_headings_over_a_column_of_years_is_a_header_line():
    rows = [["Annual indexes"], [], [None, "United States", "Australia", "Austria"], ["Year"]]
    rows += [[1950 + k, 12.3 + k, 5.2 + k, 7.1 + k] for k in range(6)]
    roles = line_roles(xlsx_bytes(rows), filename="indexes.xlsx")["role"].astype(str).tolist()
    assert roles[2:4] == ["header", "header"]  # 'Year' was read as a row with its values missing


def test_a_contact_line_over_the_columns_is_not_part_of_their_names():
    rows = [["A&E attendances"], ["Month", "Published J Smith - england.aedata@nhs.net", None],
            [None, "Type 1 Departments", "Type 2 Departments"]]
    rows += [[dt.datetime(2024, m, 1), 1000 + m, 200 + m] for m in range(1, 8)]
    data = analytics.load(xlsx_bytes(rows), filename="ae.xlsx", isolated=False)
    assert set(data.measures) == {"Type 1 Departments", "Type 2 Departments"}


def test_years_across_spaced_out_above_more_header_lines_are_header_lines():
    """As a statistical abstract prints it: the years, blank lines, then each year's columns, then units."""
    parties = ["Democratic", "Republican"] * 3
    rows = [["Table 387. Votes"], [None], ["Characteristic", 1948, None, 1952, None, 1956, None], [None], [None],
            [None, *parties], [None], ["unit indicator", *["(percent)"] * 6]]
    rows += [[f"Group {i}", *[50.0 + i, 50.0 - i] * 3] for i in range(5)]
    assert _roles(rows) == ["metadata", "empty", "header", "empty", "empty", "header", "empty", "header",
                            *["data"] * 5]
    rows[2] = [None, 1970, 1970, 1980, 1980, 1990, 1990]  # years alone, no label
    assert _roles(rows)[2] == "header"


def test_a_cover_block_of_keys_and_values_above_the_table_is_metadata_not_header():
    """As NHS England sets its time series: 'Status: | Published' and 'Contact: | ...' above the header."""
    rows = [["Title:", "Attendances"], ["Period:", "April 2024 to March 2025"], ["Source:", "SDCS"],
            ["Status:", "Published"], ["Revised:"], [None],
            ["Period", "Type 1 attendances", "Type 2 attendances", "Type 3 attendances", "Total"]]
    rows += [[dt.datetime(2024, 4 + i, 1), 100 + i, 10 + i, 50 + i, 160 + 3 * i] for i in range(6)]
    assert _roles(rows) == [*["metadata"] * 5, "empty", "header", *["data"] * 6]
    assert "Type 1 attendances" in _load(rows).measures
    cover = [["Title:", "Attendances"], ["Summary:", "Attendances by month"], ["Period:", "April 2024 on"],
             ["Source:", "SDCS"], ["Basis:", "Provider"], ["Published:", dt.datetime(2026, 4, 16)], ["Revised:"],
             ["Status:", "Published"], ["Contact:", "A. Analyst"], [None]]
    title = _load(cover + rows[6:]).source.tables[0].title  # a date beside its key is still a cover line
    assert title.startswith("Title: Attendances")


def test_numbered_footnotes_below_a_table_are_notes_though_their_keys_read_as_numbers():
    rows = [["Year", "Deflator", "Money GDP"]] + [[2015 + i, 90.0 + i, 2000 + 50 * i] for i in range(6)]
    rows += [[None], ["Footnotes:"], ["(1)", "Figures from 2023 are forecasts by the OBR, November 2023."],
             ["(2)", "Money GDP forecasts from the OBR as of the Autumn Statement."]]
    assert _roles(rows) == ["header", *["data"] * 6, "empty", "notes", "notes", "notes"]


def test_a_header_of_six_lines_is_all_header():
    rows = [["Table 491. Outlays"], [None], ["National defense and veterans outlays", None, "Annual percent change"],
            [None], [None, "Defense outlays"], [None, "Federal", "Federal", "Federal"],
            ["Year", "Total", "Current", "Constant"],
            [None, "outlays", "dollars", "(FY2000) dollars"], [None, "(billion dollars)", "(billion dollars)",
                                                            "(billion dollars)"]]
    rows += [[1960 + i, 90.5 + i, 48.1 + i, 300.2 + i] for i in range(6)]
    assert _roles(rows) == ["metadata", "empty", "header", "empty", *["header"] * 5, *["data"] * 6]


def test_footnote_marks_are_left_out_of_column_names_unless_two_columns_would_share_one():
    rows = [["Financial year", "Money GDP (3), (4)", "Deflator [note 2]", "Total (1)", "Total (2)"]]
    rows += [[f"{2000 + k}-{1 + k:02d}", 100.0 + k, 50.0 + k, 1.0 + k, 2.0 + k] for k in range(5)]
    assert {"Money GDP", "Deflator", "Total (1)", "Total (2)"} == set(_load(rows).measures)


def test_a_footnote_letter_glued_to_a_header_word_is_left_out_when_a_note_is_keyed_by_it():
    rows = [["Annual pay, all employee jobsa"], [], ["Description", "Code", "Number of jobsb", "Median"]]
    rows += [[f"Area {k}", f"E0600000{k}", 10.0 * k, 20000.0 + k] for k in range(1, 7)]
    rows += [["a  Employees on adult rates who have been in the same job for more than a year."],
             ["b  Figures for Number of Jobs are for indicative purposes only."]]
    data = _load(rows)
    assert {"Number of jobs", "Median"} <= set(data.measures)
    assert data.source.title == "Annual pay, all employee jobs"  # the title's words lose the key as names do


def test_front_matter_lines_in_the_header_name_no_column():
    grid = pd.DataFrame([["Status:", "Published", None, None], ["Contact:", "J Smith - team@nhs.net", None, None],
                         ["England Level Data", None, None, None], [None, "A&E attendances", None, "Admissions"],
                         ["Period", "Type 1", "Type 2", "Total"]], dtype=object)
    assert header_names(grid, [0, 1, 2, 3, 4], [0, 1, 2, 3], 0) == (
        "Period", "A&E attendances: Type 1", "A&E attendances: Type 2", "Admissions Total")


def test_a_group_label_the_file_does_not_merge_still_groups_beside_one_it_does():
    # NHS RTT: 'New periods' is merged over its columns, the other group labels are not; the leaves repeat
    rows = [["Month", "Incomplete pathways", None, None, "Admitted pathways", None, "New periods", None],
            [None, "Median wait (weeks)", "92nd percentile (weeks)", "No. within 18 weeks", "Median wait (weeks)",
             "No. within 18 weeks", "No. of new periods", "with estimates"]]
    rows += [[dt.datetime(2024, m, 1), 10.0, 40.0, 100, 9.0, 80, 50, 52] for m in range(1, 7)]
    measures = set(_load(rows, merges=("G1:H1",)).measures)
    assert {"Incomplete pathways: Median wait (weeks)", "Incomplete pathways: 92nd percentile (weeks)",
            "Admitted pathways: Median wait (weeks)", "Admitted pathways: No. within 18 weeks",
            "New periods: No. of new periods", "New periods: with estimates"} <= measures


def test_a_paragraph_of_notes_in_the_header_names_no_column():
    note = ("* No data for one ICB as its providers submit under another.\n\nNotes: \n1. Due to disclosure risks, "
            "trust-level data exclude patients discharged to a hospice.")
    grid = pd.DataFrame([[None, "2024-01-01", None], [note, "Discharged", "Remaining"]], dtype=object)
    assert header_names(grid, [0, 1], [0, 1, 2], 0) == ("Column A", "2024-01-01: Discharged", "2024-01-01: Remaining")


def test_a_dimension_with_a_long_header_is_named_after_it():
    rows = [["Upper Tier Local Authority District code (2019)", "Upper Tier Local Authority District name (2019)",
             "IMD - Average score", "IMD - Rank of average score"]]
    rows += [[f"E0600000{k}", f"Council {k}", 30.0 + k, k] for k in range(1, 8)]
    assert "upper_tier_local_authority_district_code" in _load(rows).dimensions  # was 'label_1'


def test_a_count_stated_in_thousands_is_labelled_so_unless_its_values_are_people():
    rows = [["Area", "Number of jobs (thousand)", "Total waiting (mil)"]]
    rows += [[f"Area {k}", 20.0 * k, 7_000_000.0 + k] for k in range(1, 7)]
    data = _load(rows)
    assert data.measures["Number of jobs (thousand)"].unit == "count_thousands"
    assert data.measures["Total waiting (mil)"].unit == "count"
    assert any("'Total waiting (mil)' says it is in millions" in w for w in data.warnings)


def test_a_repeated_change_column_is_named_by_the_series_to_its_left():
    # ONS ASHE: 'Annual percentage change' after the median and again after the mean
    grid = pd.DataFrame([["Description", "Median", "Annual percentage change", "Mean", "Annual percentage change"]],
                        dtype=object)
    assert header_names(grid, [0], [0, 1, 2, 3, 4], 0) == (
        "Description", "Median", "Median: Annual percentage change", "Mean", "Mean: Annual percentage change")
    one = pd.DataFrame([["Year", "Index", "per cent change on previous year"]], dtype=object)
    assert header_names(one, [0], [0, 1, 2], 0)[2] == "per cent change on previous year"  # not repeated: as printed


def test_a_line_of_units_between_a_heading_and_its_columns_does_not_cut_them_apart():
    grid = pd.DataFrame([[None, "Spend", None], [None, "£ thousands", None],
                         ["Council", "Older people", "Learning disability"]], dtype=object)
    assert header_names(grid, [0, 1, 2], [0, 1, 2], 0) == (
        "Council", "Spend: Older people", "Spend: Learning disability")


def test_a_year_heading_over_every_value_column_is_the_table_s_period_not_part_of_each_name():
    grid = pd.DataFrame([["Spend by council", "2014-15", None], ["Council", "Older people", "Learning disability"]],
                        dtype=object)
    assert header_names(grid, [0, 1], [0, 1, 2], 0)[1:] == ("Older people", "Learning disability")
    two = pd.DataFrame([[None, "2014-15", "2015-16"], ["Council", "Older people", "Older people"]], dtype=object)
    assert header_names(two, [0, 1], [0, 1, 2], 0)[1:] == ("2014-15 Older people", "2015-16 Older people")


def test_two_years_each_over_number_and_percent_head_their_columns_merged_or_not():
    rows = [["Table 3: Requests by support setting"], [],
            ["Setting", 2022, None, 2023, None], [None, "Number", "%", "Number", "%"],
            ["Residential", 120, 40.0, 130, 41.0], ["Nursing", 80, 26.7, 85, 26.8],
            ["Community", 100, 33.3, 102, 32.2], ["Total", 300, 100.0, 317, 100.0]]
    for merges in ((), ("B3:C3", "D3:E3")):
        assert _roles(rows, merges=merges)[2:5] == ["header", "header", "data"]
        data = _load(rows, merges=merges)
        assert {m: i.unit for m, i in data.measures.items()} == {
            "2022: Number": "count", "2022: %": "percent", "2023: Number": "count", "2023: %": "percent"}
    records = [["Building", "Built", "Refitted"], ["Oak House", 1990, 2005], ["Elm Court", 1972, 2011],
               ["Ash Lodge", 1988, 2019]]
    assert _roles(records)[1] == "data"  # years as values, with more values below: a row of the table


def test_durations_over_a_line_of_words_are_not_taken_for_years():
    from analytics.ingest.tables import _years_over_words

    grid = pd.DataFrame([["Morning", "10:30:00", "12:00:00"], [None, "Topic", "Speaker"]], dtype=object)
    kinds = np.array([[TEXT, NUMBER, NUMBER], [EMPTY, TEXT, TEXT]])  # durations count as numbers from the cells stage
    assert not _years_over_words(grid, kinds, 0, 0, np.arange(3))  # raised ValueError on '10:30:00' before
    grid.iat[0, 1], grid.iat[0, 2] = 2022, 2023
    assert _years_over_words(grid, kinds, 0, 0, np.arange(3))
