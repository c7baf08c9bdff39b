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


class _FirstOption:
    """A stand-in for a Streamlit container: every select picks its first option, and the options are kept."""

    def __init__(self):
        self.options: dict[str, list[str]] = {}

    def selectbox(self, label, options, key=None):
        self.options[label] = list(options)
        return options[0]


def test_all_is_offered_for_a_measure_that_cannot_be_added_up_when_each_period_has_one_row():
    # the RTT overview: a median wait in weeks, with a year label on each April row only; "All" once was not
    # offered (weeks cannot be summed), so Explore opened on "2007/08" and one point: "nothing to chart"
    import pandas as pd

    from analytics.catalogue import MeasureInfo
    from analytics.dataset import Dataset, Ledger, Source

    periods = pd.date_range("2007-04-01", periods=24, freq="MS")
    frame = pd.DataFrame({"period": periods, "measure": "Median wait (weeks)", "value": 10.0,
                          "label_1": ["2007/08" if p.month == 4 and p.year == 2007 else "2008/09" if p.month == 4
                                      else "" for p in periods], "flag": ""})
    ledger = Ledger(24, 24, pd.DataFrame(columns=["row", "column", "reason", "detail"]))
    data = Dataset(frame, "timeseries", "M", {"Median wait (weeks)": MeasureInfo("weeks")}, ledger, (),
                   Source("f.xlsx", "xlsx", None, 0, (1,), "wide"), ("label_1",))
    picks = _FirstOption()
    assert ui.dimension_filters(data, "Median wait (weeks)", picks, "k") == {}
    assert picks.options["Label 1"] == ["All", "2007/08", "2008/09"]
    split = pd.concat([frame.assign(label_1="A"), frame.assign(label_1="B")])  # two rows a period: no "All"
    picks = _FirstOption()
    assert ui.dimension_filters(Dataset(split, "timeseries", "M", data.measures, ledger, (), data.source,
                                        ("label_1",)), "Median wait (weeks)", picks, "k") == {"label_1": "A"}
