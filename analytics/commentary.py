"""Plain-English sentences from model results (DESIGN section 5).

GOV.UK style: numbers as digits with thousands separators, units stated, no jargon. "Statistically
significant" only when p < 0.05; "improved" and "worsened" only for measures with a known better direction
(otherwise "up", "down", "rose", "fell"). Changes to the whole percent, rates and percentages to 1 decimal
place, percentages changing in percentage points, finance in £m to 2 decimal places. Same inputs, same words;
every sentence carries the numbers it was built from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import catalogue, compare, finance, spc, vocabulary
from analytics.analysis import SeriesAnalysis
from analytics.benchmark import QUARTILE_NAMES, ordinal
from analytics.benchmark import Comparison as BenchmarkComparison
from analytics.compare import Change
from analytics.dataset import Dataset
from analytics.dataset_analysis import DatasetAnalysis, analyse
from analytics.finance import FinanceResult
from analytics.formatting import (  # noqa: F401 - format_value and format_millions re-exported
    format_millions,
    format_number,
    format_value,
    p_text,
    round_half_away,
    slope_text,
)
from analytics.notes import code_of, is_caveat
from analytics.periods import format_period
from analytics.trend import PERSISTENT_AUTOCORRELATION, SIGNIFICANCE_LEVEL, SMALLEST_P_VALUE
from analytics.vocabulary import SUMMED_UNITS, YEARLY

STRONG_SEASONALITY = 0.6  # strength of seasonality (0 to 1) from which the pattern is called strong
MODERATE_SEASONALITY = 0.3  # below this there is little seasonal pattern to speak of
SETTLED_CYCLES = 3  # with fewer full cycles STL fits the pattern to the data too closely to judge its strength
SMALL_SLOPE = 0.5  # slopes smaller than this a day, week or month are given a year instead
SMALL_SLOPE_PER_YEAR = ("D", "W", "M")
MODEL_NAMES = {"ANN": "simple exponential smoothing", "AAN": "linear trend", "AAdN": "damped trend", "ANA": "seasonal",
               "AAA": "trend with seasonality", "AAdA": "damped trend with seasonality"}


@dataclass(frozen=True)
class Sentence:
    """One sentence of commentary, its topic, what it is about and the numbers it was built from."""

    text: str
    topic: str
    subject: str
    numbers: dict[str, float | str] = field(default_factory=dict)


# --- formatting ---------------------------------------------------------------------------------------------

def _when(ts: pd.Timestamp, frequency: str) -> str:
    label = format_period(ts, frequency)
    if frequency == "D":
        return f"on {label}"
    if frequency == "W":
        return f"in the {label}"
    return f"in {label}"


def _span(start: pd.Timestamp, end: pd.Timestamp, frequency: str) -> str:
    if frequency == "W":
        return f"weeks commencing {start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    return f"{format_period(start, frequency)} to {format_period(end, frequency)}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n:,} {noun}s"


def _polarity_word(change: Change, polarity: str) -> str:
    """' (improved)' or ' (worsened)' for a known polarity; nothing for neutral measures, no change, or a change
    that rounds to under 1% (or 0 percentage points): calling that better or worse would overstate it."""
    if change.words.startswith(("up less than", "down less than", "no change")) or change.words.startswith(
            ("up 0 percentage", "down 0 percentage")):
        return ""
    direction = compare.direction_of_travel(change.before, change.after, polarity)
    return {"better": " (improved)", "worse": " (worsened)"}.get(direction or "", "")


def _change_words(change: Change) -> str:
    """The change in words; from zero or across zero, where a % change means nothing, as a difference."""
    if change.words == compare.NOT_COMPARABLE:
        return f"{'up' if change.after > change.before else 'down'} {format_value(abs(change.abs), change.unit)}"
    return change.words


def _change_numbers(change: Change) -> dict[str, float | str]:
    numbers: dict[str, float | str] = {"before": change.before, "after": change.after, "change": change.abs}
    if change.pct is not None and change.unit != "percent":
        numbers["pct_change"] = change.pct
    for key, label in (("before_period", change.before_label), ("after_period", change.after_label)):
        if label:
            numbers[key] = label
    return numbers


def _first_lower(text: str) -> str:
    text = text.rstrip(". ")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


# --- time series --------------------------------------------------------------------------------------------

def describe_series(a: SeriesAnalysis) -> list[Sentence]:
    """Sentences for one analysed series, in a fixed order: latest value, changes, baseline, trend, SPC,
    target, seasonality, forecast, caveats."""
    out: list[Sentence] = []
    observed = a.observed.dropna()
    if observed.empty:
        return [Sentence(f"{a.name}: no values to describe", "caveat", a.name, {})]
    latest, when = float(observed.iloc[-1]), observed.index[-1]
    noun = vocabulary.frequency(a.frequency).noun
    out.append(Sentence(f"{a.name}: {format_value(latest, a.unit)} {_when(when, a.frequency)}", "latest", a.name,
                        {"value": latest, "period": format_period(when, a.frequency)}))
    if a.period_change is not None:
        out.append(_period_change_sentence(a, noun))
    if a.year_change is not None and not (a.period_change is not None and a.frequency in YEARLY):
        c = a.year_change  # for yearly data the change on the previous period already says it
        out.append(Sentence(
            f"{a.name}: {_change_words(c)} on the same {noun} last year ({c.before_label}), from "
            f"{format_value(c.before, a.unit)} to {format_value(c.after, a.unit)}{_polarity_word(c, a.polarity)}",
            "year_change", a.name, _change_numbers(c)))
    if a.ytd is not None:
        out.append(_ytd_sentence(a, when))
    if a.baseline_change is not None and a.baseline is not None:
        out.append(_baseline_sentence(a, noun))
    if a.breaks is not None and a.breaks.positions:
        out.append(_break_sentence(a))
    if a.trend is not None:
        out.append(_trend_sentence(a, noun))
    if a.spc is not None:
        out.extend(_spc_sentences(a, noun))
    if a.target is not None:
        out.append(_target_sentence(a, when, noun))
    if a.seasonal is not None:
        sentence = _seasonal_sentence(a)
        if sentence is not None:
            out.append(sentence)
    if a.forecast is not None:
        out.append(_forecast_sentence(a))
    out.extend(Sentence(f"{a.name}: caveat: {_first_lower(w)}", "caveat", a.name, {})
               for w in a.warnings if is_caveat(w))
    return out


def _period_change_sentence(a: SeriesAnalysis, noun: str) -> Sentence:
    c = a.period_change
    gap = any(code_of(w) == "previous_period_missing" for w in c.warnings)
    against = f"{c.before_label} (the {noun} before has no value)" if gap else f"the previous {noun}"
    return Sentence(f"{a.name}: {_change_words(c)} on {against}, from {format_value(c.before, a.unit)} to "
                    f"{format_value(c.after, a.unit)}{_polarity_word(c, a.polarity)}",
                    "period_change", a.name, _change_numbers(c))


def _ytd_sentence(a: SeriesAnalysis, when: pd.Timestamp) -> Sentence:
    c = a.ytd
    summed = a.unit in SUMMED_UNITS
    what = "" if summed else "an average of "
    return Sentence(
        f"{a.name}: {what}{format_value(c.after, a.unit)} so far in {c.after_label} (to "
        f"{format_period(when, a.frequency)}), {_change_words(c)} on the same point in {c.before_label} "
        f"({format_value(c.before, a.unit)}){_polarity_word(c, a.polarity)}",
        "ytd", a.name, _change_numbers(c))


def _baseline_sentence(a: SeriesAnalysis, noun: str) -> Sentence:
    c = a.baseline_change
    start, end = a.baseline
    n = int(a.series.loc[start:end].notna().sum())
    numbers = _change_numbers(c) | {"window": a.window, "baseline_points": n}
    return Sentence(
        f"{a.name}: the {a.window}-{noun} moving average ({format_value(c.after, a.unit)}) is {_change_words(c)} "
        f"on the baseline average of {format_value(c.before, a.unit)} ({_plural(n, noun)}, "
        f"{_span(start, end, a.frequency)}){_polarity_word(c, a.polarity)}",
        "baseline", a.name, numbers)


def _trend_sentence(a: SeriesAnalysis, noun: str) -> Sentence:
    t = a.trend
    numbers: dict[str, float | str] = {"slope": t.slope, "p_value": t.p_value, "n": t.n}
    if t.direction is None:
        return Sentence(f"{a.name}: {t.no_verdict or 'no trend verdict'}", "trend", a.name, numbers)
    significant = t.direction in ("up", "down") and t.p_value < SIGNIFICANCE_LEVEL
    p_words = p_text(t.p_value, SMALLEST_P_VALUE)
    runs = "; usual seasonal pattern taken out" if t.basis != "values" else ""
    if t.autocorrelation >= PERSISTENT_AUTOCORRELATION:
        numbers["autocorrelation"] = t.autocorrelation
        runs += f"; values move in long runs (lag-1 autocorrelation {t.autocorrelation:.2f}), which the test allows for"
    if not significant:
        return Sentence(f"{a.name}: no clear trend over the {_plural(t.n, noun)} ({p_words}{runs})",
                        "trend", a.name, numbers)
    scale, per = (7.0, "week") if a.frequency == "D" else (1.0, noun)
    if a.frequency in SMALL_SLOPE_PER_YEAR and abs(t.slope * scale) < SMALL_SLOPE and t.slope_per_year is not None:
        scale, per = t.slope_per_year / t.slope, "year"  # "3.5 a year" reads better than "0.068 a week"
    slope, low, high = (v * scale for v in (t.slope, *t.slope_ci))
    low, high = sorted((abs(low), abs(high)))
    numbers |= {"slope_per_" + per: slope, "ci_low": low, "ci_high": high}
    word = "upward" if t.direction == "up" else "downward"
    verdict = ""
    if a.polarity != "neutral":
        good = (t.direction == "up") == (a.polarity == "higher_is_better")
        verdict = ", improving" if good else ", worsening"
    return Sentence(
        f"{a.name}: a statistically significant {word} trend of {slope_text(slope, a.unit)} a {per} (95% "
        f"confidence interval {slope_text(low, a.unit, with_unit=False)} to {slope_text(high, a.unit)}; "
        f"{p_words}{runs}){verdict}", "trend", a.name, numbers)


def _break_sentence(a: SeriesAnalysis) -> Sentence:
    """'A step change around April 2020 (down 741,115); the trend is fitted after it'."""
    table = a.breaks.table
    when = [format_period(p, a.frequency) for p in table["period"]]
    size = (lambda v: round_half_away(v)) if a.unit == "count" else (lambda v: v)  # noqa: E731
    shifts = [f"{'up' if v > 0 else 'down'} {format_value(size(abs(v)), a.unit)}" for v in table["shift"]]
    parts = [f"around {w} ({d})" for w, d in zip(when, shifts, strict=True)]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    fitted = [name for name, part in (("trend", a.trend), ("seasonal pattern", a.seasonal),
                                      ("forecast", a.forecast)) if part is not None]
    after = "it" if len(parts) == 1 else f"the last ({when[-1]})"
    tail = f"; the {' and '.join(fitted)} {'is' if len(fitted) == 1 else 'are'} fitted after {after}" if fitted else ""
    numbers: dict[str, float | str] = {f"break_{i + 1}": w for i, w in enumerate(when)}
    numbers |= {f"shift_{i + 1}": float(v) for i, v in enumerate(table["shift"])}
    numbers |= {f"p_value_{i + 1}": float(v) for i, v in enumerate(table["p_value"])}
    lead = "a step change" if len(parts) == 1 else "step changes"
    return Sentence(f"{a.name}: {lead} {listed}{tail}", "break", a.name, numbers)


def _run_length(values: np.ndarray, condition) -> int:
    count = 0
    for i in range(len(values) - 1, -1, -1):
        if not condition(i):
            break
        count += 1
    return count


def _signal_words(a: SeriesAnalysis, noun: str) -> str:
    table = a.spc.table
    group = table[table["group"] == table["group"].iloc[-1]]
    group = group[group["value"].notna()]
    last = group.iloc[-1]
    y, mean = group["value"].to_numpy(), float(last["mean"])
    rule = last["rule_shown"]
    if rule == "outside_limits":
        above = last["value"] > last["upl"]
        limit = last["upl"] if above else last["lpl"]
        side = "above the upper" if above else "below the lower"
        return f"the latest value ({format_value(last['value'], a.unit)}) is {side} process limit of " \
               f"{format_value(limit, a.unit)}"
    if rule == "trend":
        rising = len(y) > 1 and y[-1] > y[-2]
        k = _run_length(y, lambda i: i > 0 and ((y[i] > y[i - 1]) if rising else (y[i] < y[i - 1]))) + 1
        return f"{_plural(k, noun)} in a row each {'higher' if rising else 'lower'} than the one before"
    if rule == "two_of_three":
        above = last["value"] > mean
        return (f"{spc.TWO_OF_THREE_NEEDED} of the last {spc.TWO_OF_THREE_WINDOW} {noun}s close to the "
                f"{'upper' if above else 'lower'} process limit")
    above = last["value"] > mean
    k = _run_length(y, lambda i: (y[i] > mean) if above else (y[i] < mean))
    return f"{_plural(k, noun)} {'above' if above else 'below'} the average of {format_value(mean, a.unit)}"


def _spc_sentences(a: SeriesAnalysis, noun: str) -> list[Sentence]:
    s = a.spc
    if s.too_few_points:  # no verdict: "common cause" from two points would claim what they cannot show
        points = s.latest_points
        since = (f" since the limits were recalculated from {format_period(s.groups['start'].iloc[-1], a.frequency)}"
                 if len(s.groups) > 1 and isinstance(s.groups["start"].iloc[-1], pd.Timestamp) else "")
        return [Sentence(f"{a.name}: too few points for SPC ({_plural(points, 'value')}{since}; an SPC chart needs "
                         f"at least {spc.MIN_SPC_POINTS}), so no signal is stated", "spc", a.name,
                         {"points": points, "points_needed": spc.MIN_SPC_POINTS})]
    groups = s.groups
    latest = groups.iloc[-1]
    points = int(latest["n_values"]) if "n_values" in latest else int(latest["n"])
    mean, lpl, upl = float(latest["mean"]), float(latest["lpl"]), float(latest["upl"])
    numbers: dict[str, float | str] = {"mean": mean, "lower_limit": lpl, "upper_limit": upl,
                                       "variation": s.variation or "", "points": points}
    trial = f" (trial limits: only {_plural(points, 'point')})" if s.provisional else ""
    rebased = (f"; limits recalculated from {format_period(latest['start'], a.frequency)}"
               if len(groups) > 1 and isinstance(latest["start"], pd.Timestamp) else "")
    if not math.isfinite(upl):
        group = s.table[s.table["group"] == s.table["group"].iloc[-1]]["value"]
        if int(group.notna().sum()) < 2 or group.diff().dropna().empty:
            why = f"there are too few values in a row to measure the variation from one {noun} to the next"
        else:
            why = f"the values do not vary from one {noun} to the next"
        text = f"{a.name}: no process limits, because {why}; use a run chart instead"
        return [Sentence(text, "spc", a.name, numbers)]
    if s.variation in (None, "common_cause"):
        earlier = int(s.table.loc[s.table["group"] == s.table["group"].iloc[-1], "special_cause"].sum())
        before = (f"; {_plural(earlier, 'earlier point')} showed special cause variation (marked on the chart)"
                  if earlier else "")
        numbers["earlier_special_cause_points"] = earlier
        text = (f"{a.name}: common cause variation at the latest point: no signal (average "
                f"{format_value(mean, a.unit)}, process limits {format_value(lpl, a.unit)} to "
                f"{format_value(upl, a.unit)}){before}{trial}{rebased}")
    else:
        kind = s.variation.split("_")[0]
        label = {"improvement": "special cause variation, improvement",
                 "concern": "special cause variation, concern"}.get(
            kind, f"special cause variation, {'higher' if s.variation.endswith('high') else 'lower'} than usual")
        text = f"{a.name}: {label}: {_signal_words(a, noun)}{trial}{rebased}"
    later = [p for p in a.suggested_rebase if p > groups["start"].iloc[-1]] if len(groups) else []
    if later:
        text += (f"; a step change around {format_period(later[-1], a.frequency)} suggests recalculating the limits "
                 "from there")
        numbers["suggested_rebase"] = format_period(later[-1], a.frequency)
    out = [Sentence(text, "spc", a.name, numbers)]
    if s.assurance is not None and s.target is not None:
        target = format_value(s.target, a.unit)
        limits = f"{format_value(lpl, a.unit)} to {format_value(upl, a.unit)}"
        words = {"consistent_pass": f"will consistently meet the target of {target} (the process limits are "
                                    f"{limits})",
                 "consistent_fail": f"will consistently fail the target of {target} unless something changes "
                                    f"(the process limits are {limits})",
                 "inconsistent": f"hit and miss against the target of {target}: it lies within the process "
                                 f"limits of {limits}"}[s.assurance]
        if s.variation not in (None, "common_cause") and s.assurance != "inconsistent":
            words += ("; but the latest values already show special cause variation, so the process may have "
                      "changed: consider recalculating the limits from the change")
        out.append(Sentence(f"{a.name}: {words}{trial}", "spc", a.name,
                            {"target": s.target, "lower_limit": lpl, "upper_limit": upl, "assurance": s.assurance}))
    return out


def _target_sentence(a: SeriesAnalysis, when: pd.Timestamp, noun: str) -> Sentence:
    t = a.target
    value, target = format_value(t.value, a.unit), format_value(t.target, a.unit)
    numbers: dict[str, float | str] = {"value": t.value, "target": t.target, "rag": t.rag or ""}
    if t.rag is None:
        return Sentence(f"{a.name}: {value} {_when(when, a.frequency)} against a target of {target} (no RAG "
                        "rating: the measure has no better direction)", "target", a.name, numbers)
    if t.shortfall <= 0:
        gap = "target met"
    elif a.unit == "percent":
        points = round_half_away(t.shortfall, 1)
        gap = f"{points:.1f} percentage {'point' if points == 1 else 'points'} short"
    elif t.target != 0:
        gap = f"{int(round_half_away(t.shortfall / abs(t.target) * 100))}% short"
    else:
        gap = f"{format_value(t.shortfall, a.unit)} short"
    travel = ""
    if a.period_change is not None:
        direction = compare.direction_of_travel(a.period_change.before, a.period_change.after, a.polarity)
        travel = {"better": f"; better than the previous {noun}", "worse": f"; worse than the previous {noun}",
                  "same": f"; the same as the previous {noun}"}.get(direction or "", "")
        numbers["direction_of_travel"] = direction or ""
    return Sentence(f"{a.name}: {t.rag}: {value} {_when(when, a.frequency)} against a target of {target} ({gap})"
                    f"{travel}", "target", a.name, numbers)


def _profile_name(key: int, frequency: str) -> str:
    if frequency == "D":
        return f"on {dt.date(2024, 1, 1 + int(key)):%A}s"  # 1 January 2024 was a Monday
    if frequency == "W":
        year = 2024 if int(key) < 53 else 2020  # 2024 has 52 ISO weeks; 2020 had a week 53
        return f"around {dt.date.fromisocalendar(year, int(key), 1):%B} (week {int(key)} of the year)"
    if frequency == "M":
        return f"in {dt.date(2024, int(key), 1):%B}"
    first = 3 * (int(key) - 1) + 1
    return f"in {dt.date(2024, first, 1):%B} to {dt.date(2024, first + 2, 1):%B}"


def _seasonal_sentence(a: SeriesAnalysis) -> Sentence | None:
    s = a.seasonal
    if not math.isfinite(s.strength):
        return None
    numbers: dict[str, float | str] = {"strength": s.strength}
    cycles = len(s.table) // s.period
    if s.frequency != "D" and cycles < SETTLED_CYCLES:
        numbers["cycles"] = cycles
        since = ""
        if a.breaks is not None and a.breaks.positions and s.table.index[0] >= a.breaks.stable_start:
            since = f" since the step change around {format_period(a.breaks.periods[-1], a.frequency)}"
        return Sentence(f"{a.name}: only {cycles} full years of data{since}, too few to say how strong any "
                        "seasonal pattern is", "seasonal", a.name, numbers)
    if math.isfinite(s.p_value):
        numbers["p_value"] = s.p_value
    if s.strength < MODERATE_SEASONALITY or not s.p_value < SIGNIFICANCE_LEVEL:
        why = (f"{p_text(s.p_value)}" if math.isfinite(s.p_value) and s.p_value >= SIGNIFICANCE_LEVEL
               else f"strength {s.strength:.2f} on a scale of 0 to 1")
        return Sentence(f"{a.name}: no clear seasonal pattern ({why})", "seasonal", a.name, numbers)
    strength = "strong" if s.strength >= STRONG_SEASONALITY else "moderate"
    high, low = s.profile.idxmax(), s.profile.idxmin()
    numbers |= {"highest": _profile_name(high, s.frequency), "lowest": _profile_name(low, s.frequency)}
    return Sentence(f"{a.name}: a {strength} seasonal pattern (strength {s.strength:.2f} on a scale of 0 to 1): "
                    f"usually highest {numbers['highest']} and lowest {numbers['lowest']}", "seasonal", a.name,
                    numbers)


def _forecast_sentence(a: SeriesAnalysis) -> Sentence:
    f = a.forecast
    row = f.table.iloc[-1]
    when = f.table.index[-1]
    v = lambda key: format_value(float(row[key]), a.unit)  # noqa: E731
    numbers = {k: float(row[k]) for k in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")}
    numbers["period"] = format_period(when, a.frequency)
    mape = "" if f.mape is None else f"; back-tested error {int(round_half_away(f.mape))}%"
    if f.mape is not None:
        numbers["mape"] = f.mape
    return Sentence(f"{a.name}: forecast {v('forecast')} {_when(when, a.frequency)} (80% prediction interval "
                    f"{v('lower_80')} to {v('upper_80')}; 95% {v('lower_95')} to {v('upper_95')}), from a "
                    f"{MODEL_NAMES.get(f.model, f.model)} model{mape}", "forecast", a.name, numbers)


# --- two periods, rows --------------------------------------------------------------------------------------

def describe_two_periods(frame: pd.DataFrame, label_column: str, before_column: str, after_column: str,
                         units: dict[str, str] | None = None) -> list[Sentence]:
    """One sentence per row: "New visitors: 183 to 215, up 17%"; percent rows in percentage points.

    ``units`` maps a row label to its unit; labels not in it take the unit their name implies
    (``catalogue.describe``).
    """
    out = []
    for _, row in frame.iterrows():
        label = str(row[label_column])
        unit = (units or {}).get(label) or catalogue.describe(label).unit
        before = pd.to_numeric(row[before_column], errors="coerce")
        after = pd.to_numeric(row[after_column], errors="coerce")
        c = compare.change(before, after, unit)
        numbers = {"before": float(before), "after": float(after), "change": c.abs,
                   "before_period": str(before_column), "after_period": str(after_column)}
        if c.pct is not None and unit != "percent":
            numbers["pct_change"] = c.pct
        words = _change_words(c) if c.words != compare.NOT_AVAILABLE else "no comparison (a value is missing)"
        out.append(Sentence(f"{label}: {format_value(before, unit)} to {format_value(after, unit)}, {words}",
                            "row", label, numbers))
    return out


# --- finance ------------------------------------------------------------------------------------------------

def _variance_words(kind: str, variance: float) -> str:
    """The brief's form: 'forecast underspend of £4.03m, F'; for income 'forecast income £1.60m above
    budget, F' (more income is favourable, so 'underspend' would be the wrong word)."""
    if round_half_away(variance, 2) == 0:
        return "forecast on budget"
    fa = finance.FAVOURABLE if variance < 0 else finance.ADVERSE
    amount = format_millions(abs(variance))
    if kind == "income":
        return f"forecast income {amount} {'above' if variance < 0 else 'below'} budget, {fa}"
    word = "underspend" if variance < 0 else "overspend"
    return f"forecast {'net ' if kind == 'net' else ''}{word} of {amount}, {fa}"


