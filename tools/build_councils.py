"""Build analytics/data/councils.csv: the English councils with adult social care duties, past and present.

Run from the project root: ``.venv/bin/python tools/build_councils.py`` (``--check`` exits 1 when the
committed CSV differs from what the sources give, so a test can keep the two in step).

Sources (all published under the Open Government Licence; copies and their provenance in
tests/corpus_real/README.md):

- ``mhclg_iod2019_upper_tier_la_summaries.xlsx`` (MHCLG, English Indices of Deprivation 2019, File 11):
  the 151 upper-tier authorities of 2019 with their ONS (GSS) codes and names. The code prefix gives the
  council type: E06 unitary authority, E08 metropolitan district, E09 London borough, E10 shire county.
- ``nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv`` (NHS Digital, PSS-EX1 2014-15): the 152
  councils of 2014-15 as "312 - Trafford" (the old numeric code NHS Digital files use) with their region
  code in the row above (NE, NW, YH, EM, WM, E, L, SE, SW).
- ``hscic_pss_ex1_2012_13_cassr_activity_cp1252.csv`` (HSCIC, PSS-EX1 2012-13): the same codes and names
  spelt another way ("114 - Stockton on Tees", "803 - Isle of Wight Council"), kept as aliases.
- ``ic_pss_grants_to_voluntary_orgs_by_council_2007_08.xls`` (Information Centre, 2007-08): councils under
  type headings (Inner London, Outer London...), giving the inner/outer London split, the pre-2009
  councils Bedfordshire and Cheshire, and more spellings ("Medway Towns UA").

Reorganisations between the sources and today are stated below (REORGANISATIONS) from the structural
change orders (well-known public facts, not read from a file): each gives the councils that ended, the
councils that started, the date, and the new councils' ONS codes. Old numeric codes are left empty for
councils created after 2014-15, since no source here gives them.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tests" / "corpus_real"
OUT = ROOT / "analytics" / "data" / "councils.csv"
IOD = "mhclg_iod2019_upper_tier_la_summaries.xlsx"
BRIDGING = "nhsd_pss_ex1_2014_15_bridging_year_council_columns_cp1252.csv"
ACTIVITY = "hscic_pss_ex1_2012_13_cassr_activity_cp1252.csv"
GRANTS = "ic_pss_grants_to_voluntary_orgs_by_council_2007_08.xls"
COLUMNS = ("ons_code", "name", "old_code", "region", "council_type", "london", "status", "start", "end",
           "predecessors", "successors", "aliases", "sources")
REGIONS = {"NE": "North East", "NW": "North West", "YH": "Yorkshire and The Humber", "EM": "East Midlands",
           "WM": "West Midlands", "E": "East of England", "L": "London", "SE": "South East", "SW": "South West"}
TYPES = {"E06": "Unitary authority", "E08": "Metropolitan district", "E09": "London borough",
         "E10": "Shire county"}
# The only names that differ between the sources beyond capitals, '&', punctuation and ', City of'.
SAME_COUNCIL = {"durham": "county durham", "kingston upon hull": "kingston upon hull city of",
                "herefordshire": "herefordshire county of", "bristol": "bristol city of",
                "bedford borough": "bedford", "telford and the wrekin": "telford and wrekin",
                "isle of wight council": "isle of wight", "medway towns": "medway",
                "bath and somerset": "bath and north east somerset"}


@dataclass(frozen=True)
class Reorganisation:
    """Councils that ended on ``date`` and the councils (name, ONS code, type) that took over."""

    date: str
    ended: tuple[str, ...]  # ONS codes, or "old:NNN" for councils with no ONS code in the sources
    started: tuple[tuple[str, str], ...]  # (ONS code, name)
    note: str = ""


REORGANISATIONS = (
    Reorganisation("2009-04-01", ("old:610",), (("E06000055", "Bedford"), ("E06000056", "Central Bedfordshire")),
                   "Bedfordshire County Council abolished (Bedfordshire structural change order 2008)"),
    Reorganisation("2009-04-01", ("old:320",), (("E06000049", "Cheshire East"),
                                                ("E06000050", "Cheshire West and Chester")),
                   "Cheshire County Council abolished (Cheshire structural change order 2008)"),
    Reorganisation("2019-04-01", ("E06000028", "E06000029", "E10000009"),
                   (("E06000058", "Bournemouth, Christchurch and Poole"),),
                   "Bournemouth, Poole, and Christchurch from Dorset County (Dorset structural changes order 2018)"),
    Reorganisation("2019-04-01", ("E10000009",), (("E06000059", "Dorset"),),
                   "Dorset County Council and its districts but Christchurch (Dorset structural changes order 2018)"),
    Reorganisation("2020-04-01", ("E10000002",), (("E06000060", "Buckinghamshire"),),
                   "Buckinghamshire County Council and its districts replaced by one unitary council"),
    Reorganisation("2021-04-01", ("E10000021",), (("E06000061", "North Northamptonshire"),
                                                  ("E06000062", "West Northamptonshire")),
                   "Northamptonshire County Council abolished (Northamptonshire structural changes order 2020)"),
    Reorganisation("2023-04-01", ("E10000006",),
                   (("E06000063", "Cumberland"), ("E06000064", "Westmorland and Furness")),
                   "Cumbria County Council abolished (Cumbria structural changes order 2022)"),
    Reorganisation("2023-04-01", ("E10000023",), (("E06000065", "North Yorkshire"),),
                   "North Yorkshire County Council and its districts replaced by one unitary council"),
    Reorganisation("2023-04-01", ("E10000027",), (("E06000066", "Somerset"),),
                   "Somerset County Council and its districts replaced by one unitary council"),
)
# ONS codes of councils that had ended before the 2019 IoD (so it does not list them), with their old codes.
ENDED_BEFORE_2019 = {"E06000028": "810", "E06000029": "811", "E10000009": "809"}


@dataclass
class Council:
    key: str
    name: str
    old_code: str = ""
    region: str = ""
    council_type: str = ""
    london: str = ""
    start: str = ""
    end: str = ""
    predecessors: list[str] = field(default_factory=list)
    successors: list[str] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


def name_key(name: str) -> str:
    """The build's name matching: lower case, '&' as 'and', punctuation and 'UA' dropped."""
    text = re.sub(r"\bUA\b", "", name.replace("&", " and ")).lower()
    text = re.sub(r"[^a-z ]+", " ", text.replace("-", " "))
    text = " ".join(text.split())
    return SAME_COUNCIL.get(text, text)


