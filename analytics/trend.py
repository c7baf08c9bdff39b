"""Moving averages and linear trends with a trend test that allows for autocorrelation."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from analytics.errors import AnalysisError
from analytics.periods import (  # noqa: F401  (re-exported: the models import them from here)
    FREQUENCIES,
    FREQUENCY_WORDS,
    PERIODS_PER_YEAR,
    check_frequency,
    future_periods,
    missing_periods,
    period_positions,
)

SIGNIFICANCE_LEVEL = 0.05
CONFIDENCE = 0.95
MIN_POINTS_FOR_VERDICT = 6
MIN_POINTS_FOR_LINE = 2
# The trend test (see linear_trend's Notes): a parametric bootstrap of the OLS slope's t statistic under
# AR(1) errors. (B + 1) is a multiple of 40, so the 5% and 2.5% tails are whole numbers of replicates.
BOOTSTRAP_REPLICATES = 499
SMALLEST_P_VALUE = 1 / (BOOTSTRAP_REPLICATES + 1)  # no null replicate as extreme: p is at most this
BOOTSTRAP_SEED = 20261201  # mixed with the data (see _seed): the same series always gets the same words
MAX_AUTOCORRELATION = 0.95  # the bias-corrected lag-1 autocorrelation is capped here (0.95^52 < 0.07)
NULL_MARGIN = 0.75  # null series drawn at phi + 0.75 standard errors (see _null_phi)
PERSISTENT_AUTOCORRELATION = 0.8  # above this, say the series is strongly autocorrelated
CONSTANT_TOLERANCE = 1e-12  # a range this small relative to the values' size is floating-point noise
TEST_NAME = "OLS line; slope tested allowing for AR(1) autocorrelation (parametric bootstrap)"


def as_float_series(series, name: str = "series") -> pd.Series:
    """A float Series from a Series or sequence; plain sequences get a RangeIndex."""
    if isinstance(series, pd.Series):
        out = pd.to_numeric(series, errors="coerce").astype(float)
    else:
        out = pd.Series(np.asarray(series, dtype=float))
    if not out.index.is_monotonic_increasing:
        raise AnalysisError(f"The {name} must be in time order (earliest period first).")
    return out


def moving_average(series: pd.Series, window: int, centred: bool = False) -> pd.Series:
    """Moving average over ``window`` periods, trailing by default.

    Parameters
    ----------
    series : pd.Series
        Values in time order (one row per period).
    window : int
        Number of periods in each average, e.g. 6 for a "6-week moving average".
    centred : bool, default False
        If True, the average is placed at the centre of its window (for an even window, pandas
        puts it at the later of the two middle periods).

    Returns
    -------
    pd.Series
        Same index as ``series``. NaN until the window is full, and NaN for any window that
        contains a missing (NaN) value: an average over fewer periods than it says would mislead.

    Raises
    ------
    ValueError
        If ``window`` is not a positive whole number.

    Notes
    -----
    Trailing: :math:`MA_t = \\frac{1}{w} \\sum_{i=0}^{w-1} x_{t-i}`.
    """
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a positive whole number, got {window!r}")
    values = as_float_series(series)
    return values.rolling(int(window), min_periods=int(window), center=centred).mean()


@dataclass(frozen=True)
class TrendResult:
    """A straight-line trend and the evidence for it.

    ``slope`` is per period (of log values when ``log``); ``growth_pct`` is the % change per period
    for a log-linear fit. ``direction`` is ``up``, ``down`` or ``flat`` (p >= 0.05), or None when
    no verdict can be given; ``no_verdict`` then says why in plain words (too few values, every value
    the same). ``autocorrelation`` is the bias-corrected lag-1 autocorrelation of the residuals that
    the test allows for (NaN without a test). ``table`` has one row per period: ``position``,
    ``value``, ``fitted`` and the 95% confidence band of the line, ``lower`` and ``upper`` (NaN
    without a test); charts draw that band and never refit.
    """

    slope: float
    slope_ci: tuple[float, float]
    slope_per_year: float | None
    slope_per_year_ci: tuple[float, float] | None
    p_value: float
    r2: float
    fitted: pd.Series
    pct_change: float | None
    direction: str | None
    n: int
    log: bool
    growth_pct: float | None
    growth_pct_ci: tuple[float, float] | None
    growth_pct_per_year: float | None
    table: pd.DataFrame
    warnings: tuple[str, ...]
    autocorrelation: float = math.nan
    no_verdict: str | None = None
    method: str = TEST_NAME
    basis: str = "values"  # or "seasonally adjusted values" (set by analysis when a seasonal pattern is found)


def _positions(values: pd.Series, frequency: str | None) -> np.ndarray:
    if frequency is not None and isinstance(values.index, pd.DatetimeIndex) and len(values):
        return period_positions(values.index, frequency)
    return np.arange(len(values), dtype=float)


@dataclass(frozen=True)
class _Design:
    """The OLS line's weights on the observed positions, laid on the whole grid of periods.

    ``grid`` is each observed point's whole-period offset from the first; ``adjacent`` the observed
    points whose next period is observed too (the pairs the lag-1 autocorrelation is taken over).
    """

    x: np.ndarray
    grid: np.ndarray
    length: int
    slope_weights: np.ndarray
    adjacent: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray) -> _Design:
        centred = x - x.mean()
        grid = np.rint(x - x[0]).astype(int)
        return cls(x=x, grid=grid, length=int(grid[-1]) + 1, slope_weights=centred / float(centred @ centred),
                   adjacent=np.flatnonzero(np.diff(grid) == 1))

    def on_grid(self, weights: np.ndarray) -> np.ndarray:
        out = np.zeros(self.length)
        out[self.grid] = weights
        return out

    def correlated_sum(self, a: np.ndarray, b: np.ndarray, phi) -> np.ndarray:
        """sum_ij a_i b_j phi^|t_i - t_j| for each phi: the covariance of a'u and b'u for unit-variance AR(1) u.

        A polynomial in phi whose coefficient k sums a_i b_j over the pairs k periods apart.
        """
        products = np.correlate(self.on_grid(b), self.on_grid(a), "full")  # index length - 1 is lag 0
        centre = self.length - 1
        coefficients = products[centre:] + products[centre::-1]
        coefficients[0] = products[centre]
        phi = np.atleast_1d(np.asarray(phi, dtype=float))
        return np.polynomial.polynomial.polyval(phi, coefficients)


def _lag1_autocorrelation(resid: np.ndarray, design: _Design) -> np.ndarray:
    """Bias-corrected lag-1 autocorrelation of OLS trend residuals, one per row, within +/- MAX_AUTOCORRELATION.

    The raw estimate r1 (mean product of neighbouring residuals over their mean square) is biased down
    by about (2 + 4 phi) / n after fitting a line (Shaman and Stine 1988 give such first-order biases),
    so phi = (n r1 + 2) / (n - 4).
    """
    n = resid.shape[1]
    if design.adjacent.size == 0:
        return np.zeros(resid.shape[0])
    if design.adjacent.size == n - 1:  # no gaps: every neighbour pair (a slice, not a copy)
        lagged = (resid[:, 1:] * resid[:, :-1]).mean(axis=1)
    else:
        lagged = (resid[:, design.adjacent] * resid[:, design.adjacent + 1]).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = lagged / (resid**2).mean(axis=1)
    return np.clip(np.nan_to_num((n * r1 + 2.0) / (n - 4.0)), -MAX_AUTOCORRELATION, MAX_AUTOCORRELATION)


def _statistics(y: np.ndarray, design: _Design) -> tuple[np.ndarray, ...]:
    """OLS slope, its AR(1) standard error, t, and the autocorrelation, for each row of ``y``."""
    n = y.shape[1]
    slope = y @ design.slope_weights
    resid = y - y.mean(axis=1, keepdims=True) - slope[:, None] * (design.x - design.x.mean())[None, :]
    phi = _lag1_autocorrelation(resid, design)
    s2 = (resid**2).sum(axis=1) / (n - 2)
    se = np.sqrt(s2 * design.correlated_sum(design.slope_weights, design.slope_weights, phi))
    with np.errstate(divide="ignore", invalid="ignore"):
        return slope, se, slope / se, phi


def _null_phi(phi: float, n: int) -> float:
    """The AR(1) coefficient the null series are drawn with: the estimate plus a margin.

    An estimate below the truth makes the test over-reject, one above it makes it cautious; a margin of
    0.75 of the estimate's asymptotic standard error, sqrt((1 - phi^2) / n), keeps the size near 5% for
    phi up to 0.6 from 24 points (tests/test_simulation.py).
    """
    return min(MAX_AUTOCORRELATION, phi + NULL_MARGIN * math.sqrt((1.0 - phi * phi) / n))


def _seed(x: np.ndarray, y: np.ndarray) -> int:
    """A seed taken from the data: the same series always gets the same p-value, and over many series the
    bootstrap's own noise averages out instead of shifting every test the same way (as one fixed seed would)."""
    return zlib.crc32(np.ascontiguousarray(np.r_[x, y], dtype="<f8").tobytes(), BOOTSTRAP_SEED)


