"""The passages two to four rationales share, for marking them side by side (compare page).

A passage is shared when a run of at least `MIN_SHARED_WORDS` words appears, word for word,
in more than one rationale; case, punctuation and line breaks are ignored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from determinations.rationales.words import Word, words

MIN_SHARED_WORDS = 6
SHARED_BY_ALL, SHARED_BY_SOME = "all", "some"


@dataclass(frozen=True)
class Segment:
    """A stretch of one rationale's original text and how many rationales hold it (1: none)."""

    text: str
    shared_by: int = 1
    level: str = ""  # SHARED_BY_ALL, SHARED_BY_SOME, or "" when the passage is its own


def shared_passages(
    rationales: list[str], min_words: int = MIN_SHARED_WORDS
) -> list[list[Segment]]:
    """Each rationale cut into segments, shared passages marked by how widely they are shared."""
    tokens = [words(text) for text in rationales]
    holders = _gram_holders(tokens, min_words)
    return [
        _segments(text, toks, _coverage(toks, holders, min_words), len(rationales))
        for text, toks in zip(rationales, tokens, strict=True)
    ]


def _grams(toks: list[Word], size: int) -> list[tuple[str, ...]]:
    texts = [word.text for word in toks]
    return [tuple(texts[i : i + size]) for i in range(len(texts) - size + 1)]


def _gram_holders(tokens: list[list[Word]], size: int) -> dict[tuple[str, ...], set[int]]:
    """Which rationales hold each run of ``size`` words."""
    holders: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, toks in enumerate(tokens):
        for gram in _grams(toks, size):
            holders[gram].add(index)
    return holders


def _coverage(toks: list[Word], holders: dict, size: int) -> list[frozenset[int]]:
    """For each word, the rationales holding the most widely shared run of words covering it."""
    coverage: list[frozenset[int]] = [frozenset()] * len(toks)
    for start, gram in enumerate(_grams(toks, size)):
        held_by = holders[gram]
        if len(held_by) > 1:
            for i in range(start, start + size):
                if len(held_by) > len(coverage[i]):
                    coverage[i] = frozenset(held_by)
    return coverage


def _segments(
    text: str, toks: list[Word], coverage: list[frozenset[int]], total: int
) -> list[Segment]:
    """Plain and marked segments that together give back ``text`` exactly; a marked segment
    is a run of words shared by the same rationales."""
    segments: list[Segment] = []
    cursor = 0
    i = 0
    while i < len(toks):
        if not coverage[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and coverage[j + 1] == coverage[i]:
            j += 1
        start, end = toks[i].start, toks[j].end
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        shared_by = len(coverage[i])
        level = SHARED_BY_ALL if shared_by == total else SHARED_BY_SOME
        segments.append(Segment(text[start:end], shared_by, level))
        cursor, i = end, j + 1
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments
