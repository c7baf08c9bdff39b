"""The scrutiny pack's content: which analyses, charts, sentences, tables and notes go into it.

``export`` knows how to write Word and Excel; this module decides what to say, from the loaded datasets,
so the Report page and ``python -m analytics report`` build the same pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from analytics import analysis, charts, commentary, dataset_analysis, disclosure, export, finance, topics
from analytics.analysis import SeriesAnalysis
from analytics.dataset import Dataset
from analytics.dataset_analysis import DatasetAnalysis
from analytics.errors import AnalysisError
from analytics.notes import is_caveat
from analytics.periods import format_period
from analytics.spc import (
    LIMIT_FACTOR,
    RUN_LENGTH,
    SCREEN_FACTOR,
    TREND_LENGTH,
    TRIAL_LIMITS_BELOW,
    TWO_OF_THREE_NEEDED,
    TWO_OF_THREE_WINDOW,
)
from analytics.trend import MIN_POINTS_FOR_VERDICT

KPI_SHEET_HEADINGS = {"measure": "Measure", "period": "Latest period", "value": "Latest value", "unit": "Unit",
                      "target": "Target", "rag": "RAG", "vs_last_period": "vs last period",
                      "vs_last_year": "vs last year", "variation": "SPC variation", "assurance": "SPC assurance",
                      "spc_limits": "SPC limits",
                      "trend": "Trend (5% level)", "warnings": "Data notes", "dataset": "Dataset"}
MAX_SECTIONS = 12  # a committee paper, not an appendix of every series
COUNT_NUMBERS = ("value", "before", "after")  # the Sentence.numbers keys that hold counts of a count measure


@dataclass(frozen=True)
class PackOptions:
    """What the user chose: title and council for the cover, the measures, suppression, identifiers kept."""

    title: str = "Adult social care performance"
    council: str = ""
    measures: tuple[str, ...] | None = None  # analysis names ("Calls answered"); None: the first MAX_SECTIONS
    suppress: int | None = None  # 5 or 10; None: off
    keep_identifiers: tuple[str, ...] = ()
    produced: dt.date | None = None
    benchmark_measure: str | None = None


@dataclass(frozen=True)
class Analysed:
    """One analysed series and the dataset it came from."""

    dataset: str
    result: SeriesAnalysis
    data: Dataset = field(repr=False)


def analyse_each(datasets: Mapping[str, Dataset], *,
                 analyse: Callable[[str, Dataset], DatasetAnalysis] | None = None) -> dict[str, DatasetAnalysis]:
    """Each dataset analysed once (:func:`analytics.dataset_analysis.analyse`); ``analyse(name, data)`` replaces
    it, so the app can pass its cached version."""
    fit = analyse or (lambda _, data: dataset_analysis.analyse(data))
    return {name: fit(name, data) for name, data in datasets.items()}


def analyse_all(datasets: Mapping[str, Dataset], *, totals_only: bool = True,
                analyse: Callable[[str, Dataset], DatasetAnalysis] | None = None,
                analyses: Mapping[str, DatasetAnalysis] | None = None) -> list[Analysed]:
    """Every measure of every time-series dataset, in load order: totals over dimensions only, unless
    ``totals_only`` is False (then the splits by age band, setting... too)."""
    analyses = analyses if analyses is not None else analyse_each(datasets, analyse=analyse)
    return [Analysed(name, a, result.data) for name, result in analyses.items() for a in result.series
            if a.name in result.data.measures or not totals_only]


def _small(value, threshold: int | None) -> bool:
    return threshold is not None and isinstance(value, float | int) and 0 < value < threshold


def _has_small_counts(a: SeriesAnalysis, threshold: int | None) -> bool:
    return threshold is not None and a.unit == "count" and bool(((a.series > 0) & (a.series < threshold)).any())


def _sentences(a: SeriesAnalysis, threshold: int | None) -> tuple[str, ...]:
    """The series' commentary; with suppression on, a sentence quoting a count under the threshold is withheld."""
    out = []
    for s in commentary.describe_series(a):
        if a.unit == "count" and any(_small(s.numbers.get(k), threshold) for k in COUNT_NUMBERS):
            out.append(f"[A sentence is withheld: it quotes a count under {threshold}.]")
        else:
            out.append(commentary.without_subject(s))
    return tuple(out)


