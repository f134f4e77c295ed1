"""Keep what is derived from letters (full-text entries, rationale band keys) in step."""

from __future__ import annotations

from determinations import similarity
from determinations.search.backends import backend


def reindex_letters(letter_ids: list[int]) -> None:
    """Rebuild the search entries and similarity keys of every item of these letters."""
    backend().index_letters(letter_ids)
    similarity.index_letters(letter_ids)
