"""Tidying labels read from sheets: footnote digits, dimension column names."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

FOOTNOTE_DIGITS = re.compile(r"(?<=[A-Za-z)])(?:\s+\d{1,2}(?:,\s?\d{1,2})*|\s*\[\w{1,3}\])\s*$"
                             r"|(?<=[a-z]{3})\d(?:,\d)*\s*$")  # 'years1', 'cause2,3,4': ONS glues them on
# Words a number legitimately follows ('Month 9', 'Tier 2', 'Stage 3'): never a footnote.
NUMBERED_WORDS = re.compile(r"\b(month|week|wk|quarter|q|m|p|period|phase|tier|year|stage|band|level|group|"
                            r"step|area|team|ward|locality|zone|day|version|part|section|table|type)\s+\d{1,2}\s*$",
                            re.I)


def clean_label(text: str) -> str:
    """Strip footnote digits glued to a label ('Persons 6' -> 'Persons', 'Kent [x]' -> 'Kent')."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    if NUMBERED_WORDS.search(text) or re.search(r"\d\s*[-+/]\s*\d{1,2}\s*$", text):
        return text  # 'Month 9', 'Age 18-64': part of the name, not a footnote
    return FOOTNOTE_DIGITS.sub("", text).strip() or text


def snake(text: str) -> str:
    """A column name for a dimension: 'Age band' -> 'age_band'."""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "dimension"


def map_distinct(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``values.map(func)`` with ``func`` called once per distinct value (a column of five team names in a
    200,000-row extract costs five calls, not 200,000); missing values are passed to ``func`` once too."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(v) for v in uniques] + [func(None)], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)
