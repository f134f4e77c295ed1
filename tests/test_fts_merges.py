"""SQLite's full-text segment merges are deferred during a bulk load and done at its end."""

from __future__ import annotations

import pytest
from django.db import connection

from determinations.ingest import ingest_paths
from determinations.ingest.bulk import sqlite as fts_merges
from determinations.search.backends.sqlite import FTS, ITEMS
from tests import letters

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's"),
]


def _settings() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT k, v FROM {FTS}_config WHERE k IN ('automerge', 'crisismerge')")
        return dict(cursor.fetchall())


def _left_to_merge() -> bool:
    before = connection.connection.total_changes
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('merge', 500)")
    return connection.connection.total_changes - before >= 2


def test_merges_are_off_in_the_block_and_done_at_its_end():
    with fts_merges.merges_deferred(FTS, ITEMS):
        during = _settings()
        ingest_paths([letters.SEED_LETTERS], batch_size=1)  # a segment a letter

    assert during == {"automerge": 0, "crisismerge": 64}
    assert _settings() == {"automerge": 4, "crisismerge": 16}
    assert not _left_to_merge()


def test_a_load_that_adds_little_is_tidied_not_merged_into_one_segment(tmp_path, monkeypatch):
    letters.write_variants(tmp_path, 12)
    ingest_paths([tmp_path])  # the index's first letters: merged into one segment
    tidied = []
    monkeypatch.setattr(fts_merges, "_tidy", lambda fts: tidied.append(fts))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "one.txt").write_bytes(
        (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_bytes()
    )

    ingest_paths([extra])

    assert tidied == [FTS]


def test_the_default_settings_come_back_when_the_load_fails():
    with pytest.raises(RuntimeError), fts_merges.merges_deferred(FTS, ITEMS):
        raise RuntimeError("the ingest stopped")

    assert _settings() == {"automerge": 4, "crisismerge": 16}
