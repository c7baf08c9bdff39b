"""Panels the topic pages are built from: a trend with its controls, commentary and notes; the record split;
other sheets' measures; expected against a baseline; the KPI table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

import analytics
from analytics import analysis, charts, commentary, dataset_analysis, derive, topics
from analytics.analysis import SeriesAnalysis
from analytics.dataset import Dataset
from analytics.errors import AnalysisError
from analytics.ingest.records import split_candidates
from analytics.ingest.sandbox import crash_code
from analytics.notes import is_caveat
from analytics.periods import format_period
from analytics.seasonal import CYCLE_LENGTH
from analytics.seasonal import min_points as seasonal_points
from ui.session import (
    LOG,
    analysed,
    measure_analysis,
    other_sheets,
    read,
    registry,
    sheet_options,
)
from ui.text import (
    markdown_text,
)
from ui.widgets import (
    ChartView,
    chart_controls,
    draw,
    draw_spec,
    measure_series,
    sentences,
)


@st.cache_data(max_entries=256, show_spinner="Fitting the models...")
def analyse(series: pd.Series, **options):
    """Models for a series the one analysis does not hold (a ratio, a share, weekly totals) or with settings the
    user changed, cached on its values and every option (forecasts are the slow part)."""
    return analysis.analyse_series(series, **options)


def series_result(stored: SeriesAnalysis | None, series: pd.Series, name: str, settings: dict) -> SeriesAnalysis:
    """What a panel shows: the upload's one analysis of this series when the view asks for what it holds (the
    same values, the default settings), so the page says what the pack and the command line say; otherwise the
    series analysed with ``settings`` (the one analysis' own, with the user's changes)."""
    if dataset_analysis.holds(stored, series, settings):
        return stored
    return analyse(series, name=name, **settings)


@st.cache_data(max_entries=256, show_spinner=False)
def trend_spec(series: pd.Series, *, name: str, settings: dict, view: ChartView, axis_title: str | None,
               _result: SeriesAnalysis) -> dict:
    """The trend chart's Vega-Lite spec of ``_result`` (the analysis of ``series`` with ``settings``, which key
    the cache), cached: on a page of several charts, a click redraws only its own."""
    chart = charts.trend_chart(_result.series, title=commentary.headline(_result),
                               unit=axis_title or _result.unit, frequency=_result.frequency,
                               **view.chart_layers(_result))
    return chart.to_dict(validate=False)


def trend_panel(data: Dataset, measure: str, key: str, *, analysed: tuple[SeriesAnalysis, ...] = (),
                series: pd.Series | None = None, unit: str | None = None, polarity: str | None = None,
                spc: bool = False, filters: dict[str, str] | None = None, frequency: str | None = None,
                axis_title: str | None = None) -> None:
    """Controls, chart, commentary and warnings for one series: the building block of every topic page.

    ``analysed`` is the one analysis' series of this measure (``ui.measure_analysis``): the one of this series
    (``filters`` name its split) is shown as it is until the user changes a setting, and its settings are the
    controls' defaults.
    ``axis_title`` names the y-axis when the unit's own title would mislead (contacts per 100 calls)."""
    frequency = frequency or data.frequency
    info = data.measures.get(measure)
    unit = unit or (info.unit if info else "count")
    polarity = polarity or (info.polarity if info else "neutral")
    if series is None:
        series = measure_series(data, measure, filters or {})
        if series is None:
            return
    name = dataset_analysis.series_name(data, measure, filters)
    stored = dataset_analysis.series_named(analysed, name) if frequency == data.frequency else None
    defaults = stored.settings if stored is not None and (stored.unit, stored.polarity) == (unit, polarity) \
        else {"frequency": frequency, "unit": unit, "polarity": polarity, "target": analysis.file_target(data, measure),
              "baseline": analysis.baseline_from_text(data.source.title, frequency)
              if frequency == data.frequency else None}
    stated = analysis.baseline_periods(series.index, defaults.get("baseline"), frequency)
    view = chart_controls(frequency, series, key=key, spc=spc, target=defaults.get("target"),
                          window=defaults.get("window"), baseline_default=stated,
                          suggested_rebase=stored.suggested_rebase if stored is not None else ())
    changes = view.analysis_options()
    if changes["baseline"] is not None and changes["baseline"] == stated:
        changes["baseline"] = defaults.get("baseline")  # the dates the file states, as the one analysis read them
    settings = {**defaults, **changes}
    try:
        shown = series_result(stored, series, name, settings)
        said = commentary.describe_series(shown)
        spec = trend_spec(series, name=name, settings=settings, view=view, axis_title=axis_title, _result=shown)
    except analytics.AnalysisError as exc:
        st.error(markdown_text(exc.user_message))
        return
    except Exception as exc:  # noqa: BLE001 - one series' fault must not take the page down
        code = crash_code(exc)
        LOG.warning("chart failed: %s", code)  # the measure's name comes from the file: not logged
        st.error(f"This chart could not be drawn because of a fault in this tool (code {markdown_text(code)}); "
                 "the rest of the page is not affected: please report the code.")
        return
    left, right = st.columns([3, 2])
    draw_spec(spec, container=left, alt=" ".join(s.text for s in said))  # the commentary is the text alternative
    with right:
        sentences(said)
    missing = not_drawn(view, shown)
    if missing:  # in full view: the reason a toggle shows nothing must not hide in the notes expander
        st.info(markdown_text(f"{' and '.join(missing)}: not drawn for this series. "
                              f"{' '.join(why_not_drawn(missing, shown))}".strip()), icon=":material/info:")
    with st.expander("Statistics and data-quality notes"):
        st.dataframe(analysis.statistics_table(shown), hide_index=True, width="stretch")
        for warning in shown.warnings:
            st.warning(markdown_text(warning))


