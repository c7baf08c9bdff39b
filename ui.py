"""Shared Streamlit helpers for app.py and the pages: the dataset registry and cached loading.

Lives outside pages/ so Streamlit does not make it a page. Holds no analysis: it calls `analytics`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import streamlit as st

import analytics
from analytics import analysis, benchmark, charts, commentary, dataset_analysis, derive, report, topics
from analytics.analysis import DEFAULT_WINDOWS
from analytics.dataset import Dataset
from analytics.dataset_analysis import DatasetAnalysis
from analytics.errors import AnalysisError, AnalyticsError
from analytics.ingest import Options
from analytics.ingest.records import split_candidates
from analytics.ingest.sandbox import ReaderCrash, crash_code
from analytics.notes import is_caveat
from analytics.periods import format_period
from analytics.seasonal import CYCLE_LENGTH, weekly_totals
from analytics.seasonal import min_points as seasonal_points
from analytics.spc import MIN_BASELINE_POINTS
from analytics.topics import Topic
from analytics.vocabulary import SUMMED_UNITS, by_frequency

LOG = logging.getLogger("asc.ui")

SAMPLE_DIR = Path(__file__).parent / "sample_data"
SAMPLE_SUFFIXES = (".xlsx", ".csv")
REGISTRY_KEY = "datasets"
HISTORY_KEY = "reading_history"  # file name -> the reading options it had before each override, latest last
GENERATION_KEY = "reading_generation"  # part of every override widget's key: a new value restarts the widgets
FORECAST_HORIZONS = by_frequency("forecast_horizon")  # about a quarter or two ahead
MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$]")
# GFM turns bare URLs and e-mail addresses into links after escapes are resolved, so backslashes cannot stop
# it: a zero-width space after the scheme, 'www' or '@' does (the text looks the same).
AUTOLINK_START = re.compile(r"(?i)(?:https?|ftp|www|mailto)(?=[:.\\])|@")
ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class Upload:
    """One file in this browser session: its bytes (memory only) and the reading options chosen."""

    name: str
    data: bytes
    options: Options = Options()
    uploaded: bool = True  # False for the samples, which stay when the uploader is emptied
    digest: str = field(default="", compare=False)  # sha256 of the bytes, computed once (the cache key)

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())


CACHE_BYTES = 1024**3  # every session's parsed files and refusals together


@dataclass(frozen=True)
class Refusal:
    """A file that could not be read, cached like a success so it is not parsed again on every rerun."""

    message: str


def size_in_memory(value: object) -> int:
    """Bytes a cached value holds: a Dataset's frames measured deeply, anything else by its pickle."""
    import pickle

    if isinstance(value, Dataset):
        frames = [value.frame, value.ledger.excluded, value.records]
        return int(sum(f.memory_usage(deep=True).sum() for f in frames if isinstance(f, pd.DataFrame))) + 4096
    if isinstance(value, Refusal):
        return len(value.message) + 256
    if isinstance(value, DatasetAnalysis):  # its Dataset is the read cache's own entry: not counted (or pickled) twice
        value = replace(value, data=None)
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - an unpicklable value is still held: count it as large
        return 64 * 1024**2


@dataclass
class _Entry:
    value: object
    size: int
    sessions: set[str]


