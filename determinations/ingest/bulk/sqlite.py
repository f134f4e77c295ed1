"""SQLite's bulk load: ids after the highest used, rows by `executemany`, and a connection
tuned for a long run of writes (bench/RESULTS.md has the profiles behind each choice).

- Checkpoints: in WAL mode the connection whose commit takes the log past 1,000 pages copies
  it into the database file and syncs both, and during an ingest that is the writer. So a
  thread with its own connection checkpoints beside it (passive: it never waits for, nor
  blocks, the writer or any reader), and the writer only rarely (`BULK_LOAD_AUTOCHECKPOINT`).
- Full-text merges: FTS5 merges a level's segments once it holds four, rewriting every entry
  once a level as the index grows. During a load only a level of 64 is merged; at its end the
  index is merged into one segment when the load added a good part of it, else tidied as the
  default settings would have.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.db import connection

from determinations.search.backends.sqlite import FTS, ITEMS

WRITE_CHUNK = 1000  # rows per executemany call
WAL_AUTOCHECKPOINT = 1000  # pages: SQLite's default
# With a thread checkpointing beside the load, the writer's own checkpoint is rare: once the
# log passes 256 MB, it copies what the thread has not yet, so that the next transaction
# starts the log from its beginning again (without it the log grows all run long: the thread
# is seldom done between two batches).
BULK_LOAD_AUTOCHECKPOINT = 65536
EVERY_SECONDS = 0.25  # between two checkpoints beside the writer: about one ingest batch
AUTOMERGE, CRISISMERGE = 4, 16  # FTS5's defaults
BULK_CRISISMERGE = 64
OPTIMIZE_SHARE = 4  # merge into one segment when the load added a quarter of the items or more
TIDY_PAGES = 500  # pages one 'merge' command writes (one short transaction each)
logger = logging.getLogger(__name__)


class SqliteLoader:
    writing_lanes = 1  # one writer at a time

    def allocate_ids(self, table: str, count: int) -> list[int]:
        # Under the write lock an IMMEDIATE transaction holds. AUTOINCREMENT remembers the
        # highest id ever used (a deleted letter's id is never reused, so old links cannot
        # show another letter); an id inserted explicitly above it moves it on.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
                [table],
            )
            start = cursor.fetchone()[0]
        return list(range(start + 1, start + count + 1))

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        sql = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({names}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), WRITE_CHUNK):
                cursor.executemany(sql, rows[start : start + WRITE_CHUNK])

    @contextmanager
    def tuned(self) -> Iterator[None]:
        # A 256 MB page cache for this connection: the similar-rationale index takes its keys
        # in random order, and with the default 2 MB cache every insert misses.
        _pragma("cache_size = -262144")
        with ExitStack() as stack:
            if _pragma("journal_mode") == "wal":  # not so in memory (tests)
                _pragma(f"wal_autocheckpoint = {BULK_LOAD_AUTOCHECKPOINT}")
                stack.callback(_pragma, f"wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
                stack.enter_context(checkpoints_beside(connection.settings_dict["NAME"]))
            stack.enter_context(merges_deferred(FTS, ITEMS))
            yield


def _pragma(statement: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {statement}")
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def checkpoints_beside(path: str | Path, every: float = EVERY_SECONDS) -> Iterator[None]:
    """While in the block, a thread checkpoints the WAL of the SQLite database at ``path``
    every ``every`` seconds, and once more as the block ends."""
    done = threading.Event()
    thread = threading.Thread(
        target=_checkpoint_until, args=(path, done, every), name="wal-checkpoints", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        start = time.perf_counter()
        done.set()
        thread.join()
        logger.info("bulk load: last WAL checkpoint took %.1f s", time.perf_counter() - start)


def _checkpoint_until(path: str | Path, done: threading.Event, every: float) -> None:
    database = sqlite3.connect(path, timeout=30)
    finished = False
    while not finished:
        finished = done.wait(every)  # and once more as the block ends
        try:
            database.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # the log only grows until the next one: go on
            logger.warning("WAL checkpoint failed: %s", error)
    database.close()


@contextmanager
def merges_deferred(fts: str, items: str) -> Iterator[None]:
    """A block in which the FTS5 table ``fts`` (indexing ``items``) merges only in a crisis;
    its merges are done as the block ends."""
    before = _highest_id(items)
    _configure(fts, automerge=0, crisismerge=BULK_CRISISMERGE)
    try:
        yield
    finally:
        # The settings are stored in the database: put back even when the load failed.
        _configure(fts, automerge=AUTOMERGE, crisismerge=CRISISMERGE)
        start = time.perf_counter()
        after = _highest_id(items)
        if after - before >= max(after // OPTIMIZE_SHARE, 1):
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
        else:
            _tidy(fts)
        logger.info("ingest: full-text segment merges took %.1f s", time.perf_counter() - start)


def _configure(fts: str, automerge: int, crisismerge: int) -> None:
    _command(fts, "'automerge', %s", [automerge])
    _command(fts, "'crisismerge', %s", [crisismerge])


def _tidy(fts: str) -> None:
    """Merge as the default settings would have, until there is nothing left to merge: a
    'merge' command that found work changes two rows or more (FTS5's documentation)."""
    while True:
        before = connection.connection.total_changes
        _command(fts, "'merge', %s", [TIDY_PAGES])
        if connection.connection.total_changes - before < 2:
            return


def _command(fts: str, values: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ({values})", params or [])


def _highest_id(items: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {items}")
        return cursor.fetchone()[0]
