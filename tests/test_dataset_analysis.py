"""One analysis per dataset: what the dataset is is decided once, and the CLI, the pack and the pages say the same."""

from __future__ import annotations

import contextlib
import io

import pytest
from streamlit.testing.v1 import AppTest

import analytics
import ui
from analytics import dataset_analysis, report, topics
from analytics.__main__ import main
from analytics.errors import AnalysisError
from tests.conftest import SAMPLES
from tests.test_pages import APP, TIMEOUT, said

KINDS = {"dols_weekly.csv": "time_series", "contacts_records.csv": "time_series",
         "finance_scorecard.xlsx": "finance_scorecard", "benchmarking_south_east.xlsx": "benchmark"}


@pytest.fixture(scope="module")
def loaded() -> dict[str, analytics.Dataset]:
    return {name: analytics.load(SAMPLES / name) for name in KINDS}


def _summary(path) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["summary", str(path)]) == 0
    return out.getvalue().splitlines()


def test_what_a_dataset_is_is_decided_once(loaded):
    for name, data in loaded.items():
        result = dataset_analysis.analyse(data)
        assert result.kind == KINDS[name] == dataset_analysis.kind_of(data), name
        assert topics.is_time_series(data) == (result.kind == "time_series") == bool(result.series), name
        assert topics.is_benchmark_table(data) == (result.kind == "benchmark"), name
        assert topics.is_finance_table(data) == (result.scorecard is not None), name


def test_the_cli_and_the_pack_give_the_same_sentences(loaded):
    data = loaded["dols_weekly.csv"]
    lines = _summary(SAMPLES / "dols_weekly.csv")
    pack = report.build_pack({"dols_weekly.csv": data})
    assert pack.sections
    for section, analysed in zip(pack.sections, report.analyse_all({"dols_weekly.csv": data}), strict=False):
        name = analysed.result.name
        cli = [line[len(name) + 2:] for line in lines if line.startswith(f"{name}: ")]
        assert [s[:1].lower() + s[1:] for s in section.sentences] == [c[:1].lower() + c[1:] for c in cli], name


def test_the_cli_and_the_pack_benchmark_the_same_council(loaded):
    data = loaded["benchmarking_south_east.xlsx"]
    lines = _summary(SAMPLES / "benchmarking_south_east.xlsx")
    section = report.build_pack({"b.xlsx": data}).benchmark
    assert section is not None and section.title in lines
    assert all(s in lines for s in section.sentences)


def test_the_cli_and_the_pack_state_the_same_finance_words(loaded):
    data = loaded["finance_scorecard.xlsx"]
    lines = _summary(SAMPLES / "finance_scorecard.xlsx")
    pack = report.build_pack({"f.xlsx": data})
    assert pack.finance_sentences[1:] == tuple(lines)  # the pack leads with the headline


