"""PostgreSQL: a weighted `tsvector` per item (GIN index), `websearch_to_tsquery`, `ts_rank_cd`."""

from __future__ import annotations

import numpy as np
from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from determinations.routing import read_connection
from determinations.search import backends
from determinations.search.backends import MARK_END, MARK_START, ids_from_text, ranks_of
from determinations.search.query import SearchQuery

ITEMS = "determinations_disputeditem"
SEARCH = "determinations_item_search"
TSQUERY = "websearch_to_tsquery('english', %s)"
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
_MATCHES = f"SELECT item_id FROM {SEARCH} WHERE search_vector @@ {TSQUERY}"
# Many ids travel far faster as one text value than as one row each (3x at 100k matches).
_MATCHED_IDS = f"SELECT coalesce(string_agg(item_id::text, ','), '') FROM ({_MATCHES}) AS m"
_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=40, MinWords=20, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" ... "'
)


class PostgresBackend:
    def index_letters(self, letter_ids: list[int]) -> None:
        if letter_ids:
            with connection.cursor() as cursor:
                cursor.execute(_INDEX_SQL, {"letters": list(letter_ids)})

    def forget_items(self, item_ids: list[int]) -> None:
        if item_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {SEARCH} WHERE item_id = ANY(%s)", [list(item_ids)])

    def prepare_bulk_load(self) -> None:
        # Commits do not wait for the WAL flush: a crash may lose the last batches, never
        # corrupt anything, and ingest is idempotent, so running it again completes the job.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")

    def refresh_statistics(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if not connection.in_atomic_block:
                # Marks the band table's pages all-visible, so similar-rationale lookups read
                # the (key, item_id) index alone: 3x faster than visiting the rows.
                cursor.execute("VACUUM (ANALYZE) determinations_rationaleband")

    def matching(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        condition = RawSQL(f"{ITEMS}.id IN ({_MATCHES})", [query.to_websearch()], BooleanField())
        return items.filter(condition)

    def ranked(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        rank = RawSQL(
            f"(SELECT ts_rank_cd(s.search_vector, {TSQUERY}) FROM {SEARCH} s "
            f"WHERE s.item_id = {ITEMS}.id)",
            [query.to_websearch()],
            FloatField(),
        )
        return items.annotate(rank=rank)

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[np.ndarray, np.ndarray]:
        websearch = query.to_websearch()
        with read_connection().cursor() as cursor:
            cursor.execute(_MATCHED_IDS, [websearch])
            ids = ids_from_text(cursor.fetchone()[0])
            if not rank or not len(ids):
                return ids, np.zeros(len(ids))
            # Ranking reads every matching vector: only the newest RANK_LIMIT matches are
            # ranked, fetched by primary key (the planner cannot estimate `@@` and would
            # otherwise recheck every match).
            newest = np.sort(ids)[-backends.RANK_LIMIT :].tolist()
            cursor.execute(
                f"SELECT item_id, ts_rank_cd(search_vector, {TSQUERY}) FROM {SEARCH} "
                "WHERE item_id = ANY(%s)",
                [websearch, newest],
            )
            ranked = cursor.fetchall()
        return ids, ranks_of(ids, ranked)

    def snippets(self, item_ids: list[int], query: SearchQuery) -> dict[int, str]:
        if not item_ids:
            return {}
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline('english', rationale, {TSQUERY}, %s) "
                f"FROM {ITEMS} WHERE id = ANY(%s)",
                [query.to_websearch(), _HEADLINE_OPTIONS, list(item_ids)],
            )
            return dict(cursor.fetchall())