class ReadCache:
    """Parsed files shared by every session, bounded by the bytes they hold, not by their number.

    Keys are (sha256 of the bytes, (name, options, kind)). The least recently used entries go first when
    the total passes ``limit``; an entry larger than the limit is returned but not kept. Each entry knows
    the sessions that asked for it, so "Remove all data" releases this session's entries (those no other
    session uses). Two sessions asking for the same entry at once parse it once: the second waits.
    """

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.limit = limit
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(e.size for e in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: str, detail: tuple, session: str, compute: Callable[[], object]) -> object:
        key = (digest, detail)
        with self._lock:
            if (entry := self._hit(key, session)) is not None:
                return entry.value
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if (entry := self._hit(key, session)) is not None:
                    return entry.value
            value = compute()
            with self._lock:
                self._building.pop(key, None)
                self._store(key, _Entry(value, size_in_memory(value), {session}))
            return value

    def _hit(self, key: tuple, session: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            entry.sessions.add(session)
        return entry

    def _store(self, key: tuple, entry: _Entry) -> None:
        if entry.size > self.limit:
            return
        self._entries[key] = entry
        total = sum(e.size for e in self._entries.values())
        while total > self.limit:
            _, oldest = self._entries.popitem(last=False)
            total -= oldest.size

    def release(self, session: str) -> None:
        """Drop the session from every entry; entries no session uses any more are freed."""
        with self._lock:
            for key, entry in list(self._entries.items()):
                entry.sessions.discard(session)
                if not entry.sessions:
                    del self._entries[key]


WAITING_MESSAGE = "Waiting for another file to finish reading (one file per processor core at a time)..."


@st.cache_resource
def read_cache() -> ReadCache:
    """Parsed files and refusals, shared by every session of this server, bounded by bytes (ui_cache)."""
    return ReadCache()


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def fault_message(code: str) -> str:
    return (f"This file could not be read because of a fault in this tool (code {code}); nothing from the "
            "file was kept or logged. Other files are not affected: please report the code.")


def _cached(upload: Upload, options: Options, kind: str, compute: Callable[[], object]) -> object:
    """``compute()`` once per (bytes, name, options, kind) for the whole server; refusals are cached as
    well (a file refused after 30 s is not read again on every rerun), and so is a fault, after logging
    only its code and the file's hash (never the file's text)."""
    def guarded() -> object:
        try:
            return compute()
        except AnalyticsError as exc:
            return Refusal(exc.user_message)
        except Exception as exc:  # noqa: BLE001 - one bad file must never take a page or another file down
            code = exc.code if isinstance(exc, ReaderCrash) else crash_code(exc)
            LOG.warning("%s failed for file sha256:%s: %s", kind, upload.digest[:16], code)
            return Refusal(fault_message(code))

    value = read_cache().get(upload.digest, (upload.name, options, kind), _session_id(), guarded)
    if isinstance(value, Refusal):
        raise analytics.IngestError(value.message)
    return value


def read(upload: Upload, options: Options | None = None) -> Dataset:
    """The upload parsed with ``options`` (its own by default), cached; IngestError when it cannot be read.

    While another file is being read on every core, the user sees that this one is waiting."""
    options = upload.options if options is None else options
    notices = []

    def waiting() -> None:
        notices.append(st.empty())
        notices[-1].info(WAITING_MESSAGE, icon=":material/hourglass_top:")

    def parse() -> Dataset:
        return analytics.load(upload.data, filename=upload.name, options=options, on_wait=waiting)

    try:
        return _cached(upload, options, "read", parse)
    finally:
        for notice in notices:
            notice.empty()


def load_cached(data: bytes, filename: str, options: Options) -> Dataset:
    """Parse once per (file content, name, options), for callers that hold bytes rather than an Upload."""
    return read(Upload(name=filename, data=data, options=options))


def registry() -> dict[str, Upload]:
    if REGISTRY_KEY not in st.session_state:
        st.session_state[REGISTRY_KEY] = {}
    return st.session_state[REGISTRY_KEY]


def add_upload(name: str, data: bytes, *, uploaded: bool = True) -> None:
    registry()[name] = Upload(name=name, data=data, uploaded=uploaded)


def add_new(files) -> None:
    """New or changed files from the uploader into the registry."""
    for file in files or []:
        held = registry().get(file.name)
        if held is None or held.data != file.getvalue():
            add_upload(file.name, file.getvalue())


def forget_removed(files) -> None:
    """The uploader's change callback: files the user removed with their x leave the registry too.

    Only on a change the user made: a page switch during an upload can briefly show the uploader empty, and
    that must not drop data (the ten-session browser test caught it)."""
    current = {file.name for file in files or []}
    for name, upload in list(registry().items()):
        if upload.uploaded and name not in current:
            del registry()[name]
            history(name).clear()
            restart_overrides()


def clear() -> None:
    """Forget every file of this session, its overrides, and release its cached reads (the uploader is reset by
    the caller). Entries another session still uses stay for that session."""
    registry().clear()
    read_cache().release(_session_id())
    st.session_state[HISTORY_KEY] = {}
    restart_overrides()


def set_options(name: str, options: Options) -> None:
    registry()[name] = replace(registry()[name], options=options)


def history(name: str) -> list[Options]:
    return st.session_state.setdefault(HISTORY_KEY, {}).setdefault(name, [])


def generation() -> int:
    return st.session_state.get(GENERATION_KEY, 0)


def restart_overrides() -> None:
    """Give the Data page's override widgets new keys, so they start again from the options in force (a
    choice the reader refused, or a file removed and uploaded again, never sticks in a widget)."""
    st.session_state[GENERATION_KEY] = generation() + 1


def try_options(name: str, options: Options) -> str | None:
    """Keep new reading options only if the file can be read with them; return the reader's reason if not.

    An override that fails leaves the previous reading in place, and each one kept can be undone. The widgets
    restart before the trial read, so even a reader bug cannot lock the Data page on a bad choice."""
    upload = registry()[name]
    restart_overrides()
    try:
        load_cached(upload.data, upload.name, options)
    except analytics.IngestError as exc:
        return exc.user_message
    history(name).append(upload.options)
    set_options(name, options)
    return None


def undo_options(name: str) -> None:
    """Back to the reading options before the last override that was kept."""
    if history(name):
        set_options(name, history(name).pop())
    restart_overrides()


def reset_options(name: str) -> None:
    """Back to the detected reading (undoable like any other override)."""
    if registry()[name].options != Options():
        history(name).append(registry()[name].options)
        set_options(name, Options())
    restart_overrides()


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix in SAMPLE_SUFFIXES)


