"""Reading the cells of real extracts: '£1,234', '(0.17)', '17%', suppression markers, blanks.

Vectorised over whole columns: a 200,000-row extract must not be read cell by cell in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Markers published statistics use for suppressed, missing or not applicable values. They become NaN
# with a flag naming the marker: never 0, never an error.
MARKERS = {
    "*": "suppressed", "[c]": "suppressed", "c": "suppressed", "[x]": "not available", "x": "not available",
    "[z]": "not applicable", "z": "not applicable", "..": "not available", ":": "not available",
    "-": "nil or not available", "–": "nil or not available", "—": "nil or not available",
    "n/a": "not applicable", "na": "not applicable", "#n/a": "not available", "not held": "not held",
    "not available": "not available", "[low]": "suppressed", "supp": "suppressed", "suppressed": "suppressed",
    "<5": "suppressed", "< 5": "suppressed", "<10": "suppressed", "[u]": "low reliability", "[w]": "suppressed",
    "#div/0!": "not available", "#value!": "not available", "#ref!": "not available", "null": "not available",
    "tbc": "not yet available", "n/k": "not known", "unknown": "not known",
    # the bracketed letters of US and older UK statistical tables: (X) not applicable, (NA) not available,
    # (D) withheld for disclosure, (S) below publication standards, (B) base too small, (Z) rounds to zero
    "(x)": "not applicable", "(na)": "not available", "(d)": "suppressed", "(s)": "suppressed",
    "(b)": "suppressed", "(z)": "not applicable",
    "…": "not available", "...": "not available",  # an ellipsis, as international tables print gaps
}
# Digit-group separators other than the comma: the space, and the no-break and thin spaces ("76 440")
# that international and typeset tables use.
GROUP_SPACES = " \u00a0\u2009\u202f"
_GROUP_SPACE = re.compile(f"[{GROUP_SPACES}]")


def without_group_spaces(text: str) -> str:
    """A number's text with its minus sign normalised and its digit-group spaces removed."""
    return _GROUP_SPACE.sub("", text.replace("\u2212", "-"))

# The forms Excel and finance systems write: 1,234.5 / (1,234.5) / -£1,234 / £-1,234 / +12 / 12. / 1.5E+03 /
# 1.5e-3 / 17% / 4.03m, with £, $ or € in front. The exponent is part of the number, not text.
_NUMBER = re.compile(
    r"^(?P<sign>[-+])?\(?(?P<neg2>-)?[£$€]?\s*(?P<neg3>-)?"
    r"(?P<num>(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d{1,3})?)\s*(?P<pct>%)?\)?(?P<m>[mk])?$",
    re.I,
)
NUMBER_PATTERN = _NUMBER  # the grid stage classifies cells with the same pattern the parser reads


@dataclass(frozen=True)
class ParsedNumbers:
    """Numbers read from one column, with which cells were markers and which were unreadable text."""

    values: pd.Series  # float, NaN for blanks, markers and unreadable text
    marker: pd.Series  # the marker text where a cell held one, else NA
    unreadable: pd.Series  # bool: non-empty, not a marker, not a number
    percent_sign: pd.Series  # bool: cell was written with a '%'


def cell_kind(text: str) -> str:
    """'number', 'marker' or 'text' for one stripped cell string (pure Python: used on header scans)."""
    if text.lower() in MARKERS:
        return "marker"
    return "number" if _NUMBER.match(without_group_spaces(text)) else "text"


def blank_mask(column: pd.Series) -> pd.Series:
    """True where a cell is empty (NaN, None or only spaces)."""
    if column.dtype.kind in "fiumMb":
        return column.isna()
    text = column.astype("string")
    return text.isna() | (text.str.strip() == "")


_NUMBER_DTYPES = ("integer", "floating", "mixed-integer-float")


def parse_numbers(column: pd.Series) -> ParsedNumbers:
    """Read a column of cells as numbers.

    Notes
    -----
    '(0.17)' and '-0.17' are negative; '£1,234' is 1234; '17%' is 17 (the measure's unit becomes percent);
    '4.03m' is 4.03 (the unit word belongs in the header). Markers such as '*', '[c]', '..' become NaN and
    are named in ``marker``.
    """
    index = column.index
    # An object column whose cells are all numbers or blank (the grid keeps a sheet column's header text,
    # so its data rows arrive as objects) needs none of the text parsing below: infer_dtype checks in C.
    typed = column.dtype.kind in "fiub" or (
        column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in _NUMBER_DTYPES)
    if typed:
        values = pd.to_numeric(column, errors="coerce").astype(float)
        false = pd.Series(False, index=index)
        return ParsedNumbers(values, pd.Series(pd.NA, index=index, dtype="string"), false, false)
    if column.dtype.kind == "M":
        # Dates in a value column are not numbers: report them rather than turning them into serials.
        blank = column.isna()
        nan = pd.Series(np.nan, index=index)
        return ParsedNumbers(nan, pd.Series(pd.NA, index=index, dtype="string"), ~blank,
                             pd.Series(False, index=index))
    if len(column) > DISTINCT_FROM and pd.api.types.infer_dtype(column, skipna=True) == "string":
        return _parse_distinct(column)
    return _parse_cells(column)


