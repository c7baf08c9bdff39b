"""Typed notes: caveats are chosen by the type the raising module gives them, never by their wording."""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import analytics
from analytics import analysis, commentary, notes, report, spc
from analytics.notes import Note, caveat


def _weekly(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range("2024-04-01", periods=len(values),
                                                                          freq="W-MON"))


def _csv(values) -> analytics.Dataset:
    rows = "\n".join(f"{d:%d/%m/%Y},{v}" for d, v in _weekly(values).items())
    return analytics.load(f"Week commencing,Calls answered\n{rows}\n".encode(), filename="calls.csv")


def test_a_note_is_its_text_with_a_code_and_a_kind():
    n = caveat("Short series: only 4 values.", "short_series")
    assert n == "Short series: only 4 values." and n.startswith("Short") and f"{n}" == n.text
    assert (n.code, n.caveat) == ("short_series", True)
    assert notes.is_caveat(n) and not notes.is_caveat(str(n)) and not notes.is_caveat(Note("x", "no_values"))
    assert notes.code_of("plain") is None
    again = pickle.loads(pickle.dumps(n))  # st.cache_data pickles results
    assert (again, again.code, again.caveat) == (n, "short_series", True)
    assert copy.deepcopy(n).caveat
    with pytest.raises(AttributeError):
        n.caveat = False


def test_short_series_raises_typed_caveats_where_they_are_found():
    a = analysis.analyse_series(_weekly([40, 42, 45, 41, np.nan, 44, 47, 43]), name="Calls", frequency="W")
    codes = {notes.code_of(w) for w in a.warnings if notes.is_caveat(w)}
    assert {"short_series", "missing_values", "trial_limits"} <= codes


def test_a_reworded_caveat_still_reaches_the_commentary_and_the_pack():
    a = analysis.analyse_series(_weekly([40, 42, 45, 41, 39, 44, 47, 43]), name="Calls", frequency="W")
    reworded = tuple(Note(f"Reworded {i}: anything at all", notes.code_of(w) or "no_values", caveat=True)
                     if notes.is_caveat(w) else w for i, w in enumerate(a.warnings))
    a = replace(a, warnings=reworded)
    said = [s.text for s in commentary.describe_series(a) if s.topic == "caveat"]
    expected = [w for w in reworded if notes.is_caveat(w)]
    assert expected and said == [f"Calls: caveat: {w[:1].lower()}{w[1:]}" for w in expected]
    section = report.build_pack({"calls.csv": _csv([40, 42, 45, 41, 39, 44, 47, 43])},
                                analysed=[report.Analysed("calls.csv", a, None)]).sections[0]
    assert not any(n.startswith("Reworded") for n in section.notes)  # a caveat is said once, as a sentence
    assert any(s.startswith("Caveat: reworded") for s in section.sentences)


def test_trial_limits_reach_the_kpi_summary_and_the_pack():
    data = _csv([40, 42, 45, 41, 39, 44, 47, 43, 46, 44])  # 10 points: fewer than spc.TRIAL_LIMITS_BELOW
    pack = report.build_pack({"calls.csv": data})
    assert any("trial limits" in s for s in pack.sections[0].sentences)
    assert pack.kpi["spc limits"].tolist() == [analysis.TRIAL_LIMITS_WORDS]
    shown = analysis.kpi_display(analysis.kpi_summary(analysis.analyse_dataset(data)))
    assert shown["variation"].str.contains(analysis.TRIAL_LIMITS_WORDS, regex=False).all()
    assert str(spc.TRIAL_LIMITS_BELOW) in analysis.TRIAL_LIMITS_WORDS


def test_period_on_period_across_a_gap_is_said_from_the_note_code():
    a = analysis.analyse_series(_weekly([40, 42, 45, 41, 39, 44, 47, np.nan, 43]), name="Calls", frequency="W")
    assert any(notes.code_of(w) == "previous_period_missing" for w in a.period_change.warnings)
    sentence = next(s for s in commentary.describe_series(a) if s.topic == "period_change")
    assert "(the week before has no value)" in sentence.text
