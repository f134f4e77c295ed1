"""FTS5's insert cost under merge settings. A script that prints figures, not a test.

    .venv/bin/python bench/fts_merge_settings.py --database DB --items 600000 \
        default automerge=8 automerge=0,crisismerge=64

Reads the first ITEMS items' indexed text from the full-text table of a loaded SQLite
database (`python -m bench --database sqlite`), then, for each setting, inserts them into a
new FTS5 table of the same columns and tokenizer in transactions of 600 rows (an ingest batch
of 250 letters), and prints microseconds an item, then the time of an `optimize`.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

BATCH = 600
COLUMNS = "names, rationale, guidelines, summary"
TOKENIZER = "porter unicode61 remove_diacritics 2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, type=Path)
    parser.add_argument("--items", type=int, default=600_000)
    parser.add_argument("settings", nargs="+", help="default, or name=value[,name=value]")
    args = parser.parse_args()
    source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    rows = source.execute(
        "SELECT rowid, c0, c1, c2, c3 FROM determinations_item_fts_content "
        f"ORDER BY rowid LIMIT {args.items}"
    ).fetchall()
    source.close()
    with tempfile.TemporaryDirectory(prefix="imr-fts-") as folder:
        for setting in args.settings:
            print(_measure(Path(folder) / f"{setting}.sqlite3", setting, rows), flush=True)


def _measure(path: Path, setting: str, rows: list[tuple]) -> str:
    database = sqlite3.connect(path, isolation_level=None)
    database.execute("PRAGMA journal_mode = wal")
    database.execute("PRAGMA synchronous = normal")
    database.execute("PRAGMA cache_size = -262144")  # as an ingest's connection
    database.execute(f"CREATE VIRTUAL TABLE f USING fts5({COLUMNS}, tokenize = '{TOKENIZER}')")
    if setting != "default":
        for part in setting.split(","):
            name, _, value = part.partition("=")
            database.execute("INSERT INTO f (f, rank) VALUES (?, ?)", (name, int(value)))
    start = time.perf_counter()
    for at in range(0, len(rows), BATCH):
        database.execute("BEGIN IMMEDIATE")
        database.executemany(
            f"INSERT INTO f (rowid, {COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows[at : at + BATCH]
        )
        database.execute("COMMIT")
    load = time.perf_counter() - start
    start = time.perf_counter()
    database.execute("INSERT INTO f (f) VALUES ('optimize')")
    optimize = time.perf_counter() - start
    database.close()
    return (
        f"{setting:30s} {load * 1e6 / len(rows):5.0f} us an item, optimize {optimize:.1f} s, "
        f"{path.stat().st_size // 2**20} MB"
    )


if __name__ == "__main__":
    main()
