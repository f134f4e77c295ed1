"""Read replicas: which database each read and write goes to (`determinations/routing.py`).

The decisions are checked on both passes; the pages are checked on PostgreSQL, with the
replica alias `replica_test` pointing at the test database itself (imrsite/settings/test.py).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext, override_settings

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from determinations.routing import (
    ReplicaRouter,
    current_read_alias,
    replica_reads,
    streamed_from_replica,
)
from imrsite.settings import base
from tests import letters

router = ReplicaRouter()
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="replicas are PostgreSQL servers"
)


def test_without_replicas_everything_uses_the_primary():
    with replica_reads() as alias:
        assert alias == "default"
        assert router.db_for_read(DisputedItem) == "default"
    assert router.db_for_write(DisputedItem) == "default"


@override_settings(IMR_READ_REPLICAS=["replica_a", "replica_b"])
def test_corpus_reads_in_a_page_go_to_one_replica_and_all_else_to_the_primary():
    assert router.db_for_read(Letter) == "default"  # ingest, reparse, admin: outside pages
    for _ in range(20):
        with replica_reads() as alias:
            assert alias in ("replica_a", "replica_b")
            assert {router.db_for_read(m) for m in (Letter, DisputedItem)} == {alias}
            assert router.db_for_read(User) == "default"  # sessions and logins
            assert router.db_for_write(DisputedItem) == "default"
    assert router.allow_migrate("default", "determinations")
    assert not router.allow_migrate("replica_a", "determinations")


def test_a_streamed_body_reads_each_chunk_from_the_view_s_replica():
    def chunks():
        for _ in range(3):
            yield current_read_alias()

    assert list(streamed_from_replica(chunks(), "replica_b")) == ["replica_b"] * 3
    assert current_read_alias() == "default"


def test_replica_urls_become_aliases(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://u@r1:5432/imr, postgres://u@r2:5432/imr"
    )
    primary = base._server_database("postgres://u@primary:5432/imr")
    replicas = base._replicas(primary)
    assert list(replicas) == ["replica_1", "replica_2"]
    assert [r["HOST"] for r in replicas.values()] == ["r1", "r2"]
    assert replicas["replica_1"]["OPTIONS"]["options"] == "-c jit=off"
    with pytest.raises(ImproperlyConfigured, match="needs a PostgreSQL DATABASE_URL"):
        base._replicas({"ENGINE": "django.db.backends.sqlite3"})


@postgres_only
@pytest.mark.django_db(transaction=True, databases=["default", "replica_test"])
@override_settings(IMR_READ_REPLICAS=["replica_test"])
def test_pages_read_from_the_replica_and_writes_go_to_the_primary(client, admin_user):
    replica = connections["replica_test"]
    with CaptureQueriesContext(replica) as on_replica:
        ingest_paths([letters.SEED_LETTERS])
    assert len(on_replica) == 0

    pages = [
        "/?q=Flexeril&decision=upheld",
        f"/determinations/{Letter.objects.first().pk}/",
        f"/items/{DisputedItem.objects.first().pk}/similar/",
        "/insights/?category=pharmaceutical",
    ]
    for url in pages:
        with (
            CaptureQueriesContext(connection) as on_primary,
            CaptureQueriesContext(replica) as on_replica,
        ):
            assert client.get(url).status_code == 200
        assert on_replica, url
        assert not [q for q in on_primary if "determinations_" in q["sql"]], url

    with (
        CaptureQueriesContext(connection) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get("/export.json", {"q": "Flexeril"})
        rows = json.loads(b"".join(response.streaming_content))
    assert sorted(row["item_label"] for row in rows) == [
        "Amrix 15 milligrams #40, for the lumbar",
        "Flexeril",
    ]
    assert any("determinations_exportrecord" in q["sql"] for q in on_replica)
    assert not [q for q in on_primary if "determinations_" in q["sql"]]

    client.force_login(admin_user)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/admin/determinations/letter/").status_code == 200
    assert len(on_replica) == 0
