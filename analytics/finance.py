"""Budget monitoring scorecard: variances, favourable/adverse, movement, and checked totals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.dataset import Dataset
from analytics.errors import AnalysisError

ROLES = ("line", "parent", "budget", "forecast", "variance", "last_forecast", "last_variance", "is_total")
REQUIRED_ROLES = ("line", "budget", "forecast")
# RAG on the adverse variance as a share of |budget|: Green up to the first, Amber up to the second.
DEFAULT_RAG_THRESHOLDS = (0.0, 0.05)
FLOAT_NOISE = 1e-9  # differences this small (relative) are float noise, not rounding
MAX_INFERRED_DECIMALS = 6
FAVOURABLE, ADVERSE, ON_BUDGET = "F", "A", "on budget"


@dataclass(frozen=True)
class FinanceResult:
    """A budget scorecard.

    ``table``: one row per input row with ``line``, ``parent``, ``is_total``, ``kind`` (income /
    expenditure), ``budget``, ``forecast``, ``variance`` (forecast - budget), ``variance_pct`` (of
    |budget|), ``fa`` (F, A or "on budget"), ``rag``, ``movement`` and ``movement_direction`` (when
    last month is given), ``check`` (worst check status on that row). ``checks``: every comparison of
    a stated figure with the recomputed one (``row`` position, ``line``, ``column``, ``stated``, ``computed``,
    ``difference``, ``tolerance``, ``status``: ok / rounding / mismatch).
    """

    table: pd.DataFrame
    checks: pd.DataFrame
    rounding_unit: float
    warnings: tuple[str, ...]


def _resolve_columns(frame: pd.DataFrame, columns: dict[str, str] | None) -> dict[str, str]:
    mapping = {role: role for role in ROLES} | dict(columns or {})
    unknown = set(mapping) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown column roles {sorted(unknown)}; roles are {ROLES}")
    missing = [f"{role} ('{mapping[role]}')" for role in REQUIRED_ROLES if mapping[role] not in frame.columns]
    if missing:
        raise AnalysisError(
            f"The budget table needs columns for {', '.join(missing)}; "
            f"found {', '.join(map(str, frame.columns))}."
        )
    return {role: name for role, name in mapping.items() if name in frame.columns}


def _decimals(x: float) -> int:
    text = f"{abs(x):.{MAX_INFERRED_DECIMALS}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def infer_rounding_unit(values) -> float:
    """The place the stated figures are rounded to: 10^-d for the most decimals shown (at most 6)."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return 10.0 ** -max((_decimals(v) for v in finite), default=0)


def _status(stated: float, computed: float, n_rounded: int, unit: float) -> tuple[str, float]:
    """ok, rounding or mismatch; the rounding band allows half a unit for each rounded figure."""
    band = n_rounded * unit / 2
    diff = abs(stated - computed)
    if diff <= FLOAT_NOISE * max(1.0, abs(computed)):
        return "ok", band
    return ("rounding" if diff <= band + FLOAT_NOISE else "mismatch"), band


def _is_total(frame: pd.DataFrame, cols: dict[str, str], warns: list[str]) -> np.ndarray:
    if "is_total" in cols:
        return frame[cols["is_total"]].fillna(False).astype(bool).to_numpy()
    named = frame[cols["line"]].astype(str).str.contains(r"\btotal\b", case=False, regex=True).to_numpy()
    if named.any():
        warns.append(
            f"{int(named.sum())} row(s) with 'total' in the name were treated as totals and checked."
        )
    return named


def _members(lines: pd.Series, parents: pd.Series, is_total: np.ndarray, total_name: str) -> np.ndarray:
    """Leaf rows that roll up into the total named ``total_name`` (all leaves for a grand total)."""
    total_parent = {lines[i]: parents[i] for i in range(len(lines)) if is_total[i]}
    leaves = ~is_total
    if not (parents == total_name).any():
        return leaves
    inside = np.zeros(len(lines), dtype=bool)
    for i in np.flatnonzero(leaves):
        node, seen = parents[i], set()
        while isinstance(node, str) and node not in seen:
            if node == total_name:
                inside[i] = True
                break
            seen.add(node)
            node = total_parent.get(node)
    return inside


