"""Benchmark the models against the speed targets in issue 3; writes bench/results_models.md.

Run from the repository root: ``python bench/models.py``. Exits 1 if a target is missed. The last line printed
is ``BENCH_RESULT {json}`` for bench/run.py.

Targets (median of warm runs):
* the full set (moving average, trend, STL, ETS with intervals, SPC) on one 104-week series < 0.5 s;
* moving average, trend, STL and SPC for 50 such series (the KPI summary) < 1 s.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics import breaks, forecast, seasonal, spc, trend  # noqa: E402

SEED = 2024
WEEKS = 104
KPI_SERIES = 50
REPEATS = 7
HORIZON = 12
TARGET_FULL_SET_S = 0.5
TARGET_KPI_SUMMARY_S = 1.0
RESULTS = ROOT / "bench" / "results_models.md"


def weekly_series(rng: np.random.Generator, n: int = WEEKS) -> pd.Series:
    """A council-like weekly count: level, slow trend, yearly season, noise."""
    t = np.arange(n)
    values = 120 + 0.15 * t + 15 * np.sin(2 * np.pi * t / 52) + rng.normal(0, 6, n)
    return pd.Series(np.round(values), index=pd.date_range("2023-04-03", periods=n, freq="7D"))


def full_set(series: pd.Series) -> None:
    trend.moving_average(series, 6)
    trend.linear_trend(series, "W")
    seasonal.decompose(series, "W")
    forecast.ets_forecast(series, "W", HORIZON)
    spc.xmr(series, improvement="increase", frequency="W")


def kpi_summary(many: list[pd.Series]) -> None:
    for series in many:
        trend.moving_average(series, 6)
        trend.linear_trend(series, "W")
        seasonal.decompose(series, "W")
        spc.xmr(series, improvement="increase", frequency="W")


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def measure(fn, *args) -> dict[str, float]:
    cold = timed(fn, *args)
    warm = [timed(fn, *args) for _ in range(REPEATS)]
    return {"cold": cold, "median": statistics.median(warm), "max": max(warm)}


def measure_all() -> dict[str, dict[str, float]]:
    """Every timing, keyed by step; run in this process."""
    rng = np.random.default_rng(SEED)
    one = weekly_series(rng)
    many = [weekly_series(rng) for _ in range(KPI_SERIES)]
    long_weekly = weekly_series(rng, 260)
    steps = {
        "moving average": lambda: trend.moving_average(one, 6),
        "linear trend (OLS, AR(1) bootstrap test)": lambda: trend.linear_trend(one, "W"),
        "change points (binary segmentation, bootstrap sup-F)": lambda: breaks.find_breaks(one, "W"),
        "STL": lambda: seasonal.decompose(one, "W"),
        "STL, robust option (not used by default)": lambda: seasonal.decompose(one, "W", robust=True),
        "ETS + 80/95% intervals + back-test": lambda: forecast.ets_forecast(one, "W", HORIZON),
        "SPC (XmR)": lambda: spc.xmr(one, improvement="increase", frequency="W"),
        FULL: lambda: full_set(one),
        KPI: lambda: kpi_summary(many),
        ETS_260: lambda: forecast.ets_forecast(long_weekly, "W", 26),
    }
    return {name: measure(fn) for name, fn in steps.items()}


FULL = "Full set, one 104-week series"
KPI = f"MA + trend + STL + SPC, {KPI_SERIES} x 104-week series"
ETS_260 = "ETS, 260-week series, 26-week horizon (no target)"
TARGETS = {FULL: TARGET_FULL_SET_S, KPI: TARGET_KPI_SUMMARY_S}
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def single_threaded() -> dict[str, dict[str, float]]:
    """The same measurements in a child process with BLAS limited to one thread."""
    env = os.environ | SINGLE_THREAD_ENV
    out = subprocess.run([sys.executable, __file__, "--json"], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> int:
    if "--json" in sys.argv:
        print(json.dumps(measure_all()))
        return 0
    default = measure_all()
    single = single_threaded()
    markdown = report(default, single)
    RESULTS.write_text(markdown)
    print(markdown)
    figures = [{"name": f"{name} (median)", "value": default[name]["median"], "unit": "s", "target": target,
                "better": "lower", "met": default[name]["median"] < target} for name, target in TARGETS.items()]
    # The last line is for bench/run.py (make bench), which gathers every benchmark into bench/results.md.
    print("BENCH_RESULT " + json.dumps({"bench": "models", "markdown": markdown, "figures": figures}))
    return 0 if all(f["met"] for f in figures) else 1


def report(default, single) -> str:
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    lines = [
        "## Models",
        "",
        f"Measured by `python bench/models.py` on {date.today():%d %b %Y}: "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at the end. "
        f"Series are synthetic weekly counts (seed {SEED}). Each figure is the median of {REPEATS} warm runs "
        "(max in brackets); the first, cold run is listed for the targets. Targets are judged on the "
        "default configuration; the last column repeats the run in a child process with "
        "`OPENBLAS_NUM_THREADS=1`.",
        "",
        "| Target | Median (max) | Cold first run | Target | Met | With OPENBLAS_NUM_THREADS=1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, target in TARGETS.items():
        d, s = default[name], single[name]
        met = "yes" if d["median"] < target else "NO"
        lines.append(f"| {name} | {ms(d['median'])} ({ms(d['max'])}) | {ms(d['cold'])} | < {ms(target)} | "
                     f"{met} | {ms(s['median'])} ({ms(s['max'])}) |")
    lines += ["", "Step by step (one 104-week series unless named):", "",
              "| Step | Median (max) | With OPENBLAS_NUM_THREADS=1 |", "| --- | --- | --- |"]
    for name in default:
        if name not in TARGETS:
            d, s = default[name], single[name]
            lines.append(f"| {name} | {ms(d['median'])} ({ms(d['max'])}) | "
                         f"{ms(s['median'])} ({ms(s['max'])}) |")
    lines += [
        "",
        "ETS dominates, and on this shared 2-CPU machine OpenBLAS's threads make its optimiser several times "
        "slower when other work is running: the app should start with `OPENBLAS_NUM_THREADS=1` (nothing "
        "here gains from BLAS threads), fit forecasts only for the series a user opens, and cache them. STL "
        "runs non-robust by default (see the robust row above).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
