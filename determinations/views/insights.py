"""`/insights/?<search params>`: upheld and overturned rates over the items a search matches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from determinations.export import csv_lines_of
from determinations.insights import insights
from determinations.search.urls import used_parameters

CSV_COLUMNS = ["group", "items", "upheld", "overturned", "upheld_rate_percent", "rated"]
BAR_WIDTH = 320  # px of a stacked bar: upheld + overturned = 100% of the decided items
LABEL_WIDTH, ROW_HEIGHT = 210, 26


@require_safe
def insights_page(request: HttpRequest) -> HttpResponse:
    """One chart per breakdown, each with its numbers as a table and as CSV."""
    found = insights(request.GET)
    query = used_parameters(found.filters.form)
    for breakdown in found.breakdowns:
        breakdown.height = ROW_HEIGHT * len(breakdown.groups)
        for row, group in enumerate(breakdown.groups):
            _place(group, row * ROW_HEIGHT)
    _place(found.overall, 0)
    context = {
        "insights": found,
        "notices": found.filters.notices,
        "query": query.urlencode(),
        "search_url": reverse("determinations:search") + "?" + query.urlencode(),
        "bar_x": LABEL_WIDTH,
        "count_x": LABEL_WIDTH + BAR_WIDTH + 8,
        "chart_width": LABEL_WIDTH + BAR_WIDTH + 190,
    }
    return render(request, "determinations/insights.html", context)


def _place(group, y: int) -> None:
    """Where the template draws a group's bar (templates do no arithmetic)."""
    group.y, group.text_y = y, y + 16
    group.upheld_width = round(BAR_WIDTH * (group.upheld_percent or 0) / 100)
    group.overturned_width = BAR_WIDTH - group.upheld_width if group.decided else 0
    group.overturned_x = LABEL_WIDTH + group.upheld_width


@require_safe
def insights_csv(request: HttpRequest) -> HttpResponse:
    """One breakdown's numbers (`?breakdown=drug_class&<search params>`) as CSV."""
    found = insights(request.GET)
    name = request.GET.get("breakdown", "")
    breakdown = found.breakdown(name)
    if breakdown is None or found.filters.notices:
        known = ", ".join(b.name for b in found.breakdowns)
        message = " ".join(found.filters.notices) or f"Unknown breakdown {name[:40]!r}: {known}."
        return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
    rows = [
        [
            g.label,
            g.items,
            g.upheld,
            g.overturned,
            g.upheld_percent if g.rated else "",
            "yes" if g.rated else "no",
        ]
        for g in [found.overall, *breakdown.groups]
    ]
    response = HttpResponse(
        "".join(csv_lines_of(CSV_COLUMNS, rows)), content_type="text/csv; charset=utf-8"
    )
    filename = f"imr-insights-{breakdown.name}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
