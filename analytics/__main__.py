"""Command line: ``python -m analytics summary FILE`` prints the commentary; ``report`` writes a pack.

Bad input (a file that cannot be read, a table that cannot be analysed) prints its one-line message on
stderr and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.errors import AnalyticsError

EXIT_BAD_INPUT = 2
SMALL_COUNT_TOPICS = ("latest", "period_change", "year_change", "row")
EPILOG = """examples:
  python -m analytics summary sample_data/reablement_weekly.xlsx
  python -m analytics summary sample_data/placements_monthly.xlsx --sheet "Care home population"
  python -m analytics summary sample_data/kpi_targets.xlsx --measure "Direct payments (%)"
  python -m analytics report sample_data/dols_weekly.csv --out pack.docx --xlsx results.xlsx --suppress 5

exit status: 0 on success, 2 when the file cannot be read or analysed (the reason is printed on stderr).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="ASC Performance Explorer without the browser: plain-English commentary on a spreadsheet "
                    "of adult social care performance data (.xlsx, .xlsm, .xls, .ods or .csv).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{summary,report}")
    summary = commands.add_parser(
        "summary", help="print the commentary, one sentence a line, each starting with its measure or row",
        description="Print the commentary for every measure in FILE, one sentence a line; each line starts "
                    "with the measure or row it is about (e.g. 'Calls answered: ...').",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    report = commands.add_parser(
        "report", help="write the commentary to a Word document (and the sentences to Excel)",
        description="Write the scrutiny pack for FILE: the commentary as a Word document, and with --xlsx "
                    "a workbook of the sentences and the numbers behind them.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    for sub in (summary, report):
        sub.add_argument("file", metavar="FILE", help="the spreadsheet or CSV file to read")
        sub.add_argument("--sheet", metavar="S", help="the sheet to read (default: the best table in the file)")
        sub.add_argument("--measure", metavar="M", help="describe only this measure (its name as in the file)")
    report.add_argument("--out", required=True, metavar="pack.docx", help="the Word document to write")
    report.add_argument("--xlsx", metavar="results.xlsx", help="also write the sentences and numbers to Excel")
    report.add_argument("--suppress", type=int, metavar="N", default=None,
                        help="in the Excel output, hide counts below N (published statistics usually use 5)")
    return parser


def _sentences(args):
    from analytics import load
    from analytics.commentary import describe_dataset

    path = Path(args.file)
    if not path.is_file():
        raise AnalyticsError(f"There is no file at {args.file}.")
    data = load(path, sheet=args.sheet)
    return data, describe_dataset(data, measure=args.measure)


def _safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (DESIGN section 6)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_report(data, sentences, out: str, *, xlsx: str | None = None, suppress: int | None = None) -> None:
    """Write the commentary to ``out`` (.docx) and optionally ``xlsx``; the Export issue replaces this."""
    import docx
    import pandas as pd

    document = docx.Document()
    document.add_heading(f"Commentary: {data.source.filename}", level=1)
    if data.source.sheet:
        document.add_paragraph(f"Sheet: {data.source.sheet}")
    for sentence in sentences:
        document.add_paragraph(sentence.text, style="List Bullet")
    if data.warnings:
        document.add_heading("Data notes", level=2)
        for warning in data.warnings:
            document.add_paragraph(warning, style="List Bullet")
    document.save(out)
    if xlsx:
        rows = []
        for s in sentences:
            small = suppress is not None and s.topic in SMALL_COUNT_TOPICS
            numbers = {k: ("suppressed" if small and k in ("value", "before", "after") and isinstance(v, float)
                           and 0 < v < suppress else v) for k, v in s.numbers.items()}
            rows.append({"subject": _safe_cell(s.subject), "topic": s.topic, "sentence": _safe_cell(s.text),
                         "numbers": _safe_cell(", ".join(f"{k}={v}" for k, v in numbers.items()))})
        pd.DataFrame(rows, columns=["subject", "topic", "sentence", "numbers"]).to_excel(xlsx, index=False)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        data, sentences = _sentences(args)
        if args.command == "summary":
            for sentence in sentences:
                print(sentence.text)
        else:
            write_report(data, sentences, args.out, xlsx=args.xlsx, suppress=args.suppress)
            print(f"Wrote {args.out}" + (f" and {args.xlsx}" if args.xlsx else ""))
    except AnalyticsError as error:
        print(error.user_message, file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"Could not read or write a file: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
