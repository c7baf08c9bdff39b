"""The scrutiny pack built from the samples: open the Word and Excel files and check what they hold."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import docx
import openpyxl
import pytest

import analytics
from analytics import export, report
from analytics.ingest import Options
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def datasets() -> dict[str, analytics.Dataset]:
    names = ("reablement_weekly.xlsx", "dols_weekly.csv", "service_centre_daily.xlsx",
             "finance_scorecard.xlsx", "benchmarking_south_east.xlsx",
             "placements_monthly.xlsx", "contacts_records.csv")
    return {name: analytics.load(SAMPLES / name) for name in names}


@pytest.fixture(scope="module")
def analysed(datasets):
    return report.analyse_all(datasets)


def test_twelve_measure_pack_has_every_part(datasets, analysed):
    """What the pack holds; how long it takes (issue 6: under 20 s) is bench/export.py's target, not a unit test's."""
    pack = report.build_pack(datasets, report.PackOptions(council="West Sussex", produced=dt.date(2026, 11, 22)),
                             analysed)
    document = docx.Document(io.BytesIO(export.word_pack(pack)))
    workbook = export.excel_workbook(pack.data_sheets)
    assert len(pack.sections) == report.MAX_SECTIONS
    text = "\n".join(p.text for p in document.paragraphs)
    assert "22 November 2026" in text and "West Sussex" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Starts: ") for h in headings)
    assert "Methods" in text or any("Methods" in h for h in headings)
    assert "autocorrelation" in text and "Making Data Count" in text
    assert len(document.inline_shapes) == report.MAX_SECTIONS + 1  # a chart per section and the benchmark chart
    kpi_rows = len(document.tables[0].rows) - 1
    assert kpi_rows == len(analysed)
    all_cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "F" in all_cells and "A" in all_cells  # the finance scorecard's F/A column
    assert "Forecast underspend of £4.03m, F" in text
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert {"KPI summary", "Commentary", "Tidy data", "Model outputs", "Finance scorecard"} <= set(book.sheetnames)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_suppression_hides_small_counts_everywhere(datasets, analysed):
    pack = report.build_pack(datasets, report.PackOptions(suppress=5), analysed)
    tidy = pack.data_sheets["Tidy data"]
    counts = tidy[tidy["measure"] == "Admissions"]["value"]
    assert (counts == "<5").any()
    numeric = counts[counts.map(lambda v: isinstance(v, float))]
    assert not ((numeric > 0) & (numeric < 5)).any()
    assert "Model outputs" not in pack.data_sheets  # it would repeat the small values
    assert pack.suppressed_cells > 0
    document = docx.Document(io.BytesIO(export.word_pack(pack)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "suppress" in text.lower()
    small_sections = [s for s in pack.sections if any("counts under 5" in n for n in s.notes)]
    assert all(s.chart is None for s in small_sections)


def test_identifier_columns_are_left_out_unless_kept(datasets, analysed, make_xlsx):
    rows = [["Week commencing", "Client name", "NHS number", "Visits"],
            ["01/04/2024", "Ann Smith", "943 476 5919", 3], ["08/04/2024", "Bob Jones", "943 476 5919", 4],
            ["15/04/2024", "Cat Brown", "943 476 5919", 5]]
    personal = analytics.load(make_xlsx(rows), filename="visits.xlsx", options=Options(split_by="Client name"))
    assert "client_name" in personal.frame.columns
    pack = report.build_pack({"visits.xlsx": personal}, report.PackOptions())
    tidy = pack.data_sheets["Tidy data"]
    assert not {"client_name", "nhs_number"} & set(tidy.columns)
    assert set(pack.identifiers_dropped) == {"client_name"}
    kept = report.build_pack({"visits.xlsx": personal}, report.PackOptions(keep_identifiers=("client_name",)))
    assert "client_name" in kept.data_sheets["Tidy data"].columns


@pytest.mark.slow
def test_word_pack_renders_in_libreoffice(datasets, analysed, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: `make test` installs libreoffice-writer-nogui"
    pack = report.build_pack(datasets, report.PackOptions(council="West Sussex"), analysed)
    path = tmp_path / "pack.docx"
    path.write_bytes(export.word_pack(pack))
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "pack.pdf"
    assert pdf.stat().st_size > 50_000
    artefacts = SAMPLES.parent / "tests" / "artefacts"
    artefacts.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "4", str(pdf), str(artefacts / "pack_page")],
                   check=True, timeout=120)
    assert len(list(artefacts.glob("pack_page*.png"))) >= 4


def test_finance_only_pack_has_no_series_methods(datasets):
    """Issue 17: a finance-only pack said "Trailing moving averages (none)"."""
    finance_only = {"finance_scorecard.xlsx": datasets["finance_scorecard.xlsx"]}
    headings = [heading for heading, _ in report.methods(finance_only, report.analyse_all(finance_only))]
    assert headings == ["Budget monitoring"]
    text = " ".join(" ".join(lines) for _, lines in report.methods(datasets, report.analyse_all(
        {"dols_weekly.csv": datasets["dols_weekly.csv"]})))
    assert "Trailing moving averages (" in text and "(none)" not in text


def test_pack_with_an_empty_council_on_tables_of_every_kind(make_xlsx):
    """Issue 17: an empty council box on a table that is not a time series broke the pack."""
    rows = [["Service", "Clients", "Spend"], ["Home care", 120, 3.1], ["Day care", 80, 1.2], ["Respite", 40, 0.7],
            ["Meals", 30, 0.2]]
    data = {"table.xlsx": analytics.load(make_xlsx(rows), filename="table.xlsx")}
    pack = report.build_pack(data, report.PackOptions(council=""))
    assert export.word_pack(pack)[:2] == b"PK"
