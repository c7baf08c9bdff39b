"""Derived series: hand-computed ratios, shares and population rates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics import derive
from tests.conftest import SAMPLES

WEEKS = pd.date_range("2024-04-01", periods=3, freq="7D")


def test_contacts_per_100_calls_by_hand():
    calls = pd.Series([200.0, 0.0, 250.0], index=WEEKS)
    contacts = pd.Series([50.0, 10.0, np.nan], index=WEEKS)
    ratio = derive.ratio_per(contacts, calls)
    assert ratio.iloc[0] == 25.0
    assert math.isnan(ratio.iloc[1])  # no calls: no ratio, not infinity
    assert math.isnan(ratio.iloc[2])  # suppressed contacts stay unknown


def test_rate_per_100k_by_hand_and_refuses_zero_population():
    assert derive.per_population(pd.Series([12.0], index=WEEKS[:1]), 240_000).iloc[0] == pytest.approx(5.0)
    with pytest.raises(analytics.AnalysisError):
        derive.per_population(pd.Series([1.0]), 0)


def test_outcome_mix_shares_add_to_100_and_suppressed_periods_have_none():
    data = analytics.load(SAMPLES / "reablement_weekly.xlsx")
    outcomes = [m for m in data.measures if m.startswith("Outcomes at completion")]
    labels = derive.short_labels(outcomes)
    assert set(labels.values()) == {"No ongoing care", "Reduced care", "Same or more care"}
    result = derive.mix(data, outcomes, labels)
    totals = result.table.groupby("period")["share"].sum(min_count=1).dropna()
    assert np.allclose(totals, 100.0)
    first = result.table[result.table["period"] == result.table["period"].min()]
    assert first["share"].iloc[0] == pytest.approx(100 * first["value"].iloc[0] / first["value"].sum())
    suppressed = data.frame[data.frame["measure"].isin(outcomes) & data.frame["value"].isna()]["period"]
    if len(suppressed):
        assert result.table[result.table["period"].isin(suppressed)]["share"].isna().all()
        assert result.warnings
    share = derive.share_series(result, "No ongoing care")
    assert len(share) == data.frame["period"].nunique()


def test_short_labels_keep_names_without_a_shared_prefix():
    assert derive.short_labels(["Starts", "Completions"]) == {"Starts": "Starts", "Completions": "Completions"}


def test_expected_in_window_matches_the_design_example():
    weeks = pd.date_range("2024-04-01", periods=4, freq="7D")
    placements = pd.Series([25.0, 24.0, 26.0, 25.0], index=weeks)
    assessments = pd.Series([200.0, 213.0, 260.0, 259.0], index=weeks)
    result = derive.expected_in_window(placements, assessments, (weeks[0], weeks[1]), (weeks[2], weeks[3]))
    # DESIGN: 51 placements from 519 assessments against a baseline of 49 from 413.
    assert result.expected == pytest.approx(519 * 49 / 413)
    assert result.words == "51 against 62 expected at the baseline rate, 11 fewer"
    gap = placements.copy()
    gap.iloc[3] = np.nan
    assert derive.expected_in_window(gap, assessments, (weeks[0], weeks[1]), (weeks[2], weeks[3])).words \
        == "not available"
