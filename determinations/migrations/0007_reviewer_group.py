"""The `reviewer` group: data stewards who fix letters and items, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER_GROUP = "reviewer"
PERMISSIONS = [
    "view_letter", "change_letter",
    "view_disputeditem", "add_disputeditem", "change_disputeditem", "delete_disputeditem",
    "view_parseissue", "change_parseissue",
    "view_handcorrection",
    "view_drugname", "add_drugname", "change_drugname",
    "view_medication", "view_drugclass", "view_specialty", "view_licensurestate",
    "view_rejectedsource",
]  # fmt: skip


def create_reviewer_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this group needs them now.
    app_config = apps.get_app_config("determinations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="determinations", codename__in=PERMISSIONS
        )
    )


def remove_reviewer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REVIEWER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("determinations", "0006_drug_names"),
    ]

    operations = [migrations.RunPython(create_reviewer_group, remove_reviewer_group)]
