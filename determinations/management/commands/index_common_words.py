"""`python manage.py index_common_words`: rebuild the bitmaps of the words in many items."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from determinations.search.common_words import refresh_common_words


class Command(BaseCommand):
    help = (
        "Bring the item bitmaps of frequent words up to date (searches for broad words read "
        "them instead of the full-text index). Ingest and reparse do this at their end; run it "
        "after loading a database some other way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-items",
            type=int,
            help="items a word must be in (default: 0.2%% of the items, at least 2,000)",
        )

    def handle(self, *args, min_items: int | None, **options) -> None:
        start = time.perf_counter()
        words = refresh_common_words(min_items=min_items)
        seconds = time.perf_counter() - start
        self.stdout.write(f"{words} common words have item bitmaps ({seconds:.1f} s)")
