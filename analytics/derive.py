"""Series derived from the loaded measures for the topic pages: ratios, outcome mixes, population rates.

Each keeps missing values missing (a suppressed count never becomes 0 in a ratio) and says in
``warnings`` what it could not compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.benchmark import PER_POPULATION
from analytics.compare import Expected, against_baseline
from analytics.dataset import Dataset
from analytics.errors import AnalysisError


def ratio_per(numerator: pd.Series, denominator: pd.Series, per: float = 100.0) -> pd.Series:
    """``per`` x numerator / denominator for the periods both have; NaN where the denominator is 0 or missing.

    Contacts per 100 calls answered is ``ratio_per(contacts, calls)``.
    """
    num, den = numerator.align(denominator, join="inner")
    return (num.astype(float) / den.astype(float).where(den > 0) * per).rename(None)


def per_population(series: pd.Series, population: float) -> pd.Series:
    """Rate per 100,000 population: :math:`100000 x / p` (one population figure for the whole series)."""
    if not population or population <= 0 or not np.isfinite(population):
        raise AnalysisError("A rate per 100,000 needs a population above zero.")
    return series.astype(float) / population * PER_POPULATION


@dataclass(frozen=True)
class Mix:
    """Shares of a whole per period: ``table`` has period, category, value and share (% of the period total;
    NaN for a period with a missing part or a zero total). ``categories`` is the stacking and legend order."""

    table: pd.DataFrame
    warnings: tuple[str, ...]
    categories: tuple[str, ...] = ()


def mix(data: Dataset, measures: list[str], labels: dict[str, str] | None = None) -> Mix:
    """Each measure's share of the per-period total of ``measures`` (e.g. outcomes at completion).

    A period where any part is missing (suppressed) has no shares: a share of an unknown total is unknown.
    """
    if len(measures) < 2:
        raise AnalysisError("A mix needs at least two measures that add up to a whole.")
    names = labels or {}
    return _mix(pd.DataFrame({names.get(m, m): data.series(m) for m in measures}))


def mix_of(frame: pd.DataFrame, *, period_col: str, category_col: str, value_col: str) -> Mix:
    """The mix of a long table of counts (one row per period and category, e.g. records split by source).

    Categories keep their order of first appearance; a category absent from a period is a missing part.
    """
    for col in (period_col, category_col, value_col):
        if col not in frame.columns:
            found = ", ".join(map(str, frame.columns))
            raise AnalysisError(f"The table has no '{col}' column; it has {found}.")
    values = pd.to_numeric(frame[value_col], errors="coerce").astype(float)
    long = pd.DataFrame({"period": frame[period_col].to_numpy(), "category": frame[category_col].astype(str),
                         "value": values.to_numpy()})
    order = list(dict.fromkeys(long["category"]))
    if len(order) < 2:
        raise AnalysisError(f"A mix needs at least two categories that add up to a whole; this table has {len(order)}.")
    wide = long.pivot_table(index="period", columns="category", values="value", aggfunc=_sum_or_nan,
                            dropna=False, sort=True)
    return _mix(wide.reindex(columns=order))


def _sum_or_nan(values: pd.Series) -> float:
    return float(values.sum(min_count=1))


def _mix(wide: pd.DataFrame) -> Mix:
    """Shares of each column of the total per row (period); a row with a missing part has none."""
    incomplete = wide.isna().any(axis=1)
    total = wide.sum(axis=1, min_count=wide.shape[1]).where(~incomplete)
    shares = wide.div(total.where(total > 0), axis=0) * 100
    table = pd.concat(
        [pd.DataFrame({"period": wide.index, "category": str(c), "value": wide[c].to_numpy(dtype=float),
                       "share": shares[c].to_numpy(dtype=float)}) for c in wide.columns],
        ignore_index=True,
    )
    warns = []
    if incomplete.any():
        warns.append(f"{int(incomplete.sum())} period(s) have a missing or suppressed part, so no shares are "
                     "shown for them.")
    return Mix(table=table, warnings=tuple(warns), categories=tuple(map(str, wide.columns)))


def share_series(result: Mix, category: str) -> pd.Series:
    """One category's share per period, for trend and SPC (a percent-unit series)."""
    rows = result.table[result.table["category"] == category]
    return pd.Series(rows["share"].to_numpy(), index=pd.DatetimeIndex(rows["period"]), name=category)


def common_label_prefix(names: list[str]) -> str:
    """'Outcomes at completion: ' for names that share a label before a colon; '' otherwise."""
    heads = {name.split(":", 1)[0] for name in names if ":" in name}
    if len(heads) == 1 and all(":" in name for name in names):
        return heads.pop() + ":"
    return ""


def short_labels(names: list[str]) -> dict[str, str]:
    """Names without their shared prefix ('No ongoing care' rather than 'Outcomes at completion: No ...')."""
    prefix = common_label_prefix(names)
    return {name: name[len(prefix):].strip() if prefix else name for name in names}


Window = tuple[pd.Timestamp, pd.Timestamp]


def expected_in_window(actual: pd.Series, activity: pd.Series, baseline: Window, current: Window) -> Expected:
    """Outcomes in ``current`` against what the baseline window's rate gives from the current activity.

    Sums each series over each window (inclusive) and calls :func:`analytics.compare.against_baseline`; a
    window with a missing value gives "not available" rather than a sum that quietly skips it.
    """
    def total(series: pd.Series, window: Window) -> float:
        part = series.loc[window[0]:window[1]]
        return float(part.sum()) if len(part) and part.notna().all() else float("nan")

    return against_baseline(total(actual, current), total(activity, current),
                            total(actual, baseline), total(activity, baseline))
