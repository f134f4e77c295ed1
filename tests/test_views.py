"""The letter list, the letter page, the health check and the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from tests import letters

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS])


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_front_page_lists_every_disputed_item(client, corpus):
    page = client.get("/").content.decode()
    assert "7 disputed items" in page
    for letter in Letter.objects.all():
        assert f"/determinations/{letter.pk}/" in page


def test_letter_page_shows_fields_items_and_original_text(client, corpus):
    letter = Letter.objects.get(source_file__endswith="002_1d16f4ec2548c5a7.txt")

    page = client.get(f"/determinations/{letter.pk}/").content.decode()

    for text in [
        "Norco 10/325mg #101",
        "hydrocodone/acetaminophen",
        "Physical Medicine and Rehabilitation",
        "2005-03-09",
        "Decision rationale: MTUS 2009 states",  # from the original text
    ]:
        assert text in page


def test_letter_page_reads_the_letter_in_six_queries(client, corpus, django_assert_num_queries):
    """The letter, its reviewer states and specialties, parse issues, items (with their drug
    names) and hand corrections: each query on a large table is a disk read at a million."""
    letter = Letter.objects.get(source_file__endswith="002_1d16f4ec2548c5a7.txt")
    assert letter.items.exclude(medication=None).exists()
    with django_assert_num_queries(6):
        page = client.get(f"/determinations/{letter.pk}/").content.decode()
    assert "hydrocodone/acetaminophen" in page


def test_letter_text_is_escaped(client, tmp_path):
    hostile = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()
    hostile = hostile.replace(
        "Metaxalone 375 mg #60:", "<script>alert(1)</script> Metaxalone 375 mg #60:"
    )
    (tmp_path / "x.txt").write_text(hostile)
    ingest_paths([tmp_path])

    page = client.get(f"/determinations/{Letter.objects.get().pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_letter_is_a_404(client):
    assert client.get("/determinations/999999/").status_code == 404


def test_admin_is_for_staff_only(client, corpus):
    assert client.get("/admin/determinations/letter/").status_code == 302
    client.force_login(User.objects.create_user("reader", password="pw-reader-1"))
    assert client.get("/admin/determinations/letter/").status_code == 302


def test_admin_shows_letters_and_items(admin_client, corpus):
    letter = Letter.objects.get(source_file__endswith="004_52611e9ec23d94f9.txt")
    item = DisputedItem.objects.get(label="Medrol Dose Pack")

    assert (
        "Zanaflex"
        in admin_client.get(f"/admin/determinations/letter/{letter.pk}/change/").content.decode()
    )
    assert admin_client.get("/admin/determinations/letter/?parse_status=warning").status_code == 200
    assert (
        admin_client.get(f"/admin/determinations/disputeditem/{item.pk}/change/").status_code == 200
    )


def test_an_admin_edit_is_searchable_at_once(admin_client, corpus):
    item = DisputedItem.objects.get(label="Medrol Dose Pack")
    assert "0 disputed items" in admin_client.get("/", {"q": "prednisolone"}).content.decode()
    data = {
        "letter": item.letter_id,
        "position": item.position,
        "label": "Medrol Dose Pack (prednisolone taper)",
        "decision": item.decision,
        "claims_administrator_guideline": item.claims_administrator_guideline,
        "reviewer_guideline": item.reviewer_guideline,
        "guideline_source": item.guideline_source,
        "rationale": item.rationale,
        "treatment": item.treatment,
        "medication": item.medication_id,
        "drug_class": item.drug_class_id,
        "category": item.category,
        "strength": "",
        "quantity": "",
        "refills": "",
    }
    response = admin_client.post(f"/admin/determinations/disputeditem/{item.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    page = admin_client.get("/", {"q": "prednisolone"}).content.decode()
    assert "1 disputed item" in page
    assert "Medrol Dose Pack (prednisolone taper)" in page


def test_every_page_names_the_site_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)[1]
    assert finders.find(icon)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == f"/static/{icon}"


def test_the_filters_in_use_are_listed_each_with_a_link_that_removes_it(client, corpus):
    page = client.get("/?q=pain&decision=upheld&age_min=40&injury_year_max=2013").content
    listed = dict(
        re.findall(r'<li><a href="([^"]*)" title="Remove this filter">([^<]*)<', page.decode())
    )
    assert sorted(listed.values()) == [
        "Decision: Upheld",
        "Patient age: 40 and over",
        "Words: pain",
        "Year of injury: up to 2013",
    ]
    without = {label: url for url, label in listed.items()}
    assert without["Words: pain"] == "?decision=upheld&amp;age_min=40&amp;injury_year_max=2013"
    assert (
        without["Patient age: 40 and over"]
        == "?q=pain&amp;decision=upheld&amp;injury_year_max=2013"
    )
    assert "Filters in use" not in client.get("/").content.decode()


def test_a_fact_the_letter_does_not_state_is_said_so(client, corpus):
    Letter.objects.update(patient_age=None, ur_denial_date=None)
    page = client.get("/").content.decode()
    assert "age not stated" in page and "UR denial date not stated" in page
    assert "age ?" not in page and "UR denial ?" not in page


def test_parse_issues_name_fields_as_people_do(client, corpus):
    letter = Letter.objects.first()
    letter.parse_issues.create(field="ur_denial_date", reason="not found in the letter")
    letter.parse_issues.create(field="decision", item_position=1, reason="not found for this item")
    page = client.get(f"/determinations/{letter.pk}/").content.decode()
    assert "UR denial date: not found in the letter" in page
    assert "Decision (item 2): not found for this item" in page
    assert "ur_denial_date" not in page


@pytest.mark.parametrize("page", ["search", "letter"])
def test_the_page_heading_comes_before_the_compare_tray(client, corpus, page):
    item = DisputedItem.objects.first()
    path = "/" if page == "search" else f"/determinations/{item.letter_id}/"
    html = client.get(f"{path}?items={item.pk}").content.decode()
    assert 0 < html.index("<h1") < html.index('id="tray-heading"')


def test_query_words_are_marked_in_each_rationale_as_in_the_original_text(client, corpus):
    item = DisputedItem.objects.filter(rationale__icontains="guidelines").first()
    page = client.get(f"/determinations/{item.letter_id}/?q=guidelines").content.decode()
    card = page[page.index(f'id="item-{item.pk}"') :]
    rationale = card[card.index('<div class="rationale">') : card.index("</div>")]
    assert "<mark>guidelines</mark>" in rationale.lower()


def test_a_brand_name_match_says_which_name_matched(client, corpus):
    def reasons(q: str) -> dict[str, str]:
        """Each result's label and the reason it gives for matching ('' for none)."""
        page = client.get("/", {"q": q}).content.decode()
        rows = page.split('<li class="result"')[1:]
        return {
            re.search(r"#item-\d+\">([^<]+)</a>", row)[1]: next(
                iter(re.findall(r'class="meta why">([^<]+)<', row)), ""
            )
            for row in rows
        }

    assert reasons("flexeril")["Amrix 15 milligrams #40, for the lumbar"] == (
        "Matched “flexeril”, a name of cyclobenzaprine"
    )
    by_amrix = reasons("AMRIX")
    assert by_amrix["Amrix 15 milligrams #40, for the lumbar"] == ""  # the label shows it
    assert by_amrix["Flexeril"] == "Matched “AMRIX”, a name of cyclobenzaprine"


def test_a_submitted_form_lands_on_its_canonical_address(client, corpus):
    response = client.get("/?q=&age_min=&age_max=+&sort=relevance&decision=upheld&page=")
    assert (response.status_code, response["Location"]) == (302, "/?decision=upheld")
    assert client.get("/?sort=relevance&q=")["Location"] == "/"
    assert client.get("/?sort=newest&decision=upheld").status_code == 200
    bad = client.get("/?decision=sideways")  # kept, so that the page can name it
    assert bad.status_code == 200 and "sideways" in bad.content.decode()
