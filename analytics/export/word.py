"""The Word scrutiny pack: a :class:`~analytics.export.content.Pack` laid out with python-docx, in memory.

A4 portrait (the KPI table on a landscape page), built-in styles, header rows repeated across pages, charts
16 cm wide with alt text, page numbers, and a methods annex that says what was suppressed or left out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from analytics.disclosure import DERIVED_MARKER, check_threshold
from analytics.export.content import APP_NAME, ChartSection, Pack, clean_text
from analytics.export.png import chart_png
from analytics.formatting import cell_text, is_missing
from analytics.spc import ASSURANCE_WORDS, COLOURS, VARIATION_WORDS

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)  # A4 portrait
SIDE_MARGIN, TOP_MARGIN = Cm(2.5), Cm(2.0)
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


def long_date(day: dt.date) -> str:
    """'22 November 2026'."""
    return f"{day.day} {day:%B %Y}"


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
        run = cell.paragraphs[0].add_run(clean_text(heading))
        run.bold = True
        run.font.size = Pt(font_size)
        _shade(cell, HEADER_FILL)
    fills = list(fills)
    for i, values in enumerate(rows):
        cells = table.add_row().cells
        row_fills = fills[i] if i < len(fills) else [None] * len(values)
        bold = i < len(bold_rows) and bold_rows[i]
        for cell, value, fill in zip(cells, values, row_fills, strict=True):
            run = cell.paragraphs[0].add_run(clean_text(value))
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
        doc.add_paragraph(clean_text(sentence), style="List Bullet")


def _notes(doc, notes: Iterable[str]) -> None:
    for note in notes:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(clean_text(f"Note: {note}"))
        run.italic = True
        run.font.size = Pt(9)


def _picture(doc, png: bytes, description: str) -> None:
    doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # alt text for screen readers: the inline picture's docPr@descr
    doc.inline_shapes[-1]._inline.docPr.set("descr", description)


def _chart_section(doc, section: ChartSection, level: int = 1) -> None:
    doc.add_heading(clean_text(section.title), level=level)
    png = section.png if section.png is not None else chart_png(section.chart) if section.chart is not None else None
    if png is not None:
        _picture(doc, png, clean_text(f"Chart: {section.title}. " + " ".join(section.sentences[:1])))
    _bullets(doc, section.sentences)
    if section.table is not None and len(section.table):
        _frame_table(doc, section.table)
    _notes(doc, section.notes)


def _page_number_footer(section, label: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(clean_text(f"{label} | Page ")).font.size = Pt(8)
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
    props.title, props.author, props.last_modified_by = clean_text(pack.title), clean_text(pack.council), APP_NAME
    props.comments, props.keywords, props.subject = "", "", clean_text(pack.period_covered)
    stamp = dt.datetime.combine(pack.produced, dt.time())
    props.created = props.modified = stamp


def _orient(doc, *, landscape: bool) -> None:
    """Start a new page section in landscape or portrait A4, with the same margins and footer."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)


def _cover(doc, pack: Pack) -> None:
    doc.add_paragraph(clean_text(pack.title), style="Title")
    doc.add_paragraph(clean_text(pack.council), style="Subtitle")
    for label, value in (("Period covered", pack.period_covered), ("Produced", long_date(pack.produced))):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean_text(value))
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
        doc.add_heading(clean_text(heading), level=2)
        for text in paragraphs:
            doc.add_paragraph(clean_text(text))
    if pack.sources:
        doc.add_heading("Sources", level=2)
        _bullets(doc, pack.sources)
    doc.add_heading("Small numbers and personal information", level=2)
    if pack.suppression is not None:
        doc.add_paragraph(suppression_note(pack.suppression, pack.suppressed_cells))
    else:
        doc.add_paragraph("Small counts are not suppressed in this pack: it is for internal use, not publication.")
    doc.add_paragraph(clean_text(identifier_note(pack.identifiers_dropped)))


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
