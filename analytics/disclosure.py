"""Disclosure control: small-number suppression and personal identifiers, applied before anything leaves.

Published statistics suppress small counts (and what they could be worked back from); an export leaves out
columns that look like personal identifiers unless the user keeps them. ``report`` applies both to the pack;
``export`` only writes what it is given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# --- Suppression ----------------------------------------------------------------------------------------------
SUPPRESSION_THRESHOLDS = (5, 10)
DERIVED_MARKER = "[c]"  # GSS symbol for "confidential"

# --- Personal identifiers -------------------------------------------------------------------------------------
IDENTIFIER_SHARE = 0.8  # a column is flagged by its values when at least this share of non-empty ones match
IDENTIFIER_SAMPLE = 500  # values looked at per column
NHS_NUMBER_LENGTH = 10


# ============================================================================================================
# Small-number suppression
# ============================================================================================================
def check_threshold(threshold: int) -> None:
    """ValueError for a threshold not in SUPPRESSION_THRESHOLDS (a programming error: the pages offer only those)."""
    if threshold not in SUPPRESSION_THRESHOLDS or isinstance(threshold, bool):
        allowed = " or ".join(map(str, SUPPRESSION_THRESHOLDS))
        raise ValueError(f"The suppression threshold must be {allowed} (counts below it are hidden); "
                         f"got {threshold!r}.")


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{role} column(s) {missing} are not in the table; its columns are {list(frame.columns)}.")


def suppress_small(frame: pd.DataFrame, threshold: int, *, count_columns: Sequence[str],
                   derived_columns: Sequence[str] = ()) -> tuple[pd.DataFrame, int]:
    """Hide small counts, and the percentages or rates on the same row, before a table is shared.

    Parameters
    ----------
    frame : pd.DataFrame
        The table to publish; not modified.
    threshold : {5, 10}
        Counts above 0 and below ``threshold`` are suppressed.
    count_columns : sequence of str
        Columns holding counts of people or events.
    derived_columns : sequence of str, default ()
        Percentages or rates worked out from those counts: on a row where any count is suppressed they
        become ``"[c]"``, since they would give the count back.

    Returns
    -------
    (pd.DataFrame, int)
        A copy with suppressed cells as text (``"<5"`` or ``"<10"``, ``"[c]"``) and the number of cells
        suppressed (counts and derived values).

    Raises
    ------
    ValueError
        A threshold other than 5 or 10, or a column not in the table.

    Notes
    -----
    Zeros stay shown. NHS Digital's disclosure control for Hospital Episode Statistics replaced "values
    between 1 and 5" with ``*`` (its later rule, 1 to 7), so a zero was never in the suppressed range; a
    true zero identifies nobody unless it reveals something about the other cells of the table, which is
    secondary suppression and not done here. Missing values and non-numeric cells are left as they are.
    """
    check_threshold(threshold)
    _check_columns(frame, count_columns, "Count")
    _check_columns(frame, derived_columns, "Derived")
    result = frame.copy()
    hit_rows = np.zeros(len(frame), dtype=bool)
    n = 0
    for column in count_columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        small = ((values > 0) & (values < threshold)).fillna(False).to_numpy(dtype=bool)
        if small.any():
            result[column] = result[column].astype(object)
            result.loc[small, column] = f"<{threshold}"
            hit_rows |= small
            n += int(small.sum())
    for column in derived_columns:
        if column in count_columns:
            continue
        rows = hit_rows & frame[column].notna().to_numpy()
        if rows.any():
            result[column] = result[column].astype(object)
            result.loc[rows, column] = DERIVED_MARKER
            n += int(rows.sum())
    return result, n


# ============================================================================================================
# Personal identifiers
# ============================================================================================================
_NAME_PHRASES = (
    r"names?", r"fore ?names?", r"sur ?names?", r"first ?names?", r"last ?names?", r"full ?names?",
    r"given ?names?", r"family ?names?", r"middle ?names?", r"maiden ?names?", r"preferred ?names?",
    r"client ?names?", r"person ?names?", r"persons ?names?", r"service ?user ?names?", r"patient ?names?",
    r"resident ?names?", r"carer ?names?", r"customer ?names?",
)
_IDENTIFIER_NAMES = {
    "name": re.compile(r"^(?:" + "|".join(_NAME_PHRASES[:1]) + r")$|\b(?:" + "|".join(_NAME_PHRASES[1:]) + r")\b"),
    "email": re.compile(r"\be ?mail\b"),  # before address: "Email address"
    "NHS number": re.compile(r"\bnhs ?(?:number|no|num|id)\b|\bnhsno\b"),
    "address": re.compile(r"\baddress|\bstreet\b|\baddr\b|\bline 1\b|\bhouse number\b"),
    "postcode": re.compile(r"\bpost ?codes?\b|\bzip ?code\b"),
    "date of birth": re.compile(r"\bdob\b|\bdate of birth\b|\bbirth ?date\b"),
    "phone number": re.compile(r"\b(?:tele)?phone\b|\btel\b|\bmobile\b|\bcontact number\b|\bphone number\b"),
}
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
UK_PHONE = re.compile(r"^(?:\+44\s?\(?0?\)?|0)(?:[\s-]?\d){9,10}$")
NHS_NUMBER_TEXT = re.compile(r"^\d{3}[ -]?\d{3}[ -]?\d{4}$")


def _normalise_name(name) -> str:
    text = str(name).lower().replace(".", "")
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def is_nhs_number(value) -> bool:
    """True for a 10-digit number (spaces or hyphens 3-3-4 allowed) whose check digit passes modulus 11.

    Weights 10 down to 2 on the first nine digits; check = 11 - (sum mod 11), 11 -> 0, 10 -> invalid.
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        text = str(int(value))
    elif isinstance(value, float | np.floating) and math.isfinite(value) and float(value).is_integer():
        text = str(int(value))
    elif isinstance(value, str) and NHS_NUMBER_TEXT.match(value.strip()):
        text = re.sub(r"[ -]", "", value.strip())
    else:
        return False
    if len(text) != NHS_NUMBER_LENGTH:
        return False
    digits = [int(d) for d in text]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _share(values: list, test) -> float:
    return sum(bool(test(v)) for v in values) / len(values) if values else 0.0


