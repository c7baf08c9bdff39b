"""Benchmarking: ranks by polarity with ties, quartiles, median and mean, rates per 100,000."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import benchmark, formatting
from analytics.errors import AnalysisError

PEERS = pd.Series({"A": 10.0, "B": 20.0, "C": 20.0, "D": 30.0, "E": np.nan, "F": 5.0, "G": 40.0, "H": 25.0})


def test_rank_higher_is_better_with_ties_sharing_the_best_rank():
    result = benchmark.benchmark(PEERS, "B")
    ranks = result.table["rank"]
    assert ranks[["G", "D", "H", "B", "C", "A", "F"]].tolist() == [1, 2, 3, 4, 4, 6, 7]
    assert result.rank == 4 and result.n == 7


def test_rank_lower_is_better():
    result = benchmark.benchmark(PEERS, "F", "lower_is_better")
    assert result.rank == 1
    assert result.table.loc["G", "rank"] == 7


def test_quartiles_by_hand():
    # n = 7: q = floor(4 (r - 1) / 7) + 1 -> ranks 1-2: 1, 3-4: 2, 5-6: 3, 7: 4
    result = benchmark.benchmark(PEERS.drop("E"), "B")
    quartile_by_rank = dict(zip(result.table["rank"], result.table["quartile"], strict=True))
    assert quartile_by_rank == {1: 1, 2: 1, 3: 2, 4: 2, 6: 3, 7: 4}


def test_median_mean_and_distance():
    result = benchmark.benchmark(PEERS, "D")
    assert result.median == 20.0
    assert result.mean == pytest.approx(150 / 7)
    assert result.distance_from_median == 10.0
    assert result.pct_from_median == pytest.approx(50.0)
    assert result.words == "D ranks 2nd of 7 (top quartile), 10 above the peer median of 20"


def test_missing_values_are_left_out_and_named():
    result = benchmark.benchmark(PEERS, "E")
    assert result.rank is None and result.value is None
    assert any("E" in w and "not ranked" in w for w in result.warnings)
    assert pd.isna(result.table.loc["E", "rank"])


def test_neutral_polarity_ranks_highest_first_with_a_warning():
    result = benchmark.benchmark(PEERS, "G", "neutral")
    assert result.rank == 1
    assert any("no better direction" in w for w in result.warnings)


def test_rates_per_100k_by_age_band():
    values = pd.Series({"A": 30.0, "B": 30.0, "C": 10.0})
    population = pd.DataFrame({"18-64": [50_000, 300_000, 100_000], "65+": [10_000, 20_000, 0]},
                              index=["A", "B", "C"])
    result = benchmark.benchmark(values, "A", "lower_is_better", population=population, age_band="18-64")
    assert result.per_100k
    assert result.table["value"].tolist() == pytest.approx([60.0, 10.0, 10.0])
    assert result.rank == 3
    over_65 = benchmark.benchmark(values, "A", population=population, age_band="65+")
    assert pd.isna(over_65.table.loc["C", "value"])  # zero population: no rate


def test_errors():
    with pytest.raises(AnalysisError, match="not among"):
        benchmark.benchmark(PEERS, "Z")
    with pytest.raises(AnalysisError, match="at least two"):
        benchmark.benchmark(pd.Series({"A": 1.0, "B": np.nan}))
    with pytest.raises(AnalysisError, match="no '75\\+' column"):
        benchmark.benchmark(PEERS, population=pd.DataFrame({"65+": [1]}), age_band="75+")


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                         (12, "12th"), (13, "13th"), (21, "21st"), (102, "102nd")])
def test_ordinal(n, text):
    assert benchmark.ordinal(n) == text


@settings(deadline=None)  # timing on a shared 2-core machine is not what this tests
@given(st.lists(st.integers(min_value=0, max_value=50).map(float), min_size=4, max_size=160))
def test_quartiles_cover_one_to_four_in_rank_order(values):
    series = pd.Series(values, index=[f"c{i}" for i in range(len(values))])
    table = benchmark.benchmark(series).table.sort_values("rank")
    quartiles = table["quartile"].astype(int).tolist()
    assert quartiles == sorted(quartiles)
    assert set(quartiles) <= {1, 2, 3, 4} and quartiles[0] == 1


def test_peer_table_and_population_from_the_sample():
    import analytics
    from tests.conftest import SAMPLES
    path = SAMPLES / "benchmarking_south_east.xlsx"
    peers = benchmark.peer_table(analytics.load(path))
    assert peers.suggested_council == "West Sussex"
    assert peers.peer_group == "South East"
    assert "South East average" not in peers.councils and len(peers.councils) == 19
    population = benchmark.population_table(analytics.load(path, sheet="Population"))
    assert list(population.columns) == ["18-64", "65+"]
    assert population.loc["Bracknell Forest", "18-64"] == 77800.0
    assert benchmark.population_table(analytics.load(path)) is None


def test_no_quartile_with_fewer_than_four_councils():
    result = benchmark.benchmark(pd.Series({"A": 1.0, "B": 2.0, "C": 3.0}), "A", "higher_is_better")
    assert result.rank == 3 and result.quartile is None
    assert "quartile" not in result.words


# --- tables of places: hand-built tidy Datasets (DESIGN section 2) --------------------------------------------
import csv  # noqa: E402
import functools  # noqa: E402
import math  # noqa: E402
from pathlib import Path  # noqa: E402

from scipy import stats  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

import analytics  # noqa: E402
from analytics import commentary, councils  # noqa: E402
from analytics.catalogue import MeasureInfo  # noqa: E402
from analytics.dataset import Dataset, Ledger, Source  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus_real"
THREE = ("Trafford", "Kent", "Lincolnshire")  # the councils the corpus facts name, in three regions and two types


@functools.cache
def corpus_places(filename: str) -> benchmark.PlaceTable:
    """A corpus file read once for the tests of all three councils."""
    return benchmark.place_table(analytics.load(CORPUS / filename))


def tidy(rows: list[dict], *, kind: str = "table", frequency: str | None = None, title: str = "",
         measures: dict[str, MeasureInfo] | None = None) -> Dataset:
    frame = pd.DataFrame(rows)
    frame["flag"] = frame.get("flag", pd.Series("", index=frame.index)).fillna("")
    dims = tuple(c for c in frame.columns if c not in ("period", "category", "measure", "value", "flag"))
    names = measures or {m: MeasureInfo() for m in frame["measure"].unique()}
    ledger = Ledger(len(frame), len(frame), pd.DataFrame(columns=["row", "column", "reason", "detail"]))
    source = Source("t.csv", "csv", None, 0, (1,), "long", title=title)
    return Dataset(frame, kind, frequency, names, ledger, (), source, dims)


def _councils_long(values: dict[str, float], measure: str = "m", **extra) -> list[dict]:
    return [{"measure": measure, "value": v, "council": name, **extra} for name, v in values.items()]


def test_the_place_column_is_found_by_its_labels_whatever_its_name():
    data = tidy(_councils_long({"E08000009": 1.0, "E10000016": 2.0, "E10000019": 3.0, "E92000001": 2.5},
                               measure="rate") + [{"measure": "rate", "value": 9.0, "council": "NHS Trust X"}])
    places = benchmark.find_places(data)
    assert places.column == "council"
    assert set(places.councils) == {"E08000009", "E10000016", "E10000019"}
    assert places.aggregates == ["E92000001"] and places.unmatched == ("NHS Trust X",)


def test_a_table_of_service_lines_is_not_a_table_of_places():
    # issue 17: "Column B: Assessment and care management has the 4th highest value of 7 councils"
    rows = [{"category": line, "measure": f"Column {c}", "value": float(i)} for i, line in enumerate(
        ["Assessment and care management", "Nursing home placements", "Residential care", "Home care",
         "Day care", "Meals", "Other"]) for c in "BC"]
    data = tidy(rows)
    assert not benchmark.is_place_table(data)
    assert "cannot be benchmarked" in benchmark.what_it_is(data)
    with pytest.raises(AnalysisError, match="not councils"):
        benchmark.place_table(data)
    months = tidy([{"period": pd.Timestamp(f"2024-{m:02d}-01"), "measure": "Home Care", "value": 1.0}
                   for m in range(1, 6)], kind="timeseries", frequency="M")
    assert not benchmark.is_place_table(months)
    assert "time series of 1 measure(s) from Jan 2024 to May 2024" in benchmark.what_it_is(months)


def test_aggregates_are_lines_never_peers_and_england_comes_from_the_file():
    values = {"Trafford": 18.8, "Kent": 15.0, "Stockport": 21.0, "Wigan": 17.0, "Bolton": 19.5, "Lincolnshire": 16.0}
    rows = _councils_long(values) + _councils_long({"England": 19.1, "North West": 20.3,
                                                    "Metropolitan Districts": 19.9})
    table = benchmark.place_table(tidy(rows))
    c = benchmark.compare(table, "m", "Trafford", unit="percent", polarity="higher_is_better")
    assert c.latest.result.n == 6 and set(c.table.index) == set(values)
    assert (c.latest.england, c.latest.region, c.latest.council_type) == (19.1, 20.3, 19.9)
    assert c.latest.result.rank == 3 and c.latest.verdict is None  # no interval in the file, no verdict
    region = benchmark.compare(table, "m", "Trafford", group=benchmark.Group("region"), polarity="higher_is_better")
    assert set(region.table.index) == {"Trafford", "Stockport", "Wigan", "Bolton"}
    assert region.group == "North West councils" and region.latest.result.rank == 3
    kind = benchmark.compare(table, "m", "Kent", group=benchmark.Group("type"), polarity="higher_is_better")
    assert set(kind.table.index) == {"Kent", "Lincolnshire"} and kind.group == "shire counties"
    assert kind.latest.result.rank == 2
    keys, unknown = benchmark.read_council_list("Stockport\n312 - Trafford\nE08000010\nNowhere\n")
    assert keys == {"E08000007", "E08000009", "E08000010"} and unknown == ["Nowhere"]
    mine = benchmark.compare(table, "m", "Trafford", group=benchmark.Group("list", keys), polarity="higher_is_better")
    assert set(mine.table.index) == {"Trafford", "Stockport", "Wigan"} and mine.latest.result.rank == 2


def test_fingertips_verdict_from_a_margin_of_error_as_ascof_publishes_it():
    rows = []
    for name, (value, moe) in {"Trafford": (18.8, 1.0), "Kent": (17.0, 0.5), "Wigan": (20.5, 0.6),
                               "Bolton": (19.0, 0.3), "England": (19.1, 0.1)}.items():
        rows += [{"measure": "1A", "metric": "Outcome", "council": name, "value": value},
                 {"measure": "1A", "metric": "Margin of error", "council": name, "value": moe}]
    table = benchmark.place_table(tidy(rows))
    assert table.items == ["1A"]
    similar = benchmark.compare(table, "1A", "Trafford", polarity="higher_is_better")
    assert (similar.latest.lower, similar.latest.upper) == pytest.approx((17.8, 19.8))
    assert similar.latest.verdict == "similar"
    assert benchmark.compare(table, "1A", "Kent", polarity="higher_is_better").latest.verdict == "worse"
    assert benchmark.compare(table, "1A", "Wigan", polarity="higher_is_better").latest.verdict == "better"
    assert benchmark.compare(table, "1A", "Wigan", polarity="lower_is_better").latest.verdict == "worse"
    text = commentary.describe_comparison(benchmark.compare(table, "1A", "Trafford", unit="rate",
                                                            polarity="higher_is_better"))[0].text
    assert text == ("1A: Trafford 18.8 (95% interval 17.8 to 19.8), England 19.1: similar to England (England's "
                    "value is within the 95% interval); rank 3 of 4 councils in this file, third quartile; "
                    "median of councils in this file 18.9")


def test_wilson_interval_agrees_with_statsmodels_and_the_rate_gets_byars():
    for successes, trials in ((0, 10), (3, 10), (57, 130), (129, 130), (5_575, 12_000)):
        low, high = benchmark.wilson_interval(successes, trials)
        assert (low, high) == pytest.approx(proportion_confint(successes, trials, method="wilson"), abs=1e-12)
    # exact Poisson limits from published tables (e.g. PHE Technical Guide: Confidence Intervals, table 3)
    for count, limits in ((0, (0.0, 3.689)), (1, (0.0253, 5.572)), (10, (4.795, 18.390)), (85, (67.90, 105.10))):
        assert benchmark.poisson_interval(count) == pytest.approx(limits, abs=0.006)
    low, high, how = benchmark.interval_from_counts(43.8, 57, 130)  # a percentage
    assert how == "Wilson score interval"
    assert (low, high) == pytest.approx([100 * x for x in proportion_confint(57, 130, method="wilson")])
    low, high, how = benchmark.interval_from_counts(580.0, 290, 50_000)  # admissions per 100,000
    assert how == "exact Poisson interval"
    assert (low, high) == pytest.approx([x / 50_000 * 100_000 for x in
                                         (stats.chi2.ppf(0.025, 580) / 2, stats.chi2.ppf(0.975, 582) / 2)])
    assert math.isnan(benchmark.interval_from_counts(50.0, 57, 130)[0])  # the value is not 57/130 at any scale


def test_numerator_and_denominator_give_the_interval_and_the_verdict():
    rows = []
    for name, (num, den) in {"Trafford": (550, 1000), "Kent": (90, 200), "Wigan": (700, 1000),
                             "England": (60_000, 100_000)}.items():
        for metric, v in (("Numerator", num), ("Denominator", den), ("Outcome", 100 * num / den)):
            rows.append({"measure": "2B(1) still at home 91 days after discharge", "metric": metric,
                         "council": name, "value": float(v)})
    table = benchmark.place_table(tidy(rows))
    item = table.items[0]
    info = benchmark.measure_info(tidy(rows), table, item)
    assert (info.unit, info.polarity, info.known_as) == ("percent", "higher_is_better", "ascof:2B(1)")
    c = benchmark.compare(table, item, "Trafford", unit=info.unit, polarity=info.polarity)
    expected = [100 * x for x in proportion_confint(550, 1000, method="wilson")]
    assert (c.latest.lower, c.latest.upper) == pytest.approx(expected)
    assert c.latest.verdict == "worse"  # England's 60% lies above Trafford's interval (51.9% to 58.1%)
    assert benchmark.compare(table, item, "Kent", unit="percent", polarity="higher_is_better").latest.verdict == \
        "worse"
    assert benchmark.compare(table, item, "Wigan", unit="percent", polarity="higher_is_better").latest.verdict == \
        "better"


def test_rank_each_year_and_a_predecessor_standing_in_for_a_new_council():
    rows = []
    for year, values in {2021: {"102 - Cumbria": 5.0, "312 - Trafford": 4.0, "820 - Kent": 3.0, "England": 4.5},
                         2022: {"102 - Cumbria": 2.0, "312 - Trafford": 4.0, "820 - Kent": 3.0,
                                "England": 3.5}}.items():
        rows += [{"period": pd.Timestamp(f"{year}-04-01"), **r} for r in _councils_long(values)]
    data = tidy(rows, kind="timeseries", frequency="FY")
    table = benchmark.place_table(data)
    c = benchmark.compare(table, "m", "Cumberland", unit="rate", polarity="higher_is_better")
    assert c.shown_as == "Cumbria" and any("before Cumberland started" in n for n in c.notes)
    assert [y.result.rank for y in c.years] == [1, 3] and [y.england for y in c.years] == [4.5, 3.5]
    said = [s.text for s in commentary.describe_comparison(c)]
    assert said[0].startswith("m (2022/23): Cumbria 2.0, England 3.5 (no interval in the file, so no test")
    assert said[1] == ("m: rank each year: 2021/22 1st of 3, 2022/23 3rd of 3; Cumbria from 5.0 to 2.0; England from "
                       "4.5 to 3.5; median of councils in this file from 4.0 to 3.0")
    lines = benchmark.trend_lines(c)
    assert set(lines["series"]) == {"Cumbria", "England", "Median of councils in this file"}


def test_rates_per_100k_from_a_single_year_of_age_population():
    ages = [str(a) for a in range(91)]
    pop_rows = [{"category": code, "measure": age, "value": 1000.0} for code in ("E08000009", "E10000016", "E10000019")
                for age in ages] + [{"category": "E07000032", "measure": a, "value": 10.0} for a in ages]
    population = benchmark.population_by_council(tidy(pop_rows))
    assert population.loc["E08000009", "18-64"] == 47 * 1000 and population.loc["E10000016", "65+"] == 26 * 1000
    counts = tidy(_councils_long({"Trafford": 47.0, "Kent": 94.0, "Lincolnshire": 23.5},
                                 measure="Admissions aged 18-64"))
    table = benchmark.place_table(counts)
    item = table.items[0]
    assert benchmark.age_band_of(item) == "18-64" and benchmark.age_band_of("aged 65 and over") == "65+"
    c = benchmark.compare(table, item, "Kent", unit="count", polarity="lower_is_better", population=population,
                          age_band="18-64")
    assert c.unit == "rate" and c.latest.result.value == pytest.approx(200.0)
    assert c.latest.result.rank == 3  # 100, 50 and 200 per 100,000: Kent is the highest, so the worst


@pytest.mark.parametrize("council", THREE)
def test_iod_2019_rank_and_quartile_by_hand_from_the_raw_cells(council):
    from openpyxl import load_workbook

    sheet = load_workbook(CORPUS / "mhclg_iod2019_upper_tier_la_summaries.xlsx", read_only=True)["IMD"]
    raw = {row[1]: float(row[4]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    mine = raw[council]
    rank = 1 + sum(v < mine for v in raw.values())  # a lower deprivation score is better
    quartile = 4 * (rank - 1) // len(raw) + 1
    table = corpus_places("mhclg_iod2019_upper_tier_la_summaries.xlsx")
    item = next(i for i in table.items if i.strip() == "IMD - Average score")
    c = benchmark.compare(table, item, council, polarity="lower_is_better")
    assert c.latest.result.n == len(raw) == 151
    assert (c.latest.result.value, c.latest.result.rank, c.latest.result.quartile) == (mine, rank, quartile)
    assert c.latest.england is None  # File 11 has no England row: none is made up


@pytest.mark.parametrize("council", THREE)
def test_pss_ex1_2012_13_rank_quartile_and_england_by_hand_from_the_raw_cells(council):
    text = (CORPUS / "hscic_pss_ex1_2012_13_cassr_activity_cp1252.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(text.splitlines()))
    cells = {row[0].split(" - ", 1)[1].strip(): row[1] for row in rows[6:158]}
    england = float(next(row[1] for row in rows if row and row[0] == "TOTAL England").replace(",", ""))
    raw = {name: float(v.replace(",", "")) for name, v in cells.items() if v.strip() not in ("..", "")}
    rank = 1 + sum(v > raw[council] for v in raw.values())  # more reviews completed is better
    quartile = 4 * (rank - 1) // len(raw) + 1
    table = corpus_places("hscic_pss_ex1_2012_13_cassr_activity_cp1252.csv")
    item = next(i for i in table.items if "A1.1" in i.replace(":", " ").split())  # the item code, wherever named
    c = benchmark.compare(table, item, council, polarity="higher_is_better")
    assert england == 878_455 and c.latest.england == england
    assert c.latest.result.n == len(raw) == 151  # Islington's '..' is not ranked
    assert (c.latest.result.value, c.latest.result.rank, c.latest.result.quartile) == (raw[council], rank, quartile)


def test_councils_reference_is_what_the_page_offers():
    assert [c.name for c in councils.current()][:3] == ["Barking and Dagenham", "Barnet", "Barnsley"]


def test_files_of_different_years_stack_into_one_table_ranked_each_year():
    def year(title: str, values: dict[str, float]) -> tuple[Dataset, benchmark.PlaceTable]:
        data = tidy([{"category": k, "measure": "Reviews", "value": v} for k, v in values.items()], title=title)
        return data, benchmark.place_table(data)

    first = year("PSS-EX1 activity 2012-13", {"312 - Trafford": 3.0, "820 - Kent": 2.0, "503 - Lincolnshire": 1.0})
    second = year("Activity 2013-14", {"Trafford": 1.0, "Kent": 2.0, "Lincolnshire": 3.0, "England": 2.5})
    table = benchmark.stack_years([first, second])
    assert table.periods == [pd.Timestamp("2012-04-01"), pd.Timestamp("2013-04-01")]
    c = benchmark.compare(table, "Reviews", "Trafford", unit="rate", polarity="higher_is_better")
    assert [y.result.rank for y in c.years] == [1, 3] and [y.england for y in c.years] == [None, 2.5]
    with pytest.raises(AnalysisError, match="both for 2012/13"):
        benchmark.stack_years([first, first])
    with pytest.raises(AnalysisError, match="does not say which year"):
        benchmark.stack_years([first, year("No year here", {"Trafford": 1.0, "Kent": 2.0, "Wigan": 3.0})])


def test_row_identifiers_and_type_headings_do_not_split_a_measure():
    rows = []
    for i, (name, heading) in enumerate([("Trafford", "Metropolitan Districts"), ("Wigan", "Metropolitan Districts"),
                                         ("Kent", "Shire Counties"), ("Devon", "Shire Counties")]):
        for age, value in (("18-64", 10.0 + i), ("65+", 20.0 + i)):
            rows.append({"measure": "Value", "council": name, "uuid": f"{i}{age}", "group": heading,
                         "age_category": age, "value": value})
    table = benchmark.place_table(tidy(rows))
    assert table.items == ["Value: 18-64", "Value: 65+"]  # split by age, not by the row id or the heading
    c = benchmark.compare(table, "Value: 65+", "Kent", unit="rate", polarity="higher_is_better")
    assert c.latest.result.n == 4 and c.latest.result.rank == 2


# --- what the views draw: quartiles only with a direction, totals said not drawn, money in its scale -----------
from analytics import charts  # noqa: E402


def _spec_rows(spec: dict, name: str) -> list[dict]:
    """The data rows of a named layer of a chart spec (inline or in the spec's datasets)."""
    def find(node):
        for child in node.get("layer", []):
            if child.get("name") == name:
                return child
            if (found := find(child)) is not None:
                return found
        return None

    layer = find(spec)
    data = layer.get("data") or next(c["data"] for c in layer.get("layer", []) if "data" in c)
    return data.get("values") or spec["datasets"][data["name"]]


def test_a_measure_with_no_better_direction_has_no_quartiles_and_its_chart_no_bands():
    neutral = benchmark.benchmark(PEERS.drop("E"), "B", "neutral")
    assert neutral.quartile is None and neutral.table["quartile"].isna().all()
    assert neutral.rank == 4  # still ranked by size
    spec = charts.ranked_dot_chart(neutral.table, council="B", title="t", unit="count", neutral=True).to_dict()
    assert _spec_rows(spec, "Quartile bands") == [] and "quartiles shaded" not in spec["description"]
    ranked = benchmark.benchmark(PEERS.drop("E"), "B", "higher_is_better")
    spec = charts.ranked_dot_chart(ranked.table, council="B", title="t", unit="count").to_dict()
    bands = _spec_rows(spec, "Quartile bands")
    assert [b["band"] for b in bands] == ["Quartile 1", "Quartile 2", "Quartile 3", "Quartile 4"]
    assert "quartiles shaded" in spec["description"]


@pytest.mark.parametrize(("value", "members", "expected"), [
    (60.0, [10.0, 20.0, 30.0], True),  # the sum
    (45.0, [10.0, 20.0, 30.0], True),  # some councils missing from the file: still above all and of the sum's order
    (21.0, [10.0, 20.0, 30.0], False),  # within the range: an average, a rate, a median
    (30.0, [10.0, 20.0, 30.0], False),  # the highest council's value is no sum of three
    (12.0, [10.0, 20.0, 30.0, 40.0, 50.0], False),
    (-60.0, [-10.0, -20.0, -30.0], True),  # negative spend sums alike
    (10.0, [-10.0, 15.0, 5.0], True), (6.0, [-10.0, 15.0, 5.0], False),  # mixed signs: only the sum itself
    (50.0, [20.0], False),  # one council: nothing to tell by
    (0.25, [0.1, 0.2, 0.3], False),  # a proportion of England between its councils'
])
def test_an_aggregate_is_a_total_when_it_is_the_sum_of_its_councils(value, members, expected):
    assert benchmark.is_total(value, pd.Series(members)) is expected


NORTH_WEST = {"Trafford": 40.0, "Wigan": 60.0, "Bolton": 50.0}
OTHERS = {"Kent": 90.0, "Lincolnshire": 30.0, "Devon": 45.0}


def test_totals_of_councils_are_said_but_not_drawn_on_their_scale():
    rows = _councils_long({**NORTH_WEST, **OTHERS}) + _councils_long({"England": 315.0, "North West": 150.0})
    table = benchmark.place_table(tidy(rows))
    c = benchmark.compare(table, "m", "Trafford", unit="count", polarity="higher_is_better")
    assert c.latest.totals == {"england", "region"} and c.lines() == {}
    assert c.latest.verdict is None and c.latest.comparable("england") is None
    text = commentary.describe_comparison(c)[0].text
    assert "Trafford 40, England total 315" in text and "North West total 150" in text
    spec = charts.ranked_dot_chart(c.table, council="Trafford", title="t", unit=c.unit, lines=c.lines()).to_dict()
    assert "Comparators" not in charts.layer_names(spec)
    assert set(benchmark.trend_lines(c).dropna(subset=["value"])["series"]) == {"Trafford", "Median of councils in "
                                                                                "this file"}
    nobody = commentary.describe_comparison(benchmark.compare(table, "m", None, unit="count"))[0].text
    assert "England total 315" in nobody


def test_rates_and_averages_of_councils_are_drawn_beside_them():
    rows = _councils_long({**NORTH_WEST, **OTHERS}) + _councils_long({"England": 52.0, "North West": 49.0})
    table = benchmark.place_table(tidy(rows))
    c = benchmark.compare(table, "m", "Trafford", unit="percent", polarity="higher_is_better")
    assert c.latest.totals == frozenset() and c.lines() == {"England": 52.0, "North West": 49.0}
    spec = charts.ranked_dot_chart(c.table, council="Trafford", title="t", unit=c.unit, lines=c.lines()).to_dict()
    assert {r["line"] for r in _spec_rows(spec, "Comparators")} == {"England", "North West"}
    assert "England total" not in commentary.describe_comparison(c)[0].text


MONEY_CSV = """Gross current expenditure by council, 2014-15
£ thousands
Council,Older people,Learning disability
Trafford,10441,5210
Wigan,12002,6110
Kent,23668,30012
Lincolnshire,15050,9870
Devon,16020,11005
England,1151544,880123
"""


def test_money_in_thousands_is_money_with_its_scale_on_the_axis_and_in_the_sentences():
    data = analytics.load(MONEY_CSV.encode(), filename="spend.csv")
    units = {name: info.unit for name, info in data.measures.items()}
    assert set(units.values()) == {"currency_thousands"}, units
    table = benchmark.place_table(data)
    item = next(i for i in table.items if i.startswith("Older people"))
    info = benchmark.measure_info(data, table, item)
    c = benchmark.compare(table, item, "Trafford", unit=info.unit, polarity=info.polarity)
    assert c.unit == "currency_thousands" and c.latest.totals == {"england"}
    text = commentary.describe_comparison(c)[0].text
    assert "Trafford £10,441k, England total £1,151,544k" in text
    spec = charts.ranked_dot_chart(c.table, council="Trafford", title="t", unit=c.unit, lines=c.lines()).to_dict()
    assert _spec_rows(spec, "Council label")[0]["text"] == "Trafford £10,441k"
    assert spec["layer"][2]["encoding"]["y"]["title"] == "£ thousands"


@pytest.mark.parametrize(("x", "unit", "text"), [(10441, "currency_thousands", "£10,441k"),
                                                 (5.25, "currency_thousands", "£5.3k"),
                                                 (0, "currency_thousands", "£0"),
                                                 (-1234.4, "currency_thousands", "-£1,234k"),
                                                 (4.031, "currency_millions", "£4.03m")])
def test_scaled_money_is_written_with_its_scale(x, unit, text):
    assert commentary.format_value(x, unit) == text


@pytest.mark.parametrize(("word", "unit"), [("£000", "currency_thousands"), ("£'000s", "currency_thousands"),
                                            ("£(000)", "currency_thousands"), ("£ thousands", "currency_thousands"),
                                            ("thousands of pounds", "currency_thousands"), ("£k", "currency_thousands"),
                                            ("£m", "currency_millions"), ("£ millions", "currency_millions"),
                                            ("£", "currency"), ("GBP", "currency"), ("Number", "count")])
def test_a_unit_cell_states_the_money_scale(word, unit):
    from analytics.catalogue import unit_from_word

    assert unit_from_word(word) == unit


@pytest.mark.parametrize("council", ("Trafford", "Kent"))
def test_pss_ex1_2014_15_money_in_thousands_and_england_a_total_by_hand_from_the_raw_cells(council):
    text = (CORPUS / "nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(text.splitlines()))
    header, line = rows[1], rows[2]  # row 3: assessment and care management, 65+, gross total cost, 2014-15
    column = {name.split(" - ", 1)[-1]: i for i, name in enumerate(header)}
    councils_cells = {name: float(line[i]) for name, i in column.items() if i >= 4 and " - " in header[i]}
    table = corpus_places("nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv")
    data = analytics.load(CORPUS / "nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv")
    item = table.items[0]
    info = benchmark.measure_info(data, table, item)
    assert info.unit == "currency_thousands" and "£ thousands" in item
    c = benchmark.compare(table, item, council, unit=info.unit, polarity=info.polarity)
    mine = councils_cells[council]
    assert c.latest.result.value == mine and c.latest.result.n == len(councils_cells) == 152
    assert c.latest.result.rank == 1 + sum(v > mine for v in councils_cells.values())  # neutral: 1 = highest
    england = float(line[header.index("ENGLAND")])
    assert c.latest.england == england and "england" in c.latest.totals and c.lines() == {}
    assert f"England total £{england:,.0f}k" in commentary.describe_comparison(c)[0].text


def test_the_trend_over_years_has_one_tick_a_year_labelled_as_the_sentences_say():
    years = pd.DataFrame({"period": pd.to_datetime(["2014-04-01", "2013-04-01"] * 2),
                          "series": ["Kent", "Kent", "England", "England"], "value": [2.0, 1.0, 1.6, 1.5]})
    spec = charts.benchmark_trend_chart(years, council="Kent", title="t", unit="currency_thousands",
                                        frequency="FY").to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert (x["field"], x["type"], x["sort"]) == ("label", "ordinal", ["2013/14", "2014/15"])
    assert spec["layer"][0]["encoding"]["y"]["title"] == "£ thousands"


def test_spend_on_a_service_in_thousands_takes_no_polarity_from_the_service():
    # the 2006-07 expenditure table: 'C1 Assessment and care management' is spend (£ thousands), not assessments
    data = analytics.load(CORPUS / "ic_pss_expenditure_by_council_2006_07.xls", sheet="Net expenditure 2006-2007")
    name = next(m for m in data.measures if m.startswith("C1 Assessment and care management"))
    assert (data.measures[name].unit, data.measures[name].polarity) == ("currency_thousands", "neutral")
    table = benchmark.place_table(data)
    item = next(i for i in table.items if i.startswith("C1 "))
    info = benchmark.measure_info(data, table, item)
    c = benchmark.compare(table, item, "Trafford", unit=info.unit, polarity=info.polarity)
    assert c.latest.result.value == 3501.0 and c.latest.result.quartile is None  # EF60 in the manifest
    assert "Trafford £3,501k, England total" in commentary.describe_comparison(c)[0].text


def test_summary_tiles_show_every_value_in_full_and_the_exact_value_in_their_help():
    # the Benchmarking page once cut these off: "£1,151,5..." (England total) and "choose y..." (no council)
    table = corpus_places("nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv")
    data = analytics.load(CORPUS / "nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv")
    item = table.items[0]
    info = benchmark.measure_info(data, table, item)
    kent = benchmark.summary_tiles(benchmark.compare(table, item, "Kent", unit=info.unit, polarity=info.polarity))
    assert [t.label for t in kent] == ["Kent", "England total", "South East total", "Group median", "Rank of 152"]
    assert all(t.value is None or len(t.value) <= formatting.SHORT_WIDTH for t in kent)
    assert (kent[1].value, kent[1].help) == ("£1.15bn", "£1,151,544k")
    assert (kent[0].value, kent[0].help) == ("£23,668k", "£23,668k")
    nobody = benchmark.summary_tiles(benchmark.compare(table, item, None, unit=info.unit, polarity=info.polarity))
    assert [t.label for t in nobody] == ["England total", "Group median"]


def test_items_with_values_for_fewer_than_two_councils_come_last_and_are_named():
    """A long, heavily suppressed publication (NHS Digital's deferred payments: 1,556 of 1,792 values '*')
    put first an item with one council's value, so the Benchmarking page opened on 'needs values for at
    least two councils; this table has 1' for a file of 56 councils."""
    rows = [{"measure": "Agreements", "value": v, "council": c} for c, v in
            (("Trafford", np.nan), ("Kent", 3.0), ("Lincolnshire", np.nan))]
    rows += [{"measure": "Value recovered", "value": v, "council": c} for c, v in
             (("Trafford", 5.0), ("Kent", 7.0), ("Lincolnshire", 6.0))]
    table = benchmark.place_table(tidy(rows))
    assert table.items == ["Value recovered", "Agreements"]
    assert any("1 of 2 item(s) have values for fewer than two councils" in w for w in table.warnings)
    assert benchmark.compare(table, table.items[0], "Kent").latest.result.n == 3


def test_forecast_rows_are_not_ranked_nor_an_item_of_their_own():
    rows = [{"measure": "Spend", "value": v + (10.0 if year == 2025 else 0.0), "council": c,
             "period": pd.Timestamp(f"{year}-04-01"), "forecast": year == 2025}
            for year in (2023, 2024, 2025) for c, v in (("Trafford", 5.0), ("Kent", 7.0), ("Lincolnshire", 6.0))]
    table = benchmark.place_table(tidy(rows, kind="timeseries", frequency="FY"))
    assert table.items == ["Spend"] and table.periods[-1] == pd.Timestamp("2024-04-01")
    assert any("3 value(s) the file marks as forecasts are not ranked" in w for w in table.warnings)
