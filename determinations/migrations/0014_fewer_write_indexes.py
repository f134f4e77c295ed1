"""PostgreSQL only: less work for every letter ingest writes.

- Drops the `varchar_pattern_ops` ("_like") indexes Django adds beside each indexed text
  column of letters and items. They serve only `LIKE 'prefix%'`, which no query here runs
  (the admin's searches are `UPPER(...) LIKE '%...%'`, which no index serves), and they cost
  nine more index entries a letter.
- Stores new letter texts compressed with lz4 where the server has it: several times faster
  than the default pglz, at about the same size. Texts already stored stay as they are.
"""

from django.db import DatabaseError, migrations, transaction

TABLES = ["determinations_letter", "determinations_disputeditem"]
LIKE_INDEXES = """
SELECT indexname FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = ANY(%s) AND indexdef LIKE '%%_pattern_ops%%'
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LIKE_INDEXES, [TABLES])
        for (name,) in cursor.fetchall():
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute(
                    "ALTER TABLE determinations_letter ALTER COLUMN original_text "
                    "SET COMPRESSION lz4"
                )
        except DatabaseError:  # no lz4 in this server (or before PostgreSQL 14): pglz stays
            pass


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("Letter", "DisputedItem"):
        model = apps.get_model("determinations", name)
        for field in model._meta.local_fields:
            if field.get_internal_type() == "CharField" and (field.db_index or field.unique):
                schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [("determinations", "0013_rationale_shingles")]

    operations = [migrations.RunPython(forwards, backwards)]
