"""Benchmarking: your council against England, its region and a comparator group, from a table of councils."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import AnalysisError, benchmark, charts, commentary, topics

TOPIC = topics.TOPICS["benchmarking"]
GROUPS = {"england": "All councils in the file", "region": "Same region", "type": "Same council type",
          "list": "My list (pick or upload)"}
NO_POPULATION = "values as given"


def group_picker(table: benchmark.PlaceTable, key: str) -> benchmark.Group:
    kind = st.radio("Compare with", list(GROUPS), format_func=GROUPS.get, horizontal=True, key=f"{key}:group")
    if kind != "list":
        return benchmark.Group(kind)
    in_file = {table.places.places[label].council.key: table.places.places[label].name
               for label in table.places.councils}
    left, right = st.columns(2)
    picked = left.multiselect("Councils in your list", sorted(in_file, key=in_file.get), format_func=in_file.get,
                              key=f"{key}:list")
    upload = right.file_uploader("Or upload a list (one council name or code a line, e.g. CIPFA nearest "
                                 "neighbours)", type=["csv", "txt"], key=f"{key}:list_file")
    keys = set(picked)
    if upload is not None:
        found, unknown = benchmark.read_council_list(upload.getvalue().decode("utf-8-sig", errors="replace"))
        keys |= found
        if unknown:
            st.caption(ui.markdown_text(f"Not recognised as councils, so left out of the list: "
                                        f"{', '.join(unknown[:10])}{'...' if len(unknown) > 10 else ''}."))
    return benchmark.Group("list", frozenset(keys), "councils in your list")


def population_picker(name: str, data, container, key: str, age_band: str | None):
    """A population (by council and age band) from another sheet or another upload, or None for raw values."""
    sources = {}
    for sheet, other in ui.other_sheets(name, data):
        if (table := benchmark.population_by_council(other)) is not None:
            sources[f"sheet '{sheet}'"] = table
    for other_name, other in ui.loaded().items():
        if other_name != name and (table := benchmark.population_by_council(other)) is not None:
            sources[other_name] = table
    if not sources:
        return None, None
    choice = container.selectbox("Per 100,000 population from", [NO_POPULATION, *sources], key=f"{key}:population")
    if choice == NO_POPULATION:
        return None, None
    table = sources[choice]
    bands = list(table.columns)
    band = container.selectbox("Age band", bands, index=bands.index(age_band) if age_band in bands else 0,
                               key=f"{key}:band")
    return table, band


def summary_tiles(comparison: benchmark.Comparison) -> None:
    tiles = benchmark.summary_tiles(comparison)
    for column, tile in zip(st.columns(max(len(tiles), 3)), tiles, strict=False):
        column.metric(ui.markdown_text(tile.label), tile.value and ui.markdown_text(tile.value), help=tile.help)
    if comparison.council is None:
        st.info(benchmark.CHOOSE_COUNCIL, icon=":material/location_city:")


def not_benchmarkable(datasets: dict) -> None:
    for other in datasets.values():
        st.markdown(ui.markdown_text(benchmark.what_it_is(other)))
        st.dataframe(other.frame.head(500), hide_index=True, width="stretch")


st.title(TOPIC.title)
datasets = ui.loaded()
names = topics.datasets_for(datasets, TOPIC)
if not names:
    not_benchmarkable(datasets)
    ui.needs(TOPIC)
mine = ui.your_council()
name = st.selectbox("Dataset", names, key="dataset:benchmarking")
data = datasets[name]
for other in (d for n, d in datasets.items() if n not in names):
    st.caption(ui.markdown_text(benchmark.what_it_is(other)))
table = benchmark.place_table(data)
same = {other: t for other in names if other != name
        and set((t := benchmark.place_table(datasets[other])).items) & set(table.items)}
years: list[str] = []
if same:
    years = st.multiselect("Add the years in other files of this publication", list(same),
                           key=f"benchmarking:{name}:years")
    try:
        table = benchmark.stack_years([(data, table), *((datasets[n], same[n]) for n in years)]) if years else table
    except AnalysisError as exc:
        st.warning(exc.user_message)
if mine is None and (mine := benchmark.suggested_council(data)) is not None:
    st.caption(f"Showing {mine.short_name}, the council this file's title names; choose yours in the sidebar.")
key = f"benchmarking:{name}"
cols = st.columns([3, 2])
item = cols[0].selectbox("Measure", table.items, key=f"{key}:item")
info = benchmark.measure_info(data, table, item)
population, band = (population_picker(name, data, cols[1], key, benchmark.age_band_of(item))
                    if info.unit == "count" else (None, None))
group = group_picker(table, key)
# As first shown (all councils, this file's year, no rates), the comparison is the one analysis' own, as the pack
# and the command line state it; a group, population or years the user picks compares again with those.
stored = None
if not years and group == benchmark.Group() and population is None:
    result = ui.benchmarked(name, mine.name if mine else None)
    stored = next((b for b in result.benchmarks if b.item == item), None) if result else None
if stored is not None and stored.comparison is not None:
    comparison = stored.comparison
else:
    try:
        comparison = benchmark.compare(table, item, mine, group=group, unit=info.unit, polarity=info.polarity,
                                       population=population, age_band=band)
    except AnalysisError as exc:
        st.warning(ui.markdown_text(exc.user_message))
        st.stop()
said = commentary.describe_comparison(comparison)
shown = comparison.latest.result.council
title = said[0].text if said else item
ui.draw(charts.ranked_dot_chart(comparison.table, council=shown, title=title, unit=comparison.unit,
                                lines=comparison.lines(), neutral=comparison.polarity == "neutral"),
        alt=" ".join(s.text for s in said))
summary_tiles(comparison)
ui.sentences(said)
if len(comparison.years) > 1 and shown is not None:
    st.subheader("Over time")
    ui.draw(charts.benchmark_trend_chart(benchmark.trend_lines(comparison), council=comparison.shown_as,
                                         title=f"{item}: {comparison.shown_as} beside England and the group",
                                         unit=comparison.unit, frequency=comparison.frequency))
    years = benchmark.over_time(comparison)
    years["period"] = [comparison.period_label(p) for p in years["period"]]
    st.dataframe(years, hide_index=True, width="stretch")
st.subheader("Ranked councils")
ranked = comparison.table.sort_values("rank").reset_index(names="council")
columns = [c for c in ("council", "value", "lower", "upper", "rank", "quartile", "raw_value", "population")
           if c in ranked.columns and ranked[c].notna().any()]
st.dataframe(ranked[columns], hide_index=True, width="stretch", height=min(600, 36 * (len(ranked) + 1)))
for warning in (*table.warnings, *(n for n in comparison.notes if "no better direction" not in n)):
    st.caption(ui.markdown_text(warning))
if comparison.polarity == "neutral":
    st.caption("This measure has no better direction (set its polarity on the Data page), so rank 1 is the highest "
               "value and there is no quartile.")
