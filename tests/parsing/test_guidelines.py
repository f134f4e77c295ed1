from __future__ import annotations

import pytest

from determinations.parsing.guidelines import guideline_source


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 74.", "mtus"),
        (
            "The Expert Reviewer did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation Official Disability Guidelines (ODG) pain chapter and pg 110.",
            "odg",
        ),
        ("Decision based on Non-MTUS Citation ACOEM Practice Guidelines, Chapter 12.", "acoem"),
        ("Decision based on MTUS ACOEM Chapter 12, Low Back Complaints.", "mtus"),
        (
            "Decision based on Non-MTUS Citation Harrison's Principles of Internal Medicine.",
            "other",
        ),
        ("The Claims Administrator did not cite any medical evidence for its decision.", "none"),
        ("", "none"),
    ],
)
def test_guideline_source(text, source):
    assert guideline_source(text) == source
