"""Which loaded datasets and measures each topic page can use, and what to say when none fits.

Pages ask here instead of hard-coding sample file names, so an officer's own extract with
"Calls answered" or "Residential admissions" lands on the right page under whatever sheet name it has.
Matching goes through the catalogue key (``MeasureInfo.known_as``), which the user can correct.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.benchmark import MIN_PEERS
from analytics.dataset import Dataset
from analytics.dataset_analysis import is_benchmark_table, is_finance_table, is_time_series  # noqa: F401 - decided there


@dataclass(frozen=True)
class Topic:
    """A topic page: the catalogue keys it looks for, what it needs in words, the sample that shows it."""

    key: str
    title: str
    needs: str
    sample: str
    measure_keys: tuple[str, ...] = ()


TOPICS: dict[str, Topic] = {
    topic.key: topic
    for topic in (
        Topic("demand", "Demand: calls and contacts",
              "a daily, weekly or monthly series of calls answered, contacts or requests for support, "
              "or a record-level list of contacts", "service_centre_daily.xlsx",
              ("calls_answered", "calls", "calls_abandoned", "contacts", "requests")),
        Topic("reablement", "Reablement",
              "a weekly or monthly series of reablement starts or completions, ideally with outcomes at "
              "completion (no ongoing care / reduced / same or more) and length of stay", "reablement_weekly.xlsx",
              ("reablement_starts", "completions", "no_ongoing_care", "reduced_care", "same_or_more_care",
               "length_of_stay")),
        Topic("placements", "Placements",
              "a monthly or weekly series of residential or nursing admissions, ideally split by age band "
              "(18-64, 65+)", "placements_monthly.xlsx",
              ("admissions", "people_in_care", "weekly_cost")),
        Topic("finance", "Finance",
              "a budget monitoring table with a budget column and a forecast outturn column per service line",
              "finance_scorecard.xlsx"),
        Topic("benchmarking", "Benchmarking",
              f"a table of English councils (at least {MIN_PEERS}, by name or code: rows, columns or a column of "
              "council names) with one or more measures, such as a national publication",
              "benchmarking_south_east.xlsx"),
    )
}
OUTCOME_KEYS = ("no_ongoing_care", "reduced_care", "same_or_more_care")


def measures_for(data: Dataset, topic: Topic) -> list[str]:
    """Measures of a time-series dataset that belong to the topic, in the dataset's order."""
    if not is_time_series(data):
        return []
    return [m for m, info in data.measures.items() if info.known_as in topic.measure_keys]


def measures_with_key(data: Dataset, *keys: str) -> list[str]:
    """Measures whose catalogue key is one of ``keys``."""
    return [m for m, info in data.measures.items() if info.known_as in keys]


def datasets_for(datasets: dict[str, Dataset], topic: Topic) -> list[str]:
    """Names of the loaded datasets that the topic page can use."""
    if topic.key == "finance":
        return [name for name, data in datasets.items() if is_finance_table(data)]
    if topic.key == "benchmarking":
        return [name for name, data in datasets.items() if is_benchmark_table(data)]
    return [name for name, data in datasets.items() if measures_for(data, topic)]
