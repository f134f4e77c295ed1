"""A real database of its own for tests that run `manage.py` in child processes.

The child must commit for real, so it cannot share pytest-django's test transaction: a SQLite
file under the test's tmp_path, or a PostgreSQL database `<pass database>_crash_test` on the
server of the PostgreSQL pass (named after the pass's database, so that two checkouts' runs
on one server never drop each other's).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import dj_database_url

from tests.letters import ROOT
from tests.postgres_pass import server_connection

_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM determinations_letter),"
    " (SELECT COUNT(*) FROM determinations_disputeditem),"
    " (SELECT COUNT(*) FROM determinations_letter l WHERE NOT EXISTS"
    "   (SELECT 1 FROM determinations_disputeditem i WHERE i.letter_id = l.id))"
)


class RealDatabase:
    """A real database for child processes: SQLite file or a PostgreSQL database."""

    def __init__(self, tmp_path):
        url = os.environ.get("DATABASE_URL", "")
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["IMR_VAR_DIR"] = str(tmp_path / "var")
        self.postgres = dj_database_url.parse(url) if url else None
        if self.postgres:
            self.name = f"{self.postgres['NAME']}_crash_test"
            self.postgres["NAME"] = self.name
            self.drop()
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{self.name}"
        self.sqlite_path = tmp_path / "var" / "imr.sqlite3"

    def counts(self) -> tuple[int, int, int]:
        """(letters, items, letters without items)."""
        if self.postgres:
            with self._connect(self.name) as connection:
                return connection.execute(_COUNTS_SQL).fetchone()
        with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
            return connection.execute(_COUNTS_SQL).fetchone()

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        with self._connect("postgres") as connection:
            connection.execute(sql)

    def _connect(self, name: str):
        return server_connection(self.postgres, name)


def manage(db: RealDatabase, *args: str, stdin: int | None = None) -> subprocess.Popen:
    """Start `manage.py` with ``args`` against ``db``."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=db.env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
