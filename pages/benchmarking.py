"""Benchmarking: the council's rank among its peers, quartile, distance from the peer median, commentary."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import AnalysisError, benchmark, charts, commentary, topics

TOPIC = topics.TOPICS["benchmarking"]

st.title(TOPIC.title)
name, data = ui.pick_topic_dataset(TOPIC)
peers = benchmark.peer_table(data)
cols = st.columns([3, 2, 2])
measure = cols[0].selectbox("Measure", peers.measures, key=f"benchmarking:measure:{name}")
council = cols[1].selectbox("Your council", peers.councils, key=f"benchmarking:council:{name}",
                            index=peers.councils.index(peers.suggested_council) if peers.suggested_council else 0)
info = data.measures[measure]
# a rate per 100,000 of a percentage or an average means nothing: only counts are divided by population
population = ui.population_choice(name, data, cols[2], key=f"benchmarking:population:{name}") \
    if info.unit == "count" else {}
try:
    result = benchmark.benchmark(peers.values(measure), council, info.polarity, **population)
except AnalysisError as exc:
    st.error(exc.user_message)
    st.stop()
unit = "rate" if result.per_100k else info.unit
said = commentary.describe_benchmark(result, measure, unit, peers.peer_group)
left, right = st.columns([3, 2])
ui.draw(charts.benchmark_chart(result.table, council=council, title=said[0].text if said else measure, unit=unit),
        container=left, alt=" ".join(s.text for s in said))
with right:
    st.metric("Rank (1 = best)" if info.polarity != "neutral" else "Rank (1 = highest; no better direction)",
              f"{result.rank} of {result.n}" if result.rank else "not ranked")
    ui.sentences(said)
for warning in result.warnings:
    st.caption(warning)
