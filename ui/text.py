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
