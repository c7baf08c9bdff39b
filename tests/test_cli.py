"""The command line, run as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "analytics", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


@pytest.mark.parametrize("sample", ["service_centre_daily.xlsx", "finance_scorecard.xlsx", "kpi_targets.xlsx"])
def test_summary_prints_one_labelled_sentence_a_line(sample):
    result = run("summary", str(SAMPLES / sample))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) > 3
    assert all(": " in line and not line.startswith(" ") for line in lines)


def test_summary_sheet_and_measure():
    result = run("summary", str(SAMPLES / "placements_monthly.xlsx"), "--sheet", "Care home population",
                 "--measure", "People in residential care")
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("People in residential care: ") for line in result.stdout.strip().splitlines())


def test_report_writes_the_pack_docx_and_xlsx(tmp_path):
    out, xlsx = tmp_path / "pack.docx", tmp_path / "results.xlsx"
    result = run("report", str(SAMPLES / "reablement_weekly.xlsx"), "--out", str(out), "--xlsx", str(xlsx),
                 "--suppress", "5")
    assert result.returncode == 0, result.stderr
    import docx
    import openpyxl

    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Starts: ") for h in headings)
    assert len(document.inline_shapes) >= 1
    assert any("suppress" in p.text.lower() for p in document.paragraphs)
    book = openpyxl.load_workbook(xlsx)
    assert {"KPI summary", "Commentary", "Tidy data"} <= set(book.sheetnames)


def test_report_refuses_an_odd_suppression_threshold(tmp_path):
    result = run("report", str(SAMPLES / "reablement_weekly.xlsx"), "--out", str(tmp_path / "p.docx"),
                 "--suppress", "7")
    assert result.returncode == 2 and "--suppress" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [os.urandom(4096), b""])
def test_bad_file_exits_2_with_a_message_and_no_traceback(tmp_path, content):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    result = run("summary", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() and "Traceback" not in result.stderr and result.stdout == ""


def test_missing_file_and_unknown_measure_exit_2():
    assert run("summary", "no/such/file.csv").returncode == 2
    result = run("summary", str(SAMPLES / "dols_weekly.csv"), "--measure", "Nope")
    assert result.returncode == 2 and "Nope" in result.stderr and "Traceback" not in result.stderr


def test_help_has_examples():
    result = run("--help")
    assert result.returncode == 0 and "examples:" in result.stdout and "report" in result.stdout


def test_summary_benchmarks_a_council_of_a_national_file():
    iod = ROOT / "tests" / "corpus_real" / "mhclg_iod2019_upper_tier_la_summaries.xlsx"
    result = run("summary", str(iod), "--council", "E08000009")  # Trafford by its ONS code
    assert result.returncode == 0, result.stderr
    assert "IMD - Average score: Trafford 16.1; the 118th highest of 151 England councils" in result.stdout
    unknown = run("summary", str(iod), "--council", "Narnia")
    assert unknown.returncode == 2 and "not an English council" in unknown.stderr and "Traceback" not in unknown.stderr
