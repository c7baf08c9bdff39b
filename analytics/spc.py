"""Statistical process control: the NHS England "Making Data Count" XmR chart.

Follows ``shared/SPC.md``: the rules and parameters of the NHS-R reference package NHSRplotthedots
v0.2.2, plus the guards the app adds (trial limits, gaps, constant series, denominators). Every number
the rules use is named once, here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.errors import AnalysisError
from analytics.notes import Note, caveat
from analytics.trend import as_float_series, missing_periods

# --- Making Data Count constants (NHSRplotthedots v0.2.2) -------------------------------------------------
LIMIT_FACTOR = 2.66  # process limits: mean +/- 2.66 x mean moving range
TWO_SIGMA_FACTOR = 2 * LIMIT_FACTOR / 3  # "two sigma" lines, two thirds of the way: 1.7733...
SCREEN_FACTOR = 3.267  # moving ranges at or above 3.267 x mean(MR) are screened out
RUN_LENGTH = 7  # points in a row on one side of the mean
TREND_LENGTH = 7  # points in a row each higher (or lower) than the one before
TWO_OF_THREE_WINDOW = 3
TWO_OF_THREE_NEEDED = 2
MIN_BASELINE_POINTS = 12  # a fixed baseline needs at least this many points
TRIAL_LIMITS_BELOW = 13  # a group with fewer points has trial limits
# Fewer values than the shortest run or trend rule can never show those signals, so "no signal" from them
# would be a claim the data cannot make: below this, the latest group gets no variation or assurance icon.
MIN_SPC_POINTS = max(RUN_LENGTH, TREND_LENGTH)
# --- guards the app adds ------------------------------------------------------------------------------------
DENOMINATOR_RATIO_WARNING = 2.0  # warn when the largest denominator is over twice the smallest

IMPROVEMENTS = ("increase", "decrease", "neutral")
RULE_ORDER = ("outside_limits", "trend", "two_of_three", "run")  # label precedence
POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
    "target": "#de1b1b",
}
_VARIATION_ICONS = {
    ("special_cause_improvement", "increase"): "improvement_high",
    ("special_cause_improvement", "decrease"): "improvement_low",
    ("special_cause_concern", "increase"): "concern_low",
    ("special_cause_concern", "decrease"): "concern_high",
    ("special_cause_neutral_high", "neutral"): "neutral_high",
    ("special_cause_neutral_low", "neutral"): "neutral_low",
}
# Icon names in words, for tables and packs (the KPI summary, the Word pack).
VARIATION_WORDS = {
    "common_cause": "Common cause: no significant change",
    "improvement_high": "Special cause: improvement (high)",
    "improvement_low": "Special cause: improvement (low)",
    "concern_high": "Special cause: concern (high)",
    "concern_low": "Special cause: concern (low)",
    "neutral_high": "Special cause: neither improvement nor concern (high)",
    "neutral_low": "Special cause: neither improvement nor concern (low)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently passes the target",
    "consistent_fail": "Consistently fails the target",
    "inconsistent": "Hit or miss",
}
_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart: one row per point in ``table``, one row per rebase group in ``groups``.

    ``variation`` names the variation icon (``common_cause``, ``improvement_high``, ``improvement_low``,
    ``concern_high``, ``concern_low``, ``neutral_high``, ``neutral_low``) or None with no limits and no
    flagged last point; ``assurance`` names the assurance icon (``consistent_pass``, ``consistent_fail``,
    ``inconsistent``) or None. ``provisional`` is True when the latest group has trial limits, so no
    icon verdict is settled; ``too_few_points`` when it has fewer than :data:`MIN_SPC_POINTS` values, so
    neither icon is stated at all (both are None) and the views say so instead of "common cause".
    ``basis`` is ``values`` or ``seasonally adjusted values``.
    """

    table: pd.DataFrame
    variation: str | None
    assurance: str | None
    groups: pd.DataFrame
    warnings: tuple[str, ...]
    improvement: str
    target: float | None
    provisional: bool
    basis: str = "values"
    too_few_points: bool = False

    @property
    def latest_points(self) -> int:
        """Values present in the latest group (the ones its limits and icons rest on)."""
        return int(self.groups["n_values"].iloc[-1]) if len(self.groups) else 0


