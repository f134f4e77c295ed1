"""Which guideline a reviewer relied on: mtus, odg, acoem, other or none (SPEC export)."""

from __future__ import annotations

import re

# Phrases that name the MTUS only to say the decision was not based on it: "Non-MTUS
# Citation", "did not base their decision on the MTUS", "based their decision on
# recommendation(s) outside of the MTUS Guidelines", "which is not part of the MTUS", "the
# MTUS does not address".
_NOT_MTUS = re.compile(
    r"\bNon[\s-]*MTUS\b"
    r"|\bdid\s+not\s+(?:base|rely)\s+(?:\w+\s+){0,3}(?:on|upon)\s+(?:the\s+)?MTUS\b"
    r"|\boutside\s+(?:of\s+)?(?:the\s+)?(?:California\s+)?MTUS(?:\s+Guidelines?)?"
    r"|\bnot\s+(?:a\s+)?part\s+of\s+the\s+(?:California\s+)?MTUS\b"
    r"|\bMTUS\s+(?:guidelines?\s+)?(?:does|do)\s+not\s+address\b",
    re.I,
)
_MTUS = re.compile(
    r"\bMTUS\b|Medical\s+Treatment\s+Utilization\s+Schedule|Chronic\s+Pain\s+Medical", re.I
)
_ODG = re.compile(r"\bODG\b|Official\s+Disability\s+Guidelines?", re.I)
_ACOEM = re.compile(r"\bACOEM\b|American\s+College\s+of\s+Occupational", re.I)
_NO_EVIDENCE = re.compile(r"did\s+not\s+cite\s+any\s+(?:medical\s+)?evidence", re.I)
# The letter form prints "Page(s): " after the citation a reviewer typed, so some letters
# read "Muscle Relaxants, page(s) Page(s): 63-66" or "Page 63-66 of 127 Page(s): 63-66 of
# 127": the reviewer's own page word, with the same pages or none, before the form's label.
_PAGES = r"\d[\d\s,\-\u2013]*?(?:\s+of\s+\d+)?"
_DOUBLED_PAGE_LABEL = re.compile(
    rf",?\s*\b(?:pages?\s*\(s\)|pages?|pgs?\.?)(?:\s+(?P<typed>{_PAGES}))?"
    rf"\s+(?=Page\(s\):\s*(?P<form>{_PAGES})(?:[.;\s]|$))",
    re.I,
)


def tidy_citation(guideline: str) -> str:
    """``guideline`` without a page reference the letter form repeats after it."""

    def unless_other_pages(match: re.Match) -> str:
        typed, form = match["typed"], match["form"]
        same = typed is None or re.sub(r"\s", "", typed) == re.sub(r"\s", "", form)
        return " " if same else match[0]

    return _DOUBLED_PAGE_LABEL.sub(unless_other_pages, guideline)


def guideline_source(reviewer_guideline: str) -> str:
    """Classify the reviewer's guideline citation."""
    text = _NOT_MTUS.sub(" ", reviewer_guideline)
    if not text.strip() or _NO_EVIDENCE.search(text):
        return "none"
    if _MTUS.search(text):
        return "mtus"
    if _ODG.search(text):
        return "odg"
    if _ACOEM.search(text):
        return "acoem"
    return "other"
