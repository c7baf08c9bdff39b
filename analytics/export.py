"""Exports: the Word scrutiny pack, the Excel workbook of results, PNG charts, and the safety steps before them.

Everything is built in memory and returned as bytes; nothing is written to disk (DESIGN section 6). The
content arrives as plain values (sentences, DataFrames, Altair charts) in a :class:`Pack`, so this module does
not depend on the commentary or chart builders: they fill a ``Pack``, this module lays it out.

Safety steps the caller applies to the frames before they go in a pack or workbook:

- :func:`suppress_small` replaces small counts with ``"<5"`` (or ``"<10"``) and the percentages or rates worked
  out from them with ``"[c]"``; :func:`suppression_note` says so in the methods annex.
- :func:`drop_identifiers` leaves out columns that look like personal identifiers (names, NHS numbers,
  addresses, postcodes, dates of birth, emails, phone numbers); :func:`identifier_note` says which.
- :func:`excel_workbook` always neutralises formula injection: every string is written as a text cell, and
  one starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return also carries Excel's "quote prefix" so
  it stays text even when someone edits the cell.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd
import vl_convert
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from analytics.disclosure import DERIVED_MARKER, check_threshold
from analytics.disclosure import drop_identifiers as drop_identifiers  # re-exported: disclosure moved out
from analytics.disclosure import identifier_columns as identifier_columns
from analytics.disclosure import suppress_small as suppress_small
from analytics.formatting import cell_text, is_missing
from analytics.spc import ASSURANCE_WORDS, COLOURS, VARIATION_WORDS

APP_NAME = "ASC Performance Explorer"

# --- PNG charts ---------------------------------------------------------------------------------------------
DEFAULT_PNG_SCALE = 2.0  # twice the CSS pixel size: sharp on screen and in print at 16 cm
CHART_LOCALE = "en-GB"  # d3 number and date formats: £, day-first dates
MAX_FILE_STEM = 80

# --- Word pack ----------------------------------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)  # A4 portrait
SIDE_MARGIN, TOP_MARGIN = Cm(2.5), Cm(2.0)
PNG_WIDTH = 640  # CSS pixels for charts drawn to fit their container; 16 cm at scale 2 is ~200 dpi
CHART_WIDTH = Cm(16.0)  # the text width between 2.5 cm margins
HEADER_FILL = "D9D9D9"
RAG_FILLS = {"Red": "FF7C80", "Amber": "FFC000", "Green": "92D050"}  # black text reads on all three
FA_FILLS = {"F": "C6EFCE", "A": "FFC7CE"}
NO_ICON = "No icon"
# Icon cell fills: the Making Data Count colours (analytics.spc.COLOURS), so the table matches the charts.
ICON_FILLS = {
    "common_cause": COLOURS["common_cause"],
    "improvement_high": COLOURS["special_cause_improvement"],
    "improvement_low": COLOURS["special_cause_improvement"],
    "concern_high": COLOURS["special_cause_concern"],
    "concern_low": COLOURS["special_cause_concern"],
    "neutral_high": COLOURS["special_cause_neutral_high"],
    "neutral_low": COLOURS["special_cause_neutral_low"],
    "consistent_pass": COLOURS["special_cause_improvement"],
    "consistent_fail": COLOURS["special_cause_concern"],
    "inconsistent": COLOURS["common_cause"],
}
KPI_HEADINGS = {
    "measure": "Measure",
    "period": "Latest period",
    "value": "Latest value",
    "target": "Target",
    "rag": "RAG",
    "direction": "Direction of travel",
    "variation": "Variation (SPC)",
    "assurance": "Assurance (SPC)",
    "spc limits": "SPC limits",
}
FINANCE_HEADINGS = {
    "line": "Budget line",
    "budget": "Budget",
    "forecast": "Forecast",
    "variance": "Variance",
    "variance_pct": "Variance %",
    "fa": "F/A",
    "rag": "RAG",
    "movement": "Movement",
    "movement_direction": "Movement since last month",
}
FINANCE_MONEY_COLUMNS = ("budget", "forecast", "variance", "movement")
FINANCE_DECIMALS = 2  # council budget reports give £m to 2 dp

# --- Excel workbook -----------------------------------------------------------------------------------------
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_POINTS_FORMAT = "0.0"  # values are already percent points (52.4), so not Excel's 0.0% (x100)
WHOLE_NUMBER_FORMAT = "#,##0"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_NAME = re.compile(r"(percent|%|\bpct\b|_pct\b)", re.IGNORECASE)
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 60
WIDTH_SAMPLE_ROWS = 200

# ============================================================================================================
# Content model
# ============================================================================================================
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

    ``kpi`` has one row per measure; columns named in :data:`KPI_HEADINGS` get their heading and treatment
    (``rag`` Red/Amber/Green shaded, ``variation`` and ``assurance`` icon names from :mod:`analytics.spc`
    put into words and shaded in the Making Data Count colours, ``direction`` e.g. better/worse), others are
    shown under their own name. ``finance`` is a :func:`analytics.finance.scorecard` table (or any frame with
    the :data:`FINANCE_HEADINGS` columns). ``methods`` is a list of (heading, paragraphs). ``data_sheets``
    is not used by the Word pack: it is what :func:`excel_workbook` writes alongside it.
    ``suppression`` is the threshold applied by :func:`suppress_small` (None: not applied) and
    ``suppressed_cells`` how many cells it suppressed; ``identifiers_dropped`` the columns
    :func:`drop_identifiers` left out. The frames are shown as given: apply those functions first.
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


# ============================================================================================================
# PNG charts
# ============================================================================================================
def _vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes, if vl-convert bundles it (else vl-convert's latest)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def chart_png(chart: alt.TopLevelMixin | dict, scale: float = DEFAULT_PNG_SCALE) -> bytes:
    """Render an Altair chart (or a Vega-Lite dict) to PNG bytes with vl-convert, offline.

    Parameters
    ----------
    chart : alt.TopLevelMixin or dict
        The chart, with its data inline (Altair's default); a chart that reads data from a URL fails
        rather than fetching it.
    scale : float, default 2.0
        Pixel scale over the chart's CSS size.

    Returns
    -------
    bytes
        The PNG image.

    Notes
    -----
    ``allowed_base_urls=[]`` forbids every external request, so rendering never touches the network;
    number and date formats use the en-GB locale.
    """
    spec = dict(chart if isinstance(chart, dict) else chart.to_dict())
    if spec.get("width") == "container":  # no container off screen: draw at the pack's width, as Streamlit fits it
        spec["width"] = PNG_WIDTH
        spec["autosize"] = {"type": "fit", "contains": "padding"}
    return vl_convert.vegalite_to_png(spec, vl_version=_vega_lite_version(), scale=scale, allowed_base_urls=[],
                                      format_locale=CHART_LOCALE, time_format_locale=CHART_LOCALE)


def png_download_name(title: str) -> str:
    """A safe file name for a chart download: 'Calls answered (weekly)' -> 'calls-answered-weekly.png'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_FILE_STEM].strip("-")
    return f"{stem or 'chart'}.png"


