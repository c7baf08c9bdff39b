"""The sweep (issue 17): every sample and every real published file, uploaded alone through the real file input
of the real app in headless Debian chromium; every page opened, each toggle of the first chart flipped, the pack
built, and a set of overrides tried on the Data page (each layout, a header row, undo, "Remove all data" and a
re-upload). Nothing may show Streamlit's exception box and the server log may hold no traceback.

Screenshots of every page, per file, go to tests/artefacts/sweep/<file>/ (look at them). The real files are
copies kept in tests/corpus_real/ (Open Government Licence; provenance in tests/corpus_real/MANIFEST.md).

Files the reader still gets wrong are listed in KNOWN_FAILURES with the page and error, as strict xfails: the
day the reader is fixed the sweep says so (XPASS fails), and the entry must go.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, app_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTEFACTS = ROOT / "tests" / "artefacts" / "sweep"
SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
REAL = sorted(p for p in (ROOT / "tests" / "corpus_real").iterdir() if p.suffix not in (".md", ".json"))
PAGES = ["Home", "Data", "KPI summary", "Explore trends", "Demand", "Reablement", "Placements", "Finance",
         "Benchmarking", "Scrutiny pack"]
LAYOUT_CHOICES = ("long", "periods_across", "table")  # each tried, and undone when the reader kept it
SETTLE_TIMEOUT_S = 120
RUN_START_S = 2.0  # how long an action may take to start its script run
TITLES = {"Home": "ASC Performance Explorer", "Demand": "Demand: calls and contacts"}  # others: the link's name
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Uncaught app execution")

# file -> why it still fails (page, error, owner). Strict: a fix turns the entry into a failure to remove.
KNOWN_FAILURES: dict[str, str] = {}
# Reader bugs reported to the reader's owner, by the code the app shows and logs for a contained fault ("fault in
# this tool (code ValueError at tidy.py:307)"; line numbers left out, they move) or the last line of a
# traceback. A walk whose only problems are these is an expected failure (xfail, not strict: it passes by
# itself once the reader is fixed). Any other fault or exception fails the sweep.
KNOWN_READER_BUGS: dict[str, str] = {}
FAULT = re.compile(r"fault in this tool \(code ([^)]*?)(?::\d+)?\)")


def _collision_csv() -> bytes:
    """Council open data in tidy form: the file's own columns are called period, measure, value and unit."""
    rows = ["period,measure,value,unit,area"]
    for i, month in enumerate(["2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10",
                               "2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]):
        rows += [f"{month},Contacts received,{120 + 7 * i},count,North",
                 f"{month},Contacts received,{90 + 5 * i},count,South",
                 f"{month},Reviews completed on time,{61 + i % 4}.5,percent,North"]
    return ("\n".join(rows) + "\n").encode()


GENERATED = {"tidy_columns_period_measure_value_unit.csv": _collision_csv()}
FILES = [(p.name, p.read_bytes) for p in SAMPLES + REAL] + [(n, (lambda b=b: b)) for n, b in GENERATED.items()]


def _params():
    for name, read in FILES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name])] if name in KNOWN_FAILURES else []
        yield pytest.param(name, read, id=name, marks=marks)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("sweep") / "server.log"
    with log_path.open("w") as log, app_server(stderr=log) as (url, _process):
        yield url, log_path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Walk:
    """One session's walk through the app: each action followed by a wait and a check for the exception box."""

    def __init__(self, tab, name: str, data: bytes, shots: Path) -> None:
        self.tab, self.name, self.data, self.shots = tab, name, data, shots
        self.problems: list[str] = []
        self.views = 0
        self.error_messages: list[str] = []
        self.timings: list[tuple[str, float]] = []
        self.clock = time.perf_counter()

    def settle(self) -> None:
        """Wait for the run an action starts (under load it may start late), then until it and any rerun it
        asked for (st.rerun) have finished."""
        app = self.tab.locator("[data-testid='stApp']")
        started = time.time()
        while time.time() - started < RUN_START_S and app.get_attribute("data-test-script-state") != "running":
            self.tab.wait_for_timeout(100)
        deadline = time.time() + SETTLE_TIMEOUT_S
        quiet = 0
        while time.time() < deadline and quiet < 2:  # two calm looks in a row, 0.5 s apart
            self.tab.wait_for_timeout(250)
            quiet = quiet + 1 if app.get_attribute("data-test-script-state") == "notRunning" else 0
        if quiet < 2:
            self.problems.append(f"still running after {SETTLE_TIMEOUT_S} s")

    def check(self, where: str) -> None:
        self.views += 1
        now = time.perf_counter()
        self.timings.append((where, round(now - self.clock, 1)))
        self.clock = now
        boxes = self.tab.locator("[data-testid='stException']").all_inner_texts()
        if boxes:
            self.problems.append(f"{where}: exception box: {boxes[0][:200]!r}")
        # all_inner_texts reads every match in one go: a rerun that removes an alert between counting and
        # reading cannot leave a locator waiting for an element that is gone
        for text in self.tab.locator("[data-testid='stAlertContentError']").all_inner_texts():
            self.error_messages.append(f"{where}: {text[:200]}")
        for text in self.tab.locator("[data-testid='stAlert']").all_inner_texts():  # contained faults: bugs
            for code in FAULT.findall(text.replace("\\", "")):
                self.problems.append(f"{where}: fault {code}")

    def upload(self) -> None:
        self.tab.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            files=[{"name": self.name, "mimeType": "application/octet-stream", "buffer": self.data}])
        self.tab.get_by_role("button", name=f"Remove {self.name}").wait_for(timeout=SETTLE_TIMEOUT_S * 1000)
        self.settle()

    def open(self, page: str) -> None:
        self.tab.get_by_role("link", name=page, exact=True).click()
        self.main().get_by_role("heading", name=TITLES.get(page, page), exact=True).first.wait_for(
            timeout=SETTLE_TIMEOUT_S * 1000)
        self.settle()
        self.check(page)

    def shot(self, label: str) -> None:
        self.tab.screenshot(path=str(self.shots / f"{label}.png"), full_page=True)

    def main(self):
        return self.tab.locator("[data-testid='stMain']")

    def toggles(self, page: str) -> None:
        """Flip each toggle of the page (the first chart's layers), checking after each. Every trend page
        draws through the same ui.trend_panel, so the sweep flips them on Explore trends only."""
        count = min(self.main().locator("[data-testid='stCheckbox'], [data-testid='stToggle']").count(), 8)
        for i in range(count):
            toggle = self.main().locator("[data-testid='stCheckbox'], [data-testid='stToggle']").nth(i)
            if not toggle.is_visible():
                continue
            label = toggle.inner_text().strip()
            toggle.locator("label").first.click()
            self.settle()
            self.check(f"{page}: toggle {label!r}")

    def choose(self, label: str, option: str) -> bool:
        """Pick an option of the main-area select box labelled ``label``; False if there is none."""
        combo = self.main().get_by_role("combobox", name=label, exact=True)
        if not combo.count():
            return False
        combo.first.click()
        choice = self.tab.get_by_role("option", name=option, exact=True)
        if not choice.count():
            self.tab.keyboard.press("Escape")
            return False
        choice.first.click()
        self.settle()
        return True

    def click(self, name: str) -> bool:
        button = self.tab.get_by_role("button", name=name, exact=True)
        if not button.count() or not button.first.is_enabled():
            return False
        button.first.click()
        self.settle()
        return True

    def overrides(self) -> None:
        """Each layout in turn (each undone), a header row, then back to the detected reading."""
        for layout in LAYOUT_CHOICES:
            if self.choose("Layout", layout):
                self.check(f"Data: layout {layout}")
                if layout == "periods_across":
                    self.shot("data_periods_across")
                if self.click("Undo the last change"):
                    self.check(f"Data: undo layout {layout}")
        header = self.main().get_by_label("Header row", exact=False)
        if header.count():
            header.first.fill("1")
            header.first.press("Enter")
            self.settle()
            self.check("Data: header row 1")
            self.click("Back to the detected reading")
            self.check("Data: back to the detected reading")

    def remove_and_reupload(self) -> None:
        self.tab.get_by_role("link", name="Data", exact=True).click()
        self.settle()
        if self.choose("Layout", "periods_across"):  # the override that once locked users out
            self.check("Data: layout periods_across before removing")
        self.tab.get_by_role("button", name="Remove all data").click()
        self.tab.get_by_role("button", name="Remove all data").and_(self.tab.locator("button:disabled")).wait_for(
            timeout=SETTLE_TIMEOUT_S * 1000)  # the session is empty (an upload before this would be dropped)
        self.settle()
        self.check("Remove all data")
        self.upload()
        self.check("re-upload")
        self.shot("data_after_reupload")
        read = self.tab.get_by_text("What was detected").count()
        refused = self.main().locator("[data-testid='stAlertContentError']").filter(has_text=self.name).count()
        if not (read or refused):
            self.problems.append("re-upload: the Data page shows neither the detection nor a reason")
        layout = self.main().get_by_role("combobox", name="Layout", exact=True)
        if read and layout.count() and layout.first.input_value() != "detect":
            self.problems.append(f"re-upload: the layout override stuck ({layout.first.input_value()})")


