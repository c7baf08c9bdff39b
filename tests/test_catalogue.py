"""The catalogue: measure names to unit, polarity and key, first match wins; units from names and Unit cells."""

from __future__ import annotations

import pytest

from analytics import catalogue, vocabulary
from analytics.catalogue import MeasureInfo, describe, explain, unit_from_name, unit_from_word


@pytest.mark.parametrize(("name", "unit", "polarity"), [
    ("Calls answered", "count", None),
    ("% of people using direct payments", "percent", None),
    ("Deaths registered", "count", "lower_is_better"),
    ("Emergency Admissions: Total patients waiting >4 hours from decision to admit", "count", "lower_is_better"),
    ("Something nobody catalogued", "count", "neutral"),
])
def test_describe_gives_unit_and_polarity(name, unit, polarity):
    info = describe(name)
    assert info.unit == unit and info.unit in vocabulary.UNITS and info.polarity in vocabulary.POLARITIES
    if polarity is not None:
        assert info.polarity == polarity


def test_a_percentage_of_a_known_count_keeps_its_polarity_and_key():
    count, share = describe("Deaths registered"), describe("% deaths registered")
    assert share.unit == "percent" and share.polarity == count.polarity and share.known_as == count.known_as


@pytest.mark.parametrize(("text", "unit"), [("Rate per 100,000 population", "rate"), ("% aged 65+", "percent"),
                                            ("Gross spend £000", "currency_thousands"), ("Calls", None),
                                            ("Incomplete RTT pathways Median wait (weeks)", "weeks"),
                                            ("92nd percentile (weeks)", "weeks"), ("Length of stay (in days)", "days"),
                                            ("No. within 18 weeks", None), ("% within 18 weeks", "percent")])
def test_unit_from_name(text, unit):
    assert unit_from_name(text) == unit


@pytest.mark.parametrize(("text", "unit"), [("%", "percent"), ("Number", "count"), ("£000", "currency_thousands"),
                                            ("per 100,000", "rate"), ("days", "days"), ("Weeks", "weeks"),
                                            ("blue", None)])
def test_unit_from_a_unit_cell(text, unit):
    assert unit_from_word(text) == unit


def test_a_time_unit_the_name_states_wins_over_the_catalogue_entry_s_count():
    # 'wait' makes it a waiting measure (a count of people waiting); '(weeks)' says what the values are
    info = catalogue.describe("Incomplete RTT pathways Median wait (weeks)")
    assert (info.unit, info.polarity, info.known_as) == ("weeks", "lower_is_better", "waiting")


def test_every_entry_uses_the_vocabulary_and_keys_are_listed_once():
    assert all(e.unit in vocabulary.UNITS and e.polarity in vocabulary.POLARITIES for e in catalogue.CATALOGUE)
    assert len(catalogue.CATALOGUE_KEYS) == len(set(catalogue.CATALOGUE_KEYS))
    assert set(catalogue.POLARITY_WORDS) == set(vocabulary.POLARITIES)


def test_explain_says_where_the_polarity_came_from():
    info = describe("Deaths registered")
    assert explain("Deaths registered", info) == "matched 'Deaths': lower is better"  # the words as written
    assert explain("Deaths registered", info, by_user=True) == "set by you: lower is better"
    assert explain("Unknown", MeasureInfo()) == "no catalogue match: neither direction is better"
    assert explain("Deaths registered", MeasureInfo(polarity="neutral")) == \
        "read from the file: neither direction is better"


def test_a_rank_is_never_a_percentage():
    from analytics.catalogue import unit_from_name

    assert unit_from_name("IMD - Rank of proportion of LSOAs in most deprived 10% nationally") == "count"
    assert unit_from_name("IMD - Proportion of LSOAs in most deprived 10% nationally") == "percent"
    assert unit_from_name("Percentage ranked first") == "percent"


@pytest.mark.parametrize(("name", "key", "polarity"), [
    ("New RTT periods: No. of new RTT periods", "requests", "neutral"),  # clock starts: demand, a flow in
    ("Admitted (unadjusted) RTT pathways: No. of pathways (all)", "completed_pathways", "neutral"),  # a flow out
    ("Admitted (unadjusted) RTT pathways: Median wait (weeks)", "waiting", "lower_is_better"),
    ("Incomplete RTT pathways: Total waiting (mil)", "waiting", "lower_is_better"),  # the waiting list: a stock
])
def test_rtt_flows_are_not_waiting_lists(name, key, polarity):
    info = describe(name)
    assert (info.known_as, info.polarity) == (key, polarity)