def _section(item: Analysed, threshold: int | None) -> export.ChartSection:
    a = item.result
    title = commentary.headline(a)
    notes = [f"Source: {item.dataset}."] + [w for w in a.warnings if not is_caveat(w)]
    chart = None
    if _has_small_counts(a, threshold):
        notes.insert(0, f"Chart left out: it would show counts under {threshold}.")
    elif a.series.notna().sum() == 0:  # an empty chart cannot be drawn (vl-convert refuses a zero-size SVG)
        notes.insert(0, "No chart: every period is missing or suppressed.")
    else:
        chart = charts.trend_chart(a.series, title=title, unit=a.unit, frequency=a.frequency,
                                   moving_average=a.moving_average, window=a.window, trend=a.trend, spc=a.spc)
    return export.ChartSection(title=title, sentences=_sentences(a, threshold), chart=chart, notes=tuple(notes))


KPI_PACK_COLUMNS = {"measure": "measure", "period": "period", "value": "value", "target": "target", "rag": "rag",
                    "vs_last_period": "direction", "vs_last_year": "vs last year", "variation": "variation",
                    "assurance": "assurance", "spc_limits": "spc limits"}


def _kpi(items: list[Analysed], threshold: int | None) -> tuple[pd.DataFrame, int]:
    """The KPI summary (SPC icon names kept: the Word pack shades them); small counts suppressed if asked."""
    kpi = analysis.kpi_summary([i.result for i in items]).assign(dataset=[i.dataset for i in items])
    if threshold is None:
        return kpi, 0
    counts = kpi["unit"] == "count"
    part, n = disclosure.suppress_small(kpi[counts], threshold, count_columns=["value"])
    return pd.concat([part, kpi[~counts]]).sort_index(), n


def _finance(analyses: Mapping[str, DatasetAnalysis]) -> tuple[pd.DataFrame | None, tuple[str, ...], list[str]]:
    for name, analysed in analyses.items():
        if analysed.kind != "finance_scorecard":
            continue
        result = analysed.scorecard
        if result is None:
            return None, (), [f"{name}: {analysed.scorecard_problem}"]
        texts = (commentary.finance_headline(result),
                 *(s.text for s in commentary.describe_scorecard(result, previous=analysed.previous)))
        return result.table.assign(line=finance.indented_names(result.table)), texts, []
    return None, (), []


def _benchmark(analyses: Mapping[str, DatasetAnalysis], options: PackOptions) -> export.ChartSection | None:
    """The first table of places, benchmarked for the pack's council on the chosen (or first) item."""
    for analysed in analyses.values():
        if analysed.kind != "benchmark":
            continue
        chosen = analysed.item(options.benchmark_measure)
        if chosen is None or chosen.comparison is None:
            return None
        comparison = chosen.comparison
        said = commentary.describe_comparison(comparison)
        title = said[0].text if said else chosen.item
        latest = comparison.latest
        try:  # a table the chart cannot draw leaves the section out, never breaks the pack (issue 17)
            chart = charts.ranked_dot_chart(comparison.table, council=latest.result.council, title=title,
                                            unit=comparison.unit, lines=comparison.lines(),
                                            neutral=comparison.polarity == "neutral")
        except AnalysisError:
            return None
        return export.ChartSection(title=title, sentences=tuple(s.text for s in said[1:]),
                                   notes=comparison.notes, chart=chart)
    return None


def _model_outputs(items: list[Analysed]) -> pd.DataFrame:
    frames = []
    for item in items:
        a = item.result
        frame = pd.DataFrame({"dataset": item.dataset, "measure": a.name, "period": a.series.index,
                              "value": a.series.to_numpy(), "moving_average": a.moving_average.to_numpy()})
        if a.trend is not None:
            frame["trend"] = a.trend.fitted.reindex(a.series.index).to_numpy()
        if a.spc is not None:
            spc_table = a.spc.table.reset_index(drop=True)
            for column in ("mean", "upl", "lpl", "point_type", "rules"):
                if column in spc_table.columns and len(spc_table) == len(frame):
                    frame[f"spc_{column}"] = spc_table[column].to_numpy()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _tidy(datasets: Mapping[str, Dataset], threshold: int | None, keep: tuple[str, ...]
          ) -> tuple[pd.DataFrame, int, list[str]]:
    frames, dropped, suppressed = [], [], 0
    for name, data in datasets.items():
        frame, gone = disclosure.drop_identifiers(data.frame, keep)
        dropped += gone
        if threshold is not None:
            counts = frame["measure"].map(lambda m, d=data: d.measures.get(m) is not None
                                          and d.measures[m].unit == "count")
            part, n = disclosure.suppress_small(frame[counts], threshold, count_columns=["value"])
            frame, suppressed = pd.concat([part, frame[~counts]]).sort_index(), suppressed + n
        frames.append(frame.assign(dataset=name))
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), suppressed, dropped


