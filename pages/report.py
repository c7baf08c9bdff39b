"""Report: the scrutiny pack (Word and Excel) and each chart as a PNG, built in memory and downloaded."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from analytics import export, report
from analytics.disclosure import SUPPRESSION_THRESHOLDS

st.title("Scrutiny pack")
datasets = ui.loaded()
if not datasets:
    st.info("Load your extracts in the sidebar (or click **Load sample data**) to build a pack.")
    st.stop()
items = ui.analysed(datasets)
names = [i.result.name for i in items]

cols = st.columns(2)
title = cols[0].text_input("Title", "Adult social care performance", key="report:title")
council = cols[1].text_input("Council", st.session_state.get(ui.YOUR_COUNCIL) or "", key="report:council",
                             placeholder="e.g. West Sussex")  # "Your council" from the sidebar
chosen = st.multiselect(f"Measures, one section each (up to {report.MAX_SECTIONS})", names,
                        default=list(report.default_measures(items)), max_selections=report.MAX_SECTIONS,
                        key="report:measures")
cols = st.columns(2)
suppress = cols[0].selectbox("Small-number suppression", [None, *SUPPRESSION_THRESHOLDS], key="report:suppress",
                             format_func=lambda t: "Off" if t is None else f"Show counts from 1 to {t - 1} as <{t}")
flagged = report.identifier_candidates(datasets)
keep = cols[1].multiselect("Personal identifiers to keep in the export (left out unless ticked here)", flagged,
                           key="report:keep") if flagged else []
st.caption("The pack is built in this session's memory and downloaded by your browser: nothing is saved on the "
           "server.")

options = report.PackOptions(title=title, council=council, measures=tuple(chosen), suppress=suppress,
                             keep_identifiers=tuple(keep), produced=dt.date.today())
if st.button("Build the pack", type="primary", key="report:build"):
    with st.status("Building the pack...", expanded=True) as status:
        st.write("Writing the commentary and drawing the charts")
        pack = report.with_pngs(report.build_pack(datasets, options, items, analyses=ui.analyses(datasets)))
        st.write("Laying out the Word document and the Excel workbook")
        st.session_state["report:files"] = (options, export.word_pack(pack), export.excel_workbook(pack.data_sheets),
                                            [(s.title, s.png) for s in (*pack.sections, pack.benchmark)
                                             if s is not None and s.png])
        status.update(label=f"Pack ready: {len(pack.sections)} measure section(s)", state="complete")

built = st.session_state.get("report:files")
if built is not None:
    made_with, word, workbook, pngs = built
    if made_with != options:
        st.warning("The choices above have changed since the pack was built: build it again to include them.")
    cols = st.columns(2)
    cols[0].download_button("Download the Word pack (.docx)", word, file_name="scrutiny_pack.docx",
                            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    cols[1].download_button("Download the Excel workbook (.xlsx)", workbook, file_name="scrutiny_pack.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.expander(f"Charts as PNG ({len(pngs)})"):
        for i, (chart_title, png) in enumerate(pngs):
            st.download_button(ui.markdown_text(chart_title), png, file_name=export.png_download_name(chart_title),
                               mime="image/png", key=f"report:png:{i}")
