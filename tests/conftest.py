"""Shared fixtures. The suite runs twice: on SQLite, then with DATABASE_URL on PostgreSQL."""

from __future__ import annotations

import os

import pytest

from determinations.lexicon import default_lexicon


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {'PostgreSQL ' + url if url else 'SQLite (embedded default)'}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail fast and clearly when the PostgreSQL pass cannot reach its server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    from tests.postgres_pass import unreachable

    if error := unreachable(url):
        pytest.exit(f"PostgreSQL at {url} is unreachable: {error}", returncode=1)


@pytest.fixture(autouse=True)
def forget_compression_dictionaries():
    """Each test's database starts over, so a dictionary id can come back with other
    contents; the codecs a process keeps by id (never reused outside tests) go too."""
    yield
    from determinations import export_records

    vars(export_records._local).pop("codecs", None)


@pytest.fixture(autouse=True)
def search_index_emptied_after_transactional_tests(request, django_db_blocker):
    """The flush after a transactional test empties the models' tables, not the search
    index's own (created by a migration): its entries would answer for items gone."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )  # as pytest-django decides
    if not transactional:
        return
    from django.db import connection

    from determinations.search.backends import postgres, sqlite

    table = postgres.SEARCH if connection.vendor == "postgresql" else sqlite.FTS
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


@pytest.fixture(autouse=True)
def pdf_root(settings, tmp_path_factory):
    """Ingests keep PDFs under the session's temporary folder, never under var/; a test that
    looks at the folder itself sets its own `IMR_PDF_ROOT`."""
    settings.IMR_PDF_ROOT = tmp_path_factory.getbasetemp() / "pdfs"
    return settings.IMR_PDF_ROOT


@pytest.fixture(scope="session")
def lexicon():
    return default_lexicon()


@pytest.fixture
def real_db(tmp_path):
    """A migrated database of its own, for `manage.py` run in child processes."""
    from tests.realdb import RealDatabase, manage

    db = RealDatabase(tmp_path)
    migrate = manage(db, "migrate", "--noinput")
    assert migrate.wait(timeout=120) == 0, migrate.stderr.read()
    yield db
    db.drop()
