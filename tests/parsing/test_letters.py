"""Every bundled seed and hand-written test letter parses to its expected values."""

from __future__ import annotations

import pytest

from determinations.parsing import decode, parse_letter
from tests import letters
from tests.parsing.expectations import actual_values, expected_values

SEEDS = letters.seed_cases()
FIXTURES = letters.fixture_cases()
TODAY = None  # two-digit years are read relative to the real date, as in production


def _ids(cases):
    return [path.stem for path, _ in cases]


def test_every_seed_has_expectations():
    assert len(SEEDS) == 5


@pytest.mark.parametrize(("path", "expected"), SEEDS, ids=_ids(SEEDS))
def test_seed_letter(path, expected):
    parsed = parse_letter(decode(path.read_bytes()))
    assert actual_values(parsed, expected) == expected_values(expected)


@pytest.mark.parametrize(("path", "expected"), FIXTURES, ids=_ids(FIXTURES))
def test_fixture_letter(path, expected):
    parsed = parse_letter(decode(path.read_bytes()))
    assert actual_values(parsed, expected) == expected_values(expected)


@pytest.mark.parametrize("noise", sorted(letters.NOISES))
@pytest.mark.parametrize(("path", "expected"), SEEDS + FIXTURES, ids=_ids(SEEDS + FIXTURES))
def test_letter_with_extraction_noise(path, expected, noise):
    noisy = letters.NOISES[noise](decode(path.read_bytes()))
    parsed = parse_letter(noisy)
    assert actual_values(parsed, expected) == expected_values(expected)


@pytest.mark.parametrize(("path", "expected"), SEEDS + FIXTURES, ids=_ids(SEEDS + FIXTURES))
def test_windows_1252_bytes(path, expected):
    data = letters.windows_1252(decode(path.read_bytes()))
    parsed = parse_letter(decode(data))
    assert actual_values(parsed, expected) == expected_values(expected)
