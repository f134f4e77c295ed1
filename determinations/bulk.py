"""Rows written in bulk as plain tuples: what ingest stores per batch.

Django's `bulk_create` builds a model instance per row and compiles an INSERT naming every
value; at a million letters that was a third of the writing process's time. Here the ids
are taken up front (PostgreSQL: from the table's sequence; SQLite: after the highest used,
under the write lock an IMMEDIATE transaction holds), and the rows go in as one COPY on
PostgreSQL or one `executemany` on SQLite. `bulk_create` sends no signals either, so the
two write the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache

from django.db import connection
from django.db.models import Model
from django.utils import timezone

WRITE_CHUNK = 1000  # rows per SQLite executemany call


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, never used before (call inside the
    transaction that writes them)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT remembers the highest id ever used (a deleted letter's id is never
        # reused, so old links cannot show another letter); an id inserted explicitly above
        # it moves it on.
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0]
        return list(range(start + 1, start + count + 1))


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``columns``, each a field's attname) into ``model``'s table,
    values converted as Django would for the database."""
    if not rows:
        return
    defaults = _defaults(model, columns)
    if defaults:  # fields the caller does not write get their defaults, as in bulk_create
        columns = (*columns, *defaults)
        rows = [(*row, *defaults.values()) for row in rows]
    convert = _converters(model, columns)
    if convert:
        rows = [tuple(f(v) if f else v for f, v in zip(convert, row, strict=True)) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own method: its errors are wrapped here as Django's (IntegrityError
            # for a letter another ingest stored meanwhile, which ingest retries).
            copy_sql = f"COPY {table} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(rows), WRITE_CHUNK):
            cursor.executemany(sql, rows[start : start + WRITE_CHUNK])


_PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BinaryField", "CharField",
    "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
    "TextField",
}  # fmt: skip


def _defaults(model: type[Model], columns: Sequence[str]) -> dict:
    """The value of each field ``columns`` leaves out (the id excepted), as `bulk_create`
    would give it."""
    now = timezone.now()
    return {
        field.attname: now if _stamped(field) else field.get_default()
        for field in model._meta.concrete_fields
        if field.attname not in columns and not field.primary_key
    }


def _stamped(field) -> bool:
    """A date or time Django sets itself on save (`auto_now`, `auto_now_add`)."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _converters(model: type[Model], columns: Sequence[str]) -> list[Callable | None]:
    """Per column, Django's conversion of a value for this database, or None where a value
    goes in as it is (text and integers); an empty list when no column needs one."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    convert = []
    for column in columns:
        field = fields[column]
        stored_as = field.target_field if field.is_relation else field  # a key: its target's
        convert.append(None if stored_as.get_internal_type() in _PLAIN else _prep(field))
    return convert if any(convert) else []


def _prep(field) -> Callable:
    if field.get_internal_type() in _DATES:
        return _date_converter(field, connection.vendor)

    def prep(value):
        return field.get_db_prep_save(value, connection)

    return prep


@cache
def _date_converter(field, vendor: str) -> Callable:
    """``field``'s conversion for this database, each distinct value converted once and kept
    across calls: a corpus holds a few thousand distinct dates, and a conversion costs
    microseconds (converted afresh for each batch, they were 3 to 6% of the SQLite writer's
    time in py-spy)."""

    def prep(value):
        return field.get_db_prep_save(value, connection)

    return lru_cache(maxsize=_CONVERSIONS_KEPT)(prep)


_DATES = {"DateField", "DateTimeField", "TimeField"}
_CONVERSIONS_KEPT = 65536
