"""Search over disputed items: the filtered, ordered queryset, its facets, one results page."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from cachetools import LRUCache, cached
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, QuerySet
from django.http import QueryDict

from determinations.models import DisputedItem, Letter
from determinations.search import backends, common_words
from determinations.search.backends import ascending, backend, ranks_of
from determinations.search.columns import ItemColumns, item_columns
from determinations.search.engine import Evaluation, TextMatches
from determinations.search.facets import (
    ActiveFilter,
    Facet,
    active_filters,
    range_facets,
    value_facets,
)
from determinations.search.filters import ItemFilter
from determinations.search.highlight import marked_html
from determinations.search.query import SearchQuery
from determinations.search.urls import used_parameters

RESULTS_PER_PAGE = 20
RECENT_QUERIES = 32


@dataclass
class SearchPage:
    """Everything the search page shows for one set of parameters."""

    filters: ItemFilter
    query: SearchQuery
    page: Page
    facets: list[Facet]
    ranges: list[Facet]
    # What the page's links carry: the parameters it used, as cleaned, and the carried ones.
    links: QueryDict
    notices: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[ActiveFilter]:
        """The filters in use, each with a link that removes it."""
        return active_filters(self.facets, self.ranges, self.links)


def ordered_items(filters: ItemFilter) -> QuerySet:
    """The items matching ``filters`` in the order they asked for, in SQL (exports stream it;
    the search page computes the same order in memory, see `engine.py`)."""
    items = filters.filtered()
    query = filters.search_query
    if filters.ordering == "relevance":
        return backend().ranked(items, query).order_by("-rank", "letter_id", "position")
    denial = F("letter__ur_denial_date")
    if filters.ordering == "oldest":
        return items.order_by(denial.asc(nulls_last=True), "letter_id", "position")
    return items.order_by(denial.desc(nulls_last=True), "-letter_id", "position")


def search(
    params: QueryDict, per_page: int = RESULTS_PER_PAGE, carried: QueryDict | None = None
) -> SearchPage:
    """Run the search the parameters describe; bad parameters become notices, never errors.

    ``carried``: parameters of the page's other features its links keep (the compare tray).
    """
    filters = ItemFilter(params)
    links = used_parameters(filters.form)
    for name, values in (carried or QueryDict()).lists():
        links.setlist(name, values)
    query = filters.search_query
    evaluation, text, rows = matched_rows(filters)
    columns = evaluation.columns
    page, page_notice = _page(
        Paginator(ItemsByRow(columns.ids[rows]), per_page), params.get("page")
    )
    _mark_matches(page.object_list, query, filters.form.cleaned_data.get("q"))
    notices = [*filters.notices, *([page_notice] if page_notice else [])]
    notices += _search_notices(params, query, text, columns, filters.ordering)
    return SearchPage(
        filters=filters,
        query=query,
        page=page,
        facets=value_facets(filters, evaluation, links),
        ranges=range_facets(evaluation, links),
        links=links,
        notices=notices,
    )


def matched_rows(filters: ItemFilter) -> tuple[Evaluation, TextMatches | None, np.ndarray]:
    """The evaluation of ``filters`` over the item columns, the items its words match, and
    the rows of the items it matches in the order asked for: the search page's results before
    a page is cut from them (the API walks them by cursor)."""
    columns = item_columns()
    text = text_matches(filters.search_query, columns, rank=filters.ordering == "relevance")
    evaluation = Evaluation(columns, filters.form.cleaned_data, text)
    return evaluation, text, evaluation.ordered_rows(filters.ordering)


def _mark_matches(items: list[DisputedItem], query: SearchQuery, typed: str | None) -> None:
    """Give each item on the page its snippet with the query's words marked, and the other
    name of its medication the query matched."""
    snippets = {}
    if query.groups:
        found = backend().snippets([item.pk for item in items], query)
        snippets = {pk: marked_html(text) for pk, text in found.items() if text}
    for item in items:
        item.snippet = snippets.get(item.pk)
        item.matched_name = _other_name_matched(item, query, typed)


def _search_notices(
    params: QueryDict,
    query: SearchQuery,
    text: TextMatches | None,
    columns: ItemColumns,
    ordering: str,
) -> list[str]:
    """What the page says about how it searched: ranking cut short, columns being reloaded,
    a query of common words only, case numbers not found."""
    notices = []
    ranked_only_some = text is not None and len(text.ids) > backends.RANK_LIMIT
    if ordering == "relevance" and ranked_only_some:
        notices.append(
            f"{len(text.ids):,} items contain these words: the {backends.RANK_LIMIT:,} most "
            "recently added are ordered by relevance, the others follow them. "
            "Add words or filters to narrow."
        )
    if columns.superseded:
        notices.append(
            "Letters were added or changed a moment ago: until this page catches up (seconds), "
            "its counts and filters are those from just before."
        )
    if params.get("q", "").strip() and query.is_empty:
        notices.append("The search text has only common words or punctuation: showing all items.")
    return notices + _unknown_case_numbers(query)


def _other_name_matched(item: DisputedItem, query: SearchQuery, typed: str | None) -> str:
    """A brand name or synonym of the item's medication that the query looked for and the
    item's label does not show ("Flexeril" for an Amrix item), as it was typed: why the item
    matched."""
    if item.medication is None or not typed:
        return ""
    words = {word.lower() for word in query.words()}
    shown = f"{item.label} {item.medication.generic_name}".lower()
    for name in item.medication.search_names.split():
        if name in words and name not in shown:
            as_typed = re.search(rf"\b{re.escape(name)}\b", typed, re.I)
            return as_typed[0] if as_typed else name
    return ""


class ItemsByRow(Sequence):
    """Item ids in result order; a slice loads just those items (what Paginator asks for)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        wanted = self.ids[index].tolist()
        if not isinstance(index, slice):
            wanted = [wanted]
        found = DisputedItem.objects.select_related("letter", "medication", "drug_class")
        found = found.prefetch_related("letter__reviewer_specialties").in_bulk(wanted)
        items = [found[pk] for pk in wanted if pk in found]
        return items if isinstance(index, slice) else items[0]


