"""A learned line classifier: the research baseline the pipeline's own line roles are scored against.

The app does not use it: `analytics.ingest.line_roles` (pipeline.sheet_roles) gives every line its role from
the table finder and the tidy stage, rules that explain themselves, and scores as well or better on the
corpora (bench/results.md). This module stays in bench/ so the comparison can be rerun.

Method (after Pytheas, Strudel and MaGRiTTE): every line is described by features read column by column from
the grid (how many cells are empty, numbers, text, dates or years; what the first filled cell says; where
the line sits relative to the blocks of numeric lines; what its neighbouring lines look like), then a
gradient-boosted tree ensemble, trained by ``bench/train_line_roles.py`` on the annotated corpora in
``shared/corpus/line-roles`` and stored as plain JSON arrays, names the role. A second ensemble reads the
first one's probabilities for the line and its neighbours (a total row's second line is a total too; a
header's second row is a header too). Blank lines are ``empty`` by rule, never by the model.

Everything is vectorised: columns are read with pandas/numpy string operations on their distinct values,
line features are whole-array operations, and the trees are evaluated for all distinct feature rows at once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import MARKERS

ROLES = ("metadata", "header", "group", "data", "derived", "notes", "empty")
MODEL_PATH = Path(__file__).with_name("line_roles_model.json")

# Cell kinds (one small integer a cell).
EMPTY, NUMBER, TEXT, DATE, YEAR, MARKER = range(6)

# Text flags (bits of one int a cell); each names a regular expression below.
_FLAG_PATTERNS = {
    "total": r"^\W*(grand\s+)?(sub-?\s*)?totals?\b|\btotals?\W*$|\b(sub-?total|grand total)\b",
    "aggregate": r"^\W*(all|average|avg|mean|median|overall|sum|england|united kingdom|great britain|"
                 r"united states|u\.\s?s\.|national|whole|combined|net)\b",
    "note": r"^\W{0,2}(sources?|notes?|footnotes?|nb|n\.b\.|please|figures|data (are|is|were)|symbols?|key\b|"
            r"©|copyright|revised|provisional|excludes?|includes?|estimates?|see |denotes|represents|"
            r"(\*|†|‡)+|\(?[a-z0-9]{1,2}\)|\[\d+\]|\\\d|\d{1,2}[.:]?\s+[a-z])",
    "title": r"^(table|figure|chart|worksheet|sheet|annex|appendix)\s*[a-z]?[\d.:-]",
    "colon": r":\s*$",
    "footmark": r"(\\\d+|[a-z]\d|\*+|\([a-z0-9]{1,2}\)|\[[a-z0-9]{1,2}\]|[†‡])$",
    "has_year": r"(19|20)\d\d",
    "digit_start": r"^\d",
    "sentence": r"\w+\s+\w+\s+\w+\s+\w+\s+\w+",
    "paren_unit": r"\((in |per |number|thousands|millions|billions|percent|%|£|\$|rate)",
}
FLAGS = {name: 1 << i for i, name in enumerate(_FLAG_PATTERNS)}
UPPER = 1 << len(_FLAG_PATTERNS)

_EXTRA_MARKERS = {"(x)", "(na)", "(d)", "(s)", "(z)", "(b)", "(nm)", "x", "-", "--", "---", "...", "(*)", "nil", "n.a."}
_MARKER_ARRAY = pa.array(sorted({m.lower() for m in MARKERS} | _EXTRA_MARKERS))
_YEAR = r"^(fy\s*)?(19|20)\d\d(\s*[-/–]\s*((19|20)?\d\d))?(\s*(\\\d+|\*+|\([a-z0-9]\)|[a-z]\d?|\d))?$"
_DATE = (r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d\d-\d\d|"
         r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s-]*('?\d{2}|\d{4})?|"
         r"q[1-4][\s-]*(\d{4})?|\d{4}[\s-]*q[1-4]|(19|20)\d\d[\s-]?(0[1-9]|1[0-2])|week\s*\d+)$")
_NUMBER_CLEAN = "[,\\s£$€%\u00a0]|^\\(|\\)$"
_DATE_FORMAT = r"(?:^|[^\"\\])[dmyh]"  # an Excel number format that shows a date or time

_NUMBER_TYPES = (float, int, np.float64, np.float32, np.int64, np.int32, np.int16, np.uint8)
_PLAIN_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
CAP = 10  # distances and counts in lines are capped: a line 40 lines into a block is like one 10 lines in


def _string_cells(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kind, value, length, flags and indentation for distinct strings, with pyarrow's C++ string kernels."""
    stripped = pc.utf8_trim_whitespace(text)
    low = pc.utf8_lower(stripped)
    n = len(text)

    def match(arr, pattern: str) -> np.ndarray:
        return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False).astype(bool)

    value = np.full(n, np.nan)
    plain = match(stripped, _PLAIN_NUMBER)
    cleaned = pc.replace_substring_regex(pc.replace_substring(stripped, "\u2212", "-"), _NUMBER_CLEAN, "")
    loose = ~plain & match(cleaned, _PLAIN_NUMBER)
    for mask, arr in ((plain, stripped), (loose, cleaned)):
        if mask.any():
            value[mask] = pc.cast(pc.filter(arr, pa.array(mask)), pa.float64()).to_numpy(zero_copy_only=False)
    number = np.isfinite(value)
    kind = np.where(number, NUMBER, TEXT).astype(np.int8)
    kind[pc.is_in(low, value_set=_MARKER_ARRAY).to_numpy(zero_copy_only=False).astype(bool)] = MARKER
    year = match(low, _YEAR) & ~(number & ((value < 1900) | (value > 2100)))
    kind[year] = YEAR
    kind[~number & ~year & match(low, _DATE)] = DATE
    length = pc.utf8_length(stripped).to_numpy(zero_copy_only=False).astype(np.int32)
    kind[length == 0] = EMPTY
    value[kind != NUMBER] = np.nan
    flags = np.zeros(n, dtype=np.int32)
    is_text = kind == TEXT
    if is_text.any():
        keep = pa.array(is_text)
        words, raw = pc.filter(low, keep), pc.filter(stripped, keep)
        sub = np.zeros(int(is_text.sum()), dtype=np.int32)
        for name, pattern in _FLAG_PATTERNS.items():
            sub |= np.where(match(words, pattern), FLAGS[name], 0).astype(np.int32)
        upper = pc.equal(raw, pc.utf8_upper(raw)).to_numpy(zero_copy_only=False).astype(bool)
        sub |= np.where(upper & match(raw, "[A-Z]{2}"), UPPER, 0).astype(np.int32)
        flags[is_text] = sub
    indent = (pc.utf8_length(text).to_numpy(zero_copy_only=False)
              - pc.utf8_length(pc.utf8_ltrim_whitespace(text)).to_numpy(zero_copy_only=False)).astype(np.int32)
    return kind, value, length, flags, indent