def read_iod() -> list[tuple[str, str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(SOURCES / IOD, read_only=True, data_only=True)
    rows = list(workbook["IMD"].iter_rows(min_row=2, max_col=2, values_only=True))
    return [(str(code).strip(), str(name).strip()) for code, name in rows if code]


def read_coded_header(filename: str, header_row: int) -> tuple[list[tuple[str, str]], list[str]]:
    """("312", "Trafford") pairs from a CSV's '312 - Trafford' labels, and the row above them."""
    text = (SOURCES / filename).read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    return _coded(rows[header_row]), rows[header_row - 1] if header_row else []


def _coded(cells) -> list[tuple[str, str]]:
    found = [re.match(r"^\s*(\d{3})\s*-\s*(.*\S)\s*$", str(c)) for c in cells]
    return [(m.group(1), m.group(2)) for m in found if m]


def read_bridging() -> list[tuple[str, str, str]]:
    text = (SOURCES / BRIDGING).read_bytes().decode("cp1252")
    regions, header = list(csv.reader(io.StringIO(text)))[:2]
    return [(m.group(1), m.group(2), regions[i]) for i, cell in enumerate(header)
            if (m := re.match(r"^\s*(\d{3})\s*-\s*(.*\S)\s*$", cell))]


def read_activity() -> list[tuple[str, str]]:
    text = (SOURCES / ACTIVITY).read_bytes().decode("cp1252")
    return _coded(row[0] for row in csv.reader(io.StringIO(text)) if row)


def read_grants() -> list[tuple[str, str, str]]:
    """(old code, name, type heading) for every council row of the 2007-08 grants table."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(SOURCES / GRANTS)).get_sheet_by_name("Grants").to_python()
    out, heading = [], ""
    for row in rows:
        first, second = row[0], row[1] if len(row) > 1 else ""
        if isinstance(first, float) and str(second).strip():
            out.append((str(int(first)), str(second).strip(), heading))
        elif isinstance(first, str) and first.strip() and not str(second).strip():
            heading = first.strip()
    return out


def build() -> list[Council]:
    councils: dict[str, Council] = {}
    for code, name in read_iod():
        councils[code] = Council(code, name, council_type=TYPES[code[:3]], sources={"IoD2019"})
    by_name = {name_key(c.name): c for c in councils.values()}
    for code, old in ENDED_BEFORE_2019.items():
        councils[code] = Council(code, "", old_code=old, council_type=TYPES[code[:3]])
    by_old = {c.old_code: c for c in councils.values() if c.old_code}

    def find(old: str, name: str) -> Council | None:
        return by_old.get(old) or by_name.get(name_key(name))

    for old, name, region in read_bridging():
        council = find(old, name)
        if council is None:
            raise SystemExit(f"{BRIDGING}: '{old} - {name}' matches no council; extend SAME_COUNCIL")
        council.old_code, council.region = old, REGIONS[region]
        council.name = council.name or name
        council.aliases.add(name)
        council.sources.add("PSS-EX1 2014-15")
        by_old[old] = council
    for old, name in read_activity():
        council = by_old[old]
        council.aliases.add(name)
        council.sources.add("PSS-EX1 2012-13")
    for old, name, heading in read_grants():
        council = by_old.get(old)
        if council is None:  # a council abolished before 2012-13
            council = councils.setdefault(f"old:{old}", Council(f"old:{old}", name, old_code=old,
                                                                council_type="Shire county"))
            by_old[old] = council
        council.aliases.add(name)
        council.sources.add("Grants 2007-08")
        if heading in ("Inner London", "Outer London"):
            council.london = heading
    _reorganise(councils)
    for council in councils.values():
        council.aliases.discard(council.name)
    return sorted(councils.values(), key=lambda c: (c.end != "", c.name))


def _reorganise(councils: dict[str, Council]) -> None:
    for change in REORGANISATIONS:
        ended = [councils[key] for key in change.ended]
        for old in ended:
            old.end = change.date
            old.successors += [code for code, _ in change.started]
        region = ended[0].region
        for code, name in change.started:
            new = councils.get(code) or councils.setdefault(code, Council(code, name, council_type=TYPES[code[:3]]))
            new.start = change.date
            new.predecessors += [c.key for c in ended]
            new.region = new.region or region
            for old in ended:
                old.region = old.region or new.region
            new.sources.add("reorganisation " + change.date)
            for old in ended:
                if name_key(old.name) == name_key(name):  # same name, same area: the file's label is the same
                    new.aliases.add(old.name)


def to_csv(councils: list[Council]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in councils:
        ons = "" if c.key.startswith("old:") else c.key
        writer.writerow([ons, c.name, c.old_code, c.region, c.council_type, c.london,
                         "former" if c.end else "current", c.start, c.end, ";".join(c.predecessors),
                         ";".join(c.successors), ";".join(sorted(c.aliases)), ";".join(sorted(c.sources))])
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed CSV is out of date")
    args = parser.parse_args(argv)
    text = to_csv(build())
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("councils.csv is up to date" if same else "councils.csv differs from its sources; rebuild it")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    current = sum(1 for line in text.splitlines()[1:] if ",current," in line)
    print(f"Wrote {OUT.relative_to(ROOT)}: {len(text.splitlines()) - 1} councils, {current} current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
