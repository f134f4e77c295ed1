"""Partly authorized items and the header's facts, stored and shown on the letter and
compare pages (tests/fixtures/layout_letters/standard_partly_authorized.txt)."""

from __future__ import annotations

from datetime import date

import pytest

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from tests import letters

pytestmark = pytest.mark.django_db
LETTER = letters.LAYOUT_LETTERS / "standard_partly_authorized.txt"


@pytest.fixture
def letter(tmp_path):
    (tmp_path / LETTER.name).write_bytes(LETTER.read_bytes())
    ingest_paths([tmp_path])
    return Letter.objects.get()


def test_the_remaining_portion_is_the_item_and_the_rest_is_kept(letter):
    therapy, baclofen, xray, _ = letter.items.all()
    assert therapy.label == "Physical therapy to the lumbar spine 2 times a week for 2 weeks (4)"
    assert therapy.original_request == (
        "Physical therapy to the lumbar spine 2 times a week for 3 weeks (6)"
    )
    assert therapy.authorized_portion == (
        "Physical therapy to the lumbar spine 2 times a week for 1 week (2)"
    )
    assert (baclofen.label, baclofen.decision) == ("Baclofen 10mg #3", "overturned")
    assert (xray.original_request, xray.authorized_portion) == ("", "")


def test_the_header_facts_are_stored(letter):
    assert letter.decision_date == date(2017, 2, 3)
    assert letter.date_assigned == date(2017, 1, 9)
    assert letter.application_received_date == date(2016, 12, 22)
    assert letter.priority == Letter.Priority.EXPEDITED


def test_letter_page_shows_the_original_request_and_the_header(client, letter):
    page = client.get(f"/determinations/{letter.pk}/").content.decode()
    assert "<dt>Original request</dt><dd>Baclofen 10mg #30</dd>" in page
    assert "<dt>Authorized by the claims administrator</dt><dd>Baclofen 10mg #27</dd>" in page
    assert "<dt>Priority</dt><dd>Expedited</dd>" in page
    assert "<dt>Decided</dt><dd>2017-02-03</dd>" in page
    assert "<dt>Application received</dt><dd>2016-12-22</dd>" in page
    assert page.count("<dt>Original request</dt>") == 2  # not on the two whole items


def test_compare_page_shows_the_original_request(client, letter):
    baclofen, xray = DisputedItem.objects.filter(
        label__in=["Baclofen 10mg #3", "X-ray of the left knee"]
    )
    page = client.get(f"/compare/?items={baclofen.pk}&items={xray.pk}").content.decode()
    assert "<dt>Original request</dt><dd>Baclofen 10mg #30</dd>" in page
    assert page.count("<dt>Original request</dt>") == 1
