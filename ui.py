"""Shared Streamlit helpers for app.py and the pages: the dataset registry and cached loading.

Lives outside pages/ so Streamlit does not make it a page. Holds no analysis: it calls `analytics`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

import analytics
from analytics.dataset import Dataset
from analytics.ingest import Options

SAMPLE_DIR = Path(__file__).parent / "sample_data"
SAMPLE_SUFFIXES = (".xlsx", ".csv")
REGISTRY_KEY = "datasets"


@dataclass(frozen=True)
class Upload:
    """One file in this browser session: its bytes (memory only) and the reading options chosen."""

    name: str
    data: bytes
    options: Options = Options()


@st.cache_data(max_entries=64, show_spinner=False)
def load_cached(data: bytes, filename: str, options: Options) -> Dataset:
    """Parse once per (file content, options): the cache key includes the bytes, so two sessions that
    upload different files with the same name never see each other's data."""
    return analytics.load(data, filename=filename, options=options)


def registry() -> dict[str, Upload]:
    if REGISTRY_KEY not in st.session_state:
        st.session_state[REGISTRY_KEY] = {}
    return st.session_state[REGISTRY_KEY]


def add_upload(name: str, data: bytes) -> None:
    registry()[name] = Upload(name=name, data=data)


def set_options(name: str, options: Options) -> None:
    registry()[name] = replace(registry()[name], options=options)


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix in SAMPLE_SUFFIXES)


def load_samples() -> None:
    for path in sample_files():
        add_upload(path.name, path.read_bytes())


def dataset(name: str) -> Dataset | None:
    """The parsed dataset, or None after showing the loader's message (never a traceback)."""
    upload = registry()[name]
    try:
        return load_cached(upload.data, upload.name, upload.options)
    except analytics.IngestError as exc:
        st.error(f"{upload.name}: {exc.user_message}")
        return None


def pick_dataset(label: str = "Dataset", key: str = "dataset") -> str | None:
    names = list(registry())
    if not names:
        st.info("No data loaded yet: upload a file in the sidebar or click **Load sample data**.")
        return None
    return st.selectbox(label, names, key=key)
