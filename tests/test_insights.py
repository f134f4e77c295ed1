"""Insights: rates and counts of a hand-built corpus, the small-group rule, links that
reproduce a group on `/`, CSV tables and the empty state. Both databases."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from determinations.ingest import ingest_paths
from determinations.insights import insights
from tests.letters import letter_with_items

pytestmark = pytest.mark.django_db
WHY = "The guidelines were applied to the documented findings."


@pytest.fixture
def corpus(tmp_path, settings):
    settings.IMR_INSIGHTS_MIN_GROUP = 2
    letters = {
        "1.txt": [("Norco 10/325 mg #120", "Upheld", WHY), ("Tramadol 50 mg #60", "Overturned", WHY)],
        "2.txt": [("Norco 5/325 mg #60", "Upheld", WHY)],
        "3.txt": [("Soma 350 mg #30", "Upheld", WHY)],
        "4.txt": [("Physical therapy 12 sessions", "Overturned", WHY)],
    }  # fmt: skip
    for name, items in letters.items():
        (tmp_path / name).write_text(letter_with_items(items))
    ingest_paths([tmp_path])


def table(name: str, params: str = "") -> list[tuple]:
    found = insights(QueryDict(params)).breakdown(name)
    return [
        (g.label, g.items, g.upheld, g.overturned, g.upheld_percent, g.rated) for g in found.groups
    ]


def test_rates_and_counts_equal_hand_computed_values(corpus):
    overall = insights(QueryDict("")).overall
    assert (overall.items, overall.upheld, overall.overturned, overall.upheld_percent) == (
        5,
        3,
        2,
        60.0,
    )

    assert table("drug_class") == [
        ("opioid", 3, 2, 1, 66.7, True),
        ("muscle relaxant", 1, 1, 0, 100.0, False),  # one item: too few to rate
    ]
    assert table("category") == [
        ("Pharmaceutical", 4, 3, 1, 75.0, True),
        ("Physical medicine", 1, 0, 1, 0.0, False),
    ]
    assert table("medication") == [
        ("hydrocodone/acetaminophen", 2, 2, 0, 100.0, True),
        ("carisoprodol", 1, 1, 0, 100.0, False),
        ("tramadol", 1, 0, 1, 0.0, False),
    ]
    assert table("specialty") == [("Pain Medicine", 5, 3, 2, 60.0, True)]
    assert table("guideline") == [("MTUS", 5, 3, 2, 60.0, True)]
    assert table("age") == [("40-49", 5, 3, 2, 60.0, True)]
    assert table("injury_year") == [("2011", 5, 3, 2, 60.0, True)]


def test_breakdowns_follow_the_search_filters(corpus):
    assert table("drug_class", "decision=upheld") == [
        ("opioid", 2, 2, 0, 100.0, True),
        ("muscle relaxant", 1, 1, 0, 100.0, False),
    ]
    assert table("medication", "q=norco") == [("hydrocodone/acetaminophen", 2, 2, 0, 100.0, True)]
    assert table("age", "age_min=45&age_max=70") == [("40-49", 5, 3, 2, 60.0, True)]


def test_every_group_link_lists_that_groups_items_on_the_search_page(client, corpus):
    for params in ["", "decision=overturned", "age_min=45&age_max=55", "q=norco OR soma"]:
        found = insights(QueryDict(params))
        for breakdown in found.breakdowns:
            for group in breakdown.groups:
                page = client.get(group.search_url).content.decode()
                heading = re.search(r'id="results-heading">(\d+) disputed', page).group(1)
                assert int(heading) == group.items, (params, breakdown.name, group.label)


def test_the_page_shows_charts_tables_and_the_small_group_rule(client, corpus):
    page = client.get("/insights/").content.decode()

    assert "5 disputed items:\n  3 upheld (60.0%),\n  2 overturned (40.0%)" in page
    assert page.count('<svg class="bars" role="group"') == 7
    assert 'aria-label="opioid: 3 items, 66.7% upheld"' in page
    assert 'aria-label="muscle relaxant: 1 items, too few to rate"' in page
    assert 'class="bar small"' in page
    assert "groups of fewer than 2 items are greyed" in page
    assert 'href="/?drug_class=opioid"' in page
    assert "<summary>By drug class as a table</summary>" in page


def test_insights_csv_holds_a_breakdown_with_the_overall_row(client, corpus):
    response = client.get("/insights.csv", {"breakdown": "drug_class", "decision": "upheld"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == (
        "group,items,upheld,overturned,upheld_rate_percent,rated\r\n"
        "All matching items,3,3,0,100.0,yes\r\n"
        "opioid,2,2,0,100.0,yes\r\n"
        "muscle relaxant,1,1,0,,no\r\n"
    )
    assert client.get("/insights.csv", {"breakdown": "nonsense"}).status_code == 400


def test_nothing_matching_shows_an_empty_state(client, corpus):
    response = client.get("/insights/", {"q": "nonexistentword"})
    assert response.status_code == 200
    assert "nothing to chart" in response.content.decode()


def test_bad_parameters_give_the_page_with_a_message(client, corpus):
    response = client.get("/insights/", {"age_min": "old", "medication": "unheard-of"})
    page = response.content.decode()
    assert response.status_code == 200 and "5 disputed items" in page
    assert page.count("<li>") >= 2  # one notice per bad parameter


def test_search_page_links_to_its_chart(client, corpus):
    page = client.get("/", {"decision": "upheld"}).content.decode()
    assert 'href="/insights/?decision=upheld">Chart these results' in page


def test_insights_queries_do_not_grow_with_groups(client, corpus, django_assert_max_num_queries):
    client.get("/insights/")  # the item columns load once per corpus version
    # the corpus version, and the four name tables the filter's choices come from
    with django_assert_max_num_queries(5):
        client.get("/insights/")
