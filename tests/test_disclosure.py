"""Disclosure control: small counts suppressed (and what they could be worked back from), identifiers left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import disclosure, export


# --- Suppression --------------------------------------------------------------------------------------------------
def test_suppress_small_counts_and_derived():
    frame = pd.DataFrame({"Age band": ["18-64", "65-74", "75-84", "85+", "Unknown"],
                          "Placements": [0, 1, 4, 5, np.nan], "Assessments": [10, 12, 40, 60, 3],
                          "Rate %": [0.0, 8.3, 10.0, 8.3, np.nan]})
    out, n = disclosure.suppress_small(frame, 5, count_columns=["Placements", "Assessments"],
                                   derived_columns=["Rate %"])
    assert out["Placements"].tolist()[:4] == [0, "<5", "<5", 5]
    assert pd.isna(out["Placements"].iloc[4])
    assert out["Assessments"].tolist() == [10, 12, 40, 60, "<5"]
    assert out["Rate %"].tolist()[:4] == [0.0, "[c]", "[c]", 8.3]
    assert pd.isna(out["Rate %"].iloc[4])  # a missing rate stays missing
    assert n == 2 + 1 + 2
    assert frame["Placements"].iloc[1] == 1  # input untouched
    out10, n10 = disclosure.suppress_small(frame, 10, count_columns=["Placements"])
    assert out10["Placements"].tolist()[:4] == [0, "<10", "<10", "<10"] and n10 == 3


def test_suppression_threshold_and_columns_checked():
    frame = pd.DataFrame({"n": [1]})
    with pytest.raises(ValueError, match="must be 5 or 10.*got 7"):
        disclosure.suppress_small(frame, 7, count_columns=["n"])
    with pytest.raises(ValueError, match="'m'"):
        disclosure.suppress_small(frame, 5, count_columns=["m"])
    with pytest.raises(ValueError):
        export.suppression_note(3, 0)


def test_suppression_note():
    assert export.suppression_note(10, 1).startswith('Counts from 1 to 9 are shown as "<10"')
    assert export.suppression_note(10, 1).endswith("1 cell was suppressed.")
    assert export.suppression_note(5, 0).endswith("No cells needed suppressing.")


# --- Personal identifiers -----------------------------------------------------------------------------------------
def test_nhs_number_check_digit():
    assert disclosure.is_nhs_number("943 476 5919")
    assert disclosure.is_nhs_number(9434765919)
    assert disclosure.is_nhs_number("943-476-5919")
    assert not disclosure.is_nhs_number("943 476 5918")
    assert not disclosure.is_nhs_number("94347659")


def test_identifier_columns_by_name():
    frame = pd.DataFrame(columns=[
        "Forename", "SURNAME", "first_name", "Last Name", "Full name", "Client Name", "Person name", "Name",
        "NHS No.", "Address Line1", "Street", "Post Code", "D.O.B.", "Date of Birth", "BirthDate", "E-mail",
        "Telephone", "Mobile", "Calls answered", "Service area", "Age band", "Council", "Team name",
        "Council name", "Week commencing", "Reviews on time (%)", "Contacts", "Period"])
    flagged = disclosure.identifier_columns(frame)
    assert flagged == list(frame.columns[:18])


def test_identifier_columns_by_values():
    rng = np.random.default_rng(7)
    counts = rng.integers(1_000_000_000, 9_999_999_999, size=40)
    frame = pd.DataFrame({
        "Person ref": ["943 476 5919", "9434765919", "401 023 2137", "943 476 5919"] * 10,
        "Big count": counts,
        "Where": ["NG1 5DT", "SW1A 1AA", "b15 2tt", "M1 1AE"] * 10,
        "Contact": ["a.person@example.org"] * 40,
        "Tel no": ["07700 900123"] * 40,
        "Ring": ["+44 7700 900123", "01632 960 001", "0115 496 0000", "07700900123"] * 10,
        "Council": ["Nottingham", "Derby", "Leicester", "Lincoln"] * 10,
        "Age band": ["18-64", "65+", "18-64", "65+"] * 10,
        "Service area": ["Home care", "Reablement", "Residential", "Nursing"] * 10,
        "Calls answered": [410, 432, 398, 455] * 10,
        "Week": pd.date_range("2025-04-07", periods=40, freq="W-MON"),
    })
    assert sum(map(disclosure.is_nhs_number, counts)) < len(counts) * disclosure.IDENTIFIER_SHARE
    assert disclosure.identifier_kinds(frame) == {"Person ref": "NHS number", "Where": "postcode", "Contact": "email",
                                              "Tel no": "phone number", "Ring": "phone number"}


def test_drop_identifiers_and_note():
    frame = pd.DataFrame({"NHS Number": ["943 476 5919"], "Surname": ["Smith"], "Calls answered": [4]})
    kept, dropped = disclosure.drop_identifiers(frame, keep=("Surname",))
    assert dropped == ["NHS Number"] and list(kept.columns) == ["Surname", "Calls answered"]
    assert "Left out: 'NHS Number'." in export.identifier_note(dropped)
    assert export.identifier_note([]).endswith("None were found in the data used.")
