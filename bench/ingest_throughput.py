"""Parse and ingest throughput on SQLite and PostgreSQL. A script that prints figures, not a test.

    .venv/bin/python -m bench.ingest_throughput --letters 5000 [--postgres-url URL]

Parse: letters/s in one process, in memory. Ingest: letters/s end to end (`manage.py ingest
--workers 2` on a fresh database, files on disk, process start-up included).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from determinations.parsing import parse_letter  # noqa: E402
from tests.letters import letter_variants, write_variants  # noqa: E402

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/imr_bench_ingest"


def parse_rate(count: int) -> float:
    texts = [text for _, text in letter_variants(count, seed=1)]
    parse_letter(texts[0])  # load the lexicon outside the timing
    start = time.perf_counter()
    for text in texts:
        parse_letter(text)
    return count / (time.perf_counter() - start)


def ingest_rate(folder: Path, count: int, env: dict[str, str], workers: int) -> float:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    start = time.perf_counter()
    result = subprocess.run(
        [*manage, "ingest", str(folder), "--workers", str(workers)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    expected = f"ingested {count} new,"
    if not result.stdout.startswith(expected):
        raise SystemExit(f"unexpected ingest result: {result.stdout!r}")
    return count / elapsed


def _recreate_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()

    figures = {"letters": args.letters, "parse_letters_per_s": round(parse_rate(args.letters))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "corpus")
        write_variants(folder, args.letters, seed=1)
        base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        sqlite_env = {**base_env, "IMR_VAR_DIR": str(Path(tmp, "var"))}
        figures["ingest_sqlite_letters_per_s"] = round(
            ingest_rate(folder, args.letters, sqlite_env, args.workers)
        )
        _recreate_postgres(args.postgres_url)
        postgres_env = {**base_env, "DATABASE_URL": args.postgres_url}
        figures["ingest_postgres_letters_per_s"] = round(
            ingest_rate(folder, args.letters, postgres_env, args.workers)
        )
    for name, value in figures.items():
        print(f"{name:32} {value}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "ingest_throughput.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
