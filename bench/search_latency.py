"""Search page latency (query + all facets + rendering) on a generated corpus, both databases,
and the similar-rationale index: its build time and the latency of a lookup and of /compare/.

    .venv/bin/python -m bench.search_latency --letters 46500 [--postgres-url URL] [--reuse]

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
    from determinations.search import forget_recent_matches

    client = Client()
    client.get("/")  # load the item columns once, as a running server has them
    cold: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for params in QUERIES:
        name = params or "(front page)"
        cold[name], warm[name] = [], []
        for _ in range(REPEATS):
            forget_recent_matches()  # first request for these words: full-text query runs
            cold[name].append(_timed(client, params))
            warm[name].append(_timed(client, params))  # same words again (facet tick, paging)
    similar = measure_similarity()
    charts = measure_insights(client)
    every_cold = [t for runs in cold.values() for t in runs]
    every_warm = [t for runs in warm.values() for t in runs]
    return {
        "database": database_label,
        "items": DisputedItem.objects.count(),
        "queries": {
            q: {
                "cold_p50": _pct(cold[q], 50),
                "cold_p95": _pct(cold[q], 95),
                "warm_p50": _pct(warm[q], 50),
                "warm_p95": _pct(warm[q], 95),
            }
            for q in cold
        },
        "cold_p50_ms": _pct(every_cold, 50),
        "cold_p95_ms": _pct(every_cold, 95),
        "warm_p50_ms": _pct(every_warm, 50),
        "warm_p95_ms": _pct(every_warm, 95),
        **similar,
        **charts,
    }


INSIGHTS_QUERIES = ["", "q=pain", "category=pharmaceutical", "q=muscle+relaxant&decision=upheld"]


def measure_insights(client) -> dict:
    """The whole insights page, first request for its words (cold) as for the search page."""
    from determinations.search import forget_recent_matches

    times = []
    for params in INSIGHTS_QUERIES:
        for _ in range(REPEATS):
            forget_recent_matches()
            start = time.perf_counter()
            response = client.get(f"/insights/?{params}")
            assert response.status_code == 200, params
            times.append((time.perf_counter() - start) * 1000)
    return {"insights_p50_ms": _pct(times, 50), "insights_p95_ms": _pct(times, 95)}


def measure_similarity(lookups: int = 300) -> dict:
    """Rebuild the band keys of every item, then time lookups and compare pages."""
    from django.test import Client

    from determinations import similarity
    from determinations.models import DisputedItem

    start = time.perf_counter()
    indexed = similarity.rebuild_index()
    build_s = time.perf_counter() - start
    ids = list(DisputedItem.objects.order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // lookups)][:lookups]
    times, found = [], 0
    for item in DisputedItem.objects.filter(pk__in=sample):
        start = time.perf_counter()
        found += bool(similarity.similar_rationales(item))
        times.append((time.perf_counter() - start) * 1000)
    client, pages = Client(), []
    for first, second in zip(sample[:100], sample[100:200], strict=False):
        start = time.perf_counter()
        response = client.get(f"/compare/?items={first}&items={second}")
        assert response.status_code == 200
        pages.append((time.perf_counter() - start) * 1000)
    return {
        "similarity_build_items": indexed,
        "similarity_build_s": round(build_s, 1),
        "similar_lookup_p50_ms": _pct(times, 50),
        "similar_lookup_p95_ms": _pct(times, 95),
        "similar_lookups_with_results": f"{found}/{len(times)}",
        "compare_page_p50_ms": _pct(pages, 50),
        "compare_page_p95_ms": _pct(pages, 95),
    }


def _timed(client, params: str) -> float:
    start = time.perf_counter()
    response = client.get(f"/?{params}")
    assert response.status_code == 200, (params, response.status_code)
    return (time.perf_counter() - start) * 1000


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
    parser.add_argument("--reuse", action="store_true", help="measure the databases already loaded")
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
        if args.reuse:
            _run(env, "manage.py", "migrate", "--noinput", "-v", "0")
            results.append(json.loads(_run(env, "-m", "bench.search_latency", "--measure", label)))
            continue
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
        print("  first request (cold) p50/p95 | repeated words (warm) p50/p95 | query")
        for query, f in result["queries"].items():
            print(
                f"  {f['cold_p50']:6.1f} {f['cold_p95']:6.1f} ms | "
                f"{f['warm_p50']:6.1f} {f['warm_p95']:6.1f} ms | {query}"
            )
        print(
            f"  all queries: cold p50 {result['cold_p50_ms']} ms, p95 {result['cold_p95_ms']} ms;"
            f" warm p50 {result['warm_p50_ms']} ms, p95 {result['warm_p95_ms']} ms"
        )
        print(
            f"  similarity index: {result['similarity_build_items']} items in "
            f"{result['similarity_build_s']} s; similar lookup p50 "
            f"{result['similar_lookup_p50_ms']} ms, p95 {result['similar_lookup_p95_ms']} ms "
            f"({result['similar_lookups_with_results']} found some); /compare/ of two items p50 "
            f"{result['compare_page_p50_ms']} ms, p95 {result['compare_page_p95_ms']} ms"
        )
        print(
            f"  insights page (cold): p50 {result['insights_p50_ms']} ms, "
            f"p95 {result['insights_p95_ms']} ms"
        )
    (OUT / "search_latency.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
