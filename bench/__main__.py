"""One benchmark for one size and database: generate, ingest, measure, print one table.

    .venv/bin/python -m bench --letters 10000 --database sqlite
    .venv/bin/python -m bench --letters 100000 --database postgresql --reuse

Generates the corpus with `bench/generator.py` (or reuses it), loads it into a fresh database
(`bench/out/var_gen_N/` for SQLite, `imr_bench_gen_N` on PostgreSQL; `--reuse` measures the
one already loaded), then prints ingest letters/s (and the seconds of each merge and step at
the ingest's end, from its log), database size, search page p50/p95 over
typical queries with every facet, facet counting, letter page, similar rationales, compare,
insights, and export rows/s with peak memory. The table is also written as JSON
(`bench/out/bench_<database>_<letters>.json`) so runs can be compared. Prints figures; asserts
no time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# The server of DATABASE_URL when it names one (the test suite's, maybe a throwaway one),
# else this machine's.
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=10, help="timed requests per query")
    parser.add_argument("--reuse", action="store_true", help="measure the database as loaded")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        from bench.measure import measure

        print(json.dumps(measure(args.repeats)))
        return
    env = _environment(args)
    figures = {"letters": args.letters, "database": args.database}
    if not args.reuse:
        figures |= _load(args, env)
    measured = _run(env, "-m", "bench", "--measure", "1", "--repeats", str(args.repeats))
    figures |= json.loads(measured.splitlines()[-1])
    figures |= _export(env)
    _print(figures)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"bench_{args.database}_{args.letters}.json"
    target.write_text(json.dumps(figures, indent=2))
    print(f"written to {target.relative_to(ROOT)}")


def _environment(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    if args.database == "postgresql":
        server = os.environ.get("DATABASE_URL", POSTGRES_SERVER).rsplit("/", 1)[0]
        if not server.startswith(("postgres://", "postgresql://")):
            server = POSTGRES_SERVER
        env["DATABASE_URL"] = f"{server}/imr_bench_gen_{args.letters}"
    else:
        env["IMR_VAR_DIR"] = str(OUT / f"var_gen_{args.letters}")
    return env


def _load(args, env: dict[str, str]) -> dict:
    from bench.generator import write
    from bench.ingest_throughput import _recreate_postgres

    corpus = OUT / f"gen_{args.letters}_seed{args.seed}"
    write(corpus, args.letters, args.seed)
    if args.database == "postgresql":
        _recreate_postgres(env["DATABASE_URL"])
    else:
        (Path(env["IMR_VAR_DIR"]) / "imr.sqlite3").unlink(missing_ok=True)
    _run(env, "manage.py", "migrate", "--noinput", "-v", "0")
    start = time.perf_counter()
    # INFO: the ingest logs how long each merge and each step at its end took.
    logged = {**env, "DJANGO_LOG_LEVEL": "INFO"}
    result = _completed(logged, "manage.py", "ingest", str(corpus), "--workers", "2")
    seconds = time.perf_counter() - start
    return {
        "ingest": result.stdout.strip().splitlines()[-1],
        "ingest_seconds": round(seconds, 1),
        "ingest_letters_per_s": round(args.letters / seconds),
        "ingest_steps_s": ingest_steps(result.stderr),
    }


def ingest_steps(log: str) -> dict[str, float]:
    """Each step's seconds from the ingest's log lines ("ingest: STEP took 12.3 s")."""
    return {match[1]: float(match[2]) for match in _STEP.finditer(log)}


_STEP = re.compile(r"^ingest: (.+) took ([0-9.]+) s$", re.MULTILINE)


def _export(env: dict[str, str]) -> dict:
    """`manage.py export` of every item as CSV and JSON in a child process: rows/s, peak RSS."""
    from bench.export_throughput import timed_export

    figures = {}
    for fmt in ("csv", "json"):
        target = OUT / f"bench_export.{fmt}"
        seconds, peak_mb = timed_export(env, fmt, target)
        with target.open(encoding="utf-8") as handle:
            rows = sum(1 for line in handle if line.startswith("{")) if fmt == "json" else None
        target.unlink()
        figures[f"export_{fmt}_seconds"] = round(seconds, 1)
        figures[f"export_{fmt}_peak_rss_mb"] = peak_mb
        if rows is not None:
            figures["export_rows"] = rows
    for fmt in ("csv", "json"):
        seconds = figures[f"export_{fmt}_seconds"]
        figures[f"export_{fmt}_rows_per_s"] = round(figures["export_rows"] / seconds)
    return figures


def _run(env: dict[str, str], *args: str) -> str:
    return _completed(env, *args).stdout


def _completed(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def _print(figures: dict) -> None:
    """One line a figure; breakdowns (dicts) after them, one indented line an entry."""
    scalars = {k: v for k, v in figures.items() if not isinstance(v, dict)}
    breakdowns = {k: v for k, v in figures.items() if isinstance(v, dict)}
    width = max(map(len, scalars))
    for name, value in scalars.items():
        print(f"{name:<{width}}  {value}")
    for name, breakdown in breakdowns.items():
        print(name)
        key_width = max(map(len, breakdown))
        for key, value in breakdown.items():
            print(f"  {key:<{key_width}}  {value}")


if __name__ == "__main__":
    main()
