"""The search page's in-memory evaluation gives exactly what the SQL filters give.

`ItemFilter.filtered()` (SQL, what exports stream) is the reference; for random parameter
combinations the page's total, result order and every facet count must agree with it.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from determinations.ingest import ingest_paths
from determinations.models import CorpusVersion, Letter
from determinations.search import forget_recent_matches, ordered_items, search
from determinations.search.common_words import refresh_common_words
from determinations.search.filters import ItemFilter
from determinations.search.registry import facet as facet_named
from tests import letters

pytestmark = pytest.mark.django_db

PATHS = {
    "decision": "decision",
    "medication": "medication__generic_name",
    "drug_class": "drug_class__name",
    "category": "category",
    "specialty": "letter__reviewer_specialties__name",
    "state": "letter__reviewer_states__code",
    "guideline": "guideline_source",
    "sex": "letter__patient_sex",
    "priority": "letter__priority",
}
YEAR_PATHS = {
    "injury_year": "letter__date_of_injury",
    "ur_year": "letter__ur_denial_date",
    "decision_year": "letter__decision_date",
}
# Case numbers of the first generated letters (`letters.letter_variants`, as the corpus has).
CASES = [
    re.search(r"C[MB]\d{2}-\d{7}", text).group(0) for _, text in letters.letter_variants(3, seed=3)
]
VALUES = {
    "decision": ["upheld", "overturned"],
    "medication": ["cyclobenzaprine", "tizanidine", "hydrocodone/acetaminophen", "celecoxib"],
    "drug_class": ["muscle relaxant", "opioid", "nsaid"],
    "category": ["pharmaceutical", "physical medicine", "surgery", "injection"],
    "specialty": ["Pain Management", "Occupational Medicine", "Orthopedic Surgery"],
    "state": ["CA", "TX", "NV", "NJ"],
    "guideline": ["mtus", "odg", "acoem", "none"],
    "sex": ["female", "male"],
    "priority": ["standard", "expedited"],
    "q": [
        "pain",
        "muscle relaxant",
        '"acute exacerbations"',
        "therapy OR injection",
        "-opioid",
        "Flexeril",
        CASES[0],
        CASES[1].lower(),
        f"{CASES[0]} {CASES[1]}",
        f"{CASES[2]} pain",
        f"muscle relaxant -{CASES[0]}",
        f"-{CASES[1]}",
        "CM99-9999999",
    ],
    "age_min": ["30", "50"],
    "age_max": ["45", "60"],
    "injury_year_min": ["2005", "2010"],
    "injury_year_max": ["2009", "2013"],
    "ur_year_min": ["2014"],
    "ur_year_max": ["2015"],
    "decision_year_min": ["2015", "2016"],
    "decision_year_max": ["2016", "2017"],
    "sort": ["relevance", "newest", "oldest"],
}
parameters = st.lists(
    st.sampled_from(list(VALUES)).flatmap(
        lambda name: st.tuples(st.just(name), st.sampled_from(VALUES[name]))
    ),
    max_size=5,
)


@pytest.fixture
def corpus(tmp_path):
    letters.write_variants(tmp_path, 40, seed=3)
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS, tmp_path])
    # Decision dates and priorities of every kind, undated and unstated among them, whatever
    # the letters' headers say.
    for pk in Letter.objects.values_list("pk", flat=True):
        Letter.objects.filter(pk=pk).update(
            decision_date=None if pk % 5 == 0 else date(2014 + pk % 4, 1 + pk % 12, 1 + pk % 28),
            priority=["", "standard", "expedited"][pk % 3],
        )
    CorpusVersion.bump()
    assert Letter.objects.filter(case_number__in=CASES).count() == len(CASES)


def _query_string(pairs: list[tuple[str, str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in pairs:
        if name in PATHS:
            params.appendlist(name, value)
        else:
            params[name] = value
    return params


@pytest.fixture
def corpus_with_bitmaps(corpus):
    """The same corpus with most words answered from their bitmaps (`common_words`)."""
    assert refresh_common_words(min_items=3) > 20


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=parameters)
def test_page_and_facets_agree_with_the_sql_filters(corpus, pairs):
    _assert_page_agrees_with_sql(pairs)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=parameters, words=st.sampled_from(VALUES["q"]))
def test_page_from_word_bitmaps_agrees_with_the_sql_filters(corpus_with_bitmaps, pairs, words):
    forget_recent_matches()  # each example asks the index afresh for its rare words
    _assert_page_agrees_with_sql([*pairs, ("q", words)])


def _assert_page_agrees_with_sql(pairs: list[tuple[str, str]]) -> None:
    params = _query_string(pairs)
    page = search(params, per_page=1000)
    filters = ItemFilter(params)

    sql_order = list(ordered_items(filters).values_list("id", flat=True))
    page_order = [item.pk for item in page.page.object_list]
    if filters.ordering == "relevance" and filters.search_query.groups:
        # Ties in rank may fall either way between SQL and numpy; the sets must agree.
        assert sorted(page_order) == sorted(sql_order)
    else:
        assert page_order == sql_order
    for facet in page.facets:
        rows = (
            filters.filtered(skip=frozenset({facet.name}))
            .exclude(**{f"{PATHS[facet.name]}__isnull": True})
            .exclude(**{PATHS[facet.name]: ""})
            .order_by()
            .values(PATHS[facet.name])
            .annotate(n=Count("id"))
        )
        expected = {row[PATHS[facet.name]]: row["n"] for row in rows}
        shown = {v.value: v.count for v in facet.values if v.count}
        assert shown == expected, facet.name
    for facet in page.ranges:
        if facet.name != "age":  # a range facet this test does not know fails here
            _assert_years_agree_with_sql(filters, facet)
    ages = filters.filtered(skip=frozenset({"age_min", "age_max"}))
    age_facet = next(facet for facet in page.ranges if facet.name == "age")
    for (label, low, high), value in zip(facet_named("age").bands, age_facet.values, strict=True):
        band = ages.filter(letter__patient_age__isnull=False)
        band = band.filter(letter__patient_age__gte=low) if low is not None else band
        band = band.filter(letter__patient_age__lte=high) if high is not None else band
        assert value.count == band.count(), label


def _assert_years_agree_with_sql(filters: ItemFilter, facet) -> None:
    path = YEAR_PATHS[facet.name]
    rows = (
        filters.filtered(skip=frozenset({f"{facet.name}_min", f"{facet.name}_max"}))
        .exclude(**{f"{path}__isnull": True})
        .order_by()
        .values(year=ExtractYear(path))
        .annotate(n=Count("id"))
    )
    assert {v.value: v.count for v in facet.values} == {
        str(row["year"]): row["n"] for row in rows
    }, facet.name


def test_ids_and_ranks_from_the_database_in_any_order():
    from determinations.search.backends import ids_from_text, ranks_of

    ids = ids_from_text("40,7,12,3")
    assert ids.tolist() == [40, 7, 12, 3] and ids.dtype == np.int64
    assert ids_from_text("").tolist() == []
    assert ranks_of(ids, [(12, 0.5), (40, 2.0), (99, 1.0)]).tolist() == [2.0, 0.0, 0.5, 0.0]
    assert ranks_of(ids, []).tolist() == [0.0] * 4


def test_distinct_ids_of_parts_sorted_only_when_they_are_not_already():
    from determinations.search.backends import distinct_ids

    in_order = np.array([3, 7, 12, 40], dtype=np.int64)
    assert distinct_ids([in_order]) is in_order, "sent in order: not sorted again"
    assert distinct_ids([np.array([40, 7, 7, 3])]).tolist() == [3, 7, 40]
    assert distinct_ids([in_order, np.array([12, 5])]).tolist() == [3, 5, 7, 12, 40]
    assert distinct_ids([np.array([], dtype=np.int64)]).tolist() == []
