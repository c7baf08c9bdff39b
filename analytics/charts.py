"""Altair chart builders for the pages and the export: they return charts and never render them.

Every builder takes a ``title`` (pages pass a finding, "Calls answered fell 12% year on year") and an
optional ``subtitle``; sets a text alternative in the top-level ``description``; fills the container's
width; labels its axes with units; and keeps each dataset under Altair's 5,000-row limit (longer series
are averaged by week, and the subtitle says so). Colour is never the only signal: lines also differ by
dash, SPC points by shape, bars carry text labels. SPC colours are Making Data Count's
(:data:`analytics.spc.COLOURS`); everything else uses the colour-blind-safe Okabe-Ito palette.

Layers carry stable ``name``s (:data:`LAYERS`) so tests and pages can ask :func:`layer_names` whether a
chart has, say, the moving-average layer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from analytics import compare, periods, spc, vocabulary
from analytics.derive import Mix
from analytics.errors import AnalysisError
from analytics.forecast import ForecastResult
from analytics.seasonal import SeasonalResult
from analytics.spc import SpcResult
from analytics.trend import (
    TrendResult,
    check_frequency,
    missing_periods,
)
from analytics.trend import (
    moving_average as _moving_average,
)
from analytics.vocabulary import by_frequency

# --- limits and sizes ------------------------------------------------------------------------------------------
MAX_ROWS = 5_000  # Altair's default limit per dataset; we stay under it rather than lifting it
CHART_HEIGHT = 440  # the whole chart: Streamlit fits title, plot, axes and legend into this height
TITLE_LINE_CHARS = 70  # longer findings wrap onto further title lines instead of being cut off
BAR_CHART_CHROME = 130  # title, axis and legend around the bars of a horizontal bar chart
SPARKLINE_WIDTH = 120
SPARKLINE_HEIGHT = 30
BAR_STEP = 24  # pixels per bar in horizontal bar charts
VARIANCE_CHART_CHROME = 190  # title, axis with its title, and legend, measured on the page in chromium
MIN_VARIANCE_BARS = 4  # room for at least this many bars: a level of two lines is still readable
SUBTITLE_LINE_HEIGHT = 18  # pixels per subtitle line (Streamlit fits title, axes and bars into the height)
VARIANCE_LABEL_ROOM = 0.2  # share of the variance range added beyond the bars for their labels
LINE_WIDTH = 2
THIN_LINE_WIDTH = 1
POINT_SIZE = 40
SPC_POINT_SIZE = 60
BAND_OPACITY = 0.5
FAINT_OPACITY = 0.6
MAX_LABELLED_BARS = 24  # stacked bars get % labels only when there are few enough to read
MIN_LABELLED_PCT = 8.0  # and only on segments at least this tall
VALUE_FORMAT = ",.2~f"  # d3: thousands separators, up to 2 decimals, trailing zeros trimmed
PCT_FORMAT = ".1f"

# --- palette -------------------------------------------------------------------------------------------------
# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ACTUAL_COLOUR = "#404040"
MEAN_COLOUR = "#000000"
LIMIT_COLOUR = "#7f7f7f"
MOVING_AVERAGE_COLOUR = "#0072B2"
TREND_COLOUR = "#CC79A7"
TREND_BAND_COLOUR = "#ebc6dc"
FORECAST_COLOUR = "#009E73"
FORECAST_80_COLOUR = "#7fcdb2"
FORECAST_95_COLOUR = "#c4e8da"
SEASONAL_COLOUR = "#E69F00"
LAST_YEAR_COLOUR = "#56B4E9"
TARGET_COLOUR = spc.COLOURS["target"]
HIGHLIGHT_COLOUR = "#0072B2"
PEER_COLOUR = "#bdbdbd"
FAVOURABLE_COLOUR = "#0072B2"
ADVERSE_COLOUR = "#D55E00"
ON_BUDGET_COLOUR = "#bdbdbd"
TOTAL_COLOUR = "#595959"
THIS_YEAR_COLOUR = "#0072B2"
LAST_FY_COLOUR = "#E69F00"
EARLIER_FY_COLOUR = "#bdbdbd"

# --- dashes (stroke, gap, ...): each line layer has its own, so a legend reads without colour --------------------
SOLID: list[int] = []
MOVING_AVERAGE_DASH = [6, 3]
TREND_DASH = [12, 3, 2, 3]
LIMIT_DASH = [4, 4]
TARGET_DASH = [10, 4]
FORECAST_DASH = [2, 2]
SEASONAL_DASH = [8, 2, 2, 2, 2, 2]
LAST_YEAR_DASH = [16, 4]
LAST_FY_DASH = [6, 3]
EARLIER_FY_DASH = [2, 2]

# --- layer names -----------------------------------------------------------------------------------------------
ACTUAL = "Actual"
ACTUAL_POINTS = "Actual points"
MOVING_AVERAGE = "Moving average"
TREND = "Trend"
TREND_BAND = "Trend 95% confidence interval"
SPC_MEAN = "Mean"
SPC_LIMITS = "Process limits"
SPC_POINTS = "SPC points"
TARGET = "Target"
FORECAST = "Forecast"
FORECAST_80 = "Forecast 80% interval"
FORECAST_95 = "Forecast 95% interval"
SEASONAL = "Seasonally adjusted"
LAST_YEAR = "Same period last year"
LAYERS = (ACTUAL, ACTUAL_POINTS, MOVING_AVERAGE, TREND, TREND_BAND, SPC_MEAN, SPC_LIMITS, SPC_POINTS, TARGET,
          FORECAST, FORECAST_80, FORECAST_95, SEASONAL, LAST_YEAR)
# legend colour and dash of each line or band layer
_STYLE = {
    ACTUAL: (ACTUAL_COLOUR, SOLID),
    MOVING_AVERAGE: (MOVING_AVERAGE_COLOUR, MOVING_AVERAGE_DASH),
    TREND: (TREND_COLOUR, TREND_DASH),
    TREND_BAND: (TREND_BAND_COLOUR, SOLID),
    SPC_MEAN: (MEAN_COLOUR, SOLID),
    SPC_LIMITS: (LIMIT_COLOUR, LIMIT_DASH),
    TARGET: (TARGET_COLOUR, TARGET_DASH),
    FORECAST: (FORECAST_COLOUR, FORECAST_DASH),
    FORECAST_80: (FORECAST_80_COLOUR, SOLID),
    FORECAST_95: (FORECAST_95_COLOUR, SOLID),
    SEASONAL: (SEASONAL_COLOUR, SEASONAL_DASH),
    LAST_YEAR: (LAST_YEAR_COLOUR, LAST_YEAR_DASH),
}

# --- SPC points: Making Data Count colour plus a shape per type ---------------------------------------------------
SPC_SHAPES = {
    "common_cause": "circle",
    "special_cause_improvement": "square",
    "special_cause_concern": "diamond",
    "special_cause_neutral_high": "triangle-up",
    "special_cause_neutral_low": "triangle-down",
}
POINT_TYPE_WORDS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
}
RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "trend": f"{spc.TREND_LENGTH} or more points in a row rising or falling",
    "two_of_three": f"{spc.TWO_OF_THREE_NEEDED} of {spc.TWO_OF_THREE_WINDOW} points near a process limit",
    "run": f"{spc.RUN_LENGTH} or more points in a row on one side of the mean",
}

# --- units and axes --------------------------------------------------------------------------------------------
UNIT_TITLES = {"count": "Count", "percent": "%", "currency": "£", "days": "Days", "rate": "Rate per 100,000"}
DATE_FORMATS = by_frequency("date_format")
PERIOD_TITLES = by_frequency("axis_title")
FY_MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
FY_QUARTERS = ("Q1", "Q2", "Q3", "Q4")


# ===================================================================================================== helpers
def titled(finding: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    """A chart title that states the finding, with an optional subtitle (a string or lines), left aligned."""
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    lines = [line for line in lines if line]
    text = textwrap.wrap(finding, TITLE_LINE_CHARS) or [finding]
    text = text[0] if len(text) == 1 else text
    if lines:
        return alt.TitleParams(text=text, subtitle=lines, anchor="start")
    return alt.TitleParams(text=text, anchor="start")


def unit_title(unit: str) -> str:
    """Axis title for a catalogue unit ('count' -> 'Count', 'percent' -> '%'); other text is used as given."""
    return UNIT_TITLES.get(unit, unit)


def layer_names(chart: alt.TopLevelMixin | dict) -> list[str]:
    """Names of the named layers of a chart, in drawing order (nested layers included)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    names: list[str] = []

    def walk(node: dict) -> None:
        for child in node.get("layer", []):
            if "name" in child:
                names.append(child["name"])
            walk(child)

    walk(spec)
    return names


