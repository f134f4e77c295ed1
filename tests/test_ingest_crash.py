"""Kill a real `manage.py ingest` with SIGKILL half-way, rerun it, and find every letter whole.

Runs against a database of its own (`real_db`, see tests/realdb.py), because the killed
process must commit for real.
"""

from __future__ import annotations

import signal
import time

from determinations.parsing import parse_letter
from tests import letters
from tests.realdb import manage

LETTERS = 1000


def test_sigkill_half_way_then_rerun_leaves_every_letter_once_and_whole(tmp_path, real_db):
    corpus = tmp_path / "corpus"
    letters.write_variants(corpus, LETTERS)
    expected_items = sum(
        len(parse_letter(text).items) for _, text in letters.letter_variants(LETTERS)
    )

    first = manage(real_db, "ingest", str(corpus), "--batch-size", "50")
    deadline = time.monotonic() + 60
    while real_db.counts()[0] < LETTERS // 4 and time.monotonic() < deadline:
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
