"""Item bitmaps of the words found in many items, so that a broad word never scans.

At a million letters a word such as "pain" is in nearly every item, and asking the full-text
index for every item that holds it reads most of the search table. So the end of every ingest
and reparse (or `index_common_words`) stores, for each word held by at least `COMMON_SHARE`
of the items, which items hold it: a Roaring bitmap of item ids (`CommonWord`). A query then
takes those words from their bitmaps, asks the index only for its other terms (rare words and
phrases find few items, fast), and joins them with the query's own AND, OR and NOT.

A phrase or a hyphenated word cannot be read off word bitmaps (its words must stand
together): the index answers it, and this process keeps the answer for the corpus version
it was asked at, so the next query with it does not ask again. Searches only read: the
database may be a read-only replica (`routing.py`).

Results stay exact: a bitmap covers the items up to its ``through_item``; items added since,
and items re-indexed since (`ReindexedItem`, written by `reindex_letters`), are asked of the
index, which is quick for so few.
"""

from __future__ import annotations

import math
import threading
from array import array
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.db.models import Max
from pyroaring import BitMap, FrozenBitMap

from determinations.models import CommonWord, DisputedItem, ReindexedItem
from determinations.search.backends import ItemScope, backend
from determinations.search.query import STOP_WORDS, SearchQuery, Term

COMMON_SHARE = 0.002  # a word held by this share of the items gets a bitmap...
MIN_ITEMS = 2_000  # ...if that is this many items: below it the index is fast enough
MAX_WORDS = 2_000
# Past this many re-indexed items the bitmaps are set aside until the next rebuild: the
# index would be asked about too many items for every query.
MAX_REINDEXED = 20_000
BITMAPS_KEPT = 128  # per process, the stored words' bitmaps read last
PHRASES_KEPT = 500  # per process, the phrases and hyphenated words asked of the index last
REBUILD = "common word rebuild"  # `SearchBackend.wait_for_turn`
ALL_IDS = 2**32  # a Roaring bitmap holds 32-bit ids


def threshold(items: int) -> int:
    """How many items must hold a word for it to get a bitmap."""
    return max(MIN_ITEMS, math.ceil(items * COMMON_SHARE))


