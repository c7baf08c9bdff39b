"""Reading cells as numbers: every form Excel and finance systems write, markers named, the rest reported."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest import cells

FORMS = ["1,234.5", "(12)", "-£1,234", "£-1,234", "+12", "12.", "1.5E+03", "17%", "4.03m", "[c]", "..", "x",
         "n/a", "", "  7 ", "abc", "\u221212", "1e999", "0", "(X)"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FORMS + [None]), min_size=cells.DISTINCT_FROM + 1, max_size=cells.DISTINCT_FROM + 40))
def test_a_long_column_reads_as_each_cell_read_alone(values):
    column = pd.Series(values, dtype=object)
    fast, slow = cells.parse_numbers(column), cells._parse_cells(column)
    pd.testing.assert_series_equal(fast.values, slow.values, check_names=False)
    assert fast.marker.fillna("").tolist() == slow.marker.fillna("").tolist()
    assert fast.unreadable.tolist() == slow.unreadable.astype(bool).tolist()
    assert fast.percent_sign.tolist() == slow.percent_sign.astype(bool).tolist()


PLAIN = ["1234", "-0.5", "007", " 12 ", "0", "3.25", "-", "[c]", "N/A", "X", "..", "", None]


def _assert_same(a: cells.ParsedNumbers, b: cells.ParsedNumbers) -> None:
    pd.testing.assert_series_equal(a.values, b.values, check_names=False)
    assert a.marker.fillna("").tolist() == b.marker.fillna("").tolist()
    assert a.unreadable.astype(bool).tolist() == b.unreadable.astype(bool).tolist()
    assert a.percent_sign.astype(bool).tolist() == b.percent_sign.astype(bool).tolist()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(PLAIN) | st.sampled_from(FORMS), min_size=1, max_size=40),
       st.sampled_from([object, "string"]))
def test_the_plain_number_shortcut_reads_as_the_full_parse(values, dtype):
    column = pd.Series(values, dtype=dtype)
    _assert_same(cells.parse_numbers(column), cells._parse_full(column.astype(object)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=False) | st.none(),
                min_size=1, max_size=30))
def test_an_object_column_of_numbers_reads_as_the_full_parse(values):
    column = pd.Series(values, dtype=object)
    _assert_same(cells.parse_numbers(column), cells._parse_full(column.astype(object)))


def test_the_shortcut_takes_plain_numbers_and_markers_and_refuses_the_rest():
    shortcut = cells._parse_plain(pd.Series(["12", "-", "3.5", None, "[c]"], dtype=object))
    assert shortcut is not None
    assert shortcut.values.iloc[[0, 2]].tolist() == [12.0, 3.5] and shortcut.values.iloc[[1, 3, 4]].isna().all()
    assert shortcut.marker.fillna("").tolist() == ["", "-", "", "", "[c]"]
    assert cells._parse_plain(pd.Series(["12", "£1,234"], dtype=object)) is None
    assert cells._parse_plain(pd.Series(["12", "1e999"], dtype=object)) is None


def test_number_forms():
    parsed = cells.parse_numbers(pd.Series(FORMS, dtype=object))
    assert parsed.values.tolist()[:9] == [1234.5, -12.0, -1234.0, -1234.0, 12.0, 12.0, 1500.0, 17.0, 4.03]
    assert parsed.marker.iloc[9] == "[c]" and parsed.percent_sign.iloc[7]
    assert parsed.unreadable.iloc[15] and not parsed.unreadable.iloc[13]


def test_empty_and_all_missing_columns_read_as_nothing():
    # an empty stacked column once raised TypeError (object & bool[pyarrow]) on a statistical-abstract sheet
    for column in (pd.Series([], dtype=object), pd.Series([], dtype="string"), pd.Series([None, None], dtype=object),
                   pd.Series([pd.NA, ""], dtype="string")):
        parsed = cells.parse_numbers(column)
        assert parsed.values.isna().all() and not parsed.unreadable.any() and len(parsed.values) == len(column)


def test_numbers_grouped_by_spaces_and_an_ellipsis_for_a_gap():
    from analytics.ingest.cells import cell_kind, parse_numbers
    from analytics.ingest.grid import MARKER, NUMBER, read_cells

    column = pd.Series(["76\u00a0440", "\u00a0102\u00a0884", "1 234", "1\u202f000", "…", "..."], dtype=object)
    parsed = parse_numbers(column)
    assert parsed.values.tolist()[:4] == [76440, 102884, 1234, 1000] and parsed.values[4:].isna().all()
    assert parsed.marker.tolist()[4:] == ["…", "..."] and not parsed.unreadable.any()
    assert cell_kind("76\u00a0440") == "number"
    assert read_cells(pd.DataFrame({0: column})).kind[:, 0].tolist() == [NUMBER] * 4 + [MARKER] * 2