def _finance_line(row, previous: str) -> str:
    budget, forecast_value = float(row["budget"]), float(row["forecast"])
    if row["kind"] == "net":
        figures = f"net outturn {format_millions(forecast_value)} against a net budget of {format_millions(budget)}"
    elif row["kind"] == "income":
        figures = f"{format_millions(-forecast_value)} against {format_millions(-budget)} budgeted"
    else:
        figures = f"outturn {format_millions(forecast_value)} against a budget of {format_millions(budget)}"
    text = f"{_variance_words(row['kind'], float(row['variance']))} ({figures})"
    movement = float(row["movement"]) if pd.notna(row["movement"]) else math.nan
    if math.isfinite(movement):
        if round_half_away(movement, 2) == 0:
            text += f", no change on {previous}"
        else:
            text += f", {format_millions(abs(movement))} {'better' if movement < 0 else 'worse'} than {previous}"
    return text


def describe_scorecard(result: FinanceResult, *, previous: str = "last month",
                       lines: pd.DataFrame | None = None) -> list[Sentence]:
    """One sentence per line, one level at a time, then a flag for every stated figure that differs from
    the recomputed one (variance = forecast - budget; a total = the sum of its own lines): every mismatch,
    and the differences of rounding on the lines shown or their parent.

    ``lines`` is the level shown (from :func:`analytics.finance.level_view`); by default every level in turn,
    from the top down, so a parent is never read out beside its own children."""
    rows = result.table.sort_values(["level", "row"], kind="stable") if lines is None else lines
    out, checks = [], []
    for row in rows.itertuples(index=False):
        row = row._asdict()
        if not (math.isfinite(row["budget"]) and math.isfinite(row["forecast"])):
            continue
        numbers = {k: float(row[k]) for k in ("budget", "forecast", "variance", "movement")
                   if row[k] is not None and math.isfinite(float(row[k]))}
        numbers["fa"] = row["fa"] or ""
        out.append(Sentence(f"{row['label']}: {_finance_line(row, previous)}",
                            "finance_total" if row["is_total"] else "finance_line", row["label"], numbers))
    labels = result.table["label"]
    # a mismatch is reported whatever level is shown; a difference of rounding only beside the lines it is on
    shown = set(rows["row"]) | set(rows["parent_row"])
    flagged = result.checks[(result.checks["status"] == "mismatch")
                            | ((result.checks["status"] == "rounding") & result.checks["row"].isin(shown))]
    for check in flagged.itertuples(index=False):
        label = labels[check.row]
        what = ("forecast minus budget" if check.column == "variance"
                else f"the sum of the lines under it ({check.column})")
        status = "within rounding" if check.status == "rounding" else "a mismatch to check"
        checks.append(Sentence(
            f"{label}: the stated {check.column} of {format_millions(check.stated)} differs from "
            f"{what}, {format_millions(check.computed)}, by {format_millions(abs(check.difference))}, {status}",
            "finance_check", label,
            {"stated": float(check.stated), "computed": float(check.computed),
             "difference": float(check.difference), "status": check.status}))
    return out + checks


