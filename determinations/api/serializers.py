"""What the API answers with: an item is its export record (SPEC: Export columns, the same
field names, lists as arrays, dates ISO, unknown as null) with its links; a letter is its
fields, its parse issues and its items."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from determinations.export_records import formatted_now, stored_records
from determinations.ingest.pdf import kept_pdf_path
from determinations.models import Letter
from determinations.search.facets import Facet

LETTER_FIELDS = [
    "case_number", "source_file", "source_format", "layout", "parse_status", "date_assigned",
    "ur_denial_date", "date_of_injury", "application_received_date", "decision_date",
    "priority", "patient_age", "patient_sex", "diagnoses", "summary", "ingested_at",
]  # fmt: skip


def item_records(request: HttpRequest, ids: list[int]) -> list[dict]:
    """The export record of each item, in the order of ``ids`` (an item deleted since the
    ids were read is left out), with its letter page and its own API address."""
    found = stored_records(ids, "json")
    if missing := [pk for pk in ids if pk not in found]:
        found |= formatted_now(missing, "json")  # every write stores one; never leave one out
    records = []
    for pk in ids:
        if pk in found:
            record = json.loads(found[pk])
            letter = reverse("determinations:letter_detail", args=[record["determination_id"]])
            record["letter_url"] = request.build_absolute_uri(f"{letter}#item-{pk}")
            record["api_url"] = request.build_absolute_uri(reverse("api:item", args=[pk]))
            records.append(record)
    return records


def letter_summary(request: HttpRequest, letter: Letter) -> dict:
    """A letter as a list shows it: its number, dates, status and addresses."""
    return {
        "determination_id": letter.pk,
        "case_number": letter.case_number or None,
        "ur_denial_date": _iso(letter.ur_denial_date),
        "decision_date": _iso(letter.decision_date),
        "parse_status": letter.parse_status,
        "letter_url": _letter_page(request, letter),
        "api_url": request.build_absolute_uri(reverse("api:letter", args=[letter.pk])),
    }


def letter_detail(request: HttpRequest, letter: Letter) -> dict:
    """A letter's fields, reviewer facts, parse issues, original's addresses and items."""
    fields = {name: getattr(letter, name) for name in LETTER_FIELDS}
    pdf_kept = letter.source_format == Letter.SourceFormat.PDF and (
        kept_pdf_path(settings.IMR_PDF_ROOT, letter.content_hash).exists()
    )
    pdf = reverse("determinations:letter_pdf", args=[letter.pk])
    item_ids = [item.pk for item in sorted(letter.items.all(), key=lambda item: item.position)]
    return {
        "determination_id": letter.pk,
        **{name: _iso(value) if value != "" else None for name, value in fields.items()},
        "reviewer_states": [state.code for state in letter.reviewer_states.all()],
        "reviewer_specialties": [specialty.name for specialty in letter.reviewer_specialties.all()],
        "parse_issues": [
            {
                "field": issue.field,
                "reason": issue.reason,
                "item_position": issue.item_position,
                "resolved": issue.resolved,
            }
            for issue in letter.parse_issues.all()
        ],
        "letter_url": _letter_page(request, letter),
        "original_text_url": _letter_page(request, letter) + "#original",
        "original_pdf_url": request.build_absolute_uri(pdf) if pdf_kept else None,
        "items": item_records(request, item_ids),
    }


def facet_data(facet: Facet, kind: str) -> dict:
    """A facet of the search page's sidebar as data (SPEC: facets are data)."""
    return {
        "name": facet.name,
        "label": facet.heading,
        "kind": kind,
        "values": [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in facet.values
        ],
    }


def _letter_page(request: HttpRequest, letter: Letter) -> str:
    return request.build_absolute_uri(reverse("determinations:letter_detail", args=[letter.pk]))


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
