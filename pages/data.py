"""Data: what was detected in each file, the tidy table, the ledger and the warnings; overrides applied at once.

An override is tried before it is kept: one the reader refuses leaves the previous reading in place with the
reason shown, and every override kept can be undone (ui.try_options, ui.undo_options).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import ui
from analytics.catalogue import CATALOGUE_KEYS, POLARITIES, UNITS, MeasureInfo, explain
from analytics.dataset import LAYOUTS, detection_summary, measure_table
from analytics.formatting import UNIT_OF_WORDS, unit_words
from analytics.ingest import Options
from analytics.ingest.records import RECORD_FREQUENCIES
from analytics.vocabulary import by_frequency

REFUSED_KEY = "reading_refused"  # file name -> (generation, what was asked, the reader's reason)
PER = by_frequency("noun", codes=RECORD_FREQUENCIES)


def apply(name: str, options, asked: str) -> None:
    """Try the new options; keep them, or remember why the reader refused them; then rerun."""
    reason = ui.try_options(name, options)
    refused = st.session_state.setdefault(REFUSED_KEY, {})
    if reason is None:
        refused.pop(name, None)
    else:  # shown until the next change: the widgets' generation moves on with every change and on removal
        refused[name] = (ui.generation(), asked, reason)
    st.rerun()


st.title("Data")
name = ui.pick_dataset()
if name is None:
    st.stop()
upload = ui.registry()[name]
options = upload.options
gen = ui.generation()  # in every override widget's key: a refused or undone choice never sticks in a widget

undo = st.columns([1, 1, 3])
if undo[0].button("Undo the last change", key=f"undo:{name}:{gen}", disabled=not ui.history(name)):
    st.session_state.setdefault(REFUSED_KEY, {}).pop(name, None)
    ui.undo_options(name)
    st.rerun()
if undo[1].button("Back to the detected reading", key=f"reset:{name}:{gen}", disabled=options == Options()):
    st.session_state.setdefault(REFUSED_KEY, {}).pop(name, None)
    ui.reset_options(name)
    st.rerun()
refused_at, asked, reason = st.session_state.get(REFUSED_KEY, {}).get(name, (None, None, None))
if reason and refused_at == gen:
    st.warning(f"{asked} was not applied: {reason} The previous reading is kept.", icon=":material/undo:")

data = ui.dataset(name)
if data is None:
    st.stop()
src = data.source
if options.layout and options.layout != src.layout:
    st.warning(f"You chose the {options.layout} layout, but the reader could not read this table that way "
               f"and read it as {src.layout}. Undo the change, or pick another table or header row.")

left, right = st.columns([2, 3])
with left:
    st.subheader("What was detected")
    st.table(ui.text_table(detection_summary(data).set_index("What")))
with right:
    st.subheader("Change how it is read")
    new, said = {}, {}
    if src.file_type != "csv" and len(src.sheets) > 1:
        sheet = st.selectbox("Sheet", src.sheets, index=src.sheets.index(src.sheet) if src.sheet in src.sheets else 0,
                             key=f"sheet:{name}:{gen}")
        new["sheet"] = sheet if sheet != src.sheet else options.sheet
        said["sheet"] = f"Sheet '{sheet}'"
    tables = [t for t in src.tables if t.sheet == (new.get("sheet") or src.sheet)]
    if len(tables) > 1:
        labels = [t.label() for t in sorted(tables, key=lambda t: t.index)]
        chosen = st.selectbox("Table", range(len(labels)), format_func=lambda i: labels[i],
                              index=min(src.table_index, len(labels) - 1), key=f"table:{name}:{gen}")
        new["table"] = chosen
        said["table"] = f"Table {labels[chosen]}"
    header = st.number_input("Header row (sheet row number; 0 = detect)", min_value=0, step=1,
                             value=options.header_row or 0, key=f"header:{name}:{gen}")
    new["header_row"] = int(header) or None
    said["header_row"] = f"Header row {int(header)}"
    layout = st.selectbox("Layout", ["detect", *LAYOUTS], index=(["detect", *LAYOUTS].index(options.layout)
                          if options.layout else 0), key=f"layout:{name}:{gen}")
    new["layout"] = None if layout == "detect" else layout
    said["layout"] = f"Layout '{layout}'"
    if any("month labels carry no year" in w for w in data.warnings) or options.year:
        year = st.number_input("Year of the month labels (the financial year they start in; 0 = as found)",
                               min_value=0, max_value=2100, step=1, value=options.year or 0, key=f"year:{name}:{gen}")
        new["year"] = int(year) or None
        said["year"] = f"Year {int(year)}"
    if data.kind == "records" and data.records is not None:
        columns = [c for c in data.records.columns if c != "date"]
        split = st.selectbox("Split record counts by", ["(none)", *columns], key=f"split:{name}:{gen}",
                             index=([None, *columns].index(options.split_by) if options.split_by in columns else 0))
        new["split_by"] = None if split == "(none)" else split
        said["split_by"] = f"Splitting by '{split}'"
        freq = st.selectbox("Count records per", RECORD_FREQUENCIES, key=f"freq:{name}:{gen}",
                            index=RECORD_FREQUENCIES.index(data.frequency) if data.frequency in RECORD_FREQUENCIES
                            else 1, format_func=PER.get)
        new["record_frequency"] = freq if freq != data.frequency else options.record_frequency  # as detected
        said["record_frequency"] = f"Counting per {PER[freq]}"
    changed = replace(options, **new)
    if changed != options:
        apply(name, changed, " and ".join(said[k] for k, v in new.items() if v != getattr(options, k)) or
              "That change")

st.subheader("Measures")
st.caption("Unit, polarity and the page a measure belongs on (\"recognised as\") come from the catalogue of "
           "ASC, NHS and ONS measures; the last column says why. Change any of them if they are wrong.")
by_user = dict(options.measures)
table = measure_table(data).assign(why=[explain(m, i, by_user=m in by_user) for m, i in data.measures.items()])
table["unit"] = table["unit"].map(unit_words)  # 'count, thousands', not the code: mapped back below
edited = st.data_editor(
    table, hide_index=True, disabled=["measure", "why"], key=f"measures:{name}:{gen}", width="stretch",
    column_config={"unit": st.column_config.SelectboxColumn(options=[unit_words(u) for u in UNITS], required=True),
                   "polarity": st.column_config.SelectboxColumn(options=POLARITIES, required=True),
                   "recognised as": st.column_config.SelectboxColumn(options=["", *CATALOGUE_KEYS]),
                   "why": st.column_config.TextColumn("why", width="large")},
)
rows = edited.to_dict("records")
overrides = {r["measure"]: MeasureInfo(UNIT_OF_WORDS.get(r["unit"], r["unit"]), r["polarity"],
                                      r["recognised as"] or None) for r in rows}
overrides = {m: info for m, info in overrides.items() if info != data.measures[m]}
measures = tuple({**by_user, **overrides}.items())
if overrides and measures != options.measures:
    apply(name, replace(options, measures=measures), f"The change to {', '.join(overrides)}")

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
# A row excluded whole has no column: as a categorical's empty category it would show as 'None'.
st.dataframe(data.ledger.excluded.astype({"column": str}), hide_index=True, width="stretch")
