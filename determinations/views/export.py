"""`/export.csv`, `/export.json`, `/export.jsonl`: every item the same parameters as `/` find."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from determinations.export import CONTENT_TYPES, WRITERS, export_records
from determinations.routing import current_read_alias, streamed_from_replica
from determinations.search import ordered_items
from determinations.search.filters import ItemFilter


@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Stream the matching items; refuse bad parameters and oversized anonymous exports."""
    filters = ItemFilter(request.GET)
    if filters.notices:  # a script must not get every item because one value was misspelt
        return _refusal(400, "The export was not made: " + " ".join(filters.notices))
    limit = settings.IMR_EXPORT_MAX_ROWS_ANONYMOUS
    if not request.user.is_staff and limit:
        count = filters.filtered().count()
        if count > limit:
            return _refusal(
                403,
                f"This export would hold {count:,} items; exports without a staff login are "
                f"limited to {limit:,}. Narrow the search, or sign in as staff.",
            )
    rows = export_records(ordered_items(filters), fmt)
    if fmt == "csv":
        body = WRITERS["csv"](rows, bom=request.GET.get("bom") == "1")
    else:
        body = WRITERS[fmt](rows)
    # the body is read as it is sent, after this view (and its replica block) has returned
    body = streamed_from_replica(body, current_read_alias())
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"imr-items-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refusal(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