def _period_covered(items: list[Analysed]) -> str:
    """From the earliest period to the latest, each in the words of its own series' frequency."""
    if not items:
        return "not a time series"
    first = min(items, key=lambda i: i.result.series.index[0]).result
    last = max(items, key=lambda i: i.result.series.index[-1]).result
    return (f"{format_period(first.series.index[0], first.frequency)} to "
            f"{format_period(last.series.index[-1], last.frequency)}")


def sources(datasets: Mapping[str, Dataset]) -> tuple[str, ...]:
    """One line per file: where the table was, how it was read, and the ledger of rows used and excluded."""
    return tuple(f"{name}: sheet '{d.source.sheet or 'CSV'}', header row(s) "
                 f"{', '.join(map(str, d.source.header_rows)) or 'none'}, {d.source.layout} layout. "
                 f"{d.ledger.summary()}" for name, d in datasets.items())


def default_measures(items: list[Analysed]) -> tuple[str, ...]:
    """Up to MAX_SECTIONS measures taken in turn from each dataset, so no file is left out by the cap."""
    by_dataset: dict[str, list[str]] = {}
    for item in items:
        by_dataset.setdefault(item.dataset, []).append(item.result.name)
    chosen: list[str] = []
    while len(chosen) < MAX_SECTIONS and any(by_dataset.values()):
        for names in by_dataset.values():
            if names and len(chosen) < MAX_SECTIONS:
                chosen.append(names.pop(0))
    return tuple(chosen)


