"""Pure analytics core of ASC Performance Explorer; never imports streamlit (ruff enforces it)."""

import os

# One BLAS thread unless the caller chose otherwise: set before numpy loads (true for `python -m analytics`),
# because OpenBLAS threads made the ETS fits 4x slower on a shared 2-core machine (bench/results_models.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from analytics.dataset import Dataset  # noqa: E402
from analytics.errors import AnalysisError, IngestError  # noqa: E402
from analytics.ingest import load  # noqa: E402

__all__ = ["AnalysisError", "Dataset", "IngestError", "load"]
