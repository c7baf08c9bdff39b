"""Benchmarking one council against its peers: rank, quartile, median, England, intervals, over time.

The core (:func:`benchmark`) ranks one Series of values. On top of it, a table of places (councils found by
:mod:`analytics.councils` in one of the frame's columns) is read into one row per item (a measure and its
other dimensions), period and place, with 95% intervals where the file allows, and :func:`compare` gives
one council's figures against a comparator group, England and its region, each year.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from analytics import ascof, councils
from analytics.compare import POLARITIES, format_number
from analytics.dataset import SUMMARY_FLAGS, Dataset
from analytics.errors import AnalysisError
from analytics.formatting import format_short, format_value
from analytics.notes import Note
from analytics.periods import financial_year_in_text, format_period

PER_POPULATION = 100_000
MIN_PEERS = 3  # a benchmarking table compares at least this many councils
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
    """Quartile of each rank; none with fewer than four councils (two peers have no 'third quartile') or when
    ``n`` is 0 (a measure with no better direction)."""
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
    values, so quartile 1 is the best quarter (with 151 councils, ranks 1 to 38); a neutral measure has no
    quartiles. Distance from the median: :math:`x - \\tilde{x}`, and
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
        warns.append(Note("This measure has no better direction, so rank 1 is simply the highest value.",
                          "no_polarity"))
    median, mean = float(ranked.median()), float(ranked.mean())
    table["rank"] = _ranks(table["value"], polarity)
    # a quartile says how good a council is: a measure with no better direction has none (only a rank by size)
    table["quartile"] = _quartiles(table["rank"], 0 if polarity == "neutral" else n)
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


# --- intervals ----------------------------------------------------------------------------------------------
Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson_interval(successes: float, trials: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion (as a fraction), as Fingertips uses for percentages.

    Notes
    -----
    Wilson, E. B. (1927) JASA 22, 209-212; Public Health England, "Technical Guide: Confidence Intervals"
    (2018), section 3: :math:`(2O + z^2 \\pm z \\sqrt{z^2 + 4O(1 - O/n)}) / (2(n + z^2))`.
    """
    if not trials > 0 or not 0 <= successes <= trials:
        return (math.nan, math.nan)
    root = z * math.sqrt(z * z + 4 * successes * (1 - successes / trials))
    denominator = 2 * (trials + z * z)
    return ((2 * successes + z * z - root) / denominator, (2 * successes + z * z + root) / denominator)


