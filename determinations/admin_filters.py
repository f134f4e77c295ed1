"""The review queue's filters on the admin's letter list."""

from __future__ import annotations

from django.contrib import admin

from determinations.models import DisputedItem, HandCorrection, ParseIssue

# How a parse issue's field reads in the queue ("no date of injury", "unknown medication").
ISSUE_LABELS = {
    "items": "no items found",
    "medication": "unknown medication",
    "decision": "no decision for an item",
    "reviewer_guideline": "no reviewer guideline for an item",
    "rationale": "no rationale for an item",
}
ANY_ISSUE = "any"


def issue_label(field: str) -> str:
    return ISSUE_LABELS.get(field, f"no {field.replace('_', ' ')}")


class OpenIssueFilter(admin.SimpleListFilter):
    """Letters with an open (unresolved) parse issue, of any kind or of one kind."""

    title = "open parse issue"
    parameter_name = "issue"

    def lookups(self, request, model_admin):
        fields = (
            ParseIssue.objects.filter(resolved=False)
            .order_by("field")
            .values_list("field", flat=True)
            .distinct()
        )
        return [(ANY_ISSUE, "any open issue"), *((f, issue_label(f)) for f in fields)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        issues = ParseIssue.objects.filter(resolved=False)
        if self.value() != ANY_ISSUE:
            issues = issues.filter(field=self.value())
        return queryset.filter(pk__in=issues.values("letter_id"))


class HandCorrectedFilter(admin.SimpleListFilter):
    title = "hand corrections"
    parameter_name = "corrected"

    def lookups(self, request, model_admin):
        return [("yes", "has hand corrections"), ("no", "no hand corrections")]

    def queryset(self, request, queryset):
        corrected = HandCorrection.objects.values("letter_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=corrected)
        if self.value() == "no":
            return queryset.exclude(pk__in=corrected)
        return queryset


class DecisionFilter(admin.SimpleListFilter):
    """Letters with at least one item of this decision."""

    title = "decision of an item"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return DisputedItem.Decision.choices

    def queryset(self, request, queryset):
        if self.value() not in DisputedItem.Decision.values:
            return queryset
        items = DisputedItem.objects.filter(decision=self.value())
        return queryset.filter(pk__in=items.values("letter_id"))
