"""One chunk of the bitmaps' pairing statement on PostgreSQL, and its parts. A script that
prints figures, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_gen_1000000 \\
        .venv/bin/python bench/word_pairs.py [--first-item 1000000] [--repeats 2]

For the stored common words (run after an ingest, or `manage.py index_common_words`) and
`PAIRS_CHUNK` items from ``--first-item``, times: the statement as the rebuild runs it (the
pairs as text), the same join counted only (no text built), and the items' lexemes alone.
What the first costs beyond the second is building and sending the text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-item", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    import django

    django.setup()
    from django.db import connection

    from determinations.models import CommonWord
    from determinations.search.backends import ids_from_text, postgres

    if connection.vendor != "postgresql":
        sys.exit("bench/word_pairs.py times PostgreSQL's statement: set DATABASE_URL")
    words = list(CommonWord.objects.exclude(word__startswith='"').values_list("word", flat=True))
    stop = args.first_item + postgres.PAIRS_CHUNK
    scope = f"s.item_id > {args.first_item} AND s.item_id <= {stop}"
    lexemes = (
        f"FROM {postgres.SEARCH} s CROSS JOIN LATERAL "
        "unnest(tsvector_to_array(s.search_vector)) AS l(lexeme)"
    )
    joined = (
        f"{lexemes} JOIN unnest(%(words)s::text[]) WITH ORDINALITY AS w(word, n) "
        f"ON w.word = l.lexeme WHERE {scope}"
    )
    statements = {
        "pairs as text": postgres._WORD_PAIRS.format(scope=scope),
        "pairs counted": f"SELECT count(*) {joined}",
        "lexemes counted": f"SELECT count(*) {lexemes} WHERE {scope}",
    }
    print(f"{len(words)} words, items {args.first_item + 1} to {stop}")
    with connection.cursor() as cursor:
        for _ in range(args.repeats):
            for name, sql in statements.items():
                start = time.perf_counter()
                cursor.execute(sql, {"words": words})
                value = cursor.fetchone()[0]
                took = time.perf_counter() - start
                if isinstance(value, str):
                    start = time.perf_counter()
                    pairs = len(ids_from_text(value)) // 2
                    parse = time.perf_counter() - start
                    detail = f"{pairs} pairs, {len(value):,} characters, parsed in {parse:.2f} s"
                else:
                    detail = f"{value} rows"
                print(f"{name:16s} {took:6.2f} s  {detail}")


if __name__ == "__main__":
    main()
