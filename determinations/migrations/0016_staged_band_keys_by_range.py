"""Staged band keys as one row a batch of items, not one row a key.

Each item's keys are already stored beside its shingle set (`RationaleShingles.band_keys`,
migration 0015), so a merge reads them from there; the staged keys still waiting (a run
cut short) are merged into the key index before their table goes.
"""

from django.db import migrations, models

BANDS = "determinations_rationaleband"
STAGED = "determinations_stagedrationaleband"


def merge_staged_keys(apps, schema_editor):
    # "WHERE true": SQLite's parser needs it before ON CONFLICT after a SELECT.
    schema_editor.execute(
        f'INSERT INTO {BANDS} (item_id, "key") SELECT item_id, "key" FROM {STAGED} '
        'WHERE true ORDER BY "key", item_id ON CONFLICT DO NOTHING'
    )


class Migration(migrations.Migration):
    dependencies = [("determinations", "0015_band_keys_by_key")]

    operations = [
        migrations.CreateModel(
            name="StagedBandKeys",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_item_id", models.BigIntegerField()),
                ("last_item_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(merge_staged_keys, migrations.RunPython.noop),
        migrations.DeleteModel(name="StagedRationaleBand"),
    ]
