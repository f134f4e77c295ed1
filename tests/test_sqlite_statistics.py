"""SQLite's statistics wait for another writer instead of failing on its lock.

`PRAGMA optimize` reads, then writes (ANALYZE); in WAL mode a read turning into a write while
another connection holds the write lock fails at once. Two ingests at once met this at the
end of one of them (`test_ingest_crash.py`, one run in many). Run in a child process against
a database file of its own, since the test database is in memory.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time

import pytest
from django.db import connection

from tests.realdb import manage

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")

# A query the planner would have answered better with statistics (so `PRAGMA optimize`
# runs ANALYZE on the table), then the statistics, while the test holds the write lock.
_SCRIPT = """
from determinations.models import Letter
from determinations.search.backends import backend
list(Letter.objects.filter(case_number="CM00-0000000", patient_sex="F"))
print("ready", flush=True)
input()
backend().refresh_statistics()
print("done")
"""


def test_statistics_wait_while_another_connection_holds_the_write_lock(real_db):
    child = manage(real_db, "shell", "-v", "0", "-c", _SCRIPT, stdin=subprocess.PIPE)
    assert child.stdout.readline().strip() == "ready"
    writer = sqlite3.connect(
        real_db.sqlite_path, timeout=30, isolation_level=None, check_same_thread=False
    )
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO determinations_specialty (name) VALUES ('Held Lock Medicine')")
    release = threading.Timer(1.0, writer.execute, ["COMMIT"])
    release.start()
    start = time.monotonic()
    out, err = child.communicate("\n", timeout=60)
    release.join()
    writer.close()
    assert child.returncode == 0, err
    assert out.strip() == "done"
    assert time.monotonic() - start >= 0.9  # it waited for the lock
