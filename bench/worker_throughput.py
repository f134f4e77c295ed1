"""What one ingest worker does, alone: read, parse and sketch. A script that prints figures.

    .venv/bin/python bench/worker_throughput.py --corpus DIR [--letters 6000] [--warm-up 3000]

Runs `reading.read_sources` over the corpus's letters in chunks as an ingest worker receives
them (`ingest.CHUNK`), in this process, with the bundled lexicon: first ``--warm-up``
letters untimed (the drug-name pattern cache fills over the first few thousand), then
``--letters`` timed. Prints letters/s and milliseconds a letter. Run from two checkouts
(`git worktree add`) to compare them; repeat, as one run differs from the next by up to 10%
on this machine. Touches no database.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--letters", type=int, default=6000)
    parser.add_argument("--warm-up", type=int, default=3000)
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    django.setup()  # for `ingest`'s imports; no connection is opened
    from determinations.ingest import service as ingest
    from determinations.ingest.reading import read_sources, use_lexicon
    from determinations.ingest.sources import discover

    sources = list(itertools.islice(discover([args.corpus]), args.warm_up + args.letters))
    if len(sources) < args.warm_up + args.letters:
        raise SystemExit(f"{args.corpus} holds {len(sources)} letters, fewer than asked")
    use_lexicon(None)
    for chunk in ingest._batches(sources[: args.warm_up], ingest.CHUNK):
        read_sources(chunk)
    start = time.perf_counter()
    for chunk in ingest._batches(sources[args.warm_up :], ingest.CHUNK):
        read_sources(chunk)
    seconds = time.perf_counter() - start
    print(
        f"{args.letters} letters after {args.warm_up}: {args.letters / seconds:,.0f} letters/s, "
        f"{seconds / args.letters * 1000:.3f} ms a letter"
    )


if __name__ == "__main__":
    main()
