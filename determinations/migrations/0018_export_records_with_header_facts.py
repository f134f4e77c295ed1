"""The export gained columns (decision date, date assigned, priority, and a partly
authorized item's original request and authorized portion): the records stored before are
deleted, with the dictionaries trained on them. The records are written again once every
migration has run (`signals.write_missing_export_records`); until then an export formats
each item on the spot."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("determinations", "0017_letter_header_and_partial_items")]

    operations = [
        migrations.RunSQL(
            [
                "DELETE FROM determinations_exportrecord",
                "DELETE FROM determinations_recorddictionary",
            ],
            migrations.RunSQL.noop,
        ),
    ]
