"""Similar rationales: near-copies of an item's rationale anywhere in the corpus.

Band keys and shingle sets (`rationales/minhash.py`) are stored per item at ingest and
reparse; a lookup gathers the items that share a band with this one, then ranks them by the
Jaccard similarity of their stored 4-word shingle sets. Both steps are plain SQL and Python,
so PostgreSQL and SQLite return the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from determinations.ingest import bulk
from determinations.ingest.lock import one_ingest_at_a_time
from determinations.models import (
    DisputedItem,
    RationaleBand,
    RationaleShingles,
    StagedBandKeys,
)
from determinations.rationales.minhash import (
    BANDS,
    jaccard,
    packed_band_keys,
    sketches,
    unpacked_band_keys,
    unpacked_shingles,
)
from determinations.search.backends import backend

SIMILAR_SHOWN = 5
MIN_SIMILARITY = 0.2
# A band shared by boilerplate can hold a large part of the corpus: read at most this many
# items per band (the lowest ids), and rank at most CANDIDATES of those that share most bands.
PER_BAND = 400
CANDIDATES = 60
WRITE_CHUNK = 500  # items whose band keys one statement rewrites
MERGE_EVERY = 50_000  # letters an ingest stores at least between merges of staged band keys
MERGE_GROWTH = 4  # ... and at least a quarter of those it has merged already


@dataclass(frozen=True)
class SimilarRationale:
    """Another item whose rationale is close to this one's, and how close (0 to 1)."""

    item: DisputedItem
    similarity: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def store_new_sketches(
    item_ids: list[int], packed_keys: list[bytes], shingles: list[bytes], staged: bool = True
) -> None:
    """Write the packed band keys (`minhash.packed_band_keys`) and shingle sets of items
    that have none yet. Their rows of the key index are staged (`merge_staged_bands` writes
    them) unless ``staged`` is false; an item without words gets neither."""
    rows = [
        (pk, packed, item_keys)
        for pk, item_keys, packed in zip(item_ids, packed_keys, shingles, strict=True)
        if packed
    ]
    bulk.insert_rows(RationaleShingles, ("item_id", "hashes", "band_keys"), rows)
    if not rows:
        return
    if staged:
        ids = [pk for pk, _, _ in rows]
        StagedBandKeys.objects.create(first_item_id=min(ids), last_item_id=max(ids))
    else:
        _write_band_keys((pk, unpacked_band_keys(item_keys)) for pk, _, item_keys in rows)


def forget_sketches(item_ids: list[int]) -> None:
    """Delete the band keys and shingle sets of these items (before they change or go).

    Their rows of the key index are found by the keys stored with their shingle sets. An
    item stored before those were (no shingle set yet) is re-shingled from its rationale as
    stored now: if that was edited since its keys were written, its old rows stay, which
    can make it a candidate but never changes its score (scores use its current set).
    """
    for start in range(0, len(item_ids), WRITE_CHUNK):
        ids = item_ids[start : start + WRITE_CHUNK]
        stored = dict(
            RationaleShingles.objects.filter(item_id__in=ids, band_keys__isnull=False).values_list(
                "item_id", "band_keys"
            )
        )
        keys = {pk: unpacked_band_keys(bytes(data)) for pk, data in stored.items()}
        unknown = DisputedItem.objects.filter(pk__in=[pk for pk in ids if pk not in keys])
        unsketched = list(unknown.order_by().values_list("pk", "rationale"))
        computed = sketches([rationale for _, rationale in unsketched])[0]
        keys |= {pk: item_keys for (pk, _), item_keys in zip(unsketched, computed, strict=True)}
        rows = [(key, pk) for pk, item_keys in keys.items() for key in item_keys]
        for at in range(0, len(rows), WRITE_CHUNK):
            RationaleBand.objects.filter(pk__in=rows[at : at + WRITE_CHUNK]).delete()
        RationaleShingles.objects.filter(item_id__in=ids).delete()


def merge_due(stored: int, merged: int) -> bool:
    """Whether an ingest that has stored ``stored`` letters, ``merged`` of them merged into
    the key index, merges now: every `MERGE_EVERY` letters, and every quarter of what it has
    merged once that is more. A merge rewrites pages across the whole index, and costs more the
    larger the index, so fewer, larger merges cost less: 11 instead of 20 for a million
    letters."""
    return stored - merged >= max(MERGE_EVERY, merged // MERGE_GROWTH)


def merge_staged_bands() -> int:
    """Write the key-index rows of every staged item, in key order; returns how many.

    Ingest calls this when `merge_due` says and when it ends (so the keys of a run
    cut short are merged by the next one). Until then the newest letters are not yet found
    as similar to others. An item forgotten meanwhile has no shingle set left, so none of
    its rows are written; rows already in the index (an item indexed again) are skipped.
    """
    with transaction.atomic():
        return backend().merge_staged_band_keys()


def _write_band_keys(keys_by_item: Iterable[tuple[int, list[int]]]) -> None:
    """Some 16 rows an item, so no model instances (`bulk.insert_rows`)."""
    rows = [(pk, key) for pk, keys in keys_by_item for key in set(keys)]
    bulk.insert_rows(RationaleBand, ("item_id", "key"), rows)


def _packed(keys: list[list[int]]) -> list[bytes]:
    return [packed_band_keys(item_keys) for item_keys in keys]


def index_items(items: Iterable[tuple[int, str]]) -> None:
    """(Re)write the band keys and shingle sets of these (item id, rationale) pairs, at once."""
    items = list(items)
    with transaction.atomic():
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start : start + WRITE_CHUNK]
            ids = [pk for pk, _ in chunk]
            forget_sketches(ids)
            keys, shingles = sketches([rationale for _, rationale in chunk])
            store_new_sketches(ids, _packed(keys), shingles, staged=False)


