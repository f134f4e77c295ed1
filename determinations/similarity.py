"""Similar rationales: near-copies of an item's rationale anywhere in the corpus.

Band keys (`rationales/minhash.py`) are stored per item at ingest and reparse; a lookup
gathers the items that share a band with this one, then ranks them by the exact Jaccard
similarity of their 4-word shingles. Both steps are plain SQL and Python, so PostgreSQL and
SQLite return the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from determinations import bulk
from determinations.models import DisputedItem, RationaleBand, StagedRationaleBand
from determinations.rationales.minhash import (
    BANDS,
    band_keys,
    jaccard,
    rationale_band_keys,
    rationale_shingles,
)
from determinations.routing import read_connection

SIMILAR_SHOWN = 5
MIN_SIMILARITY = 0.2
# A band shared by boilerplate can hold a large part of the corpus: read at most this many
# items per band (the lowest ids), and rank at most CANDIDATES of those that share most bands.
PER_BAND = 400
CANDIDATES = 60
WRITE_CHUNK = 500  # items whose band keys one statement rewrites
MERGE_EVERY = 50_000  # letters an ingest stores between merges of their staged band keys


@dataclass(frozen=True)
class SimilarRationale:
    """Another item whose rationale is close to this one's, and how close (0 to 1)."""

    item: DisputedItem
    similarity: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def stage_band_keys(keys_by_item: Iterable[tuple[int, list[int]]]) -> None:
    """Stage the band keys of newly ingested items; `merge_staged_bands` indexes them."""
    _write_band_keys(StagedRationaleBand, keys_by_item)


def merge_staged_bands() -> int:
    """Move every staged band key into the index, in key order; returns how many moved.

    Ingest calls this every `MERGE_EVERY` letters and when it ends (so the keys of a run
    cut short are merged by the next one). Until then the newest letters are not yet found
    as similar to others.
    """
    staged = connection.ops.quote_name(StagedRationaleBand._meta.db_table)
    bands = connection.ops.quote_name(RationaleBand._meta.db_table)
    key = connection.ops.quote_name("key")
    move = f"INSERT INTO {bands} (item_id, {key}) SELECT item_id, {key} FROM {{source}} "
    move += f"ORDER BY {key}, item_id ON CONFLICT DO NOTHING"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: rows another ingest stages meanwhile are moved or left, not lost.
            source = f"(DELETE FROM {staged} RETURNING item_id, {key}) "
            cursor.execute(f"WITH moved AS {source}" + move.format(source="moved"))
            return cursor.rowcount
        # SQLite: this transaction holds the write lock; "WHERE true" parses the upsert.
        cursor.execute(move.format(source=f"{staged} WHERE true"))
        moved = cursor.rowcount
        cursor.execute(f"DELETE FROM {staged}")
        return moved


def _write_band_keys(model, keys_by_item: Iterable[tuple[int, list[int]]]) -> None:
    """Ingest writes ~16 rows per item, so no model instances (`bulk.insert_rows`)."""
    rows = [(pk, key) for pk, keys in keys_by_item for key in set(keys)]
    bulk.insert_rows(model, ("item_id", "key"), rows)


def index_items(items: Iterable[tuple[int, str]]) -> None:
    """(Re)write the band keys of these (item id, rationale) pairs, at once."""
    items = list(items)
    with transaction.atomic():
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start : start + WRITE_CHUNK]
            ids = [pk for pk, _ in chunk]
            RationaleBand.objects.filter(item_id__in=ids).delete()
            StagedRationaleBand.objects.filter(item_id__in=ids).delete()
            _write_band_keys(
                RationaleBand, ((pk, rationale_band_keys(rationale)) for pk, rationale in chunk)
            )


def index_letters(letter_ids: list[int]) -> None:
    """(Re)write the band keys of every item of these letters."""
    index_items(
        DisputedItem.objects.filter(letter_id__in=letter_ids)
        .order_by()
        .values_list("pk", "rationale")
    )


def rebuild_index(progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Recompute every item's band keys (after an upgrade); returns how many items."""
    RationaleBand.objects.all().delete()
    StagedRationaleBand.objects.all().delete()
    done, last = 0, 0
    while True:
        rows = list(
            DisputedItem.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "rationale")[:chunk]
        )
        if not rows:
            merge_staged_bands()
            return done
        with transaction.atomic():
            stage_band_keys((pk, rationale_band_keys(rationale)) for pk, rationale in rows)
        done, last = done + len(rows), rows[-1][0]
        if progress:
            progress(len(rows))


def similar_rationales(item: DisputedItem, limit: int = SIMILAR_SHOWN) -> list[SimilarRationale]:
    """The items of other letters whose rationales are most like ``item``'s, closest first."""
    shingles = rationale_shingles(item.rationale)
    keys = band_keys(shingles)
    if not keys:
        return []
    candidates = (
        DisputedItem.objects.filter(pk__in=_candidate_ids(keys, item.pk))
        .exclude(letter_id=item.letter_id)
        .order_by()  # the items' default order would join every candidate's letter
        .values_list("pk", "rationale")
    )
    scored = [(jaccard(shingles, rationale_shingles(text)), pk) for pk, text in candidates]
    closest = sorted(
        ((score, pk) for score, pk in scored if score >= MIN_SIMILARITY),
        key=lambda pair: (-pair[0], pair[1]),
    )[:limit]
    # only the few shown are loaded whole (candidates were read as bare rationales)
    shown = DisputedItem.objects.in_bulk([pk for _, pk in closest])
    return [SimilarRationale(shown[pk], score) for score, pk in closest if pk in shown]


def _candidate_ids(keys: list[int], exclude: int) -> list[int]:
    """Items sharing most bands with ``keys`` (at most PER_BAND read per band).

    PostgreSQL reads the bands through one LATERAL subquery; SQLite, which has no LATERAL,
    through a UNION ALL of one subquery per band (PostgreSQL would spend longer planning
    that than running it). Both mean the same rows in the same order.
    """
    assert len(keys) <= BANDS
    table = connection.ops.quote_name(RationaleBand._meta.db_table)
    key = connection.ops.quote_name("key")
    ranked = f"GROUP BY item_id ORDER BY COUNT(*) DESC, item_id LIMIT {CANDIDATES}"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT c.item_id FROM unnest(%s::bigint[]) AS k(band) CROSS JOIN LATERAL "
            f"(SELECT item_id FROM {table} WHERE {key} = k.band ORDER BY item_id "
            f"LIMIT {PER_BAND}) AS c WHERE c.item_id <> %s {ranked.replace('item_id', 'c.item_id')}"
        )
        params = [keys, exclude]
    else:
        per_band = (
            f"SELECT item_id FROM (SELECT item_id FROM {table} WHERE {key} = %s "
            f"ORDER BY item_id LIMIT {PER_BAND}) AS band_{{}}"
        )
        union = " UNION ALL ".join(per_band.format(i) for i in range(len(keys)))
        sql = f"SELECT item_id FROM ({union}) AS candidates WHERE item_id <> %s {ranked}"
        params = [*keys, exclude]
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
