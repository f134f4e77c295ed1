"""A person following a search: the page's "Follow this search" link gives a feed that a feed
reader reads, each entry opening its letter at the item."""

from __future__ import annotations

from urllib.parse import urljoin

import feedparser
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_follow_a_search_in_a_feed_reader(page: Page, live_server, corpus):
    page.goto(live_server.url)
    page.locator('#facet-decision input[value="overturned"]').check()  # auto-submits
    expect(page.locator("#results-heading")).to_have_text("12 disputed items")

    follow = page.get_by_role("link", name="Follow this search").get_attribute("href")
    assert follow == "/feed.atom?decision=overturned"
    assert (
        page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
        == follow
    )
    response = page.request.get(urljoin(page.url, follow))
    assert response.status == 200
    feed = feedparser.parse(response.body())

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "IMR determinations: Decision: Overturned"
    assert len(feed.entries) == 12
    assert all(entry.title.endswith(": Overturned") for entry in feed.entries)
    assert len({entry.id for entry in feed.entries}) == 12
    entry = feed.entries[0]
    page.goto(entry.link)
    anchor = entry.link.split("#")[1]
    expect(page.locator(f"#{anchor}")).to_contain_text(entry.title.removesuffix(": Overturned"))
