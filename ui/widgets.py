"""Widgets: dataset and measure pickers, dimension filters, period ranges, the chart view's toggles and
settings, drawing a chart, the KPI table's columns."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import analytics
from analytics import analysis, commentary, councils, topics
from analytics.analysis import DEFAULT_WINDOWS
from analytics.dataset import Dataset
from analytics.periods import format_period
from analytics.seasonal import weekly_totals
from analytics.spc import MIN_BASELINE_POINTS
from analytics.topics import Topic
from analytics.vocabulary import SUMMARY_FLAGS, SUMMED_UNITS, by_frequency
from ui.session import (
    SAMPLE_DIR,
    add_upload,
    loaded,
    registry,
)
from ui.text import (
    markdown_text,
)

WEEKLY_TOTALS_LABEL = "Weekly totals (Monday to Sunday)"
FORECAST_HORIZONS = by_frequency("forecast_horizon")  # about a quarter or two ahead
YOUR_COUNCIL = "your_council"  # session key: the reference name of the user's council, read by every page


def council_picker() -> None:
    """'Your council', chosen once a session in the sidebar (searchable), for every page and the pack. The
    choice is copied to YOUR_COUNCIL when it changes, so it outlives any run that does not draw the widget."""
    names = [c.name for c in councils.current()]
    chosen = st.session_state.get(YOUR_COUNCIL)
    st.selectbox("Your council", names, index=names.index(chosen) if chosen in names else None,
                 placeholder=f"Type to search the {len(names)} councils", key=_PICKER,
                 help="Highlighted in benchmarking charts and named in the scrutiny pack.",
                 on_change=lambda: st.session_state.update({YOUR_COUNCIL: st.session_state[_PICKER]}))


_PICKER = "sidebar:your_council"


def your_council():
    """The council chosen in the sidebar, or None."""
    chosen = st.session_state.get(YOUR_COUNCIL)
    return councils.named(chosen) if chosen in {c.name for c in councils.current()} else None


def pick_dataset(label: str = "Dataset", key: str = "dataset") -> str | None:
    names = list(registry())
    if not names:
        st.info("No data loaded yet: upload a file in the sidebar or click **Load sample data**.")
        return None
    return st.selectbox(label, names, key=key)


def needs(topic: Topic) -> None:
    """Say what the page needs, offer the matching sample, and stop the page."""
    st.info(f"This page needs {topic.needs}. None of the loaded files has that shape yet: upload one, "
            f"or load the sample extract **{topic.sample}** to see how the page works.", icon=":material/info:")
    if st.button(f"Load sample: {topic.sample}", key=f"sample:{topic.key}"):
        path = SAMPLE_DIR / topic.sample
        add_upload(path.name, path.read_bytes(), uploaded=False)
        st.rerun()
    st.stop()


def pick_topic_dataset(topic: Topic) -> tuple[str, Dataset]:
    """The dataset picker of a topic page, limited to datasets of the right shape (or `needs`)."""
    datasets = loaded()
    names = topics.datasets_for(datasets, topic)
    if not names:
        needs(topic)
    name = st.selectbox("Dataset", names, key=f"dataset:{topic.key}")
    return name, datasets[name]


def sentences(items) -> None:
    """Commentary as a bulleted list; every sentence escaped (labels in it come from the file). Beside one
    series' chart the repeated "Measure: " lead-in is dropped (the chart title names it)."""
    items = list(items)
    subjects = {s.subject for s in items}
    single = len(subjects) == 1 and all(s.text.startswith(f"{s.subject}: ") for s in items)
    texts = [commentary.without_subject(s) if single else s.text for s in items]
    st.markdown("\n".join(f"- {markdown_text(t)}" for t in texts) or "No commentary.")


def dimension_filters(data: Dataset, measure: str, container, key: str) -> dict[str, str]:
    """One select per dimension ("All" sums it, where the unit allows adding up, or takes every row when there is
    one a period, so nothing is added: a label filled in on some periods only is no split of the series)."""
    info = data.measures[measure]
    rows = data.frame[data.frame["measure"] == measure]
    one_a_period = not rows.loc[~rows["flag"].isin(SUMMARY_FLAGS), "period"].duplicated().any() \
        if "period" in rows.columns else False
    chosen = {}
    for dim in data.dimensions:
        values = sorted(v for v in rows[dim].dropna().unique() if v)
        if len(values) < 2:
            continue
        options = (["All"] if info.unit in SUMMED_UNITS or one_a_period else []) + values
        pick = container.selectbox(dim.replace("_", " ").capitalize(), options, key=f"{key}:{dim}")
        if pick != "All":
            chosen[dim] = pick
    return chosen


