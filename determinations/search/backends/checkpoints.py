"""SQLite: copy the write-ahead log back into the database file beside a bulk load, not in it.

In WAL mode, the connection whose commit takes the log past 1,000 pages copies it into the
database file and syncs both to disk (a checkpoint). During an ingest that connection is the
writer, and 400,000 letters into a million, checkpoints were a sixth of its time, most of it
waiting for `fdatasync` (py-spy, bench/RESULTS.md). While a bulk load runs, a thread with a
connection of its own checkpoints instead, and the writer only rarely (see
`BULK_LOAD_AUTOCHECKPOINT` in sqlite.py). A passive checkpoint never waits for, nor blocks,
the writer or any reader.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EVERY_SECONDS = 0.25  # about one ingest batch
logger = logging.getLogger(__name__)


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
    try:
        while not done.wait(every):
            _checkpoint(database)
        _checkpoint(database)
    finally:
        database.close()


def _checkpoint(database: sqlite3.Connection) -> None:
    try:
        database.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as error:  # the log only grows until the next one: go on
        logger.warning("WAL checkpoint failed: %s", error)
