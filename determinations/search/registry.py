"""Every search facet, defined once (SPEC: Web pages, `/` and `/insights/`).

`ItemFilter` (the SQL filters, the reference meaning), the search columns and their masks and
counts (`columns.py`, `engine.py`), the sidebar (`facets.py`) and the insights charts
(`insights.py`) are all derived from `FACETS`, in its order.

How to add a facet:

1. If its field is new, add it to `DisputedItem` or `Letter` (`models/letters.py`) and to that
   model's covering index (`item_search_columns`, `letter_search_columns`), so that loading
   the search columns never reads a letter's text; `manage.py makemigrations`.
2. Add one `FacetDefinition` to `FACETS` below: its name (the URL parameter; a range's
   parameters are `<name>_min` and `<name>_max`), its kind, its path from a disputed item
   (as in `DisputedItem.objects.filter(<path>=...)`), its label, and, for a chart on the
   insights page, its `chart`.
3. Name its parameters in `docs/contract.md` (`tests/test_docs.py` asks for every one).
4. Tests: add its path and a few values to `PATHS` and `VALUES` in
   `tests/test_search_engine.py` (the property test checks every facet's counts against
   SQL and fails on a facet it does not know), and a test of what is particular to it;
   `tests/test_facet_registry.py` shows a facet added in one entry.

Nothing else changes: its filter, column, mask, counts, sidebar entry, notices and chart
follow from the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.db import models

from determinations.models import DisputedItem, Letter


class Kind(Enum):
    """How a facet filters and is counted."""

    CHOICE = "choice"  # one of fixed choices per item; counted per value
    NAMED = "named"  # a row of a lookup table (`medication__generic_name`); counted per name
    REVIEWER = "reviewer"  # any of a letter's reviewer facts (many-to-many); counted per fact
    RANGE = "range"  # a number between `<name>_min` and `<name>_max`; counted in `bands`
    YEAR = "year"  # the year of a date, between `<name>_min` and `<name>_max`; counted per year


@dataclass(frozen=True)
class Chart:
    """A facet's breakdown on the insights page: its place among the charts, its heading and
    how many of its largest groups it shows (all when None)."""

    position: int
    heading: str
    top: int | None = None


@dataclass(frozen=True)
class FacetDefinition:
    name: str
    kind: Kind
    path: str  # the lookup from a disputed item: `letter__patient_sex`, `drug_class__name`
    label: str  # the sidebar's heading; a value facet's label in notices too
    choices: tuple[tuple[str, str], ...] = ()  # CHOICE: (value, label), in the sidebar's words
    bounds: tuple[str, str] = ("", "")  # RANGE, YEAR: labels of `<name>_min`, `<name>_max`
    limits: tuple[int, int] = (1900, 2100)  # RANGE, YEAR: the values a bound may take
    bands: tuple[tuple[str, int | None, int | None], ...] = ()  # RANGE: (label, low, high)
    chart: Chart | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """The URL parameters that make up this facet's filter."""
        if self.kind in (Kind.RANGE, Kind.YEAR):
            return (f"{self.name}_min", f"{self.name}_max")
        return (self.name,)

    @property
    def field(self) -> str:
        """The model field the facet reads: on the item, or on its letter after `letter__`."""
        return self.path.removeprefix("letter__").split("__")[0]

    @property
    def on_letter(self) -> bool:
        return self.path.startswith("letter__")

    @property
    def model_field(self) -> models.Field:
        return (Letter if self.on_letter else DisputedItem)._meta.get_field(self.field)

    @property
    def lookup(self) -> tuple[type[models.Model], str]:
        """NAMED, REVIEWER: the lookup table and its field that names a value."""
        return self.model_field.related_model, self.path.rsplit("__", 1)[1]

    @property
    def vocabulary(self) -> list[str]:
        """CHOICE: the choices' values, after "" (code 0: none)."""
        return ["", *(value for value, _ in self.choices)]


def _choices(choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in choices if value)


FACETS: list[FacetDefinition] = [
    FacetDefinition("decision", Kind.CHOICE, "decision", "Decision",
                    _choices(DisputedItem.Decision.choices)),
    FacetDefinition("medication", Kind.NAMED, "medication__generic_name", "Medication",
                    chart=Chart(3, "By medication (top 20)", top=20)),
    FacetDefinition("drug_class", Kind.NAMED, "drug_class__name", "Drug class",
                    chart=Chart(1, "By drug class")),
    FacetDefinition("category", Kind.CHOICE, "category", "Treatment category",
                    _choices(DisputedItem.Category.choices),
                    chart=Chart(2, "By treatment category")),
    FacetDefinition("specialty", Kind.REVIEWER, "letter__reviewer_specialties__name",
                    "Reviewer specialty", chart=Chart(4, "By reviewer specialty (top 15)", top=15)),
    FacetDefinition("state", Kind.REVIEWER, "letter__reviewer_states__code", "Licensure state"),
    FacetDefinition("guideline", Kind.CHOICE, "guideline_source", "Guideline",
                    _choices(DisputedItem.GuidelineSource.choices),
                    chart=Chart(5, "By guideline source")),
    FacetDefinition("sex", Kind.CHOICE, "letter__patient_sex", "Patient sex",
                    _choices(Letter.Sex.choices)),
    FacetDefinition("priority", Kind.CHOICE, "letter__priority", "Priority",
                    _choices(Letter.Priority.choices)),
    FacetDefinition("age", Kind.RANGE, "letter__patient_age", "Patient age",
                    bounds=("Minimum age", "Maximum age"), limits=(0, 130),
                    bands=(("under 30", None, 29), ("30-39", 30, 39), ("40-49", 40, 49),
                           ("50-59", 50, 59), ("60 and over", 60, None)),
                    chart=Chart(6, "By patient age")),
    FacetDefinition("injury_year", Kind.YEAR, "letter__date_of_injury", "Year of injury",
                    bounds=("Injury year from", "Injury year to"),
                    chart=Chart(7, "By year of injury")),
    FacetDefinition("ur_year", Kind.YEAR, "letter__ur_denial_date", "Year of UR denial",
                    bounds=("UR denial year from", "UR denial year to")),
    FacetDefinition("decision_year", Kind.YEAR, "letter__decision_date", "Year of decision",
                    bounds=("Decision year from", "Decision year to"),
                    chart=Chart(8, "By year of decision")),
]  # fmt: skip


def facet(name: str) -> FacetDefinition:
    """The facet called ``name``."""
    return next(definition for definition in FACETS if definition.name == name)


def value_facets() -> list[FacetDefinition]:
    """The facets whose values are ticked (a repeatable parameter each), in sidebar order."""
    return [f for f in FACETS if f.kind in (Kind.CHOICE, Kind.NAMED, Kind.REVIEWER)]


def range_facets() -> list[FacetDefinition]:
    """The facets set by a lower and an upper bound, in sidebar order."""
    return [f for f in FACETS if f.kind in (Kind.RANGE, Kind.YEAR)]
