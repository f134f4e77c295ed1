"""The ingest lock in one process: a second holder waits, says so, and goes on once the
first lets go (tests/test_concurrent_ingest.py runs whole ingests against each other)."""

from __future__ import annotations

import logging
import threading

import pytest

from determinations.ingest.lock import WAITING, one_ingest_at_a_time
from determinations.search.backends import locks


class Said(logging.Handler):
    """What the locks said, and an event set once they said ``WAITING``."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []
        self.waiting = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if record.getMessage() == WAITING:
            self.waiting.set()


@pytest.fixture
def said():
    handler = Said()
    locks.logger.addHandler(handler)
    yield handler
    locks.logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_second_holder_waits_for_the_first_and_says_so(said):
    order = []
    first_holds = threading.Event()

    def first() -> None:
        with one_ingest_at_a_time():
            order.append("first in")
            first_holds.set()
            said.waiting.wait(timeout=30)
            order.append("first out")

    def second() -> None:
        first_holds.wait(timeout=30)
        with one_ingest_at_a_time():
            order.append("second in")

    threads = [threading.Thread(target=task, daemon=True) for task in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert order == ["first in", "first out", "second in"]
    assert said.messages == [WAITING]


@pytest.mark.django_db
def test_the_lock_is_free_again_after_an_error_in_the_block(said):
    with pytest.raises(RuntimeError), one_ingest_at_a_time():
        raise RuntimeError("an ingest that failed")
    taken = threading.Event()

    def take() -> None:
        with one_ingest_at_a_time():
            taken.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    thread.join(timeout=30)

    assert taken.is_set()
    assert said.messages == []
