"""Full-text search storage, one kind per database (determinations/search/backends/)."""

from django.db import migrations

# A narrow table of its own: matching and ranking read far fewer pages than they would
# with the vector beside the item's texts (measured: 3x faster for phrases at 100k items).
POSTGRES_FORWARD = [
    # No foreign key: Django's test flush truncates the items table without CASCADE.
    # Deleted items' rows are removed by `forget_items`; PostgreSQL never reuses an id.
    "CREATE TABLE determinations_item_search ("
    " item_id bigint PRIMARY KEY, search_vector tsvector NOT NULL)",
    "CREATE INDEX determinations_item_search_gin ON determinations_item_search "
    "USING GIN (search_vector)",
]
POSTGRES_BACKWARD = ["DROP TABLE determinations_item_search"]
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
