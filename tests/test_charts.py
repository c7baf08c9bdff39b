"""Chart builders, tested through ``to_dict()``: layers present or absent, colours, rules, tooltips, formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics import benchmark, charts, compare, derive, finance, forecast, seasonal, spc, trend
from analytics.errors import AnalysisError
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------------------------------- helpers
def layers_of(spec: dict) -> list[dict]:
    """Every named layer of a chart spec, nested or not."""
    found = []
    for child in spec.get("layer", []):
        if "name" in child:
            found.append(child)
        found.extend(layers_of(child))
    return found


def layer(spec: dict, name: str) -> dict:
    matches = [child for child in layers_of(spec) if child["name"] == name]
    assert len(matches) == 1, f"{name!r} among {[c['name'] for c in layers_of(spec)]}"
    return matches[0]


def rows(spec: dict, child: dict) -> list[dict]:
    """The data rows a layer draws (its own, or the chart's when Altair lifted shared data to the top)."""
    return spec["datasets"][(child.get("data") or spec["data"])["name"]]


def tooltip_titles(child: dict) -> list[str]:
    return [t.get("title") for t in child["encoding"]["tooltip"]]


@pytest.fixture(scope="module")
def starts() -> pd.Series:
    return analytics.load(SAMPLES / "reablement_weekly.xlsx").series("Starts")


@pytest.fixture(scope="module")
def all_layers(starts):
    """The reablement starts chart with every layer, and its spec."""
    results = {
        "trend": trend.linear_trend(starts, "W"),
        "spc": spc.xmr(starts, improvement="increase", target=32, frequency="W"),
        "forecast": forecast.ets_forecast(starts, "W", 12),
        "seasonal": seasonal.decompose(starts, "W"),
    }
    chart = charts.trend_chart(starts, title="Reablement starts rose 17%", unit="count", frequency="W", window=6,
                               last_year=compare.values_a_year_before(starts, "W"), **results)
    return chart, chart.to_dict(), results


def monthly(values, start="2023-04-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


# ----------------------------------------------------------------------------------------------------- trend chart
def test_every_layer_present_with_stable_names(all_layers):
    chart, spec, _ = all_layers
    assert set(charts.layer_names(chart)) == {
        "Actual", "Moving average", "Seasonally adjusted", "Same period last year", "Trend",
        "Trend 95% confidence interval", "Forecast", "Forecast 80% interval", "Forecast 95% interval", "Mean",
        "Process limits", "Target", "SPC points"}
    assert charts.layer_names(spec) == charts.layer_names(chart)
    assert set(charts.layer_names(chart)) <= set(charts.LAYERS)


def test_only_the_actual_layer_without_options(starts):
    names = charts.layer_names(charts.trend_chart(starts, title="t", unit="count", frequency="W"))
    assert names == ["Actual", "Actual points"]
    no_points = charts.trend_chart(starts, title="t", unit="count", frequency="W", show_points=False)
    assert charts.layer_names(no_points) == ["Actual"]


@pytest.mark.parametrize("option, name", [
    (lambda values: {"window": 6}, "Moving average"),
    (lambda values: {"last_year": compare.values_a_year_before(values, "W")}, "Same period last year"),
    (lambda values: {"target": 30.0}, "Target"),
])
def test_each_option_adds_its_layer(starts, option, name):
    names = charts.layer_names(charts.trend_chart(starts, title="t", unit="count", frequency="W", **option(starts)))
    assert name in names
    assert len(names) == 3


def test_legend_names_each_layer_with_distinct_dashes(all_layers):
    _, spec, _ = all_layers
    color = layer(spec, "Actual")["encoding"]["color"]
    domain = color["scale"]["domain"]
    assert "Moving average (6 weeks)" in domain
    assert {"Actual", "Trend", "Forecast", "Process limits", "Target", "Same period last year"} <= set(domain)
    dashes = layer(spec, "Actual")["encoding"]["strokeDash"]["scale"]
    by_label = dict(zip(dashes["domain"], map(tuple, dashes["range"]), strict=True))
    line_dashes = [by_label[label] for label in ("Moving average (6 weeks)", "Trend", "Forecast", "Process limits",
                                                 "Target", "Seasonally adjusted", "Same period last year")]
    assert len(set(line_dashes)) == len(line_dashes)
    assert by_label["Moving average (6 weeks)"] == tuple(charts.MOVING_AVERAGE_DASH)


def test_spc_points_use_making_data_count_colours_and_a_shape_each(all_layers):
    _, spec, results = all_layers
    points = layer(spec, "SPC points")
    color, shape = points["encoding"]["color"]["scale"], points["encoding"]["shape"]["scale"]
    colour_of = dict(zip(color["domain"], color["range"], strict=True))
    shape_of = dict(zip(shape["domain"], shape["range"], strict=True))
    present = set(results["spc"].table["point_type"])
    assert "special_cause_concern" in present  # the sample's low run in summer 2023
    for point_type in present:
        words = charts.POINT_TYPE_WORDS[point_type]
        assert colour_of[words] == spc.COLOURS[point_type]
        assert shape_of[words] == charts.SPC_SHAPES[point_type]
    assert len({shape_of[charts.POINT_TYPE_WORDS[t]] for t in present}) == len(present)
    data = rows(spec, points)
    concern = [r for r in data if r["series"] == "Special cause: concern"]
    assert concern and all(r["rule"] != "none" for r in concern)
    assert any("in a row" in r["rule"] for r in concern)


def test_target_rule_is_red_dashed_at_the_value(all_layers):
    _, spec, _ = all_layers
    target = layer(spec, "Target")
    assert target["mark"]["type"] == "rule"
    assert rows(spec, target) == [{"value": 32.0, "series": "Target"}]
    scale = target["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["Target"] == "#de1b1b"


def test_tooltips_carry_period_label_value_and_spc_words(all_layers):
    _, spec, _ = all_layers
    points = layer(spec, "SPC points")
    assert tooltip_titles(points)[:4] == ["Period", "Value", "Point type", "Rule"]
    first = rows(spec, points)[0]
    assert first["label"] == "week commencing 8 August 2022"
    assert first["series"] == "Common cause"
    assert "Period" in tooltip_titles(layer(spec, "Moving average"))


def test_uk_date_axis_and_unit_titles(starts):
    spec = charts.trend_chart(starts, title="t", unit="count", frequency="W").to_dict()
    actual = layer(spec, "Actual")["encoding"]
    assert actual["x"]["axis"]["format"] == "%d %b %Y"
    assert actual["x"]["title"] == "Week commencing"
    assert actual["y"]["title"] == "Count"
    month = charts.trend_chart(monthly([50, 55.5, 60]), title="t", unit="percent", frequency="M").to_dict()
    assert layer(month, "Actual")["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert layer(month, "Actual")["encoding"]["y"]["title"] == "%"
    assert rows(month, layer(month, "Actual"))[0]["label"] == "April 2023"


def test_title_subtitle_description_and_container_width(starts):
    spec = charts.trend_chart(starts, title="Starts rose", subtitle="Exampleshire", unit="count", frequency="W",
                              window=6).to_dict()
    assert spec["title"]["text"] == "Starts rose"
    assert spec["title"]["subtitle"] == ["Exampleshire"]
    assert spec["width"] == "container"
    assert spec["description"].startswith("Starts rose. Line chart of 104 weekly values")
    assert "6-period moving average" in spec["description"]


def test_rebased_limits_are_drawn_per_group_not_joined(starts):
    result = spc.xmr(starts, rebase_at=[52], frequency="W")
    spec = charts.spc_chart(starts, result, title="t", unit="count", frequency="W").to_dict()
    limits = layer(spec, "Process limits")
    assert {d["field"] for d in limits["encoding"]["detail"]} == {"group", "limit"}
    assert layer(spec, "Mean")["encoding"]["detail"]["field"] == "group"
    data = pd.DataFrame(rows(spec, limits))
    upl = data[data["limit"] == "upl"].groupby("group")["value"].unique()
    assert len(upl) == 2 and all(len(v) == 1 for v in upl)  # flat within a group...
    assert upl[0][0] != pytest.approx(upl[1][0])  # ...and a step between groups


def test_gaps_and_suppressed_values_break_the_line_and_do_not_crash():
    values = monthly([10, 12, np.nan, 11, 13, 15, 14, 16, 12, 13, 15, 17, 18, 16])
    values = values.drop(values.index[6])  # an absent month as well as a suppressed one
    result = spc.xmr(values, frequency="M")
    spec = charts.trend_chart(values, title="t", unit="count", frequency="M", window=3, spc=result,
                              trend=trend.linear_trend(values, "M"),
                              last_year=compare.values_a_year_before(values, "M")).to_dict()
    actual = rows(spec, layer(spec, "Actual"))
    assert len(actual) == 14  # the absent month is restored...
    assert [r["value"] for r in actual].count(None) == 2  # ...as a gap, like the suppressed one
    assert all(r["value"] is not None for r in rows(spec, layer(spec, "SPC points")))
    assert "Trend 95% confidence interval" in charts.layer_names(spec)


def test_all_missing_layers_are_left_out_not_drawn_empty():
    values = monthly([10, 12, 11, 13, 12])
    names = charts.layer_names(charts.trend_chart(values, title="t", unit="count", frequency="M", window=6,
                                                  last_year=compare.values_a_year_before(values, "M")))
    assert "Moving average" not in names  # window longer than the series: all NaN
    assert "Same period last year" not in names  # no earlier year
    constant = monthly([5.0] * 15)
    spec = charts.spc_chart(constant, spc.xmr(constant), title="t", unit="count", frequency="M").to_dict()
    assert "Process limits" not in charts.layer_names(spec)  # no limits on a constant series
    assert "Mean" in charts.layer_names(spec)


def test_a_median_wait_in_weeks_is_drawn_on_a_weeks_axis_and_said_in_weeks():
    # NHS England's RTT overview: the median wait was drawn on a "Count" axis, summed into a year to date and
    # caveated as "small numbers"
    from analytics import analysis, commentary

    data = analytics.load(ROOT / "tests" / "corpus_real" / "nhse_rtt_overview_timeseries_2022-10.xlsx")
    name = "Incomplete RTT pathways: Median wait (weeks)"
    assert data.measures[name].unit == "weeks"
    [a] = [a for a in analysis.analyse_dataset(data) if a.name == name]
    spec = charts.trend_chart(a.series, title="t", unit=a.unit, frequency=a.frequency, spc=a.spc).to_dict()
    assert layer(spec, "Actual")["encoding"]["y"]["title"] == "Weeks"
    said = [s.text for s in commentary.describe_series(a)]
    assert said[0] == f"{name}: 13.9 weeks in October 2022"
    assert a.ytd is None and not any("small numbers" in s.lower() for s in said)


def test_too_few_points_for_spc_draw_no_limits_and_say_why():
    values = monthly([510.0, 540.0, 530.0])
    spec = charts.spc_chart(values, spc.xmr(values), title="t", unit="count", frequency="M").to_dict()
    assert not {"Process limits", "Mean", "SPC points"} & set(charts.layer_names(spec))
    assert f"No SPC limits: 3 points, and SPC needs at least {spc.MIN_SPC_POINTS}." in spec["title"]["subtitle"]


def test_trend_band_brackets_the_line_and_is_absent_below_six_points(all_layers, starts):
    _, spec, results = all_layers
    band = pd.DataFrame(rows(spec, layer(spec, "Trend 95% confidence interval")))
    fitted = results["trend"].fitted.to_numpy()
    assert (band["lower"].to_numpy() < fitted).all() and (fitted < band["upper"].to_numpy()).all()
    middle = (band["lower"] + band["upper"]) / 2
    np.testing.assert_allclose(middle.to_numpy(), fitted, rtol=1e-9)
    short = trend.linear_trend(monthly([1, 3, 2, 4, 5]), "M")
    assert charts.trend_band(short) is None


def test_chart_draws_the_band_the_trend_result_holds():
    """The chart reads the band from TrendResult.table; it never refits (issue 14: 181 of 200 differed)."""
    values = monthly([3, 5, 4, 8, 7, 9, 12, 10, 13, 15, 14, 18, 17, 21])
    result = trend.linear_trend(values, "M")
    spec = charts.trend_chart(values, title="t", unit="count", frequency="M", trend=result).to_dict()
    band = pd.DataFrame(rows(spec, layer(spec, "Trend 95% confidence interval")))
    np.testing.assert_allclose(band["lower"].to_numpy(), result.table["lower"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(band["upper"].to_numpy(), result.table["upper"].to_numpy(), rtol=1e-12)


def test_trend_band_matches_the_slope_interval():
    # band half-width at two points 1 period apart, centred: the slope CI is recoverable from the band
    values = monthly([3, 5, 4, 8, 7, 9, 12, 10, 13, 15, 14, 18])
    result = trend.linear_trend(values, "M")
    band = charts.trend_band(result)
    assert band is not None
    half = (band["upper"] - band["lower"]) / 2
    assert half.iloc[0] > half.iloc[5] < half.iloc[-1]  # narrowest near the middle


def test_forecast_bands_nest_and_line_starts_at_the_last_actual(all_layers, starts):
    _, spec, results = all_layers
    b80 = pd.DataFrame(rows(spec, layer(spec, "Forecast 80% interval")))
    b95 = pd.DataFrame(rows(spec, layer(spec, "Forecast 95% interval")))
    assert len(b80) == len(b95) == 12
    assert (b95["lower"] <= b80["lower"]).all() and (b80["upper"] <= b95["upper"]).all()
    line = rows(spec, layer(spec, "Forecast"))
    assert line[0]["value"] == starts.iloc[-1]
    assert len(line) == 13


def test_long_daily_series_is_averaged_by_week_and_says_so():
    days = pd.date_range("2000-01-03", periods=6_000, freq="D")
    values = pd.Series(np.arange(6_000, dtype=float) % 7, index=days)
    spec = charts.trend_chart(values, title="t", unit="count", frequency="D", window=7).to_dict()
    assert all(len(data) <= charts.MAX_ROWS for data in spec["datasets"].values())
    assert any("Weekly averages" in line for line in spec["title"]["subtitle"])
    actual = rows(spec, layer(spec, "Actual"))
    assert actual[1]["value"] == pytest.approx(3.0)  # a full week of 0..6


def test_rows_stay_within_the_limit_on_real_daily_data():
    data = analytics.load(SAMPLES / "service_centre_daily.xlsx")
    calls = data.series("Calls answered")
    spec = charts.trend_chart(calls, title="t", unit="count", frequency="D", window=7,
                              spc=spc.xmr(calls, frequency="D")).to_dict()
    assert max(len(d) for d in spec["datasets"].values()) == len(calls) * 2  # limits: upl and lpl rows
    assert layer(spec, "Actual")["encoding"]["x"]["axis"]["format"] == "%d %b %Y"


def test_not_dated_series_is_refused():
    with pytest.raises(AnalysisError, match="period start dates"):
        charts.trend_chart(pd.Series([1.0, 2.0]), title="t", unit="count", frequency="M")


def test_trend_chart_renders_offline_with_vl_convert(all_layers):
    vl_convert = pytest.importorskip("vl_convert")
    chart, _, _ = all_layers
    png = vl_convert.vegalite_to_png(chart.to_json())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


# ----------------------------------------------------------------------------------------------------- stacked %
def outcomes_by_month() -> pd.DataFrame:
    frame = analytics.load(SAMPLES / "reablement_weekly.xlsx").frame
    outcomes = frame[frame["measure"].str.startswith("Outcomes at completion")].copy()
    outcomes["month"] = outcomes["period"].dt.to_period("M").dt.start_time
    outcomes["outcome"] = outcomes["measure"].str.replace("Outcomes at completion: ", "")
    return outcomes.groupby(["month", "outcome"], sort=False)["value"].sum(min_count=1).reset_index()


def test_stacked_percent_shares_add_to_100_with_labels():
    frame = outcomes_by_month()
    chart = charts.stacked_percent_chart(derive.mix_of(frame, period_col="month", category_col="outcome",
                                                       value_col="value"), title="Most people need no ongoing care")
    spec = chart.to_dict()
    assert charts.layer_names(chart) == ["Bars", "Labels"]
    data = pd.DataFrame(rows(spec, layer(spec, "Bars")))
    assert data.groupby("short")["pct"].sum().round(9).eq(100).all()
    colour = layer(spec, "Bars")["encoding"]["color"]["scale"]
    assert colour["domain"] == ["No ongoing care", "Reduced care", "Same or more care"]
    assert colour["range"] == list(charts.OKABE_ITO[:3])
    labels = pd.DataFrame(rows(spec, layer(spec, "Labels")))
    assert (labels["pct"] >= charts.MIN_LABELLED_PCT).all()
    assert data["short"].iloc[0] == "Aug 2022"
    assert "Count" in tooltip_titles(layer(spec, "Bars"))


def test_stacked_percent_many_periods_drop_the_labels_and_zero_totals_have_no_bar():
    weeks = pd.date_range("2023-01-02", periods=30, freq="7D")
    frame = pd.DataFrame({"week": np.repeat(weeks, 2), "kind": ["a", "b"] * 30, "n": [1.0, 3.0] * 30})
    frame.loc[frame["week"] == weeks[3], "n"] = 0.0
    spec = charts.stacked_percent_chart(derive.mix_of(frame, period_col="week", category_col="kind", value_col="n"),
                                        title="t").to_dict()
    assert charts.layer_names(spec) == ["Bars"]
    data = pd.DataFrame(rows(spec, layer(spec, "Bars")))
    assert data["short"].nunique() == 29
    assert data.loc[data["category"] == "b", "pct"].eq(75).all()


# ----------------------------------------------------------------------------------------------------- cumulative
def test_cumulative_ytd_by_financial_year_on_real_data():
    admissions = analytics.load(SAMPLES / "placements_monthly.xlsx").series("Admissions")
    spec = charts.cumulative_ytd_chart(compare.financial_year_running_totals(admissions, "count"), title="t",
                                       unit="count").to_dict()
    data = pd.DataFrame(rows(spec, layer(spec, "Years")))
    assert data["x"].iloc[0] == "Apr"
    assert data.groupby("fy")["cumulative"].last().to_dict() == admissions.groupby(
        [analytics.periods.financial_year_label(ts) for ts in admissions.index]).sum().to_dict()
    colour = layer(spec, "Years")["encoding"]["color"]["scale"]
    assert colour["domain"] == ["2023/24", "2022/23", "2021/22"]
    assert colour["range"][:2] == [charts.THIS_YEAR_COLOUR, charts.LAST_FY_COLOUR]
    assert layer(spec, "Years")["encoding"]["x"]["sort"] == list(charts.FY_MONTHS)


def test_cumulative_ytd_weekly_is_summed_into_months_and_refuses_percentages(starts):
    spec = charts.cumulative_ytd_chart(compare.financial_year_running_totals(starts, "count"), title="t",
                                       unit="count").to_dict()
    assert any("summed into months" in line for line in spec["title"]["subtitle"])
    data = pd.DataFrame(rows(spec, layer(spec, "Years")))
    assert data["value"].sum() == starts.sum()
    with pytest.raises(AnalysisError, match="count or money"):
        compare.financial_year_running_totals(starts, "percent")


def test_cumulative_ytd_missing_month_is_named():
    values = monthly([5, 6, 7, 8, 9, 10, 11, 12]).drop(pd.Timestamp("2023-06-01"))
    spec = charts.cumulative_ytd_chart(compare.financial_year_running_totals(values, "currency"), title="t",
                                       unit="currency").to_dict()
    assert any("1 month(s) with no data" in line and "June 2023" in line for line in spec["title"]["subtitle"])


# ----------------------------------------------------------------------------------------------------- variance
@pytest.fixture(scope="module")
def scorecard():
    data = analytics.load(SAMPLES / "finance_scorecard.xlsx")
    wide = data.frame.pivot_table(index="category", columns="measure", values="value", sort=False).reset_index()
    wide["parent"] = wide["category"].map(data.frame.drop_duplicates("category").set_index("category")["service_area"])
    return finance.scorecard(wide, columns={"line": "category", "budget": "Working budget £m",
                                            "forecast": "Forecast outturn £m"}).table


def test_variance_chart_marks_f_and_a_and_leaves_totals_out(scorecard):
    spec = charts.variance_chart(scorecard, title="£4.03m under budget").to_dict()
    data = pd.DataFrame(rows(spec, layer(spec, "Bars")))
    assert len(data) == 12 and not data["line"].str.startswith("Total").any()
    home = data.set_index("line").loc["Home care"]
    assert home["text"] == "A +0.85" and home["kind"] == "Adverse (A)"
    assert data.set_index("line").loc["Reablement", "text"].startswith("F -")
    scale = layer(spec, "Bars")["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Favourable (F)": charts.FAVOURABLE_COLOUR, "Adverse (A)": charts.ADVERSE_COLOUR}
    assert layer(spec, "Bars")["encoding"]["y"]["sort"] == data["line"].tolist()


def test_variance_chart_totals_shown_distinct(scorecard):
    spec = charts.variance_chart(scorecard, title="t", include_totals=True).to_dict()
    data = pd.DataFrame(rows(spec, layer(spec, "Bars")))
    totals = data[data["kind"] == "Total"]
    assert len(totals) == 5
    assert totals["text"].str.startswith("Total F").all()


def test_variance_chart_of_one_level_draws_its_subtotals_as_lines():
    data = analytics.load(SAMPLES / "finance_scorecard.xlsx")
    table = finance.scorecard(finance.scorecard_frame(data)).table
    spec = charts.variance_chart(finance.level_view(table), title="t").to_dict()
    drawn = pd.DataFrame(rows(spec, layer(spec, "Bars")))
    assert drawn["line"].tolist() == ["Total Living & Ageing Well", "Total Learning Disabilities & Autism",
                                      "Total Mental Health", "Total Commissioning & Income"]
    assert set(drawn["kind"]) == {"Favourable (F)"}  # F/A colours, not the grey of totals
    under = charts.variance_chart(finance.level_view(table, 2, parent=11), title="t").to_dict()
    assert [r["line"] for r in rows(under, layer(under, "Bars"))] == [
        "Community support", "Residential and nursing care, Mental Health"]  # named apart from its namesake


# ----------------------------------------------------------------------------------------------------- benchmark
@pytest.fixture(scope="module")
def direct_payments():
    data = analytics.load(SAMPLES / "benchmarking_south_east.xlsx")
    table = benchmark.place_table(data)
    return benchmark.compare(table, "% of people using direct payments", "West Sussex", unit="percent",
                             polarity="higher_is_better")


def test_ranked_dot_chart_highlights_the_council_and_draws_comparators_as_lines(direct_payments):
    latest = direct_payments.latest
    spec = charts.ranked_dot_chart(direct_payments.table, council="West Sussex", title="t", unit="percent",
                                   lines={"England": 26.0, "South East": latest.region}).to_dict()
    dots = pd.DataFrame(rows(spec, layer(spec, "Councils")))
    assert "West Sussex" not in set(dots["council"]) and "South East" not in set(dots["council"])
    assert len(dots) == latest.result.n - 1  # every ranked peer but the highlighted one, no aggregates
    you = rows(spec, layer(spec, "Council value"))
    assert [(r["council"], r["rank"]) for r in you] == [("West Sussex", latest.result.rank)]
    assert layer(spec, "Council value")["mark"]["color"] == charts.HIGHLIGHT_COLOUR
    assert rows(spec, layer(spec, "Council label"))[0]["text"] == "West Sussex 28.0%"
    lines = {r["line"]: r["value"] for r in rows(spec, layer(spec, "Comparators"))}
    assert lines == {"England": 26.0, "South East": pytest.approx(latest.region)}
    bands = pd.DataFrame(rows(spec, layer(spec, "Quartile bands")))
    assert list(bands["band"]) == ["Quartile 1", "Quartile 2", "Quartile 3", "Quartile 4"]
    assert bands["start"].iloc[0] == 0.5 and bands["end"].iloc[-1] == latest.result.n + 0.5
    assert "Intervals" not in charts.layer_names(spec)  # the sample has no intervals
    assert "West Sussex is 28.0%, ranked 6 of 18" in spec["description"]


def test_ranked_dot_chart_intervals_missing_lines_and_errors():
    table = benchmark.benchmark(pd.Series({"O'Brien \"Borough\"": 3.0, "B": 1.0, "C": 2.0, "D": 4.0})).table
    table = table.assign(lower=table["value"] - 0.5, upper=table["value"] + 0.5)
    spec = charts.ranked_dot_chart(table, council="O'Brien \"Borough\"", title="t", unit="count",
                                   lines={"England": None}, neutral=True).to_dict()
    assert "Intervals" in charts.layer_names(spec) and "Comparators" not in charts.layer_names(spec)
    assert layer(spec, "Councils")["encoding"]["x"]["title"] == "Rank (1 = highest; no better direction)"
    with pytest.raises(AnalysisError, match="not among"):
        charts.ranked_dot_chart(table, council="Nowhere", title="t", unit="count")
    plain = charts.ranked_dot_chart(table, council=None, title="t", unit="count")
    assert "Council value" not in charts.layer_names(plain)


def test_ranked_dot_chart_says_when_councils_share_a_rank():
    # the 2006-07 expenditure table: most councils spent £0 on a line, all drawn as one dot at their shared rank
    values = pd.Series({**{f"C{i}": float(i) for i in range(1, 6)}, **{f"Z{i}": 0.0 for i in range(12)}})
    table = benchmark.benchmark(values, polarity="neutral").table
    spec = charts.ranked_dot_chart(table, council=None, title="t", unit="currency_thousands", neutral=True).to_dict()
    assert spec["title"]["subtitle"] == ["12 councils share rank 6 (£0): their dots are drawn on top of each other."]
    few = benchmark.benchmark(pd.Series({"A": 1.0, "B": 1.0, "C": 2.0}), polarity="neutral").table
    assert "subtitle" not in charts.ranked_dot_chart(few, council=None, title="t", unit="count").to_dict()["title"]


def test_benchmark_trend_chart_lines(direct_payments):
    years = pd.DataFrame({"period": pd.to_datetime(["2022-04-01", "2023-04-01"] * 2),
                          "series": ["Kent", "Kent", "England", "England"], "value": [1.0, 2.0, 1.5, 1.6],
                          "rank": [3, 2, None, None], "n": [10, 10, None, None]})
    spec = charts.benchmark_trend_chart(years, council="Kent", title="t", unit="percent", frequency="FY").to_dict()
    lines = layer(spec, "Lines")
    assert lines["encoding"]["color"]["scale"]["range"][:2] == [charts.HIGHLIGHT_COLOUR, charts.MEAN_COLOUR]
    assert "Rank" in tooltip_titles(lines)


# ----------------------------------------------------------------------------------------------------- small pieces
def test_sparkline_is_tiny_and_marks_the_last_value():
    spec = charts.sparkline([3.0, 4.0, np.nan, 5.0]).to_dict()
    assert (spec["width"], spec["height"]) == (charts.SPARKLINE_WIDTH, charts.SPARKLINE_HEIGHT)
    assert rows(spec, layer(spec, "Last")) == [{"i": 3, "value": 5.0}]
    assert layer(spec, "Line")["encoding"]["x"]["axis"] is None


def test_titled_and_unit_title():
    assert charts.titled("Calls fell 12%").to_dict() == {"text": "Calls fell 12%", "anchor": "start"}
    assert charts.titled("x", ["a", "", "b"]).to_dict()["subtitle"] == ["a", "b"]
    assert [charts.unit_title(u) for u in ("count", "percent", "currency", "days")] == ["Count", "%", "£", "Days"]
    assert charts.unit_title("Hours") == "Hours"


def test_legend_fits_a_half_width_chart(all_layers):
    """Issue 17: legends were cut off on half-width charts ("Special cause: in...")."""
    half_width_px = 480  # the chart column beside the commentary on a 1280-px screen
    legends = [v["legend"] for v in _walk_encodings(all_layers[1]) if isinstance(v, dict) and v.get("legend")]
    assert legends
    for legend in legends:
        assert legend["columns"] * (legend["labelLimit"] + charts.LEGEND_SYMBOL_ROOM) <= half_width_px


def _walk_encodings(spec):
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding" and isinstance(value, dict):
                yield from value.values()
            else:
                yield from _walk_encodings(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _walk_encodings(item)
