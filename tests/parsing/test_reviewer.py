"""Reviewer credentials in the labelled form and in the older prose."""

from __future__ import annotations

import pytest

from determinations.lexicon import default_lexicon
from determinations.parsing.reviewer import reviewer_specialties, reviewer_states

LABELLED = """The Expert Reviewer has the following credentials:
State(s) of Licensure: New Jersey, Alabama, California
Certification(s)/Specialty: Physical Medicine & Rehabilitation, Pain Management, Occupational
Medicine
"""
PROSE = (
    "The expert reviewer is Board Certified in Physical Medicine and Rehabilitation, has a "
    "subspecialty in Pain Management, and is licensed to practice in California. He/she has been"
)


def test_labelled_credentials(lexicon):
    assert reviewer_states(LABELLED, lexicon) == ["NJ", "AL", "CA"]
    assert reviewer_specialties(LABELLED, lexicon) == [
        "Physical Medicine and Rehabilitation",
        "Pain Management",
        "Occupational Medicine",
    ]


def test_prose_credentials(lexicon):
    assert reviewer_states(PROSE, lexicon) == ["CA"]
    assert reviewer_specialties(PROSE, lexicon) == [
        "Physical Medicine and Rehabilitation",
        "Pain Management",
    ]


def test_prose_with_several_states(lexicon):
    text = (
        "The physician reviewer is Board Certified in Orthopedic Surgery and is licensed to "
        "practice in California and Nevada."
    )
    assert reviewer_states(text, lexicon) == ["CA", "NV"]
    assert reviewer_specialties(text, lexicon) == ["Orthopedic Surgery"]


def test_repeated_state_is_listed_once(lexicon):
    assert reviewer_states("State(s) of Licensure: California, Nevada, California\n", lexicon) == [
        "CA",
        "NV",
    ]


def test_no_credentials(lexicon):
    assert reviewer_states("Nothing here.", lexicon) == []
    assert reviewer_specialties("Nothing here.", lexicon) == []


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Sports Medicinea", "Sports Medicine"),  # as a published letter spells it
        ("Internal Medicin", "Internal Medicine"),
        ("Neurology", "Neurology"),
        ("Urology", "Urology"),  # short names are never taken for their neighbours
        ("Pediatric Rehabilitation Medicine", "Pediatric Rehabilitation Medicine"),
    ],
)
def test_a_misspelt_specialty_is_the_one_it_misspells(written, canonical):
    assert default_lexicon().specialty(written) == canonical
