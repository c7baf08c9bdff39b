"""Write the example council extracts in ``sample_data/``, byte-for-byte the same on every run.

Each file is shaped like a real English council adult social care export for the made-up
"Exampleshire County Council": title rows above the table, notes below it, and at least one messy
feature a loader must cope with (merged group headers, months across the columns, text dates,
suppression markers, footnote digits glued to labels, cp1252 text, a duplicated week...).
``sample_data/README.md`` lists, per file, the facts a loader should find.

Determinism: every file draws from its own ``numpy.random.default_rng`` seeded from the file name,
nothing reads the clock, workbook properties carry a fixed timestamp and every xlsx is re-zipped with
fixed entry dates, permissions and compression. CSVs are written with an explicit encoding and CRLF.

Usage::

    python sample_data/make_samples.py            # writes into sample_data/
    python sample_data/make_samples.py --out DIR  # writes into DIR (the tests compare the two)
"""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

SEED = 20240812
"""Base seed; each file mixes in a CRC of its own name so files are independent of each other."""

FIXED_TIMESTAMP = datetime(2024, 8, 12, 0, 0, 0)
"""Stands in for 'now' in workbook properties and zip entries (the common extract date)."""

ZIP_COMPRESSION_LEVEL = 6
ORG = "Exampleshire County Council"
EXTRACTED = "Extracted 12/08/2024"
UK_DATE = "dd/mm/yyyy"
MONTH_YEAR = "mmm-yy"
COUNT = "#,##0"
PERCENT = "0.0%"
POUNDS = "£#,##0.00"
MILLIONS = "#,##0.00;(#,##0.00)"
BOLD = Font(bold=True)
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# England and Wales bank holidays inside 10 Aug 2023 to 9 Aug 2024 (gov.uk/bank-holidays).
BANK_HOLIDAYS = frozenset(
    {
        date(2023, 8, 28),
        date(2023, 12, 25),
        date(2023, 12, 26),
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
    }
)
SERVICE_CENTRE_START = date(2023, 8, 10)
SERVICE_CENTRE_DAYS = 366  # 10 Aug 2023 to 9 Aug 2024 inclusive (2024 is a leap year)
WEEKDAY_FACTOR = (1.10, 1.03, 1.00, 0.98, 0.89)  # Monday busiest, Friday quietest; mean 1.0
WEEKEND_SHARE = 0.10  # weekend and bank holiday volume as a share of a weekday's
CALLS_PER_WEEKDAY = 420.0  # at the start of the year; the trend takes 12% off over the year
CONTACTS_PER_CALL = 0.35
CONTACT_RECORDS = 25_000  # expected size of the record-level contacts extract


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------


def _rng(name: str) -> np.random.Generator:
    """A generator for one file: seeded from SEED and a stable CRC of the file name."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode("utf-8"))])


def _new_workbook() -> Workbook:
    """An empty workbook with fixed, realistic document properties."""
    wb = Workbook()
    wb.properties.creator = "Performance and Intelligence Team"
    wb.properties.lastModifiedBy = "Performance and Intelligence Team"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    return wb


def _titles(ws: Worksheet, lines: Sequence[str]) -> int:
    """Write title lines from A1 (the first bold), leave one blank row; return the next row number."""
    for offset, line in enumerate(lines):
        cell = ws.cell(row=1 + offset, column=1, value=line)
        if offset == 0:
            cell.font = Font(bold=True, size=12)
    return len(lines) + 2


def _header(ws: Worksheet, row: int, labels: Sequence[str | date | None], start_col: int = 1) -> None:
    """Write one bold, wrapped header row."""
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=start_col + offset, value=label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _notes(ws: Worksheet, row: int, lines: Sequence[str]) -> None:
    """Below the table's last row ``row``: a blank row, then 'Notes:' and the note lines in column A."""
    ws.cell(row=row + 2, column=1, value="Notes:").font = BOLD
    for offset, line in enumerate(lines):
        ws.cell(row=row + 3 + offset, column=1, value=line)


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    """Set column widths, as an analyst tidying an export would."""
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _normalised_zip(raw: bytes, core_xml: bytes) -> bytes:
    """Re-zip an xlsx with fixed entry dates, permissions, compression and docProps/core.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            data = core_xml if entry.filename == "docProps/core.xml" else src.read(entry.filename)
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever platform runs the script
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compresslevel=ZIP_COMPRESSION_LEVEL)
    return out.getvalue()


def _save_xlsx(wb: Workbook, path: Path) -> None:
    """Save a workbook deterministically: openpyxl stamps 'modified' with now, so core.xml is rebuilt."""
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    core_xml = tostring(wb.properties.to_tree())
    path.write_bytes(_normalised_zip(buffer.getvalue(), core_xml))


def _save_csv(path: Path, rows: Iterable[Sequence[object]], encoding: str, delimiter: str = ",") -> None:
    """Write rows as CSV with CRLF line ends (as Excel and most council systems do)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))


