"""`run_ahead`: long reads on connections of their own, the next ones running while the
caller works on the result before (what `lanes` does for an ingest's writes). Used by the
PostgreSQL backend; it knows no backend, so the backends may import it."""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future
from typing import TypeVar

from django.db import connection

Result = TypeVar("Result")
Task = Callable[[], Result]


def run_ahead(tasks: Iterable[Task], connections: int) -> Iterator[Result]:
    """The results of ``tasks`` in order, each task run on a thread with a connection of its
    own, ``connections`` at once, so that they run while the caller works on the result
    before. On the caller's connection, one at a time, inside a transaction (the others
    would not see its writes)."""
    if connections <= 1 or connection.in_atomic_block:
        yield from (task() for task in tasks)
        return
    pool = futures.ThreadPoolExecutor(connections, thread_name_prefix="run-ahead")
    try:
        pending: collections.deque[Future] = collections.deque()
        for task in tasks:
            pending.append(pool.submit(_on_own_connection, task))
            if len(pending) > connections:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def _on_own_connection(task: Task) -> Result:
    try:
        return task()
    finally:
        connection.close()  # this thread's, opened by the task
