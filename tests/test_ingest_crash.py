"""Kill a real `manage.py ingest` with SIGKILL half-way, rerun it, and find every letter whole.

Runs against a database of its own (a SQLite file, or a PostgreSQL database `imr_crash_test`
on the server of the PostgreSQL pass), because the killed process must commit for real.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import dj_database_url
import psycopg
import pytest

from determinations.parsing import parse_letter
from tests import letters
from tests.letters import ROOT

LETTERS = 1000
_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM determinations_letter),"
    " (SELECT COUNT(*) FROM determinations_disputeditem),"
    " (SELECT COUNT(*) FROM determinations_letter l WHERE NOT EXISTS"
    "   (SELECT 1 FROM determinations_disputeditem i WHERE i.letter_id = l.id))"
)


class CrashDatabase:
    """A real database for child processes: SQLite file or a PostgreSQL database."""

    def __init__(self, tmp_path):
        url = os.environ.get("DATABASE_URL", "")
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["IMR_VAR_DIR"] = str(tmp_path / "var")
        self.postgres = dj_database_url.parse(url) if url else None
        if self.postgres:
            self.postgres["NAME"] = "imr_crash_test"
            self._admin("DROP DATABASE IF EXISTS imr_crash_test WITH (FORCE)")
            self._admin("CREATE DATABASE imr_crash_test")
            self.env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/imr_crash_test"
        self.sqlite_path = tmp_path / "var" / "imr.sqlite3"

    def counts(self) -> tuple[int, int, int]:
        """(letters, items, letters without items)."""
        if self.postgres:
            with self._connect("imr_crash_test") as connection:
                return connection.execute(_COUNTS_SQL).fetchone()
        with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
            return connection.execute(_COUNTS_SQL).fetchone()

    def drop(self) -> None:
        if self.postgres:
            self._admin("DROP DATABASE IF EXISTS imr_crash_test WITH (FORCE)")

    def _admin(self, sql: str) -> None:
        with self._connect("postgres") as connection:
            connection.execute(sql)

    def _connect(self, name: str):
        return psycopg.connect(
            host=self.postgres["HOST"] or None,
            port=self.postgres["PORT"] or None,
            user=self.postgres["USER"] or None,
            password=self.postgres["PASSWORD"] or None,
            dbname=name,
            autocommit=True,
        )


def _manage(db: CrashDatabase, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=db.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def crash_db(tmp_path):
    db = CrashDatabase(tmp_path)
    migrate = _manage(db, "migrate", "--noinput")
    assert migrate.wait(timeout=120) == 0, migrate.stderr.read()
    yield db
    db.drop()


def test_sigkill_half_way_then_rerun_leaves_every_letter_once_and_whole(tmp_path, crash_db):
    corpus = tmp_path / "corpus"
    letters.write_variants(corpus, LETTERS)
    expected_items = sum(
        len(parse_letter(text).items) for _, text in letters.letter_variants(LETTERS)
    )

    first = _manage(crash_db, "ingest", str(corpus), "--batch-size", "50")
    deadline = time.monotonic() + 60
    while crash_db.counts()[0] < LETTERS // 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored, _, without_items = crash_db.counts()
    assert 0 < stored < LETTERS, "the kill must land half-way"
    assert without_items == 0

    rerun = _manage(crash_db, "ingest", str(corpus), "--batch-size", "50")
    out, err = rerun.communicate(timeout=300)

    assert rerun.returncode == 0, err
    assert out.startswith(f"ingested {LETTERS - stored} new, {stored} unchanged,")
    assert crash_db.counts() == (LETTERS, expected_items, 0)
