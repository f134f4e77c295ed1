"""`/feed.atom`: a search followed in a feed reader; `/cases/<case number>/`: a case's
address. Both databases."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import feedparser
import pytest
from django.db import connection
from hypothesis import given

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from determinations.views.feeds import ENTRIES
from tests import letters
from tests.test_hostile import HYPOTHESIS, QUERIES, SCRIPT
from tests.test_read_only import WRITES, every_statement

pytestmark = pytest.mark.django_db
ABOUT = f"The {ENTRIES} newest disputed items this search finds, by when they were added."
ONE_ITEM_LETTER = letters.FIXTURE_LETTERS / "professional_review_single.txt"
# The seed letters carry no case number; these two do.
NUMBERED = [
    letters.FIXTURE_LETTERS / f"{name}.txt"
    for name in ("standard_header_multi", "decisions_layout_numbered")
]


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS, *NUMBERED])


def read_feed(client, query: str = ""):
    response = client.get(f"/feed.atom?{query}" if query else "/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entry_id(item: DisputedItem) -> str:
    return f"http://testserver/determinations/{item.letter_id}/#item-{item.pk}"


def newest_first(items) -> list[DisputedItem]:
    return list(items.select_related("letter").order_by("-pk"))


def test_feed_lists_every_item_newest_added_first(client, corpus):
    feed = read_feed(client)

    items = newest_first(DisputedItem.objects.all())
    assert len(items) == 14
    assert feed.feed.title == "IMR determinations: every disputed item"
    assert feed.feed.subtitle == ABOUT
    assert feed.feed.author == "IMR Determinations Explorer"
    assert [entry.id for entry in feed.entries] == [entry_id(item) for item in items]
    assert [entry.link for entry in feed.entries] == [entry_id(item) for item in items]
    assert [entry.title for entry in feed.entries] == [
        f"{item.label}: {item.get_decision_display()}" for item in items
    ]
    for entry, item in zip(feed.entries, items, strict=True):
        added = item.letter.ingested_at.replace(microsecond=0).utctimetuple()
        assert entry.published_parsed == entry.updated_parsed == added


def test_entry_says_decision_medication_and_rationale(client, corpus):
    item = DisputedItem.objects.exclude(letter__case_number="").exclude(medication=None).first()

    entry = next(e for e in read_feed(client).entries if e.id == entry_id(item))

    summary = entry.summary
    assert f"Case {item.letter.case_number} · Pharmaceutical" in summary
    assert f"Decision: {item.get_decision_display()} · Medication: {item.medication}" in summary
    assert " ".join(item.rationale.split()[:20]) in " ".join(summary.split())
    assert len(summary) < len(item.rationale) + 200


def test_entry_links_open_the_letter_at_the_item(client, corpus):
    for entry in read_feed(client).entries:
        path, anchor = urlsplit(entry.link).path, urlsplit(entry.link).fragment
        page = client.get(path)
        assert page.status_code == 200
        assert f'id="{anchor}"' in page.content.decode()


def test_feed_holds_only_the_matching_items_and_says_the_search(client, corpus):
    feed = read_feed(client, "decision=overturned&q=medical")

    matching = DisputedItem.objects.filter(decision="overturned", rationale__icontains="medical")
    assert matching.exists()
    assert [entry.id for entry in feed.entries] == [entry_id(i) for i in newest_first(matching)]
    assert feed.feed.title == "IMR determinations: Words: medical; Decision: Overturned"
    assert feed.feed.links[0].href == "http://testserver/?q=medical&decision=overturned"


def test_feed_keeps_its_ids_and_a_new_letter_adds_only_its_item(client, corpus):
    first = [entry.id for entry in read_feed(client).entries]
    assert [entry.id for entry in read_feed(client).entries] == first

    ingest_paths([ONE_ITEM_LETTER])

    second = [entry.id for entry in read_feed(client).entries]
    new = DisputedItem.objects.get(label="Soma 350mg #90")
    assert second == [entry_id(new), *first]


def test_feed_stops_at_its_limit(client, corpus):
    letter = Letter.objects.first()
    item = letter.items.first()
    copies = [
        DisputedItem(letter=letter, position=100 + n, label=f"Copy {n}", category=item.category)
        for n in range(ENTRIES)
    ]
    DisputedItem.objects.bulk_create(copies)

    assert DisputedItem.objects.count() > ENTRIES
    assert len(read_feed(client).entries) == ENTRIES


@pytest.mark.parametrize(
    "query, notice",
    [
        ("decision=bogus", "No decision called 'bogus': ignored."),
        ("age_min=old", "Minimum age: Enter a whole number. Ignored."),
        ("page=9999", ""),
        ("sort=sideways", "Sort by: Select a valid choice. sideways is not one of the available "
         "choices. Ignored."),
        ("medication=" + "x" * 300, "Medication: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "
         "longer than 200 characters: ignored."),
        ("q=%00%3Cscript%3E", "Search: Null characters are not allowed. Ignored. The search "
         "text has only common words or punctuation: showing all items."),
    ],
)  # fmt: skip
def test_bad_parameters_are_ignored_with_the_page_notices(client, corpus, query, notice):
    feed = read_feed(client, query)

    assert feed.feed.subtitle == f"{ABOUT} {notice}".strip()
    if notice:
        assert len(feed.entries) == DisputedItem.objects.count()


def test_a_case_number_redirects_to_its_letter(client, corpus):
    letter = Letter.objects.exclude(case_number="").first()

    for typed in (letter.case_number, letter.case_number.lower()):
        response = client.get(f"/cases/{typed}/")
        assert response.status_code == 302
        assert response["Location"] == f"/determinations/{letter.pk}/"


def test_a_shared_case_number_redirects_to_the_letter_decided_last(client, corpus):
    first, second, third = Letter.objects.order_by("pk")[:3]
    number = Letter.objects.exclude(case_number="").first().case_number
    for letter, decided in ((first, date(2020, 1, 2)), (second, date(2021, 3, 4)), (third, None)):
        Letter.objects.filter(pk=letter.pk).update(case_number=number, decision_date=decided)
    Letter.objects.exclude(pk__in=[first.pk, second.pk, third.pk]).update(case_number="")

    response = client.get(f"/cases/{number}/")

    assert response["Location"] == f"/determinations/{second.pk}/"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("CM99-0000000", "No letter has the case number CM99-0000000."),
        ("nonsense", "nonsense is not a case number: they read like CM16-0213037."),
        ("%3Cscript%3E", "&lt;script&gt; is not a case number: they read like CM16-0213037."),
    ],
)
def test_an_unknown_case_number_is_not_found(client, corpus, typed, message):
    response = client.get(f"/cases/{typed}/")

    assert response.status_code == 404
    assert message in response.content.decode()


def test_the_feed_only_reads(client, corpus):
    with connection.execute_wrapper(every_statement(sent := [])):
        read_feed(client, "q=pain&decision=upheld")
    assert sent
    assert [sql for sql in sent if WRITES.match(sql)] == []


@HYPOTHESIS
@given(query=QUERIES)
def test_no_parameter_value_breaks_the_feed(client, corpus, query):
    response = client.get("/feed.atom", query)
    assert response.status_code == 200
    assert not feedparser.parse(response.content).bozo


def test_a_script_in_a_rationale_stays_text_in_the_feed(client, tmp_path):
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()
    (tmp_path / "hostile.txt").write_text(
        text.replace("Decision rationale:", f"Decision rationale: {SCRIPT} alert", 1)
    )
    ingest_paths([tmp_path])

    body = client.get("/feed.atom").content.decode()

    # the summary is HTML written as XML text: a tag of the letter is escaped twice
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in body
    assert "&lt;script&gt;" not in body


def test_control_characters_never_break_the_feed(client, tmp_path):
    """XML 1.0 holds no control characters: a query or a letter's text may carry them."""
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()
    (tmp_path / "escape.txt").write_text(
        text.replace("Decision rationale:", "Decision rationale: \x1b[0m\x0c", 1)
    )
    ingest_paths([tmp_path])
    assert DisputedItem.objects.filter(rationale__contains="\x1b").exists()

    assert read_feed(client, "q=%1Bpain%08").feed.title == "IMR determinations: Words: pain"
    feed = read_feed(client)
    assert all("\x1b" not in entry.summary for entry in feed.entries)
