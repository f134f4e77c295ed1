"""Facets as data: `{value, label, count, selected, toggle_url}`, counted by `engine.Evaluation`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.http import QueryDict

from determinations.models import DisputedItem
from determinations.search.engine import Evaluation
from determinations.search.filters import PRIORITY_CHOICES, SEX_CHOICES, ItemFilter
from determinations.search.urls import with_value_toggled, with_values

SHOWN = 8  # values shown before "more"
LISTED = 100  # values listed at most per facet

VALUE_FACETS = [
    ("decision", "Decision"),
    ("medication", "Medication"),
    ("drug_class", "Drug class"),
    ("category", "Treatment category"),
    ("specialty", "Reviewer specialty"),
    ("state", "Licensure state"),
    ("guideline", "Guideline"),
    ("sex", "Patient sex"),
    ("priority", "Priority"),
]
LABELS = {
    "decision": dict(DisputedItem.Decision.choices),
    "category": dict(DisputedItem.Category.choices),
    "guideline": dict(DisputedItem.GuidelineSource.choices),
    "sex": dict(SEX_CHOICES),
    "priority": dict(PRIORITY_CHOICES),
}
AGE_BANDS = [
    ("under 30", None, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60 and over", 60, None),
]
YEAR_FACETS = [
    ("injury_year", "Year of injury"),
    ("ur_year", "Year of UR denial"),
    ("decision_year", "Year of decision"),
]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def toggle_url(self) -> str:
        """The page with this value ticked or unticked (built only where a page shows it)."""
        return self.url()


@dataclass
class Facet:
    name: str
    heading: str
    values: list[FacetValue] = field(default_factory=list)
    # A range facet's own inputs: (parameter, its current value) for "from" and "to".
    low: tuple[str, str] = ("", "")
    high: tuple[str, str] = ("", "")

    @property
    def shown(self) -> list[FacetValue]:
        """The top values, and every selected one."""
        return [v for i, v in enumerate(self.values) if i < SHOWN or v.selected]

    @property
    def more(self) -> list[FacetValue]:
        return [v for i, v in enumerate(self.values) if i >= SHOWN and not v.selected]


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, said in words, with the page without it."""

    label: str
    remove_url: str


def active_filters(
    facets: list[Facet], ranges: list[Facet], params: QueryDict
) -> list[ActiveFilter]:
    """Each filter the page applies: its words, each ticked value, each range set."""
    active = []
    if words := params.get("q"):
        active.append(ActiveFilter(f"Words: {words}", with_values(params, q=None)))
    for facet in facets:
        active += [
            ActiveFilter(f"{facet.heading}: {value.label}", value.toggle_url)
            for value in facet.values
            if value.selected
        ]
    for facet in ranges:
        (low, lowest), (high, highest) = facet.low, facet.high
        if lowest or highest:
            unset = with_values(params, **{low: None, high: None})
            active.append(ActiveFilter(f"{facet.heading}: {_span(lowest, highest)}", unset))
    return active


def _span(low: str, high: str) -> str:
    if low and high:
        return low if low == high else f"{low} to {high}"
    return f"{low} and over" if low else f"up to {high}"


def value_facets(filters: ItemFilter, evaluation: Evaluation, params: QueryDict) -> list[Facet]:
    """Every value facet; a ticked value stays listed even when nothing matches it.

    ``params``: what the page's links carry (`urls.used_parameters`), as for `range_facets`.
    """
    facets = []
    for name, heading in VALUE_FACETS:
        labels = LABELS.get(name, {})  # the named facets show their values
        selected = set(filters.form.cleaned_data.get(name) or [])
        counts = evaluation.counts(name)
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:LISTED]
        ranked += [(value, 0) for value in sorted(selected - counts.keys())]
        values = [
            FacetValue(
                value,
                str(labels.get(value, value)),
                count,
                value in selected,
                partial(with_value_toggled, params, name, value),
            )
            for value, count in ranked
        ]
        facets.append(Facet(name, heading, values))
    return facets


def range_facets(evaluation: Evaluation, params: QueryDict) -> list[Facet]:
    """Age bands, injury years, UR denial years and decision years, each a link that sets
    its range."""
    return [_age_facet(evaluation, params)] + [
        _year_facet(evaluation, params, name, heading) for name, heading in YEAR_FACETS
    ]


def _age_facet(evaluation: Evaluation, params: QueryDict) -> Facet:
    current = (params.get("age_min", ""), params.get("age_max", ""))
    values = []
    for label, low, high in AGE_BANDS:
        chosen = current == ("" if low is None else str(low), "" if high is None else str(high))
        bounds = {"age_min": None if chosen else low, "age_max": None if chosen else high}
        count = evaluation.age_band_count(low, high)
        values.append(
            FacetValue(label, label, count, chosen, partial(with_values, params, **bounds))
        )
    return Facet("age", "Patient age", values, ("age_min", current[0]), ("age_max", current[1]))


def _year_facet(evaluation: Evaluation, params: QueryDict, name: str, heading: str) -> Facet:
    low, high = f"{name}_min", f"{name}_max"
    current = (params.get(low), params.get(high))
    values = []
    for year, count in sorted(evaluation.counts(name).items(), reverse=True)[:LISTED]:
        chosen = current == (year, year)
        bound = None if chosen else year
        url = partial(with_values, params, **{low: bound, high: bound})
        values.append(FacetValue(year, year, count, chosen, url))
    return Facet(name, heading, values, (low, current[0] or ""), (high, current[1] or ""))
