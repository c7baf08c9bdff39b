"""Known adult social care measures: the names councils use for them, their unit and their polarity.

Polarity follows the usual reading in ASC performance reports (ASCOF where one exists): fewer permanent
admissions to care homes is better, more people leaving reablement with no ongoing care is better, demand
measures (calls, contacts, requests) are neutral because more is neither good nor bad in itself. The NHS and
ONS measures officers benchmark with follow their standards: more seen within 4 hours (or treated within 18
weeks) is better, waits beyond a standard, delayed discharges and deaths are worse, and hospital activity
(attendances, emergency admissions, discharges) is neutral and is not a care home admission. Users can
override any of this on the Data page, which shows why each measure was read as it was (:func:`explain`).
CATALOGUE_KEYS lists the entries a user can move a measure to (the topic pages choose measures by key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.vocabulary import COUNT_UNITS, POLARITIES, UNITS  # noqa: F401 - re-exported (pages/data.py)


@dataclass(frozen=True)
class MeasureInfo:
    """What a measure is: its unit, its polarity and the catalogue entry it matched (if any)."""

    unit: str = "count"
    polarity: str = "neutral"
    known_as: str | None = None


@dataclass(frozen=True)
class _Entry:
    key: str
    pattern: re.Pattern[str]
    unit: str
    polarity: str


def _e(key: str, pattern: str, unit: str, polarity: str) -> _Entry:
    return _Entry(key, re.compile(pattern, re.I), unit, polarity)


_SPAN = r"\d+\s*(?:hours?|hrs?|weeks?|wks?|days?)\b"  # "4 hours", "18 weeks", "28 days"

# Order matters: the first match wins, so specific names come before general ones. The NHS waiting-standard
# entries come first because their names also hold words of ASC entries ("Emergency Admissions: ... >4 hours
# from decision to admit"; "Deaths waiting for start of care package").
CATALOGUE: tuple[_Entry, ...] = (
    _e("standard", r"operational\s+standard|\b(?:national|performance)\s+(?:standard|target)\b", "percent", "neutral"),
    _e("beyond_standard", rf"(?:greater|more|longer)\s+than\s+{_SPAN}|\bover\s+{_SPAN}|>\s*=?\s*{_SPAN}|"
                          rf"\d+\s*\+\s*(?:hours?|weeks?|days?)\b|{_SPAN}\s+or\s+(?:more|longer)|trolley\s+wait",
       "count", "lower_is_better"),
    _e("within_standard", rf"\bwithin\s+{_SPAN}|(?:less\s+than|under|in)\s+(?:or\s+equal\s+to\s+)?{_SPAN}|"
                          rf"{_SPAN}\s+or\s+less|<\s*=?\s*{_SPAN}", "count", "higher_is_better"),
    _e("deaths", r"\bdeaths?\b|\bdied\b|mortality", "count", "lower_is_better"),
    _e("delayed_discharges", r"\bdelay|no\s+longer\s+meets?\s+(?:the\s+)?criteria\s+to\s+reside|"
                             r"\bawaiting\b|\bdtoc\b|remaining\s+in\s+hospital", "count", "lower_is_better"),
    _e("hospital_admissions", r"emergency\s+admissions?|hospital\s+admissions?|non[\s-]*elective|"
                              r"admissions?\s+(?:to|via|in)\s+(?:a\s*&\s*e|hospital)", "count", "neutral"),
    _e("attendances", r"\battendances?\b", "count", "neutral"),
    _e("discharges", r"\bdischarge[sd]?\b", "count", "neutral"),
    _e("bounce_rate", r"bounce\s*rate", "percent", "lower_is_better"),
    _e("variance", r"\bvariance\b|over\s*/?\s*under\s*spend", "currency", "neutral"),
    _e("budget", r"\bbudget\b", "currency", "neutral"),
    _e("forecast_outturn", r"\b(forecast|outturn|projected spend)\b", "currency", "neutral"),
    _e("movement", r"\bmovement\b", "currency", "neutral"),
    _e("weekly_cost", r"(weekly|unit|average)\s+(cost|price|fee)", "currency", "lower_is_better"),
    _e("spend", r"\b(spend|expenditure|cost)\b|£", "currency", "neutral"),
    _e("length_of_stay", r"length\s+of\s+stay|\blos\b|duration", "days", "lower_is_better"),
    _e("brokerage_days", r"brokerage.*days|days.*brokerage|days\s+to\s+(source|broker)", "days", "lower_is_better"),
    _e("waiting_days", r"days\s+wait|waiting\s+days|wait(ing)?\s+time", "days", "lower_is_better"),
    _e("rate_per_population", r"per\s+100,?000|per\s+10,?000|per\s+1,?000\b", "rate", "neutral"),
    _e("no_ongoing_care", r"no\s+ongoing|no\s+further\s+(care|support)|independen", "count", "higher_is_better"),
    _e("reduced_care", r"reduced\s+(care|support|package)", "count", "higher_is_better"),
    _e("same_or_more_care", r"same\s+or\s+more|more\s+care|increased\s+(care|support)", "count", "lower_is_better"),
    _e("direct_payments", r"direct\s+payment", "count", "higher_is_better"),
    _e("support_plans", r"support\s+plan", "count", "neutral"),
    _e("section_42", r"section\s*42|s\.?\s*42", "count", "neutral"),
    _e("safeguarding", r"safeguarding", "count", "neutral"),
    _e("dols_waiting", r"(dols|deprivation).*wait|waiting\s+list", "count", "lower_is_better"),
    _e("dols_completed", r"(dols|deprivation|applications?).*(complet|authoris|signed)", "count", "higher_is_better"),
    _e("dols_applications", r"\bdols\b|deprivation\s+of\s+liberty|applications?\s+received", "count", "neutral"),
    # NHS flows named with RTT words: new referral-to-treatment periods start (demand, a flow in), admitted
    # and non-admitted pathways end in treatment (a flow out); neither is a waiting list (a stock)
    _e("requests", r"\bnew\s+(?:rtt\s+)?(?:periods?|pathways?)\b|clock\s+starts?", "count", "neutral"),
    _e("completed_pathways", r"\badmitted\b.*\b(?:no\.?|number)\s+of\s+pathways\b|completed\s+(?:rtt\s+)?pathways?|"
                             r"clock\s+stops?", "count", "neutral"),
    # after the DoLS and brokerage waits, which name their own measure
    _e("waiting", r"\bwait(?:s|ing|ed)?\b|\brtt\b|incomplete\s+pathways?", "count", "lower_is_better"),
    _e("admissions", r"admission|placements?\s+(initiated|made|started)|new\s+placements?|"
                     r"residential|nursing", "count", "lower_is_better"),
    _e("people_in_care", r"people\s+in\s+(residential|nursing|care)|care\s+home\s+population|occupancy",
       "count", "neutral"),
    _e("reablement_starts", r"reablement.*start|starts?\b", "count", "higher_is_better"),
    _e("reports_completed", r"reports?\s+completed", "count", "higher_is_better"),
    _e("assessments", r"care\s+act|assessment", "count", "higher_is_better"),
    _e("completions", r"\bcomplet", "count", "higher_is_better"),  # not "Incomplete RTT pathways"
    _e("calls_answered", r"calls?\s+answered|answered\s+calls", "count", "higher_is_better"),
    _e("calls_abandoned", r"abandon", "count", "lower_is_better"),
    _e("calls", r"\bcalls?\b", "count", "neutral"),
    _e("contacts", r"contacts?\b", "count", "neutral"),
    _e("requests", r"request|referral", "count", "neutral"),
    _e("visitors", r"visitors?|sessions|entrances|page\s*views", "count", "higher_is_better"),
    _e("bounces", r"bounces", "count", "lower_is_better"),
    _e("pay", r"\b(?:pay|earnings|salary|salaries|wages?)\b", "currency", "neutral"),
    _e("population", r"\bpopulation\b|mid[\s-]*year\s+estimate", "count", "neutral"),
)
CATALOGUE_KEYS = tuple(dict.fromkeys(e.key for e in CATALOGUE))
POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
                  "neutral": "neither direction is better"}

_PERCENT_WORDS = re.compile(r"%|\bper\s*cent\b|percentage|\bpct\b", re.I)  # the name says it is a percent
# words of a share or a rate: a percent only if the values are (see `checked_percent`): a 'Rate' of 450 is per 100,000
_PROPORTION_WORDS = re.compile(r"proportion|\brate\b(?!\s+per)|\bratio\b", re.I)
_RATE_WORDS = re.compile(r"per\s+100,?000|per\s+10,?000|per\s+1,?000\b|\bper\s+head\b", re.I)
# an index against a base ('GDP deflator: 2022-23 = 100', 'Price index (2015=100)'): not a count, never summed
# ('index case', 'indexed records' are not)
_INDEX_WORDS = re.compile(r"\b(?:price|cost|volume|value|wage|earnings|retail|consumer|composite|deprivation)\s+"
                          r"ind(?:ex|ices)\b|\bind(?:ex|ices)\s+(?:of|score|value|points?|number)\b|^\W*ind(?:ex|ices)\b|"
                          r"\bindex\W*$|\bdeflators?\b|=\s*100\b", re.I)
_CURRENCY_WORDS = re.compile(r"£|\bgbp\b|£m\b|\bcost\b|\bspend(?:ing)?\b|\bexpenditure\b|\bbudget\b|\bforecast\b|"
                             r"\boutturn\b|\bvalues?\s+of\s+(?:payments?|packages?|contracts?|grants?|agreements?|loans?|invoices?|"
                             r"debts?|assets?|fees|charges|income)\b|\b(?:total|gross|net|cash)\s+value\b", re.I)
# a money scale in a name or a Unit cell: '£000', "£'000s", '£k', '£ thousands', 'thousands of pounds'; '£m'
_THOUSANDS = re.compile(r"£\s*\(?\s*(?:'?000'?s?|thousands?|k\b)|\bgbp\s*(?:'?000s?|thousands?)|"
                        r"thousands\s+of\s+pounds", re.I)
_MILLIONS = re.compile(r"£\s*\(?\s*(?:m\b|mn\b|millions?)|\bgbp\s*(?:m\b|millions?)|millions\s+of\s+pounds", re.I)


def money_unit(text: str) -> str | None:
    """The scaled money unit a name or Unit cell states ('£000' -> 'currency_thousands', '£m' ->
    'currency_millions'), None when it states no scale: the figures are kept as printed, so the scale must
    travel with them to every axis and sentence."""
    if _THOUSANDS.search(text):
        return "currency_thousands"
    if _MILLIONS.search(text):
        return "currency_millions"
    return None


# a time a name states as its unit, in brackets: 'Median wait (weeks)', 'Length of stay (in days)'; never a
# threshold ('No. within 18 weeks' counts pathways)
_TIME_UNIT_WORDS = re.compile(r"\(\s*(?:in\s+)?(minutes|hours|days|weeks)\s*\)", re.I)
_RANK_WORDS = re.compile(r"^\W*(?:\w+\s*-\s*)?rank\b|\brank\s+of\b", re.I)  # 'IMD - Rank of proportion ...'


# a scale a name states in brackets, with no £: 'Number of jobs (thousand)', "People ('000s)", 'Total waiting (mil)'
_COUNT_SCALES = (("thousands", re.compile(r"\(\s*(?:in\s+)?(?:thousands?|'?000'?s?)\s*\)", re.I)),
                 ("millions", re.compile(r"\(\s*(?:in\s+)?(?:mil|mn|millions?)\s*\)", re.I)))


def unit_from_name(name: str) -> str | None:
    """Unit implied by the words of a measure name ('%', 'per 100,000', '2022-23 = 100', '£', '(thousand)'), None
    if it says nothing. A rank is a position, whatever it ranks ('Rank of proportion of LSOAs...' is no
    percentage). A share's words ('Rate', 'Proportion') give a percent the values must bear out
    (`checked_percent`). A scale in brackets is kept with the figures as printed: a count in thousands, or money
    if the name is of money ('Gross cost (thousands)')."""
    if _RANK_WORDS.search(name):
        return "count"
    if _RATE_WORDS.search(name):
        return "rate"
    if _PERCENT_WORDS.search(name):
        return "percent"
    if _INDEX_WORDS.search(name):
        return "index"
    if _PROPORTION_WORDS.search(name):
        return "percent"
    if (scaled := money_unit(name)) is not None:
        return scaled
    if (time := _TIME_UNIT_WORDS.search(name)) is not None:
        return time.group(1).lower()
    money = bool(_CURRENCY_WORDS.search(name)) and not counts_things(name)
    if (scale := next((s for s, pattern in _COUNT_SCALES if pattern.search(name)), None)) is not None:
        return f"{'currency' if money else 'count'}_{scale}"
    return "currency" if money else None


_COUNT_WORDS = re.compile(r"\b(?:numbers?|no\.|count)\s+of\b", re.I)


def counts_things(name: str) -> bool:
    """The name says it is a number of something, with no '£': 'Number of weeks spent in LA residential homes by
    residents whose full costs are included under expenditure' counts weeks, whatever money words follow."""
    return bool(_COUNT_WORDS.search(name)) and "£" not in name