def _kinds(lines: pd.Series, parents: pd.Series, is_total: np.ndarray, signed: pd.Series) -> list[str]:
    """'income' (negative budget) or 'expenditure' per line; a total over both is 'net' (a net figure is
    neither the income nor the spending of its lines)."""
    line_kind = np.where(signed < 0, "income", "expenditure")
    kinds = []
    for i, line in enumerate(lines):
        inside = set(line_kind[_members(lines, parents, is_total, line)]) if is_total[i] else set()
        kinds.append("net" if len(inside) > 1 else str(line_kind[i]))
    return kinds


def _fa(variance: float) -> str | None:
    if not math.isfinite(variance):
        return None
    return FAVOURABLE if variance < 0 else ADVERSE if variance > 0 else ON_BUDGET


def _rag(variance: float, budget: float, thresholds: tuple[float, float]) -> str | None:
    if not (math.isfinite(variance) and math.isfinite(budget)):
        return None
    share = variance / abs(budget) if budget != 0 else (math.inf if variance > 0 else -math.inf)
    return "Green" if share <= thresholds[0] else "Amber" if share <= thresholds[1] else "Red"


def _movement_direction(movement: float) -> str | None:
    if not math.isfinite(movement):
        return None
    return "adverse" if movement > 0 else "favourable" if movement < 0 else "no movement"


def _numeric(frame: pd.DataFrame, cols: dict[str, str], role: str) -> pd.Series:
    if role not in cols:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[cols[role]], errors="coerce").astype(float)


def scorecard(frame: pd.DataFrame, *, columns: dict[str, str] | None = None,
              rag_thresholds: tuple[float, float] = DEFAULT_RAG_THRESHOLDS,
              rounding_unit: float | None = None) -> FinanceResult:
    """Build a budget monitoring scorecard and check its totals.

    Parameters
    ----------
    frame : pd.DataFrame
        One row per budget line. Columns (rename with ``columns``): ``line`` and ``budget`` and
        ``forecast`` (required); ``parent`` (service area; a total row's ``line`` is the parent name
        of the rows it adds up), ``variance`` (stated), ``last_forecast`` or ``last_variance`` (last
        month), ``is_total`` (otherwise rows named "... total ..." are totals). Income lines carry
        negative budgets and forecasts, as in council budget monitoring.
    columns : dict, optional
        Role -> column name, e.g. ``{"budget": "Budget £m", "forecast": "Outturn £m"}``.
    rag_thresholds : (float, float), default (0.0, 0.05)
        Adverse variance as a share of |budget|: Green up to the first, Amber up to the second,
        Red beyond.
    rounding_unit : float, optional
        The place figures are rounded to (0.01 for £m to 2 dp); inferred from the stated figures
        when not given.

    Returns
    -------
    FinanceResult

    Raises
    ------
    AnalysisError
        A required column is missing.

    Notes
    -----
    :math:`variance = forecast - budget`. Favourable when :math:`variance < 0`: spending below budget,
    or for income (negative budget) more income than budgeted; adverse when :math:`variance > 0`.
    Movement :math:`= forecast - last\\_forecast` (or :math:`variance - last\\_variance`), adverse when
    positive. A total is recomputed as the sum of the leaf lines under it (all leaves for a grand
    total). A stated figure differing from the recomputed one by at most half a rounding unit per
    rounded figure involved (:math:`(k + 1) u / 2` for a total of :math:`k` lines; :math:`3u/2` for
    a stated line variance) is reported as ``rounding``; more is a ``mismatch``. Neither is hidden.
    """
    warns: list[str] = []
    cols = _resolve_columns(frame, columns)
    data = frame.reset_index(drop=True)
    lines = data[cols["line"]].astype(str).str.strip()
    parents = (data[cols["parent"]].map(lambda v: str(v).strip() if pd.notna(v) else None)
               if "parent" in cols else pd.Series([None] * len(data)))
    budget, forecast = _numeric(data, cols, "budget"), _numeric(data, cols, "forecast")
    stated_variance = _numeric(data, cols, "variance")
    is_total = _is_total(data, cols, warns)
    unit = rounding_unit or infer_rounding_unit(pd.concat([budget, forecast, stated_variance]))
    variance = forecast - budget
    if (budget.isna() | forecast.isna()).any():
        warns.append(f"{int((budget.isna() | forecast.isna()).sum())} row(s) lack a budget or forecast "
                     "figure; they have no variance and are left out of the totals.")
    checks = _line_checks(lines, stated_variance, variance, is_total, unit)
    checks += _total_checks(lines, parents, is_total, {"budget": budget, "forecast": forecast,
                                                       "variance": stated_variance}, unit)
    checks_frame = pd.DataFrame(checks, columns=["row", "line", "column", "stated", "computed", "difference",
                                                 "tolerance", "status"])
    warns.extend(_check_warnings(checks_frame))
    movement = _movement(data, cols, forecast, variance)
    table = pd.DataFrame({
        "line": lines,
        "parent": parents,
        "is_total": is_total,
        "kind": _kinds(lines, parents, is_total, budget.fillna(forecast)),
        "budget": budget,
        "forecast": forecast,
        "variance": variance,
        "variance_pct": variance / budget.abs().replace(0, np.nan) * 100,
        "fa": [_fa(v) for v in variance],
        "rag": [_rag(v, b, rag_thresholds) for v, b in zip(variance, budget, strict=True)],
        "movement": movement,
        "movement_direction": [_movement_direction(m) for m in movement],
        "check": _worst_status(len(data), checks_frame),
    })
    return FinanceResult(table=table, checks=checks_frame, rounding_unit=unit, warnings=tuple(warns))


