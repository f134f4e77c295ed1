"""Insights page latency alone, on the database the environment selects.

    IMR_VAR_DIR=bench/out/var_46500 .venv/bin/python -m bench.insights_latency
    DATABASE_URL=postgres://postgres@127.0.0.1/imr_bench .venv/bin/python -m bench.insights_latency

The same measurement as in `bench.search_latency` (four parameter sets, 15 cold requests each,
item columns loaded first). Prints figures; asserts nothing.
"""

from __future__ import annotations

import os


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    django.setup()
    from django.test import Client

    from bench.search_latency import measure_insights
    from determinations.models import DisputedItem

    client = Client()
    client.get("/insights/")  # load the item columns once, as a running server has them
    figures = measure_insights(client)
    print(
        f"{DisputedItem.objects.count()} items: insights page p50 {figures['insights_p50_ms']} "
        f"ms, p95 {figures['insights_p95_ms']} ms"
    )


if __name__ == "__main__":
    main()
