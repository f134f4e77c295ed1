"""A data steward: log in, open the review queue, add the item a failed letter lacks, see it."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from determinations.ingest import ingest_paths
from tests.test_curation import no_items_letter

pytestmark = pytest.mark.browser


@pytest.fixture
def failed_letter(transactional_db, tmp_path):
    (tmp_path / "failed.txt").write_text(no_items_letter("CM14-0000011"))
    ingest_paths([tmp_path])
    User.objects.create_user("steward", password="pw-steward", is_staff=True, is_superuser=True)


def test_fix_a_failed_letter_in_the_admin(page: Page, live_server, failed_letter, tmp_path):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("steward")
    page.get_by_label("Password").fill("pw-steward")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="1 letter with no items found (parse status failed)").click()
    page.get_by_role("link", name="CM14-0000011").click()
    expect(page.locator(".curation-original pre")).to_contain_text("CLINICAL CASE SUMMARY")
    page.screenshot(path=os.fspath(tmp_path / "letter-change.png"), full_page=True)

    page.get_by_text("Add another Disputed item").click()
    page.locator("#id_items-0-label").fill("Norco 10/325 mg #120")
    page.locator("#id_items-0-decision").select_option("upheld")
    page.locator("#id_items-0-guideline_source").select_option("mtus")
    page.locator("#id_items-0-category").select_option("pharmaceutical")
    page.locator("#id_items-0-rationale").fill("Restored by hand: opioids lack documented benefit.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + "/?q=restored")
    expect(page.locator("#results-heading")).to_have_text("1 disputed item")
    page.get_by_role("link", name="Norco 10/325 mg #120").click()
    expect(page.locator("article.item h3")).to_contain_text("Norco 10/325 mg #120")
    expect(page.locator("article.item .corrected")).to_contain_text("the item itself")
