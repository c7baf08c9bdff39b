"""ASCOF publications as they are laid out, read for benchmarking: each test builds a small file by hand in
the layout of a real release (columns, figure names, geography levels, codes) and checks ranks, intervals and
verdicts against figures computed here from the same cells.

Layouts, from the published files:
- NHS Digital "Measures from the ASCOF" CSV (2014-15 to 2022-23): one row per measure x disaggregation x figure
  x geography; the figure in "Measure Type" (Outcome, Numerator, Denominator, Margin of Error) and its number
  in "Measure_Value"; "Geographical Level" Council / Region / England.
- The 2023-24 release (new numbering): one row per measure x disaggregation x geography with the figures as
  columns: Measure_Value, Numerator, Denominator, 95% confidence interval limits.
"""

from __future__ import annotations

import csv
import io

import pytest
from statsmodels.stats.proportion import proportion_confint

import analytics
from analytics import ascof, benchmark, commentary
from analytics.catalogue import MeasureInfo

# (old code, ONS code, name, region)
PLACES = [("312", "E08000009", "Trafford", "North West"), ("311", "E08000007", "Stockport", "North West"),
          ("310", "E08000010", "Wigan", "North West"), ("820", "E10000016", "Kent", "South East"),
          ("870", "E10000032", "West Sussex", "South East"), ("503", "E10000019", "Lincolnshire", "East Midlands")]
SCRQOL = {"Trafford": (18.8, 0.4), "Stockport": (19.6, 0.3), "Wigan": (19.0, 0.5), "Kent": (18.9, 0.3),
          "West Sussex": (19.4, 0.3), "Lincolnshire": (19.3, 0.4), "North West": (19.1, 0.2), "England": (19.2, 0.1)}
REABLEMENT = {"Trafford": (160, 200), "Stockport": (300, 340), "Wigan": (250, 300), "Kent": (700, 850),
              "West Sussex": (380, 460), "Lincolnshire": (420, 520), "North West": (9_000, 11_000),
              "England": (68_000, 82_000)}
ADMISSIONS = {"Trafford": (20, 140_000), "Stockport": (25, 170_000), "Wigan": (30, 190_000), "Kent": (150, 950_000),
              "West Sussex": (70, 480_000), "Lincolnshire": (60, 420_000), "North West": (900, 4_500_000),
              "England": (14_000, 34_000_000)}
NHSD_HEADER = ["Measure Group", "Measure Group Description", "ASCOF Measure Code", "Measure Description",
               "Disaggregation Level", "Measure Type", "Geographical Code", "Geographical Description",
               "Geographical Level", "ONS Code", "Measure_Value"]
GROUPS = {"1": "Enhancing quality of life for people with care and support needs",
          "2": "Delaying and reducing the need for care and support"}


def _geographies():
    yield from ((old, ons, name, "Council") for old, ons, name, _ in PLACES)
    yield "E12000002", "E12000002", "North West", "Region"
    yield "E92000001", "E92000001", "England", "England"


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def nhs_digital_long() -> bytes:
    """The 2014-15 to 2022-23 layout: one figure a row, named in Measure Type."""
    rows = []
    for code, ons, name, level in _geographies():
        where = [code, name, level, ons]
        value, moe = SCRQOL[name]
        measure = ["1", GROUPS["1"], "1A", "Social care-related quality of life score", "Total"]
        rows += [[*measure, "Outcome", *where, value], [*measure, "Margin of Error", *where, moe]]
        measure = ["1", GROUPS["1"], "1B", "The proportion of people who use services who have control over their "
                   "daily life", "Total"]
        rows += [[*measure, "Outcome", *where, round(value * 4, 1)]]
        num, den = REABLEMENT[name]
        measure = ["2", GROUPS["2"], "2B(1)", "Proportion of older people (65 and over) who were still at home 91 "
                   "days after discharge from hospital into reablement/rehabilitation services", "Total"]
        rows += [[*measure, "Numerator", *where, num], [*measure, "Denominator", *where, den],
                 [*measure, "Outcome", *where, round(100 * num / den, 1)]]
        num, den = ADMISSIONS[name]
        measure = ["2", GROUPS["2"], "2A(1)", "Long-term support needs of younger adults (aged 18-64) met by "
                   "admission to residential and nursing care homes, per 100,000 population", "Total"]
        rows += [[*measure, "Numerator", *where, num], [*measure, "Denominator", *where, den],
                 [*measure, "Outcome", *where, round(100_000 * num / den, 1)]]
    return _csv(NHSD_HEADER, rows)


