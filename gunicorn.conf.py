"""gunicorn settings for `gunicorn imrsite.wsgi` (docs/deploy.md); read from the working
directory. Every value can be overridden on the command line."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Searches are CPU-bound (numpy facet counts): one process per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
# A staff export of a million items streams for about a minute; a worker is not hung then.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
# Each worker keeps the search columns in memory (about 100 bytes an item); recycle workers
# now and then so a long-lived process never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"


def post_worker_init(worker):
    """Load the search columns before the worker accepts requests (`IMR_WARM_COLUMNS=0` to
    skip): otherwise the first search of every new worker waits for them. A failure here
    (the database not up yet) is logged, and the first request loads them instead."""
    if os.environ.get("IMR_WARM_COLUMNS", "1") == "0":
        return
    from determinations.search.columns import warm_columns

    try:
        columns = warm_columns()
    except Exception:
        worker.log.exception("search columns not loaded at start; the first search will load them")
    else:
        worker.log.info("search columns loaded: %d items", len(columns))
