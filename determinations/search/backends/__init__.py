"""Full-text search, one backend per database, behind one interface.

Everything above this package is database-agnostic: it asks `backend()` to index letters,
restrict a queryset to a query's matches, rank them and cut snippets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from determinations.search.backends.locks import DatabaseLock
from determinations.search.query import SearchQuery

# Snippet text marks matches with these control characters; `highlight.py` turns them into
# <mark> only after escaping the text around them.
MARK_START, MARK_END = "\x02", "\x03"
# Ranking reads every match; past this many, only the newest matches are ranked and the
# rest follow unranked (the page says so). Broad words match most items of a corpus.
RANK_LIMIT = 10_000


@dataclass(frozen=True)
class ItemScope:
    """Some items by id: every id above ``after``, and the ids ``among``."""

    after: int = 0
    among: tuple[int, ...] = ()


# (item ids, word numbers): item ``ids[k]`` holds the word numbered ``numbers[k]``.
WordPairs = tuple[np.ndarray, np.ndarray]


class SearchBackend(Protocol):
    def index_letters(self, letter_ids: list[int]) -> None:
        """(Re)build the search entries of every disputed item of these letters."""

    def forget_items(self, item_ids: list[int]) -> None:
        """Drop the search entries of deleted items."""

    def refresh_statistics(self) -> None:
        """Let the query planner see the new data after a bulk load (PostgreSQL's autovacuum
        may take minutes; until then it plans joins as if the tables were empty)."""

    def exclusive_lock(self, task: str) -> DatabaseLock:
        """This database's lock for ``task`` (say "ingest"), held by one process at a time
        across transactions, and released when that process ends however it ends."""

    def wait_for_turn(self, task: str) -> None:
        """Inside a transaction: wait until no other transaction on this database is at
        ``task``, which is then this one's until it ends."""

    def matching(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        """Only the items that match ``query``."""

    def ranked(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        """``items`` annotated with `rank` (higher is better) for ``query``."""

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Every item matching ``query`` with its rank (0.0 unless ``rank``), in one query."""

    def matching_ids(self, query: SearchQuery, scope: ItemScope) -> np.ndarray:
        """The items of ``scope`` matching ``query`` (sorted ids)."""

    def rank_items(self, item_ids: list[int], query: SearchQuery) -> list[tuple[int, float]]:
        """(id, rank) of those of ``item_ids`` that match ``query`` (more may come back)."""

    def snippets(self, item_ids: list[int], query: SearchQuery) -> dict[int, str]:
        """A passage of each item's rationale with the matches between MARK_START/MARK_END."""

    def lexemes(self, words: list[str]) -> dict[str, list[str]]:
        """Each query word as this database's index stores it (several for "post-op")."""

    def frequent_words(self, min_items: int) -> dict[str, int]:
        """Indexed words (normalized) held by about ``min_items`` items or more, with about
        how many, most frequent first."""

    def items_with_words(self, words: list[str], scope: ItemScope) -> Iterator[WordPairs]:
        """Which items of ``scope`` hold which of ``words`` (numbered from 0), in chunks."""

    def merge_staged_band_keys(self) -> int:
        """Inside a transaction: write the similar-rationale key-index rows of every staged
        item, in key order, skipping rows already there; returns how many (`similarity.py`)."""

    def similar_candidates(
        self, keys: list[int], letter_id: int, per_band: int, limit: int
    ) -> list[int]:
        """The ``limit`` items of other letters sharing most of the band ``keys`` (reading at
        most ``per_band`` items of each band, the lowest ids), most shared first."""


def ids_from_text(text: str) -> np.ndarray:
    """Item ids sent by the database as one comma-separated text value, parsed by numpy in
    one pass rather than split into millions of Python strings."""
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.array([], dtype=np.int64)


def ascending(ids: np.ndarray) -> bool:
    """Whether ``ids`` are strictly increasing (as both databases send matches)."""
    return len(ids) < 2 or bool((ids[1:] > ids[:-1]).all())


def distinct_ids(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct ids of ``parts``, ascending. One part the database sent in order is
    returned as it is: `np.unique` sorts, and the first build of the bitmaps of common words
    spent most of its time sorting ids that were sorted already."""
    if len(parts) == 1 and ascending(parts[0]):
        return parts[0]
    return np.unique(np.concatenate(parts))


def ranks_of(ids: np.ndarray, ranked: list[tuple[int, float]]) -> np.ndarray:
    """The rank of each of ``ids`` from the (id, rank) pairs of the ranked few, else 0."""
    ranks = np.zeros(len(ids), dtype=np.float64)
    if ranked and len(ids):
        wanted, scores = (np.array(column) for column in zip(*ranked, strict=True))
        in_order = ascending(ids)
        order = np.arange(len(ids)) if in_order else np.argsort(ids, kind="stable")
        at = order[
            np.clip(
                np.searchsorted(ids, wanted, sorter=None if in_order else order), 0, len(ids) - 1
            )
        ]
        found = ids[at] == wanted
        ranks[at[found]] = scores[found]
    return ranks


def backend() -> SearchBackend:
    """The search backend for the default database."""
    if connection.vendor == "postgresql":
        from determinations.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from determinations.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
