"""Item bitmaps of the words found in many items, so that a broad word never scans.

At a million letters a word such as "pain" is in nearly every item, and asking the full-text
index for every item that holds it reads most of the search table (on PostgreSQL 3.4 GB, one
to four seconds). So the end of every ingest and reparse stores, for each word held by at
least `COMMON_SHARE` of the items, which items hold it: a compressed bitmap by item id
(`CommonWord`). A query then takes those words from their bitmaps, asks the index only for
its other terms (rare words and phrases find few items, fast), and joins them in memory with
the query's own AND, OR and NOT.

A phrase or a hyphenated word cannot be read off word bitmaps (its words must stand together),
so the first search for one that many items hold asks the index and stores its bitmap too: a
learned term, kept up to date by the rebuilds like the words.

Results stay exact: a bitmap covers the items up to its ``through_item``; items added since,
and items re-indexed since (`ReindexedItem`, written by `reindex_letters`), are asked of the
index, which is quick for so few.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict

import numpy as np
import zstandard
from django.db import DatabaseError, transaction
from django.db.models import Max, Min

from determinations.models import CommonWord, DisputedItem, ReindexedItem
from determinations.search.backends import ItemScope, backend
from determinations.search.query import STOP_WORDS, SearchQuery, Term

COMMON_SHARE = 0.002  # a word held by this share of the items gets a bitmap...
MIN_ITEMS = 2_000  # ...if that is this many items: below it the index is fast enough
MAX_WORDS = 2_000
MAX_LEARNED = 500  # phrases and hyphenated words
# Past this many re-indexed items the bitmaps are set aside until the next rebuild: the
# index would be asked about too many items for every query.
MAX_REINDEXED = 20_000
BITMAPS_KEPT = 128  # per process, each about an eighth of a byte per item
REBUILD = "common word rebuild"  # `SearchBackend.wait_for_turn`
log = logging.getLogger(__name__)


def threshold(items: int) -> int:
    """How many items must hold a word or term for it to get a bitmap."""
    return max(MIN_ITEMS, math.ceil(items * COMMON_SHARE))


def refresh_common_words(min_items: int | None = None) -> int:
    """Bring the bitmaps up to date with the index; returns how many terms have one.

    A word keeps its bitmap while it is held by half the threshold, and only a word new to
    the list costs a pass over every item: after a monthly ingest the rest is brought up to
    date from the new and re-indexed items alone. After a reparse of more than
    `MAX_REINDEXED` items every bitmap is built afresh, and learned phrases are learned again
    by their next search.
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
    kept = [word for word in wanted if word in stored]
    new = [word for word in wanted if word not in stored]
    learned = [key for key in stored if _is_learned(key)]
    names = kept + learned + new
    bitmaps = np.zeros((len(names), last // 8 + 1), dtype=np.uint8)
    for row, name in enumerate(kept + learned):
        previous = _unpacked(stored[name].bitmap)[: bitmaps.shape[1]]
        bitmaps[row, : len(previous)] = previous
    _clear_bits(bitmaps[: len(kept) + len(learned)], np.array(reindexed, dtype=np.int64))
    through = min((stored[word].through_item for word in kept), default=0)
    recent = ItemScope(after=through, among=tuple(reindexed))
    _add_pairs(bitmaps, kept, recent, offset=0, last=last)
    for row, key in enumerate(learned, start=len(kept)):
        scope = ItemScope(after=stored[key].through_item, among=tuple(reindexed))
        ids = backend().matching_ids(SearchQuery(groups=[[_learned_term(key)]]), scope)
        _set_bits(bitmaps[row], ids[ids <= last])
    _add_pairs(bitmaps, new, ItemScope(), offset=len(kept) + len(learned), last=last)
    counts = [int(np.unpackbits(bitmap).sum()) for bitmap in bitmaps]
    keep = [
        row
        for row, name in enumerate(names)
        if not _is_learned(name) or counts[row] >= max(least // 2, 1)
    ]
    _save([(names[r], counts[r], bitmaps[r]) for r in keep], last, reindexed)
    forget_bitmaps()
    return len(keep)


def _add_pairs(bitmaps, words: list[str], scope: ItemScope, offset: int, last: int) -> None:
    """Set the bits of the items of ``scope`` holding ``words`` (rows from ``offset``)."""
    if not words:
        return
    for ids, numbers in backend().items_with_words(words, scope):
        inside = ids <= last  # items stored while this ran wait for the next rebuild
        ids, numbers = ids[inside], numbers[inside] + offset
        if not len(ids):
            continue
        rows = np.unique(numbers)
        start = int(ids.min()) // 8 * 8
        span = np.zeros((len(rows), int(ids.max()) - start + 1), dtype=bool)
        span[np.searchsorted(rows, numbers), ids - start] = True
        packed = np.packbits(span, axis=1)
        bitmaps[rows, start // 8 : start // 8 + packed.shape[1]] |= packed


def _set_bits(bitmap: np.ndarray, ids: np.ndarray) -> None:
    np.bitwise_or.at(bitmap, ids // 8, np.left_shift(1, 7 - ids % 8).astype(np.uint8))


def _clear_bits(bitmaps: np.ndarray, ids: np.ndarray) -> None:
    ids = ids[(ids >= 0) & (ids < bitmaps.shape[1] * 8)]
    if len(ids) and len(bitmaps):
        cleared = np.zeros(bitmaps.shape[1], dtype=np.uint8)
        _set_bits(cleared, ids)
        bitmaps &= ~cleared


_compressor = threading.local()


def _packed(bitmap: np.ndarray) -> bytes:
    if not hasattr(_compressor, "zstd"):
        _compressor.zstd = zstandard.ZstdCompressor(level=3)
    return _compressor.zstd.compress(bitmap.tobytes())


def _unpacked(bitmap: bytes) -> np.ndarray:
    return np.frombuffer(zstandard.ZstdDecompressor().decompress(bytes(bitmap)), dtype=np.uint8)


def _save(rows: list[tuple[str, int, np.ndarray]], last: int, reindexed: list[int]) -> None:
    """Replace the stored bitmaps with ``rows``. Two rebuilds at once (two ingests, or
    `index_common_words` beside one) save one after the other; a term a search learns
    meanwhile (`_learn`) is overwritten, not a duplicate (issue 28, item 5)."""
    words = [
        CommonWord(word=name, items=items, through_item=last, bitmap=_packed(bitmap))
        for name, items, bitmap in rows
    ]
    with transaction.atomic():
        backend().wait_for_turn(REBUILD)
        CommonWord.objects.all().delete()
        CommonWord.objects.bulk_create(
            words,
            batch_size=50,
            update_conflicts=True,
            unique_fields=["word"],
            update_fields=["items", "through_item", "bitmap"],
        )
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


# A learned term's key: its words in quotes (a word's key never holds a quote).
def _learned_key(term: Term) -> str:
    return '"' + " ".join(term.words) + '"'


def _is_learned(key: str) -> bool:
    return key.startswith('"')


def _learned_term(key: str) -> Term:
    return Term(tuple(key.strip('"').split(" ")))


# Answering queries


def matched_ids(query: SearchQuery, columns) -> np.ndarray | None:
    """The ids of the columns' items matching ``query``, each term with a bitmap read from
    it; None when every term is a rare word (one question to the index is as fast), or when
    no bitmap is stored or too many items were re-indexed since they were built."""
    reindexed = _reindexed(columns.version)
    if reindexed is None or len(reindexed) > MAX_REINDEXED:
        return None
    terms = [term for group in query.groups for term in group] + query.excluded
    words = sorted({term.words[0] for term in terms if not term.is_phrase})
    lexemes = backend().lexemes(words) if words else {}
    keys, absent = {}, set()
    for term in terms:
        forms = None if term.is_phrase else lexemes.get(term.words[0], [])
        if forms == []:  # the database ignores it (a stop word of its own), as should we
            absent.add(term)
        else:
            keys[term] = forms[0] if forms and len(forms) == 1 else _learned_key(term)
    stored = {
        word: (pk, through)
        for word, pk, through in CommonWord.objects.filter(word__in=set(keys.values()))
        .values_list("word", "pk", "through_item")
        .iterator()
    }
    if not stored and not any(_is_learned(key) for key in keys.values()):
        return None
    found: dict[Term, np.ndarray] = {}
    for term, key in keys.items():
        if key in stored:
            rows = _bitmap_rows(*stored[key], columns)
            if rows is None:
                return None  # rebuilt meanwhile: ask the index this once
            found[term] = rows
    throughs = [stored[key][1] for term, key in keys.items() if term in found]
    through = min(throughs, default=None)

    def rows_of(term: Term) -> np.ndarray:
        if term not in found:
            found[term] = _index_rows(term, columns, learn=_is_learned(keys[term]))
        return found[term]

    mask = np.ones(len(columns), dtype=bool)
    for group in query.groups:
        if present := [term for term in group if term not in absent]:
            mask &= np.logical_or.reduce([rows_of(term) for term in present])
    for term in query.excluded:
        if term not in absent:
            mask &= ~rows_of(term)
    if through is not None:  # items the bitmaps do not answer for: the index does
        mask &= _covered(columns, through, reindexed)
        scope = ItemScope(after=through, among=tuple(reindexed.tolist()))
        recent = columns.rows_of_ids(backend().matching_ids(query, scope))
        mask[recent[recent >= 0]] = True
    return columns.ids[mask]


def _bitmap_rows(pk: int, through: int, columns) -> np.ndarray | None:
    """The columns' rows whose bit is set, up to ``through`` (None: the bitmap is gone)."""
    packed = _bitmap(pk, through)
    if packed is None:
        return None
    bits = np.unpackbits(packed).view(bool)
    mask = np.zeros(len(columns), dtype=bool)
    inside = int(np.searchsorted(columns.ids, min(through, len(bits) - 1), "right"))
    mask[:inside] = bits[columns.ids[:inside]]
    return mask


def _index_rows(term: Term, columns, learn: bool) -> np.ndarray:
    """The columns' rows the index finds for ``term``; a phrase many hold is learned."""
    ids, _ = backend().ranked_ids(SearchQuery(groups=[[term]]), rank=False)
    if learn:
        _learn(term, ids)
    rows = columns.rows_of_ids(ids)
    mask = np.zeros(len(columns), dtype=bool)
    mask[rows[rows >= 0]] = True
    return mask


def _learn(term: Term, ids: np.ndarray) -> None:
    """Store the bitmap of a phrase or hyphenated word held by as many items as a stored
    word, for every later search.

    It covers the items the last rebuild covered: an item of a running ingest may have a
    smaller id than one already committed, and the index answers for the newer ones anyway.
    """
    stored = CommonWord.objects.aggregate(through=Max("through_item"), least=Min("items"))
    if stored["through"] is None or len(ids) < stored["least"]:
        return
    if CommonWord.objects.filter(word__startswith='"').count() >= MAX_LEARNED:
        return
    through = stored["through"]
    bitmap = np.zeros(through // 8 + 1, dtype=np.uint8)
    _set_bits(bitmap, ids[ids <= through])
    row = CommonWord(
        word=_learned_key(term), items=len(ids), through_item=through, bitmap=_packed(bitmap)
    )
    try:
        with transaction.atomic():
            CommonWord.objects.bulk_create([row], ignore_conflicts=True)
    except DatabaseError:  # a busy database: the next search for it tries again
        log.warning("could not store the bitmap of %s", row.word, exc_info=True)


_bitmaps: OrderedDict[tuple[int, int], np.ndarray] = OrderedDict()
_reindexed_by_version: dict[str, np.ndarray] = {}
_covered_rows: dict[tuple, np.ndarray] = {}
_lock = threading.Lock()


def _reindexed(version: str) -> np.ndarray | None:
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
    reindexed = np.array(list(ids[: MAX_REINDEXED + 1]), dtype=np.int64)
    with _lock:
        _reindexed_by_version.clear()
        _reindexed_by_version[version] = reindexed
    return reindexed


def _covered(columns, through: int, reindexed: np.ndarray) -> np.ndarray:
    """The columns' rows the bitmaps answer for (do not modify)."""
    key = (columns.version, through)
    with _lock:
        if key in _covered_rows:
            return _covered_rows[key]
    mask = columns.ids <= through
    rows = columns.rows_of_ids(reindexed)
    mask[rows[rows >= 0]] = False
    with _lock:
        _covered_rows.clear()
        _covered_rows[key] = mask
    return mask


def _bitmap(pk: int, through_item: int) -> np.ndarray | None:
    key = (pk, through_item)
    with _lock:
        if key in _bitmaps:
            _bitmaps.move_to_end(key)
            return _bitmaps[key]
    bitmap = CommonWord.objects.filter(pk=pk).values_list("bitmap", flat=True).first()
    if bitmap is None:
        return None
    packed = _unpacked(bitmap)
    with _lock:
        _bitmaps[key] = packed
        while len(_bitmaps) > BITMAPS_KEPT:
            _bitmaps.popitem(last=False)
    return packed


def forget_bitmaps() -> None:
    """Empty this process's memory of bitmaps (benchmarks measure cold requests)."""
    with _lock:
        _bitmaps.clear()
        _reindexed_by_version.clear()
        _covered_rows.clear()
