"""Keep what is derived from letters (full-text entries, rationale band keys, export
records) in step."""

from __future__ import annotations

from determinations import similarity
from determinations.export_records import write_records
from determinations.search.backends import backend
from determinations.search.common_words import note_reindexed


def reindex_letters(letter_ids: list[int]) -> None:
    """Rebuild the search entries, similarity keys and export records of these letters."""
    backend().index_letters(letter_ids)
    note_reindexed(letter_ids)
    similarity.index_letters(letter_ids)
    write_records(letter_ids)
