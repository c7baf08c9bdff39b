"""AppTest: the app and every page run on the sample data without an exception, and the Data page
shows what was detected and applies overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui

TIMEOUT = 120
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app() -> AppTest:
    # AppTest (1.67) loses sidebar widget clicks in an st.navigation app, so the samples are put in the
    # session the way the "Load sample data" button does; the browser test clicks the real button.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    at.session_state[ui.REGISTRY_KEY] = {p.name: ui.Upload(p.name, p.read_bytes()) for p in ui.sample_files()}
    at.run()
    assert not at.exception
    return at


def test_home_lists_every_sample_with_its_layout(app):
    labels = [s.label for s in app.get("expandable")] + [s.label for s in app.status]
    for path in ui.sample_files():
        assert any(ui.markdown_text(path.name) in label for label in labels), path.name  # names shown as text
    assert not app.error
    assert any("not saved" in m.value for m in app.info)


def test_data_page_detection_and_ledger(app):
    app.switch_page("pages/data.py").run()
    assert not app.exception
    app.selectbox(key="dataset").set_value("reablement_weekly.xlsx").run()
    found = app.table[0].value["Found"].to_dict()
    assert found["Layout"] == "wide" and found["Header row(s)"] == "5, 6" and found["Frequency"] == "weekly"
    assert any("104 used" in m.value for m in app.markdown)
    assert any("suppressed" in w.value for w in app.warning)


def test_data_page_override_layout_and_record_split(app):
    app.switch_page("pages/data.py").run()
    app.selectbox(key="dataset").set_value("contacts_records.csv").run()
    app.selectbox(key="split:contacts_records.csv").set_value("Outcome").run()
    assert not app.exception
    assert app.table[0].value["Found"].to_dict()["Dimensions"] == "outcome"


def test_every_sample_renders_on_data_page(app):
    app.switch_page("pages/data.py").run()
    for path in ui.sample_files():
        app.selectbox(key="dataset").set_value(path.name).run()
        assert not app.exception, path.name
        assert not app.error, path.name


def test_bad_upload_shows_message_not_traceback():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    ui_state = at.session_state
    ui_state[ui.REGISTRY_KEY] = {"broken.xlsx": ui.Upload("broken.xlsx", b"%PDF-1.4 not a spreadsheet")}
    at.run()
    assert not at.exception
    assert any("PDF" in e.value for e in at.error)