def load_samples() -> None:
    for path in sample_files():
        add_upload(path.name, path.read_bytes(), uploaded=False)


def dataset(name: str) -> Dataset | None:
    """The parsed dataset, or None after showing the loader's message (never a traceback)."""
    upload = registry()[name]
    try:
        return read(upload)
    except analytics.IngestError as exc:
        st.error(markdown_text(f"{upload.name}: {exc.user_message}"))
        return None


def pick_dataset(label: str = "Dataset", key: str = "dataset") -> str | None:
    names = list(registry())
    if not names:
        st.info("No data loaded yet: upload a file in the sidebar or click **Load sample data**.")
        return None
    return st.selectbox(label, names, key=key)


def loaded() -> dict[str, Dataset]:
    """Every dataset in the session that could be read (the others show their message where opened)."""
    out = {}
    for name, upload in registry().items():
        try:
            out[name] = read(upload)
        except analytics.IngestError:
            continue
    return out


def needs(topic: Topic) -> None:
    """Say what the page needs, offer the matching sample, and stop the page."""
    st.info(f"This page needs {topic.needs}. None of the loaded files has that shape yet: upload one, "
            f"or load the sample extract **{topic.sample}** to see how the page works.", icon=":material/info:")
    if st.button(f"Load sample: {topic.sample}", key=f"sample:{topic.key}"):
        path = SAMPLE_DIR / topic.sample
        add_upload(path.name, path.read_bytes(), uploaded=False)
        st.rerun()
    st.stop()


def pick_topic_dataset(topic: Topic) -> tuple[str, Dataset]:
    """The dataset picker of a topic page, limited to datasets of the right shape (or `needs`)."""
    datasets = loaded()
    names = topics.datasets_for(datasets, topic)
    if not names:
        needs(topic)
    name = st.selectbox("Dataset", names, key=f"dataset:{topic.key}")
    return name, datasets[name]


def markdown_text(text: str) -> str:
    """Escape Markdown so a label from a file is shown as typed, never as a link, image or formatting."""
    return AUTOLINK_START.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, MARKDOWN_SPECIAL.sub(r"\\\g<0>", text))


