"""Budget monitoring scorecard: variances, favourable/adverse, movement, and checked totals."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.dataset import Dataset
from analytics.errors import AnalysisError
from analytics.vocabulary import SUMMARY_FLAGS

ROLES = ("line", "parent", "budget", "forecast", "variance", "last_forecast", "last_variance", "is_total", "indent")
REQUIRED_ROLES = ("line", "budget", "forecast")
# RAG on the adverse variance as a share of |budget|: Green up to the first, Amber up to the second.
DEFAULT_RAG_THRESHOLDS = (0.0, 0.05)
FLOAT_NOISE = 1e-9  # differences this small (relative) are float noise, not rounding
MAX_INFERRED_DECIMALS = 6
FAVOURABLE, ADVERSE, ON_BUDGET = "F", "A", "on budget"


@dataclass(frozen=True)
class FinanceResult:
    """A budget scorecard.

    ``table``: one row per input row, in the file's order, with ``row`` (position), ``line``, ``name`` (the
    line's own name: a prefix or code it shares with its parent dropped), ``label`` (``name``, followed by the
    parent's name when another line has the same name), ``parent`` (the parent line's name), ``parent_row``
    (its position, -1 at the top), ``level`` (0 at the top), ``is_total`` (a line with lines under it, or
    named as a total), ``kind`` (income / expenditure / net), ``budget``, ``forecast``, ``variance``
    (forecast - budget), ``variance_pct`` (of |budget|), ``fa`` (F, A or "on budget"), ``rag``,
    ``movement`` and ``movement_direction`` (when last month is given), ``check`` (worst check status on
    that row). ``checks``: every comparison of a stated figure with the recomputed one (``row`` position,
    ``line``, ``column``, ``stated``, ``computed``, ``difference``, ``tolerance``, ``status``: ok /
    rounding / mismatch). ``structure``: how parent and child lines were recognised.
    """

    table: pd.DataFrame
    checks: pd.DataFrame
    rounding_unit: float
    warnings: tuple[str, ...]
    structure: str = ""  # how parent and child lines were recognised, in words


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


def _kinds(children: list[list[int]], signed: pd.Series) -> list[str]:
    """'income' (negative budget) or 'expenditure' per line; a line over both is 'net' (a net figure is
    neither the income nor the spending of its lines)."""
    line_kind = np.where(signed < 0, "income", "expenditure")

    def leaf_kinds(i: int, seen: frozenset = frozenset()) -> set[str]:
        if not children[i] or i in seen:
            return {str(line_kind[i])}
        return set().union(*(leaf_kinds(c, seen | {i}) for c in children[i]))

    return ["net" if len(kinds := leaf_kinds(i)) > 1 else kinds.pop() for i in range(len(children))]


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


# --- parent and child lines -----------------------------------------------------------------------------------
# A scorecard prints its hierarchy in one of a few ways: a parent column (service area), indentation, a shared
# prefix ("ASC - Older People - Home care" under "ASC - Older People"), outline codes ("C1.2" under "C1"), or
# only by its numbers (a subtotal printed above or below the lines it adds up). Each line gets the position of
# its parent (-1 for a top-level line), so two lines of the same name under different parents stay apart.

CODE = re.compile(r"^\s*(?P<code>[A-Za-z]{0,3}\d+(?:\.\d+)*)(?:[\s.:)]+|\s*[-–—]\s+)(?=\S)")
PREFIX_SEPARATOR = re.compile(r"\s+[-–—/>|]\s+|\s*:\s+")
MIN_CODED_SHARE = 0.6  # outline codes are the structure only when most lines carry one
TAB_WIDTH = 4
# Subtotals are sought in the numbers only when shuffled figures match fewer times than this on average
# (CHANCE_SHUFFLES shuffles from a fixed seed: same file, same reading). See _chance_matches.
MAX_CHANCE_MATCHES = 0.2
CHANCE_SHUFFLES = 10
CHANCE_SEED = 20241
MAX_GROUP = 100  # most lines one subtotal is sought over (a scorecard's groups are a few to a few dozen)
MAX_NUMERIC_LINES = 500  # longer tables are not scorecards printed for a committee; the rule is not tried
COARSE_NOTE = ("The figures are rounded too coarsely for their size to tell subtotals from sums that match by "
               "chance, so only lines named as totals are treated as totals.")
TOTAL_WORD = re.compile(r"(?i)^total\s+")


@dataclass(frozen=True)
class Hierarchy:
    """``parent``: position of each line's parent, -1 at the top; ``name``: the line's own name (a prefix
    shared with its parent dropped); ``method``: how the structure was recognised (words for the page)."""

    parent: np.ndarray
    name: list[str]
    method: str
    note: str = ""  # why a rule was not used, for the warnings


def _depths(parent: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(parent), dtype=int)
    for i in range(len(parent)):
        node, seen = parent[i], {i}
        while node >= 0 and node not in seen:
            depth[i] += 1
            seen.add(node)
            node = parent[node]
    return depth


def _nearest(candidates: list[int], i: int) -> int:
    """The candidate row nearest above ``i`` (a parent is usually printed first), else nearest below."""
    before = [c for c in candidates if c < i]
    after = [c for c in candidates if c > i]
    return max(before) if before else min(after) if after else -1


def _by_parent_names(lines: pd.Series, parents: pd.Series) -> np.ndarray:
    rows_named: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        rows_named.setdefault(line, []).append(i)
    return np.array([_nearest([r for r in rows_named.get(p, []) if r != i], i) if isinstance(p, str) else -1
                     for i, p in enumerate(parents)], dtype=int)


def indent_of(label: str) -> int:
    """Leading spaces of a label (a tab counts as four; non-breaking spaces count)."""
    text = str(label).expandtabs(TAB_WIDTH).replace("\u00a0", " ")
    return len(text) - len(text.lstrip(" "))


def _by_indent(indent: np.ndarray, is_total: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Each line's parent is the nearest line above it with less indentation. A total printed after its
    lines at its heading's indentation ("Older People" with no figures, its lines, "Total Older People")
    takes those lines over from the heading."""
    parent = np.full(len(indent), -1, dtype=int)
    for i in range(len(indent)):
        parent[i] = next((j for j in range(i - 1, -1, -1) if indent[j] < indent[i]), -1)
    for i in np.flatnonzero(is_total):
        start = i
        while start > 0 and indent[start - 1] > indent[i]:
            start -= 1
        run = range(start, i)
        for j in run:
            if parent[j] not in run and (parent[j] < 0 or blank[parent[j]]):
                parent[j] = i
    return parent


