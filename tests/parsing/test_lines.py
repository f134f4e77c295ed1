"""`LinePattern` finds what the same pattern after `^` finds, line by line."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from determinations.parsing import items, sections
from determinations.parsing.lines import LinePattern

PIECES = [
    "\n", "\n\n", " ", "\t", ":", "1.", "2)", "Upheld", "is not medically necessary",
    "are medically necessary.", "Decision rationale:", "MAXIMUS guideline:", "CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND", "RATIONALES", "DOCUMENTS REVIEWED", "Norco #60", "x",
    "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY THE PROFESSIONAL REVIEWER",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
PATTERNS = {
    "headings": sections._ANY_HEADING,
    "field labels": items._FIELD_LABEL,
    "numbered decisions": items._NUMBERED_DECISION,
    "a pattern that can end past a newline": LinePattern(r"x\s*"),
}


def spans(match, names) -> tuple:
    groups = tuple((match.start(n), match.end(n), match.group(n)) for n in names)
    return (match.lastgroup, match.start(), match.end(), match.group(0), groups)


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
@given(text=TEXTS)
@example(text="x\nx\n\nx")
@example(text="CASE SUMMARY\nDOCUMENTS REVIEWED\n")
def test_the_same_matches_as_the_pattern_after_a_caret(pattern, text):
    flags = pattern._after_newline.flags
    reference = re.compile("^" + pattern.pattern, flags)
    names = list(reference.groupindex)
    found = [spans(m, names) for m in pattern.finditer(text)]
    assert found == [spans(m, names) for m in reference.finditer(text)]


def test_match_at_a_line_start():
    label = items._FIELD_LABEL
    text = "Decision rationale: no\n  MAXIMUS guideline: MTUS"
    assert label.match(text).lastgroup == "rationale"
    assert label.match(text, 23).lastgroup == "reviewer_guideline"
    assert label.match(text, 23, 30) is None  # cut short by endpos