def index_letters(letter_ids: list[int]) -> None:
    """(Re)write the band keys of every item of these letters."""
    index_items(
        DisputedItem.objects.filter(letter_id__in=letter_ids)
        .order_by()
        .values_list("pk", "rationale")
    )


@one_ingest_at_a_time()
def rebuild_index(progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Recompute every item's band keys and shingle set (after an upgrade); returns how many
    items. Not beside an ingest, whose new items' sets it would write twice: it waits."""
    for model in (RationaleBand, StagedBandKeys, RationaleShingles):
        model.objects.all().delete()
    done = 0
    for rows in _rationales_in_chunks(chunk, progress):
        with transaction.atomic():
            keys, shingles = sketches([rationale for _, rationale in rows])
            store_new_sketches([pk for pk, _ in rows], _packed(keys), shingles)
        done += len(rows)
    merge_staged_bands()
    return done


@one_ingest_at_a_time()
def store_missing_shingles(progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Store the shingle set (and band keys) of every item that has none (a database from
    before they were stored), the key index untouched; returns how many were stored. Waits
    for an ingest to end, as `rebuild_index` does."""
    stored = 0
    for rows in _rationales_in_chunks(chunk, progress):
        have = set(
            RationaleShingles.objects.filter(
                item_id__gte=rows[0][0], item_id__lte=rows[-1][0]
            ).values_list("item_id", flat=True)
        )
        missing = [(pk, rationale) for pk, rationale in rows if pk not in have]
        keys, packed = sketches([rationale for _, rationale in missing])
        new = [
            (pk, data, packed_band_keys(item_keys))
            for (pk, _), item_keys, data in zip(missing, keys, packed, strict=True)
            if data  # no words: never a candidate
        ]
        with transaction.atomic():
            bulk.insert_rows(RationaleShingles, ("item_id", "hashes", "band_keys"), new)
        stored += len(new)
    return stored


def _rationales_in_chunks(
    chunk: int, progress: Callable[[int], None] | None
) -> Iterator[list[tuple[int, str]]]:
    """Every item's (id, rationale), ``chunk`` at a time in id order; ``progress`` is told
    of each chunk once the caller has handled it."""
    last = 0
    while rows := list(
        DisputedItem.objects.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "rationale")[:chunk]
    ):
        yield rows
        last = rows[-1][0]
        if progress:
            progress(len(rows))


def similar_rationales(item: DisputedItem, limit: int = SIMILAR_SHOWN) -> list[SimilarRationale]:
    """The items of other letters whose rationales are most like ``item``'s, closest first."""
    # Sketched as ingest sketches, so that its keys are the ones stored for its near-copies.
    (keys,), (packed,) = sketches([item.rationale])
    if not keys:
        return []
    own = unpacked_shingles(packed)
    candidates = _shingle_sets(_candidate_ids(keys, item.letter_id))
    scored = [(jaccard(own, other), pk) for pk, other in candidates.items()]
    closest = sorted(
        ((score, pk) for score, pk in scored if score >= MIN_SIMILARITY),
        key=lambda pair: (-pair[0], pair[1]),
    )[:limit]
    # only the few shown are loaded whole (candidates were read as bare shingle sets)
    shown = DisputedItem.objects.in_bulk([pk for _, pk in closest])
    return [SimilarRationale(shown[pk], score) for score, pk in closest if pk in shown]


def _shingle_sets(item_ids: list[int]) -> dict[int, np.ndarray]:
    """The shingle sets of these items, by id (read alone: joining each to its item for the
    letter tripled a lookup at a million letters, reading item pages the cache did not hold).

    An item stored before shingle sets were (until `index_similarity --missing-shingles`
    runs after the upgrade) has its set computed here from its rationale.
    """
    stored = RationaleShingles.objects.filter(item_id__in=item_ids).values_list("item_id", "hashes")
    sets = {pk: unpacked_shingles(bytes(data)) for pk, data in stored}
    missing = [pk for pk in item_ids if pk not in sets]
    if missing:
        rationales = DisputedItem.objects.filter(pk__in=missing).order_by()
        rows = list(rationales.values_list("pk", "rationale"))
        for (pk, _), packed in zip(rows, sketches([r for _, r in rows])[1], strict=True):
            sets[pk] = unpacked_shingles(packed)
    return sets


def _candidate_ids(keys: list[int], letter_id: int) -> list[int]:
    """Items of other letters sharing most bands with ``keys`` (at most PER_BAND read per
    band; the letter's own items never take a candidate's place)."""
    assert len(keys) <= BANDS
    return backend().similar_candidates(keys, letter_id, PER_BAND, CANDIDATES)
