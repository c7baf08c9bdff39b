"""The shared vocabulary: one table per frequency, read by every module instead of its own lookup dicts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import analysis, catalogue, compare, dataset, periods, seasonal, vocabulary
from analytics.vocabulary import FREQUENCIES, FREQUENCIES_TABLE, by_frequency

ROOT = Path(__file__).resolve().parents[1]
# A dict literal keyed by frequency codes with a literal value: a lookup table written again outside the vocabulary.
PER_FREQUENCY_LITERAL = re.compile(r'\{\s*"(?:D|W|M|Q|FY)":\s*(?:"|\d|pd\.)')


def test_the_typed_names_are_the_tables():
    assert FREQUENCIES == tuple(FREQUENCIES_TABLE) == ("D", "W", "M", "Q", "FY", "Y")
    assert vocabulary.UNITS == catalogue.UNITS == compare.UNITS
    assert vocabulary.POLARITIES == catalogue.POLARITIES == compare.POLARITIES
    assert dataset.ADDITIVE_UNITS == compare.SUMMED_UNITS == vocabulary.SUMMED_UNITS
    assert set(vocabulary.SUMMARY_FLAGS) <= set(vocabulary.Flag.__args__)


@pytest.mark.parametrize("code", FREQUENCIES)
def test_each_frequency_row_is_consistent(code):
    f = vocabulary.frequency(code)
    start = pd.Timestamp("2023-04-01")
    days = ((start + f.step) - start).days
    assert f.days[0] <= days <= f.days[1]  # the step lands in the gap range the frequency is detected from
    four_years = pd.date_range(start, start + pd.DateOffset(years=4), freq=f.step, inclusive="left")
    assert abs(len(four_years) / 4 - f.per_year) < 0.1  # periods a year agree with the step
    assert f.in_12_months == int(f.per_year)
    if f.months is not None:
        assert start + f.step == start + pd.DateOffset(months=f.months)
    if f.seasonal_period is not None:
        assert seasonal.min_points(code) == seasonal.MIN_FULL_CYCLES * f.seasonal_period
    assert 1 < f.window and 1 < f.forecast_horizon


def test_unknown_codes_are_a_programming_error():
    with pytest.raises(ValueError, match="frequency must be one of"):
        vocabulary.frequency("H")


def test_old_lookup_names_read_the_table():
    assert dict(analysis.DEFAULT_WINDOWS) == {c: f.window for c, f in FREQUENCIES_TABLE.items()}
    assert dict(periods.PERIOD_STEPS) == {c: f.step for c, f in FREQUENCIES_TABLE.items()}
    assert dict(seasonal.CYCLE_LENGTH) == {"D": 7, "W": 52, "M": 12, "Q": 4}
    assert dict(by_frequency("noun", codes=("D", "W"))) == {"D": "day", "W": "week"}
    assert dataset.FREQUENCY_NAMES["Q"] == "quarterly (UK financial quarters)"


def test_no_module_writes_its_own_per_frequency_table():
    sources = [p for p in [*ROOT.glob("analytics/*.py"), *ROOT.glob("analytics/charts/*.py"), *ROOT.glob("ui/*.py"),
                           *ROOT.glob("pages/*.py")]
               if p.name != "vocabulary.py"]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sources
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if PER_FREQUENCY_LITERAL.search(line)]
    assert found == []


def test_texts_quote_the_constants_they_state(monkeypatch):
    from types import SimpleNamespace

    from analytics import report
    monkeypatch.setattr(report, "TWO_OF_THREE_NEEDED", 5)
    monkeypatch.setattr(report, "TRIAL_LIMITS_BELOW", 99)
    item = SimpleNamespace(result=SimpleNamespace(window=6))
    spc_text = dict(report.methods({}, [item]))["Statistical process control"][0]
    assert "or 5 of 3 points near a limit" in spc_text and "fewer than 99 points" in spc_text
