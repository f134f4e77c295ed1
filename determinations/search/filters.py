"""The one definition of the search parameters (SPEC: Web pages, `/`).

The search page, the exports, the insights page and the CLI all filter disputed items through
`ItemFilter`, so an export always holds what the screen shows.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from determinations.models import (
    DisputedItem,
    DrugClass,
    Letter,
    LicensureState,
    Medication,
    Specialty,
)
from determinations.search.backends import backend
from determinations.search.query import MAX_QUERY_LENGTH, parse_query

# The longest value any parameter but `q` takes (the longest medication name has 60 or so
# characters); a longer one is refused with a notice before it is looked at. SPEC: Web pages.
MAX_VALUE_LENGTH = 200
NAMED = 3  # values a notice names before "and N more"
SORTS = [("relevance", "Relevance"), ("newest", "Newest UR denial"), ("oldest", "Oldest UR denial")]
DEFAULT_SORT = "relevance"  # newest first when there are no words to rank by
SEX_CHOICES = [("female", "Female"), ("male", "Male")]
PRIORITY_CHOICES = [(value, label) for value, label in Letter.Priority.choices if value]
MULTI_VALUE_FACETS = (
    "decision",
    "medication",
    "drug_class",
    "category",
    "specialty",
    "state",
    "guideline",
    "sex",
    "priority",
)


def _names(model, field: str):
    """Choices read from a lookup table when the form is built (they grow with the corpus)."""
    return lambda: [
        (name, name) for name in model.objects.order_by(field).values_list(field, flat=True)
    ]


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ItemFilter(django_filters.FilterSet):
    """Filters over disputed items; values of one facet OR together, facets AND together."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    decision = django_filters.MultipleChoiceFilter(
        choices=DisputedItem.Decision.choices, distinct=False, label="Decision"
    )
    medication = django_filters.MultipleChoiceFilter(
        field_name="medication__generic_name",
        choices=_names(Medication, "generic_name"),
        distinct=False,
        label="Medication",
    )
    drug_class = django_filters.MultipleChoiceFilter(
        field_name="drug_class__name",
        choices=_names(DrugClass, "name"),
        distinct=False,
        label="Drug class",
    )
    category = django_filters.MultipleChoiceFilter(
        choices=DisputedItem.Category.choices, distinct=False, label="Treatment category"
    )
    specialty = django_filters.MultipleChoiceFilter(
        method="filter_specialty", choices=_names(Specialty, "name"), label="Reviewer specialty"
    )
    state = django_filters.MultipleChoiceFilter(
        method="filter_state", choices=_names(LicensureState, "code"), label="Licensure state"
    )
    guideline = django_filters.MultipleChoiceFilter(
        field_name="guideline_source",
        choices=DisputedItem.GuidelineSource.choices,
        distinct=False,
        label="Guideline",
    )
    sex = django_filters.MultipleChoiceFilter(
        field_name="letter__patient_sex", choices=SEX_CHOICES, distinct=False, label="Patient sex"
    )
    priority = django_filters.MultipleChoiceFilter(
        field_name="letter__priority", choices=PRIORITY_CHOICES, distinct=False, label="Priority"
    )
    age_min = IntegerFilter(
        label="Minimum age",
        field_name="letter__patient_age",
        lookup_expr="gte",
        min_value=0,
        max_value=130,
    )
    age_max = IntegerFilter(
        label="Maximum age",
        field_name="letter__patient_age",
        lookup_expr="lte",
        min_value=0,
        max_value=130,
    )
    injury_year_min = IntegerFilter(
        label="Injury year from", method="filter_injury_year", min_value=1900, max_value=2100
    )
    injury_year_max = IntegerFilter(
        label="Injury year to", method="filter_injury_year", min_value=1900, max_value=2100
    )
    ur_year_min = IntegerFilter(
        label="UR denial year from", method="filter_ur_year", min_value=1900, max_value=2100
    )
    ur_year_max = IntegerFilter(
        label="UR denial year to", method="filter_ur_year", min_value=1900, max_value=2100
    )
    decision_year_min = IntegerFilter(
        label="Decision year from", method="filter_decision_year", min_value=1900, max_value=2100
    )
    decision_year_max = IntegerFilter(
        label="Decision year to", method="filter_decision_year", min_value=1900, max_value=2100
    )
    sort = django_filters.ChoiceFilter(choices=SORTS, method="keep", label="Sort by")

    class Meta:
        model = DisputedItem
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args, **kwargs) -> None:
        super().__init__(data if data is not None else QueryDict(), *args, **kwargs)
        self.notices: list[str] = []
        for name in MULTI_VALUE_FACETS:  # read each lookup table once, not once per value
            field = self.form.fields[name]
            field.choices = list(field.choices)
        self.form.data = self._without_unusable_values(self.form.data)
        if not self.form.is_valid():
            for name, errors in self.form.errors.items():
                label = self.form.fields[name].label or name
                self.notices.append(f"{label}: {' '.join(errors)} Ignored.")

    # Filter methods (django-filter calls these with the cleaned value).

    def filter_text(self, items: QuerySet, name: str, value: str) -> QuerySet:
        query = parse_query(value)
        if query.case_numbers:
            items = items.filter(letter__case_number__in=query.case_numbers)
        if query.excluded_case_numbers:
            items = items.exclude(letter__case_number__in=query.excluded_case_numbers)
        return backend().matching(items, query) if query.has_text else items

    def filter_specialty(self, items: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return items
        letters = Letter.reviewer_specialties.through.objects.filter(specialty__name__in=value)
        return items.filter(letter_id__in=letters.values("letter_id"))

    def filter_state(self, items: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return items
        letters = Letter.reviewer_states.through.objects.filter(licensurestate__code__in=value)
        return items.filter(letter_id__in=letters.values("letter_id"))

    def filter_injury_year(self, items: QuerySet, name: str, value: int) -> QuerySet:
        return _year_range(items, "letter__date_of_injury", name, value)

    def filter_ur_year(self, items: QuerySet, name: str, value: int) -> QuerySet:
        return _year_range(items, "letter__ur_denial_date", name, value)

    def filter_decision_year(self, items: QuerySet, name: str, value: int) -> QuerySet:
        return _year_range(items, "letter__decision_date", name, value)

    def keep(self, items: QuerySet, name: str, value: str) -> QuerySet:
        return items  # `sort` is validated here and applied by `search.ordered_items`

    # The state of the search.

    def filtered(self, skip: frozenset[str] = frozenset()) -> QuerySet:
        """Items matching every valid parameter except those named in ``skip``."""
        items = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in skip and value not in (None, "", []):
                items = self.filters[name].filter(items, value)
        return items

    @property
    def search_query(self):
        """The parsed `q` parameter."""
        return parse_query(self.form.cleaned_data.get("q") or "")

    @property
    def ordering(self) -> str:
        """The requested order; relevance needs words to rank by, else newest first."""
        sort = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return "newest" if sort == "relevance" and not self.search_query.groups else sort

    def _without_unusable_values(self, data: QueryDict) -> QueryDict:
        """Drop overlong values and unknown facet values and cut an overlong query, each with
        a notice naming a few of them."""
        data = data.copy()
        for name, field in self.form.fields.items():
            values = data.getlist(name)
            overlong = [v for v in values if len(v) > MAX_VALUE_LENGTH]
            if overlong and name != "q":
                self.notices.append(
                    f"{field.label}: {_some(overlong)} longer than {MAX_VALUE_LENGTH} "
                    "characters: ignored."
                )
                data.setlist(name, [v for v in values if len(v) <= MAX_VALUE_LENGTH])
        for name in MULTI_VALUE_FACETS:
            values = data.getlist(name)
            allowed = {str(value) for value, _ in self.form.fields[name].choices}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                self.notices.append(
                    f"No {self.form.fields[name].label.lower()} called {_some(unknown)}: ignored."
                )
                data.setlist(name, [v for v in values if v in allowed])
        query = data.get("q", "")
        if len(query) > MAX_QUERY_LENGTH:
            self.notices.append(
                f"The search text was cut to its first {MAX_QUERY_LENGTH} characters."
            )
            data["q"] = query[:MAX_QUERY_LENGTH]
        return data


def _some(values: list[str]) -> str:
    """The first few values, each cut short, and how many more: a notice's length does not
    grow with the request's (issue 28)."""
    named = ", ".join(repr(value[:60]) for value in values[:NAMED])
    return named + (f" and {len(values) - NAMED} more" if len(values) > NAMED else "")


def _year_range(items: QuerySet, field: str, name: str, year: int) -> QuerySet:
    if name.endswith("_min"):
        return items.filter(**{f"{field}__gte": date(year, 1, 1)})
    return items.filter(**{f"{field}__lt": date(year + 1, 1, 1)})
