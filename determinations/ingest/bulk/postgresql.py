"""PostgreSQL's bulk load: ids from the table's sequence, rows by one COPY, commits that do
not wait for the WAL flush."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection


class PostgresLoader:
    # Two: the server applies one lane's batch while the other lane prepares its next.
    writing_lanes = 2

    def allocate_ids(self, table: str, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        copy_sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
        # psycopg's own method: its errors are wrapped here as Django's (IntegrityError for a
        # letter another ingest stored meanwhile, which ingest retries).
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.copy(copy_sql) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def tuned(self) -> Iterator[None]:
        # Commits do not wait for the WAL flush: a crash may lose the last batches, never
        # corrupt anything, and ingest is idempotent, so running it again completes the job.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
