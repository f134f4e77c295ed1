"""Outcome breakdowns over the items a search matches (the insights page and its CSVs).

Counted with the search page's own in-memory columns and filter evaluation, so every number
agrees with `/` for the same parameters, and no breakdown costs a query per bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from determinations.search import text_matches
from determinations.search.columns import ItemColumns, item_columns, selected
from determinations.search.engine import Evaluation
from determinations.search.filters import ItemFilter
from determinations.search.registry import FACETS, FacetDefinition, Kind, facet
from determinations.search.urls import used_parameters, with_values


@dataclass
class Group:
    """One bar: a group of items, how they were decided, and the search that lists them."""

    label: str
    items: int
    upheld: int
    overturned: int
    search_url: str
    min_items: int

    @property
    def decided(self) -> int:
        return self.upheld + self.overturned

    @property
    def rated(self) -> bool:
        """Large enough for its rate to mean something."""
        return self.items >= self.min_items and self.decided > 0

    @property
    def upheld_percent(self) -> float | None:
        return round(100 * self.upheld / self.decided, 1) if self.decided else None

    @property
    def overturned_percent(self) -> float | None:
        return round(100 - self.upheld_percent, 1) if self.decided else None


@dataclass
class Breakdown:
    """A chart: its groups in display order."""

    name: str
    heading: str
    groups: list[Group] = field(default_factory=list)
    note: str = ""


@dataclass
class Insights:
    filters: ItemFilter
    overall: Group
    breakdowns: list[Breakdown]
    min_items: int

    def breakdown(self, name: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.name == name), None)


def insights(params: QueryDict) -> Insights:
    """Every breakdown for the items the search parameters match: one per facet with a
    `chart` (`registry.FACETS`), in the charts' order."""
    filters = ItemFilter(params)
    columns = item_columns()
    text = text_matches(filters.search_query, columns, rank=False)
    cleaned = filters.form.cleaned_data
    evaluation = Evaluation(columns, cleaned, text)
    counter = _Counter(columns, evaluation.mask(), _search_params(filters))
    charted = sorted((f for f in FACETS if f.chart), key=lambda f: f.chart.position)
    breakdowns = [counter.breakdown(definition, cleaned) for definition in charted]
    return Insights(filters, counter.overall(), breakdowns, counter.min_items)


class _Counter:
    """Counts items, upheld and overturned per group over one mask of matching items."""

    def __init__(self, columns: ItemColumns, mask: np.ndarray, params: QueryDict) -> None:
        self.columns, self.mask, self.params = columns, mask, params
        decisions, codes = columns.values["decision"], facet("decision").vocabulary
        self.upheld = mask & (decisions == codes.index("upheld"))
        self.overturned = mask & (decisions == codes.index("overturned"))
        self.min_items = settings.IMR_INSIGHTS_MIN_GROUP

    def breakdown(self, definition: FacetDefinition, cleaned: dict) -> Breakdown:
        """A facet's chart: its bands, its years oldest first, or its values largest first;
        each group links to the search that lists its items."""
        name, chart = definition.name, definition.chart
        if definition.kind is Kind.RANGE:
            groups = self._bands(definition, *(cleaned.get(p) for p in definition.parameters))
            return Breakdown(name, chart.heading, groups)
        labels, groups = dict(definition.choices), []
        for value, items, upheld, overturned in self._per_value(definition):
            if definition.kind is Kind.YEAR:
                url = self._url(**dict.fromkeys(definition.parameters, value))
            else:
                url = self._url(**{name: [value]})
            label = labels.get(value, value)
            groups.append(Group(label, items, upheld, overturned, url, self.min_items))
        if definition.kind is not Kind.YEAR:
            groups.sort(key=lambda g: (-g.items, g.label))
        return self._limited(Breakdown(name, chart.heading, groups), chart.top)

    def overall(self) -> Group:
        return self._group("All matching items", self.mask, "?" + self.params.urlencode())

    def _per_value(self, definition: FacetDefinition) -> list[tuple[str, int, int, int]]:
        """(value, items, upheld, overturned) of each value some matching item has; each
        count is one `bincount` over a column, not one pass per value."""
        masks = (self.mask, self.upheld, self.overturned)
        if definition.kind is Kind.REVIEWER:
            pairs = self.columns.fact_pairs[definition.name]
            counts = [pairs.counts(mask).tolist() for mask in masks]
            return [(v, *n) for v, *n in zip(pairs.names, *counts, strict=True) if n[0]]
        column = self.columns.values[definition.name].astype(np.int64)
        names = self.columns.names.get(definition.name)  # None: the value is its name (a year)
        size = int(column.max()) + 1 if len(column) else 1
        counts = [np.bincount(column.take(selected(m)), minlength=size).tolist() for m in masks]
        return [
            (str(code) if names is None else names.get(code, ""), *(n[code] for n in counts))
            for code in np.flatnonzero(counts[0]).tolist()
            if code and (names is None or names.get(code))
        ]

    def _bands(self, definition: FacetDefinition, current_min, current_max) -> list[Group]:
        """A RANGE facet's bands; a band's link keeps within the range the search already has."""
        numbers, (low_name, high_name) = self.columns.values[definition.name], definition.parameters
        groups = []
        for label, low, high in definition.bands:
            low = max(x for x in (low, current_min, 0) if x is not None)
            high = min(x for x in (high, current_max, 999) if x is not None)
            if low > high:
                continue
            url = self._url(**{low_name: low or None, high_name: None if high == 999 else high})
            groups.append(self._group(label, (numbers >= low) & (numbers <= high), url))
        return [g for g in groups if g.items]

    def _group(self, label: str, in_group: np.ndarray, url: str) -> Group:
        return Group(
            label=label,
            items=int((self.mask & in_group).sum()),
            upheld=int((self.upheld & in_group).sum()),
            overturned=int((self.overturned & in_group).sum()),
            search_url=url,
            min_items=self.min_items,
        )

    def _url(self, **values) -> str:
        params = self.params.copy()
        single = {}
        for name, value in values.items():
            if isinstance(value, list):
                params.setlist(name, value)
            else:
                single[name] = value
        return reverse("determinations:search") + with_values(params, **single)

    def _limited(self, breakdown: Breakdown, top: int | None) -> Breakdown:
        if top and len(breakdown.groups) > top:
            breakdown.note = f"{len(breakdown.groups)} in all; the {top} with most items shown"
            breakdown.groups = breakdown.groups[:top]
        return breakdown


def _search_params(filters: ItemFilter) -> QueryDict:
    """The parameters the search used, as cleaned, less its order."""
    params = used_parameters(filters.form)
    params.pop("sort", None)
    return params
