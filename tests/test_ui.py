"""ui's pure helpers: the bounded read cache, sizes, KPI cells, Markdown escaping, the chart view's options."""

from __future__ import annotations

import pandas as pd

import analytics
import ui
from analytics import dataset_analysis
from tests.conftest import SAMPLES


def test_the_read_cache_is_bounded_by_bytes_and_released_by_session():
    cache = ui.ReadCache(limit=10_000)
    calls = []
    for i in range(3):
        cache.get(f"d{i}", ("f", None, "read"), "s1", lambda i=i: calls.append(i) or ("x" * 4000))
    assert len(cache) == 2 and calls == [0, 1, 2]  # the oldest went when the total passed the limit
    cache.get("d2", ("f", None, "read"), "s2", lambda: calls.append("again"))
    assert "again" not in calls  # a hit is shared across sessions
    cache.release("s1")
    assert len(cache) == 1  # d2 is still used by s2


def test_an_analysis_is_sized_without_its_dataset():
    data = analytics.load(SAMPLES / "dols_weekly.csv")
    result = dataset_analysis.analyse(data)
    assert 0 < ui.size_in_memory(result) < ui.size_in_memory(data) + ui.size_in_memory(result.series)


def test_kpi_cells_that_say_something():
    assert [ui.says_something(v) for v in (None, float("nan"), "", " ", [], [1.0], "Up", 0.0)] == \
        [False, False, False, False, False, True, True, True]


def test_file_text_is_shown_as_typed():
    # Markdown escaped, and a bare URL broken with a zero-width space so it is never a link
    assert ui.markdown_text("**bold** [x](http://a.b)") == "\\*\\*bold\\*\\* \\[x\\]\\(http\u200b://a\\.b\\)"
    table = ui.text_table(pd.DataFrame({"a": ["_x_", 1]}))
    assert table["a"].tolist() == ["\\_x\\_", 1]


def test_a_chart_view_forecasts_only_when_asked():
    view = ui.ChartView(window=4, horizon=13)
    assert view.analysis_options()["horizon"] == 0
    assert ui.ChartView(window=4, horizon=13, forecast=True).analysis_options()["horizon"] == 13
