"""Similar-rationale lookup latency on the database the environment selects.

    IMR_VAR_DIR=bench/out/var_46500 .venv/bin/python -m bench.similar_latency
    DATABASE_URL=postgres://postgres@127.0.0.1/imr_bench .venv/bin/python -m bench.similar_latency

Times `similar_rationales` for 300 items spread evenly over the ids (the same sample as
`bench.search_latency`), without rebuilding the index. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    django.setup()
    from determinations import similarity
    from determinations.models import DisputedItem

    ids = list(DisputedItem.objects.order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // 300)][:300]
    times, found = [], 0
    for item in DisputedItem.objects.filter(pk__in=sample):
        start = time.perf_counter()
        found += bool(similarity.similar_rationales(item))
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    print(
        f"{len(ids)} items: similar lookup p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms "
        f"({found}/{len(times)} found some)"
    )


if __name__ == "__main__":
    main()
