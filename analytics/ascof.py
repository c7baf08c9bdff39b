"""The Adult Social Care Outcomes Framework (ASCOF) measures: codes, names, unit and polarity.

ASCOF files name a measure by code ("2A(2)", "ASCOF 1C(2a)") and description. The codes were renumbered
for 2023-24 (DHSC, "Adult Social Care Outcomes Framework 2023 to 2024": 2A short-term support with no
further request, 2B and 2C admissions to care homes of 18-64s and 65+, 2D still at home 91 days after
reablement, 2E long-term support at home or with family), so a code alone is ambiguous: descriptions are
matched first, then a code in the numbering of the file's year, or, when the year is unknown, only where its
old and new meanings agree on unit and polarity.
Polarity is the framework's own reading: every measure is higher-is-better except admissions to care
homes and delayed transfers of care. Old numbering from NHS Digital's "Measures from the Adult Social Care
Outcomes Framework, England" (2014-15 to 2022-23 handbooks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.catalogue import MeasureInfo

NEW_NUMBERING_FROM = 2023  # the financial year (its first calendar year) the new codes start: 2023-24


@dataclass(frozen=True)
class AscofMeasure:
    code: str  # old numbering (2014-15 to 2022-23); a measure new in 2023-24 has its new code
    name: str
    pattern: re.Pattern[str]
    unit: str
    polarity: str
    new_code: str | None = None  # its code from 2023-24 where that differs ("2A(2)" became "2C")

    def code_in(self, year: int | None) -> str:
        """The measure's code in the numbering of a financial year (its first calendar year)."""
        return self.new_code if self.new_code and year is not None and year >= NEW_NUMBERING_FROM else self.code


def _m(code: str, name: str, pattern: str, unit: str = "percent", polarity: str = "higher_is_better",
       new_code: str | None = None):
    return AscofMeasure(code, name, re.compile(pattern, re.I), unit, polarity, new_code)


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
       r"(18.64|younger adults).*admission|admission.*(18.64|younger adults)", "rate", "lower_is_better", "2B"),
    _m("2A(2)", "Long-term support needs of older adults (65+) met by admission to care homes, per 100,000",
       r"(65|older (adults|people)).*admission|admission.*(65|older (adults|people))", "rate", "lower_is_better", "2C"),
    _m("2B(2)", "Older people offered reablement services following discharge from hospital",
       r"offered reablement|received reablement"),
    _m("2B(1)", "Older people still at home 91 days after discharge from hospital into reablement",
       r"91 days|still at home", new_code="2D"),
    _m("2C", "Delayed transfers of care from hospital, per 100,000", r"delayed transfers? of care", "rate",
       "lower_is_better"),
    _m("2D", "New clients who received short-term support where the sequel was no or lower-level support",
       r"short.term (service|support).*(no ongoing|lower level|no further)|sequel", new_code="2A"),
    _m("2E", "People who receive long-term support who live in their home or with family (new in 2023-24)",
       r"long.term support.*(live|living) in (their )?(own )?home|long.term support.*with (their )?family",
       new_code="2E"),
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
_REUSED = {m.new_code for m in MEASURES if m.new_code}
OLD_CODES = {m.code: m for m in MEASURES if m.code != m.new_code}  # 2014-15 to 2022-23 (2E is new)
NEW_CODES = {m.new_code or m.code: m for m in MEASURES if m.new_code or m.code not in _REUSED}  # from 2023-24
CODE = re.compile(r"(?:\bascof\s*)?\b([1-4][A-J])\s*(\(\s*[12]\s*[ab]?\s*\))?", re.I)


def code_of(text: str) -> str | None:
    """The ASCOF code in a measure label ("ASCOF 2A(2): ..." -> "2A(2)"), or None."""
    match = CODE.search(text)
    if match is None:
        return None
    suffix = re.sub(r"\s+", "", match.group(2) or "").upper()
    return match.group(1).upper() + suffix


def lookup(text: str, year: int | None = None) -> AscofMeasure | None:
    """The ASCOF measure a label names: by its description, else by its code.

    The 2023-24 renumbering gave codes new meanings ("2A" was younger adults' admissions to care homes,
    lower is better; it is now short-term support with no further request, higher is better). A code is read
    in the numbering of the file's financial year (``year``, its first calendar year) when that is known;
    otherwise only where its old and new meanings agree on unit and polarity.
    """
    measure = next((m for m in MEASURES if m.pattern.search(text)), None)
    if measure is not None:
        return measure
    code = code_of(text)
    if code is None:
        return None
    tables = [OLD_CODES, NEW_CODES] if year is None else [NEW_CODES if year >= NEW_NUMBERING_FROM else OLD_CODES]
    meanings = [m for table in tables for m in _family(table, code)]
    if not meanings or len({(m.unit, m.polarity) for m in meanings}) > 1:
        return None
    return meanings[0]


def _family(codes: dict[str, AscofMeasure], code: str) -> list[AscofMeasure]:
    """The measure a code names, or those of its parts ('2B' for 2B(1) and 2B(2), as files often write it)."""
    if code in codes:
        return [codes[code]]
    return [m for c, m in codes.items() if "(" not in code and c.startswith(code + "(")]


def describe(text: str, fallback: MeasureInfo, year: int | None = None) -> MeasureInfo:
    """The ASCOF unit and polarity of a label (``ascof:<code>`` as its catalogue key, in the numbering of
    ``year`` when given), else ``fallback``."""
    measure = lookup(text, year)
    if measure is None:
        return fallback
    code = measure.code_in(year) if measure.pattern.search(text) else code_of(text)  # '2B' for both parts
    return MeasureInfo(unit=measure.unit, polarity=measure.polarity, known_as=f"ascof:{code}")