def _movement(data: pd.DataFrame, cols: dict[str, str], forecast: pd.Series, variance: pd.Series
              ) -> pd.Series:
    if "last_forecast" in cols:
        return forecast - _numeric(data, cols, "last_forecast")
    if "last_variance" in cols:
        return variance - _numeric(data, cols, "last_variance")
    return pd.Series(np.nan, index=data.index)


def _line_checks(lines, stated_variance, variance, is_total, unit) -> list[tuple]:
    rows = []
    for i in range(len(lines)):
        if is_total[i] or not (math.isfinite(stated_variance[i]) and math.isfinite(variance[i])):
            continue
        status, band = _status(stated_variance[i], variance[i], 3, unit)
        rows.append((i, lines[i], "variance", stated_variance[i], variance[i],
                     stated_variance[i] - variance[i], band, status))
    return rows


def _total_checks(lines, parents, is_total, figures: dict[str, pd.Series], unit) -> list[tuple]:
    rows = []
    for i in np.flatnonzero(is_total):
        members = _members(lines, parents, is_total, lines[i])
        for column, values in figures.items():
            stated = values[i]
            if not math.isfinite(stated) or not members.any():
                continue
            if column == "variance":
                computed = float(figures["forecast"][members].sum() - figures["budget"][members].sum())
            else:
                computed = float(values[members].sum())
            status, band = _status(stated, computed, int(members.sum()) + 1, unit)
            rows.append((int(i), lines[i], column, stated, computed, stated - computed, band, status))
    return rows


def _check_warnings(checks: pd.DataFrame) -> list[str]:
    warns = []
    for row in checks[checks["status"] == "mismatch"].itertuples():
        warns.append(f"Stated {row.column} for '{row.line}' is {row.stated:,.6g} but the figures add up to "
                     f"{row.computed:,.6g} (difference {row.difference:,.6g}).")
    rounding = checks[checks["status"] == "rounding"]
    if len(rounding):
        warns.append(f"{len(rounding)} stated figure(s) differ from the recomputed ones by rounding only "
                     f"(largest {rounding['difference'].abs().max():,.6g}); see the checks table.")
    return warns


