"""Admin registrations: every letter and item can be inspected (curation builds on this)."""

from django.contrib import admin

from determinations.indexing import reindex_letters
from determinations.models import (
    DisputedItem,
    DrugClass,
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
    autocomplete_fields = ["medication", "drug_class"]


class ParseIssueInline(admin.TabularInline):
    model = ParseIssue
    extra = 0


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "source_file",
        "layout",
        "ur_denial_date",
        "patient_age",
        "parse_status",
    ]
    list_filter = ["parse_status", "layout", "patient_sex", "reviewer_states"]
    search_fields = ["case_number", "source_file"]
    readonly_fields = ["content_hash", "source_file", "original_text", "ingested_at", "parsed_at"]
    filter_horizontal = ["reviewer_states", "reviewer_specialties"]
    inlines = [DisputedItemInline, ParseIssueInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reindex_letters([form.instance.pk])  # items and summary may have changed


@admin.register(DisputedItem)
class DisputedItemAdmin(admin.ModelAdmin):
    list_display = ["label", "decision", "medication", "drug_class", "category", "guideline_source"]
    list_filter = ["decision", "category", "guideline_source", "drug_class"]
    search_fields = ["label", "treatment", "medication__generic_name"]
    list_select_related = ["medication", "drug_class"]
    raw_id_fields = ["letter"]
    autocomplete_fields = ["medication", "drug_class"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        reindex_letters([obj.letter_id])


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["generic_name", "drug_class"]
    search_fields = ["generic_name"]
    list_filter = ["drug_class"]


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
    list_filter = ["field", "resolved"]
    raw_id_fields = ["letter"]


@admin.register(HandCorrection)
class HandCorrectionAdmin(admin.ModelAdmin):
    list_display = [
        "letter",
        "field",
        "item_position",
        "old_value",
        "new_value",
        "corrected_by",
        "corrected_at",
    ]
    raw_id_fields = ["letter"]


@admin.register(RejectedSource)
class RejectedSourceAdmin(admin.ModelAdmin):
    list_display = ["source_file", "reason", "rejected_at"]
    search_fields = ["source_file", "reason"]
