"""Hostile requests: random and adversarial values in every parameter of every page never give
a server error or a reflected, unescaped script. Both databases."""

from __future__ import annotations

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