def _parse_cells(column: pd.Series) -> ParsedNumbers:
    obj = column.astype(object)
    if pd.api.types.infer_dtype(obj, skipna=True) == "string" and (plain := _parse_plain(obj)) is not None:
        return plain
    return _parse_full(obj)


def _parse_full(obj: pd.Series) -> ParsedNumbers:
    """Every form a cell may take, read in whole-column string passes."""
    index = obj.index
    numeric_cells = obj.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).astype(bool)
    text = obj.where(~numeric_cells).astype("string").str.strip()
    lowered = text.str.lower()
    marker = lowered.map(lambda t: t if isinstance(t, str) and t in MARKERS else pd.NA).astype("string")
    parts = text.str.replace("\u2212", "-", regex=False).str.replace(_GROUP_SPACE.pattern, "", regex=True) \
        .str.extract(_NUMBER)
    number = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
    number = number.where(np.isfinite(number.astype(float)))  # '1e999' overflows: text, not infinity
    negative = ((parts["sign"] == "-").fillna(False) | parts["neg2"].notna() | parts["neg3"].notna()
                | text.str.match(r"^[-+]?\(.*\)$").fillna(False))
    number = number.where(~negative.astype(bool), -number)
    values = pd.Series(np.where(numeric_cells, pd.to_numeric(obj.where(numeric_cells), errors="coerce"),
                                number), index=index, dtype=float)
    blank = text.isna() | (text == "")
    unreadable = ~numeric_cells & ~blank.fillna(False).astype(bool) & marker.isna() & number.isna()
    return ParsedNumbers(values, marker, unreadable.astype(bool), parts["pct"].notna())


_PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def _parse_plain(column: pd.Series) -> ParsedNumbers | None:
    """The numbers of a column of text whose filled cells are all plain numbers ('1234', '-0.5') or markers
    ('-', '[c]'), as a sheet column under a text header holds them; None when any cell needs the full parse.
    A short column costs the full parse's dozen string passes in fixed overhead alone, so this shortcut saves
    most of a wide table's read."""
    text = column.astype("string").str.strip()
    lowered = text.str.lower()
    is_marker = lowered.isin(_MARKER_KEYS).fillna(False).astype(bool)
    filled = (text.notna() & (text != "")).fillna(False).astype(bool)
    if not (text.str.fullmatch(_PLAIN_NUMBER).fillna(False).astype(bool) | is_marker)[filled].all():
        return None
    false = pd.Series(False, index=column.index)
    return ParsedNumbers(pd.to_numeric(text.where(filled & ~is_marker), errors="coerce").astype(float),
                         lowered.where(is_marker).astype("string"), false, false.copy())


_MARKER_KEYS = list(MARKERS)


DISTINCT_FROM = 1000  # longer columns are parsed once per distinct value


def _parse_distinct(column: pd.Series) -> ParsedNumbers:
    """`parse_numbers` of a long column, computed on its distinct values and spread back (an extract's
    count column holds a few hundred distinct values however many rows it has)."""
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    parsed = _parse_cells(pd.Series([*uniques, None], dtype=object))
    at = np.where(codes < 0, len(uniques), codes)

    def spread(part: pd.Series) -> pd.Series:
        return pd.Series(part.to_numpy()[at], index=column.index, dtype=part.dtype)

    return ParsedNumbers(spread(parsed.values), spread(parsed.marker), spread(parsed.unreadable),
                         spread(parsed.percent_sign))


def numeric_share(column: pd.Series) -> float:
    """Share of non-blank cells that read as numbers or markers (0 for an all-blank column)."""
    parsed = parse_numbers(column)
    non_blank = ~blank_mask(column)
    if not non_blank.any():
        return 0.0
    ok = parsed.values.notna() | parsed.marker.notna()
    return float((ok & non_blank).sum() / non_blank.sum())
