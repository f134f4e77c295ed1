"""`/boilerplate/?<search params>`: the passages many rationales repeat, and how they end."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from determinations.models import CorpusVersion
from determinations.rationales.boilerplate import PASSAGE_WORDS, Passage, frequent_passages
from determinations.search.filters import ItemFilter
from determinations.search.urls import used_parameters

SAMPLE = 2000  # rationales read per page: the most recent of those the search matches
SHOWN = 25
PHRASE_WORDS = 20  # a search link quotes at most this many words of a passage


@dataclass
class RepeatedPassage:
    """A passage, how many sampled rationales hold it, and how their items were decided."""

    passage: Passage
    upheld: int
    overturned: int
    search_url: str

    @property
    def count(self) -> int:
        return len(self.passage.item_ids)

    @property
    def upheld_percent(self) -> int:
        decided = self.upheld + self.overturned
        return round(100 * self.upheld / decided) if decided else 0


def boilerplate_page(request: HttpRequest) -> HttpResponse:
    """The most repeated passages among the rationales the search parameters match."""
    filters = ItemFilter(request.GET)
    params = used_parameters(filters.form)
    params.pop("sort", None)
    search = hashlib.sha256(params.urlencode().encode()).hexdigest()
    key = f"boilerplate:{CorpusVersion.current()}:{search}"
    found = cache.get(key)
    if found is None:
        found = _repeated_passages(filters, params)
        cache.set(key, found, 600)
    sampled, matching, passages = found
    context = {
        "filters": filters,
        "notices": filters.notices,
        "passages": passages,
        "sampled": sampled,
        "matching": matching,
        "search_url": reverse("determinations:search") + "?" + params.urlencode(),
        "min_count": _min_count(sampled),
        "passage_words": PASSAGE_WORDS,
    }
    return render(request, "determinations/boilerplate.html", context)


def _repeated_passages(filters: ItemFilter, params: QueryDict):
    items = filters.filtered()
    newest = items.order_by(
        F("letter__ur_denial_date").desc(nulls_last=True), "-letter_id", "position"
    )
    rows = list(newest.values_list("pk", "rationale", "decision")[:SAMPLE])
    decisions = {pk: decision for pk, _, decision in rows}
    passages = frequent_passages(
        [(pk, rationale) for pk, rationale, _ in rows], _min_count(len(rows)), SHOWN
    )
    repeated = []
    for passage in passages:
        held = [decisions[pk] for pk in passage.item_ids]
        repeated.append(
            RepeatedPassage(
                passage,
                upheld=held.count("upheld"),
                overturned=held.count("overturned"),
                search_url=_phrase_search(params, passage),
            )
        )
    return len(rows), items.count() if len(rows) == SAMPLE else len(rows), repeated


def _min_count(sampled: int) -> int:
    """A passage must recur in at least 3 rationales, and in 0.5% of a large sample."""
    return max(3, round(sampled * 0.005))


def _phrase_search(params: QueryDict, passage: Passage) -> str:
    search = params.copy()
    phrase = " ".join(passage.words[:PHRASE_WORDS])
    search["q"] = f'{search.get("q", "")} "{phrase}"'.strip()
    return reverse("determinations:search") + "?" + search.urlencode()
