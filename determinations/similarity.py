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
from django.db import IntegrityError, connection, transaction

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
from determinations.routing import read_connection

SIMILAR_SHOWN = 5
MIN_SIMILARITY = 0.2
# A band shared by boilerplate can hold a large part of the corpus: read at most this many
# items per band (the lowest ids), and rank at most CANDIDATES of those that share most bands.
PER_BAND = 400
CANDIDATES = 60
WRITE_CHUNK = 500  # items whose band keys one statement rewrites
MERGE_EVERY = 50_000  # letters an ingest stores at least between merges of staged band keys
MERGE_GROWTH = 4  # ... and at least a quarter of those it has merged already
MERGE_CHUNK = 100_000  # key-index rows one SQLite statement of a merge writes

# Each staged item's packed keys split into 8-byte big-endian values: a bigint each.
_KEY = "('x' || encode(substring(s.band_keys FROM {at} FOR 8), 'hex'))::bit(64)::bigint"
# The ranges claimed are joined into disjoint spans first (the ids of batches written at once
# interleave, so their ranges overlap), and an item whose rows are in the index already is
# left out (its first key is there: an item's rows are written and deleted together), so
# that the insert needs no conflict check: with `ON CONFLICT DO NOTHING` a merge took half
# as long again. `_merge_postgres` adds it back when a writer at the same time wrote rows.
_MERGE_POSTGRES = f"""
WITH claimed AS (
    DELETE FROM {StagedBandKeys._meta.db_table} RETURNING first_item_id, last_item_id
), spans AS (
    SELECT unnest(range_agg(int8range(first_item_id, last_item_id, '[]'))) AS span
    FROM claimed
)
INSERT INTO {RationaleBand._meta.db_table} ("key", item_id)
SELECT {_KEY.format(at="8 * i + 1")}, s.item_id
FROM spans
CROSS JOIN LATERAL (  -- lateral: the span's items by primary key, each probed in the index
    SELECT s.item_id, s.band_keys FROM {RationaleShingles._meta.db_table} AS s
    WHERE s.item_id >= lower(spans.span) AND s.item_id < upper(spans.span)
    AND NOT EXISTS (
        SELECT FROM {RationaleBand._meta.db_table} AS b
        WHERE b."key" = {_KEY.format(at="1")} AND b.item_id = s.item_id
    )
) AS s
CROSS JOIN LATERAL generate_series(0, length(s.band_keys) / 8 - 1) AS i
ORDER BY 1, 2
{{conflicts}}
"""


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
    merged once that is more. A merge rewrites pages across the whole index (at a million
    letters, 2.4 s for the first 50,000, 11.3 s for the last), so fewer, larger merges cost
    less: 11 instead of 20 for a million letters."""
    return stored - merged >= max(MERGE_EVERY, merged // MERGE_GROWTH)


def merge_staged_bands() -> int:
    """Write the key-index rows of every staged item, in key order; returns how many.

    Ingest calls this when `merge_due` says and when it ends (so the keys of a run
    cut short are merged by the next one). Until then the newest letters are not yet found
    as similar to others. An item forgotten meanwhile has no shingle set left, so none of
    its rows are written; rows already in the index (an item indexed again) are skipped.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _merge_postgres(cursor)
        # SQLite: this transaction holds the write lock.
        ranges = list(StagedBandKeys.objects.values_list("first_item_id", "last_item_id"))
        StagedBandKeys.objects.all().delete()
        return _merge_sqlite(cursor, ranges)


def _merge_postgres(cursor) -> int:
    """One statement: ranges another ingest stages meanwhile are merged or left."""
    try:
        with transaction.atomic():  # a savepoint: on a conflict the statement runs again whole
            cursor.execute(_MERGE_POSTGRES.format(conflicts=""))
    except IntegrityError:
        # Rows written since this statement began (a merge of overlapping spans by another
        # ingest, or an item indexed again, committed meanwhile): skip those.
        cursor.execute(_MERGE_POSTGRES.format(conflicts="ON CONFLICT DO NOTHING"))
    return cursor.rowcount


def _merge_sqlite(cursor, ranges: list[tuple[int, int]]) -> int:
    keys, items = _staged_rows(cursor, ranges)
    bands = connection.ops.quote_name(RationaleBand._meta.db_table)
    key = connection.ops.quote_name("key")
    sql = f"INSERT INTO {bands} ({key}, item_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    written = 0
    for at in range(0, len(keys), MERGE_CHUNK):
        cut = slice(at, at + MERGE_CHUNK)
        cursor.executemany(sql, zip(keys[cut].tolist(), items[cut].tolist(), strict=True))
        written += cursor.rowcount
    return written


def _staged_rows(cursor, ranges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The (key, item id) rows of the items in ``ranges``, sorted: SQLite cannot split the
    packed keys itself, so they are read back, split and sorted here."""
    shingles = connection.ops.quote_name(RationaleShingles._meta.db_table)
    keys, items = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for first, last in ranges:
        cursor.execute(
            f"SELECT item_id, band_keys FROM {shingles} "
            "WHERE item_id BETWEEN %s AND %s AND band_keys IS NOT NULL",
            [first, last],
        )
        rows = cursor.fetchall()
        packed = [bytes(data) for _, data in rows]
        keys.append(np.frombuffer(b"".join(packed), dtype=">i8").astype(np.int64))
        ids = np.array([pk for pk, _ in rows], dtype=np.int64)
        items.append(np.repeat(ids, [len(data) // 8 for data in packed]))
    keys, items = np.concatenate(keys), np.concatenate(items)
    order = np.lexsort((items, keys))
    return keys[order], items[order]


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
    band; the letter's own items never take a candidate's place).

    PostgreSQL reads the bands through one LATERAL subquery; SQLite, which has no LATERAL,
    through a UNION ALL of one subquery per band (PostgreSQL would spend longer planning
    that than running it). Both mean the same rows in the same order.
    """
    assert len(keys) <= BANDS
    table = connection.ops.quote_name(RationaleBand._meta.db_table)
    items = connection.ops.quote_name(DisputedItem._meta.db_table)
    key = connection.ops.quote_name("key")
    others = f"NOT IN (SELECT id FROM {items} WHERE letter_id = %s)"
    ranked = f"GROUP BY item_id ORDER BY COUNT(*) DESC, item_id LIMIT {CANDIDATES}"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT c.item_id FROM unnest(%s::bigint[]) AS k(band) CROSS JOIN LATERAL "
            f"(SELECT item_id FROM {table} WHERE {key} = k.band ORDER BY item_id "
            f"LIMIT {PER_BAND}) AS c WHERE c.item_id {others} "
            f"{ranked.replace('item_id', 'c.item_id')}"
        )
        params = [keys, letter_id]
    else:
        per_band = (
            f"SELECT item_id FROM (SELECT item_id FROM {table} WHERE {key} = %s "
            f"ORDER BY item_id LIMIT {PER_BAND}) AS band_{{}}"
        )
        union = " UNION ALL ".join(per_band.format(i) for i in range(len(keys)))
        sql = f"SELECT item_id FROM ({union}) AS candidates WHERE item_id {others} {ranked}"
        params = [*keys, letter_id]
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
