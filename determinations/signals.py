"""Keep search structures and export records in step when data changes outside the ingest
service."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from determinations import similarity
from determinations.export_records import write_missing_records, write_records
from determinations.models import (
    CorpusVersion,
    DisputedItem,
    DrugClass,
    Letter,
    LicensureState,
    Medication,
    Specialty,
)
from determinations.search.backends import backend


@receiver(pre_delete, sender=DisputedItem)
def forget_similarity_keys(sender, instance: DisputedItem, **kwargs) -> None:
    # Before the delete: the keys that find the item's rows go with its shingle set.
    similarity.forget_sketches([instance.pk])


@receiver(post_delete, sender=DisputedItem)
def forget_deleted_item(sender, instance: DisputedItem, **kwargs) -> None:
    backend().forget_items([instance.pk])
    CorpusVersion.bump()


@receiver(post_save, sender=DisputedItem)
@receiver(post_save, sender=Letter)
@receiver(post_delete, sender=Letter)
def corpus_changed(sender, **kwargs) -> None:
    CorpusVersion.bump()


@receiver(m2m_changed, sender=Letter.reviewer_states.through)
@receiver(m2m_changed, sender=Letter.reviewer_specialties.through)
def reviewer_facts_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        CorpusVersion.bump()


# The name each of these shows in export records (SPEC: Export columns).
_EXPORTED_NAMES = {
    Medication: "generic_name",
    DrugClass: "name",
    Specialty: "name",
    LicensureState: "code",
}


@receiver(pre_save, sender=Medication)
@receiver(pre_save, sender=DrugClass)
@receiver(pre_save, sender=Specialty)
@receiver(pre_save, sender=LicensureState)
def remember_exported_name(sender, instance, **kwargs) -> None:
    stored = sender.objects.filter(pk=instance.pk) if instance.pk else sender.objects.none()
    instance._exported_name = stored.values_list(_EXPORTED_NAMES[sender], flat=True).first()


@receiver(post_save, sender=Medication)
@receiver(post_save, sender=DrugClass)
@receiver(post_save, sender=Specialty)
@receiver(post_save, sender=LicensureState)
def rewrite_records_of_renamed(sender, instance, created: bool, **kwargs) -> None:
    """A renamed medication, class, specialty or state shows its new name in every export."""
    if created or instance._exported_name == getattr(instance, _EXPORTED_NAMES[sender]):
        return
    write_records(_letters_showing(instance))


def _letters_showing(instance) -> set[int]:
    if isinstance(instance, Medication | DrugClass):
        field = "medication" if isinstance(instance, Medication) else "drug_class"
        items = DisputedItem.objects.filter(**{field: instance}).order_by()
        return set(items.values_list("letter_id", flat=True))
    return set(instance.letters.values_list("pk", flat=True))


@receiver(post_migrate)
def write_missing_export_records(sender, using: str, plan=None, **kwargs) -> None:
    """After `migrate` has applied migrations, write the export records a migration deleted
    (0018: the export gained columns), in the current format.

    Only once the database is fully migrated: the formatting reads every exported column.
    """
    if sender.name != "determinations" or using != DEFAULT_DB_ALIAS or not plan:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an earlier state on purpose
    write_missing_records()
