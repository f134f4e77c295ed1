"""Every page renders under its content security policy: the public pages allow no inline
style, the admin's allow them, and Chromium reports no violation and no error on either."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from determinations.models import DisputedItem

pytestmark = pytest.mark.browser


@pytest.fixture
def errors(page: Page) -> list[str]:
    """What Chromium reports on the console as an error (a CSP violation is one), or throws."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"{page.url}: {error}"))
    return found


def test_public_pages_show_no_policy_violation(page: Page, live_server, corpus, errors):
    first, second = DisputedItem.objects.order_by("pk")[:2]
    for path in [
        "/",
        "/?q=exacerbation&decision=upheld&age_min=40",
        f"/determinations/{first.letter_id}/?q=pain",  # loads its similar rationales by script
        f"/compare/?items={first.pk}&items={second.pk}",
        "/insights/",
        "/boilerplate/",
    ]:
        response = page.goto(live_server.url + path)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert errors == []


def test_the_admin_shows_no_policy_violation(page: Page, live_server, corpus, admin_user, errors):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Letters", exact=True)).to_be_visible()
    letter = DisputedItem.objects.order_by("pk").first().letter_id
    for path in ["/admin/determinations/letter/", f"/admin/determinations/letter/{letter}/change/"]:
        response = page.goto(live_server.url + path)
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert errors == []