def text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell escaped, for ``st.table``, which renders Markdown. The index and headers
    are the caller's own words (escape them with `markdown_text` if they come from a file)."""
    return frame.map(lambda value: markdown_text(value) if isinstance(value, str) else value)


def sentences(items) -> None:
    """Commentary as a bulleted list; every sentence escaped (labels in it come from the file). Beside one
    series' chart the repeated "Measure: " lead-in is dropped (the chart title names it)."""
    items = list(items)
    subjects = {s.subject for s in items}
    single = len(subjects) == 1 and all(s.text.startswith(f"{s.subject}: ") for s in items)
    texts = [commentary.without_subject(s) if single else s.text for s in items]
    st.markdown("\n".join(f"- {markdown_text(t)}" for t in texts) or "No commentary.")


def dimension_filters(data: Dataset, measure: str, container, key: str) -> dict[str, str]:
    """One select per dimension ("All" sums it, where the unit allows adding up)."""
    info = data.measures[measure]
    rows = data.frame[data.frame["measure"] == measure]
    chosen = {}
    for dim in data.dimensions:
        values = sorted(v for v in rows[dim].dropna().unique() if v)
        if len(values) < 2:
            continue
        options = (["All"] if info.unit in SUMMED_UNITS else []) + values
        pick = container.selectbox(dim.replace("_", " ").capitalize(), options, key=f"{key}:{dim}")
        if pick != "All":
            chosen[dim] = pick
    return chosen


def measure_series(data: Dataset, measure: str, filters: dict[str, str]) -> pd.Series | None:
    """The series to model (as the KPI summary and the pack see it), or None after showing why there is none."""
    try:
        series, notes = analysis.measure_series(data, measure, **filters)
    except analytics.AnalysisError as exc:
        st.error(markdown_text(exc.user_message))
        return None
    for note in notes:
        st.caption(markdown_text(note))
    if series.notna().sum() < 2:
        st.info(markdown_text(f"'{measure}' has fewer than two values here: nothing to chart."))
        return None
    return series


def period_range(series: pd.Series, frequency: str, key: str) -> pd.Series:
    """A from/to slider over the periods, in UK period words."""
    periods = list(series.index)
    if len(periods) < 3:
        return series
    start, end = st.select_slider("Periods", options=periods, value=(periods[0], periods[-1]), key=key,
                                  format_func=lambda p: format_period(p, frequency))
    return series.loc[start:end]


@dataclass(frozen=True)
class ChartView:
    """The chart and model choices on a trend page (small user choices, not results)."""

    moving_average: bool = True
    window: int = 6
    trend: bool = True
    spc: bool = False
    forecast: bool = False
    horizon: int = 0
    seasonal: bool = False
    last_year: bool = False
    target: float | None = None
    rebase_at: tuple[int, ...] = ()
    baseline_points: int | None = None
    baseline: tuple[pd.Timestamp, pd.Timestamp] | None = None

    def analysis_options(self) -> dict:
        return {"window": self.window, "target": self.target, "rebase_at": self.rebase_at,
                "baseline_points": self.baseline_points, "baseline": self.baseline,
                "horizon": self.horizon if self.forecast else 0}

    def chart_layers(self, result) -> dict:
        return {"moving_average": result.moving_average if self.moving_average else None,
                "window": self.window if self.moving_average else None,
                "trend": result.trend if self.trend else None,
                "spc": result.spc if self.spc else None,
                "forecast": result.forecast if self.forecast else None,
                "seasonal": result.seasonal if self.seasonal else None,
                "last_year": self.last_year,
                "target": self.target}


