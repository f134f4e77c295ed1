"""Band keys staged at ingest and merged in key order; on SQLite both band tables are
clustered by their primary key (WITHOUT ROWID), one B-tree fewer to write per key."""

import django.db.models.deletion
from django.db import migrations, models


def _without_rowid(schema_editor, table: str, index: str | None) -> None:
    execute = schema_editor.execute
    execute(
        f'CREATE TABLE "{table}_new" ("key" bigint NOT NULL, "item_id" bigint NOT NULL, '
        'PRIMARY KEY ("item_id", "key")) WITHOUT ROWID'
    )
    execute(f'INSERT INTO "{table}_new" SELECT "key", "item_id" FROM "{table}" ORDER BY 2, 1')
    execute(f'DROP TABLE "{table}"')
    execute(f'ALTER TABLE "{table}_new" RENAME TO "{table}"')
    if index:
        execute(f'CREATE INDEX "{index}" ON "{table}" ("key", "item_id")')


def cluster_sqlite_band_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    _without_rowid(schema_editor, "determinations_rationaleband", "rationale_band_key")
    _without_rowid(schema_editor, "determinations_stagedrationaleband", None)


class Migration(migrations.Migration):
    dependencies = [("determinations", "0008_export_records")]

    operations = [
        migrations.CreateModel(
            name="StagedRationaleBand",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "item_id", "key", blank=True, editable=False, primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "item",
                    models.ForeignKey(
                        db_constraint=False, db_index=False,
                        on_delete=django.db.models.deletion.CASCADE, related_name="+",
                        to="determinations.disputeditem",
                    ),
                ),
            ],
        ),
        migrations.RunPython(cluster_sqlite_band_tables, migrations.RunPython.noop),
    ]
