"""Benchmarking one council against its peers: rank, quartile, median, mean, rates per 100,000."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.compare import POLARITIES, format_number
from analytics.dataset import SUMMARY_FLAGS, Dataset
from analytics.errors import AnalysisError

PER_POPULATION = 100_000
AGE_BANDS = ("18-64", "65+")
QUARTILES = 4
RANK_TIES = "min"  # competition ranking: tied councils share the best rank (1, 2, 2, 4)
QUARTILE_NAMES = {1: "top", 2: "second", 3: "third", 4: "bottom"}
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


@dataclass(frozen=True)
class BenchmarkResult:
    """Peers ranked by polarity (1 = best) with quartiles (1 = top) and the peer median and mean.

    ``table`` is indexed by council with ``value`` (the rate per 100,000 when a population was
    given, and then also ``raw_value`` and ``population``), ``rank``, ``quartile`` and
    ``distance_from_median``. The named council's figures are repeated as fields (None when no
    council was named or its value is missing).
    """

    table: pd.DataFrame
    n: int
    median: float
    mean: float
    polarity: str
    per_100k: bool
    council: str | None
    value: float | None
    rank: int | None
    quartile: int | None
    distance_from_median: float | None
    pct_from_median: float | None
    words: str | None
    warnings: tuple[str, ...]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else _ORDINAL_SUFFIX.get(n % 10, "th")
    return f"{n}{suffix}"


def population_for(population: pd.DataFrame | pd.Series, age_band: str | None) -> pd.Series:
    """The population Series (indexed by council) for ``age_band`` from a table of bands."""
    if isinstance(population, pd.Series):
        return pd.to_numeric(population, errors="coerce").astype(float)
    if age_band not in population.columns:
        raise AnalysisError(f"The population table has no '{age_band}' column; it has "
                            f"{', '.join(map(str, population.columns))}.")
    return pd.to_numeric(population[age_band], errors="coerce").astype(float)


def rate_per_100k(values: pd.Series, population: pd.Series) -> pd.Series:
    """Values per 100,000 population, matched by council; NaN where the population is missing or zero.

    Notes
    -----
    :math:`rate = 100000 \\times value / population`.
    """
    pop = population.reindex(values.index)
    return values.astype(float) / pop.where(pop > 0) * PER_POPULATION


def _ranks(values: pd.Series, polarity: str) -> pd.Series:
    ascending = polarity == "lower_is_better"
    return values.rank(method=RANK_TIES, ascending=ascending).astype("Int64")


def _quartiles(ranks: pd.Series, n: int) -> pd.Series:
    """Quartile of each rank; none with fewer than four councils (two peers have no 'third quartile')."""
    if n < QUARTILES:
        return pd.Series(pd.NA, index=ranks.index, dtype="Int64")
    return ranks.map(lambda r: pd.NA if pd.isna(r) else QUARTILES * (int(r) - 1) // n + 1).astype("Int64")


def benchmark(values: pd.Series, council: str | None = None, polarity: str = "higher_is_better", *,
              population: pd.DataFrame | pd.Series | None = None, age_band: str | None = None
              ) -> BenchmarkResult:
    """Rank a council among its peers on one measure.

    Parameters
    ----------
    values : pd.Series
        One value per council, indexed by council name.
    council : str, optional
        The council to describe; must be in ``values``.
    polarity : {"higher_is_better", "lower_is_better", "neutral"}, default "higher_is_better"
        Rank 1 is the best; for a neutral measure rank 1 is the highest, with a warning.
    population : pd.DataFrame or pd.Series, optional
        Population by council (index). A DataFrame has one column per age band ("18-64", "65+");
        pick one with ``age_band``. When given, values become rates per 100,000 population.
    age_band : {"18-64", "65+"}, optional
        The population column to use.

    Returns
    -------
    BenchmarkResult

    Raises
    ------
    AnalysisError
        The council is not in ``values``, fewer than two peers have values, or the age band is
        not in the population table.

    Notes
    -----
    Ties share the best rank (competition ranking, 1, 2, 2, 4). Quartile
    :math:`q = \\lfloor 4 (r - 1) / n \\rfloor + 1` for rank :math:`r` of :math:`n` councils with
    values, so quartile 1 is the best quarter (with 151 councils, ranks 1 to 38).
    Distance from the median: :math:`x - \\tilde{x}`, and
    :math:`100 (x - \\tilde{x}) / |\\tilde{x}|` %. Councils without a value are left out of the
    ranking and named in ``warnings``.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, got {polarity!r}")
    raw = pd.to_numeric(values, errors="coerce").astype(float)
    warns: list[str] = []
    if council is not None and council not in raw.index:
        raise AnalysisError(f"'{council}' is not among the councils in this table.")
    table = pd.DataFrame({"value": raw})
    if population is not None:
        pop = population_for(population, age_band)
        table = pd.DataFrame({"value": rate_per_100k(raw, pop), "raw_value": raw,
                              "population": pop.reindex(raw.index)})
    missing = table.index[table["value"].isna()]
    if len(missing):
        warns.append(f"{len(missing)} council(s) have no value and are not ranked: "
                     f"{', '.join(map(str, missing[:5]))}{'...' if len(missing) > 5 else ''}.")
    ranked = table["value"].dropna()
    n = len(ranked)
    if n < 2:
        raise AnalysisError(f"Benchmarking needs values for at least two councils; this table has {n}.")
    if polarity == "neutral":
        warns.append("This measure has no better direction, so rank 1 is simply the highest value.")
    median, mean = float(ranked.median()), float(ranked.mean())
    table["rank"] = _ranks(table["value"], polarity)
    table["quartile"] = _quartiles(table["rank"], n)
    table["distance_from_median"] = table["value"] - median
    return _result(table, n, median, mean, polarity, population is not None, council, warns)