def test_report_analyses_the_file_once(tmp_path, monkeypatch):
    calls = []
    real = dataset_analysis.analyse
    monkeypatch.setattr(dataset_analysis, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    real_series = dataset_analysis.analysis.analyse_dataset
    series_calls = []
    monkeypatch.setattr(dataset_analysis.analysis, "analyse_dataset",
                        lambda *a, **k: series_calls.append(1) or real_series(*a, **k))
    out = tmp_path / "pack.docx"
    assert main(["report", str(SAMPLES / "dols_weekly.csv"), "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000
    assert len(calls) == 1 and len(series_calls) == 1


def test_an_unknown_measure_or_council_is_refused(loaded):
    with pytest.raises(AnalysisError, match="There is no measure 'Nope'"):
        dataset_analysis.analyse(loaded["dols_weekly.csv"], measure="Nope")
    with pytest.raises(AnalysisError, match="not an English council"):
        dataset_analysis.analyse(loaded["benchmarking_south_east.xlsx"], council="Atlantis")
    group = dataset_analysis.analyse(loaded["benchmarking_south_east.xlsx"], council="Atlantis", strict_council=False)
    assert group.council is None and group.benchmarks


@pytest.mark.parametrize("filename", ["dols_weekly.csv", "kpi_targets.xlsx", "assessments_placements_weekly.xlsx"])
def test_the_explore_page_says_what_the_cli_says(filename):
    """kpi_targets.xlsx has a target column and assessments_placements_weekly.xlsx a baseline in its title: the
    page took neither until the user set them, so it said less than the CLI and the pack."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    path = SAMPLES / filename
    at.session_state[ui.REGISTRY_KEY] = {path.name: ui.Upload(path.name, path.read_bytes())}
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception, [e.value for e in at.exception]
    measure = at.selectbox(key=f"explore:measure:{filename}").value
    page = said(at)
    cli = [line[len(measure) + 2:] for line in _summary(path) if line.startswith(f"{measure}: ")]
    assert cli
    for sentence in cli:
        assert sentence[:1].upper() + sentence[1:] in page, sentence


def test_a_council_level_time_series_says_its_totals_in_the_cli_as_the_pack_does():
    """A long table of councils by year is benchmarked, and its totals' series are in the pack: the CLI gave the
    benchmark sentences only, and the pack left its benchmark out when the first item could not be compared."""
    path = SAMPLES.parent / "tests" / "corpus_real" / "nhsd_pss_ex1_2015_16_deferred_payment_agreements_long.csv"
    data = analytics.load(path)
    assert dataset_analysis.kind_of(data) == "benchmark" and dataset_analysis.is_time_series(data)
    lines = _summary(path)
    pack = report.build_pack({path.name: data})
    assert pack.sections and pack.benchmark is not None
    assert pack.benchmark.title in lines and all(s in lines for s in pack.benchmark.sentences)
    for section in pack.sections:
        assert f"{section.title}: {section.sentences[0][:1].lower()}{section.sentences[0][1:]}" in lines


def test_a_view_reads_the_stored_series_only_when_it_asks_for_what_the_analysis_holds(loaded):
    """holds(): the same values over the same periods with the same settings; anything else is a new analysis."""
    data = loaded["dols_weekly.csv"]
    result = dataset_analysis.analyse(data)
    measure = next(iter(data.measures))
    stored = dataset_analysis.series_named(result.series, dataset_analysis.series_name(data, measure))
    assert stored is not None and stored.name == measure
    series = analytics.analysis.measure_series(data, measure)[0]
    assert dataset_analysis.holds(stored, series, stored.settings)
    assert not dataset_analysis.holds(stored, series, stored.with_settings(window=stored.window + 1))
    assert not dataset_analysis.holds(stored, series.iloc[1:], stored.settings)  # a shorter range
    changed = series.copy()
    changed.iloc[-1] += 1
    assert not dataset_analysis.holds(stored, changed, stored.settings)
    assert not dataset_analysis.holds(None, series, stored.settings)
    again = analytics.analysis.analyse_series(series, name=measure, **stored.settings)
    assert commentary_texts(again) == commentary_texts(stored)  # the settings reproduce the analysis


def commentary_texts(a) -> list[str]:
    from analytics.commentary import describe_series

    return [s.text for s in describe_series(a)]


def test_series_names_are_the_names_the_analysis_gives_its_splits():
    data = analytics.load(SAMPLES / "placements_monthly.xlsx")
    result = dataset_analysis.analyse(data)
    measure = next(iter(data.measures))
    dimension = data.dimensions[0]
    value = sorted(data.frame.loc[data.frame["measure"] == measure, dimension].dropna().unique())[0]
    name = dataset_analysis.series_name(data, measure, {dimension: value})
    assert name == f"{measure} ({value})" and dataset_analysis.series_named(result.series, name) is not None
    assert dataset_analysis.series_name(data, measure, {}) == measure
    assert dataset_analysis.series_named(result.series, "No such series") is None


@pytest.mark.parametrize("filename", ["placements_monthly.xlsx", "contacts_records.csv", "kpi_targets.xlsx"])
def test_one_measure_s_analysis_is_the_whole_file_s_for_that_measure(filename):
    """What a trend panel reads (analyse(data, measure=m), so one chart does not wait for every measure) says what
    the whole file's analysis says of that measure and of its splits."""
    from analytics.commentary import describe_series

    data = analytics.load(SAMPLES / filename)
    whole = dataset_analysis.analyse(data)
    for measure in data.measures:
        for a in dataset_analysis.analyse(data, measure=measure).series:
            b = dataset_analysis.series_named(whole.series, a.name)
            assert b is not None and [s.text for s in describe_series(a)] == [s.text for s in describe_series(b)]
            assert a.settings == b.settings
