"""SQLite: an FTS5 table kept beside the items, `bm25()` ranking, `snippet()` passages."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from determinations.search.backends import MARK_END, MARK_START
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

    def matching(self, items: QuerySet, query: SearchQuery) -> QuerySet:
        if query.groups:
            items = items.filter(_matches("IN", fts5_expression(query.groups)))
        if query.excluded:
            excluded = fts5_expression([[term] for term in query.excluded], joiner=" OR ")
            items = items.filter(_matches("NOT IN", excluded))
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

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[list[int], list[float]]:
        excluded = ""
        params: list[str] = []
        if query.excluded:
            excluded = f"rowid NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
            params.append(fts5_expression([[term] for term in query.excluded], joiner=" OR "))
        if query.groups:
            score = f"-{_BM25}" if rank else "0.0"
            sql = f"SELECT rowid, {score} FROM {FTS} WHERE {FTS} MATCH %s"
            params.insert(0, fts5_expression(query.groups))
            sql += f" AND {excluded}" if excluded else ""
        else:
            sql = f"SELECT id, 0.0 FROM {ITEMS} WHERE " + excluded.replace("rowid NOT", "id NOT", 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [row[0] for row in rows], [row[1] for row in rows]

    def snippets(self, item_ids: list[int], query: SearchQuery) -> dict[int, str]:
        if not item_ids or not query.groups:
            return {}
        placeholders = ", ".join("%s" for _ in item_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({FTS}, 1, %s, %s, ' ... ', 40) FROM {FTS} "
                f"WHERE {FTS} MATCH %s AND rowid IN ({placeholders})",
                [MARK_START, MARK_END, fts5_expression(query.groups), *item_ids],
            )
            return dict(cursor.fetchall())


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
