"""Patient facts from the case summary: age, sex, date of injury, UR date, diagnoses."""

from __future__ import annotations

import re
from datetime import date

from determinations.parsing.dates import DATE_PATTERN, date_from_match

_AGE = re.compile(
    r"\b(?P<age>\d{1,3})[\s-]+years?[\s-]+old\b|\b(?:aged?|age\s+of)\s*:?\s*(?P<age2>\d{1,3})\b",
    re.I,
)
_SEX_WORD = re.compile(
    r"\b(?P<female>female|woman|lady|girl)\b|\b(?P<male>male|man|gentleman|boy)\b", re.I
)
_FEMALE_PRONOUN = re.compile(r"\b(?:she|her|hers|herself)\b", re.I)
_MALE_PRONOUN = re.compile(r"\b(?:he|his|him|himself)\b", re.I)
_INJURY = re.compile(r"\b(?:injur(?:y|ies|ed)|DOI)\b", re.I)
_UR_MENTION = re.compile(r"\b(?:utilization\s+review|UR)\b", re.I)
# How case summaries name the diagnoses: "diagnosed with", "diagnosed as having", "diagnoses
# include", "has diagnosis that include", "the current diagnosis is documented as",
# "undergoing treatment(s) for", "treated for the diagnoses of", "filed a claim for ...
# reportedly associated with an industrial injury".
_DIAGNOSES = re.compile(
    r"\b(?:diagnosed\s+(?:with|as\s+having)"
    r"|diagnos[ie]s(?:,[^.]{0,40}?,)?(?:\s+(?:is|are|was|were))?\s+(?:documented|noted|listed)"
    r"(?:\s+(?:as|is|are|to\s+include))?"
    r"|diagnos[ie]s(?:,[^.]{0,40}?,)?\s+(?:that\s+)?(?:include[sd]?|are|were|of)"
    r"|current\s+diagnos[ie]s\s+(?:is|was)(?:\s+(?:documented|noted|listed)\s+as)?"
    r"|diagnosis\s+of|undergoing\s+treatments?\s+for|treated\s+for(?:\s+the\s+diagnos[ie]s\s+of)?"
    r"|diagnos[ie]s\s*:)\s*:?\s*"
    r"(?P<list>.+?)(?=\.\s|\.?\s*\n\s*\n|\.?\s*\Z)"
    r"|\bfiled\s+a\s+claim\s+for\s+(?P<claim>.+?)\s+(?:reportedly\s+)?(?:associated|sustained)",
    re.I | re.S,
)
_FINAL_AND = re.compile(r",?\s+and\s+(?=[^,]*$)", re.I)
_LEADING_AND = re.compile(r"^(?:and|or)\b,?\s*", re.I)
# How far after "injury" or "utilization review" a date may stand to belong to it.
_SENTENCE_END = re.compile(r"\.\s")
_INJURY_WINDOW = 120
_UR_WINDOW = 60


def patient_age(summary: str) -> int | None:
    """`63-year-old`, `54 year old`, `aged 47` -> the age; None when not stated."""
    for match in _AGE.finditer(summary):
        age = int(match.group("age") or match.group("age2"))
        if 14 <= age <= 110:
            return age
    return None


def patient_sex(summary: str) -> str:
    """`female`/`male` from the first sex word, else from the majority of pronouns."""
    match = _SEX_WORD.search(summary)
    if match:
        return "female" if match.group("female") else "male"
    female = len(_FEMALE_PRONOUN.findall(summary))
    male = len(_MALE_PRONOUN.findall(summary))
    if female > male:
        return "female"
    if male > female:
        return "male"
    return ""


def date_of_injury(summary: str, today: date | None = None) -> date | None:
    """The first date standing shortly after a mention of the injury."""
    return _date_after(_INJURY, summary, _INJURY_WINDOW, today)


def ur_decision_date(summary: str, today: date | None = None) -> date | None:
    """The date of the utilization review decision mentioned in the case summary."""
    return _date_after(_UR_MENTION, summary, _UR_WINDOW, today)


def diagnoses(summary: str) -> list[str]:
    """The diagnoses listed after "diagnosed with", "diagnoses include", "treated for"."""
    match = _DIAGNOSES.search(summary)
    if not match:
        return []
    listed = " ".join((match.group("list") or match.group("claim")).split())
    # "a; b; and c" lists use semicolons; shorter ones "a, b and c".
    if ";" in listed:
        parts = listed.split(";")
    else:
        parts = _FINAL_AND.sub(", ", listed, count=1).split(",")
    cleaned = [_LEADING_AND.sub("", p.strip()).strip(" .") for p in parts]
    cleaned = [p for p in cleaned if p]
    if ";" not in listed and any(len(p.split()) == 1 for p in cleaned[:-1]):
        # "cervical, thoracic and lumbar strain", "strain of muscle, fascia and tendon":
        # the commas join words of one diagnosis, not diagnoses.
        return [listed.strip(" .")]
    return cleaned


def _date_after(
    mention: re.Pattern[str], text: str, window: int, today: date | None
) -> date | None:
    for found in mention.finditer(text):
        nearby = text[found.end() : found.end() + window]
        sentence_end = _SENTENCE_END.search(nearby)
        if sentence_end:
            nearby = nearby[: sentence_end.start() + 1]
        for match in DATE_PATTERN.finditer(nearby):
            parsed = date_from_match(match, today)
            if parsed:
                return parsed
    return None
