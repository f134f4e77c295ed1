"""Facets as data: `{value, label, count, selected, toggle_url}`, counted by `engine.Evaluation`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.http import QueryDict

from determinations.search import registry
from determinations.search.engine import Evaluation
from determinations.search.filters import ItemFilter
from determinations.search.registry import FacetDefinition, Kind
from determinations.search.urls import with_value_toggled, with_values

SHOWN = 8  # values shown before "more"
LISTED = 100  # values listed at most per facet


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
    limits: tuple[int, int] = (0, 0)  # the values its inputs take

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
    for definition in registry.value_facets():
        name, labels = definition.name, dict(definition.choices)  # a choice shows its label
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
        facets.append(Facet(name, definition.label, values))
    return facets


def range_facets(evaluation: Evaluation, params: QueryDict) -> list[Facet]:
    """Each range facet (age, injury, UR denial and decision years); each of its values (a
    band, a year) is a link that sets its range."""
    return [_range_facet(evaluation, params, d) for d in registry.range_facets()]


def _range_facet(evaluation: Evaluation, params: QueryDict, definition: FacetDefinition) -> Facet:
    (low_name, high_name), name = definition.parameters, definition.name
    current = (params.get(low_name, ""), params.get(high_name, ""))
    if definition.kind is Kind.RANGE:
        bands = [(*band, evaluation.band_count(name, *band[1:])) for band in definition.bands]
    else:  # the years, newest first, each a band of its own
        years = sorted(evaluation.counts(name).items(), reverse=True)[:LISTED]
        bands = [(year, int(year), int(year), count) for year, count in years]
    values = []
    for label, low, high, count in bands:
        chosen = current == ("" if low is None else str(low), "" if high is None else str(high))
        bounds = {low_name: None if chosen else low, high_name: None if chosen else high}
        url = partial(with_values, params, **bounds)
        values.append(FacetValue(label, label, count, chosen, url))
    ends = (low_name, current[0]), (high_name, current[1])
    return Facet(name, definition.label, values, *ends, definition.limits)