_UNIT_WORDS = (  # a "Unit" column's cell, as councils and publications write it
    ("rate", re.compile(r"^(?:rate\s+)?per\s+(?:100,?000|10,?000|1,?000|head)\b.*$|^rate per\b.*$", re.I)),
    ("percent", re.compile(r"^(?:%|per\s*cent(?:age)?|pct|proportion)$", re.I)),
    ("currency", re.compile(r"^(?:£|gbp|pounds?|(?:£|gbp)\s*\(?\s*(?:'?000'?s?|k|m|mn|thousands?|millions?)\)?|"
                            r"(?:thousands|millions) of pounds|money|cost)$", re.I)),
    ("days", re.compile(r"^(?:days?|average days|number of days)$", re.I)),
    ("weeks", re.compile(r"^(?:weeks?|average weeks|number of weeks)$", re.I)),
    ("count", re.compile(r"^(?:counts?|number|no\.?|people|persons?|clients?|cases|numbers?|volume|n)$", re.I)),
    ("count_thousands", re.compile(r"^(?:(?:number\s+)?(?:in\s+)?thousands?|'?000'?s?)$", re.I)),
    ("count_millions", re.compile(r"^(?:(?:number\s+)?(?:in\s+)?millions?)$", re.I)),
)


def unit_from_word(text: str) -> str | None:
    """The unit a "Unit" column's cell names ('%', 'Number', 'per 100,000', '£000'), None if it names none."""
    text = str(text).strip()
    unit = next((unit for unit, pattern in _UNIT_WORDS if pattern.match(text)), None)
    return (money_unit(text) or unit) if unit == "currency" else unit


