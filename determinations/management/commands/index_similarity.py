"""`python manage.py index_similarity`: recompute every item's rationale band keys and
phrase set (`--missing-shingles`: only store the phrase sets items lack)."""

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

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--missing-shingles",
            action="store_true",
            help="only store the phrase sets of items that have none (after the upgrade that "
            "stores them; until then lookups compute them, slower), band keys left as they are",
        )

    def handle(self, *args, missing_shingles: bool = False, **options) -> None:
        with progress_bar(DisputedItem.objects.count(), unit="item") as advance:
            if missing_shingles:
                stored = similarity.store_missing_shingles(progress=advance)
                self.stdout.write(f"stored the phrase sets of {stored} items")
                return
            indexed = similarity.rebuild_index(progress=advance)
        backend().refresh_statistics()
        self.stdout.write(f"indexed the rationales of {indexed} items")
