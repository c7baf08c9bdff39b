"""``sample_data/make_samples.py`` writes the same bytes on every run, and they are the committed files."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
SCRIPT = SAMPLES / "make_samples.py"
NOT_GENERATED = frozenset({"make_samples.py", "README.md"})
FIXED_ZIP_TIME = (2024, 8, 12, 0, 0, 0)
FIXED_XML_TIME = b"2024-08-12T00:00:00Z"
SCRIPT_TIME_LIMIT_S = 60

Runs = tuple[dict[str, bytes], dict[str, bytes]]


def _generate(out: Path) -> dict[str, bytes]:
    """Run the script into ``out`` and return every file it wrote, by name."""
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, timeout=SCRIPT_TIME_LIMIT_S)
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return _generate(tmp_path_factory.mktemp("first")), _generate(tmp_path_factory.mktemp("second"))


def test_two_runs_write_identical_bytes(runs: Runs) -> None:
    first, second = runs
    assert sorted(first) == sorted(second)
    assert len(first) == 11
    assert [name for name in first if first[name] != second[name]] == []


def test_committed_samples_are_what_the_script_writes(runs: Runs) -> None:
    fresh, _ = runs
    committed = {
        path.name: path.read_bytes()
        for path in SAMPLES.iterdir()
        if path.is_file() and path.name not in NOT_GENERATED and path.suffix in {".xlsx", ".csv"}
    }
    assert sorted(committed) == sorted(fresh), "sample_data/ and the script disagree on which files exist"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert stale == [], f"run `python sample_data/make_samples.py` and commit the result: {stale} differ"


def test_workbooks_carry_only_fixed_timestamps(runs: Runs) -> None:
    workbooks = {name: data for name, data in runs[0].items() if name.endswith(".xlsx")}
    assert len(workbooks) == 8
    for name, data in workbooks.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {entry.date_time for entry in archive.infolist()} == {FIXED_ZIP_TIME}, name
            core = archive.read("docProps/core.xml")
        assert core.count(FIXED_XML_TIME) == 2, f"{name}: created and modified should both be fixed"


@pytest.mark.parametrize(
    ("name", "encoding", "starts_with"),
    [
        ("contacts_records.csv", "utf-8-sig", b"\xef\xbb\xbfContact ID,"),
        ("dols_weekly.csv", "cp1252", b"Exampleshire County Council \x96 "),
        ("messy_monthly_cp1252.csv", "cp1252", b"Exampleshire CC \x96 "),
    ],
)
def test_csv_encodings_are_the_ones_documented(
    runs: Runs, name: str, encoding: str, starts_with: bytes
) -> None:
    data = runs[0][name]
    assert data.startswith(starts_with)
    assert data.decode(encoding).count("\r\n") == data.count(b"\n"), "every line ends CRLF"
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_readme_describes_every_sample(runs: Runs) -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert [name for name in runs[0] if f"`{name}`" not in readme] == []