@pytest.fixture(scope="module")
def nhsd():
    data = analytics.load(nhs_digital_long(), filename="meas-from-asc-of-eng-ascof.csv")
    return data, benchmark.place_table(data)


def _item(table, code: str) -> str:
    return next(i for i in table.items if i.startswith(f"{code}:"))


def test_nhs_digital_long_file_items_are_code_and_description_without_the_group(nhsd):
    _, table = nhsd
    assert _item(table, "1A") == "1A: Social care-related quality of life score"  # 'Total' is in every row
    assert len(table.items) == 4 and not any(GROUPS["1"] in i or GROUPS["2"] in i for i in table.items)
    assert set(table.rows["kind"]) == {"council", "aggregate"}  # England and the region are comparators


def test_nhs_digital_long_file_margin_of_error_gives_the_fingertips_verdict(nhsd):
    data, table = nhsd
    item = _item(table, "1A")
    info = benchmark.measure_info(data, table, item)
    assert (info.unit, info.polarity, info.known_as) == ("rate", "higher_is_better", "ascof:1A")
    england = SCRQOL["England"][0]
    for council, (value, moe) in SCRQOL.items():
        if council in ("England", "North West"):
            continue
        c = benchmark.compare(table, item, council, unit=info.unit, polarity=info.polarity)
        verdict = "similar" if value - moe <= england <= value + moe else "better" if value > england else "worse"
        rank = 1 + sum(v > value for name, (v, _) in SCRQOL.items() if name not in ("England", "North West"))
        assert (c.latest.verdict, c.latest.result.rank, c.latest.england) == (verdict, rank, england), council
        assert (c.latest.lower, c.latest.upper) == pytest.approx((value - moe, value + moe))
        assert c.lines() == {"England": england, **({"North West": 19.1} if council in ("Trafford", "Stockport",
                                                                                          "Wigan") else {})}
    text = commentary.describe_comparison(benchmark.compare(table, item, "Trafford", unit=info.unit,
                                                            polarity=info.polarity))[0].text
    assert text.startswith("1A: Social care-related quality of life score: Trafford 18.8 (95% interval 18.4 "
                           "to 19.2), England 19.2: similar to England")


def test_nhs_digital_long_file_numerator_and_denominator_give_wilson_and_poisson_intervals(nhsd):
    data, table = nhsd
    item = _item(table, "2B(1)")
    info = benchmark.measure_info(data, table, item)
    assert (info.unit, info.polarity) == ("percent", "higher_is_better")
    c = benchmark.compare(table, item, "Trafford", unit=info.unit, polarity=info.polarity)
    low, high = proportion_confint(160, 200, method="wilson")
    assert (c.latest.lower, c.latest.upper) == pytest.approx((100 * low, 100 * high), abs=0.06)  # value rounded
    assert c.latest.verdict == "similar"  # England 82.9% lies in Trafford's 74.0% to 84.7%
    item = _item(table, "2A(1)")
    info = benchmark.measure_info(data, table, item)
    assert (info.unit, info.polarity, info.known_as) == ("rate", "lower_is_better", "ascof:2A(1)")
    c = benchmark.compare(table, item, "Kent", unit=info.unit, polarity=info.polarity)
    rates = {name: 100_000 * n / d for name, (n, d) in ADMISSIONS.items() if name not in ("England", "North West")}
    assert c.latest.result.rank == 1 + sum(r < rates["Kent"] for r in rates.values())  # fewer admissions is better
    assert c.latest.interval == "exact Poisson interval" and c.latest.lower < c.latest.result.value < c.latest.upper