def _column_types(col: pd.Series):
    """Split one grid column: (numbers, numeric values, dates, strings) masks, without a loop over cells."""
    n = len(col)
    none = np.zeros(n, dtype=bool)
    if col.dtype.kind in "fiub":
        v = col.to_numpy(dtype=float, na_value=np.nan)
        return np.isfinite(v), v, none, none
    if col.dtype.kind == "M":
        return none, np.full(n, np.nan), col.notna().to_numpy(), none
    obj = col.to_numpy(dtype=object)
    present = ~pd.isna(obj)
    inferred = pd.api.types.infer_dtype(obj, skipna=True)
    if inferred == "string":
        return none, np.full(n, np.nan), none, present
    values = np.full(n, np.nan)
    if inferred in ("datetime", "datetime64", "date", "time", "timedelta", "period", "boolean"):
        return none, values, present, none
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal", "empty"):
        is_str, is_num = none, present
    else:  # mixed (say a header string above numbers): each cell's type, by pandas' C loop
        types = pd.Series(obj).map(type)
        is_str = types.isin([str]).to_numpy()
        is_num = types.isin(_NUMBER_TYPES).to_numpy()
    if is_num.any():  # only real numbers: to_numeric would turn datetimes into nanoseconds
        values[is_num] = pd.to_numeric(pd.Series(obj[is_num]), errors="coerce").to_numpy(dtype=float,
                                                                                         na_value=np.nan)
    number = is_num & np.isfinite(values)
    others = present & ~is_str
    return number, values, others & ~number, is_str  # non-numbers that are not strings: dates and times


