"""Demand: calls answered and contacts per week, contacts per 100 calls, trend and year on year."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import analysis, derive, topics
from analytics.seasonal import weekly_totals

TOPIC = topics.TOPICS["demand"]

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)
measures = topics.measures_for(data, TOPIC)
measure = st.selectbox("Measure", measures, key=f"demand:measure:{name}")
series = ui.measure_series(data, measure, {})
if series is None:
    st.stop()
series, frequency = ui.weekly_option(series, data, measure, key=f"demand:weekly:{name}")
ui.trend_panel(data, measure, f"demand:{name}:{measure}:{frequency}", analysed=ui.measure_analysis(name, measure),
               series=series, frequency=frequency)

calls = topics.measures_with_key(data, "calls_answered", "calls")
contacts = topics.measures_with_key(data, "contacts", "requests")
if calls and contacts:
    st.subheader(ui.markdown_text(f"{contacts[0]} per 100 {calls[0].lower()}"))
    numerator, denominator = (analysis.measure_series(data, m)[0] for m in (contacts[0], calls[0]))
    if frequency == "W" and data.frequency == "D":
        numerator, denominator = weekly_totals(numerator)[0], weekly_totals(denominator)[0]
    ratio = derive.ratio_per(numerator, denominator)
    ui.trend_panel(data, f"{contacts[0]} per 100 {calls[0].lower()}", f"demand:{name}:ratio:{frequency}",
                   series=ratio, unit="rate", polarity="neutral", frequency=frequency,
                   axis_title=f"{contacts[0]} per 100 {calls[0].lower()}")

if data.kind == "records" and data.records is not None:
    st.subheader("Records split by a column")
    ui.record_split(name, data, key=f"demand:split:{name}")
