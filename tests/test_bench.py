"""The benchmark still runs: `python -m bench` at 10,000 letters on this pass's database.

A smoke test with no time assertions (CI machines are shared); it checks that every figure
is produced and that the counts agree with each other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.measure import QUERIES
from tests.letters import ROOT

LETTERS = 10_000


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end():
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--letters", str(LETTERS), "--database", database,
         "--repeats", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads((ROOT / "bench" / "out" / f"bench_{database}_{LETTERS}.json").read_text())

    assert (
        figures["ingest"] == f"ingested {LETTERS} new, 0 unchanged, 0 with parse issues, 0 rejected"
    )
    assert figures["export_rows"] == figures["items"] > LETTERS
    pages = [
        "search",
        "facet_counts",
        "letter_page",
        "similar_page",
        "compare_page",
        "insights_page",
        "api_items",
    ]
    for name in pages:
        assert 0 < figures[f"{name}_p50_ms"] <= figures[f"{name}_p95_ms"]
    steps = figures["ingest_steps_s"]  # from the ingest's log
    ends = {"last merge of staged band keys", "statistics", "bitmaps of common words"}
    assert ends <= set(steps) and all(seconds >= 0 for seconds in steps.values())
    by_query = figures["search_p95_ms_by_query"]
    assert len(by_query) == len(QUERIES) and all(p95 > 0 for p95 in by_query.values())
    for name in [
        "ingest_letters_per_s",
        "database_mb",
        "export_csv_rows_per_s",
        "export_json_rows_per_s",
        "export_csv_peak_rss_mb",
    ]:
        assert figures[name] > 0, name  # fmt: skip
