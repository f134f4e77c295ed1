"""`/determinations/<id>/`: one letter, its disputed items and its original text."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from determinations.compare import Tray, similar_links, tray_context
from determinations.models import Letter
from determinations.search.highlight import highlight_words
from determinations.search.query import parse_query
from determinations.similarity import MIN_SIMILARITY
from determinations.store import WHOLE_ITEM


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
    items = letter.items.all()
    corrected = _corrected_fields(letter)
    for item in items:
        item.similar_links = similar_links(item)
        item.corrected_fields = corrected.get(item.position, [])
    query = parse_query(request.GET.get("q", ""))
    tray = Tray.from_params(request.GET)
    back = request.GET.copy()
    back.setlist("items", [str(pk) for pk in tray.ids])
    context = {
        "letter": letter,
        "q": request.GET.get("q", "")[:500],
        "search_url": reverse("determinations:search") + _query(back, keep=("q", "items")),
        "original_text": highlight_words(letter.original_text, query.words()),
        "corrected_fields": corrected.get(None, []),
        "min_similarity_percent": round(MIN_SIMILARITY * 100),
        **tray_context(tray, request.GET, items, anchor="item"),
    }
    return render(request, "determinations/letter_detail.html", context)


def _corrected_fields(letter: Letter) -> dict[int | None, list[str]]:
    """The fields a person corrected, by item position (None: the letter's own fields)."""
    fields: dict[int | None, list[str]] = {}
    for position, name in letter.corrections.order_by("field").values_list(
        "item_position", "field"
    ):
        label = "the item itself" if name == WHOLE_ITEM else name.replace("_", " ")
        if label not in fields.setdefault(position, []):
            fields[position].append(label)
    return fields


def _query(params, keep: tuple[str, ...]) -> str:
    kept = params.copy()
    for name in list(kept):
        if name not in keep:
            kept.pop(name)
    return "?" + kept.urlencode() if kept else ""