def _kind_by_values(series: pd.Series) -> str | None:
    values = series.dropna().head(IDENTIFIER_SAMPLE).tolist()
    if not values:
        return None
    if _share(values, is_nhs_number) >= IDENTIFIER_SHARE:
        return "NHS number"
    texts = [v.strip() for v in values if isinstance(v, str)]
    if len(texts) < IDENTIFIER_SHARE * len(values) or not texts:
        return None
    for kind, pattern in (("postcode", POSTCODE), ("email", EMAIL), ("phone number", UK_PHONE)):
        if _share(texts, pattern.match) >= IDENTIFIER_SHARE:
            return kind
    return None


def identifier_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Column -> the kind of personal identifier it looks like (by its name, else by its values)."""
    found = {}
    for j, column in enumerate(frame.columns):
        name = _normalise_name(column)
        kind = next((k for k, pattern in _IDENTIFIER_NAMES.items() if pattern.search(name)), None)
        kind = kind or _kind_by_values(frame.iloc[:, j])
        if kind:
            found[column] = kind
    return found


def identifier_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that look like personal identifiers, in the frame's order.

    Parameters
    ----------
    frame : pd.DataFrame

    Returns
    -------
    list of str

    Notes
    -----
    By name (case, spaces, underscores and dots ignored): names (a column called just "Name", forename,
    surname, first/last/full/client/person name...; "Team name" or "Council name" are not people), NHS
    number, address/street/line 1, postcode, date of birth/DOB/birth date, email, phone/telephone/mobile.
    By values, when at least 80% of the first 500 non-empty values match: NHS numbers (10 digits, spaced
    3-3-4 or not, passing the modulus 11 check, which about 1 in 11 random 10-digit numbers pass), full UK
    postcodes, email addresses, UK phone numbers. Free-text names cannot be told from other words by value.
    """
    return list(identifier_kinds(frame))


def drop_identifiers(frame: pd.DataFrame, keep: Iterable[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """Leave out the columns :func:`identifier_columns` flags, except those the user chose to ``keep``."""
    keep = set(keep)
    dropped = [c for c in identifier_columns(frame) if c not in keep]
    return frame.drop(columns=dropped), dropped
