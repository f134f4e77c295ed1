"""PostgreSQL: a weighted `tsvector` per item (GIN index), `websearch_to_tsquery` per term,
`ts_rank_cd`."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from determinations.models import RationaleBand, RationaleShingles, StagedBandKeys
from determinations.routing import read_connection
from determinations.search import backends
from determinations.search.backends import (
    MARK_END,
    MARK_START,
    ItemScope,
    WordPairs,
    distinct_ids,
    ids_from_text,
    locks,
    ranks_of,
)
from determinations.search.backends.run_ahead import run_ahead
from determinations.search.query import SearchQuery

ITEMS = "determinations_disputeditem"
SEARCH = "determinations_item_search"
TERM = "websearch_to_tsquery('english', %s)"
# Label and medication names weigh most (A), rationale and guidelines next (B), summary least (C).
# A letter's summary is parsed once, not once per item; the statement is driven from the
# letters' ids (after a bulk load, stale statistics made `letter_id = ANY(...)` scan them all).
_INDEX_SQL = f"""
WITH summary AS MATERIALIZED (
    SELECT id, setweight(to_tsvector('english', summary), 'C') AS vector
    FROM unnest(%(letters)s::bigint[]) AS wanted(letter_id)
    JOIN determinations_letter ON id = wanted.letter_id
)
INSERT INTO {SEARCH} (item_id, search_vector)
SELECT i.id,
    setweight(to_tsvector('english', i.label || ' ' || coalesce((
        SELECT m.generic_name || ' ' || m.search_names
        FROM determinations_medication m WHERE m.id = i.medication_id), '')), 'A')
    || setweight(to_tsvector('english', i.rationale), 'B')
    || setweight(to_tsvector('english',
        i.claims_administrator_guideline || ' ' || i.reviewer_guideline), 'B')
    || summary.vector
FROM unnest(%(letters)s::bigint[]) AS wanted(letter_id)
JOIN {ITEMS} AS i ON i.letter_id = wanted.letter_id
JOIN summary ON summary.id = i.letter_id
ON CONFLICT (item_id) DO UPDATE SET search_vector = EXCLUDED.search_vector
"""
_MATCHES = f"SELECT item_id FROM {SEARCH} WHERE search_vector @@ {{tsquery}}"
# Many ids travel far faster as one text value than as one row each (3x at 100k matches).
_MATCHED_IDS = f"SELECT coalesce(string_agg(item_id::text, ','), '') FROM ({_MATCHES}) AS m"
# Each (item, word) pair of the given items whose vector holds one of the given lexemes, as
# "item,word number" text (one value: see _MATCHED_IDS).
_WORD_PAIRS = f"""
SELECT coalesce(string_agg(s.item_id::text || ',' || w.n::text, ','), '')
FROM {SEARCH} s
CROSS JOIN LATERAL unnest(tsvector_to_array(s.search_vector)) AS l(lexeme)
JOIN unnest(%(words)s::text[]) WITH ORDINALITY AS w(word, n) ON w.word = l.lexeme
WHERE {{scope}}
"""
# Counting every lexeme reads every vector; a sample of this many items finds the frequent ones.
WORD_SAMPLE = 50_000
PAIRS_CHUNK = 100_000  # item ids per statement when pairing the whole table
# Statements at once: the server pairs one chunk on each core while this process sets the
# bits of the chunk before.
PAIRS_CONNECTIONS = 2
_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=40, MinWords=20, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" ... "'
)


# Each staged item's packed keys split into 8-byte big-endian values: a bigint each.
_KEY = "('x' || encode(substring(s.band_keys FROM {at} FOR 8), 'hex'))::bit(64)::bigint"
# The ranges claimed are joined into disjoint spans first (the ids of batches written at once
# interleave, so their ranges overlap), and an item whose rows are in the index already is
# left out (its first key is there: an item's rows are written and deleted together), so
# that the insert needs no conflict check: with `ON CONFLICT DO NOTHING` a merge took half
# as long again. `merge_staged_band_keys` adds it back when a writer at the same time wrote rows.
_MERGE_BAND_KEYS = f"""
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