def _uk(day: date) -> str:
    """A date as UK text, dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def _month_text(month: date) -> str:
    """A month as 'Apr 2024', independent of the process locale (strftime's %b is not)."""
    return f"{MONTH_ABBREVIATIONS[month.month - 1]} {month.year}"


def _months(first: date, count: int) -> list[date]:
    """``count`` consecutive first-of-month dates from ``first``."""
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def _daily_pattern(days: Sequence[date]) -> np.ndarray:
    """Expected relative volume per day: trend down 12% a year, weekday shape, quiet weekends/holidays."""
    years = np.arange(len(days)) / 365.0
    trend = 1.0 - 0.12 * years
    shape = np.array(
        [
            WEEKEND_SHARE if d.weekday() >= 5 or d in BANK_HOLIDAYS else WEEKDAY_FACTOR[d.weekday()]
            for d in days
        ]
    )
    # A little busier in winter (peak mid-January), scaled to 1 on the first day; quieter over Christmas.
    winter = 1.0 + 0.04 * np.cos(2 * np.pi * np.array([d.timetuple().tm_yday - 15 for d in days]) / 365.0)
    winter /= winter[0]
    christmas = np.array(
        [0.75 if (d.month, d.day) >= (12, 27) or (d.month, d.day) <= (1, 2) else 1.0 for d in days]
    )
    return trend * shape * winter * christmas


# --------------------------------------------------------------------------------------------------
# One function per file
# --------------------------------------------------------------------------------------------------


def service_centre_daily(out: Path) -> None:
    """Daily calls answered and contacts added, with a Total row and a hidden chart helper sheet."""
    name = "service_centre_daily.xlsx"
    rng = _rng(name)
    days = [SERVICE_CENTRE_START + timedelta(days=i) for i in range(SERVICE_CENTRE_DAYS)]
    expected = CALLS_PER_WEEKDAY * _daily_pattern(days)
    calls = np.rint(expected * rng.normal(1.0, 0.05, len(days))).astype(int)
    contacts = rng.binomial(calls, CONTACTS_PER_CALL)

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Daily"
    row = _titles(
        ws,
        [
            ORG,
            "Adult Social Care Service Centre: calls answered and contacts added, by day",
            f"Source: telephony (ACD) report and case management system. {EXTRACTED}",
        ],
    )
    _header(ws, row, ["Date", "Calls answered", "Contacts added"])
    for day, n_calls, n_contacts in zip(days, calls, contacts, strict=True):
        row += 1
        ws.cell(row=row, column=1, value=day).number_format = UK_DATE
        ws.cell(row=row, column=2, value=int(n_calls)).number_format = COUNT
        ws.cell(row=row, column=3, value=int(n_contacts)).number_format = COUNT
    row += 1
    ws.cell(row=row, column=1, value="Total").font = BOLD
    for col, values in ((2, calls), (3, contacts)):
        cell = ws.cell(row=row, column=col, value=int(values.sum()))
        cell.number_format, cell.font = COUNT, BOLD
    _notes(
        ws,
        row,
        [
            "1. Calls answered by Service Centre advisers; abandoned calls are excluded.",
            "2. Contacts added: new contact records created on the case management system that day.",
            "3. Weekends and bank holidays are covered by a reduced out-of-hours team.",
        ],
    )
    _widths(ws, {"A": 12, "B": 15, "C": 15})

    helper = wb.create_sheet("chart_data")
    helper.sheet_state = "hidden"
    helper.append(["Date", "Week number", "Calls 7-day average", "Contacts 7-day average"])
    kernel = np.ones(7) / 7.0
    calls_avg = np.convolve(calls, kernel, mode="valid")
    contacts_avg = np.convolve(contacts, kernel, mode="valid")
    for i, day in enumerate(days):
        averages = (
            [None, None]
            if i < 6
            else [round(float(calls_avg[i - 6]), 1), round(float(contacts_avg[i - 6]), 1)]
        )
        helper.append([day, day.isocalendar()[1], *averages])
        helper.cell(row=i + 2, column=1).number_format = UK_DATE
    _save_xlsx(wb, out / name)


def contacts_records(out: Path) -> None:
    """About 25,000 contact records, one per row, UTF-8 with BOM, no title rows."""
    name = "contacts_records.csv"
    rng = _rng(name)
    days = [SERVICE_CENTRE_START + timedelta(days=i) for i in range(SERVICE_CENTRE_DAYS)]
    weights = _daily_pattern(days)
    per_day = rng.poisson(CONTACT_RECORDS * weights / weights.sum())
    dates = np.repeat(np.arange(len(days)), per_day)
    n = len(dates)

    sources = ["Telephone", "Email", "Online form", "Professional referral", "Hospital"]
    outcomes = [
        "Information and advice",
        "Signposted",
        "Progressed to assessment",
        "Safeguarding",
        "No further action",
    ]
    source = rng.choice(len(sources), size=n, p=[0.45, 0.15, 0.12, 0.18, 0.10])
    # Outcome depends on how the contact came in: hospital and professional referrals convert more.
    outcome_given_source = np.array(
        [
            [0.42, 0.24, 0.20, 0.04, 0.10],
            [0.40, 0.25, 0.18, 0.05, 0.12],
            [0.45, 0.28, 0.12, 0.02, 0.13],
            [0.22, 0.15, 0.45, 0.10, 0.08],
            [0.10, 0.08, 0.72, 0.05, 0.05],
        ]
    )
    cumulative = outcome_given_source.cumsum(axis=1)
    outcome = (rng.random(n)[:, None] > cumulative[source]).sum(axis=1)
    older = rng.random(n) < np.where(source == 4, 0.85, 0.62)
    localities = np.array(["North", "South", "East", "West"])
    locality = localities[rng.choice(4, size=n, p=[0.28, 0.24, 0.26, 0.22])].astype(object)
    locality[rng.choice(n, size=23, replace=False)] = ""  # address not yet recorded

    rows: list[Sequence[object]] = [
        ["Contact ID", "Date received", "Source", "Outcome", "Age band", "Locality"]
    ]
    uk_days = [_uk(d) for d in days]
    for i in range(n):
        rows.append(
            [
                f"C{1234 + i:07d}",
                uk_days[dates[i]],
                sources[source[i]],
                outcomes[outcome[i]],
                "65+" if older[i] else "18-64",
                locality[i],
            ]
        )
    _save_csv(out / name, rows, encoding="utf-8-sig")


def self_serve_visitors(out: Path) -> None:
    """Monthly self-serve tool web statistics with the months across the columns."""
    name = "self_serve_visitors.xlsx"
    rng = _rng(name)
    months = _months(date(2023, 5, 1), 15)
    new = np.clip(np.rint(200 + 8 * np.arange(14) / 13 + rng.normal(0, 10, 14)), 180, 225).astype(int)
    repeat = np.rint(new * rng.uniform(0.30, 0.40, 14)).astype(int)
    # July 2024: the tool was promoted in the carers' newsletter; total visitors up about 16% on June.
    new = np.append(new, round(new[-1] * 1.16))
    repeat = np.append(repeat, round(repeat[-1] * 1.16))
    total = new + repeat
    reports = rng.binomial(total, 0.42)
    entrances = np.rint(total * rng.uniform(1.20, 1.35, 15)).astype(int)
    bounces = rng.binomial(entrances, np.linspace(0.44, 0.36, 15))
    rate = bounces / entrances

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Self-serve"
    row = _titles(
        ws,
        [
            ORG,
            "Online self-assessment tool: visitors and reports completed by month",
            f"Source: web analytics and self-serve tool database. {EXTRACTED}",
        ],
    )
    _header(ws, row, ["Measure", *months])
    for col in range(2, 2 + len(months)):
        ws.cell(row=row, column=col).number_format = MONTH_YEAR
    measures: list[tuple[str, np.ndarray, str]] = [
        ("New visitors", new, COUNT),
        ("Repeat visitors", repeat, COUNT),
        ("Total visitors", total, COUNT),
        ("Reports completed", reports, COUNT),
        ("Entrances", entrances, COUNT),
        ("Bounces", bounces, COUNT),
        ("Bounce rate", rate, PERCENT),
    ]
    for label, values, fmt in measures:
        row += 1
        ws.cell(row=row, column=1, value=label)
        for col, value in enumerate(values, start=2):
            number = float(value) if fmt == PERCENT else int(value)
            ws.cell(row=row, column=col, value=number).number_format = fmt
    _notes(
        ws,
        row,
        [
            "1. Total visitors = new visitors + repeat visitors.",
            "2. Bounce rate = bounces / entrances (visits that left from the first page).",
            "3. Jul-24 figures are provisional.",
        ],
    )
    _widths(ws, {"A": 20})
    _save_xlsx(wb, out / name)


def reablement_weekly(out: Path) -> None:
    """Weekly reablement with a two-row header whose outcome group label is merged over three columns."""
    name = "reablement_weekly.xlsx"
    rng = _rng(name)
    weeks = [date(2022, 8, 8) + timedelta(weeks=i) for i in range(104)]
    lag = 3  # about three weeks from start to completion (average stay 20-23 days)
    # Starts rise about 20% over the last six months (hospital discharge funding from February 2024).
    level = 30.0 * np.concatenate([np.ones(lag + 78), np.linspace(1.05, 1.20, 6), np.full(20, 1.20)])
    starts_all = rng.poisson(level)
    starts = starts_all[lag:]
    completions = rng.binomial(starts_all[:-lag], 0.92)
    same = np.maximum(5, rng.binomial(completions, 0.22))
    reduced = np.maximum(5, rng.binomial(completions - same, 0.33))
    suppressed = np.sort(rng.choice(np.arange(10, 100), size=4, replace=False))
    same[suppressed] = rng.integers(2, 5, size=4)
    no_ongoing = completions - reduced - same
    stay = np.round(np.linspace(23.0, 20.0, 104) + rng.normal(0, 0.7, 104), 1)
    missing_stay = 61  # case system migration week

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Reablement"
    row = _titles(
        ws,
        [
            ORG,
            "Reablement service: weekly starts, completions and outcomes",
            f"Source: reablement case management system. {EXTRACTED}",
        ],
    )
    _header(
        ws,
        row,
        [
            "Week commencing",
            "Starts",
            "Completions",
            "Outcomes at completion",
            None,
            None,
            "Average length of stay (days)",
        ],
    )
    ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=6)
    ws.cell(row=row, column=4).alignment = Alignment(horizontal="center")
    _header(ws, row + 1, ["No ongoing care", "Reduced care", "Same or more care"], start_col=4)
    row += 1
    for i, week in enumerate(weeks):
        row += 1
        ws.cell(row=row, column=1, value=week).number_format = UK_DATE
        ws.cell(row=row, column=2, value=int(starts[i]))
        ws.cell(row=row, column=3, value=int(completions[i]))
        ws.cell(row=row, column=4, value=int(no_ongoing[i]))
        ws.cell(row=row, column=5, value=int(reduced[i]))
        ws.cell(row=row, column=6, value="[c]" if i in suppressed else int(same[i]))
        ws.cell(row=row, column=7, value="*" if i == missing_stay else float(stay[i])).number_format = "0.0"
    _notes(
        ws,
        row,
        [
            "1. Week commencing Monday. Outcomes are recorded at completion and sum to completions.",
            "2. Average length of stay of people completing reablement that week.",
            "[c] suppressed: fewer than 5",
            "* not available: case system migration",
        ],
    )
    _widths(ws, {"A": 14, "B": 9, "C": 12, "D": 12, "E": 12, "F": 12, "G": 16})
    _save_xlsx(wb, out / name)


