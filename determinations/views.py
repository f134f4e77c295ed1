"""Server-rendered pages. Each view: query, paginate, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from determinations.models import Letter

LETTERS_PER_PAGE = 50


def letter_list(request: HttpRequest) -> HttpResponse:
    """Every ingested letter, newest UR denial first (search comes with its own page)."""
    letters = Letter.objects.prefetch_related("reviewer_specialties", "items").order_by(
        "-ur_denial_date", "pk"
    )
    page = Paginator(letters, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "determinations/letter_list.html", {"page": page})


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter: structured fields, each disputed item, and the original text."""
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
    return render(request, "determinations/letter_detail.html", {"letter": letter})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 `ok` when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
