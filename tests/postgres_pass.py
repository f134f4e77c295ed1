"""The PostgreSQL pass of the suite: `python -m tests.postgres_pass [pytest arguments]`.

Runs pytest with ``DATABASE_URL`` set to the server at ``TEST_DATABASE_URL`` when one
answers there (CI, a developer's own server). When none does, it starts a throwaway server
for the run from the `pgserver` package (PostgreSQL in a wheel, in a temporary folder),
and stops and deletes it afterwards, so that `make test` needs only Python. Under CI
(``CI`` set) an unreachable server is a failure: the machine is meant to have one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/imr"


def answers(url: str) -> bool:
    """Whether a PostgreSQL server answers at ``url``."""
    return unreachable(url) is None


def unreachable(url: str) -> str | None:
    """Why no PostgreSQL server answers at ``url`` (its ``postgres`` database: pytest-django
    creates its own test database), or None when one does."""
    try:
        server_connection(dj_database_url.parse(url), "postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return str(error)
    return None


def server_connection(config: dict, dbname: str, **options) -> psycopg.Connection:
    """An autocommit connection to database ``dbname`` on the server of ``config`` (Django's
    settings of a PostgreSQL database, as `dj_database_url.parse` gives them)."""
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
        **options,
    )


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A PostgreSQL server of our own for the duration; yields its URL (a Unix socket)."""
    import pgserver

    with tempfile.TemporaryDirectory(prefix="imr-test-postgres-") as folder:
        server = pgserver.get_server(folder, cleanup_mode="delete")
        try:
            # get_uri() names the socket's folder as a query parameter; Django's settings
            # (and tests/conftest.py) read it as the host.
            query = urllib.parse.urlsplit(server.get_uri()).query
            socket_folder = urllib.parse.parse_qs(query)["host"][0]
            yield f"postgres://postgres@{urllib.parse.quote(socket_folder, safe='')}/imr"
        finally:
            server.cleanup()


def main(arguments: list[str]) -> int:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    if answers(url):
        return _pytest(url, arguments)
    if os.environ.get("CI"):
        print(
            f"PostgreSQL does not answer at {url}: the PostgreSQL pass cannot run", file=sys.stderr
        )
        return 1
    print(f"No PostgreSQL answers at {url}: starting a throwaway server for this run (pgserver)")
    with throwaway_server() as throwaway:
        return _pytest(throwaway, arguments)


def _pytest(url: str, arguments: list[str]) -> int:
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.call([sys.executable, "-m", "pytest", *arguments], env=environment)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