def _by_codes(raw: list[str]) -> tuple[np.ndarray, list[str]] | None:
    matches = [CODE.match(text) for text in raw]
    codes = [m.group("code").upper() if m else None for m in matches]
    if sum(c is not None for c in codes) < MIN_CODED_SHARE * len(codes):
        return None
    rows_coded: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        if code:
            rows_coded.setdefault(code, []).append(i)
    parent = np.full(len(codes), -1, dtype=int)
    for i, code in enumerate(codes):
        if code and "." in code:
            parent[i] = _nearest(rows_coded.get(code.rsplit(".", 1)[0], []), i)
    if not (parent >= 0).any():
        return None
    names = [text[m.end():].strip() if m else text.strip() for text, m in zip(raw, matches, strict=True)]
    return parent, names


def _by_prefix(raw: list[str]) -> tuple[np.ndarray, list[str]] | None:
    parts = [tuple(p.strip().lower() for p in PREFIX_SEPARATOR.split(text.strip())) for text in raw]
    rows_with: dict[tuple, list[int]] = {}
    for i, p in enumerate(parts):
        rows_with.setdefault(p, []).append(i)
    parent = np.full(len(parts), -1, dtype=int)
    names = [text.strip() for text in raw]
    for i, p in enumerate(parts):
        for cut in range(len(p) - 1, 0, -1):
            found = _nearest(rows_with.get(p[:cut], []), i)
            if found >= 0:
                parent[i] = found
                names[i] = " - ".join(PREFIX_SEPARATOR.split(raw[i].strip())[cut:]).strip()
                break
    return (parent, names) if (parent >= 0).any() else None


