"""`/determinations/<id>/`: one letter, its disputed items and its original text."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from determinations.models import Letter
from determinations.search.highlight import highlight_words
from determinations.search.query import parse_query


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Structured fields, each disputed item, and the original text (query words marked)."""
    letter = get_object_or_404(
        Letter.objects.prefetch_related(
            "reviewer_states",
            "reviewer_specialties",
            "parse_issues",
            "items__medication",
            "items__drug_class",
        ),
        pk=pk,
    )
    query = parse_query(request.GET.get("q", ""))
    context = {
        "letter": letter,
        "q": request.GET.get("q", "")[:500],
        "original_text": highlight_words(letter.original_text, query.words()),
    }
    return render(request, "determinations/letter_detail.html", context)
