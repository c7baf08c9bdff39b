"""The trend chart (values, moving average, trend line and band, SPC, forecast, seasonal adjustment, last year)
and the SPC chart: each layer drawn from the result that holds it, never refitted.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from analytics import periods, vocabulary
from analytics.charts.styles import (
    ACTUAL,
    ACTUAL_POINTS,
    BAND_OPACITY,
    FORECAST,
    FORECAST_80,
    FORECAST_95,
    LAST_YEAR,
    LINE_WIDTH,
    MAX_ROWS,
    MOVING_AVERAGE,
    POINT_SIZE,
    POINT_TYPE_WORDS,
    RULE_WORDS,
    SEASONAL,
    SPC_LIMITS,
    SPC_MEAN,
    SPC_POINT_SIZE,
    SPC_POINTS,
    TARGET,
    THIN_LINE_WIDTH,
    TREND,
    TREND_BAND,
    VALUE_FORMAT,
    dated_series,
    encodings,
    finish,
    period_labels,
    series_frame,
    tooltip_for,
    unit_title,
    weekly_means,
    with_gaps,
    x_axis,
)
from analytics.forecast import ForecastResult
from analytics.seasonal import SeasonalResult
from analytics.spc import MIN_SPC_POINTS, SpcResult
from analytics.trend import (
    TrendResult,
    check_frequency,
)
from analytics.trend import (
    moving_average as _moving_average,
)


# ===================================================================================================== models -> frames
def trend_band(trend: TrendResult) -> pd.DataFrame | None:
    """The 95% confidence band of the fitted line as the trend test gave it, or None when there is no test.

    Read from ``trend.table`` (``lower``, ``upper``): the chart draws the interval the commentary quotes
    and never refits the line (:func:`analytics.trend.linear_trend` explains the band).
    """
    table = trend.table
    if {"lower", "upper"} - set(table.columns) or not table[["lower", "upper"]].notna().all(axis=1).any():
        return None
    return table[["lower", "upper"]]


# ===================================================================================================== layers
class _Layers:
    """Collects the trend chart's layers and its legend entries, then encodes them on one shared scale."""

    def __init__(self, x: alt.X, y: alt.Y, frequency: str | None):
        self.x, self.y, self.frequency = x, y, frequency
        self.bands: list[tuple[str, pd.DataFrame]] = []
        self.lines: list[tuple[str, pd.DataFrame, dict]] = []
        self.labels: list[str] = []  # legend entries, in order

    def line(self, name: str, values: pd.Series | pd.DataFrame, label: str | None = None, **options) -> None:
        frame = values if isinstance(values, pd.DataFrame) else series_frame(values, label or name, self.frequency)
        if frame["value"].notna().any():  # a layer with nothing to draw is left out, not drawn empty
            self.lines.append((name, frame, options))
            self.labels.append(label or name)

    def band(self, name: str, index: pd.DatetimeIndex, lower, upper) -> None:
        frame = pd.DataFrame({"period": index, "label": period_labels(index, self.frequency),
                              "lower": np.asarray(lower, dtype=float), "upper": np.asarray(upper, dtype=float),
                              "series": name})
        if frame[["lower", "upper"]].notna().all(axis=1).any():
            self.bands.append((name, frame))

    def build(self, target: float | None, points: pd.DataFrame | None, show_points: bool) -> list[alt.Chart]:
        spc_words = [w for w in POINT_TYPE_WORDS.values() if points is not None and w in set(points["series"])]
        labels = (self.labels + ([TARGET] if target is not None else []) + [name for name, _ in self.bands]
                  + list(dict.fromkeys(spc_words)))
        color, dash, shape = encodings(labels)
        x, y = self.x, self.y
        band_y = alt.Y("lower:Q", title=y.to_dict().get("title"))
        layers = [
            alt.Chart(frame).mark_area(opacity=BAND_OPACITY)
            .encode(x=x, y=band_y, y2="upper:Q", color=color,
                    tooltip=[alt.Tooltip("label:N", title="Period"), alt.Tooltip("series:N", title="Band"),
                             alt.Tooltip("lower:Q", title="Lower", format=VALUE_FORMAT),
                             alt.Tooltip("upper:Q", title="Upper", format=VALUE_FORMAT)])
            .properties(name=name)
            for name, frame in self.bands
        ]
        for name, frame, options in self.lines:
            enc = {"x": x, "y": y, "color": color, "strokeDash": dash}
            if options.get("detail"):
                enc["detail"] = options["detail"]
            if options.get("tooltip", True):
                enc["tooltip"] = [alt.Tooltip("label:N", title="Period"), alt.Tooltip("series:N", title="Line"),
                                  alt.Tooltip("value:Q", title="Value", format=VALUE_FORMAT)]
            layers.append(alt.Chart(frame).mark_line(strokeWidth=options.get("width", LINE_WIDTH), strokeJoin="round")
                          .encode(**enc).properties(name=name))
        if target is not None:
            layers.append(alt.Chart(pd.DataFrame({"value": [float(target)], "series": [TARGET]}))
                          .mark_rule(strokeWidth=LINE_WIDTH)
                          .encode(y=y, color=color, strokeDash=dash,
                                  tooltip=[alt.Tooltip("value:Q", title="Target", format=VALUE_FORMAT)])
                          .properties(name=TARGET))
        actual = next((frame for name, frame, _ in self.lines if name == ACTUAL), None)
        if points is None and show_points and actual is not None:
            layers.append(alt.Chart(actual.dropna(subset=["value"]))
                          .mark_point(filled=True, size=POINT_SIZE, opacity=1, shape="circle")
                          .encode(x=x, y=y, color=color, tooltip=tooltip_for())
                          .properties(name=ACTUAL_POINTS))
        if points is not None and len(points):
            layers.append(alt.Chart(points).mark_point(filled=True, size=SPC_POINT_SIZE, opacity=1)
                          .encode(x=x, y=y, color=color, shape=shape, tooltip=SPC_TOOLTIP)
                          .properties(name=SPC_POINTS))
        return layers


