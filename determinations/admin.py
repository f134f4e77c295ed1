"""The admin: a review queue of letters the parser got wrong, and fixes that are kept.

Every edit of a letter or item through these pages is recorded as a `HandCorrection` (who,
when, old and new value), which `reparse` and re-ingest never overwrite; the parse issues an
edit answers are marked resolved.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone

from determinations import curation, index
from determinations.admin_filters import DecisionFilter, HandCorrectedFilter, OpenIssueFilter
from determinations.export import CONTENT_TYPES, csv_lines, export_records
from determinations.ingest import reparse_letters
from determinations.ingest.lock import IngestRunning
from determinations.models import (
    DisputedItem,
    DrugClass,
    DrugName,
    HandCorrection,
    Letter,
    LicensureState,
    Medication,
    ParseIssue,
    RejectedSource,
    Specialty,
)


class DisputedItemInline(admin.StackedInline):
    model = DisputedItem
    extra = 0
    exclude = ["position"]  # an item added by hand goes after the others
    autocomplete_fields = ["medication", "drug_class"]


class ParseIssueInline(admin.TabularInline):
    model = ParseIssue
    extra = 0
    fields = ["item_position", "field", "reason", "resolved"]
    readonly_fields = ["item_position", "field", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class HandCorrectionInline(admin.TabularInline):
    """The letter's change history, value by value."""

    model = HandCorrection
    extra = 0
    verbose_name_plural = "Changes made by hand (kept through re-parses)"
    fields = ["corrected_at", "corrected_by", "item_position", "field", "old_value", "new_value"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    change_form_template = "admin/determinations/letter/change_form.html"
    list_display = [
        "__str__", "source_file", "layout", "ur_denial_date", "parse_status", "open_issues",
    ]  # fmt: skip
    list_filter = [
        "parse_status", OpenIssueFilter, HandCorrectedFilter, DecisionFilter, "layout",
    ]  # fmt: skip
    search_fields = ["case_number", "source_file", "original_text"]
    readonly_fields = [
        "content_hash", "source_file", "source_format", "layout", "parse_status", "ingested_at",
        "parsed_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["case_number", "parse_status", "source_file", "source_format",
                           "layout", "priority"]}),
        ("Dates", {"fields": [("date_of_injury", "ur_denial_date"),
                              ("date_assigned", "application_received_date", "decision_date")]}),
        ("Patient", {"fields": [("patient_age", "patient_sex"), "diagnoses", "summary"]}),
        ("Reviewer", {"fields": ["reviewer_states", "reviewer_specialties"]}),
        ("Record", {"fields": ["content_hash", "ingested_at", "parsed_at"],
                    "classes": ["collapse"]}),
    ]  # fmt: skip
    autocomplete_fields = ["reviewer_states", "reviewer_specialties"]
    inlines = [DisputedItemInline, ParseIssueInline, HandCorrectionInline]
    actions = ["reparse_selected", "mark_issues_resolved", "export_selected_csv"]

    def get_queryset(self, request):
        open_issues = (
            ParseIssue.objects.filter(letter=OuterRef("pk"), resolved=False)
            .values("letter")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(open_issue_count=Subquery(open_issues))

    @admin.display(description="open issues", ordering="open_issue_count")
    def open_issues(self, letter: Letter) -> int:
        return letter.open_issue_count or 0

    def save_model(self, request, obj, form, change) -> None:
        request._letter_before = curation.letter_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not DisputedItem:
            return super().save_formset(request, form, formset, change)
        letter = form.instance
        before = {item.pk: item for item in DisputedItem.objects.filter(letter=letter)}
        for item in formset.save(commit=False):
            if item.pk is None:
                item.position = curation.next_position(letter)
            item.save()
            curation.record_item_edit(item, before.get(item.pk), request.user)
        for item in formset.deleted_objects:
            curation.record_item_deletion(item, request.user)
            item.delete()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        letter = form.instance
        if getattr(request, "_letter_before", None) is not None:
            curation.record_letter_edit(letter, request._letter_before, request.user)
        curation.refresh_parse_status(letter)
        index.letters_changed([letter.pk])  # items and summary may have changed

    @admin.action(description="Re-parse selected letters (hand corrections are kept)")
    def reparse_selected(self, request, queryset) -> None:
        try:
            report = reparse_letters(queryset, wait=False)
        except IngestRunning:
            self.message_user(
                request,
                "An ingest or re-parse of this database is running: nothing was re-parsed. "
                "Try again when it has finished.",
                messages.WARNING,
            )
            return
        self.message_user(request, report.summary() + "; hand corrections kept.")

    @admin.action(description="Mark the parse issues of selected letters resolved")
    def mark_issues_resolved(self, request, queryset) -> None:
        issues = ParseIssue.objects.filter(letter__in=queryset, resolved=False)
        count = issues.update(resolved=True)
        index.letters_changed(
            [letter.pk for letter in queryset if curation.refresh_parse_status(letter)]
        )
        self.message_user(request, f"{count} parse issues marked resolved.", messages.SUCCESS)

    @admin.action(description="Export the items of selected letters as CSV")
    def export_selected_csv(self, request, queryset):
        items = DisputedItem.objects.filter(letter__in=queryset).order_by("letter_id", "position")
        response = StreamingHttpResponse(
            csv_lines(export_records(items, "csv")), content_type=CONTENT_TYPES["csv"]
        )
        name = f"imr-items-selected-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(DisputedItem)
class DisputedItemAdmin(admin.ModelAdmin):
    list_display = ["label", "decision", "medication", "drug_class", "category", "guideline_source"]
    list_filter = ["decision", "category", "guideline_source", "drug_class"]
    search_fields = ["label", "treatment", "medication__generic_name"]
    list_select_related = ["medication", "drug_class"]
    raw_id_fields = ["letter"]
    readonly_fields = ["letter", "position"]
    autocomplete_fields = ["medication", "drug_class"]

    def has_add_permission(self, request) -> bool:
        return False  # items are added on their letter's page, where their position is known

    def save_model(self, request, obj, form, change) -> None:
        before = DisputedItem.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        curation.record_item_edit(obj, before, request.user)
        curation.refresh_parse_status(obj.letter)
        index.letters_changed([obj.letter_id])

    def delete_model(self, request, obj) -> None:
        curation.record_item_deletion(obj, request.user)
        super().delete_model(request, obj)
        if curation.refresh_parse_status(obj.letter):
            index.letters_changed([obj.letter_id])


class DrugNameInline(admin.TabularInline):
    model = DrugName
    extra = 1
    verbose_name_plural = "Names added by hand (re-parse letters to apply them)"


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["generic_name", "drug_class"]
    search_fields = ["generic_name", "search_names"]
    list_filter = ["drug_class"]
    inlines = [DrugNameInline]

    def save_formset(self, request, form, formset, change) -> None:
        for name in formset.save(commit=False):
            name.added_by = name.added_by or request.user
            name.save()
            _teach_search(name)
        for name in formset.deleted_objects:
            name.delete()


@admin.register(DrugName)
class DrugNameAdmin(admin.ModelAdmin):
    list_display = ["name", "medication", "added_by", "added_at"]
    search_fields = ["name", "medication__generic_name"]
    autocomplete_fields = ["medication"]

    def save_model(self, request, obj, form, change) -> None:
        obj.added_by = obj.added_by or request.user
        super().save_model(request, obj, form, change)
        _teach_search(obj)
        self.message_user(
            request,
            f"“{obj.name}” is now a name of {obj.medication}. Re-parse the letters that use "
            "it (Letters → select → “Re-parse selected letters”) to apply it to them.",
        )


def _teach_search(name: DrugName) -> None:
    """A search for the new name finds the medication's items once they are re-indexed."""
    medication = name.medication
    if name.name.lower() not in medication.search_names.lower().split():
        medication.search_names = f"{medication.search_names} {name.name}".strip()
        medication.save(update_fields=["search_names"])


@admin.register(DrugClass, Specialty)
class NameAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(LicensureState)
class LicensureStateAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ParseIssue)
class ParseIssueAdmin(admin.ModelAdmin):
    list_display = ["letter", "field", "item_position", "reason", "resolved"]
    list_filter = ["resolved", "field"]
    raw_id_fields = ["letter"]


@admin.register(HandCorrection)
class HandCorrectionAdmin(admin.ModelAdmin):
    list_display = [
        "letter", "field", "item_position", "old_value", "new_value", "corrected_by",
        "corrected_at",
    ]  # fmt: skip
    list_filter = ["field"]
    raw_id_fields = ["letter"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the record of a correction is not itself corrected


@admin.register(RejectedSource)
class RejectedSourceAdmin(admin.ModelAdmin):
    list_display = ["source_file", "reason", "rejected_at"]
    search_fields = ["source_file", "reason"]
