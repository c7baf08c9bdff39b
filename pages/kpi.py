"""KPI summary: one row per measure across every loaded time series. Scrutiny members read this page first."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import topics

st.title("KPI summary")
datasets = {name: data for name, data in ui.loaded().items() if topics.is_time_series(data)}
if not datasets:
    st.info(ui.no_time_series_text(list(ui.loaded()), "the KPI summary"))
    st.stop()
chosen = st.multiselect("Datasets", list(datasets), default=list(datasets), key="kpi:datasets")
totals_only = st.toggle("Measures only (hide the splits by age band, setting...)", value=True, key="kpi:totals")
table = ui.kpi_table({name: datasets[name] for name in chosen}, totals_only=totals_only)
st.caption("RAG against target (where the file has one); direction of travel against the last period and the "
           "same period last year (better / worse by polarity, rose / fell where neither is better); SPC "
           "variation and assurance as in NHS England's Making Data Count.")
# Only columns that say something, so the table fits the page: no Target or RAG column when no measure has a
# target, no Dataset column for one dataset.
shown = [c for c in ui.KPI_ORDER if c in table.columns and (c == "measure" or table[c].map(ui.says_something).any())
         and not (c == "dataset" and len(chosen) < 2)]
st.dataframe(table, hide_index=True, width="stretch", height=min(900, 36 * (len(table) + 1)),
             column_config=ui.KPI_COLUMNS, column_order=shown)
empty = ui.without_values(table)
if empty:  # a row of blanks says nothing: say why
    st.info(ui.markdown_text(f"No values to summarise for {len(empty)} measure(s), because every period is missing or "
                             f"suppressed: {', '.join(empty[:10])}{'...' if len(empty) > 10 else ''}. The Data page "
                             "shows what was read."), icon=":material/info:")
