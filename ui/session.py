"""The session: the dataset registry in st.session_state, the server-wide read cache bounded by bytes, reading
options and their history, and each upload's one cached analysis (analytics.dataset_analysis.analyse).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import streamlit as st

import analytics
from analytics import dataset_analysis, report
from analytics.analysis import SeriesAnalysis
from analytics.dataset import Dataset
from analytics.dataset_analysis import DatasetAnalysis
from analytics.errors import AnalyticsError
from analytics.ingest import Options
from analytics.ingest.sandbox import ReaderCrash, crash_code
from ui.text import (
    markdown_text,
)

LOG = logging.getLogger("asc.ui")


SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"


SAMPLE_SUFFIXES = (".xlsx", ".csv")


REGISTRY_KEY = "datasets"


HISTORY_KEY = "reading_history"  # file name -> the reading options it had before each override, latest last


GENERATION_KEY = "reading_generation"  # part of every override widget's key: a new value restarts the widgets


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

    Keys are (sha256 of the bytes, (name, options, kind, part)). The least recently used entries go first when
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


def _cached(upload: Upload, options: Options, kind: str, compute: Callable[[], object], part: str = "") -> object:
    """``compute()`` once per (bytes, name, options, kind, part) for the whole server; refusals are cached as
    well (a file refused after 30 s is not read again on every rerun), and so is a fault, after logging
    only its code and the file's hash (never the file's text: ``part``, a measure's name, is not logged)."""
    def guarded() -> object:
        try:
            return compute()
        except AnalyticsError as exc:
            return Refusal(exc.user_message)
        except Exception as exc:  # noqa: BLE001 - one bad file must never take a page or another file down
            code = exc.code if isinstance(exc, ReaderCrash) else crash_code(exc)
            LOG.warning("%s failed for file sha256:%s: %s", kind, upload.digest[:16], code)
            return Refusal(fault_message(code))

    value = read_cache().get(upload.digest, (upload.name, options, kind, part), _session_id(), guarded)
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


def loaded() -> dict[str, Dataset]:
    """Every dataset in the session that could be read (the others show their message where opened)."""
    out = {}
    for name, upload in registry().items():
        try:
            out[name] = read(upload)
        except analytics.IngestError:
            continue
    return out


def other_sheets(name: str, data: Dataset):
    """(sheet, Dataset) for every other sheet of the workbook that can be read with the same options."""
    upload = registry()[name]
    for sheet in data.source.sheets:
        if sheet == data.source.sheet:
            continue
        try:
            yield sheet, read(upload, sheet_options(upload, sheet))
        except analytics.IngestError:
            continue


def sheet_options(upload: Upload, sheet: str) -> Options:
    """The upload's reading options for another of its sheets (the best table there)."""
    return replace(upload.options, sheet=sheet, table=None)


def analyse_upload(upload: Upload, options: Options | None = None) -> DatasetAnalysis | None:
    """One upload (read with ``options``, its own by default: another sheet) analysed once
    (:func:`analytics.dataset_analysis.analyse`, no forecasts), cached with its reads (bounded by bytes, released
    by Remove all data): the KPI summary, the pack, the commentary and the trend panels all render this one
    result. A file that cannot be read is left out, with a warning, never the page."""
    options = upload.options if options is None else options

    def analyse_once() -> DatasetAnalysis:
        with st.spinner("Analysing every measure..."):
            return dataset_analysis.analyse(read(upload, options))

    try:
        return _cached(upload, options, "analysed", analyse_once)
    except analytics.IngestError as exc:
        st.warning(markdown_text(f"{upload.name} is left out of this page: {exc.user_message}"))
        return None


def benchmarked(name: str, council: str | None) -> DatasetAnalysis | None:
    """The cached analysis of the upload called ``name`` with its table of places benchmarked for ``council``
    (:func:`analytics.dataset_analysis.for_council`): what the Benchmarking page shows by default, and what the
    pack and ``summary --council`` say."""
    upload = registry()[name]
    result = analyse_upload(upload)
    if result is None:
        return None
    return _cached(upload, upload.options, "benchmarked", lambda: dataset_analysis.for_council(result, council),
                   part=council or "")


def analysis_of(name: str) -> DatasetAnalysis | None:
    """The cached analysis of the upload called ``name``."""
    return analyse_upload(registry()[name])


def measure_analysis(name: str, measure: str, options: Options | None = None) -> tuple[SeriesAnalysis, ...]:
    """The one analysis (:func:`analytics.dataset_analysis.analyse`) of one measure of the upload called ``name``
    (read with ``options``: another sheet), its series and splits, cached with the reads: what a trend panel
    shows. Each series is the one the whole file's analysis holds (the same function, the same settings), without
    analysing the other measures first (398 series of a 10 s NHS RTT file for one chart). Empty when the measure
    cannot be analysed: the panel then analyses the series itself and says why."""
    upload = registry()[name]
    options = upload.options if options is None else options

    def analyse_measure() -> tuple[SeriesAnalysis, ...]:
        return dataset_analysis.analyse(read(upload, options), measure=measure).series

    try:
        return _cached(upload, options, "measure analysed", analyse_measure, part=measure)
    except analytics.IngestError:
        return ()


def analyses(datasets: dict[str, Dataset]) -> dict[str, DatasetAnalysis]:
    """The cached analysis of each loaded dataset that could be analysed."""
    out = {name: analyse_upload(registry()[name]) for name in datasets}
    return {name: result for name, result in out.items() if result is not None}


def analysed(datasets: dict[str, Dataset], *, totals_only: bool = True) -> list:
    """Every measure of every time series, analysed once per upload (cached), for the KPI summary and pack."""
    return report.analyse_all(datasets, totals_only=totals_only, analyses=analyses(datasets))