def _finish(chart, *, title: str, subtitle, description: str, height: int | None = CHART_HEIGHT):
    props = {"title": titled(title, subtitle), "description": description, "width": "container"}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


def _period_labels(index: pd.DatetimeIndex, frequency: str | None) -> list[str]:
    return [periods.format_period(ts, frequency) for ts in index]


def _x(frequency: str | None) -> alt.X:
    fmt = DATE_FORMATS.get(frequency, "%d %b %Y")
    return alt.X("period:T", title=PERIOD_TITLES.get(frequency, "Period"), axis=alt.Axis(format=fmt))


def _series_frame(values: pd.Series, name: str, frequency: str | None) -> pd.DataFrame:
    """period / label / value / series rows for one line, with NaN kept so the line breaks there."""
    index = pd.DatetimeIndex(values.index)
    return pd.DataFrame({"period": index, "label": _period_labels(index, frequency),
                         "value": values.to_numpy(dtype=float), "series": name})


def _with_gaps(values: pd.Series, frequency: str | None) -> pd.Series:
    """Absent periods restored as NaN, so a line breaks there rather than silently joining (SPC.md guards)."""
    if frequency is None or len(values) < 2:
        return values
    gaps = missing_periods(pd.DatetimeIndex(values.index), frequency)
    return values.reindex(values.index.union(gaps)) if len(gaps) else values