def poisson_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count, for rates; the lower limit of a zero count is 0.

    Notes
    -----
    Garwood, F. (1936) Biometrika 28, 437-442: :math:`\\chi^2_{\\alpha/2}(2O)/2` and
    :math:`\\chi^2_{1-\\alpha/2}(2O + 2)/2`. PHE's "Technical Guide: Confidence Intervals" (2018) uses this
    for rates, with Byar's approximation to it for large counts; the exact form is used here for all counts.
    """
    if not count >= 0:
        return (math.nan, math.nan)
    alpha = 1 - confidence
    lower = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count)) / 2
    return (lower, float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2)


SCALES = (1.0, 100.0, 1_000.0, 10_000.0, 100_000.0)  # a value is numerator / denominator times one of these
SCALE_TOLERANCE = 0.01


def interval_from_counts(value: float, numerator: float, denominator: float) -> tuple[float, float, str]:
    """The 95% interval of ``value`` from its numerator and denominator, and the method's name.

    The value's scale (a fraction, a percentage or a rate per 1,000 ... 100,000) is found from the three
    numbers; a fraction or percentage gets a Wilson interval, a rate the exact Poisson interval of its count.
    """
    if not (denominator > 0 and numerator >= 0 and math.isfinite(value)):
        return (math.nan, math.nan, "")
    ratio = numerator / denominator
    scale = next((s for s in SCALES if ratio > 0 and abs(value - s * ratio) <= SCALE_TOLERANCE * abs(value)),
                 None if ratio > 0 else (1.0 if value == 0 else None))
    if scale is None:
        return (math.nan, math.nan, "")
    if scale <= 100 and numerator <= denominator:
        low, high = wilson_interval(numerator, denominator)
        return (low * scale, high * scale, "Wilson score interval")
    low, high = poisson_interval(numerator)
    return (low / denominator * scale, high / denominator * scale, "exact Poisson interval")


# --- places and items ---------------------------------------------------------------------------------------
MIN_PLACE_SHARE = 0.5  # at least half a column's distinct labels are places (councils, aggregates, area codes)
MAX_PLACE_LABELS = 2_000  # the UK has about 450 local authority areas of every tier
AREA_CODE = re.compile(r"^\s*[EWSNK]\d{8}\b")  # a GSS code: a place, if not one with adult social care duties
_LIMIT = r"(?:(?:95\s*%\s*)?(?:ci|confidence\s+(?:intervals?|limits?)|interval|limit|bound|cl))"
METRIC_ROLES = {  # matched on the name in lower case with '_' as spaces, the figure's own name ('Measure_Value') too
    "lower": re.compile(rf"^(?:.*\b(?:lower\s+{_LIMIT}|{_LIMIT}\s*\(?lower\)?|lower)|lcl|lci|ll)$"),
    "upper": re.compile(rf"^(?:.*\b(?:upper\s+{_LIMIT}|{_LIMIT}\s*\(?upper\)?|upper)|ucl|uci|ul)$"),
    "moe": re.compile(rf"^(?:.*\b(?:margin\s+of\s+error|moe|\+/-|±|{_LIMIT}))(?:\s*\(95\s*%\))?$"),
    "value": re.compile(r"^(?:outcome|value|(?:indicator|measure|outcome)\s+value|rate|percentage|percent|score|"
                        r"proportion|figure)$"),
    "numerator": re.compile(r"^(?:.*\s)?numerator$|^count$"),
    "denominator": re.compile(r"^(?:.*\s)?denominator$|^base$|^population$"),
}


def metric_role(name: str) -> str | None:
    """What a figure of a long publication is: 'value', 'numerator', 'denominator', 'moe' (a margin of error,
    or a lone '95% confidence interval' figure, its half-width), 'lower' or 'upper', None if none of them."""
    text = re.sub(r"[\s_]+", " ", str(name)).strip().lower()
    return next((role for role, pattern in METRIC_ROLES.items() if pattern.match(text)), None)


AGE_BAND_PATTERNS = {"18-64": re.compile(r"18\s*(?:-|to|–)\s*64", re.I),
                     "65+": re.compile(r"65\s*(?:\+|and over|and older|or over|plus)|aged 65\b|over 65", re.I)}
ALL_AGES = "all ages"


@dataclass(frozen=True)
class Places:
    """The column of a frame that holds places, and what each of its labels is.

    ``places`` maps every matched label to its :class:`councils.Place`; ``unmatched`` are labels of the
    column that are neither councils with adult social care duties nor aggregates (districts, NHS trusts,
    typing slips), which are left out of the ranking and named in the warnings.
    """

    column: str
    places: dict[str, councils.Place]
    unmatched: tuple[str, ...]
    others: tuple[str, ...] = ()  # other columns that also hold places (a name beside a code)

    @property
    def councils(self) -> list[str]:
        return [label for label, place in self.places.items() if place.kind == "council"]

    @property
    def aggregates(self) -> list[str]:
        return [label for label, place in self.places.items() if place.kind == "aggregate"]


def _place_candidates(data: Dataset) -> list[str]:
    frame = data.frame
    columns = [c for c in ("council", *data.dimensions, "category") if c in frame.columns]
    return list(dict.fromkeys(columns))


def _read_column(frame: pd.DataFrame, column: str) -> Places | None:
    values = frame[column].dropna().unique()
    if len(values) > MAX_PLACE_LABELS:  # record IDs or dates, not places: not worth matching
        return None
    labels = [str(v).strip() for v in dict.fromkeys(map(str, values)) if str(v).strip()]
    matched = {label: place for label in labels if (place := councils.match(label)) is not None}
    return Places(column, matched, tuple(label for label in labels if label not in matched))


def find_places(data: Dataset) -> Places | None:
    """The column of places (councils and aggregates) in the frame, or None when it has none.

    A column is one of places when at least :data:`MIN_PEERS` councils and half of its distinct
    labels match the reference list; of several, the one with the most councils (the first on a tie).
    """
    found = []
    for column in _place_candidates(data):
        places = _read_column(data.frame, column)
        if places is None:
            continue
        n_labels = len(places.places) + len(places.unmatched)
        coded = sum(1 for label in places.unmatched if AREA_CODE.match(label))
        if len(places.councils) >= MIN_PEERS and len(places.places) + coded >= MIN_PLACE_SHARE * n_labels:
            found.append(places)
    if not found:
        return None
    best = max(found, key=lambda p: len(p.councils))
    return Places(best.column, best.places, best.unmatched, tuple(p.column for p in found if p is not best))


def is_place_table(data: Dataset) -> bool:
    """A table whose rows (or a dimension) are councils: the Benchmarking page's kind of table."""
    return find_places(data) is not None


def what_it_is(data: Dataset) -> str:
    """One sentence on what a table that cannot be benchmarked is, for the page that cannot use it."""
    frame = data.frame
    n = len(data.measures)
    if "period" in frame.columns and frame["period"].notna().any():
        span = f"{frame['period'].min():%b %Y} to {frame['period'].max():%b %Y}"
        shape = f"a time series of {n} measure(s) from {span}"
    else:
        rows = frame["category"].nunique() if "category" in frame.columns else 0
        shape = f"a table of {rows} row(s) by {n} measure(s)"
    return (f"'{data.source.filename}' is {shape}; its rows are not councils (none of its columns lists "
            f"at least {MIN_PEERS} English councils by name or code), so it cannot be benchmarked.")


def _metric_column(frame: pd.DataFrame, columns: list[str]) -> tuple[str, dict[str, str]] | None:
    """A dimension whose values are metric names (outcome, numerator, denominator, margin of error)."""
    for column in columns:
        values = [str(v).strip() for v in frame[column].dropna().unique()]
        roles = {v: role for v in values if (role := metric_role(v)) is not None}
        if values and len(roles) == len(values) and "value" in roles.values() and len(set(roles.values())) > 1:
            return column, roles
    return None


def age_band_of(item: str) -> str | None:
    """The age band an item is about ('... aged 65 and over' -> '65+'), None when it does not say."""
    return next((band for band, pattern in AGE_BAND_PATTERNS.items() if pattern.search(item)), None)


@dataclass(frozen=True)
class PlaceTable:
    """A table of places read for benchmarking: one row per item, period and place.

    ``rows`` has ``item``, ``measure``, ``period`` (NaT when the table has none), ``label`` (as in the file),
    ``name`` (the reference name), ``key`` (ONS code for councils; ``england``, ``region:<name>``,
    ``type:<name>`` for aggregates), ``kind``, ``value``, ``lower`` and ``upper`` (95% interval, NaN where the
    file allows none) and ``interval`` (its method).
    """

    rows: pd.DataFrame
    places: Places
    items: list[str]
    item_measure: dict[str, str]
    periods: list[pd.Timestamp]
    frequency: str | None
    warnings: tuple[str, ...]


