"""Search page latency (query + all facets + rendering) on a generated corpus, both databases.

    .venv/bin/python -m bench.search_latency --letters 46500 [--postgres-url URL]

Generates (or reuses) the corpus under bench/out/, ingests it into a fresh SQLite file and a
fresh PostgreSQL database, then times full GET requests to `/` through Django's test client.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/imr_bench"
QUERIES = [
    "",
    "q=muscle+relaxant",
    "q=%22acute+exacerbations%22",
    "q=Flexeril",
    "q=opioid+OR+tramadol+-oxycodone",
    "q=pain",
    "decision=overturned&category=pharmaceutical",
    "q=functional+improvement&medication=cyclobenzaprine&medication=tizanidine&decision=upheld",
    "specialty=Pain+Medicine&state=CA&age_min=40&age_max=60",
    "q=physical+therapy&sort=newest&page=5",
]
REPEATS = 15


def measure(database_label: str) -> dict:
    """Runs inside a process configured for one database: time every query."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    django.setup()
    from django.test import Client

    from determinations.models import DisputedItem

    client = Client()
    timings: dict[str, list[float]] = {}
    for params in QUERIES:
        client.get(f"/?{params}")  # warm the caches once
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            response = client.get(f"/?{params}")
            runs.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (params, response.status_code)
        timings[params or "(front page)"] = runs
    every = [t for runs in timings.values() for t in runs]
    return {
        "database": database_label,
        "items": DisputedItem.objects.count(),
        "queries": {q: {"p50": _pct(r, 50), "p95": _pct(r, 95)} for q, r in timings.items()},
        "all_p50_ms": _pct(every, 50),
        "all_p95_ms": _pct(every, 95),
    }


def _pct(values: list[float], percentile: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[percentile - 1], 1)


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=46_500)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    sys.path.insert(0, str(ROOT))
    from bench.corpus import write_corpus
    from bench.ingest_throughput import _recreate_postgres

    corpus = OUT / f"corpus_{args.letters}"
    write_corpus(corpus, args.letters)
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    databases = {
        "sqlite": {**base, "IMR_VAR_DIR": str(OUT / f"var_{args.letters}")},
        "postgresql": {**base, "DATABASE_URL": args.postgres_url},
    }
    results = []
    for label, env in databases.items():
        if label == "postgresql":
            _recreate_postgres(args.postgres_url)
        else:
            (OUT / f"var_{args.letters}" / "imr.sqlite3").unlink(missing_ok=True)
        _run(env, "manage.py", "migrate", "--noinput", "-v", "0")
        start = time.perf_counter()
        summary = _run(env, "manage.py", "ingest", str(corpus), "--workers", "2").strip()
        print(f"{label}: {summary} in {time.perf_counter() - start:.0f} s", flush=True)
        results.append(json.loads(_run(env, "-m", "bench.search_latency", "--measure", label)))
    for result in results:
        print(f"\n{result['database']}: {result['items']} items")
        for query, figures in result["queries"].items():
            print(f"  p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  {query}")
        print(f"  all queries: p50 {result['all_p50_ms']} ms, p95 {result['all_p95_ms']} ms")
    (OUT / "search_latency.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
