"""Evaluate the cleaned search parameters over the in-memory item columns.

`ItemFilter` stays the one definition of the parameters and their meaning; `ItemFilter.filtered`
applies them in SQL (exports stream from it), this module applies the same cleaned values to
`ItemColumns` for the search page's counts and ordering. `tests/test_search_engine.py` checks
that both give the same items and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from determinations.search.columns import (
    CATEGORIES,
    DECISIONS,
    GUIDELINES,
    PRIORITIES,
    SEXES,
    ItemColumns,
    selected,
)

# Facet name -> the parameters that make up its filter.
GROUPS = {
    "q": ("q",),
    "decision": ("decision",),
    "medication": ("medication",),
    "drug_class": ("drug_class",),
    "category": ("category",),
    "specialty": ("specialty",),
    "state": ("state",),
    "guideline": ("guideline",),
    "sex": ("sex",),
    "priority": ("priority",),
    "age": ("age_min", "age_max"),
    "injury_year": ("injury_year_min", "injury_year_max"),
    "ur_year": ("ur_year_min", "ur_year_max"),
    "decision_year": ("decision_year_min", "decision_year_max"),
}
YEARS = ("injury_year", "ur_year", "decision_year")  # year columns, 0 when unknown
_CODED = {
    "decision": ("decision", DECISIONS),
    "category": ("category", CATEGORIES),
    "guideline": ("guideline", GUIDELINES),
    "sex": ("sex", SEXES),
    "priority": ("priority", PRIORITIES),
}


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
        self._ages: np.ndarray | None = None
        if text is not None:
            rows = columns.rows_of_ids(text.ids)
            present = rows >= 0
            self.masks["q"] = _mask_of_rows(len(columns), rows[present])
            ranked = present & (text.ranks != 0)  # at most RANK_LIMIT of them
            self.ranks[rows[ranked]] = text.ranks[ranked]
        for group, names in GROUPS.items():
            if group != "q":
                mask = self._group_mask(group, [cleaned.get(name) for name in names])
                if mask is not None:
                    self.masks[group] = mask

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

    def age_band_count(self, low: int | None, high: int | None) -> int:
        if self._ages is None:
            self._ages = self._age_counts()
        start = (0 if low is None else low) + 1
        stop = len(self._ages) if high is None else high + 2
        return int(self._ages[start:stop].sum())

    def _corpus_counts(self, group: str) -> dict[str, int]:
        cached = self.columns.derived.setdefault("counts", {})
        if group not in cached:
            cached[group] = value_counts(self.columns, group, None)
        return cached[group]

    def _age_counts(self) -> np.ndarray:
        """Items per age, shifted by one (-1 is "not stated"), under the other filters."""
        ages = self.columns.age
        corpus = self.columns.derived.get("age_counts")
        if corpus is None:
            corpus = self.columns.derived["age_counts"] = _counts_of(ages, 0)
        if not any(other != "age" for other in self.masks):
            return corpus
        mask = self.mask(skip="age")
        if _mostly(mask):
            return corpus - _counts_of(ages.take(selected(~mask)), len(corpus))
        return _counts_of(ages.take(selected(mask)), len(corpus))

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

    def _group_mask(self, group: str, values: list) -> np.ndarray | None:
        c = self.columns
        if group in _CODED:
            attribute, vocabulary = _CODED[group]
            return _one_of(getattr(c, attribute), [vocabulary.index(v) for v in values[0] or []])
        if group == "medication":
            return _one_of(c.medication, _ids_named(c.medication_names, values[0]))
        if group == "drug_class":
            return _one_of(c.drug_class, _ids_named(c.drug_class_names, values[0]))
        if group in ("specialty", "state"):
            if not values[0]:
                return None
            lists = c.specialties if group == "specialty" else c.states
            empty = np.array([], dtype=np.int64)
            rows = np.concatenate([lists.get(v, empty) for v in values[0]])
            return _mask_of_rows(len(c), rows)
        low, high = values
        if low is None and high is None:
            return None
        column = getattr(c, group)
        known = column >= 0 if group == "age" else column > 0
        if low is not None:
            known &= column >= low
        if high is not None:
            known &= column <= high
        return known


def value_counts(columns: ItemColumns, group: str, mask: np.ndarray | None) -> dict[str, int]:
    """Items per value of a facet among the rows of ``mask`` (None: every row)."""
    c = columns
    if group in ("specialty", "state"):
        pairs = c.specialty_pairs if group == "specialty" else c.state_pairs
        counts = pairs.counts(mask).tolist()
        return {name: n for name, n in zip(pairs.names, counts, strict=True) if n}
    if group in _CODED:
        attribute, vocabulary = _CODED[group]
        column, names = getattr(c, attribute), dict(enumerate(vocabulary))
    elif group in ("medication", "drug_class"):
        column = c.medication if group == "medication" else c.drug_class
        names = c.medication_names if group == "medication" else c.drug_class_names
    elif group in YEARS:
        column, names = getattr(c, group), None
    else:
        raise KeyError(group)
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