LAYER_LABELS = {"trend": "Trend line", "spc": "SPC limits", "forecast": "Forecast", "seasonal": "Seasonal adj."}


def not_drawn(view: ChartView, result) -> list[str]:
    """The layers switched on that the analysis could not make (too few points, no year before...)."""
    missing = [label for layer, label in LAYER_LABELS.items()
               if getattr(view, layer) and (getattr(result, layer) is None
                                            or (layer == "spc" and result.spc.too_few_points))]
    if view.last_year and (result.last_year is None or result.last_year.notna().sum() == 0):
        missing.append("Last year")
    return missing


def why_not_drawn(missing: list[str], result) -> list[str]:
    """The analysis' own reasons (its non-caveat warnings), and the ones it leaves unsaid."""
    reasons = [w for w in result.warnings if not is_caveat(w)]
    n = int(result.series.notna().sum())
    if "Seasonal adj." in missing and result.frequency not in CYCLE_LENGTH:
        reasons.append("Seasonal adjustment needs daily, weekly, monthly or quarterly data.")
    elif "Seasonal adj." in missing and n < seasonal_points(result.frequency):
        reasons.append(f"Seasonal adjustment needs two full years ({seasonal_points(result.frequency)} values); "
                       f"this series has {n}.")
    if "Last year" in missing:
        reasons.append("Last year: there are no values a year before these periods.")
    return list(dict.fromkeys(reasons))


def record_split(name: str, data: Dataset, key: str) -> None:
    """Record counts per period split by a column the user picks, as a stacked % chart."""
    candidates = split_candidates(data.records)
    if not candidates:
        st.caption("No column with a few categories (source, outcome...) to split by.")
        return
    column = st.selectbox("Split by", candidates, key=key)
    upload = registry()[name]
    try:
        split = read(upload, replace(upload.options, split_by=column, record_frequency=data.frequency))
    except analytics.IngestError as exc:
        st.error(markdown_text(exc.user_message))
        return
    dim = split.dimensions[0]
    frame = split.frame[split.frame["flag"] == ""]
    try:
        shares = derive.mix_of(frame, period_col="period", category_col=dim, value_col="value")
    except AnalysisError as exc:
        st.caption(markdown_text(exc.user_message))
        return
    draw(charts.stacked_percent_chart(shares, title=f"{next(iter(split.measures))} by {column.lower()}"))


