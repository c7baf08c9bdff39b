"""Ingest benchmark: analytics.load against pandas (openpyxl, calamine) and a bare fastexcel read.

A seeded 200,000-row record-level .xlsx (12 columns: dates, numbers, short text, blanks) is written once to
bench/tmp/. Each reader runs in its own fresh process (so peak memory is its own), all in this one run,
and the results are printed as a markdown section and, last, one ``BENCH_RESULT {json}`` line that
bench/run.py (``make bench``) collects into bench/results.md. Exits non-zero when a target is missed:
analytics.load at least 10x faster than pandas+openpyxl, within 2x of bare fastexcel (the first file after a
server start included), peak under 1 GB; and every corpus and sample file loaded within 1 s plus twice a bare
read of all its sheets.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "tmp" / "records_200k.xlsx"
RESULTS = HERE / "results.md"
ROWS = 200_000
SEED = 20240812
TARGET_VS_OPENPYXL = 10.0
TARGET_VS_FASTEXCEL = 2.0
TARGET_PEAK_MB = 1024
REPEATS = 3


def make_workbook(path: Path, rows: int = ROWS) -> None:
    """Write the seeded record-level workbook (openpyxl write-only mode)."""
    import datetime as dt

    import numpy as np
    import openpyxl

    rng = np.random.default_rng(SEED)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Contacts")
    ws.append(["Contact ID", "Date received", "Date closed", "Source", "Outcome", "Age band", "Locality",
               "Team", "Minutes", "Cost (£)", "Priority", "Notes"])
    start = dt.datetime(2022, 4, 1)
    sources = ["Telephone", "Email", "Online form", "Professional referral", "Hospital"]
    outcomes = ["Information and advice", "Signposted", "Progressed to assessment", "Safeguarding", "NFA"]
    days = rng.integers(0, 730, rows)
    for i in range(rows):
        received = start + dt.timedelta(days=int(days[i]))
        ws.append([f"C{i:07d}", received, received + dt.timedelta(days=int(rng.integers(0, 30))),
                   sources[i % 5], outcomes[(i * 7) % 5], "65+" if i % 3 else "18-64",
                   ["North", "South", "East", "West", None][i % 5], f"Team {i % 9}",
                   int(rng.integers(5, 120)), round(float(rng.gamma(2, 40)), 2), int(i % 4) or None,
                   None if i % 7 else "follow up"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


WARM_UP = b"Week,Calls\n01/04/2024,5\n08/04/2024,6\n15/04/2024,7\n"


def _one(name: str) -> dict:
    """Run one reader in this process and return its time and peak memory.

    Libraries are imported before the clock starts, for every reader alike. "analytics.load" is timed as the
    running app sees it: its sandbox's forkserver already started by an earlier (tiny) file. "analytics.load
    (first file after start)" is the worst case of a file arriving the instant the server has started: the
    sandbox is started as app.py starts it, and the clock starts straight after, so the file waits for what
    is left of the sandbox's start.
    """
    sys.path.insert(0, str(ROOT))
    import fastexcel  # noqa: F401
    import pandas  # noqa: F401

    import analytics

    if name == "analytics.load":
        analytics.load(WARM_UP, filename="warm_up.csv")
    elif name == "analytics.load (first file after start)":
        from analytics.ingest.sandbox import start

        start()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    if name in ("analytics.load", "analytics.load (first file after start)"):
        data = analytics.load(DATA)
        rows = data.ledger.rows_used
    elif name == "analytics.load (in-process)":
        data = analytics.load(DATA, isolated=False)
        rows = data.ledger.rows_used
    elif name == "fastexcel (bare)":
        import fastexcel

        rows = fastexcel.read_excel(DATA.read_bytes()).load_sheet(0).to_pandas().shape[0]
    else:
        import pandas as pd

        rows = len(pd.read_excel(DATA, engine=name.split("+")[1]))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    peak_kb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"name": name, "seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_kb / 1024, "rows": rows}


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its reaped children. Unlike the wall clock it hardly moves
    when other work shares the machine; a sandboxed parse runs in the forkserver's child, so it is not here."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


CORPORA = (Path("/work/shared/corpus/real"), ROOT.parent / "shared" / "corpus" / "real", ROOT / "tests" / "corpus_real",
           ROOT / "sample_data")
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
CORPUS_SLACK_S = 1.0  # target per file: analytics.load within 1 s plus twice a bare read of every sheet
CORPUS_FACTOR = 2.0


def _bare_read(path: Path) -> None:
    """What reading every cell costs with no table finding: fastexcel for every sheet, pandas for a CSV."""
    import fastexcel
    import pandas as pd

    if path.suffix.lower() in (".csv", ".txt"):
        for encoding in ("utf-8", "cp1252"):
            try:
                pd.read_csv(path, header=None, dtype=str, encoding=encoding, on_bad_lines="skip",
                            engine="python", sep=None)
                return
            except UnicodeDecodeError:
                continue
        return
    reader = fastexcel.read_excel(path.read_bytes())
    for name in reader.sheet_names:
        reader.load_sheet(name, header_row=None).to_arrow()


def _corpus_files() -> list[Path]:
    seen, files = set(), []
    for folder in CORPORA:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in SPREADSHEETS and path.name not in seen:
                seen.add(path.name)
                files.append(path)
    return files


def _corpus() -> list[dict]:
    """Every corpus and sample file: analytics.load (sandbox running) against a bare read, one process."""
    sys.path.insert(0, str(ROOT))
    import logging

    import analytics

    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    analytics.load(WARM_UP, filename="warm_up.csv")
    out = []
    for path in _corpus_files():
        started = time.perf_counter()
        _bare_read(path)
        bare = time.perf_counter() - started
        started = time.perf_counter()
        try:
            analytics.load(path)
            error = ""
        except analytics.IngestError as exc:
            error = exc.user_message[:60]
        ours = time.perf_counter() - started
        out.append({"file": path.name, "bare": bare, "load": ours, "error": error,
                    "met": ours <= CORPUS_SLACK_S + CORPUS_FACTOR * bare})
    return out


def _run(name: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if not DATA.exists():
        print(f"Writing {ROWS:,}-row workbook to {DATA} ...", flush=True)
        make_workbook(DATA)
    names = ["fastexcel (bare)", "analytics.load", "analytics.load (first file after start)",
             "analytics.load (in-process)", "pandas+calamine", "pandas+openpyxl"]
    # On a shared machine one run of each is noise: each reader runs REPEATS times, interleaved, and its best
    # run counts (as timeit does); pandas+openpyxl, 50 s a run, runs once (its best could only be faster).
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for _ in range(REPEATS):
        for n in names:
            if n != "pandas+openpyxl" or not runs[n]:
                runs[n].append(_run(n))
    results = {n: min(r, key=lambda x: x["seconds"]) for n, r in runs.items()}
    corpus = json.loads(subprocess.run([sys.executable, __file__, "--corpus"], capture_output=True, text=True,
                                       check=True).stdout.strip().splitlines()[-1])
    ours = results["analytics.load"]
    vs_openpyxl = results["pandas+openpyxl"]["seconds"] / ours["seconds"]
    vs_fastexcel = ours["seconds"] / results["fastexcel (bare)"]["seconds"]
    first_vs_fastexcel = results["analytics.load (first file after start)"]["seconds"] / \
        results["fastexcel (bare)"]["seconds"]
    cpu_bare = min(r["cpu_seconds"] for r in runs["fastexcel (bare)"])
    cpu_ours = min(r["cpu_seconds"] for r in runs["analytics.load (in-process)"])
    peak = results["analytics.load (in-process)"]["peak_mb"]
    lines = [
        "## Ingest (bench/ingest.py)", "",
        f"File: {DATA.name}, {DATA.stat().st_size / 1024**2:.1f} MB, {ROWS:,} rows x 12 columns. "
        f"Each reader in a fresh process, same run, libraries imported before the clock starts; best of {REPEATS} "
        "interleaved runs (pandas+openpyxl: one). "
        "analytics.load is timed with its sandbox already running, as in the app after its first file; the "
        "first file after a server start is timed from the instant the app starts its sandbox (the worst case: "
        "the file waits for what is left of the sandbox's start).", "",
        "| Reader | Seconds | Peak memory (MB) | Rows |", "|---|---:|---:|---:|",
        *[f"| {r['name']} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {r['rows']:,} |" for r in results.values()],
        "",
        f"- analytics.load is **{vs_openpyxl:.1f}x** faster than pandas+openpyxl (target >= {TARGET_VS_OPENPYXL:.0f}x)",
        f"- analytics.load takes **{vs_fastexcel:.2f}x** the bare fastexcel read "
        f"(target <= {TARGET_VS_FASTEXCEL:.0f}x; it also finds the table, parses dates, counts records per week "
        "and builds the ledger, in a sandboxed child)",
        f"- the first file after a server start takes **{first_vs_fastexcel:.2f}x** the bare read "
        f"(target <= {TARGET_VS_FASTEXCEL:.0f}x)",
        f"- CPU time (user + system, best of {REPEATS}; it hardly moves when other work shares the machine): bare "
        f"fastexcel {cpu_bare:.2f} s, analytics.load in-process {cpu_ours:.2f} s = **{cpu_ours / cpu_bare:.2f}x**",
        f"- peak memory of the same parse in-process: **{peak:.0f} MB** (target < {TARGET_PEAK_MB} MB)", "",
        "### Every corpus and sample file", "",
        f"analytics.load (sandbox running) against a bare read of every sheet of the same file (fastexcel; "
        f"pandas.read_csv for a CSV), in one process; target: load <= {CORPUS_SLACK_S:.0f} s + "
        f"{CORPUS_FACTOR:.0f} x bare.", "",
        "| File | Bare read (s) | analytics.load (s) | Ratio | Target met |", "|---|---:|---:|---:|---|",
        *[f"| {c['file']} | {c['bare']:.2f} | {c['load']:.2f} | {c['load'] / max(c['bare'], 1e-3):.1f}x | "
          f"{'yes' if c['met'] else 'NO'}{' (' + c['error'] + ')' if c['error'] else ''} |" for c in corpus], "",
    ]
    figures = [
        figure("analytics.load speed-up over pandas+openpyxl", vs_openpyxl, "x", TARGET_VS_OPENPYXL, "higher"),
        figure("analytics.load time / bare fastexcel time", vs_fastexcel, "x", TARGET_VS_FASTEXCEL, "lower"),
        figure("first file after start time / bare fastexcel time", first_vs_fastexcel, "x", TARGET_VS_FASTEXCEL,
               "lower"),
        figure("analytics.load peak memory", peak, "MB", TARGET_PEAK_MB, "lower"),
        figure("corpus files loaded within 1 s + 2x a bare read", sum(c["met"] for c in corpus), "files",
               len(corpus), "higher"),
    ]
    markdown = "\n".join(lines)
    print(markdown)
    print(BENCH_PREFIX + json.dumps({"bench": "ingest", "markdown": markdown, "figures": figures,
                                     "readers": list(results.values())}))
    missed = [f["name"] for f in figures if not f["met"]]
    if missed:
        print("TARGET MISSED: " + "; ".join(missed), file=sys.stderr)
    return 1 if missed else 0


BENCH_PREFIX = "BENCH_RESULT "


def figure(name: str, value: float, unit: str, target: float, better: str) -> dict:
    """One measured figure against its target, as bench/run.py reads it."""
    met = value >= target if better == "higher" else value <= target
    return {"name": name, "value": value, "unit": unit, "target": target, "better": better, "met": bool(met)}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2])))
    elif len(sys.argv) == 2 and sys.argv[1] == "--corpus":
        print(json.dumps(_corpus()))
    else:
        sys.exit(main())
