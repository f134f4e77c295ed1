"""Rationales as sequences of normalised words, with their places in the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters and digits; an apostrophe inside a word keeps it whole ("patient's").
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# `_WORD` on lower-case ASCII text, where it is the same pattern, a quarter faster to run (a
# worker's sketches split every rationale of a million letters into words).
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


@dataclass(frozen=True)
class Word:
    """One word: lower-cased for comparing, with its span in the text it came from."""

    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words of ``text``; case, punctuation, line breaks and spacing do not count."""
    return [
        Word(match.group(0).casefold().replace("\u2019", "'"), match.start(), match.end())
        for match in _WORD.finditer(text)
    ]


def word_texts(text: str) -> list[str]:
    """Only the normalised words of ``text`` (faster than `words` when spans are not needed)."""
    folded = text.casefold()
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    return _WORD.findall(folded.replace("\u2019", "'"))
