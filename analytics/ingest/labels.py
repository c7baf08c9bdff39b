"""Tidying labels read from sheets: footnote marks, dimension column names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

# A footnote mark trailing a label: ' 6', ' 3, 4', '[x]', '[note 2]', '¹'; ONS also glues a digit on
# ('years1', 'cause2,3,4'). None is part of the name: the table's notes say what each means.
FOOTNOTE_DIGITS = re.compile(r"(?<=[A-Za-z)\]])(?:\s+\d{1,2}(?:,\s?\d{1,2})*|\s*\[\w{1,3}\]|"
                             r"\s*\[(?i:notes?)\s*\d{1,3}(?:\s*(?:,|and)\s*\d{1,3})*\]|\s*[¹²³⁰-⁹]+)\s*$"
                             r"|(?<=[a-z]{3})\d(?:,\d)*\s*$")
# Marks a column heading carries as well: ' (3), (4)', '(notes 1, 2)', '*', '†'. Only headings lose them, where
# a name left the same as another column's keeps its mark (two columns 'Total (1)', 'Total (2)' stay apart).
HEADING_MARKS = re.compile(r"(?<=[A-Za-z)\]])(?:\s*\(\d{1,2}\)(?:\s*,?\s*\(\d{1,2}\))*|"
                           r"\s*\((?:(?i:notes?)\s*\d{1,2}(?:\s*,\s*\d{1,2})*|\d{1,2}(?:\s*,\s*\d{1,2})+)\)|"
                           r"\s*[*†‡]+)\s*$")
# Words a number legitimately follows ('Month 9', 'Tier 2', 'Aged 65', 'Under 18', '0 to 4'): never a footnote.
NUMBERED_WORDS = re.compile(r"\b(month|week|wk|quarter|q|m|p|period|phase|tier|year|stage|band|level|group|"
                            r"step|area|team|ward|locality|zone|day|version|part|section|table|type|pathway|wave|"
                            r"cohort|round|grade|class|cluster|category|priority|percentile|centile|quintile|decile|quartile|key|"
                            r"aged?|ages|under|over|to|and|than|within|after|before|from|top|bottom|first|last|"
                            r"next|past|previous|plus|of|in|per|at|by|no|number)\s+\d{1,2}\s*$", re.I)
# A note line keyed by a lower-case letter ('b  Figures for Number of Jobs are ...'): the key a header glues on.
NOTE_KEY = re.compile(r"^([a-z])(?:\s{1,3}|[.)]\s*)(?=[A-Z(])")


def clean_label(text: str) -> str:
    """Strip footnote marks from a label ('Persons 6' -> 'Persons', 'Kent [x]' -> 'Kent', 'Kent [note 2]' ->
    'Kent'); a number a word takes ('Month 9', 'Aged 65', 'Age 18-64') stays."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    if NUMBERED_WORDS.search(text) or re.search(r"\d\s*[-+/]\s*\d{1,2}\s*$", text):
        return text  # 'Month 9', 'Age 18-64': part of the name, not a footnote
    return FOOTNOTE_DIGITS.sub("", text).strip() or text


def heading_label(text: str) -> str:
    """A column heading without its footnote marks ('Money GDP (3), (4)' -> 'Money GDP', 'Total*' -> 'Total')."""
    text = clean_label(text)
    return HEADING_MARKS.sub("", text).strip() or text


def numbered(group: str, number: str) -> str | None:
    """A plural heading over a bare number, as a person writes it ('Percentiles' over '10' -> 'Percentile 10',
    'Weeks' over '5' -> 'Week 5'); None unless the singular is a word that takes a number (NUMBERED_WORDS)."""
    if not re.fullmatch(r"\d{1,4}(?:\.\d+)?", number) or not re.fullmatch(r"[A-Za-z]{2,}[^s]s", group):
        return None
    singular = f"{group[:-1]} {number}"
    return singular if NUMBERED_WORDS.fullmatch(singular) or re.fullmatch(r"[A-Za-z]+ \d{3,4}", singular) else None


def note_keys(lines: Iterable[str]) -> set[str]:
    """The letters that key a table's note lines ('a  Employees on adult rates ...' -> 'a')."""
    return {m.group(1) for line in lines if (m := NOTE_KEY.match(str(line).strip()))}


def without_note_keys(text: str, keys: set[str], words: set[str]) -> str:
    """A label with a note's key letter unglued from the word it marks ('Number of jobsb' -> 'Number of jobs'
    when a note line starts 'b '): only where the word without the letter is a word the sheet uses elsewhere
    and the word as written is not, so 'Data' keeps its 'a' whatever note 'a' says."""
    if not keys:
        return text

    def unglue(match: re.Match[str]) -> str:
        word = match.group(0)
        stem = word[:-1]
        if word[-1] in keys and len(stem) >= 3 and stem.lower() in words and word.lower() not in words:
            return stem
        return word
    return re.sub(r"[A-Za-z]{4,}", unglue, text)


def sheet_words(texts: Iterable[str]) -> set[str]:
    """Every word (lower case) in some texts: what `without_note_keys` checks a stem against."""
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]{3,}", str(t))}


NAME_LIMIT = 40  # characters of a header that can name a dimension column


def short_name(header: str, limit: int = NAME_LIMIT) -> str:
    """A header short enough to name a column, '' if none is: a trailing bracket left out ('Upper Tier Local
    Authority District code (2019)'), then the last words that fit (the noun a header ends on says what it is)."""
    text = re.sub(r"\s+", " ", str(header)).strip()
    if len(text) > limit:
        text = re.sub(r"\s*\([^()]*\)$", "", text)
    words = text.split()
    while len(" ".join(words)) > limit and len(words) > 1:
        words = words[1:]
    text = " ".join(words)
    return text if len(text) <= limit else ""


def snake(text: str) -> str:
    """A column name for a dimension: 'Age band' -> 'age_band'."""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "dimension"


def map_distinct(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``values.map(func)`` with ``func`` called once per distinct value (a column of five team names in a
    200,000-row extract costs five calls, not 200,000); missing values are passed to ``func`` once too."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(v) for v in uniques] + [func(None)], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)
