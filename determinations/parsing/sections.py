"""Find a letter's layout and cut it into its sections (SPEC: "The documents")."""

from __future__ import annotations

from dataclasses import dataclass, field

from determinations.parsing.lines import LinePattern
from determinations.parsing.result import (
    LAYOUT_DECISIONS,
    LAYOUT_PROFESSIONAL,
    LAYOUT_STANDARD,
    LAYOUT_UNKNOWN,
)


def _heading(words: str) -> str:
    """A heading pattern whose words may be split over lines (SPEC: extraction noise)."""
    return r"\s+".join(words.split())


# Upper-case headings at the start of a line; case-sensitive so prose never matches.
HEADINGS: dict[str, str] = {
    "made": _heading(r"HOW THE IMR FINAL DETERMINATION WAS MADE"),
    "summary": r"(?:CLINICAL\s+)?CASE\s+SUMMARY\s*:?",
    "decisions": _heading(r"IMR ISSUES,? DECISIONS,? AND RATIONALES") + r"\s*:?",
    "decisions_2013": _heading(r"IMR DECISION\(?S?\)? AND RATIONALE\(?S?\)?") + r"\s*:?",
    "documents": _heading(r"DOCUMENTS REVIEWED(?: FOR DETERMINATION)?") + r"\s*:?",
    "professional": _heading(r"MEDICAL PROFESSIONAL REVIEW") + r"\s*:?",
    "issues_at_dispute": r"ISSUES?\s*(?:\(S\))?\s+AT\s+DISPUTE\s*:?",
    "qualifications": _heading(r"MEDICAL REVIEWER QUALIFICATIONS") + r"\s*:?",
    # Older layout: its decisions are guideline + rationale blocks; the heading is a field.
    "professional_guideline": _heading(
        r"MEDICAL TREATMENT GUIDELINE\(?S?\)? RELIED UPON BY (?:THE )?PROFESSIONAL REVIEWER"
    ),
}
_HEADING_IS_FIELD = {"professional_guideline"}
_ANY_HEADING = LinePattern(
    r"[ \t]*(?:" + "|".join(f"(?P<{name}>{p})" for name, p in HEADINGS.items()) + ")"
)


@dataclass
class Sections:
    """The text of each part of a letter; empty strings for parts it does not have."""

    layout: str = LAYOUT_UNKNOWN
    preamble: str = (
        ""  # everything before the first heading: header and, in older letters, credentials
    )
    credentials: str = ""
    summary: str = ""
    decisions: str = ""
    documents: str = ""
    issues_at_dispute: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def split_sections(text: str) -> Sections:
    """Cut cleaned letter text at its headings and name the layout."""
    found = [(m.lastgroup or "", m.start(), m.end()) for m in _ANY_HEADING.finditer(text)]
    sections = Sections(preamble=text[: found[0][1]] if found else text)
    for index, (name, start, end) in enumerate(found):
        stop = found[index + 1][1] if index + 1 < len(found) else len(text)
        body = text[start if name in _HEADING_IS_FIELD else end : stop].strip("\n")
        _assign(sections, name, body)
    sections.layout = _layout({name for name, _, _ in found})
    return sections


def _assign(sections: Sections, name: str, body: str) -> None:
    target = {
        "made": "credentials",
        "qualifications": "credentials",
        "summary": "summary",
        "decisions": "decisions",
        "decisions_2013": "decisions",
        "professional_guideline": "decisions",
        "documents": "documents",
        "issues_at_dispute": "issues_at_dispute",
    }.get(name)
    if target is None:
        sections.extra[name] = body
        return
    current = getattr(sections, target)
    # A repeated heading (page-break artefact) continues the same section.
    setattr(sections, target, f"{current}\n\n{body}" if current else body)


def _layout(names: set[str]) -> str:
    if "professional" in names or "issues_at_dispute" in names:
        return LAYOUT_PROFESSIONAL
    if "decisions_2013" in names:
        return LAYOUT_DECISIONS
    if "decisions" in names or "made" in names:
        return LAYOUT_STANDARD
    return LAYOUT_UNKNOWN
