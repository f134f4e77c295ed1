"""The SQL that formats an item's export record (SPEC: Export columns) on the database.

One SQL template formats every column as a CSV line and as a JSON object on both databases;
the few things PostgreSQL and SQLite spell differently are in `_DIALECTS`. Storing and
reading the records is `export_records.py`.
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
        "diagnoses_joined": "(SELECT group_concat(value, '; ') FROM json_each({0}))",
        "diagnoses_json": "json({0})",
        "object": "json_object({0})",
        "embedded_list": "json({0})",  # text from the CTE back to JSON, not a string
        "in_ids": "IN (SELECT value FROM json_each(%s))",
        "wanted": "json_each(%s) AS wanted",
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
        "wanted": "unnest(%s::bigint[]) AS wanted(value)",
    },
}


def formatting_sql(by: str) -> str:
    """SELECT item_id, csv_record, json_record (text) of the items whose ``by`` (id or
    letter_id) is in the one parameter (`ids_param`)."""
    return _formatting_sql(_DIALECTS[connection.vendor], by)


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
        # Driven from the wanted ids: right after a bulk load the planner's statistics are
        # stale, and with `i.letter_id = ANY(...)` it scanned every item for each batch.
        f"WITH r AS MATERIALIZED (SELECT {values}{joined_lists} "
        f"FROM {dialect['wanted']} JOIN {t['item']} i ON i.{by} = wanted.value "
        f"JOIN {t['letter']} l ON l.id = i.letter_id "
        f"LEFT JOIN {t['medication']} m ON m.id = i.medication_id "
        f"LEFT JOIN {t['drug_class']} c ON c.id = i.drug_class_id) "
        f"SELECT r.item_id, {csv_record} AS csv_record, {json_record} AS json_record FROM r"
    )


def _columns(dialect: dict) -> list[tuple[str, str, str]]:
    """(export column, kind, SQL expression) in SPEC order; kinds: number, text, nullable
    (text that is null when empty), date, list."""
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
        ("decision_date", "date", dialect["date"].format("l.decision_date")),
        ("date_assigned", "date", dialect["date"].format("l.date_assigned")),
        ("priority", "nullable", "NULLIF(l.priority, '')"),
        ("original_request", "text", "i.original_request"),
        ("authorized_portion", "text", "i.authorized_portion"),
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
