"""The 97 published letters in sample_corpus/dwc-2017, read from their PDFs as `ingest` reads
them, against the values read from each letter (expected.json, with corrections.json where
the letter contradicts a value there)."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest
from django.core.management import call_command

from determinations.accuracy import corrected, measure
from determinations.ingest.reading import ReadLetter, read_source
from determinations.ingest.sources import discover
from tests.letters import REAL_LETTERS

EXPECTED = json.loads((REAL_LETTERS / "expected.json").read_text(encoding="utf-8"))
CORRECTIONS = json.loads((REAL_LETTERS / "corrections.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed_letters():
    letters = []
    for source in discover([REAL_LETTERS]):
        read = read_source(source)
        if isinstance(read, ReadLetter):
            letters.append((PurePosixPath(read.source_file).stem, read.parsed))
    return letters


def test_every_real_pdf_is_read(parsed_letters):
    assert len(parsed_letters) == len(EXPECTED) == 97
    assert sum(len(parsed.items) for _, parsed in parsed_letters) == 207


def test_every_field_is_right_on_the_real_letters(parsed_letters):
    accuracy = measure(parsed_letters, corrected(EXPECTED, CORRECTIONS))
    assert accuracy.letters == 97
    assert not accuracy.misses, "\n".join(accuracy.misses)
    assert accuracy.checks["label"] == 207 and accuracy.checks["original_request"] == 19


def test_at_least_99_percent_against_expected_json_as_published(parsed_letters):
    accuracy = measure(parsed_letters, EXPECTED)
    shares = {name: accuracy.share(name) for name in accuracy.checks}
    # expected.json itself misreads two partly authorized items (corrections.json says how):
    # there the parser is right and the label and original request count as misses.
    assert all(share >= 0.99 for name, share in shares.items() if name != "original_request")
    assert accuracy.right["original_request"] == 19 - 2


def test_diagnoses_on_the_real_letters(parsed_letters):
    with_diagnoses = sum(bool(parsed.diagnoses) for _, parsed in parsed_letters)
    assert with_diagnoses / len(parsed_letters) >= 0.95


def test_real_letters_carry_the_header_facts(parsed_letters):
    assert all(parsed.decision_date and parsed.date_assigned for _, parsed in parsed_letters)
    assert all(parsed.application_received_date for _, parsed in parsed_letters)
    assert {parsed.priority for _, parsed in parsed_letters} <= {"standard", "expedited"}
    assert all(parsed.priority for _, parsed in parsed_letters)


def test_accuracy_command_prints_each_field(capsys):
    call_command(
        "accuracy",
        str(REAL_LETTERS),
        expected=str(REAL_LETTERS / "expected.json"),
        corrections=str(REAL_LETTERS / "corrections.json"),
    )
    out = capsys.readouterr().out
    assert "guideline_source         207     207    100.0%" in out
    assert "diagnoses found           97      97    100.0%" in out


def test_accuracy_command_without_matching_letters_says_so(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "expected.json").write_text("{}")
    with pytest.raises(CommandError, match="no letter under the paths given has expectations"):
        call_command("accuracy", str(REAL_LETTERS), expected=str(tmp_path / "expected.json"))
