"""MinHash sketches of rationales, for finding near-copies among a million without reading them.

A rationale becomes the set of its 4-word shingles; `NUM_PERM` min-hashes summarise that set
and are cut into `BANDS` bands of `ROWS` values (locality-sensitive hashing). Two rationales
that share a band key are candidates; their exact shingle Jaccard similarity ranks them.
With 16 bands of 4, a pair at similarity 0.5 shares a band with probability 0.64, at 0.7
with probability 0.98, at 0.3 with 0.12.

Every hash is derived from BLAKE2b, never Python's per-process `hash()`, so a key computed
at ingest in one process matches a key computed at lookup in another, on any database.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from determinations.rationales.words import word_texts

SHINGLE_WORDS = 4
NUM_PERM = 64
BANDS, ROWS = 16, 4
assert BANDS * ROWS == NUM_PERM


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