def placements_monthly(out: Path) -> None:
    """Monthly admissions in long layout, and a care home population sheet with currency cells."""
    name = "placements_monthly.xlsx"
    rng = _rng(name)
    months = _months(date(2021, 4, 1), 36)
    winter = np.array([{12: 1.15, 1: 1.2, 2: 1.1, 11: 1.05, 3: 1.05}.get(m.month, 1.0) for m in months])
    series = {
        ("Residential", "18-64"): 1 + rng.poisson(1.2, 36),
        ("Residential", "65+"): rng.poisson(23.0 * winter),
        ("Nursing", "18-64"): rng.poisson(0.6, 36),
        ("Nursing", "65+"): rng.poisson(10.0 * winter),
    }

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Admissions"
    row = _titles(
        ws,
        [
            ORG,
            "Permanent admissions to residential and nursing care, by month and age band",
            f"Financial years 2021/22 to 2023/24. Source: case management system. {EXTRACTED}",
        ],
    )
    _header(ws, row, ["Month", "Setting", "Age band", "Admissions"])
    for i, month in enumerate(months):
        for (setting, age), values in series.items():
            row += 1
            ws.cell(row=row, column=1, value=month).number_format = MONTH_YEAR
            ws.cell(row=row, column=2, value=setting)
            ws.cell(row=row, column=3, value=age)
            ws.cell(row=row, column=4, value=int(values[i]))
    _notes(
        ws,
        row,
        [
            "1. Council-funded permanent admissions, counted in the month the placement started.",
            "2. Small numbers for people aged 18-64 are shown unsuppressed for internal use only.",
        ],
    )
    _widths(ws, {"A": 10, "B": 13, "C": 10, "D": 11})

    pop = wb.create_sheet("Care home population")
    residents = np.rint(1420 - 2.0 * np.arange(36) + np.cumsum(rng.normal(0, 6, 36))).astype(int)
    # Fee uplifts each April, a little drift in between (new placements at higher rates).
    uplift = np.array(
        [{2021: 1050.0, 2022: 1115.0, 2023: 1205.0}[m.year if m.month >= 4 else m.year - 1] for m in months]
    )
    month_in_year = np.array([(m.month - 4) % 12 for m in months])
    cost = np.round(uplift + 3.5 * month_in_year + rng.normal(0, 2.0, 36), 2)
    row = _titles(
        pop,
        [
            ORG,
            "People in council-funded residential care and average weekly cost of nursing care",
            f"Snapshot at month end. Source: finance and case management systems. {EXTRACTED}",
        ],
    )
    _header(pop, row, ["Month", "People in residential care", "Average weekly cost of nursing care (£)"])
    for month, people, pounds in zip(months, residents, cost, strict=True):
        row += 1
        pop.cell(row=row, column=1, value=month).number_format = MONTH_YEAR
        pop.cell(row=row, column=2, value=int(people)).number_format = COUNT
        pop.cell(row=row, column=3, value=float(pounds)).number_format = POUNDS
    _notes(pop, row, ["1. Average weekly cost is the gross weekly fee including funded nursing care."])
    _widths(pop, {"A": 10, "B": 16, "C": 22})
    _save_xlsx(wb, out / name)