NEW_HEADER = ["ASCOF Measure Code", "Measure Description", "Disaggregation Level", "Geographical Code",
              "Geographical Description", "Geographical Level", "ONS Code", "Measure_Value", "Numerator",
              "Denominator", "Measure_Value 95% confidence interval lower",
              "Measure_Value 95% confidence interval upper"]


def figures_as_columns(code: str, description: str, *, england_code: str = "E92000001") -> bytes:
    """The 2023-24 layout: one row a geography, the figures as columns, the interval as published."""
    rows = []
    for old, ons, name, level in _geographies():
        num, den = REABLEMENT[name]
        value = round(100 * num / den, 1)
        low, high = (round(100 * x, 1) for x in proportion_confint(num, den, method="wilson"))
        rows.append([code, description, "Total", old, name, level, ons if name != "England" else england_code,
                     value, num, den, low, high])
    return _csv(NEW_HEADER, rows)


def test_figures_as_columns_with_published_confidence_limits():
    data = analytics.load(figures_as_columns("2D", "The proportion of older people (aged 65 and over) who were "
                                             "still at home 91 days after discharge from hospital into "
                                             "reablement"), filename="ascof-2023-24.csv")
    table = benchmark.place_table(data)
    assert len(table.items) == 1 and table.items[0].startswith("2D: The proportion of older people")
    info = benchmark.measure_info(data, table, table.items[0])
    assert (info.unit, info.polarity, info.known_as) == ("percent", "higher_is_better", "ascof:2D")  # new number
    c = benchmark.compare(table, table.items[0], "Stockport", unit=info.unit, polarity=info.polarity)
    low, high = proportion_confint(300, 340, method="wilson")
    assert c.latest.interval == "as published"
    assert (c.latest.lower, c.latest.upper) == (round(100 * low, 1), round(100 * high, 1))
    assert c.latest.verdict == "better" and c.latest.england == round(100 * 68_000 / 82_000, 1)


def test_england_without_an_ons_code_is_found_by_its_other_code():
    data = analytics.load(figures_as_columns("2D", "Still at home 91 days after discharge from hospital into "
                                             "reablement", england_code="N/A"), filename="ascof.csv")
    c = benchmark.compare(benchmark.place_table(data), benchmark.place_table(data).items[0], "Kent",
                          unit="percent", polarity="higher_is_better")
    assert c.latest.england == round(100 * 68_000 / 82_000, 1) and c.latest.result.n == len(PLACES)


@pytest.mark.parametrize(("filename", "polarity", "known_as"), [
    ("ascof-measures-2023-24.csv", "higher_is_better", "ascof:2A"),  # short-term support, no further request
    ("ascof-measures-2021-22.csv", "lower_is_better", "ascof:2A"),  # 2A(1) and 2A(2), admissions to care homes
    ("ascof-measures.csv", "neutral", None),  # no year: the two meanings disagree, so no polarity is made up
])
def test_a_bare_code_is_read_in_the_numbering_of_the_files_year(filename, polarity, known_as):
    data = analytics.load(figures_as_columns("2A", "Total"), filename=filename)
    table = benchmark.place_table(data)
    info = benchmark.measure_info(data, table, table.items[0])
    assert (info.polarity, info.known_as) == (polarity, known_as)


