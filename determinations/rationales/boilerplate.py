"""Template text: the passages many rationales repeat word for word (the boilerplate page).

A run of `PASSAGE_WORDS` words held by at least ``min_count`` rationales is frequent; each
rationale's longest stretches of overlapping frequent runs are its candidate passages. A
passage counts every rationale that holds all of its runs; a passage whose runs all lie in a
passage already listed is not listed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from determinations.rationales.minhash import run_hashes
from determinations.rationales.words import words

PASSAGE_WORDS = 8


@dataclass(frozen=True)
class Passage:
    """A passage as first met (original text) and the ids of the rationales that hold it."""

    text: str
    words: tuple[str, ...]
    item_ids: tuple[int, ...]


def frequent_passages(
    rationales: Iterable[tuple[int, str]], min_count: int = 3, limit: int = 25
) -> list[Passage]:
    """The most widely repeated passages among (item id, rationale) pairs, most used first."""
    documents = [(pk, text, words(text)) for pk, text in rationales]
    gram_sets = [_gram_sequence(toks) for _, _, toks in documents]
    holders = _holders(gram_sets, min_count)
    candidates: dict[tuple[str, ...], tuple[str, frozenset[int]]] = {}
    for (_, text, toks), grams in zip(documents, gram_sets, strict=True):
        for start, end in _frequent_runs(grams, holders):
            last = toks[end + PASSAGE_WORDS - 2]
            key = tuple(word.text for word in toks[start : end + PASSAGE_WORDS - 1])
            if key not in candidates:
                candidates[key] = (text[toks[start].start : last.end], frozenset(grams[start:end]))
    return _rank(candidates, holders, [pk for pk, _, _ in documents], min_count, limit)


def _gram_sequence(toks) -> np.ndarray:
    """The hash of the run of words starting at each word (in order, repeats kept)."""
    return run_hashes([word.text for word in toks], PASSAGE_WORDS)


def _holders(gram_sets: list[np.ndarray], min_count: int) -> dict[int, set[int]]:
    """For each frequent run of words, the indexes of the rationales that hold it."""
    distinct = [np.unique(grams) for grams in gram_sets]
    if not distinct:
        return {}
    values, counts = np.unique(np.concatenate(distinct), return_counts=True)
    frequent = set(values[counts >= min_count].tolist())
    holders: dict[int, set[int]] = defaultdict(set)
    for index, grams in enumerate(distinct):
        for gram in frequent.intersection(grams.tolist()):
            holders[gram].add(index)
    return holders


def _frequent_runs(grams: np.ndarray, holders: dict) -> list[tuple[int, int]]:
    """[start, end) ranges of consecutive word positions whose runs are all frequent."""
    runs, start = [], None
    for position, gram in enumerate([*grams.tolist(), None]):
        if gram is not None and gram in holders:
            start = position if start is None else start
        elif start is not None:
            runs.append((start, position))
            start = None
    return runs


def _rank(candidates, holders, ids, min_count, limit) -> list[Passage]:
    scored = []
    for key, (text, grams) in candidates.items():
        holding = set.intersection(*(holders[gram] for gram in grams))
        if len(holding) >= min_count:
            scored.append((len(holding), len(key), key, text, grams, holding))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    listed: list[Passage] = []
    listed_grams: list[frozenset[int]] = []
    for _, _, key, text, grams, holding in scored:
        if any(grams <= seen for seen in listed_grams):
            continue
        listed.append(Passage(text, key, tuple(sorted(ids[i] for i in holding))))
        listed_grams.append(grams)
        if len(listed) == limit:
            break
    return listed