def _span_hits(sub: np.ndarray, k: int, unit: float) -> tuple[np.ndarray, np.ndarray]:
    """Per line of ``sub`` (lines x figures): does every figure equal the sum of the k lines just below it,
    and of the k just above it, within half a rounding unit per figure added? A zero line never does."""
    n = len(sub)
    band = (k + 1) * unit / 2 + FLOAT_NOISE * np.maximum(1.0, np.abs(sub))
    sums = np.vstack([np.zeros(sub.shape[1]), np.cumsum(sub, axis=0)])
    window = sums[k:] - sums[:-k]  # window[j] = sum of lines j .. j+k-1
    nonzero = ~np.all(np.abs(sub) <= band, axis=1)
    below, above = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if n > k:
        below[: n - k] = np.all(np.abs(window[1:] - sub[: n - k]) <= band[: n - k], axis=1)
        above[k:] = np.all(np.abs(window[: n - k] - sub[k:]) <= band[k:], axis=1)
    return below & nonzero, above & nonzero


def _matching_span(values: np.ndarray, nodes: list[int], k: int, unit: float, prefer_above: np.ndarray
                   ) -> tuple[int, list[int]] | None:
    """The first node (in order) that is the subtotal of the k nodes just below it (or just above it,
    looked at first for a line named as a total)."""
    below, above = _span_hits(values[nodes], k, unit)
    for pos in np.flatnonzero(below | above):
        spans = {True: range(pos - k, pos), False: range(pos + 1, pos + 1 + k)}
        first = bool(prefer_above[nodes[pos]])
        for is_above in (first, not first):
            if (above if is_above else below)[pos]:
                return nodes[pos], [nodes[s] for s in spans[is_above]]
    return None


def _chance_matches(budget: np.ndarray, forecast: np.ndarray, unit: float) -> float:
    """How many subtotals the numbers would show by chance: the mean count of (line, group) matches when
    the budgets and the variances are each shuffled on their own (a fixed set of shuffles), which keeps how
    the figures are spread and rounded but no line's link to another. Figures rounded coarsely against their
    size (whole £m on lines of a few £m) match often by chance, and then the numbers are no evidence."""
    rng = np.random.default_rng(CHANCE_SEED)
    variance = forecast - budget
    counts = []
    for _ in range(CHANCE_SHUFFLES):
        shuffled = rng.permutation(budget)
        sub = np.column_stack([shuffled, shuffled + rng.permutation(variance)])
        counts.append(sum(int(b.sum() + a.sum()) for k in range(2, min(len(sub), MAX_GROUP + 1))
                          for b, a in [_span_hits(sub, k, unit)]))
    return float(np.mean(counts))


def _by_subtotals(values: np.ndarray, unit: float, is_total: np.ndarray) -> np.ndarray | None:
    """Subtotals found from the numbers alone: a line equal (in every figure) to the sum of the consecutive
    lines beneath it, or above it. Smallest groups first, each collapsed into its subtotal before larger
    groups are sought, so a grand total is matched against the subtotals and not the lines under them too.
    None when the figures are too coarse for this to tell a subtotal from chance (:func:`_chance_matches`).
    Groups of up to MAX_GROUP lines, in tables of up to MAX_NUMERIC_LINES lines (time grows with both)."""
    parent = np.full(len(values), -1, dtype=int)
    nodes = [i for i in range(len(values)) if np.isfinite(values[i]).all()]
    if len(nodes) < 3 or len(nodes) > MAX_NUMERIC_LINES:
        return parent
    if _chance_matches(values[nodes, 0], values[nodes, 1], unit) > MAX_CHANCE_MATCHES:
        return None
    k = 2
    while k < min(len(nodes), MAX_GROUP + 1):
        found = _matching_span(values, nodes, k, unit, is_total)
        if found is None:
            k += 1
            continue
        head, children = found
        parent[children] = head
        nodes = [n for n in nodes if n not in set(children)]
        k = 2
    return parent


def _close_totals(parent: np.ndarray, is_total: np.ndarray) -> np.ndarray:
    """A line named or flagged as a total that nothing else was found to add up to totals the top-level lines
    above it, back to the previous such total ("a, b, Total")."""
    parent = parent.copy()
    has_children = np.isin(np.arange(len(parent)), parent)
    start = 0
    for i in range(len(parent)):
        if is_total[i] and not has_children[i] and parent[i] < 0:
            above = [j for j in range(start, i) if parent[j] < 0]
            parent[above] = i
            start = i + 1
    return parent


