"""Bars and other charts: the 100% stacked mix, cumulative financial year to date, the budget variance,
benchmark ranks and their trend, the KPI sparkline: each draws the numbers its result holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from analytics import compare, periods
from analytics.charts.styles import (
    ACTUAL_COLOUR,
    ADVERSE_COLOUR,
    BAR_STEP,
    DATE_FORMATS,
    EARLIER_FY_COLOUR,
    EARLIER_FY_DASH,
    FAINT_OPACITY,
    FAVOURABLE_COLOUR,
    FY_MONTHS,
    FY_QUARTERS,
    HIGHLIGHT_COLOUR,
    LAST_FY_COLOUR,
    LAST_FY_DASH,
    LIMIT_COLOUR,
    LINE_WIDTH,
    MAX_LABELLED_BARS,
    MEAN_COLOUR,
    MIN_LABELLED_PCT,
    MIN_VARIANCE_BARS,
    OKABE_ITO,
    ON_BUDGET_COLOUR,
    PCT_FORMAT,
    PERIOD_TITLES,
    POINT_SIZE,
    SOLID,
    SPARKLINE_HEIGHT,
    SPARKLINE_WIDTH,
    SPC_POINT_SIZE,
    SUBTITLE_LINE_HEIGHT,
    THIN_LINE_WIDTH,
    THIS_YEAR_COLOUR,
    TOTAL_COLOUR,
    VALUE_FORMAT,
    VARIANCE_CHART_CHROME,
    VARIANCE_LABEL_ROOM,
    finish,
    period_labels,
    unit_title,
    x_axis,
)
from analytics.derive import Mix
from analytics.errors import AnalysisError
from analytics.formatting import format_value
from analytics.vocabulary import COUNT_UNITS, YEARLY


# ===================================================================================================== other charts
def _short_labels(values: pd.Series, frequency: str | None) -> list[str]:
    if not pd.api.types.is_datetime64_any_dtype(values):
        return values.astype(str).tolist()
    if frequency in ("Q", *YEARLY):
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
    return finish(alt.layer(*layers), title=title, subtitle=subtitle, description=description)


def cumulative_ytd_chart(totals: compare.RunningTotals, *, title: str, unit: str,
                         subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Cumulative financial year to date, this year against last year (earlier years faint).

    Draws ``totals`` as they are: :func:`analytics.compare.financial_year_running_totals`' result, which
    ``SeriesAnalysis.running_totals`` holds (the chart adds nothing up).

    Returns
    -------
    alt.LayerChart
        Layers "Years" (a line per financial year) and "This year and last year points".
    """
    quarterly = totals.frequency == "Q"
    names = FY_QUARTERS if quarterly else FY_MONTHS
    data = totals.table.drop(columns="period").assign(
        x=[names[p] for p in totals.table["position"]], label=period_labels(totals.table["period"], totals.frequency))
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
    y = alt.Y("cumulative:Q", title=f"Cumulative {unit_title(unit).lower() if unit in COUNT_UNITS else '£'}")
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
    return finish(chart, title=title, subtitle=notes, description=description)


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
    return finish(chart, title=title, subtitle=subtitle, description=description,
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
        Layers "Quartile bands" (as the table's quartiles: none for a measure with no better direction),
        "Intervals" (when any), "Councils", "Council value" (when highlighted),
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
        named = you["council"] + " " + you["value"].map(lambda v: format_value(v, unit))
        layers.append(alt.Chart(you.assign(text=named))
                      .mark_text(align="left", dx=8, dy=-8, fontWeight="bold", color=HIGHLIGHT_COLOUR)
                      .encode(x=x, y=y, text="text:N").properties(name="Council label"))
    comparators = pd.DataFrame([{"line": name, "value": float(v), "text": f"{name} {format_value(v, unit)}"}
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
        where = f" {council} is {format_value(row['value'], unit)}, ranked {int(row['rank'])} of {len(data)}."
    described = ", ".join(comparators["text"]) if len(comparators) else "no comparator lines"
    shaded = ", quartiles shaded" if "quartile" in valued.columns and valued["quartile"].notna().any() else ""
    description = (f"{title}. Dot chart of {len(data)} councils in rank order ({unit_title(unit)}){shaded}, "
                   f"{described}{'; 95% intervals as vertical lines' if has_intervals else ''}.{where}")
    notes = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    notes += _shared_ranks(data, unit)
    return finish(alt.layer(*layers), title=title, subtitle=notes or None, description=description)


SHARED_RANK_NOTE_FROM = 3  # councils on one rank from which the chart says they are drawn on top of each other


def _shared_ranks(data: pd.DataFrame, unit: str) -> list[str]:
    """A note for the largest group of councils sharing a rank: drawn as one dot, they would look missing
    (133 councils spending £0 on one line of the 2006-07 expenditure table sit at rank 18)."""
    sizes = data.groupby("rank")["council"].size()
    if sizes.empty or sizes.max() < SHARED_RANK_NOTE_FROM:
        return []
    rank = sizes.idxmax()
    value = float(data.loc[data["rank"] == rank, "value"].iloc[0])
    return [f"{sizes.max()} councils share rank {int(rank)} ({format_value(value, unit)}): their dots are drawn "
            "on top of each other."]


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
    order = list(dict.fromkeys(data.sort_values("period")["label"]))
    # one tick a period, labelled as the sentences label it ('2013/14'): a time axis over two or three years
    # repeats the year on every tick it invents between them
    x = alt.X("label:O", sort=order, title=PERIOD_TITLES.get(frequency, "Period"), axis=alt.Axis(labelAngle=0)) \
        if frequency in YEARLY else x_axis(frequency)
    encode = {"x": x, "y": alt.Y("value:Q", title=unit_title(unit), scale=alt.Scale(zero=False)),
              "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=colours),
                                 legend=alt.Legend(orient="bottom")),
              "strokeDash": alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names, range=dashes)),
              "tooltip": [alt.Tooltip("series:N", title="Series"), alt.Tooltip("label:N", title="Period"),
                          alt.Tooltip("value:Q", title=unit_title(unit), format=VALUE_FORMAT),
                          alt.Tooltip("rank:Q", title="Rank"), alt.Tooltip("n:Q", title="of")]}
    chart = alt.Chart(data).mark_line(point=True, strokeWidth=LINE_WIDTH).encode(**encode).properties(name="Lines")
    description = (f"{title}. Line chart over {data['period'].nunique()} periods of {', '.join(names)}.")
    return finish(alt.layer(chart), title=title, subtitle=subtitle, description=description)


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
