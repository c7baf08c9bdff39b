"""Loader concerns one at a time, on small workbooks and CSVs the tests write themselves."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics.ingest.cells import parse_numbers
from analytics.ingest.labels import clean_label
from tests.conftest import SAMPLES

T = pd.Timestamp


def test_numbers_markers_and_negatives():
    parsed = parse_numbers(pd.Series(["£1,234", "1,234.5", "(0.17)", "17%", "*", "[c]", "..", "n/a", "Not held",
                                      "-", "-5", "abc", None], dtype=object))
    values = parsed.values.tolist()
    assert values[:4] == [1234, 1234.5, -0.17, 17]
    assert values[10] == -5
    assert all(np.isnan(v) for v in values[4:10] + values[11:])
    assert parsed.marker.tolist()[4:10] == ["*", "[c]", "..", "n/a", "not held", "-"]
    assert parsed.unreadable.tolist() == [False] * 11 + [True, False]
    assert parsed.percent_sign.tolist()[3]


def test_footnote_digits_stripped_but_not_age_bands_or_months():
    assert clean_label("Persons 6") == "Persons"
    assert clean_label("Age 18-64") == "Age 18-64"
    assert clean_label("Month 9") == "Month 9"


def test_title_rows_header_not_on_row_one_and_notes_below(make_xlsx):
    rows = [["Exampleshire County Council"], ["Calls answered by week"], [],
            ["Week commencing", "Calls answered", "Calls abandoned"]]
    rows += [[dt.datetime(2024, 1, 1) + dt.timedelta(weeks=i), 400 - i, 20] for i in range(8)]
    rows += [[], ["Notes:"], ["1. Figures are provisional"]]
    data = analytics.load(make_xlsx(rows), filename="calls.xlsx")
    assert data.source.header_rows == (4,)
    assert data.frequency == "W"
    assert data.series("Calls answered").iloc[0] == 400
    assert data.ledger.rows_read == 15 and data.ledger.rows_used == 8 and data.ledger.balanced
    reasons = data.ledger.excluded.set_index("row")["reason"].to_dict()
    assert reasons[1] == "title" and reasons[4] == "header" and reasons[14] == "note"


def test_two_row_header_with_merged_group_label(make_xlsx):
    rows = [["Month", "Admissions", None, "Cost"], [None, "18-64", "65+", None]]
    rows += [[dt.datetime(2024, m, 1), m, 10 + m, 1000.0] for m in range(1, 7)]
    data = analytics.load(make_xlsx(rows, merges=("B1:C1",)), filename="a.xlsx")
    assert set(data.measures) == {"Admissions: 18-64", "Admissions: 65+", "Cost"}
    assert data.source.header_rows == (1, 2)


def test_periods_across_with_fy_months(make_xlsx):
    rows = [["Budget monitor 2024/25"], [], ["Line", "M1", "M2", "M3", "M4"],
            ["Home care", 1.0, 1.1, 1.2, None], ["Day care", 2.0, 2.1, 2.2, None]]
    data = analytics.load(make_xlsx(rows), filename="b.xlsx")
    assert data.source.layout == "periods_across"
    assert sorted(data.frame["period"].unique()) == [T(2024, 4, 1), T(2024, 5, 1), T(2024, 6, 1)]


def test_stacked_tables_are_each_selectable(make_xlsx):
    rows = [["Table 1: calls"], ["Month", "Calls"]] + [[f"Apr {y}", 100 + y] for y in range(2015, 2025)]
    rows += [[], [], ["Table 2: contacts"], ["Month", "Contacts"]] + [[f"May {y}", 5] for y in range(2020, 2024)]
    data = analytics.load(make_xlsx(rows), filename="s.xlsx")
    assert set(data.measures) == {"Calls"}  # the bigger table first
    sheet_tables = [t for t in data.source.tables if t.sheet == "Sheet1"]
    assert len(sheet_tables) == 2
    second = analytics.load(make_xlsx(rows), filename="s.xlsx",
                            options=analytics.ingest.Options(sheet="Sheet1", table=1))
    assert set(second.measures) == {"Contacts"}
    assert second.ledger.balanced
    assert "another table (table 1)" in set(second.ledger.excluded["reason"])


def test_best_sheet_chosen_and_hidden_sheet_last(make_xlsx):
    small = [["Month", "X"], ["Apr 2024", 1], ["May 2024", 2]]
    big = [["Month", "Calls", "Contacts"]] + [[f"{m} 2024", i, i] for i, m in
                                               enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun"])]
    helper = [["Week", "Helper"]] + [[i, i] for i in range(100)]
    data = analytics.load(make_xlsx(small, extra_sheets={"Main": big, "chart": helper}, hidden=("chart",)),
                          filename="w.xlsx")
    assert data.source.sheet == "Main"
    assert data.source.tables[-1].sheet == "chart"


def test_cp1252_csv_with_semicolons_and_uk_dates():
    text = "Contacts – weekly\n\nWeek commencing;Contacts;Cost (£)\n" + "".join(
        f"{d:%d/%m/%Y};{100 + i};£{1000 + i:,}\n" for i, d in
        enumerate(pd.date_range("2024-08-05", periods=6, freq="7D")))
    data = analytics.load(text.encode("cp1252"), filename="c.csv")
    assert data.frame["period"].min() == T(2024, 8, 5) and data.frequency == "W"
    assert data.series("Cost (£)").iloc[1] == 1001


def test_ambiguous_dates_warned(make_xlsx):
    csv = b"Date,Calls\n01/02/2024,5\n02/02/2024,6\n03/02/2024,7\n"
    data = analytics.load(csv, filename="d.csv")
    assert data.frame["period"].min() == T(2024, 2, 1)
    assert any("read both ways" in w for w in data.warnings)


def test_gaps_reported(make_xlsx):
    rows = [["Month", "Calls"]] + [[f"{m} 2024", 1] for m in ["Jan", "Feb", "Apr", "May", "Jun"]]
    data = analytics.load(make_xlsx(rows), filename="g.xlsx")
    assert any("missing" in w and "March 2024" in w for w in data.warnings)


def test_text_in_number_column_is_listed_not_lost(make_xlsx):
    rows = [["Month", "Calls"], ["Jan 2024", 1], ["Feb 2024", "see note"], ["Mar 2024", 3], ["Apr 2024", 4]]
    data = analytics.load(make_xlsx(rows), filename="n.xlsx")
    cells = data.ledger.excluded[data.ledger.excluded["column"] == "Calls"]
    assert cells["detail"].tolist() == ["see note"] and cells["reason"].tolist() == ["not a number"]


def test_no_table_message(make_xlsx):
    with pytest.raises(analytics.IngestError, match="No table found"):
        analytics.load(make_xlsx([["Just a title"]]), filename="t.xlsx")


def test_unknown_sheet_message(make_xlsx):
    with pytest.raises(analytics.IngestError, match="no sheet called 'Nope'"):
        analytics.load(make_xlsx([["Month", "X"], ["Apr 2024", 1], ["May 2024", 2]]), filename="t.xlsx",
                       sheet="Nope")


def test_user_header_row_override(make_xlsx):
    rows = [["Report"], ["Period", "Value"], ["Apr 2024", 1], ["May 2024", 2], ["Jun 2024", 3]]
    data = analytics.load(make_xlsx(rows), filename="h.xlsx", options=analytics.ingest.Options(header_row=2))
    assert data.source.header_rows == (2,) and "Value" in data.measures


def test_delimiter_chosen_by_consistent_width_not_fooled_by_thousands():
    from analytics.ingest.readers import read_csv

    def delimiter(text: str) -> str:
        return read_csv(text.encode(), "t.csv").delimiter

    text = "Title, with a comma\nMonth;Requests;Spend\nApr 2024;1,209;£1,165,644\nMay 2024;1,151;£1,139,573\n"
    assert delimiter(text) == ";"
    assert delimiter("a,b,c\n1,2,3\n4,5,6\n") == ","
    assert delimiter("a\tb\n1\t2\n") == "\t"


def test_series_sums_dimensions_but_never_totals(make_xlsx):
    rows = [["Month", "Age band", "Admissions"],
            ["Apr 2024", "18-64", 3], ["Apr 2024", "65+", 10], ["Apr 2024", "Total", 13],
            ["May 2024", "18-64", 4], ["May 2024", "65+", 12], ["May 2024", "Total", 16]]
    data = analytics.load(make_xlsx(rows), filename="adm.xlsx")
    assert data.series("Admissions").tolist() == [13.0, 16.0]
    assert data.series("Admissions", age_band="65+").tolist() == [10.0, 12.0]


def test_series_refuses_to_add_up_percentages(make_xlsx):
    rows = [["Month", "Team", "Reviews on time %"],
            ["Apr 2024", "North", 80], ["Apr 2024", "South", 60],
            ["May 2024", "North", 82], ["May 2024", "South", 64]]
    data = analytics.load(make_xlsx(rows), filename="pct.xlsx")
    assert data.measures["Reviews on time %"].unit == "percent"
    with pytest.raises(analytics.AnalysisError, match="cannot be added up"):
        data.series("Reviews on time %")
    assert data.series("Reviews on time %", team="North").tolist() == [80.0, 82.0]


def test_record_split_candidates_skip_ids_and_dates():
    from analytics.ingest.records import split_candidates
    data = analytics.load(SAMPLES / "contacts_records.csv")
    candidates = split_candidates(data.records)
    assert "Contact ID" not in candidates and "date" not in candidates
    assert {"Source", "Outcome", "Age band"} <= set(candidates)


def test_record_rows_with_no_readable_date_or_no_values_are_left_out_and_the_rest_kept_whole():
    """One row per record: a blank row and a row whose date cannot be read go to the ledger with their
    reasons; every other record keeps each of its cells, as text, in ``records``."""
    rows = ["Case ID,Date received,Team,Minutes"]
    rows += [f"C{i:04d},2024-04-{1 + i % 28:02d},Team {i % 3},{5 + i}" for i in range(60)]
    rows[10] = ",,,"
    rows[20] = "C0019,not a date,Team 1,24"
    data = analytics.load("\n".join(rows).encode(), filename="cases.csv", isolated=False)
    assert data.kind == "records" and len(data.records) == 58
    reasons = dict(zip(data.ledger.excluded["row"], data.ledger.excluded["reason"].astype(str), strict=False))
    assert reasons[11] == "blank" and reasons[21] == "unparseable date"
    assert data.records["Case ID"].tolist()[:3] == ["C0000", "C0001", "C0002"]
    assert "C0019" not in set(data.records["Case ID"]) and data.records["Minutes"].iloc[-1] == "64"
    assert data.records["Team"].dtype == "string"


def _sheet_roles(data: bytes, sheet: str) -> list[str]:
    from analytics.ingest import line_roles
    return line_roles(data, sheet=sheet, filename="book.xlsx", isolated=False)["role"].astype(str).tolist()


def test_a_cover_or_notes_sheet_beside_a_table_gets_line_roles_not_an_error():
    from tests.conftest import xlsx_bytes
    table = [["Month", "Requests"], ["Apr 2024", 10], ["May 2024", 12], ["Jun 2024", 11]]
    cover = [["Title:", "Requests for support"], ["Period:", "April 2024", "-", "June 2024"],
             ["Source:", "Council returns"], ["Contact:", "team@example.gov.uk"]]
    contents = [["Sheet", "Description"], ["Table 1", "Requests by month"], ["Table 2", "Requests by team"]]
    data = xlsx_bytes(table, sheet="Table 1", extra_sheets={"Cover": cover, "Contents": contents})
    assert _sheet_roles(data, "Cover") == ["metadata"] * 4  # key-value front matter, not a table of words
    assert _sheet_roles(data, "Contents") == ["header", "data", "data"]
    assert _sheet_roles(data, "Table 1") == ["header", "data", "data", "data"]
    with pytest.raises(analytics.IngestError, match="no sheet called"):
        _sheet_roles(data, "Missing")


def test_asking_for_a_sheet_the_reader_set_aside_says_why_not_that_it_is_missing():
    from tests.conftest import xlsx_bytes
    table = [["Month", "Requests"], ["Apr 2024", 10], ["May 2024", 12], ["Jun 2024", 11]]
    wide = [["Contents", *([None] * 600), "x"]]  # values 602 columns apart: more than the reader takes
    data = xlsx_bytes(table, sheet="Table 1", extra_sheets={"Contents": wide})
    assert analytics.load(data, filename="book.xlsx", isolated=False).measures  # the good sheet still loads
    for read in (analytics.load, analytics.ingest.line_roles):
        with pytest.raises(analytics.IngestError, match=r"The sheet 'Contents' cannot be read: it has 602 columns"):
            read(data, filename="book.xlsx", sheet="Contents", isolated=False)


def test_a_contents_list_whose_entries_end_in_colons_is_still_a_table_of_words():
    from tests.conftest import xlsx_bytes
    table = [["Month", "Requests"], ["Apr 2024", 10], ["May 2024", 12], ["Jun 2024", 11]]
    contents = [["Contents"], ["Sheet", "Description"], ["Table 1:", "Requests by month"],
                ["Table 2:", "Requests by team"]]
    data = xlsx_bytes(table, sheet="Table 1", extra_sheets={"Contents": contents})
    assert _sheet_roles(data, "Contents") == ["metadata", "header", "data", "data"]
