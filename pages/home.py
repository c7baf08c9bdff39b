"""Home: what is loaded and what the loader found in each file."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import topics
from analytics.dataset import FREQUENCY_NAMES

st.title("ASC Performance Explorer")
st.write(
    "Drop council extracts (calls, contacts, reablement, placements, finance, benchmarking) into the sidebar, "
    "or load the sample data, then open **Data** to check what was read."
)
st.info("Privacy: your data stays in this browser session and is not saved. Nothing is sent anywhere.",
        icon=":material/lock:")

names = list(ui.registry())
if not names:
    st.write("No data loaded yet.")
for name in names:
    shown = ui.markdown_text(name)  # a file name is text, never Markdown (it could carry an image or a link)
    with st.spinner(f"Reading {shown}..."):
        data = ui.dataset(name)  # a file that cannot be read says why here, in full view
    if data is None:
        continue
    source = data.source
    if topics.is_time_series(data):
        shape = f"{data.frame['period'].nunique():,} period(s), {FREQUENCY_NAMES.get(data.frequency, '')}"
    else:
        shape = f"a table of {data.frame['category'].nunique() if 'category' in data.frame else len(data.frame):,} " \
                "row(s), not a time series"
    with st.status(f"{shown}: {data.kind}, {source.layout} layout, {len(data.measures)} measure(s)",
                   expanded=False, state="complete"):
        st.write(f"Layout **{ui.markdown_text(source.layout)}**, {len(data.measures)} measure(s), {shape}.")
        st.write(ui.markdown_text(data.ledger.summary()))
