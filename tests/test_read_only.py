"""Pages only read: every public page answers the same on a read-only connection, and sends
no statement that writes. Runs on both databases.

`DATABASE_REPLICA_URLS` sends the pages to read-only replicas (`routing.py`), so a request
may not write, not even to remember something for the next one (issue 29, item 4). Each
page is asked first on the read-only connection, with nothing remembered in this process,
then again on a writable one: the answers must be the same.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from determinations.ingest import ingest_paths
from determinations.models import CommonWord, CorpusVersion, DisputedItem, Letter
from determinations.search import forget_recent_matches
from determinations.search.common_words import refresh_common_words
from tests import letters

pytestmark = pytest.mark.django_db(transaction=True)  # a session setting: no test transaction

SEARCHES = [
    "q=pain",
    "q=functional+improvement",
    "q=pain+OR+spasm+-opioid",
    "q=-guidelines&sort=oldest",
    "q=%22chronic+pain%22",  # a phrase many items hold: once stored by its first search
    "q=%22chronic+pain%22+medically&decision=upheld",
    "q=post-operative",
    "q=therapy+OR+injection&category=pharmaceutical&page=2",
    "q=Flexeril",
    "decision=overturned&sort=newest",
]
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)
# What differs between two answers to the same request.
PER_REQUEST = re.compile(rb'(nonce)="[^"]*"')


@pytest.fixture
def corpus(tmp_path):
    letters.write_variants(tmp_path, 30, seed=5)
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS, tmp_path])
    assert refresh_common_words(min_items=3) > 20


@contextmanager
def read_only():
    """This connection refuses to write until the block ends."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
            else:
                cursor.execute("PRAGMA query_only = OFF")


def pages() -> list[str]:
    letter = Letter.objects.order_by("pk").first()
    items = list(DisputedItem.objects.order_by("pk").values_list("pk", flat=True)[:3])
    return [
        *(f"/?{params}" for params in SEARCHES),
        f"/?q=pain&items={items[0]}&items={items[1]}",
        f"/determinations/{letter.pk}/",
        f"/determinations/{letter.pk}/?q=pain",
        f"/items/{items[0]}/similar/",
        f"/compare/?items={items[0]}&items={items[1]}&items={items[2]}",
        "/boilerplate/?q=pain",
        "/insights/",
        "/insights/?q=pain&breakdown=decision_year",
        "/insights.csv?q=functional+improvement&breakdown=drug_class",
        "/export.csv?q=pain+-opioid",
        "/export.json?q=%22chronic+pain%22",
        "/export.jsonl?decision=upheld",
        "/api/v1/items/?q=pain&page_size=5",
        "/api/v1/items/?decision=upheld&sort=oldest",
        f"/api/v1/items/{items[0]}/",
        f"/api/v1/items/{items[0]}/similar/",
        "/api/v1/facets/?q=%22chronic+pain%22",
        "/api/v1/letters/",
        f"/api/v1/letters/{letter.pk}/",
    ]


def every_statement(sent: list[str]):
    """An execute wrapper noting each statement, even one that fails and is caught."""

    def note(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    return note


def answer(client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, PER_REQUEST.sub(rb'\1=""', body)


def test_every_page_answers_the_same_without_writing(client, corpus, caplog):
    urls = pages()
    with read_only():
        with pytest.raises(DatabaseError), transaction.atomic():
            CorpusVersion.bump()  # the connection does refuse writes
        forget_recent_matches()
        caplog.clear()
        with connection.execute_wrapper(every_statement(sent := [])):
            read = {url: answer(client, url) for url in urls}
    assert [sql for sql in sent if WRITES.match(sql)] == []
    # a write refused and caught (say, in a transaction refused its lock) is logged
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []

    forget_recent_matches()
    written = {url: answer(client, url) for url in urls}
    assert {url: status for url, (status, _) in read.items()} == dict.fromkeys(urls, 200)
    assert read == written
    assert not CommonWord.objects.filter(word__startswith='"').exists()
