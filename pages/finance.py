"""Finance: the budget monitoring scorecard with F/A, RAG and movement, the variance chart and commentary."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import AnalysisError, charts, commentary, finance, topics

TOPIC = topics.TOPICS["finance"]

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)
cols = st.columns(3)
green = cols[0].number_input("Green: adverse variance up to (% of budget)", 0.0, 50.0, 0.0, 0.5,
                             key=f"finance:green:{name}")
amber = cols[1].number_input("Amber: adverse variance up to (% of budget)", 0.0, 50.0, 5.0, 0.5,
                             key=f"finance:amber:{name}")
previous = cols[2].text_input("Movement is against", "last month", key=f"finance:previous:{name}")
if amber < green:
    st.warning(f"Amber ({amber}%) is below Green ({green}%): Amber is taken as {green}% too, so nothing is Amber.")
try:
    result = finance.scorecard(finance.scorecard_frame(data), rag_thresholds=(green / 100, max(green, amber) / 100))
except AnalysisError as exc:
    st.error(exc.user_message)
    st.stop()

st.dataframe(finance.display_table(result), hide_index=True, width="stretch",
             height=min(700, 36 * (len(result.table) + 1)), column_config=ui.FINANCE_COLUMNS)
st.subheader("Commentary")
ui.sentences(commentary.describe_scorecard(result, previous=previous))
ui.draw(charts.variance_chart(result.table, title=commentary.finance_headline(result)))
with st.expander("Checks of the stated figures"):
    st.dataframe(result.checks, hide_index=True, width="stretch")
for warning in result.warnings:
    st.warning(warning)
