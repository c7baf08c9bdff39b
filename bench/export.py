"""Pack export benchmark (issue 6): a 12-measure scrutiny pack, Word and Excel, from the sample data.

Times the whole path a user waits for: analyses, commentary, chart PNGs (vl-convert), the Word document and
the Excel workbook. Target: under 20 s. Prints a markdown section and, last, ``BENCH_RESULT {json}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analytics  # noqa: E402
from analytics import analysis, charts, export, report  # noqa: E402

TARGET_S = 20.0
CHART_TARGET_S = 2.0  # one trend chart spec with every layer (was a wall-clock unit test in tests/test_charts.py)
SAMPLES = ROOT / "sample_data"


def main() -> int:
    datasets = {p.name: analytics.load(p) for p in sorted(SAMPLES.glob("*")) if p.suffix in (".xlsx", ".csv")}
    steps = {}
    start = time.perf_counter()
    pack = report.build_pack(datasets, report.PackOptions(council="West Sussex"))
    steps["analyses, commentary and chart specs"] = time.perf_counter() - start
    mark = time.perf_counter()
    pack = report.with_pngs(pack)
    steps[f"chart PNGs ({sum(s.png is not None for s in pack.sections) + (pack.benchmark is not None)})"] = \
        time.perf_counter() - mark
    mark = time.perf_counter()
    word = export.word_pack(pack)
    steps["Word document"] = time.perf_counter() - mark
    mark = time.perf_counter()
    workbook = export.excel_workbook(pack.data_sheets)
    steps["Excel workbook"] = time.perf_counter() - mark
    total = time.perf_counter() - start
    chart_s = _one_chart_seconds(datasets["reablement_weekly.xlsx"])
    rows = [f"| {name} | {seconds:.2f} s |" for name, seconds in steps.items()]
    markdown = "\n".join([
        "## Scrutiny pack export", "",
        f"All {len(datasets)} sample files loaded; a pack of {len(pack.sections)} measure sections plus the KPI "
        f"summary, finance scorecard, benchmarking chart and methods annex. Word {len(word) / 1e6:.1f} MB, Excel "
        f"{len(workbook) / 1e6:.1f} MB. Target: under {TARGET_S:.0f} s.", "",
        "| Step | Time |", "| --- | --- |", *rows, f"| **Total** | **{total:.2f} s** |", "",
        f"One trend chart spec with every layer (weekly starts): {chart_s:.2f} s (target under "
        f"{CHART_TARGET_S:.0f} s).", ""])
    print(markdown)
    figures = [{"name": f"Pack of {len(pack.sections)} measures", "value": total, "unit": "s", "target": TARGET_S,
                "better": "lower", "met": total < TARGET_S and len(pack.sections) == report.MAX_SECTIONS},
               {"name": "Trend chart spec, every layer", "value": chart_s, "unit": "s", "target": CHART_TARGET_S,
                "better": "lower", "met": chart_s < CHART_TARGET_S}]
    print("BENCH_RESULT " + json.dumps({"bench": "export", "markdown": markdown, "figures": figures}))
    return 0 if all(f["met"] for f in figures) else 1


def _one_chart_seconds(data) -> float:
    a = analysis.analyse_series(data.series("Starts"), name="Starts", frequency="W", horizon=13)
    start = time.perf_counter()
    charts.trend_chart(a.series, title="t", unit="count", frequency="W", window=6, last_year=a.last_year,
                       moving_average=a.moving_average, trend=a.trend, spc=a.spc, forecast=a.forecast,
                       seasonal=a.seasonal).to_dict()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
