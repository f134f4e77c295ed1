"""SQLite: an FTS5 table kept beside the items, `bm25()` ranking, `snippet()` passages."""

from __future__ import annotations

import numpy as np
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from determinations.routing import read_connection
from determinations.search import backends
from determinations.search.backends import MARK_END, MARK_START, ids_from_text, ranks_of
from determinations.search.query import SearchQuery, Term

ITEMS = "determinations_disputeditem"
FTS = "determinations_item_fts"
# Column weights for bm25(): names (A), rationale (B), guidelines (B), summary (C).
_BM25 = f"bm25({FTS}, 10.0, 4.0, 4.0, 1.0)"
_INSERT_SQL = f"""
INSERT INTO {FTS} (rowid, names, rationale, guidelines, summary)
SELECT i.id,
       i.label || ' ' || coalesce(m.generic_name || ' ' || m.search_names, ''),
       i.rationale,
       i.claims_administrator_guideline || ' ' || i.reviewer_guideline,
       l.summary
FROM {ITEMS} i
JOIN determinations_letter l ON l.id = i.letter_id
LEFT JOIN determinations_medication m ON m.id = i.medication_id
WHERE i.letter_id IN ({{placeholders}})
"""


class SqliteBackend:
    def index_letters(self, letter_ids: list[int]) -> None:
        if not letter_ids:
            return
        placeholders = ", ".join("%s" for _ in letter_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS} WHERE rowid IN "
                f"(SELECT id FROM {ITEMS} WHERE letter_id IN ({placeholders}))",
                list(letter_ids),
            )
            cursor.execute(_INSERT_SQL.format(placeholders=placeholders), list(letter_ids))

    def forget_items(self, item_ids: list[int]) -> None:
        if item_ids:
            placeholders = ", ".join("%s" for _ in item_ids)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({placeholders})", list(item_ids))

    def prepare_bulk_load(self) -> None:
        # A 256 MB page cache for this connection: the similar-rationale index takes its keys
        # in random order, and with the default 2 MB cache every insert misses.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")

    def refresh_statistics(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")

    def matching(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        if query.groups:
            items = items.filter(_matches("IN", fts5_expression(query.groups)))
        if query.excluded:
            items = items.filter(_matches("NOT IN", _excluded(query)))
        return items

    def ranked(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        if not query.groups:
            return items.annotate(rank=RawSQL("0.0", []))
        # bm25() needs the FTS table joined in the same SELECT; the ORM cannot express that
        # join, hence extra(). Negated bm25 so that, as on PostgreSQL, higher ranks first.
        return items.extra(
            select={"rank": f"-{_BM25}"},
            tables=[FTS],
            where=[f"{FTS}.rowid = {ITEMS}.id", f"{FTS} MATCH %s"],
            params=[fts5_expression(query.groups)],
        )

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[np.ndarray, np.ndarray]:
        if not query.groups:  # only exclusions: every other item matches, unranked
            unmatched = f"id NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
            ids = _ids(f"SELECT id AS rowid FROM {ITEMS} WHERE {unmatched}", [_excluded(query)])
            return ids, np.zeros(len(ids))
        where, params = f"{FTS} MATCH %s", [fts5_expression(query.groups)]
        if query.excluded:
            where += f" AND rowid NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
            params.append(_excluded(query))
        ids = _ids(f"SELECT rowid FROM {FTS} WHERE {where}", params)
        if not rank or not len(ids):
            return ids, np.zeros(len(ids))
        # Ranking scores every match: only the newest RANK_LIMIT matches are ranked.
        newest = int(np.sort(ids)[-backends.RANK_LIMIT :][0])
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -{_BM25} FROM {FTS} WHERE {where} AND rowid >= %s",
                [*params, newest],
            )
            ranked = cursor.fetchall()
        return ids, ranks_of(ids, ranked)

    def snippets(self, item_ids: list[int], query: SearchQuery) -> dict[int, str]:
        if not item_ids or not query.groups:
            return {}
        placeholders = ", ".join("%s" for _ in item_ids)
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({FTS}, 1, %s, %s, ' ... ', 40) FROM {FTS} "
                f"WHERE {FTS} MATCH %s AND rowid IN ({placeholders})",
                [MARK_START, MARK_END, fts5_expression(query.groups), *item_ids],
            )
            return dict(cursor.fetchall())


def _excluded(query: SearchQuery) -> str:
    return fts5_expression([[term] for term in query.excluded], joiner=" OR ")


def _ids(sql: str, params: list) -> np.ndarray:
    """The `rowid` column of ``sql``, fetched as one text value (far faster than rows)."""
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT coalesce(group_concat(rowid, ','), '') FROM ({sql})", params)
        return ids_from_text(cursor.fetchone()[0])


def fts5_expression(groups: list[list[Term]], joiner: str = " AND ") -> str:
    """FTS5 query text: every term quoted, so user input never reaches FTS5 syntax."""
    return joiner.join("(" + " OR ".join(_quoted(term) for term in group) + ")" for group in groups)


def _quoted(term: Term) -> str:
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def _matches(operator: str, expression: str) -> RawSQL:
    return RawSQL(
        f"{ITEMS}.id {operator} (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
        [expression],
        BooleanField(),
    )