def assessments_placements_weekly(out: Path) -> None:
    """Weekly assessments and placements with text week-ending dates and one duplicated week."""
    name = "assessments_placements_weekly.xlsx"
    rng = _rng(name)
    weeks = [date(2023, 4, 7) + timedelta(weeks=i) for i in range(70)]
    baseline_weeks = 13  # weeks ending 07/04/2023 to 30/06/2023
    after = np.clip(np.arange(70) - baseline_weeks + 1, 0, 16) / 16  # new way of working ramps in
    festive = np.array(
        [0.8 if (w.month == 12 and w.day >= 22) or (w.month == 1 and w.day <= 5) else 1.0 for w in weeks]
    )
    assessments = np.clip(rng.poisson((82 + 16 * after) * festive), 70, 110)
    placements = np.clip(rng.poisson(10.5 - 2.5 * after), 5, 12)
    duplicated = 33

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Weekly"
    row = _titles(
        ws,
        [
            ORG,
            "Care Act assessments completed and residential placements initiated, by week",
            f"Baseline period: weeks ending {_uk(weeks[0])} to {_uk(weeks[baseline_weeks - 1])}",
            f"Source: case management system. {EXTRACTED}",
        ],
    )
    _header(ws, row, ["Week ending", "Care Act assessments completed", "Residential placements initiated"])
    for i, week in enumerate(weeks):
        for _ in range(2 if i == duplicated else 1):  # the extract repeats one week (a join glitch)
            row += 1
            ws.cell(row=row, column=1, value=_uk(week))
            ws.cell(row=row, column=2, value=int(assessments[i]))
            ws.cell(row=row, column=3, value=int(placements[i]))
    _notes(
        ws,
        row,
        [
            "1. Week ending Friday. The strengths-based practice model started in July 2023.",
            "2. Residential placements: permanent placements initiated, all ages.",
        ],
    )
    _widths(ws, {"A": 13, "B": 18, "C": 18})
    _save_xlsx(wb, out / name)


