"""Export records: every item's CSV line and JSON object, formatted once (0011 stores
them compressed and writes them for the letters already stored)."""

import django.db.models.deletion
from django.db import migrations, models

# On SQLite an INTEGER PRIMARY KEY is the row id itself: one B-tree, read by id directly
# (Django's own DDL would say bigint, which SQLite keeps beside a hidden row id).
CREATE = {
    "sqlite": "CREATE TABLE determinations_exportrecord ("
    " item_id integer NOT NULL PRIMARY KEY, csv_record text NOT NULL, json_record text NOT NULL)",
    "postgresql": "CREATE TABLE determinations_exportrecord ("
    " item_id bigint NOT NULL PRIMARY KEY, csv_record text NOT NULL, json_record text NOT NULL)",
}


def create_table(apps, schema_editor):
    schema_editor.execute(CREATE[schema_editor.connection.vendor])


def drop_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE determinations_exportrecord")


class Migration(migrations.Migration):
    dependencies = [("determinations", "0007_reviewer_group")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_table, drop_table)],
            state_operations=[
                migrations.CreateModel(
                    name="ExportRecord",
                    fields=[
                        (
                            "item",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="determinations.disputeditem",
                            ),
                        ),
                        ("csv_record", models.TextField()),
                        ("json_record", models.TextField()),
                    ],
                ),
            ],
        ),
    ]
