"""One ingest or reparse of a database at a time; a second one waits for the first to end.

Two ingests of one database at once took turns for SQLite's write lock batch by batch (and,
with a `sqlite://` URL that lacked the IMMEDIATE transactions, one died with "database is
locked" in every trial: issue 28, item 4), and on PostgreSQL both ends of the runs rebuilt
the same derived tables at once (item 5). Waiting for the whole of the other run costs
little: the run that waited reads the files again and finds every letter stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from determinations.search.backends import backend
from determinations.search.backends.locks import Busy, held

TASK = "ingest"
WAITING = "waiting for another ingest or reparse of this database to finish..."


# What `one_ingest_at_a_time(wait=False)` raises while another run holds the database.
IngestRunning = Busy


@contextmanager
def one_ingest_at_a_time(wait: bool = True) -> Iterator[None]:
    """Hold this database's ingest lock for the block, waiting (and saying so on stderr)
    while another process holds it, or with ``wait`` false raising `IngestRunning`. Not
    re-entrant: taken by the public entry points only."""
    with held(backend().exclusive_lock(TASK), WAITING, wait):
        yield
