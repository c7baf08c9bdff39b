"""The small family of expected, user-facing errors.

Pages catch only these, show ``user_message`` with ``st.error`` and stop; anything else is a bug.
"""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class: an expected problem with a one-line message a council officer understands."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class IngestError(AnalyticsError):
    """A file that cannot be read as a table (wrong type, encrypted, too big, no table found...)."""


class AnalysisError(AnalyticsError):
    """A model that cannot be fitted to the data given (too few points, constant series...)."""