def _null_t(design: _Design, phi: float, seed: int) -> np.ndarray:
    """|t| of the slope for BOOTSTRAP_REPLICATES trendless AR(1) series with coefficient ``phi``."""
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((BOOTSTRAP_REPLICATES, design.length))
    shocks[:, 0] /= math.sqrt(1.0 - phi * phi)  # start in the stationary distribution
    paths = lfilter([1.0], [1.0, -phi], shocks, axis=1)
    return np.abs(_statistics(paths[:, design.grid], design)[2])


def _tail_quantile(null: np.ndarray, alpha: float) -> float:
    """The |t| beyond which p < alpha exactly, with p = (1 + #{|t*| >= |t|}) / (B + 1)."""
    k = math.ceil(round(alpha * (len(null) + 1), 9)) - 1
    return float(np.sort(null)[::-1][k - 1])


def _band(design: _Design, x_all: np.ndarray, s2: float, phi: float, q: float) -> np.ndarray:
    """Half-width of the line's band at every position: q x the AR(1) standard error of a + b x."""
    n = len(design.x)
    mean_weights = np.full(n, 1.0 / n)
    w = design.slope_weights
    uu, uw, ww = (float(design.correlated_sum(a, b, phi)[0])
                  for a, b in ((mean_weights, mean_weights), (mean_weights, w), (w, w)))
    d = x_all - design.x.mean()
    return q * np.sqrt(np.maximum(s2 * (uu + 2 * d * uw + d * d * ww), 0.0))