def hierarchy(raw_lines: Sequence[str], values: np.ndarray, is_total: np.ndarray, unit: float, *,
              parents: pd.Series | None = None, indent: Sequence[float] | None = None) -> Hierarchy:
    """Recognise parent and child lines.

    Tried in turn, the first that finds any structure wins: the parent column, indentation (``indent``, e.g.
    Excel's indent level, or leading spaces in the labels), outline codes, a shared prefix, then subtotals
    that equal the sum of the consecutive lines beneath (or above) them. ``values`` holds one column per
    figure (budget, forecast, ...) in the lines' order. Lines named as totals with nothing found under them
    then total the top-level lines above them.
    """
    raw = [str(v) for v in raw_lines]
    names = [v.strip() for v in raw]
    note = ""
    if parents is not None and parents.notna().any():
        found, method = _by_parent_names(pd.Series(names), parents.reset_index(drop=True)), "the parent column"
    else:
        levels = (np.asarray(indent, dtype=float) if indent is not None
                  else np.array([indent_of(v) for v in raw], dtype=float))
        levels = np.nan_to_num(levels)
        found, method = None, ""
        if len(np.unique(levels)) > 1:
            found, method = _by_indent(levels, is_total, ~np.isfinite(values).any(axis=1)), "indentation"
        for rule, words in ((_by_codes, "outline codes"), (_by_prefix, "a shared prefix")):
            if found is None and (hit := rule(raw)) is not None:
                (found, names), method = hit, words
        if found is None:
            found = _by_subtotals(values, unit, is_total)
            if found is None:
                found, note = np.full(len(raw), -1, dtype=int), COARSE_NOTE
            elif (found >= 0).any():
                method = "subtotals that equal the sum of the lines beneath them"
    closed = _close_totals(found, is_total)
    if not method and (closed >= 0).any():
        method = "lines named as totals"
    return Hierarchy(parent=closed, name=names, method=method, note=note)


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
        month), ``is_total`` (otherwise rows named "... total ..." are totals), ``indent`` (indent level).
        Without a parent column, parent and child lines are recognised as :func:`hierarchy` says. Income lines carry
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
    positive. A line with lines under it is recomputed as the sum of its own children. A stated figure
    differing from the recomputed one by at most half a rounding unit per rounded figure involved
    (:math:`(k + 1) u / 2` for a total of :math:`k` lines; :math:`3u/2` for a stated line variance) is
    reported as ``rounding``; more is a ``mismatch``. Neither is hidden.
    """
    warns: list[str] = []
    cols = _resolve_columns(frame, columns)
    data = frame.reset_index(drop=True)
    raw_lines = data[cols["line"]].astype(str)
    lines = raw_lines.str.strip()
    parents = (data[cols["parent"]].map(lambda v: str(v).strip() if pd.notna(v) else None)
               if "parent" in cols else None)
    budget, forecast = _numeric(data, cols, "budget"), _numeric(data, cols, "forecast")
    stated_variance = _numeric(data, cols, "variance")
    named_total = _is_total(data, cols, warns)
    unit = rounding_unit or infer_rounding_unit(pd.concat([budget, forecast, stated_variance]))
    variance = forecast - budget
    if (budget.isna() | forecast.isna()).any():
        warns.append(f"{int((budget.isna() | forecast.isna()).sum())} row(s) lack a budget or forecast "
                     "figure; they have no variance and are left out of the totals.")
    figures = [budget, forecast] + ([stated_variance] if stated_variance.notna().any() else [])
    tree = hierarchy(raw_lines.tolist(), np.column_stack([f.to_numpy() for f in figures]), named_total, unit,
                     parents=parents, indent=_numeric(data, cols, "indent") if "indent" in cols else None)
    if tree.note:
        warns.append(tree.note)
    children = [list(np.flatnonzero(tree.parent == i)) for i in range(len(data))]
    is_total = named_total | np.array([bool(c) for c in children])
    checks = _line_checks(lines, stated_variance, variance, is_total, unit)
    checks += _total_checks(lines, children, {"budget": budget, "forecast": forecast,
                                              "variance": stated_variance}, unit)
    checks_frame = pd.DataFrame(checks, columns=["row", "line", "column", "stated", "computed", "difference",
                                                 "tolerance", "status"])
    warns.extend(_check_warnings(checks_frame))
    movement = _movement(data, cols, forecast, variance)
    parent_names = [lines[p] if p >= 0 else None for p in tree.parent]
    table = pd.DataFrame({
        "row": np.arange(len(data)),
        "line": lines,
        "name": tree.name,
        "label": _labels(tree.name, [tree.name[p] if p >= 0 else None for p in tree.parent]),
        "parent": parent_names,
        "parent_row": tree.parent,
        "level": _depths(tree.parent),
        "is_total": is_total,
        "kind": _kinds(children, budget.fillna(forecast)),
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
    return FinanceResult(table=table, checks=checks_frame, rounding_unit=unit, warnings=tuple(warns),
                         structure=tree.method)


def _labels(names: list[str], parent_names: list[str | None]) -> list[str]:
    """Each line's name, with its parent's after a comma when another line has the same name (ignoring a
    bracketed qualifier such as "(65+)"), so the two are never taken for one line."""
    stems = pd.Series(names).str.replace(r"\s*\(.*?\)", "", regex=True).str.strip().str.lower()
    repeated = stems.duplicated(keep=False).to_numpy()
    return [f"{name}, {TOTAL_WORD.sub('', parent)}" if again and parent else name
            for name, parent, again in zip(names, parent_names, repeated, strict=True)]


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


def _total_checks(lines, children: list[list[int]], figures: dict[str, pd.Series], unit) -> list[tuple]:
    """Each line with lines under it against the sum of its own children (not of every line below them)."""
    rows = []
    for i, members in enumerate(children):
        if not members:
            continue
        for column, values in figures.items():
            stated = values[i]
            if not math.isfinite(stated):
                continue
            if column == "variance":
                computed = float(figures["forecast"][members].sum() - figures["budget"][members].sum())
            else:
                computed = float(values[members].sum())
            status, band = _status(stated, computed, len(members) + 1, unit)
            rows.append((i, lines[i], column, stated, computed, stated - computed, band, status))
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
    """The tidy table of a budget sheet as the one-row-per-line frame ``finance.scorecard`` reads.

    Lines are kept in the sheet's order and told apart by position: the second "Residential care" of a
    sheet is the second line of that name, never averaged with the first."""
    roles = _finance_roles(data)
    frame = data.frame.assign(_nth=data.frame.groupby(["measure", "category"], sort=False).cumcount())
    keys = pd.MultiIndex.from_frame(frame[["category", "_nth"]].drop_duplicates())
    wide = frame.set_index(["category", "_nth", "measure"])["value"].unstack("measure").reindex(keys)
    first = frame.drop_duplicates(["category", "_nth"]).set_index(["category", "_nth"]).reindex(keys)
    out = pd.DataFrame({"line": keys.get_level_values("category").astype(str)})
    for role in ("budget", "forecast", "variance"):
        if role in roles:
            out[role] = wide[roles[role]].to_numpy()
    if "movement" in roles:
        out["last_forecast"] = out["forecast"] - wide[roles["movement"]].to_numpy()
    flags = first["flag"].fillna("").astype(str).str.lower().to_numpy()
    out["is_total"] = np.isin(flags, SUMMARY_FLAGS) | out["line"].str.match(r"(?i)^\s*total\b").to_numpy()
    area = next((d for d in data.dimensions if "area" in d or "service" in d), None)
    if area is not None:
        out["parent"] = _area_parents(out, first[area].astype(str).to_numpy())
    return out


def _area_parents(out: pd.DataFrame, areas: np.ndarray) -> list[str | None]:
    """A service-area column names each line's parent: "Total <area>" when the sheet has that total line,
    else the area; an area total's parent is the grand total."""
    total_lines = set(out.loc[out["is_total"], "line"])
    grand = [t for t in total_lines if t[len("Total "):] not in set(areas) - total_lines]
    parents = []
    for line, own_area, total in zip(out["line"], areas, out["is_total"], strict=True):
        if total:
            parents.append(grand[-1] if grand and line not in grand else None)
        else:
            parents.append(f"Total {own_area}" if f"Total {own_area}" in total_lines else own_area)
    return parents