def dols_weekly(out: Path) -> None:
    """Weekly DoLS activity as a cp1252 CSV with title lines, '*' markers and a trailing note."""
    name = "dols_weekly.csv"
    rng = _rng(name)
    weeks = [date(2022, 8, 15) + timedelta(weeks=i) for i in range(104)]
    received = rng.poisson(15.0, 104)
    completed = rng.poisson(14.6, 104)
    waiting = 300 + np.cumsum(received - completed)
    starred = {int(i) for i in rng.choice(np.arange(5, 100), size=3, replace=False)}

    rows: list[Sequence[object]] = [
        [f"{ORG} – Deprivation of Liberty Safeguards (DoLS) weekly activity"],
        [f"Source: DoLS database – {EXTRACTED}; Best Interests Assessor fees (£) are reported separately"],
        [],
        ["Week commencing", "Applications received", "Applications completed", "Waiting list"],
    ]
    for i, week in enumerate(weeks):
        done: object = "*" if i in starred else int(completed[i])
        rows.append([_uk(week), int(received[i]), done, int(waiting[i])])
    rows += [
        [],
        ["Note: * figure withheld pending data quality checks; waiting list as at the end of the week."],
    ]
    _save_csv(out / name, rows, encoding="cp1252")


# Finance scorecard figures, £m: (service area, service line, working budget, forecast, movement).
SCORECARD: tuple[tuple[str, tuple[tuple[str, float, float, float], ...]], ...] = (
    (
        "Living & Ageing Well",
        (
            ("Residential and nursing care (65+)", 98.40, 97.15, -0.32),
            ("Home care", 45.20, 46.05, 0.21),
            ("Reablement", 8.75, 8.41, -0.05),
            ("Day opportunities", 3.10, 2.93, 0.00),
        ),
    ),
    (
        "Learning Disabilities & Autism",
        (
            ("Supported living", 52.30, 53.12, 0.40),
            ("Residential care (18-64)", 24.80, 24.15, -0.10),
            ("Direct payments", 11.60, 10.88, -0.18),
        ),
    ),
    (
        "Mental Health",
        (
            ("Community support", 9.40, 9.02, -0.06),
            ("Residential and nursing care", 7.25, 7.61, 0.09),
        ),
    ),
    (
        "Commissioning & Income",
        (
            ("Commissioning and contracts", 6.80, 6.35, -0.12),
            ("Client contributions (income)", -38.50, -40.10, -0.35),
            ("Better Care Fund (income)", -22.40, -22.90, 0.00),
        ),
    ),
)
VARIANCE_AS_TEXT = frozenset({"Day opportunities", "Direct payments", "Community support"})
SUBTOTAL_VARIANCE_STATED = {"Living & Ageing Well": -0.92}  # computed -0.91: rounded independently
MONTH1_TO_MONTH2 = {
    "Living & Ageing Well": -0.05,
    "Learning Disabilities & Autism": 0.20,
    "Mental Health": 0.01,
    "Commissioning & Income": -0.22,
}


