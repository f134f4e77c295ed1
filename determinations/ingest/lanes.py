"""An ingest's writes run on writing threads, each with its own database connection.

One writing connection takes turns with its server: the server applies a batch while the
writer waits, then idles while the writer prepares the next one. With two lanes, one lane
prepares and sends its batch while the server applies the other's (the database driver
lets other threads run while it waits). Only a database that takes concurrent writers gains
from it (`bulk.loader().writing_lanes`); SQLite has one writer. (`backends.run_ahead` does the
same for long reads.)
"""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.db import connection

from determinations.ingest.bulk import bulk_load, loader

Result = TypeVar("Result")
Task = Callable[[], Result]  # a batch to store, or a merge of staged keys


class WritingLanes(Generic[Result]):
    """Tasks run on ``count`` threads, at most ``count`` at once; their results come back
    in the order the tasks were sent."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: collections.deque[Future] = collections.deque()
        self._threads = [
            threading.Thread(target=self._lane, name=f"ingest-writer-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def send(self, task: Task) -> list[Result]:
        """Queue ``task``; returns the results of the tasks finished meanwhile, in order,
        waiting while every lane is busy. A lane's error is raised here."""
        future: Future = Future()
        self._tasks.put((task, future))
        self._pending.append(future)
        # Waits for any task, not the oldest: a long merge holds back the results after it,
        # not the other lanes.
        while len(running := [f for f in self._pending if not f.done()]) > self._count:
            futures.wait(running, return_when=futures.FIRST_COMPLETED)
        return self._finished()

    def drain(self) -> list[Result]:
        """Wait for every task sent; their results, in order."""
        futures.wait(self._pending)
        return self._finished()

    def _finished(self) -> list[Result]:
        done = []
        while self._pending and self._pending[0].done():
            done.append(self._pending.popleft().result())
        return done

    def close(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()

    def _lane(self) -> None:
        try:
            with bulk_load():
                while (queued := self._tasks.get()) is not None:
                    task, future = queued
                    if future.set_running_or_notify_cancel():
                        try:
                            future.set_result(task())
                        except BaseException as error:  # re-raised in the sending thread
                            future.set_exception(error)
        finally:
            connection.close()  # this thread's own connection


class SameThread(Generic[Result]):
    """`WritingLanes`' interface, running each task at once on the caller's connection."""

    def send(self, task: Task) -> list[Result]:
        return [task()]

    def drain(self) -> list[Result]:
        return []


@contextmanager
def writing_lanes(count: int | None = None) -> Iterator[WritingLanes | SameThread]:
    """``count`` lanes (by default as many as this database takes); the caller's own
    connection when that is one, or when the caller is inside a transaction (its writes
    must be part of it)."""
    count = loader().writing_lanes if count is None else count
    if count <= 1 or connection.in_atomic_block:
        yield SameThread()
        return
    lanes = WritingLanes(count)
    try:
        yield lanes
    finally:
        lanes.close()