MOVEMENT_ARROWS = {"favourable": "▼ favourable", "adverse": "▲ adverse", "no movement": "no movement"}
INDENT = "\u2003"  # an em space per level: Streamlit and Word keep it, where they would trim plain spaces


def indented_names(table: pd.DataFrame) -> pd.Series:
    """Each line's name indented by its level, as the scorecard prints its hierarchy."""
    return pd.Series([INDENT * int(level) + str(name) for level, name in zip(table["level"], table["name"],
                                                                             strict=True)], index=table.index)


def display_table(result: FinanceResult) -> pd.DataFrame:
    """The scorecard as officers read it: lines indented under their parents, F/A and RAG as words,
    movement with an arrow (colour is never the only signal)."""
    table = result.table
    movement = [f"{MOVEMENT_ARROWS.get(d, d or '')} {abs(m):,.2f}".strip() if pd.notna(m) else ""
                for m, d in zip(table["movement"], table["movement_direction"], strict=True)]
    return pd.DataFrame({
        "Line": indented_names(table),
        "Budget £m": table["budget"].round(2),
        "Forecast £m": table["forecast"].round(2),
        "Variance £m": table["variance"].round(2),
        "F/A": table["fa"].fillna(""),
        "RAG": table["rag"].fillna(""),
        "Movement £m": movement,
        "Check": table["check"].fillna(""),
    })


