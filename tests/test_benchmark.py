"""Benchmarking: ranks by polarity with ties, quartiles, median and mean, rates per 100,000."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics import benchmark
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
