"""Change points: where a series' level or trend shifted (a new service model, COVID, a definition change).

Binary segmentation with a sup-F test for one break in a straight line (Quandt 1960; Andrews 1993), each
test's p-value by a parametric bootstrap under AR(1) errors, as the trend test does (``analytics.trend``).
Finding a break does not change the data: the analysis fits the trend and the seasons on the stable
segment after the last break and offers the SPC rebase there, for the user to confirm or move.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from analytics.trend import MAX_AUTOCORRELATION, as_float_series, check_frequency, period_positions

BREAK_LEVEL = 0.01  # claim a break only when p < 1%: restructuring the analysis needs strong evidence
TRIM = 0.15  # no break in the first or last 15% of a segment (Andrews 1993's usual trimming)
MIN_SEGMENT = 8  # a segment keeps at least this many values, so a line on it can still be tested
MIN_POINTS = 2 * MIN_SEGMENT + 4  # fewer values: no search
MAX_BREAKS = 3
REFINEMENTS = 2  # times the autocorrelation is re-estimated from the breaks found and the search rerun
BOOTSTRAP_REPLICATES = 299  # (B + 1) x 1% = 3: p < 1% when at most 1 null series beats the data
BOOTSTRAP_SEED = 20261202
BOOTSTRAP_CHUNK = 100
NULL_MARGIN = 0.5  # null series at phi + 0.5 standard errors (with the re-estimation below; see find_breaks)


@dataclass(frozen=True)
class BreakResult:
    """Change points found in a series.

    ``table`` has one row per break, in time order: ``period`` (the first period of the new segment),
    ``position`` (0-based, among the series' rows), ``f_statistic``, ``p_value`` and ``shift`` (the
    change in level at the break). ``stable_start`` is the first period after the
    last break (the series' first period when there is none); ``tested`` is False when the series is
    too short to search, and ``warnings`` says so.
    """

    table: pd.DataFrame
    stable_start: pd.Timestamp | None
    tested: bool
    warnings: tuple[str, ...]

    @property
    def periods(self) -> list[pd.Timestamp]:
        return list(self.table["period"])

    @property
    def positions(self) -> list[int]:
        return [int(p) for p in self.table["position"]]


def _line_rss(n, sx, sxx, sy, sxy, syy):
    """Residual sum of squares of a least-squares line from the segment's sums (any array shapes)."""
    det = n * sxx - sx * sx  # > 0: every segment has at least MIN_SEGMENT distinct positions
    return np.maximum(syy - (sxx * sy * sy - 2 * sx * sy * sxy + n * sxy * sxy) / det, 0.0)


def _f_two_lines(x: np.ndarray, y: np.ndarray, k: np.ndarray) -> np.ndarray:
    """F(k) for two separate lines either side of k against one line (level and slope both change):
    ((RSS_line - RSS_two) / 2) / (RSS_two / (n - 4)), from running sums."""
    n = y.shape[1]
    cum = lambda a: np.concatenate([np.zeros(a.shape[:-1] + (1,)), np.cumsum(a, axis=-1)], axis=-1)  # noqa: E731
    c1, cx, cxx = cum(np.ones(n)), cum(x), cum(x * x)
    cy, cxy, cyy = cum(y), cum(y * x[None, :]), cum(y * y)
    left = _line_rss(c1[k], cx[k], cxx[k], cy[:, k], cxy[:, k], cyy[:, k])
    right = _line_rss(c1[n] - c1[k], cx[n] - cx[k], cxx[n] - cxx[k], cy[:, [n]] - cy[:, k],
                      cxy[:, [n]] - cxy[:, k], cyy[:, [n]] - cyy[:, k])
    whole = _line_rss(c1[n], cx[n], cxx[n], cy[:, [n]], cxy[:, [n]], cyy[:, [n]])
    two = left + right
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(two > 0, (whole - two) / 2 / (two / (n - 4)), np.inf)


def _sup_f(x: np.ndarray, y: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``y``: the largest F over splits k in [lo, hi] and both alternatives (a step in level
    with one slope throughout, or two separate lines), and its k."""
    k = np.arange(lo, hi + 1)
    f = np.maximum(_f_step(x, y, k), _f_two_lines(x, y, k))
    best = np.argmax(f, axis=1)
    return f[np.arange(len(f)), best], k[best]


def _f_step(x: np.ndarray, y: np.ndarray, k: np.ndarray) -> np.ndarray:
    """F(k) for a shift in level at k, one slope throughout.

    With e the residuals of the line and d the step (0 before k, 1 from k), made orthogonal to the line
    (Frisch-Waugh): RSS_step = RSS_line - (e'd)^2 / d'd, F(k) = (RSS_line - RSS_step) / (RSS_step / (n - 3)).
    """
    n = y.shape[1]
    design = np.column_stack([np.ones(n), x])
    resid = y - (y @ design @ np.linalg.inv(design.T @ design)) @ design.T
    rss_line = (resid**2).sum(axis=1, keepdims=True)
    tail_e = np.cumsum(resid[:, ::-1], axis=1)[:, ::-1]  # sum of e from k to the end
    tail_1 = (n - k).astype(float)
    tail_x = np.cumsum(x[::-1])[::-1][k]
    inv = np.linalg.inv(design.T @ design)
    projected = inv[0, 0] * tail_1**2 + 2 * inv[0, 1] * tail_1 * tail_x + inv[1, 1] * tail_x**2
    explained = tail_e[:, k] ** 2 / (tail_1 - projected)[None, :]
    rss_step = np.maximum(rss_line - explained, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rss_step > 0, explained / (rss_step / (n - 3)), np.inf)


def _two_line_residuals(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    parts = []
    for xs, ys in ((x[:k], y[:k]), (x[k:], y[k:])):
        slope, intercept = np.polyfit(xs, ys, 1)
        parts.append(ys - (intercept + slope * xs))
    return np.concatenate(parts)


def _step_fit(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Residuals and level shift of the line-plus-step fit with the step at ``k``."""
    step = (np.arange(len(y)) >= k).astype(float)
    design = np.column_stack([np.ones(len(y)), x, step])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    return y - design @ coefficients, float(coefficients[2])


def _greedy_edges(x: np.ndarray, y: np.ndarray) -> list[int]:
    """Edges of the most flexible fit the search could reach: up to MAX_BREAKS + 1 separate lines, each split
    where it cuts the residual sum of squares most, untested."""
    edges = [0, len(y)]
    for _ in range(MAX_BREAKS):
        best = None
        for a, b in zip(edges, edges[1:], strict=False):
            lo, hi = _bounds(b - a)
            if b - a < MIN_POINTS or hi < lo:
                continue
            xs = x[a:b] - x[a:b].mean()
            f, k = (int(v[0]) if i else float(v[0]) for i, v in enumerate(_sup_f(xs, y[None, a:b], lo, hi)))
            gain = _segment_rss(x[a:b], y[a:b]) - float((_two_line_residuals(xs, y[a:b], k) ** 2).sum())
            if best is None or gain > best[0]:
                best = (gain, a + k)
        if best is None:
            break
        edges = sorted([*edges, best[1]])
    return edges


def _segment_residuals(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    slope, intercept = np.polyfit(x - x.mean(), y, 1)
    return y - (intercept + slope * (x - x.mean()))


def _segment_rss(x: np.ndarray, y: np.ndarray) -> float:
    return float((_segment_residuals(x, y) ** 2).sum())


def _autocorrelation(x: np.ndarray, z: np.ndarray, edges: list[int]) -> float:
    """Lag-1 autocorrelation of the errors, from the residuals of separate lines between ``edges`` over
    neighbouring periods, bias-corrected for the m fitted lines as (n r1 + 2m) / (n - 4m) (each line the
    (2 + 4 phi) / n of ``analytics.trend``)."""
    resid = np.concatenate([_segment_residuals(x[a:b], z[a:b]) for a, b in zip(edges, edges[1:], strict=False)])
    lines = len(edges) - 1
    grid = np.rint(x - x[0]).astype(int)
    n = len(resid)
    adjacent = np.flatnonzero(np.diff(grid) == 1)
    if adjacent.size == 0 or not np.any(resid) or n <= 4 * lines:
        return 0.0
    r1 = float(np.mean(resid[adjacent] * resid[adjacent + 1]) / np.mean(resid**2))
    return float(np.clip((n * r1 + 2.0 * lines) / (n - 4.0 * lines), -MAX_AUTOCORRELATION, MAX_AUTOCORRELATION))


def _null_autocorrelation(x: np.ndarray, z: np.ndarray, edges: list[int]) -> float:
    """The null series' lag-1 autocorrelation: the estimate from the lines between ``edges`` plus
    NULL_MARGIN of its standard error."""
    phi = _autocorrelation(x, z, edges)
    return min(MAX_AUTOCORRELATION, phi + NULL_MARGIN * math.sqrt((1 - phi * phi) / len(z)))


def _breaks_under(x: np.ndarray, y: np.ndarray, phi: float) -> list[dict]:
    found: list[dict] = []
    _search(x, y, 0, found, phi)
    return sorted(found, key=lambda row: row["split"])


def _bounds(n: int) -> tuple[int, int]:
    trim = max(MIN_SEGMENT, math.ceil(TRIM * n))
    return trim, n - trim


def _test(x: np.ndarray, y: np.ndarray, phi: float) -> tuple[float, int, float] | None:
    """(p-value, split, F) of the best single break in one segment, or None when it is too short; ``phi`` is
    the errors' lag-1 autocorrelation (from the whole series)."""
    n = len(y)
    lo, hi = _bounds(n)
    if n < MIN_POINTS or hi < lo:
        return None
    scale = float(np.std(y))
    if scale == 0:
        return None
    z = (y - y.mean()) / scale
    xc = x - x.mean()
    slope = float(xc @ z / (xc @ xc))
    if float(((z - slope * xc) ** 2).sum()) <= 1e-12 * n:
        return None  # the values lie on a straight line: nothing to split
    f, k = (float(v[0]) for v in _sup_f(xc, z[None, :], lo, hi))
    grid = np.rint(x - x[0]).astype(int)
    rng = np.random.default_rng(zlib.crc32(np.ascontiguousarray(np.r_[x, y], dtype="<f8").tobytes(), BOOTSTRAP_SEED))
    # Sequential Monte Carlo (Besag and Clifford 1991): stop drawing once the break cannot be significant.
    allowed = math.ceil(round(BREAK_LEVEL * (BOOTSTRAP_REPLICATES + 1), 9)) - 2  # exceedances that still give p < level
    exceed = drawn = 0
    while drawn < BOOTSTRAP_REPLICATES and exceed <= allowed:
        size = min(BOOTSTRAP_CHUNK, BOOTSTRAP_REPLICATES - drawn)
        shocks = rng.standard_normal((size, int(grid[-1]) + 1))
        shocks[:, 0] /= math.sqrt(1 - phi * phi)
        null_f, _ = _sup_f(xc, lfilter([1.0], [1.0, -phi], shocks, axis=1)[:, grid], lo, hi)
        exceed += int(np.sum(null_f >= f))
        drawn += size
    return (1 + exceed) / (drawn + 1), int(k), f


def _search(x: np.ndarray, y: np.ndarray, offset: int, found: list[dict], phi: float) -> None:
    """Binary segmentation: test the segment, split at a significant break, search both sides."""
    if len(found) >= MAX_BREAKS:
        return
    result = _test(x, y, phi)
    if result is None or result[0] >= BREAK_LEVEL:
        return
    p_value, k, f = result
    found.append({"split": offset + k, "f_statistic": f, "p_value": p_value})
    _search(x[:k], y[:k], offset, found, phi)
    _search(x[k:], y[k:], offset + k, found, phi)


def _shift(x: np.ndarray, y: np.ndarray, k: int, lo: int, hi: int) -> float:
    """Level change at the break, from the line-plus-step fit over the segment either side of it."""
    return _step_fit(x[lo:hi], y[lo:hi], k - lo)[1]


def find_breaks(series: pd.Series, frequency: str | None = None) -> BreakResult:
    """Find shifts in the level or the trend of a series (at most 3), each at the 1% level.

    Parameters
    ----------
    series : pd.Series
        Values in time order, indexed by period start (or any index); NaN where missing. Missing
        values are left out, and each value keeps its period (gaps stay gaps).
    frequency : {"D", "W", "M", "Q", "FY"}, optional
        For positions from dates; without it the values are taken as consecutive.

    Returns
    -------
    BreakResult

    Notes
    -----
    Model: a straight line :math:`a + b t` with AR(1) errors, against the same line with a step
    :math:`\\delta\\,1(t \\ge k)` (a shift in level; Perron 1989's model A) or against two separate lines
    split at :math:`k` (level and trend change). For one segment the statistic is the larger of
    :math:`\\sup_k F_{step}(k)`, :math:`F_{step} = \\frac{RSS_{line} - RSS_{step}}{RSS_{step}/(n-3)}`, and
    :math:`\\sup_k F_{lines}(k)`, :math:`F_{lines} = \\frac{(RSS_{line} - RSS_{lines})/2}{RSS_{lines}/(n-4)}`,
    over splits at least 15% of the segment (and 8 values) from either end (Quandt 1960; Andrews 1993).
    Its p-value is a parametric bootstrap, as in :func:`analytics.trend.linear_trend`: 299 series of one
    line plus AR(1) errors, the same statistic on each, drawn until the break can no longer be significant
    (Besag and Clifford 1991). A break is claimed when p < 0.01, and the two segments are searched in turn
    (binary segmentation; Scott and Knott 1974; Truong, Oudre and Vayatis 2020 review the methods).

    The null's :math:`\\phi` is the lag-1 autocorrelation of residuals, bias-corrected for the lines fitted,
    plus 0.5 of its standard error. It is first taken from the most flexible fit the search could reach (up
    to 4 lines, greedily split, so that a collapse and recovery such as COVID's does not pass for persistent
    noise and hide itself); that fit also bends to the wander of a persistent series and understates
    :math:`\\phi` (AR(1) 0.6 over 60 points: 0.41 on average), which claimed breaks in 8% of such series.
    So :math:`\\phi` is then re-estimated from the lines between the breaks found, and the search rerun, until
    the breaks stop changing (at most twice more): the breaks claimed are those that hold with the
    autocorrelation their own fit leaves (the autocorrelation re-estimated from the fitted model and the fit
    repeated, as in Cochrane and Orcutt 1949). Detection rate, location and false alarms are measured in
    tests/test_simulation.py.
    """
    check_frequency(frequency, required=False)
    values = as_float_series(series)
    observed = values.notna().to_numpy()
    rows = np.flatnonzero(observed)
    y = values.to_numpy()[observed]
    if frequency is not None and isinstance(values.index, pd.DatetimeIndex) and len(values):
        x = period_positions(values.index, frequency)[observed]
    else:
        x = rows.astype(float)
    columns = ["period", "position", "f_statistic", "p_value", "shift"]
    first = values.index[rows[0]] if rows.size else None
    if len(y) < MIN_POINTS:
        note = (f"No search for a change of level or trend: it needs at least {MIN_POINTS} values; "
                f"this series has {len(y)}.")
        return BreakResult(pd.DataFrame(columns=columns), first, False, (note,))
    z = (y - y.mean()) / (float(np.std(y)) or 1.0)
    found = _breaks_under(x, y, _null_autocorrelation(x, z, _greedy_edges(x, z)))
    for _ in range(REFINEMENTS):
        edges = [0, *(row["split"] for row in found), len(y)]
        again = _breaks_under(x, y, _null_autocorrelation(x, z, edges))
        if [row["split"] for row in again] == [row["split"] for row in found]:
            break
        found = again
    splits = [row["split"] for row in found]
    edges = [0, *splits, len(y)]
    table = pd.DataFrame([{"period": values.index[rows[row["split"]]], "position": int(rows[row["split"]]),
                           "f_statistic": row["f_statistic"], "p_value": row["p_value"],
                           "shift": _shift(x, y, row["split"], edges[i], edges[i + 2])}
                          for i, row in enumerate(found)], columns=columns)
    stable = values.index[rows[splits[-1]]] if splits else first
    return BreakResult(table, stable, True, ())
