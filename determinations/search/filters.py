"""The one definition of the search parameters (SPEC: Web pages, `/`).

The search page, the exports, the insights page and the CLI all filter disputed items through
`ItemFilter`, so an export always holds what the screen shows.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from determinations.models import DisputedItem
from determinations.search.backends import backend
from determinations.search.query import MAX_QUERY_LENGTH, parse_query
from determinations.search.registry import FACETS, FacetDefinition, Kind, value_facets

# The longest value any parameter but `q` takes (the longest medication name has 60 or so
# characters); a longer one is refused with a notice before it is looked at. SPEC: Web pages.
MAX_VALUE_LENGTH = 200
NAMED = 3  # values a notice names before "and N more"
SORTS = [("relevance", "Relevance"), ("newest", "Newest UR denial"), ("oldest", "Oldest UR denial")]
DEFAULT_SORT = "relevance"  # newest first when there are no words to rank by


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def facet_filters(definition: FacetDefinition) -> dict[str, django_filters.Filter]:
    """The filters of one facet, by URL parameter."""
    kind, path = definition.kind, definition.path
    if kind in (Kind.CHOICE, Kind.NAMED, Kind.REVIEWER):
        choices = list(definition.choices) if kind is Kind.CHOICE else _names(*definition.lookup)
        method = partial(_reviewed_by, definition) if kind is Kind.REVIEWER else None
        any_of = django_filters.MultipleChoiceFilter(
            field_name=path, choices=choices, method=method, distinct=False, label=definition.label
        )
        return {definition.name: any_of}
    low, high = definition.limits
    bounds = zip(definition.parameters, definition.bounds, ("gte", "lte"), strict=True)
    return {
        name: IntegerFilter(
            field_name=path,
            lookup_expr=lookup,
            method=partial(_year_range, path, lookup) if kind is Kind.YEAR else None,
            label=label,
            min_value=low,
            max_value=high,
        )
        for name, label, lookup in bounds
    }


def _names(model, field: str):
    """Choices read from a lookup table when the form is built (they grow with the corpus)."""
    return lambda: [
        (name, name) for name in model.objects.order_by(field).values_list(field, flat=True)
    ]


def _reviewed_by(definition: FacetDefinition, items: QuerySet, name: str, value: list[str]):
    """Items of letters with any of these reviewer facts (a subquery: no duplicate items)."""
    relation, name_field = definition.model_field, definition.lookup[1]
    target = relation.m2m_reverse_field_name()
    letters = relation.remote_field.through.objects.filter(**{f"{target}__{name_field}__in": value})
    return items.filter(letter_id__in=letters.values(relation.m2m_column_name()))


def _year_range(field: str, lookup: str, items: QuerySet, name: str, year: int) -> QuerySet:
    if lookup == "gte":
        return items.filter(**{f"{field}__gte": date(year, 1, 1)})
    return items.filter(**{f"{field}__lt": date(year + 1, 1, 1)})


class ItemFilter(django_filters.FilterSet):
    """Filters over disputed items; values of one facet OR together, facets AND together.

    `q` and `sort` are declared here; every facet's filters come from `registry.FACETS`.
    """

    q = django_filters.CharFilter(method="filter_text", label="Search")
    sort = django_filters.ChoiceFilter(choices=SORTS, method="keep", label="Sort by")

    class Meta:
        model = DisputedItem
        fields: list[str] = []

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        declared = super().get_filters()
        facets = [facet_filters(definition) for definition in FACETS]
        return {"q": declared["q"], **{k: v for f in facets for k, v in f.items()}, **declared}

    def __init__(self, data: QueryDict | None = None, *args, **kwargs) -> None:
        super().__init__(data if data is not None else QueryDict(), *args, **kwargs)
        self.notices: list[str] = []
        for definition in value_facets():  # read each lookup table once, not once per value
            field = self.form.fields[definition.name]
            field.choices = list(field.choices)
        self.form.data = self._without_unusable_values(self.form.data)
        if not self.form.is_valid():
            for name, errors in self.form.errors.items():
                label = self.form.fields[name].label or name
                self.notices.append(f"{label}: {' '.join(errors)} Ignored.")

    def filter_text(self, items: QuerySet, name: str, value: str) -> QuerySet:
        query = parse_query(value)
        if query.case_numbers:
            items = items.filter(letter__case_number__in=query.case_numbers)
        if query.excluded_case_numbers:
            items = items.exclude(letter__case_number__in=query.excluded_case_numbers)
        return backend().matching(items, query) if query.has_text else items

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
        for name in (definition.name for definition in value_facets()):
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
