"""`/determinations/<id>/`: one letter, its disputed items and its original text;
`/determinations/<id>/original.pdf`: the PDF it was ingested from; and
`/items/<id>/similar/`: the rationales of other letters most like one item's."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from determinations.compare import Tray, similar_links, tray_context, tray_query
from determinations.ingest.pdf import kept_pdf_path
from determinations.ingest.store import WHOLE_ITEM
from determinations.models import DisputedItem, Letter
from determinations.search.highlight import highlight_words
from determinations.search.query import MAX_QUERY_LENGTH, parse_query
from determinations.similarity import MIN_SIMILARITY


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Structured fields, each disputed item, and the original text (query words marked).

    Each item's similar rationales are not looked up here: the page loads them from
    `similar_to_item` once it is shown (`letter.js`), or links to them without scripts: at a
    million letters, finding them (some sixty candidates an item, read from disk) costs
    several times what the rest of the page does.
    """
    letter = get_object_or_404(
        Letter.objects.prefetch_related(
            "reviewer_states",
            "reviewer_specialties",
            "parse_issues",
            # one query for the items with their drug names, not one per table
            Prefetch("items", DisputedItem.objects.select_related("medication", "drug_class")),
        ),
        pk=pk,
    )
    items = letter.items.all()
    corrected = _corrected_fields(letter)
    q = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    query = parse_query(q)
    for item in items:
        item.corrected_fields = corrected.get(item.position, [])
        item.marked_rationale = highlight_words(item.rationale, query.words())
    tray = Tray.from_params(request.GET)
    here = QueryDict(mutable=True)  # what the page's tray links keep: its query, nothing else
    if q:
        here["q"] = q
    context = {
        "letter": letter,
        "q": q,
        "search_url": reverse("determinations:search") + tray_query(tray, q),
        "original_text": highlight_words(letter.original_text, query.words()),
        "corrected_fields": corrected.get(None, []),
        **tray_context(tray, here, items, anchor="item"),
    }
    return render(request, "determinations/letter_detail.html", context)


# Chromium shows a PDF in a plugin that the PDF response's own policy must allow
# (object-src); the site's pages keep object-src 'none'.
@csp_replace({"object-src": [SELF]})
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The original PDF of letter ``pk``, shown in the browser (404 for a text letter, or
    when the file is not kept under `IMR_PDF_ROOT`)."""
    letter = get_object_or_404(
        Letter.objects.only("case_number", "content_hash"),
        pk=pk,
        source_format=Letter.SourceFormat.PDF,
    )
    try:
        original = kept_pdf_path(settings.IMR_PDF_ROOT, letter.content_hash).open("rb")
    except FileNotFoundError:
        raise Http404("The original PDF of this letter is not kept here.") from None
    return FileResponse(
        original, content_type="application/pdf", filename=f"{letter.case_number or pk}.pdf"
    )


def similar_to_item(request: HttpRequest, pk: int) -> HttpResponse:
    """The five rationales of other letters most like item ``pk``'s, with compare links."""
    item = get_object_or_404(DisputedItem.objects.select_related("letter"), pk=pk)
    context = {
        "item": item,
        "links": similar_links(item),
        "min_similarity_percent": round(MIN_SIMILARITY * 100),
    }
    return render(request, "determinations/similar.html", context)


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