# --- benchmarking -------------------------------------------------------------------------------------------

def _shown_value(x: float | None, unit: str, per_100k: bool) -> str:
    return format_value(x, unit) + (" per 100,000" if per_100k else "")


_VERDICT_WORDS = {"similar": "similar to England", "better": "better than England", "worse": "worse than England",
                  "higher": "higher than England", "lower": "lower than England"}


def describe_comparison(c: BenchmarkComparison) -> list[Sentence]:
    """A council against England, its region and its comparator group, in words, Fingertips-style.

    "IMD - Average score: Trafford 16.1, England 21.7: similar to England (England's value is within the 95%
    interval, 15.2 to 17.0); rank 85 of 152 England councils, third quartile; North West 25.6; median of
    England councils 21.4". Without a council: the group's median and range.
    """
    y, r = c.latest, c.latest.result
    when = f" ({c.period_label(y.period)})" if y.period is not None and len(c.years) > 1 else ""
    subject = f"{c.item}{when}"

    def shown(x):
        return _shown_value(x, c.unit if not r.per_100k else "rate", r.per_100k)

    numbers: dict[str, float | str] = {"median": r.median, "n": r.n}
    if y.england is not None:
        numbers["england"] = y.england
    if r.rank is None or c.shown_as is None:
        values = r.table["value"].dropna()
        numbers |= {"lowest": float(values.min()), "highest": float(values.max())}
        england = (f"; England{' total' if 'england' in y.totals else ''} {shown(y.england)}"
                   if y.england is not None else "")
        out = [Sentence(f"{subject}: the median of {r.n} {c.group} is {shown(r.median)} (from {shown(values.min())} "
                        f"to {shown(values.max())}){england}", "benchmark", c.item, numbers)]
    else:
        numbers |= {"council": c.shown_as, "value": r.value, "rank": r.rank, "quartile": r.quartile}
        out = [Sentence(f"{subject}: {'; '.join(_comparison_parts(c, shown))}", "benchmark", c.item, numbers)]
    if len(c.years) > 1 and c.shown_as is not None:
        out.append(_over_time_sentence(c, shown))
    out.extend(Sentence(f"{c.item}: caveat: {_first_lower(w)}", "caveat", c.item, {})
               for w in c.notes if code_of(w) != "no_polarity")
    return out


