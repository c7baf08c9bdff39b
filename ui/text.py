"""Text from a file shown as typed: Markdown escaped, bare links broken (never a link, image or formatting)."""

from __future__ import annotations

import re

import pandas as pd

MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$]")


# GFM turns bare URLs and e-mail addresses into links after escapes are resolved, so backslashes cannot stop
# it: a zero-width space after the scheme, 'www' or '@' does (the text looks the same).
AUTOLINK_START = re.compile(r"(?i)(?:https?|ftp|www|mailto)(?=[:.\\])|@")


ZERO_WIDTH_SPACE = "\u200b"


def markdown_text(text: str) -> str:
    """Escape Markdown so a label from a file is shown as typed, never as a link, image or formatting."""
    return AUTOLINK_START.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, MARKDOWN_SPECIAL.sub(r"\\\g<0>", text))


def text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell escaped, for ``st.table``, which renders Markdown. The index and headers
    are the caller's own words (escape them with `markdown_text` if they come from a file)."""
    return frame.map(lambda value: markdown_text(value) if isinstance(value, str) else value)


TIME_SERIES_NEEDED = "a file with a date, week, month, quarter or year column, or periods across the columns"


def no_time_series_text(loaded_names: list[str], page: str) -> str:
    """Why a time-series page is empty: nothing loaded, or only tables without periods (named, escaped), so
    an officer who has just loaded a table is not told to load something."""
    if not loaded_names:
        return (f"Load a time series ({TIME_SERIES_NEEDED}) in the sidebar, or click **Load sample data**, "
                f"to see {page}.")
    names = ", ".join(markdown_text(n) for n in loaded_names[:3]) + (" ..." if len(loaded_names) > 3 else "")
    one = len(loaded_names) == 1
    return (f"{names} {'is a table' if one else 'are tables'} with no periods, so there is nothing for {page}: "
            f"it needs {TIME_SERIES_NEEDED}. The Data page shows how {'it was' if one else 'they were'} read; "
            "Benchmarking compares councils in a table.")
