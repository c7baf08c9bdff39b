"""`make bench`: run every benchmark in this one run, write bench/results.md, fail loudly on a missed target.

Each benchmark script runs in its own process from the repository root and prints, as its last line,
``BENCH_RESULT {json}`` with ``bench`` (its name), ``markdown`` (its section of the results) and ``figures``:
a list of ``{"name", "value", "unit", "target", "better": "higher" | "lower", "met"}``. A script that is
present but prints no such line, or exits non-zero without one, is a failure: a figure nobody measured is not
a figure that met its target. bench/ui.py (UI rerun < 0.5 s) and bench/export.py (a pack of 12 measures
< 20 s) are run when they exist and skipped with a note until then.

Exit status: 0 when every figure met its target, 1 otherwise (each missed figure is named on stderr).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.md"
PREFIX = "BENCH_RESULT "
# (script, what it must show); the targets themselves travel with each script's figures.
BENCHES = [
    ("ingest.py", "ingest >= 10x faster than pandas+openpyxl, <= 2x bare fastexcel, peak < 1 GB"),
    ("models.py", "models: full set on a 104-week series < 0.5 s, 50 series < 1 s"),
    ("ui.py", "UI rerun < 0.5 s"),
    ("export.py", "pack of 12 measures < 20 s"),
    ("line_roles.py", "line roles: macro F1 >= 0.85 and header F1 >= 0.9 on SAUS, CIUS, DeEx (cross-corpus)"),
    ("hostile.py", "hostile input: 199 MB CSV < 4 GB peak, repeat reads cached, one parse child per core"),
]
REQUIRED = {"ingest.py", "models.py"}
SESSIONS_NOTE = HERE / "sessions.md"  # written by hand from tests/test_sessions.py output; kept in results.md
SIMULATION_NOTE = HERE / "simulation.md"  # written by hand from the slow tests/test_simulation.py; kept likewise


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def machine(load_before: tuple[float, float, float]) -> str:
    """The machine description that heads bench/results.md."""
    load_after = os.getloadavg()
    return "\n".join([
        f"Run by `make bench` (bench/run.py) on {dt.datetime.now():%d %b %Y %H:%M}.", "",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} core(s) visible",
        f"- RAM: {_ram_gb():.1f} GB",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}",
        f"- Load average (1, 5, 15 min): {' / '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} after (a busy machine makes every figure slower)",
    ])


def run_bench(script: str) -> tuple[dict | None, str]:
    """Run one script; return its parsed result (or None) and a note on what went wrong."""
    proc = subprocess.run([sys.executable, str(HERE / script)], cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-4000:])
    lines = [line for line in proc.stdout.splitlines() if line.startswith(PREFIX)]
    if not lines:
        return None, f"bench/{script} exited {proc.returncode} and printed no {PREFIX.strip()} line"
    return json.loads(lines[-1][len(PREFIX):]), ""


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "F1":
        return f"{value:.3f}"
    return f"{value:.0f} {unit}"


def main() -> int:
    load_before = os.getloadavg()
    sections, rows, missed, notes = [], [], [], []
    for script, target in BENCHES:
        if not (HERE / script).exists():
            note = f"bench/{script} is not there yet: skipped ({target} not measured)."
            print(note)
            if script in REQUIRED:
                missed.append(f"bench/{script} is missing")
            notes.append(note)
            continue
        print(f"Running bench/{script} ...", flush=True)
        result, problem = run_bench(script)
        if result is None:
            missed.append(problem)
            notes.append(f"**{problem}** ({target}).")
            continue
        sections.append(result["markdown"].strip())
        for fig in result["figures"]:
            sign = ">=" if fig["better"] == "higher" else "<="
            rows.append(f"| {result['bench']} | {fig['name']} | {_fmt(fig['value'], fig['unit'])} | "
                        f"{sign} {_fmt(fig['target'], fig['unit'])} | {'yes' if fig['met'] else '**NO**'} |")
            if not fig["met"]:
                missed.append(f"{result['bench']}: {fig['name']} = {_fmt(fig['value'], fig['unit'])}, "
                              f"target {sign} {_fmt(fig['target'], fig['unit'])}")
    parts = ["# Benchmark results", "", machine(load_before), "", "## Targets", "",
             "| Benchmark | Figure | Measured | Target | Met |", "|---|---|---:|---:|---|", *rows, ""]
    parts += [f"- {n}" for n in notes] + ([""] if notes else [])
    parts += [s + "\n" for s in sections]
    for note in (SIMULATION_NOTE, SESSIONS_NOTE):
        if note.exists():
            parts.append(note.read_text().strip() + "\n")
    RESULTS.write_text("\n".join(parts).rstrip() + "\n")
    print(f"Wrote {RESULTS.relative_to(ROOT)}")
    if missed:
        print("\nBENCHMARK TARGETS MISSED:", file=sys.stderr)
        for item in missed:
            print(f"  - {item}", file=sys.stderr)
        return 1
    print("Every benchmark target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
