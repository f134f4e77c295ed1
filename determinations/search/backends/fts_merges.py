"""SQLite: the full-text index's segment merges deferred during a bulk load.

FTS5 writes each transaction's new entries as a segment and, by default, merges a level's
segments once it holds four, so every entry is rewritten once a level as the index grows:
at a million letters the full-text insert was a quarter of the ingest writer's time
(py-spy, bench/RESULTS.md). During a bulk load automatic merges are off and only a level of
64 segments is merged; at the end the index is merged into one segment when the load added
a good part of it (each entry rewritten once more), else tidied as the default settings
would have. 600,000 items went in at 36 us each instead of 77, and merging them into one
segment took 5.8 s (bench/RESULTS.md, tenth section).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

AUTOMERGE, CRISISMERGE = 4, 16  # FTS5's defaults
BULK_CRISISMERGE = 64
OPTIMIZE_SHARE = 4  # merge into one segment when the load added a quarter of the items or more
TIDY_PAGES = 500  # pages one 'merge' command writes (one short transaction each)
logger = logging.getLogger(__name__)


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
