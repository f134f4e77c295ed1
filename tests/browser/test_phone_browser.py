"""The pages on a phone's screen (390 px wide): nothing wider than the screen, filters in
reach, tap targets a finger can hit, chart labels one can read."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from determinations.models import DisputedItem
from tests.browser.conftest import log_in_as_staff

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, corpus):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_is_wider_than_the_phone(phone: Page, live_server):
    first, second = DisputedItem.objects.order_by("pk")[:2]
    log_in_as_staff(phone, live_server)
    for path in [
        "/admin/",  # the review queue
        "/admin/determinations/letter/?parse_status__exact=failed",
        "/",
        "/?q=exacerbation&decision=upheld",
        f"/determinations/{first.letter_id}/",
        f"/compare/?items={first.pk}&items={second.pk}",
        "/insights/",
        "/boilerplate/",
    ]:
        phone.goto(live_server.url + path)
        assert page_width(phone) <= PHONE["width"], path


def test_the_filters_are_one_tap_away_and_easy_to_tap(phone: Page, live_server):
    phone.goto(live_server.url + "/?decision=upheld")
    to_filters = phone.get_by_role("link", name="Filters (1 in use)")
    expect(to_filters).to_be_in_viewport()
    to_filters.click()
    box = phone.locator('#facet-decision input[value="overturned"]')
    expect(box).to_be_in_viewport()
    label = phone.locator('#facet-decision label:has(input[value="overturned"])')
    assert label.bounding_box()["height"] >= 44


def test_chart_labels_stay_readable_on_a_phone(phone: Page, live_server):
    phone.goto(live_server.url + "/insights/")
    label = phone.locator("svg.bars text.label").first
    assert label.bounding_box()["height"] >= 12  # CSS pixels: 13 px text, not shrunk to fit
