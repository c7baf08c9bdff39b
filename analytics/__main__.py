"""Command line: ``python -m analytics summary FILE`` prints the commentary; ``report`` writes a pack.

Bad input (a file that cannot be read, a table that cannot be analysed) prints its one-line message on
stderr and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.disclosure import SUPPRESSION_THRESHOLDS
from analytics.errors import AnalyticsError

EXIT_BAD_INPUT = 2
EPILOG = """examples:
  python -m analytics summary sample_data/reablement_weekly.xlsx
  python -m analytics summary sample_data/placements_monthly.xlsx --sheet "Care home population"
  python -m analytics summary sample_data/kpi_targets.xlsx --measure "Direct payments (%)"
  python -m analytics summary tests/corpus_real/mhclg_iod2019_upper_tier_la_summaries.xlsx --council Trafford
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
        "report", help="write the scrutiny pack: a Word document, and with --xlsx an Excel workbook",
        description="Write the scrutiny pack for FILE: a Word document with the KPI summary, a chart and "
                    "commentary per measure (up to 12), the finance scorecard or benchmarking chart where the "
                    "file has one, and a methods annex; with --xlsx, a workbook of the tidy data, model outputs, "
                    "commentary and KPI summary (no formulas). Personal identifiers are left out.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    for sub in (summary, report):
        sub.add_argument("file", metavar="FILE", help="the spreadsheet or CSV file to read")
        sub.add_argument("--sheet", metavar="S", help="the sheet to read (default: the best table in the file)")
        sub.add_argument("--measure", metavar="M", help="describe only this measure (its name as in the file)")
        sub.add_argument("--council", metavar="NAME",
                         help="in a table of councils, benchmark this council (name or ONS code) against England, "
                              "its region and all councils")
    report.add_argument("--out", required=True, metavar="pack.docx", help="the Word document to write")
    report.add_argument("--xlsx", metavar="results.xlsx", help="also write the Excel workbook")
    report.add_argument("--suppress", type=int, metavar="N", default=None,
                        help="small-number suppression: show counts from 1 to N-1 as '<N' (N is 5 or 10), hide "
                             "figures derived from them and charts or sentences that would show them")
    return parser


def _analysed(args):
    """The file read and analysed once; the summary and the report both render this one analysis."""
    from analytics import load
    from analytics.dataset_analysis import analyse, only_measure

    path = Path(args.file)
    if not path.is_file():
        raise AnalyticsError(f"There is no file at {args.file}.")
    data = load(path, sheet=args.sheet)
    if args.measure is not None:
        only_measure(data, args.measure)  # an unknown measure is refused before anything is written
    # the summary describes only --measure; the pack has a section for it among the whole file's KPIs
    return analyse(data, measure=args.measure if args.command == "summary" else None, council=args.council)


def write_report(data, out: str, *, xlsx: str | None = None, suppress: int | None = None,
                 measure: str | None = None, council: str | None = None, analysed=None) -> str:
    """Write the scrutiny pack (Word, and Excel with ``xlsx``) for one dataset; returns what was done, in words.

    ``analysed`` is the dataset's :class:`~analytics.dataset_analysis.DatasetAnalysis` when the caller has it."""
    from analytics import export, report

    options = report.PackOptions(title=f"Performance report: {data.source.filename}", suppress=suppress,
                                 measures=(measure,) if measure else None, council=council or "",
                                 benchmark_measure=measure)
    name = data.source.filename
    pack = report.build_pack({name: data}, options, analyses={name: analysed} if analysed is not None else None)
    Path(out).write_bytes(export.word_pack(pack))
    if xlsx:
        Path(xlsx).write_bytes(export.excel_workbook(pack.data_sheets))
    return f"Wrote {out}" + (f" and {xlsx}" if xlsx else "") + f": {len(pack.sections)} measure section(s)."


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        analysed = _analysed(args)
        if args.command == "summary":
            from analytics.commentary import describe

            for sentence in describe(analysed):
                print(sentence.text)
        else:
            if args.suppress not in (None, *SUPPRESSION_THRESHOLDS):
                raise AnalyticsError(f"--suppress must be one of {', '.join(map(str, SUPPRESSION_THRESHOLDS))}.")
            print(write_report(analysed.data, args.out, xlsx=args.xlsx, suppress=args.suppress,
                               measure=args.measure, council=args.council, analysed=analysed))
    except AnalyticsError as error:
        print(error.user_message, file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"Could not read or write a file: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
