"""Home: what is loaded and what the loader found in each file."""

from __future__ import annotations

import streamlit as st

import ui

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
    with st.status(f"Reading {shown}", expanded=False) as status:
        data = ui.dataset(name)
        if data is None:
            status.update(label=f"{shown}: could not be read", state="error")
            continue
        source = data.source
        st.write(f"Layout **{ui.markdown_text(source.layout)}**, {len(data.measures)} measure(s), "
                 f"{data.frame['period'].nunique() if 'period' in data.frame else len(data.frame)} period(s)")
        st.write(ui.markdown_text(data.ledger.summary()))
        status.update(label=f"{shown}: {data.kind}, {source.layout} layout, {len(data.measures)} measure(s)",
                      state="complete")
