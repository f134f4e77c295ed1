from __future__ import annotations

import pytest

from determinations.parsing.guidelines import guideline_source, tidy_citation


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 74.", "mtus"),
        (
            "The Expert Reviewer did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation Official Disability Guidelines (ODG) pain chapter and pg 110.",
            "odg",
        ),
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines "
            "(ODG) Hips & Pelvis Chapter, X-Ray.",
            "odg",
        ),
        (
            "The Expert Reviewer based their decision on recommendation(s) outside\nof the "
            "MTUS Guidelines. Decision based on Non-MTUS Citation Sildenafil: Drug information, "
            "accessed from UpToDate.com on 12/17/2016.",
            "other",
        ),
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Manual "
            "therapy & manipulation. Decision based on Non-MTUS Citation Official Disability "
            "Guidelines (ODG) Neck and Upper Back.",
            "mtus",
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


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Muscle Relaxants, "
            "page(s) Page(s): 63-66.",
            "Decision based on MTUS Chronic Pain Treatment Guidelines Muscle Relaxants "
            "Page(s): 63-66.",
        ),
        (
            "C.C.R. 9792.20 - 9792.26 MTUS (Effective July 18, 2009) Page 63-66 of 127 "
            "Page(s): 63-66 of 127.",
            "C.C.R. 9792.20 - 9792.26 MTUS (Effective July 18, 2009) Page(s): 63-66 of 127.",
        ),
        # Nothing doubled: the citation stays as written.
        ("Muscle relaxants Page(s): 13, 18, 68, 74-97.", None),
        ("ODG pain chapter and pg 110.", None),
        # Other pages before the form's label are the reviewer's, and stay.
        ("Opioids, page 80 and Muscle relaxants Page(s): 63-66.", None),
    ],
)
def test_a_page_reference_the_letter_form_repeats_is_said_once(text, tidy):
    assert tidy_citation(text) == (tidy or text)
