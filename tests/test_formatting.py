"""Words in one place: every view formats numbers, money, percentages and periods through analytics.formatting."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analytics import analysis, commentary, compare, formatting
from analytics.export import excel, word
from analytics.formatting import cell_text, fixed, format_millions, format_value, p_text, round_half_away, slope_text


@pytest.mark.parametrize(("x", "digits", "expected"), [(2.5, 0, 3.0), (-2.5, 0, -3.0), (0.125, 2, 0.13),
                                                        (16.4999999999, 0, 17.0), (1e200, 0, 1e200)])
def test_round_half_away_from_zero(x, digits, expected):
    """16.4999999999 is float noise for 16.5: taken to 9 places first, it rounds up."""
    assert round_half_away(x, digits) == expected


@pytest.mark.parametrize(("x", "unit", "expected"), [
    (1234.0, "count", "1,234"), (12.25, "count", "12.3"), (31.45, "percent", "31.5%"),
    (1047.523, "currency", "£1,048"), (47.525, "currency", "£47.53"), (-12.0, "currency", "-£12"),
    (20.25, "days", "20.3 days"), (13.94, "weeks", "13.9 weeks"), (12.45, "rate", "12.5"),
    (math.nan, "count", "no value")])
def test_a_value_in_its_unit(x, unit, expected):
    assert format_value(x, unit) == expected


def test_money_in_millions_never_shows_minus_zero():
    assert format_millions(-0.001) == "£0.00m" and format_millions(-0.925) == "-£0.93m"
    # HM Treasury's money GDP in £ million: no pence of millions on £3.2 trillion
    assert format_millions(3218152.0) == "£3,218,152m" and format_millions(-1000.4) == "-£1,000m"
    assert format_millions(999.994) == "£999.99m"


def test_table_cells_and_statistics():
    assert [cell_text(v) for v in (None, np.nan, True, 3, 1234.5, pd.Timestamp("2024-06-03"), [1, 2.5])] == \
        ["", "", "Yes", "3", "1,234.5", "03/06/2024", "1, 2.5"]
    assert cell_text(0.5, 2) == "0.50" and cell_text(dt.date(2024, 1, 2)) == "02/01/2024"
    assert fixed(None) == "" and fixed(math.inf) == "" and fixed(1234.567) == "1,234.57"
    assert p_text(0.0421) == "p = 0.042" and p_text(0.0004) == "p < 0.001"
    assert p_text(0.002, smallest=0.002) == "p = 0.002 or less"
    assert slope_text(-12.4, "percent") == "12 percentage points" and slope_text(0.034, "count") == "0.034"
    assert slope_text(1.25, "currency") == "£1.3" and slope_text(2.0, "days", with_unit=False) == "2.0"


def test_the_old_names_are_the_same_functions():
    assert commentary.format_value is formatting.format_value and commentary.format_millions is format_millions
    assert compare.round_half_away is formatting.round_half_away and compare.format_number is formatting.format_number
    assert word.cell_text is excel.cell_text is formatting.cell_text and analysis.fixed is formatting.fixed


@pytest.mark.parametrize(("x", "unit", "expected"), [
    (1151543.95, "currency_thousands", "£1.15bn"), (-1151543.95, "currency_thousands", "-£1.15bn"),
    (23668.0, "currency_thousands", "£23,668k"),  # fits: as format_value writes it
    (4_030_000.0, "currency", "£4.03m"), (999_960_000.0, "currency", "£1.00bn"),
    (12345.6, "currency_millions", "£12,346m"), (123456.7, "currency_millions", "£123bn"),
    (99_999_999.0, "count", "100m"), (9_994_999.0, "count", "9.99m"), (123456.0, "count", "123,456"),
    (45.5, "percent", "45.5%"), (12412.2, "rate", "12,412.2"), (float("nan"), "count", "no value"),
])
def test_short_values_for_tiles(x, unit, expected):
    from analytics.formatting import SHORT_WIDTH, format_short
    assert format_short(x, unit) == expected and len(expected) <= SHORT_WIDTH


def test_a_count_printed_in_thousands_or_millions_keeps_its_scale_in_every_view():
    from analytics.charts.styles import unit_title
    from analytics.formatting import format_short

    assert format_value(22447.0, "count_thousands") == "22,447 thousand"  # ASHE 'Number of jobs (thousand)'
    assert format_value(7.071, "count_millions") == "7.07 million"
    assert format_short(22447.0, "count_thousands") == "22.4m" and format_short(7.071, "count_millions") == "7.07m"
    assert slope_text(12.4, "count_thousands") == "12 thousand"
    assert unit_title("count_thousands") == "Thousands" and unit_title("count_millions") == "Millions"


def test_every_unit_has_words_and_the_words_lead_back_to_it():
    from analytics.vocabulary import UNITS

    assert [formatting.unit_words(u) for u in ("count_thousands", "currency_millions", "percent", "index")] == [
        "count, thousands", "£ millions", "percent", "index"]
    assert all(formatting.UNIT_OF_WORDS[formatting.unit_words(u)] == u for u in UNITS)
    assert format_value(54.644, "index") == "54.6"


def test_durations_read_with_their_time_unit():
    assert format_value(45, "minutes") == "45.0 minutes" and format_value(4.083, "hours") == "4.1 hours"
    assert slope_text(2.5, "hours") == "2.5 hours"
