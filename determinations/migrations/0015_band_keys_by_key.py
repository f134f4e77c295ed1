"""The band-key index keyed by (key, item) alone, each item's keys stored with its shingle set.

The table had two B-trees, (item, key) and (key, item); a merge of staged keys inserts in
key order, so the first took its rows in random order, and that was most of every merge.
An item's rows are now found through the keys stored beside its shingle set
(`RationaleShingles.band_keys`), which this migration fills from the table (the whole
migration took 6.7 s on PostgreSQL and 13.4 s on SQLite at 50,000 letters, 118,197 items).
"""

from collections import defaultdict

import numpy as np
from django.db import migrations, models

BANDS = "determinations_rationaleband"
STAGED = "determinations_stagedrationaleband"
SHINGLES = "determinations_rationaleshingles"
FILL_CHUNK = 20_000  # items per statement on SQLite

_FILL_POSTGRES = f"""
UPDATE {SHINGLES} AS s SET band_keys = b.keys
FROM (
    SELECT item_id, string_agg(int8send("key"), ''::bytea ORDER BY "key") AS keys
    FROM (SELECT item_id, "key" FROM {BANDS} UNION SELECT item_id, "key" FROM {STAGED}) AS k
    GROUP BY item_id
) AS b
WHERE s.item_id = b.item_id
"""


def fill_band_keys(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_FILL_POSTGRES)
            return
        last = 0
        while True:
            cursor.execute(
                f"SELECT item_id FROM {SHINGLES} WHERE item_id > %s ORDER BY item_id LIMIT %s",
                [last, FILL_CHUNK],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return
            span = [ids[0], ids[-1]] * 2
            cursor.execute(
                f'SELECT item_id, "key" FROM {BANDS} WHERE item_id BETWEEN %s AND %s UNION '
                f'SELECT item_id, "key" FROM {STAGED} WHERE item_id BETWEEN %s AND %s',
                span,
            )
            keys = defaultdict(list)
            for item_id, key in cursor.fetchall():
                keys[item_id].append(key)
            cursor.executemany(
                f"UPDATE {SHINGLES} SET band_keys = %s WHERE item_id = %s",
                [(_packed(item_keys), item_id) for item_id, item_keys in keys.items()],
            )
            last = ids[-1]


def _packed(keys: list[int]) -> bytes:
    """As `minhash.packed_band_keys`, repeated so that this migration never changes."""
    return np.unique(np.array(keys, dtype=np.int64)).astype(">i8").tobytes()


def key_by_key(apps, schema_editor):
    _rekey(schema_editor, '"key", "item_id"', index=False)


def key_by_item(apps, schema_editor):
    _rekey(schema_editor, '"item_id", "key"', index=True)


def _rekey(schema_editor, primary_key: str, index: bool) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'p'",
                [BANDS],
            )
            (constraint,) = cursor.fetchone()
        execute("DROP INDEX IF EXISTS rationale_band_key")
        execute(f'ALTER TABLE {BANDS} DROP CONSTRAINT "{constraint}"')
        execute(f"ALTER TABLE {BANDS} ADD PRIMARY KEY ({primary_key})")
    else:  # SQLite cannot change a primary key: the table is copied (WITHOUT ROWID, as 0009)
        execute(
            f'CREATE TABLE "{BANDS}_new" ("key" bigint NOT NULL, "item_id" bigint NOT NULL, '
            f"PRIMARY KEY ({primary_key})) WITHOUT ROWID"
        )
        execute(f'INSERT INTO "{BANDS}_new" SELECT "key", "item_id" FROM {BANDS} ORDER BY 1, 2')
        execute(f"DROP TABLE {BANDS}")
        execute(f'ALTER TABLE "{BANDS}_new" RENAME TO {BANDS}')
    if index:
        execute(f'CREATE INDEX rationale_band_key ON {BANDS} ("key", "item_id")')


class Migration(migrations.Migration):
    dependencies = [("determinations", "0014_fewer_write_indexes")]

    operations = [
        migrations.AddField(
            model_name="rationaleshingles",
            name="band_keys",
            field=models.BinaryField(null=True),
        ),
        migrations.RunPython(fill_band_keys, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="rationaleband", name="rationale_band_key"),
                migrations.AlterField(
                    model_name="rationaleband",
                    name="item",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="determinations.disputeditem",
                    ),
                ),
                migrations.AlterField(
                    model_name="rationaleband",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "key", "item_id", blank=True, editable=False, primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(key_by_key, key_by_item)],
        ),
    ]
