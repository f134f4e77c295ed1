"""Search: query syntax, facets and their counts, bad parameters. Runs on both databases.

The corpus is the five seeds plus the hand-written fixture letters; expected counts are
computed from the fixtures' expectation files, independently of the parser and the database.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.http import QueryDict

from determinations.ingest import ingest_paths
from determinations.models import CorpusVersion, DisputedItem, Letter, Specialty
from determinations.search import ordered_items, search
from determinations.search.filters import ItemFilter
from tests import letters

pytestmark = pytest.mark.django_db
SEARCHED = letters.seed_cases() + letters.fixture_cases((letters.FIXTURE_LETTERS,))
EXPECTED = [expected for _, expected in SEARCHED]  # the letters the `corpus` fixture ingests
EXPECTED_ITEMS = [(letter, item) for letter in EXPECTED for item in letter["items"]]


@pytest.fixture
def corpus():
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS])


def labels(params: str) -> list[str]:
    """The labels of every matching item, sorted (order is tested separately)."""
    filters = ItemFilter(QueryDict(params))
    return sorted(ordered_items(filters).values_list("label", flat=True))


def facet_counts(params: str, name: str) -> dict[str, int]:
    page = search(QueryDict(params))
    facet = next(f for f in page.facets + page.ranges if f.name == name)
    return {value.value: value.count for value in facet.values}


# Query syntax: the same item labels on SQLite and PostgreSQL (this module runs on both).

KNEE_LETTER = [
    "Assistant surgeon",
    "Post-operative cold therapy unit, 7 day rental",
    "Right knee arthroscopy with partial medial meniscectomy",
]
RELAXANT_ITEMS = [
    "Amrix 15 milligrams #40, for the lumbar",
    "Cyclobenzaprine 7.5mg #60",
    "Flexeril",
    "Metaxalone 375 mg #60",
    "Soma 350mg #90",
    "Zanaflex 2 mg #60 with 2 refills",
]
QUERIES = {
    # A brand name finds the generic, whatever the label calls it.
    "q=Flexeril": [
        "Amrix 15 milligrams #40, for the lumbar",
        "Cyclobenzaprine 7.5mg #60",
        "Flexeril",
    ],
    "q=Vicodin": ["Norco 10/325mg #101", "Norco 10/325mg #120"],
    # The case summary is indexed too (lowest weight): a word in it finds all the letter's items.
    'q="cold therapy unit"': KNEE_LETTER,
    "q=meniscectomy": KNEE_LETTER,
    # OR widens (seed 004's summary names Zanaflex, so its Medrol item comes too).
    "q=zanaflex OR skelaxin": [
        "Medrol Dose Pack",
        "Metaxalone 375 mg #60",
        "Zanaflex 2 mg #60 with 2 refills",
    ],
    # -word excludes.
    "q=Flexeril -spasm": ["Flexeril"],
    # The example query.
    'q=muscle relaxant "acute exacerbation"': RELAXANT_ITEMS,
}


@pytest.mark.parametrize(("params", "expected"), QUERIES.items(), ids=list(QUERIES))
def test_documented_query_set(corpus, params, expected):
    assert labels(params) == expected


def test_an_excluded_word_removes_exactly_the_items_it_matches(corpus):
    for query, excluded in [("exacerbation", "spasm"), ("muscle", '"acute exacerbations"')]:
        with_exclusion = labels(f"q={query} -{excluded}")
        assert with_exclusion == sorted(set(labels(f"q={query}")) - set(labels(f"q={excluded}")))


def test_or_joins_only_its_neighbours_and_every_group_must_match(corpus):
    # `websearch_to_tsquery` alone reads "a b OR c" as "(a AND b) OR c"; SPEC's web-search
    # syntax means "a AND (b OR c)", on both databases.
    either = set(labels("q=zanaflex")) | set(labels("q=skelaxin"))
    with_word = labels("q=dose zanaflex OR skelaxin")
    assert with_word == sorted(either & set(labels("q=dose")))
    assert with_word != sorted(either)  # the word narrows: the case is not vacuous
    excluded = labels("q=zanaflex OR skelaxin -metaxalone")
    assert excluded == sorted(either - set(labels("q=metaxalone")))


def test_stemming_matches_other_forms_of_a_word(corpus):
    assert labels("q=exacerbations") == labels("q=exacerbation")
    assert "Flexeril" in labels("q=exacerbation")


def test_a_query_of_only_stop_words_or_punctuation_shows_everything(corpus):
    everything = labels("")
    assert labels("q=the+of+and") == everything
    assert labels("q=%21%21%21+%3F") == everything
    page = search(QueryDict("q=the"))
    assert page.notices == [
        "The search text has only common words or punctuation: showing all items."
    ]


def test_sql_and_fts_syntax_in_a_query_is_only_text(corpus, client):
    for text in ['"', "NEAR(a b)", "x' OR 1=1 --", "a AND OR NOT", "*", "col:value", "((", "-"]:
        response = client.get("/", {"q": text})
        assert response.status_code == 200, text
    # FTS5 operators are quoted words, not syntax: NEAR is just a word no letter contains.
    assert labels("q=NEAR(spasm+pain)") == []
    assert labels("q=spasm+pain") != []


def test_relevance_puts_label_matches_first(corpus):
    filters = ItemFilter(QueryDict("q=gabapentin"))
    first = ordered_items(filters).first()
    assert first.label == "Gabapentin 600mg #90 with 2 refills"


def test_past_the_rank_limit_only_the_newest_matches_are_ranked(corpus, monkeypatch):
    from determinations.search import backends

    monkeypatch.setattr(backends, "RANK_LIMIT", 3)
    matching = sorted(
        ordered_items(ItemFilter(QueryDict("q=exacerbation"))).values_list("id", flat=True)
    )
    page = search(QueryDict("q=exacerbation"))

    shown = [item.pk for item in page.page.object_list]
    assert sorted(shown) == matching
    assert sorted(shown[:3]) == matching[-3:], "the three newest matches are ranked first"
    assert page.notices == [
        "9 items contain these words: the 3 most recently added are ordered by relevance, "
        "the others follow them. Add words or filters to narrow."
    ]


def test_newest_and_oldest_sort_by_ur_denial_date(corpus):
    newest = list(
        ordered_items(ItemFilter(QueryDict("sort=newest"))).values_list(
            "letter__ur_denial_date", flat=True
        )
    )
    dated = [d for d in newest if d]
    assert dated == sorted(dated, reverse=True) and newest[-1] is None
    oldest = list(
        ordered_items(ItemFilter(QueryDict("sort=oldest"))).values_list(
            "letter__ur_denial_date", flat=True
        )
    )
    assert [d for d in oldest if d] == sorted(dated)


# Facets: counts of disputed items, each facet under all the other filters.


def test_decision_and_category_counts_without_filters(corpus):
    assert facet_counts("", "decision") == dict(
        Counter(item["decision"] for _, item in EXPECTED_ITEMS)
    )
    assert facet_counts("", "category") == dict(
        Counter(item["category"] for _, item in EXPECTED_ITEMS)
    )


def test_specialty_and_state_counts_are_items_never_double_counted(corpus):
    by_specialty = Counter(
        s for letter, _ in EXPECTED_ITEMS for s in letter["reviewer_specialties"]
    )
    by_state = Counter(s for letter, _ in EXPECTED_ITEMS for s in letter["reviewer_states"])
    assert facet_counts("", "specialty") == dict(by_specialty)
    assert facet_counts("", "state") == dict(by_state)
    # Seed 000's reviewer holds three licences; its one item counts once in the total.
    assert labels("state=NJ&state=AL&state=CA").count("Metaxalone 375 mg #60") == 1


def test_values_of_one_facet_or_together_and_facets_and_together(corpus):
    relaxants = [
        item
        for _, item in EXPECTED_ITEMS
        if item["medication"] in ("tizanidine", "cyclobenzaprine")
    ]
    assert len(labels("medication=tizanidine&medication=cyclobenzaprine")) == len(relaxants)
    overturned_by_ca = [
        item["label"]
        for letter, item in EXPECTED_ITEMS
        if item["decision"] == "overturned"
        and "CA" in letter["reviewer_states"]
        and item["category"] == "pharmaceutical"
    ]
    assert labels("decision=overturned&state=CA&category=pharmaceutical") == sorted(
        overturned_by_ca
    )


def test_a_facet_counts_under_the_other_filters_but_not_its_own(corpus):
    params = "decision=overturned&category=injection"
    injections = Counter(i["decision"] for _, i in EXPECTED_ITEMS if i["category"] == "injection")
    assert facet_counts(params, "decision") == dict(injections) == {"overturned": 1, "upheld": 1}
    overturned = Counter(i["category"] for _, i in EXPECTED_ITEMS if i["decision"] == "overturned")
    assert facet_counts(params, "category") == dict(overturned)


def test_a_ticked_value_with_no_items_stays_visible(corpus):
    counts = facet_counts("category=surgery&medication=celecoxib", "medication")
    assert counts["celecoxib"] == 0


def test_age_bands_and_year_facets(corpus):
    ages = [letter["patient_age"] for letter, _ in EXPECTED_ITEMS]
    assert facet_counts("", "age")["50-59"] == sum(
        1 for a in ages if a is not None and 50 <= a <= 59
    )
    years = Counter(
        letter["date_of_injury"][:4] for letter, _ in EXPECTED_ITEMS if letter["date_of_injury"]
    )
    assert facet_counts("", "injury_year") == dict(years)
    assert len(labels("injury_year_min=2010&injury_year_max=2012")) == sum(
        n for year, n in years.items() if 2010 <= int(year) <= 2012
    )


def test_age_range_filters(corpus):
    expected = [
        item["label"] for letter, item in EXPECTED_ITEMS if (letter["patient_age"] or 0) >= 60
    ]
    assert labels("age_min=60") == sorted(expected)


# Bad parameters: the page, with a clear message.

BAD = {
    "age_min=abc": "Minimum age: Enter a whole number. Ignored.",
    "medication=unobtainium": "No medication called 'unobtainium': ignored.",
    "decision=maybe": "No decision called 'maybe': ignored.",
    "page=999999": "There is no page 999999: showing page 2, the last.",
    "page=abc": "Page 'abc' is not a page number: showing page 1.",
    "page=-3": "There is no page -3: showing page 1.",
    "sort=sideways": "Sort by: Select a valid choice. sideways is not one of the available choices. Ignored.",
    "injury_year_min=99999": "Injury year from: Ensure this value is less than or equal to 2100. Ignored.",
    f"q={'x' * 10_000}": "The search text was cut to its first 500 characters.",
}


@pytest.mark.parametrize(("params", "notice"), BAD.items(), ids=[p[:30] for p in BAD])
def test_bad_parameters_give_the_page_with_a_message(corpus, client, params, notice):
    response = client.get(f"/?{params}")
    assert response.status_code == 200
    assert notice in response.context["result"].notices


def test_search_page_escapes_the_query_and_letter_text(client, tmp_path):
    text = (letters.SEED_LETTERS / "000_e538005986e6bddf.txt").read_text()
    text = text.replace("Efficacy appears", "<script>alert('x')</script> Efficacy appears")
    (tmp_path / "hostile.txt").write_text(text)
    ingest_paths([tmp_path])

    echoed = client.get("/", {"q": "<script>alert('x')</script>"}).content.decode()
    found = client.get("/", {"q": "efficacy"}).content.decode()

    assert "<script>alert" not in echoed + found
    assert 'value="&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"' in echoed
    # SQLite's snippet keeps the tag as escaped text; PostgreSQL's headline drops tags.
    assert "<mark>Efficacy</mark>" in found


def test_search_page_renders_results_facets_and_keeps_state_in_links(corpus, client):
    response = client.get("/", {"q": "physical therapy", "category": "physical medicine"})
    page = response.content.decode()

    assert "3 disputed items" in page
    assert "<mark>" in page
    assert 'value="physical medicine" checked' in page
    letter = DisputedItem.objects.get(label="Physical therapy 12 sessions").letter_id
    assert f"/determinations/{letter}/?q=physical+therapy#item-" in page


def test_pagination_keeps_every_parameter(corpus, client):
    page = client.get("/", {"category": "pharmaceutical", "sort": "oldest"}).content.decode()
    assert 'href="?category=pharmaceutical&amp;sort=oldest&amp;page=2"' in page


def test_search_page_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries, tmp_path
):
    letters.write_variants(tmp_path / "few", 5)
    ingest_paths([tmp_path / "few"])
    client.get("/", {"q": "muscle"})  # the first request after a change loads the item columns
    with django_assert_max_num_queries(12):
        client.get("/", {"q": "muscle"})
    letters.write_variants(tmp_path / "many", 60, seed=7)
    ingest_paths([tmp_path / "many"])
    client.get("/", {"q": "muscle"})
    with django_assert_max_num_queries(12):
        client.get("/", {"q": "muscle"})


def test_item_columns_reload_after_a_change(corpus, client):
    assert "34 disputed items" in client.get("/").content.decode()
    DisputedItem.objects.filter(label="Flexeril").delete()
    assert "33 disputed items" in client.get("/").content.decode()


def test_letter_page_marks_the_query_words(corpus, client):
    letter = Letter.objects.get(source_file__endswith="000_e538005986e6bddf.txt")
    page = client.get(f"/determinations/{letter.pk}/", {"q": "dependence"}).content.decode()
    assert "<mark>dependence</mark>" in page


def test_reparse_refreshes_the_search_index(corpus):
    from determinations.ingest import reparse_letters
    from determinations.search.backends import backend

    item = DisputedItem.objects.get(label="Flexeril")
    DisputedItem.objects.filter(pk=item.pk).update(rationale="zyxstale words only")
    backend().index_letters([item.letter_id])
    assert labels("q=nonsedating") == [] and labels("q=zyxstale") == ["Flexeril"]

    reparse_letters(Letter.objects.filter(pk=item.letter_id))

    assert (labels("q=nonsedating"), labels("q=zyxstale")) == (["Flexeril"], [])


def test_facet_values_are_escaped_and_keep_their_ticks(corpus, client):
    specialty = Specialty.objects.get(name="Internal Medicine")
    specialty.name = 'Pain <b>& "Spine"</b>'
    specialty.save()
    CorpusVersion.bump()

    page = client.get("/", {"specialty": specialty.name}).content.decode()

    option = page[page.index('id="facet-specialty"') :]
    option = option[: option.index("</fieldset>")]
    assert "<b>" not in option
    escaped = "Pain &lt;b&gt;&amp; &quot;Spine&quot;&lt;/b&gt;"
    assert f'value="{escaped}" checked> {escaped}</label>' in option
    unticked = 'value="Preventive Medicine"> Preventive Medicine</label> <span class="count"'
    assert unticked in option
