"""Words in one place: numbers, money, percentages and periods as every view writes them.

GOV.UK style: digits with thousands separators, half away from zero (never Python's half to even), units
stated. Commentary, tables, the Word pack and the Excel workbook all format through here, so one number reads
the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from analytics.periods import format_period  # noqa: F401 - periods in words: "June 2024", "2023/24"


def round_half_away(x: float, ndigits: int = 0) -> float:
    """Round half away from zero (2.5 -> 3, -2.5 -> -3), not Python's round-half-to-even.

    The value is first taken to 9 decimal places so that float noise (16.4999999999) does not decide.
    From 1e15 up a float has no decimal places to round (and Decimal's 28 digits overflow on 1e200).
    """
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(round(x, 9))).quantize(quantum, rounding=ROUND_HALF_UP))


def format_number(x: float) -> str:
    """Digits with thousands separators: whole numbers as such, others to 1 decimal place."""
    rounded = round_half_away(x, 1)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.1f}"


TIME_UNITS = ("minutes", "hours", "days", "weeks")  # '20.3 days', '45.0 minutes': the unit's word after the figure


def format_value(x: float, unit: str = "count") -> str:
    """A value in its unit: '1,234', '31.5%', '£1,047.52', '£10,441k' (£ thousands), '£4.03m' (£ millions),
    '20.3 days', '45.0 minutes', '12.5' (a rate or an index), '22,447 thousand' and '7.07 million' (counts
    printed in thousands or millions)."""
    if x is None or not math.isfinite(float(x)):
        return "no value"
    x = float(x)
    if unit == "percent":
        return f"{round_half_away(x, 1):.1f}%"
    if unit == "currency_thousands":  # as printed, the scale stated: '£10,441k' is £10.4 million
        size = round_half_away(abs(x)) if abs(x) >= 10 else abs(x)
        return "£0" if size == 0 else f"{'-' if x < 0 else ''}£{format_number(size)}k"
    if unit == "currency_millions":
        return format_millions(x)
    if unit == "currency":
        sign = "-" if x < 0 else ""
        if abs(x) >= 1000 or float(x).is_integer():
            return f"{sign}£{int(round_half_away(abs(x))):,}"
        return f"{sign}£{round_half_away(abs(x), 2):,.2f}"
    if unit in TIME_UNITS:
        return f"{round_half_away(x, 1):,.1f} {unit}"
    if unit in ("rate", "index"):
        return f"{round_half_away(x, 1):,.1f}"
    if unit == "count_thousands":  # as printed, the scale stated: '22,447 thousand' jobs is 22.4 million
        return f"{format_number(x)} thousand"
    if unit == "count_millions":  # '7.07 million' waiting; whole millions from a billion, as £m
        digits = 0 if abs(x) >= MILLIONS_WHOLE_FROM else 2
        return f"{round_half_away(x, digits):,.{digits}f} million"
    return format_number(x)


UNIT_WORDS = {"count": "count", "count_thousands": "count, thousands", "count_millions": "count, millions",
              "percent": "percent", "currency": "£", "currency_thousands": "£ thousands",
              "currency_millions": "£ millions", "days": "days", "weeks": "weeks", "rate": "rate",
              "index": "index", "minutes": "minutes", "hours": "hours"}
UNIT_OF_WORDS = {words: unit for unit, words in UNIT_WORDS.items()}  # the Data page's unit choice, back to its code


def unit_words(unit: str) -> str:
    """A unit as the Data page and the methods annex name it: 'count, thousands', '£ millions', 'percent'."""
    return UNIT_WORDS.get(unit, unit.replace("_", " "))


SHORT_WIDTH = 8  # characters a summary tile shows in full at its font size, five tiles to a row
_POUNDS_PER = {"currency": 1.0, "currency_thousands": 1e3, "currency_millions": 1e6}
_COUNT_PER = {"count": 1.0, "count_thousands": 1e3, "count_millions": 1e6}
_SCALES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))


def _three_figures(x: float) -> str:
    """x (at least 1) to three significant figures, whole from 100 up: 1.15, 23.7, 152."""
    for digits, below in ((2, 10), (1, 100)):
        if round_half_away(x, digits) < below:  # 9.999 is 10.0, not 10.00
            return f"{round_half_away(x, digits):,.{digits}f}"
    return f"{round_half_away(x):,.0f}"


def format_short(x: float, unit: str = "count", width: int = SHORT_WIDTH) -> str:
    """A value short enough for a summary tile: as :func:`format_value` writes it when that fits in ``width``
    characters, else money in pounds and counts to three significant figures with k, m or bn ('£1.15bn' for
    £1,151,544k, '£23.7m', '1.25m'). The tile states the full value beside it (its help), so nothing is lost."""
    full = format_value(x, unit)
    if len(full) <= width or x is None or not math.isfinite(float(x)) or unit not in (*_POUNDS_PER, *_COUNT_PER):
        return full
    amount = abs(float(x)) * {**_POUNDS_PER, **_COUNT_PER}[unit]
    sign, pound = ("-" if x < 0 else ""), ("£" if unit in _POUNDS_PER else "")
    for k, (scale, suffix) in enumerate(_SCALES):
        if amount >= scale:
            text = _three_figures(amount / scale)
            if text == "1,000" and k:  # 999.96m rounds up to the next scale: £1.00bn
                text, suffix = "1.00", _SCALES[k - 1][1]
            return f"{sign}{pound}{text}{suffix}"
    return full


MILLIONS_WHOLE_FROM = 1000  # from £1,000m (a billion) pence of millions are false precision: '£3,218,152m'


def format_millions(x: float) -> str:
    """£m to 2 decimal places, with a minus sign when negative: '£31.89m', '-£0.92m'; whole millions from
    £1,000m ('£3,218,152m', not '£3,218,152.00m')."""
    digits = 0 if abs(x) >= MILLIONS_WHOLE_FROM else 2
    sign = "-" if x < 0 and round_half_away(abs(x), digits) != 0 else ""
    return f"{sign}£{round_half_away(abs(x), digits):,.{digits}f}m"


def slope_text(x: float, unit: str, *, with_unit: bool = True) -> str:
    """A trend's slope (its size, no sign) in words: '12 percentage points', '£1.5', '0.034'."""
    x = abs(x)
    if x >= 10:
        text = format_number(round_half_away(x))
    elif x >= 0.1:
        text = f"{round_half_away(x, 1):.1f}"
    else:
        text = f"{x:.2g}"
    money = {"currency": "", "currency_thousands": "k", "currency_millions": "m"}
    if unit in money:
        return f"£{text}{money[unit]}"
    if not with_unit:
        return text
    if unit == "percent":
        return f"{text} percentage points"
    if unit in TIME_UNITS:
        return f"{text} {unit}"
    if unit in ("count_thousands", "count_millions"):
        return f"{text} {unit.removeprefix('count_')[:-1]}"  # '12 thousand'
    return text


def p_text(p: float, smallest: float = 0.0) -> str:
    """'p = 0.042'; 'p < 0.001'; at a bootstrap's smallest possible p, 'p = 0.002 or less'."""
    if p <= smallest:
        return f"p = {smallest:.3f} or less"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def is_missing(value) -> bool:
    """None, NaN, NaT or NA."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell_text(value, decimals: int | None = None) -> str:
    """A table cell's text: digits with separators, dates day-first, missing as empty."""
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return f"{float(value):,.{decimals}f}" if decimals is not None else format_number(float(value))
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def fixed(x: float | None, digits: int = 2) -> str:
    """A number to ``digits`` decimal places with separators; empty when missing (statistics tables)."""
    return "" if x is None or not math.isfinite(x) else f"{x:,.{digits}f}"
