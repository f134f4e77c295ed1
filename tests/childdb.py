"""A database of its own for `manage.py` runs in child processes at the same time, and what
to count in it afterwards (tests/test_concurrent_ingest.py, bench/concurrent_ingest.py).

As `realdb.RealDatabase`, but the PostgreSQL database is named after the one in
`DATABASE_URL` (two checkouts testing against one server keep out of each other's way), and
it can start as a copy of a migrated template, so that a trial need not migrate.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import NamedTuple

import dj_database_url
import psycopg

from determinations.ingest.lock import TASK
from determinations.search.backends.locks import advisory_key, lock_file
from tests.letters import ROOT
from tests.postgres_pass import server_connection

_SQL = {
    "letters": "SELECT count(*) FROM determinations_letter",
    "items": "SELECT count(*) FROM determinations_disputeditem",
    "letters_without_items": "SELECT count(*) FROM determinations_letter l WHERE NOT EXISTS"
    " (SELECT 1 FROM determinations_disputeditem i WHERE i.letter_id = l.id)",
    "sketched": "SELECT count(*) FROM determinations_rationaleshingles",
    "banded": "SELECT count(DISTINCT item_id) FROM determinations_rationaleband",
    "staged": "SELECT count(*) FROM determinations_stagedbandkeys",
    "records": "SELECT count(*) FROM determinations_exportrecord",
}
_INDEXED = {
    "postgres": "SELECT count(*) FROM determinations_item_search",
    "sqlite": "SELECT count(*) FROM determinations_item_fts",
}


class Counts(NamedTuple):
    """What a whole ingest leaves: every item sketched, banded, indexed, with its record."""

    letters: int
    items: int
    letters_without_items: int
    sketched: int  # items with a shingle set
    banded: int  # items in the similar-rationale key index
    staged: int  # staged key ranges not merged yet
    records: int  # export records
    indexed: int  # full-text entries


class ChildDatabase:
    """A database for child processes: an SQLite file under ``folder``, or the PostgreSQL
    database ``<DATABASE_URL's>_<suffix>``; a copy of ``template`` when one is given."""

    def __init__(self, folder: Path, suffix: str, template: ChildDatabase | None = None):
        url = os.environ.get("DATABASE_URL", "")
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["IMR_VAR_DIR"] = str(folder / "var")
        self.postgres = dj_database_url.parse(url) if url else None
        if self.postgres:
            self.name = f"{self.postgres['NAME']}_{suffix}"
            self.drop()
            copy = f" TEMPLATE {template.name}" if template else ""
            self._admin(f"CREATE DATABASE {self.name}{copy}")
            self.env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + self.name
        self.sqlite_path = folder / "var" / "imr.sqlite3"
        if not self.postgres:
            # Named by a URL, as a deployment may: with one, SQLite once went without the
            # settings concurrent writers need, and one of two ingests failed at once.
            self.env["DATABASE_URL"] = f"sqlite:///{self.sqlite_path}"
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            if template:
                shutil.copyfile(template.sqlite_path, self.sqlite_path)

    @property
    def vendor(self) -> str:
        return "postgres" if self.postgres else "sqlite"

    def manage(self, *args: str) -> subprocess.Popen:
        """Start `manage.py` with ``args`` against this database."""
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def migrate(self) -> None:
        migrate = self.manage("migrate", "--noinput")
        _, err = migrate.communicate(timeout=300)
        assert migrate.returncode == 0, err

    def counts(self) -> Counts:
        return Counts(*(self.value(sql) for sql in [*_SQL.values(), _INDEXED[self.vendor]]))

    def value(self, sql: str):
        """The one value ``sql`` selects."""
        with closing(self._connect()) as connection:
            return connection.execute(sql).fetchone()[0]

    @contextmanager
    def ingest_lock_held(self) -> Iterator[None]:
        """Hold the database's ingest lock from this process, as an ingest would."""
        if self.postgres:
            with closing(self._connect()) as connection:
                connection.execute("SELECT pg_advisory_lock(%s)", [advisory_key(TASK)])
                yield
            return
        self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_file(self.sqlite_path, TASK), "a") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            yield

    def drop(self) -> None:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def _connect(self):
        if self.postgres:
            return self._server(self.name)
        return sqlite3.connect(self.sqlite_path, timeout=30)

    def _admin(self, sql: str) -> None:
        with self._server("postgres") as connection:
            connection.execute(sql)

    def _server(self, name: str) -> psycopg.Connection:
        return server_connection(self.postgres, name)


def summary_counts(out: str) -> tuple[int, int]:
    """(new, unchanged) from an ingest's summary line."""
    line = out.strip().splitlines()[-1]
    new, rest = line.removeprefix("ingested ").split(" new, ", 1)
    return int(new), int(rest.split(" unchanged", 1)[0])
