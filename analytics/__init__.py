"""Pure analytics core of ASC Performance Explorer; never imports streamlit (ruff enforces it)."""

from analytics.dataset import Dataset
from analytics.errors import AnalysisError, IngestError
from analytics.ingest import load

__all__ = ["AnalysisError", "Dataset", "IngestError", "load"]
