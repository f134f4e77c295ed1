"""Ingests, reparses and rebuilds of one database at once, and workers whose ingest is killed
(issue 28, items 4, 5 and 8).

Each test runs `manage.py` in child processes against a database of its own
(`tests/childdb.py`), copied from one migrated for the module. bench/concurrent_ingest.py runs
the two ingests on 5,000 letters, ten times.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from determinations.ingest.lock import WAITING
from determinations.parsing import parse_letter
from tests import letters
from tests.childdb import ChildDatabase, Counts, summary_counts

LETTERS = 1000
REPARSED = 100  # letters each reparse reparses
COUNT_LETTERS = "SELECT count(*) FROM determinations_letter"
SEARCHES_AND_REBUILDS = 4  # seconds each child process of the rebuild test loops


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = ChildDatabase(tmp_path_factory.mktemp("migrated"), "concurrent_template")
    database.migrate()
    yield database
    database.drop()


@pytest.fixture
def database(tmp_path, migrated):
    database = ChildDatabase(tmp_path, "concurrent", template=migrated)
    yield database
    database.drop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Counts]:
    """``LETTERS`` distinct letters, and the counts one whole ingest of them leaves."""
    folder = tmp_path_factory.mktemp("corpus")
    letters.write_variants(folder, LETTERS)
    return folder, whole(LETTERS, letters.letter_variants(LETTERS))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, migrated, corpus):
    """A database that holds the corpus."""
    database = ChildDatabase(tmp_path_factory.mktemp("ingested"), "ingested", template=migrated)
    ingest = database.manage("ingest", str(corpus[0]))
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    yield database
    database.drop()


@pytest.fixture
def loaded(tmp_path, ingested):
    """A copy of `ingested` for one test."""
    database = ChildDatabase(tmp_path, "concurrent", template=ingested)
    yield database
    database.drop()


def whole(count: int, variants: list[tuple[str, str]]) -> Counts:
    items = sum(len(parse_letter(text).items) for _, text in variants)
    return Counts(count, items, 0, items, items, 0, items, items)


@pytest.mark.parametrize("trial", [1, 2])
def test_two_ingests_of_one_folder_at_once_store_each_letter_once(database, corpus, trial):
    folder, expected = corpus

    runs = [database.manage("ingest", str(folder), "--batch-size", "50") for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(err for _, err in outputs)
    # One ran whole, then the other: every letter unchanged for it.
    assert sorted(summary_counts(out) for out, _ in outputs) == [(0, LETTERS), (LETTERS, 0)]
    assert database.counts() == expected


def test_an_ingest_waits_while_another_holds_the_database_and_says_so(database, corpus):
    folder, expected = corpus

    with database.ingest_lock_held():
        runs = [database.manage("ingest", str(folder), "--workers", "2") for _ in range(2)]
        for run in runs:
            assert first_line_of_stderr(run, timeout=60) == WAITING
        time.sleep(0.5)
        assert [run.poll() for run in runs] == [None, None]
        assert database.counts().letters == 0
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(err for _, err in outputs)
    assert sorted(summary_counts(out) for out, _ in outputs) == [(0, LETTERS), (LETTERS, 0)]
    assert database.counts() == expected


@pytest.mark.parametrize("commands", [("ingest", "reparse"), ("reparse", "reparse")])
def test_reparse_beside_an_ingest_or_a_reparse_finishes(loaded, tmp_path, commands):
    more = tmp_path / "more"
    more.mkdir()
    every = letters.letter_variants(LETTERS + 200)
    for name, text in every[LETTERS:]:
        (more / name).write_text(text, encoding="utf-8")
    some = [str(pk) for pk in range(1, REPARSED + 1)]
    arguments = {"ingest": ["ingest", str(more)], "reparse": ["reparse", "--ids", *some]}

    runs = [loaded.manage(*arguments[command]) for command in commands]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(err for _, err in outputs)
    for command, (out, _) in zip(commands, outputs, strict=True):
        if command == "ingest":
            assert summary_counts(out) == (200, 0)
        else:
            assert out.startswith(f"reparsed {REPARSED} letters, ")
    stored = every if "ingest" in commands else every[:LETTERS]
    assert loaded.counts() == whole(len(stored), stored)


REBUILDS = f"""
import time
from determinations.search.common_words import refresh_common_words
end, rebuilds = time.monotonic() + {SEARCHES_AND_REBUILDS}, 0
while time.monotonic() < end:
    refresh_common_words(min_items=20)
    rebuilds += 1
print(rebuilds)
"""
SEARCHES = f"""
import time
from django.test import Client
end, codes = time.monotonic() + {SEARCHES_AND_REBUILDS}, set()
while time.monotonic() < end:
    for phrase in ('"physical therapy"', '"medically necessary"', "post-operative"):
        codes.add(Client().get("/", {{"q": phrase}}, HTTP_HOST="localhost").status_code)
print(sorted(codes))
"""


def test_common_word_rebuilds_at_once_and_searches_beside_them_never_fail(loaded):
    """Two rebuilds at once raced on PostgreSQL: each deleted every row, then inserted, and
    the second's insert met the first's rows (IntegrityError). A search that finds a word's
    bitmap gone meanwhile asks the index for that word."""
    runs = [loaded.manage("shell", "-c", code) for code in (REBUILDS, REBUILDS, SEARCHES)]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], "\n\n".join(e for _, e in outputs)
    last_lines = [out.strip().splitlines()[-1] for out, _ in outputs]
    assert int(last_lines[0]) >= 2 and int(last_lines[1]) >= 2  # rebuilds each
    assert last_lines[2] == "[200]"  # every search's status
    assert loaded.value("SELECT count(*) FROM determinations_commonword") > 0


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_workers_end_when_their_ingest_is_killed(database, tmp_path):
    folder = tmp_path / "corpus"
    letters.write_variants(folder, 4000)
    ingest = database.manage("ingest", str(folder), "--workers", "2", "--batch-size", "50")
    deadline = time.monotonic() + 60
    while not database.value(COUNT_LETTERS) and time.monotonic() < deadline:
        time.sleep(0.1)  # half-way: the workers at work, letters being stored
    spawned = descendants(ingest.pid)
    assert len(spawned) == 3, spawned  # two workers and the resource tracker
    assert all("multiprocessing" in command_line(pid) for pid in spawned)
    assert ingest.poll() is None
    assert database.value(COUNT_LETTERS) < 4000

    ingest.send_signal(signal.SIGKILL)
    ingest.wait()
    deadline = time.monotonic() + 5
    while (left := [pid for pid in spawned if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    lingering = [command_line(pid) for pid in left]
    for pid in left:  # a failure leaves nothing running either
        os.kill(pid, signal.SIGKILL)

    assert lingering == []


def first_line_of_stderr(run: subprocess.Popen, timeout: float) -> str:
    """The first line the child writes to stderr, waiting at most ``timeout`` seconds."""
    ready, _, _ = select.select([run.stderr], [], [], timeout)
    return run.stderr.readline().rstrip("\n") if ready else ""


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid`` or by one of those, as /proc tells."""
    parent_of = {}
    for process in Path("/proc").glob("[0-9]*"):
        if len(fields := _stat(int(process.name))) > 1:
            parent_of[int(process.name)] = int(fields[1])
    found, parents = [], {pid}
    while parents:
        parents = {child for child, parent in parent_of.items() if parent in parents}
        found += parents
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie has ended)."""
    return _stat(pid)[:1] not in ([], ["Z"])


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name: state, parent, ...; [] when
    the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
