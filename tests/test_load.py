"""The load script's smoke run: gunicorn, 5 users, 10 seconds, no errors (no time asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import letters
from tests.letters import ROOT
from tests.realdb import manage


@pytest.mark.slow
def test_five_users_for_ten_seconds_get_no_errors(tmp_path, real_db):
    ingest = manage(real_db, "ingest", str(letters.SEED_LETTERS), str(letters.FIXTURE_LETTERS))
    assert ingest.wait(timeout=120) == 0
    figures_file = tmp_path / "load.json"

    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--users", "5", "--seconds", "10", "--workers", "2",
         "--json", str(figures_file)],
        cwd=ROOT, env={**real_db.env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip

    figures = json.loads(figures_file.read_text())
    assert result.returncode == 0, result.stdout + result.stderr
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["requests"] > 20
