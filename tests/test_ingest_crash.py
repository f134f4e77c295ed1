"""Kill a real `manage.py ingest` with SIGKILL half-way, rerun it, and find every letter whole.

Runs against a database of its own (`real_db`, see tests/realdb.py), because the killed
process must commit for real.
"""

from __future__ import annotations

import signal
import time

import pytest

from determinations.parsing import parse_letter
from tests import letters
from tests.realdb import manage

LETTERS = 1000


@pytest.mark.parametrize("kill_at", [0.15, 0.5, 0.8])
def test_sigkill_half_way_then_rerun_leaves_every_letter_once_and_whole(tmp_path, real_db, kill_at):
    corpus = tmp_path / "corpus"
    letters.write_variants(corpus, LETTERS)
    expected_items = sum(
        len(parse_letter(text).items) for _, text in letters.letter_variants(LETTERS)
    )

    first = manage(real_db, "ingest", str(corpus), "--batch-size", "50")
    deadline = time.monotonic() + 60
    while real_db.counts()[0] < LETTERS * kill_at and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored, _, without_items = real_db.counts()
    assert 0 < stored < LETTERS, "the kill must land half-way"
    assert without_items == 0

    rerun = manage(real_db, "ingest", str(corpus), "--batch-size", "50")
    out, err = rerun.communicate(timeout=300)

    assert rerun.returncode == 0, err
    assert out.startswith(f"ingested {LETTERS - stored} new, {stored} unchanged,")
    assert real_db.counts() == (LETTERS, expected_items, 0)


def test_two_ingests_of_overlapping_folders_at_once_end_as_one(tmp_path, real_db):
    """Two ingests at once take turns (the database's ingest lock) and end as one."""
    corpus = tmp_path / "corpus"
    paths = letters.write_variants(corpus, 600)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in [(first, paths[:400]), (second, paths[200:])]:
        folder.mkdir()
        for path in part:
            (folder / path.name).write_bytes(path.read_bytes())
    expected_items = sum(len(parse_letter(text).items) for _, text in letters.letter_variants(600))

    runs = [
        manage(real_db, "ingest", str(folder), "--batch-size", "25") for folder in (first, second)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]

    # The whole of each error output: a list of them would be shown cut short.
    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(err for _, err in outputs)
    new = [int(out.split("ingested ", 1)[1].split(" new")[0]) for out, _ in outputs]
    assert sum(new) == 600  # each letter stored by exactly one of the two
    assert real_db.counts() == (600, expected_items, 0)
