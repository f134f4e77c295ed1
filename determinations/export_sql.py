"""Each item's export record, formatted by the database and stored (SPEC: Export columns).

At a million rows, formatting records while exporting costs far more than reading them, so
every item's CSV line and JSON object are written when its letter is stored or changes, into
`ExportRecord`; an export only reads them by id. One SQL template formats both on both
databases; the few things PostgreSQL and SQLite spell differently are in `_DIALECTS`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from determinations.models import (
    DisputedItem,
    DrugClass,
    ExportRecord,
    Letter,
    LicensureState,
    Medication,
    Specialty,
)
from determinations.routing import read_connection

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WRITE_CHUNK = 500  # letters per statement
_DIALECTS = {
    "sqlite": {
        "date": "{0}",
        "joined": "(SELECT group_concat(v, '; ') FROM ({0}))",
        "json_list": "(SELECT json_group_array(v) FROM ({0}))",
        "diagnoses_joined": "(SELECT group_concat(value, '; ') FROM json_each({0}))",
        "diagnoses_json": "json({0})",
        "object": "json_object({0})",
        "embedded_list": "json({0})",  # text from the CTE back to JSON, not a string
        "in_ids": "IN (SELECT value FROM json_each(%s))",
    },
    "postgresql": {
        "date": "to_char({0}, 'YYYY-MM-DD')",
        "joined": "(SELECT string_agg(v, '; ' ORDER BY o) FROM ({0}) AS facts)",
        "json_list": "COALESCE((SELECT json_agg(v ORDER BY o) FROM ({0}) AS facts), '[]'::json)",
        "diagnoses_joined": (
            "(SELECT string_agg(value, '; ' ORDER BY n) "
            "FROM jsonb_array_elements_text({0}) WITH ORDINALITY AS d(value, n))"
        ),
        "diagnoses_json": "({0})::json",
        "object": "json_build_object({0})::text",
        "embedded_list": "{0}",
        "in_ids": "= ANY(%s::bigint[])",
    },
}


def write_records(letter_ids: Iterable[int], replace: bool = True) -> None:
    """(Re)write the export records of every item of these letters (``replace=False``:
    letters just stored, which have none yet)."""
    letter_ids = list(letter_ids)
    if not letter_ids:
        return
    dialect = _DIALECTS[connection.vendor]
    t = _tables()
    with connection.cursor() as cursor:
        for start in range(0, len(letter_ids), WRITE_CHUNK):
            chunk = ids_param(letter_ids[start : start + WRITE_CHUNK])
            if replace:
                cursor.execute(
                    f"DELETE FROM {t['record']} WHERE item_id IN "
                    f"(SELECT id FROM {t['item']} WHERE letter_id {dialect['in_ids']})",
                    [chunk],
                )
            cursor.execute(
                f"INSERT INTO {t['record']} (item_id, csv_record, json_record) "
                + _formatting_sql(dialect, "letter_id"),
                [chunk],
            )


def formatted_now(item_ids: list[int], fmt: str) -> dict[int, str]:
    """The records of ``fmt`` of these items, formatted by this query, stored or not.

    For an item whose stored record is missing: every write path stores one, but an export
    must never leave out an item because one was not.
    """
    dialect = _DIALECTS[connection.vendor]
    column = "csv_record" if fmt == "csv" else "json_record"
    sql = f"SELECT item_id, {column} FROM ({_formatting_sql(dialect, 'id')}) AS formatted"
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [ids_param(item_ids)])
        return dict(cursor.fetchall())


def read_sql(fmt: str) -> str:
    """SELECT item id, record of ``fmt`` (csv or json) for the ids in the one parameter."""
    column = "csv_record" if fmt == "csv" else "json_record"
    in_ids = _DIALECTS[connection.vendor]["in_ids"]
    return f"SELECT item_id, {column} FROM {_tables()['record']} WHERE item_id {in_ids}"


def ids_param(ids: list[int]):
    """A list of ids as the one parameter of `read_sql` and the statements here: SQLite
    reads them from JSON text (no limit on their number), PostgreSQL takes an array."""
    return ids if connection.vendor == "postgresql" else "[" + ",".join(map(str, ids)) + "]"


def _formatting_sql(dialect: dict, by: str) -> str:
    """SELECT item_id, csv_record, json_record of the items whose ``by`` (id or letter_id)
    is in the one parameter: every SPEC column as a CSV line and as a JSON object.

    The values are read once in a materialised CTE (so the reviewer facts' subqueries run
    once per row, not once per use), then formatted twice.
    """
    columns = _columns(dialect)
    values = ", ".join(
        f"{expression[1] if kind == 'list' else expression} AS {name}"
        for name, kind, expression in columns
    )
    joined_lists = "".join(
        f", {expression[0]} AS {name}_joined"
        for name, kind, expression in columns
        if kind == "list"
    )
    # format() builds the line in one pass; a chain of || would copy it once per column.
    # (%% is how a literal % reaches the database through Django's cursor.)
    cells = ", ".join(
        _csv_cell(kind, f"r.{name}_joined" if kind == "list" else f"r.{name}")
        for name, kind, _ in columns
    )
    csv_record = f"format('{','.join(['%%s'] * len(columns))}', {cells})"
    pairs = ", ".join(
        f"'{name}', "
        + (dialect["embedded_list"].format(f"r.{name}") if kind == "list" else f"r.{name}")
        for name, kind, _ in columns
    )
    json_record = dialect["object"].format(pairs)
    t = _tables()
    return (
        f"WITH r AS MATERIALIZED (SELECT {values}{joined_lists} "
        f"FROM {t['item']} i JOIN {t['letter']} l ON l.id = i.letter_id "
        f"LEFT JOIN {t['medication']} m ON m.id = i.medication_id "
        f"LEFT JOIN {t['drug_class']} c ON c.id = i.drug_class_id "
        f"WHERE i.{by} {dialect['in_ids']}) "
        f"SELECT r.item_id, {csv_record} AS csv_record, {json_record} AS json_record FROM r"
    )


def _columns(dialect: dict) -> list[tuple[str, str, str]]:
    """(export column, kind, SQL expression) in SPEC order; kinds: number, text, date, list."""
    t = _tables()
    states = (
        f"SELECT s.code AS v, s.code AS o FROM {t['states']} ls "
        f"JOIN {t['state']} s ON s.id = ls.licensurestate_id WHERE ls.letter_id = l.id "
        "ORDER BY s.code"
    )
    specialties = (
        f"SELECT s.name AS v, ls.id AS o FROM {t['specialties']} ls "
        f"JOIN {t['specialty']} s ON s.id = ls.specialty_id WHERE ls.letter_id = l.id "
        "ORDER BY ls.id"
    )
    return [
        ("determination_id", "number", "l.id"),
        ("case_number", "text", "l.case_number"),
        ("source_file", "text", "l.source_file"),
        ("patient_age", "number", "l.patient_age"),
        ("patient_sex", "nullable", "NULLIF(l.patient_sex, '')"),
        ("date_of_injury", "date", dialect["date"].format("l.date_of_injury")),
        ("ur_denial_date", "date", dialect["date"].format("l.ur_denial_date")),
        ("reviewer_states", "list", (dialect["joined"].format(states),
                                     dialect["json_list"].format(states))),
        ("reviewer_specialties", "list", (dialect["joined"].format(specialties),
                                          dialect["json_list"].format(specialties))),
        ("diagnoses", "list", (dialect["diagnoses_joined"].format("l.diagnoses"),
                               dialect["diagnoses_json"].format("l.diagnoses"))),
        ("item_id", "number", "i.id"),
        ("item_label", "text", "i.label"),
        ("treatment", "text", "i.treatment"),
        ("medication", "text", "COALESCE(m.generic_name, '')"),
        ("drug_class", "text", "COALESCE(c.name, '')"),
        ("category", "text", "i.category"),
        ("strength", "text", "i.strength"),
        ("quantity", "number", "i.quantity"),
        ("refills", "number", "i.refills"),
        ("decision", "text", "i.decision"),
        ("guideline_source", "text", "i.guideline_source"),
        ("claims_administrator_guideline", "text", "i.claims_administrator_guideline"),
        ("reviewer_guideline", "text", "i.reviewer_guideline"),
        ("rationale", "text", "i.rationale"),
        ("parse_status", "text", "l.parse_status"),
    ]  # fmt: skip


def _csv_cell(kind: str, column: str) -> str:
    """A CSV cell: numbers and dates bare (empty for null); text always quoted (RFC 4180),
    with a leading formula character neutralised by a quote (OWASP CSV injection)."""
    if kind in ("number", "date"):
        return f"COALESCE(CAST({column} AS TEXT), '')"
    starts = ", ".join(f"'{character}'" for character in FORMULA_START)
    safe = f"CASE WHEN substr({column}, 1, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END"
    return f"""COALESCE('"' || replace({safe}, '"', '""') || '"', '')"""


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "item": quote(DisputedItem._meta.db_table),
        "record": quote(ExportRecord._meta.db_table),
        "letter": quote(Letter._meta.db_table),
        "medication": quote(Medication._meta.db_table),
        "drug_class": quote(DrugClass._meta.db_table),
        "state": quote(LicensureState._meta.db_table),
        "specialty": quote(Specialty._meta.db_table),
        "states": quote(Letter.reviewer_states.through._meta.db_table),
        "specialties": quote(Letter.reviewer_specialties.through._meta.db_table),
    }
