"""Rationales as words: the plain-text shortcut splits exactly as the general pattern does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from determinations.rationales.words import _WORD, word_texts

# Mostly ASCII, as letters are, with the characters where the two patterns could part:
# underscores, both apostrophes, letters that case-fold to ASCII ("K" Kelvin, "ß") or not.
_CHARACTERS = st.one_of(
    st.characters(max_codepoint=0x7F),
    st.sampled_from("_'\u2019\u212a\u00df\u00e9\u00c9\u0130\u00bd\u2167 \n"),
)


@given(st.text(_CHARACTERS, max_size=60))
def test_the_ascii_shortcut_splits_as_the_general_pattern(text):
    # Stored band keys and shingles depend on these words: the shortcut must not change them.
    assert word_texts(text) == _WORD.findall(text.casefold().replace("\u2019", "'"))


def test_words_keep_apostrophes_inside_and_drop_punctuation_and_underscores():
    text = "The patient's MRI_report: Norco 10/325, don\u2019t 'refill' \u00c9tude"
    assert word_texts(text) == [
        "the", "patient's", "mri", "report", "norco", "10", "325", "don't", "refill", "étude",
    ]  # fmt: skip
    assert word_texts(text.encode("ascii", "ignore").decode()) == [
        "the", "patient's", "mri", "report", "norco", "10", "325", "dont", "refill", "tude",
    ]  # fmt: skip