def _dated_series(series: pd.Series, name: str = "series") -> pd.Series:
    if not isinstance(series.index, pd.DatetimeIndex):
        raise AnalysisError(f"The {name} must be indexed by period start dates to be charted over time.")
    out = pd.to_numeric(series, errors="coerce").astype(float)
    if not out.index.is_monotonic_increasing:
        raise AnalysisError(f"The {name} must be in time order (earliest period first).")
    return out


def _weekly_means(values: pd.Series) -> pd.Series:
    """Average by Monday-start week (used only when a series is too long to chart point by point)."""
    return values.groupby(values.index.to_period("W-SUN").start_time).mean()


_POINT_WORD_TYPES = {words: point_type for point_type, words in POINT_TYPE_WORDS.items()}
_BANDS = (TREND_BAND, FORECAST_80, FORECAST_95)
# The trend chart sits in the left three fifths of the page beside its commentary: about 480 px on a 1280-px
# laptop screen. Three columns of 260-px labels overflowed it and clipped names ("Special cause: in...").
LEGEND_COLUMNS = 2
LEGEND_LABEL_LIMIT = 200  # px; "Trend 95% confidence interval" is about 190
LEGEND_SYMBOL_ROOM = 40  # px per column for the symbol and the gap after it
LEGEND = alt.Legend(orient="bottom", title=None, symbolStrokeWidth=2, symbolSize=150, symbolOpacity=1,
                    labelLimit=LEGEND_LABEL_LIMIT, columns=LEGEND_COLUMNS)


def _legend_style(label: str) -> tuple[str, list[int], str]:
    """Colour, dash and legend symbol of a legend entry (a layer, or an SPC point type)."""
    if label in _POINT_WORD_TYPES:
        point_type = _POINT_WORD_TYPES[label]
        return spc.COLOURS[point_type], SOLID, SPC_SHAPES[point_type]
    name = MOVING_AVERAGE if label.startswith(MOVING_AVERAGE) else label
    colour, dash = _STYLE[name]
    return colour, dash, "square" if name in _BANDS else "stroke"


def _encodings(labels: list[str]) -> tuple[alt.Color, alt.StrokeDash, alt.Shape]:
    """Colour, dash and shape all keyed on the legend label, so Vega-Lite draws one merged legend."""
    styles = [_legend_style(label) for label in labels]
    color = alt.Color("series:N", scale=alt.Scale(domain=labels, range=[s[0] for s in styles]), legend=LEGEND)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=labels, range=[s[1] for s in styles]), legend=LEGEND)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=labels, range=[s[2] for s in styles]), legend=LEGEND)
    return color, dash, shape


def _tooltip(value_title: str = "Value") -> list[alt.Tooltip]:
    return [alt.Tooltip("label:N", title="Period"), alt.Tooltip("value:Q", title=value_title, format=VALUE_FORMAT)]


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


def same_period_last_year(values: pd.Series, frequency: str) -> pd.Series:
    """Last year's value at each period, matched as :func:`analytics.compare.same_period_last_year` matches.

    Weeks by ISO week number (week 53 has no match), days by the same weekday 52 weeks (364 days)
    earlier, months, quarters and years by the same date a year earlier. NaN where there is no match.
    """
    index = pd.DatetimeIndex(values.index)
    matched = periods.a_year_back(index, frequency)
    return pd.Series(values.reindex(matched).to_numpy(dtype=float), index=index, name=LAST_YEAR)