@dataclass(frozen=True)
class _Inference:
    slope: float
    ci: tuple[float, float]
    p_value: float
    phi: float
    band_half_width: np.ndarray | None
    reason: str | None


def _infer(x: np.ndarray, y: np.ndarray, x_all: np.ndarray) -> _Inference:
    n = len(y)
    design = _Design.of(x)
    scale = max(float(np.abs(y).max()), 1.0)
    if np.ptp(y) <= CONSTANT_TOLERANCE * scale:
        return _Inference(0.0, (math.nan, math.nan), math.nan, math.nan, None,
                          "every value is the same, so there is no trend to test")
    slope = float(y @ design.slope_weights)
    if n < MIN_POINTS_FOR_VERDICT:
        return _Inference(slope, (math.nan, math.nan), math.nan, math.nan, None,
                          f"too few values ({n}) to judge a trend; at least {MIN_POINTS_FOR_VERDICT} are needed")
    resid = y - y.mean() - slope * (x - x.mean())
    rss = float(resid @ resid)
    if math.sqrt(rss / n) <= CONSTANT_TOLERANCE * scale:  # in root form: (1e200)**2 would overflow
        # the values lie on a straight line: the slope is known without error
        return _Inference(slope, (slope, slope), 0.0, math.nan, np.zeros(len(x_all)), None)
    _, se, t, phi = (float(v[0]) for v in _statistics(y[None, :], design))
    null = _null_t(design, _null_phi(phi, n), _seed(x, y))
    p_value = (1 + int(np.sum(null >= abs(t)))) / (len(null) + 1)
    q = _tail_quantile(null, 1 - CONFIDENCE)
    return _Inference(slope, (slope - q * se, slope + q * se), p_value, phi,
                      _band(design, x_all, rss / (n - 2), phi, q), None)


