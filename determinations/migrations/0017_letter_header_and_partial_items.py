# The letter header's decision date, priority and date received (SPEC: export columns),
# partly authorized items, and whether a letter came as a PDF.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('determinations', '0016_staged_band_keys_by_range'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='letter',
            name='letter_search_columns',
        ),
        migrations.RenameField(
            model_name='letter',
            old_name='date_received',
            new_name='application_received_date',
        ),
        migrations.RenameField(
            model_name='letter',
            old_name='date_decided',
            new_name='decision_date',
        ),
        migrations.AlterField(
            model_name='letter',
            name='decision_date',
            field=models.DateField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name='disputeditem',
            name='authorized_portion',
            field=models.TextField(blank=True, help_text='Partly authorized item: the part the claims administrator allowed'),
        ),
        migrations.AddField(
            model_name='disputeditem',
            name='original_request',
            field=models.TextField(blank=True, help_text='Partly authorized item: what the physician first requested'),
        ),
        migrations.AddField(
            model_name='letter',
            name='priority',
            field=models.CharField(blank=True, choices=[('standard', 'Standard'), ('expedited', 'Expedited'), ('', 'Not stated')], max_length=9),
        ),
        migrations.AddField(
            model_name='letter',
            name='source_format',
            field=models.CharField(choices=[('text', 'Text'), ('pdf', 'PDF')], default='text', help_text='PDF: the text was extracted from the PDF, which is kept (its SHA-256 above)', max_length=4),
        ),
        migrations.AddIndex(
            model_name='letter',
            index=models.Index(fields=['id', 'patient_sex', 'patient_age', 'date_of_injury', 'ur_denial_date', 'decision_date', 'priority'], name='letter_search_columns'),
        ),
    ]
