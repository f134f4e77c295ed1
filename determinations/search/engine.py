"""Evaluate the cleaned search parameters over the in-memory item columns.

`ItemFilter` stays the reference meaning of the parameters; `ItemFilter.filtered` applies them
in SQL (exports stream from it), this module applies the same cleaned values to `ItemColumns`
for the search page's counts and ordering, facet by facet as `registry.FACETS` defines them.
`tests/test_search_engine.py` checks that both give the same items and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from determinations.search.columns import ItemColumns, selected
from determinations.search.registry import FACETS, FacetDefinition, Kind, facet


@dataclass
class TextMatches:
    """Items a full-text query matches (sorted ids) and their ranks, aligned."""

    ids: np.ndarray
    ranks: np.ndarray


class Evaluation:
    """Masks of the active filters, combined as the facets and results need them."""

    def __init__(self, columns: ItemColumns, cleaned: dict, text: TextMatches | None) -> None:
        self.columns = columns
        self.ranks = np.zeros(len(columns), dtype=np.float64)
        self.masks: dict[str, np.ndarray] = {}
        self._combined: dict[str, np.ndarray] = {}
        self._numbers: dict[str, np.ndarray] = {}
        if text is not None:
            rows = columns.rows_of_ids(text.ids)
            present = rows >= 0
            self.masks["q"] = _mask_of_rows(len(columns), rows[present])
            ranked = present & (text.ranks != 0)  # at most RANK_LIMIT of them
            self.ranks[rows[ranked]] = text.ranks[ranked]
        for definition in FACETS:
            values = [cleaned.get(name) for name in definition.parameters]
            mask = _facet_mask(columns, definition, values)
            if mask is not None:
                self.masks[definition.name] = mask

    def mask(self, skip: str = "") -> np.ndarray:
        """Items passing every active filter except the facet ``skip`` (do not modify)."""
        if skip not in self._combined:
            result = np.ones(len(self.columns), dtype=bool)
            for group, mask in self.masks.items():
                if group != skip:
                    result &= mask
            self._combined[skip] = result
        return self._combined[skip]

    def counts(self, group: str) -> dict[str, int]:
        """Items per value of a facet, under every filter but its own; zeros left out."""
        corpus = self._corpus_counts(group)
        if not any(other != group for other in self.masks):
            return corpus  # no other filter: the same for every such page
        mask = self.mask(skip=group)
        if not _mostly(mask):
            return value_counts(self.columns, group, mask)
        # most items pass (a broad word): the corpus's counts less those of the few left out
        left_out = value_counts(self.columns, group, ~mask)
        counts = {name: n - left_out.get(name, 0) for name, n in corpus.items()}
        return {name: n for name, n in counts.items() if n}

    def band_count(self, group: str, low: int | None, high: int | None) -> int:
        """Items of a RANGE facet from ``low`` to ``high`` (None: no bound), under every
        filter but its own."""
        if group not in self._numbers:
            self._numbers[group] = self._number_counts(group)
        start = (0 if low is None else low) + 1
        stop = len(self._numbers[group]) if high is None else high + 2
        return int(self._numbers[group][start:stop].sum())

    def _corpus_counts(self, group: str) -> dict[str, int]:
        cached = self.columns.derived.setdefault("counts", {})
        if group not in cached:
            cached[group] = value_counts(self.columns, group, None)
        return cached[group]

    def _number_counts(self, group: str) -> np.ndarray:
        """Items per number, shifted by one (-1 is "not stated"), under the other filters."""
        numbers = self.columns.values[group]
        corpus = self.columns.derived.setdefault("number_counts", {}).get(group)
        if corpus is None:
            corpus = self.columns.derived["number_counts"][group] = _counts_of(numbers, 0)
        if not any(other != group for other in self.masks):
            return corpus
        mask = self.mask(skip=group)
        if _mostly(mask):
            return corpus - _counts_of(numbers.take(selected(~mask)), len(corpus))
        return _counts_of(numbers.take(selected(mask)), len(corpus))

    def ordered_rows(self, ordering: str) -> np.ndarray:
        """Rows of the matching items in the requested order (SQL ordering's twin).

        The whole corpus is sorted once per ordering (`ItemColumns`); a search keeps the
        rows of that order that it matches, with no sort of its own. By relevance only the
        ranked rows are sorted; every row of rank 0 keeps the letter order.
        """
        c, mask = self.columns, self.mask()
        if ordering != "relevance":
            order = c.oldest_first if ordering == "oldest" else c.newest_first
            return order.take(selected(mask.take(order)))
        ranked = np.flatnonzero(mask & (self.ranks != 0))
        ranked = ranked[
            np.lexsort((c.positions[ranked], c.letter_ids[ranked], -self.ranks[ranked]))
        ]
        unranked = c.by_letter.take(selected((mask & (self.ranks == 0)).take(c.by_letter)))
        above = self.ranks[ranked] > 0
        return np.concatenate([ranked[above], unranked, ranked[~above]])


def _facet_mask(c: ItemColumns, definition: FacetDefinition, values: list) -> np.ndarray | None:
    """The items a facet's cleaned parameters let through; None when it does not filter."""
    kind, column = definition.kind, c.values.get(definition.name)
    if kind in (Kind.CHOICE, Kind.NAMED):
        return _one_of(column, _ids_named(c.names[definition.name], values[0]))
    if kind is Kind.REVIEWER:
        if not values[0]:
            return None
        rows_by_value, empty = c.reviewed[definition.name], np.array([], dtype=np.int64)
        return _mask_of_rows(
            len(c), np.concatenate([rows_by_value.get(v, empty) for v in values[0]])
        )
    low, high = values
    if low is None and high is None:
        return None
    known = column >= 0 if kind is Kind.RANGE else column > 0  # -1, 0: not stated
    if low is not None:
        known &= column >= low
    if high is not None:
        known &= column <= high
    return known


def value_counts(columns: ItemColumns, group: str, mask: np.ndarray | None) -> dict[str, int]:
    """Items per value of a facet among the rows of ``mask`` (None: every row)."""
    if facet(group).kind is Kind.REVIEWER:
        pairs = columns.fact_pairs[group]
        counts = pairs.counts(mask).tolist()
        return {name: n for name, n in zip(pairs.names, counts, strict=True) if n}
    column, names = columns.values[group], columns.names.get(group)
    return _named_counts(column if mask is None else column.take(selected(mask)), names)


def _mostly(mask: np.ndarray) -> bool:
    """Whether most rows pass: then counting the rows left out is the shorter way."""
    return np.count_nonzero(mask) * 2 > len(mask)


def _counts_of(ages: np.ndarray, length: int) -> np.ndarray:
    return np.bincount(ages.astype(np.int64) + 1, minlength=length)


def _one_of(column: np.ndarray, codes: list[int]) -> np.ndarray | None:
    return np.isin(column, codes) if codes else None


def _ids_named(names: dict[int, str], wanted: list[str] | None) -> list[int]:
    wanted_set = set(wanted or [])
    return [pk for pk, name in names.items() if name in wanted_set] or ([-1] if wanted else [])


def _named_counts(values: np.ndarray, names: dict[int, str] | None) -> dict[str, int]:
    """Items per value of a small non-negative integer column (one pass, no sort)."""
    counts = np.bincount(values.astype(np.int64)) if len(values) else np.zeros(0, np.int64)
    result = {}
    for value in np.flatnonzero(counts).tolist():
        name = str(value) if names is None else names.get(value, "")
        if value and name:
            result[name] = int(counts[value])
    return result


def _mask_of_rows(size: int, rows: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[rows] = True
    return mask
