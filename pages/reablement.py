"""Reablement: starts and completions with a 6-week moving average against a baseline, outcome mix, length of stay."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import charts, derive, topics

TOPIC = topics.TOPICS["reablement"]

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)

activity = topics.measures_with_key(data, "reablement_starts", "completions")
if activity:
    st.subheader("Starts and completions")
    st.caption("Open **Settings** under the chart to compare the moving average with a baseline period you pick.")
    measure = st.radio("Measure", activity, horizontal=True, key=f"reablement:activity:{name}")
    ui.trend_panel(data, measure, f"reablement:{name}:{measure}", analysed=ui.measure_analysis(name, measure))

outcomes = topics.measures_with_key(data, *topics.OUTCOME_KEYS)
if len(outcomes) >= 2:
    st.subheader("Outcomes at completion")
    labels = derive.short_labels(outcomes)
    mix = derive.mix(data, outcomes, labels)
    ui.draw(charts.stacked_percent_chart(mix, title="Outcome mix at completion"))
    for warning in mix.warnings:
        st.caption(ui.markdown_text(warning))
    best = labels[topics.measures_with_key(data, "no_ongoing_care")[0]] \
        if topics.measures_with_key(data, "no_ongoing_care") else next(iter(labels.values()))
    share = st.selectbox("Trend of the share", list(labels.values()), index=list(labels.values()).index(best),
                         key=f"reablement:share:{name}")
    polarity = next(data.measures[m].polarity for m, label in labels.items() if label == share)
    ui.trend_panel(data, f"% {share.lower()}", f"reablement:{name}:share:{share}",
                   series=derive.share_series(mix, share), unit="percent", polarity=polarity, spc=True)

stay = topics.measures_with_key(data, "length_of_stay")
if stay:
    st.subheader("Length of stay")
    ui.trend_panel(data, stay[0], f"reablement:{name}:stay", analysed=ui.measure_analysis(name, stay[0]),
                   spc=True)