# ===================================================================================================== layers
class _Layers:
    """Collects the trend chart's layers and its legend entries, then encodes them on one shared scale."""

    def __init__(self, x: alt.X, y: alt.Y, frequency: str | None):
        self.x, self.y, self.frequency = x, y, frequency
        self.bands: list[tuple[str, pd.DataFrame]] = []
        self.lines: list[tuple[str, pd.DataFrame, dict]] = []
        self.labels: list[str] = []  # legend entries, in order

    def line(self, name: str, values: pd.Series | pd.DataFrame, label: str | None = None, **options) -> None:
        frame = values if isinstance(values, pd.DataFrame) else _series_frame(values, label or name, self.frequency)
        if frame["value"].notna().any():  # a layer with nothing to draw is left out, not drawn empty
            self.lines.append((name, frame, options))
            self.labels.append(label or name)

    def band(self, name: str, index: pd.DatetimeIndex, lower, upper) -> None:
        frame = pd.DataFrame({"period": index, "label": _period_labels(index, self.frequency),
                              "lower": np.asarray(lower, dtype=float), "upper": np.asarray(upper, dtype=float),
                              "series": name})
        if frame[["lower", "upper"]].notna().all(axis=1).any():
            self.bands.append((name, frame))

    def build(self, target: float | None, points: pd.DataFrame | None, show_points: bool) -> list[alt.Chart]:
        spc_words = [w for w in POINT_TYPE_WORDS.values() if points is not None and w in set(points["series"])]
        labels = (self.labels + ([TARGET] if target is not None else []) + [name for name, _ in self.bands]
                  + list(dict.fromkeys(spc_words)))
        color, dash, shape = _encodings(labels)
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
                          .encode(x=x, y=y, color=color, tooltip=_tooltip())
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
    labels = _period_labels(index, frequency)
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
    last_year: bool = False,
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
    last_year : bool, default False
        Adds last year's values at this year's periods (see :func:`same_period_last_year`).
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
    values = _dated_series(series)
    notes = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    if moving_average is None and window is not None:
        moving_average = _moving_average(values, window)
    aggregated = len(_with_gaps(values, frequency)) > MAX_ROWS
    if aggregated:
        notes.append(f"Weekly averages of the {len(values):,} {periods.FREQUENCY_ADJECTIVES[frequency]} values "
                     "(too many to draw one by one).")
        if spc is not None:
            notes.append("SPC limits apply to the original values, so they are not drawn on weekly averages.")
        spc, frequency = None, "W"

    def prepare(line: pd.Series) -> pd.Series:
        line = _dated_series(line)
        return _weekly_means(line) if aggregated else _with_gaps(line, frequency)

    values = prepare(values)
    y = alt.Y("value:Q", title=unit_title(unit), scale=alt.Scale(zero=False))
    layers = _Layers(_x(frequency), y, frequency)
    layers.line(ACTUAL, values)
    if moving_average is not None:
        label = (f"{MOVING_AVERAGE} ({window} {vocabulary.frequency(frequency).noun}{'s' if window != 1 else ''})"
                 if window else MOVING_AVERAGE)
        layers.line(MOVING_AVERAGE, prepare(moving_average), label)
    if seasonal is not None:
        layers.line(SEASONAL, prepare(seasonal.adjusted.where(~seasonal.table["filled"])))
    if last_year:
        layers.line(LAST_YEAR, same_period_last_year(values, frequency))
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
    return _finish(chart, title=title, subtitle=notes, description=description)


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


# ===================================================================================================== other charts
def _short_labels(values: pd.Series, frequency: str | None) -> list[str]:
    if not pd.api.types.is_datetime64_any_dtype(values):
        return values.astype(str).tolist()
    if frequency in ("Q", "FY"):
        return [periods.format_period(ts, frequency) for ts in values]
    fmt = DATE_FORMATS.get(frequency, "%d %b %Y")
    return [ts.strftime(fmt) for ts in values]


def stacked_percent_chart(mix: Mix, *, title: str, frequency: str | None = None,
                          categories: Sequence[str] | None = None,
                          subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """The mix of outcomes in each period as 100% stacked bars, drawing exactly the shares ``mix`` holds.

    Parameters
    ----------
    mix : analytics.derive.Mix
        From :func:`analytics.derive.mix` or :func:`analytics.derive.mix_of`: one row per period and category
        with its count (``value``) and ``share``. The chart computes no share of its own.
    title : str
        The finding.
    frequency : {"D", "W", "M", "Q", "FY"}, optional
        For period labels; inferred from dates when not given.
    categories : sequence of str, optional
        Stacking and legend order, top first (default: ``mix.categories``, else order of first appearance).
    subtitle : str or list of str, optional

    Returns
    -------
    alt.LayerChart
        Layers "Bars" and, with at most 24 periods, "Labels" (the % on segments of 8% or more). Segments
        are separated by white lines and stacked in a fixed order, so colour is not the only signal.
        A period the mix gives no shares (a missing part, a zero total) has no bar.
    """
    data = mix.table[["period", "category", "value", "share"]].rename(columns={"share": "pct"})
    data["category"] = data["category"].astype(str)
    order = list(categories or mix.categories or dict.fromkeys(data["category"]))
    dated = pd.api.types.is_datetime64_any_dtype(data["period"])
    if dated and frequency is None:
        frequency = periods.infer_frequency(data["period"])
    data = data.sort_values("period", kind="stable")
    data["rank"] = data["category"].map({c: i for i, c in enumerate(order)})
    data = data.dropna(subset=["pct", "rank"]).sort_values(["period", "rank"], kind="stable")
    # stack from the bottom in reverse order so the first category sits on top, as in the legend
    data["top"] = data.groupby("period")["pct"].transform(lambda p: p[::-1].cumsum()[::-1])
    data["middle"] = data["top"] - data["pct"] / 2
    data["short"] = _short_labels(data["period"], frequency)
    data["label"] = ([periods.format_period(ts, frequency) for ts in data["period"]] if dated
                     else data["period"].astype(str))
    data["pct_text"] = data["pct"].map(lambda p: f"{p:.0f}%")
    if dated:
        data = data.drop(columns="period")
    period_order = list(dict.fromkeys(data["short"]))
    present = [c for c in order if c in set(data["category"])]
    palette = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(present))]
    x = alt.X("short:N", sort=period_order, title=PERIOD_TITLES.get(frequency, "Period"),
              axis=alt.Axis(labelAngle=-45 if len(period_order) > 6 else 0))
    bars = (alt.Chart(data).mark_bar(stroke="white", strokeWidth=1)
            .encode(x=x, y=alt.Y("pct:Q", stack="zero", title="% of total", scale=alt.Scale(domain=[0, 100])),
                    color=alt.Color("category:N", sort=present, title=None,
                                    scale=alt.Scale(domain=present, range=palette),
                                    legend=alt.Legend(orient="bottom", labelLimit=260)),
                    order=alt.Order("rank:Q", sort="descending"),
                    tooltip=[alt.Tooltip("label:N", title="Period"), alt.Tooltip("category:N", title="Category"),
                             alt.Tooltip("value:Q", title="Count", format=VALUE_FORMAT),
                             alt.Tooltip("pct:Q", title="% of total", format=PCT_FORMAT)])
            .properties(name="Bars"))
    layers = [bars]
    if len(period_order) <= MAX_LABELLED_BARS:
        layers.append(alt.Chart(data[data["pct"] >= MIN_LABELLED_PCT])
                      .mark_text(color="white", fontWeight="bold", baseline="middle")
                      .encode(x=x, y=alt.Y("middle:Q"), text="pct_text:N")
                      .properties(name="Labels"))
    description = (f"{title}. 100% stacked bar chart of {', '.join(present)} as a share of the total in each of "
                   f"{len(period_order)} periods.")
    return _finish(alt.layer(*layers), title=title, subtitle=subtitle, description=description)


