"""PostgreSQL only: drops the `varchar_pattern_ops` ("_like") index Django adds beside the
letters' indexed `priority` column (0017), as 0014 dropped the others: no query here runs
`LIKE 'prefix%'`, and every letter ingest writes would pay for one more index entry."""

from django.db import migrations

LIKE_INDEXES = """
SELECT indexname FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = ANY(%s) AND indexdef LIKE '%%_pattern_ops%%'
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LIKE_INDEXES, [["determinations_letter", "determinations_disputeditem"]])
        for (name,) in cursor.fetchall():
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("determinations", "Letter")
    schema_editor.execute(
        schema_editor._create_like_index_sql(model, model._meta.get_field("priority"))
    )


class Migration(migrations.Migration):
    dependencies = [("determinations", "0018_export_records_with_header_facts")]

    operations = [migrations.RunPython(forwards, backwards)]