def _money_row(ws: Worksheet, row: int, values: Sequence[float], text_variance: bool, bold: bool) -> None:
    """Budget, forecast, variance (maybe as '(0.17)' text), F/A and movement in columns C to G."""
    budget, forecast, variance, movement = values
    cells = [
        ws.cell(row=row, column=3, value=round(budget, 2)),
        ws.cell(row=row, column=4, value=round(forecast, 2)),
        ws.cell(row=row, column=5, value=f"({abs(variance):.2f})" if text_variance else round(variance, 2)),
        ws.cell(row=row, column=6, value="F" if variance < 0 else "A"),
        ws.cell(row=row, column=7, value=round(movement, 2)),
    ]
    for cell in cells:
        cell.number_format = MILLIONS
        cell.font = Font(bold=bold)
    cells[2].alignment = Alignment(horizontal="right")
    cells[3].alignment = Alignment(horizontal="center")


def finance_scorecard(out: Path) -> None:
    """Month 3 revenue monitoring with a service hierarchy, subtotals, and a months-across monitor."""
    name = "finance_scorecard.xlsx"
    wb = _new_workbook()
    ws = wb.active
    ws.title = "Scorecard"
    row = _titles(
        ws,
        [ORG, "Adult Social Care revenue budget monitoring 2024/25", "Month 3 (June 2024)", EXTRACTED],
    )
    _header(
        ws,
        row,
        [
            "Service area",
            "Service line",
            "Working budget £m",
            "Forecast outturn £m",
            "Variance £m",
            "F/A",
            "Movement since last month £m",
        ],
    )
    grand = np.zeros(4)
    area_forecasts: dict[str, tuple[float, float]] = {}
    for area, lines in SCORECARD:
        subtotal = np.zeros(4)
        for position, (line, budget, forecast, movement) in enumerate(lines):
            row += 1
            if position == 0:  # the area is named once, on its first line, as in the printed report
                ws.cell(row=row, column=1, value=area)
            ws.cell(row=row, column=2, value=line)
            values = np.array([budget, forecast, forecast - budget, movement])
            _money_row(ws, row, values, text_variance=line in VARIANCE_AS_TEXT, bold=False)
            subtotal += values
        row += 1
        ws.cell(row=row, column=1, value=f"Total {area}").font = BOLD
        stated = subtotal.copy()
        stated[2] = SUBTOTAL_VARIANCE_STATED.get(area, subtotal[2])
        _money_row(ws, row, stated, text_variance=False, bold=True)
        grand += subtotal
        area_forecasts[area] = (float(subtotal[1]), float(subtotal[3]))
    row += 1
    ws.cell(row=row, column=1, value="Total Adult Social Care").font = BOLD
    _money_row(ws, row, grand, text_variance=False, bold=True)
    _notes(
        ws,
        row,
        [
            "1. Variance = forecast outturn - working budget; negative (in brackets) is an underspend.",
            "2. F = favourable, A = adverse. Income budgets are shown as negative figures.",
            "3. Figures are rounded independently and may not sum exactly.",
        ],
    )
    _widths(ws, {"A": 30, "B": 32, "C": 12, "D": 12, "E": 12, "F": 6, "G": 14})

    monitor = wb.create_sheet("Monthly monitor")
    row = _titles(
        monitor,
        [ORG, "Adult Social Care forecast outturn by month (£m)", "Financial year 2024/25 (M1 = April 2024)"],
    )
    _header(monitor, row, ["Service area", *[f"M{m}" for m in range(1, 13)]])
    totals = np.zeros(3)
    for area, (month3, movement) in area_forecasts.items():
        month2 = month3 - movement
        by_month = np.array([month2 - MONTH1_TO_MONTH2[area], month2, month3])
        row += 1
        monitor.cell(row=row, column=1, value=area)
        for col, value in enumerate(by_month, start=2):
            monitor.cell(row=row, column=col, value=round(float(value), 2)).number_format = MILLIONS
        totals += by_month
    row += 1
    monitor.cell(row=row, column=1, value="Total Adult Social Care").font = BOLD
    for col, value in enumerate(totals, start=2):
        cell = monitor.cell(row=row, column=col, value=round(float(value), 2))
        cell.number_format, cell.font = MILLIONS, BOLD
    _notes(monitor, row, ["1. M4 to M12 are completed as each month's monitoring is signed off."])
    _widths(monitor, {"A": 30})
    _save_xlsx(wb, out / name)