def _comparison_parts(c: BenchmarkComparison, shown) -> list[str]:
    y, r = c.latest, c.latest.result
    interval = f" (95% interval {shown(y.lower)} to {shown(y.upper)})" if y.lower is not None else ""
    lead = f"{c.shown_as} {shown(r.value)}{interval}"
    if y.england is not None and "england" in y.totals:
        lead += f", England total {shown(y.england)}"  # a sum of councils is not compared with one council
    elif y.england is not None:
        lead += f", England {shown(y.england)}"
        if y.verdict is not None:
            why = ("England's value is within the 95% interval" if y.verdict == "similar"
                   else "England's value is outside the 95% interval")
            lead += f": {_VERDICT_WORDS[y.verdict]} ({why})"
        else:
            lead += " (no interval in the file, so no test against England)"
    parts = [lead]
    if c.polarity == "neutral":
        nth = "" if r.rank == 1 else f"{ordinal(r.rank)} "
        parts.append(f"the {nth}highest of {r.n} {c.group} (no better direction)")
    else:
        quarter = f", {QUARTILE_NAMES[r.quartile]} quartile" if r.quartile is not None else ""
        parts.append(f"rank {r.rank} of {r.n} {c.group}{quarter}")
    if y.region is not None:
        parts.append(f"{c.region_name}{' total' if 'region' in y.totals else ''} {shown(y.region)}")
    parts.append(f"median of {c.group} {shown(r.median)}")
    return parts


