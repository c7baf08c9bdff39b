"""Steps the browser tests share: where screenshots go, waiting for a run to finish, no exception shown."""

from __future__ import annotations

import time

from tests.app_server import ROOT

ARTEFACTS = ROOT / "tests" / "artefacts"


def settled(tab, timeout_s: float = 60) -> None:
    """Wait until the script has finished running (the status widget's stop button is gone)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline and tab.locator("[data-testid='stStatusWidget']").count():
        tab.wait_for_timeout(300)
    tab.wait_for_timeout(800)


def no_exception(tab) -> None:
    """The page shows no Streamlit exception box."""
    assert tab.locator("[data-testid='stException']").count() == 0
