"""Hostile requests: random and adversarial values in every parameter of every page never give
a server error or a reflected, unescaped script. Both databases."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from determinations.ingest import ingest_paths
from determinations.models import DisputedItem, Letter
from determinations.search.filters import ItemFilter
from tests import letters

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
NASTY = [
    SCRIPT, "'\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "\"; DROP TABLE x; --", "%00",
    "\x00", "\\", "*", "NEAR(", "AND OR NOT", '"unbalanced', "-", "--", "((((", "💊" * 50,
    "9" * 40, "-1", "0", "1e309", "NaN", "../../etc/passwd", "a" * 5000, "\r\n\t",
]  # fmt: skip
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.integers().map(str))
PARAMETERS = [*ItemFilter.base_filters, "page", "items", "bom", "breakdown", "q"]
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=6)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def corpus(django_db_blocker):
    ingest_paths([letters.SEED_LETTERS])


def assert_safe(response) -> None:
    """No server error; no script in a page a browser renders as HTML (plain text, CSV and
    JSON answers are sent with `nosniff`, so a browser never runs what they echo)."""
    assert response.status_code < 500
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/html"):
        assert SCRIPT.encode() not in body
    else:
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/compare/", "/insights/", "/insights.csv", "/boilerplate/", "/export.csv",
             "/export.json", "/export.jsonl"],
)  # fmt: skip
@HYPOTHESIS
@given(query=QUERIES)
def test_no_parameter_value_breaks_a_page(client, corpus, path, query):
    assert_safe(client.get(path, [(name, value) for name, value in query]))


@HYPOTHESIS
@given(query=QUERIES, letter=st.sampled_from([1, 2, 3, 999999, 0]))
def test_letter_pages_take_any_parameters(client, corpus, query, letter):
    pk = (
        Letter.objects.order_by("pk").values_list("pk", flat=True)[letter % 3]
        if letter < 4
        else letter
    )
    assert_safe(client.get(f"/determinations/{pk}/", query))


@pytest.mark.parametrize("path", ["/determinations/abc/", "/determinations/-1/", "/x" * 300])
def test_malformed_paths_are_404s(client, path):
    assert client.get(path).status_code == 404


def test_a_script_stored_in_a_letter_is_escaped_everywhere(client, admin_client, tmp_path):
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()
    text = text.replace("Metaxalone 375 mg #60:", f"{SCRIPT} Metaxalone 375 mg #60:")
    text = text.replace("Decision rationale:", f"Decision rationale: {SCRIPT} alert", 1)
    (tmp_path / "hostile.txt").write_text(text)
    ingest_paths([tmp_path])
    letter = Letter.objects.get()
    item = DisputedItem.objects.filter(letter=letter).first()
    pages = [
        client.get("/", {"q": "alert"}),
        client.get("/", {"q": "script"}),
        client.get(f"/determinations/{letter.pk}/", {"q": "alert"}),
        client.get("/compare/", {"items": [item.pk, item.pk + 1]}),
        client.get("/boilerplate/"),
        client.get("/insights/"),
        admin_client.get(f"/admin/determinations/letter/{letter.pk}/change/"),
        admin_client.get("/admin/determinations/disputeditem/"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SCRIPT not in response.content.decode()
    assert "&lt;script&gt;" in pages[2].content.decode()


# Response amplification (issue 28): links carry the parameters a page used, as cleaned, once.
AMPLIFYING = (
    [("decision", "upheld")] * 240
    + [("medication", "x" * 1_000_000)]
    + [("items", f"junk{n}") for n in range(50)]
    + [(f"utm_{n}", "y" * 1000) for n in range(600)]
)


@pytest.mark.parametrize(
    "path", ["/", "/determinations/{letter}/", "/compare/", "/boilerplate/", "/insights/",
             "/insights.csv", "/export.csv", "/export.json"],
)  # fmt: skip
def test_a_huge_request_gets_a_small_answer(client, corpus, path):
    letter = Letter.objects.order_by("pk").first()
    query = [*AMPLIFYING, ("breakdown", "drug_class")]

    response = client.get(path.format(letter=letter.pk), query)

    assert response.status_code in (200, 400)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) < 60_000


def test_links_carry_only_the_parameters_the_search_used(client, corpus):
    item = DisputedItem.objects.order_by("pk").first()
    query = [
        ("decision", "upheld"), ("decision", "upheld"), ("decision", "upheld"),
        ("age_min", "030"), ("utm_source", "mail"), ("medication", "no such drug"),
        ("medication", "m" * 201), ("items", str(item.pk)), ("items", "junk"),
        ("sort", "newest"), ("injury_year_max", "abc"),
    ]  # fmt: skip

    page = client.get("/", query).content.decode()

    assert 'href="/export.csv?decision=upheld&amp;age_min=30&amp;sort=newest"' in page
    assert f"Medication: {'m' * 60!r} longer than 200 characters: ignored." in html.unescape(page)
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*\?[^"]*)"', page)]
    assert len(links) > 20
    for link in links:
        params = parse_qsl(urlsplit(link).query)
        assert "utm_source" not in dict(params), link
        assert [value for name, value in params if name == "decision"] in ([], ["upheld"]), link
        assert [value for name, value in params if name == "medication"] == [], link
        assert ("age_min", "030") not in params and ("items", "junk") not in params, link
        assert ("injury_year_max", "abc") not in params, link


def test_an_overlong_value_is_refused_with_a_notice_and_an_export_with_a_400(client, corpus):
    page = html.unescape(client.get("/", {"specialty": "s" * 201, "q": "q" * 501}).content.decode())
    assert f"Reviewer specialty: {'s' * 60!r} longer than 200 characters: ignored." in page
    assert "The search text was cut to its first 500 characters." in page

    response = client.get("/export.csv", {"state": "C" * 201})
    assert response.status_code == 400
    assert response.content.decode() == (
        f"The export was not made: Licensure state: {'C' * 60!r} longer than 200 "
        "characters: ignored.\n"
    )


def test_a_notice_names_a_few_of_many_unknown_values(client, corpus):
    query = [("medication", f"drug{n}") for n in range(500)]
    page = html.unescape(client.get("/", query).content.decode())
    assert "No medication called 'drug0', 'drug1', 'drug2' and 497 more: ignored." in page
