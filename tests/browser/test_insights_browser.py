"""An analyst: chart a search, click a bar, land on that group's items."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.letters import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"  # kept by CI runs for a look at the page (gitignored)


def test_chart_a_search_and_click_a_bar(page: Page, live_server, corpus):
    page.goto(live_server.url + "/?category=pharmaceutical")
    expect(page.locator("#results-heading")).to_have_text("21 disputed items")
    page.get_by_role("link", name="Chart these results").click()

    expect(page.get_by_role("heading", name="By drug class")).to_be_visible()
    chart = page.get_by_role(
        "group", name="By drug class: share of each group's items upheld and overturned"
    )
    expect(chart).to_be_visible()
    Path(ARTIFACTS).mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights.png"), full_page=True)

    bar = chart.locator("a.bar").first
    label = bar.get_attribute("aria-label")  # e.g. "muscle relaxant: 9 items, 77.8% upheld"
    group, count = label.split(": ")[0], int(label.split(": ")[1].split(" ")[0])
    bar.locator("rect").first.click()

    expect(page.locator("#results-heading")).to_have_text(f"{count} disputed items")
    assert "category=pharmaceutical" in page.url
    expect(page.locator(f'#facet-drug_class input[value="{group}"]')).to_be_checked()
