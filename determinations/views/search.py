"""`/`: faceted full-text search over disputed items."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from determinations.compare import TRAY_PARAM, Tray, tray_context, tray_query
from determinations.search import search
from determinations.search.filters import ItemFilter
from determinations.search.urls import with_values


def search_page(request: HttpRequest) -> HttpResponse:
    """Parameters in, one page of results with facets out (the URL is the whole state)."""
    result = search(request.GET)
    page = result.page
    tray = Tray.from_params(request.GET)
    context = {
        "result": result,
        "form": result.filters.form,
        "previous_url": _page_url(request, page.has_previous() and page.previous_page_number()),
        "next_url": _page_url(request, page.has_next() and page.next_page_number()),
        "export_query": _export_query(result.filters),
        "letter_query": tray_query(tray, result.filters.form.cleaned_data.get("q") or ""),
        **tray_context(tray, request.GET, page.object_list, anchor="result"),
    }
    return render(request, "determinations/search.html", context)


def _page_url(request: HttpRequest, number: int | bool) -> str:
    return with_values(request.GET, page=number) if number else ""


def _export_query(filters: ItemFilter) -> str:
    """The parameters the page used (bad ones dropped), for its export links."""
    data = filters.form.data.copy()
    for name in [*filters.form.errors, "page", TRAY_PARAM]:
        data.pop(name, None)
    return data.urlencode()