def chart_controls(frequency: str, series: pd.Series, key: str, *, spc: bool = False,
                   rebase_default: tuple[pd.Timestamp, ...] = (), target: float | None = None) -> ChartView:
    """Toggles for each layer and the model settings; defaults as officers expect (6 weeks, 3 months...) and
    as the file gives them (its ``target``), so the page says what the KPI summary, CLI and pack say.
    ``rebase_default``: periods the SPC rebase starts at until the user changes it (a step change found)."""
    periods = list(series.index)
    span = f"{periods[0]:%Y%m%d}-{len(periods)}"  # period pickers restart when the periods on offer change
    toggles = st.columns(6)
    show = {name: toggles[i].toggle(label, value=default, key=f"{key}:{name}") for i, (name, label, default) in
            enumerate([("moving_average", "Moving average", True), ("trend", "Trend line", True),
                       ("spc", "SPC limits", spc), ("forecast", "Forecast", False),
                       ("seasonal", "Seasonal adj.", False), ("last_year", "Last year", False)])}
    with st.expander("Settings: window, target, forecast horizon, SPC rebase and baseline"):
        cols = st.columns(4)
        window = cols[0].number_input("Moving average window (periods)", 2, 52,
                                      DEFAULT_WINDOWS.get(frequency, 3), key=f"{key}:window")
        target = cols[1].number_input("Target (optional)", value=target, key=f"{key}:target",
                                      placeholder="none")
        horizon = cols[2].number_input("Forecast horizon (periods)", 1, 104,
                                       FORECAST_HORIZONS.get(frequency, 6), key=f"{key}:horizon")
        fixed = cols[3].number_input(f"SPC baseline: first n points ({MIN_BASELINE_POINTS} or more)", value=None,
                                     min_value=MIN_BASELINE_POINTS,
                                     key=f"{key}:baseline_points", placeholder="all points")
        suggested = [p for p in rebase_default if p in periods[1:]]
        rebase = st.multiselect("Rebase SPC limits at (a known change: new service model, new definition)",
                                periods[1:], default=suggested, key=f"{key}:rebase:{span}",
                                format_func=lambda p: format_period(p, frequency),
                                help="Preselected at the step change the analysis found; change or clear it."
                                if suggested else None)
        use_baseline = st.toggle("Compare the moving average with a baseline period", key=f"{key}:use_baseline")
        baseline = None
        if use_baseline and len(periods) >= 3:
            baseline = st.select_slider("Baseline period", options=periods, key=f"{key}:baseline:{span}",
                                        value=(periods[0], periods[min(len(periods) - 1, int(window) * 2 - 1)]),
                                        format_func=lambda p: format_period(p, frequency))
    return ChartView(window=int(window), target=target, horizon=int(horizon),
                     rebase_at=tuple(periods.index(p) for p in rebase),
                     baseline_points=int(fixed) if fixed else None, baseline=baseline, **show)


@st.cache_data(max_entries=256, show_spinner="Fitting the models...")
def analyse(series: pd.Series, **options):
    """Models for one series, cached on its values and every option (forecasts are the slow part)."""
    return analysis.analyse_series(series, **options)


def suggested_rebase(series: pd.Series, *, name: str, frequency: str, unit: str) -> tuple[pd.Timestamp, ...]:
    """The step changes the analysis of the series finds (``suggested_rebase``); none when it cannot be analysed
    (the panel then says why)."""
    try:
        return analyse(series, name=name, frequency=frequency, unit=unit).suggested_rebase
    except analytics.AnalysisError:
        return ()


@st.cache_data(max_entries=256, show_spinner=False)
def trend_spec(series: pd.Series, *, name: str, frequency: str, unit: str, polarity: str, view: ChartView,
               axis_title: str | None = None) -> dict:
    """The trend chart's Vega-Lite spec, cached: on a page of several charts, a click redraws only its own."""
    result = analyse(series, name=name, frequency=frequency, unit=unit, polarity=polarity, **view.analysis_options())
    chart = charts.trend_chart(series, title=commentary.headline(result), unit=axis_title or unit, frequency=frequency,
                               **view.chart_layers(result))
    return chart.to_dict(validate=False)