SOUTH_EAST_COUNCILS = (
    ("Bracknell Forest", 77_000, 20_500),
    ("Brighton and Hove", 191_000, 41_000),
    ("Buckinghamshire", 321_000, 112_000),
    ("East Sussex", 301_000, 152_000),
    ("Hampshire", 801_000, 311_000),
    ("Isle of Wight", 76_000, 42_000),
    ("Kent", 932_000, 334_000),
    ("Medway", 172_000, 47_000),
    ("Milton Keynes", 182_000, 42_000),
    ("Oxfordshire", 443_000, 136_000),
    ("Portsmouth", 142_000, 31_000),
    ("Reading", 117_000, 22_000),
    ("Slough", 101_000, 18_000),
    ("Southampton", 172_000, 35_000),
    ("Surrey", 702_000, 238_000),
    ("West Berkshire", 93_000, 35_000),
    ("West Sussex", 502_000, 212_000),
    ("Windsor and Maidenhead", 89_000, 31_000),
    ("Wokingham", 106_000, 33_000),
)
FOOTNOTED = {"Kent": "Kent 2", "Slough": "Slough 3"}
NOT_AVAILABLE = {("Isle of Wight", 2), ("Reading", 3)}  # (council, measure index) shown as [x]
OUR_COUNCIL = "West Sussex"


def benchmarking_south_east(out: Path) -> None:
    """Cross-sectional benchmarking, one row per South East council, with markers and footnotes."""
    name = "benchmarking_south_east.xlsx"
    rng = _rng(name)
    measures = (
        ("% of contacts progressing to assessment", 0.15, 0.40),
        ("% of assessments resulting in support plans", 0.45, 0.75),
        ("% of safeguarding concerns leading to section 42 enquiries", 0.20, 0.55),
        ("% of people using direct payments", 0.18, 0.35),
    )
    values = np.round(
        np.column_stack([rng.uniform(low, high, len(SOUTH_EAST_COUNCILS)) for _, low, high in measures]), 3
    )
    available = np.array(
        [
            [(council, j) not in NOT_AVAILABLE for j in range(len(measures))]
            for council, _, _ in SOUTH_EAST_COUNCILS
        ]
    )

    wb = _new_workbook()
    ws = wb.active
    ws.title = "Benchmarking"
    row = _titles(
        ws,
        [
            "South East regional benchmarking: adult social care, 2023/24",
            "Made-up values for illustration, in the layout of the regional performance group's tables.",
            f"Your council: {OUR_COUNCIL} (highlighted). {EXTRACTED}",
        ],
    )
    _header(ws, row, ["Council", *[label for label, _, _ in measures]])
    highlight = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
    for i, (council, _, _) in enumerate(SOUTH_EAST_COUNCILS):
        row += 1
        ws.cell(row=row, column=1, value=FOOTNOTED.get(council, council))
        for j in range(len(measures)):
            cell = ws.cell(row=row, column=2 + j, value=float(values[i, j]) if available[i, j] else "[x]")
            cell.number_format = PERCENT
            cell.alignment = Alignment(horizontal="right")
        if council == OUR_COUNCIL:
            for col in range(1, 2 + len(measures)):
                ws.cell(row=row, column=col).fill = highlight
    row += 1
    ws.cell(row=row, column=1, value="South East average").font = BOLD
    for j in range(len(measures)):
        mean = float(np.round(values[available[:, j], j].mean(), 3))
        cell = ws.cell(row=row, column=2 + j, value=mean)
        cell.number_format, cell.font = PERCENT, BOLD
    _notes(
        ws,
        row,
        [
            "1. The average is the simple mean of the councils with a value.",
            "2. Kent: section 42 figure covers April to December 2023 only.",
            "3. Slough: direct payments include carers receiving a direct payment.",
            "[x] not available",
        ],
    )
    _widths(ws, {"A": 24, "B": 16, "C": 16, "D": 18, "E": 16})

    pop = wb.create_sheet("Population")
    row = _titles(
        pop, ["South East councils: population by age", "Mid-2023 estimates, rounded to the nearest 100."]
    )
    _header(pop, row, ["Council", "Population 18-64", "Population 65+"])
    for council, adults, older in SOUTH_EAST_COUNCILS:
        row += 1
        pop.cell(row=row, column=1, value=council)
        for col, base in ((2, adults), (3, older)):
            value = int(round(base * rng.uniform(0.98, 1.02), -2))
            pop.cell(row=row, column=col, value=value).number_format = COUNT
    _widths(pop, {"A": 24, "B": 16, "C": 16})
    _save_xlsx(wb, out / name)