def cumulative_ytd_chart(series: pd.Series, *, title: str, unit: str, frequency: str | None = None,
                         subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Cumulative financial year to date, this year against last year (earlier years faint).

    Draws :func:`analytics.compare.financial_year_running_totals` (the arguments and errors are its own).

    Returns
    -------
    alt.LayerChart
        Layers "Years" (a line per financial year) and "This year and last year points".
    """
    totals = compare.financial_year_running_totals(_dated_series(series), unit, frequency)
    quarterly = totals.frequency == "Q"
    names = FY_QUARTERS if quarterly else FY_MONTHS
    data = totals.table.drop(columns="period").assign(
        x=[names[p] for p in totals.table["position"]], label=_period_labels(totals.table["period"], totals.frequency))
    fy = list(data["fy"])
    years = list(dict.fromkeys(fy))[::-1]  # latest first
    colours = [THIS_YEAR_COLOUR, LAST_FY_COLOUR] + [EARLIER_FY_COLOUR] * max(0, len(years) - 2)
    dashes = [SOLID, LAST_FY_DASH] + [EARLIER_FY_DASH] * max(0, len(years) - 2)
    widths = {y: (3 if i == 0 else 2 if i == 1 else THIN_LINE_WIDTH) for i, y in enumerate(years)}
    data["width"] = data["fy"].map(widths)
    data["recent"] = data["fy"].isin(years[:2])
    legend = alt.Legend(orient="bottom", title="Financial year", symbolType="stroke", symbolStrokeWidth=3,
                        symbolSize=300)
    x = alt.X("x:N", sort=list(names), title="Month of financial year" if not quarterly else "Quarter",
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("cumulative:Q", title=f"Cumulative {unit_title(unit).lower() if unit == 'count' else '£'}")
    color = alt.Color("fy:N", sort=years, scale=alt.Scale(domain=years, range=colours), legend=legend)
    dash = alt.StrokeDash("fy:N", sort=years, scale=alt.Scale(domain=years, range=dashes), legend=legend)
    tooltip = [alt.Tooltip("label:N", title="Period"), alt.Tooltip("fy:N", title="Financial year"),
               alt.Tooltip("value:Q", title="In the period", format=VALUE_FORMAT),
               alt.Tooltip("cumulative:Q", title="Year to date", format=VALUE_FORMAT)]
    lines = (alt.Chart(data).mark_line()
             .encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip,
                     strokeWidth=alt.StrokeWidth("width:Q", legend=None, scale=None),
                     opacity=alt.condition(alt.datum.recent, alt.value(1), alt.value(FAINT_OPACITY)))
             .properties(name="Years"))
    points = (alt.Chart(data[data["recent"]].dropna(subset=["cumulative"])).mark_point(filled=True, size=POINT_SIZE)
              .encode(x=x, y=y, color=color, shape=alt.Shape("fy:N", sort=years, legend=None), tooltip=tooltip)
              .properties(name="This year and last year points"))
    notes = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    if totals.summed_from is not None:
        notes.append(f"{periods.FREQUENCY_ADJECTIVES[totals.summed_from].capitalize()} values summed into months by "
                     "the date each period starts.")
    missing = totals.missing
    if len(missing):
        notes.append(f"{len(missing)} {'quarter' if quarterly else 'month'}(s) with no data add nothing to the "
                     f"running total (first {periods.format_period(missing[0], totals.frequency)}).")
    latest = data.dropna(subset=["cumulative"]).iloc[-1]
    description = (f"{title}. Cumulative financial year to date line chart ({unit_title(unit)}), one line per "
                   f"financial year ({', '.join(years)}); {latest['fy']} reached {latest['cumulative']:,.0f} "
                   f"by {latest['label']}.")
    chart = alt.layer(lines, points).resolve_scale(shape="independent")
    return _finish(chart, title=title, subtitle=notes, description=description)


def variance_chart(scorecard_table: pd.DataFrame, *, title: str, unit: str = "£m", include_totals: bool = False,
                   subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Variance (forecast - budget) by budget line as horizontal bars, marked F or A.

    Parameters
    ----------
    scorecard_table : pd.DataFrame
        ``FinanceResult.table`` from :func:`analytics.finance.scorecard`, or one level of it
        (:func:`analytics.finance.level_view`): lines of one level are all drawn as lines, subtotals
        included; a table of several levels is drawn without its totals, so a parent never sits beside
        its own children.
    title : str
        The finding.
    unit : str, default "£m"
        For the axis title and labels.
    include_totals : bool, default False
        Show total rows too, in dark grey with "Total" in their label.
    subtitle : str or list of str, optional

    Returns
    -------
    alt.LayerChart
        Layers "Bars", "Zero", "Labels" (e.g. "A +0.20" beside each bar): favourable blue and adverse
        vermilion, and always the F/A letter and the sign, so colour is not the only signal.
    """
    table = scorecard_table
    one_level = "level" in table.columns and table["level"].nunique() == 1
    totals = table["is_total"].astype(bool) & (not one_level)
    if not include_totals:
        table, totals = table[~totals], totals[~totals]
    keep = table["variance"].notna()
    table, totals = table[keep], totals[keep]
    if table.empty:
        raise AnalysisError("There are no budget lines with a variance to chart.")
    parents = table["parent"].fillna("").astype(str) if "parent" in table.columns else pd.Series("", index=table.index)
    if "label" in table.columns:
        lines = table["label"].astype(str)
    else:
        lines = table["line"].astype(str)
        lines = lines.where(~lines.duplicated(keep=False), lines + " (" + parents + ")")
    kind = np.where(totals, "Total",
                    table["fa"].map({"F": "Favourable (F)", "A": "Adverse (A)"}).fillna("On budget"))
    data = pd.DataFrame({
        "line": lines.to_numpy(), "parent": parents.to_numpy(), "variance": table["variance"].to_numpy(dtype=float),
        "budget": table["budget"].to_numpy(dtype=float), "forecast": table["forecast"].to_numpy(dtype=float),
        "fa": table["fa"].fillna("").to_numpy(), "rag": table.get("rag", pd.Series("", index=table.index))
        .fillna("").to_numpy(), "kind": kind,
    })
    data["text"] = [f"{'Total ' if k == 'Total' else ''}{fa if fa in ('F', 'A') else '='} {v:+,.2f}"
                    for k, fa, v in zip(data["kind"], data["fa"], data["variance"], strict=True)]
    domain = [k for k in ("Favourable (F)", "Adverse (A)", "On budget", "Total") if k in set(data["kind"])]
    palette = {"Favourable (F)": FAVOURABLE_COLOUR, "Adverse (A)": ADVERSE_COLOUR, "On budget": ON_BUDGET_COLOUR,
               "Total": TOTAL_COLOUR}
    y = alt.Y("line:N", sort=list(data["line"]), title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False))
    # room beyond the longest bars for their "F -1.50" labels, which would otherwise run into the line names
    low, high = min(0.0, float(data["variance"].min())), max(0.0, float(data["variance"].max()))
    pad = VARIANCE_LABEL_ROOM * ((high - low) or 1.0)
    x = alt.X("variance:Q", title=f"Variance ({unit}): forecast minus budget",
              scale=alt.Scale(domain=[low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0], nice=True))
    tooltip = [alt.Tooltip("line:N", title="Line"), alt.Tooltip("parent:N", title="Part of"),
               alt.Tooltip("budget:Q", title=f"Budget ({unit})", format=",.2f"),
               alt.Tooltip("forecast:Q", title=f"Forecast ({unit})", format=",.2f"),
               alt.Tooltip("variance:Q", title=f"Variance ({unit})", format="+,.2f"),
               alt.Tooltip("fa:N", title="F/A"), alt.Tooltip("rag:N", title="RAG")]
    bars = (alt.Chart(data).mark_bar()
            .encode(x=x, y=y, tooltip=tooltip,
                    color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=domain,
                                                                          range=[palette[k] for k in domain]),
                                    legend=alt.Legend(orient="bottom")))
            .properties(name="Bars"))
    zero = alt.Chart(pd.DataFrame({"variance": [0.0]})).mark_rule(color="black").encode(x="variance:Q") \
        .properties(name="Zero")
    positive = (alt.Chart(data[data["variance"] >= 0]).mark_text(align="left", dx=4)
                .encode(x=x, y=y, text="text:N").properties(name="Labels"))
    negative = (alt.Chart(data[data["variance"] < 0]).mark_text(align="right", dx=-4)
                .encode(x=x, y=y, text="text:N").properties(name="Labels (underspends)"))
    n_f, n_a = int((data["fa"] == "F").sum()), int((data["fa"] == "A").sum())
    description = (f"{title}. Horizontal bar chart of the variance in {unit} for {len(data)} budget lines: "
                   f"{n_f} favourable, {n_a} adverse" + (" (one level of the budget)." if one_level else
                                                         " (totals included)." if include_totals else
                                                         " (totals left out)."))
    chart = alt.layer(bars, zero, positive, negative)
    return _finish(chart, title=title, subtitle=subtitle, description=description,
                   height=BAR_STEP * max(len(data), MIN_VARIANCE_BARS) + VARIANCE_CHART_CHROME
                   + SUBTITLE_LINE_HEIGHT * len([subtitle] if isinstance(subtitle, str) else list(subtitle or [])))