def trend_panel(data: Dataset, measure: str, key: str, *, series: pd.Series | None = None, unit: str | None = None,
                polarity: str | None = None, spc: bool = False, filters: dict[str, str] | None = None,
                frequency: str | None = None, axis_title: str | None = None, suggest_rebase: bool = False) -> None:
    """Controls, chart, commentary and warnings for one series: the building block of every topic page.
    ``axis_title`` names the y-axis when the unit's own title would mislead (contacts per 100 calls);
    ``suggest_rebase`` preselects the SPC rebase at the step changes the analysis finds."""
    frequency = frequency or data.frequency
    info = data.measures.get(measure)
    unit = unit or (info.unit if info else "count")
    polarity = polarity or (info.polarity if info else "neutral")
    if series is None:
        series = measure_series(data, measure, filters or {})
        if series is None:
            return
    suggested = suggested_rebase(series, name=measure, frequency=frequency, unit=unit) if suggest_rebase else ()
    view = chart_controls(frequency, series, key=key, spc=spc, rebase_default=suggested,
                          target=analysis.file_target(data, measure))
    try:
        result = analyse(series, name=measure, frequency=frequency, unit=unit, polarity=polarity,
                         **view.analysis_options())
        said = commentary.describe_series(result)
        spec = trend_spec(series, name=measure, frequency=frequency, unit=unit, polarity=polarity, view=view,
                          axis_title=axis_title)
    except analytics.AnalysisError as exc:
        st.error(markdown_text(exc.user_message))
        return
    except Exception as exc:  # noqa: BLE001 - one series' fault must not take the page down
        code = crash_code(exc)
        LOG.warning("chart failed: %s", code)  # the measure's name comes from the file: not logged
        st.error(f"This chart could not be drawn because of a fault in this tool (code {markdown_text(code)}); "
                 "the rest of the page is not affected: please report the code.")
        return
    left, right = st.columns([3, 2])
    draw_spec(spec, container=left, alt=" ".join(s.text for s in said))  # the commentary is the text alternative
    with right:
        sentences(said)
    missing = not_drawn(view, result)
    if missing:  # in full view: the reason a toggle shows nothing must not hide in the notes expander
        st.info(markdown_text(f"{' and '.join(missing)}: not drawn for this series. "
                              f"{' '.join(why_not_drawn(missing, result))}".strip()), icon=":material/info:")
    with st.expander("Statistics and data-quality notes"):
        st.dataframe(analysis.statistics_table(result), hide_index=True, width="stretch")
        for warning in result.warnings:
            st.warning(markdown_text(warning))


LAYER_LABELS = {"trend": "Trend line", "spc": "SPC limits", "forecast": "Forecast", "seasonal": "Seasonal adj."}


def not_drawn(view: ChartView, result) -> list[str]:
    """The layers switched on that the analysis could not make (too few points, no year before...)."""
    missing = [label for layer, label in LAYER_LABELS.items()
               if getattr(view, layer) and getattr(result, layer) is None]
    if view.last_year and charts.same_period_last_year(result.series, result.frequency).notna().sum() == 0:
        missing.append("Last year")
    return missing


def why_not_drawn(missing: list[str], result) -> list[str]:
    """The analysis' own reasons (its non-caveat warnings), and the ones it leaves unsaid."""
    reasons = [w for w in result.warnings if not is_caveat(w)]
    n = int(result.series.notna().sum())
    if "Seasonal adj." in missing and result.frequency not in CYCLE_LENGTH:
        reasons.append("Seasonal adjustment needs daily, weekly, monthly or quarterly data.")
    elif "Seasonal adj." in missing and n < seasonal_points(result.frequency):
        reasons.append(f"Seasonal adjustment needs two full years ({seasonal_points(result.frequency)} values); "
                       f"this series has {n}.")
    if "Last year" in missing:
        reasons.append("Last year: there are no values a year before these periods.")
    return list(dict.fromkeys(reasons))


