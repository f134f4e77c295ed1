"""What the parser returns: plain dataclasses, one per part of a letter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LAYOUT_STANDARD = "standard"  # IMR ISSUES, DECISIONS AND RATIONALES
LAYOUT_DECISIONS = "decisions_and_rationales"  # IMR DECISION(S) AND RATIONALE(S)
LAYOUT_PROFESSIONAL = "medical_professional_review"  # MEDICAL PROFESSIONAL REVIEW
LAYOUT_UNKNOWN = "unknown"

STATUS_OK = "ok"
STATUS_WARNING = "warning"
STATUS_FAILED = "failed"


@dataclass(frozen=True)
class ParseIssue:
    """Something the parser could not extract: which field, and why."""

    field: str
    reason: str
    item: int | None = None  # 0-based index of the disputed item, None for the letter


@dataclass
class ParsedItem:
    """One disputed item/service and the reviewer's decision on it."""

    label: str  # for a partly authorized item, the remaining portion in dispute
    decision: str | None  # "upheld" | "overturned"
    original_request: str = ""  # partly authorized item: what was requested
    authorized_portion: str = ""  # partly authorized item: what was authorized
    claims_administrator_guideline: str = ""
    reviewer_guideline: str = ""
    guideline_source: str = "none"  # mtus | odg | acoem | other | none
    rationale: str = ""
    treatment: str = ""
    medication: str = ""  # lower-case generic name, "" for non-drug items
    drug_class: str = ""
    category: str = "other"
    strength: str = ""
    quantity: int | None = None
    refills: int | None = None


@dataclass
class ParsedLetter:
    """Everything extracted from one letter."""

    layout: str = LAYOUT_UNKNOWN
    case_number: str = ""
    date_assigned: date | None = None
    ur_denial_date: date | None = None
    date_of_injury: date | None = None
    application_received_date: date | None = None
    decision_date: date | None = None
    priority: str = ""  # "standard" | "expedited" | ""
    patient_age: int | None = None
    patient_sex: str = ""  # "female" | "male" | ""
    reviewer_states: list[str] = field(default_factory=list)  # USPS codes
    reviewer_specialties: list[str] = field(default_factory=list)  # canonical names
    diagnoses: list[str] = field(default_factory=list)
    summary: str = ""
    items: list[ParsedItem] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.items:
            return STATUS_FAILED
        return STATUS_WARNING if self.issues else STATUS_OK