def _date_formats(fmt: pd.Series) -> np.ndarray:
    """True where an Excel number format shows a date or time."""
    text = fmt.astype(object).where(fmt.notna(), "").astype(str).str.lower()
    return (text.str.contains(_DATE_FORMAT) & ~text.str.startswith("general")).to_numpy(dtype=bool)


def read_cells(grid: pd.DataFrame, number_formats: pd.DataFrame | None = None):
    """Per-cell kind, numeric value, text length, text flags and indentation as (lines, columns) arrays.

    Strings of every column are pooled and each distinct string is read once.
    """
    shape = grid.shape
    kinds = np.zeros(shape, dtype=np.int8)
    values = np.full(shape, np.nan)
    lengths = np.zeros(shape, dtype=np.int32)
    flags = np.zeros(shape, dtype=np.int32)
    indents = np.zeros(shape, dtype=np.int32)
    string_rows, string_cols, strings = [], [], []
    for j in range(shape[1]):
        col = grid.iloc[:, j]
        number, value, date, is_str = _column_types(col)
        if number_formats is not None:
            dated = number & _date_formats(number_formats.iloc[:, j])
            number, date = number & ~dated, date | dated
        kinds[number, j] = NUMBER
        values[number, j] = value[number]
        kinds[date, j] = DATE
        if is_str.any():
            rows = np.flatnonzero(is_str)
            string_rows.append(rows)
            string_cols.append(np.full(len(rows), j))
            strings.append(col.to_numpy(dtype=object)[rows])
    if strings:
        rows, cols = np.concatenate(string_rows), np.concatenate(string_cols)
        codes, uniques = pd.factorize(np.concatenate(strings))
        parts = _string_cells(pa.array(uniques, type=pa.large_string()))
        for out, part in zip((kinds, values, lengths, flags, indents), parts, strict=True):
            out[rows, cols] = part[codes]
    year = (kinds == NUMBER) & (values >= 1900) & (values <= 2100) & (values == np.round(values))
    kinds[year] = YEAR
    return kinds, values, lengths, flags, indents


def _prev_index(mask: np.ndarray) -> np.ndarray:
    """For each line, the index of the nearest earlier line where mask holds (-1 if none)."""
    idx = np.where(mask, np.arange(len(mask)), -1)
    out = np.maximum.accumulate(np.concatenate(([-1], idx[:-1])))
    return out


def _next_index(mask: np.ndarray) -> np.ndarray:
    """For each line, the index of the nearest later line where mask holds (len if none)."""
    n = len(mask)
    idx = np.where(mask, np.arange(n), n)
    return np.minimum.accumulate(np.concatenate((idx[1:], [n]))[::-1])[::-1]


def _capped(distance: np.ndarray) -> np.ndarray:
    return np.minimum(distance, CAP).astype(float)


def _log_bins(length: np.ndarray) -> np.ndarray:
    """Text lengths in half-octave bins: 12 and 13 characters say the same, and few distinct rows stay."""
    return np.round(2 * np.log2(1 + np.asarray(length, dtype=float))) / 2