def record_split(name: str, data: Dataset, key: str) -> None:
    """Record counts per period split by a column the user picks, as a stacked % chart."""
    candidates = split_candidates(data.records)
    if not candidates:
        st.caption("No column with a few categories (source, outcome...) to split by.")
        return
    column = st.selectbox("Split by", candidates, key=key)
    upload = registry()[name]
    try:
        split = read(upload, replace(upload.options, split_by=column, record_frequency=data.frequency))
    except analytics.IngestError as exc:
        st.error(markdown_text(exc.user_message))
        return
    dim = split.dimensions[0]
    frame = split.frame[split.frame["flag"] == ""]
    try:
        shares = derive.mix_of(frame, period_col="period", category_col=dim, value_col="value")
    except AnalysisError as exc:
        st.caption(markdown_text(exc.user_message))
        return
    draw(charts.stacked_percent_chart(shares, title=f"{next(iter(split.measures))} by {column.lower()}"))


def other_sheets(name: str, data: Dataset):
    """(sheet, Dataset) for every other sheet of the workbook that can be read with the same options."""
    upload = registry()[name]
    for sheet in data.source.sheets:
        if sheet == data.source.sheet:
            continue
        try:
            yield sheet, read(upload, replace(upload.options, sheet=sheet, table=None))
        except analytics.IngestError:
            continue


def other_sheet_measures(name: str, data: Dataset, keys: tuple[str, ...], key: str) -> None:
    """Trends of matching measures found on the workbook's other sheets (people in care, weekly cost)."""
    for sheet, other in other_sheets(name, data):
        for measure in topics.measures_with_key(other, *keys) if topics.is_time_series(other) else []:
            st.subheader(markdown_text(f"{measure} (sheet '{sheet}')"))
            trend_panel(other, measure, f"{key}:{sheet}:{measure}", spc=True)


def expected_from_baseline(data: Dataset, measure_actual: str, measure_activity: str, key: str) -> None:
    """Pick a baseline window and a comparison window; show actual against expected at the baseline rate."""
    actual, activity = (analysis.measure_series(data, m)[0] for m in (measure_actual, measure_activity))
    periods = list(actual.index.intersection(activity.index))
    if len(periods) < 4:
        st.caption("Too few periods with both measures for a baseline comparison.")
        return
    half = len(periods) // 2
    cols = st.columns(2)
    words = {"format_func": lambda p: format_period(p, data.frequency)}
    baseline = cols[0].select_slider("Baseline periods", periods, value=(periods[0], periods[half - 1]),
                                     key=f"{key}:baseline", **words)
    current = cols[1].select_slider("Periods to compare", periods, value=(periods[half], periods[-1]),
                                    key=f"{key}:current", **words)
    result = derive.expected_in_window(actual, activity, baseline, current)
    st.metric(markdown_text(f"{measure_actual}: actual against expected"), f"{result.actual:,.0f}",
              delta=None if pd.isna(result.expected) else f"{result.difference:+,.0f} against expected",
              delta_color="off")
    st.write(markdown_text(f"{measure_actual}: {result.words}."))


def analyse_upload(upload: Upload) -> DatasetAnalysis | None:
    """One upload analysed once (:func:`analytics.dataset_analysis.analyse`, no forecasts), cached with its reads
    (bounded by bytes, released by Remove all data): the KPI summary, the pack and the commentary all render
    this one result. A file that cannot be read is left out, with a warning, never the page."""
    def analyse_once() -> DatasetAnalysis:
        with st.spinner("Analysing every measure..."):
            return dataset_analysis.analyse(read(upload))

    try:
        return _cached(upload, upload.options, "analysed", analyse_once)
    except analytics.IngestError as exc:
        st.warning(markdown_text(f"{upload.name} is left out of this page: {exc.user_message}"))
        return None


def analyses(datasets: dict[str, Dataset]) -> dict[str, DatasetAnalysis]:
    """The cached analysis of each loaded dataset that could be analysed."""
    out = {name: analyse_upload(registry()[name]) for name in datasets}
    return {name: result for name, result in out.items() if result is not None}


FINANCE_COLUMNS = {column: st.column_config.NumberColumn(column, format="%.2f")
                   for column in ("Budget £m", "Forecast £m", "Variance £m")}
