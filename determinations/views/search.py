"""`/`: faceted full-text search over disputed items."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from determinations.compare import TRAY_PARAM, Tray, tray_context, tray_query
from determinations.search import SearchPage, search
from determinations.search.urls import with_values


def search_page(request: HttpRequest) -> HttpResponse:
    """Parameters in, one page of results with facets out (the URL is the whole state).

    Every link of the page carries the parameters the search used, as cleaned (`result.links`),
    never the request's own query string.
    """
    tray = Tray.from_params(request.GET)
    result = search(request.GET, carried=tray.params())
    page = result.page
    here = result.links.copy()
    if page.number > 1:
        here["page"] = str(page.number)
    context = {
        "result": result,
        "form": result.filters.form,
        "previous_url": _page_url(result, page.has_previous() and page.previous_page_number()),
        "next_url": _page_url(result, page.has_next() and page.next_page_number()),
        "export_query": _export_query(result),
        "letter_query": tray_query(tray, result.filters.form.cleaned_data.get("q") or ""),
        **tray_context(tray, here, page.object_list, anchor="result"),
    }
    return render(request, "determinations/search.html", context)


def _page_url(result: SearchPage, number: int | bool) -> str:
    return with_values(result.links, page=number) if number else ""


def _export_query(result: SearchPage) -> str:
    """The parameters the page used (bad ones dropped), for its export links."""
    params = result.links.copy()
    params.pop(TRAY_PARAM, None)
    return params.urlencode()
