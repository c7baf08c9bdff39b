"""ui.text: file text is shown as typed (Markdown escaped, links broken), in text and in tables."""

from __future__ import annotations

import pandas as pd

import ui


def test_file_text_is_shown_as_typed():
    # Markdown escaped, and a bare URL broken with a zero-width space so it is never a link
    assert ui.markdown_text("**bold** [x](http://a.b)") == "\\*\\*bold\\*\\* \\[x\\]\\(http\u200b://a\\.b\\)"
    table = ui.text_table(pd.DataFrame({"a": ["_x_", 1]}))
    assert table["a"].tolist() == ["\\_x\\_", 1]


def test_an_empty_time_series_page_says_why_and_names_the_tables_loaded():
    from ui.text import no_time_series_text

    assert no_time_series_text([], "the KPI summary").startswith("Load a time series")
    text = no_time_series_text(["ashe_[table]_8.xls"], "the KPI summary")
    assert "is a table with no periods" in text and "Load a time" not in text
    assert r"ashe\_\[table\]\_8\.xls" in text  # the file name is shown as typed, never as Markdown
    assert "are tables" in no_time_series_text(["a.xls", "b.csv"], "the trends")
