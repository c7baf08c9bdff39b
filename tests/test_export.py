"""The export package as a whole: every public name where callers import it, nothing written to disk, text that
no writer can store removed by both. Each writer has its own file (test_export_word, _excel, _png, _content);
the sample content they share is built here."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

import altair as alt
import numpy as np
import openpyxl
import pandas as pd
from docx import Document

from analytics import disclosure, export

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def tiny_chart(title: str = "Calls answered") -> alt.Chart:
    frame = pd.DataFrame({"week": pd.date_range("2025-04-07", periods=8, freq="W-MON"),
                          "value": [410, 432, 398, 455, 470, 441, 462, 480]})
    return alt.Chart(frame, title=title).mark_line(point=True).encode(x="week:T", y="value:Q")


def kpi_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "measure": ["Calls answered", "Reviews on time (%)", "New residential placements 65+"],
        "value": [480, 71.5, 51],
        "target": [450, 80.0, np.nan],
        "rag": ["Green", "Red", None],
        "direction": ["better", "worse", "same"],
        "variation": ["improvement_high", "concern_low", "common_cause"],
        "assurance": ["consistent_pass", "inconsistent", None],
    })


def finance_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "line": ["Residential", "Home care", "Total ASC"],
        "parent": ["ASC", "ASC", None],
        "is_total": [False, False, True],
        "budget": [3.00, 1.50, 4.50],
        "forecast": [3.20, 1.40, 4.60],
        "variance": [0.20, -0.10, 0.10],
        "variance_pct": [6.7, -6.7, 2.2],
        "fa": ["A", "F", "A"],
        "rag": ["Red", "Green", "Amber"],
    })


def make_pack(n_sections: int = 2, *, suppression: int | None = 5, benchmark: bool = True) -> export.Pack:
    sections = tuple(
        export.ChartSection(
            title=f"Measure {i + 1}",
            sentences=(f"Measure {i + 1} was 480 in the week starting 26 May 2025, up 4% on the week before.",
                       "There is no sign of special cause variation."),
            chart=tiny_chart(f"Measure {i + 1}"),
            notes=("The latest week is provisional.",),
        )
        for i in range(n_sections)
    )
    bench = export.ChartSection("Benchmarking against peers", ("Council A ranks 3rd of 16.",),
                                chart=tiny_chart("Peers")) if benchmark else None
    return export.Pack(
        title="Adult social care performance",
        council="Council A",
        period_covered="April 2025 to May 2025",
        produced=dt.date(2026, 11, 22),
        kpi=kpi_frame(),
        sections=sections,
        finance=finance_frame(),
        finance_sentences=("The forecast is £0.10m over budget.",),
        benchmark=bench,
        methods=(("Statistical process control", ("XmR charts follow Making Data Count.",)),),
        sources=("contacts.xlsx, sheet 'Weekly'",),
        suppression=suppression,
        suppressed_cells=3 if suppression else 0,
        identifiers_dropped=("NHS Number",),
    )


# --- shared by the Excel tests ------------------------------------------------------------------------------
def data_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "period": pd.to_datetime(["2025-04-07", "2025-04-14", "2025-04-21"]),
        "measure": ["Calls answered", "Calls answered", "Calls answered"],
        "value": [410.0, np.nan, 455.0],
        "count": [3, 4, 5],
        "Reviews on time percent": [52.4, 60.0, 61.25],
        "spark": [[1, 2], [3], []],
        "text": [HOSTILE[0], HOSTILE[1], "plain"],
    })


# --- Nothing written to disk -------------------------------------------------------------------------------------
_WRITES: list[tuple] = []
_WATCHING = [False]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _audit(event: str, args: tuple) -> None:
    if not _WATCHING[0]:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(ch in mode for ch in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing and not isinstance(path, int):
            _WRITES.append((event, path, mode))
    elif event in ("tempfile.mkstemp", "tempfile.mkdtemp", "os.mkdir", "os.rename", "os.remove",
                   "shutil.copyfile"):
        _WRITES.append((event, *args))


def test_nothing_written_to_disk():
    pack = make_pack(2)
    sheets = {"Data": data_frame(), "Hostile": pd.DataFrame({"x": HOSTILE})}
    export.word_pack(pack), export.excel_workbook(sheets)  # warm up: first imports may write .pyc files
    if not getattr(sys, "_export_audit_installed", False):
        sys.addaudithook(_audit)
        sys._export_audit_installed = True
    watched = [Path.cwd(), Path(tempfile.gettempdir())]
    before = [set(os.listdir(d)) for d in watched]
    _WRITES.clear()
    _WATCHING[0] = True
    try:
        docx_bytes = export.word_pack(pack)
        xlsx_bytes = export.excel_workbook(sheets)
    finally:
        _WATCHING[0] = False
    after = [set(os.listdir(d)) for d in watched]
    assert _WRITES == []
    assert [a - b for a, b in zip(after, before, strict=True)] == [set(), set()]
    assert docx_bytes[:2] == xlsx_bytes[:2] == b"PK"




def test_email_address_is_an_email():
    assert disclosure.identifier_kinds(pd.DataFrame(columns=["Email address", "Home address"])) == {
        "Email address": "email", "Home address": "address"}


def test_control_characters_and_numpy_dates_do_not_break_exports():
    frame = pd.DataFrame({"Team\x01": ["North\x0bcentral"], "when": [np.datetime64("2025-04-07")]}, dtype=object)
    pack = export.Pack("Pack\x0b", "Council\x02", "2025", dt.date(2026, 1, 2), kpi=frame,
                       sections=(export.ChartSection("A\x0bB", ("One\x0c.",), table=frame, notes=("n\x01",)),))
    doc = Document(io.BytesIO(export.word_pack(pack)))
    assert doc.paragraphs[0].text == "Pack" and doc.tables[0].rows[1].cells[0].text == "Northcentral"
    ws = openpyxl.load_workbook(io.BytesIO(export.excel_workbook({"x": frame}))).active
    assert ws["A2"].value == "Northcentral" and ws["B2"].value == dt.datetime(2025, 4, 7)




def test_every_public_name_is_where_callers_import_it():
    """The split by concern keeps DESIGN's names: ``from analytics.export import X`` for each module's own."""
    from analytics.export import content, excel, png, word

    for module in (content, excel, png, word):
        own = [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None)
               == module.__name__]
        assert own and all(getattr(export, n) is getattr(module, n) for n in own), module.__name__
    assert set(export.__all__) <= set(dir(export))
    assert export.suppress_small is disclosure.suppress_small  # disclosure control moved out, still re-exported
