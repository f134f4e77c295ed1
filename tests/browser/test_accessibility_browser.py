"""An automated accessibility check (axe-core, through axe-playwright-python) on every page a
person reads: no serious or critical violation, on a desktop screen and on a phone's."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from determinations.models import DisputedItem
from tests.browser.conftest import log_in_as_staff

pytestmark = pytest.mark.browser
SERIOUS = {"serious", "critical"}


def pages() -> list[str]:
    first, second = DisputedItem.objects.order_by("pk")[:2]
    return [
        "/",
        "/?q=exacerbation&decision=upheld&age_min=40",
        f"/determinations/{first.letter_id}/?q=pain&items={first.pk}",
        f"/compare/?items={first.pk}&items={second.pk}",
        "/insights/",
        "/boilerplate/",
        "/admin/",  # the review queue
        "/admin/determinations/letter/?parse_status__exact=failed",
    ]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} "
        f"[{', '.join(node['target'][0] for node in violation['nodes'][:3])}]"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_has_a_serious_accessibility_violation(browser, live_server, corpus, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in_as_staff(page, live_server)
    found = []
    for path in pages():
        page.goto(live_server.url + path)
        found += serious_violations(page)
    context.close()
    assert found == []
