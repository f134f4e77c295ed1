"""Keep the search index in step when disputed items are deleted (admin, reparse)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from determinations.models import DisputedItem
from determinations.search.backends import backend


@receiver(post_delete, sender=DisputedItem)
def forget_deleted_item(sender, instance: DisputedItem, **kwargs) -> None:
    backend().forget_items([instance.pk])
