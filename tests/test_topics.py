"""Topic pages find their datasets by catalogue key, not by file name."""

from __future__ import annotations

import pytest

import analytics
from analytics import topics
from analytics.catalogue import MeasureInfo, describe, explain
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


@pytest.mark.parametrize(("name", "key", "polarity"), [
    ("Percentage of attendances within 4 hours: Percentage in 4 hours or less (all)", "within_standard",
     "higher_is_better"),
    ("Incomplete RTT pathways: % within 18 weeks", "within_standard", "higher_is_better"),
    ("Emergency Admissions: Number of patients spending >4 hours from decision to admit to admission",
     "beyond_standard", "lower_is_better"),
    ("Incomplete RTT pathways: No. > 52 weeks", "beyond_standard", "lower_is_better"),
    ("Incomplete RTT pathways: Median wait (weeks)", "waiting", "lower_is_better"),  # not "completions"
    ("Deaths waiting for start of care package", "deaths", "lower_is_better"),  # not reablement "starts"
    ("Number of patients who no longer meet the criteria to reside", "delayed_discharges", "lower_is_better"),
    ("Awaiting referral to community single point of access", "delayed_discharges", "lower_is_better"),
    ("Emergency Admissions: Total Emergency Admissions", "hospital_admissions", "neutral"),
    ("A&E attendances: Total Attendances", "attendances", "neutral"),
    ("Permanent admissions to residential and nursing care homes, 65+", "admissions", "lower_is_better"),
    ("Average days waiting for brokerage", "brokerage_days", "lower_is_better"),
    ("Waiting list", "dols_waiting", "lower_is_better"),
])
def test_nhs_and_ons_measures_have_the_right_direction(name, key, polarity):
    info = describe(name)
    assert (info.known_as, info.polarity) == (key, polarity)


def test_the_reason_is_said():
    name = "Percentage of attendances within 4 hours"
    assert explain(name, describe(name)) == "matched 'within 4 hours': higher is better"
    assert explain(name, MeasureInfo("percent", "neutral"), by_user=True) == "set by you: neither direction is better"
    assert explain("Widgets", describe("Widgets")) == "no catalogue match: neither direction is better"


def test_a_page_only_takes_measures_of_its_topic(make_xlsx):
    """Issue 17: emergency hospital admissions landed on the Placements page (care home admissions)."""
    months = ["Apr 2024", "May 2024", "Jun 2024", "Jul 2024", "Aug 2024", "Sep 2024"]
    rows = [["Month", "Total Emergency Admissions", "Permanent admissions to care homes", "Deaths"]] + [
        [m, 500 + i, 10 + i, 3] for i, m in enumerate(months)]
    data = analytics.load(make_xlsx(rows), filename="mixed.xlsx")
    assert topics.measures_for(data, topics.TOPICS["placements"]) == ["Permanent admissions to care homes"]
    assert not any(topics.measures_for(data, topics.TOPICS[t]) for t in ("demand", "reablement"))
