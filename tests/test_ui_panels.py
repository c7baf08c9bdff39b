"""ui.panels without a browser: a panel shows the one analysis' result until the user asks for another, and says
why a layer switched on is not drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd

import ui
from analytics import analysis


def weekly_series(n: int = 30) -> pd.Series:
    rng = np.random.default_rng(3)
    return pd.Series(np.round(100 + rng.normal(0, 5, n)), index=pd.date_range("2024-04-01", periods=n, freq="7D"))


def test_a_panel_shows_the_stored_analysis_until_a_setting_changes():
    series = weekly_series()
    stored = analysis.analyse_series(series, name="Calls", frequency="W")
    assert ui.series_result(stored, series, "Calls", stored.settings) is stored  # read, not recomputed
    wider = ui.series_result(stored, series, "Calls", stored.with_settings(window=stored.window + 2))
    assert wider is not stored and wider.window == stored.window + 2
    assert {k: v for k, v in wider.settings.items() if k != "window"} == \
        {k: v for k, v in stored.settings.items() if k != "window"}  # only what the user changed differs
    shorter = ui.series_result(stored, series.iloc[4:], "Calls", stored.settings)
    assert shorter is not stored and shorter.series.index[0] == series.index[4]


def test_a_layer_switched_on_that_the_analysis_could_not_make_is_named_with_its_reason():
    result = analysis.analyse_series(weekly_series(20), name="Calls", frequency="W")
    view = ui.ChartView(seasonal=True, forecast=True, last_year=True)
    missing = ui.not_drawn(view, result)
    assert missing == ["Forecast", "Seasonal adj.", "Last year"]
    reasons = " ".join(ui.why_not_drawn(missing, result))
    assert "two full years" in reasons and "no values a year before" in reasons
