"""Typed notes: a finding about the data, tagged where it is raised with a code and whether it is a caveat.

The commentary states every caveat note as a "caveat:" sentence (the KPI page, the scrutiny pack and the
command line alike); the other notes are data-quality notes shown beside the chart. Deciding this from how a
message begins would drop a caveat the day its wording changes, so the module that raises a warning says
which kind it is.

A :class:`Note` *is* its text (a ``str``), so every reader of a ``warnings`` tuple (joins, ``in`` tests,
``st.warning``) keeps working; messages that are plain strings (an ``AnalysisError``'s ``user_message``)
are data-quality notes.
"""

from __future__ import annotations

from typing import Literal

NoteCode = Literal[
    "short_series",  # fewer values than the commentary trusts (analysis.SHORT_SERIES_POINTS)
    "small_counts",  # typical value under analysis.SMALL_COUNT
    "missing_values",  # periods with no value (missing or suppressed)
    "no_latest_value",  # trailing periods with no value yet
    "no_values",  # every period missing
    "partial_period",  # a first or last period the record extract covers only in part
    "forecast_periods",  # periods the file marks as forecasts or projections, left out of the models
    "absent_periods",  # periods absent from the index (spc)
    "trial_limits",  # SPC limits from fewer than spc.TRIAL_LIMITS_BELOW points
    "too_few_points",  # fewer than spc.MIN_SPC_POINTS points: no SPC verdict at all
    "previous_period_missing",  # period on period compared across a gap (compare)
    "not_like_for_like",  # year-to-date windows with different numbers of values (compare)
    "no_polarity",  # ranks or RAG without a better direction (already said in the sentence)
]


class Note(str):
    """A warning's text with its ``code`` and whether the commentary states it as a ``caveat``."""

    code: str
    caveat: bool

    def __new__(cls, text: str, code: NoteCode, *, caveat: bool = False) -> Note:
        note = super().__new__(cls, text)
        object.__setattr__(note, "code", code)
        object.__setattr__(note, "caveat", bool(caveat))
        return note

    def __setattr__(self, name, value):
        raise AttributeError("a Note is immutable")

    def __reduce__(self):  # st.cache_data pickles results: keep the code and the caveat
        return (_rebuild, (str.__str__(self), self.code, self.caveat))

    def __repr__(self) -> str:
        return f"Note({str.__str__(self)!r}, code={self.code!r}, caveat={self.caveat})"

    @property
    def text(self) -> str:
        return str.__str__(self)


def _rebuild(text: str, code: str, caveat: bool) -> Note:
    return Note(text, code, caveat=caveat)  # type: ignore[arg-type]


def caveat(text: str, code: NoteCode) -> Note:
    """A note the commentary states as a caveat sentence."""
    return Note(text, code, caveat=True)


def is_caveat(warning: str) -> bool:
    """Whether a warning is a caveat (a :class:`Note` raised as one); plain strings never are."""
    return bool(getattr(warning, "caveat", False))


def code_of(warning: str) -> str | None:
    """The note's code, or None for a plain string."""
    return getattr(warning, "code", None)