def _base_features(kinds, values, lengths, flags, indents) -> dict[str, np.ndarray]:
    """Features of each line on its own."""
    n, m = kinds.shape
    filled = kinds != EMPTY
    n_filled = filled.sum(1)
    safe = np.maximum(n_filled, 1)
    width = max(int(filled.any(0).sum()), 1)
    first = np.where(n_filled > 0, filled.argmax(1), 0)
    last = np.where(n_filled > 0, m - 1 - filled[:, ::-1].argmax(1), 0)
    used_cols = np.flatnonzero(filled.any(0))
    left = int(used_cols[0]) if len(used_cols) else 0
    right = int(used_cols[-1]) if len(used_cols) else 0
    rows = np.arange(n)
    f_kind = kinds[rows, first]
    f_flags = flags[rows, first]
    f_len = lengths[rows, first]
    counts = {k: (kinds == code).sum(1) for k, code in
              (("num", NUMBER), ("text", TEXT), ("date", DATE), ("year", YEAR), ("marker", MARKER))}
    rest_text = counts["text"] - (f_kind == TEXT)
    numeric = counts["num"] + counts["marker"]
    col_max = np.where(np.isfinite(values), values, -np.inf).max(0)
    at_max = (np.isfinite(values) & (values == col_max) & (values > 0)).sum(1)
    long_text = ((kinds == TEXT) & (lengths > 40)).sum(1)
    feats = {
        "n_filled": n_filled.astype(float),
        "fill_share": n_filled / width,
        "width": np.full(n, float(min(width, 50))),
        "first_col": (first - left).clip(0, 50).astype(float),
        "span": (last - first + 1).clip(0, 50).astype(float) * (n_filled > 0),
        "first_col_filled": filled[:, left].astype(float),
        "last_col_filled": filled[:, right].astype(float),
        "num_share": numeric / safe,
        "text_share": counts["text"] / safe,
        "rest_text_share": rest_text / np.maximum(n_filled - 1, 1),
        "date_share": counts["date"] / safe,
        "year_share": counts["year"] / safe,
        "marker_share": counts["marker"] / safe,
        "n_num": numeric.astype(float),
        "n_year": counts["year"].astype(float),
        "n_text": counts["text"].astype(float),
        "at_max_share": at_max / np.maximum(counts["num"], 1),
        "long_text": long_text.astype(float),
        "first_kind": f_kind.astype(float),
        "first_len": _log_bins(f_len),
        "first_indent": np.minimum(indents[rows, first], 12).astype(float),
        "first_upper": ((f_flags & UPPER) > 0).astype(float),
        "mean_text_len": _log_bins(np.where(kinds == TEXT, lengths, 0).sum(1) / np.maximum(counts["text"], 1)),
    }
    for name, bit in FLAGS.items():
        feats[f"first_{name}"] = ((f_flags & bit) > 0).astype(float)
    feats["any_total"] = (((flags & (FLAGS["total"] | FLAGS["aggregate"])) > 0) & (kinds == TEXT)).sum(1) > 0
    feats["n_footmark"] = ((flags & FLAGS["footmark"]) > 0).sum(1).astype(float)
    feats["n_has_year_text"] = ((flags & FLAGS["has_year"]) > 0).sum(1).astype(float)
    feats["any_total"] = feats["any_total"].astype(float)
    return feats


def _column_context(kinds: np.ndarray) -> dict[str, np.ndarray]:
    """Per line: text cells standing above numbers (a header) and numbers under text, column by column."""
    n, m = kinds.shape
    text_over_num = np.zeros(n)
    text_under_text = np.zeros(n)
    num_under_text = np.zeros(n)
    for j in range(m):
        col = kinds[:, j]
        filled = col != EMPTY
        below = _next_index(filled)
        above = _prev_index(filled)
        below_kind = np.where(below < n, col[np.minimum(below, n - 1)], EMPTY)
        above_kind = np.where(above >= 0, col[np.maximum(above, 0)], EMPTY)
        is_text = (col == TEXT) | (col == YEAR) | (col == DATE)
        text_over_num += is_text & ((below_kind == NUMBER) | (below_kind == MARKER))
        text_under_text += (col == TEXT) & (above_kind == TEXT)
        num_under_text += ((col == NUMBER) | (col == MARKER)) & ((above_kind == TEXT) | (above_kind == YEAR))
    return {"text_over_num": text_over_num, "text_under_text": text_under_text, "num_under_text": num_under_text}


