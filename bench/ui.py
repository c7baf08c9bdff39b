"""UI rerun benchmark (issue 5): server time for one rerun after a control changes, measured with AppTest.

Each page is opened on the sample data once (cold: parsing and model fitting fill the caches), then a control
is changed back and forth; the warm reruns are what an officer feels on every click. Target: under 0.5 s.
Prints a markdown section and, last, ``BENCH_RESULT {json}`` for bench/run.py.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import ui  # noqa: E402

TARGET_S = 0.5
REPEATS = 5
# (page, widget kind, key, two values to alternate between)
EXPLORE = "explore:assessments_placements_weekly.xlsx:Care Act assessments completed"
CONTROLS = [
    ("explore", "toggle", f"{EXPLORE}:spc", (False, True)),
    ("explore", "number_input", f"{EXPLORE}:window", (4, 6)),
    ("reablement", "toggle", "reablement:reablement_weekly.xlsx:Starts:trend", (False, True)),
    ("placements", "toggle", "placements:assessments_placements_weekly.xlsx:Residential placements initiated:None:spc",
     (False, True)),
    ("finance", "number_input", "finance:amber:finance_scorecard.xlsx", (4.0, 5.0)),
    ("kpi", "toggle", "kpi:totals", (False, True)),
]


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.session_state[ui.REGISTRY_KEY] = {p.name: ui.Upload(p.name, p.read_bytes()) for p in ui.sample_files()}
    return at.run()


def measure(at: AppTest, page: str, kind: str, key: str, values: tuple) -> dict[str, float]:
    start = time.perf_counter()
    at.switch_page(f"pages/{page}.py").run()
    cold = time.perf_counter() - start
    widget = getattr(at, kind)(key=key)
    times = []
    for i in range(REPEATS * 2):
        start = time.perf_counter()
        widget.set_value(values[i % 2]).run()
        times.append(time.perf_counter() - start)
        widget = getattr(at, kind)(key=key)
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].value}")
    return {"cold": cold, "median": statistics.median(times[2:]), "max": max(times[2:])}


def main() -> int:
    at = app()
    rows, figures = [], []
    for page, kind, key, values in CONTROLS:
        result = measure(at, page, kind, key, values)
        control = key.rsplit(":", 1)[-1]
        rows.append(f"| {page} | {control} | {result['cold'] * 1000:.0f} ms | {result['median'] * 1000:.0f} ms "
                    f"({result['max'] * 1000:.0f} ms) |")
        figures.append({"name": f"UI rerun, {page} page, {control} (median)", "value": result["median"], "unit": "s",
                        "target": TARGET_S, "better": "lower", "met": result["median"] < TARGET_S})
    markdown = "\n".join([
        "## UI rerun (AppTest, server time)", "",
        f"Sample data loaded; each control changed {REPEATS * 2} times, the first two reruns dropped. Target: a "
        f"rerun after a control changes in under {TARGET_S} s. Cold = first opening of the page (parsing and "
        "model fitting, then cached).", "",
        "| Page | Control | Cold open | Warm rerun median (max) |", "| --- | --- | --- | --- |", *rows, ""])
    print(markdown)
    print("BENCH_RESULT " + json.dumps({"bench": "ui", "markdown": markdown, "figures": figures}))
    return 0 if all(f["met"] for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
