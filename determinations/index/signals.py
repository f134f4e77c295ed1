"""Model signals that tell the index what changed outside the ingest service (the admin, a
shell): each receiver only says what happened; `determinations.index` knows what follows."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import signals
from django.dispatch import receiver

from determinations import index
from determinations.export_records import write_missing_records
from determinations.models import (
    CorpusVersion,
    DisputedItem,
    DrugClass,
    Letter,
    LicensureState,
    Medication,
    Specialty,
)


@receiver(signals.pre_delete, sender=DisputedItem)
def item_deleted(sender, instance: DisputedItem, **kwargs) -> None:
    index.items_deleted([instance.pk])


@receiver(signals.post_save, sender=DisputedItem)
@receiver(signals.post_save, sender=Letter)
@receiver(signals.post_delete, sender=Letter)
def corpus_changed(sender, **kwargs) -> None:
    CorpusVersion.bump()  # in-memory search columns reload


@receiver(signals.m2m_changed, sender=Letter.reviewer_states.through)
@receiver(signals.m2m_changed, sender=Letter.reviewer_specialties.through)
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


def remember_exported_name(sender, instance, **kwargs) -> None:
    stored = sender.objects.filter(pk=instance.pk) if instance.pk else sender.objects.none()
    instance._exported_name = stored.values_list(_EXPORTED_NAMES[sender], flat=True).first()


def name_changed(sender, instance, created: bool, **kwargs) -> None:
    """A renamed medication, class, specialty or state shows its new name in every export."""
    if created or instance._exported_name == getattr(instance, _EXPORTED_NAMES[sender]):
        return
    index.names_changed(sorted(_letters_showing(instance)))


for named in _EXPORTED_NAMES:
    signals.pre_save.connect(remember_exported_name, sender=named)
    signals.post_save.connect(name_changed, sender=named)


def _letters_showing(instance) -> set[int]:
    if isinstance(instance, Medication | DrugClass):
        field = "medication" if isinstance(instance, Medication) else "drug_class"
        items = DisputedItem.objects.filter(**{field: instance}).order_by()
        return set(items.values_list("letter_id", flat=True))
    return set(instance.letters.values_list("pk", flat=True))


@receiver(signals.post_migrate)
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
    write_missing_records()  # export hook