def _breaks_down(frame: pd.DataFrame, column: str, place_column: str) -> bool:
    """Whether a dimension splits a measure (so it is part of the item) rather than describing the place.

    A column whose values are all places (the council-type heading a council sits under) or which gives each
    place its own values (a row identifier, a council code beside the name) says nothing the place does not,
    so items are not split by it.
    """
    values = frame[column].dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return False
    if all(councils.match(v) is not None for v in values.unique()):
        return False
    places = frame.loc[values.index, place_column]
    if (values.groupby(places).nunique() <= 1).all():  # one value a place: what it is ('Council', 'Region')
        return False
    return bool((places.groupby(values).nunique() > 1).any())


DESCRIPTION_WORDS = 3  # a column whose labels average this many words describes the item in full


def _generic(frame: pd.DataFrame) -> bool:
    """Whether the file's only measure is a figure's generic name ('Measure_Value', 'Value', 'Outcome')."""
    measures = frame["measure"].dropna().astype(str).unique()
    return len(measures) == 1 and metric_role(measures[0]) == "value"


def _describes_places(frame: pd.DataFrame, column: str) -> bool:
    values = frame[column].dropna().astype(str).str.strip()
    return bool(len(values)) and all(councils.match(v) is not None for v in values.unique())


def _described(frame: pd.DataFrame, extra: list[str]) -> bool:
    """Whether the item columns describe each item in full ('1A', 'Social care-related quality of life score')
    and the measure is only the figure's generic name ('Measure_Value'), which then adds nothing to it."""
    if not _generic(frame):
        return False
    return any(frame[c].dropna().astype(str).str.split().str.len().mean() >= DESCRIPTION_WORDS for c in extra)


def _item_names(frame: pd.DataFrame, extra: list[str], with_measure: bool = True) -> pd.Series:
    """'Measure: part: part'; without the measure when it is only the figure's name (see :func:`_described`)."""
    names = frame["measure"].astype(str) if with_measure else pd.Series("", index=frame.index)
    for column in extra:
        part = frame[column].fillna("").astype(str).str.strip()
        names = names.where(part == "", names.where(names == "", names + ": ") + part)
    return names


def place_table(data: Dataset) -> PlaceTable:
    """Read a table of places for benchmarking (see :class:`PlaceTable`); AnalysisError if it has none.

    Long publications (ASCOF's measures file) give each figure of a measure its own row ("Measure Type":
    Outcome, Numerator, Denominator, Margin of Error) or its own column (Measure_Value, Numerator,
    Denominator, 95% confidence limits): either way they are read into one row per item and place, with the
    interval the figures allow.
    """
    places = find_places(data)
    if places is None:
        raise AnalysisError(what_it_is(data))
    frame, info = _placed_rows(data.frame, places)
    ahead = frame["forecast"].fillna(False).astype(bool) if "forecast" in frame.columns else None
    if ahead is not None:  # the file's forecasts are not councils' results: none is ranked on them
        frame = frame[~ahead]
    skip = {places.column, *places.others, "period", "measure", "value", "flag", "label", "forecast"}
    dims = [c for c in frame.columns if c not in skip]
    metric = _metric_column(frame, dims) or _metric_column(frame, ["measure"])
    if metric is not None and metric[0] == "measure":  # the figures are the measures: one measure, its value
        column, roles = metric
        value_name = next(m for m, role in roles.items() if role == "value")
        frame = frame.assign(role=frame["measure"].astype(str).str.strip().map(roles), measure=value_name)
        metric = ("role", {role: role for role in roles.values()})
    extra = _item_columns(frame, [c for c in dims if metric is None or c != metric[0]])
    if not extra and _generic(frame):  # a file of one measure: its code and description are in every row
        extra = [c for c in dims if (metric is None or c != metric[0]) and frame[c].nunique() == 1
                 and not _describes_places(frame, c)]
    frame = frame.assign(item=_item_names(frame, extra, with_measure=not _described(frame, extra)))
    if "period" not in frame.columns:
        frame["period"] = pd.NaT
    frame["period"] = pd.to_datetime(frame["period"])
    keys = ["item", "measure", "period", "label"]
    if metric is not None:
        column, roles = metric
        frame = frame.assign(role=frame[column].astype(str).str.strip().map(roles))
        wide = frame.pivot_table(index=keys, columns="role", values="value", aggfunc="first", dropna=False,
                                 observed=True, sort=False).reset_index()
    else:
        wide = frame.groupby(keys, sort=False, dropna=False)["value"].first().reset_index()
    wide = _with_intervals(wide.dropna(subset=["item"]))
    wide["name"] = wide["label"].map(lambda label: info[label].name)
    wide["kind"] = wide["label"].map(lambda label: info[label].kind)
    wide["key"] = wide["label"].map(lambda label: _place_key(info[label]))
    with_councils = set(wide.loc[wide["kind"] == "council", "item"])  # an item of aggregates only ranks nobody
    wide = wide[wide["item"].isin(with_councils)].reset_index(drop=True)
    items, thin = _rankable_first(wide)
    periods = sorted(p for p in wide["period"].dropna().unique())
    warns = []
    if ahead is not None and ahead.any():
        warns.append(f"{int(ahead.sum())} value(s) the file marks as forecasts are not ranked.")
    if thin:
        warns.append(f"{len(thin)} of {len(items)} item(s) have values for fewer than two councils in every "
                     "period (suppressed or missing), so they cannot be ranked; they are listed last.")
    unmatched = [label for label in places.unmatched if label not in info]
    if unmatched:
        shown = ", ".join(unmatched[:5]) + ("..." if len(unmatched) > 5 else "")
        warns.append(f"{len(unmatched)} label(s) of '{places.column}' are not English councils with adult "
                     f"social care duties and are not ranked: {shown}.")
    measure_of = dict(zip(wide["item"], wide["measure"], strict=True))
    return PlaceTable(wide, places, items, measure_of, [pd.Timestamp(p) for p in periods], data.frequency,
                      tuple(warns))