QUARTILE_BAND_COLOURS = ("#f2f2f2", "#ffffff")  # alternate shading of the four quartiles
COMPARATOR_DASHES = ([6, 3], [2, 2], [8, 2, 2, 2])  # England, region, council type


def ranked_dot_chart(table: pd.DataFrame, *, council: str | None, title: str, unit: str,
                     lines: dict[str, float] | None = None, subtitle: str | Sequence[str] | None = None,
                     neutral: bool = False) -> alt.LayerChart:
    """Councils as dots in rank order (1 = best on the left), the user's council highlighted and named.

    Parameters
    ----------
    table : pd.DataFrame
        ``BenchmarkResult.table`` indexed by council with ``value``, ``rank``, ``quartile`` and, when the file
        gives intervals, ``lower`` and ``upper``.
    council : str or None
        The council (index label) to highlight.
    lines : dict, optional
        Comparators drawn as labelled horizontal lines, never as dots: {"England": 19.1, "North West": 20.3}.
    neutral : bool
        The measure has no better direction: rank 1 is the highest value, and the axis says so.

    Returns
    -------
    alt.LayerChart
        Layers "Quartile bands", "Intervals" (when any), "Councils", "Council value" (when highlighted),
        "Comparators" and "Comparator labels" (when any lines).
    """
    valued = table[table["value"].notna()].sort_values("rank", kind="stable")
    if len(valued) < 2:
        raise AnalysisError(f"A benchmark chart needs values for at least two councils; this table has {len(valued)}.")
    if council is not None and council not in table.index:
        raise AnalysisError(f"'{council}' is not among the councils in this table.")
    data = pd.DataFrame({"council": valued.index.astype(str), "value": valued["value"].to_numpy(dtype=float),
                         "rank": valued["rank"].astype(float).to_numpy()})
    data["you"] = data["council"] == council
    for column in ("lower", "upper"):
        data[column] = valued[column].to_numpy(dtype=float) if column in valued.columns else np.nan
    rank_title = "Rank (1 = highest; no better direction)" if neutral else "Rank (1 = best)"
    x = alt.X("rank:Q", title=rank_title, scale=alt.Scale(domain=[0, len(valued) + 1], nice=False))
    y = alt.Y("value:Q", title=unit_title(unit), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("council:N", title="Council"), alt.Tooltip("value:Q", title=unit_title(unit),
                                                                      format=VALUE_FORMAT),
               alt.Tooltip("rank:Q", title="Rank")]
    layers = [_quartile_bands(valued)]
    has_intervals = bool(data["lower"].notna().any())
    if has_intervals:
        layers.append(alt.Chart(data.dropna(subset=["lower", "upper"])).mark_rule(color=LIMIT_COLOUR)
                      .encode(x=x, y="lower:Q", y2="upper:Q").properties(name="Intervals"))
    layers.append(alt.Chart(data[~data["you"]]).mark_circle(color=ACTUAL_COLOUR, size=POINT_SIZE, opacity=0.7)
                  .encode(x=x, y=y, tooltip=tooltip).properties(name="Councils"))
    you = data[data["you"]]
    if len(you):
        layers.append(alt.Chart(you).mark_point(shape="diamond", filled=True, size=SPC_POINT_SIZE * 3,
                                                color=HIGHLIGHT_COLOUR).encode(x=x, y=y, tooltip=tooltip)
                      .properties(name="Council value"))
        layers.append(alt.Chart(you.assign(text=you["council"] + " " + you["value"].map(lambda v: f"{v:,.1f}")))
                      .mark_text(align="left", dx=8, dy=-8, fontWeight="bold", color=HIGHLIGHT_COLOUR)
                      .encode(x=x, y=y, text="text:N").properties(name="Council label"))
    comparators = pd.DataFrame([{"line": name, "value": float(v), "text": f"{name} {v:,.1f}"}
                                for name, v in (lines or {}).items() if v is not None and np.isfinite(v)])
    if len(comparators):
        dash = alt.StrokeDash("line:N", title=None, legend=alt.Legend(orient="bottom"),
                              scale=alt.Scale(domain=list(comparators["line"]),
                                              range=list(COMPARATOR_DASHES[:len(comparators)])))
        layers.append(alt.Chart(comparators).mark_rule(color=MEAN_COLOUR, strokeWidth=1.5)
                      .encode(y="value:Q", strokeDash=dash,
                              tooltip=[alt.Tooltip("line:N", title="Comparator"),
                                       alt.Tooltip("value:Q", title=unit_title(unit), format=VALUE_FORMAT)])
                      .properties(name="Comparators"))
        layers.append(alt.Chart(comparators).mark_text(align="right", baseline="bottom", dy=-2, fontStyle="italic",
                                                       x="width").encode(y="value:Q", text="text:N")
                      .properties(name="Comparator labels"))
    where = ""
    if len(you):
        row = you.iloc[0]
        where = f" {council} is {row['value']:,.1f}, ranked {int(row['rank'])} of {len(data)}."
    described = ", ".join(comparators["text"]) if len(comparators) else "no comparator lines"
    description = (f"{title}. Dot chart of {len(data)} councils in rank order ({unit_title(unit)}), quartiles "
                   f"shaded, {described}{'; 95% intervals as vertical lines' if has_intervals else ''}.{where}")
    return _finish(alt.layer(*layers), title=title, subtitle=subtitle, description=description)


