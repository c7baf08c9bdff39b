"""What an export holds, as plain values: the pack's content model and the text every writer can store.

The commentary and chart builders fill a :class:`Pack`; :mod:`analytics.export.word` lays it out and
:mod:`analytics.export.excel` writes its ``data_sheets``. Neither writer depends on how the content was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

APP_NAME = "ASC Performance Explorer"  # the author of every file written


def clean_text(text) -> str:
    """Text an Office file can store: XML-illegal control characters (e.g. Excel's \\x0b line breaks) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text))


@dataclass(frozen=True, eq=False)
class ChartSection:
    """One measure (or the benchmarking) in the pack: heading, chart, commentary, optional table and notes.

    ``png`` wins over ``chart`` when both are given (the caller may have rendered it already); with neither,
    the section has no picture. ``sentences`` become bullet points; ``notes`` are small print under them.
    """

    title: str
    sentences: tuple[str, ...] = ()
    chart: alt.TopLevelMixin | None = None
    png: bytes | None = None
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @property
    def has_picture(self) -> bool:
        return self.png is not None or self.chart is not None


@dataclass(frozen=True, eq=False)
class Pack:
    """Everything the Word scrutiny pack shows, as plain content.

    ``kpi`` has one row per measure; columns named in :data:`analytics.export.word.KPI_HEADINGS` get their
    heading and treatment (``rag`` Red/Amber/Green shaded, ``variation`` and ``assurance`` icon names from
    :mod:`analytics.spc` put into words and shaded in the Making Data Count colours, ``direction`` e.g.
    better/worse), others are shown under their own name. ``finance`` is a :func:`analytics.finance.scorecard`
    table (or any frame with the ``FINANCE_HEADINGS`` columns). ``methods`` is a list of (heading, paragraphs).
    ``data_sheets`` is not used by the Word pack: it is what :func:`~analytics.export.excel.excel_workbook`
    writes alongside it. ``suppression`` is the threshold :func:`analytics.disclosure.suppress_small` applied
    (None: not applied) and ``suppressed_cells`` how many cells it suppressed; ``identifiers_dropped`` the
    columns :func:`analytics.disclosure.drop_identifiers` left out. The frames are shown as given: apply those
    functions first.
    """

    title: str
    council: str
    period_covered: str
    produced: dt.date
    kpi: pd.DataFrame | None
    sections: tuple[ChartSection, ...]
    finance: pd.DataFrame | None = None
    finance_sentences: tuple[str, ...] = ()
    benchmark: ChartSection | None = None
    methods: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sources: tuple[str, ...] = ()
    data_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    suppression: int | None = None
    suppressed_cells: int = 0
    identifiers_dropped: tuple[str, ...] = ()