@pytest.mark.parametrize(("code", "year", "expected"), [
    ("2A", 2023, ("2D", "higher_is_better")), ("2B", 2023, ("2A(1)", "lower_is_better")),
    ("2C", 2023, ("2A(2)", "lower_is_better")), ("2D", 2023, ("2B(1)", "higher_is_better")),
    ("2E", 2023, ("2E", "higher_is_better")), ("2E", 2022, None),
    ("2B", 2022, ("2B(2)", "higher_is_better")), ("2C", 2022, ("2C", "lower_is_better")),
    ("2A(2)", None, ("2A(2)", "lower_is_better")), ("2B", None, None), ("2C", None, ("2C", "lower_is_better")),
    ("1A", None, ("1A", "higher_is_better")), ("4B", 2024, ("4B", "higher_is_better")),
])
def test_old_and_new_numbering(code, year, expected):
    measure = ascof.lookup(f"ASCOF {code}", year)
    assert (None if measure is None else (measure.code, measure.polarity)) == expected


def test_descriptions_win_over_codes_and_the_new_measures_are_known():
    fallback = MeasureInfo()
    new = ascof.describe("2E The proportion of people who receive long-term support who live in their home or "
                         "with family", fallback, 2023)
    assert (new.unit, new.polarity, new.known_as) == ("percent", "higher_is_better", "ascof:2E")
    old = ascof.describe("2A: Long-term support needs of older adults (aged 65 and over) met by admission to "
                         "residential and nursing care homes, per 100,000 population", fallback, 2023)
    assert (old.polarity, old.known_as) == ("lower_is_better", "ascof:2C")  # its new code in a 2023-24 file
    assert ascof.describe("Number of staff", fallback) is fallback


YEARS = {"2021-22": {"Trafford": 18.8, "Stockport": 19.6, "Wigan": 19.0, "Kent": 18.9, "England": 19.1},
         "2022-23": {"Trafford": 19.5, "Stockport": 19.2, "Wigan": 18.7, "Kent": 19.0, "England": 19.0}}
CODES = {name: (old, ons) for old, ons, name, _ in PLACES} | {"England": ("E92000001", "E92000001")}


def several_years(*, nhs_rows: bool = False) -> bytes:
    """Several years in one long file ('Year' column), as the time-series releases give them; optionally with
    sub-ICB rows named like a council, as NHS files at more than one level do."""
    rows = []
    for year, values in YEARS.items():
        for name, value in values.items():
            level = "England" if name == "England" else "Council"
            rows.append([year, "1A", "Social care-related quality of life score", *CODES[name], name, level, value])
        if nhs_rows:
            rows.append([year, "1A", "Social care-related quality of life score", "02A", "E38000187", "Trafford",
                         "Sub-ICB location", 25.0])
            rows.append([year, "1A", "Social care-related quality of life score", "QOP", "E54000057",
                         "NHS Greater Manchester ICB", "ICB", 24.0])
    return _csv(["Year", "ASCOF Measure Code", "Measure Description", "Geographical Code", "ONS Code",
                 "Geographical Description", "Geographical Level", "Measure_Value"], rows)


@pytest.mark.parametrize("nhs_rows", (False, True))
def test_several_years_in_one_file_rank_each_year_and_nhs_rows_are_not_councils(nhs_rows):
    data = analytics.load(several_years(nhs_rows=nhs_rows), filename="ascof-time-series.csv")
    table = benchmark.place_table(data)
    assert len(table.items) == 1 and len(table.periods) == 2
    c = benchmark.compare(table, table.items[0], "Trafford", unit="rate", polarity="higher_is_better")
    ranks = [1 + sum(v > values["Trafford"] for n, v in values.items() if n != "England") for values in YEARS.values()]
    assert [y.result.rank for y in c.years] == ranks == [4, 1]
    assert [y.result.n for y in c.years] == [4, 4]  # the sub-ICB 'Trafford' and the ICB are not ranked
    assert [y.england for y in c.years] == [19.1, 19.0] and [y.result.value for y in c.years] == [18.8, 19.5]
    said = commentary.describe_comparison(c)
    assert "rank each year: 2021/22 4th of 4, 2022/23 1st of 4; Trafford from 18.8 to 19.5; England from 19.1 to " \
           "19.0" in said[1].text
