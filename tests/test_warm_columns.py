"""gunicorn workers load the search columns before their first request (gunicorn.conf.py)."""

from __future__ import annotations

import logging
import runpy
import threading
from unittest import mock

import pytest
from django.db import DatabaseError
from django.http import QueryDict

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem
from determinations.search import columns as search_columns
from determinations.search import search
from tests import letters
from tests.letters import ROOT

pytestmark = pytest.mark.django_db


class Worker:
    log = logging.getLogger("gunicorn.test")


def post_worker_init():
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]


@pytest.fixture
def fresh_process(monkeypatch):
    """No columns in memory, as in a worker that was just started."""
    monkeypatch.setattr(search_columns, "_cache", None)
    ingest_paths([letters.SEED_LETTERS])


def test_warming_builds_every_derived_array_once(fresh_process):
    columns = search_columns.warm_columns()

    assert len(columns) == DisputedItem.objects.count() > 0
    assert set(search_columns.WARMED) <= set(vars(columns))
    assert search_columns.item_columns() is columns


def test_the_worker_hook_loads_the_columns(fresh_process, caplog):
    with caplog.at_level(logging.INFO, logger="gunicorn.test"):
        post_worker_init()(Worker())

    assert search_columns._cache is not None and "newest_first" in vars(search_columns._cache)
    assert f"search columns loaded: {DisputedItem.objects.count()} items" in caplog.text


def test_the_worker_hook_can_be_turned_off(fresh_process, monkeypatch):
    monkeypatch.setenv("IMR_WARM_COLUMNS", "0")
    post_worker_init()(Worker())

    assert search_columns._cache is None


def test_a_database_error_at_start_leaves_loading_to_the_first_request(fresh_process, caplog):
    broken = mock.patch.object(search_columns, "load_columns", side_effect=DatabaseError("down"))
    with broken, caplog.at_level(logging.ERROR, logger="gunicorn.test"):
        post_worker_init()(Worker())  # does not raise: the worker still starts

    assert "the first search will load them" in caplog.text
    assert search_columns._cache is None
    assert len(search_columns.item_columns()) == DisputedItem.objects.count()


@pytest.mark.django_db(transaction=True)  # the loading thread must see the letters
def test_a_large_corpus_keeps_serving_its_columns_while_new_ones_load(monkeypatch, tmp_path):
    monkeypatch.setattr(search_columns, "_cache", None)
    monkeypatch.setattr(search_columns, "BACKGROUND_RELOAD_ITEMS", 1)
    ingest_paths([letters.SEED_LETTERS])
    first = search_columns.item_columns()  # none in memory: the request loads them
    loading, load = threading.Event(), search_columns.load_columns
    monkeypatch.setattr(search_columns, "load_columns", lambda v: loading.wait(60) and load(v))
    letters.write_variants(tmp_path, 3, seed=7)
    ingest_paths([tmp_path])

    assert search_columns.item_columns() is first and first.superseded
    notices = search(QueryDict("")).notices
    assert any("added or changed a moment ago" in notice for notice in notices)

    loading.set()
    search_columns._reloading.join(timeout=120)
    fresh = search_columns.item_columns()
    assert fresh is not first and not fresh.superseded
    assert len(fresh) == DisputedItem.objects.count() > len(first)
    assert set(search_columns.WARMED) <= set(vars(fresh))  # warmed off the request path
    assert not any("moment ago" in notice for notice in search(QueryDict("")).notices)


def test_a_small_corpus_reloads_its_columns_at_once(fresh_process, tmp_path):
    first = search_columns.item_columns()
    letters.write_variants(tmp_path, 2, seed=8)
    ingest_paths([tmp_path])

    fresh = search_columns.item_columns()
    assert fresh is not first and len(fresh) == DisputedItem.objects.count()