# ============================================================================================================
# Word pack
# ============================================================================================================
def long_date(day: dt.date) -> str:
    """'22 November 2026'."""
    return f"{day.day} {day:%B %Y}"


def _clean(text) -> str:
    """Text python-docx can store: XML-illegal control characters (e.g. Excel's \\x0b line breaks) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text))


def _shade(cell, fill: str) -> None:
    """Fill a table cell with a colour (hex without #) and pick black or white text for contrast."""
    fill = fill.lstrip("#").upper()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)
    red, green, blue = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    if 0.299 * red + 0.587 * green + 0.114 * blue < 110:  # dark fill (MDC purple): white text
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _add_table(doc, headings: Sequence[str], rows: Iterable[Sequence[str]], *,
               fills: Iterable[Sequence[str | None]] = (), bold_rows: Sequence[bool] = (), font_size: float = 9):
    """A Table Grid table with a bold, shaded header row that repeats on every page."""
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, heading in zip(header.cells, headings, strict=True):
        run = cell.paragraphs[0].add_run(_clean(heading))
        run.bold = True
        run.font.size = Pt(font_size)
        _shade(cell, HEADER_FILL)
    fills = list(fills)
    for i, values in enumerate(rows):
        cells = table.add_row().cells
        row_fills = fills[i] if i < len(fills) else [None] * len(values)
        bold = i < len(bold_rows) and bold_rows[i]
        for cell, value, fill in zip(cells, values, row_fills, strict=True):
            run = cell.paragraphs[0].add_run(_clean(value))
            run.font.size = Pt(font_size)
            run.bold = bold
            if fill:
                _shade(cell, fill)
    return table


