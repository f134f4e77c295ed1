"""Common-word bitmaps answer exactly what the full-text index answers. Runs on both databases.

The reference is the backend's own `ranked_ids` (one query to the index); the bitmap path
must give the same items for words, OR, NOT, phrases and hyphenated words, for items added
after the bitmaps were built, and for items re-indexed since.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.http import QueryDict
from pyroaring import BitMap

from determinations import index
from determinations.ingest import ingest_paths
from determinations.models import CommonWord, DisputedItem, Letter, ReindexedItem
from determinations.search import common_words, forget_recent_matches, search
from determinations.search.backends import backend, postgres
from determinations.search.columns import item_columns
from determinations.search.common_words import matched_ids, refresh_common_words
from determinations.search.query import parse_query
from tests import letters

pytestmark = pytest.mark.django_db

QUERIES = [
    "pain",
    "functional improvement",
    "pain OR spasm",
    "medically necessary -opioid",
    "therapy OR injection -pain",
    "-guidelines",
    '"chronic pain"',
    '"medical treatment utilization schedule"',
    "pain muscle relaxant",
    "exacerbations",
    "post-operative",
    "Flexeril",
    "zyxwv",
    "pain zyxwv",
    "zyxwv OR pain",
]


@pytest.fixture
def corpus(tmp_path):
    letters.write_variants(tmp_path, 30, seed=5)
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS, tmp_path])


def from_index(text: str) -> list[int]:
    return sorted(backend().ranked_ids(parse_query(text), rank=False)[0].tolist())


def from_bitmaps(text: str) -> list[int] | None:
    common_words.forget_bitmaps()
    found = matched_ids(parse_query(text), item_columns())
    return None if found is None else found.tolist()


def test_a_small_corpus_keeps_no_bitmaps(corpus):
    assert DisputedItem.objects.count() < common_words.MIN_ITEMS
    assert refresh_common_words() == 0
    assert not CommonWord.objects.exists()
    assert from_bitmaps("pain") is None  # the index answers


def test_bitmaps_answer_exactly_what_the_index_answers(corpus):
    assert refresh_common_words(min_items=3) > 20
    assert CommonWord.objects.filter(word__in=backend().lexemes(["pain"])["pain"]).exists()
    for text in QUERIES:
        found = from_bitmaps(text)
        if text not in ("Flexeril", "zyxwv", "exacerbations"):  # rare words: the index alone
            assert found is not None, text
        assert found is None or found == from_index(text), text
    every = sorted(DisputedItem.objects.values_list("pk", flat=True))
    assert from_index("pain") and from_index("-guidelines") != every  # not vacuous


def test_a_phrase_is_asked_of_the_index_once_per_corpus_version(corpus, monkeypatch):
    refresh_common_words(min_items=3)
    common_words.forget_bitmaps()
    asked = []
    ranked_ids = type(backend()).ranked_ids

    def spied(self, query, rank=True):
        asked.append(query.to_websearch())
        return ranked_ids(self, query, rank)

    monkeypatch.setattr(type(backend()), "ranked_ids", spied)
    text = '"chronic pain" medically'
    first = matched_ids(parse_query(text), item_columns()).tolist()
    assert asked == ['"chronic pain"']  # the word has a bitmap
    assert matched_ids(parse_query('"chronic pain" -opioid'), item_columns()) is not None
    assert asked == ['"chronic pain"']
    assert first == from_index(text)
    assert not CommonWord.objects.filter(word__startswith='"').exists()  # nothing written


def test_letters_added_after_the_bitmaps_are_found(corpus, tmp_path, monkeypatch):
    refresh_common_words(min_items=3)
    before = from_bitmaps("pain")
    monkeypatch.setattr(index, "rebuild_common_words", lambda: 0)  # no rebuild at its end
    added = tmp_path / "more"
    letters.write_variants(added, 6, seed=99)
    ingest_paths([added])
    after = from_bitmaps("pain")
    assert len(after) > len(before)
    assert after == from_index("pain")
    assert from_bitmaps("pain -opioid") == from_index("pain -opioid")


def test_an_item_indexed_again_is_asked_of_the_index(corpus):
    refresh_common_words(min_items=3)
    holding = DisputedItem.objects.filter(rationale__icontains="pain").first()
    lacking = DisputedItem.objects.exclude(pk__in=from_index("spasm")).first()
    holding.rationale = "Not supported by the records."
    lacking.rationale = lacking.rationale + " Spasm persists."
    for item in (holding, lacking):
        item.save()
        index.letters_changed([item.letter_id])
    assert ReindexedItem.objects.filter(item_id__in=[holding.pk, lacking.pk]).count() == 2
    for text in ("pain", "spasm", "pain OR spasm", "-spasm"):
        assert from_bitmaps(text) == from_index(text), text
    assert lacking.pk in from_bitmaps("spasm")

    refresh_common_words(min_items=3)  # folds the re-indexed items into the bitmaps
    assert not ReindexedItem.objects.exists()
    for text in ("pain", "spasm", "-spasm"):
        assert from_bitmaps(text) == from_index(text), text


def test_too_many_reindexed_items_set_the_bitmaps_aside(corpus, monkeypatch):
    refresh_common_words(min_items=3)
    monkeypatch.setattr(common_words, "MAX_REINDEXED", 2)
    index.letters_changed(list(Letter.objects.values_list("pk", flat=True)[:3]))
    assert ReindexedItem.objects.count() > 2
    assert from_bitmaps("pain") is None

    refresh_common_words(min_items=3)  # from scratch
    assert not ReindexedItem.objects.exists()
    for text in QUERIES:
        found = from_bitmaps(text)
        assert found is None or found == from_index(text), text


@pytest.mark.django_db(transaction=True)  # committed: other connections see the items
def test_bitmaps_built_on_connections_of_their_own_answer_what_the_index_answers(
    tmp_path, monkeypatch
):
    letters.write_variants(tmp_path, 30, seed=5)
    ingest_paths([letters.SEED_LETTERS, letters.FIXTURE_LETTERS, tmp_path])
    threads = set()
    if connection.vendor == "postgresql":  # its pairs of items and words, read ahead
        monkeypatch.setattr(postgres, "PAIRS_CHUNK", 7)  # many statements
        word_pairs = postgres._word_pairs

        def spied(*args):
            threads.add(threading.current_thread().name)
            return word_pairs(*args)

        monkeypatch.setattr(postgres, "_word_pairs", spied)

    assert refresh_common_words(min_items=3) > 20
    for text in QUERIES:
        found = from_bitmaps(text)
        assert found is None or found == from_index(text), text
    assert from_bitmaps("pain") is not None
    if connection.vendor == "postgresql":
        assert threads and all(name.startswith("run-ahead") for name in threads)


def test_the_search_page_gives_the_same_page_with_and_without_bitmaps(corpus):
    def shown(params: str) -> tuple[int, list[int], dict]:
        forget_recent_matches()
        page = search(QueryDict(params), per_page=500)
        counts = {f.name: {v.value: v.count for v in f.values} for f in page.facets}
        return page.page.paginator.count, [item.pk for item in page.page.object_list], counts

    wanted = ["q=pain", "q=pain+-opioid&sort=newest", "q=therapy+OR+injection&decision=upheld"]
    without = [shown(params) for params in wanted]
    refresh_common_words(min_items=3)
    assert CommonWord.objects.exists()
    assert [shown(params) for params in wanted] == without


def test_a_stored_bitmap_holds_exactly_the_items_of_its_word(corpus):
    refresh_common_words(min_items=3)
    (lexeme,) = backend().lexemes(["therapy"])["therapy"]
    row = CommonWord.objects.get(word=lexeme)
    stored = common_words.ids_of(BitMap.deserialize(row.bitmap)).tolist()
    assert stored == from_index("therapy")
    assert row.items == len(stored)
    assert row.through_item == DisputedItem.objects.order_by("-pk").first().pk
