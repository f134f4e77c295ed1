"""SQLite's write-ahead log is checkpointed by a thread beside a bulk load (on real files)."""

from __future__ import annotations

import logging
import sqlite3
import time

from determinations.ingest.bulk.sqlite import checkpoints_beside

ROWS, ROW_BYTES = 400, 4000


def _database_in_wal(path) -> sqlite3.Connection:
    """A writer that leaves checkpoints to someone else."""
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode = WAL")
    database.execute("PRAGMA wal_autocheckpoint = 0")
    database.execute("CREATE TABLE letter (text BLOB)")
    database.commit()
    return database


def _write_letters(database: sqlite3.Connection) -> None:
    database.executemany("INSERT INTO letter VALUES (?)", [(b"x" * ROW_BYTES,)] * ROWS)
    database.commit()


def _in_database_file(path) -> bool:
    """Whether the letters' pages have been copied from the log into the database file."""
    return path.stat().st_size >= ROWS * ROW_BYTES


def test_the_thread_copies_committed_pages_into_the_database_file(tmp_path):
    path = tmp_path / "imr.sqlite3"
    writer = _database_in_wal(path)
    with checkpoints_beside(path, every=0.01):
        _write_letters(writer)
        deadline = time.monotonic() + 10
        while not _in_database_file(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _in_database_file(path)
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT COUNT(*) FROM letter").fetchone() == (ROWS,)


def test_without_it_the_pages_stay_in_the_log(tmp_path):
    path = tmp_path / "imr.sqlite3"
    _write_letters(_database_in_wal(path))
    time.sleep(0.1)
    assert not _in_database_file(path)


def test_the_block_ends_with_one_more_checkpoint(tmp_path):
    path = tmp_path / "imr.sqlite3"
    writer = _database_in_wal(path)
    with checkpoints_beside(path, every=3600):  # never during the block
        _write_letters(writer)
        assert not _in_database_file(path)
    assert _in_database_file(path)


def test_a_writer_checkpointing_rarely_beside_it_keeps_the_log_small(tmp_path):
    """Alone, the thread is never done between two of the writer's transactions, so the log
    never starts again (measured: 67 MB for these 64 MB of letters); the writer's own rare
    checkpoint (`BULK_LOAD_AUTOCHECKPOINT`, scaled down here) lets it."""
    path = tmp_path / "imr.sqlite3"
    writer = _database_in_wal(path)
    writer.execute("PRAGMA wal_autocheckpoint = 256")  # pages: 1 MB
    with checkpoints_beside(path, every=0.01):
        for _ in range(40):
            _write_letters(writer)
    # Far under the 67 MB of the thread alone; the margin is for a slow moment (13 MB seen).
    assert (tmp_path / "imr.sqlite3-wal").stat().st_size < 32_000_000
    assert writer.execute("SELECT COUNT(*) FROM letter").fetchone() == (40 * ROWS,)


def test_a_failing_checkpoint_is_logged_and_the_block_goes_on(tmp_path, caplog):
    path = tmp_path / "not-a-database"
    path.write_bytes(b"this is no SQLite file" * 100)
    with caplog.at_level(logging.WARNING), checkpoints_beside(path, every=0.01):
        time.sleep(0.05)
    assert "WAL checkpoint failed" in caplog.text
