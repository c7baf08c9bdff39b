"""The reference list of councils and the matching of a file's place labels to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics import councils

ROOT = Path(__file__).resolve().parents[1]


def test_153_current_councils_with_unique_codes_regions_and_types():
    current = councils.current()
    assert len(current) == 153
    assert len({c.ons_code for c in current}) == 153
    assert {c.region for c in current} == set(councils.REGION_CODES.values())
    assert {c.council_type for c in current} == set(councils.COUNCIL_TYPES)
    assert all(c.ons_code[:3] in ("E06", "E08", "E09", "E10") for c in current)
    # every council that existed in 2014-15 carries the old numeric code NHS Digital files use
    new = {c.name for c in current if not c.old_code}  # the councils created since 2019 have none
    assert new == {"Bournemouth, Christchurch and Poole", "Dorset", "Buckinghamshire", "North Northamptonshire",
                   "West Northamptonshire", "Cumberland", "Westmorland and Furness", "North Yorkshire", "Somerset"}


def test_the_committed_csv_is_what_the_build_script_makes_from_its_sources():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_councils.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("label", "name", "how"), [
    ("312 - Trafford", "Trafford", "old code"),
    ("312", "Trafford", "old code"),
    ("312.0", "Trafford", "old code"),
    ("E08000009", "Trafford", "ONS code"),
    ("TRAFFORD", "Trafford", "name"),
    ("Trafford ", "Trafford", "name"),
    ("BARKING & DAGENHAM", "Barking and Dagenham", "name"),
    ("Bristol, City of", "Bristol", "name"),
    ("City of Bristol", "Bristol", "name"),
    ("Kingston upon Hull", "Kingston upon Hull", "name"),
    ("Stockton on Tees", "Stockton-on-Tees", "name"),
    ("St Helens", "St. Helens", "name"),
    ("Medway Towns UA", "Medway", "name"),
    ("Durham", "County Durham", "name"),
    ("Telford and the Wrekin", "Telford and Wrekin", "name"),
    ("City of London", "City of London", "name"),
    ("102 - Cumbria ", "Cumbria", "old code"),
])
def test_labels_match_councils_codes_first(label, name, how):
    place = councils.match(label)
    assert place is not None and place.kind == "council"
    assert (place.name, place.how) == (name, how)


@pytest.mark.parametrize(("label", "level", "name"), [
    ("England", "england", "England"), ("TOTAL England", "england", "England"), ("ENGLAND", "england", "England"),
    ("E92000001", "england", "England"), ("South East average", "region", "South East"),
    ("North West", "region", "North West"), ("E12000002", "region", "North West"), ("London", "region", "London"),
    ("Yorkshire and the Humber", "region", "Yorkshire and The Humber"),
    ("Unitary Authorities", "type", "Unitary authority"), ("Shire Counties", "type", "Shire county"),
    ("Inner London", "type", "London borough"),
])
def test_aggregates_are_comparators_not_councils(label, level, name):
    place = councils.match(label)
    assert place is not None and place.kind == "aggregate"
    assert (place.level, place.name) == (level, name)


@pytest.mark.parametrize("label", ["Column B", "Assessment and care management", "April", "Home Care", "Amber Valley",
                                   "E07000032", "", None, float("nan"), "East Sussex County Council Adult Services"])
def test_other_labels_are_not_places(label):
    assert councils.match(label) is None


def test_a_code_decides_between_a_former_and_a_current_council_of_the_same_name():
    assert councils.match("809 - Dorset").council.key == "E10000009"  # Dorset County Council, until 2019
    assert councils.match("E06000059").council.key == "E06000059"
    assert councils.match("Dorset").council.current  # a bare name is today's council


def test_reorganisations_link_predecessors_and_successors():
    cumbria = councils.named("102 - Cumbria")
    assert not cumbria.current and cumbria.end == "2023-04-01"
    assert [c.name for c in councils.successors_of(cumbria)] == ["Cumberland", "Westmorland and Furness"]
    bcp = councils.named("Bournemouth, Christchurch and Poole")
    assert {c.name for c in councils.predecessors_of(bcp)} == {"Bournemouth", "Poole", "Dorset"}
    north = councils.named("North Northamptonshire")
    assert [c.name for c in councils.predecessors_of(north)] == ["Northamptonshire"]
    assert north.region == "East Midlands" and north.council_type == "Unitary authority"
    assert [c.name for c in councils.successors_of(councils.named("Bedfordshire"))] == ["Bedford",
                                                                                        "Central Bedfordshire"]
    somerset = councils.named("Somerset")
    assert somerset.ons_code == "E06000066" and [c.old_code for c in councils.predecessors_of(somerset)] == ["905"]


def test_normalise():
    assert councils.normalise("  Bristol,  City of ") == "bristol"
    assert councils.normalise("Brighton & Hove") == "brighton and hove"
    assert councils.normalise("Kingston-upon-Thames") == "kingston upon thames"
    assert councils.normalise("Herefordshire, County of") == "herefordshire"


@pytest.mark.parametrize(("label", "name"), [("SOUTHEND UA", "Southend-on-Sea"), ("Newcastle", "Newcastle upon Tyne"),
                                             ("Stockton", "Stockton-on-Tees"), ("Kingston", None), ("North", None),
                                             ("Isle", None), ("York", "York"), ("Sutton Coldfield", None)])
def test_a_council_named_by_the_start_of_its_name_only_when_no_other_starts_so(label, name):
    # the IC's 2006-07 expenditure table writes 'SOUTHEND UA'; 'Kingston' starts two councils' names
    place = councils.match(label)
    assert (None if place is None or place.kind != "council" else place.name) == name
