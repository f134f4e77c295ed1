"""A person searching: type a query, tick facets, open a letter, come back, share the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def heading(page: Page) -> str:
    return page.locator("#results-heading").inner_text()


def facet_count(page: Page, facet: str, value: str) -> str:
    row = page.locator(f"#facet-{facet} li").filter(has=page.locator(f'input[value="{value}"]'))
    return row.locator(".count").inner_text()


def test_search_tick_facets_open_a_letter_and_share_the_link(
    page: Page, live_server, corpus, browser
):
    page.goto(live_server.url)
    expect(page.locator("#results-heading")).to_have_text("34 disputed items")

    page.get_by_label("Search letters").fill("exacerbation")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("9 disputed items")
    assert page.locator("mark").count() > 0
    upheld_before = facet_count(page, "decision", "upheld")

    page.locator('#facet-medication input[value="cyclobenzaprine"]').check()  # auto-submits
    expect(page.locator("#results-heading")).to_have_text("3 disputed items")
    page.locator('#facet-medication input[value="tizanidine"]').check()
    expect(page.locator("#results-heading")).to_have_text("4 disputed items")
    assert facet_count(page, "decision", "upheld") == "4" != upheld_before
    assert facet_count(page, "medication", "methocarbamol") == "1"  # counted without its own filter
    results_url = page.url
    assert re.search(r"medication=cyclobenzaprine&medication=tizanidine", results_url)

    page.get_by_role("link", name="Zanaflex 2 mg #60 with 2 refills").click()
    expect(page.get_by_role("heading", name="Original letter")).to_be_visible()
    assert page.locator("pre.original mark").count() > 0
    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("4 disputed items")
    expect(page.locator('#facet-medication input[value="tizanidine"]')).to_be_checked()

    shared = browser.new_page()
    shared.goto(results_url)
    expect(shared.locator("#results-heading")).to_have_text("4 disputed items")
    listed = shared.locator("li.result h2 a").all_inner_texts()
    assert listed == page.locator("li.result h2 a").all_inner_texts()
    shared.close()


def test_facets_work_without_javascript(browser, live_server, corpus):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url)
    page.locator('#facet-decision input[value="overturned"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("12 disputed items")
    assert page.url == f"{live_server.url}/?decision=overturned"  # no empty boxes either
    context.close()


def test_a_typed_query_gives_a_short_link_ordered_by_relevance(page: Page, live_server, corpus):
    page.goto(live_server.url)
    page.get_by_label("Search letters").fill("exacerbation")
    page.get_by_label("Search letters").press("Enter")
    expect(page.locator("#results-heading")).to_have_text("9 disputed items")
    assert page.url == f"{live_server.url}/?q=exacerbation"  # no empty boxes, default order
    expect(page.get_by_label("Sort by")).to_have_value("relevance")
    assert page.locator("li.result").first.locator("mark").count() > 0


def test_ticking_a_facet_keeps_the_focus_on_it_and_lists_it_as_removable(
    page: Page, live_server, corpus
):
    page.goto(live_server.url)
    page.locator('#facet-decision input[value="overturned"]').check()  # auto-submits
    expect(page.locator('#facet-decision input[value="overturned"]')).to_be_focused()
    filters = page.locator(".active-filters")
    expect(filters.get_by_role("link", name="Decision: Overturned")).to_be_visible()
    filters.get_by_role("link", name="Decision: Overturned").click()
    expect(page.locator("#results-heading")).to_have_text("34 disputed items")
    expect(page.locator(".active-filters")).to_have_count(0)
