"""Keep search structures in step when letters or items change outside the ingest service."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from determinations.models import CorpusVersion, DisputedItem, Letter
from determinations.search.backends import backend


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
