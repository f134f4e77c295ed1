"""The measurements of `python -m bench`, run in a process configured for one database."""

from __future__ import annotations

import os
import statistics
import time

QUERIES = [
    "",
    "q=pain",
    "q=functional+improvement",
    "q=%22urine+drug+screen%22",
    "q=opioid+OR+tramadol+-oxycodone",
    "category=pharmaceutical&decision=overturned",
    "q=physical+therapy&category=physical+medicine&age_min=40&age_max=60",
    "specialty=Pain+Medicine&state=CA",
    "q=mri&sort=newest&page=3",
    "category=pharmaceutical&sort=oldest&page=5000",  # a deep page: the 100,000th item
]


def measure(repeats: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["IMR_API_ANON_RATE"] = ""  # one client asks everything: no API rate limit
    django.setup()
    from django.db import connection
    from django.test import Client

    from determinations.models import DisputedItem, Letter
    from determinations.search import forget_recent_matches
    from determinations.search.columns import warm_columns
    from determinations.search.engine import Evaluation
    from determinations.search.registry import FACETS, Kind

    client = Client()
    start = time.perf_counter()
    columns = warm_columns()  # as a gunicorn worker does before its first request
    figures = {
        "items": DisputedItem.objects.count(),
        "database_mb": _database_mb(connection),
        "columns_warm_s": round(time.perf_counter() - start, 2),
    }

    def cold(url: str) -> float:
        forget_recent_matches()
        return _timed(client, url)

    by_query = {q: [cold(f"/?{q}") for _ in range(repeats)] for q in QUERIES}
    figures |= _percentiles("search", [t for times in by_query.values() for t in times])
    # The same searches through the JSON API, its first page of each, cold; but a query the
    # API refuses (400: a facet value this corpus lacks, which the page ignores with a notice).
    api_queries = [q for q in QUERIES if "page=" not in q]
    api_queries = [q for q in api_queries if client.get(f"/api/v1/items/?{q}").status_code == 200]
    api = [cold(f"/api/v1/items/?{q}") for q in api_queries for _ in range(repeats)]
    figures |= _percentiles("api_items", api)

    def count_every_facet() -> None:
        columns.derived.clear()  # the unfiltered counts are kept per corpus version: recount
        evaluation = Evaluation(columns, {}, None)
        for definition in FACETS:
            if definition.kind is not Kind.RANGE:
                evaluation.counts(definition.name)

    facets = [_seconds(count_every_facet) for _ in range(repeats)]
    figures |= _percentiles("facet_counts", [t * 1000 for t in facets])
    ids = list(Letter.objects.order_by("?").values_list("pk", flat=True)[: 5 * repeats])
    figures |= _percentiles("letter_page", [_timed(client, f"/determinations/{pk}/") for pk in ids])
    items = list(DisputedItem.objects.order_by("?").values_list("pk", flat=True)[: 10 * repeats])
    # What a letter page loads for each of its items once it is shown (letter.js).
    similar = [_timed(client, f"/items/{pk}/similar/") for pk in items[: 5 * repeats]]
    figures |= _percentiles("similar_page", similar)
    pairs = list(zip(items[::2], items[1::2], strict=False))
    compare = [_timed(client, f"/compare/?items={a}&items={b}") for a, b in pairs]
    figures |= _percentiles("compare_page", compare)
    insights = [cold(f"/insights/?{q}") for q in QUERIES[:5] for _ in range(max(2, repeats // 2))]
    figures |= _percentiles("insights_page", insights)
    figures["search_p95_ms_by_query"] = {
        q or "(front page)": _percentiles("", times)["_p95_ms"] for q, times in by_query.items()
    }
    return figures


def _database_mb(connection) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return round(cursor.fetchone()[0] / 1e6)
    return round(os.path.getsize(connection.settings_dict["NAME"]) / 1e6)


def _timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return (time.perf_counter() - start) * 1000


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _percentiles(name: str, values: list[float]) -> dict:
    if len(values) < 2:
        values = values * 2
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {f"{name}_p50_ms": round(cuts[49], 1), f"{name}_p95_ms": round(cuts[94], 1)}
