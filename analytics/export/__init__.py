"""Exports, by concern: the Word scrutiny pack (:mod:`.word`), the Excel workbook of results (:mod:`.excel`),
PNG charts (:mod:`.png`), and the content they are built from (:mod:`.content`).

Everything is built in memory and returned as bytes; nothing is written to disk (DESIGN section 6). The
content arrives as plain values (sentences, DataFrames, Altair charts) in a :class:`Pack`, so the writers do
not depend on the commentary or chart builders: they fill a ``Pack``, these modules lay it out.

Disclosure control lives in :mod:`analytics.disclosure`, which ``analytics.report`` applies before export:
:func:`suppress_small` replaces small counts with ``"<5"`` (or ``"<10"``) and what could be worked back from
them with ``"[c]"`` (:func:`suppression_note` says so in the methods annex); :func:`drop_identifiers` leaves
out columns that look like personal identifiers (:func:`identifier_note` says which). The workbook always
neutralises formula injection.

Every public name of the submodules is re-exported here, so ``from analytics.export import word_pack`` and
``export.Pack`` keep working.
"""

from __future__ import annotations

from analytics.disclosure import drop_identifiers, identifier_columns, suppress_small
from analytics.export.content import APP_NAME, ChartSection, Pack, clean_text
from analytics.export.excel import (
    DATE_FORMAT,
    FORMULA_TRIGGERS,
    MAX_CELL_CHARS,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    PERCENT_NAME,
    PERCENT_POINTS_FORMAT,
    SHEET_NAME_FORBIDDEN,
    SHEET_NAME_MAX,
    WHOLE_NUMBER_FORMAT,
    WIDTH_SAMPLE_ROWS,
    excel_workbook,
    sheet_names,
)
from analytics.export.png import CHART_LOCALE, DEFAULT_PNG_SCALE, MAX_FILE_STEM, PNG_WIDTH, chart_png, png_download_name
from analytics.export.word import (
    CHART_WIDTH,
    FA_FILLS,
    FINANCE_DECIMALS,
    FINANCE_HEADINGS,
    FINANCE_MONEY_COLUMNS,
    HEADER_FILL,
    ICON_FILLS,
    KPI_HEADINGS,
    NO_ICON,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RAG_FILLS,
    SIDE_MARGIN,
    TOP_MARGIN,
    identifier_note,
    long_date,
    suppression_note,
    word_pack,
)

__all__ = [
    "APP_NAME", "CHART_LOCALE", "CHART_WIDTH", "DATE_FORMAT", "DEFAULT_PNG_SCALE", "FA_FILLS", "FINANCE_DECIMALS",
    "FINANCE_HEADINGS", "FINANCE_MONEY_COLUMNS", "FORMULA_TRIGGERS", "HEADER_FILL", "ICON_FILLS", "KPI_HEADINGS",
    "MAX_CELL_CHARS", "MAX_COLUMN_WIDTH", "MAX_FILE_STEM", "MIN_COLUMN_WIDTH", "NO_ICON", "PAGE_HEIGHT",
    "PAGE_WIDTH", "PERCENT_NAME", "PERCENT_POINTS_FORMAT", "PNG_WIDTH", "RAG_FILLS", "SHEET_NAME_FORBIDDEN",
    "SHEET_NAME_MAX", "SIDE_MARGIN", "TOP_MARGIN", "WHOLE_NUMBER_FORMAT", "WIDTH_SAMPLE_ROWS", "ChartSection",
    "Pack", "chart_png", "clean_text", "drop_identifiers", "excel_workbook", "identifier_columns",
    "identifier_note", "long_date", "png_download_name", "sheet_names", "suppress_small", "suppression_note",
    "word_pack",
]