def grand_total(result: FinanceResult) -> pd.Series | None:
    """The line everything else adds up to (the only top-level line, with lines under it), or None."""
    table = _with_figures(result.table)
    top = table[table["level"] == 0]
    return top.iloc[0] if len(top) == 1 and top["is_total"].iloc[0] and len(table) > 1 else None


def overall_variance(result: FinanceResult) -> float:
    """The whole budget's variance: the grand total's, else the sum over the top-level lines (never over
    parents and their children together, which would count the children twice)."""
    total = grand_total(result)
    if total is not None:
        return float(total["variance"])
    return float(result.table.loc[result.table["level"] == 0, "variance"].sum())


# --- one level at a time -----------------------------------------------------------------------------------

def _with_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Lines with a budget or a forecast: a heading printed with no figures is not a line of any level."""
    return table[table["budget"].notna() | table["forecast"].notna()]


def default_level(table: pd.DataFrame) -> int:
    """The first level with more than one line: under a grand total, the lines it adds up."""
    counts = _with_figures(table)["level"].value_counts().sort_index()
    if counts.empty:
        return 0
    return int(next((level for level, n in counts.items() if n > 1), counts.index[0]))


def parents_at(table: pd.DataFrame, level: int) -> pd.DataFrame:
    """The lines one level up that have lines at ``level`` under them (what the page offers to drill into)."""
    rows = _with_figures(table).loc[lambda t: t["level"] == level, "parent_row"]
    return table[table["row"].isin(rows[rows >= 0])]


def level_view(table: pd.DataFrame, level: int | None = None, parent: int | None = None) -> pd.DataFrame:
    """The lines at one level (the default level when not given), optionally only those under the line at
    position ``parent``: what the variance chart and the commentary show, so parents and their children are
    never drawn or added up side by side."""
    level = default_level(table) if level is None else level
    rows = _with_figures(table).loc[lambda t: t["level"] == level]
    return rows if parent is None else rows[rows["parent_row"] == parent]


def structure_note(result: FinanceResult) -> str:
    """How the lines were arranged, for the page: 'Parent and child lines recognised by indentation: 3 levels.'"""
    n = int(result.table["level"].max()) + 1 if len(result.table) else 0
    if not result.structure or n < 2:
        return "Every line is at one level: no parent and child lines were recognised."
    return f"Parent and child lines recognised by {result.structure}: {n} levels."


def level_names(table: pd.DataFrame) -> dict[int, str]:
    """Each level in words for a selector: 'Level 2: 12 lines, e.g. Home care'."""
    out = {}
    for level, rows in _with_figures(table).groupby("level", sort=True):
        out[int(level)] = (f"Level {int(level) + 1}: {len(rows)} line{'s' if len(rows) != 1 else ''}, "
                           f"e.g. {rows['label'].iloc[0]}")
    return out
