"""Time and peak memory of each case of the second hostile corpus (tests/test_hostile2.py), read as the app
reads it (guard, then the sandboxed parse). Prints a Markdown table for bench/results.md.

`.venv/bin/python bench/hostile_corpus.py` from the repository root (about a minute on 2 shared cores).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import analytics  # noqa: E402
from bench.hostile import PeakSampler  # noqa: E402
from tests import test_hostile2 as corpus  # noqa: E402


def _cases() -> list[tuple[str, str, bytes]]:
    import datetime as dt
    import struct

    workbook = corpus._monthly_workbook()
    renamed = bytearray(workbook)
    at = renamed.index(b"xl/worksheets/sheet1.xml")
    renamed[at:at + 24] = b"xl/worksheets/sheetX.xml"
    crc = bytearray(workbook)
    central = crc.rindex(b"xl/worksheets/sheet1.xml") - 46
    crc[central + 16:central + 20] = b"\0\0\0\0"
    deflate = bytearray(workbook)
    local = deflate.index(b"xl/worksheets/sheet1.xml") - 30
    start = local + 30 + 24 + struct.unpack("<H", deflate[local + 28:local + 30])[0]
    deflate[start:start + 8] = b"\xff" * 8
    far = [f"{m},{v:g}" for m, v in zip(corpus.MONTHS, corpus.CALLS, strict=True)]
    far_rows = [["Month", "Calls"], *[[dt.datetime(2024, m, 1), v] for m, v in zip(range(1, 13), corpus.CALLS,
                                                                                 strict=True)],
                [dt.datetime(3000, 1, 1), 999]]
    forms = ["1.5E+03", "2.5e3", "-1.5E+01", "(1,234.5)", "£-20", "-£20", "+12", "7.", "$5", "€6", "1,000", ".5"]
    long_cells = [f"{m},{v:g},{'x' * 200_000 if i == 3 else 'ok'}"
                  for i, (m, v) in enumerate(zip(corpus.MONTHS, corpus.CALLS, strict=True))]
    return [
        ("local name differs from central directory", "a.xlsx", bytes(renamed)),
        ("corrupt CRC", "a.xlsx", bytes(crc)),
        ("corrupt deflate stream", "a.xlsx", bytes(deflate)),
        ("Deflate64 entry", "a.xlsx", corpus._set_method(workbook, b"xl/worksheets/sheet1.xml", 9)),
        ("encrypted entry", "a.xlsx", corpus._set_method(workbook, b"xl/worksheets/sheet1.xml", 8, flags=1)),
        ("DTD in an upper-case .XML part", "a.xlsx", corpus._with_dtd(b"", part="xl/worksheets/SHEET1.XML")),
        ("DTD after a comment holding <a", "a.xlsx", corpus._with_dtd(b"<!-- <a href='x'> -->\n")),
        ("DTD in a UTF-16 part", "a.xlsx", corpus._with_dtd(b'<?xml version="1.0" encoding="UTF-16"?>\n',
                                                            encoding="utf-16")),
        ("cells A1 and XFD1048576, no dimension", "a.xlsx", corpus._cells_far_apart(dimension=None)),
        ("dimension after the first 4 KB", "a.xlsx",
         corpus._cells_far_apart(dimension=b'<dimension ref="A1:XFD1048576"/>', padding=200)),
        ("301 sheets outside xl/worksheets/", "a.xlsx", corpus._many_sheets_elsewhere(301)),
        ("workbook with no sheets", "a.xlsx", corpus._rezip(workbook, lambda n, b: __import__("re").sub(
            rb"<sheets>.*</sheets>", b"<sheets/>", b) if n == "xl/workbook.xml" else b)),
        ("ODS of 60,000 identical rows", "a.ods", corpus._ods([["Team", "Calls"], *[["North", "5"]] * 60_000])),
        ("CSV with CR-only line ends", "a.csv", corpus._csv("\r").encode()),
        ("CSV with mixed line ends", "a.csv", corpus._csv(["\r", "\n", "\r\n"]).encode()),
        ("Excel Unicode Text (UTF-16LE, tabs, .txt)", "a.txt",
         b"\xff\xfe" + corpus._csv("\r\n").replace(",", "\t").encode("utf-16-le")),
        ("a 200,000-character field", "a.csv", corpus._csv(header="Month,Calls,Comment", cells=long_cells).encode()),
        ("a date in 3000 (CSV)", "a.csv", corpus._csv(cells=[*far, "3000-01-01,999"]).encode()),
        ("a date in 1500 (CSV)", "a.csv", corpus._csv(cells=[*far, "1500-06-01,999"]).encode()),
        ("a date in 3000 (workbook cell)", "a.xlsx", corpus.xlsx_bytes(far_rows)),
        ("E notation and other Excel number forms", "a.csv",
         corpus._csv(cells=[f'{m},"{f}"' for m, f in zip(corpus.MONTHS, forms, strict=True)]).encode()),
        ("one cell of 1e200", "a.csv", corpus._csv(cells=[*far[:11], f"{corpus.MONTHS[11]},1e200"]).encode()),
        ("header after 8 blank columns", "a.csv", corpus._csv(
            header=",,,,,,,,Month,Calls", cells=[",,,,,,,," + c for c in far]).encode()),
    ]


def main() -> None:
    analytics.load(b"Month,Calls\nJan 2024,1\nFeb 2024,2\nMar 2024,3\n", filename="warm.csv")
    print("| Case | Outcome | Time | Peak memory (app + children) |")
    print("|---|---|---|---|")
    for label, name, data in _cases():
        with PeakSampler() as sampler:
            started = time.perf_counter()
            try:
                loaded = analytics.load(data, filename=name)
                outcome = f"loaded: {len(loaded.frame):,} tidy rows, {len(loaded.warnings)} warning(s)"
            except analytics.IngestError as exc:
                outcome = f"refused: {exc.user_message[:90]}{'...' if len(exc.user_message) > 90 else ''}"
            seconds = time.perf_counter() - started
        print(f"| {label} | {outcome} | {seconds:.2f} s | {sampler.peak / 1024**2:.0f} MiB |")


if __name__ == "__main__":
    main()
