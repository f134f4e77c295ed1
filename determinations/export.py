"""Export rows (SPEC: Export columns) and streaming writers, shared by the web and the CLI."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection
from django.db.models import QuerySet

from determinations.models import Letter

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
    "letter__patient_sex", "letter__date_of_injury", "letter__ur_denial_date",
    "letter__diagnoses", "id", "label", "treatment", "medication__generic_name",
    "drug_class__name", "category", "strength", "quantity", "refills", "decision",
    "guideline_source", "claims_administrator_guideline", "reviewer_guideline", "rationale",
    "letter__parse_status",
]  # fmt: skip
CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARACTERS = frozenset(FORMULA_START)


def export_rows(items: QuerySet) -> Iterator[dict]:
    """One dict per disputed item, SPEC columns in order; reads the database in chunks.

    The rows come straight from a cursor, not through the ORM's per-value converters (half
    the time of an export); `chunked_cursor` is server-side on PostgreSQL, so memory stays flat.
    """
    sql, params = items.values_list(*_FIELDS).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            chunk = [row[-len(_FIELDS) :] for row in chunk]  # SQLite's rank comes first
            states, specialties = _reviewer_facts({row[0] for row in chunk})
            for row in chunk:
                yield _row(row, states.get(row[0], []), specialties.get(row[0], []))


def csv_lines(rows: Iterable[dict], bom: bool = False) -> Iterator[str]:
    """RFC 4180 CSV, header first; lists joined with `; `; formula-like cells neutralised.

    Yields a chunk of lines at a time: fewer, larger writes to the client or the file.
    """
    buffer = _Lines()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield ("\ufeff" if bom else "") + buffer.take()
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        writer.writerows(map(_csv_row, chunk))
        yield buffer.take()


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array, one item per line, written as the rows come."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    """JSON Lines: one object per line."""
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


WRITERS = {"csv": csv_lines, "json": json_chunks, "jsonl": jsonl_lines}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}


def neutralise_formula(text: str) -> str:
    """OWASP CSV injection defence: a cell a spreadsheet would run starts with a quote."""
    return "'" + text if text[:1] in _FORMULA_CHARACTERS else text


def _row(row: tuple, states: list[str], specialties: list[str]) -> dict:
    (letter_id, case_number, source_file, age, sex, injury, denial, diagnoses, item_id, label,
     treatment, medication, drug_class, category, strength, quantity, refills, decision,
     guideline_source, claims_guideline, reviewer_guideline, rationale, status) = row  # fmt: skip
    return {
        "determination_id": letter_id,
        "case_number": case_number,
        "source_file": source_file,
        "patient_age": age,
        "patient_sex": sex or None,
        "date_of_injury": _iso(injury),
        "ur_denial_date": _iso(denial),
        "reviewer_states": states,
        "reviewer_specialties": specialties,
        "diagnoses": (json.loads(diagnoses) if isinstance(diagnoses, str) else diagnoses) or [],
        "item_id": item_id,
        "item_label": label,
        "treatment": treatment,
        "medication": medication or "",
        "drug_class": drug_class or "",
        "category": category,
        "strength": strength,
        "quantity": quantity,
        "refills": refills,
        "decision": decision,
        "guideline_source": guideline_source,
        "claims_administrator_guideline": claims_guideline,
        "reviewer_guideline": reviewer_guideline,
        "rationale": rationale,
        "parse_status": status,
    }


def _iso(day: date | str | None) -> str | None:
    """A date as `YYYY-MM-DD` (SQLite already sends that text; PostgreSQL sends a date)."""
    if not day:
        return None
    return day if isinstance(day, str) else day.isoformat()


def _reviewer_facts(letter_ids: set[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Licensure states and specialties of a chunk's letters: two queries per chunk."""
    states: dict[int, list[str]] = {}
    rows = Letter.reviewer_states.through.objects.filter(letter_id__in=letter_ids)
    for letter_id, code in rows.order_by("licensurestate__code").values_list(
        "letter_id", "licensurestate__code"
    ):
        states.setdefault(letter_id, []).append(code)
    specialties: dict[int, list[str]] = {}
    rows = Letter.reviewer_specialties.through.objects.filter(letter_id__in=letter_ids)
    for letter_id, name in rows.order_by("id").values_list("letter_id", "specialty__name"):
        specialties.setdefault(letter_id, []).append(name)
    return states, specialties


def _csv_row(row: dict) -> list:
    cells = []
    for name in COLUMNS:
        value = row[name]
        if value is None:
            value = ""
        elif name in LIST_COLUMNS:
            value = "; ".join(value)
        if isinstance(value, str) and value[:1] in _FORMULA_CHARACTERS:
            value = "'" + value
        cells.append(value)
    return cells


class _Lines:
    """A file-like object collecting what csv.writer writes until it is taken."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)

    def take(self) -> str:
        text, self.lines = "".join(self.lines), []
        return text
