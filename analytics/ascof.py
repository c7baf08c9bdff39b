"""The Adult Social Care Outcomes Framework (ASCOF) measures: codes, names, unit and polarity.

ASCOF files name a measure by code ("2A(2)", "ASCOF 1C(2a)") and description. The codes were renumbered
for 2023-24 (DHSC, "Adult Social Care Outcomes Framework 2023 to 2024"), so a code alone is ambiguous:
descriptions are matched first, and a bare code only where its old and new meanings agree on polarity.
Polarity is the framework's own reading: every measure is higher-is-better except admissions to care
homes and delayed transfers of care. Old numbering from NHS Digital's "Measures from the Adult Social Care
Outcomes Framework, England" (2014-15 to 2022-23 handbooks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.catalogue import MeasureInfo


@dataclass(frozen=True)
class AscofMeasure:
    code: str  # old numbering (2014-15 to 2022-23)
    name: str
    pattern: re.Pattern[str]
    unit: str
    polarity: str


def _m(code: str, name: str, pattern: str, unit: str = "percent", polarity: str = "higher_is_better"):
    return AscofMeasure(code, name, re.compile(pattern, re.I), unit, polarity)


# Order matters: the first match wins, so the carers' and the specific measures come first.
MEASURES: tuple[AscofMeasure, ...] = (
    _m("1A", "Social care-related quality of life score", r"^(?!.*adjusted).*social care.related quality of life",
       "rate"),
    _m("1J", "Adjusted social care-related quality of life: impact of adult social care services",
       r"adjusted social care.related quality of life|impact of adult social care", "rate"),
    _m("1B", "People who use services who have control over their daily life", r"control over (their )?daily life"),
    _m("1C(1B)", "Carers who receive self-directed support", r"carers.*self.directed support"),
    _m("1C(1A)", "People who use services who receive self-directed support", r"self.directed support"),
    _m("1C(2B)", "Carers who receive direct payments", r"carers.*direct payments?"),
    _m("1C(2A)", "People who use services who receive direct payments", r"direct payments?"),
    _m("1D", "Carer-reported quality of life score", r"carer.reported quality of life", "rate"),
    _m("1E", "Adults with a learning disability in paid employment", r"learning disabilit.*paid employment"),
    _m("1F", "Adults in contact with secondary mental health services in paid employment",
       r"mental health.*paid employment"),
    _m("1G", "Adults with a learning disability who live in their own home or with their family",
       r"learning disabilit.*(own home|with (their )?family)"),
    _m("1H", "Adults in contact with secondary mental health services who live independently",
       r"mental health.*(live|living) independently"),
    _m("1I(2)", "Carers who have as much social contact as they would like", r"carers.*social contact"),
    _m("1I(1)", "People who use services who have as much social contact as they would like", r"social contact"),
    _m("2A(1)", "Long-term support needs of younger adults (18-64) met by admission to care homes, per 100,000",
       r"(18.64|younger adults).*admission|admission.*(18.64|younger adults)", "rate", "lower_is_better"),
    _m("2A(2)", "Long-term support needs of older adults (65+) met by admission to care homes, per 100,000",
       r"(65|older (adults|people)).*admission|admission.*(65|older (adults|people))", "rate", "lower_is_better"),
    _m("2B(2)", "Older people offered reablement services following discharge from hospital",
       r"offered reablement|received reablement"),
    _m("2B(1)", "Older people still at home 91 days after discharge from hospital into reablement",
       r"91 days|still at home"),
    _m("2C", "Delayed transfers of care from hospital, per 100,000", r"delayed transfers? of care", "rate",
       "lower_is_better"),
    _m("2D", "New clients who received short-term support where the sequel was no or lower-level support",
       r"short.term (service|support).*(no ongoing|lower level|no further)|sequel"),
    _m("3B", "Overall satisfaction of carers with social services", r"satisfaction of carers|carers.*satisf"),
    _m("3A", "Overall satisfaction of people who use services with their care and support",
       r"overall satisfaction|satisfaction.*care and support"),
    _m("3C", "Carers who report that they have been included or consulted in discussion about the person they "
             "care for", r"included or consulted"),
    _m("3D(2)", "Carers who find it easy to find information about support", r"carers.*easy to find information"),
    _m("3D(1)", "People who use services who find it easy to find information about services",
       r"easy to find information"),
    _m("4B", "People who use services who say that those services have made them feel safe and secure",
       r"services (have )?made them feel safe|feel safe and secure"),
    _m("4A", "People who use services who feel safe", r"feel safe"),
)
_BY_CODE = {m.code.upper(): m for m in MEASURES}
# The 2023-24 renumbering gave some codes new meanings; a bare code is trusted only where both meanings
# have the same polarity. These old codes were reused for a measure of the opposite direction.
_CHANGED_POLARITY = {"2A", "2A(1)", "2A(2)", "2C", "2D"}
CODE = re.compile(r"(?:\bascof\s*)?\b([1-4][A-J])\s*(\(\s*[12]\s*[ab]?\s*\))?", re.I)


def code_of(text: str) -> str | None:
    """The ASCOF code in a measure label ("ASCOF 2A(2): ..." -> "2A(2)"), or None."""
    match = CODE.search(text)
    if match is None:
        return None
    suffix = re.sub(r"\s+", "", match.group(2) or "").upper()
    return match.group(1).upper() + suffix


def lookup(text: str) -> AscofMeasure | None:
    """The ASCOF measure a label names: by its description, else by a code whose meaning is unambiguous."""
    measure = next((m for m in MEASURES if m.pattern.search(text)), None)
    if measure is not None:
        return measure
    code = code_of(text)
    if code is None or code in _CHANGED_POLARITY or code.rstrip(")").split("(")[0] in _CHANGED_POLARITY:
        return None
    return _BY_CODE.get(code)


def describe(text: str, fallback: MeasureInfo) -> MeasureInfo:
    """The ASCOF unit and polarity of a label (``ascof:<code>`` as its catalogue key), else ``fallback``."""
    measure = lookup(text)
    if measure is None:
        return fallback
    return MeasureInfo(unit=measure.unit, polarity=measure.polarity, known_as=f"ascof:{measure.code}")
