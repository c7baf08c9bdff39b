"""Commentary: exact sentences on small hand-built series, golden files for every sample, word properties."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analytics
from analytics import finance
from analytics.analysis import analyse_series
from analytics.commentary import (
    describe_dataset,
    describe_scorecard,
    describe_series,
    describe_two_periods,
    finance_headline,
    headline,
)

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "commentary"
SAMPLES = [("assessments_placements_weekly.xlsx", None), ("benchmarking_south_east.xlsx", None),
           ("benchmarking_south_east.xlsx", "Population"), ("contacts_records.csv", None),
           ("dols_weekly.csv", None), ("finance_scorecard.xlsx", None), ("finance_scorecard.xlsx", "Monthly monitor"),
           ("kpi_targets.xlsx", None), ("messy_monthly_cp1252.csv", None), ("placements_monthly.xlsx", None),
           ("placements_monthly.xlsx", "Care home population"), ("reablement_weekly.xlsx", None),
           ("self_serve_visitors.xlsx", None), ("service_centre_daily.xlsx", None)]


def weekly(values, start="2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="7D"), dtype=float)


def texts(sentences, topic=None):
    return [s.text for s in sentences if topic is None or s.topic == topic]


def test_latest_and_period_change_exact_sentences():
    a = analyse_series(weekly([30, 31, 29, 30, 32, 30, 31, 29, 30, 31, 30, 32, 34]), name="Starts",
                       frequency="W", polarity="higher_is_better")
    out = describe_series(a)
    assert texts(out, "latest") == ["Starts: 34 in the week commencing 25 March 2024"]
    assert texts(out, "period_change") == ["Starts: up 6% on the previous week, from 32 to 34 (improved)"]
    assert out[1].numbers["before"] == 32 and out[1].numbers["after"] == 34


def test_neutral_measure_rises_and_falls_never_improves():
    a = analyse_series(weekly([30, 31, 29, 30, 32, 30, 31, 29, 30, 31, 30, 32, 24]), name="Contacts",
                       frequency="W")
    assert texts(describe_series(a), "period_change") == ["Contacts: down 25% on the previous week, from 32 to 24"]


def test_significant_trend_sentence_and_flat_trend():
    rising = analyse_series(weekly(np.arange(20) * 2.0 + np.tile([0, 1], 10)), name="Calls", frequency="W")
    sentence = texts(describe_series(rising), "trend")[0]
    assert sentence.startswith("Calls: a statistically significant upward trend of ")
    assert "95% confidence interval" in sentence
    flat = analyse_series(weekly([5, 7, 5, 7, 5, 7, 5, 7, 5, 7, 5, 7, 5, 7]), name="Calls", frequency="W")
    assert texts(describe_series(flat), "trend")[0].startswith("Calls: no clear trend over the 14 weeks (p = ")


def test_spc_run_sentence_and_short_series_caveats():
    values = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 6, 6, 6, 5, 6, 6, 6]
    a = analyse_series(weekly(values), name="Waits", frequency="W", polarity="lower_is_better")
    spc_text = texts(describe_series(a), "spc")[0]
    assert spc_text.startswith("Waits: special cause variation, improvement: ")
    short = describe_series(analyse_series(weekly([3, 4, 5, 4, 3, 4, 5, 4]), name="Falls", frequency="W"))
    caveats = " ".join(texts(short, "caveat"))
    assert "only 8 values" in caveats and "under 10" in caveats and "trial limits" in caveats


def test_too_few_points_for_spc_say_so_instead_of_common_cause():
    # two yearly values (a bridging-year return): no rule could fire, so "no signal" would be a claim
    two = analyse_series(pd.Series([1125.4, 1151.5], index=pd.to_datetime(["2013-04-01", "2014-04-01"])),
                         name="Spend", frequency="FY", unit="currency")
    [sentence] = texts(describe_series(two), "spc")
    assert sentence == "Spend: too few points for SPC (2 values; an SPC chart needs at least 7), so no signal is stated"
    assert "common cause" not in " ".join(s.text for s in describe_series(two))
    enough = analyse_series(weekly([3, 4, 5, 4, 3, 4, 5]), name="Falls", frequency="W")
    assert "common cause" in texts(describe_series(enough), "spc")[0]


def test_target_sentence_percent_in_points():
    a = analyse_series(weekly([20.0, 21, 22, 23, 24, 24.4]), name="Direct payments (%)", frequency="W",
                       unit="percent", polarity="higher_is_better", target=25.0)
    assert texts(describe_series(a), "target") == [
        "Direct payments (%): Amber: 24.4% in the week commencing 5 February 2024 against a target of 25.0% "
        "(0.6 percentage points short); better than the previous week"]


def test_two_periods_rows():
    frame = pd.DataFrame({"Measure": ["New visitors", "Bounce rate"], "June": [183, 41.3], "July": [215, 37.7]})
    out = describe_two_periods(frame, "Measure", "June", "July", {"Bounce rate": "percent"})
    assert texts(out) == ["New visitors: 183 to 215, up 17%", "Bounce rate: 41.3% to 37.7%, down 4 percentage points"]


def test_scorecard_sentences_and_check_flag():
    frame = pd.DataFrame({"line": ["Living & Ageing Well", "Income", "Total"], "budget": [32.89, -5.0, 27.89],
                          "forecast": [31.89, -5.5, 26.39], "variance": [-1.00, -0.5, -1.6],
                          "last_forecast": [32.89, -5.5, 27.39]})
    out = describe_scorecard(finance.scorecard(frame), previous="month 2")
    # top level first (the total), then the lines under it, then the flag
    assert [s.topic for s in out] == ["finance_total", "finance_line", "finance_line", "finance_check"]
    assert out[1].text == ("Living & Ageing Well: forecast underspend of £1.00m, F (outturn £31.89m against a "
                           "budget of £32.89m), £1.00m better than month 2")
    assert out[2].text.startswith("Income: forecast income £0.50m above budget, F (£5.50m against £5.00m budgeted)")
    assert out[0].text.startswith("Total: forecast net underspend of £1.50m, F")
    assert out[3].text == ("Total: the stated variance of -£1.60m differs from forecast minus budget, -£1.50m, "
                           "by £0.10m, a mismatch to check")


def test_scorecard_sentences_for_one_level_only():
    frame = pd.DataFrame({"line": ["Older People", "  Residential care", "  Home care", "Total"],
                          "budget": [30.0, 20.0, 10.0, 30.0], "forecast": [31.0, 20.5, 10.5, 31.0]})
    result = finance.scorecard(frame)
    # the first level of more than one line is shown first: the grand total has one line under it
    assert [s.subject for s in describe_scorecard(result, lines=finance.level_view(result.table))] \
        == ["Residential care", "Home care"]
    assert [s.subject for s in describe_scorecard(result, lines=finance.level_view(result.table, 1))] \
        == ["Older People"]
    assert finance_headline(result, parent_row=0) == "Older People: forecast overspend of £1.00m, A"


def test_scorecard_mismatches_are_said_at_every_level_rounding_only_beside_its_line():
    frame = pd.DataFrame({"line": ["A", "  a1", "  a2", "B", "  b1", "  b2"],
                          "budget": [3.01, 1.0, 2.0, 7.0, 3.0, 3.0], "forecast": [3.0, 1.0, 2.0, 6.0, 3.0, 3.0]})
    result = finance.scorecard(frame)
    under_a = [s for s in describe_scorecard(result, lines=finance.level_view(result.table, 1, parent=0))
               if s.topic == "finance_check"]
    assert [(s.subject, s.numbers["status"]) for s in under_a] == [
        ("A", "rounding"), ("B", "mismatch")]
    under_b = describe_scorecard(result, lines=finance.level_view(result.table, 1, parent=3))
    assert [s.subject for s in under_b if s.topic == "finance_check"] == ["B"]


def _golden_name(filename: str, sheet: str | None) -> str:
    stem = Path(filename).stem
    return f"{stem}.txt" if sheet is None else f"{stem}__{sheet.lower().replace(' ', '_')}.txt"


@pytest.mark.parametrize(("filename", "sheet"), SAMPLES)
def test_golden_sentences(filename, sheet):
    data = analytics.load(ROOT / "sample_data" / filename, sheet=sheet)
    text = "\n".join(s.text for s in describe_dataset(data)) + "\n"
    path = GOLDEN / _golden_name(filename, sheet)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_every_sample_has_a_golden_file():
    files = {p.name for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv")}
    assert files <= {f for f, _ in SAMPLES}


# Values to 1 decimal place, as councils publish them (compare.round_half_away cannot quantise a % change of
# 1e102, which a value like 1e-100 would give).
values_strategy = st.lists(st.integers(0, 10_000).map(lambda x: x / 10), min_size=2, max_size=40)


@settings(max_examples=40, deadline=None)
@given(values=values_strategy, polarity=st.sampled_from(["higher_is_better", "lower_is_better", "neutral"]),
       unit=st.sampled_from(["count", "percent", "days"]))
def test_properties_of_the_words(values, polarity, unit):
    a = analyse_series(weekly(values), name="M", frequency="W", unit=unit, polarity=polarity)
    out = describe_series(a)
    joined = "\n".join(texts(out))
    if a.trend is None or not (a.trend.p_value < 0.05) or a.trend.direction == "flat":
        assert "significant" not in joined
    if polarity == "neutral":
        assert not re.search(r"improv|worsen|better|worse", joined)
    if unit == "percent":
        for s in out:
            if s.topic in ("period_change", "year_change", "ytd", "baseline"):
                assert not re.search(r"(up|down)( less than)? [\d,]+%", s.text), s.text


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)),
                     min_size=1, max_size=5))
def test_percent_rows_never_get_a_percent_change(rows):
    frame = pd.DataFrame({"label": [f"Rate {i} (%)" for i in range(len(rows))], "a": [r[0] for r in rows],
                          "b": [r[1] for r in rows]})
    for s in describe_two_periods(frame, "label", "a", "b", None):
        assert not re.search(r"(up|down)( less than)? [\d,]+%", s.text)


def test_headline_states_change_and_only_a_significant_trend():
    weeks = pd.date_range("2023-01-02", periods=60, freq="7D")
    rising = pd.Series(np.arange(60, dtype=float) * 2 + 100, index=weeks)
    a = analyse_series(rising, name="Calls answered", frequency="W")
    title = headline(a)
    assert title.startswith("Calls answered: up ") and "on the same week last year" in title
    assert title.endswith("statistically significant upward trend")
    noise = pd.Series(np.random.default_rng(3).normal(100, 5, 60), index=weeks)
    flat = analyse_series(noise, name="Calls answered", frequency="W")
    assert flat.trend.p_value >= 0.05
    assert "significant" not in headline(flat)


def test_finance_headline_from_the_sample_grand_total():
    data = analytics.load(Path(__file__).parents[1] / "sample_data" / "finance_scorecard.xlsx")
    result = finance.scorecard(finance.scorecard_frame(data))
    assert finance_headline(result) == "Forecast underspend of £4.03m, F"


def test_without_subject_drops_only_the_lead_in():
    from analytics.commentary import Sentence, without_subject
    assert without_subject(Sentence("Starts: up 5% on the previous week", "period_change", "Starts")) \
        == "Up 5% on the previous week"
    assert without_subject(Sentence("No subject here", "caveat", "Starts")) == "No subject here"


def test_finance_lines_with_the_same_name_are_told_apart_by_area():
    frame = pd.DataFrame({"line": ["Residential care (65+)", "Total Older People", "Residential care", "Total MH"],
                          "parent": ["Total Older People", None, "Total MH", None],
                          "budget": [10.0, 10.0, 5.0, 5.0], "forecast": [9.0, 9.0, 6.0, 6.0]})
    texts = [s.text for s in describe_scorecard(finance.scorecard(frame))]
    assert any(t.startswith("Residential care (65+), Older People: ") for t in texts)
    assert any(t.startswith("Residential care, MH: ") for t in texts)




def test_a_comparison_without_a_better_direction_says_highest_not_first():
    """describe_comparison (the views' benchmark sentences) for a neutral measure: 'the 3rd highest', no quartile."""
    from analytics import benchmark as benchmark_module
    from analytics import councils
    from analytics.commentary import describe_comparison

    data = analytics.load(ROOT / "sample_data" / "benchmarking_south_east.xlsx")
    table = benchmark_module.place_table(data)
    item = table.items[0]
    council = councils.named("West Sussex")
    neutral = describe_comparison(benchmark_module.compare(table, item, council, unit="percent", polarity="neutral"))
    text = neutral[0].text
    assert "highest of" in text and "(no better direction)" in text and "quartile" not in text
    ranked = describe_comparison(benchmark_module.compare(table, item, council, unit="percent",
                                                          polarity="higher_is_better"))[0].text
    assert "rank " in ranked and "quartile" in ranked


def test_too_few_years_for_a_seasonal_verdict_are_counted_since_the_step_change():
    # NHS England's RTT overview has 15 years, but the seasonal pattern is fitted after the April 2020 break:
    # "only 2 full years of data" alone read as if the file held two years
    from analytics import dataset_analysis

    data = analytics.load(Path(__file__).parent / "corpus_real" / "nhse_rtt_overview_timeseries_2022-10.xlsx")
    [a] = dataset_analysis.analyse(data, measure="Incomplete RTT pathways: Median wait (weeks)").series
    [seasonal] = texts(describe_series(a), "seasonal")
    assert seasonal.endswith("only 2 full years of data since the step change around April 2020, too few to say "
                             "how strong any seasonal pattern is")