# An item's candidates read band by band through one LATERAL subquery (`similarity.py`).
_SIMILAR_CANDIDATES = f"""
SELECT c.item_id FROM unnest(%s::bigint[]) AS k(band) CROSS JOIN LATERAL (
    SELECT item_id FROM {RationaleBand._meta.db_table} WHERE "key" = k.band
    ORDER BY item_id LIMIT %s
) AS c
WHERE c.item_id NOT IN (SELECT id FROM {ITEMS} WHERE letter_id = %s)
GROUP BY c.item_id ORDER BY COUNT(*) DESC, c.item_id LIMIT %s
"""


class PostgresBackend:
    def index_letters(self, letter_ids: list[int]) -> None:
        if letter_ids:
            with connection.cursor() as cursor:
                cursor.execute(_INDEX_SQL, {"letters": list(letter_ids)})

    def forget_items(self, item_ids: list[int]) -> None:
        if item_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {SEARCH} WHERE item_id = ANY(%s)", [list(item_ids)])

    def refresh_statistics(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if not connection.in_atomic_block:
                # Marks the band table's pages all-visible, so similar-rationale lookups read
                # the (key, item_id) index alone: 3x faster than visiting the rows.
                cursor.execute("VACUUM (ANALYZE) determinations_rationaleband")

    def exclusive_lock(self, task: str) -> locks.DatabaseLock:
        return locks.AdvisoryLock(task)

    def wait_for_turn(self, task: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [locks.advisory_key(task)])

    def matching(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        tsquery, params = _tsquery(query)
        matches = _MATCHES.format(tsquery=tsquery)
        return items.filter(RawSQL(f"{ITEMS}.id IN ({matches})", params, BooleanField()))

    def ranked(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        tsquery, params = _tsquery(query)
        rank = RawSQL(
            f"(SELECT ts_rank_cd(s.search_vector, {tsquery}) FROM {SEARCH} s "
            f"WHERE s.item_id = {ITEMS}.id)",
            params,
            FloatField(),
        )
        return items.annotate(rank=rank)

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[np.ndarray, np.ndarray]:
        tsquery, params = _tsquery(query)
        with read_connection().cursor() as cursor:
            cursor.execute(_MATCHED_IDS.format(tsquery=tsquery), params)
            ids = ids_from_text(cursor.fetchone()[0])
        if not rank or not len(ids):
            return ids, np.zeros(len(ids))
        # Ranking reads every matching vector: only the newest RANK_LIMIT matches are ranked,
        # fetched by primary key (the planner cannot estimate `@@` and would otherwise
        # recheck every match).
        newest = np.sort(ids)[-backends.RANK_LIMIT :].tolist()
        return ids, ranks_of(ids, self.rank_items(newest, query))

    def matching_ids(self, query: SearchQuery, scope: ItemScope) -> np.ndarray:
        # One statement per part of the scope, each driven by the primary key: a scope is
        # a few recent items, and a broad word's index entries would read most of the table.
        tsquery, params = _tsquery(query)
        matches = _MATCHES.format(tsquery=tsquery)
        parts = [("item_id > %s", scope.after)]
        if scope.among:
            parts.append(("item_id = ANY(%s)", list(scope.among)))
        found = []
        with read_connection().cursor() as cursor:
            for condition, value in parts:
                cursor.execute(
                    f"SELECT coalesce(string_agg(item_id::text, ','), '') "
                    f"FROM ({matches} AND {condition}) AS m",
                    [*params, value],
                )
                found.append(ids_from_text(cursor.fetchone()[0]))
        return distinct_ids(found)

    def rank_items(self, item_ids: list[int], query: SearchQuery) -> list[tuple[int, float]]:
        if not item_ids:
            return []
        tsquery, params = _tsquery(query)
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT item_id, ts_rank_cd(search_vector, {tsquery}) FROM {SEARCH} "
                "WHERE item_id = ANY(%s)",
                [*params, list(item_ids)],
            )
            return cursor.fetchall()

    def snippets(self, item_ids: list[int], query: SearchQuery) -> dict[int, str]:
        if not item_ids:
            return {}
        tsquery, params = _tsquery(query)
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline('english', rationale, {tsquery}, %s) "
                f"FROM {ITEMS} WHERE id = ANY(%s)",
                [*params, _HEADLINE_OPTIONS, list(item_ids)],
            )
            return dict(cursor.fetchall())

    def lexemes(self, words: list[str]) -> dict[str, list[str]]:
        if not words:
            return {}
        with read_connection().cursor() as cursor:
            cursor.execute(
                "SELECT w, tsvector_to_array(to_tsvector('english', w)) "
                "FROM unnest(%s::text[]) AS w",
                [list(words)],
            )
            return dict(cursor.fetchall())

    def frequent_words(self, min_items: int) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {SEARCH}")
            share = min(1.0, WORD_SAMPLE / max(cursor.fetchone()[0], 1))
            vectors = f"SELECT search_vector FROM {SEARCH}"
            if share < 1.0:  # whole pages at random: the sample's counts scale to the table's
                vectors += f" TABLESAMPLE SYSTEM ({share * 100:.6f})"
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat(%s) WHERE ndoc >= %s ORDER BY ndoc DESC, word",
                [vectors, min_items * share],
            )
            return {word: round(items / share) for word, items in cursor.fetchall()}

    def items_with_words(self, words: list[str], scope: ItemScope) -> Iterator[WordPairs]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(item_id), 0) FROM {SEARCH}")
            last = cursor.fetchone()[0]
        parts = [
            (
                "s.item_id > %(start)s AND s.item_id <= %(stop)s",
                {"start": start, "stop": min(start + PAIRS_CHUNK, last)},
            )
            for start in range(scope.after, last, PAIRS_CHUNK)
        ]
        if scope.among:
            parts.append(("s.item_id = ANY(%(among)s)", {"among": list(scope.among)}))
        tasks = [functools.partial(_word_pairs, words, *part) for part in parts]
        yield from run_ahead(tasks, connections=PAIRS_CONNECTIONS)

    def merge_staged_band_keys(self) -> int:
        # One statement: ranges another ingest stages meanwhile are merged or left.
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():  # a savepoint: on a conflict it runs again whole
                    cursor.execute(_MERGE_BAND_KEYS.format(conflicts=""))
            except IntegrityError:
                # Rows written since this statement began (a merge of overlapping spans by
                # another ingest, or an item indexed again, committed meanwhile): skip those.
                cursor.execute(_MERGE_BAND_KEYS.format(conflicts="ON CONFLICT DO NOTHING"))
            return cursor.rowcount

    def similar_candidates(
        self, keys: list[int], letter_id: int, per_band: int, limit: int
    ) -> list[int]:
        with read_connection().cursor() as cursor:
            cursor.execute(_SIMILAR_CANDIDATES, [keys, per_band, letter_id, limit])
            return [row[0] for row in cursor.fetchall()]


def _word_pairs(words: list[str], condition: str, params: dict) -> WordPairs:
    with connection.cursor() as cursor:
        cursor.execute(_WORD_PAIRS.format(scope=condition), {"words": words, **params})
        pairs = ids_from_text(cursor.fetchone()[0]).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1] - 1


def _tsquery(query: SearchQuery) -> tuple[str, list[str]]:
    """The query as a `tsquery` expression and its parameters: each term normalized by
    `websearch_to_tsquery`, joined with explicit AND, OR and NOT so that every group must
    match (`websearch_to_tsquery` of the whole text reads `a b OR c` as `(a & b) | c`)."""
    groups = ["(" + " || ".join(TERM for _ in group) + ")" for group in query.groups]
    excluded = [f"!!{TERM}" for _ in query.excluded]
    terms = [term for group in query.groups for term in group] + query.excluded
    return "(" + " && ".join(groups + excluded) + ")", [term.to_websearch() for term in terms]
