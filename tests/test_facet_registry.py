"""Adding a facet is one entry in `registry.FACETS`: a facet added here at runtime filters in
SQL, is masked and counted in memory as SQL counts it, shows in the sidebar and on the
insights page, and is gone again once removed. Both databases."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db.models import Count
from django.http import QueryDict

from determinations.ingest import ingest_paths
from determinations.insights import insights
from determinations.models import CorpusVersion, DisputedItem, Letter
from determinations.search import columns as search_columns
from determinations.search import ordered_items, search
from determinations.search.engine import Evaluation
from determinations.search.filters import ItemFilter
from determinations.search.registry import FACETS, Chart, FacetDefinition, Kind
from tests import letters

pytestmark = pytest.mark.django_db

URGENCY = FacetDefinition(
    "urgency", Kind.CHOICE, "letter__priority", "Urgency",
    (("expedited", "Urgent"), ("standard", "Routine")), chart=Chart(9, "By urgency"),
)  # fmt: skip
REFILLS = FacetDefinition(
    "refills", Kind.RANGE, "refills", "Refills", bounds=("Fewest refills", "Most refills"),
    limits=(0, 99), bands=(("none", None, 0), ("1 or 2", 1, 2), ("3 and more", 3, None)),
)  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    letters.write_variants(tmp_path, 24, seed=5)
    ingest_paths([letters.SEED_LETTERS, tmp_path])
    for pk in Letter.objects.values_list("pk", flat=True):
        Letter.objects.filter(pk=pk).update(priority=["", "standard", "expedited"][pk % 3])
    for pk in DisputedItem.objects.values_list("pk", flat=True):
        DisputedItem.objects.filter(pk=pk).update(refills=None if pk % 4 == 0 else pk % 5)
    CorpusVersion.bump()


@contextmanager
def registered(definition: FacetDefinition, monkeypatch):
    """The facet added to `FACETS`, and what a restart derives from it: the filter's fields
    and fresh search columns."""
    FACETS.append(definition)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(ItemFilter, "base_filters", ItemFilter.get_filters())
            patched.setattr(search_columns, "_cache", None)
            yield
    finally:
        FACETS.remove(definition)


def _page_agrees_with_sql(params: str) -> None:
    filters = ItemFilter(QueryDict(params))
    assert filters.notices == []
    page = search(QueryDict(params), per_page=1000)
    assert [item.pk for item in page.page.object_list] == list(
        ordered_items(filters).values_list("id", flat=True)
    )


def test_a_value_facet_is_one_entry(corpus, client, monkeypatch):
    with registered(URGENCY, monkeypatch):
        urgent = ItemFilter(QueryDict("urgency=expedited")).filtered()
        assert set(urgent) == set(DisputedItem.objects.filter(letter__priority="expedited"))
        assert 0 < urgent.count() < DisputedItem.objects.count()
        assert ItemFilter(QueryDict("urgency=soon")).notices == [
            "No urgency called 'soon': ignored."
        ]
        for params in ["urgency=expedited", "urgency=standard&decision=upheld", "decision=upheld"]:
            _page_agrees_with_sql(params)
            filters = ItemFilter(QueryDict(params))
            evaluation = Evaluation(search_columns.item_columns(), filters.form.cleaned_data, None)
            assert ("urgency" in evaluation.masks) == ("urgency=" in params)
            rows = filters.filtered(skip=frozenset({"urgency"})).exclude(letter__priority="")
            rows = rows.order_by().values_list("letter__priority").annotate(n=Count("id"))
            expected = dict(rows)
            assert len(expected) == 2
            assert evaluation.counts("urgency") == expected

        facet = next(
            f for f in search(QueryDict("urgency=expedited")).facets if f.name == "urgency"
        )
        assert facet.heading == "Urgency"
        assert {(v.value, v.label, v.selected) for v in facet.values} == {
            ("expedited", "Urgent", True),
            ("standard", "Routine", False),
        }
        html = client.get("/?urgency=expedited").content.decode()
        assert "<legend>Urgency</legend>" in html
        assert 'name="urgency" value="expedited" checked> Urgent' in html

        chart = insights(QueryDict("")).breakdown("urgency")
        assert chart.heading == "By urgency"
        assert {(g.label, g.items) for g in chart.groups} == {
            ("Urgent", DisputedItem.objects.filter(letter__priority="expedited").count()),
            ("Routine", DisputedItem.objects.filter(letter__priority="standard").count()),
        }

    assert "urgency" not in ItemFilter.base_filters
    assert "urgency" not in [f.name for f in search(QueryDict("")).facets]
    assert insights(QueryDict("")).breakdown("urgency") is None


def test_a_range_facet_is_one_entry(corpus, client, monkeypatch):
    with registered(REFILLS, monkeypatch):
        some = ItemFilter(QueryDict("refills_min=1&refills_max=2")).filtered()
        assert set(some) == set(DisputedItem.objects.filter(refills__gte=1, refills__lte=2))
        assert ItemFilter(QueryDict("refills_max=100")).notices == [
            "Most refills: Ensure this value is less than or equal to 99. Ignored."
        ]
        for params in ["refills_min=3", "refills_max=2&decision=upheld", "decision=overturned"]:
            _page_agrees_with_sql(params)
            facet = next(f for f in search(QueryDict(params)).ranges if f.name == "refills")
            others = ItemFilter(QueryDict(params)).filtered(
                skip=frozenset({"refills_min", "refills_max"})
            )
            assert [(v.label, v.count) for v in facet.values] == [
                ("none", others.filter(refills=0).count()),
                ("1 or 2", others.filter(refills__in=[1, 2]).count()),
                ("3 and more", others.filter(refills__gte=3).count()),
            ]
        html = client.get("/?refills_min=1&refills_max=2").content.decode()
        assert "<legend>Refills</legend>" in html
        assert 'name="refills_min" min="0" max="99" value="1"' in html
        assert 'aria-current="true" class="selected">1 or 2</a>' in html

    assert "refills_min" not in ItemFilter.base_filters
    assert "refills" not in [f.name for f in search(QueryDict("")).ranges]