@dataclass(frozen=True)
class _Limits:
    mean: float
    amr: float  # mean moving range after screening; NaN when there are no limits
    n_baseline: int

    @property
    def has_limits(self) -> bool:
        return bool(np.isfinite(self.amr) and self.amr > 0)


def _mean(values: np.ndarray) -> float:
    """The mean as R computes it (a second pass corrects the first's rounding), so that the mean of a constant
    series is that constant: one ulp off, every point would sit on one side of the centre line and the run
    rule would flag them all."""
    if not values.size:
        return math.nan
    if values.min() == values.max():
        return float(values[0])
    first = float(values.sum() / values.size)
    return first + float((values - first).sum() / values.size)


def _group_limits(y: np.ndarray, baseline_points: int | None, screen_outliers: bool) -> _Limits:
    base = y if baseline_points is None else y[:baseline_points]
    finite = base[np.isfinite(base)]
    mean = _mean(finite)
    mr = np.abs(np.diff(base))
    mr = mr[np.isfinite(mr)]  # a moving range next to a missing value does not exist
    amr = float(mr.mean()) if mr.size else math.nan
    if screen_outliers and mr.size:
        kept = mr[mr < SCREEN_FACTOR * amr]
        amr = float(kept.mean()) if kept.size else math.nan
    return _Limits(mean=mean, amr=amr, n_baseline=len(base))


def _runs(codes: np.ndarray, min_length: int) -> np.ndarray:
    """True where a maximal run of equal non-zero codes is at least ``min_length`` long."""
    flags = np.zeros(len(codes), dtype=bool)
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            if codes[start] != 0 and i - start >= min_length:
                flags[start:i] = True
            start = i
    return flags


def _sign(values: np.ndarray) -> np.ndarray:
    """Sign with NaN mapped to 0, so a missing value breaks every run and trend."""
    return np.nan_to_num(np.sign(values), nan=0.0).astype(int)


def _trend_flags(y: np.ndarray) -> np.ndarray:
    steps = _sign(np.diff(y))
    step_flags = _runs(steps, TREND_LENGTH - 1)
    flags = np.zeros(len(y), dtype=bool)
    flags[:-1] |= step_flags
    flags[1:] |= step_flags
    return flags


