"""Exports (SPEC: Export columns): records in the search's order and streaming writers,
shared by the web, the CLI and the admin. The columns are defined, and the records formatted
and stored, in `export_records.py`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import numpy as np
from django.db.models import QuerySet

from determinations.export_records import COLUMNS as DEFINED_COLUMNS
from determinations.export_records import formatted_now, stored_records
from determinations.routing import read_connection
from determinations.search.backends.export_sql import FORMULA_START

COLUMNS = [name for name, _, _ in DEFINED_COLUMNS]
CHUNK = 2000


def export_records(items: QuerySet, fmt: str, chunk: int = CHUNK) -> Iterator[list[str]]:
    """Each item of ``items`` as one record of ``fmt`` (a CSV line without its line end, or
    a JSON object), in the queryset's order, ``chunk`` records at a time.

    The order is read first as bare ids (a narrow sort, even over a million items); then each
    chunk is one query by id of the records stored at ingest (`export_records.py`).
    """
    ids = _ordered_ids(items)
    for start in range(0, len(ids), chunk):
        wanted = ids[start : start + chunk].tolist()
        found = stored_records(wanted, fmt)
        if len(found) < len(wanted):
            found |= formatted_now([pk for pk in wanted if pk not in found], fmt)
        # an item deleted since the order was read is left out
        yield [found[pk] for pk in wanted if pk in found]


def csv_lines(records: Iterable[list[str]], bom: bool = False) -> Iterator[str]:
    """RFC 4180 CSV (CRLF), header first; lists joined with `; `; formula-like cells
    neutralised. Yields a chunk of lines at a time: fewer, larger writes."""
    yield ("\ufeff" if bom else "") + _csv_text([COLUMNS])
    for chunk in records:
        if chunk:
            yield "\r\n".join(chunk) + "\r\n"


def json_chunks(records: Iterable[list[str]]) -> Iterator[str]:
    """A JSON array, one item per line, written as the records come."""
    separator = "[\n"
    for chunk in records:
        if chunk:
            yield separator + ",\n".join(chunk)
            separator = ",\n"
    yield "[\n]\n" if separator == "[\n" else "\n]\n"


def jsonl_lines(records: Iterable[list[str]]) -> Iterator[str]:
    """JSON Lines: one object per line."""
    for chunk in records:
        if chunk:
            yield "\n".join(chunk) + "\n"


WRITERS = {"csv": csv_lines, "json": json_chunks, "jsonl": jsonl_lines}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}


def neutralise_formula(text: str) -> str:
    """OWASP CSV injection defence: a cell a spreadsheet would run starts with a quote."""
    return "'" + text if text[:1] in FORMULA_START else text


def _ordered_ids(items: QuerySet) -> np.ndarray:
    """The ids of ``items`` in the queryset's order (its rank or date columns left out)."""
    sql, params = items.values_list("id").query.sql_with_params()
    parts = []
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):  # not a million id tuples at once
            parts.append(np.fromiter((row[-1] for row in rows), dtype=np.int64, count=len(rows)))
    return np.concatenate(parts) if parts else np.array([], dtype=np.int64)


def csv_lines_of(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Any small table as CSV, with the same formula defence."""
    yield _csv_text([header])
    safe = ([neutralise_formula(c) if isinstance(c, str) else c for c in row] for row in rows)
    yield _csv_text(safe)


def _csv_text(rows: Iterable[list]) -> str:
    """RFC 4180 CSV (CRLF), quoting only the cells that need it."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