def _kpi_cell(column: str, value) -> tuple[str, str | None]:
    """Text and fill for one KPI cell: RAG and SPC icons as words with their colour."""
    if column == "rag":
        word = "" if is_missing(value) else str(value).strip().capitalize()
        return word, RAG_FILLS.get(word)
    if column in ("variation", "assurance"):
        if is_missing(value) or value == "":
            return NO_ICON, None
        words = VARIATION_WORDS if column == "variation" else ASSURANCE_WORDS
        return words.get(str(value), str(value)), ICON_FILLS.get(str(value))
    if column == "direction":
        return ("" if is_missing(value) else str(value).capitalize()), None
    return cell_text(value), None


def _kpi_table(doc, kpi: pd.DataFrame) -> None:
    columns = list(kpi.columns)
    headings = [KPI_HEADINGS.get(c, str(c)) for c in columns]
    rows, fills = [], []
    for record in kpi.itertuples(index=False, name=None):
        cells = [_kpi_cell(c, v) for c, v in zip(columns, record, strict=True)]
        rows.append([text for text, _ in cells])
        fills.append([fill for _, fill in cells])
    _add_table(doc, headings, rows, fills=fills)


def _finance_table(doc, finance: pd.DataFrame) -> None:
    columns = [c for c in FINANCE_HEADINGS if c in finance.columns] or list(finance.columns)
    rows, fills = [], []
    for _, record in finance.iterrows():
        row, row_fills = [], []
        for column in columns:
            value = record[column]
            if column in FINANCE_MONEY_COLUMNS:
                row.append(cell_text(value, FINANCE_DECIMALS))
            elif column == "variance_pct":
                row.append("" if is_missing(value) else f"{cell_text(value, 1)}%")
            else:
                row.append(cell_text(value))
            fill = FA_FILLS.get(row[-1]) if column == "fa" else RAG_FILLS.get(row[-1]) if column == "rag" else None
            row_fills.append(fill)
        rows.append(row)
        fills.append(row_fills)
    bold = finance["is_total"].fillna(False).astype(bool).tolist() if "is_total" in finance.columns else ()
    _add_table(doc, [FINANCE_HEADINGS.get(c, str(c)) for c in columns], rows, fills=fills, bold_rows=bold)