SPC_TOOLTIP = [
    alt.Tooltip("label:N", title="Period"), alt.Tooltip("value:Q", title="Value", format=VALUE_FORMAT),
    alt.Tooltip("series:N", title="Point type"), alt.Tooltip("rule:N", title="Rule"),
    alt.Tooltip("mean:Q", title="Mean", format=VALUE_FORMAT),
    alt.Tooltip("upl:Q", title="Upper process limit", format=VALUE_FORMAT),
    alt.Tooltip("lpl:Q", title="Lower process limit", format=VALUE_FORMAT),
]


def _spc_frames(result: SpcResult, frequency: str | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Points (``series`` = point type in words), per-group mean, and per-group limits (one row per limit)."""
    table = result.table
    index = pd.DatetimeIndex(table.index)
    labels = period_labels(index, frequency)
    rules = table["rules"].map(lambda text: "; ".join(RULE_WORDS[r] for r in text.split(", ")) if text else "none")
    points = pd.DataFrame({
        "period": index, "label": labels, "value": table["value"].to_numpy(dtype=float),
        "series": table["point_type"].map(POINT_TYPE_WORDS).to_numpy(), "rule": rules.to_numpy(),
        "mean": table["mean"].to_numpy(dtype=float), "upl": table["upl"].to_numpy(dtype=float),
        "lpl": table["lpl"].to_numpy(dtype=float),
    }).dropna(subset=["value"])
    mean = pd.DataFrame({"period": index, "label": labels, "value": table["mean"].to_numpy(dtype=float),
                         "group": table["group"].to_numpy(), "series": SPC_MEAN})
    limits = pd.concat([
        pd.DataFrame({"period": index, "label": labels, "value": table[col].to_numpy(dtype=float),
                      "group": table["group"].to_numpy(), "limit": col, "series": SPC_LIMITS})
        for col in ("upl", "lpl")
    ], ignore_index=True)
    return points, mean.dropna(subset=["value"]), limits.dropna(subset=["value"])


# ===================================================================================================== trend chart
def trend_chart(
    series: pd.Series,
    *,
    title: str,
    unit: str,
    frequency: str,
    moving_average: pd.Series | None = None,
    window: int | None = None,
    trend: TrendResult | None = None,
    spc: SpcResult | None = None,
    forecast: ForecastResult | None = None,
    seasonal: SeasonalResult | None = None,
    last_year: pd.Series | None = None,
    target: float | None = None,
    show_points: bool = True,
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """A measure over time with any of its model layers.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (DatetimeIndex), in time order; NaN for missing or suppressed.
        Absent periods are shown as gaps.
    title : str
        The finding, e.g. "Reablement starts rose 17% in the last 26 weeks".
    unit : str
        Catalogue unit (``count``, ``percent``, ``currency``, ``days``, ``rate``) or an axis title.
    frequency : {"D", "W", "M", "Q", "FY"}
        For the date axis format and the period labels in tooltips.
    moving_average : pd.Series, optional
        A precomputed moving average (same index); with only ``window`` it is computed (trailing).
    window : int, optional
        Periods in the moving average, for the legend ("Moving average (6 weeks)").
    trend : TrendResult, optional
        Adds the fitted line and, with 6 or more points, its 95% confidence band (:func:`trend_band`).
    spc : SpcResult, optional
        Adds the mean and process limits, drawn per rebase group (a step, never a line joining groups),
        and colours and shapes the points by point type (Making Data Count colours).
    forecast : ForecastResult, optional
        Adds the forecast with its 80% and 95% prediction intervals.
    seasonal : SeasonalResult, optional
        Adds the seasonally adjusted line (periods that had to be filled in are left as gaps).
    last_year : pd.Series, optional
        Last year's value at each period (``SeriesAnalysis.last_year``, from
        :func:`analytics.compare.values_a_year_before`), drawn as it is.
    target : float, optional
        A red dashed target line; defaults to ``spc.target`` when SPC has one.
    show_points : bool, default True
        A point per value (with ``spc`` the SPC points are always drawn: they carry the signals).
    subtitle : str or list of str, optional
        Under the title; notes about the chart (weekly averaging of long series) are added to it.

    Returns
    -------
    alt.LayerChart
        Named layers (see :data:`LAYERS` and :func:`layer_names`) with one legend naming each line,
        band and SPC point type.

    Raises
    ------
    AnalysisError
        The series is not indexed by dates in time order.
    """
    check_frequency(frequency)
    values = dated_series(series)
    notes = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    if moving_average is None and window is not None:
        moving_average = _moving_average(values, window)
    aggregated = len(with_gaps(values, frequency)) > MAX_ROWS
    if aggregated:
        notes.append(f"Weekly averages of the {len(values):,} {periods.FREQUENCY_ADJECTIVES[frequency]} values "
                     "(too many to draw one by one).")
        if spc is not None:
            notes.append("SPC limits apply to the original values, so they are not drawn on weekly averages.")
        spc, frequency = None, "W"
    if spc is not None and spc.too_few_points:  # limits from a handful of points would look like a verdict
        notes.append(f"No SPC limits: {spc.latest_points} points, and SPC needs at least {MIN_SPC_POINTS}.")
        spc = None

    def prepare(line: pd.Series) -> pd.Series:
        line = dated_series(line)
        return weekly_means(line) if aggregated else with_gaps(line, frequency)

    values = prepare(values)
    y = alt.Y("value:Q", title=unit_title(unit), scale=alt.Scale(zero=False))
    layers = _Layers(x_axis(frequency), y, frequency)
    layers.line(ACTUAL, values)
    if moving_average is not None:
        label = (f"{MOVING_AVERAGE} ({window} {vocabulary.frequency(frequency).noun}{'s' if window != 1 else ''})"
                 if window else MOVING_AVERAGE)
        layers.line(MOVING_AVERAGE, prepare(moving_average), label)
    if seasonal is not None:
        layers.line(SEASONAL, prepare(seasonal.adjusted.where(~seasonal.table["filled"])))
    if last_year is not None:
        layers.line(LAST_YEAR, prepare(last_year))
    if trend is not None:
        layers.line(TREND, prepare(trend.fitted))
        band = trend_band(trend)
        if band is not None:
            lower, upper = prepare(band["lower"]), prepare(band["upper"])
            layers.band(TREND_BAND, pd.DatetimeIndex(lower.index), lower, upper)
    if forecast is not None:
        table = forecast.table
        if aggregated:
            table = table.groupby(table.index.to_period("W-SUN").start_time).mean()
        index = pd.DatetimeIndex(table.index)
        for level, name in ((95, FORECAST_95), (80, FORECAST_80)):
            layers.band(name, index, table[f"lower_{level}"], table[f"upper_{level}"])
        observed = values.dropna()
        # start the forecast line at the last actual value so the eye follows on
        layers.line(FORECAST, pd.concat([observed.iloc[-1:], table["forecast"]]) if len(observed)
                    else table["forecast"])
    points = None
    if spc is not None:
        points, means, limits = _spc_frames(spc, frequency)
        layers.line(SPC_MEAN, means, detail="group", width=THIN_LINE_WIDTH, tooltip=False)
        layers.line(SPC_LIMITS, limits, detail=["group", "limit"], width=THIN_LINE_WIDTH, tooltip=False)
        if target is None:
            target = spc.target
    if target is not None and not np.isfinite(target):
        target = None
    chart = alt.layer(*layers.build(target, points, show_points))
    names = [name for name, _, _ in layers.lines] + ([TARGET] if target is not None else [])
    names += [name for name, _ in layers.bands] + ([SPC_POINTS] if points is not None and len(points) else [])
    if spc is not None and spc.basis != "values":
        notes.append(f"SPC points and limits are on {spc.basis}.")
    description = _trend_description(title, values, frequency, unit, names, window)
    return finish(chart, title=title, subtitle=notes, description=description)


def _trend_description(title: str, values: pd.Series, frequency: str, unit: str, layers: list[str],
                       window: int | None) -> str:
    observed = values.dropna()
    span = (f"from {periods.format_period(observed.index[0], frequency)} to "
            f"{periods.format_period(observed.index[-1], frequency)}") if len(observed) else "with no values"
    extra = [name for name in layers if name not in (ACTUAL, ACTUAL_POINTS)]
    words = ", ".join(f"{window}-period moving average" if n == MOVING_AVERAGE and window else n.lower()
                      for n in extra)
    return (f"{title}. Line chart of {len(observed)} {periods.FREQUENCY_ADJECTIVES[frequency]} values "
            f"({unit_title(unit)}) {span}" + (f", with {words}." if words else "."))


def spc_chart(series: pd.Series, result: SpcResult, *, title: str, unit: str, frequency: str,
              subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """A Making Data Count XmR chart: values, mean and process limits per rebase group, coloured points.

    Same as :func:`trend_chart` with only ``spc`` (and its target) given.
    """
    return trend_chart(series, title=title, unit=unit, frequency=frequency, spc=result, subtitle=subtitle)


