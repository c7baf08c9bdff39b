"""ASC Performance Explorer: page set-up, navigation and the sidebar upload. No analysis lives here."""

from __future__ import annotations

import streamlit as st

import ui
from analytics.ingest.guard import MAX_FILE_MB
from analytics.ingest.sandbox import TIME_LIMIT_SECONDS, start

start()  # the parsing sandbox starts with the server, so the first upload does not wait for it
st.set_page_config(page_title="ASC Performance Explorer", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/table:"),
    st.Page("pages/kpi.py", title="KPI summary", icon=":material/dashboard:"),
    st.Page("pages/explore.py", title="Explore trends", icon=":material/show_chart:"),
    st.Page("pages/demand.py", title="Demand", icon=":material/call:"),
    st.Page("pages/reablement.py", title="Reablement", icon=":material/accessibility_new:"),
    st.Page("pages/placements.py", title="Placements", icon=":material/home_work:"),
    st.Page("pages/finance.py", title="Finance", icon=":material/payments:"),
    st.Page("pages/benchmarking.py", title="Benchmarking", icon=":material/leaderboard:"),
    st.Page("pages/report.py", title="Scrutiny pack", icon=":material/description:"),
]

page = st.navigation(pages)

with st.sidebar:
    st.header("Your data")
    files = st.file_uploader(
        "Upload spreadsheets or CSV extracts",
        type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"],
        accept_multiple_files=True,
        key=(uploader := f"uploader:{st.session_state.get('uploader_round', 0)}"),
        on_change=lambda: ui.forget_removed(st.session_state[uploader]),
        help=f"Up to {MAX_FILE_MB} MB each; each file gets up to {TIME_LIMIT_SECONDS:.0f} s to be read. "
             "Files stay in this browser session's memory only.",
    )
    ui.add_new(files)
    if st.button("Load sample data", help="Example extracts shaped like real council reports"):
        ui.load_samples()
    if st.button("Remove all data", help="Forget every file in this session", disabled=not ui.registry()):
        ui.clear()
        st.session_state["uploader_round"] = st.session_state.get("uploader_round", 0) + 1
        st.rerun()
    ui.council_picker()
    st.caption(f"Your data stays in this browser session and is not saved. Files up to "
               f"{MAX_FILE_MB} MB; each is read within {TIME_LIMIT_SECONDS:.0f} s "
               "or refused with a reason.")

page.run()