def methods(datasets: Mapping[str, Dataset], items: list[Analysed]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The methods annex: how each number in this pack was made. A method the pack does not use is left out
    (a finance-only pack has no moving averages to describe)."""
    out = _series_methods(items) if items else ()
    if any(topics.is_finance_table(d) for d in datasets.values()):
        green, amber = finance.DEFAULT_RAG_THRESHOLDS
        out += (("Budget monitoring", (
            "Variance is the forecast outturn minus the budget: an underspend is favourable (F), an overspend "
            f"adverse (A). RAG: Green for an adverse variance up to {green:.0%} of the budget, Amber up to "
            f"{amber:.0%}, Red beyond. Stated totals are checked against the sum of their lines.",)),)
    return out


def _series_methods(items: list[Analysed]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    windows = sorted({f"{i.result.window}-period" for i in items})
    return (
        ("Moving averages", (f"Trailing moving averages ({', '.join(windows)}): the mean of the latest "
                             "n periods, shown from the n-th period on.",)),
        ("Trend test", ("A straight line fitted by ordinary least squares to the values against the period number "
                        "(after the last step change, if one was found, and with the usual seasonal pattern taken "
                        "out when the seasonal test finds one). Its slope is tested allowing for autocorrelation "
                        "(each value's likeness to the one before), as council series usually have it: the "
                        "p-value and the 95% interval come from a parametric bootstrap of the slope's t statistic "
                        "under AR(1) errors. A trend is called statistically significant only when p < 0.05; with "
                        f"fewer than {MIN_POINTS_FOR_VERDICT} values, or values that never change, no verdict is "
                        "given.",)),
        ("Step changes", ("Shifts in level or trend are looked for by binary segmentation with a sup-F test, "
                          "each at the 1% level with a bootstrap p-value under AR(1) errors. Where one is found the "
                          "commentary names it, the trend, seasonal pattern and forecast describe the values after "
                          "it, and the SPC limits may be recalculated from it at the user's choice.",)),
        ("Statistical process control", (
            f"XmR charts as in NHS England's Making Data Count: limits at the mean ± {LIMIT_FACTOR} × the mean "
            f"moving range, moving ranges of {SCREEN_FACTOR} × the mean or more screened out first. Special cause: "
            f"a point outside the limits, {RUN_LENGTH} or more points on one side of the mean, a run of "
            f"{TREND_LENGTH} points each higher or lower than the one before, or {TWO_OF_THREE_NEEDED} of "
            f"{TWO_OF_THREE_WINDOW} points near a limit. Groups of fewer than {TRIAL_LIMITS_BELOW} points have trial "
            "limits. No limits were rebased in this pack.",)),
        ("Comparisons", ("Changes are whole percentages, half away from zero; changes of percentages are in "
                         "percentage points. Same period last year matches weeks by ISO week number and months by "
                         "month. Year to date runs from 1 April (the UK financial year).",)),
    )


def build_pack(datasets: Mapping[str, Dataset], options: PackOptions = PackOptions(),
               analysed: list[Analysed] | None = None, *,
               analyses: Mapping[str, DatasetAnalysis] | None = None) -> export.Pack:
    """Everything the Word pack and the Excel workbook hold, from the loaded datasets and the user's choices.

    ``analyses`` are the datasets' analyses when the caller has them (the command line, the app's cache);
    otherwise each dataset is analysed here, once. ``analysed`` picks the series (default: every total)."""
    threshold = options.suppress
    analyses = analyses if analyses is not None else analyse_each(datasets)
    # a council the pack names but England does not have is ignored: the group is described as a whole
    analyses = {name: dataset_analysis.for_council(a, options.council or None) for name, a in analyses.items()}
    items = analysed if analysed is not None else analyse_all(datasets, analyses=analyses)
    wanted = options.measures if options.measures is not None else default_measures(items)
    chosen = [i for i in items if i.result.name in wanted][:MAX_SECTIONS]
    kpi, kpi_suppressed = _kpi(items, threshold)
    finance_table, finance_texts, finance_problems = _finance(analyses)
    tidy, tidy_suppressed, dropped = _tidy(datasets, threshold, options.keep_identifiers)
    commentary_rows = pd.DataFrame(
        [{"dataset": i.dataset, "measure": i.result.name, "sentence": text}
         for i in chosen for text in _sentences(i.result, threshold)], columns=["dataset", "measure", "sentence"])
    kpi_sheet = analysis.kpi_display(kpi).drop(columns=["sparkline"]).rename(columns=KPI_SHEET_HEADINGS)
    sheets = {"KPI summary": kpi_sheet, "Commentary": commentary_rows,
              "Tidy data": tidy}
    if threshold is None:  # model outputs repeat every value: only shared when nothing needs hiding
        sheets["Model outputs"] = _model_outputs(chosen)
    if finance_table is not None:
        sheets["Finance scorecard"] = finance_table
    return export.Pack(
        title=options.title, council=options.council, period_covered=_period_covered(items),
        produced=options.produced or dt.date.today(), kpi=kpi[list(KPI_PACK_COLUMNS)].rename(columns=KPI_PACK_COLUMNS),
        sections=tuple(_section(i, threshold) for i in chosen),
        finance=finance_table, finance_sentences=finance_texts + tuple(finance_problems),
        benchmark=_benchmark(analyses, options), methods=methods(datasets, items),
        sources=sources(datasets), data_sheets=sheets, suppression=threshold,
        suppressed_cells=kpi_suppressed + tidy_suppressed, identifiers_dropped=tuple(dict.fromkeys(dropped)),
    )


def with_pngs(pack: export.Pack) -> export.Pack:
    """The pack with every chart rendered to PNG once, for the Word file and the PNG downloads alike."""
    def rendered(section: export.ChartSection | None) -> export.ChartSection | None:
        if section is None or section.chart is None or section.png is not None:
            return section
        return replace(section, png=export.chart_png(section.chart))

    return replace(pack, sections=tuple(rendered(s) for s in pack.sections), benchmark=rendered(pack.benchmark))


def identifier_candidates(datasets: Mapping[str, Dataset]) -> list[str]:
    """Columns of the tidy tables that look like personal identifiers (the user may keep them)."""
    return list(dict.fromkeys(c for data in datasets.values() for c in disclosure.identifier_columns(data.frame)))