def _recent_key(query: SearchQuery, columns: ItemColumns, rank: bool) -> tuple:
    cases = (tuple(query.case_numbers), tuple(query.excluded_case_numbers))
    return (columns.version, query.to_websearch(), cases, rank)


@cached(LRUCache(RECENT_QUERIES), key=_recent_key, lock=threading.Lock())
def text_matches(query: SearchQuery, columns: ItemColumns, rank: bool) -> TextMatches | None:
    """The items a query matches, remembered per corpus version for the next few requests.

    Ticking facets and paging repeat the same words: only the first request pays for the
    full-text query. Words found in many items come from their bitmaps (`common_words`).
    """
    if query.is_empty:
        return None
    if query.has_case_numbers:
        return _within_letters(query, columns, rank)
    return _words_matched(query, columns, rank)


def _words_matched(query: SearchQuery, columns: ItemColumns, rank: bool) -> TextMatches:
    """The items the query's words match, from the bitmaps of common words or the index."""
    ids = common_words.matched_ids(query, columns)
    if ids is None:
        ids, ranks = backend().ranked_ids(query, rank=rank)
    else:
        newest = ids[-backends.RANK_LIMIT :].tolist() if rank and query.groups else []
        ranks = ranks_of(ids, backend().rank_items(newest, query))
    ids, ranks = np.asarray(ids, dtype=np.int64), np.asarray(ranks, dtype=np.float64)
    if not ascending(ids):  # the databases send them in order; sort only if not
        order = np.argsort(ids, kind="stable")
        ids, ranks = ids[order], ranks[order]
    return TextMatches(ids, ranks)


def _within_letters(query: SearchQuery, columns: ItemColumns, rank: bool) -> TextMatches:
    """The items of the query's case numbers' letters (any of them; every item when it only
    excludes some) that its words match, the few left ranked by those words alone (the
    same as `ItemFilter.filter_text` in SQL)."""
    if query.case_numbers:
        ids = case_items(query.case_numbers)
    else:
        ids = columns.ids
    if query.excluded_case_numbers:
        ids = np.setdiff1d(ids, case_items(query.excluded_case_numbers), assume_unique=True)
    if not query.has_text:
        return TextMatches(ids, np.zeros(len(ids)))
    if not query.case_numbers:  # only exclusions: the words' own matches and ranks, less some
        words = _words_matched(query, columns, rank)
        kept = np.isin(words.ids, ids, assume_unique=True)
        return TextMatches(words.ids[kept], words.ranks[kept])
    ids = np.intersect1d(ids, _words_matched(query, columns, rank=False).ids, assume_unique=True)
    newest = ids[-backends.RANK_LIMIT :].tolist() if rank and query.groups else []
    return TextMatches(ids, ranks_of(ids, backend().rank_items(newest, query)))


def case_items(case_numbers: list[str]) -> np.ndarray:
    """The ids of the items of the letters with these case numbers, ascending."""
    items = DisputedItem.objects.filter(letter__case_number__in=case_numbers)
    return np.array(items.order_by("id").values_list("id", flat=True), dtype=np.int64)


def _unknown_case_numbers(query: SearchQuery) -> list[str]:
    """A notice naming the case numbers of the query that no letter has."""
    if not query.case_numbers:
        return []
    letters = Letter.objects.filter(case_number__in=query.case_numbers)
    known = set(letters.values_list("case_number", flat=True))
    unknown = [number for number in query.case_numbers if number not in known]
    return [f"No letter has the case number {', '.join(unknown)}."] if unknown else []


def forget_recent_matches() -> None:
    """Empty the per-process memory of recent text matches and of common-word bitmaps
    (benchmarks measure cold runs)."""
    text_matches.cache_clear()
    common_words.forget_bitmaps()


def _page(paginator: Paginator, number: str | None) -> tuple[Page, str]:
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return paginator.page(1), f"Page {number[:20]!r} is not a page number: showing page 1."
    except EmptyPage:
        if int(number) < 1:
            return paginator.page(1), f"There is no page {number[:20]}: showing page 1."
        last = paginator.num_pages
        return paginator.page(
            last
        ), f"There is no page {number[:20]}: showing page {last}, the last."