def measure_series(data: Dataset, measure: str, filters: dict[str, str]) -> pd.Series | None:
    """The series to model (as the KPI summary and the pack see it), or None after showing why there is none."""
    try:
        series, notes = analysis.measure_series(data, measure, **filters)
    except analytics.AnalysisError as exc:
        st.error(markdown_text(exc.user_message))
        return None
    for note in notes:
        st.caption(markdown_text(note))
    if series.notna().sum() < 2:
        st.info(markdown_text(f"'{measure}' has fewer than two values here: nothing to chart."))
        return None
    return series


def period_range(series: pd.Series, frequency: str, key: str) -> pd.Series:
    """A from/to slider over the periods, in UK period words."""
    periods = list(series.index)
    if len(periods) < 3:
        return series
    start, end = st.select_slider("Periods", options=periods, value=(periods[0], periods[-1]), key=key,
                                  format_func=lambda p: format_period(p, frequency))
    return series.loc[start:end]


@dataclass(frozen=True)
class ChartView:
    """The chart and model choices on a trend page (small user choices, not results)."""

    moving_average: bool = True
    window: int = 6
    trend: bool = True
    spc: bool = False
    forecast: bool = False
    horizon: int = 0
    seasonal: bool = False
    last_year: bool = False
    target: float | None = None
    rebase_at: tuple[int, ...] = ()
    baseline_points: int | None = None
    baseline: tuple[pd.Timestamp, pd.Timestamp] | None = None

    def analysis_options(self) -> dict:
        return {"window": self.window, "target": self.target, "rebase_at": self.rebase_at,
                "baseline_points": self.baseline_points, "baseline": self.baseline,
                "horizon": self.horizon if self.forecast else 0}

    def chart_layers(self, result) -> dict:
        return {"moving_average": result.moving_average if self.moving_average else None,
                "window": self.window if self.moving_average else None,
                "trend": result.trend if self.trend else None,
                "spc": result.spc if self.spc else None,
                "forecast": result.forecast if self.forecast else None,
                "seasonal": result.seasonal if self.seasonal else None,
                "last_year": result.last_year if self.last_year else None,
                "target": self.target}


def chart_controls(frequency: str, series: pd.Series, key: str, *, spc: bool = False,
                   target: float | None = None, window: int | None = None,
                   baseline_default: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                   suggested_rebase: tuple[pd.Timestamp, ...] = ()) -> ChartView:
    """Toggles for each layer and the model settings; defaults as officers expect (6 weeks, 3 months...) and as
    the one analysis used them (the file's ``target``, ``window``, the baseline it states: ``baseline_default``,
    its first and last periods), so the page says what the KPI summary, CLI and pack say. A step change the
    analysis found (``suggested_rebase``) is offered as a one-click SPC rebase, never applied for the user
    (SPC.md: rebasing is the user's choice)."""
    periods = list(series.index)
    span = f"{periods[0]:%Y%m%d}-{len(periods)}"  # period pickers restart when the periods on offer change
    toggles = st.columns(6)
    show = {name: toggles[i].toggle(label, value=default, key=f"{key}:{name}") for i, (name, label, default) in
            enumerate([("moving_average", "Moving average", True), ("trend", "Trend line", True),
                       ("spc", "SPC limits", spc), ("forecast", "Forecast", False),
                       ("seasonal", "Seasonal adj.", False), ("last_year", "Last year", False)])}
    with st.expander("Settings: window, target, forecast horizon, SPC rebase and baseline"):
        cols = st.columns(4)
        window = cols[0].number_input("Moving average window (periods)", 2, 52,
                                      window or DEFAULT_WINDOWS.get(frequency, 3), key=f"{key}:window")
        target = cols[1].number_input("Target (optional)", value=target, key=f"{key}:target",
                                      placeholder="none")
        horizon = cols[2].number_input("Forecast horizon (periods)", 1, 104,
                                       FORECAST_HORIZONS.get(frequency, 6), key=f"{key}:horizon")
        fixed = cols[3].number_input(f"SPC baseline: first n points ({MIN_BASELINE_POINTS} or more)", value=None,
                                     min_value=MIN_BASELINE_POINTS,
                                     key=f"{key}:baseline_points", placeholder="all points")
        rebase = _rebase_picker(periods, frequency, [p for p in suggested_rebase if p in periods[1:]],
                                key=f"{key}:rebase:{span}")
        use_baseline = st.toggle("Compare the moving average with a baseline period", key=f"{key}:use_baseline",
                                 value=baseline_default is not None)
        baseline = None
        if use_baseline and len(periods) >= 3:
            baseline = st.select_slider("Baseline period", options=periods, key=f"{key}:baseline:{span}",
                                        value=baseline_default or (periods[0],
                                                                   periods[min(len(periods) - 1, int(window) * 2 - 1)]),
                                        format_func=lambda p: format_period(p, frequency))
    return ChartView(window=int(window), target=target, horizon=int(horizon),
                     rebase_at=tuple(periods.index(p) for p in rebase),
                     baseline_points=int(fixed) if fixed else None, baseline=baseline, **show)


