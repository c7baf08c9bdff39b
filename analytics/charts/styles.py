"""Chart styles and shared pieces: sizes, the Okabe-Ito palette, dashes, layer names, axes, titles, legends.

One place for the look every builder shares, so a trend chart and a bar chart speak the same visual language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from analytics import periods, spc
from analytics.errors import AnalysisError
from analytics.trend import (
    missing_periods,
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
UNIT_TITLES = {"count": "Count", "percent": "%", "currency": "£", "currency_thousands": "£ thousands",
               "currency_millions": "£ millions", "days": "Days", "weeks": "Weeks", "rate": "Rate per 100,000",
               "count_thousands": "Thousands", "count_millions": "Millions", "index": "Index",
               "minutes": "Minutes", "hours": "Hours"}
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


def finish(chart, *, title: str, subtitle, description: str, height: int | None = CHART_HEIGHT):
    props = {"title": titled(title, subtitle), "description": description, "width": "container"}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


def period_labels(index: pd.DatetimeIndex, frequency: str | None) -> list[str]:
    return [periods.format_period(ts, frequency) for ts in index]


def x_axis(frequency: str | None) -> alt.X:
    fmt = DATE_FORMATS.get(frequency, "%d %b %Y")
    return alt.X("period:T", title=PERIOD_TITLES.get(frequency, "Period"), axis=alt.Axis(format=fmt))


def series_frame(values: pd.Series, name: str, frequency: str | None) -> pd.DataFrame:
    """period / label / value / series rows for one line, with NaN kept so the line breaks there."""
    index = pd.DatetimeIndex(values.index)
    return pd.DataFrame({"period": index, "label": period_labels(index, frequency),
                         "value": values.to_numpy(dtype=float), "series": name})


def with_gaps(values: pd.Series, frequency: str | None) -> pd.Series:
    """Absent periods restored as NaN, so a line breaks there rather than silently joining (SPC.md guards)."""
    if frequency is None or len(values) < 2:
        return values
    gaps = missing_periods(pd.DatetimeIndex(values.index), frequency)
    return values.reindex(values.index.union(gaps)) if len(gaps) else values


def dated_series(series: pd.Series, name: str = "series") -> pd.Series:
    if not isinstance(series.index, pd.DatetimeIndex):
        raise AnalysisError(f"The {name} must be indexed by period start dates to be charted over time.")
    out = pd.to_numeric(series, errors="coerce").astype(float)
    if not out.index.is_monotonic_increasing:
        raise AnalysisError(f"The {name} must be in time order (earliest period first).")
    return out


def weekly_means(values: pd.Series) -> pd.Series:
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


def legend_style(label: str) -> tuple[str, list[int], str]:
    """Colour, dash and legend symbol of a legend entry (a layer, or an SPC point type)."""
    if label in _POINT_WORD_TYPES:
        point_type = _POINT_WORD_TYPES[label]
        return spc.COLOURS[point_type], SOLID, SPC_SHAPES[point_type]
    name = MOVING_AVERAGE if label.startswith(MOVING_AVERAGE) else label
    colour, dash = _STYLE[name]
    return colour, dash, "square" if name in _BANDS else "stroke"


def encodings(labels: list[str]) -> tuple[alt.Color, alt.StrokeDash, alt.Shape]:
    """Colour, dash and shape all keyed on the legend label, so Vega-Lite draws one merged legend."""
    styles = [legend_style(label) for label in labels]
    color = alt.Color("series:N", scale=alt.Scale(domain=labels, range=[s[0] for s in styles]), legend=LEGEND)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=labels, range=[s[1] for s in styles]), legend=LEGEND)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=labels, range=[s[2] for s in styles]), legend=LEGEND)
    return color, dash, shape


def tooltip_for(value_title: str = "Value") -> list[alt.Tooltip]:
    return [alt.Tooltip("label:N", title="Period"), alt.Tooltip("value:Q", title=value_title, format=VALUE_FORMAT)]


