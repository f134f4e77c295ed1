"""The letter as the domain knows it: a Letter, its reviewer facts, its disputed items, what
the parser could not find, what people corrected, and the inputs that were not letters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from determinations.parsing import result


class LicensureState(models.Model):
    """A state the expert reviewer is licensed in (a search facet)."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Specialty(models.Model):
    """A reviewer certification or specialty, by canonical name (a search facet)."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class DrugClass(models.Model):
    """A drug class such as `opioid` or `muscle relaxant`."""

    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"

    def __str__(self) -> str:
        return self.name


class Medication(models.Model):
    """A medication by its lower-case generic name (`hydrocodone/acetaminophen`)."""

    generic_name = models.CharField(max_length=200, unique=True)
    drug_class = models.ForeignKey(DrugClass, null=True, blank=True, on_delete=models.SET_NULL)
    search_names = models.TextField(
        blank=True, help_text="Brand names and synonyms: a search for any of them finds it"
    )

    class Meta:
        ordering = ["generic_name"]

    def __str__(self) -> str:
        return self.generic_name


class DrugName(models.Model):
    """A brand name or synonym a data steward taught the parser (beyond `lexicon/drugs.csv`).

    `reparse` and later ingests recognise it, and a search for it finds its medication.
    """

    name = models.CharField(max_length=120, unique=True)
    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="names")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.medication})"


class Letter(models.Model):
    """One IMR final determination letter: its original text and what was parsed from it."""

    class Layout(models.TextChoices):
        STANDARD = result.LAYOUT_STANDARD, "IMR issues, decisions and rationales"
        DECISIONS = result.LAYOUT_DECISIONS, "IMR decision(s) and rationale(s)"
        PROFESSIONAL = result.LAYOUT_PROFESSIONAL, "Medical professional review"
        UNKNOWN = result.LAYOUT_UNKNOWN, "Unknown"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        UNKNOWN = "", "Not stated"

    class Priority(models.TextChoices):
        STANDARD = "standard", "Standard"
        EXPEDITED = "expedited", "Expedited"
        UNKNOWN = "", "Not stated"

    class SourceFormat(models.TextChoices):
        TEXT = "text", "Text"
        PDF = "pdf", "PDF"

    class ParseStatus(models.TextChoices):
        OK = result.STATUS_OK, "OK"
        WARNING = result.STATUS_WARNING, "Warning"
        FAILED = result.STATUS_FAILED, "Failed"

    content_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the file")
    source_file = models.CharField(max_length=500)
    source_format = models.CharField(
        max_length=4,
        choices=SourceFormat.choices,
        default=SourceFormat.TEXT,
        help_text="PDF: the text was extracted from the PDF, which is kept (its SHA-256 above)",
    )
    original_text = models.TextField()
    layout = models.CharField(max_length=40, choices=Layout.choices, db_index=True)
    case_number = models.CharField(max_length=20, blank=True, db_index=True)
    date_assigned = models.DateField(null=True, blank=True)
    ur_denial_date = models.DateField("UR denial date", null=True, blank=True, db_index=True)
    date_of_injury = models.DateField(null=True, blank=True, db_index=True)
    application_received_date = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True, db_index=True)
    # Two values: the covering index `letter_search_columns` holds it for the search columns.
    priority = models.CharField(max_length=9, choices=Priority.choices, blank=True)
    patient_age = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    patient_sex = models.CharField(max_length=6, choices=Sex.choices, blank=True, db_index=True)
    diagnoses = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    reviewer_states = models.ManyToManyField(LicensureState, blank=True, related_name="letters")
    reviewer_specialties = models.ManyToManyField(Specialty, blank=True, related_name="letters")
    parse_status = models.CharField(max_length=8, choices=ParseStatus.choices, db_index=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    parsed_at = models.DateTimeField()

    class Meta:
        ordering = ["-ur_denial_date", "id"]
        indexes = [
            # Covers the search columns' read of every letter (`search/columns.py`): without
            # it SQLite reads each row past its original text (a minute at a million letters).
            models.Index(
                fields=[
                    "id", "patient_sex", "patient_age", "date_of_injury", "ur_denial_date",
                    "decision_date", "priority",
                ],
                name="letter_search_columns",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.case_number or self.source_file


class DisputedItem(models.Model):
    """One treatment in dispute and the reviewer's decision on it."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"

    class GuidelineSource(models.TextChoices):
        MTUS = "mtus", "MTUS"
        ODG = "odg", "ODG"
        ACOEM = "acoem", "ACOEM"
        OTHER = "other", "Other"
        NONE = "none", "None cited"

    class Category(models.TextChoices):
        PHARMACEUTICAL = "pharmaceutical", "Pharmaceutical"
        DIAGNOSTIC_TESTING = "diagnostic testing", "Diagnostic testing"
        PHYSICAL_MEDICINE = "physical medicine", "Physical medicine"
        INJECTION = "injection", "Injection"
        SURGERY = "surgery", "Surgery"
        DURABLE_MEDICAL_EQUIPMENT = "durable medical equipment", "Durable medical equipment"
        EVALUATION_AND_MANAGEMENT = "evaluation and management", "Evaluation and management"
        OTHER = "other", "Other"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(help_text="Order of the item in the letter, from 0")
    label = models.CharField(max_length=500)
    original_request = models.TextField(
        blank=True, help_text="Partly authorized item: what the physician first requested"
    )
    authorized_portion = models.TextField(
        blank=True, help_text="Partly authorized item: the part the claims administrator allowed"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, db_index=True)
    claims_administrator_guideline = models.TextField(blank=True)
    reviewer_guideline = models.TextField(blank=True)
    guideline_source = models.CharField(
        max_length=5, choices=GuidelineSource.choices, default="none", db_index=True
    )
    rationale = models.TextField(blank=True)
    treatment = models.CharField(max_length=300, blank=True, db_index=True)
    medication = models.ForeignKey(
        Medication, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    drug_class = models.ForeignKey(
        DrugClass, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    category = models.CharField(max_length=30, choices=Category.choices, db_index=True)
    strength = models.CharField(max_length=60, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    refills = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["letter", "position"]
        indexes = [
            models.Index(  # covers the search columns' read of every item, as for letters
                fields=[
                    "id", "letter", "position", "decision", "category", "guideline_source",
                    "medication", "drug_class",
                ],
                name="item_search_columns",
            )
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="unique_item_position")
        ]

    def __str__(self) -> str:
        return self.label


class ParseIssue(models.Model):
    """A field the parser could not extract from a letter (or one of its items)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="parse_issues")
    item_position = models.PositiveSmallIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, db_index=True)
    reason = models.CharField(max_length=300)
    resolved = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["letter", "item_position", "field"]

    def __str__(self) -> str:
        where = "" if self.item_position is None else f" (item {self.item_position + 1})"
        return f"{self.field_label}{where}: {self.reason}"

    @property
    def field_label(self) -> str:
        """The field as people name it ("Patient age"), from its model's verbose name."""
        model = Letter if self.item_position is None else DisputedItem
        try:
            field = model._meta.get_field(self.field)
        except FieldDoesNotExist:
            return capfirst(self.field.replace("_", " "))
        return capfirst(getattr(field, "verbose_name", None) or f"disputed {field.name}")


class HandCorrection(models.Model):
    """A field a person corrected; `reparse` and re-ingest never overwrite it."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="corrections")
    item_position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty for a field of the letter itself"
    )
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value!r} -> {self.new_value!r}"


class RejectedSource(models.Model):
    """An input file that is not an IMR letter, kept with the reason so nothing goes unnoticed."""

    source_file = models.CharField(max_length=500)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.CharField(max_length=300)
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rejected_at"]

    def __str__(self) -> str:
        return f"{self.source_file}: {self.reason}"