def _worst_status(n_rows: int, checks: pd.DataFrame) -> list[str | None]:
    order = {"ok": 0, "rounding": 1, "mismatch": 2}
    worst: dict[int, str] = {}
    for row, status in zip(checks["row"], checks["status"], strict=True):
        if order[status] >= order[worst.get(row, "ok")]:
            worst[row] = status
    return [worst.get(i) for i in range(n_rows)]


# --- reading a budget sheet ---------------------------------------------------------------------------------

def _finance_roles(data: Dataset) -> dict[str, str]:
    roles = {}
    for measure in data.measures:
        lower = measure.lower()
        if "movement" in lower:
            roles["movement"] = measure
        elif "variance" in lower or "over" in lower and "spend" in lower:
            roles["variance"] = measure
        elif "budget" in lower:
            roles["budget"] = measure
        elif "forecast" in lower or "outturn" in lower or "projected" in lower:
            roles["forecast"] = measure
    return roles


def is_finance(data: Dataset) -> bool:
    """A budget table: measures for a budget and a forecast outturn."""
    roles = _finance_roles(data)
    return "budget" in roles and "forecast" in roles


def scorecard_frame(data: Dataset) -> pd.DataFrame:
    """The tidy table of a budget sheet as the one-row-per-line frame ``finance.scorecard`` reads."""
    roles = _finance_roles(data)
    frame = data.frame
    area = next((d for d in data.dimensions if "area" in d or "service" in d), None)
    wide = frame.pivot_table(index="category", columns="measure", values="value", sort=False, dropna=False)
    first = frame.drop_duplicates("category").set_index("category")
    out = pd.DataFrame({"line": wide.index.astype(str)})
    for role in ("budget", "forecast", "variance"):
        if role in roles:
            out[role] = wide[roles[role]].to_numpy()
    if "movement" in roles:
        out["last_forecast"] = out["forecast"] - wide[roles["movement"]].to_numpy()
    flags = first["flag"].reindex(wide.index).fillna("").astype(str).str.lower().to_numpy()
    out["is_total"] = np.isin(flags, ("total", "aggregate")) | out["line"].str.match(r"(?i)^total\b").to_numpy()
    if area is not None:
        areas = first[area].reindex(wide.index).astype(str).to_numpy()
        total_lines = set(out.loc[out["is_total"], "line"])
        grand = [t for t in total_lines if t[len("Total "):] not in set(areas) - total_lines]
        parents = []
        for line, own_area, total in zip(out["line"], areas, out["is_total"], strict=True):
            if total:
                parents.append(grand[-1] if grand and line not in grand else None)
            else:
                parents.append(f"Total {own_area}" if f"Total {own_area}" in total_lines else own_area)
        out["parent"] = parents
    return out


MOVEMENT_ARROWS = {"favourable": "▼ favourable", "adverse": "▲ adverse", "no movement": "no movement"}


def display_table(result: FinanceResult) -> pd.DataFrame:
    """The scorecard as officers read it: lines indented under their service area, F/A and RAG as words,
    movement with an arrow (colour is never the only signal)."""
    table = result.table
    indent = np.where(table["is_total"] | table["parent"].isna(), "", "   ")
    movement = [f"{MOVEMENT_ARROWS.get(d, d or '')} {abs(m):,.2f}".strip() if pd.notna(m) else ""
                for m, d in zip(table["movement"], table["movement_direction"], strict=True)]
    return pd.DataFrame({
        "Line": indent + table["line"].astype(str),
        "Budget £m": table["budget"].round(2),
        "Forecast £m": table["forecast"].round(2),
        "Variance £m": table["variance"].round(2),
        "F/A": table["fa"].fillna(""),
        "RAG": table["rag"].fillna(""),
        "Movement £m": movement,
        "Check": table["check"].fillna(""),
    })


def grand_total(result: FinanceResult) -> pd.Series | None:
    """The row that totals everything (the last total row without a parent), or None."""
    totals = result.table[result.table["is_total"] & result.table["parent"].isna()]
    return totals.iloc[-1] if len(totals) else None
