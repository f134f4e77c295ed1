"""`/feed.atom?<search parameters>`: the disputed items a search finds, newest added first,
for a feed reader to follow the search (issue 31)."""

from __future__ import annotations

import re

import numpy as np
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import Truncator

from determinations.models import DisputedItem
from determinations.search import SearchPage, search

ENTRIES = 50
EXCERPT_WORDS = 60
# Characters XML 1.0 cannot hold: a query or a letter's text may carry them (`\x1b` from a
# PDF), and the feed writer refuses them with an error.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class SearchFeed(Feed):
    """The newest items matching the search page's parameters, each linked to its letter.

    An entry's id is its link, the letter page's anchor for the item: an item keeps its id
    through a re-parse (`ingest/store.py` updates items in place), so a reader polling the
    feed sees only items it has not seen.
    """

    feed_type = Atom1Feed
    author_name = "IMR Determinations Explorer"  # Atom (RFC 4287) wants a feed's author

    def get_object(self, request: HttpRequest) -> SearchPage:
        """The search as the search page reads it: its filters in words, its notices."""
        params = request.GET.copy()
        params.pop("page", None)  # a feed has no pages: no notice about one
        return search(params, per_page=1)

    def items(self, found: SearchPage) -> QuerySet:
        # The items the page found, from its own evaluation; item ids are given as items are
        # stored, so the highest are the newest added (no sort of every match by a date).
        matched = found.page.paginator.object_list.ids
        if len(matched) > ENTRIES:
            matched = matched[np.argpartition(matched, -ENTRIES)[-ENTRIES:]]
        items = DisputedItem.objects.filter(pk__in=matched.tolist())
        items = items.select_related("letter", "medication").order_by("-pk")
        return items.defer("letter__original_text", "letter__summary", "letter__diagnoses")

    def title(self, found: SearchPage) -> str:
        said = "; ".join(active.label for active in found.active)
        return _xml_text(f"IMR determinations: {said or 'every disputed item'}")

    def subtitle(self, found: SearchPage) -> str:
        notices = " ".join(found.notices)
        about = f"The {ENTRIES} newest disputed items this search finds, by when they were added."
        return _xml_text(f"{about} {notices}".strip())

    def link(self, found: SearchPage) -> str:
        return _with_query(reverse("determinations:search"), found.links.urlencode())

    def feed_url(self, found: SearchPage) -> str:
        return _with_query(reverse("determinations:feed"), found.links.urlencode())

    def item_title(self, item: DisputedItem) -> str:
        return _xml_text(f"{item.label}: {item.get_decision_display() or 'no decision found'}")

    def item_description(self, item: DisputedItem) -> str:
        medication = item.medication.generic_name if item.medication else "none named"
        return _xml_text(
            format_html(
                "<p>Case {} · {}</p><p>Decision: {} · Medication: {}</p><p>{}</p>",
                item.letter.case_number or "number not found",
                item.get_category_display(),
                item.get_decision_display() or "not found",
                medication,
                Truncator(item.rationale).words(EXCERPT_WORDS),
            ),
        )

    def item_link(self, item: DisputedItem) -> str:
        letter = reverse("determinations:letter_detail", args=[item.letter_id])
        return f"{letter}#item-{item.pk}"

    def item_pubdate(self, item: DisputedItem):
        return item.letter.ingested_at

    def item_updateddate(self, item: DisputedItem):
        return item.letter.ingested_at


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _xml_text(text: str) -> str:
    return NOT_XML.sub("", text)
