"""Full-text search storage, one kind per database (determinations/search/backends/)."""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE determinations_disputeditem ADD COLUMN search_vector tsvector",
    "CREATE INDEX determinations_item_search_gin ON determinations_disputeditem "
    "USING GIN (search_vector)",
]
POSTGRES_BACKWARD = ["ALTER TABLE determinations_disputeditem DROP COLUMN search_vector"]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE determinations_item_fts USING fts5("
    "names, rationale, guidelines, summary, tokenize = 'porter unicode61 remove_diacritics 2')"
]
SQLITE_BACKWARD = ["DROP TABLE determinations_item_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("determinations", "0002_medication_search_names")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
