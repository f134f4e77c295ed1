"""Export records stored compressed (zstd, with dictionaries trained on the corpus): the
table is made anew, and every stored letter's records are written again once every migration
has run (`signals.write_missing_export_records`: the code that formats them formats the
current columns, which this schema may not have yet)."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "determinations_exportrecord"
CREATE = {  # INTEGER PRIMARY KEY: on SQLite the row id itself (see 0008)
    "sqlite": f"CREATE TABLE {TABLE} (item_id integer NOT NULL PRIMARY KEY, "
    "dictionary_id integer NULL, csv_record blob NOT NULL, json_record blob NOT NULL)",
    "postgresql": f"CREATE TABLE {TABLE} (item_id bigint NOT NULL PRIMARY KEY, "
    "dictionary_id bigint NULL, csv_record bytea NOT NULL, json_record bytea NOT NULL)",
}
# PostgreSQL would try to compress the compressed records again; EXTERNAL stores them as is.
POSTGRES_STORAGE = [
    f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STORAGE EXTERNAL"
    for column in ("csv_record", "json_record")
]


def recreate_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(f"DROP TABLE {TABLE}")
    schema_editor.execute(CREATE[vendor])
    for statement in POSTGRES_STORAGE if vendor == "postgresql" else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("determinations", "0010_search_column_indexes")]

    operations = [
        migrations.CreateModel(
            name="RecordDictionary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("csv_dictionary", models.BinaryField()),
                ("json_dictionary", models.BinaryField()),
                (
                    "trained_on",
                    models.PositiveIntegerField(help_text="Records the dictionaries learned from"),
                ),
                ("trained_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(recreate_table, migrations.RunPython.noop)],
            state_operations=[
                migrations.AlterField(
                    model_name="exportrecord", name="csv_record", field=models.BinaryField()
                ),
                migrations.AlterField(
                    model_name="exportrecord", name="json_record", field=models.BinaryField()
                ),
                migrations.AddField(
                    model_name="exportrecord",
                    name="dictionary",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="determinations.recorddictionary",
                    ),
                ),
            ],
        ),
    ]