def _r_squared(y: np.ndarray, fitted: np.ndarray) -> float:
    tss = float(((y - y.mean()) ** 2).sum())
    scale = max(float(np.abs(y).max()), 1.0)
    if math.sqrt(tss / len(y)) <= CONSTANT_TOLERANCE * scale:
        return math.nan
    return 1.0 - float(((y - fitted) ** 2).sum()) / tss


def _direction(slope: float, p_value: float) -> str | None:
    if not math.isfinite(p_value):
        return None
    if p_value < SIGNIFICANCE_LEVEL and slope != 0:
        return "up" if slope > 0 else "down"
    return "flat"


def _growth(b: float) -> float:
    return (math.exp(b) - 1.0) * 100.0


def _pct_change(fitted: np.ndarray, warns: list[str]) -> float | None:
    start, end = fitted[0], fitted[-1]
    if start <= 0:
        warns.append("The % change over the span is not shown: the fitted line starts at or below zero.")
        return None
    return (end - start) / start * 100.0


def linear_trend(series: pd.Series, frequency: str | None = None, *, log: bool = False) -> TrendResult:
    """Fit a straight line by OLS on the period index and test its slope allowing for autocorrelation.

    Parameters
    ----------
    series : pd.Series
        Values in time order. With a DatetimeIndex and ``frequency``, each point sits at its true
        position on the period index, so absent periods stay as gaps. NaN values (missing or
        suppressed) are left out of the fit and counted in ``warnings``.
    frequency : {"D", "W", "M", "Q", "FY"}, optional
        Needed for ``slope_per_year`` and for positions from dates; without it points are taken as
        consecutive periods.
    log : bool, default False
        Fit :math:`\\log y` instead of :math:`y` (all values must be positive); ``growth_pct`` is then
        the growth in % per period.

    Returns
    -------
    TrendResult
        With ``slope`` (per period), ``slope_ci`` (95%), ``p_value``, ``r2``, ``fitted`` (the line at
        every period of ``series``), ``pct_change`` (fitted end against fitted start, in %),
        ``direction``, ``table`` (with the band) and ``warnings``. Fewer than 6 values, or values that
        are all the same: the line is shown but ``direction`` is None, ``p_value`` and ``slope_ci``
        are NaN, and ``no_verdict`` says why.

    Raises
    ------
    AnalysisError
        Fewer than 2 non-missing points, or ``log=True`` with a value at or below zero.

    Notes
    -----
    Model :math:`y_t = a + b t + u_t` with AR(1) errors :math:`u_t = \\phi u_{t-1} + e_t`, as council
    series usually are. The line is ordinary least squares, which is efficient for a trend under
    stationary errors (Grenander 1954). The statistic is :math:`t = \\hat b / \\widehat{se}(\\hat b)`
    with the OLS slope's standard error under AR(1) errors,
    :math:`se^2 = s^2 \\sum_{ij} w_i w_j \\hat\\phi^{|t_i - t_j|}` (:math:`w` the OLS slope weights,
    :math:`s^2` = RSS / (n - 2), gaps kept at their periods), and :math:`\\hat\\phi` the lag-1
    autocorrelation of the residuals, bias-corrected as :math:`(n r_1 + 2)/(n - 4)` and kept within
    -0.95 to 0.95. An estimated :math:`\\phi` in a t-test still over-rejects on short series (about 9% at 24
    points with :math:`\\phi` = 0.6), so the p-value is a parametric bootstrap: the same statistic,
    :math:`\\phi` re-estimated, on 499 trendless AR(1) series with :math:`\\phi = \\hat\\phi` plus 0.75 of
    its standard error :math:`\\sqrt{(1 - \\hat\\phi^2)/n}` (an estimate that is too low makes the test
    over-reject; the margin was set by the size simulations) and a seed taken from the data,
    :math:`p = (1 + \\#\\{|t^*| \\ge |t|\\}) / 500` (Efron and Tibshirani 1993, ch. 16; the
    AR-sieve bootstrap of Buhlmann 1997 as used for trend tests by Noguchi, Gel and Duguay 2011).
    The interval is :math:`\\hat b \\pm q\\,\\widehat{se}`, :math:`q` the bootstrap quantile at which
    p = 0.05, so it excludes 0 exactly when p < 0.05; the band of the line :math:`a + b x` uses the same
    :math:`q`. Size and power are measured in tests/test_simulation.py. ``direction`` is ``up``/``down``
    when p < 0.05, else ``flat``. Log-linear: growth per period :math:`100 (e^{b} - 1)` %, per year
    :math:`100 (e^{b k} - 1)` % with :math:`k` periods a year.
    """
    check_frequency(frequency, required=False)
    values = as_float_series(series)
    warns: list[str] = []
    x_all = _positions(values, frequency)
    observed = values.notna().to_numpy()
    n = int(observed.sum())
    if n < MIN_POINTS_FOR_LINE:
        raise AnalysisError(f"A trend needs at least {MIN_POINTS_FOR_LINE} values; this series has {n}.")
    if n < len(values):
        warns.append(
            f"{len(values) - n} missing or suppressed value(s) left out; the line is fitted to the other "
            f"{n}, each at its own period."
        )
    y = values.to_numpy()[observed]
    if log:
        if (y <= 0).any():
            raise AnalysisError("A log-linear (growth) trend needs every value above zero.")
        y = np.log(y)
    x = x_all[observed]
    found = _infer(x, y, x_all)
    if found.reason is not None:
        warns.append(f"No trend verdict: {found.reason}.")
    if found.phi >= PERSISTENT_AUTOCORRELATION:
        warns.append(f"Strongly autocorrelated values (lag-1 autocorrelation about {found.phi:.2f}): runs of high "
                     "or low values are common, so the trend test allows for them and needs a clearer trend.")
    slope = found.slope
    intercept = float(y.mean() - slope * x.mean())
    line = intercept + slope * x_all
    fitted_values = np.exp(line) if log else line
    pct = _pct_change(fitted_values, warns) if not log else _growth(slope * (x_all[-1] - x_all[0]))
    per_year = PERIODS_PER_YEAR.get(frequency) if frequency else None
    half = found.band_half_width if found.band_half_width is not None else np.full(len(x_all), math.nan)
    band = (np.exp(line - half), np.exp(line + half)) if log else (line - half, line + half)
    table = pd.DataFrame({"position": x_all, "value": values.to_numpy(), "fitted": fitted_values,
                          "lower": band[0], "upper": band[1]}, index=values.index)
    ci = found.ci
    return TrendResult(
        slope=slope,
        slope_ci=ci,
        slope_per_year=slope * per_year if per_year else None,
        slope_per_year_ci=(ci[0] * per_year, ci[1] * per_year) if per_year else None,
        p_value=found.p_value,
        r2=_r_squared(y, intercept + slope * x),
        fitted=pd.Series(fitted_values, index=values.index, name="fitted"),
        pct_change=pct,
        direction=_direction(slope, found.p_value),
        n=n,
        log=log,
        growth_pct=_growth(slope) if log else None,
        growth_pct_ci=(_growth(ci[0]), _growth(ci[1])) if log else None,
        growth_pct_per_year=_growth(slope * per_year) if log and per_year else None,
        table=table,
        warnings=tuple(warns),
        autocorrelation=found.phi,
        no_verdict=found.reason,
    )