MOST_COUNTED = 1e10  # more than the world's people: no count printed in thousands or millions reaches this
COUNT_SCALE = {"count_thousands": 1e3, "count_millions": 1e6}


def checked_scale(info: MeasureInfo, largest: float) -> MeasureInfo:
    """A count the name says is in thousands or millions, kept so only if its values bear that out: the NHS
    RTT series heads whole counts of people ('Total waiting (mil)' over 7,071,829) with the scale of a chart's
    axis, and 7 million million people waiting is no reading of it. Otherwise a plain count."""
    scale = COUNT_SCALE.get(info.unit)
    if scale is None or not largest * scale > MOST_COUNTED:
        return info
    return MeasureInfo("count", info.polarity, info.known_as)


PERCENT_RANGE = (0.0, 100.0)


def stated_percent(name: str) -> bool:
    """The name says its values are percentages ('%', 'per cent', 'percentage'), whatever they are."""
    return bool(_PERCENT_WORDS.search(name))


def checked_percent(name: str, info: MeasureInfo, values: pd.Series) -> MeasureInfo:
    """A percent only the words of a share suggest ('Rate', 'Proportion of ...', a catalogue entry of
    percentages), kept so only if every value lies within 0-100 (fractions 0-1 included): a 'Rate' of 452.3
    is per 100,000 or per 1,000, not a percentage, and is read as a rate. A name stating '%' keeps its percent."""
    if info.unit != "percent" or stated_percent(name):
        return info
    finite = values.dropna()
    if not len(finite) or bool(finite.between(*PERCENT_RANGE).all()):
        return info
    return MeasureInfo("rate", info.polarity, info.known_as)


