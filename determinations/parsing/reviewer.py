"""The expert reviewer's credentials: licensure states and specialties."""

from __future__ import annotations

import re

from determinations.lexicon import Lexicon

# "State(s) of Licensure: New Jersey, Alabama, California" (the list may wrap a line)
_STATES_LINE = re.compile(
    r"State\(?s?\)?\s+of\s+Licensure\s*:\s*(?P<value>.+?)(?=\n\s*\n|\n[^\n]*:|\Z)", re.I | re.S
)
_SPECIALTIES_LINE = re.compile(
    r"Certification\(?s?\)?\s*/\s*Specialt(?:y|ies)\s*:\s*(?P<value>.+?)(?=\n\s*\n|\n[^\n]*:|\Z)",
    re.I | re.S,
)
# Prose credentials: "is Board Certified in Physical Medicine and Rehabilitation, has a
# subspecialty in Pain Management, and is licensed to practice in California".
_BOARD_CERTIFIED = re.compile(
    r"Board[\s-]+Certified\s+in\s+(?P<value>.+?)(?=,?\s+(?:and\s+)?(?:has|is|who|with)\s|[.;]\s|\.?\Z)",
    re.I | re.S,
)
_SUBSPECIALTY = re.compile(
    r"(?:sub-?specialty|specialty|fellowship\s+trained)\s+in\s+"
    r"(?P<value>.+?)(?=,?\s+(?:and\s+)?(?:has|is|who|with)\s|[.;]\s|\.?\Z)",
    re.I | re.S,
)
_LICENSED_IN = re.compile(
    r"licensed\s+(?:to\s+practice\s+)?in\s+(?:the\s+states?\s+of\s+)?"
    r"(?P<value>.+?)(?=[.;]\s|\.?\s*\Z|\s+(?:and\s+)?(?:has|is|who)\s)",
    re.I | re.S,
)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b)\s*", re.I)
# Specialty names that contain "and": split on it everywhere else.
_AND_INSIDE = re.compile(
    r"\b(physical medicine|obstetrics|oral|hospice|head|allergy|colon)\s+(?:and|&)\s+", re.I
)


def reviewer_states(text: str, lexicon: Lexicon) -> list[str]:
    """USPS codes of the states the reviewer is licensed in, in order, each once."""
    values = [m.group("value") for m in _STATES_LINE.finditer(text)]
    values += [m.group("value") for m in _LICENSED_IN.finditer(text)]
    codes: list[str] = []
    for value in values:
        for name in _split_list(value):
            code = lexicon.state_code(name)
            if code and code not in codes:
                codes.append(code)
    return codes


def reviewer_specialties(text: str, lexicon: Lexicon) -> list[str]:
    """Canonical names of the reviewer's certifications and specialties, in order, each once."""
    values = [m.group("value") for m in _SPECIALTIES_LINE.finditer(text)]
    if not values:
        values = [m.group("value") for m in _BOARD_CERTIFIED.finditer(text)]
        values += [m.group("value") for m in _SUBSPECIALTY.finditer(text)]
    names: list[str] = []
    for value in values:
        protected = _AND_INSIDE.sub(lambda m: f"{m.group(1)} \x00 ", value)
        for part in _split_list(protected):
            name = lexicon.specialty(part.replace("\x00", "and"))
            if name and name not in names:
                names.append(name)
    return names


def _split_list(value: str) -> list[str]:
    value = " ".join(value.split())
    parts = _LIST_SEPARATOR.split(value)
    return [p.strip(" .") for p in parts if p and p.strip(" .")]
