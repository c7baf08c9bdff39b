"""Totals found by their arithmetic (analytics.ingest.totals)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest.totals import summing_rows

NAN = np.nan


def test_a_grand_total_over_subtotals_and_their_parts():
    rows = [[57224, 100.0],  # total of the two subtotals
            [24542, 42.9], [10995, 19.2], [4119, 7.2], [9428, 16.5],  # a subtotal over three
            [32682, 57.1], [30000, 52.4], [2000, 3.5], [682, 1.2]]
    assert summing_rows(np.array(rows)).tolist() == [True, True, False, False, False, True, False, False, False]


def test_a_total_below_its_parts_within_rounding():
    rows = [[33.3, 10], [33.3, 20], [33.3, 30], [100.0, 60]]
    assert summing_rows(np.array(rows)).tolist() == [False, False, False, True]


def test_one_column_or_one_row_is_never_enough():
    assert not summing_rows(np.array([[5.0], [2.0], [3.0]])).any()
    assert not summing_rows(np.array([[4.0, 6.0], [4.0, 6.0], [1.0, 1.0]])).any()  # a repeat is not a sum
    # Two rows adding up to a third can be an identity of accounts (gross = income + net): asked for three,
    # they are not a total; Persons = Males + Females is, at the default.
    accounts = np.array([[17833.6, 10789], [598.0, 2315], [17235.6, 8474]])
    assert not summing_rows(accounts, min_run=3).any() and summing_rows(accounts).tolist() == [True, False, False]


def test_a_value_the_run_does_not_have_breaks_the_match():
    rows = [[10, 4, 7], [6, 2, NAN], [3, 1, NAN], [1, 1, NAN]]
    assert not summing_rows(np.array(rows, dtype=float)).any()
    rows = [[10, 4, NAN], [6, 2, 1], [3, 1, 3], [1, 1, 1]]  # a blank in the total is no evidence against it
    assert summing_rows(np.array(rows, dtype=float)).tolist() == [True, False, False, False]


def test_zeros_do_not_make_totals():
    assert not summing_rows(np.zeros((5, 3))).any()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.integers(1, 10_000), min_size=3, max_size=3), min_size=3, max_size=12),
       st.integers(0, 1))
def test_an_inserted_total_is_always_found(parts, above):
    """A total row built from the parts is found, above or below them, whatever the parts are."""
    values = np.array(parts, dtype=float)
    total = values.sum(axis=0, keepdims=True)
    grid = np.vstack([total, values]) if above else np.vstack([values, total])
    assert summing_rows(grid)[0 if above else -1]
