"""`{% review_queue %}`: the admin dashboard's count of letters waiting for a person."""

from __future__ import annotations

from django import template
from django.urls import reverse

from determinations.admin_filters import ANY_ISSUE
from determinations.models import Letter, ParseIssue

register = template.Library()


@register.inclusion_tag("admin/determinations/_review_queue.html")
def review_queue() -> dict:
    queue = reverse("admin:determinations_letter_changelist")
    return {
        "open_issues": ParseIssue.objects.filter(resolved=False).count(),
        "letters_with_issues": Letter.objects.filter(
            pk__in=ParseIssue.objects.filter(resolved=False).values("letter_id")
        ).count(),
        "failed": Letter.objects.filter(parse_status=Letter.ParseStatus.FAILED).count(),
        "queue_url": f"{queue}?issue={ANY_ISSUE}",
        "failed_url": f"{queue}?parse_status__exact={Letter.ParseStatus.FAILED}",
    }
