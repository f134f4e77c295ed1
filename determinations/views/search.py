"""`/`: faceted full-text search over disputed items."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from determinations.compare import TRAY_PARAM, Tray, tray_context, tray_query
from determinations.search import SearchPage, search
from determinations.search.filters import DEFAULT_SORT
from determinations.search.urls import with_values


def search_page(request: HttpRequest) -> HttpResponse:
    """Parameters in, one page of results with facets out (the URL is the whole state).

    Every link of the page carries the parameters the search used, as cleaned (`result.links`),
    never the request's own query string.
    """
    canonical = _without_unused(request.GET)
    if canonical != request.GET:
        return redirect(f"{request.path}?{canonical.urlencode()}" if canonical else request.path)
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


def _without_unused(params: QueryDict) -> QueryDict:
    """``params`` without what a form sends but does not use: empty boxes and the default
    order. Every other value stays, so that a bad one is still named in a notice."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        used = [v for v in values if v.strip() and not (name == "sort" and v == DEFAULT_SORT)]
        if used:
            kept.setlist(name, used)
    return kept


def _page_url(result: SearchPage, number: int | bool) -> str:
    return with_values(result.links, page=number) if number else ""


def _export_query(result: SearchPage) -> str:
    """The parameters the page used (bad ones dropped), for its export links."""
    params = result.links.copy()
    params.pop(TRAY_PARAM, None)
    return params.urlencode()
