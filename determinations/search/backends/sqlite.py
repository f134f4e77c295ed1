"""SQLite: an FTS5 table kept beside the items, `bm25()` ranking, `snippet()` passages."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator

import numpy as np
from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from determinations.models import StagedBandKeys
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
from determinations.search.query import SearchQuery, Term

ITEMS = "determinations_disputeditem"
FTS = "determinations_item_fts"
BANDS = "determinations_rationaleband"
SHINGLES = "determinations_rationaleshingles"
MERGE_CHUNK = 100_000  # key-index rows one statement of a merge of staged band keys writes
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as migration 0003 made the table
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

    def refresh_statistics(self) -> None:
        # In a write transaction (BEGIN IMMEDIATE, settings' transaction_mode) taken first:
        # `PRAGMA optimize` reads, then runs ANALYZE, and a read turning into a write while
        # another connection (a second ingest) holds the lock fails at once, "database is
        # locked", without waiting out the busy timeout.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")

    def exclusive_lock(self, task: str) -> locks.DatabaseLock:
        name = connection.settings_dict["NAME"]
        if connection.is_in_memory_db():
            return locks.ProcessLock(f"{name} {task}")
        return locks.FileLock(locks.lock_file(name, task))

    def wait_for_turn(self, task: str) -> None:
        pass  # a transaction begins with the write lock (BEGIN IMMEDIATE): its turn

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
        # join, hence extra(): as a RawSQL subquery, FTS5 would run the match again for every
        # item (issue 29). Negated bm25 so that, as on PostgreSQL, higher ranks first.
        return items.extra(
            select={"rank": f"-{_BM25}"},
            tables=[FTS],
            where=[f"{FTS}.rowid = {ITEMS}.id", f"{FTS} MATCH %s"],
            params=[fts5_expression(query.groups)],
        )

    def ranked_ids(self, query: SearchQuery, rank: bool = True) -> tuple[np.ndarray, np.ndarray]:
        ids = _ids(*_matching(query))
        if not query.groups or not rank or not len(ids):  # only exclusions: unranked
            return ids, np.zeros(len(ids))
        # Ranking scores every match: only the newest RANK_LIMIT matches are ranked.
        newest = np.sort(ids)[-backends.RANK_LIMIT :].tolist()
        return ids, ranks_of(ids, self.rank_items(newest, query))

    def matching_ids(self, query: SearchQuery, scope: ItemScope) -> np.ndarray:
        found = [_ids(*_matching(query, "rowid > %s", [scope.after]))]
        if scope.among:
            among = "rowid IN (SELECT value FROM json_each(%s))"
            found.append(_ids(*_matching(query, among, [json.dumps(list(scope.among))])))
        return distinct_ids(found)

    def rank_items(self, item_ids: list[int], query: SearchQuery) -> list[tuple[int, float]]:
        if not item_ids or not query.groups:
            return []
        # FTS5 skips to a rowid range; it would look up a list of rowids one at a time.
        # (Bounded on both sides: a case number's few items may be old, and a broad word
        # has matches by the million above them.)
        with read_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -{_BM25} FROM {FTS} WHERE {FTS} MATCH %s "
                "AND rowid BETWEEN %s AND %s",
                [fts5_expression(query.groups), min(item_ids), max(item_ids)],
            )
            return cursor.fetchall()

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

    def lexemes(self, words: list[str]) -> dict[str, list[str]]:
        tokenizer = _tokenizer()
        tokenizer.execute("DELETE FROM words")
        tokenizer.executemany("INSERT INTO words (rowid, word) VALUES (?, ?)", enumerate(words, 1))
        found: dict[str, list[str]] = {word: [] for word in words}
        for doc, term in tokenizer.execute("SELECT doc, term FROM terms ORDER BY doc, offset"):
            found[words[doc - 1]].append(term)
        return found

    def frequent_words(self, min_items: int) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.imr_item_terms "
                f"USING fts5vocab(main, {FTS}, row)"
            )
            cursor.execute(
                "SELECT term, doc FROM temp.imr_item_terms WHERE doc >= %s ORDER BY doc DESC, term",
                [min_items],
            )
            terms = dict(cursor.fetchall())
        # A stem is matched by querying it; keep those the tokenizer leaves as they are.
        stored = self.lexemes(list(terms))
        return {term: items for term, items in terms.items() if stored[term] == [term]}

    def items_with_words(self, words: list[str], scope: ItemScope) -> Iterator[WordPairs]:
        for number, word in enumerate(words):
            ids = self.matching_ids(SearchQuery(groups=[[Term((word,))]]), scope)
            yield ids, np.full(len(ids), number)

    def merge_staged_band_keys(self) -> int:
        # The caller's transaction holds the write lock: no ingest stages ranges meanwhile.
        ranges = list(StagedBandKeys.objects.values_list("first_item_id", "last_item_id"))
        StagedBandKeys.objects.all().delete()
        keys, items = _staged_band_keys(ranges)
        sql = f'INSERT INTO {BANDS} ("key", item_id) VALUES (%s, %s) ON CONFLICT DO NOTHING'
        written = 0
        with connection.cursor() as cursor:
            for at in range(0, len(keys), MERGE_CHUNK):
                cut = slice(at, at + MERGE_CHUNK)
                cursor.executemany(sql, zip(keys[cut].tolist(), items[cut].tolist(), strict=True))
                written += cursor.rowcount
        return written

    def similar_candidates(
        self, keys: list[int], letter_id: int, per_band: int, limit: int
    ) -> list[int]:
        # No LATERAL: a UNION ALL of one subquery per band, the same rows in the same order.
        per_band_sql = (
            f'SELECT item_id FROM (SELECT item_id FROM {BANDS} WHERE "key" = %s '
            f"ORDER BY item_id LIMIT {int(per_band)}) AS band_{{}}"
        )
        union = " UNION ALL ".join(per_band_sql.format(i) for i in range(len(keys)))
        sql = (
            f"SELECT item_id FROM ({union}) AS candidates "
            f"WHERE item_id NOT IN (SELECT id FROM {ITEMS} WHERE letter_id = %s) "
            f"GROUP BY item_id ORDER BY COUNT(*) DESC, item_id LIMIT {int(limit)}"
        )
        with read_connection().cursor() as cursor:
            cursor.execute(sql, [*keys, letter_id])
            return [row[0] for row in cursor.fetchall()]


_tokenizers = threading.local()


def _tokenizer() -> sqlite3.Connection:
    """This thread's own database in memory, holding a table with the index's tokenizer.

    FTS5 has no SQL function to tokenize: such a table, and its vocabulary, say what the
    index would store. It is not in the corpus's database, which a search only reads.
    """
    if not hasattr(_tokenizers, "database"):
        database = sqlite3.connect(":memory:", isolation_level=None)
        database.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize = '{TOKENIZER}')")
        database.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(words, instance)")
        _tokenizers.database = database
    return _tokenizers.database


def _staged_band_keys(ranges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The (key, item id) rows of the items in ``ranges``, sorted: SQLite cannot split the
    packed keys itself, so they are read back, split and sorted here."""
    keys, items = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    with connection.cursor() as cursor:
        for first, last in ranges:
            cursor.execute(
                f"SELECT item_id, band_keys FROM {SHINGLES} "
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


def _matching(query: SearchQuery, condition: str = "", params: list = ()) -> tuple[str, list]:
    """A statement selecting the `rowid` of the items matching ``query`` (and ``condition``,
    on `rowid`, with ``params``)."""
    scope = f" AND {condition}" if condition else ""
    params = list(params)
    excluded = f"rowid NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s{scope})"
    if not query.groups:  # only exclusions: every other item
        return f"SELECT id AS rowid FROM {ITEMS} WHERE {excluded}{scope}", [
            _excluded(query),
            *params,
            *params,
        ]
    sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s{scope}"
    values = [fts5_expression(query.groups), *params]
    if query.excluded:
        sql += f" AND {excluded}"
        values += [_excluded(query), *params]
    return sql, values


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
