"""Compare a ParsedLetter with a fixture's expected JSON, field by field."""

from __future__ import annotations

from datetime import date

from determinations.parsing import ParsedLetter

_LETTER_KEYS = (
    "layout",
    "case_number",
    "date_assigned",
    "decision_date",
    "application_received_date",
    "priority",
    "ur_denial_date",
    "date_of_injury",
    "patient_age",
    "patient_sex",
    "reviewer_states",
    "reviewer_specialties",
    "diagnoses",
)
_TEXT_KEYS = (
    "claims_administrator_guideline",
    "reviewer_guideline",
    "rationale",
    "label",
    "original_request",
    "authorized_portion",
)


def actual_values(letter: ParsedLetter, expected: dict) -> dict:
    """The parsed letter in the expected JSON's shape, limited to the keys it names."""
    values = {key: _plain(getattr(letter, key)) for key in _LETTER_KEYS if key in expected}
    values["status"] = letter.status
    values["issue_fields"] = sorted({issue.field for issue in letter.issues} - {"items"})
    values["items"] = [
        {key: _text(key, getattr(item, key)) for key in wanted}
        for item, wanted in zip(letter.items, expected.get("items", []), strict=False)
    ]
    if len(letter.items) != len(expected.get("items", [])):
        values["item_count"] = len(letter.items)
    return values


def expected_values(expected: dict) -> dict:
    """The fixture's expectations, with texts whitespace-collapsed like the parser's."""
    values = {key: expected[key] for key in _LETTER_KEYS if key in expected}
    values["status"] = expected["status"]
    values["issue_fields"] = sorted(set(expected["issue_fields"]))
    values["items"] = [
        {key: _text(key, value) for key, value in item.items()} for item in expected["items"]
    ]
    return values


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _text(key: str, value):
    return " ".join(value.split()) if key in _TEXT_KEYS and isinstance(value, str) else value
