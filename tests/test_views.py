"""Views read results, never recompute them: what a chart draws is the number the result holds and the words say.

Property tests (hypothesis): the trend band a chart draws is the interval the commentary states, the shares a
stacked chart draws are exactly :func:`analytics.derive.mix`'s, the running totals are
:func:`analytics.compare.financial_year_running_totals`'.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import analysis, charts, commentary, compare, derive
from analytics.errors import AnalysisError
from analytics.periods import format_period

ROOT = Path(__file__).resolve().parents[1]
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _layer_rows(spec: dict, name: str) -> pd.DataFrame:
    def walk(node):
        yield node
        for child in node.get("layer", []):
            yield from walk(child)

    [child] = [c for c in walk(spec) if c.get("name") == name]
    return pd.DataFrame(spec["datasets"][(child.get("data") or spec["data"])["name"]])


def _spec_with_data(element) -> dict:
    """A chart's spec as the page sent it, with the datasets Streamlit sends beside it (Arrow) put back inline."""
    import pyarrow as pa

    spec = json.loads(element.proto.spec)
    spec["datasets"] = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas().to_dict("records")
                        for d in element.proto.datasets}
    return spec


@st.composite
def trending_series(draw) -> pd.Series:
    n = draw(st.integers(8, 30))
    slope = draw(st.floats(-3, 3))
    noise = draw(st.floats(0.2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = 100 + slope * np.arange(n) + rng.normal(0, noise, n)
    return pd.Series(np.round(values, 1), index=pd.date_range("2023-04-03", periods=n, freq="7D"))


@PROPERTY
@given(trending_series())
def test_the_trend_band_drawn_is_the_interval_the_commentary_states(series):
    a = analysis.analyse_series(series, name="Calls", frequency="W", detect_breaks=False, seasonal=False)
    t = a.trend
    spec = charts.trend_chart(a.series, title="t", unit="count", frequency="W", trend=t).to_dict()
    band = _layer_rows(spec, charts.TREND_BAND)
    lower, upper = band["lower"].to_numpy(), band["upper"].to_numpy()
    if t.log:
        lower, upper = np.log(lower), np.log(upper)
    # the band of a + b x has half-width q * se(a + b x): its square is quadratic in x with leading term (q se_b)^2,
    # and q se_b is the half-width of the slope interval the words quote
    x = t.table["position"].to_numpy()
    h2 = ((upper - lower) / 2) ** 2
    curvature = ((h2[2] - h2[1]) / (x[2] - x[1]) - (h2[1] - h2[0]) / (x[1] - x[0])) / (x[2] - x[0])
    mid = (upper + lower) / 2
    midline_slope = (mid[-1] - mid[-2]) / (x[-1] - x[-2])
    drawn = (midline_slope - math.sqrt(max(curvature, 0)), midline_slope + math.sqrt(max(curvature, 0)))
    assert np.allclose(drawn, t.slope_ci, rtol=1e-6, atol=1e-9)
    sentence = next(s for s in commentary.describe_series(a) if s.topic == "trend")
    if "ci_low" in sentence.numbers:  # a significant trend quotes the interval, scaled to its unit of time
        per = next(k for k in sentence.numbers if k.startswith("slope_per_"))
        scale = sentence.numbers[per] / t.slope
        stated = sorted(abs(v * scale) for v in t.slope_ci)
        assert (sentence.numbers["ci_low"], sentence.numbers["ci_high"]) == tuple(stated)
    shown = analysis.statistics_table(a).set_index("Statistic")["Value"]["Trend slope per period (95% CI)"]
    assert shown.endswith(f"({t.slope_ci[0]:,.2f} to {t.slope_ci[1]:,.2f})")


@st.composite
def count_tables(draw) -> pd.DataFrame:
    n_periods = draw(st.integers(1, 10))
    categories = draw(st.lists(st.sampled_from(["Phone", "Web", "Walk-in", "Referral"]), min_size=2, max_size=4,
                               unique=True))
    cells = st.one_of(st.none(), st.integers(0, 40).map(float))
    rows = []
    for period in pd.date_range("2024-04-01", periods=n_periods, freq="MS"):
        for category in categories:
            rows.append({"period": period, "source": category, "n": draw(cells)})
    frame = pd.DataFrame(rows)
    drop = draw(st.lists(st.integers(0, len(frame) - 1), max_size=2, unique=True))  # absent parts too
    return frame.drop(index=drop)


@PROPERTY
@given(count_tables())
def test_the_shares_drawn_are_exactly_derive_mix_s(frame):
    if frame["source"].nunique() < 2:  # nothing to be a share of: refused in words, never a traceback
        with pytest.raises(AnalysisError, match="at least two categories"):
            derive.mix_of(frame, period_col="period", category_col="source", value_col="n")
        return
    mix = derive.mix_of(frame, period_col="period", category_col="source", value_col="n")
    spec = charts.stacked_percent_chart(mix, title="t", frequency="M").to_dict()
    bars = _layer_rows(spec, "Bars")
    expected = mix.table.dropna(subset=["share"])
    drawn = sorted(zip(bars["label"], bars["category"], bars["pct"], strict=True)) if len(bars) else []
    wanted = sorted(zip([format_period(p, "M") for p in expected["period"]], expected["category"],
                        expected["share"], strict=True))
    assert drawn == wanted  # exactly: the chart draws the result's floats, it computes none
    for _, rows in mix.table.groupby("period"):
        if rows["value"].isna().any() or len(rows) < len(mix.categories):
            assert rows["share"].isna().all()  # a period with a missing part has no shares, and no bar


def test_a_period_with_a_missing_part_has_no_bar_where_the_caption_says_so():
    frame = pd.DataFrame({"period": pd.to_datetime(["2024-04-01"] * 2 + ["2024-05-01"] * 2),
                          "source": ["a", "b"] * 2, "n": [1.0, 3.0, 1.0, np.nan]})
    mix = derive.mix_of(frame, period_col="period", category_col="source", value_col="n")
    bars = _layer_rows(charts.stacked_percent_chart(mix, title="t").to_dict(), "Bars")
    assert set(bars["label"]) == {"April 2024"} and mix.warnings  # May: no 25%/75% recomputed from one part
    assert sorted(bars["pct"]) == [25.0, 75.0]


def test_the_running_totals_drawn_are_compare_s():
    values = pd.Series([5.0, 6, 7, 8, 9, 10, 11, 12, 4, 3, 2, 1, 6, 7],
                       index=pd.date_range("2023-02-01", periods=14, freq="MS"))
    totals = compare.financial_year_running_totals(values, "count")
    assert totals.table["cumulative"].tolist() == [5, 11, 7, 15, 24, 34, 45, 57, 61, 64, 66, 67, 73, 80]
    assert totals.table["fy"].iloc[[0, 2, -1]].tolist() == ["2022/23", "2023/24", "2023/24"]
    result = analysis.analyse_series(values, name="Admissions", frequency="M")
    assert result.running_totals.table.equals(totals.table)
    spec = charts.cumulative_ytd_chart(result.running_totals, title="t", unit="count").to_dict()
    drawn = _layer_rows(spec, "Years")
    assert drawn["cumulative"].tolist() == totals.table["cumulative"].tolist()
    assert drawn["value"].tolist() == totals.table["value"].tolist()


@pytest.mark.parametrize(("frequency", "step", "n"), [("M", "MS", 30), ("W", "7D", 120), ("Q", "QS-JAN", 12)])
def test_the_cumulative_chart_draws_the_analysis_running_totals_and_ends_at_its_year_to_date(frequency, step, n):
    """The chart adds nothing up: it draws ``SeriesAnalysis.running_totals`` (gaps add nothing), and this year's
    last point is the total the year-to-date sentence states."""
    rng = np.random.default_rng(11)
    series = pd.Series(rng.poisson(40, n).astype(float), index=pd.date_range("2021-04-01", periods=n, freq=step))
    series.iloc[n // 2] = np.nan
    result = analysis.analyse_series(series, name="Admissions", frequency=frequency)
    table = result.running_totals.table
    drawn = _layer_rows(charts.cumulative_ytd_chart(result.running_totals, title="t", unit="count").to_dict(), "Years")
    assert drawn["fy"].tolist() == table["fy"].tolist()
    np.testing.assert_array_equal(drawn["cumulative"].to_numpy(float), table["cumulative"].to_numpy(float))
    assert table.dropna(subset=["cumulative"])["cumulative"].iloc[-1] == result.ytd.after
    level = analysis.analyse_series(series, name="People in care", frequency=frequency)
    assert level.running_totals is None and level.ytd is None  # a level does not add up over a year


@pytest.mark.parametrize(("frequency", "start", "n"), [("W", "2022-08-08", 110), ("M", "2021-04-01", 30),
                                                     ("D", "2023-01-02", 420)])
def test_the_last_year_line_drawn_is_the_analysis_own_and_ends_at_the_year_change(frequency, start, n):
    """The chart's "same period last year" line is the analysis' ``last_year``, drawn as it is (the chart once
    looked last year's values up itself), and its latest point is the value the year-on-year sentence compares
    with."""
    from ui.widgets import ChartView

    rng = np.random.default_rng(3)
    steps = {"W": "7D", "M": "MS", "D": "D"}
    series = pd.Series(rng.normal(100, 10, n).round(), index=pd.date_range(start, periods=n, freq=steps[frequency]))
    series.iloc[n // 3] = np.nan  # a suppressed value: a gap in both lines
    result = analysis.analyse_series(series, name="Calls", frequency=frequency)
    layers = ChartView(last_year=True).chart_layers(result)
    assert layers["last_year"] is result.last_year
    spec = charts.trend_chart(result.series, title="t", unit="count", frequency=frequency, **layers).to_dict()
    drawn = _layer_rows(spec, "Same period last year").dropna(subset=["value"])
    expected = result.last_year.dropna()
    assert pd.to_datetime(drawn["period"]).tolist() == expected.index.tolist()
    assert drawn["value"].tolist() == expected.tolist()
    assert expected.iloc[-1] == result.year_change.before
    assert ChartView(last_year=False).chart_layers(result)["last_year"] is None


# --- the same sentences in every view ------------------------------------------------------------------------------
def step_change_csv() -> bytes:
    """48 months with a fall from about 200 to about 120 after month 30 (a step change the analysis finds)."""
    rng = np.random.default_rng(6)
    values = np.r_[rng.normal(200, 6, 30), rng.normal(120, 6, 18)]
    months = pd.date_range("2020-01-01", periods=48, freq="MS")
    rows = "".join(f"{m:%b %Y},{v:.0f}\n" for m, v in zip(months, values, strict=True))
    return f"Month,Referrals\n{rows}".encode()


def _page_bullets(at) -> list[str]:
    """The commentary bullets the pages show, as the reader sees them (Markdown escapes removed)."""
    return [line[2:].replace("\\", "") for m in at.markdown for line in m.value.splitlines() if line.startswith("- ")]


VIEW_FILES = {"step_change.csv": step_change_csv, "reablement_weekly.xlsx":
              lambda: (ROOT / "sample_data" / "reablement_weekly.xlsx").read_bytes()}


@pytest.mark.parametrize("filename", list(VIEW_FILES))
def test_the_cli_the_pack_and_the_pages_say_the_same_sentences(filename, tmp_path, capsys):
    """Issue 14: one analysis, many views. A series with a step change (where Explore once preselected an SPC
    rebase and so said something else) gives the same sentences on the command line, in the pack and on the
    Explore page, and on the topic page that shows it."""
    from streamlit.testing.v1 import AppTest

    import analytics
    import ui
    from analytics import report
    from analytics.__main__ import main

    path = tmp_path / filename
    path.write_bytes(VIEW_FILES[filename]())
    assert main(["summary", str(path)]) == 0
    cli = capsys.readouterr().out.splitlines()
    data = analytics.load(path)
    measure = next(iter(data.measures))
    spoken = [line for line in cli if line.startswith(f"{measure}: ")]
    assert any("a step change around" in line for line in spoken)
    words = [line[len(measure) + 2:] for line in spoken]
    words = [w[:1].upper() + w[1:] for w in words]  # as commentary.without_subject gives them

    pack = report.build_pack({filename: data}, report.PackOptions(measures=(measure,)))
    assert list(pack.sections[0].sentences) == words

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {filename: ui.Upload(filename, path.read_bytes())}
    pages = ["explore"] + (["reablement"] if filename.startswith("reablement") else [])
    for page in pages:
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        shown = _page_bullets(at)
        assert shown[:len(words)] == words, page


def test_the_finance_page_says_the_budget_sentences_the_cli_and_the_pack_say(capsys):
    """The page shows one level of the budget at a time; each sentence it says is one the command line and the
    pack say, against the same previous month (a "Month 3" title: "month 2", which the page once said as "last
    month" while the CLI and the pack said "month 2")."""
    from streamlit.testing.v1 import AppTest

    import analytics
    import ui
    from analytics import report
    from analytics.__main__ import main

    path = ROOT / "sample_data" / "finance_scorecard.xlsx"
    assert main(["summary", str(path)]) == 0
    cli = capsys.readouterr().out.splitlines()
    pack = report.build_pack({path.name: analytics.load(path)})
    assert set(pack.finance_sentences[1:]) == set(cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.run()
    at.switch_page("pages/finance.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _page_bullets(at)
    assert shown and all(sentence in cli for sentence in shown), [s for s in shown if s not in cli]
    assert any("month 2" in sentence for sentence in shown)


SAMPLE_VIEWS = [  # (sample, page, dimension filters on Explore)
    ("placements_monthly.xlsx", "explore", {"age_band": "65+"}),  # a split: its own name, target and words
    ("placements_monthly.xlsx", "placements", {}),
    ("contacts_records.csv", "explore", {}),
    ("self_serve_visitors.xlsx", "explore", {}),
    ("messy_monthly_cp1252.csv", "explore", {}),
]


@pytest.mark.parametrize(("filename", "page", "filters"), SAMPLE_VIEWS)
def test_a_page_says_the_cli_s_sentences_for_the_series_it_shows(filename, page, filters, capsys):
    """The series a page shows by default (or with a split picked) is described in the CLI's words, sentence for
    sentence."""
    from streamlit.testing.v1 import AppTest

    import ui
    from analytics.__main__ import main

    path = ROOT / "sample_data" / filename
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {filename: ui.Upload(filename, path.read_bytes())}
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    measure = next(s.value for s in at.selectbox if s.label == "Measure")
    key = f"{page}:{filename}:{measure}"
    for dimension, value in filters.items():
        at.selectbox(key=f"{key}:{dimension}").set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    assert main(["summary", str(path)]) == 0
    subject = f"{measure} ({', '.join(filters.values())})" if filters else measure
    cli = [line[len(subject) + 2:] for line in capsys.readouterr().out.splitlines() if line.startswith(f"{subject}: ")]
    words = [w[:1].upper() + w[1:] for w in cli]
    assert words and _page_bullets(at)[:len(words)] == words


@pytest.mark.parametrize(("page", "toggle"), [("explore", "explore:service_centre_daily.xlsx:Calls answered:weekly"),
                                              ("demand", "demand:weekly:service_centre_daily.xlsx")])
def test_daily_data_is_said_as_days_on_the_page_in_the_pack_and_on_the_command_line(page, toggle, capsys):
    """Daily calls are analysed once, as days (the day-of-week pattern taken out of the trend), and every view says
    that analysis: the pages once showed weekly totals by default ("13 weeks below average" beside the CLI's "145
    special-cause days"). Weekly totals are the user's choice and are analysed again as weeks."""
    from streamlit.testing.v1 import AppTest

    import analytics
    import ui
    from analytics import report
    from analytics.__main__ import main

    path = ROOT / "sample_data" / "service_centre_daily.xlsx"
    assert main(["summary", str(path)]) == 0
    measure = "Calls answered"
    cli = [line[len(measure) + 2:] for line in capsys.readouterr().out.splitlines() if line.startswith(f"{measure}: ")]
    words = [w[:1].upper() + w[1:] for w in cli]
    assert len(words) >= 4 and "previous day" in words[1]
    pack = report.build_pack({path.name: analytics.load(path)}, report.PackOptions(measures=(measure,)))
    assert list(pack.sections[0].sentences) == words

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert next(s.value for s in at.selectbox if s.label == "Measure") == measure
    assert _page_bullets(at)[:len(words)] == words
    at.toggle(key=toggle).set_value(True).run()  # weekly totals: another series, said as weeks
    assert not at.exception, [e.value for e in at.exception]
    weekly = _page_bullets(at)
    assert weekly[:len(words)] != words and "previous week" in weekly[1]


@pytest.mark.parametrize("filters", [{}, {"age_band": "65+"}])
def test_the_placements_page_draws_the_running_totals_the_one_analysis_holds(filters):
    """The Placements page's year-to-date chart is the stored analysis' running totals of the series it shows (a
    split picked too), not a sum the page or the chart works out."""
    from streamlit.testing.v1 import AppTest

    import analytics
    import ui
    from analytics import dataset_analysis
    from tests.test_pages import chart_elements

    path = ROOT / "sample_data" / "placements_monthly.xlsx"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.run()
    at.switch_page("pages/placements.py").run()
    for dimension, value in filters.items():
        at.selectbox(key=f"placements:{path.name}:Admissions:{dimension}").set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    data = analytics.load(path)
    stored = dataset_analysis.series_named(dataset_analysis.analyse(data, measure="Admissions").series,
                                           dataset_analysis.series_name(data, "Admissions", filters))
    table = stored.running_totals.table
    drawn = [_layer_rows(spec, "Years") for spec in map(_spec_with_data, chart_elements(at)) if "Years" in str(spec)]
    assert len(drawn) == 1
    assert drawn[0]["fy"].tolist() == table["fy"].tolist()
    np.testing.assert_array_equal(drawn[0]["cumulative"].to_numpy(float), table["cumulative"].to_numpy(float))


def test_the_benchmarking_page_shows_the_analysis_comparison_as_the_cli_says_it(capsys, monkeypatch):
    """As first shown (all councils, no rates, one year) the Benchmarking page draws and says the comparison the
    one analysis holds, the sentences `summary --council` prints, and compares nothing itself; a group the user
    picks is compared again."""
    from streamlit.testing.v1 import AppTest

    import ui
    from analytics import benchmark
    from analytics.__main__ import main

    path = ROOT / "sample_data" / "benchmarking_south_east.xlsx"
    assert main(["summary", str(path), "--council", "Kent"]) == 0
    cli = capsys.readouterr().out.splitlines()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.session_state[ui.YOUR_COUNCIL] = "Kent"
    at.run()
    at.switch_page("pages/benchmarking.py").run()  # analyses the file once (cached)
    calls = []
    real = benchmark.compare
    monkeypatch.setattr(benchmark, "compare", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _page_bullets(at)
    said = [line.split(": ", 1)[1] for line in cli if ": " in line]  # 'measure: sentence'
    assert shown and all(sentence in said for sentence in shown), [s for s in shown if s not in said]
    assert calls == []  # the page read the stored comparison
    key = f"benchmarking:{path.name}"
    at.radio(key=f"{key}:group").set_value("region").run()
    assert calls  # the user's own group is compared for them


def test_every_view_says_two_points_are_too_few_for_spc_and_claims_no_common_cause(tmp_path, capsys):
    """A bridging-year return has two years: no SPC rule can fire on two points, so the KPI summary once said
    "Common cause: no significant change" from them. The KPI page, Explore, the command line and the pack now
    all say there are too few points, how many there are and how many SPC needs."""
    from streamlit.testing.v1 import AppTest

    import analytics
    import ui
    from analytics import report, spc
    from analytics.__main__ import main

    path = tmp_path / "two_years.csv"
    path.write_bytes(b"Year,Admissions\n2022/23,510\n2023/24,540\n")
    said = f"too few points for SPC (2 values; an SPC chart needs at least {spc.MIN_SPC_POINTS})"
    assert main(["summary", str(path)]) == 0
    cli = capsys.readouterr().out
    assert f"Admissions: {said}, so no signal is stated" in cli and "common cause" not in cli.lower()
    pack = report.build_pack({path.name: analytics.load(path)})
    assert pack.kpi["spc limits"].tolist() == [f"too few points for SPC: 2 of the {spc.MIN_SPC_POINTS} needed"]
    assert pack.kpi["variation"].isna().all()  # no icon: the Word pack says "No icon"
    assert any(said.lower() in sentence.lower() for sentence in pack.sections[0].sentences)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.run()
    at.switch_page("pages/kpi.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [variation] = at.dataframe[0].value["variation"].tolist()
    assert variation == f"Too few points for SPC: 2 of the {spc.MIN_SPC_POINTS} needed"
    at.switch_page("pages/explore.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(said.lower() in bullet.lower() for bullet in _page_bullets(at))
    assert any(i.value.startswith("SPC limits") or "SPC limits" in i.value for i in at.info)