def _over_time_sentence(c: BenchmarkComparison, shown) -> Sentence:
    first, last = c.years[0], c.years[-1]
    ranks = ", ".join(f"{c.period_label(y.period)} {ordinal(y.result.rank)} of {y.result.n}" if y.result.rank
                      else f"{c.period_label(y.period)} not ranked" for y in c.years)
    parts = [f"rank each year: {ranks}"]
    if first.result.value is not None and last.result.value is not None:
        parts.append(f"{c.shown_as} from {shown(first.result.value)} to {shown(last.result.value)}")
    if first.england is not None and last.england is not None:
        total = " total" if "england" in first.totals | last.totals else ""
        parts.append(f"England{total} from {shown(first.england)} to {shown(last.england)}")
    parts.append(f"median of {c.group} from {shown(first.result.median)} to {shown(last.result.median)}")
    return Sentence(f"{c.item}: {'; '.join(parts)}", "benchmark_trend", c.item,
                    {"first_rank": first.result.rank or "", "last_rank": last.result.rank or ""})


def _benchmark_sentences(result: DatasetAnalysis) -> list[Sentence]:
    """Every item of a table of places, described for the analysis' council (or the group when none)."""
    out = []
    for b in result.benchmarks:
        if b.comparison is None:
            out.append(Sentence(f"{b.item}: {_first_lower(b.problem or '')}", "caveat", b.item, {}))
        else:
            out.extend(describe_comparison(b.comparison))
    out.extend(Sentence(f"Places: caveat: {_first_lower(w)}", "caveat", "Places", {}) for w in result.places_warnings)
    return out