def refresh_common_words(min_items: int | None = None) -> int:
    """Bring the bitmaps up to date with the index; returns how many words have one.

    A word keeps its bitmap while it is held by half the threshold, and only a word new to
    the list costs a pass over every item: after a monthly ingest the rest is brought up to
    date from the new and re-indexed items alone. After a reparse of more than
    `MAX_REINDEXED` items every bitmap is built afresh.
    """
    last = DisputedItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    total = DisputedItem.objects.count()
    stored = {row.word: row for row in CommonWord.objects.all()}
    if min_items is None and total < MIN_ITEMS and not stored:
        return 0  # no word can be common yet
    least = min_items or threshold(total)
    reindexed = list(ReindexedItem.objects.values_list("item_id", flat=True))
    if len(reindexed) > MAX_REINDEXED:  # a reparse of much of the corpus: start afresh
        stored = {}
    frequent = backend().frequent_words(max(least // 2, 1))
    wanted = [
        word
        for word, items in frequent.items()
        if word not in STOP_WORDS and (items >= least or word in stored)
    ][:MAX_WORDS]
    kept = {word: BitMap.deserialize(stored[word].bitmap) for word in wanted if word in stored}
    stale = BitMap(reindexed)
    for bitmap in kept.values():
        bitmap.remove_range(last + 1, ALL_IDS)
        bitmap -= stale
    through = min((stored[word].through_item for word in kept), default=0)
    _add_items(kept, ItemScope(after=through, among=tuple(reindexed)), last)
    new = {word: BitMap() for word in wanted if word not in stored}
    _add_items(new, ItemScope(), last)
    _save(kept | new, last, reindexed)
    forget_bitmaps()
    return len(kept) + len(new)


def _add_items(bitmaps: dict[str, BitMap], scope: ItemScope, last: int) -> None:
    """Add to each word's bitmap the items of ``scope`` that hold the word."""
    words = list(bitmaps)
    if not words:
        return
    for ids, numbers in backend().items_with_words(words, scope):
        inside = ids <= last  # items stored while this ran wait for the next rebuild
        if not inside.any():
            continue
        # a word's number fits 16 bits (`MAX_WORDS`), which numpy sorts by radix, not timsort
        order = np.argsort(numbers[inside].astype(np.uint16), kind="stable")
        ids, numbers = ids[inside][order], numbers[inside][order]
        found, starts = np.unique(numbers, return_index=True)
        for number, part in zip(found.tolist(), np.split(ids, starts[1:]), strict=True):
            bitmaps[words[number]] |= bitmap_of(part)


def bitmap_of(ids: np.ndarray) -> BitMap:
    """A bitmap of item ids (through `array`: Roaring reads it whole, not id by id)."""
    return BitMap(array("I", ids.astype(np.uint32).tobytes()))


def ids_of(bitmap: BitMap) -> np.ndarray:
    """The ids of a bitmap, ascending."""
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.int64)


def _save(bitmaps: dict[str, BitMap], last: int, reindexed: list[int]) -> None:
    """Replace the stored bitmaps. Two rebuilds at once (two ingests, or
    `index_common_words` beside one) save one after the other (issue 28, item 5)."""
    for bitmap in bitmaps.values():
        bitmap.run_optimize()  # a word in most items is stored as runs
    words = [
        CommonWord(word=word, items=len(bitmap), through_item=last, bitmap=bitmap.serialize())
        for word, bitmap in bitmaps.items()
    ]
    with transaction.atomic():
        backend().wait_for_turn(REBUILD)
        CommonWord.objects.all().delete()
        CommonWord.objects.bulk_create(words, batch_size=50)
        # only those read above: an item re-indexed meanwhile stays listed
        for start in range(0, len(reindexed), 5_000):
            ReindexedItem.objects.filter(item_id__in=reindexed[start : start + 5_000]).delete()


def note_reindexed(letter_ids: list[int]) -> None:
    """Record that these letters' items have new search entries (their bits may be stale)."""
    through = CommonWord.objects.aggregate(through=Max("through_item"))["through"]
    if through is None:
        return
    items = DisputedItem.objects.filter(letter_id__in=letter_ids, pk__lte=through)
    ReindexedItem.objects.bulk_create(
        [ReindexedItem(item_id=pk) for pk in items.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


# Answering queries


def matched_ids(query: SearchQuery, columns) -> np.ndarray | None:
    """The ids of the columns' items matching ``query``, each word with a bitmap read from
    it; None when every term is a rare word (one question to the index is as fast), or when
    no bitmap is stored or too many items were re-indexed since they were built."""
    reindexed = _reindexed(columns.version)
    if reindexed is None or len(reindexed) > MAX_REINDEXED:
        return None
    terms = [term for group in query.groups for term in group] + query.excluded
    stored_as, absent = _index_words(terms)
    stored = {
        word: (pk, through)
        for word, pk, through in CommonWord.objects.filter(word__in=set(stored_as.values()))
        .values_list("word", "pk", "through_item")
        .iterator()
    }
    found: dict[Term, FrozenBitMap] = {}
    for term, word in stored_as.items():
        if word in stored and (bitmap := _bitmap(*stored[word])) is not None:
            found[term] = bitmap
    if not found and all(term in stored_as for term in terms if term not in absent):
        return None

    def items_of(term: Term) -> FrozenBitMap:
        if term in found:
            return found[term]
        if term in stored_as:  # a word too rare for a bitmap
            return _index_items(term)
        return _phrase_items(term, columns.version)

    matched = _every_item(columns)
    for group in query.groups:
        if present := [term for term in group if term not in absent]:
            matched = matched & BitMap.union(*(items_of(term) for term in present))
    for term in query.excluded:
        if term not in absent:
            matched = matched - items_of(term)
    if found:  # items the bitmaps do not answer for: the index does
        through = min(stored[stored_as[term]][1] for term in found)
        matched = BitMap(matched)
        matched.remove_range(through + 1, ALL_IDS)
        matched -= reindexed
        scope = ItemScope(after=through, among=tuple(reindexed))
        matched |= bitmap_of(backend().matching_ids(query, scope)) & _every_item(columns)
    return ids_of(matched)


def _index_words(terms: list[Term]) -> tuple[dict[Term, str], set[Term]]:
    """The index's one word for each single-word term that has one (a bitmap may be stored
    under it), and the terms the database ignores (its own stop words), as should we."""
    words = sorted({term.words[0] for term in terms if not term.is_phrase})
    lexemes = backend().lexemes(words) if words else {}
    stored_as, absent = {}, set()
    for term in terms:
        forms = None if term.is_phrase else lexemes.get(term.words[0], [])
        if forms == []:
            absent.add(term)
        elif forms and len(forms) == 1:
            stored_as[term] = forms[0]
    return stored_as, absent


def _index_items(term: Term) -> FrozenBitMap:
    """The items the index finds for ``term``."""
    ids, _ = backend().ranked_ids(SearchQuery(groups=[[term]]), rank=False)
    return FrozenBitMap(bitmap_of(ids))


@lru_cache(maxsize=PHRASES_KEPT)
def _phrase_items(term: Term, version: str) -> FrozenBitMap:
    """The items of a phrase or a hyphenated word, asked of the index once per corpus version
    by this process (what searches once stored for every process, when a search could write).
    Not forgotten with the bitmaps: like them, it outlives the requests that asked."""
    return _index_items(term)


@lru_cache(maxsize=BITMAPS_KEPT)
def _bitmap(pk: int, through_item: int) -> FrozenBitMap | None:
    """A stored word's bitmap (None: rebuilt meanwhile, the index answers for it)."""
    stored = CommonWord.objects.filter(pk=pk).values_list("bitmap", flat=True).first()
    return None if stored is None else FrozenBitMap.deserialize(bytes(stored))


_reindexed_by_version: dict[str, FrozenBitMap] = {}
_lock = threading.Lock()


def _reindexed(version: str) -> FrozenBitMap | None:
    """Items re-indexed since the bitmaps were built, None when no bitmap is stored (a small
    corpus: one cheap question, so a search does not tokenize its words for nothing).

    Read once per corpus version: what a rebuild removes from the list only makes the index
    answer for a few more items. "None" is not remembered: a rebuild by hand changes no version.
    """
    with _lock:
        if version in _reindexed_by_version:
            return _reindexed_by_version[version]
    if not CommonWord.objects.exists():
        return None
    ids = ReindexedItem.objects.order_by("item_id").values_list("item_id", flat=True)
    reindexed = FrozenBitMap(ids[: MAX_REINDEXED + 1])
    with _lock:
        _reindexed_by_version.clear()
        _reindexed_by_version[version] = reindexed
    return reindexed


def _every_item(columns) -> FrozenBitMap:
    """The columns' item ids (computed once per columns)."""
    every = columns.derived.get("every item")
    if every is None:
        every = columns.derived["every item"] = FrozenBitMap(bitmap_of(columns.ids))
    return every


def forget_bitmaps() -> None:
    """Empty this process's memory of bitmaps (benchmarks measure cold requests)."""
    _bitmap.cache_clear()
    with _lock:
        _reindexed_by_version.clear()
