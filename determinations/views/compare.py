"""`/compare/?items=<id>&items=<id>`: two to four disputed items side by side."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from determinations.compare import (
    MAX_COMPARED,
    MIN_COMPARED,
    Tray,
    compared_columns,
    tray_query,
)
from determinations.rationales.shared import MIN_SHARED_WORDS
from determinations.similarity import MIN_SIMILARITY


def compare_page(request: HttpRequest) -> HttpResponse:
    """One column per item, shared passages marked; bad or missing ids become notices."""
    tray, columns = compared_columns(request.GET)
    notices = list(tray.notices)
    if len(columns) == 1:
        notices.append(
            "Add at least one more item to compare: use “Compare with this” below, or "
            "“Add to compare” on search results and letter pages."
        )
    shown = Tray(ids=[column.item.pk for column in columns])
    context = {
        "columns": columns,
        "notices": notices,
        "all_shared_label": "both" if len(columns) == 2 else f"all {len(columns)}",
        "max_compared": MAX_COMPARED,
        "min_shared_words": MIN_SHARED_WORDS,
        "min_similarity_percent": round(MIN_SIMILARITY * 100),
        "min_compared": MIN_COMPARED,
        "search_url": reverse("determinations:search") + tray_query(shown),
    }
    return render(request, "determinations/compare.html", context)
