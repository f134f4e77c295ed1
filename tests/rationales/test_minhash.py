"""MinHash band keys: deterministic, shared by near-copies, rarely by unrelated rationales."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from determinations.rationales.minhash import (
    BANDS,
    band_keys,
    jaccard,
    packed_band_keys,
    packed_shingles,
    rationale_shingles,
    shingle_hashes,
    sketches,
    unpacked_band_keys,
    unpacked_shingles,
)
from determinations.rationales.words import word_texts

RATIONALE = (
    "The MTUS guidelines state that opioids should be continued only if the patient has "
    "returned to work or has improved function and pain. The records do not document a "
    "meaningful reduction in pain scores or objective functional improvement with Norco, and "
    "there is no urine drug screen or signed opioid agreement on file. Therefore the request "
    "for Norco 10/325 mg #120 is not medically necessary."
)
NEAR_COPY = RATIONALE.replace("Norco 10/325 mg #120", "Norco 10/325 mg #90")
UNRELATED = (
    "Acupuncture is recommended as an option when pain medication is reduced or not tolerated; "
    "the time to produce functional improvement is three to six treatments. Six initial "
    "sessions are supported, so the request for six sessions is medically necessary."
)


def keys(text: str) -> list[int]:
    return band_keys(shingle_hashes(word_texts(text)))


def test_identical_rationales_share_every_band():
    assert keys(RATIONALE) == keys(RATIONALE.upper().replace(" ", "\n"))
    assert len(keys(RATIONALE)) == BANDS


def test_a_near_copy_shares_most_bands_and_an_unrelated_rationale_none():
    assert len(set(keys(RATIONALE)) & set(keys(NEAR_COPY))) >= BANDS // 2
    assert set(keys(RATIONALE)).isdisjoint(keys(UNRELATED))


def test_an_empty_rationale_has_no_keys():
    assert keys("") == []
    assert keys("  ,. ") == []


def test_a_short_rationale_is_one_shingle():
    assert len(shingle_hashes(["not", "necessary"])) == 1
    assert len(keys("Not necessary.")) == BANDS


def test_keys_are_the_same_in_another_process():
    """Keys stored by an ingest worker must match keys computed by the web process."""
    code = "from tests.rationales.test_minhash import RATIONALE, keys; print(keys(RATIONALE))"
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == str(keys(RATIONALE))


def test_jaccard_of_shingle_sets():
    a = shingle_hashes(word_texts(RATIONALE))
    assert jaccard(a, a) == 1.0
    assert jaccard(a, shingle_hashes(word_texts(UNRELATED))) == 0.0
    assert 0.8 < jaccard(a, shingle_hashes(word_texts(NEAR_COPY))) < 1.0
    assert jaccard(a, np.array([], dtype=np.uint64)) == 0.0


@given(st.lists(st.sampled_from("pain opioid the not is function work mtus".split()), max_size=40))
def test_every_rationale_gets_one_distinct_key_per_band(words):
    """Distinct keys: an item's band rows are keyed (item_id, key) in the database."""
    keys = band_keys(shingle_hashes(words))
    assert len(set(keys)) == (BANDS if words else 0)


def test_packed_shingles_are_sorted_distinct_32_bit_and_keep_the_similarity():
    a, b = (shingle_hashes(word_texts(text)) for text in (RATIONALE, NEAR_COPY))
    packed = unpacked_shingles(packed_shingles(a))

    assert packed.dtype == np.dtype("<u4") and len(packed) == len(a)
    assert (np.diff(packed.astype(np.int64)) > 0).all()
    assert jaccard(packed, unpacked_shingles(packed_shingles(b))) == jaccard(a, b)
    assert packed_shingles(np.array([], dtype=np.uint64)) == b""


def test_band_keys_are_stored_distinct_ascending_as_postgresql_sends_bigints():
    keys = [5, -(2**63), 2**63 - 1, 5, -1]
    data = packed_band_keys(keys)
    assert data[:8] == b"\x80" + b"\x00" * 7  # int8send of the smallest bigint
    assert unpacked_band_keys(data) == [-(2**63), -1, 5, 2**63 - 1]
    assert unpacked_band_keys(packed_band_keys([])) == []


_RATIONALE_WORDS = st.lists(st.sampled_from("pain opioid the not is function , .".split()))


@given(st.lists(_RATIONALE_WORDS.map(" ".join), max_size=8))
def test_sketches_of_a_batch_are_each_rationales_own(rationales):
    """Sketched together (as ingest workers do), each rationale gets what it gets alone,
    short, empty and repeated ones among them."""
    alone = [rationale_shingles(rationale) for rationale in rationales]
    assert sketches(rationales) == (
        [band_keys(shingles) for shingles in alone],
        [packed_shingles(shingles) for shingles in alone],
    )


def test_sketches_of_real_rationales_in_one_batch():
    keys, packed = sketches([RATIONALE, "", NEAR_COPY, UNRELATED, "Not necessary."])
    assert keys == [
        band_keys(rationale_shingles(text))
        for text in (RATIONALE, "", NEAR_COPY, UNRELATED, "Not necessary.")
    ]
    assert packed[1] == b"" and packed[0] == packed_shingles(rationale_shingles(RATIONALE))


def test_a_batch_larger_than_one_pass_is_sketched_in_parts_with_the_same_result():
    texts = [f"{RATIONALE} Request {n}." if n % 3 else NEAR_COPY for n in range(150)]
    texts[70] = ""  # an empty one after the first cut
    keys, packed = sketches(texts)
    alone = [rationale_shingles(text) for text in texts]
    assert keys == [band_keys(shingles) for shingles in alone]
    assert packed == [packed_shingles(shingles) for shingles in alone]
