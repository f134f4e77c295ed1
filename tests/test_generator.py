"""The benchmark corpus generator: deterministic, realistic, and read back by the parser."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.generator import generate
from determinations.parsing import decode, parse_letter

SAMPLE = list(generate(400, seed=7))


def text_of(letter) -> str:
    return decode(letter.content) if isinstance(letter.content, bytes) else letter.content


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


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another():
    assert [g.content for g in generate(20, seed=7)] == [g.content for g in SAMPLE[:20]]
    assert [g.content for g in generate(20, seed=8)] != [g.content for g in SAMPLE[:20]]


def test_the_mix_looks_like_the_real_corpus():
    items = [item for letter in SAMPLE for item in letter.items]
    layouts = Counter(letter.layout for letter in SAMPLE)
    noise = Counter(kind for letter in SAMPLE for kind in letter.noise)

    assert 0.3 < sum(i.category == "pharmaceutical" for i in items) / len(items) < 0.5
    assert 0.8 < sum(i.decision == "upheld" for i in items) / len(items) < 0.93
    assert set(layouts) == {"standard", "decisions_and_rationales", "medical_professional_review"}
    assert set(noise) == {
        "double_spaced", "crlf", "page_breaks", "hyphenated", "split_headings", "windows_1252",
    }  # fmt: skip
    assert len({len(letter.items) for letter in SAMPLE}) >= 5
