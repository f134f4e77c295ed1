"""Search over disputed items: the filtered, ordered queryset, its facets, one results page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.safestring import SafeString

from determinations.search.backends import backend
from determinations.search.facets import Facet, range_facets, value_facets
from determinations.search.filters import ItemFilter
from determinations.search.highlight import marked_html
from determinations.search.query import SearchQuery

RESULTS_PER_PAGE = 20


@dataclass
class SearchPage:
    """Everything the search page shows for one set of parameters."""

    filters: ItemFilter
    query: SearchQuery
    page: Page
    facets: list[Facet]
    ranges: list[Facet]
    snippets: dict[int, SafeString] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def ordered_items(filters: ItemFilter) -> QuerySet:
    """The items matching ``filters`` in the order they asked for (search page and exports)."""
    items = filters.filtered()
    query = filters.search_query
    if filters.ordering == "relevance" and not query.is_empty:
        return backend().ranked(items, query).order_by("-rank", "letter_id", "position")
    denial = F("letter__ur_denial_date")
    if filters.ordering == "oldest":
        return items.order_by(denial.asc(nulls_last=True), "letter_id", "position")
    return items.order_by(denial.desc(nulls_last=True), "-letter_id", "position")


def search(params: QueryDict, per_page: int = RESULTS_PER_PAGE) -> SearchPage:
    """Run the search the parameters describe; bad parameters become notices, never errors."""
    filters = ItemFilter(params)
    items = ordered_items(filters).select_related("letter", "medication", "drug_class")
    items = items.prefetch_related("letter__reviewer_specialties")
    page, page_notice = _page(Paginator(items, per_page), params.get("page"))
    page.object_list = list(page.object_list)
    query = filters.search_query
    snippets = {}
    if query.groups:
        found = backend().snippets([item.pk for item in page.object_list], query)
        snippets = {pk: marked_html(text) for pk, text in found.items() if text}
    for item in page.object_list:
        item.snippet = snippets.get(item.pk)
    notices = [*filters.notices, *([page_notice] if page_notice else [])]
    if params.get("q", "").strip() and query.is_empty:
        notices.append("The search text has only common words or punctuation: showing all items.")
    return SearchPage(
        filters=filters,
        query=query,
        page=page,
        facets=value_facets(filters, params),
        ranges=range_facets(filters, params),
        snippets=snippets,
        notices=notices,
    )


def _page(paginator: Paginator, number: str | None) -> tuple[Page, str]:
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return paginator.page(1), f"Page {number[:20]!r} is not a page number: showing page 1."
    except EmptyPage:
        last = paginator.num_pages
        return paginator.page(
            last
        ), f"There is no page {number[:20]}: showing page {last}, the last."
