"""Load: the app under gunicorn on 127.0.0.1, many users at once, a realistic mix of pages.

    .venv/bin/python -m bench.load --users 20 --seconds 60 --workers 3   # against $DATABASE_URL
    .venv/bin/python -m bench.load --users 5 --seconds 10                # the CI smoke size

Each simulated user loops: a search with facets, a letter page, a compare page, the insights
page and now and then a small CSV export, with no pause. Prints requests/s, p50/p95/p99 and
the errors (any status >= 500, or a request that failed); `--json FILE` keeps the figures.
The database is whatever the environment selects (`DATABASE_URL`, `IMR_VAR_DIR`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = [
    "", "q=pain", "q=functional+improvement&decision=upheld", "category=pharmaceutical",
    "q=opioid+OR+tramadol&sort=newest", "specialty=Pain+Medicine&age_min=40&age_max=60",
    "q=%22physical+therapy%22&page=2", "decision=overturned&guideline=mtus",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = run(args.users, args.seconds, args.workers)
    for name, value in figures.items():
        print(f"{name:<16} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    sys.exit(1 if figures["errors"] else 0)


def run(users: int, seconds: float, workers: int) -> dict:
    """Serve the app, load it, stop it; returns the figures."""
    letter_ids, item_ids = _sample_ids()
    port = _free_port()
    server = _serve(port, workers)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        return _load(base, users, seconds, letter_ids, item_ids)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(base: str, users: int, seconds: float, letter_ids, item_ids) -> dict:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop:
            url = _next_url(rng, letter_ids, item_ids)
            start = time.perf_counter()
            problem = _fetch(base + url)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                if problem:
                    errors.append(f"{url}: {problem}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(user, range(users)))
    wall = time.monotonic() - started
    cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else [0] * 99
    return {
        "users": users,
        "seconds": round(wall, 1),
        "requests": len(times),
        "requests_per_s": round(len(times) / wall, 1),
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def _next_url(rng: random.Random, letter_ids, item_ids) -> str:
    kinds = ["search", "letter", "similar", "compare", "insights", "export"]
    kind = rng.choices(kinds, [50, 20, 5, 10, 10, 5])[0]
    if kind == "search" or not item_ids:
        return "/?" + rng.choice(SEARCHES)
    if kind == "letter":
        return f"/determinations/{rng.choice(letter_ids)}/"
    if kind == "similar":  # what a letter page loads for each item once it is shown
        return f"/items/{rng.choice(item_ids)}/similar/"
    if kind == "compare":
        first, second = rng.sample(item_ids, 2) if len(item_ids) > 1 else (item_ids[0],) * 2
        return f"/compare/?items={first}&items={second}"
    if kind == "insights":
        return "/insights/?" + rng.choice(SEARCHES[:6])
    return "/export.csv?q=tizanidine+OR+metaxalone&decision=overturned"


def _fetch(url: str) -> str:
    """'' when the page came back fine, else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return ""
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}" if error.code >= 500 else ""
    except OSError as error:
        return f"{type(error).__name__}: {error}"


def _sample_ids() -> tuple[list[int], list[int]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
    django.setup()
    from determinations.models import DisputedItem, Letter

    letters = list(Letter.objects.order_by("?").values_list("pk", flat=True)[:500])
    items = list(DisputedItem.objects.order_by("?").values_list("pk", flat=True)[:500])
    return letters, items


def _serve(port: int, workers: int) -> subprocess.Popen:
    # The production settings, but plain HTTP on the loopback (no TLS in front here).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imrsite.settings.prod",
        "DJANGO_SSL_REDIRECT": "0",
    }
    # gunicorn.conf.py (the documented deployment) applies; the command line sets the rest.
    # Its access log goes to stdout, which is dropped here; errors still show on stderr.
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "imrsite.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not _fetch(base + "/healthz"):
            _fetch(base + "/")  # each worker loads the item columns on its first search
            return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
