"""ui.text: file text is shown as typed (Markdown escaped, links broken), in text and in tables."""

from __future__ import annotations

import pandas as pd

import ui


def test_file_text_is_shown_as_typed():
    # Markdown escaped, and a bare URL broken with a zero-width space so it is never a link
    assert ui.markdown_text("**bold** [x](http://a.b)") == "\\*\\*bold\\*\\* \\[x\\]\\(http\u200b://a\\.b\\)"
    table = ui.text_table(pd.DataFrame({"a": ["_x_", 1]}))
    assert table["a"].tolist() == ["\\_x\\_", 1]
