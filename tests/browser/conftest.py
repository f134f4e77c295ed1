"""Browser tests: Debian's Chromium driven by Playwright against a live Django server."""

from __future__ import annotations

import os

import pytest

from determinations.ingest import ingest_paths
from tests import letters
from tests.chromium import find as find_chromium

# Playwright's sync API runs an event loop in this thread; the test itself only sets up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("Chromium not found: apt-get install chromium (or set CHROMIUM=/path)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def corpus(transactional_db):
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS])


def log_in_as_staff(page, live_server) -> None:
    """Create a staff account and log ``page`` in to the admin with it."""
    from django.contrib.auth.models import User

    User.objects.create_user("staff", password="pw-staff", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("pw-staff")
    page.get_by_role("button", name="Log in").click()
