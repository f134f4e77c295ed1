"""What is derived from the letters for speed (`models/derived.py`), kept in step here alone:
full-text entries (`search.backends`), common-word bitmaps (`search.common_words`), the
similar-rationale index (`similarity`), export records (`export_records`) and the corpus
version in-memory search columns follow. Ingest, reparse, the admin and the model signals
(`index/signals.py`) say what changed; this package knows what follows from it."""

from __future__ import annotations

from determinations import similarity
from determinations.export_records import write_records
from determinations.models import CorpusVersion
from determinations.search.backends import backend
from determinations.search.common_words import note_reindexed, refresh_common_words

merge_due = similarity.merge_due  # when an ingest merges the band keys it staged


def letters_added(
    letter_ids: list[int], item_ids: list[int], band_keys: list[bytes], shingles: list[bytes]
) -> None:
    """Letters an ingest batch has just written, inside its transaction, with their items'
    band keys and shingle sets as the workers sketched them (keys staged, not yet merged)."""
    similarity.store_new_sketches(item_ids, band_keys, shingles)
    backend().index_letters(letter_ids)
    write_records(letter_ids, replace=False)  # export hook
    CorpusVersion.bump()


def letters_changed(letter_ids: list[int]) -> None:
    """Letters whose fields or items changed (reparse, admin edits): everything of theirs
    but the corpus version, which their saves changed (`corpus_changed`)."""
    backend().index_letters(letter_ids)
    note_reindexed(letter_ids)
    similarity.index_letters(letter_ids)
    write_records(letter_ids)  # export hook


def items_deleted(item_ids: list[int]) -> None:
    """Items being deleted, called in the deleting transaction before their rows go: their
    band keys are found through their shingle sets, which go with them."""
    similarity.forget_sketches(item_ids)
    backend().forget_items(item_ids)
    CorpusVersion.bump()


def names_changed(letter_ids: list[int]) -> None:
    """Letters showing a medication, class, specialty or state that was renamed."""
    write_records(letter_ids)  # export hook


def merge_staged_keys(statistics: bool = True) -> None:
    """Merge the band keys an ingest staged into the key index; with ``statistics``, let the
    query planner see the grown tables (planned for the tables as they were, PostgreSQL
    scanned every item for each batch once they had grown tenfold)."""
    similarity.merge_staged_bands()
    if statistics:
        refresh_statistics()


def refresh_statistics() -> None:
    """Let the query planner see the tables as they are now."""
    backend().refresh_statistics()


def rebuild_common_words() -> None:
    """Rebuild the common-word bitmaps over every item (after an ingest or a reparse)."""
    refresh_common_words()
