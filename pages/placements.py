"""Placements: admissions by age band, financial year to date against last year, rates per 100,000,
people in care and weekly cost from the workbook's other sheets, and placements expected from assessments."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import derive, topics

TOPIC = topics.TOPICS["placements"]

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)
admissions = topics.measures_for(data, TOPIC)
top = st.columns([2, 3])
measure = top[0].selectbox("Measure", admissions, key=f"placements:measure:{name}")
key = f"placements:{name}:{measure}"
filters = ui.dimension_filters(data, measure, top[1], key=key)
series = ui.measure_series(data, measure, filters)
if series is None:
    st.stop()
unit = data.measures[measure].unit
placements = measure  # the measure's own name, before any rate

population = st.number_input("Population of the age band shown (optional, for rates per 100,000)", value=None,
                             min_value=1, step=1000, key=f"{key}:population", placeholder="not given")
if population:
    series = derive.per_population(series, population)
    unit = "rate"
    measure = f"{measure} per 100,000 population"

analysed = ui.measure_analysis(name, placements)
st.subheader("Trend")
ui.trend_panel(data, measure, f"{key}:{population}", analysed=analysed, series=series, unit=unit, spc=True,
               filters=filters)

if data.frequency in ("M", "W"):
    st.subheader("Financial year to date against last year")
    ui.running_totals_chart(analysed, data, placements, filters, title=f"{placements}: cumulative from April")

ui.other_sheet_measures(name, data, ("people_in_care", "weekly_cost"), key=f"placements:other:{name}")

activity = topics.measures_with_key(data, "assessments")
if activity:
    st.subheader(ui.markdown_text(f"Expected placements from {activity[0]}"))  # as named: "Care Act" keeps its capitals
    st.caption("Expected = activity in the period x (placements / activity in the baseline period).")
    ui.expected_from_baseline(data, measure_actual=placements,
                              measure_activity=activity[0], key=f"{key}:expected")
