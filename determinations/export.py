"""Export rows (SPEC: Export columns) and streaming writers, shared by the web and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import numpy as np
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from determinations.models import DisputedItem, Letter, LicensureState, Specialty

COLUMNS = [
    "determination_id", "case_number", "source_file", "patient_age", "patient_sex",
    "date_of_injury", "ur_denial_date", "reviewer_states", "reviewer_specialties", "diagnoses",
    "item_id", "item_label", "treatment", "medication", "drug_class", "category", "strength",
    "quantity", "refills", "decision", "guideline_source", "claims_administrator_guideline",
    "reviewer_guideline", "rationale", "parse_status",
]  # fmt: skip
LIST_COLUMNS = {"reviewer_states", "reviewer_specialties", "diagnoses"}
_FIELDS = [
    "letter_id", "letter__case_number", "letter__source_file", "letter__patient_age",
    "letter__patient_sex", "injury_text", "denial_text",
    "letter__diagnoses", "id", "label", "treatment", "medication__generic_name",
    "drug_class__name", "category", "strength", "quantity", "refills", "decision",
    "guideline_source", "claims_administrator_guideline", "reviewer_guideline", "rationale",
    "letter__parse_status",
]  # fmt: skip
CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARACTERS = frozenset(FORMULA_START)
_LIST_INDEXES = [COLUMNS.index(name) for name in LIST_COLUMNS]
# Columns a person or a letter can fill with any text (the others are numbers, dates or codes
# this application writes); each is checked for a leading formula character.
_TEXT_INDEXES = [
    COLUMNS.index(name)
    for name in COLUMNS
    if name not in ("determination_id", "patient_age", "date_of_injury", "ur_denial_date",
                    "item_id", "quantity", "refills")
]  # fmt: skip
_encode_json = json.JSONEncoder(ensure_ascii=False).encode

Row = tuple  # one disputed item's values, in COLUMNS order


def export_chunks(items: QuerySet, chunk: int = CHUNK) -> Iterator[list[Row]]:
    """The rows of ``items`` in their order, ``chunk`` at a time.

    The order is read first as bare ids (a narrow sort, even over a million items); then each
    chunk's rows are read by id with the reviewer facts of its letters, in three queries.
    Rows come straight from a cursor, not through the ORM's per-value converters.
    """
    ids = _ordered_ids(items)
    reader = _ChunkReader()
    for start in range(0, len(ids), chunk):
        wanted = ids[start : start + chunk].tolist()
        found = reader.rows(wanted)
        states, specialties = reader.reviewer_facts({row[0] for row in found.values()})
        yield [
            _row(found[pk], states.get(found[pk][0], []), specialties.get(found[pk][0], []))
            for pk in wanted
            if pk in found  # an item deleted since the order was read is left out
        ]


def export_rows(items: QuerySet) -> Iterator[dict]:
    """One dict per disputed item, SPEC columns in order (for callers that want dicts)."""
    for rows in export_chunks(items):
        for row in rows:
            yield dict(zip(COLUMNS, row, strict=True))


def csv_lines(chunks: Iterable[list[Row]], bom: bool = False) -> Iterator[str]:
    """RFC 4180 CSV, header first; lists joined with `; `; formula-like cells neutralised.

    Yields a chunk of lines at a time: fewer, larger writes to the client or the file.
    """
    yield ("\ufeff" if bom else "") + _csv_line(COLUMNS)
    for rows in chunks:
        yield "".join([_csv_line(_csv_cells(row)) for row in rows])


def csv_lines_of(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Any small table as CSV records, with the same quoting and formula defence."""
    yield _csv_line(header)
    for row in rows:
        yield _csv_line([neutralise_formula(c) if isinstance(c, str) else c for c in row])


def _csv_line(cells: Iterable) -> str:
    """One RFC 4180 record (CRLF), quoting only the cells that need it, as `csv.QUOTE_MINIMAL`.

    `csv.writer` copies every character in a loop: 19 µs for one of our rows, against 3 µs
    here with `str` methods (tests/test_export.py checks both read back the same).
    """
    return ",".join([_csv_cell(cell) for cell in cells]) + "\r\n"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def json_chunks(chunks: Iterable[list[Row]]) -> Iterator[str]:
    """A JSON array, one item per line, written as the rows come."""
    separator = "[\n"
    for rows in chunks:
        if rows:
            yield separator + ",\n".join(map(_json_object, rows))
            separator = ",\n"
    yield "[\n]\n" if separator == "[\n" else "\n]\n"


