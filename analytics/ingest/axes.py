"""The axes stage: reading a table's header rows and label columns as a person reads them.

Across the columns a header row may hold periods (dates, months with or without a year, financial years,
quarters, week numbers above week-ending dates, a date merged over several measure columns) or places
(councils by ONS code, old council number or name; regions and England as aggregates). Down the rows, the
label columns name measures or dimensions; rows with labels and no numbers head the rows beneath them
(groups); short code columns ("C1", "A1.1") prefix the description beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analytics import councils
from analytics.ingest.grid import DATE, EMPTY, MARKER, NUMBER, TEXT
from analytics.ingest.labels import clean_label
from analytics.ingest.tables import UNIT_ONLY, Table, join_header_rows, label_text
from analytics.periods import (
    FY_START_MONTH,
    calendar_years,
    financial_year_in_text,
    infer_frequency,
    parse_periods,
)

MIN_ACROSS = 3  # periods or places across the columns: at least this many
PLACE_SHARE = 0.6  # share of the value columns whose header names a place
MAX_GROUP_ROWS = 2000
MIN_LABELLED_ACROSS = 2  # 'June | July' or '2023/24 | 2024/25' written as labels: already a comparison
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
_BARE_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)
_CALENDAR_YEAR_IN_TEXT = re.compile(r"(?<![\d/\-])(19[5-9]\d|20\d{2})(?![\d/\-])")
_CODE = re.compile(r"^(?:[A-Z]{1,3}\d{0,2}(?:\.\d{1,2}){0,2}|\d{1,2}[A-Z]{1,2}(?:\(\w{1,3}\))?|\d{1,3}(?:\.\d)?|"
                   r"[A-Z]\d{2}[A-Z0-9]*|[EWSNK]\d{8}|[A-Z]{1,2}:)$")
_HEADER_WORDS = re.compile(r"\b(code|name|region|org(?:anisation)?|area|description|type|provider|trust|icb|"
                           r"la|council|authority|geography)\b", re.I)
_NHS_PLACE = re.compile(r"\b(icb|integrated care board|nhs|trust|ccg|council|borough|county|district|"
                        r"authority)\b", re.I)
_SHAPE_UPPER, _SHAPE_LOWER, _SHAPE_DIGIT = re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]")
_SHAPE_RUN = re.compile(r"(.)\1+")
_ANY_AREA_CODE = re.compile(r"^[EWSNK]\d{8}$")


@dataclass(frozen=True)
class YearContext:
    """A year the table states outside its labels (title, notes, sheet name or file name)."""

    fy_year: int | None
    calendar_year: int | None
    where: str


@dataclass(frozen=True)
class HeaderAxis:
    """What runs across the columns: periods or places, at which table column positions."""

    kind: str  # "periods" or "places"
    positions: tuple[int, ...]
    labels: tuple[object, ...]  # a Timestamp per position (periods) or a place name (places)
    measure_names: tuple[str, ...]  # the rest of each column's header, '' when the rows name the measures
    frequency: str | None = None
    header_row: int | None = None  # the sheet row (0-based) holding the axis
    description: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)
    levels: tuple[str, ...] = ()  # per position for places: council, aggregate or area


def year_context(table: Table, notes: str, filename: str) -> YearContext:
    """The financial or calendar year stated around a table, nearest first: title, notes, sheet, file."""
    for where, text in (("title", table.title), ("notes", notes), ("sheet name", table.sheet.name),
                        ("file name", filename)):
        fy = financial_year_in_text(text or "")
        if fy is not None:
            return YearContext(fy, None, where)
        year = _CALENDAR_YEAR_IN_TEXT.search(text or "")
        if year is not None:
            return YearContext(None, int(year.group(1)), where)
    return YearContext(None, None, "")


def _bare_months(texts: list[str]) -> list[int | None]:
    """Month numbers of labels that are a month name alone ('April', 'Jun'), None elsewhere."""
    out = []
    for text in texts:
        match = _BARE_MONTH.match(text.strip())
        out.append(next(i + 1 for i, m in enumerate(MONTH_NAMES) if m.startswith(match.group(1).lower()))
                   if match else None)
    return out


def months_without_year(texts: list[str], context: YearContext, year: int | None
                        ) -> tuple[list[pd.Timestamp | None], list[str]]:
    """Month names with no year read in order, the year from the user, the context or, failing both, the
    current financial year (with a warning saying so). A financial-year context reads April to March."""
    months = _bare_months(texts)
    warnings: list[str] = []
    if year is not None:
        fy_year, calendar = year, None
        source = "the year you gave"
    elif context.fy_year is not None:
        fy_year, calendar, source = context.fy_year, None, f"the financial year in the {context.where}"
    elif context.calendar_year is not None:
        fy_year, calendar, source = None, context.calendar_year, f"the year in the {context.where}"
    else:
        today = date.today()
        fy_year, calendar = today.year if today.month >= FY_START_MONTH else today.year - 1, None
        source = ""
    out: list[pd.Timestamp | None] = []
    previous = None
    shift = 0
    for month in months:
        if month is None:
            out.append(None)
            continue
        if fy_year is not None:
            ts = pd.Timestamp(fy_year + (1 if month < FY_START_MONTH else 0), month, 1)
        else:
            if previous is not None and month < previous:
                shift += 1  # 'Nov | Dec | Jan' runs into the next year
            ts = pd.Timestamp(calendar + shift, month, 1)
            previous = month
        out.append(ts)
    if source:
        warnings.append(f"The month labels carry no year: read with {source} "
                        f"({out[next(i for i, t in enumerate(out) if t is not None)]:%B %Y} first).")
    else:
        warnings.append(f"The month labels carry no year and none was found in the title, notes, sheet name or "
                        f"file name: they were read in order as financial year {fy_year}/{(fy_year + 1) % 100:02d}. "
                        "Give the year on the Data page if that is wrong.")
    return out, warnings


def _row_periods(values: list[object], row_label: str, context: YearContext, year: int | None
                 ) -> tuple[pd.Series, str | None, list[str], str]:
    """Periods in one header row (NaT where a cell is not one), with frequency, warnings, description."""
    texts = [label_text(v) for v in values]
    bare = _bare_months(texts)
    if sum(m is not None for m in bare) >= 2:
        periods, warnings = months_without_year(texts, context, year)
        return pd.Series(periods, dtype="datetime64[ns]"), "M", warnings, ""
    series = pd.Series(values, dtype=object)
    series = series.where(series.map(lambda v: not isinstance(v, bool)))
    fy = year if year is not None else context.fy_year
    parsed = parse_periods(series, header=row_label, fy_year=fy)
    return parsed.periods.reset_index(drop=True), parsed.frequency, list(parsed.warnings), parsed.description


def _years_across(values: list[object]) -> pd.Series | None:
    """Whole numbers (CALENDAR_YEARS) rising by one across the columns are calendar years (never ages 0-90)."""
    numbers = pd.to_numeric(pd.Series([label_text(v) for v in values]), errors="coerce")
    found = numbers.dropna()
    if len(found) < MIN_ACROSS or not calendar_years(found):
        return None
    if not (found.diff().dropna() == 1).all():
        return None
    return pd.Series([pd.Timestamp(int(n), 1, 1) if n == n else pd.NaT for n in numbers], dtype="datetime64[ns]")


def find_header_axis(table: Table, value_positions: list[int], label_positions: list[int],
                     context: YearContext, year: int | None) -> HeaderAxis | None:
    """Periods or places across the columns, from the header rows (the first that holds them wins)."""
    if not table.header_rows or len(value_positions) < MIN_LABELLED_ACROSS:
        return None
    matrix = [[table.sheet.grid.iat[r, c] for c in table.columns] for r in table.header_rows]
    texts = [[label_text(v) for v in row] for row in matrix]
    for i, row in enumerate(matrix):
        row_label = " ".join(texts[i][p] for p in label_positions if texts[i][p])
        cells = [row[p] for p in value_positions]
        periods, frequency, warnings, description = _row_periods(cells, row_label, context, year)
        labelled = sum(bool(label_text(c)) and not isinstance(c, int | float) for c in cells)
        if periods.notna().sum() < (MIN_LABELLED_ACROSS if labelled >= MIN_LABELLED_ACROSS else MIN_ACROSS):
            years = _years_across(cells)
            if years is None:
                continue
            periods, frequency, warnings, description = years, "Y", [], "calendar years across the columns"
        periods = _carry_right(periods, [texts[j] for j in range(len(texts)) if j != i], value_positions)
        if frequency is None or frequency == "D":
            frequency = infer_frequency(periods) or frequency
        kept = [j for j in range(len(texts)) if j != i and not _is_axis_numbers(matrix[j], value_positions)]
        others = [texts[j] for j in kept]
        spans = [_group_spans(texts[j], texts[i], value_positions) if j == i - 1 else [None] * len(texts[j])
                 for j in kept]
        names = join_header_rows(others, spans) if others else [""] * len(table.columns)
        keep = [k for k, p in enumerate(value_positions) if pd.notna(periods.iloc[k])]
        return HeaderAxis("periods", tuple(value_positions[k] for k in keep),
                          tuple(periods.iloc[k] for k in keep), tuple(names[value_positions[k]] for k in keep),
                          frequency, table.header_rows[i], description, tuple(warnings))
    return _places_axis(table, texts, value_positions) or _ages_axis(table, texts, value_positions)


_AGE_BAND = re.compile(r"^(?:aged?\s*)?(\d{1,3})\s*(?:-|to|–)\s*(\d{1,3})$|^(?:aged?\s*)?(\d{1,3})\s*\+$|"
                       r"^(?:aged?\s*)?(\d{1,3})\s*(?:and|or)\s*(?:over|older)$|^under\s*(\d{1,2})", re.I)
_ALL_AGES = re.compile(r"^(?:all\s*ages|total|all)$", re.I)


def _ages_axis(table: Table, texts: list[list[str]], positions: list[int]) -> HeaderAxis | None:
    """Ages across the columns (0, 1, ... 90, or bands '18-64', '65+'): a dimension, never years or measures.

    Whole numbers count as ages only when they run from 0 or rise by one, so percentiles (10, 20, 25 ...)
    stay measures."""
    for i, row in enumerate(texts):
        cells = [row[p] for p in positions]
        numbers = pd.to_numeric(pd.Series(cells), errors="coerce")
        whole = numbers.dropna()
        bands = sum(bool(_AGE_BAND.match(c)) for c in cells if c)
        ages = (len(whole) >= MIN_ACROSS and (whole % 1 == 0).all() and whole.between(0, 120).all()
                and (whole.min() == 0 or (whole.diff().dropna() == 1).mean() >= 0.9)
                and not _is_axis_numbers_with_dates(texts, i))
        if not ages and bands < MIN_ACROSS:
            continue
        keep = [p for p, c in zip(positions, cells, strict=True)
                if c and (_AGE_BAND.match(c) or _ALL_AGES.match(c) or pd.notna(pd.to_numeric(c, errors="coerce")))]
        labels = tuple("All ages" if _ALL_AGES.match(row[p]) else row[p] for p in keep)
        measure = title_measure(table.title)
        return HeaderAxis("ages", tuple(keep), labels, tuple(measure for _ in keep), None, table.header_rows[i],
                          f"{len(keep)} ages or age bands across the columns",
                          levels=tuple("total" if label == "All ages" else "" for label in labels))
    return None


def _is_axis_numbers_with_dates(texts: list[list[str]], i: int) -> bool:
    return i + 1 < len(texts) and sum(bool(re.match(r"^\d{4}-\d{2}-\d{2}", t)) for t in texts[i + 1]) >= MIN_ACROSS


def title_measure(title: str) -> str:
    """What a table counts, from its title: 'MYE2: Population estimates by single year of age ...' ->
    'Population estimates'."""
    text = re.split(r"\s+\|\s+", title or "")[0]
    text = re.sub(r"^\s*(?:table\s+[A-Z]{0,5}\d+(?:\.\d+)*[a-z]?\s*[:.\-]?|[A-Z]{1,5}\d+(?:\.\d+)*[a-z]?\s*[:.\-])"
                  r"\s*", "", text, flags=re.I)
    text = re.split(r"\s+by\s+|,|;|\s+for\s+|\s+in\s+", text, maxsplit=1)[0].strip()
    return text[:80] or "Value"


def _is_axis_numbers(row: list[object], positions: list[int]) -> bool:
    """A header row of whole numbers 1, 2, 3 ... (week numbers above their dates): not part of a name."""
    numbers = pd.to_numeric(pd.Series([label_text(row[p]) for p in positions]), errors="coerce").dropna()
    return len(numbers) >= MIN_ACROSS and bool((numbers.diff().dropna() == 1).mean() >= 0.8)


def _group_spans(labels: list[str], periods: list[str], positions: list[int]) -> list[int | None]:
    """Spans of the labels over the period row (a measure written once over its periods: 'Number' over
    2019-20 | 2020-21 | 2021-22, then '%' over the same): each covers the blank cells to its right whose period
    it has not covered yet, as `join_header_rows` takes a merged range. With the period row left out of the
    names, nothing beneath would show the label spans; None where a cell is no such label (layout decides)."""
    spans: list[int | None] = [None] * len(labels)
    for k, pos in enumerate(positions):
        if not labels[pos] or not periods[pos]:
            continue
        seen, end = {periods[pos]}, k + 1
        while end < len(positions) and not labels[positions[end]] and periods[positions[end]] and \
                periods[positions[end]] not in seen and positions[end] == positions[end - 1] + 1:
            seen.add(periods[positions[end]])
            end += 1
        if end - k > 1:
            spans[pos] = end - k
            for covered in positions[k + 1:end]:
                spans[covered] = 0
    return spans


def _carry_right(periods: pd.Series, other_rows: list[list[str]], positions: list[int]) -> pd.Series:
    """A date merged over several measure columns: carry it right over blank cells that have a measure
    header of their own beneath or beside (the merged cell's value sits in its first column only)."""
    out = periods.copy()
    current = pd.NaT
    for k, pos in enumerate(positions):
        if pd.notna(out.iloc[k]):
            current = out.iloc[k]
        elif pd.notna(current) and any(row[pos] for row in other_rows):
            out.iloc[k] = current
        else:
            current = pd.NaT
    return out


def place_of(label: str) -> tuple[str, str] | None:
    """(name, level) for a label that names a place: a council, an aggregate (England, a region, a council
    type) or another area (an ONS code, an ICB, a trust); None otherwise."""
    text = label.strip()
    if not text:
        return None
    place = councils.match(text)
    if place is not None:
        return place.name, "aggregate" if place.kind == "aggregate" else "council"
    if _ANY_AREA_CODE.match(text) or _NHS_PLACE.search(text):
        return text, "area"
    return None


def _places_axis(table: Table, texts: list[list[str]], value_positions: list[int]) -> HeaderAxis | None:
    """Places across the columns: most of the value columns' headers name places. Every such column is
    kept (a name the reference list lacks stays an area of its own, never dropped)."""
    for i, row in enumerate(texts):
        found = [(p, place_of(row[p])) for p in value_positions if row[p]]
        hits = [f for _, f in found if f is not None]
        if len(hits) >= MIN_ACROSS and len(hits) >= PLACE_SHARE * len(value_positions):
            levels = tuple(f[1] if f is not None else "area" for _, f in found)
            return HeaderAxis("places", tuple(p for p, _ in found), tuple(clean_label(row[p]) for p, _ in found),
                              tuple("" for _ in found), None, table.header_rows[i],
                              f"{len(found)} places across the columns", (), levels)
    return None


# ---- label columns and row structure -------------------------------------------------------------------

def is_code_column(values: pd.Series) -> bool:
    """Short codes ('C1', 'A1.1', 'E08000009', '312'): labels that prefix a description, never measures."""
    texts = values.dropna().astype(str).str.strip()
    texts = texts[texts != ""]
    return len(texts) > 0 and bool(texts.str.match(_CODE).mean() >= 0.8)


def _capitals(cells: list[str]) -> bool:
    """The row's longest label set in capitals (three letters or more): the typography of a heading (a
    code such as 'AFG' beside a name does not count)."""
    longest = max(cells, key=len, default="")
    return sum(ch.isalpha() for ch in longest) >= 3 and longest.isupper()


def row_structure(kinds: np.ndarray, texts: pd.DataFrame, label_positions: list[int],
                  value_positions: list[int], header_texts: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Per row of the table body: 'group' (labels the rows beneath), 'header' (a stacked block's own
    header), 'continued' (the second line of the label above) or '' (an ordinary row); and the group label
    carried down to each row. Headings directly above headings nest ('Males: Deaths by age group')."""
    n = len(kinds)
    has_values = np.isin(kinds[:, value_positions], (NUMBER, MARKER, DATE)).any(axis=1) if value_positions else \
        np.zeros(n, dtype=bool)
    labels_filled = (kinds[:, label_positions] == TEXT).any(axis=1) if label_positions else np.zeros(n, bool)
    filled = (kinds != EMPTY).any(axis=1)
    nxt = _next_filled(filled)
    # A row labelled as fully as the rows with values ('Afghanistan | AFG | Tourists' among 'Angola | AGO |
    # Tourists') is a row whose values are missing, not a heading, unless it is set in capitals as headings
    # are ('A: | SERVICE STRATEGY' over 'A1 | Strategic management').
    label_counts = (kinds[:, label_positions] != EMPTY).sum(axis=1) if label_positions else np.zeros(n, int)
    typical = float(np.median(label_counts[has_values])) if has_values.any() else 0.0
    fully_labelled = (typical >= 2) & (label_counts >= typical)
    candidate = labels_filled & ~has_values
    first_label = _first_label_column(kinds, label_positions, _code_positions(texts, label_positions, has_values))
    name_depth = _name_depth(first_label, has_values, len(label_positions))
    kind = np.full(n, "", dtype=object)
    if candidate.sum() > MAX_GROUP_ROWS:  # a list of text (records), not a table with group headings
        return kind, np.full(n, "", dtype=object)
    heading = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(candidate)[::-1].tolist():
        j = nxt[i]
        heading[i] = j >= 0 and (has_values[j] or heading[j])
    known_headers = {tuple(t for t in row if t) for row in header_texts}
    for i in np.flatnonzero(candidate).tolist():
        cells = [texts.iat[i, p] for p in label_positions if texts.iat[i, p]]
        if i > 0 and has_values[i - 1] and len(cells) == 1 and cells[0][:1].islower():
            kind[i] = "continued"  # 'Total deaths: average of corresponding' / 'week over the previous 5 years'
            continue
        if not heading[i]:
            continue
        if tuple(cells) in known_headers or (len(cells) >= 2 and all(len(c) <= 40 for c in cells)
                                             and any(_HEADER_WORDS.search(c) for c in cells)):
            kind[i] = "header"
        elif _capitals(cells) and not _capitals([texts.iat[nxt[i], p] for p in label_positions
                                                 if texts.iat[nxt[i], p]]):
            kind[i] = "group"
        elif not fully_labelled[i] and _lone_label(cells) and _heads_below(i, first_label, has_values, candidate) \
                and not _list_member(i, cells[0], first_label, name_depth, texts, label_positions, has_values):
            kind[i] = "group"
    # The label carried down: set at each heading (nested when no row of values lies between two headings),
    # cleared at a stacked block's header, then filled down: only the heading rows are visited in Python.
    marks = pd.Series(np.nan, index=range(n), dtype=object)
    values_before = np.cumsum(has_values)
    current: list[str] = []
    last = -1
    for i in np.flatnonzero((kind == "group") | (kind == "header")).tolist():
        if kind[i] == "header":
            current = []
        else:
            text = clean_label(" ".join(t for t in texts.iloc[i, label_positions] if t))
            nested = last >= 0 and values_before[i] == values_before[last]
            current = [*current, text] if nested and current else [text]
        last = i
        marks[i] = ": ".join(current)
    carried = marks.ffill().fillna("").to_numpy(dtype=object)
    return kind, carried


def _first_label_column(kinds: np.ndarray, label_positions: list[int], skip: list[int] = ()) -> np.ndarray:
    """Per row, the leftmost label position holding text (len(label_positions) when none): its depth. Code
    positions (``skip``) count only on a row with no other label."""
    if not label_positions:
        return np.zeros(len(kinds), dtype=int)
    text = kinds[:, label_positions] == TEXT
    named = text.copy()
    named[:, list(skip)] = False
    named = np.where(named.any(axis=1, keepdims=True), named, text)
    return np.where(named.any(axis=1), named.argmax(axis=1), len(label_positions))


def _name_depth(first_label: np.ndarray, has_values: np.ndarray, n_positions: int) -> int:
    """The label position where the rows of values are usually named: a heading sits there or to its left."""
    depths = first_label[has_values & (first_label < n_positions)]
    return int(np.bincount(depths).argmax()) if len(depths) else n_positions


def _code_positions(texts: pd.DataFrame, label_positions: list[int], has_values: np.ndarray) -> list[int]:
    """Label positions holding codes on the rows of values ('E06000001 | Hartlepool'), the last excepted: a
    name's depth is where its words start, and a heading over coded rows has no code."""
    return [k for k, p in enumerate(label_positions[:-1]) if is_code_column(texts.loc[has_values, p])]


def _label_shape(text: str) -> str:
    """A label's shape, runs of capitals, small letters and digits each one mark: 'FIRE-108' -> 'A-9'."""
    return _SHAPE_RUN.sub(r"\1", _SHAPE_DIGIT.sub("9", _SHAPE_LOWER.sub("a", _SHAPE_UPPER.sub("A", text))))


def _list_member(i: int, text: str, first_label: np.ndarray, name_depth: int, texts: pd.DataFrame,
                 label_positions: list[int], has_values: np.ndarray) -> bool:
    """A lone label without values that is one more entry of the list around it, not a heading: a rule
    of dashes; a label set to the right of where the rows are named (a record's second line, '12=Accelerated'
    under '11=Advanced'); or a numbered name shaped as the names just above and below it and in their order
    ('FIRE-108' between 'FIRE-107' and 'FIRE-115': a course with no figures). Words alone prove nothing:
    'North' between 'Castle' and 'Oakwood' may head its wards."""
    if not any(ch.isalnum() for ch in text) or first_label[i] > name_depth:
        return True
    above, below = np.flatnonzero(has_values[:i]), np.flatnonzero(has_values[i + 1:])
    if not len(above) or not len(below) or first_label[i] >= len(label_positions):
        return False
    column = texts[label_positions[first_label[i]]]
    before, after = column.iat[int(above[-1])], column.iat[i + 1 + int(below[0])]
    if not before or not after:
        return False
    shape = _label_shape(text)
    return "9" in shape and _label_shape(before) == shape == _label_shape(after) and \
        before.casefold() < text.casefold() < after.casefold()


def _lone_label(cells: list[str]) -> bool:
    """One label, perhaps with its code ('Canada: | CA'), or one ending in a colon: how a heading is set.
    A row of several labels and no values ('Port of Hope | 508 E. Florida | Nampa') is a record whose
    values are missing."""
    return sum(not _CODE.match(c) for c in cells) == 1 or cells[0].rstrip().endswith(":")


def _heads_below(i: int, depth: np.ndarray, has_values: np.ndarray, candidate: np.ndarray) -> bool:
    """A lone label heads the rows beneath it. Set deeper than a row of values just above it, it heads only
    as one of several such headings under that row ('Males', then 'Females', under 'Total deaths, all
    ages'); alone there it describes that row ('Includes Callahan, Jones and Taylor Counties' under
    'Abilene, TX M.S.A. | 170,995', the next area following)."""
    if not (i > 0 and has_values[i - 1] and depth[i] > depth[i - 1]):
        return True
    after = depth[i + 1:]
    back = np.flatnonzero(after <= depth[i - 1])
    branch = slice(i + 1, i + 1 + (int(back[0]) if len(back) else len(after)))
    return bool((candidate[branch] & (depth[branch] == depth[i])).any())


def _next_filled(filled: np.ndarray) -> np.ndarray:
    """For each row, the next row below it with any filled cell (-1 when none)."""
    idx = np.flatnonzero(filled)
    if not len(idx):
        return np.full(len(filled), -1)
    pos = np.searchsorted(idx, np.arange(len(filled)), side="right")
    return np.where(pos < len(idx), idx[np.minimum(pos, len(idx) - 1)], -1)


_MONEY = re.compile(r"£\s*(?:'?000s?|thousands?|k\b)|£\s*(?:m\b|millions?|mn\b)|\(£\)|£s\b|\bgbp\b|"
                    r"\bin\s+pounds\b|thousands of pounds|millions of pounds", re.I)


_MONEY_STATEMENT = re.compile(r"^(?:(?:data|figures|values|amounts)\s+(?:are\s+)?(?:presented|shown|given)\s+in\s+)?"
                              + UNIT_ONLY.pattern[1:], re.I)


def stated_money_scale(title: str) -> str | None:
    """The money unit a table states for all its values: a title line or cell that is only a unit ('£
    thousands', '£s', "Data are presented in £'000s"); a '(£)' inside a sentence states nothing."""
    for part in re.split(r"\s+\|\s+|\s{2,}|(?<=[.;])\s+", title or ""):
        words = part.strip().rstrip(".:;, ")
        if _MONEY_STATEMENT.match(words) or _MONEY_STATEMENT.match(re.sub(r"^.*?\b(?=data are|figures are)", "",
                                                                          words, flags=re.I)):
            return money_scale(words) or "£"
        tail = re.search(r"(£\s*(?:'?000s?|thousands?|m(?:illions?)?|s)?)\s*$", words)
        if tail and len(words.split()) <= 3:
            return money_scale(tail.group(1)) or "£"
    return None


def money_scale(text: str) -> str | None:
    """The money unit a title or header states: '£ thousands', '£ millions' or '£', None when it states none."""
    match = _MONEY.search(text or "")
    if match is None:
        return None
    found = match.group(0).lower()
    if "000" in found or "thousand" in found or found.rstrip().endswith("k"):
        return "£ thousands"
    if "m" in found.replace("£", "").replace("gbp", "") and "pound" not in found or "million" in found:
        return "£ millions"
    return "£"