def test_a_section_heading_in_capitals_does_not_decide_what_a_measure_is():
    name = "ASSESSMENTS, REVIEWS AND SERVICES: People receiving services at 31 March: A4.1 Home care"
    assert describe(name).known_as is None  # people receiving home care are not assessments completed
    assert describe("ASSESSMENTS").known_as == "assessments"  # a name that is all heading is read as it is


@pytest.mark.parametrize(("name", "unit"), [
    ("Number of jobs (thousand)", "count_thousands"), ("Population ('000s)", "count_thousands"),
    ("Total waiting (mil)", "count_millions"), ("Gross cost (thousands)", "currency_thousands"),
    ("Number of jobs", "count"),
])
def test_a_count_scale_in_brackets_is_the_unit(name, unit):
    assert describe(name).unit == unit


def test_a_count_scale_the_values_cannot_bear_is_a_plain_count():
    from analytics.catalogue import checked_scale

    stated = describe("Total waiting (mil)")
    assert checked_scale(stated, 7.07).unit == "count_millions"
    assert checked_scale(stated, 7_071_829).unit == "count"  # 7 million million people: the values are people
    assert checked_scale(describe("Number of jobs (thousand)"), 22_447).unit == "count_thousands"


@pytest.mark.parametrize(("name", "unit", "key"), [
    # PSS-EX1 activity: weeks of care and residents counted, money words in what is excluded ('full cost paying')
    ("Number of weeks spent in nursing homes by residents whose full costs are included under expenditure",
     "count", "admissions"),
    ("Numbers of people resident in residential or nursing care excluding full cost paying residents", "count",
     "admissions"),
    ("Number of people receiving direct payments", "count", "direct_payments"),
    ("Gross expenditure", "currency", "spend"), ("Number of £ transactions", "currency", "spend"),
])
def test_a_number_of_things_is_a_count_whatever_money_words_it_names(name, unit, key):
    info = describe(name)
    assert (info.unit, info.known_as) == (unit, key)



@pytest.mark.parametrize(("name", "unit"), [
    ("GDP deflator at market prices: 2022-23 = 100", "index"), ("Price index (2015=100)", "index"),
    ("GDP deflator at market prices: per cent change on previous year", "percent"),  # a % change of an index
    ("Total value of DPAs during the year", "currency"), ("Total value of direct payments", "currency"),
    ("Net expenditure on home care", "currency"),
    ("Number of weeks whose full costs are included under expenditure", "count"),  # counts weeks
    ("Rate", "percent"), ("Rank of spend", "count"),  # a share's words: a percent for now (see checked_percent)
])
def test_an_index_and_money_are_what_the_name_says(name, unit):
    assert describe(name).unit == unit


def test_money_named_over_a_count_entry_is_neutral_spend():
    assert (describe("Total value of direct payments").polarity, describe("Direct payments").polarity) == (
        "neutral", "higher_is_better")


def test_a_share_s_words_are_a_percent_only_when_the_values_are():
    import pandas as pd

    from analytics.catalogue import checked_percent

    rate = describe("Rate")
    assert checked_percent("Rate", rate, pd.Series([452.3, 510.9])).unit == "rate"  # per 100,000
    assert checked_percent("Rate", rate, pd.Series([0.52, 0.61, None])).unit == "percent"
    assert checked_percent("Rate", rate, pd.Series([52.0, 61.0])).unit == "percent"
    assert checked_percent("Growth (%)", describe("Growth (%)"), pd.Series([150.0])).unit == "percent"  # said so
    assert describe("Bounce rate").known_as == checked_percent(
        "Bounce rate", describe("Bounce rate"), pd.Series([120.0])).known_as == "bounce_rate"


def test_money_and_index_words_need_their_context():
    import analytics

    csv = (b"Year,Value of the indicator,Number of clients (index case),Value of payments made,"
           b"Price index (2015 = 100)\n"
           b"2019,52.1,120,3400,98.1\n2020,53.4,131,3600,100.4\n2021,55.0,128,3550,103.2\n")
    units = {m: i.unit for m, i in analytics.load(csv, filename="words.csv", isolated=False).measures.items()}
    assert units["Value of the indicator"] != "currency" and units["Number of clients (index case)"] == "count"
    assert units["Value of payments made"] == "currency" and units["Price index (2015 = 100)"] == "index"
