"""The English councils with adult social care duties, and matching a file's place labels to them.

The reference list (``analytics/data/councils.csv``) is built by ``tools/build_councils.py`` from published
files (sources named there): 153 current councils and the councils they replaced, each with its ONS code,
the old numeric code NHS Digital files use ("312 - Trafford"), region, council type and successors.

Labels are matched codes first (ONS "E08000009", old numeric "312", "312 - Trafford"), then names after
normalising capitals, '&' / 'and', punctuation, 'City of' / 'County of' and suffixes such as 'UA' or
'Council'. England, the nine regions and council-type groups are recognised as aggregates: comparators,
never peers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

REFERENCE = Path(__file__).with_name("data") / "councils.csv"
ENGLAND = "England"
ENGLAND_CODE = "E92000001"
REGION_CODES = {"E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
                "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
                "E12000007": "London", "E12000008": "South East", "E12000009": "South West"}
COUNCIL_TYPES = ("Unitary authority", "Metropolitan district", "London borough", "Shire county")
# Names of council-type groups in the national tables, by the type they summarise.
TYPE_GROUPS = {"unitary authorities": "Unitary authority", "unitaries": "Unitary authority",
               "metropolitan districts": "Metropolitan district", "metropolitan boroughs": "Metropolitan district",
               "london boroughs": "London borough", "inner london": "London borough",
               "outer london": "London borough", "shire counties": "Shire county", "counties": "Shire county",
               "county councils": "Shire county"}
_REGION_NAMES = {"yorkshire and humber": "Yorkshire and The Humber", "east": "East of England",
                 "eastern": "East of England"}
ONS_CODE = re.compile(r"\b(E(?:06|07|08|09|10|11|12|13|92)\d{6})\b", re.I)
OLD_CODE = re.compile(r"^\s*(\d{3})(?:\.0)?(?:\s*[-:]\s*(.*))?$")
_DROP_WORDS = re.compile(r"\b(?:ua|council|borough council|county council|city council|metropolitan borough|"
                         r"london borough of|royal borough of|the)\b")
_AGGREGATE_WORDS = re.compile(r"^(?:total|all)\s+|\s+(?:total|average|mean|median|region|councils?|"
                              r"authorities)$|^(?:england|national)\s+(?:average|total|mean)$")


@dataclass(frozen=True)
class Council:
    """One council from the reference list; ``key`` is its ONS code (or ``old:NNN`` when it has none)."""

    key: str
    name: str
    ons_code: str
    old_code: str
    region: str
    council_type: str
    london: str
    current: bool
    start: str
    end: str
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def short_name(self) -> str:
        """The name for sentences: 'Bristol, City of' -> 'Bristol'."""
        return re.sub(r",\s*(City|County) of$", "", self.name)


@dataclass(frozen=True)
class Place:
    """What a file's label is: a council (with its reference entry) or an aggregate (England, a region, a type).

    ``kind`` is ``council`` or ``aggregate``; ``level`` is ``council``, ``england``, ``region`` or ``type``;
    ``name`` the reference name; ``how`` says how the label was matched ("ONS code", "old code", "name").
    """

    label: str
    kind: str
    level: str
    name: str
    how: str
    council: Council | None = None


def normalise(name: str) -> str:
    """A label reduced for matching: 'Bristol, City of' -> 'bristol', 'BARKING & DAGENHAM' -> 'barking and dagenham'."""
    text = " ".join(str(name).replace("&", " and ").lower().split())
    if text in ("city of london", "london, city of"):  # the one 'City of' that is not its city's only name
        return "city of london"
    text = re.sub(r",\s*(city|county) of\s*$", "", text)
    text = re.sub(r"^(city|county) of\s+", "", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("-", " ").replace("'", ""))
    text = _DROP_WORDS.sub(" ", text)
    return " ".join(text.split())


@cache
def reference() -> tuple[Council, ...]:
    """Every council of the reference list, current ones first (alphabetical), then former ones."""
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return tuple(_council(row) for row in csv.DictReader(handle))


def _council(row: dict[str, str]) -> Council:
    def split(text: str) -> tuple[str, ...]:
        return tuple(part for part in text.split(";") if part)

    key = row["ons_code"] or f"old:{row['old_code']}"
    return Council(key, row["name"], row["ons_code"], row["old_code"], row["region"], row["council_type"],
                   row["london"], row["status"] == "current", row["start"], row["end"], split(row["predecessors"]),
                   split(row["successors"]), split(row["aliases"]))


def current() -> list[Council]:
    """The councils with adult social care duties today (153), alphabetical."""
    return [c for c in reference() if c.current]


def by_key(key: str) -> Council:
    return _indexes()[0][key]


def named(name: str) -> Council:
    """The current council of this name (or, failing that, the former one), matched as labels are."""
    place = match(name)
    if place is None or place.council is None:
        raise KeyError(name)
    return place.council


@cache
def _indexes() -> tuple[dict[str, Council], dict[str, Council], dict[str, Council]]:
    keys, old, names = {}, {}, {}
    for council in reference():
        keys[council.key] = council
        if council.old_code:
            old[council.old_code] = council
        for label in (council.name, *council.aliases):
            # a current council keeps its name when a former one had the same (Dorset, Somerset, ...)
            if council.current or normalise(label) not in names:
                names[normalise(label)] = council
    return keys, old, names


def _aggregate(label: str, text: str) -> Place | None:
    code = ONS_CODE.search(label)
    if code and code.group(1).upper() == ENGLAND_CODE:
        return Place(label, "aggregate", "england", ENGLAND, "ONS code")
    if code and code.group(1).upper() in REGION_CODES:
        return Place(label, "aggregate", "region", REGION_CODES[code.group(1).upper()], "ONS code")
    core = _AGGREGATE_WORDS.sub("", text).strip()
    core = _AGGREGATE_WORDS.sub("", core).strip()
    if core in ("england", "national", "all england"):
        return Place(label, "aggregate", "england", ENGLAND, "name")
    regions = {normalise(r): r for r in REGION_CODES.values()} | _REGION_NAMES
    if core in regions:
        return Place(label, "aggregate", "region", regions[core], "name")
    if core in TYPE_GROUPS or text in TYPE_GROUPS:
        return Place(label, "aggregate", "type", TYPE_GROUPS.get(core) or TYPE_GROUPS[text], "name")
    return None


def match(label: object) -> Place | None:
    """The council or aggregate a label names, or None. Codes are tried before names."""
    if label is None or (isinstance(label, float) and label != label):
        return None
    return _match(str(label).strip())


@lru_cache(maxsize=65_536)  # pages ask about the same labels on every rerun
def _match(text_label: str) -> Place | None:
    keys, old, names = _indexes()
    code = ONS_CODE.search(text_label)
    if code and code.group(1).upper() in keys:
        council = keys[code.group(1).upper()]
        return Place(text_label, "council", "council", council.short_name, "ONS code", council)
    numeric = OLD_CODE.match(text_label)
    if numeric and numeric.group(1) in old:
        council = old[numeric.group(1)]
        return Place(text_label, "council", "council", council.short_name, "old code", council)
    text = normalise(text_label)
    aggregate = _aggregate(text_label, text)
    if aggregate is not None:
        return aggregate
    council = names.get(text) or _by_short_name(text)
    if council is not None:
        return Place(text_label, "council", "council", council.short_name, "name", council)
    return None


MIN_SHORT_NAME = 5  # letters of a shortened name ('Southend' for Southend-on-Sea); 'York' must match in full


@cache
def _short_names() -> dict[str, Council | None]:
    """The first words of each current council's names ('southend' of 'southend on sea', 'newcastle' of
    'newcastle upon tyne'), None where they start more than one council's name ('kingston')."""
    found: dict[str, Council | None] = {}
    for council in current():
        for label in {normalise(n) for n in (council.name, *council.aliases)}:
            words = label.split()
            for n in range(1, len(words)):
                short = " ".join(words[:n])
                if len(short) >= MIN_SHORT_NAME:
                    found[short] = council if found.get(short, council) is council else None
    return found


def _by_short_name(text: str) -> Council | None:
    """A council named by the start of its name ('SOUTHEND UA'), when no other council's name starts so."""
    names = _indexes()[2]
    if text in names:
        return None
    return _short_names().get(text)


def successors_of(council: Council) -> list[Council]:
    """The current councils that took over from ``council`` (itself when it is current)."""
    if council.current:
        return [council]
    out = []
    for key in council.successors:
        for successor in successors_of(by_key(key)):
            if successor not in out:
                out.append(successor)
    return out


def predecessors_of(council: Council) -> list[Council]:
    """Every council that ``council`` replaced, directly or through earlier reorganisations."""
    out = []
    for key in council.predecessors:
        out += [by_key(key), *predecessors_of(by_key(key))]
    return list(dict.fromkeys(out))
