"""Finance: the budget monitoring scorecard with F/A, RAG and movement, the variance chart and commentary,
one level of the budget at a time."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import AnalysisError, charts, commentary, finance, topics

TOPIC = topics.TOPICS["finance"]
ALL_PARENTS = -1  # the "every line at this level" choice of the parent selector

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)
analysed = ui.analysis_of(name)  # the one analysis: its scorecard at the default RAG, its "previous" period
cols = st.columns(3)
default_green, default_amber = (100 * t for t in finance.DEFAULT_RAG_THRESHOLDS)
green = cols[0].number_input("Green: adverse variance up to (% of budget)", 0.0, 50.0, default_green, 0.5,
                             key=f"finance:green:{name}")
amber = cols[1].number_input("Amber: adverse variance up to (% of budget)", 0.0, 50.0, default_amber, 0.5,
                             key=f"finance:amber:{name}")
previous = cols[2].text_input("Movement is against", analysed.previous if analysed else "last month",
                              key=f"finance:previous:{name}")
if amber < green:
    st.warning(f"Amber ({amber}%) is below Green ({green}%): Amber is taken as {green}% too, so nothing is Amber.")
thresholds = (green / 100, max(green, amber) / 100)
if analysed is not None and thresholds == finance.DEFAULT_RAG_THRESHOLDS and analysed.scorecard is not None:
    result = analysed.scorecard  # what the pack and the command line state
else:
    try:
        result = finance.scorecard(finance.scorecard_frame(data), rag_thresholds=thresholds)
    except AnalysisError as exc:
        st.error(ui.markdown_text(exc.user_message))
        st.stop()

table = result.table
levels = finance.level_names(table)
if not levels:
    st.info("No line of this table has a budget or a forecast figure, so there is no scorecard to show.")
    st.stop()
st.caption(finance.structure_note(result))
picks = st.columns(2)
level = picks[0].selectbox("Level of the budget", list(levels), index=list(levels).index(finance.default_level(table)),
                           format_func=levels.get, key=f"finance:level:{name}")
parents = finance.parents_at(table, level)
parent = ALL_PARENTS
labels = {ALL_PARENTS: "All"}
if len(parents) > 1:
    labels |= dict(zip(parents["row"].astype(int).tolist(), parents["label"], strict=True))
    parent = picks[1].selectbox("Lines under", list(labels), format_func=labels.get,
                                key=f"finance:parent:{name}:{level}")
shown = finance.level_view(table, level, None if parent == ALL_PARENTS else parent)

st.subheader("Commentary")
ui.sentences(commentary.describe_scorecard(result, previous=previous, lines=shown))
title = commentary.finance_headline(result, None if parent == ALL_PARENTS else parent)
try:
    where = f", under {labels[parent]}" if parent != ALL_PARENTS else ""
    ui.draw(charts.variance_chart(shown, title=title,
                                  subtitle=f"Level {level + 1} of {max(levels) + 1}: {len(shown)} "
                                           f"line{'s' if len(shown) != 1 else ''}{where}"))
except AnalysisError as exc:
    st.info(ui.markdown_text(exc.user_message))
st.subheader("Scorecard")
st.dataframe(finance.display_table(result), hide_index=True, width="stretch",
             height=min(700, 35 * (len(table) + 1) + 3), column_config=ui.FINANCE_COLUMNS)
with st.expander("Checks of the stated figures"):
    st.dataframe(result.checks, hide_index=True, width="stretch")
for warning in result.warnings:
    st.warning(ui.markdown_text(warning))
