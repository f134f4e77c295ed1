"""Locks that let only one process at a time do a task on a database (an ingest, a reparse).

Each is held across the task's many transactions and is released by the database server or
the kernel when the process holding it ends, however it ends (SIGKILL included), so a crash
never leaves a lock behind to be cleared by hand. The backends hand them out
(`SearchBackend.exclusive_lock`): PostgreSQL's advisory locks are per database, and an SQLite
database's lock is a file beside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)


class Busy(RuntimeError):
    """Another process holds the lock, and the caller would rather not wait."""


class DatabaseLock(Protocol):
    def acquire(self, wait: bool) -> bool:
        """Take the lock, waiting for it when ``wait``; whether it was taken."""

    def release(self) -> None:
        """Give the lock up (nothing when it is not held)."""


@contextmanager
def held(lock: DatabaseLock, waiting: str, wait: bool = True) -> Iterator[None]:
    """Hold ``lock`` for the block; while another process holds it, log ``waiting`` (a
    warning: the command's stderr shows it) and wait, or with ``wait`` false raise `Busy`."""
    try:
        if not lock.acquire(wait=False):
            if not wait:
                raise Busy(waiting)
            logger.warning(waiting)
            lock.acquire(wait=True)
        yield
    finally:  # also when the wait was interrupted (Ctrl-C): its connection or file closes
        lock.release()


def advisory_key(task: str) -> int:
    """The PostgreSQL advisory lock key of ``task``: a signed 64-bit number of its own."""
    return int.from_bytes(hashlib.sha256(f"imr {task}".encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock, held on a connection of its own. Django's
    connection may be closed and opened again during a long task, and would drop it."""

    def __init__(self, task: str) -> None:
        self._key = advisory_key(task)
        self._session = None

    def acquire(self, wait: bool) -> bool:
        if self._session is None:
            self._session = connections.create_connection(connection.alias)
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        with self._session.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [self._key])
            return wait or cursor.fetchone()[0]

    def release(self) -> None:
        if self._session is None:
            return
        # Closing ends the session, and with it its locks; unlocked first all the same,
        # should the connection go back to a pool (OPTIONS "pool") instead of closing.
        with contextlib.suppress(DatabaseError), self._session.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        self._session.close()
        self._session = None


def lock_file(database: str | Path, task: str) -> Path:
    """The file whose lock is ``task``'s on the SQLite database at ``database``."""
    return Path(f"{database}.{task}-lock")


class FileLock:
    """SQLite: an exclusive `flock` on a file beside the database, which the kernel releases
    when the process ends. The file stays: removing it would let a process that opened it
    before lock a file no one else can find."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = None

    def acquire(self, wait: bool) -> bool:
        if self._file is None:
            self._file = open(self._path, "a")  # noqa: SIM115 (held until `release`)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the lock
            self._file = None


_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class ProcessLock:
    """An in-memory SQLite database (tests): only this process can reach it, so a lock of
    this process's own."""

    def __init__(self, name: str) -> None:
        with _process_locks_guard:
            self._lock = _process_locks.setdefault(name, threading.Lock())
        self._held = False

    def acquire(self, wait: bool) -> bool:
        self._held = self._lock.acquire(blocking=wait)
        return self._held

    def release(self) -> None:
        if self._held:
            self._lock.release()
            self._held = False
