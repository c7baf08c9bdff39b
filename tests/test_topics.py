"""Topic pages find their datasets by catalogue key, not by file name."""

from __future__ import annotations

import pytest

import analytics
from analytics import topics
from analytics.catalogue import MeasureInfo
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def samples() -> dict[str, analytics.Dataset]:
    names = ("service_centre_daily.xlsx", "reablement_weekly.xlsx", "placements_monthly.xlsx",
             "finance_scorecard.xlsx", "benchmarking_south_east.xlsx", "assessments_placements_weekly.xlsx")
    return {name: analytics.load(SAMPLES / name) for name in names}


def test_each_topic_finds_its_sample(samples):
    for topic in topics.TOPICS.values():
        assert topic.sample in topics.datasets_for(samples, topic), topic.key


def test_finance_and_benchmark_tables_are_told_apart(samples):
    assert topics.is_finance_table(samples["finance_scorecard.xlsx"])
    assert not topics.is_benchmark_table(samples["finance_scorecard.xlsx"])
    assert topics.is_benchmark_table(samples["benchmarking_south_east.xlsx"])
    assert not topics.is_finance_table(samples["service_centre_daily.xlsx"])


def test_assessments_completed_is_not_a_reablement_completion(samples):
    data = samples["assessments_placements_weekly.xlsx"]
    assert data.measures["Care Act assessments completed"].known_as == "assessments"
    assert topics.measures_for(data, topics.TOPICS["reablement"]) == []
    assert topics.measures_for(data, topics.TOPICS["placements"]) == ["Residential placements initiated"]


def test_user_override_moves_a_measure_onto_a_page(samples):
    data = samples["service_centre_daily.xlsx"]
    assert topics.measures_for(data, topics.TOPICS["reablement"]) == []
    moved = data.with_measure_info("Contacts added", MeasureInfo("count", "higher_is_better", "reablement_starts"))
    assert topics.measures_for(moved, topics.TOPICS["reablement"]) == ["Contacts added"]