def describe(name: str) -> MeasureInfo:
    """Unit and polarity for a measure name, from the catalogue; unknown measures are neutral counts.

    The unit the name states (`unit_from_name`) wins over the entry's: a percentage of a known count measure
    ('% of people using direct payments') keeps the count's polarity but takes the percent unit; a rank of
    spend is a count. Money named ('Total value of ...') over a count entry is neutral spend.
    """
    entry, _ = _match(name)
    named_unit = unit_from_name(name)
    if entry is None:
        return MeasureInfo(unit=named_unit or "count")
    if named_unit == "currency" and entry.unit in COUNT_UNITS:  # 'Total value of direct payments' is money, not
        return MeasureInfo("currency")  # people: the count's polarity does not carry over to spend
    unit = named_unit or entry.unit  # what the name says its values are wins over what such measures usually are
    if named_unit in ("count_thousands", "count_millions"):  # a scale: money if the entry is of money
        unit = named_unit.replace("count", "currency") if entry.unit == "currency" else named_unit
    return MeasureInfo(unit=unit, polarity=entry.polarity, known_as=entry.key)


def _match(name: str) -> tuple[_Entry | None, str]:
    """The first catalogue entry whose pattern is in the name, and the words it matched. A section heading in
    capitals joined on ('ASSESSMENTS, REVIEWS AND SERVICES: People receiving services ...') names a part of
    the table, not the measure: it is read only when the name has no other words. A name that counts things
    (`counts_things`) matches no money entry."""
    parts = name.split(": ")
    text = ": ".join(p for p in parts if not _SECTION.fullmatch(p)) or name
    counted = counts_things(text)
    for entry in CATALOGUE:
        if counted and entry.unit == "currency":
            continue  # a number of weeks or people is not money, whatever money words it names
        found = entry.pattern.search(text)
        if found:
            return entry, found.group(0).strip()
    return None, ""


_SECTION = re.compile(r"[^a-z]*[A-Z]{3}[^a-z]*")  # a heading in capitals ('SUPPORTED RESIDENTS', 'HOME CARE')


def explain(name: str, info: MeasureInfo, *, by_user: bool = False) -> str:
    """Why the measure has its polarity, in words for the Data page: "matched 'within 4 hours': higher is
    better". ``by_user`` when the user set it on the Data page; a polarity the reader took from the file
    rather than the name is said to be so."""
    words = POLARITY_WORDS.get(info.polarity, info.polarity)
    if by_user:
        return f"set by you: {words}"
    entry, matched = _match(name)
    if entry is None:
        return f"no catalogue match: {words}"
    if entry.polarity != info.polarity:
        return f"read from the file: {words}"
    return f"matched '{matched}': {words}"