def _runs(signature: np.ndarray, nonempty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines of the same signature just above and just below each non-empty line (empty lines skipped)."""
    n = len(signature)
    above, below = np.zeros(n), np.zeros(n)
    at = np.flatnonzero(nonempty)
    if len(at) == 0:
        return above, below
    sig = signature[at]
    start = np.concatenate(([True], sig[1:] != sig[:-1]))
    run = np.cumsum(start) - 1
    run_start = np.flatnonzero(start)
    run_len = np.diff(np.concatenate((run_start, [len(sig)])))
    pos = np.arange(len(sig)) - run_start[run]
    above[at] = np.minimum(pos, CAP)
    below[at] = np.minimum(run_len[run] - pos - 1, CAP)
    return above, below


def _similarity(kinds: np.ndarray, nonempty: np.ndarray, prev_line: np.ndarray, next_line: np.ndarray):
    """How alike a line is to its neighbours, cell kind by cell kind, and how long its run of one shape is."""
    n = len(kinds)
    out = {}
    filled = kinds != EMPTY
    for tag, where, ok in (("prev", prev_line, prev_line >= 0), ("next", next_line, next_line < n)):
        other = kinds[np.clip(where, 0, max(n - 1, 0))]
        union = filled | (other != EMPTY)
        same = ((kinds == other) & union).sum(1) / np.maximum(union.sum(1), 1)
        out[f"{tag}_kind_agreement"] = np.where(ok, np.round(same, 2), -1.0)
    packed = np.ascontiguousarray(np.packbits(filled, axis=1))
    signature = pd.factorize(packed.view(np.dtype((np.void, packed.shape[1]))).ravel())[0] if n else \
        np.zeros(0, dtype=np.intp)
    out["same_shape_above"], out["same_shape_below"] = _runs(signature, nonempty)
    return out


CONTEXT_KEYS = ("fill_share", "num_share", "text_share", "first_col", "n_filled", "first_total",
                "first_note", "first_upper", "span", "first_kind", "dataish", "text_over_num", "first_colon",
                "first_title", "gap_above", "gap_below")


def line_features(grid: pd.DataFrame, number_formats: pd.DataFrame | None = None) -> tuple[np.ndarray, list[str]]:
    """The feature matrix (one row per grid line) and the feature names, in the model's order."""
    used = np.flatnonzero(grid.notna().any(axis=0).to_numpy())
    if len(used):  # a declared range of thousands of blank columns costs nothing: keep the used span only
        span = slice(int(used[0]), int(used[-1]) + 1)
        grid = grid.iloc[:, span]
        number_formats = number_formats.iloc[:, span] if number_formats is not None else None
    cells = read_cells(grid, number_formats)
    kinds = cells[0]
    feats = _base_features(*cells)
    feats.update(_column_context(kinds))
    n = len(kinds)
    nonempty = feats["n_filled"] > 0
    dataish = nonempty & (feats["n_num"] >= 1) & (feats["num_share"] >= 0.5)
    feats["dataish"] = dataish.astype(float)
    idx = np.arange(n)
    prev_data, next_data = _prev_index(dataish), _next_index(dataish)
    feats["dist_data_above"] = _capped(np.where(prev_data >= 0, idx - prev_data, CAP))
    feats["dist_data_below"] = _capped(np.where(next_data < n, next_data - idx, CAP))
    any_data = dataish.any()
    first_data = int(dataish.argmax()) if any_data else n
    last_data = int(n - 1 - dataish[::-1].argmax()) if any_data else -1
    feats["before_first_data"] = (idx < first_data).astype(float)
    feats["after_last_data"] = (idx > last_data).astype(float)
    feats["from_top"] = _capped(np.cumsum(nonempty) - 1)
    feats["to_bottom"] = _capped(np.cumsum(nonempty[::-1])[::-1] - 1)
    filled_before = np.cumsum(nonempty) - nonempty
    feats["nonempty_above_share"] = np.round(filled_before / max(nonempty.sum(), 1), 1)
    prev_line, next_line = _prev_index(nonempty), _next_index(nonempty)
    feats["gap_above"] = _capped(np.where(prev_line >= 0, idx - prev_line - 1, CAP))
    feats["gap_below"] = _capped(np.where(next_line < n, next_line - idx - 1, CAP))
    for tag, where, ok in (("prev", prev_line, prev_line >= 0), ("next", next_line, next_line < n)):
        at = np.clip(where, 0, max(n - 1, 0))
        feats[f"{tag}_exists"] = ok.astype(float)
        for key in CONTEXT_KEYS:
            feats[f"{tag}_{key}"] = np.where(ok, feats[key][at], -1.0)
    for tag, where, ok in (("prev", prev_line, prev_line >= 0), ("next", next_line, next_line < n)):
        at = np.clip(where, 0, max(n - 1, 0))
        feats[f"{tag}_same_shape"] = (ok & (feats["n_filled"][at] == feats["n_filled"])
                                      & (feats["first_col"][at] == feats["first_col"])).astype(float)
    feats.update(_similarity(kinds, nonempty, prev_line, next_line))
    names = list(feats)
    matrix = np.empty((n, len(names)), dtype=np.float32, order="F")  # features are written column-wise
    for j, key in enumerate(names):
        matrix[:, j] = feats[key]
    return matrix, names


def neighbour_features(proba: np.ndarray, nonempty: np.ndarray) -> np.ndarray:
    """Stage-two inputs: a line's own class probabilities and those of the two non-empty lines either side."""
    n = len(proba)
    blocks = [proba]
    prev1 = _prev_index(nonempty)
    next1 = _next_index(nonempty)
    prev2 = np.where(prev1 >= 0, _prev_index(nonempty)[np.clip(prev1, 0, n - 1)], -1)
    next2 = np.where(next1 < n, _next_index(nonempty)[np.clip(next1, 0, n - 1)], n)
    for where, ok in ((prev1, prev1 >= 0), (next1, next1 < n), (prev2, prev2 >= 0), (next2, next2 < n)):
        at = np.clip(where, 0, max(n - 1, 0))
        blocks.append(np.where(ok[:, None], proba[at], -1.0))
    return np.hstack(blocks).astype(np.float32)


class TreeEnsemble:
    """A random forest as flat numpy arrays, evaluated for many rows and all trees at once.

    Node i tests ``x[feature[i]] <= threshold[i]`` and goes to ``left[i]`` or ``right[i]``; a leaf points to
    itself (threshold 1e300), so ``depth`` steps bring every row to its leaf in every tree. ``value`` holds each
    leaf's class shares; the forest's probability is their mean over the trees.
    """

    def __init__(self, spec: dict):
        self.classes = list(spec["classes"])
        self.feature = np.asarray(spec["feature"], dtype=np.intp)
        self.threshold = np.asarray(spec["threshold"], dtype=np.float64)
        self.left = np.asarray(spec["left"], dtype=np.intp)
        self.right = np.asarray(spec["right"], dtype=np.intp)
        self.value = np.asarray(spec["value"], dtype=np.float64).reshape(len(self.feature), len(self.classes))
        self.roots = np.asarray(spec["roots"], dtype=np.intp)
        self.depth = int(spec["depth"])

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (rows, classes)."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        flat = x.ravel()
        base = (np.arange(len(x)) * x.shape[1])[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            go_left = flat[base + self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.value[node].mean(1)


def _unique_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct feature rows and the inverse index: long uniform blocks are evaluated once.

    Rows are hashed column by column (a loop over features, not lines); a hash collision, checked exactly,
    falls back to sorting whole rows.
    """
    bits = np.asfortranarray(x, dtype=np.float32).view(np.uint32)
    key = np.zeros(len(x), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bits.shape[1]):
            key = key * np.uint64(0x100000001B3) + bits[:, j]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if not np.array_equal(bits[first][inverse], bits):
        rows = np.ascontiguousarray(bits)
        rows = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
        _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
    return x[first], inverse


def predict_proba(model: tuple[TreeEnsemble, TreeEnsemble | None], x: np.ndarray, nonempty: np.ndarray):
    """Class probabilities of the first and (if present) second stage for every line."""
    stage1, stage2 = model
    uniq, inverse = _unique_rows(x)
    proba = stage1.proba(uniq)[inverse]
    if stage2 is None:
        return proba
    # Stage two sees (own features, neighbours' probabilities): a line is named by its stage-one row.
    neighbours = neighbour_features(proba, nonempty)
    key = np.empty((len(x), 1 + neighbours.shape[1]), dtype=np.float32, order="F")
    key[:, 0] = inverse
    key[:, 1:] = neighbours
    uniq_key, inverse2 = _unique_rows(key)
    x2 = np.hstack([uniq[uniq_key[:, 0].astype(np.intp)], uniq_key[:, 1:]])
    return stage2.proba(x2)[inverse2]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> tuple[tuple[TreeEnsemble, TreeEnsemble | None], tuple[str, ...]]:
    """The shipped ensembles and feature names, read from JSON (never pickle)."""
    spec = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
    stage1 = TreeEnsemble(spec["stage1"])
    if stage1.classes != sorted(ROLES[:-1]):
        raise RuntimeError(f"{path or MODEL_PATH}: stage one must name the six non-empty roles in sorted order")
    stage2 = TreeEnsemble(spec["stage2"]) if spec.get("stage2") else None
    return (stage1, stage2), tuple(spec["features"])


def classify_lines(grid: pd.DataFrame, *, number_formats: pd.DataFrame | None = None) -> np.ndarray:
    """Name the role of every line of a sheet.

    Parameters
    ----------
    grid
        One row per sheet line (CSV line or worksheet row of the used range), one column per sheet column in
        order; cells as the readers give them: str, int/float, datetime/Timestamp, or missing (None, NaN,
        pd.NA; empty or whitespace-only strings count as missing too).
    number_formats
        Optional frame of the same shape with each cell's Excel number format ('0.0%', 'dd/mm/yyyy', ...);
        numbers shown with a date format are read as dates. The classifier works without it.

    Returns
    -------
    numpy.ndarray
        One role a line, each one of `ROLES`: metadata (titles and captions above a table), header (every
        row of column headings), group (a label for the rows beneath it), data, derived (totals, subtotals,
        averages), notes (footnotes and sources below a table), empty (a blank line).

    Notes
    -----
    Blank lines are ``empty`` by rule. Every other line gets the role with the highest probability from the
    two-stage tree ensemble in ``line_roles_model.json`` (training, features and cross-corpus scores:
    ``bench/train_line_roles.py``, ``bench/line_roles.py``, ``bench/results.md``).
    """
    if number_formats is not None and number_formats.shape != grid.shape:
        raise ValueError(f"number_formats has shape {number_formats.shape}; the grid has {grid.shape}.")
    n = len(grid)
    roles = np.full(n, "empty", dtype=object)
    if n == 0 or grid.shape[1] == 0:
        return roles
    x, names = line_features(grid, number_formats)
    model, expected = load_model()
    if tuple(names) != expected:
        raise RuntimeError("line_roles_model.json was trained on other features: run bench/train_line_roles.py")
    nonempty = x[:, names.index("n_filled")] > 0
    if nonempty.any():
        proba = predict_proba(model, x, nonempty)
        labels = np.asarray(model[0].classes, dtype=object)
        roles[nonempty] = labels[proba[nonempty].argmax(1)]
    return roles
