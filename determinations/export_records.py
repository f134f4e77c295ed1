"""Export records (SPEC: Export columns): the one definition of the export's columns, and
each item's CSV line and JSON object, formatted by the database from it, stored compressed
(zstd, with a dictionary trained on this corpus's own records, `RecordDictionary`) and read
back by id for every export.

Why stored, not formatted per export: an export writes every item of the corpus, and
formatting a row in Python (`csv.writer`, a JSON encoder) costs several times the work of
reading and unpacking a stored one, too much for the export target of issue 29 at a million
letters (`bench/export_plain.py` measures both; bench/RESULTS.md has the figures).
Uncompressed, the records would not stay cached beside the rest of a million-letter corpus,
and an export would wait on the disk for every row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import zstandard
from django.db import connection, transaction

from determinations.ingest import bulk
from determinations.models import ExportRecord, RecordDictionary
from determinations.routing import read_connection
from determinations.search.backends.export_sql import (
    formatting_sql,
    ids_param,
    in_ids,
    table,
    wanted,
)

# The export's columns in SPEC order: (name, kind, what it reads). Kinds: number and date
# (bare in CSV), text (quoted, formula-neutralised), list (joined with `; ` in CSV, an array
# in JSON). What a column reads is SQL over the item `i`, its letter `l`, its medication `m`
# and drug class `c`; a list reads a letter's reviewer facts or a JSON array column. Adding
# a column: one line here, and a migration that deletes the stored records (as 0018 does).
COLUMNS = [
    ("determination_id", "number", "l.id"),
    ("case_number", "text", "l.case_number"),
    ("source_file", "text", "l.source_file"),
    ("patient_age", "number", "l.patient_age"),
    ("patient_sex", "text", "NULLIF(l.patient_sex, '')"),
    ("date_of_injury", "date", "l.date_of_injury"),
    ("ur_denial_date", "date", "l.ur_denial_date"),
    ("reviewer_states", "list", "reviewer_states"),
    ("reviewer_specialties", "list", "reviewer_specialties"),
    ("diagnoses", "list", "l.diagnoses"),
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
    # after the first wave (SPEC: Export columns, "After these columns")
    ("decision_date", "date", "l.decision_date"),
    ("date_assigned", "date", "l.date_assigned"),
    ("priority", "text", "NULLIF(l.priority, '')"),
    ("original_request", "text", "i.original_request"),
    ("authorized_portion", "text", "i.authorized_portion"),
]
WRITE_CHUNK = 500  # letters per statement
TRAIN_ON = 1000  # records a dictionary is trained on, once the corpus has that many
DICTIONARY_BYTES = 32 * 1024
LEVEL = 3
FORMATS = ("csv", "json")
_local = threading.local()  # zstd (de)compressors are not safe to share between threads


def write_records(letter_ids: Iterable[int], replace: bool = True) -> None:
    """(Re)write the export records of every item of these letters (``replace=False``:
    letters just stored, which have none yet)."""
    letter_ids = list(letter_ids)
    with connection.cursor() as cursor:
        for start in range(0, len(letter_ids), WRITE_CHUNK):
            chunk = ids_param(letter_ids[start : start + WRITE_CHUNK])
            if replace:
                cursor.execute(
                    f"DELETE FROM {table('record')} WHERE item_id IN "
                    f"(SELECT i.id FROM {wanted()} JOIN {table('item')} i "
                    "ON i.letter_id = wanted.value)",
                    [chunk],
                )
            cursor.execute(formatting_sql(COLUMNS, "letter_id"), [chunk])
            formatted = cursor.fetchall()
            dictionary = _dictionary(formatted)
            pack, _ = _codecs(dictionary)
            bulk.insert_rows(
                ExportRecord,
                ("item_id", "dictionary_id", "csv_record", "json_record"),
                [
                    (pk, dictionary, pack["csv"](csv.encode()), pack["json"](json.encode()))
                    for pk, csv, json in formatted
                ],
            )


def write_missing_records() -> int:
    """Write the records of every letter that has an item without one; the number of letters.

    Run after the migrations (`determinations/index/`): a migration that changes the export's
    columns deletes the stored records, as it cannot format them itself (a migration must not
    run this module, which formats the current columns, on an older schema).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT i.letter_id FROM {table('item')} i WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table('record')} r WHERE r.item_id = i.id) ORDER BY i.letter_id"
        )
        letter_ids = [row[0] for row in cursor.fetchall()]
    write_records(letter_ids)
    return len(letter_ids)


