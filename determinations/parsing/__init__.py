"""Parse IMR final determination letters: plain Python, text in, `ParsedLetter` out.

Nothing here imports Django; nothing here raises on bad input. See docs/parsing.md.
"""

from __future__ import annotations

import re
from datetime import date

from determinations.lexicon import Lexicon, default_lexicon
from determinations.parsing import patient, reviewer
from determinations.parsing.clean import clean_text, decode, paragraphs
from determinations.parsing.dates import parse_date
from determinations.parsing.guidelines import guideline_source, tidy_citation
from determinations.parsing.items import (
    ItemText,
    items_of_professional_review,
    items_with_decisions,
)
from determinations.parsing.result import (
    LAYOUT_PROFESSIONAL,
    ParsedItem,
    ParsedLetter,
    ParseIssue,
)
from determinations.parsing.sections import Sections, split_sections
from determinations.parsing.treatment import normalise_treatment

__all__ = ["ParseIssue", "ParsedItem", "ParsedLetter", "decode", "parse_letter"]

_CASE_NUMBER = re.compile(r"\bC[MB]\d{2}-\d{7}\b")
_HEADER_DATES = {
    name: re.compile(rf"(?:{label})\s*:?", re.I)
    for name, label in {
        "date_assigned": r"Date\s+Assigned",
        "ur_denial_date": r"UR\s+Denial\s+Date|Date\s+of\s+UR\s+(?:Decision|Denial)"
        r"|UR\s+(?:Decision|Determination)\s+Date",
        "date_of_injury": r"Date\s+of\s+Injury|\bDOI\b",
        # pdftotext -layout puts the value between the label's two words:
        # "Application          12/01/2016" over "Received:".
        "application_received_date": r"(?:Application|Date)\s+Received|Received\s+Date"
        r"|Application(?=[ \t]+\d)",
        "decision_date": r"Date\s+of\s+Decision|Decision\s+Date|Date\s+Decided",
    }.items()
}
_PRIORITY = re.compile(r"\bPriority\s*:?\s*(?P<priority>Standard|Expedited)\b", re.I)
_SUMMARY_BOILERPLATE = re.compile(
    r"^\s*The\s+expert\s+reviewer\s+developed\s+the\s+following\s+clinical\s+case\s+summary"
    r"[^:]*:\s*",
    re.I,
)
_REQUIRED_LETTER_FIELDS = (
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "reviewer_states",
    "reviewer_specialties",
    "diagnoses",
)


def parse_letter(
    text: str, lexicon: Lexicon | None = None, today: date | None = None
) -> ParsedLetter:
    """Extract every SPEC field from the text of one letter."""
    lexicon = lexicon or default_lexicon()
    sections = split_sections(clean_text(text))
    letter = ParsedLetter(layout=sections.layout)
    _read_header(letter, sections.preamble, today)
    _read_reviewer(letter, sections, lexicon)
    _read_patient(letter, sections.summary, today)
    letter.items = [_normalised(item, lexicon) for item in _item_texts(sections)]
    letter.issues = _issues(letter)
    return letter


def _read_header(letter: ParsedLetter, preamble: str, today: date | None) -> None:
    case_number = _CASE_NUMBER.search(preamble)
    letter.case_number = case_number.group(0) if case_number else ""
    priority = _PRIORITY.search(preamble)
    letter.priority = priority.group("priority").lower() if priority else ""
    for name, label in _HEADER_DATES.items():
        match = label.search(preamble)
        if match:
            setattr(letter, name, parse_date(preamble[match.end() : match.end() + 40], today))


def _read_reviewer(letter: ParsedLetter, sections: Sections, lexicon: Lexicon) -> None:
    credentials = f"{sections.preamble}\n\n{sections.credentials}"
    letter.reviewer_states = reviewer.reviewer_states(credentials, lexicon)
    letter.reviewer_specialties = reviewer.reviewer_specialties(credentials, lexicon)


def _read_patient(letter: ParsedLetter, summary_text: str, today: date | None) -> None:
    boilerplate = _SUMMARY_BOILERPLATE.match(summary_text)
    summary = paragraphs(summary_text[boilerplate.end() :] if boilerplate else summary_text)
    letter.summary = summary
    letter.patient_age = patient.patient_age(summary)
    letter.patient_sex = patient.patient_sex(summary)
    letter.diagnoses = patient.diagnoses(summary)
    letter.date_of_injury = letter.date_of_injury or patient.date_of_injury(summary, today)
    letter.ur_denial_date = letter.ur_denial_date or patient.ur_decision_date(summary, today)


def _item_texts(sections: Sections) -> list[ItemText]:
    if sections.layout == LAYOUT_PROFESSIONAL:
        return items_of_professional_review(sections.issues_at_dispute, sections.decisions)
    return items_with_decisions(sections.decisions)


def _normalised(item: ItemText, lexicon: Lexicon) -> ParsedItem:
    treatment = normalise_treatment(item.label, lexicon)
    return ParsedItem(
        label=item.label,
        decision=item.decision,
        original_request=item.original_request,
        authorized_portion=item.authorized_portion,
        claims_administrator_guideline=tidy_citation(item.claims_administrator_guideline),
        reviewer_guideline=tidy_citation(item.reviewer_guideline),
        guideline_source=guideline_source(item.reviewer_guideline),
        rationale=item.rationale,
        treatment=treatment.treatment,
        medication=treatment.medication,
        drug_class=treatment.drug_class,
        category=treatment.category,
        strength=treatment.strength,
        quantity=treatment.quantity,
        refills=treatment.refills,
    )


def _issues(letter: ParsedLetter) -> list[ParseIssue]:
    issues = [
        ParseIssue(name, "not found in the letter")
        for name in _REQUIRED_LETTER_FIELDS
        if getattr(letter, name) in (None, "", [])
    ]
    if not letter.items:
        issues.append(ParseIssue("items", "no disputed items found"))
    for index, item in enumerate(letter.items):
        for name in ("decision", "reviewer_guideline", "rationale"):
            if not getattr(item, name):
                issues.append(ParseIssue(name, "not found for this item", index))
        if item.category == "pharmaceutical" and not item.medication:
            issues.append(ParseIssue("medication", f"unknown medication in {item.label!r}", index))
    return issues
