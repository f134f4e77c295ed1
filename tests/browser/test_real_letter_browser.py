"""A person looking up a published letter by its case number and reading its original PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from determinations.ingest import ingest_paths
from tests import letters

pytestmark = pytest.mark.browser
CASE = "CM16-0230548"  # two items: an MRI upheld, acupuncture overturned


@pytest.fixture
def published_letters(transactional_db, settings, tmp_path):
    settings.IMR_PDF_ROOT = tmp_path / "pdfs"
    real = sorted(letters.REAL_LETTERS.glob("CM16-02*.pdf"))[:6]
    assert any(path.stem == CASE for path in real)
    ingest_paths([letters.SEED_LETTERS, *real])


def test_find_a_letter_by_case_number_and_open_its_pdf(page: Page, live_server, published_letters):
    page.goto(live_server.url)
    page.get_by_label("Search letters").fill(CASE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("2 disputed items")

    page.get_by_role(
        "link", name="Acupuncture 3 times a week for 2 weeks, neck, right hand and head"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CASE)
    expect(page.locator("#items")).to_be_visible()
    assert "Overturned" in page.locator("article.item").nth(1).inner_text()

    link = page.get_by_role("link", name="Original PDF")
    with page.expect_response(lambda response: response.url.endswith("/original.pdf")) as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{CASE}.pdf"' in response.headers["content-disposition"]
    original = (letters.REAL_LETTERS / f"{CASE}.pdf").read_bytes()
    assert page.request.get(response.url).body() == original