def _quartile_bands(valued: pd.DataFrame) -> alt.Chart:
    """Alternately shaded x ranges, one per quartile of rank, labelled at the top."""
    rows = []
    if "quartile" in valued.columns and valued["quartile"].notna().any():
        for quartile, group in valued.groupby("quartile"):
            rows.append({"start": float(group["rank"].min()) - 0.5, "end": float(group["rank"].max()) + 0.5,
                         "band": f"Quartile {int(quartile)}", "shade": QUARTILE_BAND_COLOURS[int(quartile) % 2]})
    frame = pd.DataFrame(rows, columns=["start", "end", "band", "shade"])
    rects = (alt.Chart(frame).mark_rect(opacity=1).encode(x="start:Q", x2="end:Q", color=alt.Color(
        "shade:N", scale=None), tooltip=[alt.Tooltip("band:N", title="Quartile")]))
    labels = alt.Chart(frame).mark_text(baseline="top", y=2, color=LIMIT_COLOUR, fontSize=10).encode(
        x=alt.X("mid:Q"), text="band:N").transform_calculate(mid="(datum.start + datum.end) / 2")
    return alt.layer(rects, labels).properties(name="Quartile bands")


def benchmark_trend_chart(years: pd.DataFrame, *, council: str, title: str, unit: str, frequency: str | None,
                          subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """The council's value each period beside England and the group median, its rank in the tooltip.

    ``years`` has ``period``, ``series`` (the council, "England", "Group median") and ``value``, and
    ``rank`` / ``n`` on the council's rows.
    """
    data = years.dropna(subset=["value"]).copy()
    data["label"] = [periods.format_period(p, frequency) for p in data["period"]]
    names = list(dict.fromkeys(data["series"]))
    colours = [HIGHLIGHT_COLOUR if n == council else MEAN_COLOUR if n == "England" else LIMIT_COLOUR for n in names]
    dashes = [[1, 0] if n == council else [6, 3] if n == "England" else [2, 2] for n in names]
    encode = {"x": _x(frequency), "y": alt.Y("value:Q", title=unit_title(unit), scale=alt.Scale(zero=False)),
              "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=colours),
                                 legend=alt.Legend(orient="bottom")),
              "strokeDash": alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names, range=dashes)),
              "tooltip": [alt.Tooltip("series:N", title="Series"), alt.Tooltip("label:N", title="Period"),
                          alt.Tooltip("value:Q", title=unit_title(unit), format=VALUE_FORMAT),
                          alt.Tooltip("rank:Q", title="Rank"), alt.Tooltip("n:Q", title="of")]}
    chart = alt.Chart(data).mark_line(point=True, strokeWidth=LINE_WIDTH).encode(**encode).properties(name="Lines")
    description = (f"{title}. Line chart over {data['period'].nunique()} periods of {', '.join(names)}.")
    return _finish(alt.layer(chart), title=title, subtitle=subtitle, description=description)


def sparkline(values: pd.Series | Sequence[float], *, colour: str = ACTUAL_COLOUR) -> alt.LayerChart:
    """A tiny line with its last point marked, for a KPI tile: no axes, no legend."""
    data = pd.Series(values, dtype=float).reset_index(drop=True)
    frame = pd.DataFrame({"i": np.arange(len(data)), "value": data.to_numpy()})
    x = alt.X("i:Q", axis=None)
    y = alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False))
    line = alt.Chart(frame).mark_line(color=colour, strokeWidth=1.5).encode(x=x, y=y).properties(name="Line")
    last = frame.dropna().tail(1)
    dot = alt.Chart(last).mark_point(filled=True, color=colour, size=20).encode(x=x, y=y).properties(name="Last")
    observed = data.dropna()
    description = (f"Sparkline of {len(observed)} values, latest {observed.iloc[-1]:,.4g}." if len(observed)
                   else "Sparkline with no values.")
    return alt.layer(line, dot).properties(width=SPARKLINE_WIDTH, height=SPARKLINE_HEIGHT, description=description)
