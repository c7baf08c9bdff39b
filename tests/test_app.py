"""AppTest: the app and every page run on the sample data without an exception, and the Data page
shows what was detected and applies overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from analytics.catalogue import MeasureInfo

TIMEOUT = 120
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def generation(at: AppTest) -> int:
    """The Data page's override widgets carry this in their keys (ui.restart_overrides)."""
    return at.session_state[ui.GENERATION_KEY] if ui.GENERATION_KEY in at.session_state else 0


def detected(at: AppTest) -> dict:
    return at.table[0].value["Found"].to_dict()


def data_page(files: tuple[str, ...]) -> AppTest:
    """The Data page with only ``files`` (from sample_data/) loaded."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state[ui.REGISTRY_KEY] = {n: ui.Upload(n, (ui.SAMPLE_DIR / n).read_bytes()) for n in files}
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


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


def test_data_page_ledger_shows_blank_columns_blank(app):
    """Rows excluded whole (a title, a blank line) have no column: shown blank, not as 'None' (a categorical's
    empty category is drawn as a missing value)."""
    app.switch_page("pages/data.py").run()
    app.selectbox(key="dataset").set_value("reablement_weekly.xlsx").run()
    ledger = app.dataframe[-1].value
    assert list(ledger.columns[:3]) == ["row", "column", "reason"]
    assert not isinstance(ledger["column"].dtype, pd.CategoricalDtype) and (ledger["column"] == "").any()
    assert ledger["column"].notna().all() and ledger["reason"].notna().all()


def test_data_page_override_layout_and_record_split(app):
    app.switch_page("pages/data.py").run()
    app.selectbox(key="dataset").set_value("contacts_records.csv").run()
    app.selectbox(key=f"split:contacts_records.csv:{generation(app)}").set_value("Outcome").run()
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


def test_refused_override_keeps_the_previous_reading_with_the_reason():
    at = data_page(("reablement_weekly.xlsx",))
    at.number_input(key=f"header:reablement_weekly.xlsx:{generation(at)}").set_value(999).run()
    assert not at.exception
    assert any("Header row 999 was not applied" in w.value and "not inside the table" in w.value
               for w in at.warning)
    assert detected(at)["Header row(s)"] == "5, 6"  # the previous reading is still shown
    assert at.session_state[ui.REGISTRY_KEY]["reablement_weekly.xlsx"].options == ui.Options()
    assert at.number_input(key=f"header:reablement_weekly.xlsx:{generation(at)}").value == 0


def test_an_override_can_be_undone_and_reset():
    at = data_page(("reablement_weekly.xlsx",))
    at.selectbox(key=f"layout:reablement_weekly.xlsx:{generation(at)}").set_value("table").run()
    assert detected(at)["Layout"] == "table"
    at.selectbox(key=f"layout:reablement_weekly.xlsx:{generation(at)}").set_value("records").run()
    assert detected(at)["Layout"] == "records"
    at.button(key=f"undo:reablement_weekly.xlsx:{generation(at)}").click().run()
    assert detected(at)["Layout"] == "table"
    at.button(key=f"reset:reablement_weekly.xlsx:{generation(at)}").click().run()
    assert detected(at)["Layout"] == "wide" and not at.exception
    at.button(key=f"undo:reablement_weekly.xlsx:{generation(at)}").click().run()
    assert detected(at)["Layout"] == "table"  # going back to the detected reading is undoable too


def test_a_reader_bug_on_an_override_does_not_lock_the_page():
    """Issue 17: after choosing periods_across (a reader bug raised inside the parsing child) the controls were
    gone for good. Whatever the reader does with it, the next run shows the Data page with its controls."""
    at = data_page(("reablement_weekly.xlsx",))
    at.selectbox(key=f"layout:reablement_weekly.xlsx:{generation(at)}").set_value("periods_across").run()
    at.run()
    assert not at.exception
    assert at.selectbox(key=f"layout:reablement_weekly.xlsx:{generation(at)}").value in ("periods_across", "detect")
    assert at.table, "the detection table is shown"


def test_a_layout_the_reader_does_not_use_is_said():
    at = data_page(("reablement_weekly.xlsx",))
    at.selectbox(key=f"layout:reablement_weekly.xlsx:{generation(at)}").set_value("long").run()
    assert not at.exception
    if detected(at)["Layout"] != "long":
        assert any("You chose the long layout" in w.value and "read it as wide" in w.value for w in at.warning)


def test_measures_show_why_and_a_users_polarity_is_said_to_be_theirs():
    at = data_page(("dols_weekly.csv",))
    why = at.dataframe[0].value.set_index("measure")["why"]
    assert why["Waiting list"] == "matched 'Waiting list': lower is better"
    upload = at.session_state[ui.REGISTRY_KEY]["dols_weekly.csv"]
    at.session_state[ui.REGISTRY_KEY] = {"dols_weekly.csv": ui.Upload(upload.name, upload.data, ui.Options(
        measures=(("Waiting list", MeasureInfo("count", "neutral", "dols_waiting")),)))}
    at.run()
    table = at.dataframe[0].value.set_index("measure")
    assert table.loc["Waiting list", "polarity"] == "neutral"
    assert table.loc["Waiting list", "why"] == "set by you: neither direction is better"
