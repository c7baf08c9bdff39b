"""ui.widgets without a browser: KPI cells that say something, the chart view's options and layers."""

from __future__ import annotations

import ui
from analytics import analysis
from tests.test_ui_panels import weekly_series


def test_kpi_cells_that_say_something():
    assert [ui.says_something(v) for v in (None, float("nan"), "", " ", [], [1.0], "Up", 0.0)] == \
        [False, False, False, False, False, True, True, True]


def test_a_chart_view_forecasts_only_when_asked():
    view = ui.ChartView(window=4, horizon=13)
    assert view.analysis_options()["horizon"] == 0
    assert ui.ChartView(window=4, horizon=13, forecast=True).analysis_options()["horizon"] == 13


def test_a_chart_view_draws_only_the_layers_switched_on():
    result = analysis.analyse_series(weekly_series(), name="Calls", frequency="W")
    layers = ui.ChartView(window=4, trend=False, spc=True).chart_layers(result)
    assert layers["trend"] is None and layers["spc"] is result.spc and layers["moving_average"] is not None
    assert ui.ChartView(moving_average=False).chart_layers(result)["window"] is None