def kpi_targets(out: Path) -> None:
    """Quarterly targets and actuals in long layout, with two quarter spellings and a blank last actual."""
    name = "kpi_targets.xlsx"
    rng = _rng(name)
    quarters = [(year, q) for year in ("2023/24", "2024/25") for q in (1, 2, 3, 4)]
    steps = np.arange(len(quarters))
    # (measure, target, actual trend plus noise, decimals): referrals are counts, the others percents.
    measures = (
        ("Referrals", 1600, 1580 + 25 * steps + rng.normal(0, 60, len(steps)), 0),
        ("Conversion rate to assessment (%)", 30.0, 28.2 + 0.5 * steps + rng.normal(0, 0.6, len(steps)), 1),
        ("Direct payments (%)", 25.0, 22.0 + 0.3 * steps + rng.normal(0, 0.3, len(steps)), 1),
    )

    wb = _new_workbook()
    ws = wb.active
    ws.title = "KPIs"
    row = _titles(
        ws,
        [
            ORG,
            "Adult Social Care key performance indicators: quarterly targets and actuals",
            "Source: performance scorecard. Extracted 20/01/2025",
        ],
    )
    _header(ws, row, ["Quarter", "Measure", "Target", "Actual"])
    for i, (year, q) in enumerate(quarters):
        for position, (measure, target, actuals, decimals) in enumerate(measures):
            row += 1
            # Q3 rows were typed by a different team, who put the quarter first.
            label = f"Q{q} {year}" if q == 3 and (year == "2024/25" or position == 0) else f"{year} Q{q}"
            actual = round(float(actuals[i]), decimals) if decimals else int(round(actuals[i]))
            ws.cell(row=row, column=1, value=label)
            ws.cell(row=row, column=2, value=measure)
            ws.cell(row=row, column=3, value=target)
            ws.cell(row=row, column=4, value=None if i == len(quarters) - 1 else actual)
    _notes(
        ws,
        row,
        [
            "1. Percentages are shown as numbers: 31.5 means 31.5%.",
            "2. 2024/25 Q4 actuals are not yet available.",
        ],
    )
    _widths(ws, {"A": 12, "B": 34, "C": 9, "D": 9})
    _save_xlsx(wb, out / name)


def messy_monthly_cp1252(out: Path) -> None:
    """A small semicolon CSV in cp1252 with '£1,234', '(12)', '-', '..' and '17%' values."""
    name = "messy_monthly_cp1252.csv"
    rng = _rng(name)
    months = _months(date(2024, 4, 1), 12)
    requests = np.rint(1180 + 60 * np.cos(2 * np.pi * (np.arange(12) - 9) / 12) + rng.normal(0, 35, 12))
    spend = np.round(1_150_000 + 4_000 * np.arange(12) + rng.normal(0, 25_000, 12), 2)
    not_recorded, by_hand, not_yet = 5, 7, 11  # Sep 2024 lost in a migration; Nov typed in; Mar not final

    rows: list[Sequence[object]] = [
        ["Exampleshire CC – requests for support and spend (£), 2024/25 – extracted 14/04/2025"],
        ["Month", "Requests for support", "Spend (£)"],
    ]
    for i, month in enumerate(months):
        if i == not_yet:
            rows.append([_month_text(month), "..", ".."])
            continue
        count = "-" if i == not_recorded else f"{int(requests[i]):,}"
        # One month was typed in by hand without the pound sign, to one decimal place.
        pounds = f"{spend[i]:,.1f}" if i == by_hand else f"£{spend[i]:,.0f}"
        rows.append([_month_text(month), count, pounds])
    known = [i for i in range(12) if i not in (not_recorded, not_yet)]
    rows.append(["Total", f"{int(requests[known].sum()):,}", f"£{spend[:not_yet].sum():,.0f}"])
    rows.append(["Change on 2023/24 (%)", "17%", "(12)"])
    rows.append(["Note: - = not recorded (system migration), .. = not yet available"])
    _save_csv(out / name, rows, encoding="cp1252", delimiter=";")


WRITERS: tuple[Callable[[Path], None], ...] = (
    service_centre_daily,
    contacts_records,
    self_serve_visitors,
    reablement_weekly,
    placements_monthly,
    assessments_placements_weekly,
    dols_weekly,
    finance_scorecard,
    benchmarking_south_east,
    kpi_targets,
    messy_monthly_cp1252,
)


def main(argv: Sequence[str] | None = None) -> None:
    """Write every sample file into ``--out`` (default: this script's folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder")
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(out)


if __name__ == "__main__":
    main()