def _frame_table(doc, frame: pd.DataFrame) -> None:
    rows = [[cell_text(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    _add_table(doc, [str(c) for c in frame.columns], rows)


def _bullets(doc, sentences: Iterable[str]) -> None:
    for sentence in sentences:
        doc.add_paragraph(_clean(sentence), style="List Bullet")


def _notes(doc, notes: Iterable[str]) -> None:
    for note in notes:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(_clean(f"Note: {note}"))
        run.italic = True
        run.font.size = Pt(9)


def _picture(doc, png: bytes, description: str) -> None:
    doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # alt text for screen readers: the inline picture's docPr@descr
    doc.inline_shapes[-1]._inline.docPr.set("descr", description)


def _chart_section(doc, section: ChartSection, level: int = 1) -> None:
    doc.add_heading(_clean(section.title), level=level)
    png = section.png if section.png is not None else chart_png(section.chart) if section.chart is not None else None
    if png is not None:
        _picture(doc, png, _clean(f"Chart: {section.title}. " + " ".join(section.sentences[:1])))
    _bullets(doc, section.sentences)
    if section.table is not None and len(section.table):
        _frame_table(doc, section.table)
    _notes(doc, section.notes)


def _page_number_footer(section, label: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(_clean(f"{label} | Page ")).font.size = Pt(8)
    run = paragraph.add_run()
    run.font.size = Pt(8)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _page_setup(doc, pack: Pack) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = SIDE_MARGIN
    section.top_margin = section.bottom_margin = TOP_MARGIN
    _page_number_footer(section, f"{pack.council}: {pack.title}" if pack.council else pack.title)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = _clean(pack.title), _clean(pack.council), APP_NAME
    props.comments, props.keywords, props.subject = "", "", _clean(pack.period_covered)
    stamp = dt.datetime.combine(pack.produced, dt.time())
    props.created = props.modified = stamp


def _orient(doc, *, landscape: bool) -> None:
    """Start a new page section in landscape or portrait A4, with the same margins and footer."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)


def _cover(doc, pack: Pack) -> None:
    doc.add_paragraph(_clean(pack.title), style="Title")
    doc.add_paragraph(_clean(pack.council), style="Subtitle")
    for label, value in (("Period covered", pack.period_covered), ("Produced", long_date(pack.produced))):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(_clean(value))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def suppression_note(threshold: int, n: int) -> str:
    """The methods-annex sentence for small-number suppression (threshold 5 or 10, n cells suppressed)."""
    check_threshold(threshold)
    done = (f"{n:,} cell{'s were' if n != 1 else ' was'} suppressed." if n
            else "No cells needed suppressing.")
    return (f"Counts from 1 to {threshold - 1} are shown as \"<{threshold}\", and percentages or rates worked "
            f"out from them on the same row as \"{DERIVED_MARKER}\", so that individuals cannot be identified. "
            f"Zeros are shown. {done}")


def identifier_note(dropped: Sequence[str]) -> str:
    """The methods-annex sentence saying which personal-identifier columns were left out."""
    rule = ("Columns that look like personal identifiers (names, NHS numbers, addresses, postcodes, dates of "
            "birth, email addresses, phone numbers) are left out of exports unless the user keeps them.")
    if not dropped:
        return f"{rule} None were found in the data used."
    names = ", ".join(f"'{c}'" for c in dropped)
    return f"{rule} Left out: {names}."


def _methods(doc, pack: Pack) -> None:
    doc.add_heading("Methods and sources", level=1)
    for heading, paragraphs in pack.methods:
        doc.add_heading(_clean(heading), level=2)
        for text in paragraphs:
            doc.add_paragraph(_clean(text))
    if pack.sources:
        doc.add_heading("Sources", level=2)
        _bullets(doc, pack.sources)
    doc.add_heading("Small numbers and personal information", level=2)
    if pack.suppression is not None:
        doc.add_paragraph(suppression_note(pack.suppression, pack.suppressed_cells))
    else:
        doc.add_paragraph("Small counts are not suppressed in this pack: it is for internal use, not publication.")
    doc.add_paragraph(_clean(identifier_note(pack.identifiers_dropped)))


def word_pack(pack: Pack) -> bytes:
    """Lay out a scrutiny pack as a Word document, in memory.

    Parameters
    ----------
    pack : Pack
        The content: cover details, KPI table, one :class:`ChartSection` per measure, finance scorecard,
        benchmarking, methods and sources.

    Returns
    -------
    bytes
        The .docx file: A4 portrait, 2.5 cm side margins, built-in styles (Title, Heading 1/2, List Bullet,
        Table Grid), table header rows repeated across pages, charts 16 cm wide with alt text, page numbers.

    Notes
    -----
    Sections without a ``png`` have their ``chart`` rendered with :func:`chart_png`. Nothing touches the
    disk: python-docx reads its bundled template and saves to a BytesIO.
    """
    doc = Document()
    _page_setup(doc, pack)
    _cover(doc, pack)
    if pack.kpi is not None and len(pack.kpi):
        _orient(doc, landscape=True)  # nine columns of words need the width of a landscape page
        doc.add_heading("Summary of measures", level=1)
        _kpi_table(doc, pack.kpi)
        _orient(doc, landscape=False)
    for section in pack.sections:
        _chart_section(doc, section)
    if pack.finance is not None and len(pack.finance):
        doc.add_heading("Budget monitoring", level=1)
        _bullets(doc, pack.finance_sentences)
        _finance_table(doc, pack.finance)
        doc.add_paragraph("F: favourable (spending below budget or income above it); A: adverse.")
    if pack.benchmark is not None:
        _chart_section(doc, pack.benchmark)
    _methods(doc, pack)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ============================================================================================================
# Excel workbook
# ============================================================================================================
class _InMemoryExcelWriter(ExcelWriter):
    """openpyxl's writer, but each worksheet's XML goes to a BytesIO instead of a temporary file.

    openpyxl 3.1 writes every worksheet to a NamedTemporaryFile before zipping it, even when saving to a
    BytesIO; uploaded data must never touch the disk (DESIGN section 6). Mirrors
    ``ExcelWriter.write_worksheet`` of openpyxl 3.1.5 (pinned); tests/test_export.py guards it.
    """

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, distinct Excel sheet names: forbidden characters replaced, at most 31 characters.

    Excel forbids ``[ ] : * ? / \\``, a leading or trailing apostrophe, a blank name and "History", and
    compares names without regard to case; duplicates get " (2)", " (3)"... within the length limit.
    """
    result: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = SHEET_NAME_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", str(raw))).strip().strip("'").strip()
        name = name[:SHEET_NAME_MAX].strip() or "Sheet"
        if name.lower() == "history":
            name = "History_"
        candidate, k = name, 1
        while candidate.lower() in seen:
            k += 1
            suffix = f" ({k})"
            candidate = name[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def _excel_value(value):
    """A Python value openpyxl writes with the right type: numbers, dates, text; None for missing."""
    if is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float):
        return value if not (isinstance(value, float) and math.isinf(value)) else str(value)
    if isinstance(value, pd.Timestamp):
        value = value.tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def _write_text(cell, text: str) -> None:
    """A string cell Excel shows as text and never evaluates, whatever it starts with."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS]
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula; "s" writes it as an inline string
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _is_percent_column(name) -> bool:
    return bool(PERCENT_NAME.search(str(name)))


def _column_format(series: pd.Series) -> str | None:
    """Number format for a whole column: dates day-first, percent points to 1 dp, whole numbers with commas."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return DATE_FORMAT
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if _is_percent_column(series.name):
        return PERCENT_POINTS_FORMAT
    finite = series.dropna()
    if pd.api.types.is_integer_dtype(series) or (len(finite) and bool((finite == finite.round()).all())):
        return WHOLE_NUMBER_FORMAT
    return None


def _percent_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows of a tidy frame whose ``unit`` is percent: their numbers are percent points."""
    if "unit" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["unit"].astype("string").str.lower() == "percent").fillna(False).to_numpy()


def _fill_sheet(ws, frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    bold = Font(bold=True)
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        _write_text(cell, str(name))
        cell.font = bold
    formats = [_column_format(frame[c]) for c in columns]
    percent_rows = _percent_rows(frame)
    widths = [len(str(c)) for c in columns]
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        for j, raw in enumerate(record):
            value = _excel_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=i + 2, column=j + 1)
            if isinstance(value, str):
                _write_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif percent_rows[i] and not isinstance(value, bool):
                    cell.number_format = PERCENT_POINTS_FORMAT
                elif formats[j]:
                    cell.number_format = formats[j]
            if i < WIDTH_SAMPLE_ROWS:
                shown = 10 if isinstance(value, dt.date) else len(cell_text(value))
                widths[j] = max(widths[j], shown)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"


def excel_workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Write frames to an Excel workbook, one sheet each, in memory.

    Parameters
    ----------
    sheets : mapping of str to pd.DataFrame
        Sheet name -> frame, in order. Names are made valid with :func:`sheet_names`. The frame's index is
        not written (reset it first to keep it).

    Returns
    -------
    bytes
        The .xlsx file. Header row bold, frozen (panes at A2) and filterable; columns sized to their content.

    Notes
    -----
    Cells are typed: numbers as numbers, dates and Timestamps as dates shown ``dd/mm/yyyy`` (time zones
    dropped, wall-clock time kept), booleans as booleans, NaN/None/NaT as empty cells, lists as
    comma-joined text. Percent columns (a name with "percent", "%" or "pct") and every number on a row whose
    ``unit`` is ``percent`` are shown with ``0.0``: the values are already percentage points (52.4), and
    Excel's ``0.0%`` format would show 5240.0%. Whole-number columns get ``#,##0``; other numbers keep
    Excel's General format and full precision. There are no formulas: every string is a text cell, and
    one starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return also has Excel's quote prefix.
    """
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = APP_NAME
    book.properties.lastModifiedBy = APP_NAME
    for name, frame in zip(sheet_names(sheets), sheets.values(), strict=True):
        _fill_sheet(book.create_sheet(name), frame)
    if not book.worksheets:
        book.create_sheet("Sheet")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryExcelWriter(book, archive).save()
    return buffer.getvalue()