def _trend_directions(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """+1 (increasing) or -1 (decreasing) for each point of a trend, as the reference decides it.

    A point whose next point is also in a trend takes the step to its right, otherwise the step
    from its left; a zero step counts as decreasing (NHSRplotthedots v0.2.2, ``sdy``).
    """
    steps = _sign(np.diff(y))
    right = np.append(steps, steps[-1] if steps.size else 0)
    left = np.insert(steps, 0, 0)
    next_in_trend = np.append(in_trend[1:], False)
    chosen = np.where(next_in_trend & in_trend, right, left)
    return np.where(chosen == 1, 1, -1)


def _two_of_three_flags(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    flags = np.zeros(len(close), dtype=bool)
    for k in range(len(close) - TWO_OF_THREE_WINDOW + 1):
        window = slice(k, k + TWO_OF_THREE_WINDOW)
        same_side = abs(int(side[window].sum())) == TWO_OF_THREE_WINDOW
        if same_side and int(close[window].sum()) >= TWO_OF_THREE_NEEDED:
            flags[window] |= close[window]
    return flags


def _group_rules(y: np.ndarray, lim: _Limits) -> dict[str, np.ndarray]:
    side = _sign(y - lim.mean)
    if lim.has_limits:
        upl, lpl = lim.mean + LIMIT_FACTOR * lim.amr, lim.mean - LIMIT_FACTOR * lim.amr
        upper2, lower2 = lim.mean + TWO_SIGMA_FACTOR * lim.amr, lim.mean - TWO_SIGMA_FACTOR * lim.amr
        with np.errstate(invalid="ignore"):
            outside = (y > upl) | (y < lpl)
            close = ~outside & ((y < lower2) | (y > upper2))
        two_of_three = _two_of_three_flags(close, side)
    else:
        outside = two_of_three = np.zeros(len(y), dtype=bool)
    trend = _trend_flags(y)
    return {
        "outside_limits": outside,
        "trend": trend,
        "two_of_three": two_of_three,
        "run": _runs(side, RUN_LENGTH),
        "side": side,
        "trend_direction": _trend_directions(y, trend),
    }


def _point_labels(rules: dict[str, np.ndarray], improvement: str) -> tuple[list[str], list[str], list[str]]:
    names, shown, types = [], [], []
    sign_of_improvement = _DIRECTION[improvement]
    for i in range(len(rules["side"])):
        fired = [rule for rule in RULE_ORDER if rules[rule][i]]
        names.append(", ".join(fired))
        shown.append(fired[0] if fired else "")
        if not fired:
            types.append("common_cause")
            continue
        high = rules["trend_direction"][i] if fired[0] == "trend" else (1 if rules["side"][i] > 0 else -1)
        types.append(_point_type(high, sign_of_improvement))
    return names, shown, types


def _point_type(high: int, sign_of_improvement: int) -> str:
    if sign_of_improvement == 0:
        return "special_cause_neutral_high" if high > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if high * sign_of_improvement > 0 else "special_cause_concern"


def _group_bounds(n: int, rebase_at) -> list[tuple[int, int]]:
    starts = sorted({int(p) for p in rebase_at} | {0})
    bad = [p for p in starts if p < 0 or p >= n]
    if bad:
        raise AnalysisError(
            f"Rebase position(s) {bad} are outside the series, which has {n} points (positions 0 to {n - 1})."
        )
    return list(zip(starts, starts[1:] + [n], strict=True))


def _check_options(improvement: str, baseline_points: int | None) -> None:
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {IMPROVEMENTS}, got {improvement!r}")
    if baseline_points is not None and baseline_points < MIN_BASELINE_POINTS:
        raise AnalysisError(
            f"A fixed baseline needs at least {MIN_BASELINE_POINTS} points; {baseline_points} were given."
        )


def _variation(table: pd.DataFrame, improvement: str, warns: list[str]) -> str | None:
    observed = table[table["value"].notna()]
    if observed.empty:
        return None
    if len(observed) < len(table) and pd.isna(table["value"].iloc[-1]):
        warns.append("The latest value is missing, so the variation icon describes the last value shown.")
    point_type = observed["point_type"].iloc[-1]
    if point_type == "common_cause":
        return "common_cause"
    return _VARIATION_ICONS[(point_type, improvement)]


def _assurance(groups: pd.DataFrame, improvement: str, target: float | None, warns: list[str]) -> str | None:
    if target is None:
        return None
    if improvement == "neutral":
        warns.append("No assurance icon: a target needs a direction of improvement (increase or decrease).")
        return None
    latest = groups.iloc[-1]
    if not np.isfinite(latest["upl"]):
        warns.append("No assurance icon: the latest group has no process limits.")
        return None
    increasing = improvement == "increase"
    if target > latest["upl"]:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < latest["lpl"]:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def _data_warnings(values: pd.Series, frequency: str | None, denominators) -> list[str]:
    warns = []
    n_missing = int(values.isna().sum())
    if n_missing:
        warns.append(
            f"{n_missing} missing or suppressed value(s) are shown as gaps; no moving range is taken across "
            "a gap, and a gap breaks runs and trends."
        )
    if frequency is not None and isinstance(values.index, pd.DatetimeIndex):
        gaps = missing_periods(values.index, frequency)
        if len(gaps):
            warns.append(caveat(
                f"{len(gaps)} period(s) are absent from the series (first {gaps[0]:%d %b %Y}); the chart "
                "joins the points either side, which hides the gap.", "absent_periods"))
    if denominators is not None:
        d = np.asarray(denominators, dtype=float)
        d = d[np.isfinite(d) & (d > 0)]
        if d.size and d.max() > DENOMINATOR_RATIO_WARNING * d.min():
            warns.append(
                "The denominators vary widely (from "
                f"{d.min():,.0f} to {d.max():,.0f}); an XmR chart ignores the denominator, so a small-"
                "denominator point can look special by chance."
            )
    return warns


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


TOO_FEW_FOR_SPC = "too few points for SPC"


def too_few_words(n: int) -> str:
    """How many points there are and how many SPC needs, for a table cell ("too few points for SPC: 2 of the
    7 needed")."""
    return f"{TOO_FEW_FOR_SPC}: {n} of the {MIN_SPC_POINTS} needed"


def _too_few_points(label: str, n: int) -> Note:
    return Note(f"Too few points for SPC: {label.lower()} has {n} and an SPC chart needs at least "
                f"{MIN_SPC_POINTS} (the run and trend rules need {MIN_SPC_POINTS} in a row), so no limits, signal "
                "or icon are stated.", "too_few_points")


def _trial_limits(label: str, n: int) -> Note:
    return caveat(f"{label} has {_points(n)}: these are trial limits (fewer than {TRIAL_LIMITS_BELOW} points), "
                  "so no signal or icon is settled yet.", "trial_limits")


def _group_warnings(k: int, n: int, lim: _Limits, baseline_points: int | None, latest: bool) -> list[str]:
    label = f"Group {k + 1}" if k else "The series"
    warns = []
    if latest and n < MIN_SPC_POINTS:  # the latest group's limits and icons are the ones stated
        warns.append(_too_few_points(label, n))
        return warns
    if n < TRIAL_LIMITS_BELOW:
        warns.append(_trial_limits(label, n))
    if baseline_points is not None and n < baseline_points:  # n: values present
        warns.append(
            f"{label} has only {_points(n)}, fewer than the baseline of {baseline_points}; all are used."
        )
    if not lim.has_limits:
        warns.append(
            f"{label}: no process limits, because the moving ranges are all zero (or too few to use); "
            "use a run chart (runs and trends are still checked)."
        )
    return warns


def xmr(
    values,
    *,
    improvement: str = "neutral",
    target: float | None = None,
    rebase_at=(),
    baseline_points: int | None = None,
    screen_outliers: bool = True,
    frequency: str | None = None,
    denominators=None,
) -> SpcResult:
    """Make an XmR (individuals) chart with Making Data Count rules and icons.

    Parameters
    ----------
    values : sequence of float or pd.Series
        Values in time order; NaN for missing or suppressed. A Series keeps its index in ``table``.
    improvement : {"increase", "decrease", "neutral"}, default "neutral"
        Which direction is better; decides improvement/concern colours and the icons.
    target : float, optional
        Target for the assurance icon (needs a non-neutral ``improvement``).
    rebase_at : sequence of int, default ()
        0-based positions where a new group starts (a known change: new service model, new
        definition). Each group has its own mean and limits and its own rules. Never automatic.
    baseline_points : int, optional
        Fix each group's mean and limits on its first ``baseline_points`` points (at least 12) and
        extend them over the rest of the group.
    screen_outliers : bool, default True
        Drop moving ranges at or above 3.267 x their mean before the final mean moving range.
        False reproduces the MDC Excel tool.
    frequency : {"D", "W", "M", "Q", "FY"}, optional
        With a DatetimeIndex, used to warn about absent periods.
    denominators : sequence of float, optional
        For percentages: warns when the denominators vary widely.

    Returns
    -------
    SpcResult
        ``table`` columns: ``group``, ``value``, ``mean``, ``lpl``, ``upl``, ``lower_two_sigma``,
        ``upper_two_sigma``, ``special_cause`` (bool), ``rules`` (every rule that fired, comma
        separated, in precedence order), ``rule_shown``, ``point_type``, ``colour``, ``trial_limits``;
        ``groups`` columns: ``group``, ``start``, ``start_position``, ``n`` (rows), ``n_values`` (values
        present; trial limits count these), ``n_baseline``, ``mean``,
        ``mean_moving_range``, ``lpl``, ``upl``, ``trial_limits``.

    Raises
    ------
    AnalysisError
        ``baseline_points`` below 12, a rebase position outside the series, or no values at all.
    ValueError
        An unknown ``improvement``.

    Notes
    -----
    Per group: :math:`\\bar{x}` the mean, :math:`MR_i = |x_i - x_{i-1}|`,
    :math:`\\overline{MR}` their mean (after screening, :math:`MR_i < 3.267\\,\\overline{MR}`), limits
    :math:`\\bar{x} \\pm 2.66\\,\\overline{MR}`, two-sigma lines
    :math:`\\bar{x} \\pm 1.7733\\,\\overline{MR}`.
    Rules: outside the limits (strict); a run of 7+ on one side of the mean (a point on the mean
    breaks it); a trend of 7+ points each strictly above (below) the one before; two of three
    consecutive points beyond a two-sigma line but inside the limits, all three on one side. The label
    shown is the first of outside limits, trend, two of three, run. A missing value breaks runs and
    trends and has no moving range either side. With zero moving ranges there are no limits: only runs
    and trends are checked.
    """
    _check_options(improvement, baseline_points)
    series = as_float_series(values, "values")
    if series.notna().sum() == 0:
        raise AnalysisError("An SPC chart needs at least one value; every value here is missing.")
    warns = _data_warnings(series, frequency, denominators)
    y_all = series.to_numpy()
    frames, group_rows = [], []
    bounds = _group_bounds(len(series), rebase_at)
    for k, (start, stop) in enumerate(bounds):
        y = y_all[start:stop]
        lim = _group_limits(y, baseline_points, screen_outliers)
        # guards count the values present, not the rows: a gap is not a point
        warns.extend(_group_warnings(k, int(np.isfinite(y).sum()), lim, baseline_points, k == len(bounds) - 1))
        frames.append(_group_table(y, lim, k, improvement))
        group_rows.append(_group_row(k, series.index[start], start, y, lim))
    table = pd.concat(frames, ignore_index=True).set_index(series.index)
    if target is not None:
        table["target"] = float(target)
    groups = pd.DataFrame(group_rows)
    too_few = int(groups["n_values"].iloc[-1]) < MIN_SPC_POINTS
    variation = None if too_few else _variation(table, improvement, warns)
    assurance = None if too_few else _assurance(groups, improvement, None if target is None else float(target),
                                                warns)
    return SpcResult(
        table=table,
        variation=variation,
        assurance=assurance,
        groups=groups,
        warnings=tuple(warns),
        improvement=improvement,
        target=None if target is None else float(target),
        provisional=bool(groups["trial_limits"].iloc[-1]),
        too_few_points=too_few,
    )


def _group_table(y: np.ndarray, lim: _Limits, k: int, improvement: str) -> pd.DataFrame:
    rules = _group_rules(y, lim)
    names, shown, types = _point_labels(rules, improvement)
    amr = lim.amr if lim.has_limits else math.nan
    flagged = np.zeros(len(y), dtype=bool)
    for rule in RULE_ORDER:
        flagged |= rules[rule]
    return pd.DataFrame(
        {
            "group": k,
            "value": y,
            "mean": lim.mean,
            "lpl": lim.mean - LIMIT_FACTOR * amr,
            "upl": lim.mean + LIMIT_FACTOR * amr,
            "lower_two_sigma": lim.mean - TWO_SIGMA_FACTOR * amr,
            "upper_two_sigma": lim.mean + TWO_SIGMA_FACTOR * amr,
            "special_cause": flagged,
            "rules": names,
            "rule_shown": shown,
            "point_type": types,
            "colour": [COLOURS[t] for t in types],
            "trial_limits": int(np.isfinite(y).sum()) < TRIAL_LIMITS_BELOW,
        }
    )


def _group_row(k: int, start_label, start: int, y: np.ndarray, lim: _Limits) -> dict:
    amr = lim.amr if lim.has_limits else math.nan
    n_values = int(np.isfinite(y).sum())
    return {
        "group": k,
        "start": start_label,
        "start_position": start,
        "n": len(y),
        "n_values": n_values,
        "n_baseline": lim.n_baseline,
        "mean": lim.mean,
        "mean_moving_range": amr,
        "lpl": lim.mean - LIMIT_FACTOR * amr,
        "upl": lim.mean + LIMIT_FACTOR * amr,
        "trial_limits": n_values < TRIAL_LIMITS_BELOW,
    }


def xmr_seasonally_adjusted(series: pd.Series, frequency: str, **options) -> SpcResult:
    """XmR chart on seasonally adjusted values (STL), labelled as such.

    Parameters
    ----------
    series : pd.Series
        Values indexed by period start (DatetimeIndex), in time order.
    frequency : {"D", "W", "M", "Q"}
        As for :func:`analytics.seasonal.decompose`.
    **options
        Passed to :func:`xmr` (``improvement``, ``target``, ``rebase_at``...).

    Returns
    -------
    SpcResult
        With ``basis="seasonally adjusted values"`` and a warning saying so; the ``value`` column holds
        the adjusted values.

    Raises
    ------
    AnalysisError
        Fewer than two full seasonal cycles, or anything :func:`xmr` raises.

    Notes
    -----
    Adjusted value = observed - STL seasonal component. Limits computed on adjusted values describe
    the variation left after the usual seasonal pattern, not the raw values a reader may compare them
    with; hence the label.
    """
    from analytics import seasonal  # local: seasonal is optional for a plain XmR chart

    decomposition = seasonal.decompose(series, frequency)
    # filled-in periods are not data: they go back to being gaps on the chart
    adjusted = decomposition.adjusted.where(~decomposition.table["filled"])
    result = xmr(adjusted, frequency=decomposition.frequency, **options)
    label = "The chart shows seasonally adjusted values (the usual seasonal pattern removed with STL)."
    return replace(
        result,
        basis="seasonally adjusted values",
        warnings=(label, *decomposition.warnings, *result.warnings),
    )


# --- proportions: p-chart and Laney p' chart -----------------------------------------------------------------
SIGMA_LIMITS = 3.0  # p-chart limits at 3 sigma, two-sigma lines at 2 (as the XmR chart's 2.66 x mean MR)
D2 = 1.128  # unbiasing constant of the moving range of two points (mean MR / 1.128 estimates sigma)


def p_chart(numerators, denominators, *, improvement: str = "neutral", laney: bool | None = None,
            target: float | None = None) -> SpcResult:
    """A p-chart (or Laney p' chart) for a proportion with its numerator and denominator, in percent.

    Parameters
    ----------
    numerators, denominators : sequence of float or pd.Series
        Counts per period (e.g. people still at home 91 days after reablement, and people discharged);
        a Series keeps its index. NaN or a denominator of 0: the point is a gap.
    improvement : {"increase", "decrease", "neutral"}
        As for :func:`xmr`.
    laney : bool, optional
        Use Laney's p' chart. By default it is used when the z-scores vary more than a binomial allows
        (sigma_z > 1), as with large denominators, where a plain p-chart flags almost every point.
    target : float, optional
        In percent, for the assurance icon.

    Returns
    -------
    SpcResult
        ``table`` as for :func:`xmr` (``value`` in %), with ``numerator``, ``denominator`` and limits
        that vary with each point's denominator; ``basis`` names the chart.

    Notes
    -----
    :math:`\\bar p = \\sum x_i / \\sum n_i`, :math:`\\sigma_i = \\sqrt{\\bar p (1 - \\bar p) / n_i}`,
    limits :math:`\\bar p \\pm 3 \\sigma_i`. Laney (2002): :math:`z_i = (p_i - \\bar p) / \\sigma_i`,
    :math:`\\sigma_z = \\overline{|z_i - z_{i-1}|} / 1.128`, limits :math:`\\bar p \\pm 3 \\sigma_i \\sigma_z`.
    The Making Data Count rules are applied as on the XmR chart: outside the limits, 7 on one side of
    the centre line, 7 rising or falling, 2 of 3 beyond the two-sigma lines (NHS England, "Making Data
    Count: Getting started", on p-charts for proportions with varying denominators).
    """
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {IMPROVEMENTS}, got {improvement!r}")
    num = as_float_series(numerators, "numerators")
    den = as_float_series(denominators, "denominators").set_axis(num.index)
    usable = num.notna() & den.notna() & (den > 0)
    if (num[usable] > den[usable]).any() or (num[usable] < 0).any():
        raise AnalysisError("Each numerator must be between 0 and its denominator.")
    if not usable.any():
        raise AnalysisError("A p-chart needs at least one period with a numerator and a denominator above 0.")
    x, n = num.where(usable).to_numpy(), den.where(usable).to_numpy()
    p = x / n
    p_bar = float(np.nansum(x) / np.nansum(n))
    sigma = np.sqrt(p_bar * (1 - p_bar) / n)
    warns: list[str] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p - p_bar) / sigma
    mr = np.abs(np.diff(z))
    mr = mr[np.isfinite(mr)]
    sigma_z = float(mr.mean() / D2) if mr.size else math.nan
    if laney is None:
        laney = bool(np.isfinite(sigma_z) and sigma_z > 1)
    scale = sigma_z if laney and np.isfinite(sigma_z) else 1.0
    half = SIGMA_LIMITS * sigma * scale
    two = 2.0 * sigma * scale
    values = 100 * p
    side = _sign(p - p_bar)
    with np.errstate(invalid="ignore"):
        outside = (p > p_bar + half) | (p < p_bar - half)
        close = ~outside & ((p > p_bar + two) | (p < p_bar - two))
    trend_flags = _trend_flags(p)
    rules = {"outside_limits": outside, "trend": trend_flags, "two_of_three": _two_of_three_flags(close, side),
             "run": _runs(side, RUN_LENGTH), "side": side, "trend_direction": _trend_directions(p, trend_flags)}
    if p_bar in (0.0, 1.0):
        rules["outside_limits"] = rules["two_of_three"] = np.zeros(len(p), dtype=bool)
        warns.append("No process limits: every value is 0% or every value is 100%.")
    names, shown, types = _point_labels(rules, improvement)
    flagged = np.zeros(len(p), dtype=bool)
    for rule in RULE_ORDER:
        flagged |= rules[rule]
    n_values = int(usable.sum())
    table = pd.DataFrame({
        "group": 0, "value": values, "numerator": x, "denominator": n, "mean": 100 * p_bar,
        "lpl": 100 * np.clip(p_bar - half, 0, 1), "upl": 100 * np.clip(p_bar + half, 0, 1),
        "lower_two_sigma": 100 * np.clip(p_bar - two, 0, 1), "upper_two_sigma": 100 * np.clip(p_bar + two, 0, 1),
        "special_cause": flagged, "rules": names, "rule_shown": shown, "point_type": types,
        "colour": [COLOURS[t] for t in types], "trial_limits": n_values < TRIAL_LIMITS_BELOW,
    }, index=num.index)
    last = table[usable.to_numpy()].iloc[-1]
    groups = pd.DataFrame([{"group": 0, "start": num.index[0], "start_position": 0, "n": len(p), "n_values": n_values,
                            "n_baseline": len(p), "mean": 100 * p_bar, "mean_moving_range": math.nan,
                            "lpl": float(last["lpl"]), "upl": float(last["upl"]),
                            "trial_limits": n_values < TRIAL_LIMITS_BELOW, "sigma_z": sigma_z}])
    too_few = n_values < MIN_SPC_POINTS
    if too_few:
        warns.append(_too_few_points("The series", n_values))
    elif n_values < TRIAL_LIMITS_BELOW:
        warns.append(_trial_limits("The series", n_values))
    variation = None if too_few else _variation(table, improvement, warns)
    assurance = None if too_few else _assurance(groups, improvement, None if target is None else float(target),
                                                warns)
    basis = ("Laney p' chart (limits widened by sigma_z = "
             f"{sigma_z:.2f} for variation beyond the binomial)") if laney else "p-chart"
    return SpcResult(table=table, variation=variation, assurance=assurance, groups=groups, warnings=tuple(warns),
                     improvement=improvement, target=None if target is None else float(target),
                     provisional=n_values < TRIAL_LIMITS_BELOW, basis=basis, too_few_points=too_few)
