"""Read replicas: the public pages read the corpus from a PostgreSQL replica; everything
else, and every write, uses the primary (`DATABASE_REPLICA_URLS`, docs/deploy.md).

A page opts in with `replica_reads()` around its work. Inside it, reads of this app's
models go to one replica, chosen once, so a page never mixes two replicas' moments; raw SQL
takes `read_connection()`. Outside it (ingest, reparse, the admin, sessions, logins) every
read and write goes to the primary, so a person always sees their own edits.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica: ContextVar[str | None] = ContextVar("replica", default=None)
APP_LABEL = "determinations"


@contextmanager
def replica_reads(alias: str | None = None) -> Iterator[str]:
    """Within this block, corpus reads go to ``alias`` (default: a random replica, or the
    primary when none is configured). Yields the alias used."""
    replicas = settings.IMR_READ_REPLICAS
    alias = alias or (random.choice(replicas) if replicas else DEFAULT_DB_ALIAS)
    token = _replica.set(alias)
    try:
        yield alias
    finally:
        _replica.reset(token)


def reads_from_replica(view):
    """A view whose reads may go to a replica."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


def streamed_from_replica(chunks: Iterable, alias: str) -> Iterator:
    """A streamed response body whose chunks are read from ``alias`` as they are sent (the
    view has returned by then, and its `replica_reads` block with it)."""
    iterator = iter(chunks)
    while True:
        with replica_reads(alias):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def current_read_alias() -> str:
    """The alias corpus reads use here and now."""
    return _replica.get() or DEFAULT_DB_ALIAS


def read_connection():
    """The connection raw SQL that only reads the corpus should use."""
    return connections[current_read_alias()]


class ReplicaRouter:
    """Corpus reads inside `replica_reads` go to its replica; all else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label == APP_LABEL:
            return current_read_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas hold the primary's data

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
