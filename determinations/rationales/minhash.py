"""MinHash sketches of rationales, for finding near-copies among a million without reading them.

A rationale becomes the set of its 4-word shingles; `NUM_PERM` min-hashes summarise that set
and are cut into `BANDS` bands of `ROWS` values (locality-sensitive hashing). Two rationales
that share a band key are candidates; their exact shingle Jaccard similarity ranks them.
With 16 bands of 4, a pair at similarity 0.5 shares a band with probability 0.64, at 0.7
with probability 0.98, at 0.3 with 0.12.

Every hash is derived from BLAKE2b, never Python's per-process `hash()`, so a key computed
at ingest in one process matches a key computed at lookup in another, on any database.
Measured against datasketch's `MinHash` (issue 29), this is kept: it sketches a batch of
rationales in a few numpy passes where datasketch hashes each shingle in Python, finds as
many near-copies, and changing it would change every stored key.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from determinations.rationales.words import word_texts

SHINGLE_WORDS = 4
NUM_PERM = 64
BANDS, ROWS = 16, 4
assert BANDS * ROWS == NUM_PERM
SKETCHED_TOGETHER = 64  # rationales `sketches` hashes in one pass (an ingest chunk has ~40)


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


# Multiply-shift hashing: h(x) = ((a * x + b) mod 2**64) >> 32, with odd a.
_A = np.array([_hash64(b"minhash-a-%d" % i) | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_B = np.array([_hash64(b"minhash-b-%d" % i) for i in range(NUM_PERM)], dtype=np.uint64)
_SHINGLE_MIX = np.array(
    [_hash64(b"shingle-%d" % i) | 1 for i in range(SHINGLE_WORDS)], dtype=np.uint64
)

# A band key mixes its band number and its ROWS min-hashes into 64 bits.
_BAND_MIX = np.array([_hash64(b"band-row-%d" % i) | 1 for i in range(ROWS)], dtype=np.uint64)
_BAND_SALT = np.array([_hash64(b"band-%d" % i) for i in range(BANDS)], dtype=np.uint64)


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return _hash64(word.encode())


def shingle_hashes(words: list[str], size: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct hashes of every run of ``size`` words (a shorter text is one shingle)."""
    return np.unique(run_hashes(words, min(size, len(words))))


def run_hashes(words: list[str], size: int) -> np.ndarray:
    """The hash of the run of ``size`` words starting at each word, in order."""
    count = len(words) - size + 1
    if size < 1 or count < 1:
        return np.array([], dtype=np.uint64)
    hashed = np.array([_word_hash(word) for word in words], dtype=np.uint64)
    mix = _SHINGLE_MIX if size == SHINGLE_WORDS else _mix(size)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):  # wraps modulo 2**64, which is what we want
        combined = combined * np.uint64(31) + hashed[offset : offset + count] * mix[offset]
    return combined


@lru_cache(maxsize=16)
def _mix(size: int) -> np.ndarray:
    return np.array([_hash64(b"shingle-%d" % i) | 1 for i in range(size)], dtype=np.uint64)


def signature(shingles: np.ndarray) -> np.ndarray:
    """`NUM_PERM` min-hashes of a shingle set (empty for an empty set)."""
    if not len(shingles):
        return np.array([], dtype=np.uint32)
    hashed = (_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32)


