"""Writing lanes: an ingest's batches stored on threads of their own (`determinations/ingest/lanes.py`)."""

from __future__ import annotations

import shutil
import threading
import time
from functools import partial

import pytest
from django.db import connections, transaction

from determinations import similarity
from determinations.ingest import ingest_paths, service
from determinations.ingest.bulk import loader
from determinations.ingest.lanes import WritingLanes
from determinations.models import (
    CommonWord,
    DisputedItem,
    ExportRecord,
    Letter,
    RationaleBand,
    StagedBandKeys,
)
from determinations.search.backends.run_ahead import run_ahead
from tests import letters

pytestmark = pytest.mark.django_db(transaction=True)  # lanes commit on their own connections


def test_lanes_give_results_in_the_order_sent_with_at_most_one_batch_a_lane():
    running, most = [], []
    lock = threading.Lock()

    def store(n: int) -> int:
        with lock:
            running.append(n)
            most.append(len(running))
        time.sleep(0.002 * (n % 3))  # later batches often finish first
        with lock:
            running.remove(n)
        return n * n

    lanes = WritingLanes(2)
    try:
        results = [r for n in range(12) for r in lanes.send(partial(store, n))] + lanes.drain()
    finally:
        lanes.close()

    assert results == [n * n for n in range(12)]
    assert max(most) == 2


def test_a_long_task_holds_back_the_results_after_it_not_the_other_lane():
    released = threading.Event()
    quick_done, merge_over = [], []

    def merge() -> str:
        released.wait(timeout=10)
        merge_over.append(True)
        return "merged"

    lanes = WritingLanes(2)
    try:
        results = lanes.send(merge)
        for n in range(5):
            results += lanes.send(partial(quick_done.append, n))
        stored_while_merging = list(quick_done) if not merge_over else "the merge was waited for"
        released.set()
        results += lanes.drain()
    finally:
        lanes.close()

    assert stored_while_merging[:4] == [0, 1, 2, 3]
    assert results == ["merged", None, None, None, None, None]


def test_a_lane_s_error_is_raised_to_the_sender():
    def store(n: int) -> int:
        if n == 3:
            raise ValueError("batch 3")
        return n

    lanes = WritingLanes(2)
    try:
        with pytest.raises(ValueError, match="batch 3"):
            for n in range(8):
                lanes.send(partial(store, n))
            lanes.drain()
    finally:
        lanes.close()
    assert not any(t.name.startswith("ingest-writer") for t in threading.enumerate())


def test_an_ingest_stores_each_letter_once_on_this_database_s_lanes(tmp_path, monkeypatch):
    for path in letters.SEED_LETTERS.iterdir():
        shutil.copy(path, tmp_path / path.name)
        shutil.copy(path, tmp_path / f"copy_{path.name}")  # the same letter in another batch
    writers = set()
    store_batch = service._store_batch

    def spied(results, lookups):
        writers.add(threading.current_thread().name)
        return store_batch(results, lookups)

    monkeypatch.setattr(service, "_store_batch", spied)
    monkeypatch.setattr(similarity, "MERGE_EVERY", 2)  # merges beside batches, on the lanes

    report = ingest_paths([tmp_path], batch_size=2)

    lanes = loader().writing_lanes
    expected = {f"ingest-writer-{n}" for n in range(lanes)} if lanes > 1 else {"MainThread"}
    assert writers and writers <= expected  # which lane takes which batch is the threads' race
    assert (report.new, report.unchanged, report.with_issues, report.rejected) == (5, 5, 1, [])
    assert Letter.objects.count() == 5 and DisputedItem.objects.count() == 7
    assert ExportRecord.objects.count() == 7
    assert RationaleBand.objects.values("item_id").distinct().count() == 7
    assert not StagedBandKeys.objects.exists()


def test_run_ahead_runs_the_next_tasks_while_the_caller_works_on_a_result():
    started = [threading.Event() for _ in range(6)]
    running, most = [], []
    lock = threading.Lock()

    def read(n: int) -> int:
        started[n].set()
        with lock:
            running.append(n)
            most.append(len(running))
        time.sleep(0.002 * (n % 3))
        with lock:
            running.remove(n)
        return n * n

    results, ahead = [], []
    for result in run_ahead([partial(read, n) for n in range(6)], connections=2):
        if not results:  # the caller holds the first result: the next two run meanwhile
            ahead = [started[n].wait(timeout=10) for n in (1, 2)]
        results.append(result)

    assert results == [n * n for n in range(6)]
    assert ahead == [True, True] and max(most) == 2
    assert not any(t.name.startswith("run-ahead") for t in threading.enumerate())


def test_run_ahead_closes_each_task_s_connection_and_raises_its_error():
    used = []

    def read(n: int) -> int:
        used.append(connections["default"])  # the thread's own
        if n == 2:
            raise ValueError("statement 2")
        return CommonWord.objects.count() + n

    with pytest.raises(ValueError, match="statement 2"):
        list(run_ahead([partial(read, n) for n in range(5)], connections=2))

    assert used and all(wrapper is not connections["default"] for wrapper in used)
    if connections["default"].vendor == "postgresql":  # SQLite keeps its test database open
        assert all(wrapper.connection is None for wrapper in used)  # closed


def test_inside_a_transaction_run_ahead_runs_on_the_caller_s_connection():
    with transaction.atomic():
        CommonWord.objects.create(word="pain", items=1, through_item=0, bitmap=b"")

        def read() -> tuple[str, int]:
            return threading.current_thread().name, CommonWord.objects.count()

        found = list(run_ahead([read, read], connections=2))
    assert found == [("MainThread", 1), ("MainThread", 1)]  # it sees the uncommitted row