# --- whole datasets -----------------------------------------------------------------------------------------

def _row_sentences(data: Dataset) -> list[Sentence]:
    frame = data.frame
    label = "category" if "category" in frame.columns else "period"
    out = []
    for name, rows in frame.groupby(label, sort=False):
        parts = [f"{m} {format_value(v, data.measures.get(m, catalogue.MeasureInfo()).unit)}"
                 for m, v in zip(rows["measure"], rows["value"], strict=True)]
        subject = str(name)
        out.append(Sentence(f"{subject}: {'; '.join(parts)}", "row", subject,
                            {str(m): float(v) for m, v in zip(rows["measure"], rows["value"], strict=True)}))
    return out


def describe(result: DatasetAnalysis) -> list[Sentence]:
    """Commentary for one analysed dataset, whatever its kind: a table of places item by item, then (for a
    time series) :func:`describe_series` for each analysis; a budget table's scorecard; any other table one
    sentence per row. The command line, the pack and the pages all say these sentences."""
    out = _benchmark_sentences(result) if result.kind == "benchmark" else []
    # a table of places that is also a time series: its totals' trends, as the pack gives them (a split by
    # each dimension value is a comparison the benchmark sentences already make)
    series = [a for a in result.series if result.kind != "benchmark" or a.name in result.data.measures]
    out += [s for a in series for s in describe_series(a)]
    if result.kind == "finance_scorecard":
        if result.scorecard is None:
            return [Sentence(f"Budget table: {_first_lower(result.scorecard_problem or '')}", "caveat",
                             "Budget table", {})]
        return describe_scorecard(result.scorecard, previous=result.previous)
    if result.kind == "table":
        return _row_sentences(result.data)
    return out


