"""A person comparing: add two results to the tray, compare them, follow a similar rationale."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from determinations.ingest import ingest_paths
from tests.letters import letter_with_items
from tests.test_compare import LETTERS

pytestmark = pytest.mark.browser


@pytest.fixture
def compare_corpus(corpus, tmp_path):
    for name, (case, items) in LETTERS.items():
        (tmp_path / name).write_text(letter_with_items(items, case))
    ingest_paths([tmp_path])


def add_to_compare(page: Page, label: str) -> None:
    result = page.locator("li.result").filter(has=page.get_by_role("link", name=label, exact=True))
    result.get_by_role("link", name="Add to compare").click()
    expect(result.get_by_role("link", name="In compare tray · remove")).to_be_visible()


def test_add_two_results_compare_them_and_follow_a_similar_rationale(
    page: Page, live_server, compare_corpus, tmp_path
):
    page.goto(live_server.url)
    page.get_by_label("Search letters").fill("norco")
    page.get_by_role("button", name="Search", exact=True).click()

    add_to_compare(page, "Norco 10/325 mg #120")
    expect(page.locator(".tray")).to_contain_text("Add at least one more item to compare")
    add_to_compare(page, "Norco 10/325 mg #90")
    page.get_by_role("link", name="Compare these 2").click()

    columns = page.locator("article.compared")
    expect(columns).to_have_count(2)
    expect(columns.nth(0).get_by_role("heading", level=2)).to_have_text("Norco 10/325 mg #120")
    expect(columns.nth(1).get_by_role("heading", level=2)).to_have_text("Norco 10/325 mg #90")
    for column in (columns.nth(0), columns.nth(1)):
        expect(column.locator(".rationale")).to_contain_text("not medically necessary")
        assert column.locator("mark.shared-all").count() >= 1
    expect(page.locator("#legend")).to_contain_text("shared by both rationales")
    page.screenshot(path=os.fspath(tmp_path / "compare.png"), full_page=True)

    similar = columns.nth(1).locator(".similar li").first
    expect(similar).to_contain_text("in this comparison")
    similar.get_by_role("link", name="Norco 10/325 mg #120").click()  # to its letter
    expect(page.get_by_role("heading", name="Original letter")).to_be_visible()
    item = page.locator("article.item")
    expect(item.locator(".similar li").first).to_contain_text("Norco 10/325 mg #90")
    item.get_by_role("link", name="Compare with this").first.click()
    expect(page.locator("article.compared")).to_have_count(2)
    expect(page.locator("article.compared h2")).to_have_text(
        ["Norco 10/325 mg #120", "Norco 10/325 mg #90"]
    )


def test_compare_columns_stack_on_a_narrow_screen(browser, live_server, compare_corpus):
    context = browser.new_context(viewport={"width": 380, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/?q=norco")
    first = page.locator("li.result .tray-toggle").first
    first.click()
    page.locator("li.result a.tray-toggle:not(.in-tray)").first.click()
    page.get_by_role("link", name="Compare these 2").click()

    boxes = [page.locator("article.compared").nth(i).bounding_box() for i in range(2)]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1  # one above the other
    assert boxes[0]["width"] <= 380
    context.close()


def test_a_letter_page_without_scripts_links_to_each_items_similar_rationales(
    browser, live_server, compare_corpus
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?q=norco")
    page.get_by_role("link", name="Norco 10/325 mg #120", exact=True).click()

    item = page.locator("article.item").first
    expect(item.locator(".similar li")).to_have_count(0)  # nothing loads it in place
    item.get_by_role("link", name="Rationales of other letters most like this one").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rationales like Norco 10/325 mg #120"
    )
    expect(page.locator(".similar li").first).to_contain_text("Norco 10/325 mg #90")
    context.close()
