"""Facet counts: for each facet, counts of disputed items under all the *other* filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from determinations.search.filters import ItemFilter
from determinations.search.urls import with_value_toggled, with_values

SHOWN = 8  # values shown before "more"
LISTED = 100  # values counted at most per facet

# (parameter, heading, path of the counted value from a disputed item)
VALUE_FACETS = [
    ("decision", "Decision", "decision"),
    ("medication", "Medication", "medication__generic_name"),
    ("drug_class", "Drug class", "drug_class__name"),
    ("category", "Treatment category", "category"),
    ("specialty", "Reviewer specialty", "letter__reviewer_specialties__name"),
    ("state", "Licensure state", "letter__reviewer_states__code"),
    ("guideline", "Guideline", "guideline_source"),
    ("sex", "Patient sex", "letter__patient_sex"),
]
AGE_BANDS = [
    ("under 30", None, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60 and over", 60, None),
]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


@dataclass
class Facet:
    name: str
    heading: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def shown(self) -> list[FacetValue]:
        """The top values, and every selected one."""
        return [v for i, v in enumerate(self.values) if i < SHOWN or v.selected]

    @property
    def more(self) -> list[FacetValue]:
        return [v for i, v in enumerate(self.values) if i >= SHOWN and not v.selected]


def value_facets(filters: ItemFilter, params: QueryDict) -> list[Facet]:
    """Every value facet with its counts; selected values stay even at zero."""
    return [_value_facet(filters, params, *spec) for spec in VALUE_FACETS]


def range_facets(filters: ItemFilter, params: QueryDict) -> list[Facet]:
    """Age bands, injury years and UR denial years, each a link that sets its range."""
    return [_age_facet(filters, params), *(_year_facet(filters, params, *spec) for spec in _YEARS)]


def _value_facet(
    filters: ItemFilter, params: QueryDict, name: str, heading: str, path: str
) -> Facet:
    labels = dict(filters.form.fields[name].choices)
    selected = set(filters.form.cleaned_data.get(name) or [])
    rows = (
        filters.filtered(skip=frozenset({name}))
        .exclude(**{f"{path}__isnull": True})
        .exclude(**{path: ""})
        .order_by()
        .values(path)
        .annotate(count=Count("id"))
        .order_by("-count", path)[:LISTED]
    )
    counts = {row[path]: row["count"] for row in rows}
    counts.update({value: 0 for value in selected if value not in counts})
    return Facet(
        name,
        heading,
        [
            FacetValue(
                value,
                str(labels.get(value, value)),
                count,
                value in selected,
                with_value_toggled(params, name, value),
            )
            for value, count in counts.items()
        ],
    )


def _age_facet(filters: ItemFilter, params: QueryDict) -> Facet:
    items = filters.filtered(skip=frozenset({"age_min", "age_max"}))
    counts = items.aggregate(
        **{
            f"band{index}": Count("id", filter=_between("letter__patient_age", low, high))
            for index, (_, low, high) in enumerate(AGE_BANDS)
        }
    )
    current = (params.get("age_min", ""), params.get("age_max", ""))
    values = []
    for index, (label, low, high) in enumerate(AGE_BANDS):
        band = ("" if low is None else str(low), "" if high is None else str(high))
        chosen = current == band
        url = with_values(params, age_min=None if chosen else low, age_max=None if chosen else high)
        values.append(FacetValue(label, label, counts[f"band{index}"], chosen, url))
    return Facet("age", "Patient age", values)


_YEARS = [
    ("injury_year", "Year of injury", "letter__date_of_injury"),
    ("ur_year", "Year of UR denial", "letter__ur_denial_date"),
]


def _year_facet(
    filters: ItemFilter, params: QueryDict, name: str, heading: str, path: str
) -> Facet:
    low, high = f"{name}_min", f"{name}_max"
    rows = (
        filters.filtered(skip=frozenset({low, high}))
        .exclude(**{f"{path}__isnull": True})
        .annotate(year=ExtractYear(path))
        .order_by()
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-year")[:LISTED]
    )
    current = (params.get(low), params.get(high))
    values = []
    for row in rows:
        year = str(row["year"])
        chosen = current == (year, year)
        bound = None if chosen else year
        url = with_values(params, **{low: bound, high: bound})
        values.append(FacetValue(year, year, row["count"], chosen, url))
    return Facet(name, heading, values)


def _between(path: str, low: int | None, high: int | None) -> Q:
    condition = Q(**{f"{path}__isnull": False})
    if low is not None:
        condition &= Q(**{f"{path}__gte": low})
    if high is not None:
        condition &= Q(**{f"{path}__lte": high})
    return condition