KPI_ORDER = ("measure", "sparkline", "period", "latest", "target_text", "rag", "vs_last_period", "vs_last_year",
             "trend", "variation", "assurance", "dataset")
KPI_COLUMNS = {
    "measure": st.column_config.TextColumn("Measure", pinned=True, width="medium"),
    "period": st.column_config.TextColumn("Latest period", width="small"),
    "trend": st.column_config.TextColumn("Trend (5% level)"),
    "variation": st.column_config.TextColumn("SPC variation", width="medium"),
    "assurance": st.column_config.TextColumn("SPC assurance"),
    "sparkline": st.column_config.LineChartColumn(f"Last {analysis.SPARKLINE_POINTS} periods", width="small"),
    "latest": st.column_config.TextColumn("Latest", width="small"),
    "target_text": st.column_config.TextColumn("Target", width="small"),
    "rag": st.column_config.TextColumn("RAG", width="small"),
    "vs_last_period": st.column_config.TextColumn("vs last period", width="small"),
    "vs_last_year": st.column_config.TextColumn("vs last year", width="small"),
}


def says_something(value) -> bool:
    """A KPI cell that is not empty (a sparkline with points, a word, a number)."""
    if isinstance(value, list | tuple):
        return bool(value)
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


def kpi_table(datasets: dict[str, Dataset], *, totals_only: bool) -> pd.DataFrame:
    """The KPI summary of the chosen datasets: values and targets in their unit, SPC icon names in words."""
    items = analysed(datasets, totals_only=totals_only)
    if not items:
        return pd.DataFrame()
    kpi = analysis.kpi_summary([i.result for i in items])
    words = {column: [commentary.format_value(v, u) if pd.notna(v) else "" for v, u in
                      zip(kpi[column], kpi["unit"], strict=True)] for column in ("value", "target")}
    kpi = kpi.assign(dataset=[i.dataset for i in items], latest=words["value"], target_text=words["target"])
    return analysis.kpi_display(kpi)


def population_choice(name: str, data: Dataset, container, key: str) -> dict:
    """Rates per 100,000 when the workbook has a population sheet: the age band to use, or raw values."""
    for sheet, other in other_sheets(name, data):
        table = benchmark.population_table(other)
        if table is not None:
            band = container.selectbox(markdown_text(f"Per 100,000 population (sheet '{sheet}')"), ["values as given",
                                       *table.columns], key=key)
            return {} if band == "values as given" else {"population": table, "age_band": band}
    return {}


def analysed(datasets: dict[str, Dataset], *, totals_only: bool = True) -> list:
    """Every measure of every time series, analysed once per upload (cached), for the KPI summary and pack."""
    return report.analyse_all(datasets, totals_only=totals_only, analyses=analyses(datasets))


def draw(chart, *, container=None, alt: str | None = None) -> None:
    """Show an Altair chart. The builders' specs are schema-checked in tests/test_charts.py, so the page skips
    Altair's validation on every rerun (a third of the drawing time)."""
    draw_spec(chart.to_dict(validate=False), container=container, alt=alt)


def draw_spec(spec: dict, *, container=None, alt: str | None = None) -> None:
    """Show a Vega-Lite spec; a given ``alt`` text replaces the spec's own description (Streamlit logs a
    warning when both are set)."""
    if alt:
        spec = {k: v for k, v in spec.items() if k != "description"}
    (container or st).vega_lite_chart(spec, width="stretch", alt=alt)


def weekly_option(series: pd.Series, frequency: str, key: str) -> tuple[pd.Series, str]:
    """Daily data shown as weekly totals by default: a day-of-week pattern swamps daily charts and SPC."""
    if frequency != "D" or not st.toggle("Show weekly totals (Monday to Sunday)", value=True, key=key):
        return series, frequency
    weekly, notes = weekly_totals(series)
    for note in notes:
        st.caption(markdown_text(note))
    return weekly, "W"
