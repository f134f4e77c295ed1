"""The ingest's writing process alone. A script that prints figures, not a test.

    .venv/bin/python bench/writer_throughput.py --corpus DIR [--letters 20000] [--database-url URL]
        [--lanes N]

Reads and parses the first N letters of a corpus (`bench.generator`) in this process first,
then times storing them in batches as `ingest` does, into a fresh SQLite file (or the
PostgreSQL database of ``--database-url``, dropped and created again), with the last merge
of staged band keys, on the database's writing lanes (`determinations/ingest/lanes.py`; `--lanes`
overrides their number). Run from two checkouts (`git worktree add`) to compare the writer
of each: an ingest with workers mixes the writer with parsing on the same two cores, and one
run of 100,000 letters varied by 10% from the next on this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--database-url", help="PostgreSQL; default: a fresh SQLite file")
    parser.add_argument("--lanes", type=int, help="writing lanes; default: the database's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imr-writer-") as var_dir:
        _configure(var_dir, args.database_url)
        _measure(args.corpus, args.letters, args.lanes)


def _measure(corpus: Path, letters: int, lanes: int | None) -> None:
    from functools import partial

    from determinations import similarity
    from determinations.ingest import service as ingest
    from determinations.ingest.bulk import bulk_load
    from determinations.ingest.lanes import writing_lanes
    from determinations.ingest.reading import ReadLetter, read_sources
    from determinations.ingest.sources import discover
    from determinations.ingest.store import Lookups

    sources = list(discover([corpus]))[:letters]
    start = time.perf_counter()
    results = read_sources(sources)
    parse = time.perf_counter() - start

    report, lookups = ingest.IngestReport(), Lookups()
    start, cpu = time.perf_counter(), time.process_time()
    with bulk_load(), writing_lanes(lanes) as writing:
        for batch in ingest._batches(results, ingest.BATCH_SIZE):
            lookups.resolve([r.parsed for r in batch if isinstance(r, ReadLetter)])
            for part in writing.send(partial(ingest._store_batch, batch, lookups)):
                report.add(part)
        for part in writing.drain():
            report.add(part)
        stored = time.perf_counter() - start
        similarity.merge_staged_bands()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    per_letter = 1000 / max(report.new, 1)
    print(f"letters stored         {report.new}")
    print(f"read and parse         {parse * per_letter:.3f} ms a letter")
    print(f"store                  {stored * per_letter:.3f} ms a letter")
    print(f"store and merge        {wall * per_letter:.3f} ms a letter, CPU {cpu * per_letter:.3f}")


def _configure(var_dir: str, database_url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "imrsite.settings.base"
    os.environ["IMR_VAR_DIR"] = var_dir
    if database_url:
        from bench.ingest_throughput import _recreate_postgres

        _recreate_postgres(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)


if __name__ == "__main__":
    main()