def jsonl_lines(chunks: Iterable[list[Row]]) -> Iterator[str]:
    """JSON Lines: one object per line."""
    for rows in chunks:
        if rows:
            yield "\n".join(map(_json_object, rows)) + "\n"


WRITERS = {"csv": csv_lines, "json": json_chunks, "jsonl": jsonl_lines}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}


def neutralise_formula(text: str) -> str:
    """OWASP CSV injection defence: a cell a spreadsheet would run starts with a quote."""
    return "'" + text if text[:1] in _FORMULA_CHARACTERS else text


def _row(row: tuple, states: list[str], specialties: list[str]) -> Row:
    (letter_id, case_number, source_file, age, sex, injury, denial, diagnoses, item_id, label,
     treatment, medication, drug_class, category, strength, quantity, refills, decision,
     guideline_source, claims_guideline, reviewer_guideline, rationale, status) = row  # fmt: skip
    if isinstance(diagnoses, str):  # SQLite sends JSON as text
        diagnoses = json.loads(diagnoses)
    return (
        letter_id, case_number, source_file, age, sex or None, injury, denial, states,
        specialties, diagnoses or [], item_id, label, treatment, medication or "",
        drug_class or "", category, strength, quantity, refills, decision, guideline_source,
        claims_guideline, reviewer_guideline, rationale, status,
    )  # fmt: skip


def _json_object(row: Row) -> str:
    return _encode_json(dict(zip(COLUMNS, row, strict=True)))


def _ordered_ids(items: QuerySet) -> np.ndarray:
    """The ids of ``items`` in the queryset's order (its rank or date columns left out)."""
    sql, params = items.values_list("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return np.fromiter((row[-1] for row in cursor.fetchall()), dtype=np.int64)


class _ChunkReader:
    """Reads a chunk of export rows by item id, and its letters' reviewer facts.

    The SQL is built once per export and run through a plain cursor: at a million rows the
    ORM's per-value work (building 2,000-value IN lists, converting dates) costs more than the
    database. Dates are read as `YYYY-MM-DD` text on both databases.
    """

    def __init__(self) -> None:
        columns = DisputedItem.objects.order_by().annotate(
            injury_text=Cast("letter__date_of_injury", CharField()),
            denial_text=Cast("letter__ur_denial_date", CharField()),
        )
        self._rows_sql, self._rows_params = columns.values_list(*_FIELDS).query.sql_with_params()
        assert " WHERE " not in self._rows_sql  # the id condition below is the only one
        quote = connection.ops.quote_name
        self._item_id = f"{quote(DisputedItem._meta.db_table)}.{quote('id')}"
        self._states_table = quote(Letter.reviewer_states.through._meta.db_table)
        self._specialties_table = quote(Letter.reviewer_specialties.through._meta.db_table)
        self._codes = dict(LicensureState.objects.values_list("pk", "code"))
        self._names = dict(Specialty.objects.values_list("pk", "name"))

    def rows(self, ids: list[int]) -> dict[int, tuple]:
        """The raw rows of these items, by item id."""
        sql = f"{self._rows_sql} WHERE {self._item_id} IN ({_placeholders(ids)})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self._rows_params, *ids])
            return {row[8]: row for row in cursor.fetchall()}

    def reviewer_facts(self, letter_ids: set[int]) -> tuple[dict[int, list], dict[int, list]]:
        """Licensure states (alphabetical) and specialties (in the letter's order) by letter."""
        if not letter_ids:
            return {}, {}
        where = f"WHERE letter_id IN ({_placeholders(letter_ids)})"
        states: dict[int, list[str]] = {}
        specialties: dict[int, list[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT letter_id, licensurestate_id FROM {self._states_table} {where}",
                list(letter_ids),
            )
            for letter_id, state_id in cursor.fetchall():
                states.setdefault(letter_id, []).append(self._codes.get(state_id, ""))
            cursor.execute(
                f"SELECT letter_id, specialty_id FROM {self._specialties_table} {where} "
                "ORDER BY id",
                list(letter_ids),
            )
            for letter_id, specialty_id in cursor.fetchall():
                specialties.setdefault(letter_id, []).append(self._names.get(specialty_id, ""))
        for codes in states.values():
            codes.sort()
        return states, specialties


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _csv_cells(row: Row) -> list:
    cells = list(row)
    for index in _LIST_INDEXES:
        cells[index] = "; ".join(cells[index])
    for index in _TEXT_INDEXES:
        value = cells[index]
        if value and value[0] in _FORMULA_CHARACTERS:
            cells[index] = "'" + value
    return cells