@pytest.mark.parametrize(("name", "read"), list(_params()))
def test_sweep(server, browser, name, read):
    url, log_path = server
    shots = ARTEFACTS / re.sub(r"[^\w.-]", "_", name)
    shots.mkdir(parents=True, exist_ok=True)
    log_start = log_path.stat().st_size
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    started = time.perf_counter()
    try:
        tab.goto(url)
        tab.get_by_text("ASC Performance Explorer").first.wait_for(timeout=60_000)
        walk = Walk(tab, name, read(), shots)
        walk.upload()
        for page in PAGES:
            walk.open(page)
            walk.shot(page.lower().replace(" ", "_"))
            if page == "Explore trends":
                walk.toggles(page)
            if page == "Data":
                walk.overrides()
            if page == "Scrutiny pack" and walk.click("Build the pack"):
                tab.get_by_text(re.compile("Pack ready|could not|cannot", re.I)).first.wait_for(
                    timeout=SETTLE_TIMEOUT_S * 1000)
                walk.check("Scrutiny pack: build")
                walk.shot("scrutiny_pack_built")
        walk.remove_and_reupload()
    finally:
        context.close()
    log = log_path.read_text(errors="replace")[log_start:]
    if log.strip():
        (shots / "server.log").write_text(log)
    (shots / "walk.json").write_text(json.dumps(
        {"file": name, "views": walk.views, "seconds": round(time.perf_counter() - started, 1),
         "problems": walk.problems, "error_messages": walk.error_messages, "timings": walk.timings,
         "tracebacks": log.count("Traceback (most recent call last)")}, indent=1))
    errors = [line.split(": ", 1)[1] for line in log.splitlines()
              if re.match(r"^[\w.]+: ", line) and "Error" in line.split(":")[0]]
    faults = [p.rsplit("fault ", 1)[1] for p in walk.problems if ": fault " in p]
    boxes = [p for p in walk.problems if "exception box" in p]
    causes = errors + faults
    known = [KNOWN_READER_BUGS[c] for c in causes if c in KNOWN_READER_BUGS]
    if causes and len(known) == len(causes) and len(faults) + len(boxes) == len(walk.problems):
        pytest.xfail("known reader bug(s): " + "; ".join(dict.fromkeys(known)))
    assert not walk.problems, "\n".join(walk.problems)
    assert not TRACEBACK.search(log), log[-3000:]

