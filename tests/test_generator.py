"""The benchmark corpus generator: deterministic, true to real letters, read back by the parser."""

from __future__ import annotations

import re
import statistics
from collections import Counter

import pytest

from bench.generator import generate
from determinations.parsing import decode, parse_letter

SAMPLE = list(generate(400, seed=7))
# Measured on the 97 real published letters by bench/real_distributions.py (RESULTS.md).
REAL_CATEGORIES = {
    "diagnostic testing": 0.425, "physical medicine": 0.217, "pharmaceutical": 0.213,
    "evaluation and management": 0.043, "durable medical equipment": 0.034, "other": 0.034,
    "surgery": 0.029, "injection": 0.005,
}  # fmt: skip
REAL_REVIEWER_SOURCES = {"mtus": 0.787, "odg": 0.130, "none": 0.068}
COMMON_TREATMENT_PHRASES = [
    "physical therapy", "medication", "mri", "chiropractic", "acupuncture", "home exercise",
    "urine drug", "injection", "surgery",
]  # fmt: skip


def text_of(letter) -> str:
    return decode(letter.content) if isinstance(letter.content, bytes) else letter.content


@pytest.fixture(scope="module")
def calibration_sample():
    return list(generate(2000, seed=11))


@pytest.mark.parametrize("letter", SAMPLE, ids=lambda letter: letter.name)
def test_the_parser_reads_back_what_the_generator_wrote(letter):
    parsed = parse_letter(text_of(letter))

    assert parsed.layout == letter.layout
    assert parsed.case_number == letter.case_number
    assert (parsed.patient_age, parsed.patient_sex) == (letter.patient_age, letter.patient_sex)
    assert parsed.date_of_injury == letter.date_of_injury
    assert parsed.ur_denial_date == letter.ur_denial_date
    assert sorted(parsed.reviewer_states) == letter.reviewer_states
    assert parsed.reviewer_specialties == letter.reviewer_specialties
    assert [
        (i.label, i.decision, i.medication, i.category, i.guideline_source) for i in parsed.items
    ] == [(i.label, i.decision, i.medication, i.category, i.guideline_source) for i in letter.items]
    assert parsed.status == "ok", parsed.issues


@pytest.mark.parametrize("letter", SAMPLE, ids=lambda letter: letter.name)
def test_the_parser_reads_back_the_header_partly_authorized_items_and_diagnoses(letter):
    parsed = parse_letter(text_of(letter))

    assert (
        parsed.decision_date,
        parsed.date_assigned,
        parsed.priority,
        parsed.application_received_date,
    ) == (
        letter.decision_date,
        letter.date_assigned,
        letter.priority,
        letter.application_received_date,
    )
    assert [(i.label, i.original_request, i.authorized_portion) for i in parsed.items] == [
        (i.label, i.original_request, i.authorized_portion) for i in letter.items
    ]
    assert parsed.diagnoses == letter.diagnoses


def test_the_sample_has_every_new_fact_to_read_back():
    items = [item for letter in SAMPLE for item in letter.items]

    assert sum(bool(item.original_request) for item in items) >= 10
    assert {letter.priority for letter in SAMPLE} == {"standard", "expedited", ""}
    assert {item.guideline_source for item in items} == {"mtus", "odg", "acoem", "other", "none"}
    assert all(
        letter.date_assigned <= letter.decision_date for letter in SAMPLE if letter.decision_date
    )


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another():
    assert [g.content for g in generate(20, seed=7)] == [g.content for g in SAMPLE[:20]]
    assert [g.content for g in generate(20, seed=8)] != [g.content for g in SAMPLE[:20]]


def test_the_mix_looks_like_the_real_corpus():
    items = [item for letter in SAMPLE for item in letter.items]
    layouts = Counter(letter.layout for letter in SAMPLE)
    noise = Counter(kind for letter in SAMPLE for kind in letter.noise)

    # The real letters' share is 21% (it was 40% before the generator was calibrated on them).
    assert 0.14 < sum(i.category == "pharmaceutical" for i in items) / len(items) < 0.28
    assert 0.8 < sum(i.decision == "upheld" for i in items) / len(items) < 0.93
    assert set(layouts) == {"standard", "decisions_and_rationales", "medical_professional_review"}
    assert set(noise) == {
        "double_spaced", "crlf", "page_breaks", "hyphenated", "split_headings", "windows_1252",
    }  # fmt: skip
    assert len({len(letter.items) for letter in SAMPLE}) >= 5


@pytest.mark.parametrize("phrase", COMMON_TREATMENT_PHRASES)
def test_no_common_treatment_phrase_is_in_nearly_every_letter(phrase):
    """A query for "physical therapy" must not match every letter (real letters: 62%)."""
    pattern = re.compile(rf"\b{re.escape(phrase)}\b", re.I)
    texts = [" ".join(text_of(letter).split()) for letter in SAMPLE]
    summaries = [text.split("CASE SUMMARY", 1)[-1][:3000].split("IMR ")[0] for text in texts]

    assert sum(bool(pattern.search(text)) for text in texts) / len(texts) < 0.75
    assert sum(bool(pattern.search(summary)) for summary in summaries) / len(texts) < 0.65


def test_the_generated_distributions_are_near_the_real_ones(calibration_sample):
    letters = calibration_sample
    items = [item for letter in letters for item in letter.items]
    per_letter = Counter(len(letter.items) for letter in letters)
    standard = [letter for letter in letters if letter.layout == "standard"]

    assert 1.9 < len(items) / len(letters) < 2.4  # real 2.13
    assert 0.49 < per_letter[1] / len(letters) < 0.61  # real 54.6%
    assert max(per_letter) == 8  # real 1 to 8
    assert 0.08 < sum(i.decision == "overturned" for i in items) / len(items) < 0.14  # real 10.6%
    assert 0.055 < sum(bool(i.original_request) for i in items) / len(items) < 0.11  # real 8.2%
    categories = Counter(item.category for item in items)
    for category, share in REAL_CATEGORIES.items():
        assert abs(categories[category] / len(items) - share) < 0.04, category
    sources = Counter(item.guideline_source for item in items)
    for source, share in REAL_REVIEWER_SOURCES.items():
        assert abs(sources[source] / len(items) - share) < 0.035, source
    assert len(standard) / len(letters) > 0.85  # real: all 97
    assert sum(letter.priority == "expedited" for letter in standard) / len(standard) < 0.05
    to_decision = [(g.decision_date - g.ur_denial_date).days for g in standard]
    assert 40 <= statistics.median(to_decision) <= 52  # real median 46 days
    assigned = [(g.decision_date - g.date_assigned).days for g in standard]
    assert min(assigned) >= 22 and max(assigned) <= 39  # real 22 to 39 days
    received = [(g.application_received_date - g.ur_denial_date).days for g in standard]
    assert 10 <= statistics.median(received) <= 18  # real median 14 days