def _result(table, n, median, mean, polarity, per_100k, council, warns) -> BenchmarkResult:
    value = rank = quartile = distance = pct = words = None
    if council is not None:
        row = table.loc[council]
        if pd.isna(row["value"]):
            warns.append(f"'{council}' has no value, so it is not ranked.")
        else:
            value, rank = float(row["value"]), int(row["rank"])
            quartile = None if pd.isna(row["quartile"]) else int(row["quartile"])
            distance = value - median
            pct = distance / abs(median) * 100 if median != 0 else None
            words = _words(council, value, rank, n, quartile, median)
    return BenchmarkResult(table, n, median, mean, polarity, per_100k, council, value, rank, quartile,
                           distance, pct, words, tuple(warns))


def _words(council: str, value: float, rank: int, n: int, quartile: int | None, median: float) -> str:
    side = "above" if value > median else "below" if value < median else "at"
    gap = format_number(abs(value - median))
    where = "at the peer median" if side == "at" else f"{gap} {side} the peer median"
    quarter = f" ({QUARTILE_NAMES[quartile]} quartile)" if quartile is not None else ""
    return f"{council} ranks {ordinal(rank)} of {n}{quarter}, {where} of {format_number(median)}"


# --- reading a benchmarking sheet ----------------------------------------------------------------------------
YOUR_COUNCIL = re.compile(r"(?i:your council):?\s*([A-Z][\w'.&-]*(?:\s+(?:and\s+|upon\s+|on\s+)?[A-Z][\w'.&-]*)*)")
PEER_AVERAGE = re.compile(r"^(.*\S)\s+(?:average|mean|median)$", re.I)
POPULATION_NAME = re.compile(r"population", re.I)


@dataclass(frozen=True)
class PeerTable:
    """A benchmarking sheet read as councils by measures, with the summary rows (averages) set aside.

    ``suggested_council`` comes from "Your council: ..." in the sheet title, ``peer_group`` from an
    average row such as "South East average"; either is None when the sheet does not say.
    """

    frame: pd.DataFrame  # category, measure, value: council rows only
    measures: list[str]
    councils: list[str]
    suggested_council: str | None
    peer_group: str | None

    def values(self, measure: str) -> pd.Series:
        """One value per council for ``measure`` (NaN where suppressed)."""
        rows = self.frame[self.frame["measure"] == measure]
        return rows.set_index("category")["value"]


def peer_table(data: Dataset) -> PeerTable:
    """Councils (rows) and measures of a benchmarking table; averages and totals are not councils."""
    frame = data.frame
    flags = frame["flag"].fillna("").astype(str).str.lower()
    summary = frame.loc[flags.isin(SUMMARY_FLAGS), "category"].astype(str)
    peer_group = next((m.group(1) for name in summary if (m := PEER_AVERAGE.match(name))), None)
    match = YOUR_COUNCIL.search(data.source.title)
    rows = frame.loc[~flags.isin(SUMMARY_FLAGS), ["category", "measure", "value"]]
    councils = list(dict.fromkeys(rows["category"].astype(str)))
    suggested = match.group(1).strip() if match and match.group(1).strip() in councils else None
    measures = [m for m in data.measures if not POPULATION_NAME.search(m)]
    return PeerTable(rows.assign(category=rows["category"].astype(str)), measures, councils, suggested, peer_group)


def population_table(data: Dataset) -> pd.DataFrame | None:
    """Population by council and age band ("18-64", "65+") from a sheet of population measures, or None."""
    peers = peer_table(data)
    columns = {band: peers.values(measure) for measure in data.measures if POPULATION_NAME.search(measure)
               for band in AGE_BANDS if band in measure}
    return pd.DataFrame(columns) if columns else None