def band_keys(shingles: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (what the database indexes); none for an empty set."""
    sig = signature(shingles)
    if not len(sig):
        return []
    bands = sig.reshape(BANDS, ROWS).astype(np.uint64)
    keys = (bands * _BAND_MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT
    return keys.view(np.int64).tolist()


def rationale_shingles(rationale: str) -> np.ndarray:
    """The shingle set of a rationale's normalised words."""
    return shingle_hashes(word_texts(rationale))


def rationale_band_keys(rationale: str) -> list[int]:
    """The band keys a rationale is stored under."""
    return band_keys(rationale_shingles(rationale))


def sketches(rationales: Sequence[str]) -> tuple[list[list[int]], list[bytes]]:
    """The band keys and packed shingle set of each rationale: what `band_keys` and
    `packed_shingles` of `rationale_shingles` give, computed for all of them at once.

    Numpy's cost per call, not per value, was most of an ingest worker's sketching time
    (2.4 items a letter, some 90 shingles an item); here each step runs once for the batch.
    The min-hashes need no distinct shingles (a repeat cannot change a minimum), so only
    the folded, packed sets are made distinct. Batches of more than `SKETCHED_TOGETHER`
    are cut, so that the min-hash matrix (64 values a shingle) stays a few megabytes.
    """
    if len(rationales) > SKETCHED_TOGETHER:
        keys: list[list[int]] = []
        packed: list[bytes] = []
        for start in range(0, len(rationales), SKETCHED_TOGETHER):
            some_keys, some_packed = sketches(rationales[start : start + SKETCHED_TOGETHER])
            keys += some_keys
            packed += some_packed
        return keys, packed
    return _sketches_of_few(rationales)


def _sketches_of_few(rationales: Sequence[str]) -> tuple[list[list[int]], list[bytes]]:
    word_lists = [word_texts(rationale) for rationale in rationales]
    counts = np.array([_run_count(words) for words in word_lists], dtype=np.int64)
    keys: list[list[int]] = [[] for _ in rationales]
    packed = [b""] * len(rationales)
    present = np.flatnonzero(counts)
    if not len(present):
        return keys, packed
    every_run = _batch_run_hashes([word_lists[i] for i in present])
    starts = np.concatenate(([0], np.cumsum(counts[present])[:-1]))
    for i, item_keys in zip(present.tolist(), _batch_band_keys(every_run, starts), strict=True):
        keys[i] = item_keys
    for i, data in zip(present.tolist(), _batch_packed(every_run, counts[present]), strict=True):
        packed[i] = data
    return keys, packed


def _run_count(words: list[str]) -> int:
    """How many shingles `shingle_hashes` hashes in ``words`` (a short text makes one)."""
    return max(len(words) - SHINGLE_WORDS + 1, 1) if words else 0


def _batch_run_hashes(word_lists: list[list[str]]) -> np.ndarray:
    """`run_hashes` of each list of words (none empty), one after the other."""
    if any(len(words) < SHINGLE_WORDS for words in word_lists):
        # Rare: a text shorter than a shingle is one shingle of its own length.
        return np.concatenate([run_hashes(w, min(SHINGLE_WORDS, len(w))) for w in word_lists])
    every_word = list(itertools.chain.from_iterable(word_lists))
    hashed = np.fromiter(map(_word_hash, every_word), dtype=np.uint64, count=len(every_word))
    count = len(every_word) - SHINGLE_WORDS + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):
        combined = combined * np.uint64(31) + hashed[offset : offset + count] * _SHINGLE_MIX[offset]
    # Keep the runs that start and end inside one list of words.
    lengths = np.array([len(words) for words in word_lists], dtype=np.int64)
    inside = np.ones(len(every_word), dtype=bool)
    ends = np.cumsum(lengths)
    for back in range(1, SHINGLE_WORDS):
        inside[ends - back] = False
    return combined[inside[:count]]


def _batch_band_keys(every_run: np.ndarray, starts: np.ndarray) -> list[list[int]]:
    """`band_keys` of each segment of ``every_run`` (segments begin at ``starts``)."""
    hashed = np.multiply.outer(_A, every_run)
    hashed += _B[:, None]
    hashed >>= np.uint64(32)
    signatures = np.minimum.reduceat(hashed, starts, axis=1).T  # one row an item
    bands = signatures.reshape(len(starts), BANDS, ROWS)
    keys = (bands * _BAND_MIX).sum(axis=2, dtype=np.uint64) + _BAND_SALT
    return keys.view(np.int64).tolist()


def _batch_packed(every_run: np.ndarray, counts: np.ndarray) -> list[bytes]:
    """`packed_shingles` of each segment of ``every_run`` (segments of ``counts`` runs)."""
    owner = np.repeat(np.arange(len(counts), dtype=np.uint64), counts)
    tagged = np.sort((owner << np.uint64(32)) | (every_run >> np.uint64(32)))
    tagged = tagged[np.concatenate(([True], tagged[1:] != tagged[:-1]))]  # distinct
    folded = (tagged & np.uint64(0xFFFFFFFF)).astype("<u4")
    ends = np.searchsorted(tagged >> np.uint64(32), np.arange(1, len(counts) + 1))
    begins = np.concatenate(([0], ends[:-1]))
    return [folded[b:e].tobytes() for b, e in zip(begins.tolist(), ends.tolist(), strict=True)]


def packed_shingles(shingles: np.ndarray) -> bytes:
    """A shingle set as stored for ranking candidates: each hash folded to its high 32 bits,
    sorted and distinct, little-endian. The Jaccard similarity of two folded sets differs
    from that of the full hashes only where two of the pair's few hundred shingles share 32
    bits (about once in a million pairs), at half the bytes."""
    return np.unique((shingles >> np.uint64(32)).astype(np.uint32)).astype("<u4").tobytes()


def unpacked_shingles(data: bytes) -> np.ndarray:
    """The folded shingle set `packed_shingles` stored."""
    return np.frombuffer(data, dtype="<u4")


def packed_band_keys(keys: list[int]) -> bytes:
    """An item's band keys as stored beside its shingle set (so that its rows of the key
    index can be found again): distinct, ascending, signed 64-bit big-endian, the bytes
    PostgreSQL's `int8send` gives."""
    return np.unique(np.array(keys, dtype=np.int64)).astype(">i8").tobytes()


def unpacked_band_keys(data: bytes) -> list[int]:
    """The band keys `packed_band_keys` stored."""
    return np.frombuffer(data, dtype=">i8").tolist()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle sets (each sorted and distinct)."""
    if not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)