def describe_dataset(data: Dataset, **options) -> list[Sentence]:
    """Commentary for a whole dataset: :func:`describe` of :func:`analytics.dataset_analysis.analyse`.

    Parameters
    ----------
    data : Dataset
    **options
        ``measure`` (only this measure), ``targets`` (dict), ``horizon`` (periods to forecast),
        ``council`` (benchmarking a table of places: a council's name or code; read from a "Your council:"
        title when not given), ``previous`` (what the finance movement is against, e.g. "month 2").

    Raises
    ------
    AnalysisError
        No such measure, or a council that is not an English council with adult social care duties.
    """
    return describe(analyse(data, **options))


# --- headlines (chart titles that state the finding) ---------------------------------------------------------

def headline(a: SeriesAnalysis) -> str:
    """A chart title that states the finding: the change on last year (or on the last period) and the trend.

    "Calls answered: down 12% on the same week last year; statistically significant downward trend".
    """
    parts = []
    noun = vocabulary.frequency(a.frequency).noun
    if a.year_change is not None and a.year_change.words != compare.NOT_AVAILABLE:
        parts.append(f"{_change_words(a.year_change)} on the same {noun} last year")
    elif a.period_change is not None and a.period_change.words != compare.NOT_AVAILABLE:
        parts.append(f"{_change_words(a.period_change)} on the previous {noun}")
    t = a.trend
    if t is not None and t.direction in ("up", "down") and t.p_value < SIGNIFICANCE_LEVEL:
        parts.append(f"statistically significant {'upward' if t.direction == 'up' else 'downward'} trend")
    elif t is not None and t.direction == "flat":
        parts.append("no clear trend")
    return f"{a.name}: {'; '.join(parts)}" if parts else a.name


def finance_headline(result: FinanceResult, parent_row: int | None = None) -> str:
    """'Forecast underspend of £4.03m, F' for the whole budget (the grand total, else the top-level lines),
    or 'Older People: forecast underspend of £1.50m, F' for the line at position ``parent_row``."""
    if parent_row is not None:
        row = result.table.iloc[parent_row]
        return f"{row['label']}: {_variance_words(row['kind'], float(row['variance']))}"
    words = _variance_words("expenditure", finance.overall_variance(result))
    return words[:1].upper() + words[1:]


def without_subject(sentence: Sentence) -> str:
    """The sentence without its "Subject: " lead-in, capitalised, for lists that already name the subject."""
    lead = f"{sentence.subject}: "
    text = sentence.text[len(lead):] if sentence.text.startswith(lead) else sentence.text
    return text[:1].upper() + text[1:]
