"""Data: what was detected in each file, the tidy table, the ledger and the warnings; overrides applied at once."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import ui
from analytics.catalogue import POLARITIES, UNITS, MeasureInfo
from analytics.dataset import LAYOUTS, detection_summary, measure_table
from analytics.ingest.records import RECORD_FREQUENCIES

st.title("Data")
name = ui.pick_dataset()
if name is None:
    st.stop()
data = ui.dataset(name)
if data is None:
    st.stop()
upload = ui.registry()[name]
options = upload.options
src = data.source

left, right = st.columns([2, 3])
with left:
    st.subheader("What was detected")
    st.table(ui.text_table(detection_summary(data).set_index("What")))
with right:
    st.subheader("Change how it is read")
    new = {}
    if src.file_type != "csv" and len(src.sheets) > 1:
        sheet = st.selectbox("Sheet", src.sheets, index=src.sheets.index(src.sheet), key=f"sheet:{name}")
        new["sheet"] = sheet if sheet != src.sheet else options.sheet
    tables = [t for t in src.tables if t.sheet == (new.get("sheet") or src.sheet)]
    if len(tables) > 1:
        labels = [t.label() for t in sorted(tables, key=lambda t: t.index)]
        chosen = st.selectbox("Table", range(len(labels)), format_func=lambda i: labels[i],
                              index=src.table_index, key=f"table:{name}")
        new["table"] = chosen
    header = st.number_input("Header row (sheet row number; 0 = detect)", min_value=0, step=1,
                             value=options.header_row or 0, key=f"header:{name}")
    new["header_row"] = int(header) or None
    layout = st.selectbox("Layout", ["detect", *LAYOUTS], index=(["detect", *LAYOUTS].index(options.layout)
                          if options.layout else 0), key=f"layout:{name}")
    new["layout"] = None if layout == "detect" else layout
    if any("month labels carry no year" in w for w in data.warnings) or options.year:
        year = st.number_input("Year of the month labels (the financial year they start in; 0 = as found)",
                               min_value=0, max_value=2100, step=1, value=options.year or 0, key=f"year:{name}")
        new["year"] = int(year) or None
    if data.kind == "records" and data.records is not None:
        columns = [c for c in data.records.columns if c != "date"]
        split = st.selectbox("Split record counts by", ["(none)", *columns], key=f"split:{name}",
                             index=([None, *columns].index(options.split_by) if options.split_by in columns else 0))
        new["split_by"] = None if split == "(none)" else split
        freq = st.selectbox("Count records per", RECORD_FREQUENCIES, key=f"freq:{name}",
                            index=RECORD_FREQUENCIES.index(data.frequency) if data.frequency in RECORD_FREQUENCIES
                            else 1, format_func={"D": "day", "W": "week", "M": "month"}.get)
        new["record_frequency"] = freq
    changed = replace(options, **new)
    if changed != options:
        ui.set_options(name, changed)
        st.rerun()

st.subheader("Measures")
st.caption("Unit and polarity come from the catalogue of ASC measures; change them if they are wrong.")
edited = st.data_editor(
    measure_table(data), hide_index=True, disabled=["measure", "recognised as"], key=f"measures:{name}",
    column_config={"unit": st.column_config.SelectboxColumn(options=UNITS, required=True),
                   "polarity": st.column_config.SelectboxColumn(options=POLARITIES, required=True)},
)
overrides = tuple((r.measure, MeasureInfo(r.unit, r.polarity, data.measures[r.measure].known_as))
                  for r in edited.itertuples() if MeasureInfo(r.unit, r.polarity,
                                                              data.measures[r.measure].known_as)
                  != data.measures[r.measure])
if overrides and dict(overrides) != dict(options.measures):
    ui.set_options(name, replace(options, measures=tuple({**dict(options.measures), **dict(overrides)}.items())))
    st.rerun()

for warning in data.warnings:
    st.warning(ui.markdown_text(warning))

st.subheader("Tidy table")
st.caption(f"{len(data.frame):,} rows: one per period (or row label), measure and dimension.")
st.dataframe(data.frame.head(2000), hide_index=True, width="stretch",
             column_config={"period": st.column_config.DateColumn("period", format="D MMM YYYY")})

st.subheader("Ledger: every row read is used or explained")
st.write(ui.markdown_text(data.ledger.summary()))
if src.line_roles is not None:
    counts = src.line_roles["role"].value_counts()
    st.caption("Line roles: " + ", ".join(f"{n:,} {role}" for role, n in counts.items() if n) + ".")
if src.notes:
    with st.expander(f"Notes in the file ({len(src.notes)})"):
        for note in src.notes:
            st.text(note)
st.dataframe(data.ledger.excluded, hide_index=True, width="stretch")