def stored_records(item_ids: list[int], fmt: str) -> dict[int, str]:
    """The stored records of ``fmt`` (csv; json and jsonl share the JSON object) of these
    items, by item id; an item without one is left out."""
    fmt = "csv" if fmt == "csv" else "json"
    column = f"{fmt}_record"
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT item_id, dictionary_id, {column} FROM {table('record')} "
            f"WHERE item_id {in_ids()}",
            [ids_param(item_ids)],
        )
        rows = cursor.fetchall()
    unpack = {dictionary: _codecs(dictionary)[1][fmt] for dictionary in {row[1] for row in rows}}
    return {pk: unpack[dictionary](data).decode() for pk, dictionary, data in rows}


def formatted_now(item_ids: list[int], fmt: str) -> dict[int, str]:
    """The records of ``fmt`` of these items, formatted by this query, stored or not.

    For an item whose stored record is missing: every write path stores one, but an export
    must never leave out an item because one was not.
    """
    column = "csv_record" if fmt == "csv" else "json_record"
    sql = f"SELECT item_id, {column} FROM ({formatting_sql(COLUMNS, 'id')}) AS formatted"
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [ids_param(item_ids)])
        return dict(cursor.fetchall())


def _dictionary(formatted: list[tuple[int, str, str]]) -> int | None:
    """The dictionary new records use: the newest, trained now if there is none and the
    corpus holds enough records to learn from (until then records are compressed alone)."""
    newest = RecordDictionary.objects.order_by("-pk").values_list("pk", flat=True).first()
    if newest is not None:
        return newest
    stored = list(
        ExportRecord.objects.filter(dictionary=None).values_list("csv_record", "json_record")[
            :TRAIN_ON
        ]
    )
    _, unpack = _codecs(None)
    samples = [(unpack["csv"](c), unpack["json"](j)) for c, j in stored]
    samples += [(csv.encode(), json.encode()) for _, csv, json in formatted]
    if len(samples) < TRAIN_ON:
        return None
    try:
        trained = [
            zstandard.train_dictionary(DICTIONARY_BYTES, [sample[n] for sample in samples])
            for n in range(len(FORMATS))
        ]
    except zstandard.ZstdError:  # samples too alike or too few to learn from: try later
        return None
    with transaction.atomic():
        return RecordDictionary.objects.create(
            csv_dictionary=trained[0].as_bytes(),
            json_dictionary=trained[1].as_bytes(),
            trained_on=len(samples),
        ).pk


def _codecs(dictionary: int | None) -> tuple[dict, dict]:
    """Compress and decompress functions per format for one dictionary (None: none), made
    once per thread."""
    codecs = getattr(_local, "codecs", None)
    if codecs is None:
        codecs = _local.codecs = {}
    if dictionary not in codecs:
        data = {fmt: None for fmt in FORMATS}
        if dictionary is not None:
            stored = RecordDictionary.objects.get(pk=dictionary)
            data = {"csv": bytes(stored.csv_dictionary), "json": bytes(stored.json_dictionary)}
        compress, decompress = {}, {}
        for fmt, raw in data.items():
            trained = zstandard.ZstdCompressionDict(raw) if raw else None
            compress[fmt] = zstandard.ZstdCompressor(level=LEVEL, dict_data=trained).compress
            decompress[fmt] = zstandard.ZstdDecompressor(dict_data=trained).decompress
        codecs[dictionary] = (compress, decompress)
    return codecs[dictionary]
