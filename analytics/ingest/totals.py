"""Rows that add up other rows: totals and subtotals found by their arithmetic, not by their wording.

Published tables put a total above or below the rows it sums ("United States" over the states, "Total
structures" over its kinds of building, a council's subtotal under its services) and often do not call it
"Total". A row is a sum of others here when, in every one of at least MIN_MATCHED columns where it has a
value, it equals the column sum of a run of at least MIN_RUN consecutive rows directly below or above it,
within ROUNDING of its size (published totals are rounded on their own). Rows found are left out of the
next pass, so a grand total over subtotals is found too.

Vectorised: prefix sums per column and a binary search per row, so a sheet of n rows costs O(n log n).
"""

from __future__ import annotations

import numpy as np

MIN_MATCHED = 2  # columns that must add up; one column matching is too often chance
MIN_RUN = 2  # rows summed (Persons = Males + Females); a row equal to the one next to it is a repeat
ROUNDING = 0.005  # relative slack for totals rounded separately from their parts
PASSES = 2  # subtotals first, then a total of the subtotals
MAX_TRIES = 8  # run ends tried per row (several only where rows of zeros or tiny values follow)


def summing_rows(values: np.ndarray, min_run: int = MIN_RUN) -> np.ndarray:
    """Which rows of ``values`` (rows x columns of numbers, NaN where a cell has none) are the sum of a run
    of at least ``min_run`` rows directly below or above them. Where two rows adding up to a third can be
    an identity of accounts (gross = income + net in a list of measures), ask for three."""
    values = np.asarray(values, dtype=float)
    found = np.zeros(len(values), dtype=bool)
    if values.ndim != 2 or len(values) < min_run + 1 or values.shape[1] < MIN_MATCHED:
        return found
    for _ in range(PASSES):
        live = np.where(found[:, None], np.nan, values)
        new = _sums_of_runs(live, min_run) & ~found
        if not new.any():
            break
        found |= new
    return found


def _sums_of_runs(values: np.ndarray, min_run: int) -> np.ndarray:
    filled = ~np.isnan(values)
    usable = filled.sum(axis=1) >= MIN_MATCHED
    # The key column is searched; others confirm. Prefix sums only rise where values are never negative.
    nonneg = [c for c in range(values.shape[1]) if filled[:, c].any() and (values[filled[:, c], c] >= 0).all()]
    if not nonneg or not usable.any():
        return np.zeros(len(values), dtype=bool)
    key = max(nonneg, key=lambda c: filled[:, c].sum())
    found = np.zeros(len(values), dtype=bool)
    for direction in (1, -1):
        found |= _runs_in_direction(values, filled, key, usable, direction, min_run)
    return found


def _runs_in_direction(values, filled, key: int, usable: np.ndarray, direction: int, min_run: int) -> np.ndarray:
    """Rows equal to the sum of the run below them (direction 1) or above them (-1)."""
    v = values if direction == 1 else values[::-1]
    f = filled if direction == 1 else filled[::-1]
    use = usable if direction == 1 else usable[::-1]
    n = len(v)
    zeroed = np.where(f, v, 0.0)
    prefix = np.vstack([np.zeros((1, v.shape[1])), np.cumsum(zeroed, axis=0)])  # prefix[j] = sum of rows < j
    count = np.concatenate([[0], np.cumsum(f[:, key])])
    rows = np.flatnonzero(use & f[:, key] & (v[:, key] != 0))
    if not len(rows):
        return np.zeros(n, dtype=bool)
    total = v[rows, key]
    slack = np.abs(total) * ROUNDING
    # The run is rows i+1 .. j-1 with prefix[j] - prefix[i+1] within slack of the total and min_run values:
    # every such j (prefix sums only rise, so they are one range) is tried until all columns add up.
    start = prefix[rows + 1, key]
    shortest = np.searchsorted(count, count[rows + 1] + min_run, side="left")
    low = np.maximum(np.searchsorted(prefix[:, key], start + total - slack, side="left"), shortest)
    high = np.minimum(np.searchsorted(prefix[:, key], start + total + slack, side="right"), n + 1)
    hit = np.zeros(n, dtype=bool)
    for i, first, last in zip(rows.tolist(), low.tolist(), high.tolist(), strict=True):
        for end in range(first, min(last, first + MAX_TRIES)):
            if _every_value_matched(v[i], f[i], prefix[end] - prefix[i + 1], f[i + 1:end].any(axis=0)):
                hit[i] = True
                break
    return hit if direction == 1 else hit[::-1]


def _every_value_matched(row: np.ndarray, filled: np.ndarray, sums: np.ndarray, run_filled: np.ndarray) -> bool:
    """Every value of the row is the sum of its column's run (a column the run leaves blank must be blank)."""
    if (filled & ~run_filled).any():
        return False
    return bool((np.abs(sums[filled] - row[filled]) <= np.abs(row[filled]) * ROUNDING + 1e-9).all())
