"""Explore trends: any measure of any time series, with every model a toggle away and the commentary beside it."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import topics

st.title("Explore trends")
datasets = {name: data for name, data in ui.loaded().items() if topics.is_time_series(data)}
if not datasets:
    st.info(ui.no_time_series_text(list(ui.loaded()), "the trends"))
    st.stop()

top = st.columns([2, 2, 3])
name = top[0].selectbox("Dataset", list(datasets), key="explore:dataset")
data = datasets[name]
measure = top[1].selectbox("Measure", list(data.measures), key=f"explore:measure:{name}")
key = f"explore:{name}:{measure}"
filters = ui.dimension_filters(data, measure, top[2], key=key)
series = ui.measure_series(data, measure, filters)
if series is None:
    st.stop()
series, frequency = ui.weekly_option(series, data, measure, key=f"{key}:weekly")
series = ui.period_range(series, frequency, key=f"{key}:range:{frequency}")
ui.trend_panel(data, measure, key, analysed=ui.measure_analysis(name, measure), series=series, spc=True,
               filters=filters, frequency=frequency)
