"""The cells stage: each cell's kind, computed once per distinct value."""

from __future__ import annotations

import sys

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest import grid

TYPED = st.text(alphabet=st.sampled_from(list("0123456789 -/%.,£$()'+eEkmQqFYWw:") + list("AprMayJunweekTotal")
                                         + ["\u2212", "\u00a0", "–", "é"]), min_size=1, max_size=14)
KNOWN = ["C0000001", "12", "1,234.5", "(12)", "£-1,234", "1.5E+03", "17%", "4.03m", "Apr-24", "2024/25",
         "Q1 2024/25", "01/04/2024", "2024-04-01", "x", "[c]", "n/a", "–", "Total", "\u221212", "12\u00a0%"]


@settings(max_examples=300, deadline=None)
@given(st.lists(TYPED, min_size=1, max_size=40, unique=True))
def test_the_whole_array_path_gives_each_value_the_kind_the_one_value_path_gives(values):
    values = [v.strip() for v in values if v.strip()]
    kind, percent = grid._distinct_kinds(pa.array(values, type=pa.large_string()))
    assert [(int(k), bool(p)) for k, p in zip(kind, percent, strict=True)] == [grid._text_kind(v) for v in values]


SPACES = st.sampled_from([" ", "\t", "\n", "\x1c", "\x1f", "\x85", "\xa0", "\u2009", "\u2028", "\u3000",
                         "\u200b", "\ufeff"])  # the last two are not whitespace to str.strip: they stay


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(SPACES, max_size=3), TYPED, st.lists(SPACES, max_size=3)), min_size=1,
                max_size=30))
def test_cells_are_stripped_in_arrow_exactly_as_str_strip_strips_them(parts):
    """Distinct values are trimmed by Arrow with str.strip's own set of whitespace, so a cell padded with
    no-break, thin or ideographic spaces gets the kind its stripped text has, as Python would give it."""
    cells = ["".join(before) + core + "".join(after) for before, core, after in parts]
    kind, percent = grid._text_kinds(pd.Series(cells, dtype="string"))
    expected = [grid._text_kind(c.strip()) if c.strip() else (grid.EMPTY, False) for c in cells]
    assert [(int(k), bool(p)) for k, p in zip(kind, percent, strict=True)] == expected


def test_the_whitespace_arrow_trims_is_exactly_what_str_strip_strips():
    assert grid.PYTHON_WHITESPACE == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def test_kinds_of_known_cells():
    kind, percent = grid._text_kinds(pd.Series(KNOWN + ["", None], dtype="string"))
    names = {grid.EMPTY: "empty", grid.NUMBER: "number", grid.DATE: "date", grid.TEXT: "text",
             grid.MARKER: "marker"}
    assert [names[k] for k in kind] == ["text", "number", "number", "number", "number", "number", "number",
                                        "number", "date", "date", "date", "date", "date", "marker",
                                        "marker", "marker", "marker", "text", "number", "number", "empty",
                                        "empty"]
    assert percent.tolist() == [v.endswith("%") for v in KNOWN] + [False, False]


def test_a_column_of_durations_is_numbers_and_a_time_slot_header_is_not():
    rows = pd.DataFrame({0: ["Team", "North", "South"], 1: ["Average wait", "4:05:00", "1899-12-31 03:50:00"],
                         2: ["09:00", "12", "14"]}, dtype="string")
    kinds = grid.read_cells(rows).kind
    assert kinds[:, 1].tolist() == [grid.TEXT, grid.NUMBER, grid.NUMBER]
    assert kinds[0, 2] != grid.NUMBER  # one time heading a column of counts is a label
    timed = pd.DataFrame({0: pd.to_timedelta([None, "4h", "30min"])})
    assert grid.read_cells(timed).kind[:, 0].tolist() == [grid.EMPTY, grid.NUMBER, grid.NUMBER]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.just(""), st.just("  "), TYPED), max_size=12), min_size=1,
                max_size=6))
def test_text_columns_classified_together_get_the_kinds_each_gets_alone(columns):
    """read_cells encodes every text column's distinct values in one pass (one dictionary for all of them):
    a value only in a later column, an all-blank column or an empty one must come out as it does alone."""
    n = max(len(c) for c in columns)
    frame = pd.DataFrame({j: pd.Series(c + [None] * (n - len(c)), dtype="str" if j % 2 else "string[python]")
                          for j, c in enumerate(columns)})
    cells = grid.read_cells(frame)
    for j in range(frame.shape[1]):
        kind, percent = grid._text_kinds(frame[j])
        assert cells.kind[:, j].tolist() == kind.tolist() and cells.percent[:, j].tolist() == percent.tolist()
        expected = [grid._text_kind(v.strip()) if isinstance(v, str) and v.strip() else (grid.EMPTY, False)
                    for v in frame[j].astype(object).where(frame[j].notna(), None)]
        assert [(int(k), bool(p)) for k, p in zip(kind, percent, strict=True)] == expected
