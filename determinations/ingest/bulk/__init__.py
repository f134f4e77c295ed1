"""Rows written in bulk as plain tuples: what ingest stores per batch, one implementation
per database (`sqlite.py`, `postgresql.py`) behind `loader()`.

Django's `bulk_create` builds a model instance per row and compiles an INSERT naming every
value; at a million letters that was a third of the writing process's time. Here the ids
are taken up front and the rows go in as the database takes many rows fastest. Values are
converted by their fields as `bulk_create` would; `bulk_create` sends no signals either, so
the two write the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from django.db import connection
from django.db.models import Model
from django.utils import timezone

# Values the database drivers take as they are; any other goes through its field (so a JSON
# field's value must be a list or a dict, as `Letter.diagnoses` is).
_AS_THEY_ARE = (str, int, float, bytes, type(None))


class BulkLoader(Protocol):
    writing_lanes: int  # connections an ingest writes batches on at once (`lanes.py`)

    def allocate_ids(self, table: str, count: int) -> list[int]: ...  # never used before

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None: ...

    def tuned(self) -> AbstractContextManager[None]: ...  # for writing many letters


def loader() -> BulkLoader:
    """The bulk loader of the default database."""
    if connection.vendor == "postgresql":
        from determinations.ingest.bulk.postgresql import PostgresLoader

        return PostgresLoader()
    from determinations.ingest.bulk.sqlite import SqliteLoader

    return SqliteLoader()


def bulk_load() -> AbstractContextManager[None]:
    """A block in which this connection is tuned for an ingest's writes."""
    return loader().tuned()


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, never used before (call inside the
    transaction that writes them)."""
    return loader().allocate_ids(model._meta.db_table, count) if count else []


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``columns``, each a field's attname) into ``model``'s table,
    values converted as Django would for the database."""
    if not rows:
        return
    defaults = _defaults(model, columns)
    if defaults:  # fields the caller does not write get their defaults, as in bulk_create
        columns = (*columns, *defaults)
        rows = [(*row, *defaults.values()) for row in rows]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    prepare = [fields[column].get_db_prep_save for column in columns]
    rows = [
        tuple(
            value if isinstance(value, _AS_THEY_ARE) else prep(value, connection)
            for prep, value in zip(prepare, row, strict=True)
        )
        for row in rows
    ]
    loader().insert(model._meta.db_table, columns, rows)


def _defaults(model: type[Model], columns: Sequence[str]) -> dict:
    """The value of each field ``columns`` leaves out (the id excepted), as `bulk_create`
    would give it."""
    now = timezone.now()
    auto = ("auto_now", "auto_now_add")  # a date or time Django sets itself on save
    return {
        field.attname: now if any(getattr(field, a, False) for a in auto) else field.get_default()
        for field in model._meta.concrete_fields
        if field.attname not in columns and not field.primary_key
    }
