"""One analysis per dataset, tagged by what the dataset is: the pages, the command line and the pack render it.

:func:`kind_of` is the one place that decides whether a dataset is a time series, a budget monitoring table,
a table of places to benchmark, or another table; :func:`analyse` runs the models that kind needs, once, and
``commentary.describe`` turns the result into sentences. So the same file gives the same words everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from analytics import analysis, councils, finance
from analytics import benchmark as benchmark_module
from analytics.analysis import SeriesAnalysis, is_time_series
from analytics.benchmark import Comparison
from analytics.dataset import Dataset
from analytics.errors import AnalysisError
from analytics.finance import FinanceResult

AnalysisKind = Literal["time_series", "finance_scorecard", "benchmark", "table"]
_MONTH_NUMBER = re.compile(r"\bmonth\s+(\d{1,2})\b", re.I)


def is_finance_table(data: Dataset) -> bool:
    """A table (not a time series) with both a budget and a forecast outturn column."""
    return data.kind == "table" and finance.is_finance(data)


def is_benchmark_table(data: Dataset) -> bool:
    """A table of places (councils by name or code in a row label or a dimension) that is not a budget table."""
    return not is_finance_table(data) and benchmark_module.is_place_table(data)


def kind_of(data: Dataset) -> AnalysisKind:
    """What the dataset is, for its analysis: places are benchmarked first (a council-level time series is
    read against its peers), then time series, budget tables, and any other table."""
    if is_benchmark_table(data):
        return "benchmark"
    if is_time_series(data):
        return "time_series"
    if is_finance_table(data):
        return "finance_scorecard"
    return "table"


@dataclass(frozen=True)
class BenchmarkItem:
    """One item of a table of places: its comparison, or why there is none."""

    item: str
    measure: str
    comparison: Comparison | None
    problem: str | None = None


@dataclass(frozen=True)
class DatasetAnalysis:
    """Every result the views of one dataset show.

    ``series`` holds one analysis per measure (and split) whenever the dataset is a time series, whatever
    its ``kind``; ``scorecard`` (or ``scorecard_problem``) a budget table's; ``benchmarks`` one entry per
    item of a table of places, compared for ``council`` (None: the group as a whole).
    """

    data: Dataset
    kind: AnalysisKind
    series: tuple[SeriesAnalysis, ...] = ()
    scorecard: FinanceResult | None = None
    scorecard_problem: str | None = None
    previous: str = "last month"  # what a budget table's movement is against
    benchmarks: tuple[BenchmarkItem, ...] = ()
    places_warnings: tuple[str, ...] = ()
    council: councils.Council | None = None

    def item(self, wanted: str | None) -> BenchmarkItem | None:
        """The benchmark item named ``wanted`` (by item or by measure), else the first that could be compared."""
        named = next((b for b in self.benchmarks if wanted in (b.item, b.measure)), None)
        return named or next((b for b in self.benchmarks if b.comparison is not None),
                             self.benchmarks[0] if self.benchmarks else None)


def analyse(data: Dataset, *, measure: str | None = None, targets: dict[str, float] | None = None,
            horizon: int = 0, council: str | None = None, strict_council: bool = True,
            previous: str | None = None) -> DatasetAnalysis:
    """Analyse a dataset once, for every view.

    Parameters
    ----------
    data : Dataset
    measure : str, optional
        Only this measure.
    targets : dict, optional
        Target per measure name (time series).
    horizon : int, default 0
        Periods to forecast for each series.
    council : str, optional
        A table of places is benchmarked for this council (name or ONS code); by default the one a
        "Your council:" title names, if any.
    strict_council : bool, default True
        An unknown ``council`` raises; with False the group is described as a whole instead.
    previous : str, optional
        What a budget table's movement is against ("month 2"); read from a "Month 3" title by default.

    Raises
    ------
    AnalysisError
        No measure ``measure``; an unknown ``council`` (with ``strict_council``).
    """
    if measure is not None:
        data = only_measure(data, measure)
    kind = kind_of(data)
    series = tuple(analysis.analyse_dataset(data, targets=targets, horizon=horizon)) if is_time_series(data) else ()
    if kind == "benchmark":
        return _benchmarks(data, series, council, strict_council)
    if kind == "finance_scorecard":
        previous = previous or _previous_month(data.source.title)
        try:
            result = finance.scorecard(finance.scorecard_frame(data))
        except AnalysisError as error:
            return DatasetAnalysis(data, kind, series, scorecard_problem=error.user_message, previous=previous)
        return DatasetAnalysis(data, kind, series, scorecard=result, previous=previous)
    return DatasetAnalysis(data, kind, series)


def only_measure(data: Dataset, measure: str) -> Dataset:
    """The dataset with one measure; AnalysisError naming the measures there are when it has no such measure."""
    if measure not in data.measures:
        raise AnalysisError(f"There is no measure '{measure}' in this table; it has {', '.join(data.measures)}.")
    return Dataset(data.frame[data.frame["measure"] == measure], data.kind, data.frequency,
                   {measure: data.measures[measure]}, data.ledger, data.warnings, data.source, data.dimensions,
                   data.records)


def _previous_month(title: str) -> str:
    month = _MONTH_NUMBER.search(title or "")
    return f"month {int(month.group(1)) - 1}" if month and int(month.group(1)) > 1 else "last month"


def _council(data: Dataset, council: str | None, strict: bool) -> councils.Council | None:
    if not council:
        return benchmark_module.suggested_council(data)
    try:
        return councils.named(council)
    except KeyError:
        if not strict:
            return None
        raise AnalysisError(f"'{council}' is not an English council with adult social care duties; give its "
                            "name as ONS publishes it (e.g. 'Trafford') or its ONS code.") from None


def for_council(result: DatasetAnalysis, council: str | None, *, strict: bool = False) -> DatasetAnalysis:
    """The analysis with its table of places benchmarked for ``council`` (the rest is not redone)."""
    if result.kind != "benchmark":
        return result
    chosen = _council(result.data, council, strict)
    if chosen == result.council:
        return result
    return replace(result, **_compared(result.data, chosen))


def _benchmarks(data: Dataset, series: tuple[SeriesAnalysis, ...], council: str | None, strict: bool
                ) -> DatasetAnalysis:
    return DatasetAnalysis(data, "benchmark", series, **_compared(data, _council(data, council, strict)))


def _compared(data: Dataset, chosen: councils.Council | None) -> dict:
    table = benchmark_module.place_table(data)
    items = []
    for item in table.items:
        info = benchmark_module.measure_info(data, table, item)
        try:
            comparison = benchmark_module.compare(table, item, chosen, unit=info.unit, polarity=info.polarity)
        except AnalysisError as error:
            items.append(BenchmarkItem(item, table.item_measure[item], None, error.user_message))
            continue
        items.append(BenchmarkItem(item, table.item_measure[item], comparison))
    return {"benchmarks": tuple(items), "places_warnings": tuple(table.warnings), "council": chosen}


def series_name(data: Dataset, measure: str, filters: dict[str, str] | None = None) -> str:
    """The name :func:`analyse` gives the series of ``measure`` filtered to ``filters`` ("Admissions (65+)")."""
    values = [str(filters[d]) for d in data.dimensions if d in (filters or {})]
    return f"{measure} ({', '.join(values)})" if values else measure


def series_named(analysed: Iterable[SeriesAnalysis], name: str) -> SeriesAnalysis | None:
    """The analysis of the series called ``name`` (a measure, or a split) among ``analysed`` (a
    :class:`DatasetAnalysis`' ``series``), or None."""
    return next((a for a in analysed if a.name == name), None)


def holds(stored: SeriesAnalysis | None, series: pd.Series, settings: dict) -> bool:
    """Whether ``stored`` already is the analysis of ``series`` with ``settings``, so that a view shows it (and
    says what the command line and the pack say) instead of analysing the series again."""
    if stored is None or stored.settings != settings or series.empty or stored.series.empty:
        return False
    values = stored.series
    if series.index[0] != values.index[0] or series.index[-1] != values.index[-1] \
            or not series.index.isin(values.index).all():
        return False
    given = pd.to_numeric(series, errors="coerce").astype(float).reindex(values.index)
    return bool(np.array_equal(given.to_numpy(), values.to_numpy(dtype=float), equal_nan=True))
