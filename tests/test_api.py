"""The JSON API (`/api/v1/`): the search page's items, order and totals, walked by cursor even
while letters are ingested; bad parameters named in a 400; letters, similar rationales,
facets; a schema that lists every search parameter. Both databases."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import QueryDict
from drf_spectacular.validation import validate_schema
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from determinations.export_records import stored_records
from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from determinations.search import search
from determinations.search.filters import MAX_VALUE_LENGTH, ItemFilter
from tests import letters
from tests.test_hostile import HYPOTHESIS, NASTY, QUERIES
from tests.test_search_engine import _query_string, parameters

pytestmark = pytest.mark.django_db
CHANGED = (
    "The corpus changed since this walk began: start again, or sort by newest for a walk "
    "that survives ingests."
)


@pytest.fixture
def corpus(tmp_path):
    """The property test's corpus (`test_search_engine`): its case numbers are these letters'."""
    letters.write_variants(tmp_path / "corpus", 40, seed=3)
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS, tmp_path / "corpus"])


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """No test here counts against the anonymous rate but the test of that rate."""
    settings.IMR_API_ANON_RATE = None
    yield
    cache.clear()


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def items_url(params: QueryDict, size: int) -> str:
    return f"/api/v1/items/?{params.urlencode()}&page_size={size}"


def walk(client, url: str, between=lambda: None) -> tuple[list[int], list[int]]:
    """Every item id of a walk by `next` links, and each page's total; ``between`` runs
    after each page."""
    ids, counts = [], []
    while url:
        page = get(client, url)
        ids += [item["item_id"] for item in page["results"]]
        counts.append(page["count"])
        url = page["next"]
        between()
    return ids, counts


def page_ids(params: QueryDict) -> list[int]:
    return [item.pk for item in search(params, per_page=10_000).page.object_list]


@HYPOTHESIS
@given(pairs=parameters, size=st.integers(1, 30))
def test_a_walk_gives_the_search_pages_items_in_its_order(client, corpus, pairs, size):
    params = _query_string(pairs)
    expected = page_ids(params)

    ids, counts = walk(client, items_url(params, size))

    assert ids == expected
    assert set(counts) == {len(expected)}


def test_walking_back_by_previous_links_gives_the_same_items_reversed(client, corpus):
    for query in ["sort=oldest", "decision=upheld", "q=pain", "q=pain&sort=newest"]:
        params = QueryDict(query)
        url, pages = items_url(params, 6), []
        while url:
            pages.append(get(client, url))
            url = pages[-1]["next"]
        back, url = [], pages[-1]["previous"]
        while url:
            page = get(client, url)
            back = [item["item_id"] for item in page["results"]] + back
            url = page["previous"]
        last = [item["item_id"] for item in pages[-1]["results"]]
        assert back + last == page_ids(params), query
        assert pages[0]["previous"] is None


def test_an_item_is_its_export_record_with_its_addresses(client, corpus):
    page = get(client, "/api/v1/items/?medication=cyclobenzaprine&page_size=100")
    item = DisputedItem.objects.filter(medication__generic_name="cyclobenzaprine").first()

    found = next(entry for entry in page["results"] if entry["item_id"] == item.pk)
    expected = json.loads(stored_records([item.pk], "json")[item.pk])
    letter, api = f"/determinations/{item.letter_id}/#item-{item.pk}", f"/api/v1/items/{item.pk}/"
    assert found == {
        **expected,
        "letter_url": f"http://testserver{letter}",
        "api_url": f"http://testserver{api}",
    }
    assert list(found)[:3] == ["determination_id", "case_number", "source_file"]
    assert found["medication"] == "cyclobenzaprine"
    assert get(client, api) == found
    assert get(client, "/api/v1/items/999999/", 404) == {"detail": "No disputed item 999999."}


def test_a_date_walk_survives_letters_ingested_between_its_pages(client, corpus, tmp_path):
    for query in ["", "sort=oldest", "decision=upheld"]:
        params = QueryDict(query)
        before = page_ids(params)
        newer = tmp_path / (query.replace("=", "_") or "all")
        letters.write_variants(newer, 6, seed=len(query) + 11)
        pending = [newer]

        def ingest_once(pending: list = pending) -> None:
            if pending:
                ingest_paths([pending.pop()])

        ids, counts = walk(client, items_url(params, 7), ingest_once)

        assert len(ids) == len(set(ids)), query  # no item twice
        assert [pk for pk in ids if pk in set(before)] == before, query  # none skipped
        assert counts[0] == len(before) and counts[-1] == len(page_ids(params)) > len(before)


def test_a_relevance_walk_refuses_to_go_on_once_the_corpus_changed(client, corpus, tmp_path):
    first = get(client, "/api/v1/items/?q=pain&page_size=5")
    assert first["next"]
    letters.write_variants(tmp_path, 2, seed=21)
    ingest_paths([tmp_path])

    assert get(client, first["next"], 409) == {"errors": {"cursor": [CHANGED]}}
    assert get(client, "/api/v1/items/?q=pain&sort=newest&page_size=5")["next"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("medication=zzz", {"medication": ["No medication called 'zzz': ignored."]}),
        ("age_min=abc&decision=upheld", {"age_min": ["Minimum age: Enter a whole number. Ignored."]}),
        (f"state={'x' * (MAX_VALUE_LENGTH + 1)}",
         {"state": [f"Licensure state: '{'x' * 60}' longer than {MAX_VALUE_LENGTH} characters: "
                    "ignored."]}),
        ("sort=best", {"sort": ["Sort by: Select a valid choice. best is not one of the available "
                                "choices. Ignored."]}),
        ("page_size=0", {"page_size": ["A whole number from 1 to 100."]}),
        ("page_size=101", {"page_size": ["A whole number from 1 to 100."]}),
        ("page_size=²", {"page_size": ["A whole number from 1 to 100."]}),
        ("cursor=abc", {"cursor": ["Not a cursor this API gave: start the walk again without it."]}),
        ("cursor=" + "e" * 600, {"cursor": ["Not a cursor this API gave."]}),
    ],
)  # fmt: skip
def test_bad_parameters_are_named_in_a_400(client, corpus, query, errors):
    assert get(client, f"/api/v1/items/?{query}", 400) == {"errors": errors}


def test_a_cursor_continues_only_the_order_it_was_given_for(client, corpus):
    newest = get(client, "/api/v1/items/?page_size=3")["next"]
    cursor = QueryDict(newest.split("?")[1])["cursor"]

    answer = get(client, f"/api/v1/items/?sort=oldest&cursor={cursor}", 400)

    assert answer == {"errors": {"cursor": [
        "This cursor continues a walk sorted by newest, not oldest: keep the parameters of the "
        "walk's first request."
    ]}}  # fmt: skip
    assert get(client, "/api/v1/facets/?medication=zzz", 400) == {
        "errors": {"medication": ["No medication called 'zzz': ignored."]}
    }


API = ["/api/v1/items/", "/api/v1/facets/", "/api/v1/letters/"]


@pytest.mark.parametrize("path", API)
@HYPOTHESIS
@given(
    query=QUERIES,
    paging=st.lists(
        st.tuples(st.sampled_from(["cursor", "page_size"]), st.sampled_from(NASTY) | st.text()),
        max_size=2,
    ),
)
def test_no_parameter_value_gives_a_server_error(client, corpus, path, query, paging):
    response = client.get(path, [*query, *paging], HTTP_ACCEPT="application/json")
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), dict)


def test_a_letter_with_its_items_and_a_case_number_finds_it(client, corpus):
    letter = Letter.objects.exclude(case_number="").order_by("pk").first()
    item_ids = list(letter.items.order_by("position").values_list("pk", flat=True))

    found = get(client, f"/api/v1/letters/{letter.pk}/")

    page = f"http://testserver/determinations/{letter.pk}/"
    assert found["determination_id"] == letter.pk
    assert found["case_number"] == letter.case_number
    assert found["parse_status"] == letter.parse_status
    assert found["ur_denial_date"] == letter.ur_denial_date.isoformat()
    assert (found["letter_url"], found["original_text_url"]) == (page, page + "#original")
    assert found["original_pdf_url"] is None  # a text letter
    assert [item["item_id"] for item in found["items"]] == item_ids
    listed = get(client, f"/api/v1/letters/?case_number={letter.case_number}")
    assert listed["count"] == 1
    assert [entry["determination_id"] for entry in listed["results"]] == [letter.pk]
    assert listed["results"][0]["api_url"] == f"http://testserver/api/v1/letters/{letter.pk}/"
    assert get(client, "/api/v1/letters/?case_number=CM99-9999999")["results"] == []
    assert get(client, "/api/v1/letters/999999/", 404) == {"detail": "No letter 999999."}


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/letters/12/items/", "/api/v1/"])
def test_a_path_that_is_no_endpoint_is_a_json_404(client, path):
    answer = get(client, path, 404)
    assert answer == {"detail": "No such endpoint: /api/v1/schema/ lists them."}


def test_a_case_number_is_found_in_any_case_as_the_case_address_finds_it(client, corpus):
    letter = Letter.objects.exclude(case_number="").order_by("pk").first()
    listed = get(client, f"/api/v1/letters/?case_number=%20{letter.case_number.lower()}%20")
    assert [entry["determination_id"] for entry in listed["results"]] == [letter.pk]
    redirected = client.get(f"/cases/{letter.case_number.lower()}/")
    assert redirected["Location"] == f"/determinations/{letter.pk}/"


def test_letters_walk_by_id_both_ways(client, corpus):
    pages, url = [], "/api/v1/letters/?page_size=7"
    while url:
        pages.append(get(client, url))
        url = pages[-1]["next"]
    every = [entry["determination_id"] for page in pages for entry in page["results"]]
    assert every == list(Letter.objects.order_by("pk").values_list("pk", flat=True))
    back = get(client, pages[-1]["previous"])
    assert back["results"] == pages[-2]["results"]
    assert {page["count"] for page in pages} == {len(every)}


def test_similar_rationales_with_their_scores(client, corpus):
    from determinations.similarity import similar_rationales

    item = next(i for i in DisputedItem.objects.order_by("pk") if similar_rationales(i))
    expected = similar_rationales(item)

    found = get(client, f"/api/v1/items/{item.pk}/similar/")

    assert found["item_id"] == item.pk
    assert [(entry["item"]["item_id"], entry["similarity"]) for entry in found["results"]] == [
        (similar.item.pk, round(similar.similarity, 4)) for similar in expected
    ]
    assert get(client, "/api/v1/items/999999/similar/", 404) == {
        "detail": "No disputed item 999999."
    }


def test_facets_are_the_sidebars_as_data(client, corpus):
    params = QueryDict("q=pain&decision=upheld")
    page = search(params, per_page=1)

    found = get(client, f"/api/v1/facets/?{params.urlencode()}")

    assert found["count"] == page.page.paginator.count
    expected = [
        {"name": facet.name, "label": facet.heading, "kind": kind, "values": [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in facet.values
        ]}
        for kind, facets in (("value", page.facets), ("range", page.ranges))
        for facet in facets
    ]  # fmt: skip
    assert found["facets"] == expected
    decision = next(facet for facet in found["facets"] if facet["name"] == "decision")
    assert {"value": "upheld", "label": "Upheld", "selected": True}.items() <= next(
        v for v in decision["values"] if v["value"] == "upheld"
    ).items()


def test_the_schema_lists_every_search_parameter_and_validates(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)

    validate_schema(schema)
    listed = [p["name"] for p in schema["paths"]["/api/v1/items/"]["get"]["parameters"]]
    assert sorted(listed) == sorted([*ItemFilter.base_filters, "cursor", "page_size"])
    facets = schema["paths"]["/api/v1/facets/"]["get"]["parameters"]
    assert sorted(p["name"] for p in facets) == sorted(ItemFilter.base_filters)
    assert set(schema["paths"]) == {
        "/api/v1/items/", "/api/v1/items/{id}/", "/api/v1/items/{id}/similar/",
        "/api/v1/facets/", "/api/v1/letters/", "/api/v1/letters/{id}/",
    }  # fmt: skip


def test_the_api_takes_nothing_but_get_and_head(client):
    for method in ["post", "put", "patch", "delete", "options"]:
        response = getattr(client, method)("/api/v1/items/")
        assert response.status_code == 405, method


def test_anonymous_clients_are_throttled_and_staff_tokens_have_their_own_rate(client, settings):
    settings.IMR_API_ANON_RATE, settings.IMR_API_STAFF_RATE = "3/minute", "5/minute"
    cache.clear()
    for _ in range(3):
        get(client, "/api/v1/letters/")

    response = client.get("/api/v1/letters/", HTTP_ACCEPT="application/json")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    }
    staff = User.objects.create_user("analyst", is_staff=True)
    clerk = User.objects.create_user("clerk")
    statuses = [
        client.get("/api/v1/letters/", HTTP_AUTHORIZATION=f"Token {token}").status_code
        for token in [Token.objects.create(user=staff).key] * 6
        + [Token.objects.create(user=clerk).key]
    ]
    assert statuses == [200] * 5 + [429, 429]  # a non-staff token counts as its address
    bad = client.get("/api/v1/letters/", HTTP_AUTHORIZATION="Token nonsense")
    assert (bad.status_code, bad["WWW-Authenticate"]) == (401, "Token")
    assert bad.json() == {"detail": "Invalid token."}


def test_a_browser_gets_the_browsable_page_under_the_sites_policy(client, corpus):
    response = client.get("/api/v1/items/?q=pain&page_size=2", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "&quot;item_id&quot;" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "'self'" in policy
    page = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" type="text/css" href="([^"]+)"', page)
    assert scripts and styles  # each our own file, none from a CDN
    assert [url for url in scripts + styles if not url.startswith("/static/rest_framework/")] == []
