"""The SQL that formats export records (`export_records.py`) on each database.

`export_records.COLUMNS` says what each column reads and what kind of value it is; this module
spells each kind as a CSV cell and a JSON value in the two dialects (`_DIALECTS`), so the
database formats every record in one statement.
"""

from __future__ import annotations

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

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIALECTS = {
    "sqlite": {
        "date": "{0}",
        "joined": "(SELECT group_concat(v, '; ') FROM ({0}))",
        "json_list": "(SELECT json_group_array(v) FROM ({0}))",
        "array_joined": "(SELECT group_concat(value, '; ') FROM json_each({0}))",
        "array_json": "json({0})",
        "object": "json_object({0})",
        "embedded_list": "json({0})",  # text from the CTE back to JSON, not a string
        "in_ids": "IN (SELECT value FROM json_each(%s))",
        "wanted": "json_each(%s) AS wanted",
    },
    "postgresql": {
        "date": "to_char({0}, 'YYYY-MM-DD')",
        "joined": "(SELECT string_agg(v, '; ' ORDER BY o) FROM ({0}) AS facts)",
        "json_list": "COALESCE((SELECT json_agg(v ORDER BY o) FROM ({0}) AS facts), '[]'::json)",
        "array_joined": (
            "(SELECT string_agg(value, '; ' ORDER BY n) "
            "FROM jsonb_array_elements_text({0}) WITH ORDINALITY AS d(value, n))"
        ),
        "array_json": "({0})::json",
        "object": "json_build_object({0})::text",
        "embedded_list": "{0}",
        "in_ids": "= ANY(%s::bigint[])",
        "wanted": "unnest(%s::bigint[]) AS wanted(value)",
    },
}
Column = tuple[str, str, str]  # (name, kind, what it reads), as in `export_records.COLUMNS`


def formatting_sql(columns: list[Column], by: str) -> str:
    """SELECT item_id, csv_record, json_record (text) of the items whose ``by`` (id or
    letter_id) is in the one parameter (`ids_param`).

    The values are read once in a materialised CTE (so the reviewer facts' subqueries run
    once per row, not once per use), then formatted twice.
    """
    dialect = _DIALECTS[connection.vendor]
    read = {name: _read(dialect, kind, source) for name, kind, source in columns}
    values = ", ".join(
        f"{read[name][1]} AS {name}, {read[name][0]} AS {name}_joined"
        if kind == "list"
        else f"{read[name]} AS {name}"
        for name, kind, _ in columns
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
    t = _tables()
    return (
        # Driven from the wanted ids: right after a bulk load the planner's statistics are
        # stale, and with `i.letter_id = ANY(...)` it scanned every item for each batch.
        f"WITH r AS MATERIALIZED (SELECT {values} "
        f"FROM {dialect['wanted']} JOIN {t['item']} i ON i.{by} = wanted.value "
        f"JOIN {t['letter']} l ON l.id = i.letter_id "
        f"LEFT JOIN {t['medication']} m ON m.id = i.medication_id "
        f"LEFT JOIN {t['drug_class']} c ON c.id = i.drug_class_id) "
        f"SELECT r.item_id, {csv_record} AS csv_record, "
        f"{dialect['object'].format(pairs)} AS json_record FROM r"
    )


def in_ids() -> str:
    """`column <in_ids>` tests a column against the one `ids_param` parameter."""
    return _DIALECTS[connection.vendor]["in_ids"]


def wanted() -> str:
    """A FROM item naming the ids of the one `ids_param` parameter `wanted.value`."""
    return _DIALECTS[connection.vendor]["wanted"]


def table(name: str) -> str:
    """A quoted table name: item, letter, record, ..."""
    return _tables()[name]


def ids_param(ids: list[int]):
    """A list of ids as the one parameter of the statements here: SQLite reads them from
    JSON text (no limit on their number), PostgreSQL takes an array."""
    return ids if connection.vendor == "postgresql" else "[" + ",".join(map(str, ids)) + "]"


def _read(dialect: dict, kind: str, source: str):
    """A column's SQL expression; for a list (reviewer facts or a JSON array column), the
    pair (joined with `; `, as a JSON array)."""
    if kind == "date":
        return dialect["date"].format(source)
    if kind != "list":
        return source
    if source not in _REVIEWER_FACTS:  # a JSON array column
        return dialect["array_joined"].format(source), dialect["array_json"].format(source)
    facts = _REVIEWER_FACTS[source].format(**_tables())
    return dialect["joined"].format(facts), dialect["json_list"].format(facts)


# The letter's reviewer facts as (value v, order o) rows: states by code, specialties as listed.
_REVIEWER_FACTS = {
    "reviewer_states": (
        "SELECT s.code AS v, s.code AS o FROM {states} ls JOIN {state} s "
        "ON s.id = ls.licensurestate_id WHERE ls.letter_id = l.id ORDER BY s.code"
    ),
    "reviewer_specialties": (
        "SELECT s.name AS v, ls.id AS o FROM {specialties} ls JOIN {specialty} s "
        "ON s.id = ls.specialty_id WHERE ls.letter_id = l.id ORDER BY ls.id"
    ),
}


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