def _rankable_first(wide: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The items in file order, those with values for at least two councils in some period first (a long,
    heavily suppressed publication's first item may have one), and those without."""
    valued = wide[(wide["kind"] == "council") & wide["value"].notna()]
    most = valued.groupby(["item", "period"], dropna=False, sort=False)["key"].nunique().groupby(level=0).max()
    items = list(dict.fromkeys(wide["item"]))
    thin = [item for item in items if most.get(item, 0) < 2]
    return [item for item in items if item not in thin] + thin, thin


NHS_LEVEL = re.compile(r"\b(?:icbs?|sub.?icb|ccgs?|stps?|trusts?|providers?|nhs|integrated care|hospitals?|"
                       r"commissioning|pcts?|health board)\b", re.I)


def _nhs_rows(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Rows a level column ('Geographical Level': Council, Region, ICB, Sub-ICB location) says are NHS
    organisations: a sub-ICB location named 'Trafford' is not Trafford council, so it is never ranked as one."""
    nhs = pd.Series(False, index=frame.index)
    for column in columns:
        text = frame[column].dropna().astype(str).str.strip()
        values = text.unique()
        if 1 < len(values) <= MAX_LEVELS and any(NHS_LEVEL.search(v) for v in values) \
                and any(COUNCIL_LEVEL.match(v) for v in values):
            nhs |= frame[column].astype(str).str.strip().str.contains(NHS_LEVEL) & frame[column].notna()
    return nhs


MAX_LEVELS = 12  # a column of geography levels has a few values (Council, Region, England, ICB, Trust)
COUNCIL_LEVEL = re.compile(r"^(?:councils?|local authorit(?:y|ies)|la|cassr|upper.tier (?:la|local authority)|"
                           r"utla|county|unitary authority)$", re.I)  # the level the council rows have


def _placed_rows(frame: pd.DataFrame, places: Places) -> tuple[pd.DataFrame, dict[str, councils.Place]]:
    """The rows that are places, each with its ``label``: the place column's, else that of another column of
    places in the same row (England's ONS code left blank beside its name), and what each label is. Rows a
    level column says are NHS organisations are left out (see :func:`_nhs_rows`)."""
    info = dict(places.places)
    dims = [c for c in frame.columns if c not in {places.column, *places.others, "period", "measure", "value",
                                                  "flag"} and not pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_datetime64_any_dtype(frame[c])]
    frame = frame[~_nhs_rows(frame, dims)]
    labels = frame[places.column].astype(str).str.strip()
    labels = labels.where(labels.isin(info))
    for other in places.others:
        if not labels.isna().any():
            break
        candidates = frame.loc[labels.isna(), other].astype(str).str.strip()
        found = {v: place for v in candidates.unique() if (place := councils.match(v)) is not None}
        info |= found
        labels = labels.fillna(candidates.where(candidates.isin(found)))
    return frame.assign(label=labels)[labels.notna()], info


def _item_columns(frame: pd.DataFrame, dims: list[str]) -> list[str]:
    """The dimensions that name an item: those that split a measure (see :func:`_breaks_down`), less those
    that say nothing the others do not (a 'Measure Group' number beside the ASCOF code, a row UUID beside the
    indicator and its characteristics): a column of numbers fixed by the measure and the others, or any column
    fixed by one other column (or the measure) that is not fixed by it (a group's description by the code)."""
    extra = [c for c in dims if _breaks_down(frame, c, "label")]
    text = {c: frame[c].fillna("").astype(str).str.strip() for c in ("measure", *extra)}
    for column in list(extra):
        if _is_code_like(text[column]) and _fixed_by(text, ["measure", *(c for c in extra if c != column)], column):
            extra.remove(column)
    for column in list(extra):
        if any(_fixed_by(text, [other], column) and not _fixed_by(text, [column], other)
               for other in ("measure", *extra) if other != column):
            extra.remove(column)
    return extra


_NUMBER_CODE = re.compile(r"^[\d.]{0,12}$")  # '92101', '1', '1.2': a row id or group number, no name


def _is_code_like(values: pd.Series) -> bool:
    return bool(values.str.match(_NUMBER_CODE).all())


def _fixed_by(text: dict[str, pd.Series], by: list[str], column: str) -> bool:
    """Whether ``column`` has one value for each combination of the ``by`` columns."""
    frame = pd.DataFrame({c: text[c] for c in (*by, column)})
    return bool((frame.groupby(by, sort=False)[column].nunique() <= 1).all())


def _place_key(place: councils.Place) -> str:
    if place.kind == "council":
        return place.council.key
    return "england" if place.level == "england" else f"{place.level}:{place.name}"


def _with_intervals(wide: pd.DataFrame) -> pd.DataFrame:
    for column in ("value", "numerator", "denominator", "moe", "lower", "upper"):
        if column not in wide.columns:
            wide[column] = np.nan
    wide = wide.astype({c: float for c in ("value", "numerator", "denominator", "moe", "lower", "upper")})
    method = pd.Series("", index=wide.index, dtype=object)
    given = wide["lower"].notna() & wide["upper"].notna()
    method[given] = "as published"
    moe = ~given & wide["moe"].notna() & wide["value"].notna()
    wide.loc[moe, "lower"] = wide.loc[moe, "value"] - wide.loc[moe, "moe"].abs()
    wide.loc[moe, "upper"] = wide.loc[moe, "value"] + wide.loc[moe, "moe"].abs()
    method[moe] = "margin of error as published"
    counts = ~given & ~moe & wide["numerator"].notna() & wide["denominator"].notna()
    for i in wide.index[counts]:
        low, high, name = interval_from_counts(wide.at[i, "value"], wide.at[i, "numerator"], wide.at[i, "denominator"])
        wide.at[i, "lower"], wide.at[i, "upper"] = low, high
        method[i] = name
    return wide.assign(interval=method)


# --- comparator groups --------------------------------------------------------------------------------------
GROUP_KINDS = ("england", "region", "type", "list")
TYPE_PLURALS = {"Unitary authority": "unitary authorities", "Metropolitan district": "metropolitan districts",
                "London borough": "London boroughs", "Shire county": "shire counties"}
NATIONAL_SHARE = 0.9  # a file with at least 90% of today's councils is a national table


@dataclass(frozen=True)
class Group:
    """Which councils are peers: all England, the council's region, its type, or a user's list of keys."""

    kind: str = "england"
    keys: frozenset[str] = frozenset()
    name: str = ""  # the list's name ("CIPFA nearest neighbours")
    scope: str = "England councils"  # what "all" means in this file: England, one region, or just the file

    def label(self, council: councils.Council | None) -> str:
        if self.kind == "region" and council is not None:
            return f"{council.region} councils"
        if self.kind == "type" and council is not None:
            return TYPE_PLURALS.get(council.council_type, "councils of its type")
        if self.kind == "list":
            return f"{self.name or 'councils in your list'}"
        return self.scope

    def contains(self, peer: councils.Council, council: councils.Council | None) -> bool:
        if self.kind == "region" and council is not None:
            return peer.region == council.region
        if self.kind == "type" and council is not None:
            return peer.council_type == council.council_type
        if self.kind == "list":
            return peer.key in self.keys or (council is not None and peer.key == council.key)
        return True


def read_council_list(text: str) -> tuple[frozenset[str], list[str]]:
    """Council keys from a pasted or uploaded list (one a line, or comma-separated), and the lines not known."""
    keys, unknown = set(), []
    for part in re.split(r"[\n\r;\t]+|,(?![^,]*\bof\b)", text):
        label = part.strip().strip('"')
        if not label:
            continue
        place = councils.match(label)
        if place is not None and place.council is not None:
            keys.add(place.council.key)
        elif label.lower() not in ("council", "name", "la", "local authority", "code", "area"):
            unknown.append(label)
    return frozenset(keys), unknown


# --- one council against its peers -------------------------------------------------------------------------
VERDICTS = ("better", "similar", "worse", "higher", "lower")


@dataclass(frozen=True)
class YearResult:
    """One period's comparison: the ranking among the group and the comparator figures."""

    period: pd.Timestamp | None
    result: BenchmarkResult
    england: float | None
    region: float | None
    council_type: float | None
    lower: float | None
    upper: float | None
    interval: str
    verdict: str | None  # better / similar / worse than England (higher / lower for a neutral measure)
    totals: frozenset[str] = frozenset()  # which of "england", "region", "council_type" are sums of councils

    def comparable(self, which: str) -> float | None:
        """England's ("england"), the region's or the council type's value when it is on the councils' scale
        (a rate, a percentage, an average), None when it is missing or a sum of councils."""
        value = {"england": self.england, "region": self.region, "council_type": self.council_type}[which]
        return None if which in self.totals else value


@dataclass(frozen=True)
class Comparison:
    """A council's standing on one item: each year's :class:`YearResult`, latest last.

    ``council`` is the user's council; ``shown_as`` the council in the file that stands for it (itself, or a
    predecessor in a file from before a reorganisation); ``table`` is the latest year's ranked peers with
    ``key``, ``lower`` and ``upper`` added.
    """

    item: str
    measure: str
    unit: str
    polarity: str
    group: str
    council: councils.Council | None
    shown_as: str | None
    region_name: str | None
    years: tuple[YearResult, ...]
    table: pd.DataFrame
    frequency: str | None
    notes: tuple[str, ...] = field(default=())

    @property
    def latest(self) -> YearResult:
        return self.years[-1]

    def lines(self) -> dict[str, float]:
        """The comparators a chart draws beside the councils, latest period: England and the region when they
        are on the councils' scale; a sum of councils (150 times any one of them) is said, not drawn."""
        latest = self.latest
        drawn = {"England": latest.comparable("england")}
        if self.region_name:
            drawn[self.region_name] = latest.comparable("region")
        return {name: value for name, value in drawn.items() if value is not None}

    def period_label(self, period: pd.Timestamp | None) -> str:
        return "" if period is None or pd.isna(period) else format_period(period, self.frequency or "FY")


@dataclass(frozen=True)
class Tile:
    """One summary tile: a label, a value short enough to show in full (None: nothing to show, a dash) and
    its help (the exact value as the sentences state it, or why there is none)."""

    label: str
    value: str | None
    help: str | None = None


CHOOSE_COUNCIL = "Choose your council in the sidebar to see its value, its region, its rank and quartile."


def summary_tiles(comparison: Comparison) -> tuple[Tile, ...]:
    """Your council, England, the region, the group median and the rank, as ``comparison`` holds them (a sum
    of councils is labelled a total). Money and large counts are shortened (£1.15bn) so that no tile is cut
    off; without a council, only England and the group median (the page says how to choose one)."""
    latest, r = comparison.latest, comparison.latest.result

    def tile(label: str, x: float | None) -> Tile:
        if x is None or not np.isfinite(x):
            return Tile(label, None, "Not in this file.")
        return Tile(label, format_short(x, comparison.unit), format_value(x, comparison.unit))

    def total(label: str, which: str) -> str:
        return f"{label} total" if which in latest.totals else label

    england, median = tile(total("England", "england"), latest.england), tile("Group median", r.median)
    if comparison.council is None:
        return england, median
    better = "highest" if comparison.polarity == "neutral" else "best"
    quarter = f"{QUARTILE_NAMES[r.quartile]} quartile; " if r.quartile else ""
    rank = (Tile(f"Rank of {r.n}", str(r.rank), f"{quarter}1 = {better}") if r.rank
            else Tile("Rank", None, "Not ranked: your council has no value for this measure."))
    return (tile(comparison.shown_as or "Your council", r.value), england,
            tile(total(comparison.region_name or "Region", "region"), latest.region), median, rank)


def _scope(council_rows: pd.DataFrame) -> str:
    """'England councils' for a national item, 'South East councils' for one region's, else 'councils in this file'."""
    found = [councils.by_key(key) for key in council_rows["key"].unique()]
    if len(found) >= NATIONAL_SHARE * len(councils.current()):
        return "England councils"
    regions = {c.region for c in found}
    return f"{regions.pop()} councils" if len(regions) == 1 else "councils in this file"


def stand_in(council: councils.Council, keys: set[str]) -> tuple[councils.Council | None, str | None]:
    """The council in a file (of ``keys``) that stands for ``council``, and a note when it is a predecessor."""
    if council.key in keys:
        return council, None
    for earlier in councils.predecessors_of(council):
        if earlier.key in keys:
            return earlier, (f"This file is from before {council.short_name} started ({council.start[:4]}): it "
                             f"shows {earlier.short_name}, which {council.short_name} replaced.")
    for later in councils.successors_of(council):
        if later.key in keys:
            return later, (f"This file is from after {council.short_name} ended: it shows its successor "
                           f"{later.short_name}.")
    return None, None


def compare(table: PlaceTable, item: str, council: councils.Council | str | None = None, *,
            group: Group | None = None, unit: str = "count", polarity: str = "neutral",
            population: pd.DataFrame | None = None, age_band: str | None = None) -> Comparison:
    """One council's value, England, its region, the group median, rank and quartile, each period.

    Parameters
    ----------
    table : PlaceTable
    item : str
        One of ``table.items``.
    council : Council or str, optional
        The user's council (a name or code is matched); None ranks without describing one council.
    group : Group, optional
        The comparator group (all England councils by default). Aggregates are never ranked.
    unit, polarity : str
        The measure's unit and polarity (rank 1 is the best).
    population : pd.DataFrame, optional
        Population by council key (index) and age band (columns), see :func:`population_by_council`; counts
        become rates per 100,000 of ``age_band``.

    Raises
    ------
    AnalysisError
        The item is unknown, or fewer than two peers have values in the latest period.

    Notes
    -----
    Better / similar / worse than England as Fingertips does it: similar when England's value lies within
    the council's 95% interval, otherwise better or worse by the measure's polarity (higher or lower for a
    neutral one). Without an interval there is no verdict, only the rank.
    """
    if item not in table.items:
        raise AnalysisError(f"There is no item '{item}' in this table.")
    if isinstance(council, str):
        council = councils.named(council) if council else None
    group = group or Group()
    rows = table.rows[table.rows["item"] == item]
    group = replace(group, scope=_scope(rows[rows["kind"] == "council"]))
    council_rows = rows[rows["kind"] == "council"]
    shown, note = stand_in(council, set(council_rows["key"])) if council is not None else (None, None)
    notes = [note] if note else []
    if council is not None and shown is None:
        notes.append(f"There is no row for {council.short_name} (or a council it replaced) in this table.")
    periods = [p for p in table.periods if p in set(rows["period"])] or [None]
    years = []
    for period in periods:
        year_rows = rows if period is None else rows[rows["period"] == period]
        try:
            years.append(_year(year_rows, period, shown, group, unit, polarity, population, age_band))
        except AnalysisError:
            if period == periods[-1] and not years:
                raise
    if not years:
        raise AnalysisError(f"'{item}' has values for fewer than two councils in every period.")
    latest = years[-1]
    peers = latest.result.table
    return Comparison(item, table.item_measure[item], "rate" if latest.result.per_100k else unit, polarity,
                      group.label(shown), council, shown.short_name if shown else None,
                      shown.region if shown else None, tuple(years), peers, table.frequency,
                      tuple(notes) + latest.result.warnings)


def _peer_values(rows: pd.DataFrame, shown, group: Group) -> pd.DataFrame:
    peers = rows[rows["kind"] == "council"].drop_duplicates("key")
    keep = [group.contains(councils.by_key(k), shown) for k in peers["key"]]
    peers = peers[keep]
    names = peers["name"].where(~peers["name"].duplicated(keep=False), peers["name"] + " (" + peers["label"] + ")")
    return peers.assign(name=names).set_index("name")


def _year(rows, period, shown, group, unit, polarity, population, age_band) -> YearResult:
    peers = _peer_values(rows, shown, group)
    values = peers["value"]
    pop = None
    if population is not None and unit == "count":
        band = age_band if age_band in population.columns else ALL_AGES
        if band in population.columns:
            pop = population[band].reindex(peers["key"]).set_axis(peers.index)
    name = peers.index[peers["key"] == shown.key][0] if shown is not None and (peers["key"] == shown.key).any() \
        else None
    result = benchmark(values, name, polarity, population=pop)
    table = result.table.assign(key=peers["key"], lower=peers["lower"], upper=peers["upper"])
    if pop is not None:
        scale = table["value"] / table["raw_value"]
        table = table.assign(lower=table["lower"] * scale, upper=table["upper"] * scale)
    result = BenchmarkResult(table, *[getattr(result, f) for f in BenchmarkResult.__dataclass_fields__
                                      if f != "table"])
    aggregates = rows[rows["kind"] == "aggregate"].set_index("key")["value"]

    def aggregate(key: str | None) -> float | None:
        if key is None or key not in aggregates.index or pd.isna(aggregates[key]) or pop is not None:
            return None
        return float(aggregates[key])

    england = aggregate("england")
    region = aggregate(f"region:{shown.region}" if shown is not None else None)
    kind = aggregate(f"type:{shown.council_type}" if shown is not None else None)
    totals = _totals(rows, {"england": england, "region": region, "council_type": kind}, shown)
    lower = upper = None
    interval = ""
    if name is not None and pd.notna(table.at[name, "lower"]):
        lower, upper = float(table.at[name, "lower"]), float(table.at[name, "upper"])
        interval = str(peers.at[name, "interval"])
    verdict = None if "england" in totals else _verdict(result.value, lower, upper, england, polarity)
    return YearResult(None if period is None else pd.Timestamp(period), result, england, region, kind, lower,
                      upper, interval, verdict, totals)


TOTAL_SHARE = 0.25  # a sum of councils is at least this share of the councils' sum in the file (some are missing)


def is_total(value: float, members: pd.Series) -> bool:
    """Whether an aggregate's value is the sum of its councils' values (a count, a spend) rather than a rate,
    a percentage or an average of them.

    An average of councils (weighted or not) and a median lie within their range; a sum of two or more lies
    above the largest. So an aggregate above every one of its councils (below, for negative values) and of the
    order of their sum (at least :data:`TOTAL_SHARE` of it: a file may lack some councils, or a sub-group such
    as Inner London may be matched against all London boroughs) is a total. Fewer than two councils: no test.
    """
    members = pd.to_numeric(members, errors="coerce").dropna()
    if len(members) < 2 or value is None or not math.isfinite(value):
        return False
    if (members <= 0).all() and (members < 0).any():
        members, value = -members, -value
    elif (members < 0).any():  # mixed signs (net spend): only a value close to the sum is one
        return bool(abs(value - members.sum()) <= 0.01 * members.abs().sum())
    return bool(value > members.max() and value >= TOTAL_SHARE * members.sum())


def _totals(rows: pd.DataFrame, comparators: dict[str, float | None], shown) -> frozenset[str]:
    """Which of England, the region and the council type are sums of the councils they cover, read from the
    values (see :func:`is_total`): a sum is not drawn on the councils' scale nor tested against a council."""
    peers = rows[rows["kind"] == "council"].drop_duplicates("key")
    found = [councils.by_key(k) for k in peers["key"]]
    covers = {"england": [True] * len(found),
              "region": [shown is not None and c.region == shown.region for c in found],
              "council_type": [shown is not None and c.council_type == shown.council_type for c in found]}
    values = peers["value"].to_numpy(dtype=float)
    return frozenset(name for name, value in comparators.items()
                     if value is not None and is_total(value, pd.Series(values[covers[name]])))


def _verdict(value, lower, upper, england, polarity) -> str | None:
    if value is None or lower is None or upper is None or england is None:
        return None
    if lower <= england <= upper:
        return "similar"
    higher = value > england
    if polarity == "neutral":
        return "higher" if higher else "lower"
    return "better" if higher == (polarity == "higher_is_better") else "worse"


# --- population ---------------------------------------------------------------------------------------------
POPULATION_NAME = re.compile(r"population", re.I)
_SINGLE_AGE = re.compile(r"^(?:age\s*)?(\d{1,3})(?:\+| and over)?$", re.I)
_ALL_AGES_NAME = re.compile(r"all\s+ages|total\s+population|all\s+persons|^population$", re.I)
OLDEST_SINGLE_AGE = 90  # ONS mid-year estimates end at "90" meaning 90 and over


def population_by_council(data: Dataset) -> pd.DataFrame | None:
    """Population by council key and age band ("18-64", "65+", "all ages") from a population table, or None.

    Reads an ONS mid-year estimate by single year of age (measures "0" ... "90", summed into the bands) or a
    table whose measures name the bands ("Population 18-64"). Councils are matched by code or name.
    """
    places = find_places(data)
    if places is None:
        return None
    frame = data.frame[data.frame[places.column].astype(str).str.strip().isin(places.councils)]
    frame = frame[~frame["flag"].isin(("aggregate",))]
    keys = frame[places.column].astype(str).str.strip().map(lambda label: places.places[label].council.key)
    by_measure = frame.assign(key=keys).pivot_table(index="key", columns="measure", values="value",
                                                    aggfunc="first", observed=True)
    ages = {m: int(a.group(1)) for m in by_measure.columns if (a := _SINGLE_AGE.match(str(m).strip()))}
    bands: dict[str, pd.Series] = {}
    if len(ages) >= OLDEST_SINGLE_AGE:
        def total(low: int, high: int) -> pd.Series:
            return by_measure[[m for m, age in ages.items() if low <= age <= high]].sum(axis=1, min_count=1)

        bands = {"18-64": total(18, 64), "65+": total(65, 200)}
    else:
        for band, pattern in AGE_BAND_PATTERNS.items():
            match = [m for m in by_measure.columns if POPULATION_NAME.search(str(m)) and pattern.search(str(m))]
            if match:
                bands[band] = by_measure[match[0]]
    whole = [m for m in by_measure.columns if _ALL_AGES_NAME.search(str(m))]
    if whole:
        bands[ALL_AGES] = by_measure[whole[0]]
    return pd.DataFrame(bands).astype(float) if bands else None


# --- reading a benchmarking sheet ----------------------------------------------------------------------------
YOUR_COUNCIL = re.compile(r"(?i:your council):?\s*([A-Z][\w'.&-]*(?:\s+(?:and\s+|upon\s+|on\s+)?[A-Z][\w'.&-]*)*)")
PEER_AVERAGE = re.compile(r"^(.*\S)\s+(?:average|mean|median)$", re.I)


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
    if "category" not in frame.columns:
        raise AnalysisError("This table has no rows of councils to compare (it is a time series).")
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


def suggested_council(data: Dataset) -> councils.Council | None:
    """The council a sheet says it is for ("Your council: West Sussex" in its title), or None."""
    found = YOUR_COUNCIL.search(data.source.title)
    place = councils.match(found.group(1).strip()) if found else None
    return place.council if place is not None else None


def over_time(comparison: Comparison) -> pd.DataFrame:
    """One row per period: the council's value and interval, England, region, group median, rank, n, verdict."""
    rows = []
    for year in comparison.years:
        r = year.result
        rows.append({"period": year.period, "value": r.value, "lower": year.lower, "upper": year.upper,
                     "england": year.england, "region": year.region, "group_median": r.median, "rank": r.rank,
                     "n": r.n, "quartile": r.quartile, "verdict": year.verdict})
    return pd.DataFrame(rows)


def trend_lines(comparison: Comparison) -> pd.DataFrame:
    """period / series / value (/ rank / n) rows for the over-time chart: council, England (when it is on the
    councils' scale), group median."""
    table = over_time(comparison)
    council = comparison.shown_as or "Council"
    england = [y.comparable("england") for y in comparison.years]  # a sum of councils is not on their scale
    parts = [table.assign(series=council)[["period", "series", "value", "rank", "n"]],
             table.assign(series="England", value=pd.Series(england, dtype=float))[["period", "series", "value"]],
             table.assign(series=f"Median of {comparison.group}", value=table["group_median"])[
                 ["period", "series", "value"]]]
    return pd.concat(parts, ignore_index=True)


def measure_info(data: Dataset, table: PlaceTable, item: str):
    """Unit and polarity of an item: the dataset's (the catalogue's or the user's), or ASCOF's when the
    catalogue did not know the measure, its code read in the numbering of the item's latest year."""
    info = data.measures[table.item_measure[item]]
    if info.known_as:
        return info
    periods = table.rows.loc[table.rows["item"] == item, "period"].dropna()
    year = periods.max() if len(periods) else year_of(data)
    return ascof.describe(item, info, None if year is None else year.year - (year.month < 4))


def year_of(data: Dataset) -> pd.Timestamp | None:
    """1 April of the financial year a single-year table is for, from its title, sheet or file name."""
    for text in (data.source.title, data.source.sheet or "", data.source.filename):
        year = financial_year_in_text(text.replace("_", " "))
        if year is not None:
            return pd.Timestamp(year, 4, 1)
    return None


def stack_years(tables: list[tuple[Dataset, PlaceTable]]) -> PlaceTable:
    """Several files of one publication (different years) as one table with a period per file.

    A file without a period column takes its year from its title, sheet or name ("2012-13"); an item keeps
    its name across files only when it is spelt the same. AnalysisError when two files are for the same year
    or a file's year cannot be told.
    """
    parts, seen = [], {}
    for data, table in tables:
        rows = table.rows
        if rows["period"].isna().all():
            year = year_of(data)
            if year is None:
                raise AnalysisError(f"'{data.source.filename}' does not say which year it is for, so it cannot be "
                                    "set beside the other files.")
            rows = rows.assign(period=year)
        for period in rows["period"].dropna().unique():
            if period in seen:
                raise AnalysisError(f"'{data.source.filename}' and '{seen[period]}' are both for "
                                    f"{format_period(pd.Timestamp(period), 'FY')}: choose one of them.")
            seen[period] = data.source.filename
        parts.append(rows)
    first = tables[0][1]
    rows = pd.concat(parts, ignore_index=True)
    items = list(dict.fromkeys(rows["item"]))
    measure_of = dict(zip(rows["item"], rows["measure"], strict=False))
    places = Places(first.places.column, {k: v for _, t in tables for k, v in t.places.places.items()},
                    tuple(dict.fromkeys(u for _, t in tables for u in t.places.unmatched)))
    warns = tuple(dict.fromkeys(w for _, t in tables for w in t.warnings))
    return PlaceTable(rows, places, items, measure_of, sorted(pd.Timestamp(p) for p in seen),
                      first.frequency or "FY", warns)