def _rebase_picker(periods: list[pd.Timestamp], frequency: str, suggested: list[pd.Timestamp], key: str
                   ) -> list[pd.Timestamp]:
    """Where the SPC limits are recalculated: empty until the user picks; a step change found is one click."""
    if suggested:
        words = " and ".join(format_period(p, frequency) for p in suggested)
        st.button(f"Recalculate the SPC limits from the step change found ({words})", key=f"{key}:suggested",
                  on_click=lambda: st.session_state.update({key: suggested}))
    return st.multiselect("Rebase SPC limits at (a known change: new service model, new definition)",
                          periods[1:], key=key, format_func=lambda p: format_period(p, frequency),
                          help="The analysis found a step change: the button above recalculates the limits there."
                          if suggested else None)


FINANCE_COLUMNS = {column: st.column_config.NumberColumn(column, format="%.2f")
                   for column in ("Budget £m", "Forecast £m", "Variance £m")}


KPI_ORDER = ("measure", "sparkline", "period", "latest", "target_text", "rag", "vs_last_period", "vs_last_year",
             "trend", "variation", "assurance", "dataset")


KPI_COLUMNS = {
    "measure": st.column_config.TextColumn("Measure", pinned=True, width="medium"),
    "period": st.column_config.TextColumn("Latest period"),  # sized to its text: "October 2022" in full
    "trend": st.column_config.TextColumn("Trend (5% level)"),
    "variation": st.column_config.TextColumn("SPC variation", width="large"),  # the words of the icon, in full
    "assurance": st.column_config.TextColumn("SPC assurance"),
    "sparkline": st.column_config.LineChartColumn(f"Last {analysis.SPARKLINE_POINTS} periods", width="small"),
    "latest": st.column_config.TextColumn("Latest", width="small"),
    "target_text": st.column_config.TextColumn("Target", width="small"),
    "rag": st.column_config.TextColumn("RAG", width="small"),
    "vs_last_period": st.column_config.TextColumn("vs last period", width="small"),
    "vs_last_year": st.column_config.TextColumn("vs last year", width="small"),
}


def says_something(value) -> bool:
    """A KPI cell that is not empty (a sparkline with points, a word, a number)."""
    if isinstance(value, list | tuple):
        return bool(value)
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


def draw(chart, *, container=None, alt: str | None = None) -> None:
    """Show an Altair chart. The builders' specs are schema-checked in tests/test_charts.py, so the page skips
    Altair's validation on every rerun (a third of the drawing time)."""
    draw_spec(chart.to_dict(validate=False), container=container, alt=alt)


def draw_spec(spec: dict, *, container=None, alt: str | None = None) -> None:
    """Show a Vega-Lite spec; a given ``alt`` text replaces the spec's own description (Streamlit logs a
    warning when both are set)."""
    if alt:
        spec = {k: v for k, v in spec.items() if k != "description"}
    (container or st).vega_lite_chart(spec, width="stretch", alt=alt)


def weekly_option(series: pd.Series, data: Dataset, measure: str, key: str) -> tuple[pd.Series, str]:
    """Daily data as the one analysis reads it (days, the day-of-week pattern taken out of the trend), so the
    page says what the pack and the command line say; weekly totals are the user's choice, analysed again as a
    weekly series. Only values that add up (calls, not a waiting list) are offered as weekly totals."""
    info = data.measures.get(measure)
    summable = info is not None and analysis.is_cumulative(measure, info.unit, info.known_as)
    if data.frequency != "D" or not summable or not st.toggle(
            WEEKLY_TOTALS_LABEL, value=False, key=key,
            help="Sums each Monday-to-Sunday week and analyses the weeks as a series of their own; the pack and "
                 "the command line describe the days."):
        return series, data.frequency
    weekly, notes = weekly_totals(series)
    st.caption("Weekly totals, analysed as a weekly series: these words describe the weeks, not the days the "
               "pack and the command line describe.")
    for note in notes:
        st.caption(markdown_text(note))
    return weekly, "W"
