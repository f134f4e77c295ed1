"""Export throughput and peak memory: `manage.py export` of every item, both databases.

    .venv/bin/python -m bench.export_throughput --letters 465000 [--reuse]

Generates (or reuses) the corpus under bench/out/ (about 2.15 items per letter, so 465,000
letters give about a million items), ingests it into a SQLite file and a PostgreSQL database
(`imr_bench_export`), then runs `manage.py export --format csv|json --output FILE` in a child
process per run and reports rows/s and that process's peak resident memory.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/imr_bench_export"


def timed_export(env: dict[str, str], fmt: str, target: Path) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of one `manage.py export` child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "export", "--format", fmt, "--output", str(target)],
        env=env,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"export failed with status {status}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=465_000)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument(
        "--reuse", action="store_true", help="export from the databases already loaded"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.corpus import write_corpus
    from bench.ingest_throughput import _recreate_postgres

    corpus = OUT / f"corpus_{args.letters}"
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    databases = {
        "sqlite": {**base, "IMR_VAR_DIR": str(OUT / f"var_{args.letters}")},
        "postgresql": {**base, "DATABASE_URL": args.postgres_url},
    }
    if not args.reuse:
        write_corpus(corpus, args.letters)
    figures = []
    for label, env in databases.items():
        if not args.reuse:
            if label == "postgresql":
                _recreate_postgres(args.postgres_url)
            else:
                (OUT / f"var_{args.letters}" / "imr.sqlite3").unlink(missing_ok=True)
            manage = [sys.executable, "manage.py"]
            subprocess.run(
                [*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
            )
            start = time.perf_counter()
            subprocess.run(
                [*manage, "ingest", str(corpus), "--workers", "2"], env=env, cwd=ROOT, check=True
            )
            print(f"{label}: ingested in {time.perf_counter() - start:.0f} s", flush=True)
        for fmt in ("csv", "json"):
            target = OUT / f"export.{fmt}"
            seconds, peak_mb = timed_export(env, fmt, target)
            rows = _count_rows(target, fmt)
            figures.append(
                {"database": label, "format": fmt, "rows": rows, "seconds": round(seconds, 1),
                 "rows_per_s": round(rows / seconds), "peak_rss_mb": peak_mb}
            )  # fmt: skip
            print(figures[-1], flush=True)
            target.unlink()
    (OUT / "export_throughput.json").write_text(json.dumps(figures, indent=2))


def _count_rows(path: Path, fmt: str) -> int:
    """Rows in an export file (JSON: one object per line, as `json_chunks` writes them)."""
    with path.open(encoding="utf-8", newline="") as handle:
        if fmt == "json":
            return sum(1 for line in handle if line.startswith("{"))
        return sum(1 for _ in csv.reader(handle)) - 1


if __name__ == "__main__":
    main()
