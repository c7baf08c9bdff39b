"""Real published files read as a person reads them: cells checked against the raw values (MANIFEST facts).

Each case names the cell of the published file, its value as stored, the words a row holding it must carry
and, for a time series, its period. The files are copies in tests/corpus_real/ (Open Government Licence).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import analytics

CORPUS = Path(__file__).resolve().parent / "corpus_real"
LABEL_SKIP = {"value", "period", "flag", "target"}


@cache
def _load(name: str, sheet: str | None = None) -> analytics.Dataset:
    return analytics.load(CORPUS / name, sheet=sheet)


def _rows_with(data: analytics.Dataset, value: float, words: list[str]) -> pd.DataFrame:
    frame = data.frame
    hit = frame[(frame["value"] - value).abs() < 1e-6]
    labels = [c for c in hit.columns if c not in LABEL_SKIP]
    text = hit[labels].astype(str).agg(" ".join, axis=1).str.lower()
    return hit[text.map(lambda t: all(w in t for w in words))]


@pytest.mark.parametrize(("name", "sheet", "cell", "value", "words", "period"), [
    ("ic_pss_expenditure_by_council_2006_07.xls", "Net expenditure 2006-2007", "EF60", 3501.0,
     ["trafford", "c1", "assessment and care management"], None),
    ("ic_pss_expenditure_by_council_2006_07.xls", "Net expenditure 2006-2007", "C144", 18000899.363632,
     ["england", "i3", "total pss"], None),
    ("nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv", None, "AO6", 4749.85,
     ["trafford", "assessment and care management", "65 and over", "gross"], "2013-04"),
    ("nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv", None, "FA39", 883648.9,
     ["north west", "adults aged 65 and over", "net total expenditure"], "2014-04"),
    ("ons_mye2_population_by_single_year_of_age_mid2015.xls", "Persons UK", "BQ45", 2388.0, ["trafford", "65"], None),
    ("ic_pss_grants_to_voluntary_orgs_by_council_2007_08.xls", "Grants", "O25", 91.0,
     ["manchester", "how many organisations"], None),
    ("nhsd_pss_ex1_2015_16_deferred_payment_agreements_long.csv", None, "J726", 2193194.0,
     ["lincolnshire", "outstanding dpas", "65 and over"], "2014-04"),
    ("hscic_pss_ex1_2012_13_cassr_activity_cp1252.csv", None, "AE71", 3210.0, ["lincolnshire", "b1"], None),
])
def test_published_cells_are_read_with_their_labels(name, sheet, cell, value, words, period):
    rows = _rows_with(_load(name, sheet), value, words)
    assert len(rows), f"{name}!{cell} = {value} with {words}"
    if period is not None:
        assert rows["period"].dt.strftime("%Y-%m").eq(period).any()


def test_councils_across_are_places_and_england_a_comparator():
    data = _load("ic_pss_expenditure_by_council_2006_07.xls", "Net expenditure 2006-2007")
    assert data.source.layout == "places_across" and data.frame["category"].nunique() == 151
    assert data.frame.loc[data.frame["category"] == "ENGLAND", "flag"].eq("aggregate").all()
    assert data.frame["group"].str.startswith("C: OLDER PEOPLE").any()
    assert dict(data.source.axes)["Measures"] == "95 (95 £ thousands)"  # said '95 count' beside '£ thousands'


def test_ages_across_are_not_years():
    data = _load("ons_mye2_population_by_single_year_of_age_mid2015.xls", "Persons UK")
    assert data.kind == "table" and data.frequency is None
    assert data.frame["age"].nunique() == 92  # all ages, 0 ... 90
    assert dict(data.source.axes)["Ages"] == "across the columns: 91 ages, 1 total"  # was '91 s'


def test_long_format_codes_are_labels_not_measures():
    data = _load("nhsd_pss_ex1_2015_16_deferred_payment_agreements_long.csv")
    assert data.frequency == "FY" and data.frame["period"].nunique() == 2
    assert not any("cassr_code" in m.lower() or "uuid" in m.lower() for m in data.measures)


def test_a_used_range_of_16382_columns_does_not_sink_the_workbook():
    # The sitrep's Contents sheet is skipped with a warning; its data sheets are read.
    data = analytics.load(CORPUS / "nhse_community_discharge_sitrep_2024-01.xlsx", sheet="Table 2")
    assert data.frequency == "D" and data.frame["period"].nunique() == 31
    assert any("Contents" in w for w in data.warnings)
