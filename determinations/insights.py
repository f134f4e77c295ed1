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
from determinations.search.columns import (
    CATEGORIES,
    DECISIONS,
    GUIDELINES,
    FactPairs,
    item_columns,
    selected,
)
from determinations.search.engine import Evaluation
from determinations.search.facets import AGE_BANDS
from determinations.search.filters import ItemFilter
from determinations.search.urls import used_parameters, with_values

UPHELD, OVERTURNED = DECISIONS.index("upheld"), DECISIONS.index("overturned")
TOP_MEDICATIONS, TOP_SPECIALTIES = 20, 15


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
    """Every breakdown for the items the search parameters match."""
    filters = ItemFilter(params)
    columns = item_columns()
    text = text_matches(filters.search_query, columns, rank=False)
    cleaned = filters.form.cleaned_data
    evaluation = Evaluation(columns, cleaned, text)
    counter = _Counter(columns, evaluation.mask(), _search_params(filters))
    breakdowns = [
        counter.coded("drug_class", "By drug class", columns.drug_class, columns.drug_class_names),
        counter.coded("category", "By treatment category", columns.category,
                      dict(enumerate(CATEGORIES)), labels=_choices(filters, "category")),
        counter.coded("medication", f"By medication (top {TOP_MEDICATIONS})",
                      columns.medication, columns.medication_names, top=TOP_MEDICATIONS),
        counter.listed("specialty", f"By reviewer specialty (top {TOP_SPECIALTIES})",
                       columns.specialty_pairs, top=TOP_SPECIALTIES),
        counter.coded("guideline", "By guideline source", columns.guideline,
                      dict(enumerate(GUIDELINES)), labels=_choices(filters, "guideline")),
        counter.age_bands(cleaned.get("age_min"), cleaned.get("age_max")),
        counter.years("injury_year", "By year of injury", columns.injury_year),
        counter.years("decision_year", "By year of decision", columns.decision_year),
    ]  # fmt: skip
    return Insights(filters, counter.overall(), breakdowns, counter.min_items)


class _Counter:
    """Counts items, upheld and overturned per group over one mask of matching items."""

    def __init__(self, columns, mask: np.ndarray, params: QueryDict) -> None:
        self.columns, self.mask, self.params = columns, mask, params
        self.upheld = mask & (columns.decision == UPHELD)
        self.overturned = mask & (columns.decision == OVERTURNED)
        self.min_items = settings.IMR_INSIGHTS_MIN_GROUP

    def overall(self) -> Group:
        return self._group("All matching items", self.mask, "?" + self.params.urlencode())

    def coded(self, name, heading, column, names, labels=None, top=None) -> Breakdown:
        """Groups of a one-valued field (an id or code per item), largest first; each count
        is one `bincount` over the column, not one pass per group."""
        items, upheld, overturned = self._counts_by_value(column)
        groups = []
        for value in np.flatnonzero(items).tolist():
            value_name = names.get(value, "")
            if not value or not value_name:
                continue
            label = (labels or {}).get(value_name, value_name)
            url = self._url(**{name: [value_name]})
            groups.append(self._counted(label, items[value], upheld[value], overturned[value], url))
        groups.sort(key=lambda g: (-g.items, g.label))
        return self._limited(Breakdown(name, heading, groups), top)

    def listed(self, name, heading, pairs: FactPairs, top=None) -> Breakdown:
        """Groups of a many-valued fact of the letter (reviewer specialties)."""
        items, upheld, overturned = (
            pairs.counts(mask) for mask in (self.mask, self.upheld, self.overturned)
        )
        groups = []
        for code, value in enumerate(pairs.names):
            if items[code]:
                url = self._url(**{name: [value]})
                groups.append(
                    self._counted(value, items[code], upheld[code], overturned[code], url)
                )
        groups.sort(key=lambda g: (-g.items, g.label))
        return self._limited(Breakdown(name, heading, groups), top)

    def age_bands(self, current_min: int | None, current_max: int | None) -> Breakdown:
        """Age bands; a band's link keeps within the age range the search already has."""
        age = self.columns.age
        groups = []
        for label, low, high in AGE_BANDS:
            low = max(x for x in (low, current_min, 0) if x is not None)
            high = min(x for x in (high, current_max, 999) if x is not None)
            if low > high:
                continue
            url = self._url(age_min=low or None, age_max=None if high == 999 else high)
            groups.append(self._group(label, (age >= low) & (age <= high), url))
        return Breakdown("age", "By patient age", [g for g in groups if g.items])

    def years(self, name: str, heading: str, column: np.ndarray) -> Breakdown:
        """Groups by a year column (0: unknown, left out), oldest first; each links to the
        search with that year as its range (`<name>_min`, `<name>_max`)."""
        items, upheld, overturned = self._counts_by_value(column)
        groups = [
            self._counted(str(year), items[year], upheld[year], overturned[year],
                          self._url(**{f"{name}_min": year, f"{name}_max": year}))
            for year in np.flatnonzero(items).tolist()
            if year
        ]  # fmt: skip
        return Breakdown(name, heading, groups)

    def _counts_by_value(self, column: np.ndarray):
        """Items, upheld and overturned per value of a small non-negative integer column."""
        values = column.astype(np.int64)
        size = int(values.max()) + 1 if len(values) else 1
        return tuple(
            np.bincount(values.take(selected(mask)), minlength=size)
            for mask in (self.mask, self.upheld, self.overturned)
        )

    def _counted(self, label, items, upheld, overturned, url) -> Group:
        return Group(label, int(items), int(upheld), int(overturned), url, self.min_items)

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


def _choices(filters: ItemFilter, name: str) -> dict[str, str]:
    return {value: str(label) for value, label in filters.form.fields[name].choices}
