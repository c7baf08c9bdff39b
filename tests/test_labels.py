"""Labels as a person writes them: footnote marks out, numbers a word takes kept, note keys unglued."""

from __future__ import annotations

import pytest

from analytics.ingest.labels import (
    clean_label,
    heading_label,
    note_keys,
    numbered,
    sheet_words,
    short_name,
    without_note_keys,
)


@pytest.mark.parametrize(("text", "want"), [
    ("Kent [note 2]", "Kent"), ("Kent [x]", "Kent"), ("England¹", "England"), ("Persons 6", "Persons"),
    ("years1", "years"), ("Total (1)", "Total (1)"),  # a row label's '(1)' may be all that tells two apart
])
def test_footnote_marks_are_left_out(text, want):
    assert clean_label(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("Money GDP (3), (4)", "Money GDP"), ("Money GDP (3)", "Money GDP"), ("Total (notes 1, 2)", "Total"),
    ("Total*", "Total"), ("Kent [note 2]", "Kent"), ("2022-23 = 100", "2022-23 = 100"),
])
def test_a_heading_loses_its_marks_too(text, want):
    assert heading_label(text) == want


@pytest.mark.parametrize("text", ["Aged 65", "Under 18", "Over 85", "Ages 0 to 4", "Pathway 3", "Percentile 10",
                                  "Month 9", "Age 18-64", "Upper Tier Local Authority District code (2019)",
                                  "Rate (per 1000)", "ABC1"])
def test_a_number_a_word_takes_is_no_footnote(text):
    assert clean_label(text) == text


def test_a_note_key_glued_to_a_word_is_unglued_only_where_the_notes_use_the_word():
    notes = ["a  Employees on adult rates who have been in the same job for more than a year.",
             "b  Figures for Number of Jobs are for indicative purposes only.", "Source: ASHE"]
    keys, words = note_keys(notes), sheet_words(notes)
    assert keys == {"a", "b"}
    assert without_note_keys("Number of jobsb", keys, words) == "Number of jobs"
    assert without_note_keys("Data", keys, words) == "Data"  # 'dat' is no word of the notes
    assert without_note_keys("Number of jobsb", set(), words) == "Number of jobsb"  # no note keyed 'b'


def test_a_plural_heading_over_a_bare_number_reads_as_one_name():
    assert numbered("Percentiles", "10") == "Percentile 10" and numbered("Weeks", "5") == "Week 5"
    assert numbered("Percentiles", "Median") is None and numbered("Series", "1") is None
    assert numbered("Totals", "3") is None  # 'Total 3' would read as a footnote mark


def test_a_long_header_is_shortened_to_name_a_column_not_dropped():
    assert short_name("Upper Tier Local Authority District code (2019)") == "Upper Tier Local Authority District code"
    assert short_name("Age band") == "Age band"
    assert short_name("The name of the lower tier local authority district that the small area lies in") == \
        "district that the small area lies in"
    assert short_name("x" * 60) == ""
