"""`python manage.py index_similarity`: recompute every item's rationale band keys."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from determinations import similarity
from determinations.management.commands._progress import progress_bar
from determinations.models import DisputedItem
from determinations.search.backends import backend


class Command(BaseCommand):
    help = (
        "Recompute the similar-rationale index of every disputed item. Ingest, reparse and "
        "admin edits keep it current; run this only after changing how rationales are sketched."
    )

    def handle(self, *args, **options) -> None:
        with progress_bar(DisputedItem.objects.count(), unit="item") as advance:
            indexed = similarity.rebuild_index(progress=advance)
        backend().refresh_statistics()
        self.stdout.write(f"indexed the rationales of {indexed} items")
