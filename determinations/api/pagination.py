"""Cursor pages over the search page's ordered items (issue 31).

By date (`newest`, `oldest`, and relevance without words, which is newest) a cursor holds
the sort key of the item it continues from: UR denial day, letter id and position, the keys
`ItemColumns.newest_first` orders by. A walk so survives letters ingested between its
requests: no item comes twice and none is skipped, a new one appears where it sorts.
By relevance with words the ranks move as the corpus grows: the cursor holds the corpus
version and an offset, and a walk whose corpus has changed is refused (409).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from determinations.search.columns import ItemColumns

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
CORPUS_CHANGED = (
    "The corpus changed since this walk began: start again, or sort by newest for a walk "
    "that survives ingests."
)


class CursorError(Exception):
    """A cursor this walk cannot continue from; ``status`` is the answer's HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Window:
    """One page of a walk: its rows in order, and the cursors before and after it."""

    rows: np.ndarray
    next: str | None
    previous: str | None


def window(
    columns: ItemColumns, rows: np.ndarray, ordering: str, cursor: str | None, size: int
) -> Window:
    """The page of ``rows`` (ordered by ``ordering``) that ``cursor`` points to (None: the
    first page), ``size`` rows at most."""
    position = _decoded(cursor, ordering) if cursor else None
    if ordering == "relevance":
        return _by_offset(columns.version, rows, position, size)
    return _by_key(columns, rows, ordering, position, size)


def _by_offset(version: str, rows: np.ndarray, position: dict | None, size: int) -> Window:
    begin = 0
    if position is not None:
        if position["v"] != version:
            raise CursorError(CORPUS_CHANGED, status=409)
        begin = position["o"]
    page = rows[begin : begin + size]
    after = begin + size < len(rows)
    cursor = {"s": "relevance", "v": version}
    return Window(
        page,
        _encoded({**cursor, "o": begin + size}) if after else None,
        _encoded({**cursor, "o": max(0, begin - size)}) if begin else None,
    )


def _by_key(
    columns: ItemColumns, rows: np.ndarray, ordering: str, position: dict | None, size: int
) -> Window:
    begin, end = 0, min(size, len(rows))
    if position is not None:  # the sort keys of every row, only when a cursor is compared
        cursor_key = _sort_key(ordering, *np.array(position["k"], dtype=np.int64))
        before, at = _compared(_sort_key(ordering, *_raw_keys(columns, rows)), cursor_key)
        if position["d"] == "after":
            begin = int(np.count_nonzero(before | at))
            end = min(begin + size, len(rows))
        else:
            end = int(np.count_nonzero(before))
            begin = max(0, end - size)
    if begin >= end:
        return Window(rows[:0], None, None)
    return Window(
        rows[begin:end],
        _key_cursor(ordering, columns, rows[end - 1], "after") if end < len(rows) else None,
        _key_cursor(ordering, columns, rows[begin], "before") if begin else None,
    )


def _raw_keys(columns: ItemColumns, rows: np.ndarray) -> list[np.ndarray]:
    """UR denial day, letter id and position of each row."""
    wanted = (columns.ur_day, columns.letter_ids, columns.positions)
    return [column[rows].astype(np.int64) for column in wanted]


def letters_window(letters: QuerySet, cursor: str | None, size: int) -> tuple[Window, list]:
    """The page of ``letters``, by id, that ``cursor`` points to, and its letters."""
    position = _decoded(cursor, "id") if cursor else None
    backwards = position is not None and position["d"] == "before"
    if position is not None:
        boundary = position["k"][0]
        letters = letters.filter(pk__lt=boundary) if backwards else letters.filter(pk__gt=boundary)
    page = list(letters.order_by("-pk" if backwards else "pk")[: size + 1])
    more = len(page) > size
    page = page[:size][::-1] if backwards else page[:size]
    if not page:
        return Window(np.array([], dtype=np.int64), None, None), page
    after = more or backwards
    before = more if backwards else position is not None
    return Window(
        np.array([letter.pk for letter in page], dtype=np.int64),
        _encoded({"s": "id", "d": "after", "k": [page[-1].pk]}) if after else None,
        _encoded({"s": "id", "d": "before", "k": [page[0].pk]}) if before else None,
    ), page


def _sort_key(ordering: str, ur_day, letter_id, position) -> tuple:
    """What the order sorts by, ascending: undated last, then the day and letter (both
    descending when newest first), then the item's position in its letter."""
    sign = -1 if ordering == "newest" else 1
    return ((ur_day == 0).astype(np.int64), sign * ur_day, sign * letter_id, position)


def _compared(keys: tuple, cursor: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Which rows sort before the cursor's item, and which is that item (by key)."""
    before = np.zeros(len(keys[0]), dtype=bool)
    at = np.ones(len(keys[0]), dtype=bool)
    for column, value in zip(keys, cursor, strict=True):
        before |= at & (column < value)
        at &= column == value
    return before, at


def _key_cursor(ordering: str, columns: ItemColumns, row: int, direction: str) -> str:
    key = [int(value[0]) for value in _raw_keys(columns, np.array([row]))]
    return _encoded({"s": ordering, "d": direction, "k": key})


def _encoded(position: dict) -> str:
    text = json.dumps(position, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decoded(cursor: str, ordering: str) -> dict:
    """The position a cursor holds, checked against the walk's order."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = _valid(position)
    except (binascii.Error, ValueError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise CursorError("Not a cursor this API gave: start the walk again without it.")
    if position["s"] != ordering:
        raise CursorError(
            f"This cursor continues a walk sorted by {position['s']}, not {ordering}: "
            "keep the parameters of the walk's first request."
        )
    return position


def _valid(position: dict) -> bool:
    def number(value) -> bool:
        return type(value) is int and 0 <= value < 2**62

    if position.get("s") == "relevance":
        return isinstance(position.get("v"), str) and number(position.get("o"))
    key = position.get("k")
    return (
        position.get("s") in ("newest", "oldest", "id")
        and position.get("d") in ("after", "before")
        and isinstance(key, list)
        and len(key) == (1 if position["s"] == "id" else 3)
        and all(number(value) for value in key)
    )
