"""The steps at the end of an ingest, timed on a loaded database. A script that prints
figures, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_gen_1000000 \\
        .venv/bin/python bench/end_of_ingest.py [--repeats 1]

On the database the environment selects (`DATABASE_URL`, `IMR_VAR_DIR`), as after a first
ingest into an empty database: the bitmaps of common words are deleted, then the end of
`ingest_paths` runs (`ingest.finish_ingest`: the last merge of staged band keys, statistics,
the bitmaps built afresh from every item), each step timed from the ingest's own log. The
bitmaps it leaves are the ones an ingest would have left. Run from two checkouts to compare.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    import django

    django.setup()
    logging.getLogger("determinations").setLevel(logging.INFO)  # the steps' timings
    from determinations.ingest import service as ingest
    from determinations.models import CommonWord

    for _ in range(args.repeats):
        CommonWord.objects.all().delete()
        start = time.perf_counter()
        ingest.finish_ingest()
        print(f"end of ingest          {time.perf_counter() - start:.1f} s")
        print(f"bitmaps                {CommonWord.objects.count()} terms")


if __name__ == "__main__":
    main()