def running_totals_chart(analysed: tuple[SeriesAnalysis, ...], data: Dataset, measure: str,
                         filters: dict[str, str] | None, *, title: str) -> None:
    """Financial year to date against last year: the running totals the one analysis of the series shown holds
    (``SeriesAnalysis.running_totals``), drawn as they are."""
    shown = dataset_analysis.series_named(analysed, dataset_analysis.series_name(data, measure, filters))
    if shown is None or shown.running_totals is None:
        st.caption("No running total from April for this series: it needs values that add up over the year "
                   "(admissions or spend, not a level such as people in care).")
        return
    draw(charts.cumulative_ytd_chart(shown.running_totals, title=title, unit=shown.unit))


def other_sheet_measures(name: str, data: Dataset, keys: tuple[str, ...], key: str) -> None:
    """Trends of matching measures found on the workbook's other sheets (people in care, weekly cost)."""
    upload = registry()[name]
    for sheet, other in other_sheets(name, data):
        for measure in topics.measures_with_key(other, *keys) if topics.is_time_series(other) else []:
            st.subheader(markdown_text(f"{measure} (sheet '{sheet}')"))
            trend_panel(other, measure, f"{key}:{sheet}:{measure}", spc=True,
                        analysed=measure_analysis(name, measure, sheet_options(upload, sheet)))


def expected_from_baseline(data: Dataset, measure_actual: str, measure_activity: str, key: str) -> None:
    """Pick a baseline window and a comparison window; show actual against expected at the baseline rate."""
    actual, activity = (analysis.measure_series(data, m)[0] for m in (measure_actual, measure_activity))
    periods = list(actual.index.intersection(activity.index))
    if len(periods) < 4:
        st.caption("Too few periods with both measures for a baseline comparison.")
        return
    half = len(periods) // 2
    cols = st.columns(2)
    words = {"format_func": lambda p: format_period(p, data.frequency)}
    baseline = cols[0].select_slider("Baseline periods", periods, value=(periods[0], periods[half - 1]),
                                     key=f"{key}:baseline", **words)
    current = cols[1].select_slider("Periods to compare", periods, value=(periods[half], periods[-1]),
                                    key=f"{key}:current", **words)
    result = derive.expected_in_window(actual, activity, baseline, current)
    st.metric(markdown_text(f"{measure_actual}: actual against expected"), f"{result.actual:,.0f}",
              delta=None if pd.isna(result.expected) else f"{result.difference:+,.0f} against expected",
              delta_color="off")
    st.write(markdown_text(f"{measure_actual}: {result.words}."))


def without_values(table: pd.DataFrame) -> list[str]:
    """The measures of a KPI table (:func:`kpi_table`) with no latest value: every period missing or suppressed."""
    return [] if table.empty else table.loc[table["latest"].eq(""), "measure"].astype(str).tolist()


def kpi_table(datasets: dict[str, Dataset], *, totals_only: bool) -> pd.DataFrame:
    """The KPI summary of the chosen datasets: values and targets in their unit, SPC icon names in words."""
    items = analysed(datasets, totals_only=totals_only)
    if not items:
        return pd.DataFrame()
    kpi = analysis.kpi_summary([i.result for i in items])
    words = {column: [commentary.format_value(v, u) if pd.notna(v) else "" for v, u in
                      zip(kpi[column], kpi["unit"], strict=True)] for column in ("value", "target")}
    kpi = kpi.assign(dataset=[i.dataset for i in items], latest=words["value"], target_text=words["target"])
    return analysis.kpi_display(kpi)
